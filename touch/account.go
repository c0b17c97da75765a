package touch

import (
	"encoding/json"
	"fmt"

	cs "github.com/successkit/cs"
	"github.com/successkit/cs/internal/csio"
)

// Account is one customer as Assign sees it: its value, its ARR, what is known
// about its trend and health, and its State from the previous assignment.
//
// Value is required and must not be negative; every other field may be missing,
// and missing is explicit (the zero Money, HealthKnown false, a signal absent).
type Account struct {
	ID string `json:"id"`
	// Value is the account's value in the policy's Basis (LTV by default), in the
	// policy currency or one the policy has a rate for. A fraction of a minor
	// unit is rounded half to even before comparing.
	Value cs.Money `json:"value"`
	// ARR is the annual recurring revenue counted against the tiers' ARR
	// capacity and summed in the tier table; the zero Money counts as nothing.
	ARR cs.Money `json:"arr,omitzero"`
	// PreviousValue is the value at the previous period, read to find rising
	// tech-touch accounts (upgrade candidates); the zero Money if unknown.
	PreviousValue cs.Money `json:"previous_value,omitzero"`
	// Health is the account's health score, 0..100, read by the community
	// rules when HealthKnown.
	Health      float64 `json:"health,omitzero"`
	HealthKnown bool    `json:"health_known,omitempty"`
	// Signals are read by name: usage_trend (upgrade candidates), usage, nps and
	// tickets_90d (community touch); see the shared signal vocabulary.
	Signals cs.Signals `json:"signals,omitempty"`
	// State is what the previous assignment left: the tier, the owner and the
	// hysteresis streak. The zero State means a new account.
	State State `json:"state,omitzero"`
}

// State is an account's assignment carried from one period to the next: the tier
// it was served in and its CSM, the tier its value earned (Due), and the
// hysteresis streak (how many consecutive periods its value has pointed to
// Toward, a tier other than Due). Result.Carry and Assignment.State produce it;
// the zero State means "never assigned".
//
// Hysteresis works on Due, not on Tier: an account that capacity, cost or the
// fit gate kept below the tier its value earned still seeks that tier next
// period, so that assigning a result again changes nothing. A zero Due (a state
// built by hand) means Tier.
type State struct {
	Tier   Tier    `json:"tier,omitzero"`
	Owner  string  `json:"owner,omitempty"`
	Due    Tier    `json:"due,omitzero"`
	Toward Tier    `json:"toward,omitzero"`
	Streak int     `json:"streak,omitzero"`
	AsOf   cs.Date `json:"as_of,omitzero"` // the period that produced the state
}

// MarshalJSON encodes the account with its JSON field names. An ARR or
// PreviousValue of zero in a currency is kept: it differs from an unknown one
// (the zero Money), which is left out.
func (a Account) MarshalJSON() ([]byte, error) {
	type plain Account // the fields and tags, without this method
	return json.Marshal(struct {
		plain
		ARR           *cs.Money `json:"arr,omitempty"`
		PreviousValue *cs.Money `json:"previous_value,omitempty"`
	}{plain(a), moneySet(a.ARR), moneySet(a.PreviousValue)})
}

// moneySet returns m, or nil for the zero Money (no currency), so that JSON
// leaves out an unknown amount and keeps a known zero.
func moneySet(m cs.Money) *cs.Money {
	if m.Currency() == "" && m.IsZero() {
		return nil
	}
	return &m
}

// UnmarshalJSON decodes the form of MarshalJSON under the library's strict JSON
// rules (unknown and repeated keys, values of the wrong kind and trailing data
// are errors, each a *cs.FieldError naming its path).
func (a *Account) UnmarshalJSON(b []byte) error {
	type plain Account // the fields and tags, without this method
	var p plain
	if err := csio.DecodeJSON(b, &p); err != nil {
		return fmt.Errorf("touch: account: %w", err)
	}
	*a = Account(p)
	return nil
}

// UnmarshalJSON decodes a State under the library's strict JSON rules, as
// Account.UnmarshalJSON does.
func (s *State) UnmarshalJSON(b []byte) error {
	type plain State // the fields and tags, without this method
	var p plain
	if err := csio.DecodeJSON(b, &p); err != nil {
		return fmt.Errorf("touch: state: %w", err)
	}
	*s = State(p)
	return nil
}
