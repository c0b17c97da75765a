package main

import (
	"bytes"
	"encoding/xml"
	"errors"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/successkit/cs/examples/internal/golden"
)

func runArgs(t *testing.T, args ...string) []byte {
	t.Helper()
	var out bytes.Buffer
	if err := run(args, &out); err != nil {
		t.Fatalf("run(%q) = %v", args, err)
	}
	return out.Bytes()
}

func TestGolden(t *testing.T) {
	for _, tc := range []struct {
		name string
		args []string
	}{
		// The default run: what `go run ./examples/portfolio` prints.
		{"default.golden", nil},
		// The same report as one JSON document.
		{"default_json.golden", []string{"-format", "json"}},
		// Another seed and date change the book and the renewal windows.
		{"seed2_asof.golden", []string{"-seed", "2", "-asof", "2026-05-15"}},
		// A user's file, with bad rows reported and the good ones still counted.
		{"customers_file.golden", []string{"-customers", "testdata/customers.csv", "-asof", "2026-06-30"}},
	} {
		t.Run(tc.name, func(t *testing.T) { golden.Check(t, tc.name, runArgs(t, tc.args...)) })
	}
}

// TestWrittenBookReadsBack writes the sample book with -write and reads it back
// with the file flags: the report is the embedded run's, but for its source line.
func TestWrittenBookReadsBack(t *testing.T) {
	dir := t.TempDir()
	out := runArgs(t, "-write", dir)
	if n := bytes.Count(out, []byte("wrote ")); n != 7 {
		t.Fatalf("-write printed %q, want 7 files", out)
	}
	args := []string{"-customers", filepath.Join(dir, "customers.csv"), "-asof", "2026-06-30"}
	for _, f := range fileFlags {
		args = append(args, "-"+f.flag, filepath.Join(dir, f.file))
	}
	fromFiles := runArgs(t, args...)
	embedded := runArgs(t)
	_, a, _ := bytes.Cut(fromFiles, []byte("\n"))
	_, b, _ := bytes.Cut(embedded, []byte("\n"))
	if !bytes.Equal(a, b) {
		t.Errorf("report from the written files differs from the embedded run:\n%s", golden.FirstDiff(b, a))
	}

	// The report does not depend on the order of the rows: reverse every file.
	for _, name := range []string{"customers.csv", "contacts.csv", "case_events.csv", "surveys.csv", "mrr.csv", "outcomes.csv", "snapshots.csv"} {
		path := filepath.Join(dir, name)
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		// No cell of the sample book holds a line break, so a line is a row.
		lines := strings.Split(strings.TrimSuffix(string(data), "\n"), "\n")
		slices.Reverse(lines[1:])
		if err := os.WriteFile(path, []byte(strings.Join(lines, "\n")+"\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	reversed := runArgs(t, args...)
	if !bytes.Equal(reversed, fromFiles) {
		t.Errorf("report from files with their rows reversed differs:\n%s", golden.FirstDiff(fromFiles, reversed))
	}
}

func TestFlagErrors(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"-format", "xml"}, `portfolio: -format "xml": want text or json`},
		{[]string{"-asof", "2026-02-30"}, `portfolio: -asof "2026-02-30"`},
		{[]string{"-customers", "x.csv"}, "portfolio: -asof is required with -customers"},
		{[]string{"-mrr", "mrr.csv"}, "portfolio: -mrr needs -customers"},
		{[]string{"-seed", "0"}, "portfolio: -seed 0"},
		{[]string{"extra"}, `portfolio: unexpected argument "extra"`},
		{[]string{"-nope"}, "portfolio: flag provided but not defined: -nope"},
		{[]string{"-customers", "testdata/missing.csv", "-asof", "2026-06-30"}, "portfolio: open testdata/missing.csv"},
		{[]string{"-policy", "testdata/customers.csv"}, "portfolio: policy: touch:"},
		{[]string{"-health", "testdata/customers.csv"}, "portfolio: scorecard testdata/customers.csv: health:"},
		{[]string{"-health", "testdata/missing.json"}, "portfolio: open testdata/missing.json"},
	} {
		var out bytes.Buffer
		err := run(tc.args, &out)
		if err == nil || !strings.HasPrefix(err.Error(), tc.want) {
			t.Errorf("run(%q) = %v, want an error starting %q", tc.args, err, tc.want)
		}
	}
}

// TestHTMLReport checks that the HTML page is well-formed XML (XHTML syntax),
// self-contained (no script, no external resource) and holds every chart, and
// keeps it as a golden file.
func TestHTMLReport(t *testing.T) {
	path := filepath.Join(t.TempDir(), "report.html")
	runArgs(t, "-report", path)
	page, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	ids := checkPage(t, page)
	for _, id := range chartIDs() {
		if !ids[id] {
			t.Errorf("report.html has no chart %q", id)
		}
	}
	golden.Check(t, "report.html.golden", page)

	// A user's book with customers only: the sections without data are left out
	// and the page stays well-formed, names with markup characters escaped.
	path = filepath.Join(t.TempDir(), "small.html")
	runArgs(t, "-customers", "testdata/customers.csv", "-asof", "2026-06-30", "-report", path)
	if page, err = os.ReadFile(path); err != nil {
		t.Fatal(err)
	}
	ids = checkPage(t, page)
	if !ids[chartGrades] || ids[chartTrend] || ids[chartROC] {
		t.Errorf("small report charts %v, want the grades and no trend nor ROC", ids)
	}
}

// checkPage parses the page strictly and returns the ids it holds.
func checkPage(t *testing.T, page []byte) map[string]bool {
	t.Helper()
	dec := xml.NewDecoder(bytes.NewReader(page))
	dec.Strict = true
	ids := map[string]bool{}
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("the page is not well-formed: %v", err)
		}
		if se, ok := tok.(xml.StartElement); ok {
			for _, a := range se.Attr {
				if a.Name.Local == "id" {
					ids[a.Value] = true
				}
				if (a.Name.Local == "src" || a.Name.Local == "href") && a.Name.Space == "" {
					t.Errorf("<%s %s=%q>: the page must not load anything", se.Name.Local, a.Name.Local, a.Value)
				}
			}
			if se.Name.Local == "script" || se.Name.Local == "link" || se.Name.Local == "img" {
				t.Errorf("<%s> in a self-contained page", se.Name.Local)
			}
		}
	}
	return ids
}

// TestUserFileNamedInErrors checks that a bad row of a user's outcomes or snapshots
// file is reported under the user's file name: it was reported as outcomes.csv or
// snapshots.csv, the sample book's names, whatever the file was called.
func TestUserFileNamedInErrors(t *testing.T) {
	dir := t.TempDir()
	outcomes := filepath.Join(dir, "my_outcomes.csv")
	snapshots := filepath.Join(dir, "my_snapshots.csv")
	if err := os.WriteFile(outcomes, []byte("id,churned\nC1,maybe\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(snapshots, []byte("as_of,id,mrr,currency\n2026-05-31,C1,-1,USD\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	out := string(runArgs(t, "-customers", "testdata/customers.csv", "-asof", "2026-06-30",
		"-outcomes", outcomes, "-snapshots", snapshots))
	for _, want := range []string{"my_outcomes.csv:2", "my_snapshots.csv:2"} {
		if !strings.Contains(out, want) {
			t.Errorf("report does not name %q; it says:\n%s", want, out)
		}
	}
}

// TestHelp checks that -h lists every flag, with the examples, and is not an
// error.
func TestHelp(t *testing.T) {
	var buf bytes.Buffer
	if err := run([]string{"-h"}, &buf); !errors.Is(err, errHelp) {
		t.Fatalf("run(-h) = %v, want errHelp (exit 0)", err)
	}
	out := buf.Bytes()
	golden.Check(t, "help.golden", out)
	for _, f := range []string{"customers", "contacts", "events", "surveys", "mrr", "outcomes", "snapshots", "policy",
		"health", "asof", "seed", "format", "report", "write"} {
		if !bytes.Contains(out, []byte("\n  -"+f+" ")) {
			t.Errorf("-h does not list -%s:\n%s", f, out)
		}
	}
}

// TestHealthFlag scores a user's book with the user's scorecard: its version
// heads the health section, and a measure on a signal the book has scores it.
func TestHealthFlag(t *testing.T) {
	path := filepath.Join(t.TempDir(), "scorecard.json")
	card := `{"version": "usage-only", "profiles": [{"name": "all", "groups": [{"name": "use", "weight": 1,
		"measures": [{"name": "usage", "signal": "usage", "weight": 1, "ramp": {"bad": 0, "good": 1}}]}]}]}`
	if err := os.WriteFile(path, []byte(card), 0o644); err != nil {
		t.Fatal(err)
	}
	out := string(runArgs(t, "-customers", "testdata/customers.csv", "-asof", "2026-06-30", "-health", path))
	if !strings.Contains(out, "Health (scorecard usage-only; active customers)") {
		t.Errorf("the report does not use the -health scorecard:\n%s", out)
	}
}
