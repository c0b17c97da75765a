package health

import (
	"errors"
	"math"
	"strings"
	"testing"

	"github.com/successkit/cs"
	"github.com/successkit/cs/internal/stats"
)

// freireichLifetimes are the remission times of Freireich et al. (1963), "The
// effect of 6-mercaptopurine on the duration of steroid-induced remissions in
// acute leukemia", Blood 21:699–716 (as tabulated by Gehan, 1965), as lifetimes
// from one start date, a week being 7 days; a negative week marks a censored one.
func freireichLifetimes() []Lifetime {
	start := cs.NewDate(2020, 1, 6)
	groups := map[string][]int{
		"6-MP":    {6, 6, 6, -6, 7, -9, 10, -10, -11, 13, 16, -17, -19, -20, 22, 23, -25, -32, -32, -34, -35},
		"placebo": {1, 1, 2, 2, 3, 4, 4, 5, 5, 8, 8, 8, 8, 11, 11, 12, 12, 15, 17, 22, 23},
	}
	var lts []Lifetime
	for _, g := range []string{"6-MP", "placebo"} {
		for i, w := range groups[g] {
			lts = append(lts, Lifetime{ID: g + string(rune('a'+i)), Start: start, End: start.AddDays(7 * abs(w)), Churned: w > 0, Group: g})
		}
	}
	return lts
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}

// The published figures of the leukaemia trial through dates: Kaplan–Meier of
// the 6-MP group 0.4482 after 23 weeks and 0.8571 after 6 (Kleinbaum & Klein,
// 2012, "Survival Analysis: A Self-Learning Text", 3rd ed., chapter 2), medians 23
// and 8 weeks, log-rank χ² = 16.79 (ibid.), p = 4.17e-05 (R's survdiff).
func TestSurvivalFreireichInDays(t *testing.T) {
	rep, err := Survival(freireichLifetimes(), SurvivalOptions{Groups: []string{"placebo", "6-MP"}})
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Curves) != 2 || rep.Curves[0].Group != "placebo" || rep.N != 42 || rep.Churners != 30 {
		t.Fatalf("curves %v, n %d, churners %d", len(rep.Curves), rep.N, rep.Churners)
	}
	mp := rep.Curve("6-MP")
	for _, c := range []struct{ days, want float64 }{{42, 0.8571}, {161, 0.4482}, {160, 0.5378}} {
		if got := mp.At(c.days).Survival; math.Abs(got-c.want) > 5e-5 {
			t.Errorf("6-MP S(%v days) = %.4f, want %.4f", c.days, got, c.want)
		}
	}
	if mp.Median == nil || *mp.Median != 161 || rep.Curve("placebo").Median == nil || *rep.Curve("placebo").Median != 56 {
		t.Errorf("medians %v and %v days, want 161 and 56", mp.Median, rep.Curve("placebo").Median)
	}
	if math.Abs(rep.LogRank.ChiSquare-16.79) > 0.005 || rep.LogRank.DF != 1 || math.Abs(rep.LogRank.P-4.17e-05) > 0.01e-05 {
		t.Errorf("log-rank %+v, want χ² 16.79 on 1 df, p 4.17e-05", rep.LogRank)
	}
	if rep.Interval != "log-log" || rep.Concordance != nil {
		t.Errorf("interval %q, concordance %v", rep.Interval, rep.Concordance)
	}
}

func TestSurvivalRejectsBadLifetimes(t *testing.T) {
	d := cs.NewDate(2026, 1, 1)
	nan := math.NaN()
	lts := []Lifetime{
		{ID: "a", Start: d, End: d.AddDays(10), Churned: true},
		{ID: "", Start: d, End: d.AddDays(10)},                           // no ID
		{ID: "c", Start: d, End: d.AddDays(-1)},                          // ends before it starts
		{ID: "a", Start: d, End: d.AddDays(20)},                          // repeated ID
		{ID: "e", Start: d, End: d.AddDays(5), Score: &nan},              // NaN score
		{ID: "f", Start: cs.Date{Year: 2026, Month: 2, Day: 30}, End: d}, // invalid date
		{ID: "g", Start: d, End: d.AddDays(30)},
	}
	rep, err := Survival(lts, SurvivalOptions{})
	if err != nil {
		t.Fatal(err)
	}
	want := []error{cs.ErrMissing, cs.ErrDateOrder, cs.ErrDuplicate, cs.ErrNotFinite, cs.ErrInvalidDate}
	if len(rep.Errors) != len(want) || rep.N != 2 {
		t.Fatalf("errors %v, n %d; want %d errors and 2 lifetimes", rep.Errors, rep.N, len(want))
	}
	for i, w := range want {
		var fe *cs.FieldError
		if !errors.Is(rep.Errors[i], w) || !errors.As(rep.Errors[i], &fe) || !strings.HasPrefix(fe.Field, "lifetimes[") || !strings.HasPrefix(rep.Errors[i].Error(), "health: ") {
			t.Errorf("error %d = %v, want %v naming the lifetime", i, rep.Errors[i], w)
		}
	}
	// None usable: the error lists why.
	_, err = Survival(lts[1:3], SurvivalOptions{})
	if !errors.Is(err, stats.ErrTooFewRows) || !errors.Is(err, cs.ErrDateOrder) || !strings.Contains(err.Error(), "lifetimes[1]") {
		t.Errorf("no usable lifetime: %v", err)
	}
}

func TestSurvivalByGrade(t *testing.T) {
	obs, outs := calibrationData(3000, 9)
	for i := range outs {
		// Churners leave at a day that depends on their usage; the others are
		// followed for 180 days.
		outs[i].Date = btDate.AddDays(180)
		if outs[i].Churned {
			outs[i].Date = btDate.AddDays(1 + int(170*obs[i].Customer.Signals["usage"]))
		}
	}
	outs[0].Date = cs.Date{} // no date: no lifetime
	s := mustCompile(t, usageConfig())
	rep, err := SurvivalByGrade(s, obs, outs, BacktestOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Curves) != 3 || rep.Curves[0].Group != "red" || rep.Curves[2].Group != "green" {
		t.Fatalf("curves %+v", rep.Curves)
	}
	if len(rep.Errors) != 1 || !errors.Is(rep.Errors[0], cs.ErrMissing) || rep.N != 2999 {
		t.Errorf("errors %v, n %d", rep.Errors, rep.N)
	}
	red, green := rep.Curve("red").At(180).Survival, rep.Curve("green").At(180).Survival
	if !(red < green) || rep.LogRank.P > 1e-6 || rep.Concordance == nil || rep.Concordance.C < 0.6 {
		t.Errorf("red %v, green %v, log-rank %+v, C %+v", red, green, rep.LogRank, rep.Concordance)
	}
}

func TestReadLifetimes(t *testing.T) {
	in := "\ufeffID,Start,End,Churned,Group,Score\n" +
		"a,2026-01-01,2026-03-01,1,red,42.5\n" +
		"b,2026-01-01,2026-02-30,0,green,90\n" + // bad end date
		",2026-01-01,2026-02-01,0,green,90\n" + // no ID
		"d,2026-01-01,2026-02-01,maybe,green,90\n" + // bad churned
		"e,2026-03-01,2026-02-01,0,green,\n" + // end before start
		"f,2026-01-01,2026-02-01,true,green,NaN\n" + // NaN score
		"g,2026-01-01,2026-02-01,false,,\n" +
		"h,2026-01-01\n" // too few fields
	var got []Lifetime
	var errs []error
	for lt, err := range ReadLifetimes(strings.NewReader(in), "life.csv") {
		if err != nil {
			errs = append(errs, err)
			continue
		}
		got = append(got, lt)
	}
	if len(got) != 2 || got[0].ID != "a" || !got[0].Churned || got[0].Score == nil || *got[0].Score != 42.5 || got[1].ID != "g" || got[1].Score != nil {
		t.Errorf("lifetimes %+v", got)
	}
	want := []struct {
		err  error
		line string
	}{{cs.ErrInvalidDate, "life.csv:3:"}, {cs.ErrMissing, "life.csv:4:"}, {ErrNotBool, "life.csv:5:"}, {cs.ErrDateOrder, "life.csv:6:"}, {cs.ErrNotFinite, "life.csv:7:"}, {cs.ErrMissing, "life.csv:9:"}}
	if len(errs) != len(want) {
		t.Fatalf("errors %v", errs)
	}
	for i, w := range want {
		if !errors.Is(errs[i], w.err) || !strings.Contains(errs[i].Error(), w.line) {
			t.Errorf("error %d = %v, want %v at %s", i, errs[i], w.err, w.line)
		}
	}
	for _, bad := range []string{"", "id,start,end\n", "id,start,end,churned,colour\n", "id,id,start,end,churned\n"} {
		n := 0
		for _, err := range ReadLifetimes(strings.NewReader(bad), "x.csv") {
			n++
			if err == nil || !strings.Contains(err.Error(), "x.csv:1:") {
				t.Errorf("header %q: %v, want an error on line 1", bad, err)
			}
		}
		if n != 1 {
			t.Errorf("header %q: %d items, want one error", bad, n)
		}
	}
}

func FuzzReadLifetimes(f *testing.F) {
	f.Add("id,start,end,churned,group,score\na,2026-01-01,2026-03-01,1,red,42.5\n")
	f.Add("id,start,end,churned\n\"a,2026-01-01,2026-03-01,1\n")
	f.Add("start,id,churned,end\nb,2026-02-30,0,2026-01-01\n")
	f.Fuzz(func(t *testing.T, in string) {
		for lt, err := range ReadLifetimes(strings.NewReader(in), "f.csv") {
			if err != nil {
				if len(err.Error()) > 4096+len(in) {
					t.Fatalf("error of %d bytes", len(err.Error()))
				}
				continue
			}
			if lt.ID == "" || lt.End.Before(lt.Start) || lt.Score != nil && (math.IsNaN(*lt.Score) || math.IsInf(*lt.Score, 0)) {
				t.Fatalf("accepted %+v", lt)
			}
		}
	})
}
