package samplebook_test

import (
	"cmp"
	"slices"
	"testing"
	"time"

	"github.com/successkit/cs"
	"github.com/successkit/cs/examples/samplebook"
	"pgregory.net/rapid"
)

// drawConfig draws a small book: any seed, size, history length, book date and
// horizon.
func drawConfig(t *rapid.T) samplebook.Config {
	asof := cs.NewDate(rapid.IntRange(2000, 2050).Draw(t, "year"), time.Month(rapid.IntRange(1, 12).Draw(t, "month")),
		rapid.IntRange(1, 28).Draw(t, "day"))
	if rapid.Bool().Draw(t, "month_end") {
		asof = asof.StartOfMonth().AddMonths(1).AddDays(-1)
	}
	return samplebook.Config{
		Customers:     rapid.IntRange(1, 40).Draw(t, "customers"),
		Months:        rapid.IntRange(1, 30).Draw(t, "months"),
		Seed:          rapid.Uint64().Draw(t, "seed"),
		AsOf:          asof,
		HorizonMonths: rapid.IntRange(1, 12).Draw(t, "horizon"),
	}
}

// TestBookInvariants checks what every user of a book relies on, for any Config.
func TestBookInvariants(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		cfg := drawConfig(t)
		b, err := samplebook.Generate(cfg)
		if err != nil {
			t.Fatalf("Generate(%+v) = %v", cfg, err)
		}
		asof := cfg.AsOf
		first := asof.StartOfMonth().AddMonths(-(cfg.Months - 1))
		end := time.Date(asof.Year, asof.Month, asof.Day, 23, 59, 59, 0, time.UTC)

		if len(b.Customers) != cfg.Customers {
			t.Fatalf("%d customers, want %d", len(b.Customers), cfg.Customers)
		}
		byID := map[string]cs.Customer{}
		active := map[string]bool{}
		for i, c := range b.Customers {
			if err := c.Validate(); err != nil {
				t.Fatalf("customer %s: %v", c.ID, err)
			}
			if i > 0 && b.Customers[i-1].ID >= c.ID {
				t.Fatalf("customers not sorted by ID at %d", i)
			}
			if c.ContractStart.After(asof) {
				t.Fatalf("customer %s starts %s, after the book date %s", c.ID, c.ContractStart, asof)
			}
			byID[c.ID] = c
			if c.Stage != cs.StageChurned {
				active[c.ID] = true
				if !c.RenewalDate.After(asof) {
					t.Fatalf("active customer %s renews %s, not after %s", c.ID, c.RenewalDate, asof)
				}
				if u := c.Signals["usage"]; u < 0 || u > 1 {
					t.Fatalf("customer %s usage %v", c.ID, u)
				}
			} else if !c.MRR.IsZero() || !c.HasMRR() {
				t.Fatalf("churned customer %s has MRR %v, want a zero amount in its currency", c.ID, c.MRR)
			}
			if n, ok := c.Signals["nps"]; ok && (n < 0 || n > 10) {
				t.Fatalf("customer %s nps %v", c.ID, n)
			}
			if v, ok := c.Signals["ces"]; ok && (v < 1 || v > 7) {
				t.Fatalf("customer %s ces %v", c.ID, v)
			}
		}

		// A customer's MRR at the book date is the sum of its rows of the last month.
		last := map[string]cs.Money{}
		for _, r := range b.MRR {
			c, ok := byID[r.CustomerID]
			if !ok || r.MRR.Sign() <= 0 || r.MRR.Currency() != c.MRR.Currency() {
				t.Fatalf("bad MRR row %+v", r)
			}
			if r.Month.Day != 1 || r.Month.Before(first) || r.Month.After(asof) {
				t.Fatalf("MRR row month %s outside %s..%s", r.Month, first, asof)
			}
			if r.Month == asof.StartOfMonth() {
				s, err := last[r.CustomerID].Add(r.MRR)
				if err != nil {
					t.Fatal(err)
				}
				last[r.CustomerID] = s
			}
		}
		for id, c := range byID {
			if got := last[id]; active[id] != !got.IsZero() || (active[id] && !got.Equal(c.MRR)) {
				t.Fatalf("customer %s: MRR %v, rows of the last month sum to %v", id, c.MRR, got)
			}
		}

		// Snapshots: date order, never after the book date; the last ones are Customers.
		var atAsOf int
		for i, s := range b.Snapshots {
			if i > 0 && s.AsOf.Before(b.Snapshots[i-1].AsOf) {
				t.Fatalf("snapshots out of date order at %d", i)
			}
			if s.AsOf.After(asof) || s.AsOf.Before(first) {
				t.Fatalf("snapshot dated %s outside the history", s.AsOf)
			}
			if err := s.Customer.Validate(); err != nil {
				t.Fatalf("snapshot %s %s: %v", s.AsOf, s.Customer.ID, err)
			}
			if s.AsOf == asof {
				atAsOf++
			}
		}
		if atAsOf != len(b.Customers) {
			t.Fatalf("%d snapshots at the book date, want %d", atAsOf, len(b.Customers))
		}

		// Outcomes: exactly the customers active at the book date, dated after it.
		horizonEnd := asof.StartOfMonth().AddMonths(cfg.HorizonMonths + 1).AddDays(-1)
		if len(b.Outcomes) != len(active) {
			t.Fatalf("%d outcomes, want one per active customer (%d)", len(b.Outcomes), len(active))
		}
		for _, o := range b.Outcomes {
			if !active[o.ID] || !o.Date.After(asof) || o.Date.After(horizonEnd) || (!o.Churned && o.Date != horizonEnd) {
				t.Fatalf("bad outcome %+v (book date %s, horizon end %s)", o, asof, horizonEnd)
			}
		}

		// Interactions: of known customers, in time order per customer, up to the book date.
		for i, c := range b.Contacts {
			if _, ok := byID[c.CustomerID]; !ok || c.Time.After(end) || (c.Channel == samplebook.SelfService) != (c.Agent == "") {
				t.Fatalf("bad contact %+v", c)
			}
			if i > 0 && b.Contacts[i-1].CustomerID == c.CustomerID && c.Time.Before(b.Contacts[i-1].Time) {
				t.Fatalf("contacts of %s out of time order", c.CustomerID)
			}
		}
		opened := map[string]bool{}
		for _, e := range b.CaseEvents {
			if e.Time.After(end) {
				t.Fatalf("case event after the book date: %+v", e)
			}
			if e.Event == samplebook.Opened {
				opened[e.CaseID] = true
			} else if !opened[e.CaseID] {
				t.Fatalf("case %s %s before it was opened", e.CaseID, e.Event)
			}
		}
		for _, c := range b.Contacts {
			if !opened[c.CaseID] {
				t.Fatalf("contact %s of a case never opened", c.ContactID)
			}
		}
		for _, s := range b.Surveys {
			lo, hi := map[samplebook.SurveyKind][2]int{samplebook.CES2: {1, 7}, samplebook.CES1: {1, 5}, samplebook.NPS: {0, 10}}[s.Kind][0],
				map[samplebook.SurveyKind][2]int{samplebook.CES2: {1, 7}, samplebook.CES1: {1, 5}, samplebook.NPS: {0, 10}}[s.Kind][1]
			if s.Score < lo || s.Score > hi || s.Time.After(end) {
				t.Fatalf("bad survey %+v", s)
			}
		}
		if !slices.IsSortedFunc(b.Outcomes, func(x, y samplebook.Outcome) int { return cmp.Compare(x.ID, y.ID) }) {
			t.Fatal("outcomes not sorted by ID")
		}
	})
}
