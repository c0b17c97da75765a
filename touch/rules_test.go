package touch

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/shopspring/decimal"
	cs "github.com/successkit/cs"
)

var lastMonth = cs.MustParseDate("2026-05-31")

// was gives an account a previous tier from last month.
func was(a Account, t Tier) Account {
	a.State = State{Tier: t, AsOf: lastMonth}
	return a
}

// outcome is the part of an Assignment the rule tables check.
type outcome struct {
	Tier    Tier
	Changed bool
	Reasons string
	Toward  Tier
	Streak  int
}

func outcomes(r *Result) map[string]outcome {
	m := map[string]outcome{}
	for _, a := range r.Accounts {
		m[a.ID] = outcome{a.Tier, a.Changed, a.Reasons.String(), a.Toward, a.Streak}
	}
	return m
}

func TestHysteresis(t *testing.T) {
	base := Policy{Currency: "USD", High: TierPolicy{MinValue: usd("100000")}, Low: TierPolicy{MinValue: usd("20000")}}
	margin := base
	margin.Hysteresis = Hysteresis{Margin: decimal.RequireFromString("0.1")}
	periods := base
	periods.Hysteresis = Hysteresis{Periods: 2}
	both := base
	both.Hysteresis = Hysteresis{Margin: decimal.RequireFromString("0.1"), Periods: 3}
	streak := func(a Account, toward Tier, n int, at cs.Date) Account {
		a.State.Toward, a.State.Streak, a.State.AsOf = toward, n, at
		return a
	}
	tests := []struct {
		name     string
		policy   Policy
		accounts []Account
		want     map[string]outcome
	}{
		{
			// Without hysteresis every crossing moves the account at once.
			name:     "off",
			policy:   base,
			accounts: []Account{was(acct("a", "95000", ""), High), was(acct("b", "100000", ""), Low)},
			want: map[string]outcome{
				"a": {Low, true, "threshold", None, 0},
				"b": {High, true, "threshold", None, 0},
			},
		},
		{
			// A 10% margin around 100,000 and 20,000: 90,000 / 110,000 and
			// 18,000 / 22,000 are the points of no return.
			name:   "margin",
			policy: margin,
			accounts: []Account{
				was(acct("held-down", "90000", ""), High),
				was(acct("moved-down", "89999.99", ""), High),
				was(acct("held-up", "109999.99", ""), Low),
				was(acct("moved-up", "110000", ""), Low),
				was(acct("two-up", "250000", ""), Tech),
				was(acct("one-up", "105000", ""), Tech),
				was(acct("floor-held", "18000", ""), Low),
				was(acct("floor-moved", "17999.99", ""), Low),
				acct("new", "95000", ""),
			},
			want: map[string]outcome{
				"held-down":   {High, false, "held", Low, 1},
				"moved-down":  {Low, true, "threshold,margin", None, 0},
				"held-up":     {Low, false, "held", High, 1},
				"moved-up":    {High, true, "threshold,margin", None, 0},
				"two-up":      {High, true, "threshold,margin", None, 0},
				"one-up":      {Low, true, "margin", High, 1},
				"floor-held":  {Low, false, "held", Tech, 1},
				"floor-moved": {Tech, true, "threshold,margin", None, 0},
				"new":         {Low, false, "threshold,new", None, 0},
			},
		},
		{
			// Two consecutive periods across a threshold move the account; the
			// same period assigned twice counts once.
			name:   "periods",
			policy: periods,
			accounts: []Account{
				was(acct("first", "105000", ""), Low),
				streak(was(acct("second", "105000", ""), Low), High, 1, lastMonth),
				streak(was(acct("rerun", "105000", ""), Low), High, 1, asOf),
				streak(was(acct("turned", "105000", ""), Low), Tech, 5, lastMonth),
			},
			want: map[string]outcome{
				"first":  {Low, false, "held", High, 1},
				"second": {High, true, "threshold,periods", None, 0},
				"rerun":  {Low, false, "held", High, 1},
				"turned": {Low, false, "held", High, 1},
			},
		},
		{
			// Margin or periods, whichever comes first.
			name:   "both",
			policy: both,
			accounts: []Account{
				streak(was(acct("by-periods", "101000", ""), Low), High, 2, lastMonth),
				was(acct("by-margin", "120000", ""), Low),
				streak(was(acct("neither", "101000", ""), Low), High, 1, lastMonth),
			},
			want: map[string]outcome{
				"by-periods": {High, true, "threshold,periods", None, 0},
				"by-margin":  {High, true, "threshold,margin", None, 0},
				"neither":    {Low, false, "held", High, 2},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := MustCompile(tt.policy).Assign(tt.accounts, asOf)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, outcomes(r)); diff != "" {
				t.Errorf("Assign (-want +got):\n%s", diff)
			}
		})
	}
}

func TestGates(t *testing.T) {
	p := Policy{
		Currency: "USD",
		// Cost to serve over the customer's lifetime against LTV, at the default
		// maximum share of 20% (the commonly quoted "CS cost under 15-20% of ACV").
		High: TierPolicy{MinValue: usd("100000"), CostToServe: usd("30000")},
		Low:  TierPolicy{MinValue: usd("20000"), CostToServe: usd("5000")},
		PoorFit: func(a *Account) string {
			if a.ID == "bad-fit" {
				return "wants on-premise hosting"
			}
			return ""
		},
	}
	r, err := MustCompile(p).Assign([]Account{
		acct("pays-high", "150000", ""), // 30,000 ≤ 20% × 150,000
		acct("pays-low", "149999.99", ""),
		acct("pays-none", "24999.99", ""),
		acct("bad-fit", "900000", ""),
	}, asOf)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]outcome{
		"pays-high": {High, false, "threshold,new", None, 0},
		"pays-low":  {Low, false, "new,cost", None, 0},
		"pays-none": {Tech, false, "new,cost", None, 0},
		"bad-fit":   {Tech, false, "new,poor_fit", None, 0},
	}
	if diff := cmp.Diff(want, outcomes(r)); diff != "" {
		t.Errorf("Assign (-want +got):\n%s", diff)
	}
	// The gates keep the accounts below the tier their value earns, Due, which
	// the next period starts from.
	wantDue := map[string]Tier{"pays-high": High, "pays-low": High, "pays-none": Low, "bad-fit": High}
	for _, x := range r.Accounts {
		if x.Due != wantDue[x.ID] {
			t.Errorf("%s: Due = %s, want %s", x.ID, x.Due, wantDue[x.ID])
		}
	}
	if got := r.Accounts[0].FitReason; r.Accounts[0].ID != "bad-fit" || got != "wants on-premise hosting" {
		t.Errorf("Accounts[0] = %s with fit reason %q", r.Accounts[0].ID, got)
	}
	if high := r.Tier(High); !high.Cost.Equal(usd("30000")) {
		t.Errorf("high cost = %s, want 30000.00 USD", high.Cost)
	}
	// A poor fit is never an upgrade candidate, even rising.
	if len(r.Candidates) != 0 {
		t.Errorf("Candidates = %+v, want none", r.Candidates)
	}
}

func TestCommunityAndCandidates(t *testing.T) {
	a := MustCompile(Policy{Currency: "USD", Low: TierPolicy{MinValue: usd("10000")}})
	sig := func(id string, health float64, s cs.Signals, value, prev string) Account {
		acc := acct(id, value, "")
		acc.Health, acc.HealthKnown, acc.Signals = health, health > 0, s
		if prev != "" {
			acc.PreviousValue = usd(prev)
		}
		return acc
	}
	r, err := a.Assign([]Account{
		sig("advocate", 80, cs.Signals{"usage": 0.7}, "50000", ""),
		sig("unknown-health", 0, cs.Signals{"usage": 0.9}, "50000", ""),
		sig("promoter", 0, cs.Signals{"nps": 9}, "50000", ""),
		sig("asker", 0, cs.Signals{"tickets_90d": 3}, "500", ""),
		sig("grew", 0, nil, "1200", "1000"),         // +20%: the default growth exactly
		sig("grew-less", 0, nil, "1199.99", "1000"), // just under
		sig("used-more", 0, cs.Signals{"usage_trend": 0.1}, "800", "900"),
		sig("from-zero", 0, nil, "10", "0"),
	}, asOf)
	if err != nil {
		t.Fatal(err)
	}
	community := map[string]string{}
	for _, acc := range r.Accounts {
		if acc.Community.Flagged() {
			community[acc.ID] = acc.Community.String()
		}
	}
	if diff := cmp.Diff(map[string]string{"advocate": "advocate", "promoter": "promoter", "asker": "peer_help"}, community); diff != "" {
		t.Errorf("community (-want +got):\n%s", diff)
	}
	var ids []string
	for _, c := range r.Candidates {
		ids = append(ids, c.ID)
	}
	if diff := cmp.Diff([]string{"grew", "used-more", "from-zero"}, ids); diff != "" {
		t.Errorf("candidates (-want +got):\n%s", diff)
	}
	if c := r.Candidates[0]; c.ValueGrowth != 0.2 || !c.ValueRising || c.UsageRising || !c.PreviousValue.Equal(usd("1000")) {
		t.Errorf("grew = %+v", c)
	}
	if c := r.Candidates[1]; !c.UsageRising || c.ValueRising || c.UsageTrend != 0.1 {
		t.Errorf("used-more = %+v", c)
	}
}

func TestOwners(t *testing.T) {
	owned := func(a Account, owner string) Account {
		a.State = State{Tier: High, Owner: owner, AsOf: lastMonth}
		return a
	}
	tests := []struct {
		name     string
		tier     TierPolicy
		accounts []Account
		want     map[string]string
	}{
		{
			// Round robin in CSM order; a sticky owner does not advance the turn.
			name: "round robin",
			tier: TierPolicy{CSMs: []string{"ann", "ben", "cy"}, MaxAccounts: 5, Method: RoundRobin},
			accounts: []Account{acct("a", "900", ""), owned(acct("b", "800", ""), "cy"), acct("c", "700", ""),
				acct("d", "600", ""), acct("e", "500", "")},
			want: map[string]string{"a": "high/ann", "b": "high/cy", "c": "high/ben", "d": "high/cy", "e": "high/ann"},
		},
		{
			// Least ARR: the big account weighs on ann.
			name:     "least ARR",
			tier:     TierPolicy{CSMs: []string{"ann", "ben"}, Method: LeastARR},
			accounts: []Account{acct("a", "900", "1000"), acct("b", "800", "10"), acct("c", "700", "10"), acct("d", "600", "10")},
			want:     map[string]string{"a": "high/ann", "b": "high/ben", "c": "high/ben", "d": "high/ben"},
		},
		{
			// Sticky until the owner is full, then least loaded; an owner who
			// left the tier is replaced.
			name: "sticky",
			tier: TierPolicy{CSMs: []string{"ann", "ben"}, MaxAccounts: 2},
			accounts: []Account{owned(acct("a", "900", ""), "ben"), owned(acct("b", "800", ""), "ben"),
				owned(acct("c", "700", ""), "ben"), owned(acct("d", "600", ""), "gone")},
			want: map[string]string{"a": "high/ben", "b": "high/ben", "c": "high/ann", "d": "high/ann"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tier := tt.tier
			tier.MinValue = usd("100")
			r, err := MustCompile(Policy{Currency: "USD", High: tier}).Assign(tt.accounts, asOf)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, tiersOf(r)); diff != "" {
				t.Errorf("owners (-want +got):\n%s", diff)
			}
		})
	}
}

func TestCurrencies(t *testing.T) {
	a := MustCompile(Policy{
		Currency: "USD",
		Rates:    map[cs.Currency]decimal.Decimal{"EUR": decimal.RequireFromString("1.10"), "JPY": decimal.RequireFromString("0.0067")},
		High:     TierPolicy{MinValue: usd("100000")},
		Low:      TierPolicy{MinValue: usd("20000")},
	})
	r, err := a.Assign([]Account{
		{ID: "eur", Value: cs.MustParseMoney("100000 EUR"), ARR: cs.MustParseMoney("12000 EUR")},
		{ID: "jpy", Value: cs.MustParseMoney("10000000 JPY")},
		{ID: "usd", Value: usd("0.125")}, // a fraction of a cent rounds half to even
		{ID: "chf", Value: cs.MustParseMoney("1 CHF")},
	}, asOf)
	if err == nil || len(r.Rejected) != 1 || r.Rejected[0].ID != "chf" {
		t.Fatalf("Assign: err %v, rejected %+v; want chf rejected for want of a rate", err, r.Rejected)
	}
	got := map[string]string{}
	for _, acc := range r.Accounts {
		got[acc.ID] = acc.Tier.String() + " " + acc.Value().String() + " " + acc.ARR().String()
	}
	want := map[string]string{
		"eur": "high 110000.00 USD 13200.00 USD",
		"jpy": "low 67000.00 USD 0",
		"usd": "tech 0.12 USD 0",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("converted (-want +got):\n%s", diff)
	}
}

// Hysteresis starts from the tier the value earned (State.Due), not the one
// capacity left the account in: an account that spilled from a full high touch
// returns to it as soon as there is room, and one whose value slipped only a
// little below the high threshold is not demoted by the margin rule.
func TestHysteresisFromDue(t *testing.T) {
	a := MustCompile(Policy{
		Currency:   "USD",
		High:       TierPolicy{MinValue: usd("100000"), CSMs: []string{"ann"}, MaxAccounts: 1},
		Low:        TierPolicy{MinValue: usd("20000")},
		Hysteresis: Hysteresis{Margin: decimal.RequireFromString("0.1")},
	})
	spilled := acct("spilled", "150000", "")
	spilled.State = State{Tier: Low, Due: High, AsOf: lastMonth}
	slipped := acct("slipped", "95000", "")
	slipped.State = State{Tier: Low, Due: High, AsOf: lastMonth}
	r, err := a.Assign([]Account{spilled, slipped}, asOf)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]outcome{
		// High has room now: back to it at once, not held in low touch.
		"spilled": {High, true, "threshold", None, 0},
		// Earned high (held within the margin), but ann is full: low, which its
		// value alone also points to; Due stays high.
		"slipped": {Low, false, "threshold,held,capacity", Low, 1},
	}
	if diff := cmp.Diff(want, outcomes(r)); diff != "" {
		t.Errorf("Assign (-want +got):\n%s", diff)
	}
	if got := r.Accounts[1].Due; got != High {
		t.Errorf("slipped: Due = %s, want high", got)
	}
}
