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
		// The subscription article's projection and the fit of the paper's regular cohort.
		{"default", nil},
		{"default_json", []string{"-format", "json"}},
		// The paper's high-end cohort, with a value in money.
		{"highend", []string{"-survivors", "1000,869,743,653,593,551,517,491", "-payment", "100 USD"}},
		{"highend_json", []string{"-survivors", "1000, 869, 743, 653, 593, 551, 517, 491", "-format", "json", "-periods", "3"}},
		// A short cohort, few periods, another discount rate.
		{"short", []string{"-survivors", "500,300,210", "-periods", "4", "-discount", "0.25"}},
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

// TestErrors checks that bad flags are errors naming the flag, never a panic.
func TestErrors(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"-survivors", "1000,x"}, "-survivors item 2"},
		{[]string{"-survivors", "1000"}, "survivors"},
		{[]string{"-survivors", "100,120"}, "cannot increase"},
		{[]string{"-survivors", "100,100"}, "did not converge"},
		{[]string{"-format", "xml"}, "-format"},
		{[]string{"-periods", "-1"}, "-periods"},
		{[]string{"-discount", "0"}, "-discount"},
		{[]string{"-payment", "100"}, "-payment"},
		{[]string{"-nope"}, "nope"},
		{[]string{"extra"}, "unexpected argument"},
	} {
		var out bytes.Buffer
		err := run(tc.args, &out)
		if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.HasPrefix(err.Error(), "projection: ") {
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
	for _, want := range []string{"Usage of projection", "-format"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("run(-h) printed %q, want it to contain %q", out.String(), want)
		}
	}
}
