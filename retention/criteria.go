package retention

import (
	"fmt"
	"math"
	"strconv"

	"github.com/successkit/cs"
)

// Pricing is how an offering is paid for.
type Pricing string

// The pricing words of an Offering.
const (
	PerOutcome   Pricing = "outcome"      // paid per outcome delivered (a ride, a shipment)
	PerUsage     Pricing = "usage"        // metered by use
	Subscription Pricing = "subscription" // a recurring charge for continued access
	Ownership    Pricing = "ownership"    // a one-off purchase of the thing itself (a CD)
)

func (p Pricing) valid() bool {
	switch p {
	case PerOutcome, PerUsage, Subscription, Ownership:
		return true
	}
	return false
}

// FeeMonths says in which months of a repeating contract cycle a cancellation fee
// does not apply: Cycle 24 with Free [24] is a two-year contract that can be left
// without the fee only in its 24th month.
type FeeMonths struct {
	Cycle int   `json:"cycle"` // length of the cycle in months, ≥ 1
	Free  []int `json:"free"`  // fee-free months of the cycle, each in 1..Cycle
}

// Offering describes a product as the four criteria of the retention model need
// it (Razavi, 2019). Every field but Name is optional: a nil pointer or an empty
// Pricing means the description does not say, and a criterion that depends on it
// is Unknown rather than guessed.
type Offering struct {
	Name    string  `json:"name"`              // what the offering is called, for reports
	Pricing Pricing `json:"pricing,omitempty"` // how it is paid for; empty when not known
	// UsesPerMonth is how many times a typical customer uses the offering in a month.
	UsesPerMonth *float64 `json:"uses_per_month,omitempty"`

	// CancelAnyTime: customers can end the contract whenever they choose.
	CancelAnyTime *bool `json:"cancel_any_time,omitempty"`
	// CancellationFee is charged on cancelling, in the months FeeMonths does not
	// free (every month when FeeMonths is nil). Zero means no fee.
	CancellationFee  *cs.Money  `json:"cancellation_fee,omitempty"`
	FeeMonths        *FeeMonths `json:"fee_months,omitempty"`          // months of the cycle free of the fee; nil: none
	NoticeDays       *int       `json:"notice_days,omitempty"`         // notice a cancellation needs, in days
	SelfServeCancel  *bool      `json:"self_serve_cancel,omitempty"`   // customers can cancel without help
	CancelEasyToFind *bool      `json:"cancel_easy_to_find,omitempty"` // the way to stop is obvious
	// InitialCost is what starting costs (set-up fee, hardware, minimum commitment
	// paid up front).
	InitialCost *cs.Money `json:"initial_cost,omitempty"`
	// RecurringCharge is the typical charge per month.
	RecurringCharge *cs.Money `json:"recurring_charge,omitempty"`

	LastRelease     *cs.Date `json:"last_release,omitempty"`      // date of the latest release customers can see
	ReleasesPerYear *float64 `json:"releases_per_year,omitempty"` // how often such releases come

	// DataCollected: the provider collects the customer's own data (use, preferences).
	DataCollected *bool `json:"data_collected,omitempty"`
	// DataConsented: the customer knowingly agreed to it.
	DataConsented *bool `json:"data_consented,omitempty"`
	// DataTailorsProduct: the data is used to deliver outcomes the customer values
	// (recommendations, tailored content), not only for the provider's own ends.
	DataTailorsProduct *bool `json:"data_tailors_product,omitempty"`
}

// Thresholds are the limits the criteria check applies. The zero Thresholds
// means the defaults, each documented on its field; a field left at zero takes
// its default.
type Thresholds struct {
	// MinUsesPerMonth: continuous use means at least this many uses a month.
	// Default 4 (weekly).
	MinUsesPerMonth float64 `json:"min_uses_per_month,omitempty"`
	// MaxNoticeDays: the longest notice period that still lets a customer stop at
	// any time. Default 31 (the end of the month).
	MaxNoticeDays int `json:"max_notice_days,omitempty"`
	// MaxCancellationFeeRatio: the largest cancellation fee, as a multiple of the
	// monthly recurring charge, that still counts as free to stop. Default 0: any
	// fee in any month fails criterion 2 (Razavi's phone contract).
	MaxCancellationFeeRatio float64 `json:"max_cancellation_fee_ratio,omitempty"`
	// MaxInitialCostRatio: the largest initial cost, as a multiple of the monthly
	// recurring charge, that is still "very low". Default 1.
	MaxInitialCostRatio float64 `json:"max_initial_cost_ratio,omitempty"`
	// MaxDaysSinceRelease: the product counts as kept up to date if its last
	// release is at most this many days old. Default 90.
	MaxDaysSinceRelease int `json:"max_days_since_release,omitempty"`
	// MinReleasesPerYear: and it is released at least this often. Default 4.
	MinReleasesPerYear float64 `json:"min_releases_per_year,omitempty"`
}

// DefaultThresholds returns the defaults of every Thresholds field.
func DefaultThresholds() Thresholds {
	return Thresholds{MinUsesPerMonth: 4, MaxNoticeDays: 31, MaxCancellationFeeRatio: 0,
		MaxInitialCostRatio: 1, MaxDaysSinceRelease: 90, MinReleasesPerYear: 4}
}

// Checker checks offerings against the four criteria with fixed thresholds. It is
// immutable and safe for concurrent use.
type Checker struct {
	th Thresholds
}

// NewChecker validates thresholds, fills in defaults and returns a Checker. The
// error wraps ErrOption for a negative or non-finite threshold.
func NewChecker(th Thresholds) (*Checker, error) {
	d := DefaultThresholds()
	for _, f := range []struct {
		name string
		v    float64
	}{
		{"min_uses_per_month", th.MinUsesPerMonth}, {"max_notice_days", float64(th.MaxNoticeDays)},
		{"max_cancellation_fee_ratio", th.MaxCancellationFeeRatio}, {"max_initial_cost_ratio", th.MaxInitialCostRatio},
		{"max_days_since_release", float64(th.MaxDaysSinceRelease)}, {"min_releases_per_year", th.MinReleasesPerYear},
	} {
		if math.IsNaN(f.v) || math.IsInf(f.v, 0) || f.v < 0 {
			return nil, fmt.Errorf("retention: thresholds.%s: %v: %w", f.name, f.v, ErrOption)
		}
	}
	if th.MinUsesPerMonth == 0 {
		th.MinUsesPerMonth = d.MinUsesPerMonth
	}
	if th.MaxNoticeDays == 0 {
		th.MaxNoticeDays = d.MaxNoticeDays
	}
	if th.MaxInitialCostRatio == 0 {
		th.MaxInitialCostRatio = d.MaxInitialCostRatio
	}
	if th.MaxDaysSinceRelease == 0 {
		th.MaxDaysSinceRelease = d.MaxDaysSinceRelease
	}
	if th.MinReleasesPerYear == 0 {
		th.MinReleasesPerYear = d.MinReleasesPerYear
	}
	return &Checker{th: th}, nil
}

// Thresholds returns the thresholds in force, defaults filled in.
func (k *Checker) Thresholds() Thresholds { return k.th }

// Verdict is the outcome of a criterion: Unknown (the zero value, when the
// description does not say enough), Met or NotMet.
type Verdict uint8

// The verdicts.
const (
	Unknown Verdict = iota
	Met
	NotMet
)

// String returns "unknown", "met" or "not met".
func (v Verdict) String() string {
	switch v {
	case Met:
		return "met"
	case NotMet:
		return "not met"
	case Unknown:
		return "unknown"
	}
	return "Verdict(" + strconv.Itoa(int(v)) + ")"
}

// MarshalText encodes the verdict as String does.
func (v Verdict) MarshalText() ([]byte, error) { return []byte(v.String()), nil }

// Fact is one input that decided a criterion: the Offering's JSON field and its value.
type Fact struct {
	Field string `json:"field"` // the Offering's JSON key
	Value string `json:"value"` // its value as text
}

// Finding is the verdict on one criterion with its explanation: the reasons, the
// facts they rest on, and what would have to change for a NotMet or Unknown
// criterion to be met (empty when it is Met).
type Finding struct {
	Criterion int      `json:"criterion"` // 1..4, in the order Razavi (2019) gives them
	Name      string   `json:"name"`      // the criterion in a few words
	Verdict   Verdict  `json:"verdict"`   // met, not met or unknown
	Reasons   []string `json:"reasons"`   // one per condition checked, in a fixed order
	Facts     []Fact   `json:"facts"`     // the inputs the reasons rest on
	Changes   []string `json:"changes"`   // what would have to change; empty when Met
}

// Assessment is the result of Check: a Finding per criterion and the overall
// verdict: Met when all four are met, NotMet when any is not met, Unknown
// otherwise.
type Assessment struct {
	Offering string     `json:"offering"` // the Offering\'s Name
	AsOf     cs.Date    `json:"as_of"`    // the date of the check
	Verdict  Verdict    `json:"verdict"`  // the overall verdict
	Criteria [4]Finding `json:"criteria"` // criteria 1 to 4
}

// Changes returns what would have to change, criterion by criterion.
func (a Assessment) Changes() []string {
	var out []string
	for _, f := range a.Criteria {
		out = append(out, f.Changes...)
	}
	return out
}

// Criterion names, after Razavi (2019).
var criterionNames = [4]string{
	"used continuously, paid for the outcome rather than ownership",
	"free to stop at any time, very low initial cost",
	"kept visibly up to date",
	"customers share their data in exchange for outcomes they value",
}

// finding accumulates one criterion: any failed condition makes it NotMet; with
// none failed, any unknown condition makes it Unknown.
type finding struct {
	Finding
	failed, unknown bool
}

func (f *finding) fact(field, value string) { f.Facts = append(f.Facts, Fact{field, value}) }

func (f *finding) fail(reason, change string) {
	f.failed = true
	f.Reasons = append(f.Reasons, reason)
	f.Changes = append(f.Changes, change)
}

func (f *finding) pass(reason string) { f.Reasons = append(f.Reasons, reason) }

func (f *finding) missing(field, change string) {
	f.unknown = true
	f.Reasons = append(f.Reasons, "the description does not give "+field)
	f.Changes = append(f.Changes, change)
}

func (f *finding) done() Finding {
	switch {
	case f.failed:
		f.Verdict = NotMet
	case f.unknown:
		f.Verdict = Unknown
	default:
		f.Verdict = Met
		f.Changes = nil
	}
	if f.Reasons == nil {
		f.Reasons = []string{}
	}
	if f.Facts == nil {
		f.Facts = []Fact{}
	}
	if f.Changes == nil {
		f.Changes = []string{}
	}
	return f.Finding
}

func fmtFloat(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }

// Check judges an offering against the four criteria of the retention model
// (Razavi, 2019; the S-cubism article; the subscription customer-service
// article), with
// asOf as "today" for the age of the last release. The error reports an offering
// that contradicts itself (an invalid value, a release after asOf, amounts in two
// currencies); Validate gives the same errors.
func (k *Checker) Check(o Offering, asOf cs.Date) (Assessment, error) {
	if err := o.Validate(); err != nil {
		return Assessment{}, err
	}
	if !asOf.Valid() {
		return Assessment{}, fmt.Errorf("retention: as of %q: %w", asOf.String(), cs.ErrInvalidDate)
	}
	if o.LastRelease != nil && o.LastRelease.After(asOf) {
		return Assessment{}, fmt.Errorf("retention: %w", &cs.FieldError{Field: "last_release", Value: o.LastRelease.String(), Err: fmt.Errorf("%w: after the date of the check, %s", cs.ErrDateOrder, asOf)})
	}
	a := Assessment{Offering: o.Name, AsOf: asOf}
	c2, err := k.stop(o)
	if err != nil {
		return Assessment{}, err
	}
	a.Criteria = [4]Finding{k.use(o), c2, k.updated(o, asOf), k.data(o)}
	a.Verdict = Met
	for _, f := range a.Criteria {
		switch {
		case f.Verdict == NotMet:
			a.Verdict = NotMet
		case f.Verdict == Unknown && a.Verdict == Met:
			a.Verdict = Unknown
		}
	}
	return a, nil
}

func newFinding(n int) finding {
	return finding{Finding: Finding{Criterion: n, Name: criterionNames[n-1]}}
}

// use is criterion 1: continuous use, paid for the outcome, not for ownership.
func (k *Checker) use(o Offering) Finding {
	f := newFinding(1)
	switch o.Pricing {
	case "":
		f.missing("pricing", "say how the offering is priced (outcome, usage, subscription or ownership)")
	case Ownership:
		f.fact("pricing", string(o.Pricing))
		f.fail("customers pay once to own it: the sell-and-done model", "charge for the outcome (per use or by subscription) instead of selling ownership")
	default:
		f.fact("pricing", string(o.Pricing))
		f.pass("customers pay for the outcome (" + string(o.Pricing) + "), not for ownership")
	}
	switch u := o.UsesPerMonth; {
	case u == nil:
		f.missing("uses_per_month", "measure how often a typical customer uses it")
	case *u < k.th.MinUsesPerMonth:
		f.fact("uses_per_month", fmtFloat(*u))
		f.fail(fmt.Sprintf("used %s times a month, below %s", fmtFloat(*u), fmtFloat(k.th.MinUsesPerMonth)),
			fmt.Sprintf("make it part of the customer's routine: at least %s uses a month", fmtFloat(k.th.MinUsesPerMonth)))
	default:
		f.fact("uses_per_month", fmtFloat(*u))
		f.pass(fmt.Sprintf("used %s times a month, at least %s", fmtFloat(*u), fmtFloat(k.th.MinUsesPerMonth)))
	}
	return f.done()
}

// feeMonthsText describes in how many months of the cycle a fee applies.
func feeMonthsText(fm *FeeMonths) (charged, cycle int) {
	if fm == nil {
		return 1, 1
	}
	free := map[int]bool{}
	for _, m := range fm.Free {
		free[m] = true
	}
	return fm.Cycle - len(free), fm.Cycle
}

// stop is criterion 2: customers can stop at any time, and starting costs little.
func (k *Checker) stop(o Offering) (Finding, error) {
	f := newFinding(2)
	switch c := o.CancelAnyTime; {
	case c == nil:
		f.missing("cancel_any_time", "say whether customers can cancel at any time")
	case !*c:
		f.fact("cancel_any_time", "false")
		f.fail("customers cannot cancel at any time", "let customers cancel at any time")
	default:
		f.fact("cancel_any_time", "true")
		f.pass("customers can cancel at any time")
	}
	if err := k.stopFee(&f, o); err != nil {
		return Finding{}, err
	}
	switch n := o.NoticeDays; {
	case n == nil:
		f.missing("notice_days", "say how much notice a cancellation needs")
	case *n > k.th.MaxNoticeDays:
		f.fact("notice_days", strconv.Itoa(*n))
		f.fail(fmt.Sprintf("cancelling needs %d days' notice, more than %d", *n, k.th.MaxNoticeDays),
			fmt.Sprintf("shorten the notice period to at most %d days", k.th.MaxNoticeDays))
	default:
		f.fact("notice_days", strconv.Itoa(*n))
		f.pass(fmt.Sprintf("cancelling needs %d days' notice, at most %d", *n, k.th.MaxNoticeDays))
	}
	for _, b := range []struct {
		v                 *bool
		field, yes, no, c string
	}{
		{o.SelfServeCancel, "self_serve_cancel", "customers can cancel by themselves", "cancelling needs someone's help", "let customers cancel by themselves"},
		{o.CancelEasyToFind, "cancel_easy_to_find", "the way to stop is easy to find", "the way to stop is hard to find", "make the way to stop obvious"},
	} {
		switch {
		case b.v == nil:
			f.missing(b.field, "say whether "+b.yes)
		case !*b.v:
			f.fact(b.field, "false")
			f.fail(b.no, b.c)
		default:
			f.fact(b.field, "true")
			f.pass(b.yes)
		}
	}
	if err := k.stopInitialCost(&f, o); err != nil {
		return Finding{}, err
	}
	return f.done(), nil
}

// stopFee judges the cancellation fee of criterion 2 against the recurring
// charge.
func (k *Checker) stopFee(f *finding, o Offering) error {
	rc := o.RecurringCharge
	switch fee := o.CancellationFee; {
	case fee == nil:
		f.missing("cancellation_fee", "say whether cancelling costs a fee")
	case fee.IsZero():
		f.fact("cancellation_fee", "0")
		f.pass("cancelling costs nothing")
	default:
		charged, cycle := feeMonthsText(o.FeeMonths)
		f.fact("cancellation_fee", fee.String())
		when := "in every month"
		if o.FeeMonths != nil {
			when = fmt.Sprintf("in %d of every %d months", charged, cycle)
			f.fact("fee_months", fmt.Sprintf("%d of %d", charged, cycle))
		}
		switch {
		case charged == 0:
			f.pass("the cancellation fee never applies")
		case k.th.MaxCancellationFeeRatio == 0:
			f.fail(fmt.Sprintf("cancelling costs %s %s", fee, when), "drop the cancellation fee")
		case rc == nil:
			f.missing("recurring_charge", "say what the recurring charge is, to compare the cancellation fee with it")
		case rc.IsZero():
			f.fact("recurring_charge", "0")
			f.fail(fmt.Sprintf("cancelling costs %s %s while nothing recurs", fee, when), "drop the cancellation fee")
		default:
			r, err := moneyRatio(*fee, *rc, "cancellation_fee")
			if err != nil {
				return err
			}
			if r > k.th.MaxCancellationFeeRatio {
				f.fail(fmt.Sprintf("cancelling costs %s %s, %.2f× the monthly charge, above %s×", fee, when, r, fmtFloat(k.th.MaxCancellationFeeRatio)),
					fmt.Sprintf("cut the cancellation fee to at most %s× the monthly charge", fmtFloat(k.th.MaxCancellationFeeRatio)))
			} else {
				f.pass(fmt.Sprintf("the cancellation fee is %.2f× the monthly charge, within %s×", r, fmtFloat(k.th.MaxCancellationFeeRatio)))
			}
		}
	}
	return nil
}

// stopInitialCost judges the initial cost of criterion 2 against the recurring
// charge.
func (k *Checker) stopInitialCost(f *finding, o Offering) error {
	rc := o.RecurringCharge
	switch ic := o.InitialCost; {
	case ic == nil:
		f.missing("initial_cost", "say what starting costs")
	case ic.IsZero():
		f.fact("initial_cost", "0")
		f.pass("starting costs nothing")
	case rc == nil:
		f.fact("initial_cost", ic.String())
		f.missing("recurring_charge", "say what the recurring charge is, to compare the initial cost with it")
	case rc.IsZero():
		// Everything is paid up front: the one-off purchase criterion 2 rules out.
		f.fact("initial_cost", ic.String())
		f.fact("recurring_charge", "0")
		f.fail(fmt.Sprintf("starting costs %s while nothing recurs", ic),
			fmt.Sprintf("move the initial cost into the recurring charge (at most %s× a month's charge up front)", fmtFloat(k.th.MaxInitialCostRatio)))
	default:
		r, err := moneyRatio(*ic, *rc, "initial_cost")
		if err != nil {
			return err
		}
		f.fact("initial_cost", ic.String())
		f.fact("recurring_charge", rc.String())
		if r > k.th.MaxInitialCostRatio {
			f.fail(fmt.Sprintf("starting costs %.2f× the monthly charge, above %s×", r, fmtFloat(k.th.MaxInitialCostRatio)),
				fmt.Sprintf("cut the initial cost to at most %s× the monthly charge", fmtFloat(k.th.MaxInitialCostRatio)))
		} else {
			f.pass(fmt.Sprintf("starting costs %.2f× the monthly charge, at most %s×", r, fmtFloat(k.th.MaxInitialCostRatio)))
		}
	}
	return nil
}

// moneyRatio returns a ÷ b (b > 0) as a float for a threshold comparison.
func moneyRatio(a, b cs.Money, field string) (float64, error) {
	if _, err := a.Cmp(b); err != nil {
		return 0, fmt.Errorf("retention: %w", &cs.FieldError{Field: field, Value: a.String(), Err: fmt.Errorf("%w: against recurring_charge %s", cs.ErrCurrencyMismatch, b)})
	}
	r, _ := a.Amount().DivRound(b.Amount(), 6).Float64()
	return r, nil
}

// updated is criterion 3: the product is kept visibly up to date.
func (k *Checker) updated(o Offering, asOf cs.Date) Finding {
	f := newFinding(3)
	switch lr := o.LastRelease; {
	case lr == nil:
		f.missing("last_release", "say when the product was last updated")
	default:
		days := lr.DaysUntil(asOf)
		f.fact("last_release", lr.String())
		if days > k.th.MaxDaysSinceRelease {
			f.fail(fmt.Sprintf("last updated %d days ago, more than %d", days, k.th.MaxDaysSinceRelease),
				fmt.Sprintf("release an update at least every %d days", k.th.MaxDaysSinceRelease))
		} else {
			f.pass(fmt.Sprintf("last updated %d days ago, within %d", days, k.th.MaxDaysSinceRelease))
		}
	}
	switch r := o.ReleasesPerYear; {
	case r == nil:
		f.missing("releases_per_year", "say how often the product is updated")
	case *r < k.th.MinReleasesPerYear:
		f.fact("releases_per_year", fmtFloat(*r))
		f.fail(fmt.Sprintf("%s releases a year, fewer than %s", fmtFloat(*r), fmtFloat(k.th.MinReleasesPerYear)),
			fmt.Sprintf("update it at least %s times a year, visibly to customers", fmtFloat(k.th.MinReleasesPerYear)))
	default:
		f.fact("releases_per_year", fmtFloat(*r))
		f.pass(fmt.Sprintf("%s releases a year, at least %s", fmtFloat(*r), fmtFloat(k.th.MinReleasesPerYear)))
	}
	return f.done()
}

// data is criterion 4: customers share their data in exchange for outcomes.
func (k *Checker) data(o Offering) Finding {
	f := newFinding(4)
	for _, b := range []struct {
		v                 *bool
		field, yes, no, c string
	}{
		{o.DataCollected, "data_collected", "the provider collects the customer's data", "the provider holds almost no data on its customers", "collect data on how each customer uses the product"},
		{o.DataConsented, "data_consented", "customers consent to it", "customers have not consented to the collection", "ask for and record the customers' consent"},
		{o.DataTailorsProduct, "data_tailors_product", "the data tailors the product to the customer", "the data is not used to tailor the product", "use the data to tailor the product to each customer"},
	} {
		switch {
		case b.v == nil:
			f.missing(b.field, "say whether "+b.yes)
		case !*b.v:
			f.fact(b.field, "false")
			f.fail(b.no, b.c)
		default:
			f.fact(b.field, "true")
			f.pass(b.yes)
		}
	}
	return f.done()
}

// Validate checks the offering's own values: a known Pricing, finite
// non-negative numbers, non-negative amounts in known currencies and, where not
// zero, in one currency, a FeeMonths with Cycle ≥ 1 and free months in 1..Cycle,
// valid dates. The error is a *cs.FieldError naming the JSON field (wrapped as
// "retention: …") whose cause wraps ErrOption, cs.ErrNegative, cs.ErrNotFinite,
// cs.ErrInvalidDate, cs.ErrUnknownCurrency or cs.ErrCurrencyMismatch.
func (o Offering) Validate() error {
	if err := o.validate(""); err != nil {
		return fmt.Errorf("retention: %w", err)
	}
	return nil
}

// validate is Validate with the fields' paths under path ("" or "[3]").
func (o Offering) validate(path string) error {
	bad := func(field, value string, err error) error { return offeringErr(joinPath(path, field), value, err) }
	if o.Pricing != "" && !o.Pricing.valid() {
		return bad("pricing", string(o.Pricing), fmt.Errorf("%w: want outcome, usage, subscription or ownership", ErrOption))
	}
	for _, f := range []struct {
		name string
		v    *float64
	}{{"uses_per_month", o.UsesPerMonth}, {"releases_per_year", o.ReleasesPerYear}} {
		if f.v == nil {
			continue
		}
		if math.IsNaN(*f.v) || math.IsInf(*f.v, 0) {
			return bad(f.name, fmt.Sprint(*f.v), cs.ErrNotFinite)
		}
		if *f.v < 0 {
			return bad(f.name, fmt.Sprint(*f.v), cs.ErrNegative)
		}
	}
	if o.NoticeDays != nil && *o.NoticeDays < 0 {
		return bad("notice_days", fmt.Sprint(*o.NoticeDays), cs.ErrNegative)
	}
	for _, m := range []struct {
		name string
		v    *cs.Money
	}{{"cancellation_fee", o.CancellationFee}, {"initial_cost", o.InitialCost}, {"recurring_charge", o.RecurringCharge}} {
		if m.v == nil {
			continue
		}
		if m.v.IsNegative() {
			return bad(m.name, m.v.String(), cs.ErrNegative)
		}
		if !m.v.IsZero() && !m.v.Currency().Known() {
			return bad(m.name, m.v.String(), cs.ErrUnknownCurrency)
		}
	}
	// Amounts in two currencies contradict each other whatever the thresholds:
	// each non-zero amount is checked against the recurring charge (or, without
	// one, against the first non-zero amount).
	refName, ref := "", cs.Money{}
	for _, m := range []struct {
		name string
		v    *cs.Money
	}{{"recurring_charge", o.RecurringCharge}, {"cancellation_fee", o.CancellationFee}, {"initial_cost", o.InitialCost}} {
		switch {
		case m.v == nil || m.v.IsZero():
		case refName == "":
			refName, ref = m.name, *m.v
		case m.v.Currency() != ref.Currency():
			return bad(m.name, m.v.String(), fmt.Errorf("%w: against %s %s", cs.ErrCurrencyMismatch, refName, ref))
		}
	}
	if fm := o.FeeMonths; fm != nil {
		if fm.Cycle < 1 {
			return bad("fee_months.cycle", fmt.Sprint(fm.Cycle), fmt.Errorf("%w: want ≥ 1", ErrOption))
		}
		for i, m := range fm.Free {
			if m < 1 || m > fm.Cycle {
				return bad(fmt.Sprintf("fee_months.free[%d]", i), fmt.Sprint(m), fmt.Errorf("%w: want 1..%d", ErrOption, fm.Cycle))
			}
		}
	}
	if o.LastRelease != nil && !o.LastRelease.Valid() {
		return bad("last_release", "", cs.ErrInvalidDate)
	}
	return nil
}
