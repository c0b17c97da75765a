package touch

import (
	"encoding/json"
	"math"
	"slices"
	"sync"

	"github.com/shopspring/decimal"
	cs "github.com/successkit/cs"
)

// Documented defaults that a zero field of a Policy stands for, as decimal
// text (constants, so that no caller can change them for another). They come
// from the field conventions cited in the package doc and are never hard-coded
// elsewhere.
const (
	// DefaultMaxCostShare is the largest share of an account's value its cost to
	// serve may take when Policy.MaxCostShare is zero: "CS cost should stay under
	// 15-20% of ACV", a figure practitioners commonly quote.
	DefaultMaxCostShare = "0.20"
	// DefaultValueGrowth is the rise of an account's value over the previous
	// period that makes a tech-touch account an upgrade candidate when
	// Upgrade.ValueGrowth is zero (20%).
	DefaultValueGrowth = "0.20"
)

var (
	defaultMaxCostShare = decimal.RequireFromString(DefaultMaxCostShare)
	defaultValueGrowth  = decimal.RequireFromString(DefaultValueGrowth)
)

// Documented defaults of the upgrade and community rules, for zero fields.
const (
	DefaultUsageTrend = 0.10 // signal usage_trend at or above which usage counts as rising
	DefaultMinHealth  = 70.0 // health score (0..100) of a community advocate
	DefaultMinUsage   = 0.60 // signal usage (0..1) of a community advocate
	DefaultMinNPS     = 9.0  // NPS answer of a promoter (Reichheld's 9-10)
	DefaultMinTickets = 3.0  // signal tickets_90d from which peers could answer the questions
)

// Policy says how accounts are assigned to the touch tiers. It is a plain struct
// with JSON field names as tagged; every zero field has a documented default, and
// the zero Policy assigns every account to tech touch (no thresholds set). Compile
// validates a Policy and returns an Assigner.
//
// Money settings are in the policy's Currency. Account values in other currencies
// are converted with Rates, and only with them: a value in a currency without a
// rate is an error, never a guess: two currencies are never added.
type Policy struct {
	// Basis is the value the thresholds compare: LTV (the default, as the
	// community-touch column, 2024,
	// sizes tiers by LTV), ARR or MRR. It tells FromCustomers where to read
	// values; Assign compares whatever values the accounts carry.
	Basis Basis `json:"basis,omitzero"`
	// Currency of the thresholds, capacities and costs; empty: the currency of
	// the first money setting (high.min_value, then low.min_value, ...).
	Currency cs.Currency `json:"currency,omitempty"`
	// Rates converts account values and ARR: units of Currency per unit of the
	// key currency, such as {"EUR": "1.08"}. Rates must be positive.
	Rates map[cs.Currency]decimal.Decimal `json:"rates,omitempty"`

	High TierPolicy `json:"high,omitzero"` // high touch: thresholds and CSMs
	Low  TierPolicy `json:"low,omitzero"`  // low touch
	Tech TierPolicy `json:"tech,omitzero"` // tech touch, the floor: takes no min_value

	// MaxCostShare is the largest share of an account's value that the cost to
	// serve of its tier may take; an account is never given a tier it cannot pay
	// for. Zero means DefaultMaxCostShare. It must be in (0, 1].
	MaxCostShare decimal.Decimal `json:"max_cost_share,omitzero"`

	Hysteresis Hysteresis      `json:"hysteresis,omitzero"` // keeps tiers from flapping
	Upgrade    Upgrade         `json:"upgrade,omitzero"`    // tech-touch upgrade candidates
	Community  CommunityPolicy `json:"community,omitzero"`  // the community-touch overlay

	// PoorFit is the fit gate: it returns a non-empty reason for an account the
	// company cannot make successful (Razavi, 2019: define them explicitly); such an
	// account gets tech touch and no human capacity, with the reason recorded.
	// nil means every account fits. It is called from Assign, possibly from
	// several goroutines at once, and must not modify the account. It has no
	// JSON form.
	PoorFit func(a *Account) string `json:"-"`
}

// TierPolicy is one tier's threshold, CSMs, capacity and cost to serve.
//
// Capacity is counted per CSM: MaxAccounts accounts and MaxARR of ARR each, either
// limit zero meaning "no limit of that kind". A tier with neither CSMs nor a
// Headcount does not model capacity: it takes every account and records no owner.
type TierPolicy struct {
	// MinValue is the smallest value that belongs in the tier. The zero Money
	// (no currency) means "no threshold": no account qualifies by value. High's
	// must be above Low's; Tech, the floor, takes none.
	MinValue cs.Money `json:"min_value,omitzero"`
	// CSMs names the tier's CSMs. A name may serve one tier only.
	CSMs []string `json:"csms,omitempty"`
	// Pooled makes the CSMs one pool that owns the accounts jointly (low touch's
	// "pooled CSM covering many accounts"); the owner recorded is Pool.
	Pooled bool `json:"pooled,omitempty"`
	// Headcount is the size of a pool whose members are not named; it implies
	// Pooled and needs CSMs to be empty.
	Headcount int `json:"headcount,omitempty"`
	// Pool is the owner recorded for pooled accounts; empty means "<tier>-pool".
	Pool string `json:"pool,omitempty"`
	// MaxAccounts is the largest number of accounts per CSM (commonly quoted: high
	// touch 20-80, low 150-400, tech 500-2,000 pooled); 0: no limit.
	MaxAccounts int `json:"max_accounts,omitempty"`
	// MaxARR is the largest ARR per CSM (Gainsight's blog: about $2M); zero: no limit.
	MaxARR cs.Money `json:"max_arr,omitzero"`
	// CostToServe is what serving one account in this tier costs over the
	// horizon of the value basis (the customer's lifetime for LTV, a year for
	// ARR, a month for MRR). Zero: free, always affordable. Tech touch, the
	// floor, is never skipped for its cost; its cost is only summed.
	CostToServe cs.Money `json:"cost_to_serve,omitzero"`
	// Method picks a named CSM when the current owner cannot keep an account.
	Method Method `json:"method,omitzero"`
}

// Hysteresis keeps accounts from flapping between tiers. An account keeps the
// tier its value earned last period (State.Due, else State.Tier) unless its
// value crosses a threshold by Margin (a share of the threshold: 0.1 means 10%
// above it to move up, 10% below it to move down), or lies across a threshold
// for Periods consecutive periods. A zero Margin turns the margin rule off, a
// zero Periods the period rule; the zero Hysteresis moves accounts as soon as
// their value crosses a threshold. Capacity, cost and the fit gate apply after
// hysteresis and do not feed back into it.
type Hysteresis struct {
	Margin  decimal.Decimal `json:"margin,omitzero"`  // in [0, 1)
	Periods int             `json:"periods,omitzero"` // ≥ 0
}

// Upgrade finds tech-touch accounts whose value or usage is rising: candidates for
// low touch, the growth path of the community-touch column (2024). Zero fields
// take the defaults.
type Upgrade struct {
	Off bool `json:"off,omitempty"` // list no candidates
	// ValueGrowth is the rise of value over Account.PreviousValue (0.2 = +20%)
	// that counts as rising; zero: DefaultValueGrowth.
	ValueGrowth decimal.Decimal `json:"value_growth,omitzero"`
	// UsageTrend is the signal usage_trend that counts as rising; zero:
	// DefaultUsageTrend.
	UsageTrend float64 `json:"usage_trend,omitzero"`
}

// CommunityPolicy sets the community-touch overlay rules. Zero fields take the
// defaults. The rules read Account.Health and the signals usage, nps and
// tickets_90d (the shared signal vocabulary); a missing value never matches.
type CommunityPolicy struct {
	Off        bool    `json:"off,omitempty"`        // flag no account
	MinHealth  float64 `json:"min_health,omitzero"`  // advocate: health at least this; 0: DefaultMinHealth
	MinUsage   float64 `json:"min_usage,omitzero"`   // advocate: usage at least this; 0: DefaultMinUsage
	MinNPS     float64 `json:"min_nps,omitzero"`     // promoter: nps at least this; 0: DefaultMinNPS
	MinTickets float64 `json:"min_tickets,omitzero"` // peer help: tickets_90d at least this; 0: DefaultMinTickets
}

// tierRule is one tier of a compiled policy, in minor units of the policy
// currency.
type tierRule struct {
	tier        Tier
	csms        []string // named CSMs, or one pool name, or none
	pooled      bool
	headcount   int   // CSMs behind the slots (len(csms), or the pool's size)
	maxAccounts int64 // per slot; math.MaxInt64 without limit
	maxARR      int64 // per slot
	limited     bool  // whether capacity is modelled at all
	minAfford   int64 // smallest value that pays for the tier's cost to serve
	cost        int64 // cost to serve per account, minor units
	method      Method
}

// Assigner is a compiled Policy: validated, with every amount in minor units of
// the policy currency. It is immutable and safe for concurrent use by several
// goroutines (the PoorFit predicate must be too).
type Assigner struct {
	policy   Policy
	currency cs.Currency
	digits   int
	rates    map[cs.Currency]decimal.Decimal
	fast     map[cs.Currency]fastRate // the rates that fit integers
	rules    [4]tierRule              // indexed by Tier; None unused
	owners   map[string]int32         // CSM or pool name → csmRef: tier<<24 | slot

	// Thresholds by boundary: b[0] between Tech and Low, b[1] between Low and
	// High; math.MaxInt64 when the boundary is unset. up and down are the
	// boundaries shifted by the hysteresis margin for moves up and down.
	plain, up, down [2]int64
	periods         int
	valueGrowth     decimal.Decimal
	usageTrend      float64
	community       CommunityPolicy

	pool *sync.Pool // of *scratch, the working memory of Assign
}

// MustCompile is Compile for tests and fixed policies: it panics on an error.
func MustCompile(p Policy) *Assigner {
	a, err := Compile(p)
	if err != nil {
		panic(err)
	}
	return a
}

// Policy returns the policy the Assigner was compiled from. Its Rates map and
// CSMs slices are shared with the Assigner and must not be modified.
func (a *Assigner) Policy() Policy { return a.policy }

// Currency returns the policy currency: every amount of a Result is in it.
func (a *Assigner) Currency() cs.Currency { return a.currency }

func (p *Policy) tierPolicy(t Tier) *TierPolicy {
	switch t {
	case High:
		return &p.High
	case Low:
		return &p.Low
	}
	return &p.Tech
}

func sortedCurrencies(m map[cs.Currency]decimal.Decimal) []cs.Currency {
	keys := make([]cs.Currency, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

func finite(f float64) bool { return !math.IsNaN(f) && !math.IsInf(f, 0) }

func mulSat(a, b int64) int64 {
	if a == math.MaxInt64 || b == 0 {
		if b == 0 {
			return 0
		}
		return a
	}
	if a > math.MaxInt64/b {
		return math.MaxInt64
	}
	return a * b
}

func satInt(d decimal.Decimal) int64 {
	if d.GreaterThanOrEqual(decimal.NewFromInt(math.MaxInt64)) {
		return math.MaxInt64
	}
	return d.IntPart()
}

var pow10 = [...]int64{1, 10, 100, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18}

// toMinor returns d in minor units of a currency with the given digits. With
// round, a fraction of a minor unit is rounded half to even; without, it is
// refused. ok is false when the result does not fit |n| < 10^18. It does not
// allocate for coefficients of up to 18 digits.
func toMinor(d decimal.Decimal, digits int, round bool) (n int64, ok bool) {
	if d.NumDigits() > 18 {
		// Rare: a long coefficient; take the exact, allocating route.
		s := d.Shift(int32(digits))
		if round {
			s = s.RoundBank(0)
		} else if !s.IsInteger() {
			return 0, false
		}
		if s.Abs().GreaterThanOrEqual(decimal.New(1, 18)) {
			return 0, false
		}
		return s.IntPart(), true
	}
	c := d.CoefficientInt64()
	e := int(d.Exponent()) + digits
	switch {
	case e > 0:
		if e > 18 || (c != 0 && abs64(c) >= pow10[18-e]) {
			return 0, c == 0
		}
		return c * pow10[e], true
	case e < 0:
		if -e > 18 {
			// |d| < 10^18 × 10^-19: rounds to 0 (half to even never reaches 1).
			if !round && c != 0 {
				return 0, false
			}
			return 0, true
		}
		p := pow10[-e]
		q, r := c/p, c%p
		if r == 0 {
			return q, true
		}
		if !round {
			return 0, false
		}
		// Half to even on |c|; q and r carry c's sign.
		ar, half := abs64(r), p/2
		if ar > half || (ar == half && q%2 != 0) {
			if c < 0 {
				q--
			} else {
				q++
			}
		}
		return q, true
	}
	return c, true
}

func abs64(x int64) int64 {
	if x < 0 {
		return -x
	}
	return x
}

// MarshalJSON encodes the tier policy with its JSON field names, leaving out the
// settings that are not set. A money setting that is set to zero in a currency,
// such as a threshold of "0 USD", is kept: it differs from no setting.
func (tp TierPolicy) MarshalJSON() ([]byte, error) {
	set := moneySet
	return json.Marshal(struct {
		MinValue    *cs.Money `json:"min_value,omitempty"`
		CSMs        []string  `json:"csms,omitempty"`
		Pooled      bool      `json:"pooled,omitempty"`
		Headcount   int       `json:"headcount,omitempty"`
		Pool        string    `json:"pool,omitempty"`
		MaxAccounts int       `json:"max_accounts,omitempty"`
		MaxARR      *cs.Money `json:"max_arr,omitempty"`
		CostToServe *cs.Money `json:"cost_to_serve,omitempty"`
		Method      Method    `json:"method,omitzero"`
	}{set(tp.MinValue), tp.CSMs, tp.Pooled, tp.Headcount, tp.Pool, tp.MaxAccounts, set(tp.MaxARR), set(tp.CostToServe), tp.Method})
}

// IsZero reports whether h has neither a margin nor a number of periods: the
// hysteresis that is off, which JSON leaves out.
func (h Hysteresis) IsZero() bool { return h.Margin.IsZero() && h.Periods == 0 }

// IsZero reports whether u is all defaults, which JSON leaves out.
func (u Upgrade) IsZero() bool { return !u.Off && u.ValueGrowth.IsZero() && u.UsageTrend == 0 }

// IsZero reports whether no setting of tp is set, which JSON leaves out.
func (tp TierPolicy) IsZero() bool {
	unset := func(m cs.Money) bool { return m.Currency() == "" && m.IsZero() }
	return unset(tp.MinValue) && len(tp.CSMs) == 0 && !tp.Pooled && tp.Headcount == 0 && tp.Pool == "" &&
		tp.MaxAccounts == 0 && unset(tp.MaxARR) && unset(tp.CostToServe) && tp.Method == LeastAccounts
}
