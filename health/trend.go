package health

import (
	"fmt"
	"strconv"

	"github.com/successkit/cs"
)

// Snapshot is one past score of a customer, the input of ComputeTrend.
type Snapshot struct {
	AsOf    cs.Date `json:"as_of"`             // the scoring date
	Score   float64 `json:"score"`             // the score, 0..100
	Unknown bool    `json:"unknown,omitempty"` // the result was Unknown; Score is ignored
}

// SnapshotOf returns the snapshot of a result.
func SnapshotOf(r *Result) Snapshot {
	return Snapshot{AsOf: r.AsOf, Score: r.Score, Unknown: r.Unknown}
}

// Direction is the way a score moved.
type Direction int8

// The directions of a Trend.
const (
	Flat Direction = 0
	Up   Direction = 1
	Down Direction = -1
)

// String returns "up", "down" or "flat".
func (d Direction) String() string {
	switch {
	case d > 0:
		return "up"
	case d < 0:
		return "down"
	}
	return "flat"
}

// MarshalText encodes the direction's word; a value other than Up, Down and Flat
// is an error (its word would read back as another value).
func (d Direction) MarshalText() ([]byte, error) {
	if d < Down || d > Up {
		return nil, fmt.Errorf("health: direction %d: %w", int8(d), cs.ErrRange)
	}
	return []byte(d.String()), nil
}

// UnmarshalText decodes a direction's word; any other text is an error wrapping
// cs.ErrSyntax.
func (d *Direction) UnmarshalText(b []byte) error {
	switch string(b) {
	case "up":
		*d = Up
	case "down":
		*d = Down
	case "flat":
		*d = Flat
	default:
		return badWord("direction", b, "up, down or flat")
	}
	return nil
}

// TrendOptions tunes ComputeTrend. The zero value means tolerance 0 and a
// window of 6 snapshots.
type TrendOptions struct {
	// Tolerance in points: a change within ±Tolerance is flat (Gainsight's
	// "same"); it also decides what counts as a decline.
	Tolerance float64
	// Window is k, the number of latest known snapshots the slope is fitted on
	// (0 means 6; at least 2 are needed for a slope).
	Window int
}

// Trend describes how a customer's score moved over its snapshots. Unknown
// snapshots are skipped.
type Trend struct {
	// Direction compares the latest known score with the one before it.
	Direction Direction `json:"direction"`
	// Change is latest − previous (0 with fewer than two known snapshots).
	Change float64 `json:"change"`
	// Slope is the least-squares slope of score on days over the last Window
	// known snapshots, in points per 30 days; HasSlope is false when fewer than
	// two snapshots (or only one distinct date) are available.
	Slope    float64 `json:"slope"`     // points per 30 days
	HasSlope bool    `json:"has_slope"` // Slope is defined
	// Declining is the number of consecutive declines (drops larger than the
	// tolerance) ending at the latest known snapshot: "declining for N
	// snapshots in a row".
	Declining int `json:"declining"`
	// Known is the number of known snapshots in the history.
	Known int `json:"known"`
}

// ComputeTrend computes the trend of a history of snapshots listed in strictly
// increasing date order. Dates out of order or repeated (cs.ErrDateOrder), an
// invalid date (cs.ErrInvalidDate), a score that is NaN or outside [0,100]
// (cs.ErrRange), or a negative tolerance or window are errors naming the
// snapshot's index.
//
// The slope is ordinary least squares, b = Σ(x−x̄)(y−ȳ) / Σ(x−x̄)², x in days
// since the first snapshot of the window, scaled by 30.
func ComputeTrend(history []Snapshot, opt TrendOptions) (Trend, error) {
	if !(opt.Tolerance >= 0) || opt.Window < 0 {
		return Trend{}, fmt.Errorf("health: trend: tolerance %s and window %d must not be negative: %w", ftoa(opt.Tolerance), opt.Window, cs.ErrNegative)
	}
	at := func(i int, field, value string, err error) error {
		return wrap(&cs.FieldError{Field: "history[" + strconv.Itoa(i) + "]." + field, Value: value, Err: err})
	}
	k := opt.Window
	if k == 0 {
		k = 6
	}
	var known []int // indices of known snapshots
	for i, s := range history {
		if !s.AsOf.Valid() {
			return Trend{}, at(i, "as_of", s.AsOf.String(), cs.ErrInvalidDate)
		}
		if i > 0 && !s.AsOf.After(history[i-1].AsOf) {
			return Trend{}, at(i, "as_of", s.AsOf.String(), fmt.Errorf("not after %s: %w", history[i-1].AsOf, cs.ErrDateOrder))
		}
		if s.Unknown {
			continue
		}
		if !(s.Score >= 0 && s.Score <= 100) {
			return Trend{}, at(i, "score", ftoa(s.Score), fmt.Errorf("outside [0,100]: %w", cs.ErrRange))
		}
		known = append(known, i)
	}
	t := Trend{Known: len(known)}
	if len(known) < 2 {
		return t, nil
	}
	last, prev := history[known[len(known)-1]], history[known[len(known)-2]]
	t.Change = last.Score - prev.Score
	switch {
	case t.Change > opt.Tolerance:
		t.Direction = Up
	case t.Change < -opt.Tolerance:
		t.Direction = Down
	}
	for j := len(known) - 1; j > 0; j-- {
		if history[known[j]].Score-history[known[j-1]].Score >= -opt.Tolerance {
			break
		}
		t.Declining++
	}
	w := known[max(0, len(known)-k):]
	if len(w) >= 2 {
		t.Slope, t.HasSlope = slope(history, w)
	}
	return t, nil
}

// slope fits score on days by least squares over the snapshots at indices w;
// products are rounded explicitly so the result is the same on every
// architecture.
func slope(h []Snapshot, w []int) (float64, bool) {
	first := h[w[0]].AsOf.Unix()
	n := float64(len(w))
	sx, sy := 0.0, 0.0
	for _, i := range w {
		sx += float64(h[i].AsOf.Unix() - first)
		sy += h[i].Score
	}
	mx, my := sx/n, sy/n
	sxy, sxx := 0.0, 0.0
	for _, i := range w {
		dx := float64(h[i].AsOf.Unix()-first) - mx
		dy := h[i].Score - my
		sxy = float64(dx*dy) + sxy
		sxx = float64(dx*dx) + sxx
	}
	if sxx == 0 {
		return 0, false
	}
	return sxy / sxx * 30, true
}
