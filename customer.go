package cs

import (
	errlist "github.com/successkit/cs/internal/errs"

	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/shopspring/decimal"
)

// Stage is a customer's lifecycle stage. The zero value, StageUnknown, means the
// stage is not known. As text and JSON a Stage is its lower-case word
// ("onboarding"); StageUnknown is the empty string.
type Stage uint8

// The lifecycle stages, in the order a customer normally passes through them.
const (
	StageUnknown Stage = iota
	StageOnboarding
	StageAdoption
	StageExpansion
	StageRenewal
	StageChurned
)

var stageNames = [...]string{"", "onboarding", "adoption", "expansion", "renewal", "churned"}

// Stages lists the known stages in lifecycle order, without StageUnknown.
func Stages() []Stage {
	return []Stage{StageOnboarding, StageAdoption, StageExpansion, StageRenewal, StageChurned}
}

// ParseStage returns the stage named by its lower-case word; "" is StageUnknown.
// Other text is an error wrapping ErrInvalidStage.
func ParseStage(s string) (Stage, error) {
	for i, n := range stageNames {
		if n == s {
			return Stage(i), nil
		}
	}
	return StageUnknown, fmt.Errorf("cs: %w", &FieldError{Field: "stage", Value: errlist.Clip(s), Err: ErrInvalidStage})
}

// String returns the stage's word, "" for StageUnknown and "stage(N)" for a value
// out of range.
func (s Stage) String() string {
	if int(s) < len(stageNames) {
		return stageNames[s]
	}
	return "stage(" + strconv.Itoa(int(s)) + ")"
}

// MarshalText encodes the stage's word.
func (s Stage) MarshalText() ([]byte, error) {
	if int(s) >= len(stageNames) {
		return nil, fmt.Errorf("cs: %s: %w", s, ErrInvalidStage)
	}
	return []byte(stageNames[s]), nil
}

// UnmarshalText decodes a stage's word.
func (s *Stage) UnmarshalText(b []byte) error {
	v, err := ParseStage(string(b))
	if err != nil {
		return err
	}
	*s = v
	return nil
}

// Signals holds a customer's numeric signals by name: usage, seats used and
// purchased, logins, NPS and whatever else a team measures. A signal that is absent
// from the map is missing; a zero is a measured zero. Values must be finite
// (Customer.Validate and the readers refuse NaN and infinities).
//
// Names are free-form; the sample book and the examples use lower-case snake case
// ("seats_used", "usage_trend"). Iterate with Names for a deterministic order.
type Signals map[string]float64

// Get returns the signal and whether it is present.
func (s Signals) Get(name string) (float64, bool) {
	v, ok := s[name]
	return v, ok
}

// Names returns the signal names in sorted order.
func (s Signals) Names() []string { return slices.Sorted(maps.Keys(s)) }

// Attributes holds a customer's categorical attributes by name: plan, contract type,
// industry, region. An absent key is missing; an empty string is not a value (the
// readers treat an empty cell as missing).
type Attributes map[string]string

// Get returns the attribute and whether it is present.
func (a Attributes) Get(name string) (string, bool) {
	v, ok := a[name]
	return v, ok
}

// Names returns the attribute names in sorted order.
func (a Attributes) Names() []string { return slices.Sorted(maps.Keys(a)) }

// Customer is one account of the customer book: who it is, where it stands in its
// lifecycle and contract, what it pays, and what is measured about it.
//
// Every field but ID may be missing, and missing is explicit: a zero Date, the zero
// Money (no currency), StageUnknown, a name absent from Signals or Attributes. No
// function of this library reads a missing value as zero.
type Customer struct {
	ID            string     `json:"id"`
	Name          string     `json:"name,omitempty"`
	Segment       string     `json:"segment,omitempty"`
	Stage         Stage      `json:"stage,omitzero"`
	ContractStart Date       `json:"contract_start,omitzero"`
	RenewalDate   Date       `json:"renewal_date,omitzero"`
	MRR           Money      `json:"mrr,omitzero"` // monthly recurring revenue; never negative
	Signals       Signals    `json:"signals,omitempty"`
	Attributes    Attributes `json:"attributes,omitempty"`
}

// HasMRR reports whether the customer's MRR is known.
func (c *Customer) HasMRR() bool { return c.MRR.Currency() != "" }

// ARR returns the annual recurring revenue, MRR × 12 exactly; the zero Money if MRR
// is missing.
func (c *Customer) ARR() Money {
	if !c.HasMRR() {
		return Money{}
	}
	return c.MRR.Mul(decimal.NewFromInt(12))
}

// DaysToRenewal returns the calendar days from today to the renewal date (negative
// once it has passed) and true, or 0 and false when the renewal date is missing.
// today is an argument: pass DateOf(now) in the location whose calendar counts.
func (c *Customer) DaysToRenewal(today Date) (int, bool) {
	if c.RenewalDate.IsZero() {
		return 0, false
	}
	return today.DaysUntil(c.RenewalDate), true
}

// TenureDays returns the calendar days from the contract start to today, and false
// when the start is missing.
func (c *Customer) TenureDays(today Date) (int, bool) {
	if c.ContractStart.IsZero() {
		return 0, false
	}
	return c.ContractStart.DaysUntil(today), true
}

// Validate checks the customer's invariants and returns every violation, joined,
// each a *FieldError naming the field: the ID is required; dates must be valid and
// the renewal not before the contract start (ErrDateOrder); MRR must be in a known
// currency and not negative (ErrNegative); the stage must be defined; signal values
// must be finite (ErrNotFinite); signal and attribute names must not be empty, nor
// attribute values (an empty attribute is written as missing, ErrMissing). Errors
// come in field order, signals and attributes by name. A valid customer costs no
// allocation.
func (c *Customer) Validate() error {
	var errs []error
	add := func(field, value string, err error) {
		errs = append(errs, &FieldError{Record: errlist.Clip(c.ID), Field: field, Value: errlist.Clip(value), Err: err})
	}
	if err := CheckID(c.ID); err != nil {
		add("id", c.ID, err)
	}
	if int(c.Stage) >= len(stageNames) {
		add("stage", c.Stage.String(), ErrInvalidStage)
	}
	dateOK := true
	if d := c.ContractStart; !d.IsZero() && !d.Valid() {
		add("contract_start", d.debugString(), ErrInvalidDate)
		dateOK = false
	}
	if d := c.RenewalDate; !d.IsZero() && !d.Valid() {
		add("renewal_date", d.debugString(), ErrInvalidDate)
		dateOK = false
	}
	if dateOK && !c.ContractStart.IsZero() && !c.RenewalDate.IsZero() && c.RenewalDate.Before(c.ContractStart) {
		add("renewal_date", c.RenewalDate.String(),
			fmt.Errorf("%w: before contract_start %s", ErrDateOrder, c.ContractStart))
	}
	switch {
	case c.MRR.Currency() == "" && !c.MRR.IsZero():
		add("mrr", c.MRR.Amount().String(), ErrUnknownCurrency)
	case c.MRR.Currency() != "" && !c.MRR.Currency().Known():
		add("currency", string(c.MRR.Currency()), ErrUnknownCurrency)
	case c.MRR.IsNegative():
		add("mrr", c.MRR.String(), ErrNegative)
	}
	// The maps are checked unsorted, and only the failures sorted, so that a valid
	// customer is checked without allocating.
	fixed := len(errs)
	for name, v := range c.Signals {
		if name == "" {
			add("signal.", "", ErrMissing)
		} else if err := checkFinite(v); err != nil {
			add("signal."+name, strconv.FormatFloat(v, 'g', -1, 64), err)
		}
	}
	for name, v := range c.Attributes {
		if name == "" {
			add("attr.", "", ErrMissing)
		} else if v == "" {
			add("attr."+name, "", ErrMissing)
		}
	}
	slices.SortFunc(errs[fixed:], func(a, b error) int {
		return strings.Compare(a.(*FieldError).Field, b.(*FieldError).Field)
	})
	if len(errs) == 0 {
		return nil
	}
	var list errlist.List
	for _, err := range errs {
		list.Add(err)
	}
	return fmt.Errorf("cs: %w", list.Err())
}
