package effort

import (
	"fmt"
	"math"
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"pgregory.net/rapid"
)

var propNow = at("2026-05-31T00:00:00Z")

// genBook draws a small book: a few customers and cases, events and contacts within
// 40 days before propNow (a few after it, to exercise the errors), some for cases that
// are never opened, and repeated contact IDs.
func genBook(t *rapid.T) ([]Contact, []CaseEvent) {
	hour := func(label string) time.Time {
		return propNow.Add(time.Duration(rapid.IntRange(-40*24, 6).Draw(t, label)) * time.Hour)
	}
	nCases := rapid.IntRange(1, 6).Draw(t, "cases")
	var evs []CaseEvent
	for k := range nCases {
		id := fmt.Sprintf("K%d", k)
		cust := fmt.Sprintf("C%d", k%3)
		for range rapid.IntRange(0, 4).Draw(t, "events") {
			evs = append(evs, CaseEvent{CaseID: id, CustomerID: cust,
				Kind: EventKind(rapid.IntRange(1, 3).Draw(t, "kind")), Time: hour("event time")})
		}
	}
	var cts []Contact
	for i := range rapid.IntRange(0, 25).Draw(t, "contacts") {
		k := rapid.IntRange(0, nCases).Draw(t, "case") // nCases is a case never opened
		cts = append(cts, Contact{
			ID:            fmt.Sprintf("m%d", i),
			CustomerID:    fmt.Sprintf("C%d", k%3),
			CaseID:        fmt.Sprintf("K%d", k),
			Time:          hour("contact time"),
			Channel:       Channel(rapid.IntRange(1, 5).Draw(t, "channel")),
			RepeatedInfo:  rapid.Bool().Draw(t, "repeated"),
			GenericAnswer: rapid.Bool().Draw(t, "generic"),
			Transferred:   rapid.Bool().Draw(t, "transferred"),
		})
	}
	return cts, evs
}

func load(t interface{ Fatal(...any) }, cts []Contact, evs []CaseEvent) *Batch {
	b := NewBatch()
	for _, c := range cts {
		if err := b.AddContact(c); err != nil {
			t.Fatal(err)
		}
	}
	for _, e := range evs {
		if err := b.AddCaseEvent(e); err != nil {
			t.Fatal(err)
		}
	}
	return b
}

// snapshot renders a report as comparable data.
type snapshot struct {
	Customers []CustomerFriction
	Cases     []CaseFriction
	Errors    []string
}

func snap(r *Report) snapshot {
	s := snapshot{Customers: r.Customers}
	for i := range r.NumCases() {
		s.Cases = append(s.Cases, r.Case(i))
	}
	for _, e := range r.Errors {
		s.Errors = append(s.Errors, e.Error())
	}
	return s
}

// Friction, per case and per customer, stays within 0..100, and so do the rates.
func TestPropFrictionBounds(t *testing.T) {
	m, _ := NewModel(Config{Weights: Weights{RepeatContact: 100, Transfer: 100, ForcedSwitch: 60, Reopen: 100}})
	rapid.Check(t, func(t *rapid.T) {
		cts, evs := genBook(t)
		r := m.AnalyzeAt(load(t, cts, evs), propNow)
		for i := range r.NumCases() {
			if s := r.Case(i).Score; !(s >= 0 && s <= 100) {
				t.Fatalf("case %s score %v out of 0..100", r.Case(i).CaseID, s)
			}
		}
		for _, c := range r.Customers {
			if !(c.Friction >= 0 && c.Friction <= 100) || !(c.FCRRate >= 0 && c.FCRRate <= 1) {
				t.Fatalf("customer %+v out of bounds", c)
			}
		}
	})
}

// Adding a contact to a case — which may be a transfer, a repeat contact or a channel
// switch — never lowers that case's friction.
func TestPropAddContactMonotone(t *testing.T) {
	m, _ := NewModel(Config{})
	rapid.Check(t, func(t *rapid.T) {
		cts, evs := genBook(t)
		before := m.AnalyzeAt(load(t, cts, evs), propNow)
		if before.NumCases() == 0 {
			return
		}
		c := before.Case(rapid.IntRange(0, before.NumCases()-1).Draw(t, "pick"))
		extra := Contact{
			ID:          "extra",
			CustomerID:  c.CustomerID,
			CaseID:      c.CaseID,
			Time:        c.Opened.Add(time.Duration(rapid.Int64Range(0, int64(propNow.Sub(c.Opened)/time.Hour)).Draw(t, "at")) * time.Hour),
			Channel:     Channel(rapid.IntRange(1, 5).Draw(t, "channel")),
			Transferred: rapid.Bool().Draw(t, "transferred"),
		}
		after := m.AnalyzeAt(load(t, append(slices.Clone(cts), extra), evs), propNow)
		for _, d := range after.CasesOf(c.CustomerID) {
			if d.CaseID == c.CaseID && d.Score < c.Score {
				t.Fatalf("adding %+v lowered %s from %v to %v", extra, c.CaseID, c.Score, d.Score)
			}
		}
	})
}

// The report does not depend on the order of the records nor on repeated records.
func TestPropOrderAndDuplicates(t *testing.T) {
	m, _ := NewModel(Config{})
	rapid.Check(t, func(t *rapid.T) {
		cts, evs := genBook(t)
		want := snap(m.AnalyzeAt(load(t, cts, evs), propNow))
		cts2 := slices.Clone(cts)
		for range rapid.IntRange(0, 5).Draw(t, "dups") {
			if len(cts) > 0 {
				cts2 = append(cts2, cts[rapid.IntRange(0, len(cts)-1).Draw(t, "dup")])
			}
		}
		cts2 = rapid.Permutation(cts2).Draw(t, "contact order")
		evs2 := rapid.Permutation(evs).Draw(t, "event order")
		got := snap(m.AnalyzeAt(load(t, cts2, evs2), propNow))
		if diff := cmp.Diff(want, got); diff != "" {
			t.Fatalf("reordered/duplicated input changed the report (-want +got):\n%s", diff)
		}
	})
}

// Decay is 1 at age 0, within 0..1 and never rises with age.
func TestPropDecayMonotone(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		hl := time.Duration(rapid.Int64Range(1, int64(1000*24*time.Hour)).Draw(t, "half-life"))
		a := time.Duration(rapid.Int64Range(0, int64(5000*24*time.Hour)).Draw(t, "a"))
		d := time.Duration(rapid.Int64Range(0, int64(5000*24*time.Hour)).Draw(t, "d"))
		x, y := Decay(a, hl), Decay(a+d, hl)
		if x < y || x > 1 || y < 0 || Decay(0, hl) != 1 {
			t.Fatalf("Decay(%v)=%v, Decay(%v)=%v with half-life %v", a, x, a+d, y, hl)
		}
	})
	if got := Decay(90*24*time.Hour, 90*24*time.Hour); got != 0.5 {
		t.Errorf("Decay(half-life) = %v, want 0.5", got)
	}
}

// slowSummary is the obviously correct reference: each answer classified by its raw
// score as Dixon, Toman & DeLisi (2013) state (CES 2.0: 5–7 easy, 1–3 difficult; CES 1.0 mirrored:
// 1–2 easy, 4–5 difficult) and ease values summed after sorting.
func slowSummary(rs []Response) (n int, mean, easy, hard float64) {
	var eases []float64
	var e, h int
	for _, r := range rs {
		if r.Scale == ScaleNPS {
			continue
		}
		v, err := Ease(r)
		if err != nil {
			panic(err)
		}
		eases = append(eases, v)
		switch {
		case r.Scale == ScaleCES2 && r.Score >= 5, r.Scale == ScaleCES1 && r.Score <= 2:
			e++
		case r.Scale == ScaleCES2 && r.Score <= 3, r.Scale == ScaleCES1 && r.Score >= 4:
			h++
		}
	}
	slices.Sort(eases)
	var sum float64
	for _, v := range eases {
		sum += v
	}
	n = len(eases)
	if n == 0 {
		return 0, 0, 0, 0
	}
	return n, sum / float64(n), float64(e) / float64(n), float64(h) / float64(n)
}

func genResponse(t *rapid.T) Response {
	s := Scale(rapid.IntRange(1, 3).Draw(t, "scale"))
	lo, hi, _ := s.Range()
	return Response{CustomerID: rapid.SampledFrom([]string{"A", "B"}).Draw(t, "customer"),
		Time:  propNow.Add(-time.Duration(rapid.IntRange(0, 2000).Draw(t, "h")) * time.Hour),
		Scale: s, Score: float64(rapid.IntRange(lo, hi).Draw(t, "score"))}
}

// SummarizeCES agrees with the slow reference, and its distribution counts every answer.
func TestPropCESReference(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		rs := rapid.SliceOf(rapid.Custom(genResponse)).Draw(t, "responses")
		got, err := SummarizeCES(rs)
		if err != nil {
			t.Fatal(err)
		}
		n, mean, easy, hard := slowSummary(rs)
		if got.Count != n || math.Abs(got.MeanEase-mean) > 1e-9 || math.Abs(got.ShareEasy-easy) > 1e-12 || math.Abs(got.ShareDifficult-hard) > 1e-12 {
			t.Fatalf("SummarizeCES = %+v, want n=%d mean=%v easy=%v hard=%v", got, n, mean, easy, hard)
		}
		total := 0
		for _, c := range got.CES2 {
			total += c
		}
		for _, c := range got.CES1 {
			total += c
		}
		if total != n || got.Method != MethodCES {
			t.Fatalf("distribution total %d, count %d, method %q", total, n, got.Method)
		}
		// Per customer, the summaries agree with summarising each customer's answers.
		per, err := CESByCustomer(rs, time.Time{}, time.Time{})
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range per {
			var mine []Response
			for _, r := range rs {
				if r.CustomerID == p.CustomerID {
					mine = append(mine, r)
				}
			}
			want, _ := SummarizeCES(mine)
			if diff := cmp.Diff(want, p.Summary); diff != "" {
				t.Fatalf("customer %s (-want +got):\n%s", p.CustomerID, diff)
			}
		}
	})
}

// Normalisation maps each scale's extremes to 0 and 100 and is monotone in ease.
func TestPropEaseExtremes(t *testing.T) {
	for _, tc := range []struct {
		s          Scale
		easiest    float64
		hardest    float64
		increasing bool
	}{{ScaleCES2, 7, 1, true}, {ScaleCES1, 1, 5, false}} {
		e, _ := Ease(Response{CustomerID: "A", Time: propNow, Scale: tc.s, Score: tc.easiest})
		h, _ := Ease(Response{CustomerID: "A", Time: propNow, Scale: tc.s, Score: tc.hardest})
		if e != 100 || h != 0 {
			t.Errorf("%s: Ease(easiest)=%v, Ease(hardest)=%v, want 100 and 0", tc.s, e, h)
		}
	}
	rapid.Check(t, func(t *rapid.T) {
		r := genResponse(t)
		if r.Scale == ScaleNPS {
			return
		}
		v, err := Ease(r)
		if err != nil || v < 0 || v > 100 {
			t.Fatalf("Ease(%+v) = %v, %v", r, v, err)
		}
	})
}
