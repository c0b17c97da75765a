package main

import (
	_ "embed" // the touch policy of the sample book
	"fmt"
	"maps"
	"os"
	"slices"
	"strings"

	"github.com/successkit/cs"
	"github.com/successkit/cs/touch"
)

// defaultPolicy is the touch policy the portfolio uses unless -policy names
// another: tiers by ARR in USD, six named high-touch CSMs, a pooled low-touch
// team of three, tech touch for the rest. Its exchange rates (EUR 1.08, JPY 0.0067
// USD) are illustrative figures chosen for the sample book, not market data:
// supply your own in your policy.
//
//go:embed policy.json
var defaultPolicy []byte

// touchSection is the tier table, the CSM load and the tier changes.
type touchSection struct {
	Basis      string              `json:"basis"`
	Currency   cs.Currency         `json:"currency"`
	Rates      map[string]string   `json:"rates,omitempty"`
	Tiers      []touch.TierSummary `json:"tiers"`
	Community  int                 `json:"community_flagged"`
	Candidates []touch.Candidate   `json:"upgrade_candidates"`
	CandidateN int                 `json:"upgrade_candidates_count"`
	Errors     []string            `json:"errors,omitempty"`
	// PreviousAsOf is the month-end of the assignment carried into this one (zero
	// without snapshots); Changes the accounts whose tier changed since.
	PreviousAsOf cs.Date      `json:"previous_as_of,omitzero"`
	ChangeN      int          `json:"tier_changes_count"`
	Changes      []tierChange `json:"tier_changes,omitempty"`

	result *touch.Result
}

type tierChange struct {
	ID      string `json:"id"`
	From    string `json:"from"`
	To      string `json:"to"`
	Reasons string `json:"reasons"`
}

// previousCustomers returns the active customers of the latest month-end before
// the report date, from the snapshots' history, in ID order.
func previousCustomers(h *healthSection) ([]cs.Customer, cs.Date) {
	if h == nil {
		return nil, cs.Date{}
	}
	var latest cs.Date
	for _, hist := range h.history {
		if hist.prevDate.After(latest) {
			latest = hist.prevDate
		}
	}
	var out []cs.Customer
	for _, id := range slices.Sorted(maps.Keys(h.history)) {
		hist := h.history[id]
		if hist.prevDate == latest && !latest.IsZero() && hist.prev.HasMRR() && hist.prev.Stage != cs.StageChurned {
			out = append(out, hist.prev)
		}
	}
	return out, latest
}

func loadPolicy(path string) (*touch.Assigner, error) {
	data := defaultPolicy
	if path != "" {
		var err error
		if data, err = os.ReadFile(path); err != nil {
			return nil, fmt.Errorf("portfolio: %w", err)
		}
	}
	p, err := touch.ParsePolicy(data)
	if err != nil {
		return nil, fmt.Errorf("portfolio: policy: %w", err)
	}
	a, err := touch.Compile(p)
	if err != nil {
		return nil, fmt.Errorf("portfolio: policy: %w", err)
	}
	return a, nil
}

// runTouch assigns the active customers to touch tiers by the policy, with their
// health scores for the community overlay.
func runTouch(o options, customers []cs.Customer, asof cs.Date, h *healthSection) (*touchSection, error) {
	assigner := o.assigner
	var active []cs.Customer
	for _, c := range customers {
		if c.Stage != cs.StageChurned && c.HasMRR() {
			active = append(active, c)
		}
	}
	p := assigner.Policy()
	sec := &touchSection{Basis: p.Basis.String(), Currency: assigner.Currency()}
	for _, cur := range slices.Sorted(maps.Keys(p.Rates)) {
		if sec.Rates == nil {
			sec.Rates = map[string]string{}
		}
		sec.Rates[string(cur)] = p.Rates[cur].String()
	}
	accounts, err := touch.FromCustomers(active, p.Basis, nil)
	if err != nil {
		sec.Errors = append(sec.Errors, strings.Split(err.Error(), "\n")...)
	}
	if h != nil {
		for i := range accounts {
			if r := h.results[accounts[i].ID]; r != nil && !r.Unknown {
				accounts[i].Health, accounts[i].HealthKnown = r.Score, true
			}
		}
	}
	// With history, the accounts are first assigned as of the last month-end, and
	// that assignment is carried: hysteresis and owners then work as they would
	// from one period to the next, and values a month ago tell which tech-touch
	// accounts are rising.
	if prev, prevDate := previousCustomers(h); len(prev) > 0 {
		prevAccounts, _ := touch.FromCustomers(prev, p.Basis, nil)
		// Assign's error lists the accounts it rejected; its result holds the rest.
		prevRes, err := assigner.Assign(prevAccounts, prevDate)
		if prevRes == nil {
			return nil, fmt.Errorf("portfolio: %w", err)
		}
		prevRes.Carry(accounts)
		before := map[string]cs.Money{}
		for i := range prevAccounts {
			before[prevAccounts[i].ID] = prevAccounts[i].Value
		}
		for i := range accounts {
			accounts[i].PreviousValue = before[accounts[i].ID]
		}
		sec.PreviousAsOf = prevDate
	}
	res, err := assigner.Assign(accounts, asof)
	if res == nil {
		return nil, fmt.Errorf("portfolio: %w", err)
	} // otherwise err only lists res.Rejected, reported below
	sec.result = res
	for _, a := range res.Changes() {
		sec.ChangeN++
		if len(sec.Changes) < listLimit {
			sec.Changes = append(sec.Changes, tierChange{ID: a.ID, From: a.Previous.String(), To: a.Tier.String(), Reasons: a.Reasons.String()})
		}
	}
	sec.Tiers = res.Tiers
	for _, a := range res.Accounts {
		if a.Community.Flagged() {
			sec.Community++
		}
	}
	for _, r := range res.Rejected {
		sec.Errors = append(sec.Errors, r.ID+": "+r.Error)
	}
	sec.CandidateN = len(res.Candidates)
	sec.Candidates = res.Candidates[:min(len(res.Candidates), listLimit)]
	return sec, nil
}
