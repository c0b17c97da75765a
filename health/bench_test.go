package health

import (
	"context"
	"fmt"
	"math/rand/v2"
	"runtime"
	"testing"

	"github.com/successkit/cs"
)

// ramp10Weights are the weights of the BenchmarkBatchRamp10 workload.
var ramp10Weights = [10]float64{3, 2, 2, 1, 1, 2, 1, 1, 1, 2}

// ramp10 returns the workload's scorecard: one group of 10 linear ramps (every
// third one decreasing), missing weight redistributed, default grades.
func ramp10() Config {
	g := Group{Name: "all", Weight: 1}
	for j, w := range ramp10Weights {
		bad, good := 0.1+0.02*float64(j), 0.9-0.03*float64(j)
		if j%3 == 2 {
			bad, good = good, bad
		}
		g.Measures = append(g.Measures, ramp(fmt.Sprintf("m%d", j), fmt.Sprintf("s%d", j), w, bad, good))
	}
	return Config{Version: "ramp10", Profiles: []Profile{{Name: "ramp10", Groups: []Group{g}}}}
}

// ramp10Columns builds n accounts of the workload: values uniform in
// [-0.1,1.1) (so some clamp), 5% of values missing uniformly at random.
func ramp10Columns(n int, seed uint64) *Columns {
	rng := rand.New(rand.NewPCG(seed, 7))
	c := &Columns{}
	for j := range 10 {
		c.Names = append(c.Names, fmt.Sprintf("s%d", j))
		vals := make([]float64, n)
		pres := SetPresent(n)
		for i := range vals {
			vals[i] = -0.1 + 1.2*rng.Float64()
			if rng.IntN(100) < 5 {
				pres[i/64] &^= 1 << (i % 64)
			}
		}
		c.Values = append(c.Values, vals)
		c.Present = append(c.Present, pres)
	}
	return c
}

const benchAccounts = 1_000_000

func BenchmarkBatchRamp10(b *testing.B) {
	s := mustCompile(b, ramp10())
	cols := ramp10Columns(benchAccounts, 1)
	pl, err := s.Plan("ramp10", cols.Names)
	if err != nil {
		b.Fatal(err)
	}
	out := make([]Scored, benchAccounts)
	run := func(b *testing.B, procs int) {
		defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(procs))
		b.ReportAllocs()
		ctx := context.Background()
		for b.Loop() {
			if err := pl.Score(ctx, cols, out, 0); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(b.N)*benchAccounts/b.Elapsed().Seconds(), "accounts/s")
	}
	b.Run("GOMAXPROCS=1", func(b *testing.B) { run(b, 1) })
	b.Run(fmt.Sprintf("GOMAXPROCS=%d", runtime.NumCPU()), func(b *testing.B) { run(b, runtime.NumCPU()) })
	b.Run("handwritten", func(b *testing.B) {
		defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(1))
		var bad, span [10]float64
		for j, m := range ramp10().Profiles[0].Groups[0].Measures {
			bad[j], span[j] = m.Ramp.Bad, m.Ramp.Good-m.Ramp.Bad
		}
		b.ReportAllocs()
		for b.Loop() {
			handwrittenRamp10(cols, out, &bad, &span)
		}
		b.ReportMetric(float64(b.N)*benchAccounts/b.Elapsed().Seconds(), "accounts/s")
	})
}

// handwrittenRamp10 is the hand-written columnar loop the budget compares the
// library with: the workload's arithmetic and nothing else (no NaN check, no
// coverage, no vetoes, one group hard-wired).
func handwrittenRamp10(cols *Columns, out []Scored, bad, span *[10]float64) {
	w := ramp10Weights
	for i := range out {
		num, den := 0.0, 0.0
		for j := range 10 {
			if cols.Present[j][i>>6]&(1<<(uint(i)&63)) == 0 {
				continue
			}
			p := (cols.Values[j][i] - bad[j]) / span[j] * 100
			p = min(max(p, 0), 100)
			num = float64(w[j]*p) + num
			den += w[j]
		}
		if den == 0 {
			out[i] = Scored{Grade: -1, Cause: CauseCoverage}
			continue
		}
		score := num / den
		g := int8(2)
		if score <= 50 {
			g = 0
		} else if score <= 75 {
			g = 1
		}
		out[i] = Scored{Score: score, Grade: g}
	}
}

// BenchmarkScoreOneExplained scores one customer (10 measures, map-based
// signals, one missing) with its full explanation into a reused Result, the way
// a service loop calls ScoreInto.
func BenchmarkScoreOneExplained(b *testing.B) {
	s, c := oneCustomer(b)
	var r Result
	b.ReportAllocs()
	for b.Loop() {
		if err := s.ScoreInto(&r, c, day); err != nil || r.Unknown {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "accounts/s")
}

// BenchmarkScoreOneAlloc is BenchmarkScoreOneExplained through Score, which
// allocates the result's two slices.
func BenchmarkScoreOneAlloc(b *testing.B) {
	s, c := oneCustomer(b)
	b.ReportAllocs()
	for b.Loop() {
		r, err := s.Score(c, day)
		if err != nil || r.Unknown {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "accounts/s")
}

func oneCustomer(b *testing.B) (*Scorer, *cs.Customer) {
	s := mustCompile(b, ramp10())
	c := &cs.Customer{ID: "c1", Signals: cs.Signals{}}
	for j := range 10 {
		if j != 4 {
			c.Signals[fmt.Sprintf("s%d", j)] = 0.05 + 0.09*float64(j)
		}
	}
	return s, c
}
