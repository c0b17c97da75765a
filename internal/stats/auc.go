package stats

import (
	"cmp"
	"fmt"
	"math"
	"slices"

	"github.com/successkit/cs"
)

// Ranking is a set of scored rows with binary outcomes, sorted once by score so that
// the AUC, the ROC curve, the DeLong interval and bootstrap replicates each cost one
// linear pass. A higher score is read as a higher predicted risk of the positive
// outcome (churn). The zero value holds no rows; build one with Rank. A Ranking is
// immutable after Rank and safe for concurrent use.
type Ranking struct {
	n, pos int
	// order lists row indices by ascending score, ties by ascending row index, so the
	// order never depends on the sort algorithm.
	order []int32
	// first[i] reports whether sorted position i starts a new group of tied scores.
	first  []bool
	labels []bool
	scores []float64
}

type scored struct {
	s   float64
	row int32
}

// Rank validates scores and labels (same length, finite scores, both classes
// present) and sorts them. labels[i] is true when row i had the positive outcome.
// The Ranking keeps references to scores and labels (it does not copy them): the
// caller must not modify them while the Ranking is in use.
func Rank(scores []float64, labels []bool) (Ranking, error) {
	if len(scores) != len(labels) {
		return Ranking{}, fmt.Errorf("%d scores but %d labels: %w", len(scores), len(labels), ErrLength)
	}
	if len(scores) > math.MaxInt32 {
		return Ranking{}, fmt.Errorf("%d rows: %w", len(scores), cs.ErrRange)
	}
	pos := 0
	for i, s := range scores {
		if math.IsNaN(s) || math.IsInf(s, 0) {
			return Ranking{}, fmt.Errorf("scores[%d]: %v: %w", i, s, cs.ErrNotFinite)
		}
		if labels[i] {
			pos++
		}
	}
	if pos == 0 || pos == len(scores) {
		return Ranking{}, fmt.Errorf("%d rows, %d positive: %w", len(scores), pos, ErrOneClass)
	}
	buf := make([]scored, len(scores))
	for i, s := range scores {
		buf[i] = scored{s, int32(i)}
	}
	slices.SortFunc(buf, func(a, b scored) int {
		if c := cmp.Compare(a.s, b.s); c != 0 {
			return c
		}
		return cmp.Compare(a.row, b.row)
	})
	r := Ranking{n: len(scores), pos: pos, order: make([]int32, len(buf)), first: make([]bool, len(buf)), labels: labels, scores: scores}
	for i, p := range buf {
		r.order[i] = p.row
		r.first[i] = i == 0 || p.s != buf[i-1].s
	}
	return r, nil
}

// Len returns the number of rows.
func (r Ranking) Len() int { return r.n }

// Positives returns the number of rows with the positive outcome.
func (r Ranking) Positives() int { return r.pos }

// AUC returns the area under the ROC curve: the probability that a random positive
// row scores above a random negative one, ties counting half. It equals the
// Mann–Whitney U statistic of the positives divided by (positives × negatives)
// (Mann & Whitney, 1947; Hanley & McNeil, 1982, "The meaning and use of the area
// under a ROC curve", Radiology 143:29–36). It is in [0, 1]; 0.5 for a constant score.
func (r Ranking) AUC() float64 {
	if r.n == 0 {
		return math.NaN()
	}
	// Per group of tied scores: every positive beats the negatives below the group and
	// ties half of the group's negatives. Counts are integers, so the sum is exact up
	// to 2^53 and independent of evaluation order.
	var negBelow, num2 int64 // num2 = 2 × U, to stay in integers
	for i := 0; i < r.n; {
		var gp, gn int64
		j := i
		for ; j < r.n && (j == i || !r.first[j]); j++ {
			if r.labels[r.order[j]] {
				gp++
			} else {
				gn++
			}
		}
		num2 += gp * (2*negBelow + gn)
		negBelow += gn
		i = j
	}
	neg := int64(r.n - r.pos)
	return float64(num2) / (2 * float64(int64(r.pos)*neg))
}

// AUC returns the AUC of scores against labels (see Ranking.AUC), with the
// errors of Rank. Without a Ranking to keep it sorts the positives' and the
// negatives' scores apart, as plain floats, and merges them: the same integer
// counts, so the same result bit for bit, at about half the cost of Rank.
func AUC(scores []float64, labels []bool) (float64, error) {
	if len(scores) != len(labels) {
		return 0, fmt.Errorf("%d scores but %d labels: %w", len(scores), len(labels), ErrLength)
	}
	var pos, neg []float64
	for i, s := range scores {
		if math.IsNaN(s) || math.IsInf(s, 0) {
			return 0, fmt.Errorf("scores[%d]: %v: %w", i, s, cs.ErrNotFinite)
		}
		if labels[i] {
			pos = append(pos, s)
		} else {
			neg = append(neg, s)
		}
	}
	if len(pos) == 0 || len(neg) == 0 {
		return 0, fmt.Errorf("%d rows, %d positive: %w", len(scores), len(pos), ErrOneClass)
	}
	slices.Sort(pos)
	slices.Sort(neg)
	// num2 = 2 × U: every positive beats the negatives below it and ties half of
	// those equal to it.
	var num2 int64
	below, j := 0, 0
	for i := 0; i < len(pos); {
		v := pos[i]
		for below < len(neg) && neg[below] < v {
			below++
		}
		j = below
		for j < len(neg) && neg[j] == v {
			j++
		}
		k := i
		for k < len(pos) && pos[k] == v {
			k++
		}
		num2 += int64(k-i) * int64(2*below+(j-below))
		i = k
	}
	return float64(num2) / (2 * float64(int64(len(pos))*int64(len(neg)))), nil
}

// Point is one point of a ROC curve: flagging every row whose score is at least
// Threshold gives the false positive rate FPR and the true positive rate TPR.
type Point struct {
	Threshold float64 `json:"threshold"`
	FPR       float64 `json:"fpr"`
	TPR       float64 `json:"tpr"`
}

// ROC returns the ROC curve: one point per distinct score, by descending threshold,
// preceded by (+Inf, 0, 0). The last point is (lowest score, 1, 1). The trapezoid
// area under these points equals AUC.
func (r Ranking) ROC() []Point {
	if r.n == 0 {
		return nil
	}
	groups := 0
	for _, f := range r.first {
		if f {
			groups++
		}
	}
	pts := make([]Point, 0, groups+1)
	pts = append(pts, Point{Threshold: math.Inf(1)})
	neg := r.n - r.pos
	tp, fp := 0, 0
	for j := r.n - 1; j >= 0; j-- {
		if r.labels[r.order[j]] {
			tp++
		} else {
			fp++
		}
		if r.first[j] {
			pts = append(pts, Point{
				Threshold: r.scores[r.order[j]],
				FPR:       float64(fp) / float64(neg),
				TPR:       float64(tp) / float64(r.pos),
			})
		}
	}
	return pts
}

// Thin returns at most max points of a ROC curve for display: the first and the last
// point and evenly spaced ones between them (by index), in order. A curve of at most
// max points, or max < 2, is returned unchanged. Thinning loses detail, not
// correctness: every returned point is a point of the curve.
func Thin(pts []Point, max int) []Point {
	if max < 2 || len(pts) <= max {
		return pts
	}
	out := make([]Point, max)
	last := len(pts) - 1
	for i := range max {
		out[i] = pts[i*last/(max-1)]
	}
	return out
}
