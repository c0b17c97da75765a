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

	result *touch.Result
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
	res, err := assigner.Assign(accounts, asof)
	if err != nil {
		return nil, fmt.Errorf("portfolio: %w", err)
	}
	sec.result = res
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
