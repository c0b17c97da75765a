package stats

import (
	"errors"
	"math"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/successkit/cs"
	"pgregory.net/rapid"
)

var (
	d1 = cs.MustParseDate("2026-01-01")
	d2 = cs.MustParseDate("2026-02-01")
	d3 = cs.MustParseDate("2026-03-01")
	d9 = cs.MustParseDate("2026-06-01")
)

func usd(s string) cs.Money { return cs.MustParseMoney(s + " USD") }

// A small book worked by hand (the CS platforms' definitions: precision = churn rate among red,
// recall = share of churners red, lift = red churn rate ÷ base rate).
func TestBookWorked(t *testing.T) {
	snaps := []Snapshot{
		{ID: "a", Date: d1, Score: 70, Grade: "yellow", MRR: usd("100")},
		{ID: "a", Date: d2, Score: 40, Grade: "red", MRR: usd("100")},
		{ID: "a", Date: d3, Score: 30, Grade: "red", MRR: usd("100")}, // churns 2026-06-01: red since 02-01, 120 days
		{ID: "b", Date: d3, Score: 45, Grade: "red", MRR: usd("50")},
		{ID: "c", Date: d3, Score: 60, Grade: "yellow", MRR: usd("80")}, // churns, yellow
		{ID: "d", Date: d3, Score: 90, Grade: "green", MRR: usd("200")},
		{ID: "e", Date: d3, Score: 80, Grade: "green", MRR: usd("20")},
		{ID: "f", Date: d3, Score: 20, Grade: "red"}, // churns; no MRR known
	}
	outs := []Outcome{
		{ID: "a", Churned: true, Date: d9}, {ID: "b"}, {ID: "c", Churned: true},
		{ID: "d"}, {ID: "e"}, {ID: "f", Churned: true},
	}
	rep, err := Book(snaps, outs, BookOptions{Grades: []string{"red", "yellow", "green"}})
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Errors) != 0 {
		t.Fatalf("errors: %v", rep.Errors)
	}
	// Churners a(30), c(60), f(20) against b(45), d(90), e(80): of 9 pairs only c vs b
	// is lost (60 healthier than 45): AUC 8/9.
	if rep.N != 6 || rep.Churners != 3 || rep.BaseRate != 0.5 || math.Abs(rep.AUC.Estimate-8.0/9) > 1e-15 {
		t.Errorf("N %d churners %d base %v AUC %v, want 6 3 0.5 8/9", rep.N, rep.Churners, rep.BaseRate, rep.AUC.Estimate)
	}
	// Red = a, b, f: 2 of 3 churned; recall 2/3; lift (2/3)/(1/2) = 4/3.
	if rep.FlagConf != (Confusion{TP: 2, FP: 1, FN: 1, TN: 2}) || math.Abs(rep.Lift-4.0/3) > 1e-15 {
		t.Errorf("flag %+v lift %v, want TP2 FP1 FN1 TN2, 4/3", rep.FlagConf, rep.Lift)
	}
	var got []string
	for _, g := range rep.Grades {
		var m []string
		for _, x := range g.MRR {
			m = append(m, x.String())
		}
		var c []string
		for _, x := range g.ChurnedMRR {
			c = append(c, x.String())
		}
		got = append(got, strings.Join([]string{g.Grade, strconv.Itoa(g.Accounts), strconv.Itoa(g.Churners), strings.Join(m, "+"), strings.Join(c, "+")}, " "))
	}
	want := []string{
		"red 3 2 150.00 USD 100.00 USD",
		"yellow 1 1 80.00 USD 80.00 USD",
		"green 2 0 220.00 USD ",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("grade table (-want +got):\n%s", diff)
	}
	if rep.Grades[0].Lift != 4.0/3 {
		t.Errorf("red lift %v, want 4/3", rep.Grades[0].Lift)
	}
	// Only a has a churn date and a history: red since 2026-02-01, 120 days before.
	if lt := rep.LeadTime; lt.Churners != 1 || lt.Flagged != 1 || !slices.Equal(lt.Days, []int{120}) || lt.Median != 120 {
		t.Errorf("lead time %+v, want one churner flagged 120 days ahead", lt)
	}
}

func TestBookRecordErrors(t *testing.T) {
	snaps := []Snapshot{
		{ID: "a", Date: d1, Score: 10, Grade: "red"},
		{ID: "b", Date: d1, Score: 90, Grade: "green"},
		{ID: "", Date: d1, Score: 50, Grade: "yellow"},          // empty ID
		{ID: "c", Date: d1, Score: math.NaN(), Grade: "red"},    // NaN score
		{ID: "nooutcome", Date: d1, Score: 50, Grade: "yellow"}, // missing outcome
		{ID: "b", Date: d1, Score: 80, Grade: "green"},          // same customer, same date
		{ID: "late", Date: d9, Score: 50, Grade: "yellow"},      // after its outcome
		{ID: "late", Date: d1, Score: 40, Grade: "red"},         // kept
	}
	outs := []Outcome{
		{ID: "a", Churned: true}, {ID: "b"}, {ID: "late", Churned: true, Date: d3},
		{ID: "ghost"}, // no snapshot
		{ID: "a"},     // duplicate
	}
	rep, err := Book(snaps, outs, BookOptions{})
	if err != nil {
		t.Fatal(err)
	}
	wants := []error{cs.ErrMissing, cs.ErrNotFinite, cs.ErrMissing, cs.ErrDuplicate, cs.ErrDateOrder, ErrUnknownID, cs.ErrDuplicate}
	for _, w := range wants {
		found := false
		for _, e := range rep.Errors {
			if errors.Is(e, w) {
				found = true
			}
		}
		if !found {
			t.Errorf("no error wrapping %v in %v", w, rep.Errors)
		}
	}
	if len(rep.Errors) != len(wants) {
		t.Errorf("%d errors, want %d: %v", len(rep.Errors), len(wants), rep.Errors)
	}
	// Each names its record by its path in the input; the package adds no prefix
	// (health, its user, adds its own by wrapping).
	for _, e := range rep.Errors {
		var fe *cs.FieldError
		if !errors.As(e, &fe) || !strings.HasPrefix(fe.Field, "snapshots[") && !strings.HasPrefix(fe.Field, "outcomes[") || strings.HasPrefix(e.Error(), "stats") {
			t.Errorf("error %q does not name its record's path, or has a prefix", e)
		}
	}
	// a, b and late are evaluated; nothing is double-counted.
	if rep.N != 3 || rep.Churners != 2 {
		t.Errorf("N %d churners %d, want 3 and 2", rep.N, rep.Churners)
	}
}

func TestBookOneClass(t *testing.T) {
	_, err := Book([]Snapshot{{ID: "a", Score: 1, Grade: "red"}}, []Outcome{{ID: "a"}}, BookOptions{})
	if !errors.Is(err, ErrOneClass) {
		t.Errorf("err = %v, want ErrOneClass", err)
	}
}

// genBook draws a book of up to 30 customers with 1–3 snapshots each.
func genBook(t *rapid.T) ([]Snapshot, []Outcome) {
	n := rapid.IntRange(2, 30).Draw(t, "n")
	grades := []string{"red", "yellow", "green", ""}
	var snaps []Snapshot
	var outs []Outcome
	for i := range n {
		id := string(rune('A' + i))
		outs = append(outs, Outcome{ID: id, Churned: i == 0 || (i > 1 && rapid.Bool().Draw(t, "y")), Date: d9})
		for k := range rapid.IntRange(1, 3).Draw(t, "k") {
			g := grades[rapid.IntRange(0, 2+boolInt(i > 1)).Draw(t, "g")]
			snaps = append(snaps, Snapshot{ID: id, Date: d1.AddDays(30 * k), Score: float64(rapid.IntRange(0, 10).Draw(t, "s")) * 10, Grade: g, MRR: usd("10")})
		}
	}
	return snaps, outs
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

func TestBookOrderIndependent(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		snaps, outs := genBook(t)
		a, errA := Book(snaps, outs, BookOptions{})
		ps := rapid.Permutation(snaps).Draw(t, "ps")
		po := rapid.Permutation(outs).Draw(t, "po")
		b, errB := Book(ps, po, BookOptions{})
		if (errA == nil) != (errB == nil) {
			t.Fatalf("errors differ: %v, %v", errA, errB)
		}
		opts := cmp.Options{cmp.AllowUnexported(BookReport{}, Ranking{}), cmp.Comparer(func(x, y cs.Money) bool { return x.Equal(y) }),
			cmp.FilterPath(func(p cmp.Path) bool {
				s := p.String()
				return s == "ranking" || s == "Errors" || strings.HasPrefix(s, "AUC.SE") || s == "AUC.Low" || s == "AUC.High"
			}, cmp.Ignore())}
		if d := cmp.Diff(a, b, opts); d != "" {
			t.Fatalf("report depends on input order (-first +permuted):\n%s", d)
		}
		if math.Abs(a.AUC.SE-b.AUC.SE) > 1e-12 {
			t.Fatalf("SE %v vs %v", a.AUC.SE, b.AUC.SE)
		}
		// Grade table totals equal the evaluated customers.
		acc, ch := 0, 0
		for _, g := range a.Grades {
			acc += g.Accounts
			ch += g.Churners
		}
		if acc != a.N || ch != a.Churners {
			t.Fatalf("grade table sums %d/%d, want %d/%d", acc, ch, a.N, a.Churners)
		}
	})
}

func TestCompareBooks(t *testing.T) {
	snaps := []Snapshot{
		{ID: "a", Score: 10, Grade: "red"}, {ID: "b", Score: 20, Grade: "red"},
		{ID: "c", Score: 60, Grade: "yellow"}, {ID: "d", Score: 90, Grade: "green"},
		{ID: "e", Score: 30, Grade: "red"}, {ID: "f", Score: 80, Grade: "green"},
	}
	outs := []Outcome{{ID: "a", Churned: true}, {ID: "b"}, {ID: "c", Churned: true}, {ID: "d"}, {ID: "e", Churned: true}, {ID: "f"}}
	a, _ := Book(snaps, outs, BookOptions{})
	flat := slices.Clone(snaps)
	for i := range flat {
		flat[i].Score = 50
	}
	b, _ := Book(flat, outs, BookOptions{})
	d, err := CompareBooks(a, b, 0, 0)
	if err != nil || d.Estimate != a.AUC.Estimate-0.5 {
		t.Errorf("CompareBooks = %+v, %v; want estimate %v", d, err, a.AUC.Estimate-0.5)
	}
	if _, err := CompareBooks(a, b, 50, 3); err != nil {
		t.Errorf("bootstrap CompareBooks: %v", err)
	}
	c, _ := Book(snaps[:5], outs[:5], BookOptions{})
	if _, err := CompareBooks(a, c, 0, 0); !errors.Is(err, ErrLength) {
		t.Errorf("CompareBooks of different customers err = %v, want ErrLength", err)
	}
}

func TestMoneySumExact(t *testing.T) {
	// Whole cents take the int64 path; a sub-cent amount and an amount near the int64
	// limit take the exact path; the totals are exact either way.
	ms := newMoneySum()
	for _, s := range []string{"10.25 USD", "0.005 USD", "92233720368547758.07 USD", "1 USD", "5 EUR", "-2.5 EUR"} {
		ms.add(cs.MustParseMoney(s))
	}
	ms.add(cs.Money{}) // unknown MRR adds nothing
	got := ms.totals()
	want := []string{"2.5 EUR", "92233720368547769.325 USD"}
	if len(got) != len(want) {
		t.Fatalf("totals %v, want %v", got, want)
	}
	for i := range want {
		if !got[i].Equal(cs.MustParseMoney(want[i])) {
			t.Errorf("total %d = %v, want %v", i, got[i], want[i])
		}
	}
}

// moneySum's minor-unit path relies on Money.Minor being exact for the amounts it
// sums: checked against the exact route (shift by the currency's digits, then a
// whole number that fits an int64).
func TestMinorMatchesMoney(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		n := rapid.Int64Range(-1e15, 1e15).Draw(t, "n")
		scale := rapid.IntRange(0, 5).Draw(t, "scale")
		cur := rapid.SampledFrom([]cs.Currency{"USD", "JPY", "BHD"}).Draw(t, "cur")
		m := cs.MustParseMoney(decimalString(n, scale) + " " + string(cur))
		got, ok := m.Minor()
		s := m.Amount().Shift(int32(cur.Digits()))
		wok := s.IsInteger() && s.BigInt().IsInt64()
		var want int64
		if wok {
			want = s.BigInt().Int64()
		}
		if ok != wok || (ok && got != want) {
			t.Fatalf("Money.Minor(%v) = %d, %v; exact route = %d, %v", m, got, ok, want, wok)
		}
	})
}

func decimalString(n int64, scale int) string {
	s := strconv.FormatInt(n, 10)
	if scale == 0 {
		return s
	}
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	for len(s) <= scale {
		s = "0" + s
	}
	s = s[:len(s)-scale] + "." + s[len(s)-scale:]
	if neg {
		s = "-" + s
	}
	return s
}

// The radix sort of ID keys orders exactly as the full comparison, for IDs of
// any length sharing prefixes, with repeated IDs and days.
func TestSortIDKeysMatchesComparison(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		n := rapid.IntRange(1024, 3000).Draw(t, "n") // smaller slices take the comparison sort
		ids := []string{"", "a", "ab", "abcdefgh", "abcdefghi", "abcdefgh\x00", "C1000000", "C1000001", "C10000001", "\xff\xff"}
		keys := make([]idKey, n)
		for i := range n {
			id := rapid.SampledFrom(ids).Draw(t, "id")
			if rapid.Bool().Draw(t, "random id") {
				id = rapid.StringN(0, 12, -1).Draw(t, "id")
			}
			keys[i] = newIDKey(id, rapid.IntRange(0, 3).Draw(t, "day"), int32(i))
		}
		want := slices.Clone(keys)
		slices.SortFunc(want, compareIDKeys)
		sortIDKeys(keys)
		if !slices.Equal(keys, want) {
			t.Fatalf("radix order differs from the comparison order")
		}
		for i := 1; i < n; i++ {
			if keys[i-1].id > keys[i].id {
				t.Fatalf("%q sorted before %q", keys[i-1].id, keys[i].id)
			}
		}
	})
}

// The AUC per segment is the AUC of each segment's customers alone; a segment
// with one outcome class has none, and says why.
func TestBookGroupAUCs(t *testing.T) {
	snaps := []Snapshot{
		{ID: "a", Date: d1, Score: 10, Grade: "red", Segment: "smb", Profile: "p"},
		{ID: "b", Date: d1, Score: 90, Grade: "green", Segment: "smb", Profile: "p"},
		{ID: "c", Date: d1, Score: 20, Grade: "red", Segment: "smb", Profile: "p"},
		{ID: "d", Date: d1, Score: 30, Grade: "red", Segment: "ent", Profile: "p"},
		{ID: "e", Date: d1, Score: 80, Grade: "green", Segment: "ent", Profile: "p"},
	}
	outs := []Outcome{{ID: "a", Churned: true}, {ID: "b"}, {ID: "c"}, {ID: "d"}, {ID: "e"}}
	rep, err := Book(snaps, outs, BookOptions{})
	if err != nil {
		t.Fatal(err)
	}
	// smb: churner a (10) below b (90) and c (20): AUC 1. ent: no churner.
	if len(rep.Segments) != 2 || rep.Segments[0].Name != "ent" || rep.Segments[0].AUC != nil || rep.Segments[0].Note == "" {
		t.Fatalf("segments %+v", rep.Segments)
	}
	if s := rep.Segments[1]; s.Name != "smb" || s.N != 3 || s.Churners != 1 || s.AUC == nil || s.AUC.Estimate != 1 {
		t.Errorf("smb: %+v", s)
	}
	if len(rep.Profiles) != 1 || rep.Profiles[0].AUC == nil || rep.Profiles[0].AUC.Estimate != rep.AUC.Estimate {
		t.Errorf("profiles %+v, want one with the book's AUC %v", rep.Profiles, rep.AUC.Estimate)
	}
}
