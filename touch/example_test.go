package touch_test

import (
	"errors"
	"fmt"
	"strings"

	cs "github.com/successkit/cs"
	"github.com/successkit/cs/touch"
)

// policyJSON sizes the tiers by LTV (the community-touch column, 2024) with
// capacity from the commonly quoted field conventions, scaled down: two named high-touch CSMs of two
// accounts each, a pooled low touch, tech touch for the rest.
const policyJSON = `{
  "currency": "USD",
  "high": {"min_value": "100000 USD", "csms": ["ann", "ben"], "max_accounts": 2},
  "low":  {"min_value": "20000 USD", "headcount": 1, "max_accounts": 3},
  "hysteresis": {"margin": "0.1"}
}`

func book() []touch.Account {
	usd := func(s string) cs.Money { return cs.MustParseMoney(s + " USD") }
	return []touch.Account{
		{ID: "acme", Value: usd("450000"), ARR: usd("90000")},
		{ID: "globex", Value: usd("300000"), ARR: usd("60000")},
		{ID: "initech", Value: usd("250000"), ARR: usd("50000")},
		{ID: "umbrella", Value: usd("120000"), ARR: usd("24000")},
		{ID: "hooli", Value: usd("40000"), ARR: usd("8000"),
			Signals: cs.Signals{"nps": 10}},
		{ID: "stark", Value: usd("9000"), ARR: usd("1800"), PreviousValue: usd("6000")},
	}
}

func ExampleAssigner_Assign() {
	p, err := touch.ParsePolicy([]byte(policyJSON))
	if err != nil {
		fmt.Println(err)
		return
	}
	a, err := touch.Compile(p)
	if err != nil {
		fmt.Println(err)
		return
	}
	r, err := a.Assign(book(), cs.MustParseDate("2026-06-30"))
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, x := range r.Accounts {
		fmt.Printf("%-8s %-4s %-9s %s\n", x.ID, x.Tier, x.Owner, x.Reasons)
	}
	for _, t := range r.Tiers {
		fmt.Printf("%s: %d accounts, ARR %s, %.1f per CSM, overflow %d\n", t.Tier, t.Accounts, t.ARR, t.AccountsPerCSM, t.Overflow)
	}
	for _, c := range r.Candidates {
		fmt.Printf("upgrade candidate %s: value %s, was %s (%+.0f%%)\n", c.ID, c.Value, c.PreviousValue, 100*c.ValueGrowth)
	}
	// Output:
	// acme     high ann       threshold,new
	// globex   high ben       threshold,new
	// initech  high ann       threshold,new
	// umbrella high ben       threshold,new
	// hooli    low  low-pool  threshold,new
	// stark    tech           threshold,new
	// high: 4 accounts, ARR 224000.00 USD, 2.0 per CSM, overflow 0
	// low: 1 accounts, ARR 8000.00 USD, 1.0 per CSM, overflow 0
	// tech: 1 accounts, ARR 1800.00 USD, 0.0 per CSM, overflow 0
	// upgrade candidate stark: value 9000.00 USD, was 6000.00 USD (+50%)
}

// A value crossing a threshold by less than the hysteresis margin keeps its
// tier; Result.Carry hands each account's state to the next period.
func ExampleResult_Carry() {
	a := touch.MustCompile(touch.Policy{
		Currency:   "USD",
		High:       touch.TierPolicy{MinValue: cs.MustParseMoney("100000 USD")},
		Low:        touch.TierPolicy{MinValue: cs.MustParseMoney("20000 USD")},
		Hysteresis: touch.Hysteresis{Periods: 2},
	})
	accounts := []touch.Account{{ID: "acme", Value: cs.MustParseMoney("120000 USD")}}
	months := []struct{ date, value string }{
		{"2026-04-30", "120000"}, {"2026-05-31", "95000"}, {"2026-06-30", "90000"}, {"2026-07-31", "99000"},
	}
	for _, m := range months {
		accounts[0].Value = cs.MustParseMoney(m.value + " USD")
		r, err := a.Assign(accounts, cs.MustParseDate(m.date))
		if err != nil {
			fmt.Println(err)
			return
		}
		x := r.Accounts[0]
		fmt.Printf("%s %s: %s (changed %v, %s)\n", m.date, x.Value(), x.Tier, x.Changed, x.Reasons)
		r.Carry(accounts)
	}
	// Output:
	// 2026-04-30 120000.00 USD: high (changed false, threshold,new)
	// 2026-05-31 95000.00 USD: high (changed false, held)
	// 2026-06-30 90000.00 USD: low (changed true, threshold,periods)
	// 2026-07-31 99000.00 USD: low (changed false, threshold)
}

func ExampleResult_Changes() {
	a := touch.MustCompile(touch.Policy{Currency: "USD", Low: touch.TierPolicy{MinValue: cs.MustParseMoney("20000 USD")}})
	accounts := []touch.Account{
		{ID: "b", Value: cs.MustParseMoney("25000 USD"), State: touch.State{Tier: touch.Tech}},
		{ID: "a", Value: cs.MustParseMoney("5000 USD"), State: touch.State{Tier: touch.Low}},
		{ID: "c", Value: cs.MustParseMoney("30000 USD"), State: touch.State{Tier: touch.Low}},
	}
	r, _ := a.Assign(accounts, cs.MustParseDate("2026-06-30"))
	for _, x := range r.Changes() {
		fmt.Printf("%s: %s -> %s\n", x.ID, x.Previous, x.Tier)
	}
	// Output:
	// a: low -> tech
	// b: tech -> low
}

func ExampleResult_Tier() {
	a := touch.MustCompile(touch.Policy{
		Currency: "USD",
		High: touch.TierPolicy{MinValue: cs.MustParseMoney("100000 USD"), CSMs: []string{"ann"},
			MaxAccounts: 1, MaxARR: cs.MustParseMoney("2000000 USD")},
	})
	r, _ := a.Assign([]touch.Account{
		{ID: "x", Value: cs.MustParseMoney("500000 USD"), ARR: cs.MustParseMoney("150000 USD")},
		{ID: "y", Value: cs.MustParseMoney("400000 USD"), ARR: cs.MustParseMoney("90000 USD")},
	}, cs.MustParseDate("2026-06-30"))
	h := r.Tier(touch.High)
	fmt.Printf("high: %d of %d accounts, %s ARR left, overflow %d (%s)\n", h.Accounts, h.Capacity.Accounts, h.Left.ARR, h.Overflow, h.OverflowARR)
	for _, c := range h.CSMs {
		fmt.Printf("  %s: %d accounts, %s\n", c.Name, c.Accounts, c.ARR)
	}
	// Output:
	// high: 1 of 1 accounts, 1850000.00 USD ARR left, overflow 1 (90000.00 USD)
	//   ann: 1 accounts, 150000.00 USD
}

func ExampleAssignment_State() {
	a := touch.MustCompile(touch.Policy{Currency: "USD", High: touch.TierPolicy{MinValue: cs.MustParseMoney("1000 USD"), CSMs: []string{"ann"}}})
	asOf := cs.MustParseDate("2026-06-30")
	r, _ := a.Assign([]touch.Account{{ID: "x", Value: cs.MustParseMoney("5000 USD")}}, asOf)
	st := r.Accounts[0].State(asOf)
	fmt.Println(st.Tier, st.Owner, st.Due, st.AsOf)
	// Output: high ann high 2026-06-30
}

// Compile reports every bad setting at once, each by its JSON path.
func ExampleCompile() {
	_, err := touch.Compile(touch.Policy{
		Currency: "USD",
		High:     touch.TierPolicy{MinValue: cs.MustParseMoney("10000 USD"), MaxAccounts: -5},
		Low:      touch.TierPolicy{MinValue: cs.MustParseMoney("20000 USD")},
	})
	fmt.Println(err)
	fmt.Println(errors.Is(err, touch.ErrThresholdOrder), errors.Is(err, cs.ErrNegative))
	// Output:
	// touch: invalid policy: high.max_accounts: "-5": negative
	// high.min_value: "10000.00 USD": must be above low.min_value 20000.00 USD: thresholds out of order
	// true true
}

func ExampleMustCompile() {
	a := touch.MustCompile(touch.Policy{Low: touch.TierPolicy{MinValue: cs.MustParseMoney("20000 EUR")}})
	fmt.Println(a.Currency(), a.Policy().Basis)
	// Output: EUR ltv
}

func ExampleParsePolicy() {
	_, err := touch.ParsePolicy([]byte(`{"high": {"csms": ["ann"], "max_acounts": 40}}`))
	fmt.Println(err)
	_, err = touch.ParsePolicy([]byte(`{"low": {"method": "lottery"}, "low": {}}`))
	fmt.Println(err)
	fmt.Println(errors.Is(err, touch.ErrInvalidPolicy), errors.Is(err, cs.ErrDuplicateKey))
	// Output:
	// touch: invalid policy: high.max_acounts: unknown field
	// touch: invalid policy: low.method: "lottery": want least_accounts, least_arr or round_robin: unknown field
	// low: duplicate key
	// true true
}

func ExampleMarshalPolicy() {
	b, _ := touch.MarshalPolicy(touch.Policy{
		Currency: "USD",
		Low:      touch.TierPolicy{MinValue: cs.MustParseMoney("0 USD"), Headcount: 2, MaxAccounts: 300},
	})
	fmt.Println(string(b))
	// Output: {"currency":"USD","low":{"min_value":"0.00 USD","headcount":2,"max_accounts":300}}
}

func ExampleFromCustomers() {
	customers := []cs.Customer{
		{ID: "acme", MRR: cs.MustParseMoney("12000 USD")},
		{ID: "hooli", MRR: cs.MustParseMoney("900 USD")},
	}
	accounts, err := touch.FromCustomers(customers, touch.ARR, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	a := touch.MustCompile(touch.Policy{Basis: touch.ARR, Low: touch.TierPolicy{MinValue: cs.MustParseMoney("50000 USD")}})
	r, _ := a.Assign(accounts, cs.MustParseDate("2026-06-30"))
	for _, x := range r.Accounts {
		fmt.Println(x.ID, x.Value(), x.Tier)
	}
	// Output:
	// acme 144000.00 USD low
	// hooli 10800.00 USD tech
}

// LTVs computed elsewhere (for example with retention.LTV) are looked up by ID;
// a customer without one is reported and left out by Assign.
func ExamplePrecomputed() {
	ltv := map[string]cs.Money{"acme": cs.MustParseMoney("400000 USD")}
	_, err := touch.FromCustomers([]cs.Customer{{ID: "acme"}, {ID: "hooli"}}, touch.LTV, touch.Precomputed(ltv))
	fmt.Println(err)
	// Output: touch: customer "hooli": customers[1].value: unknown ltv: missing
}

func ExampleParseTier() {
	t, err := touch.ParseTier("low")
	fmt.Println(t, t > touch.Tech, err)
	_, err = touch.ParseTier("community")
	fmt.Println(err)
	// Output:
	// low true <nil>
	// touch: tier: "community": want high, low or tech: unknown tier
}

func ExampleTiers() {
	var names []string
	for _, t := range touch.Tiers() {
		names = append(names, t.String())
	}
	fmt.Println(strings.Join(names, " > "))
	// Output: high > low > tech
}

// Community touch is an overlay with its own reasons, never a tier.
func ExampleCommunity() {
	a := touch.MustCompile(touch.Policy{Currency: "USD"})
	r, _ := a.Assign([]touch.Account{
		{ID: "fan", Value: cs.MustParseMoney("1000 USD"), Health: 85, HealthKnown: true,
			Signals: cs.Signals{"usage": 0.9, "nps": 10}},
		{ID: "asker", Value: cs.MustParseMoney("1000 USD"), Signals: cs.Signals{"tickets_90d": 7}},
	}, cs.MustParseDate("2026-06-30"))
	for _, x := range r.Accounts {
		fmt.Println(x.ID, x.Tier, x.Community, x.Community.Has(touch.CommunityAdvocate))
	}
	// Output:
	// asker tech peer_help false
	// fan tech advocate,promoter true
}

func ExampleReasons_Has() {
	a := touch.MustCompile(touch.Policy{
		Currency: "USD",
		High:     touch.TierPolicy{MinValue: cs.MustParseMoney("100000 USD")},
		PoorFit: func(acc *touch.Account) string {
			if acc.ID == "onprem" {
				return "needs on-premise hosting"
			}
			return ""
		},
	})
	r, _ := a.Assign([]touch.Account{{ID: "onprem", Value: cs.MustParseMoney("800000 USD")}}, cs.MustParseDate("2026-06-30"))
	x := r.Accounts[0]
	fmt.Println(x.Tier, x.Due, x.Reasons.Has(touch.ReasonPoorFit), x.FitReason)
	// Output: tech high true needs on-premise hosting
}

// Assign rejects a bad account and still assigns the others; the error locates
// it with a *cs.FieldError.
func ExampleAssigner_Assign_rejected() {
	a := touch.MustCompile(touch.Policy{Currency: "USD"})
	r, err := a.Assign([]touch.Account{
		{ID: "ok", Value: cs.MustParseMoney("10 USD")},
		{ID: "eu", Value: cs.MustParseMoney("10 EUR")},
	}, cs.MustParseDate("2026-06-30"))
	var e *cs.FieldError
	fmt.Println(errors.As(err, &e), e.Field, errors.Is(err, touch.ErrNoRate))
	fmt.Println(err)
	fmt.Println(len(r.Accounts), r.Rejected[0].Error)
	// Output:
	// true accounts[1].value true
	// touch: customer "eu": accounts[1].value: "10.00 EUR": EUR to USD: no exchange rate (currency mismatch)
	// 1 customer "eu": accounts[1].value: "10.00 EUR": EUR to USD: no exchange rate (currency mismatch)
}
