package touch

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/shopspring/decimal"
	cs "github.com/successkit/cs"
	"pgregory.net/rapid"
)

// The properties a user relies on, checked on random policies and books: capacity
// is never exceeded; without hysteresis and fit gate a more valuable account
// never gets a lower tier; assignment is idempotent and independent of input
// order; hysteresis never moves an account whose value stayed inside the margin;
// every account appears exactly once.

// genOpts chooses which rules a generated policy may use.
type genOpts struct {
	hysteresis bool // a margin and a number of periods
	fitGate    bool // a PoorFit predicate
	capacity   bool // CSMs, limits and costs
}

var eurRate = decimal.RequireFromString("1.25")

// genPolicy draws a USD policy with both thresholds, in whole dollars, and
// returns the names of the CSMs it uses.
func genPolicy(t *rapid.T, o genOpts) Policy {
	low := rapid.IntRange(1, 400).Draw(t, "low")
	high := low + rapid.IntRange(1, 400).Draw(t, "high_gap")
	p := Policy{
		Currency: "USD",
		Rates:    map[cs.Currency]decimal.Decimal{"EUR": eurRate},
		High:     TierPolicy{MinValue: dollars(high)},
		Low:      TierPolicy{MinValue: dollars(low)},
	}
	if o.capacity {
		for _, t0 := range Tiers() {
			genTier(t, p.tierPolicy(t0), t0.String())
		}
		p.MaxCostShare = decimal.RequireFromString(rapid.SampledFrom([]string{"0", "0.1", "0.5", "1"}).Draw(t, "share"))
	}
	if o.hysteresis {
		p.Hysteresis = Hysteresis{
			Margin:  decimal.New(int64(rapid.IntRange(0, 50).Draw(t, "margin_pct")), -2),
			Periods: rapid.IntRange(0, 3).Draw(t, "periods"),
		}
	}
	if o.fitGate {
		p.PoorFit = func(a *Account) string {
			if strings.HasSuffix(a.ID, "7") {
				return "no executive sponsor"
			}
			return ""
		}
	}
	return p
}

// genTier draws a tier's CSMs, limits, method and cost to serve.
func genTier(t *rapid.T, tp *TierPolicy, name string) {
	switch rapid.IntRange(0, 3).Draw(t, name+"_kind") {
	case 1: // named CSMs
		for i := range rapid.IntRange(1, 3).Draw(t, name+"_csms") {
			tp.CSMs = append(tp.CSMs, fmt.Sprintf("%s%d", name, i))
		}
	case 2: // a named pool
		tp.CSMs = []string{name + "0", name + "1"}
		tp.Pooled = true
	case 3: // an anonymous pool
		tp.Headcount = rapid.IntRange(1, 3).Draw(t, name+"_headcount")
	}
	tp.MaxAccounts = rapid.IntRange(0, 6).Draw(t, name+"_max_accounts")
	if n := rapid.IntRange(0, 2000).Draw(t, name+"_max_arr"); n >= 100 {
		tp.MaxARR = dollars(n)
	}
	if n := rapid.IntRange(0, 60).Draw(t, name+"_cost"); n >= 30 {
		tp.CostToServe = dollars(n - 29)
	}
	tp.Method = Method(rapid.IntRange(0, 2).Draw(t, name+"_method"))
}

func dollars(n int) cs.Money { m, _ := cs.MoneyFromMinor(int64(n)*100, "USD"); return m }

// owners are the names a previous state may carry: the generated CSMs, the
// pools, and a CSM who has left.
var owners = []string{"", "high0", "high1", "high2", "low0", "low1", "low-pool", "tech0", "tech1", "tech-pool", "gone"}

// genAccounts draws up to 40 valid accounts with distinct IDs, values in USD
// (cents) or EUR, and previous states from earlier periods or from asOf itself.
func genAccounts(t *rapid.T) []Account {
	ids := rapid.SliceOfNDistinct(rapid.IntRange(0, 99), 0, 40, rapid.ID).Draw(t, "ids")
	accs := make([]Account, len(ids))
	for k, id := range ids {
		a := &accs[k]
		a.ID = fmt.Sprintf("c%02d", id)
		cents := rapid.Int64Range(0, 120000).Draw(t, "value")
		if rapid.IntRange(0, 4).Draw(t, "eur") == 0 {
			a.Value, _ = cs.MoneyFromMinor(cents, "EUR")
		} else {
			a.Value, _ = cs.MoneyFromMinor(cents, "USD")
		}
		if arr := rapid.Int64Range(-1, 60000).Draw(t, "arr"); arr >= 0 {
			a.ARR, _ = cs.MoneyFromMinor(arr, "USD")
		}
		if prev := rapid.Int64Range(-1, 120000).Draw(t, "previous"); prev >= 0 {
			a.PreviousValue, _ = cs.MoneyFromMinor(prev, "USD")
		}
		if rapid.Bool().Draw(t, "signals") {
			a.Signals = cs.Signals{"usage_trend": rapid.Float64Range(-1, 1).Draw(t, "usage_trend"), "nps": float64(rapid.IntRange(0, 10).Draw(t, "nps"))}
		}
		a.State = State{
			Tier:   Tier(rapid.IntRange(0, 3).Draw(t, "state_tier")),
			Owner:  rapid.SampledFrom(owners).Draw(t, "state_owner"),
			Toward: Tier(rapid.IntRange(0, 3).Draw(t, "state_toward")),
			Streak: rapid.IntRange(0, 3).Draw(t, "state_streak"),
			AsOf:   rapid.SampledFrom([]cs.Date{{}, lastMonth, asOf}).Draw(t, "state_as_of"),
		}
	}
	return accs
}

func mustAssign(t *rapid.T, a *Assigner, accs []Account) *Result {
	r, err := a.Assign(accs, asOf)
	if err != nil {
		t.Fatalf("Assign: %v", err)
	}
	return r
}

// valueUSD is an account's value in US cents, converted as the policy says.
func valueUSD(a Account) decimal.Decimal {
	v := a.Value.Amount()
	if a.Value.Currency() == "EUR" {
		v = v.Mul(eurRate)
	}
	return v.Shift(2).RoundBank(0)
}

func TestPropCapacityNeverExceeded(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		p := genPolicy(t, genOpts{hysteresis: true, fitGate: true, capacity: true})
		r := mustAssign(t, MustCompile(p), genAccounts(t))
		type load struct {
			n   int
			arr decimal.Decimal
		}
		loads := map[string]*load{}
		for _, a := range r.Accounts {
			if a.Owner == "" {
				continue
			}
			l := loads[a.Owner]
			if l == nil {
				l = &load{}
				loads[a.Owner] = l
			}
			l.n++
			l.arr = l.arr.Add(a.ARR().Amount())
		}
		for _, tier := range Tiers() {
			tp := p.tierPolicy(tier)
			per := 1
			if tp.Pooled || tp.Headcount > 0 {
				per = max(tp.Headcount, len(tp.CSMs))
			}
			for _, c := range r.Tier(tier).CSMs {
				l := loads[c.Name]
				if l == nil {
					l = &load{}
				}
				if l.n != c.Accounts || !l.arr.Equal(c.ARR.Amount()) {
					t.Errorf("%s CSM %s: summary %d accounts %s ARR, accounts say %d and %s", tier, c.Name, c.Accounts, c.ARR, l.n, l.arr)
				}
				if tp.MaxAccounts > 0 && l.n > tp.MaxAccounts*per {
					t.Errorf("%s CSM %s carries %d accounts, capacity %d×%d", tier, c.Name, l.n, tp.MaxAccounts, per)
				}
				if tp.MaxARR.Currency() != "" && l.arr.GreaterThan(tp.MaxARR.Amount().Mul(decimal.NewFromInt(int64(per)))) {
					t.Errorf("%s CSM %s carries %s ARR, capacity %s×%d", tier, c.Name, l.arr, tp.MaxARR, per)
				}
				delete(loads, c.Name)
			}
		}
		if len(loads) > 0 {
			t.Errorf("owners outside every tier's CSMs: %v", loads)
		}
	})
}

func TestPropHigherValueNeverLowerTier(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		p := genPolicy(t, genOpts{capacity: true})
		r := mustAssign(t, MustCompile(p), genAccounts(t))
		// Accounts is in descending value: every tier must be at most the
		// lowest tier of the strictly more valuable accounts before it.
		floor, floorValue := High, decimal.Decimal{}
		for k, a := range r.Accounts {
			if k > 0 && a.Value().Amount().LessThan(floorValue) && a.Tier > floor {
				t.Fatalf("%s (value %s) got %s, above %s given to a more valuable account", a.ID, a.Value(), a.Tier, floor)
			}
			if k == 0 || a.Tier < floor {
				floor, floorValue = a.Tier, a.Value().Amount()
			}
			if k > 0 && a.Value().Amount().GreaterThan(r.Accounts[k-1].Value().Amount()) {
				t.Fatalf("Accounts not in descending value at %d", k)
			}
		}
	})
}

// settled is what idempotence compares: an account's tier, owner and the state
// it carries forward.
func settled(r *Result) map[string]State {
	m := make(map[string]State, len(r.Accounts))
	for i := range r.Accounts {
		m[r.Accounts[i].ID] = r.Accounts[i].State(r.AsOf)
	}
	return m
}

func TestPropIdempotent(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		a := MustCompile(genPolicy(t, genOpts{hysteresis: true, fitGate: true, capacity: true}))
		accs := genAccounts(t)
		first := mustAssign(t, a, accs)
		again := slices.Clone(accs)
		first.Carry(again)
		second := mustAssign(t, a, again)
		if diff := cmp.Diff(settled(first), settled(second)); diff != "" {
			j1, _ := json.Marshal(first.Accounts)
			j2, _ := json.Marshal(second.Accounts)
			t.Fatalf("assigning the result again changed it (-first +second):\n%s\n%s\n%s", diff, j1, j2)
		}
		for _, x := range second.Accounts {
			if x.Changed {
				t.Errorf("%s changed again: %+v", x.ID, x)
			}
		}
		for k, tier := range second.Tiers {
			f := first.Tiers[k]
			if f.Accounts != tier.Accounts || !f.ARR.Equal(tier.ARR) || !cmp.Equal(f.CSMs, tier.CSMs, cmp.Comparer(cs.Money.Equal)) {
				t.Errorf("tier %s: %+v then %+v", tier.Tier, f, tier)
			}
		}
	})
}

func TestPropOrderIndependent(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		a := MustCompile(genPolicy(t, genOpts{hysteresis: true, fitGate: true, capacity: true}))
		accs := genAccounts(t)
		if len(accs) > 0 && rapid.Bool().Draw(t, "duplicate") {
			accs = append(accs, accs[rapid.IntRange(0, len(accs)-1).Draw(t, "dup")])
		}
		shuffled := rapid.Permutation(accs).Draw(t, "shuffled")
		r1, _ := a.Assign(accs, asOf)
		r2, _ := a.Assign(shuffled, asOf)
		// Rejected records the input index, which is meant to follow the input.
		ids := func(r *Result) []string {
			var s []string
			for _, x := range r.Rejected {
				s = append(s, x.ID)
			}
			r.Rejected = nil
			return s
		}
		if diff := cmp.Diff(ids(r1), ids(r2)); diff != "" {
			t.Errorf("rejected IDs depend on input order (-given +shuffled):\n%s", diff)
		}
		j1, err1 := json.Marshal(r1)
		j2, err2 := json.Marshal(r2)
		if err1 != nil || err2 != nil {
			t.Fatalf("json.Marshal: %v, %v", err1, err2)
		}
		if string(j1) != string(j2) {
			t.Fatalf("result depends on input order:\n%s\n%s", j1, j2)
		}
	})
}

// TestPropHysteresisHolds checks the margin against a reference in decimals: an
// account whose value lies within the margin of its previous tier's band,
// [low × (1 − m), high × (1 + m)), keeps the tier; one outside it moves.
// Capacity, costs, the fit gate and the period rule are off, so only the margin
// decides.
func TestPropHysteresisHolds(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		p := genPolicy(t, genOpts{})
		m := decimal.New(int64(rapid.IntRange(1, 50).Draw(t, "margin_pct")), -2)
		p.Hysteresis = Hysteresis{Margin: m}
		accs := genAccounts(t)
		r := mustAssign(t, MustCompile(p), accs)
		got := map[string]Assignment{}
		for _, x := range r.Accounts {
			got[x.ID] = x
		}
		one := decimal.NewFromInt(1)
		bounds := [4]decimal.Decimal{Low: p.Low.MinValue.Amount().Shift(2), High: p.High.MinValue.Amount().Shift(2)}
		for _, acc := range accs {
			prev := acc.State.Tier
			if prev == None {
				continue
			}
			v := valueUSD(acc)
			inside := true
			if prev > Tech && v.LessThan(bounds[prev].Mul(one.Sub(m))) {
				inside = false
			}
			if prev < High && v.GreaterThanOrEqual(bounds[prev+1].Mul(one.Add(m))) {
				inside = false
			}
			x := got[acc.ID]
			if inside && x.Tier != prev {
				t.Errorf("%s: value %s cents stayed within %s of %s's band, moved to %s (%s)", acc.ID, v, m, prev, x.Tier, x.Reasons)
			}
			if !inside && x.Tier == prev {
				t.Errorf("%s: value %s cents left %s's band by more than %s, kept it (%s)", acc.ID, v, prev, m, x.Reasons)
			}
		}
	})
}

func TestPropEveryAccountOnce(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		a := MustCompile(genPolicy(t, genOpts{hysteresis: true, fitGate: true, capacity: true}))
		accs := genAccounts(t)
		// Spoil some accounts: a negative value, a duplicate ID, an empty ID.
		for range rapid.IntRange(0, 3).Draw(t, "spoiled") {
			if len(accs) == 0 {
				break
			}
			k := rapid.IntRange(0, len(accs)-1).Draw(t, "spoil")
			switch rapid.IntRange(0, 2).Draw(t, "how") {
			case 0:
				accs[k].Value = usd("-1")
			case 1:
				accs = append(accs, accs[k])
			case 2:
				accs[k].ID = ""
			}
		}
		count := map[string]int{}
		for _, acc := range accs {
			count[acc.ID]++
		}
		bad := map[int]bool{}
		for k, acc := range accs {
			if acc.ID == "" || acc.Value.IsNegative() || count[acc.ID] > 1 {
				bad[k] = true
			}
		}
		r, err := a.Assign(accs, asOf)
		if (err != nil) != (len(bad) > 0) {
			t.Fatalf("Assign error %v with %d bad accounts", err, len(bad))
		}
		seen := map[string]int{}
		for _, x := range r.Accounts {
			seen[x.ID]++
		}
		rejected := map[int]bool{}
		for _, x := range r.Rejected {
			rejected[x.Index] = true
		}
		for k, acc := range accs {
			switch {
			case bad[k] && !rejected[k]:
				t.Errorf("accounts[%d] %q is bad and not rejected", k, acc.ID)
			case !bad[k] && seen[acc.ID] != 1:
				t.Errorf("accounts[%d] %q appears %d times", k, acc.ID, seen[acc.ID])
			}
		}
		if len(r.Accounts)+len(r.Rejected) != len(accs) || len(r.Rejected) != len(bad) {
			t.Errorf("%d assigned + %d rejected, want %d + %d", len(r.Accounts), len(r.Rejected), len(accs)-len(bad), len(bad))
		}
		total := 0
		for _, s := range r.Tiers {
			total += s.Accounts
		}
		if total != len(r.Accounts) {
			t.Errorf("tier table counts %d accounts, want %d", total, len(r.Accounts))
		}
	})
}

// The integer conversion agrees with the decimal route (Money.Convert, then
// rounding half to even to the minor unit) whenever it answers.
func TestPropFastConvert(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		from := rapid.SampledFrom([]cs.Currency{"EUR", "JPY", "USD", "KWD"}).Draw(t, "from")
		to := rapid.SampledFrom([]cs.Currency{"EUR", "JPY", "USD", "KWD"}).Draw(t, "to")
		rate := decimal.New(rapid.Int64Range(1, 1e12).Draw(t, "rate_coef"), int32(rapid.IntRange(-14, 4).Draw(t, "rate_exp")))
		src := rapid.Int64Range(0, 1e15).Draw(t, "src")
		f := fastRate{coef: uint64(rate.CoefficientInt64()), exp: int(rate.Exponent()), digits: from.Digits()}
		got, ok := f.convert(src, to.Digits())
		m, _ := cs.MoneyFromMinor(src, from)
		conv, err := m.Convert(to, rate)
		if err != nil {
			return // a rate other than 1 between one currency and itself
		}
		want, wantOK := toMinor(conv.Amount(), to.Digits(), true)
		if ok && (!wantOK || got != want) {
			t.Fatalf("%d minor %s at %s to %s = %d, decimal route %d (ok %v)", src, from, rate, to, got, want, wantOK)
		}
		if !ok && wantOK && rate.NumDigits() <= 12 && src < 1e12 && rate.Exponent() >= -8 && rate.Exponent() <= 0 {
			t.Fatalf("%d minor %s at %s to %s: no answer for a small case", src, from, rate, to)
		}
	})
}
