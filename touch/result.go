package touch

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	cs "github.com/successkit/cs"
	"github.com/successkit/cs/internal/csio"
)

// Result is the outcome of one Assign: every valid account's Assignment, the tier
// table, the upgrade candidates and the rejected accounts. It is plain data,
// JSON-marshalable, and the same accounts give the same Result byte for byte
// whatever their input order.
type Result struct {
	AsOf     cs.Date     `json:"as_of"`
	Basis    Basis       `json:"basis"`
	Currency cs.Currency `json:"currency"`
	// Accounts holds one Assignment per valid account, in the order the tiers
	// were filled: descending value, ties by ascending ID.
	Accounts []Assignment `json:"accounts"`
	// Tiers summarises High, Low and Tech, in that order.
	Tiers []TierSummary `json:"tiers"`
	// Candidates are the tech-touch accounts whose value or usage is rising,
	// in the order of Accounts.
	Candidates []Candidate `json:"upgrade_candidates"`
	// Rejected lists the accounts that were not assigned, by ID then index.
	Rejected []Rejected `json:"rejected,omitempty"`
}

// Assignment is one account's tier, owner and the reasons for them.
//
// It is compact, so that a result for a million accounts stays small: about
// 100 bytes and no allocation of its own per account. Value and ARR are kept in
// minor units of the policy currency (ValueMinor, ARRMinor) and read as
// cs.Money with the methods Value and ARR; Owner is the policy's own string.
// Its JSON form carries the amounts as money text ("1200.50 USD"), under the
// names value and arr.
type Assignment struct {
	ID string
	// Owner is the CSM or pool; empty without one.
	Owner string
	// FitReason is the fit gate's reason, for ReasonPoorFit.
	FitReason string
	// Currency is the policy currency, the unit of ValueMinor and ARRMinor.
	Currency cs.Currency
	// ValueMinor and ARRMinor are the value and the ARR in minor units of
	// Currency, as compared: converted at the policy's rate when in another
	// currency, and rounded half to even to the minor unit when they had a
	// fraction of it. ARRKnown is false when the account had no ARR.
	ValueMinor int64
	ARRMinor   int64
	// Streak is the number of consecutive periods the value has pointed to
	// Toward.
	Streak  int
	Reasons Reasons // why the account has its tier
	Tier    Tier
	// Previous is the tier of the account's State; None if new.
	Previous Tier
	// Due is the tier the account's value earns under the thresholds and
	// hysteresis, before the fit gate, the cost gate and capacity; Tier is
	// below it when one of those kept the account down.
	Due Tier
	// Toward is the tier the value alone points to when hysteresis kept Due
	// elsewhere (Streak counts the periods it has done so); None otherwise.
	Toward    Tier
	Community Community // community-touch overlay
	// Changed reports whether an account that had a tier got another one; a new
	// account is not "changed" (its Reasons hold ReasonNew).
	Changed  bool
	ARRKnown bool
}

// Value returns the account's value in the policy currency, as compared.
func (a *Assignment) Value() cs.Money { return minorMoney(a.ValueMinor, a.Currency) }

// ARR returns the account's ARR in the policy currency, or the zero Money
// when the account had none.
func (a *Assignment) ARR() cs.Money {
	if !a.ARRKnown {
		return cs.Money{}
	}
	return minorMoney(a.ARRMinor, a.Currency)
}

// minorMoney is n minor units of cur, or the zero Money without a currency.
func minorMoney(n int64, cur cs.Currency) cs.Money {
	m, err := cs.MoneyFromMinor(n, cur)
	if err != nil {
		return cs.Money{}
	}
	return m
}

// assignmentJSON is the JSON form of an Assignment.
type assignmentJSON struct {
	ID        string    `json:"id"`
	Tier      Tier      `json:"tier"`
	Previous  Tier      `json:"previous,omitzero"`
	Changed   bool      `json:"changed"`
	Due       Tier      `json:"due"`
	Toward    Tier      `json:"toward,omitzero"`
	Community Community `json:"community,omitzero"`
	Reasons   Reasons   `json:"reasons"`
	Streak    int       `json:"streak,omitzero"`
	Owner     string    `json:"owner,omitempty"`
	FitReason string    `json:"fit_reason,omitempty"`
	Value     cs.Money  `json:"value"`
	ARR       *cs.Money `json:"arr,omitempty"` // nil when unknown; "0.00 USD" is known
}

// MarshalJSON encodes the assignment with the amounts as money text.
func (a Assignment) MarshalJSON() ([]byte, error) {
	return json.Marshal(assignmentJSON{
		ID: a.ID, Tier: a.Tier, Previous: a.Previous, Changed: a.Changed, Due: a.Due, Toward: a.Toward,
		Community: a.Community, Reasons: a.Reasons, Streak: a.Streak, Owner: a.Owner, FitReason: a.FitReason,
		Value: a.Value(), ARR: moneySet(a.ARR()),
	})
}

// UnmarshalJSON decodes the form of MarshalJSON. The value and the ARR must be
// whole minor units of one currency.
func (a *Assignment) UnmarshalJSON(b []byte) error {
	var j assignmentJSON
	if err := csio.DecodeJSON(b, &j); err != nil {
		return fmt.Errorf("touch: assignment: %w", err)
	}
	out := Assignment{ID: j.ID, Tier: j.Tier, Previous: j.Previous, Changed: j.Changed, Due: j.Due, Toward: j.Toward,
		Community: j.Community, Reasons: j.Reasons, Streak: j.Streak, Owner: j.Owner, FitReason: j.FitReason,
		Currency: j.Value.Currency()}
	if j.Value.Currency() != "" {
		v, ok := j.Value.Minor()
		if !ok {
			return fmt.Errorf("touch: assignment: %w", fieldErr("value", j.Value.String(), fmt.Errorf("not a whole number of minor units: %w", cs.ErrRange)))
		}
		out.ValueMinor = v
	}
	if j.ARR != nil && j.ARR.Currency() != "" {
		c := j.ARR.Currency()
		if c != out.Currency {
			return fmt.Errorf("touch: assignment: %w", fieldErr("arr", j.ARR.String(), fmt.Errorf("value is in %q: %w", string(out.Currency), cs.ErrCurrencyMismatch)))
		}
		v, ok := j.ARR.Minor()
		if !ok {
			return fmt.Errorf("touch: assignment: %w", fieldErr("arr", j.ARR.String(), fmt.Errorf("not a whole number of minor units: %w", cs.ErrRange)))
		}
		out.ARRMinor, out.ARRKnown = v, true
	}
	*a = out
	return nil
}

// TierSummary is one line of the tier table.
type TierSummary struct {
	Tier     Tier     `json:"tier"`
	Accounts int      `json:"accounts"`
	ARR      cs.Money `json:"arr"`
	Value    cs.Money `json:"value"`
	// Cost is the tier's cost to serve: accounts × the policy's cost_to_serve.
	Cost cs.Money `json:"cost"`
	// Headcount is the number of CSMs serving the tier; 0 when the tier does not
	// model capacity. AccountsPerCSM and ARRPerCSM are the load per CSM.
	Headcount      int      `json:"headcount"`
	AccountsPerCSM float64  `json:"accounts_per_csm"`
	ARRPerCSM      cs.Money `json:"arr_per_csm"`
	// CSMs are the named CSMs in policy order, or the pool.
	CSMs []CSMLoad `json:"csms,omitempty"`
	// Capacity is the tier's total capacity and Left what remains; see Capacity
	// for the "no limit" values. A tier without CSMs has no limit.
	Capacity Capacity `json:"capacity"`
	Left     Capacity `json:"left"`
	// Overflow counts the accounts that sought this tier and did not fit: they
	// spilled to the next tier, or, for tech touch, stayed unserved. OverflowARR
	// is their ARR.
	Overflow    int      `json:"overflow"`
	OverflowARR cs.Money `json:"overflow_arr"`
}

// MarshalJSON leaves out the cost of a tier without a cost to serve (the zero
// Money) and keeps one of zero in a currency (a tier that served no account).
func (s TierSummary) MarshalJSON() ([]byte, error) {
	return json.Marshal(struct {
		Tier           Tier      `json:"tier"`
		Accounts       int       `json:"accounts"`
		ARR            cs.Money  `json:"arr"`
		Value          cs.Money  `json:"value"`
		Cost           *cs.Money `json:"cost,omitempty"`
		Headcount      int       `json:"headcount"`
		AccountsPerCSM float64   `json:"accounts_per_csm"`
		ARRPerCSM      cs.Money  `json:"arr_per_csm"`
		CSMs           []CSMLoad `json:"csms,omitempty"`
		Capacity       Capacity  `json:"capacity"`
		Left           Capacity  `json:"left"`
		Overflow       int       `json:"overflow"`
		OverflowARR    cs.Money  `json:"overflow_arr"`
	}{s.Tier, s.Accounts, s.ARR, s.Value, moneySet(s.Cost), s.Headcount, s.AccountsPerCSM, s.ARRPerCSM,
		s.CSMs, s.Capacity, s.Left, s.Overflow, s.OverflowARR})
}

// Capacity is an amount of accounts and ARR. Accounts is -1 when there is no
// limit by accounts; ARR is the zero Money (no currency) when there is no limit by
// ARR.
type Capacity struct {
	Accounts int      `json:"accounts"`
	ARR      cs.Money `json:"arr"`
}

// MarshalJSON leaves out an ARR without limit (the zero Money) and keeps one of
// zero in a currency (no ARR left).
func (c Capacity) MarshalJSON() ([]byte, error) {
	return json.Marshal(struct {
		Accounts int       `json:"accounts"`
		ARR      *cs.Money `json:"arr,omitempty"`
	}{c.Accounts, moneySet(c.ARR)})
}

// CSMLoad is what one CSM (or a pool) carries.
type CSMLoad struct {
	Name      string   `json:"name"`
	Pooled    bool     `json:"pooled,omitempty"`
	Headcount int      `json:"headcount"` // 1 for a named CSM, the pool's size for a pool
	Accounts  int      `json:"accounts"`
	ARR       cs.Money `json:"arr"`
}

// Candidate is a tech-touch account whose value or usage is rising: a candidate
// for low touch (the community-touch column, 2024), with the evidence.
type Candidate struct {
	ID    string   `json:"id"`
	Value cs.Money `json:"value"`
	// PreviousValue and ValueGrowth ((value − previous) ÷ previous) are the
	// value evidence; ValueGrowth is 0 when the previous value is unknown or 0.
	PreviousValue cs.Money `json:"previous_value,omitzero"`
	ValueGrowth   float64  `json:"value_growth"`
	ValueRising   bool     `json:"value_rising"`
	// UsageTrend is the signal usage_trend, the usage evidence.
	UsageTrend  float64 `json:"usage_trend"`
	UsageKnown  bool    `json:"usage_known"`
	UsageRising bool    `json:"usage_rising"`
}

// MarshalJSON encodes the candidate with its JSON field names, keeping a
// PreviousValue of zero in a currency (evidence that the account grew from
// nothing) and leaving out an unknown one.
func (c Candidate) MarshalJSON() ([]byte, error) {
	type plain Candidate // the fields and tags, without this method
	return json.Marshal(struct {
		plain
		PreviousValue *cs.Money `json:"previous_value,omitempty"`
	}{plain(c), moneySet(c.PreviousValue)})
}

// Rejected is an account Assign refused, with its input index and the error.
type Rejected struct {
	Index int    `json:"index"`
	ID    string `json:"id"`
	Error string `json:"error"`
}

// Tier returns the summary of tier t, or nil for None or an undefined tier.
func (r *Result) Tier(t Tier) *TierSummary {
	for i := range r.Tiers {
		if r.Tiers[i].Tier == t {
			return &r.Tiers[i]
		}
	}
	return nil
}

// Changes returns the assignments whose tier changed, in ascending ID order.
func (r *Result) Changes() []Assignment {
	var out []Assignment
	for i := range r.Accounts {
		if r.Accounts[i].Changed {
			out = append(out, r.Accounts[i])
		}
	}
	slices.SortFunc(out, func(a, b Assignment) int { return strings.Compare(a.ID, b.ID) })
	return out
}

// State returns the state the assignment leaves for the next period.
func (a *Assignment) State(asOf cs.Date) State {
	return State{Tier: a.Tier, Owner: a.Owner, Due: a.Due, Toward: a.Toward, Streak: a.Streak, AsOf: asOf}
}

// Carry sets the State of every account found in r (by ID) to the state r left
// for it, so that accounts can be assigned for the next period; accounts not in r
// get the zero State (new). It returns the number of accounts found.
func (r *Result) Carry(accounts []Account) int {
	idx := make(map[string]int, len(r.Accounts))
	for i := range r.Accounts {
		idx[r.Accounts[i].ID] = i
	}
	found := 0
	for i := range accounts {
		j, ok := idx[accounts[i].ID]
		if !ok {
			accounts[i].State = State{}
			continue
		}
		accounts[i].State = r.Accounts[j].State(r.AsOf)
		found++
	}
	return found
}

// UnmarshalJSON decodes a Result under the library's strict JSON rules, as
// Account.UnmarshalJSON does.
func (r *Result) UnmarshalJSON(b []byte) error {
	type plain Result // the fields and tags, without this method
	var p plain
	if err := csio.DecodeJSON(b, &p); err != nil {
		return fmt.Errorf("touch: result: %w", err)
	}
	*r = Result(p)
	return nil
}
