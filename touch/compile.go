package touch

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"sync"

	"github.com/shopspring/decimal"
	cs "github.com/successkit/cs"
	"github.com/successkit/cs/internal/errs"
)

// Compile validates p and compiles it. The error wraps ErrInvalidPolicy and one
// *cs.FieldError per bad setting, naming its JSON path: thresholds out of order
// (ErrThresholdOrder), negative capacities or amounts (cs.ErrNegative), money in
// a currency other than the policy's (cs.ErrCurrencyMismatch), a CSM named twice
// (cs.ErrDuplicate), shares and amounts out of range (cs.ErrRange). It lists at
// most ten problems and counts the others.
func Compile(p Policy) (*Assigner, error) {
	c := &compiler{p: &p, a: &Assigner{policy: p, owners: map[string]int32{}, pool: new(sync.Pool)}}
	if int(p.Basis) >= len(basisNames) {
		c.bad("basis", p.Basis.String(), cs.ErrUnknownField)
	}
	c.currency()
	c.rates()
	share := c.costShare()
	seen := map[string]string{}
	for _, t := range Tiers() {
		c.tier(t, share, seen)
	}
	c.thresholds()
	c.hysteresis()
	c.upgrade()
	c.community()
	if c.errs.Len() > 0 {
		return nil, fmt.Errorf("touch: %w: %w", ErrInvalidPolicy, c.errs.Err())
	}
	return c.a, nil
}

// compiler is the state of one Compile: the policy, the Assigner being built
// and the problems found so far.
type compiler struct {
	p    *Policy
	a    *Assigner
	errs errs.List
}

func (c *compiler) bad(path, value string, err error) {
	if c.errs.Full() {
		c.errs.Count() // the list keeps no more: spare building the error
		return
	}
	c.errs.Add(fieldErr(path, value, err))
}

// currency sets the policy currency: given, or that of the first money setting.
func (c *compiler) currency() {
	p := c.p
	cur := p.Currency
	if cur == "" {
		for _, m := range []cs.Money{
			p.High.MinValue, p.Low.MinValue, p.Tech.MinValue,
			p.High.MaxARR, p.Low.MaxARR, p.Tech.MaxARR,
			p.High.CostToServe, p.Low.CostToServe, p.Tech.CostToServe,
		} {
			if m.Currency() != "" {
				cur = m.Currency()
				break
			}
		}
	}
	if cur != "" && !cur.Known() {
		c.bad("currency", string(cur), cs.ErrUnknownCurrency)
		cur = ""
	}
	c.a.currency = cur
	c.a.digits = max(cur.Digits(), 0)
}

// minor returns a money setting in minor units of the policy currency; ok is
// false for an unset one and for a bad one, which it reports.
func (c *compiler) minor(path string, m cs.Money) (n int64, ok bool) {
	cur := c.a.currency
	switch {
	case m.Currency() == "" && m.IsZero():
		return 0, false
	case m.Currency() != cur:
		c.bad(path, m.String(), fmt.Errorf("policy currency is %q: %w", string(cur), cs.ErrCurrencyMismatch))
		return 0, false
	case m.IsNegative():
		c.bad(path, m.String(), cs.ErrNegative)
		return 0, false
	}
	n, ok = toMinor(m.Amount(), c.a.digits, false)
	if !ok {
		c.bad(path, m.String(), fmt.Errorf("not a whole number of minor units below 10^18: %w", cs.ErrRange))
	}
	return n, ok
}

// rates checks the exchange rates and keeps those that fit integers for the
// fast conversion.
func (c *compiler) rates() {
	p, a := c.p, c.a
	if len(p.Rates) == 0 {
		return
	}
	a.rates = make(map[cs.Currency]decimal.Decimal, len(p.Rates))
	for _, cur := range sortedCurrencies(p.Rates) {
		r := p.Rates[cur]
		path := "rates." + string(cur)
		switch {
		case !cur.Known():
			c.bad(path, string(cur), cs.ErrUnknownCurrency)
		case r.Sign() <= 0:
			c.bad(path, r.String(), fmt.Errorf("rate must be positive: %w", cs.ErrRange))
		case cur == a.currency && !r.Equal(decimal.NewFromInt(1)):
			c.bad(path, r.String(), fmt.Errorf("the policy currency's own rate must be 1: %w", cs.ErrRange))
		default:
			a.rates[cur] = r
			if r.NumDigits() <= 18 && cur.Digits() >= 0 {
				if a.fast == nil {
					a.fast = map[cs.Currency]fastRate{}
				}
				a.fast[cur] = fastRate{coef: uint64(r.CoefficientInt64()), exp: int(r.Exponent()), digits: cur.Digits()}
			}
		}
	}
}

// costShare returns the largest share of a value its cost to serve may take.
func (c *compiler) costShare() decimal.Decimal {
	share := c.p.MaxCostShare
	if share.IsZero() {
		share = defaultMaxCostShare
	}
	if share.Sign() <= 0 || share.GreaterThan(decimal.NewFromInt(1)) {
		c.bad("max_cost_share", share.String(), fmt.Errorf("want a share in (0, 1]: %w", cs.ErrRange))
		share = defaultMaxCostShare
	}
	return share
}

// tier compiles one tier's capacity, cost and CSMs; seen maps the CSM names
// met so far to their paths.
func (c *compiler) tier(t Tier, share decimal.Decimal, seen map[string]string) {
	tp := c.p.tierPolicy(t)
	name := t.String()
	r := tierRule{tier: t, method: tp.Method, maxAccounts: math.MaxInt64, maxARR: math.MaxInt64}
	if int(tp.Method) >= len(methodNames) {
		c.bad(name+".method", tp.Method.String(), cs.ErrUnknownField)
	}
	switch {
	case tp.MaxAccounts < 0:
		c.bad(name+".max_accounts", strconv.Itoa(tp.MaxAccounts), cs.ErrNegative)
	case tp.MaxAccounts > 0:
		r.maxAccounts = int64(tp.MaxAccounts)
	}
	if n, ok := c.minor(name+".max_arr", tp.MaxARR); ok {
		r.maxARR = n
	}
	if n, ok := c.minor(name+".cost_to_serve", tp.CostToServe); ok && n > 0 {
		r.cost = n
		// cost ≤ share × value  ⇔  value ≥ cost ÷ share, rounded up to a
		// whole minor unit since values are whole minor units.
		r.minAfford = satInt(decimal.NewFromInt(n).Div(share).Ceil())
	}
	c.csmNames(tp, name, seen)
	c.slots(&r, tp, name)
	c.a.rules[t] = r
}

// csmNames reports empty CSM names and names that serve two tiers.
func (c *compiler) csmNames(tp *TierPolicy, name string, seen map[string]string) {
	for i, csm := range tp.CSMs {
		path := fmt.Sprintf("%s.csms[%d]", name, i)
		if csm == "" {
			c.bad(path, "", fmt.Errorf("empty CSM name: %w", cs.ErrMissing))
			continue
		}
		if prev, dup := seen[csm]; dup {
			c.bad(path, csm, fmt.Errorf("already serves %s: %w", prev, cs.ErrDuplicate))
			continue
		}
		seen[csm] = path
	}
	switch {
	case tp.Headcount < 0:
		c.bad(name+".headcount", strconv.Itoa(tp.Headcount), cs.ErrNegative)
	case tp.Headcount > 0 && len(tp.CSMs) > 0:
		c.bad(name+".headcount", strconv.Itoa(tp.Headcount), fmt.Errorf("give named csms or a headcount, not both: %w", cs.ErrRange))
	}
}

// slots sets the tier's owners: its named CSMs, or one pool, or none, and
// registers them in the Assigner's owners.
func (c *compiler) slots(r *tierRule, tp *TierPolicy, name string) {
	pool := tp.Pool
	if pool == "" {
		pool = name + "-pool"
	}
	switch {
	case tp.Headcount > 0 || (tp.Pooled && len(tp.CSMs) > 0):
		r.pooled = true
		r.headcount = max(tp.Headcount, len(tp.CSMs))
		r.csms = []string{pool}
		r.limited = true
		// The pool's capacity is its members' together.
		r.maxAccounts = mulSat(r.maxAccounts, int64(r.headcount))
		r.maxARR = mulSat(r.maxARR, int64(r.headcount))
	case len(tp.CSMs) > 0:
		r.csms = slices.Clone(tp.CSMs)
		r.headcount = len(tp.CSMs)
		r.limited = true
	}
	if len(r.csms) >= 1<<24 {
		c.bad(name+".csms", strconv.Itoa(len(r.csms)), fmt.Errorf("more than %d CSMs: %w", 1<<24-1, cs.ErrRange))
		r.csms = nil
	}
	a := c.a
	for i, csm := range r.csms {
		if ref, ok := a.owners[csm]; ok {
			// A named CSM twice is reported by csmNames; a pool sharing a
			// name with a CSM or another pool is reported here.
			if prev := Tier(ref >> 24); r.pooled || a.rules[prev].pooled {
				c.bad(name+".pool", csm, fmt.Errorf("also names a CSM or pool of %s: %w", prev, cs.ErrDuplicate))
			}
			continue
		}
		a.owners[csm] = int32(r.tier)<<24 | int32(i)
	}
}

// thresholds sets the boundaries between the tiers: High's above Low's; Tech
// takes none.
func (c *compiler) thresholds() {
	p, a := c.p, c.a
	if !(p.Tech.MinValue.Currency() == "" && p.Tech.MinValue.IsZero()) {
		c.bad("tech.min_value", p.Tech.MinValue.String(), fmt.Errorf("tech touch is the floor and takes no threshold: %w", ErrThresholdOrder))
	}
	a.plain = [2]int64{math.MaxInt64, math.MaxInt64}
	lo, loOK := c.minor("low.min_value", p.Low.MinValue)
	hi, hiOK := c.minor("high.min_value", p.High.MinValue)
	if loOK {
		a.plain[0] = lo
	}
	if hiOK {
		a.plain[1] = hi
	}
	if loOK && hiOK && hi <= lo {
		c.bad("high.min_value", p.High.MinValue.String(), fmt.Errorf("must be above low.min_value %s: %w", p.Low.MinValue, ErrThresholdOrder))
	}
}

// hysteresis sets the boundaries shifted by the margin and the period rule.
func (c *compiler) hysteresis() {
	a := c.a
	h := c.p.Hysteresis
	if h.Margin.Sign() < 0 || h.Margin.GreaterThanOrEqual(decimal.NewFromInt(1)) {
		c.bad("hysteresis.margin", h.Margin.String(), fmt.Errorf("want a share in [0, 1): %w", cs.ErrRange))
		h.Margin = decimal.Zero
	}
	if h.Periods < 0 {
		c.bad("hysteresis.periods", strconv.Itoa(h.Periods), cs.ErrNegative)
	}
	a.periods = max(h.Periods, 0)
	one := decimal.NewFromInt(1)
	for i, b := range a.plain {
		a.up[i], a.down[i] = b, b
		if b == math.MaxInt64 || h.Margin.IsZero() {
			continue
		}
		a.up[i] = satInt(decimal.NewFromInt(b).Mul(one.Add(h.Margin)).Ceil())
		a.down[i] = satInt(decimal.NewFromInt(b).Mul(one.Sub(h.Margin)).Ceil())
	}
	if h.Margin.IsZero() && a.periods > 0 {
		// The margin rule is off: a crossing alone never moves an account when
		// the period rule is on; with both off, every crossing moves it.
		a.up = [2]int64{math.MaxInt64, math.MaxInt64}
		a.down = [2]int64{math.MinInt64, math.MinInt64}
	}
}

// upgrade sets the rules of the upgrade candidates, with their defaults.
func (c *compiler) upgrade() {
	a, u := c.a, c.p.Upgrade
	a.valueGrowth = u.ValueGrowth
	if a.valueGrowth.IsZero() {
		a.valueGrowth = defaultValueGrowth
	}
	if a.valueGrowth.Sign() < 0 {
		c.bad("upgrade.value_growth", u.ValueGrowth.String(), cs.ErrNegative)
	}
	a.usageTrend = u.UsageTrend
	if a.usageTrend == 0 {
		a.usageTrend = DefaultUsageTrend
	}
	if !finite(u.UsageTrend) {
		c.bad("upgrade.usage_trend", strconv.FormatFloat(u.UsageTrend, 'g', -1, 64), cs.ErrNotFinite)
	}
}

// community sets the community-touch rules, with their defaults.
func (c *compiler) community() {
	cp := c.p.Community
	for _, f := range []struct {
		path string
		v    *float64
		def  float64
	}{
		{"community.min_health", &cp.MinHealth, DefaultMinHealth},
		{"community.min_usage", &cp.MinUsage, DefaultMinUsage},
		{"community.min_nps", &cp.MinNPS, DefaultMinNPS},
		{"community.min_tickets", &cp.MinTickets, DefaultMinTickets},
	} {
		if !finite(*f.v) {
			c.bad(f.path, strconv.FormatFloat(*f.v, 'g', -1, 64), cs.ErrNotFinite)
		}
		if *f.v == 0 {
			*f.v = f.def
		}
	}
	c.a.community = cp
}
