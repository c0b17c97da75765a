package playbook

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"strconv"

	cs "github.com/successkit/cs"
	"github.com/successkit/cs/internal/errs"
)

// Outcome is what happened to one customer after an observation: a play's fire
// (PlayID set) or, for comparison, a customer the play did not fire for (PlayID
// empty). HealthBefore is the health score on Date, HealthAfter the score N days
// later (N is the caller's choice, the same for every outcome); both 0..100.
type Outcome struct {
	CustomerID   string  `json:"customer_id"`
	PlayID       string  `json:"play_id,omitempty"`
	Date         cs.Date `json:"date"`
	Tier         string  `json:"tier,omitempty"`
	HealthBefore float64 `json:"health_before"`
	HealthAfter  float64 `json:"health_after"`
	Renewed      bool    `json:"renewed,omitempty"`
	Churned      bool    `json:"churned,omitempty"`
}

// Success reports whether the outcome counts as a success: the customer did not
// churn, and renewed or its health went up.
func (o Outcome) Success() bool {
	return !o.Churned && (o.Renewed || o.HealthAfter > o.HealthBefore)
}

// Recommendation is the act step's verdict on a play.
type Recommendation string

// The recommendations.
const (
	Keep   Recommendation = "keep"
	Revise Recommendation = "revise"
	Retire Recommendation = "retire"
)

// MinFires is the number of fires below which Assess recommends Keep and says the
// evidence is too thin.
const MinFires = 10

// Effect is one play's check: fires, success rate with its 95% Wilson score
// interval, health change against comparable customers, and the recommendation.
type Effect struct {
	PlayID      string  `json:"play_id"`
	Fires       int     `json:"fires"`
	Successes   int     `json:"successes"`
	SuccessRate float64 `json:"success_rate"`
	Low         float64 `json:"low"`  // Wilson 95% lower bound
	High        float64 `json:"high"` // Wilson 95% upper bound
	// HealthChange is the mean HealthAfter − HealthBefore over the fires.
	HealthChange float64 `json:"health_change"`
	// Compared is the number of fires that had comparable customers (same tier,
	// same ten-point health band at the start, not fired for); ControlChange and
	// ControlRate are their health change and success rate, averaged over those
	// fires, and Uplift is the mean of (fire's change − its comparables' change).
	Compared       int            `json:"compared"`
	ControlChange  float64        `json:"control_change"`
	ControlRate    float64        `json:"control_rate"`
	Uplift         float64        `json:"uplift"`
	Recommendation Recommendation `json:"recommendation"`
	Evidence       string         `json:"evidence"`
}

// z95 is the standard normal quantile for a two-sided 95% interval.
const z95 = 1.959963984540054

// Wilson returns the Wilson score interval for k successes in n trials at normal
// quantile z (Wilson, E. B. (1927), "Probable inference, the law of succession, and
// statistical inference", JASA 22:209–212; as given by Newcombe (1998), Statistics
// in Medicine 17:857–872, method 3):
//
//	(2np + z² ± z·sqrt(z² + 4np(1−p))) / (2(n + z²)),  p = k/n
//
// For n = 0 it returns 0, 1. It panics if k > n or either is negative: callers
// count, so that is a programming error.
func Wilson(k, n int, z float64) (low, high float64) {
	if k < 0 || n < 0 || k > n {
		panic(fmt.Sprintf("playbook: Wilson(%d, %d): want 0 <= k <= n", k, n))
	}
	if n == 0 {
		return 0, 1
	}
	nf, p := float64(n), float64(k)/float64(n)
	z2 := float64(z * z)
	centre := float64(2*nf*p) + z2
	half := z * math.Sqrt(z2+float64(float64(4*nf*p)*(1-p)))
	den := 2 * (nf + z2)
	low, high = (centre-half)/den, (centre+half)/den
	return max(0, low), min(1, high)
}

type stratum struct {
	tier string
	band int
}

func bandOf(h float64) int { return min(int(h/10), 9) }

// Assess checks every play that has fires among the outcomes and returns one
// Effect per play, sorted by play ID. The recommendation: Keep when the Wilson
// lower bound beats the comparables' success rate or the health uplift is
// positive with a success rate at least theirs; Retire when the Wilson upper bound
// is below their rate; Revise otherwise; Keep, marked as too thin, under MinFires
// fires or without comparables. A bad outcome (health not in 0..100, NaN) is an
// error naming its index; nothing is assessed then.
func Assess(outcomes []Outcome) ([]Effect, error) {
	type agg struct {
		n, ok int
		sum   float64
	}
	if err := checkOutcomes(outcomes); err != nil {
		return nil, err
	}
	control := map[stratum]*agg{}
	// Sorting makes the float sums independent of the input order.
	sorted := slices.Clone(outcomes)
	slices.SortFunc(sorted, func(a, b Outcome) int {
		return cmp.Or(cmp.Compare(a.PlayID, b.PlayID), cmp.Compare(a.CustomerID, b.CustomerID), a.Date.Compare(b.Date),
			cmp.Compare(a.HealthBefore, b.HealthBefore), cmp.Compare(a.HealthAfter, b.HealthAfter))
	})
	for _, o := range sorted {
		if o.PlayID != "" {
			continue
		}
		k := stratum{o.Tier, bandOf(o.HealthBefore)}
		a := control[k]
		if a == nil {
			a = &agg{}
			control[k] = a
		}
		a.n++
		a.sum += o.HealthAfter - o.HealthBefore
		if o.Success() {
			a.ok++
		}
	}
	var out []Effect
	for i := 0; i < len(sorted); {
		if sorted[i].PlayID == "" {
			i++
			continue
		}
		j := i
		for j < len(sorted) && sorted[j].PlayID == sorted[i].PlayID {
			j++
		}
		e := Effect{PlayID: sorted[i].PlayID}
		var change, cChange, cRate, uplift float64
		for _, o := range sorted[i:j] {
			e.Fires++
			d := o.HealthAfter - o.HealthBefore
			change += d
			if o.Success() {
				e.Successes++
			}
			if a := control[stratum{o.Tier, bandOf(o.HealthBefore)}]; a != nil {
				e.Compared++
				m := a.sum / float64(a.n)
				cChange += m
				cRate += float64(a.ok) / float64(a.n)
				uplift += d - m
			}
		}
		e.SuccessRate = float64(e.Successes) / float64(e.Fires)
		e.Low, e.High = Wilson(e.Successes, e.Fires, z95)
		e.HealthChange = change / float64(e.Fires)
		if e.Compared > 0 {
			c := float64(e.Compared)
			e.ControlChange, e.ControlRate, e.Uplift = cChange/c, cRate/c, uplift/c
		}
		e.Recommendation, e.Evidence = recommend(e)
		out = append(out, e)
		i = j
	}
	return out, nil
}

// checkOutcomes reports every outcome whose health is outside 0..100 (NaN
// included), by index: the first ten, then a count.
func checkOutcomes(outcomes []Outcome) error {
	var list errs.List
	for i := range outcomes {
		o := &outcomes[i]
		for _, f := range [...]struct {
			name string
			v    float64
		}{{"health_before", o.HealthBefore}, {"health_after", o.HealthAfter}} {
			if !(f.v >= 0 && f.v <= 100) {
				list.Add(rowErr("outcomes["+strconv.Itoa(i)+"]."+f.name, o.CustomerID, strconv.FormatFloat(f.v, 'g', -1, 64), why(cs.ErrRange, "want 0..100")))
			}
		}
	}
	return wrap(list.Err())
}

func recommend(e Effect) (Recommendation, string) {
	stats := fmt.Sprintf("%d fires, success %.1f%% (95%% Wilson %.1f–%.1f%%), health change %+.1f", e.Fires, 100*e.SuccessRate, 100*e.Low, 100*e.High, e.HealthChange)
	if e.Fires < MinFires {
		return Keep, stats + fmt.Sprintf("; fewer than %d fires: too few to judge, keep collecting", MinFires)
	}
	if e.Compared == 0 {
		return Keep, stats + "; no comparable customers without the play: cannot judge, keep collecting"
	}
	vs := fmt.Sprintf("; comparable customers: success %.1f%%, health change %+.1f (uplift %+.1f over %d fires)", 100*e.ControlRate, e.ControlChange, e.Uplift, e.Compared)
	switch {
	case e.Low > e.ControlRate:
		return Keep, stats + vs + "; success rate significantly above comparables"
	case e.Uplift > 0 && e.SuccessRate >= e.ControlRate:
		return Keep, stats + vs + "; health improves more than for comparables"
	case e.High < e.ControlRate:
		return Retire, stats + vs + "; success rate significantly below comparables"
	}
	return Revise, stats + vs + "; no clear difference from comparables"
}
