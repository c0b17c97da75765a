package stats

import (
	"bufio"
	"errors"
	"math"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/successkit/cs"
	"pgregory.net/rapid"
)

// vectorCase is one case of a conformance file in testdata: rows and the expected
// figures, each line holding a keyword and fields (see the files' comments).
type vectorCase struct {
	name   string
	times  []float64
	events []bool
	groups []int
	checks [][]string
}

// readVectors parses a conformance file: "case" starts a case (the file itself is
// the first), "row" adds a subject, anything else is an expected figure.
func readVectors(t *testing.T, path string) []vectorCase {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	cases := []vectorCase{{name: path}}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		fs := strings.Fields(line)
		c := &cases[len(cases)-1]
		switch fs[0] {
		case "case":
			if len(c.times) == 0 && len(c.checks) == 0 {
				c.name = path + "/" + fs[1]
			} else {
				cases = append(cases, vectorCase{name: path + "/" + fs[1]})
			}
		case "row":
			if len(fs) == 3 { // row <x> <y>: one group
				c.groups = append(c.groups, 0)
				c.times = append(c.times, num(t, fs[1]))
				c.events = append(c.events, fs[2] == "1")
				continue
			}
			g, _ := strconv.Atoi(fs[1])
			c.groups = append(c.groups, g)
			c.times = append(c.times, num(t, fs[2]))
			c.events = append(c.events, fs[3] == "1")
		default:
			c.checks = append(c.checks, fs)
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return cases
}

func num(t *testing.T, s string) float64 {
	t.Helper()
	v, err := strconv.ParseFloat(s, 64)
	if err != nil {
		t.Fatalf("bad number %q: %v", s, err)
	}
	return v
}

func groupsOf(c vectorCase) int { return slices.Max(c.groups) + 1 }

func TestSurvivalPublishedFigures(t *testing.T) {
	for _, file := range []string{"testdata/freireich.txt", "testdata/glioma_g3.txt", "testdata/survdiff_small.txt", "testdata/chernick_cmf.txt"} {
		for _, c := range readVectors(t, file) {
			res := map[Transform]SurvivalResult{}
			for _, tr := range []Transform{LogLog, Log} {
				r, err := Survival(c.times, c.events, c.groups, groupsOf(c), SurvivalOptions{Transform: tr})
				if err != nil {
					t.Fatalf("%s: %v", c.name, err)
				}
				res[tr] = r
			}
			for _, ch := range c.checks {
				checkSurvivalFigure(t, c.name, ch, res)
			}
		}
	}
}

func checkSurvivalFigure(t *testing.T, name string, ch []string, res map[Transform]SurvivalResult) {
	t.Helper()
	near := func(what string, got, want, tol float64) {
		if math.Abs(got-want) > tol {
			t.Errorf("%s: %s = %.6g, want %.6g ± %g", name, what, got, want, tol)
		}
	}
	at := func(g string, tm string) SurvivalPoint {
		gi, _ := strconv.Atoi(g)
		return res[LogLog].Curves[gi].At(num(t, tm))
	}
	switch ch[0] {
	case "km":
		near("S("+ch[2]+") of group "+ch[1], at(ch[1], ch[2]).Survival, num(t, ch[3]), num(t, ch[4]))
	case "se":
		near("SE("+ch[2]+") of group "+ch[1], at(ch[1], ch[2]).SE, num(t, ch[3]), num(t, ch[4]))
	case "loglog":
		want := num(t, ch[3])
		near("log-log low("+ch[2]+") of group "+ch[1], at(ch[1], ch[2]).Low, want, want*num(t, ch[4]))
	case "loglog-high":
		want := num(t, ch[3])
		near("log-log high("+ch[2]+") of group "+ch[1], at(ch[1], ch[2]).High, want, want*num(t, ch[4]))
	case "expected":
		g, _ := strconv.Atoi(ch[1])
		lr := res[LogLog].LogRank
		if lr.Observed[g] != int(num(t, ch[2])) {
			t.Errorf("%s: observed in group %d = %d, want %s", name, g, lr.Observed[g], ch[2])
		}
		near("expected in group "+ch[1], lr.Expected[g], num(t, ch[3]), num(t, ch[4]))
	case "logrank":
		lr := res[LogLog].LogRank
		if ch[1] != "-" {
			near("log-rank chi-square", lr.ChiSquare, num(t, ch[1]), num(t, ch[4]))
		}
		if lr.DF != int(num(t, ch[2])) {
			t.Errorf("%s: log-rank df = %d, want %s", name, lr.DF, ch[2])
		}
		want := num(t, ch[3])
		tol := num(t, ch[5])
		if want < 1e-3 { // a relative tolerance for tiny p-values
			tol *= want
		}
		near("log-rank p", lr.P, want, tol)
	case "median":
		g, _ := strconv.Atoi(ch[1])
		tr := LogLog
		if ch[2] == "log" {
			tr = Log
		}
		c := res[tr].Curves[g]
		for k, got := range []*float64{c.Median, c.MedianLow, c.MedianHigh} {
			want := ch[3+k]
			switch {
			case want == "NA" && got != nil:
				t.Errorf("%s: median[%d] of group %d = %v, want not reached", name, k, g, *got)
			case want != "NA" && (got == nil || *got != num(t, want)):
				t.Errorf("%s: median[%d] of group %d = %v, want %s", name, k, g, got, want)
			}
		}
	default:
		t.Fatalf("%s: unknown check %q", name, ch[0])
	}
}

func TestSurvivalErrors(t *testing.T) {
	tests := []struct {
		name   string
		times  []float64
		events []bool
		groups []int
		k      int
		want   error
	}{
		// Times and events must describe the same subjects.
		{"length", []float64{1, 2}, []bool{true}, nil, 1, ErrLength},
		// A NaN duration cannot be placed on the time axis.
		{"nan", []float64{math.NaN()}, []bool{true}, nil, 1, cs.ErrNotFinite},
		// A negative duration is an end before the start.
		{"negative", []float64{-1}, []bool{true}, nil, 1, cs.ErrNegative},
		// A group outside [0, k).
		{"group", []float64{1, 2}, []bool{true, false}, []int{0, 2}, 2, ErrOption},
		// No subject: no curve.
		{"empty", nil, nil, nil, 1, ErrTooFewRows},
		// k must be at least one group.
		{"no group", []float64{1}, []bool{true}, []int{0}, 0, ErrOption},
	}
	for _, tt := range tests {
		if _, err := Survival(tt.times, tt.events, tt.groups, tt.k, SurvivalOptions{}); !errors.Is(err, tt.want) {
			t.Errorf("%s: Survival error = %v, want %v", tt.name, err, tt.want)
		}
	}
}

// genLifetimes draws subjects with small integer times (so ties are frequent),
// events and groups.
func genLifetimes(t *rapid.T, k int) ([]float64, []bool, []int) {
	n := rapid.IntRange(1, 60).Draw(t, "n")
	times := make([]float64, n)
	events := make([]bool, n)
	groups := make([]int, n)
	for i := range n {
		times[i] = float64(rapid.IntRange(0, 12).Draw(t, "time"))
		events[i] = rapid.Bool().Draw(t, "event")
		groups[i] = rapid.IntRange(0, k-1).Draw(t, "group")
	}
	return times, events, groups
}

func TestSurvivalProperties(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		k := rapid.IntRange(1, 4).Draw(t, "k")
		times, events, groups := genLifetimes(t, k)
		res, err := Survival(times, events, groups, k, SurvivalOptions{})
		if err != nil {
			t.Fatal(err)
		}
		for g, c := range res.Curves {
			prev := 1.0
			for _, p := range c.Points {
				// Non-increasing, and the interval contains the estimate.
				if p.Survival > prev {
					t.Fatalf("group %d: S rises from %v to %v at %v", g, prev, p.Survival, p.Time)
				}
				if !(p.Low <= p.Survival && p.Survival <= p.High) || p.Low < 0 || p.High > 1 {
					t.Fatalf("group %d at %v: interval [%v, %v] around %v", g, p.Time, p.Low, p.High, p.Survival)
				}
				prev = p.Survival
			}
		}
		// Invariant to the input order.
		perm := rapid.Permutation(indices(len(times))).Draw(t, "perm")
		pt, pe, pg := make([]float64, len(times)), make([]bool, len(times)), make([]int, len(times))
		for i, j := range perm {
			pt[i], pe[i], pg[i] = times[j], events[j], groups[j]
		}
		again, err := Survival(pt, pe, pg, k, SurvivalOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if !sameSurvival(res, again) {
			t.Fatalf("a permutation of the input changed the result")
		}
	})
}

func indices(n int) []int {
	s := make([]int, n)
	for i := range s {
		s[i] = i
	}
	return s
}

func sameSurvival(a, b SurvivalResult) bool {
	if len(a.Curves) != len(b.Curves) || a.LogRank.ChiSquare != b.LogRank.ChiSquare || !slices.Equal(a.LogRank.Expected, b.LogRank.Expected) {
		return false
	}
	for g := range a.Curves {
		if !slices.Equal(a.Curves[g].Points, b.Curves[g].Points) {
			return false
		}
	}
	return true
}

// Without censoring the Kaplan–Meier estimate is one minus the empirical
// distribution function (Kaplan & Meier, 1958, section 2).
func TestKaplanMeierIsEmpiricalWithoutCensoring(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		n := rapid.IntRange(1, 50).Draw(t, "n")
		times := make([]float64, n)
		events := make([]bool, n)
		for i := range times {
			times[i] = float64(rapid.IntRange(0, 20).Draw(t, "time"))
			events[i] = true
		}
		res, err := Survival(times, events, nil, 1, SurvivalOptions{})
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range res.Curves[0].Points {
			later := 0
			for _, x := range times {
				if x > p.Time {
					later++
				}
			}
			if want := float64(later) / float64(n); math.Abs(p.Survival-want) > 1e-12 {
				t.Fatalf("S(%v) = %v, want 1 − F = %v", p.Time, p.Survival, want)
			}
		}
	})
}

// Identical groups have identical observed and expected counts: χ² = 0.
func TestLogRankZeroForIdenticalGroups(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		times, events, _ := genLifetimes(t, 1)
		k := rapid.IntRange(2, 4).Draw(t, "k")
		var tt []float64
		var te []bool
		var tg []int
		for g := range k {
			tt = append(tt, times...)
			te = append(te, events...)
			for range times {
				tg = append(tg, g)
			}
		}
		res, err := Survival(tt, te, tg, k, SurvivalOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if res.LogRank.ChiSquare > 1e-9 {
			t.Fatalf("χ² = %v for %d identical groups", res.LogRank.ChiSquare, k)
		}
	})
}

// slowLogRank computes the two-group log-rank statistic straight from its
// definition at each distinct event time (Peto & Peto, 1972), O(n²).
func slowLogRank(times []float64, events []bool, groups []int) float64 {
	var ts []float64
	for i, t := range times {
		if events[i] && !slices.Contains(ts, t) {
			ts = append(ts, t)
		}
	}
	var o, e, v float64
	for _, t := range ts {
		var n, n1, d, d1 float64
		for i, x := range times {
			if x >= t {
				n++
				if groups[i] == 0 {
					n1++
				}
			}
			if x == t && events[i] {
				d++
				if groups[i] == 0 {
					d1++
				}
			}
		}
		o += d1
		e += n1 * d / n
		if n > 1 {
			v += n1 * (n - n1) * d * (n - d) / (n * n * (n - 1))
		}
	}
	if v == 0 {
		return 0
	}
	return (o - e) * (o - e) / v
}

func TestLogRankAgreesWithDefinition(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		times, events, groups := genLifetimes(t, 2)
		res, err := Survival(times, events, groups, 2, SurvivalOptions{})
		if err != nil {
			t.Fatal(err)
		}
		want := slowLogRank(times, events, groups)
		if res.LogRank.DF == 0 {
			return // one group without an expected event: no test
		}
		if math.Abs(res.LogRank.ChiSquare-want) > 1e-9*max(1, want) {
			t.Fatalf("χ² = %v, want %v", res.LogRank.ChiSquare, want)
		}
	})
}
