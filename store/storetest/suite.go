package storetest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/successkit/cs"
	"github.com/successkit/cs/health"
	"github.com/successkit/cs/playbook"
	"github.com/successkit/cs/store"
	"github.com/successkit/cs/touch"
)

// Opener returns a new, empty store for one test, on a database of its own;
// it registers its own cleanup with t.Cleanup.
type Opener func(t *testing.T) *store.Store

// Run runs the conformance suite against the stores open makes. Every store
// implementation (every database, every driver) must pass it. Each subtest
// opens its own empty store.
func Run(t *testing.T, open Opener) {
	tests := []struct {
		name string
		fn   func(t *testing.T, open Opener)
	}{
		{"Schema", testSchema},
		{"RoundTrip", testRoundTrip},
		{"Deterministic", testDeterministic},
		{"RerunReplaces", testRerunReplaces},
		{"PastRun", testPastRun},
		{"Rollback", testRollback},
		{"ConstraintMidRun", testConstraintMidRun},
		{"BadInput", testBadInput},
		{"HostileIDs", testHostileIDs},
		{"Overrides", testOverrides},
		{"AppendOnly", testAppendOnly},
		{"Touch", testTouch},
		{"Tasks", testTasks},
		{"CloseTask", testCloseTask},
		{"Trend", testTrend},
		{"Tokens", testTokens},
		{"Pages", testPages},
		{"Concurrency", testConcurrency},
		{"OneConnection", testOneConnection},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) { tc.fn(t, open) })
	}
}

// same fails the test when the JSON of got and want differ.
func same(t *testing.T, what string, got, want any) {
	t.Helper()
	g, err := json.Marshal(got)
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
	w, err := json.Marshal(want)
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
	if string(g) != string(w) {
		t.Errorf("%s:\n got %s\nwant %s", what, g, w)
	}
}

func collect[T any](t *testing.T, seq func(func(T, error) bool)) []T {
	t.Helper()
	var out []T
	for v, err := range seq {
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, v)
	}
	return out
}

func mustWeek(t *testing.T, s *store.Store, book []cs.Customer, asOf cs.Date) store.Run {
	t.Helper()
	r, err := Week(context.Background(), s, book, asOf)
	if err != nil {
		t.Fatalf("Week(%s): %v", asOf, err)
	}
	return r
}

func dump(t *testing.T, s *store.Store) string {
	t.Helper()
	d, err := Dump(context.Background(), s)
	if err != nil {
		t.Fatalf("Dump: %v", err)
	}
	return d
}

// firstDiff describes the first line where two dumps differ.
func firstDiff(a, b string) string {
	la, lb := strings.Split(a, "\n"), strings.Split(b, "\n")
	for i := range min(len(la), len(lb)) {
		if la[i] != lb[i] {
			return fmt.Sprintf("line %d:\n  %s\n  %s", i+1, la[i], lb[i])
		}
	}
	return fmt.Sprintf("lengths %d and %d lines", len(la), len(lb))
}

// The schema is current, a reopen needs no migration, and a database from a
// newer schema is refused without being touched.
func testSchema(t *testing.T, open Opener) {
	ctx := context.Background()
	s := open(t)
	if got := s.SchemaVersion(); got != store.SchemaVersion {
		t.Fatalf("SchemaVersion() = %d, want %d", got, store.SchemaVersion)
	}
	mustWeek(t, s, Book(5, 1, Start(), false), Start())
	before := dump(t, s)
	s2, err := store.Open(ctx, s.DB(), store.Options{NoMigrate: true})
	if err != nil {
		t.Fatalf("reopening a current store with NoMigrate: %v", err)
	}
	if s2.Dialect() != s.Dialect() {
		t.Errorf("detected dialect %s, want %s", s2.Dialect(), s.Dialect())
	}
	if _, err := s.DB().ExecContext(ctx, `INSERT INTO cs_schema_version (version, library) VALUES (999, 'from the future')`); err != nil {
		t.Fatal(err)
	}
	_, err = store.Open(ctx, s.DB(), store.Options{})
	if !errors.Is(err, store.ErrSchemaTooNew) {
		t.Fatalf("Open on schema 999 = %v, want ErrSchemaTooNew", err)
	}
	if !strings.Contains(err.Error(), "999") {
		t.Errorf("error %q does not name the schema version", err)
	}
	if _, err := s.DB().ExecContext(ctx, `DELETE FROM cs_schema_version WHERE version = 999`); err != nil {
		t.Fatal(err)
	}
	if after := dump(t, s); after != before {
		t.Errorf("refusing a newer schema changed the store: %s", firstDiff(before, after))
	}
}

// What a run saves reads back equal: results with their measures,
// overrides and computed scores, snapshots, assignments, outcomes, documents.
func testRoundTrip(t *testing.T, open Opener) {
	ctx := context.Background()
	s := open(t)
	book := Book(40, 7, Start(), true)
	ov := health.Override{Points: 15, Reason: "churn notice", Author: "ana", SetAt: Start().AddDays(-1), Expires: Start().AddDays(30)}
	mo := health.Override{Measure: "usage", Points: 99, Reason: "feed broken", Author: "bo", SetAt: Start().AddDays(-1), Expires: Start().AddDays(30)}
	if _, err := s.SetOverride(ctx, book[3].ID, ov, time.Unix(1_780_000_000, 0)); err != nil {
		t.Fatal(err)
	}
	if _, err := s.SetOverride(ctx, book[4].ID, mo, time.Unix(1_780_000_000, 0)); err != nil {
		t.Fatal(err)
	}
	run := mustWeek(t, s, book, Start())
	if run.Counts.Health != len(book) || run.Counts.Customers != len(book) || run.Counts.Touch != len(book) || run.Counts.Outcomes != 5 {
		t.Errorf("counts = %+v", run.Counts)
	}
	got, err := s.Run(ctx, Start())
	if err != nil {
		t.Fatal(err)
	}
	same(t, "Run", got, run)
	last, ok, err := s.LastRun(ctx)
	if err != nil || !ok {
		t.Fatalf("LastRun = %v, %v", ok, err)
	}
	same(t, "LastRun", last, run)

	sc := Scorer()
	var want []health.Result
	for i := range book {
		var os []health.Override
		switch i {
		case 3:
			os = []health.Override{ov}
		case 4:
			os = []health.Override{mo}
		}
		r, err := sc.Score(&book[i], Start(), os...)
		if err != nil {
			t.Fatal(err)
		}
		want = append(want, r)
	}
	slices.SortFunc(want, func(a, b health.Result) int { return strings.Compare(a.CustomerID, b.CustomerID) })
	gotResults := collect(t, s.HealthOn(ctx, Start(), store.Page{}))
	same(t, "HealthOn", gotResults, want)
	overridden, measured := false, false
	for _, r := range gotResults {
		overridden = overridden || r.Overridden
		for _, m := range r.Measures {
			measured = measured || m.Status == health.StatusOverridden
		}
	}
	if !overridden || !measured {
		t.Errorf("overrides lost: overall %v, measure %v", overridden, measured)
	}
	one, err := s.Health(ctx, want[0].CustomerID, Start())
	if err != nil {
		t.Fatal(err)
	}
	same(t, "Health", one, want[0])
	if _, err := s.Health(ctx, "nobody", Start()); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("Health(nobody) = %v, want ErrNotFound", err)
	}

	wantBook := slices.Clone(book)
	slices.SortFunc(wantBook, func(a, b cs.Customer) int { return strings.Compare(a.ID, b.ID) })
	same(t, "Customers", collect(t, s.Customers(ctx, Start(), store.Page{})), wantBook)

	cfg, err := s.Config(ctx, run.HealthConfig)
	if err != nil {
		t.Fatal(err)
	}
	back, err := health.ParseConfig(cfg.JSON)
	if err != nil {
		t.Fatal(err)
	}
	if fp, _ := health.Fingerprint(back); fp != run.HealthConfig {
		t.Errorf("the stored configuration's fingerprint is %s, want %s", fp, run.HealthConfig)
	}
	doc, err := s.Doc(ctx, Start(), "plan")
	if err != nil || !json.Valid(doc) {
		t.Errorf("Doc = %s, %v", doc, err)
	}
	if _, err := s.Doc(ctx, Start(), "nothing"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("Doc(nothing) = %v, want ErrNotFound", err)
	}
	outs := collect(t, s.Outcomes(ctx, cs.Date{}, cs.Date{}))
	if len(outs) != 5 {
		t.Errorf("Outcomes: %d, want 5", len(outs))
	}
}

// The same scenario leaves the same state in two stores, and the dump does
// not depend on anything but the inputs.
func testDeterministic(t *testing.T, open Opener) {
	ctx := context.Background()
	a, b := open(t), open(t)
	if err := Scenario(ctx, a, 30); err != nil {
		t.Fatal(err)
	}
	if err := Scenario(ctx, b, 30); err != nil {
		t.Fatal(err)
	}
	if da, db := dump(t, a), dump(t, b); da != db {
		t.Errorf("two stores differ after the same scenario: %s", firstDiff(da, db))
	}
}

// Re-running a date replaces its run exactly: the same inputs leave the same
// state (but for the audit, which logs both), other inputs leave only theirs.
func testRerunReplaces(t *testing.T, open Opener) {
	ctx := context.Background()
	s := open(t)
	book := Book(25, 3, Start(), false)
	mustWeek(t, s, book, Start())
	once := dump(t, s)
	mustWeek(t, s, book, Start())
	twice := dump(t, s)
	if strip(once) != strip(twice) {
		t.Errorf("re-running the same date changed the state: %s", firstDiff(strip(once), strip(twice)))
	}
	other := Book(10, 4, Start(), false)
	for i := range other {
		other[i].ID = fmt.Sprintf("x%02d", i)
	}
	mustWeek(t, s, other, Start())
	ids := []string{}
	for r, err := range s.HealthOn(ctx, Start(), store.Page{}) {
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, r.CustomerID)
	}
	if len(ids) != 10 || ids[0] != "x00" {
		t.Errorf("after re-running with other customers, HealthOn = %v", ids)
	}
	runs := collect(t, s.Runs(ctx, store.Page{}))
	if len(runs) != 1 {
		t.Errorf("%d runs, want 1", len(runs))
	}
}

// strip removes the audit lines of a dump.
func strip(d string) string {
	var keep []string
	for _, l := range strings.Split(d, "\n") {
		if !strings.HasPrefix(l, "audit ") {
			keep = append(keep, l)
		}
	}
	return strings.Join(keep, "\n")
}

// A date before the last run is refused unless rewriting, which removes the
// later runs.
func testPastRun(t *testing.T, open Opener) {
	ctx := context.Background()
	s := open(t)
	book := Book(8, 5, Start(), false)
	mustWeek(t, s, book, Start())
	mustWeek(t, s, book, Start().AddDays(7))
	_, err := s.BeginRun(ctx, store.RunInfo{AsOf: Start().AddDays(3), At: time.Unix(1, 0), By: "t"})
	if !errors.Is(err, store.ErrPastRun) {
		t.Fatalf("BeginRun before the last run = %v, want ErrPastRun", err)
	}
	if !strings.Contains(err.Error(), Start().AddDays(7).String()) {
		t.Errorf("error %q does not name the last run", err)
	}
	tx, err := s.BeginRun(ctx, store.RunInfo{AsOf: Start().AddDays(3), At: time.Unix(1, 0), By: "t", Rewrite: true})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	var dates []string
	for _, r := range collect(t, s.Runs(ctx, store.Page{})) {
		dates = append(dates, r.AsOf.String())
	}
	if want := []string{Start().String(), Start().AddDays(3).String()}; !slices.Equal(dates, want) {
		t.Errorf("runs after rewriting = %v, want %v", dates, want)
	}
	if n := len(collect(t, s.HealthOn(ctx, Start().AddDays(7), store.Page{}))); n != 0 {
		t.Errorf("%d results left from the removed run", n)
	}
}

// A rolled-back run leaves nothing, and the previous state stays whole.
func testRollback(t *testing.T, open Opener) {
	ctx := context.Background()
	s := open(t)
	book := Book(12, 6, Start(), false)
	mustWeek(t, s, book, Start())
	before := dump(t, s)
	tx, err := s.BeginRun(ctx, store.RunInfo{AsOf: Start(), At: time.Unix(2, 0), By: "t"})
	if err != nil {
		t.Fatal(err)
	}
	sc := Scorer()
	hc, _ := store.HealthConfig(sc.Config())
	if err := tx.SaveConfig(hc); err != nil {
		t.Fatal(err)
	}
	for i := range book {
		r, _ := sc.Score(&book[i], Start())
		r.Score = 1
		if err := tx.AddHealth(&r); err != nil {
			t.Fatal(err)
		}
	}
	if err := tx.Rollback(); err != nil {
		t.Fatal(err)
	}
	if _, err := tx.Commit(); !errors.Is(err, store.ErrClosed) {
		t.Errorf("Commit after Rollback = %v, want ErrClosed", err)
	}
	if after := dump(t, s); after != before {
		t.Errorf("a rolled-back re-run changed the store: %s", firstDiff(before, after))
	}
}

// A constraint error in the middle of a run (the same customer twice) fails
// the run and rolls it back; the previous state stays whole.
func testConstraintMidRun(t *testing.T, open Opener) {
	ctx := context.Background()
	s := open(t)
	book := Book(10, 8, Start(), false)
	mustWeek(t, s, book, Start())
	before := dump(t, s)
	// Enough rows that the duplicate comes after several batches were written.
	dup := append(Book(3000, 9, Start(), false), book[0], book[0])
	err := func() error {
		tx, err := s.BeginRun(ctx, store.RunInfo{AsOf: Start(), At: time.Unix(4, 0), By: "t"})
		if err != nil {
			return err
		}
		defer tx.Rollback()
		sc := Scorer()
		hc, _ := store.HealthConfig(sc.Config())
		if err := tx.SaveConfig(hc); err != nil {
			return err
		}
		for i := range dup {
			r, err := sc.Score(&dup[i], Start())
			if err != nil {
				return err
			}
			if err := tx.AddHealth(&r); err != nil {
				return err
			}
		}
		_, err = tx.Commit()
		return err
	}()
	if !errors.Is(err, store.ErrConstraint) {
		t.Fatalf("a run with a duplicate customer = %v, want ErrConstraint", err)
	}
	if after := dump(t, s); after != before {
		t.Errorf("a failed run changed the store: %s", firstDiff(before, after))
	}
	mustWeek(t, s, book, Start().AddDays(7))
}

// Bad input is refused with the field at fault and loses nothing.
func testBadInput(t *testing.T, open Opener) {
	ctx := context.Background()
	s := open(t)
	book := Book(3, 10, Start(), false)
	mustWeek(t, s, book, Start())
	before := dump(t, s)
	tx, err := s.BeginRun(ctx, store.RunInfo{AsOf: Start().AddDays(7), At: time.Unix(3, 0), By: "t"})
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	sc := Scorer()
	r, _ := sc.Score(&book[0], Start().AddDays(7))
	cases := []struct {
		name string
		edit func(r *health.Result)
		want error
	}{
		// PostgreSQL refuses NUL in text; both stores refuse it the same way.
		{"NUL in ID", func(r *health.Result) { r.CustomerID = "c\x00d" }, cs.ErrInvalidID},
		{"invalid UTF-8", func(r *health.Result) { r.CustomerID = "c\xffd" }, cs.ErrInvalidID},
		{"NUL in text", func(r *health.Result) { r.Grade = "red\x00" }, store.ErrInvalidText},
		{"empty ID", func(r *health.Result) { r.CustomerID = "" }, cs.ErrMissing},
		// SQLite would store NaN as NULL.
		{"NaN score", func(r *health.Result) { r.Score = nan() }, cs.ErrNotFinite},
		{"other date", func(r *health.Result) { r.AsOf = Start() }, cs.ErrDateOrder},
		{"unsaved config", func(r *health.Result) { r.Fingerprint = strings.Repeat("0", 64) }, store.ErrNotFound},
	}
	for _, c := range cases {
		bad := r
		bad.Measures = slices.Clone(r.Measures)
		c.edit(&bad)
		err := tx.AddHealth(&bad)
		if !errors.Is(err, c.want) {
			t.Errorf("%s: AddHealth = %v, want %v", c.name, err, c.want)
		}
	}
	hc, _ := store.HealthConfig(sc.Config())
	if err := tx.SaveConfig(hc); err != nil {
		t.Fatalf("the run is unusable after refused input: %v", err)
	}
	if err := tx.AddHealth(&r); err != nil {
		t.Fatalf("the run is unusable after refused input: %v", err)
	}
	if err := tx.Rollback(); err != nil {
		t.Fatal(err)
	}
	if _, err := s.SetOverride(ctx, "c1", health.Override{Points: 101, Reason: "x", Author: "y", SetAt: Start(), Expires: Start().AddDays(1)}, time.Unix(1, 0)); !errors.Is(err, cs.ErrRange) {
		t.Errorf("override of 101 points = %v, want cs.ErrRange", err)
	}
	if _, err := s.SetOverride(ctx, "c1", health.Override{Points: 1, Reason: "x\x00", Author: "y", SetAt: Start(), Expires: Start().AddDays(1)}, time.Unix(1, 0)); !errors.Is(err, store.ErrInvalidText) {
		t.Errorf("override reason with NUL = %v, want ErrInvalidText", err)
	}
	if _, err := s.BeginRun(ctx, store.RunInfo{AsOf: Start(), At: time.Unix(1, 0)}); !errors.Is(err, cs.ErrMissing) {
		t.Errorf("run without By = %v, want cs.ErrMissing", err)
	}
	if after := dump(t, s); after != before {
		t.Errorf("refused input changed the store: %s", firstDiff(before, after))
	}
}

func nan() float64 {
	var zero float64
	return zero / zero
}

// IDs with quotes, SQL and placeholders are kept byte for byte and looked
// up exactly.
func testHostileIDs(t *testing.T, open Opener) {
	ctx := context.Background()
	s := open(t)
	book := Book(len(HostileIDs())+2, 11, Start(), true)
	mustWeek(t, s, book, Start())
	for _, id := range HostileIDs() {
		r, err := s.Health(ctx, id, Start())
		if err != nil {
			t.Errorf("Health(%q): %v", id, err)
			continue
		}
		if r.CustomerID != id {
			t.Errorf("Health(%q).CustomerID = %q", id, r.CustomerID)
		}
		if h := collect(t, s.HealthHistory(ctx, id, store.Page{})); len(h) != 1 {
			t.Errorf("HealthHistory(%q): %d results", id, len(h))
		}
	}
	if n := len(collect(t, s.HealthOn(ctx, Start(), store.Page{}))); n != len(book) {
		t.Errorf("%d results, want %d: a hostile ID reached the SQL", n, len(book))
	}
	// A LIKE pattern or a quote in an ID matches nothing else.
	if _, err := s.Health(ctx, "%", Start()); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("Health(%%) = %v, want ErrNotFound", err)
	}
}

// Overrides: set, active by date, revoked, expired by a run, with an audit
// that only grows.
func testOverrides(t *testing.T, open Opener) {
	ctx := context.Background()
	s := open(t)
	at := time.Date(2026, 6, 1, 9, 0, 0, 0, time.UTC)
	o := health.Override{Points: 30, Reason: "exec escalation", Author: "ana", SetAt: Start(), Expires: Start().AddDays(10)}
	set, err := s.SetOverride(ctx, "c1", o, at)
	if err != nil {
		t.Fatal(err)
	}
	if set.ID != set.Seq || set.Action != store.OverrideSet || set.By != "ana" {
		t.Errorf("set event = %+v", set)
	}
	second, err := s.SetOverride(ctx, "c1", health.Override{Measure: "usage", Points: 70, Reason: "feed", Author: "bo", SetAt: Start().AddDays(2), Expires: Start().AddDays(20)}, at)
	if err != nil {
		t.Fatal(err)
	}
	active := func(d cs.Date) int {
		os, err := s.Overrides(ctx, "c1", d)
		if err != nil {
			t.Fatal(err)
		}
		return len(os)
	}
	for _, c := range []struct {
		day  int
		want int
	}{{-1, 0}, {0, 1}, {2, 2}, {9, 2}, {10, 1}, {20, 0}} {
		if got := active(Start().AddDays(c.day)); got != c.want {
			t.Errorf("active overrides on day %d = %d, want %d", c.day, got, c.want)
		}
	}
	rev, err := s.RevokeOverride(ctx, second.ID, Start().AddDays(5), "cy", "feed fixed", at.Add(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if rev.Action != store.OverrideRevoked || rev.Note != "feed fixed" || rev.By != "cy" || rev.Override.Measure != "usage" {
		t.Errorf("revoke event = %+v", rev)
	}
	if got := active(Start().AddDays(5)); got != 1 {
		t.Errorf("after revoking from day 5, %d overrides active on day 5, want 1", got)
	}
	if got := active(Start().AddDays(4)); got != 2 {
		t.Errorf("after revoking from day 5, %d overrides active on day 4, want 2", got)
	}
	if _, err := s.RevokeOverride(ctx, second.ID, Start().AddDays(6), "cy", "again", at); !errors.Is(err, store.ErrClosed) {
		t.Errorf("revoking twice = %v, want ErrClosed", err)
	}
	if _, err := s.RevokeOverride(ctx, 999, Start(), "cy", "x", at); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("revoking an unknown override = %v, want ErrNotFound", err)
	}
	// A run on day 14 finds the first override expired, once.
	book := Book(3, 12, Start(), false)
	book[0].ID = "c1"
	r := mustWeek(t, s, book, Start().AddDays(14))
	if r.Counts.Expired != 1 {
		t.Errorf("run found %d overrides expired, want 1", r.Counts.Expired)
	}
	r = mustWeek(t, s, book, Start().AddDays(14))
	if r.Counts.Expired != 0 {
		t.Errorf("re-run found %d overrides expired, want 0", r.Counts.Expired)
	}
	audit := collect(t, s.OverrideAudit(ctx, set.ID))
	if len(audit) != 2 || audit[1].Action != store.OverrideExpired || audit[1].Run != Start().AddDays(14) || audit[1].Effective != o.Expires {
		t.Errorf("audit of the first override = %+v", audit)
	}
	all := collect(t, s.OverrideEvents(ctx, "c1", store.Page{}))
	if len(all) != 4 {
		t.Errorf("%d events for c1, want 4", len(all))
	}
	for i := 1; i < len(all); i++ {
		if all[i].Seq != all[i-1].Seq+1 {
			t.Errorf("event numbers %d then %d: gaps", all[i-1].Seq, all[i].Seq)
		}
	}
	entries := collect(t, s.Audit(ctx, store.Page{}))
	var actions []string
	for _, e := range entries {
		actions = append(actions, e.Action+" "+e.By)
	}
	if want := []string{"override.set ana", "override.set bo", "override.revoke cy", "run.save storetest", "run.save storetest"}; !slices.Equal(actions, want) {
		t.Errorf("audit = %q, want %q", actions, want)
	}
}

// The database refuses to change the override audit and the audit of writes.
func testAppendOnly(t *testing.T, open Opener) {
	ctx := context.Background()
	s := open(t)
	if _, err := s.SetOverride(ctx, "c1", health.Override{Points: 1, Reason: "r", Author: "a", SetAt: Start(), Expires: Start().AddDays(1)}, time.Unix(5, 0)); err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{
		`UPDATE cs_override_events SET points = 100`,
		`DELETE FROM cs_override_events`,
		`UPDATE cs_audit SET actor = 'mallory'`,
		`DELETE FROM cs_audit`,
	} {
		if _, err := s.DB().ExecContext(ctx, q); err == nil {
			t.Errorf("%s: accepted", q)
		}
	}
	if n := len(collect(t, s.OverrideEvents(ctx, "", store.Page{}))); n != 1 {
		t.Errorf("%d override events, want 1", n)
	}
}

// Touch states saved by a run are what the next period's Assign reads:
// assigning again from the stored states changes nothing, as Result.Carry.
func testTouch(t *testing.T, open Opener) {
	ctx := context.Background()
	s := open(t)
	book := Book(60, 13, Start(), false)
	mustWeek(t, s, book, Start())
	accounts, err := touch.FromCustomers(book, touch.ARR, nil)
	if err != nil {
		t.Fatal(err)
	}
	assigner := touch.MustCompile(Policy())
	first, err := assigner.Assign(slices.Clone(accounts), Start())
	if err != nil {
		t.Fatal(err)
	}
	inMemory := slices.Clone(accounts)
	first.Carry(inMemory)
	fromStore := slices.Clone(accounts)
	n, d, err := s.FillTouchStates(ctx, Start().AddDays(7), fromStore)
	if err != nil {
		t.Fatal(err)
	}
	if n != len(book) || d != Start() {
		t.Errorf("FillTouchStates = %d, %s; want %d, %s", n, d, len(book), Start())
	}
	same(t, "states from the store", fromStore, inMemory)
	if n, _, _ := s.FillTouchStates(ctx, Start(), slices.Clone(accounts)); n != 0 {
		t.Errorf("FillTouchStates before the first run found %d", n)
	}
	sum, err := s.TouchSummary(ctx, Start())
	if err != nil {
		t.Fatal(err)
	}
	if len(sum.Tiers) != 3 || sum.Accounts != nil {
		t.Errorf("TouchSummary = %+v", sum)
	}
	hist := collect(t, s.TierHistory(ctx, book[0].ID, store.Page{}))
	if len(hist) != 1 || hist[0].AsOf != Start() {
		t.Errorf("TierHistory = %+v", hist)
	}
}

// Trends and grades over time come from the stored scores.
func testTrend(t *testing.T, open Opener) {
	ctx := context.Background()
	s := open(t)
	book := Book(20, 14, Start(), false)
	var snaps = map[string][]health.Snapshot{}
	sc := Scorer()
	for w := 0; w < 5; w++ {
		d := Start().AddDays(7 * w)
		if w > 0 {
			Drift(book, 14, w)
		}
		mustWeek(t, s, book, d)
		for i := range book {
			r, _ := sc.Score(&book[i], d)
			snaps[book[i].ID] = append(snaps[book[i].ID], health.SnapshotOf(&r))
		}
	}
	id := book[0].ID
	got, err := s.Snapshots(ctx, id, Start().AddDays(28))
	if err != nil {
		t.Fatal(err)
	}
	same(t, "Snapshots", got, snaps[id])
	trend, err := s.Trend(ctx, id, Start().AddDays(28), health.TrendOptions{Tolerance: 1})
	if err != nil {
		t.Fatal(err)
	}
	want, _ := health.ComputeTrend(snaps[id], health.TrendOptions{Tolerance: 1})
	same(t, "Trend", trend, want)
	n := 0
	for h, err := range s.ScoreHistories(ctx, Start().AddDays(28), 3, store.Page{}) {
		if err != nil {
			t.Fatal(err)
		}
		n++
		same(t, "ScoreHistories "+h.CustomerID, h.Snapshots, snaps[h.CustomerID][2:])
	}
	if n != len(book) {
		t.Errorf("ScoreHistories: %d customers, want %d", n, len(book))
	}
	total := map[cs.Date]int{}
	for g, err := range s.Grades(ctx, cs.Date{}, cs.Date{}) {
		if err != nil {
			t.Fatal(err)
		}
		total[g.AsOf] += g.Customers
		if g.Grade != "" && !(g.MeanScore >= 0 && g.MeanScore <= 100) {
			t.Errorf("grade %+v: mean out of range", g)
		}
	}
	if len(total) != 5 || total[Start()] != len(book) {
		t.Errorf("Grades: customers per date %v", total)
	}
}

// Tokens are stored as hashes, authenticate while active, and are unique by
// name.
func testTokens(t *testing.T, open Opener) {
	ctx := context.Background()
	s := open(t)
	at := time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)
	v0, err := s.StateVersion(ctx)
	if err != nil {
		t.Fatal(err)
	}
	secret, tok, err := s.CreateToken(ctx, "crm", store.ScopeWrite, "admin", at)
	if err != nil {
		t.Fatal(err)
	}
	if v1, err := s.StateVersion(ctx); err != nil || v1 <= v0 {
		t.Errorf("StateVersion after a write = %d (%v), before %d", v1, err, v0)
	}
	if tok.Hash != store.HashToken(secret) || strings.Contains(dump(t, s), secret) {
		t.Error("the secret is stored, or its hash is wrong")
	}
	got, err := s.Authenticate(ctx, secret)
	if err != nil || got.Name != "crm" || got.Scope != store.ScopeWrite {
		t.Errorf("Authenticate = %+v, %v", got, err)
	}
	if !got.Scope.Allows(store.ScopeRead) || got.Scope.Allows(store.ScopeAdmin) {
		t.Error("write scope allows wrongly")
	}
	for _, bad := range []string{"", "csk_nope", secret + "x", strings.ToUpper(secret), "' OR '1'='1"} {
		if _, err := s.Authenticate(ctx, bad); !errors.Is(err, store.ErrUnauthorized) {
			t.Errorf("Authenticate(%q) = %v, want ErrUnauthorized", bad, err)
		}
	}
	if _, _, err := s.CreateToken(ctx, "crm", store.ScopeRead, "admin", at); !errors.Is(err, cs.ErrDuplicate) {
		t.Errorf("second token named crm = %v, want cs.ErrDuplicate", err)
	}
	if _, err := s.RevokeToken(ctx, "crm", "admin", at.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Authenticate(ctx, secret); !errors.Is(err, store.ErrUnauthorized) {
		t.Errorf("Authenticate(revoked) = %v, want ErrUnauthorized", err)
	}
	if _, err := s.RevokeToken(ctx, "crm", "admin", at); !errors.Is(err, store.ErrClosed) {
		t.Errorf("revoking twice = %v, want ErrClosed", err)
	}
	byHash, err := s.TokenByHash(ctx, tok.Hash)
	if err != nil || byHash.Active() || byHash.RevokedBy != "admin" {
		t.Errorf("TokenByHash = %+v, %v", byHash, err)
	}
	list := collect(t, s.Tokens(ctx, store.Page{}))
	if len(list) != 1 {
		t.Errorf("Tokens: %d", len(list))
	}
	if byName, err := s.Token(ctx, "crm"); err != nil || byName.Hash != tok.Hash {
		t.Errorf("Token(crm) = %+v, %v", byName, err)
	}
	if _, err := s.Token(ctx, "nobody"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("Token(nobody) = %v, want ErrNotFound", err)
	}
}

// Every listing pages by its key without offsets: the pages concatenate to
// the whole list.
func testPages(t *testing.T, open Opener) {
	ctx := context.Background()
	s := open(t)
	book := Book(60, 15, Start(), true)
	mustWeek(t, s, book, Start())
	whole := collect(t, s.HealthOn(ctx, Start(), store.Page{}))
	var paged []health.Result
	after := ""
	for pages := 0; ; pages++ {
		page := collect(t, s.HealthOn(ctx, Start(), store.Page{After: after, Limit: 5}))
		if len(page) == 0 {
			break
		}
		if pages > 20 {
			t.Fatal("paging does not end")
		}
		paged = append(paged, page...)
		after = page[len(page)-1].CustomerID
	}
	same(t, "paged results", paged, whole)
	ids := make([]string, len(whole))
	for i, r := range whole {
		ids[i] = r.CustomerID
	}
	if !slices.IsSorted(ids) {
		t.Errorf("HealthOn is not in byte order of IDs: %q", ids)
	}
	if _, err := collectErr(s.Runs(ctx, store.Page{After: "not a date"})); err == nil {
		t.Error("a malformed date cursor is accepted")
	}
	// Tasks page by an opaque cursor.
	allTasks := collect(t, s.Tasks(ctx, store.TaskFilter{}, store.Page{}))
	if len(allTasks) < 3 {
		t.Fatalf("%d tasks: too few to page", len(allTasks))
	}
	var pagedTasks []playbook.TaskRecord
	cursor := ""
	for pages := 0; ; pages++ {
		page := collect(t, s.Tasks(ctx, store.TaskFilter{}, store.Page{After: cursor, Limit: 2}))
		if len(page) == 0 || pages > len(allTasks) {
			break
		}
		pagedTasks = append(pagedTasks, page...)
		cursor = store.TaskCursor(page[len(page)-1])
	}
	same(t, "paged tasks", pagedTasks, allTasks)
	if _, err := collectErr(s.Tasks(ctx, store.TaskFilter{}, store.Page{After: "not a cursor"})); err == nil {
		t.Error("a malformed task cursor is accepted")
	}
	// A customer's snapshots and tier history page by date.
	mustWeek(t, s, book, Start().AddDays(7))
	snaps := collect(t, s.CustomerHistory(ctx, book[0].ID, store.Page{}))
	if len(snaps) != 2 || snaps[0].AsOf != Start() || snaps[1].Customer.ID != book[0].ID {
		t.Errorf("CustomerHistory = %+v", snaps)
	}
	if later := collect(t, s.CustomerHistory(ctx, book[0].ID, store.Page{After: Start().String()})); len(later) != 1 {
		t.Errorf("CustomerHistory after %s: %d snapshots, want 1", Start(), len(later))
	}
	if h := collect(t, s.HealthHistory(ctx, book[0].ID, store.Page{Limit: 1})); len(h) != 1 || h[0].AsOf != Start() {
		t.Errorf("HealthHistory with Limit 1 = %+v", h)
	}
}

func collectErr[T any](seq func(func(T, error) bool)) ([]T, error) {
	var out []T
	for v, err := range seq {
		if err != nil {
			return out, err
		}
		out = append(out, v)
	}
	return out, nil
}

// A writer blocks neither readers nor itself: readers see the last committed
// state at once; a second writer waits, or fails with ErrBusy past its lock
// timeout.
func testConcurrency(t *testing.T, open Opener) {
	ctx := context.Background()
	s := open(t)
	book := Book(10, 16, Start(), false)
	mustWeek(t, s, book, Start())
	tx, err := s.BeginRun(ctx, store.RunInfo{AsOf: Start().AddDays(7), At: time.Unix(9, 0), By: "first"})
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	readCtx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	if n := len(collect(t, s.HealthOn(readCtx, Start(), store.Page{}))); n != len(book) {
		t.Errorf("a reader during a write saw %d results, want %d", n, len(book))
	}
	if _, ok, err := s.LastRun(readCtx); err != nil || !ok {
		t.Errorf("LastRun during a write: %v", err)
	}
	impatient, err := store.Open(ctx, s.DB(), store.Options{LockTimeout: 200 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	_, err = impatient.BeginRun(ctx, store.RunInfo{AsOf: Start().AddDays(7), At: time.Unix(10, 0), By: "second"})
	if !errors.Is(err, store.ErrBusy) {
		t.Fatalf("a second writer past its timeout = %v, want ErrBusy", err)
	}
	if waited := time.Since(start); waited < 150*time.Millisecond {
		t.Errorf("the second writer gave up after %v, before its timeout", waited)
	}
	if _, err := impatient.SetOverride(ctx, "c1", health.Override{Points: 1, Reason: "r", Author: "a", SetAt: Start(), Expires: Start().AddDays(1)}, time.Unix(1, 0)); !errors.Is(err, store.ErrBusy) {
		t.Errorf("an override during a run past the timeout = %v, want ErrBusy", err)
	}
	// A patient writer waits for the first to commit, then replaces its run.
	var wg sync.WaitGroup
	var second store.Run
	var secondErr error
	wg.Add(1)
	go func() {
		defer wg.Done()
		tx2, err := s.BeginRun(ctx, store.RunInfo{AsOf: Start().AddDays(7), At: time.Unix(11, 0), By: "second"})
		if err != nil {
			secondErr = err
			return
		}
		second, secondErr = tx2.Commit()
	}()
	time.Sleep(100 * time.Millisecond)
	if _, err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	wg.Wait()
	if secondErr != nil {
		t.Fatalf("the waiting writer: %v", secondErr)
	}
	r, err := s.Run(ctx, Start().AddDays(7))
	if err != nil || r.By != "second" || second.By != "second" {
		t.Errorf("the run of the date is by %q (%v), want the second writer's", r.By, err)
	}
}

// A store on a pool of one connection (a common SQLite setting) runs and
// reads without waiting on itself: no read needs a second connection, and a
// run reads what it needs through its own.
func testOneConnection(t *testing.T, open Opener) {
	s := open(t)
	s.DB().SetMaxOpenConns(1)
	defer s.DB().SetMaxOpenConns(0)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if _, err := s.SetOverride(ctx, "c00001", health.Override{Points: 10, Reason: "r", Author: "a", SetAt: Start(), Expires: Start().AddDays(30)}, time.Unix(1, 0)); err != nil {
		t.Fatal(err)
	}
	book := Book(30, 17, Start(), true)
	for w := 0; w < 2; w++ {
		asOf := Start().AddDays(7 * w)
		tx, err := s.BeginRun(ctx, store.RunInfo{AsOf: asOf, At: time.Unix(int64(w), 0), By: "one"})
		if err != nil {
			t.Fatal(err)
		}
		sc := Scorer()
		hc, _ := store.HealthConfig(sc.Config())
		if err := tx.SaveConfig(hc); err != nil {
			t.Fatal(err)
		}
		overrides, err := tx.Overrides()
		if err != nil {
			t.Fatal(err)
		}
		if len(overrides["c00001"]) != 1 {
			t.Errorf("tx.Overrides = %v", overrides)
		}
		results := make([]health.Result, len(book))
		for i := range book {
			if results[i], err = sc.Score(&book[i], asOf, overrides[book[i].ID]...); err != nil {
				t.Fatal(err)
			}
			if err := tx.AddHealth(&results[i]); err != nil {
				t.Fatal(err)
			}
		}
		accounts, _ := touch.FromCustomers(book, touch.ARR, nil)
		if _, _, err := tx.FillTouchStates(accounts); err != nil {
			t.Fatal(err)
		}
		res, err := touch.MustCompile(Policy()).Assign(accounts, asOf)
		if err != nil {
			t.Fatal(err)
		}
		if err := tx.SaveTouch(res); err != nil {
			t.Fatal(err)
		}
		h, err := tx.History(playbook.Default().Lookback())
		if err != nil {
			t.Fatal(err)
		}
		situations := make([]*playbook.Situation, len(book))
		for i := range book {
			situations[i] = playbook.NewSituation(&book[i], asOf)
			situations[i].SetHealth(&results[i], health.Trend{})
		}
		tasks, _ := playbook.Default().EvaluateAll(situations, h)
		if err := h.Record(tasks); err != nil {
			t.Fatal(err)
		}
		if err := tx.SaveHistory(h); err != nil {
			t.Fatal(err)
		}
		if _, err := tx.Commit(); err != nil {
			t.Fatal(err)
		}
	}
	dump(t, s)
	if _, err := s.History(ctx, Start().AddDays(14), 30); err != nil {
		t.Fatal(err)
	}
}
