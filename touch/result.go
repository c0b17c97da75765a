package touch

import (
	"encoding/json"
	"slices"
	"strings"

	cs "github.com/successkit/cs"
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
type Assignment struct {
	ID       string `json:"id"`
	Tier     Tier   `json:"tier"`
	Previous Tier   `json:"previous,omitzero"` // the tier of the account's State; None if new
	// Changed reports whether an account that had a tier got another one; a new
	// account is not "changed" (its Reasons hold ReasonNew).
	Changed bool `json:"changed"`
	// Due is the tier the account's value earns under the thresholds and
	// hysteresis, before the fit gate, the cost gate and capacity; Tier is
	// below it when one of those kept the account down.
	Due Tier `json:"due"`
	// Toward is the tier the value alone points to when hysteresis kept Due
	// elsewhere, and Streak the consecutive periods it has done so.
	Toward    Tier      `json:"toward,omitzero"`
	Community Community `json:"community,omitzero"` // community-touch overlay
	Reasons   Reasons   `json:"reasons"`            // why the account has its tier
	Streak    int       `json:"streak,omitzero"`
	Owner     string    `json:"owner,omitempty"`      // the CSM or pool; empty without one
	FitReason string    `json:"fit_reason,omitempty"` // the fit gate's reason, for ReasonPoorFit
	// Value and ARR are in the policy currency, as compared: converted at the
	// policy's rate when in another currency, and rounded half to even to the
	// minor unit when they had a fraction of it.
	Value cs.Money `json:"value"`
	ARR   cs.Money `json:"arr,omitzero"`
}

// TierSummary is one line of the tier table.
type TierSummary struct {
	Tier     Tier     `json:"tier"`
	Accounts int      `json:"accounts"`
	ARR      cs.Money `json:"arr"`
	Value    cs.Money `json:"value"`
	// Cost is the tier's cost to serve: accounts × the policy's cost_to_serve.
	Cost cs.Money `json:"cost,omitzero"`
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

// Capacity is an amount of accounts and ARR. Accounts is -1 when there is no
// limit by accounts; ARR is the zero Money (no currency) when there is no limit by
// ARR.
type Capacity struct {
	Accounts int      `json:"accounts"`
	ARR      cs.Money `json:"arr,omitzero"`
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
// for low touch (seed 003), with the evidence.
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
