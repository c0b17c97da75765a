package main

import (
	"bytes"
	"strings"
	"testing"

	"github.com/successkit/cs/examples/internal/golden"
)

// TestGolden runs the command in process and compares its output with
// testdata/<name>.golden; go test -update rewrites them.
func TestGolden(t *testing.T) {
	for _, tc := range []struct {
		name string
		args []string
	}{
		// The offerings the articles name, text and JSON.
		{"articles", nil},
		{"articles_json", []string{"-format", "json"}},
		// A user's offering: fails on self-serve cancelling and the initial cost.
		{"mine", []string{"-offerings", "testdata/mine.json"}},
		// Looser thresholds pass the initial cost; the later date fails criterion 3.
		{"mine_lenient", []string{"-offerings", "testdata/mine.json", "-thresholds", "testdata/lenient.json", "-asof", "2026-09-30", "-format", "json"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var out bytes.Buffer
			if err := run(tc.args, &out); err != nil {
				t.Fatal(err)
			}
			golden.Check(t, tc.name+".golden", out.Bytes())
		})
	}
}

// TestPartial checks that a bad offering is reported while the good ones are
// still checked and printed.
func TestPartial(t *testing.T) {
	var out bytes.Buffer
	err := run([]string{"-offerings", "testdata/partial.json", "-asof", "2026-06-01"}, &out)
	if err == nil || !strings.Contains(err.Error(), "[1].pricing") || !strings.Contains(err.Error(), `offering "future release"`) {
		t.Errorf("err = %v, want [1].pricing and the future release named", err)
	}
	if got := out.String(); !strings.Contains(got, "good — retention model: unknown") || strings.Contains(got, "future release —") {
		t.Errorf("output lacks the good offering or shows the bad one:\n%s", got)
	}
}

// TestErrors checks that bad input is an error naming the file, flag or JSON path.
func TestErrors(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"-offerings", "testdata/bad.json"}, "[0].uses_per_month"},
		{[]string{"-offerings", "testdata/missing.json"}, "missing.json"},
		{[]string{"-thresholds", "testdata/badthresholds.json"}, "max_notice_dayz"},
		{[]string{"-asof", "2026-02-30"}, "-asof"},
		{[]string{"-asof", "2026-01-01"}, "last_release"},
		{[]string{"-format", "yaml"}, "-format"},
		{[]string{"stray"}, "unexpected argument"},
	} {
		var out bytes.Buffer
		err := run(tc.args, &out)
		if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.HasPrefix(err.Error(), "retentionmodel: ") {
			t.Errorf("run(%q) = %v, want an error naming %q", tc.args, err, tc.want)
		}
	}
}

// TestHelp checks that -h lists the flags: the usage was discarded, so -h printed
// only "flag: help requested".
func TestHelp(t *testing.T) {
	var out bytes.Buffer
	if err := run([]string{"-h"}, &out); err != nil {
		t.Fatalf("run(-h) = %v, want nil", err)
	}
	for _, want := range []string{"Usage of retentionmodel", "-format"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("run(-h) printed %q, want it to contain %q", out.String(), want)
		}
	}
}
