package stats

import (
	"cmp"
	"fmt"
	"math"
	"slices"

	"github.com/successkit/cs"
)

// ConcordanceResult is Harrell's concordance index with its pair counts: of the
// Comparable pairs, Concordant ones ordered the predictions as the outcomes,
// Discordant ones the other way, and Tied ones had equal predictions.
type ConcordanceResult struct {
	C          float64 `json:"c"`
	Concordant int64   `json:"concordant"`
	Discordant int64   `json:"discordant"`
	Tied       int64   `json:"tied"`
	Comparable int64   `json:"comparable"`
}

// Concordance returns Harrell's C of predicted survival against observed survival
// with right censoring: the share of comparable pairs in which the subject that had
// the event first also had the lower prediction, tied predictions counting half
// (Harrell, Califf, Pryor, Lee & Rosati, 1982, "Evaluating the yield of medical
// tests", JAMA 247:2543–2546; Harrell, Lee & Mark, 1996, Statistics in Medicine
// 15:361–387). A higher prediction means a longer expected survival (a health
// score, not a risk). A pair is comparable when the shorter time is an event; two
// subjects with the same time are comparable only when exactly one had the event,
// which is then the shorter (the convention of lifelines'
// concordance_index). C is 0.5 for a random prediction and 1 for a perfect one.
//
// Cost: O(n log n) — two sorts and a Fenwick tree over the prediction ranks —
// where the definition counts O(n²) pairs. Errors: slices of different lengths
// (ErrLength), a NaN or infinite value (cs.ErrNotFinite), no comparable pair
// (ErrTooFewRows).
func Concordance(times []float64, events []bool, predicted []float64) (ConcordanceResult, error) {
	if len(times) != len(events) || len(times) != len(predicted) {
		return ConcordanceResult{}, fmt.Errorf("%d times, %d events and %d predictions: %w", len(times), len(events), len(predicted), ErrLength)
	}
	if len(times) > math.MaxInt32 {
		return ConcordanceResult{}, fmt.Errorf("%d rows: %w", len(times), cs.ErrRange)
	}
	for i := range times {
		if bad(times[i]) || bad(predicted[i]) {
			return ConcordanceResult{}, fmt.Errorf("row %d: time %v, prediction %v: %w", i, times[i], predicted[i], cs.ErrNotFinite)
		}
	}
	rank, m := denseRanks(predicted)
	type subject struct {
		t    float64
		rank int32
	}
	var died, censored []subject
	for i, t := range times {
		s := subject{t, rank[i]}
		if events[i] {
			died = append(died, s)
		} else {
			censored = append(censored, s)
		}
	}
	byTime := func(a, b subject) int { return cmp.Compare(a.t, b.t) }
	slices.SortFunc(died, byTime)
	slices.SortFunc(censored, byTime)

	var r ConcordanceResult
	pool := newFenwick(m) // predictions of the subjects that had the event earlier
	count := make([]int32, m+1)
	size := int64(0)
	compare := func(s subject) {
		below := pool.prefix(int(s.rank) - 1)
		tied := int64(count[s.rank])
		r.Comparable += size
		r.Concordant += below
		r.Tied += tied
		r.Discordant += size - below - tied
	}
	i, j := 0, 0
	for i < len(died) || j < len(censored) {
		if i < len(died) && (j == len(censored) || died[i].t <= censored[j].t) {
			// Subjects that died at t are compared with those that died before t;
			// then they join the pool, so those censored at t meet them too.
			t, start := died[i].t, i
			for ; i < len(died) && died[i].t == t; i++ {
				compare(died[i])
			}
			for _, s := range died[start:i] {
				pool.add(int(s.rank))
				count[s.rank]++
				size++
			}
			continue
		}
		t := censored[j].t
		for ; j < len(censored) && censored[j].t == t; j++ {
			compare(censored[j])
		}
	}
	if r.Comparable == 0 {
		return r, fmt.Errorf("%d subjects, %d events: no comparable pair: %w", len(times), len(died), ErrTooFewRows)
	}
	r.C = (float64(r.Concordant) + float64(r.Tied)/2) / float64(r.Comparable)
	return r, nil
}

func bad(x float64) bool { return math.IsNaN(x) || math.IsInf(x, 0) }

// denseRanks returns the rank of each value among the distinct values, from 1, and
// the number of distinct values.
func denseRanks(xs []float64) ([]int32, int) {
	type pair struct {
		x float64
		i int32
	}
	ps := make([]pair, len(xs))
	for i, x := range xs {
		ps[i] = pair{x, int32(i)}
	}
	slices.SortFunc(ps, func(a, b pair) int { return cmp.Compare(a.x, b.x) })
	rank := make([]int32, len(xs))
	r := int32(0)
	for k, p := range ps {
		if k == 0 || p.x != ps[k-1].x {
			r++
		}
		rank[p.i] = r
	}
	return rank, int(r)
}

// fenwick is a binary indexed tree of counts over 1..n (Fenwick, 1994, "A new data
// structure for cumulative frequency tables", Software: Practice and Experience
// 24:327–336).
type fenwick []int64

func newFenwick(n int) fenwick { return make(fenwick, n+1) }

func (f fenwick) add(i int) {
	for ; i < len(f); i += i & -i {
		f[i]++
	}
}

// prefix returns the count at 1..i.
func (f fenwick) prefix(i int) int64 {
	var s int64
	for ; i > 0; i -= i & -i {
		s += f[i]
	}
	return s
}
