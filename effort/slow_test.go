package effort

import (
	stdcmp "cmp"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	cs "github.com/successkit/cs"
	"pgregory.net/rapid"
)

// slowCaseValues is the obviously correct reference for the contact drivers of one
// case: keep the earliest copy of each contact ID, order by time, and count.
func slowCaseValues(cts []Contact, window time.Duration) (v [NumDrivers]float64, n int) {
	first := map[string]Contact{}
	for _, c := range cts {
		if f, ok := first[c.ID]; !ok || c.Time.Before(f.Time) {
			first[c.ID] = c
		}
	}
	var kept []Contact
	for _, c := range first {
		kept = append(kept, c)
	}
	slices.SortFunc(kept, func(a, b Contact) int { return a.Time.Compare(b.Time) })
	for i, c := range kept {
		if c.Transferred {
			v[Transfer]++
		}
		if c.RepeatedInfo {
			v[RepeatedInfo]++
		}
		if c.GenericAnswer {
			v[GenericAnswer]++
		}
		if i == 0 {
			continue
		}
		p := kept[i-1]
		if c.Time.Sub(p.Time) <= window {
			v[RepeatContact]++
		}
		switch {
		case p.Channel == c.Channel:
		case p.Channel == SelfService && c.Channel != SelfService:
			v[ForcedSwitch]++
		default:
			v[ChannelSwitch]++
		}
	}
	return v, len(kept)
}

// One case with up to 150 contacts (so both the short and the long deduplication
// paths run), distinct times, and copies of some contacts at the same or a later
// time: the contact drivers agree with the slow reference.
func TestPropCaseAgreesWithSlow(t *testing.T) {
	m, _ := NewModel(Config{})
	open := propNow.Add(-60 * 24 * time.Hour)
	rapid.Check(t, func(t *rapid.T) {
		n := rapid.IntRange(0, 150).Draw(t, "n")
		hours := rapid.SliceOfNDistinct(rapid.IntRange(0, 60*24), n, n, rapid.ID[int]).Draw(t, "hours")
		var cts []Contact
		for i, h := range hours {
			cts = append(cts, Contact{ID: fmt.Sprintf("m%03d", i), CustomerID: "A", CaseID: "K",
				Time:    open.Add(time.Duration(h) * time.Hour),
				Channel: Channel(rapid.IntRange(1, 5).Draw(t, "channel")), Transferred: rapid.Bool().Draw(t, "transfer"),
				RepeatedInfo: rapid.Bool().Draw(t, "repeated"), GenericAnswer: rapid.Bool().Draw(t, "generic")})
		}
		for range rapid.IntRange(0, n/2).Draw(t, "copies") {
			c := cts[rapid.IntRange(0, n-1).Draw(t, "copy of")]
			later := time.Duration(rapid.IntRange(0, 48).Draw(t, "later")) * time.Hour
			if c.Time.Add(later).After(propNow) {
				later = 0
			}
			c.Time = c.Time.Add(later)
			if later > 0 { // a later copy may differ; an exact copy may not
				c.Transferred = !c.Transferred
			}
			cts = append(cts, c)
		}
		want, wantN := slowCaseValues(cts, 7*24*time.Hour)
		r := m.AnalyzeAt(load(t, cts, []CaseEvent{{CaseID: "K", CustomerID: "A", Kind: Opened, Time: open}}), propNow)
		got := r.Case(0)
		want[OverTarget] = got.Values[OverTarget] // the case is open: not a contact driver
		if diff := cmp.Diff(want, got.Values); diff != "" || got.Contacts != wantN {
			t.Fatalf("contacts %d, want %d; values (-want +got):\n%s", got.Contacts, wantN, diff)
		}
	})
}

func TestSilenceFind(t *testing.T) {
	now := propNow
	efforts := []CustomerEffort{
		{CustomerID: "a", HasFriction: true, Friction: CustomerFriction{CustomerID: "a", Friction: 80}},
		{CustomerID: "b", HasFriction: true, Friction: CustomerFriction{CustomerID: "b", Friction: 80},
			CES: CustomerCES{CustomerID: "b", Summary: CESSummary{Count: 2, MeanEase: 20}}},
		{CustomerID: "c", HasFriction: true, Friction: CustomerFriction{CustomerID: "c", Friction: 80},
			CES: CustomerCES{CustomerID: "c", Summary: CESSummary{Count: 2, MeanEase: 20}}},
		{CustomerID: "d", HasFriction: true, Friction: CustomerFriction{CustomerID: "d", Friction: 10}},
	}
	var customers []cs.Customer
	for id, trend := range map[string]float64{"a": -0.5, "b": -0.5, "c": 0.1, "e": -0.9} {
		customers = append(customers, cs.Customer{ID: id, Signals: cs.Signals{"usage_trend": trend}})
	}
	complaints := []Complaint{{CustomerID: "b", Time: now.Add(-200 * 24 * time.Hour)}, {CustomerID: "c", Time: now.Add(-24 * time.Hour)}}
	got, err := Silence{}.FindAt(efforts, customers, nil, complaints, now)
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, s := range got {
		ids = append(ids, fmt.Sprintf("%s:%d", s.CustomerID, len(s.Evidence)))
	}
	// b: three signs and its only complaint is older than the window; a: two signs;
	// c complained yesterday; d has one sign; e only falling usage.
	if strings.Join(ids, " ") != "b:3 a:2" || !got[0].LastVoice.Equal(complaints[0].Time) {
		t.Errorf("Find = %v (%+v)", ids, got)
	}
	got, _ = Silence{MinSigns: 1}.FindAt(efforts, customers, nil, complaints, now)
	if len(got) != 3 || got[2].CustomerID != "e" {
		t.Errorf("MinSigns 1: %+v", got)
	}
	if _, err := (Silence{MinSigns: 4}).FindAt(nil, nil, nil, nil, now); err == nil {
		t.Error("MinSigns 4 accepted")
	}
}

func TestProfilesMerge(t *testing.T) {
	fr := []CustomerFriction{{CustomerID: "a"}, {CustomerID: "c"}}
	ces := []CustomerCES{{CustomerID: "b"}, {CustomerID: "c"}}
	var got []string
	for _, p := range Profiles(fr, ces) {
		got = append(got, fmt.Sprintf("%s/%v/%s", p.CustomerID, p.HasFriction, p.CES.CustomerID))
	}
	if want := "a/true/ b/false/b c/true/c"; strings.Join(got, " ") != want {
		t.Errorf("Profiles = %v, want %s", got, want)
	}
}

// TestRadixByHash checks both paths of radixByHash (comparison sort below 65,536
// records, two radix passes above) against a stable sort by hash.
func TestRadixByHash(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for _, n := range []int{0, 1, 100, 1 << 16, 1<<16 + 1234} {
		s := make([]hrec, n)
		for i := range s {
			s[i] = hrec{h: rng.Uint32() >> uint(rng.IntN(20)), idx: int32(i)}
		}
		want := slices.Clone(s)
		slices.SortStableFunc(want, func(p, q hrec) int { return stdcmp.Compare(p.h, q.h) })
		got := radixByHash(slices.Clone(s), make([]hrec, n))
		if !slices.Equal(got, want) {
			t.Errorf("radixByHash of %d records differs from a stable sort", n)
		}
	}
}
