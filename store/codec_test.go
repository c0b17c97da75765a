package store

import (
	"encoding/json"
	"fmt"
	"math"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"pgregory.net/rapid"

	"github.com/successkit/cs"
	"github.com/successkit/cs/health"
)

var sampleScorer = func() *health.Scorer {
	sc, err := health.Compile(health.SampleConfig())
	if err != nil {
		panic(err)
	}
	return sc
}()

// genCustomer draws a customer whose signals the sample scorecard reads,
// each possibly missing, out of range or negative zero.
func genCustomer(t *rapid.T) cs.Customer {
	c := cs.Customer{ID: rapid.StringMatching(`[a-z0-9'"%; -]{1,12}`).Draw(t, "id"),
		Stage: cs.Stage(rapid.IntRange(0, 4).Draw(t, "stage")), Signals: cs.Signals{}}
	for _, name := range []string{"usage", "usage_trend", "seat_utilization", "feature_adoption", "logins_30d",
		"days_since_login", "nps", "ces", "tickets_90d", "friction"} {
		if rapid.Bool().Draw(t, name+"?") {
			c.Signals[name] = rapid.Float64Range(-50, 150).Draw(t, name)
		}
	}
	return c
}

// A result's row (detail, override, scalar columns) decodes to the result:
// every field but the compiled profile.
func TestDetailRoundTrip(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		c := genCustomer(t)
		asOf := cs.MustParseDate("2026-06-30")
		var overrides []health.Override
		if rapid.Bool().Draw(t, "override") {
			overrides = append(overrides, health.Override{Points: rapid.Float64Range(0, 100).Draw(t, "points"),
				Reason: "r", Author: "a", SetAt: asOf, Expires: asOf.AddDays(1)})
		}
		if rapid.Bool().Draw(t, "measure override") {
			overrides = append(overrides, health.Override{Measure: "usage", Points: 33, Reason: "feed", Author: "b",
				SetAt: asOf.AddDays(-3), Expires: asOf.AddDays(3)})
		}
		r, err := sampleScorer.Score(&c, asOf, overrides...)
		if err != nil {
			t.Skip(err)
		}
		b, err := appendDetail(nil, &r)
		if err != nil {
			t.Fatal(err)
		}
		got := r
		got.Groups, got.Measures = nil, nil
		if err := decodeDetail(b, layoutOf(&r), &got); err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(r, got, cmpopts.IgnoreUnexported(health.Result{}, health.GroupResult{})); diff != "" {
			t.Fatalf("decodeDetail(appendDetail(r)) (-want +got):\n%s", diff)
		}
	})
}

// The layout survives JSON, so the stored layout decodes what was encoded.
func TestLayoutJSON(t *testing.T) {
	c := cs.Customer{ID: "c1", Signals: cs.Signals{"usage": 0.5}}
	r, err := sampleScorer.Score(&c, cs.MustParseDate("2026-06-30"))
	if err != nil {
		t.Fatal(err)
	}
	l := layoutOf(&r)
	b, _ := json.Marshal(l)
	var back layout
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if !back.fits(&r) {
		t.Error("the layout read back does not fit its result")
	}
	other := r
	other.Measures = append([]health.MeasureResult(nil), r.Measures...)
	other.Measures[0].Weight = math.Nextafter(other.Measures[0].Weight, 2)
	if back.fits(&other) {
		t.Error("a result with another weight fits the layout")
	}
}

// Truncated or altered details are errors, never panics or wrong lengths.
func TestDetailTruncated(t *testing.T) {
	c := cs.Customer{ID: "c1", Signals: cs.Signals{"usage": 0.5, "nps": 9}}
	r, _ := sampleScorer.Score(&c, cs.MustParseDate("2026-06-30"))
	b, _ := appendDetail(nil, &r)
	l := layoutOf(&r)
	for n := 0; n < len(b); n++ {
		var got health.Result
		if err := decodeDetail(b[:n], l, &got); err == nil {
			t.Errorf("decodeDetail of %d of %d bytes: no error", n, len(b))
		}
	}
	if err := decodeDetail(append(b, 0), l, &health.Result{}); err == nil {
		t.Error("decodeDetail with a trailing byte: no error")
	}
}

func FuzzDecodeDetail(f *testing.F) {
	c := cs.Customer{ID: "c1", Signals: cs.Signals{"usage": 0.5, "nps": 9}}
	r, _ := sampleScorer.Score(&c, cs.MustParseDate("2026-06-30"))
	b, _ := appendDetail(nil, &r)
	l := layoutOf(&r)
	f.Add(b)
	f.Add([]byte{1, 0, 0})
	f.Fuzz(func(t *testing.T, data []byte) {
		var got health.Result
		if decodeDetail(data, l, &got) != nil {
			return
		}
		// What decodes encodes back to the same bytes.
		again, err := appendDetail(nil, &got)
		if err != nil {
			t.Fatal(err)
		}
		var twice health.Result
		if err := decodeDetail(again, l, &twice); err != nil {
			t.Fatalf("re-decoding: %v", err)
		}
		if diff := cmp.Diff(got, twice, cmpopts.IgnoreUnexported(health.Result{}, health.GroupResult{}), cmpopts.EquateNaNs()); diff != "" {
			t.Fatalf("decode(encode(decode(x))) differs (-first +second):\n%s", diff)
		}
	})
}

func TestRebind(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"SELECT 1", "SELECT 1"},
		{"a = ? AND b = ?", "a = $1 AND b = $2"},
		// A ? inside quotes is text, not a placeholder.
		{"a = '?' AND b = ?", "a = '?' AND b = $1"},
		{`"we?ird" = ?`, `"we?ird" = $1`},
		{"a = 'it''s ?' AND b = ?", "a = 'it''s ?' AND b = $1"},
	} {
		if got := rebind(c.in); got != c.want {
			t.Errorf("rebind(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestDialectOfPath(t *testing.T) {
	for _, c := range []struct {
		path string
		want Dialect
	}{
		{"modernc.org/sqlite", SQLite},
		{"github.com/mattn/go-sqlite3", SQLite},
		{"github.com/ncruces/go-sqlite3/driver", SQLite},
		{"github.com/jackc/pgx/v5/stdlib", PostgreSQL},
		{"github.com/lib/pq", PostgreSQL},
		{"github.com/go-sql-driver/mysql", Auto},
	} {
		if got := dialectOfPath(c.path); got != c.want {
			t.Errorf("dialectOfPath(%q) = %s, want %s", c.path, got, c.want)
		}
	}
}

// Both dialects' migrations create the same tables with the same columns.
func TestMigrationsAgree(t *testing.T) {
	for _, d := range []Dialect{SQLite, PostgreSQL} {
		ms, err := migrations(d)
		if err != nil {
			t.Fatal(err)
		}
		if len(ms) != SchemaVersion {
			t.Errorf("%s: %d migrations, want %d", d, len(ms), SchemaVersion)
		}
		for _, m := range ms {
			for _, p := range []string{"{KEY}", "{DATE}", "{TIME}", "{REAL}", "{BOOL}", "{BLOB}", "{INT}"} {
				if contains(m.sql, p) {
					t.Errorf("%s migration %d keeps %s", d, m.version, p)
				}
			}
		}
	}
}

func contains(s, sub string) bool { return len(s) >= len(sub) && (s == sub || indexOf(s, sub) >= 0) }

func indexOf(s, sub string) int {
	for i := 0; i+len(sub) <= len(s); i++ {
		if s[i:i+len(sub)] == sub {
			return i
		}
	}
	return -1
}

func TestScope(t *testing.T) {
	for _, s := range []Scope{ScopeRead, ScopeWrite, ScopeAdmin} {
		b, err := s.MarshalText()
		if err != nil {
			t.Fatal(err)
		}
		var back Scope
		if err := back.UnmarshalText(b); err != nil || back != s {
			t.Errorf("UnmarshalText(%q) = %v, %v", b, back, err)
		}
	}
	if _, err := Scope(0).MarshalText(); err == nil {
		t.Error("the zero Scope marshals")
	}
	for _, c := range []struct {
		have, need Scope
		want       bool
	}{{ScopeRead, ScopeRead, true}, {ScopeRead, ScopeWrite, false}, {ScopeAdmin, ScopeWrite, true}, {0, 0, false}, {ScopeAdmin, 0, false}} {
		if got := c.have.Allows(c.need); got != c.want {
			t.Errorf("%s.Allows(%s) = %v, want %v", c.have, c.need, got, c.want)
		}
	}
}

func FuzzParseScope(f *testing.F) {
	for _, s := range []string{"read", "write", "admin", "", "READ", "admin\x00"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		sc, err := ParseScope(s)
		if err != nil {
			if len(err.Error()) > 400 {
				t.Errorf("error of %d bytes", len(err.Error()))
			}
			return
		}
		if sc.String() != s {
			t.Errorf("ParseScope(%q).String() = %q", s, sc.String())
		}
	})
}

// Page cursors come from API clients: any text is refused or round-trips.
func FuzzCursors(f *testing.F) {
	for _, s := range []string{"", "2026-06-30", "12", "-1", "Yy9yaXNrIzA", TaskCursorOf("c1", "c1/p#0", "2026-06-01")} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if k, err := parseTaskCursor(s); err == nil && s != "" {
			if got := TaskCursorOf(k.customer, k.key, k.opened.String()); got != s {
				t.Errorf("task cursor %q reads back as %q", s, got)
			}
		}
		if n, err := afterSeq(s); err == nil && s != "" && fmt.Sprint(n) != s {
			t.Errorf("afterSeq(%q) = %d", s, n)
		}
		st := &Store{dialect: SQLite}
		if _, err := st.afterDate(s); err == nil && s != "" {
			if _, perr := cs.ParseDate(s); perr != nil {
				t.Errorf("afterDate(%q) accepted a non-date", s)
			}
		}
	})
}
