package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf16"

	"github.com/successkit/cs/drivers"
)

// write writes a file in dir and returns its path.
func write(t *testing.T, dir, name, text string) string {
	t.Helper()
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// utf16File writes text as UTF-16LE with a byte-order mark, as spreadsheets
// "save as Unicode text".
func utf16File(t *testing.T, dir, name, text string) string {
	t.Helper()
	u := utf16.Encode([]rune(text))
	b := []byte{0xFF, 0xFE}
	for _, r := range u {
		b = append(b, byte(r), byte(r>>8))
	}
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// newerStore returns a store whose schema is newer than this program's.
func newerStore(t *testing.T, dir string) string {
	t.Helper()
	path := filepath.Join(dir, "newer.db")
	mustRun(t, "init", "-db", path)
	db, _, err := drivers.OpenDB(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec(`INSERT INTO cs_schema_version (version, library) VALUES (999, 'v9.0.0')`); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestBadInput feeds every subcommand the mistakes people make: each gets
// an exit code and a message saying what is wrong and what to do, and none
// panics (Main would crash the test).
func TestBadInput(t *testing.T) {
	dir := t.TempDir()
	good := scenarioStore(t, 2)
	empty := filepath.Join(dir, "empty.db")
	mustRun(t, "init", "-db", empty)
	newer := newerStore(t, dir)
	notDB := write(t, dir, "notes.db", "these are my notes, not a database\n")
	semicolon := write(t, dir, "semi.csv", "id;name;mrr;currency\nc1;Acme;12.00;EUR\n")
	utf16 := utf16File(t, dir, "utf16.csv", "id,name\nc1,Acme\n")
	commaRow := write(t, dir, "comma.csv", "id,name,mrr,currency\nc1,Acme,\"12,50\",EUR\nc2,Globex,30.00,EUR\n")
	usDate := write(t, dir, "usdate.csv", "id,renewal_date\nc1,06/30/2026\nc2,2026-06-30\n")
	badJSON := write(t, dir, "bad.json", `{"profiles": [{"name": "x", "groups": [}`)
	unknownKey := write(t, dir, "unknown.json", `{"csm": {"hours": 48, "minutes": 5}}`)
	mapLacks := write(t, dir, "map.json", `{"columns": {"id": "Account ID", "mrr": "Monthly fee"}, "currency": "EUR"}`)
	scenario := "testdata/scenario/accounts_2026-06-30.csv"

	for _, tc := range []struct {
		name string
		args []string
		code int
		want []string // substrings of stderr
	}{
		// No subcommand, or one that does not exist.
		{"unknown subcommand", []string{"frobnicate"}, 2, []string{`unknown subcommand "frobnicate"`, "successkit help"}},
		{"unknown flag", []string{"tasks", "-nope"}, 2, []string{"successkit tasks: flag provided but not defined: -nope", "successkit tasks -h"}},
		{"bad format", []string{"tasks", "-format", "xml"}, 2, []string{`-format "xml": want text or json`}},

		// init
		{"init: directory", []string{"init", "-db", dir}, 1, []string{"is not a file"}},
		{"init: not a database", []string{"init", "-db", notDB}, 1, []string{"not a database", "not a successkit store"}},
		{"init: newer store", []string{"init", "-db", newer}, 1, []string{"newer", "upgrade this program"}},
		{"init: argument", []string{"init", "extra"}, 2, []string{`unexpected argument "extra"`}},

		// run
		{"run: no date", []string{"run", "-db", empty, "-customers", scenario}, 2, []string{"-asof is required"}},
		{"run: bad date", []string{"run", "-db", empty, "-asof", "2026-02-30", "-customers", scenario}, 2, []string{`invalid value "2026-02-30" for flag -asof`}},
		{"run: no customers", []string{"run", "-db", empty, "-asof", "2026-06-30"}, 2, []string{"-customers is required"}},
		{"run: missing file", []string{"run", "-db", empty, "-asof", "2026-06-30", "-customers", "nope.csv"}, 1, []string{"open nope.csv", "no such file"}},
		{"run: missing contacts file", []string{"run", "-db", empty, "-asof", "2026-06-30", "-customers", scenario, "-contacts", "nope.csv"}, 1, []string{"open nope.csv"}},
		{"run: semicolons", []string{"run", "-db", empty, "-asof", "2026-06-30", "-customers", semicolon}, 1, []string{"semi.csv:1", "semicolon"}},
		{"run: UTF-16", []string{"run", "-db", empty, "-asof", "2026-06-30", "-customers", utf16}, 1, []string{"utf16.csv:1", "UTF-16"}},
		{"run: mapping names a column the file lacks", []string{"run", "-db", empty, "-asof", "2026-06-30", "-customers", scenario, "-mapping", mapLacks}, 1,
			[]string{"accounts_2026-06-30.csv:1", `columns.mrr names column "Monthly fee"`, `"MRR"`}},
		{"run: mapping that does not parse", []string{"run", "-db", empty, "-asof", "2026-06-30", "-customers", scenario, "-mapping", badJSON}, 1, []string{"-mapping", "bad.json"}},
		{"run: date going backwards", []string{"run", "-db", good, "-asof", "2026-06-01", "-customers", scenario}, 1,
			[]string{"as-of 2026-06-01 is before the last run 2026-06-16: use -force to rewrite history"}},
		{"run: newer store", []string{"run", "-db", newer, "-asof", "2026-06-30", "-customers", scenario}, 1, []string{"newer", "upgrade"}},
		{"run: scorecard that does not parse", []string{"run", "-db", empty, "-asof", "2026-06-30", "-customers", scenario, "-health", badJSON}, 1, []string{"-health", "bad.json", "health:"}},
		{"run: policy that does not parse", []string{"run", "-db", empty, "-asof", "2026-06-30", "-customers", scenario, "-policy", badJSON}, 1, []string{"-policy", "bad.json", "touch:"}},
		{"run: playbook that does not parse", []string{"run", "-db", empty, "-asof", "2026-06-30", "-customers", scenario, "-playbook", badJSON}, 1, []string{"-playbook", "bad.json", "playbook:"}},
		{"run: capacity with an unknown key", []string{"run", "-db", empty, "-asof", "2026-06-30", "-customers", scenario, "-capacity", unknownKey}, 1, []string{"-capacity", "minutes", "unknown field"}},
		{"run: strict", []string{"run", "-db", empty, "-asof", "2026-06-30", "-customers", scenario, "-mapping", "testdata/scenario/mapping.json", "-strict"}, 1,
			[]string{"reads an input no customer has", "play community-invitation reads signal feature_adoption"}},

		// tasks
		{"tasks: no run yet", []string{"tasks", "-db", empty}, 1, []string{"no run yet", "successkit run"}},
		{"tasks: bad state", []string{"tasks", "-db", good, "-state", "late"}, 2, []string{`-state "late"`}},
		{"tasks: newer store", []string{"tasks", "-db", newer}, 1, []string{"newer"}},

		// task done|skip
		{"task: no verb", []string{"task"}, 2, []string{"want done or skip"}},
		{"task done: no key", []string{"task", "done", "-db", good, "-by", "ana"}, 2, []string{"missing the task's KEY"}},
		{"task done: no author", []string{"task", "done", "ACC-021/renewal-risk#0", "-db", good}, 2, []string{"-by is required"}},
		{"task done: unknown key", []string{"task", "done", "NOPE/x#0", "-db", good, "-by", "ana"}, 1, []string{"NOPE/x#0", "not found"}},
		{"task skip: no reason", []string{"task", "skip", "ACC-021/renewal-risk#0", "-db", good, "-by", "ana"}, 2, []string{"-note is required"}},

		// override
		{"override: no verb", []string{"override"}, 2, []string{"want set, revoke or list"}},
		{"override set: no expiry", []string{"override", "set", "ACC-021", "-db", good, "-points", "30", "-reason", "x", "-by", "ana"}, 2, []string{"-expires is required"}},
		{"override set: points", []string{"override", "set", "ACC-021", "-db", good, "-points", "130", "-reason", "x", "-by", "ana", "-expires", "2026-09-30"}, 2, []string{"-points", "0 to 100"}},
		{"override set: expiry before start", []string{"override", "set", "ACC-021", "-db", good, "-points", "30", "-reason", "x", "-by", "ana", "-from", "2026-07-01", "-expires", "2026-06-01"}, 1, []string{"override"}},
		{"override revoke: bad id", []string{"override", "revoke", "x7", "-db", good, "-by", "ana", "-reason", "x"}, 2, []string{`"x7" is not an override ID`}},
		{"override revoke: unknown id", []string{"override", "revoke", "99", "-db", good, "-by", "ana", "-reason", "x"}, 1, []string{"not found"}},
		{"override list: two customers", []string{"override", "list", "a", "b", "-db", good}, 2, []string{`unexpected argument "b"`}},

		// history
		{"history: no customer", []string{"history", "-db", good}, 2, []string{"missing the CUSTOMER ID"}},
		{"history: unknown customer", []string{"history", "NOPE", "-db", good}, 1, []string{`customer "NOPE"`, "not found"}},

		// assess
		{"assess: no run yet", []string{"assess", "-db", empty}, 1, []string{"no run yet"}},
		{"assess: bad date", []string{"assess", "-db", good, "-from", "06/01/2026"}, 2, []string{"-from", "06/01/2026"}},

		// report
		{"report: no file", []string{"report", "-db", good}, 2, []string{"-o is required"}},
		{"report: no run yet", []string{"report", "-db", empty, "-o", filepath.Join(dir, "r.html")}, 1, []string{"no run yet"}},
		{"report: unwritable", []string{"report", "-db", good, "-o", filepath.Join(dir, "no", "such", "dir", "r.html")}, 1, []string{"no such file"}},

		// replay
		{"replay: no files", []string{"replay"}, 2, []string{"-snapshots and -outcomes are required"}},
		{"replay: missing file", []string{"replay", "-snapshots", "nope.csv", "-outcomes", "nope.csv"}, 1, []string{"open nope.csv"}},
		{"replay: UTF-16", []string{"replay", "-snapshots", utf16, "-outcomes", utf16}, 1, []string{"utf16.csv:1", "UTF-16"}},
		{"replay: playbook that does not parse", []string{"replay", "-snapshots", "x", "-outcomes", "y", "-playbook", badJSON}, 1, []string{"-playbook", "bad.json"}},

		// demo
		{"demo: weeks", []string{"demo", "-weeks", "0"}, 2, []string{"-weeks 0: want 1 to 104"}},
		{"demo: store with runs", []string{"demo", "-db", good}, 1, []string{"already holds runs"}},
		{"demo: newer store", []string{"demo", "-db", newer}, 1, []string{"newer"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := run(t, tc.args...)
			if r.code != tc.code {
				t.Errorf("exit %d, want %d\nstdout: %s\nstderr: %s", r.code, tc.code, r.stdout, r.stderr)
			}
			for _, w := range tc.want {
				if !strings.Contains(r.stderr, w) {
					t.Errorf("stderr does not say %q:\n%s", w, r.stderr)
				}
			}
			if len(r.stderr) > 4096 {
				t.Errorf("a message of %d bytes", len(r.stderr))
			}
		})
	}

	// A contacts, surveys or MRR file of the wrong kind is reported under its
	// own name with what to do; the rest of the week runs.
	{
		tickets := write(t, dir, "tickets.csv", "contact_id;customer_id;case_id;time\nk1;c1;k;x\n")
		revenue := utf16File(t, dir, "revenue.csv", "customer_id,subscription_id,month,mrr,currency\n")
		db := filepath.Join(t.TempDir(), "files.db")
		r := mustRun(t, "run", "-db", db, "-asof", "2026-06-30", "-customers", scenario, "-mapping", "testdata/scenario/mapping.json",
			"-contacts", tickets, "-mrr", revenue)
		for _, w := range []string{"tickets.csv:1", "separated by semicolons", "revenue.csv:1", "UTF-16"} {
			if !strings.Contains(r.stdout, w) {
				t.Errorf("run does not report %q:\n%s", w, r.stdout)
			}
		}
	}

	// Bad rows are reported with the file, line, field and a hint; the good
	// rows are still run.
	for _, tc := range []struct {
		file string
		want []string
	}{
		{commaRow, []string{"comma.csv:2", `customer "c1"`, "mrr", `"12,50"`, "decimal comma"}},
		{usDate, []string{"usdate.csv:2", "renewal_date", "06/30/2026"}},
	} {
		db := filepath.Join(t.TempDir(), "rows.db")
		r := mustRun(t, "run", "-db", db, "-asof", "2026-06-30", "-customers", tc.file)
		for _, w := range tc.want {
			if !strings.Contains(r.stdout, w) {
				t.Errorf("run on %s does not report %q:\n%s", filepath.Base(tc.file), w, r.stdout)
			}
		}
		if !strings.Contains(r.stdout, "Rows not read (1)") {
			t.Errorf("run on %s: want one row not read:\n%s", filepath.Base(tc.file), r.stdout)
		}
	}
}
