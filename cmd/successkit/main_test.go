package main

import (
	"encoding/xml"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// subcommands are the command lines of every subcommand, as -h is given to
// them.
var subcommands = [][]string{
	{"init"}, {"run"}, {"tasks"}, {"task", "done"}, {"task", "skip"}, {"override", "set"}, {"override", "revoke"},
	{"override", "list"}, {"history"}, {"assess"}, {"report"}, {"replay"}, {"demo"},
}

func goldenName(words []string, suffix string) string {
	return strings.Join(words, "_") + suffix
}

// TestHelp checks each subcommand's -h: it exits 0 and lists its flags, with
// an example and -format; the list of subcommands too.
func TestHelp(t *testing.T) {
	r := mustRun(t, "help")
	checkGolden(t, "help.golden", []byte(r.stdout))
	for _, c := range commands() {
		if !strings.Contains(r.stdout, "  "+c.name+" ") {
			t.Errorf("help does not list %s", c.name)
		}
	}
	if r := run(t); r.code != 2 || !strings.Contains(r.stdout, "Subcommands:") {
		t.Errorf("successkit with no subcommand: exit %d, want 2 and the help", r.code)
	}
	for _, words := range subcommands {
		t.Run(strings.Join(words, " "), func(t *testing.T) {
			r := mustRun(t, append(words, "-h")...)
			checkGolden(t, filepath.Join("help", goldenName(words, ".golden")), []byte(r.stdout))
			for _, want := range []string{"Usage: successkit " + strings.Join(words, " "), "Example", "-format format"} {
				if !strings.Contains(r.stdout, want) {
					t.Errorf("-h does not say %q:\n%s", want, r.stdout)
				}
			}
		})
	}
}

// TestScenario is the new user's first four weeks: four weekly exports of a
// CRM in its own layout, a mapping file, a touch policy and a capacity file,
// and four `successkit run` commands, with no Go code. Each week's output
// (and its warnings about inputs the scorecard and plays read that the export
// lacks) is golden.
func TestScenario(t *testing.T) {
	db := filepath.Join(t.TempDir(), "scenario.db")
	for _, d := range scenarioWeeks {
		r := mustRun(t, scenarioArgs(db, d)...)
		out := strings.ReplaceAll(r.stdout, db, "scenario.db")
		checkGolden(t, filepath.Join("scenario", "week_"+d+".golden"), []byte(out+"--- stderr\n"+r.stderr))
	}
	r := mustRun(t, "tasks", "-db", db)
	checkGolden(t, filepath.Join("scenario", "tasks.golden"), []byte(r.stdout))
}

// TestJSON checks the -format json output of every subcommand on the
// scenario's store.
func TestJSON(t *testing.T) {
	base := scenarioStore(t, 4)
	fresh := func(t *testing.T) string {
		db := filepath.Join(t.TempDir(), "s.db")
		data, err := os.ReadFile(base)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(db, data, 0o644); err != nil {
			t.Fatal(err)
		}
		return db
	}
	replayDir := replayFiles(t)
	for _, tc := range []struct {
		name string
		args func(db string) []string
	}{
		{"init", func(db string) []string { return []string{"init", "-db", db} }},
		{"run", func(db string) []string { return scenarioArgs(db, "2026-06-30") }},
		{"tasks", func(db string) []string { return []string{"tasks", "-db", db, "-owner", "csm"} }},
		{"task_done", func(db string) []string {
			return []string{"task", "done", "ACC-021/renewal-risk#0", "-db", db, "-by", "ana", "-note", "called; they renew", "-on", "2026-07-01"}
		}},
		{"task_skip", func(db string) []string {
			return []string{"task", "skip", "ACC-002/renewal-risk#0", "-db", db, "-by", "ana", "-note", "monthly plan, no renewal talk", "-on", "2026-07-01"}
		}},
		{"override_set", func(db string) []string {
			return []string{"override", "set", "ACC-021", "-db", db, "-points", "30", "-reason", "champion left", "-by", "ana",
				"-from", "2026-07-01", "-expires", "2026-09-30"}
		}},
		{"override_list", func(db string) []string { return []string{"override", "list", "-db", db, "-on", "2026-07-01"} }},
		{"history", func(db string) []string { return []string{"history", "ACC-021", "-db", db} }},
		{"assess", func(db string) []string { return []string{"assess", "-db", db} }},
		{"report", func(db string) []string { return []string{"report", "-db", db} }},
		{"replay", func(db string) []string {
			return []string{"replay", "-snapshots", filepath.Join(replayDir, "snapshots.csv"), "-outcomes", filepath.Join(replayDir, "outcomes.csv")}
		}},
		{"demo", func(db string) []string { return []string{"demo", "-weeks", "3"} }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			db := fresh(t)
			r := mustRun(t, append(tc.args(db), "-format", "json")...)
			out := strings.ReplaceAll(r.stdout, db, "scenario.db")
			checkGolden(t, filepath.Join("json", tc.name+".golden"), []byte(out))
		})
	}
	// override revoke and the audit of one customer, after a set.
	t.Run("override_revoke", func(t *testing.T) {
		db := fresh(t)
		mustRun(t, "override", "set", "ACC-021", "-db", db, "-points", "30", "-reason", "champion left", "-by", "ana",
			"-from", "2026-07-01", "-expires", "2026-09-30")
		r := mustRun(t, "override", "revoke", "1", "-db", db, "-by", "ben", "-reason", "new champion", "-on", "2026-07-08", "-format", "json")
		checkGolden(t, filepath.Join("json", "override_revoke.golden"), []byte(r.stdout))
		r = mustRun(t, "override", "list", "ACC-021", "-db", db, "-format", "json")
		checkGolden(t, filepath.Join("json", "override_audit.golden"), []byte(r.stdout))
	})
}

// TestDemo runs the demo as a newcomer does and keeps its output: 26 weeks of
// the sample book and the final assessment.
func TestDemo(t *testing.T) {
	if testing.Short() {
		t.Skip("26 weekly runs")
	}
	db := filepath.Join(t.TempDir(), "demo.db")
	r := mustRun(t, "demo", "-db", db)
	checkGolden(t, "demo.golden", []byte(strings.ReplaceAll(r.stdout, db, "demo.db")))
	// The store is kept for report (and serve).
	page := filepath.Join(t.TempDir(), "report.html")
	mustRun(t, "report", "-db", db, "-o", page)
	data, err := os.ReadFile(page)
	if err != nil {
		t.Fatal(err)
	}
	checkPage(t, data)
	for _, id := range []string{"chart-grades", "chart-grades-over-time", "history-0"} {
		if !strings.Contains(string(data), `id="`+id+`"`) {
			t.Errorf("report has no %s", id)
		}
	}
}

// checkPage parses the page strictly as XML and refuses scripts and external
// resources.
func checkPage(t *testing.T, page []byte) {
	t.Helper()
	dec := xml.NewDecoder(strings.NewReader(string(page)))
	dec.Strict = true
	for {
		tok, err := dec.Token()
		if err != nil {
			if err.Error() == "EOF" {
				return
			}
			t.Fatalf("the page is not well-formed: %v", err)
		}
		if se, ok := tok.(xml.StartElement); ok {
			if se.Name.Local == "script" || se.Name.Local == "link" || se.Name.Local == "img" {
				t.Errorf("<%s> in a self-contained page", se.Name.Local)
			}
			for _, a := range se.Attr {
				if (a.Name.Local == "src" || a.Name.Local == "href") && a.Name.Space == "" {
					t.Errorf("<%s %s=%q>: the page must not load anything", se.Name.Local, a.Name.Local, a.Value)
				}
			}
		}
	}
}
