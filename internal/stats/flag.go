package stats

import "fmt"

// Confusion counts a binary flag against binary outcomes. The zero value is an empty
// table.
type Confusion struct {
	TP int `json:"tp"` // flagged and positive
	FP int `json:"fp"` // flagged, negative
	FN int `json:"fn"` // not flagged, positive
	TN int `json:"tn"` // neither
}

// Confuse tabulates flags against labels, which must have the same length.
func Confuse(flags, labels []bool) (Confusion, error) {
	if len(flags) != len(labels) {
		return Confusion{}, fmt.Errorf("%d flags but %d labels: %w", len(flags), len(labels), ErrLength)
	}
	var c Confusion
	for i, f := range flags {
		c.Add(f, labels[i])
	}
	return c, nil
}

// Add counts one row.
func (c *Confusion) Add(flag, label bool) {
	switch {
	case flag && label:
		c.TP++
	case flag:
		c.FP++
	case label:
		c.FN++
	default:
		c.TN++
	}
}

// N returns the number of rows counted.
func (c Confusion) N() int { return c.TP + c.FP + c.FN + c.TN }

// Precision returns TP/(TP+FP), the churn rate among flagged rows ("the churn rate
// among red accounts"); 0 when nothing is flagged.
func (c Confusion) Precision() float64 { return ratio(c.TP, c.TP+c.FP) }

// Recall returns TP/(TP+FN), the share of churners that were flagged;
// 0 when there are no positives.
func (c Confusion) Recall() float64 { return ratio(c.TP, c.TP+c.FN) }

// BaseRate returns (TP+FN)/N, the positive rate over all rows; 0 when empty.
func (c Confusion) BaseRate() float64 { return ratio(c.TP+c.FN, c.N()) }

// Lift returns Precision ÷ BaseRate, "red churn rate ÷ base churn rate"; 0 when either
// is undefined.
func (c Confusion) Lift() float64 { return Lift(c.TP, c.TP+c.FP, c.TP+c.FN, c.N()) }

// Lift returns the positive rate of a subset over the positive rate of the whole:
// (subPos/sub) ÷ (allPos/all). It is 0 when the subset or the whole is
// empty or the whole has no positives.
func Lift(subPos, sub, allPos, all int) float64 {
	if sub == 0 || all == 0 || allPos == 0 {
		return 0
	}
	return (float64(subPos) / float64(sub)) / (float64(allPos) / float64(all))
}

func ratio(a, b int) float64 {
	if b == 0 {
		return 0
	}
	return float64(a) / float64(b)
}
