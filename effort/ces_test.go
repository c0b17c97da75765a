package effort

import (
	"errors"
	"math"
	"testing"
	"time"

	cs "github.com/successkit/cs"
)

func ces2(id string, scores ...float64) []Response {
	var rs []Response
	for i, s := range scores {
		rs = append(rs, Response{CustomerID: id, Time: propNow.Add(-time.Duration(i) * time.Hour), Scale: ScaleCES2, Score: s})
	}
	return rs
}

// The CES 2.0 share of Dixon, Toman & DeLisi, The Effortless Experience
// (Portfolio, 2013): 8 answers of 5-7 out of 10 are 80% easy.
func TestCESWorkedShare(t *testing.T) {
	s, err := SummarizeCES(ces2("A", 5, 6, 7, 7, 5, 6, 5, 7, 2, 3))
	if err != nil {
		t.Fatal(err)
	}
	if s.ShareEasy != 0.8 || s.ShareDifficult != 0.2 || s.Count != 10 {
		t.Errorf("SummarizeCES = %+v, want share easy 0.8, difficult 0.2, count 10", s)
	}
	if s.CES2 != [7]int{0, 1, 1, 0, 3, 2, 3} {
		t.Errorf("distribution = %v", s.CES2)
	}
	// mean answer 5.3 → ease (5.3−1)/6×100
	if m, _ := s.MeanCES2(); math.Abs(m-5.3) > 1e-12 || math.Abs(s.MeanEase-4.3*100/6) > 1e-12 {
		t.Errorf("MeanCES2 = %v, MeanEase = %v, want 5.3 and %v", m, s.MeanEase, 4.3*100/6)
	}
}

func TestEase(t *testing.T) {
	tests := []struct {
		scale Scale
		score float64
		want  float64
	}{
		{ScaleCES2, 1, 0},   // strongly disagree that it was easy
		{ScaleCES2, 4, 50},  // neutral midpoint
		{ScaleCES2, 7, 100}, // strongly agree
		{ScaleCES1, 1, 100}, // very low effort is the easiest
		{ScaleCES1, 3, 50},  // midpoint
		{ScaleCES1, 5, 0},   // very high effort
		{ScaleCES1, 2, 75},  // one step from the easiest of four steps
	}
	for _, tt := range tests {
		got, err := Ease(Response{CustomerID: "A", Time: propNow, Scale: tt.scale, Score: tt.score})
		if err != nil || got != tt.want {
			t.Errorf("Ease(%s %v) = %v, %v, want %v", tt.scale, tt.score, got, err, tt.want)
		}
	}
}

func TestResponseValidate(t *testing.T) {
	tests := []struct {
		name  string
		r     Response
		field string
		want  error
	}{
		{"ces2 zero", Response{CustomerID: "A", Time: propNow, Scale: ScaleCES2, Score: 0}, "score", ErrScore},           // below the scale
		{"ces1 six", Response{CustomerID: "A", Time: propNow, Scale: ScaleCES1, Score: 6}, "score", ErrScore},            // CES 1.0 stops at 5
		{"half point", Response{CustomerID: "A", Time: propNow, Scale: ScaleCES2, Score: 4.5}, "score", ErrScore},        // not an integer
		{"nan", Response{CustomerID: "A", Time: propNow, Scale: ScaleCES2, Score: math.NaN()}, "score", cs.ErrNotFinite}, // NaN
		{"no scale", Response{CustomerID: "A", Time: propNow, Score: 3}, "kind", ErrScale},                               // zero Scale
		{"no customer", Response{Time: propNow, Scale: ScaleCES2, Score: 3}, "customer_id", cs.ErrMissing},               // anonymous
		{"no time", Response{CustomerID: "A", Scale: ScaleCES2, Score: 3}, "time", cs.ErrMissing},                        // zero time
	}
	for _, tt := range tests {
		err := tt.r.Validate()
		var fe *cs.FieldError
		if !errors.Is(err, tt.want) || !errors.As(err, &fe) || fe.Field != tt.field {
			t.Errorf("%s: Validate = %v, want %v on field %s", tt.name, err, tt.want, tt.field)
		}
	}
	if _, err := Ease(Response{CustomerID: "A", Time: propNow, Scale: ScaleNPS, Score: 9}); !errors.Is(err, ErrScale) {
		t.Errorf("Ease(nps) = %v, want ErrScale", err)
	}
}

func TestSummarizeKeepsGood(t *testing.T) {
	rs := append(ces2("A", 7, 9), Response{CustomerID: "A", Time: propNow, Scale: ScaleCES1, Score: 1})
	s, err := SummarizeCES(rs)
	if err == nil || !contains(err.Error(), "responses[1]") {
		t.Errorf("err = %v, want one naming responses[1]", err)
	}
	if s.Count != 2 || s.MeanEase != 100 {
		t.Errorf("summary = %+v, want the two good answers, both easiest", s)
	}
}

func TestCESByMonthAndCustomer(t *testing.T) {
	rs := []Response{
		{CustomerID: "B", Time: at("2026-04-30T23:00:00Z"), Scale: ScaleCES2, Score: 1},
		{CustomerID: "A", Time: at("2026-05-01T00:00:00Z"), Scale: ScaleCES2, Score: 7},
		{CustomerID: "A", Time: at("2026-05-02T00:00:00Z"), Scale: ScaleNPS, Score: 3},
		{CustomerID: "C", Time: at("2026-05-03T00:00:00Z"), Scale: ScaleNPS, Score: 10},
	}
	months, err := CESByMonth(rs)
	if err != nil || len(months) != 2 || months[0].Period != "2026-04" || months[0].Summary.MeanEase != 0 || months[1].Summary.MeanEase != 100 {
		t.Errorf("CESByMonth = %+v, %v", months, err)
	}
	per, err := CESByCustomer(rs, at("2026-05-01T00:00:00Z"), time.Time{})
	if err != nil || len(per) != 2 || per[0].CustomerID != "A" || per[0].Summary.Count != 1 ||
		!per[0].LastAnswer.Equal(at("2026-05-02T00:00:00Z")) || per[1].CustomerID != "C" || per[1].Summary.Count != 0 {
		t.Errorf("CESByCustomer = %+v, %v", per, err)
	}
}
