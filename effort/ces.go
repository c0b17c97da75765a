package effort

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	cs "github.com/successkit/cs"
	"github.com/successkit/cs/internal/errs"
)

// Scale is the survey a response answers. The zero value, ScaleUnknown, is invalid.
type Scale uint8

// The survey scales. CES 2.0 and CES 1.0 are the two Customer Effort Score questions of
// Dixon, Toman & DeLisi, "The Effortless Experience" (2013);
// NPS answers are read only as evidence that the customer answered a survey.
const (
	ScaleUnknown Scale = iota
	// ScaleCES2: "The company made it easy for me to handle my issue", 1 (strongly
	// disagree) to 7 (strongly agree); higher is easier.
	ScaleCES2
	// ScaleCES1: "How much effort did you personally have to put forth?", 1 (very low)
	// to 5 (very high); lower is easier.
	ScaleCES1
	// ScaleNPS: likelihood to recommend, 0 to 10. Not an effort score.
	ScaleNPS
)

var scaleNames = [...]string{"", "ces2", "ces1", "nps"}

// ParseScale returns the scale named by its word as in surveys.csv: "ces2", "ces1" or
// "nps". Other text is an error wrapping ErrScale.
func ParseScale(s string) (Scale, error) {
	for i, n := range scaleNames {
		if i > 0 && n == s {
			return Scale(i), nil
		}
	}
	return ScaleUnknown, fmt.Errorf("effort: %w", &cs.FieldError{Field: "kind", Value: errs.Clip(s), Err: ErrScale})
}

// String returns the scale's word, "" for ScaleUnknown.
func (s Scale) String() string {
	if int(s) < len(scaleNames) {
		return scaleNames[s]
	}
	return "scale(" + strconv.Itoa(int(s)) + ")"
}

// Range returns the lowest and highest valid answers of the scale; ok is false for
// ScaleUnknown and values out of range.
func (s Scale) Range() (lo, hi int, ok bool) {
	switch s {
	case ScaleCES2:
		return 1, 7, true
	case ScaleCES1:
		return 1, 5, true
	case ScaleNPS:
		return 0, 10, true
	}
	return 0, 0, false
}

// Response is one survey answer: who answered, when, on which scale and what.
// Score is a float64 so that a non-integer answer read from a file can be refused
// with a clear error rather than truncated.
type Response struct {
	CustomerID string
	Time       time.Time
	Scale      Scale
	Score      float64
}

// Validate checks that the response names a customer, has a time, and that its score
// is an integer within its scale's range. The error is a *cs.FieldError wrapping
// ErrScore, ErrScale or cs.ErrMissing, prefixed "effort: ".
func (r Response) Validate() error {
	fail := func(field, value string, err error) error {
		return fmt.Errorf("effort: %w", &cs.FieldError{Record: errs.Clip(r.CustomerID), Field: field, Value: errs.Clip(value), Err: err})
	}
	if err := cs.CheckID(r.CustomerID); err != nil {
		return fail("customer_id", r.CustomerID, err)
	}
	if r.Time.IsZero() {
		return fail("time", "", cs.ErrMissing)
	}
	lo, hi, ok := r.Scale.Range()
	if !ok {
		return fail("kind", r.Scale.String(), ErrScale)
	}
	v := strconv.FormatFloat(r.Score, 'g', -1, 64)
	if math.IsNaN(r.Score) || math.IsInf(r.Score, 0) {
		return fail("score", v, cs.ErrNotFinite)
	}
	if r.Score != math.Trunc(r.Score) || r.Score < float64(lo) || r.Score > float64(hi) {
		return fail("score", v, fmt.Errorf("%w: %s answer must be an integer %d..%d", ErrScore, r.Scale, lo, hi))
	}
	return nil
}

// Ease maps a valid CES answer to the common 0–100 ease scale, 100 being the easiest:
// CES 2.0 (1–7, higher easier) as (score−1)/6×100 and CES 1.0 (1–5, lower easier) as
// (5−score)/4×100, so each scale's extremes map to 0 and 100 and its midpoint (4 on
// CES 2.0, 3 on CES 1.0) to 50. The scale directions are those of Dixon, Toman &
// DeLisi (2013). An
// invalid response or an NPS answer is an error (see Validate).
func Ease(r Response) (float64, error) {
	if err := r.Validate(); err != nil {
		return 0, err
	}
	switch r.Scale {
	case ScaleCES2:
		return (r.Score - 1) * 100 / 6, nil
	case ScaleCES1:
		return (5 - r.Score) * 100 / 4, nil
	}
	return 0, fmt.Errorf("effort: %w", &cs.FieldError{Record: errs.Clip(r.CustomerID), Field: "kind", Value: r.Scale.String(),
		Err: fmt.Errorf("%w: not a CES scale", ErrScale)})
}

// MethodCES describes how CESSummary aggregates; it is recorded in every summary.
const MethodCES = "mean of ease 0-100 (ces2: (s-1)/6*100, ces1: (5-s)/4*100); " +
	"easy = ease > 50 (ces2 5-7, ces1 1-2); difficult = ease < 50 (ces2 1-3, ces1 4-5)"

// CESSummary aggregates CES answers. Count is the number of CES answers (NPS answers
// are not counted); with Count 0 every other number is 0 and means "no data".
// MeanEase is the mean on the 0–100 ease scale (see Ease); ShareEasy and
// ShareDifficult are fractions 0..1 of answers above and below the neutral midpoint,
// which on CES 2.0 are the answers 5–7 and 1–3 (Dixon, Toman & DeLisi, 2013: 8
// answers of 5–7 out of 10 are 80% easy). CES2 and CES1 are the distributions, CES2[s-1] being the number of
// CES 2.0 answers s. Method records the aggregation (MethodCES).
type CESSummary struct {
	Count          int
	MeanEase       float64
	ShareEasy      float64
	ShareDifficult float64
	CES2           [7]int
	CES1           [5]int
	Method         string
}

// MeanCES2 returns the mean expressed on the CES 2.0 scale 1..7 (1 + MeanEase×6/100),
// the unit of the "ces" signal, and false when there is no answer.
func (s CESSummary) MeanCES2() (float64, bool) {
	if s.Count == 0 {
		return 0, false
	}
	return 1 + s.MeanEase*6/100, true
}

// SummarizeCES aggregates the CES answers among rs; NPS answers are skipped. Every
// invalid response is an error (joined, each naming the response's index as
// "responses[i]") and is left out; the others are still aggregated. The result does not
// depend on the order of rs.
func SummarizeCES(rs []Response) (CESSummary, error) {
	var (
		s    CESSummary
		list errs.List
	)
	for i, r := range rs {
		if r.Scale == ScaleNPS {
			if err := r.Validate(); err != nil {
				list.Add(indexed(i, err))
			}
			continue
		}
		if err := r.Validate(); err != nil {
			list.Add(indexed(i, err))
			continue
		}
		s.add(r)
	}
	s.finish()
	return s, list.Err()
}

func (s *CESSummary) add(r Response) {
	switch r.Scale {
	case ScaleCES2:
		s.CES2[int(r.Score)-1]++
	case ScaleCES1:
		s.CES1[int(r.Score)-1]++
	}
}

// finish derives the aggregates from the distribution only, so they are independent
// of the order in which answers were added.
func (s *CESSummary) finish() {
	s.Method = MethodCES
	s.Count, s.MeanEase, s.ShareEasy, s.ShareDifficult = 0, 0, 0, 0
	var sum float64
	var easy, hard int
	for i, n := range s.CES2 {
		s.Count += n
		sum = float64(float64(n)*(float64(i)*100/6)) + sum // no FMA: see cs's TestNoFusableFloatSums
		switch {
		case i+1 >= 5:
			easy += n
		case i+1 <= 3:
			hard += n
		}
	}
	for i, n := range s.CES1 {
		s.Count += n
		sum = float64(float64(n)*(float64(4-i)*100/4)) + sum
		switch {
		case i+1 <= 2:
			easy += n
		case i+1 >= 4:
			hard += n
		}
	}
	if s.Count == 0 {
		return
	}
	c := float64(s.Count)
	s.MeanEase = sum / c
	s.ShareEasy = float64(easy) / c
	s.ShareDifficult = float64(hard) / c
}

// CustomerCES is the CES summary of one customer over a period, with the time of the
// customer's latest survey answer of any kind (NPS included) in that period.
type CustomerCES struct {
	CustomerID string
	Summary    CESSummary
	LastAnswer time.Time
}

// PeriodCES is the CES summary of one calendar month ("2026-05", in UTC).
type PeriodCES struct {
	Period  string
	Summary CESSummary
}

// CESByCustomer aggregates the responses with from <= Time <= to per customer, sorted
// by customer ID. A zero from or to leaves that side open. Invalid responses are
// reported as by SummarizeCES and skipped. Customers with only NPS answers appear with
// a zero-Count summary, because their LastAnswer matters to Silence.FindAt.
func CESByCustomer(rs []Response, from, to time.Time) ([]CustomerCES, error) {
	idx := map[string]int{}
	var out []CustomerCES
	var list errs.List
	for i, r := range rs {
		if err := r.Validate(); err != nil {
			list.Add(indexed(i, err))
			continue
		}
		if (!from.IsZero() && r.Time.Before(from)) || (!to.IsZero() && r.Time.After(to)) {
			continue
		}
		j, ok := idx[r.CustomerID]
		if !ok {
			j = len(out)
			idx[r.CustomerID] = j
			out = append(out, CustomerCES{CustomerID: r.CustomerID})
		}
		c := &out[j]
		c.Summary.add(r)
		if r.Time.After(c.LastAnswer) {
			c.LastAnswer = r.Time
		}
	}
	for i := range out {
		out[i].Summary.finish()
	}
	slices.SortFunc(out, func(a, b CustomerCES) int { return strings.Compare(a.CustomerID, b.CustomerID) })
	return out, list.Err()
}

// CESByMonth aggregates the responses per calendar month of their UTC time, sorted by
// month. Invalid responses are reported as by SummarizeCES and skipped; months with
// only NPS answers are left out.
func CESByMonth(rs []Response) ([]PeriodCES, error) {
	idx := map[string]int{}
	var out []PeriodCES
	var list errs.List
	for i, r := range rs {
		if err := r.Validate(); err != nil {
			list.Add(indexed(i, err))
			continue
		}
		if r.Scale == ScaleNPS {
			continue
		}
		p := r.Time.UTC().Format("2006-01")
		j, ok := idx[p]
		if !ok {
			j = len(out)
			idx[p] = j
			out = append(out, PeriodCES{Period: p})
		}
		out[j].Summary.add(r)
	}
	for i := range out {
		out[i].Summary.finish()
	}
	slices.SortFunc(out, func(a, b PeriodCES) int { return strings.Compare(a.Period, b.Period) })
	return out, list.Err()
}

// MarshalText encodes the scale's word; ScaleUnknown and undefined values are an
// error wrapping ErrScale.
func (s Scale) MarshalText() ([]byte, error) {
	if s == ScaleUnknown || int(s) >= len(scaleNames) {
		return nil, fmt.Errorf("effort: scale %d: %w", uint8(s), ErrScale)
	}
	return []byte(scaleNames[s]), nil
}

// UnmarshalText decodes the form of ParseScale.
func (s *Scale) UnmarshalText(b []byte) error {
	v, err := ParseScale(string(b))
	if err != nil {
		return err
	}
	*s = v
	return nil
}

// indexed locates the error of response i in a batch: its field becomes
// responses[i].<field>, as in "effort: customer "a": responses[3].score: ...".
func indexed(i int, err error) error {
	var fe *cs.FieldError
	if !errors.As(err, &fe) {
		return fmt.Errorf("effort: responses[%d]: %w", i, err)
	}
	c := *fe
	c.Field = "responses[" + strconv.Itoa(i) + "]." + fe.Field
	return fmt.Errorf("effort: %w", &c)
}
