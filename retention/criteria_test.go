package retention

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/successkit/cs"
)

func ptr[T any](v T) *T { return &v }

func money(s string) *cs.Money { m := cs.MustParseMoney(s); return &m }

var asOf = cs.MustParseDate("2026-06-30")

// The offerings named by Razavi (2019) and the subscription customer-service
// article. Fields the sources do not speak about are left out on purpose, so the criteria they decide
// come out Unknown rather than guessed.
var (
	// Razavi (2019): ride-hailing is not a subscription, yet people use it continuously
	// and pay per ride, the outcome.
	rideHailing = Offering{Name: "ride-hailing", Pricing: PerOutcome, UsesPerMonth: ptr(8.0)}
	// Razavi (2019): a phone contract that charges a cancellation fee in every month but
	// one of its two-year cycle.
	phoneContract = Offering{Name: "phone contract", Pricing: Subscription,
		CancelAnyTime: ptr(true), CancellationFee: money("9500 JPY"),
		FeeMonths: &FeeMonths{Cycle: 24, Free: []int{24}}, RecurringCharge: money("7000 JPY")}
	// Razavi (2019): selling CDs, own the thing and pay once: sell-and-done.
	cdSales = Offering{Name: "CD sales", Pricing: Ownership, UsesPerMonth: ptr(10.0)}
	// The subscription article: a paper newspaper holds almost no data on its readers.
	paperNewspaper = Offering{Name: "paper newspaper", Pricing: Subscription, UsesPerMonth: ptr(30.0),
		DataCollected: ptr(false), DataConsented: ptr(false), DataTailorsProduct: ptr(false)}
	// The subscription article: a news site that tailors articles from what each reader reads.
	newsSite = Offering{Name: "personalised news site", Pricing: Subscription, UsesPerMonth: ptr(30.0),
		DataCollected: ptr(true), DataConsented: ptr(true), DataTailorsProduct: ptr(true)}
	// The subscription article: music streaming with recommendations and shared playlists meets all four.
	musicStreaming = Offering{Name: "music streaming", Pricing: Subscription, UsesPerMonth: ptr(60.0),
		CancelAnyTime: ptr(true), CancellationFee: &cs.Money{}, NoticeDays: ptr(0),
		SelfServeCancel: ptr(true), CancelEasyToFind: ptr(true), InitialCost: &cs.Money{},
		RecurringCharge: money("9.99 USD"), LastRelease: ptr(cs.MustParseDate("2026-06-20")),
		ReleasesPerYear: ptr(26.0), DataCollected: ptr(true), DataConsented: ptr(true), DataTailorsProduct: ptr(true)}
)

func verdicts(a Assessment) [5]Verdict {
	return [5]Verdict{a.Verdict, a.Criteria[0].Verdict, a.Criteria[1].Verdict, a.Criteria[2].Verdict, a.Criteria[3].Verdict}
}

// TestCheckSourceCases checks every case the sources name: [overall, c1, c2, c3, c4].
func TestCheckSourceCases(t *testing.T) {
	k, err := NewChecker(Thresholds{})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		o    Offering
		want [5]Verdict
	}{
		// Meets criterion 1 without being a subscription; the rest is not described.
		{rideHailing, [5]Verdict{Unknown, Met, Unknown, Unknown, Unknown}},
		// The cancellation fee fails criterion 2, so the whole is not a retention model.
		{phoneContract, [5]Verdict{NotMet, Unknown, NotMet, Unknown, Unknown}},
		// Ownership fails criterion 1, however often the CD is played.
		{cdSales, [5]Verdict{NotMet, NotMet, Unknown, Unknown, Unknown}},
		// No data on readers fails criterion 4.
		{paperNewspaper, [5]Verdict{NotMet, Met, Unknown, Unknown, NotMet}},
		// Tailoring from reading data meets criterion 4.
		{newsSite, [5]Verdict{Unknown, Met, Unknown, Unknown, Met}},
		// All four met.
		{musicStreaming, [5]Verdict{Met, Met, Met, Met, Met}},
	} {
		a, err := k.Check(tc.o, asOf)
		if err != nil {
			t.Errorf("Check(%s): %v", tc.o.Name, err)
			continue
		}
		if diff := cmp.Diff(tc.want, verdicts(a)); diff != "" {
			t.Errorf("Check(%s) verdicts (-want +got):\n%s", tc.o.Name, diff)
		}
		for _, f := range a.Criteria {
			if f.Verdict == Met && len(f.Changes) != 0 {
				t.Errorf("Check(%s) criterion %d met but lists changes %q", tc.o.Name, f.Criterion, f.Changes)
			}
			if f.Verdict != Met && len(f.Changes) == 0 {
				t.Errorf("Check(%s) criterion %d %v but lists no change", tc.o.Name, f.Criterion, f.Verdict)
			}
			if len(f.Reasons) == 0 {
				t.Errorf("Check(%s) criterion %d has no reason", tc.o.Name, f.Criterion)
			}
		}
	}
}

// TestCheckPhoneExplains checks that the phone contract's finding names the fee,
// the months it applies in, and what to change.
func TestCheckPhoneExplains(t *testing.T) {
	k, _ := NewChecker(Thresholds{})
	a, err := k.Check(phoneContract, asOf)
	if err != nil {
		t.Fatal(err)
	}
	f := a.Criteria[1]
	wantFacts := []Fact{{"cancel_any_time", "true"}, {"cancellation_fee", "9500 JPY"}, {"fee_months", "23 of 24"}}
	if diff := cmp.Diff(wantFacts, f.Facts); diff != "" {
		t.Errorf("facts (-want +got):\n%s", diff)
	}
	if !slicesContain(f.Reasons, "cancelling costs 9500 JPY in 23 of every 24 months") {
		t.Errorf("reasons %q lack the fee", f.Reasons)
	}
	if !slicesContain(f.Changes, "drop the cancellation fee") {
		t.Errorf("changes %q lack dropping the fee", f.Changes)
	}
	if got := a.Changes(); len(got) < len(f.Changes) {
		t.Errorf("Assessment.Changes() = %q, shorter than criterion 2's", got)
	}
}

func slicesContain(ss []string, want string) bool {
	for _, s := range ss {
		if s == want {
			return true
		}
	}
	return false
}

// TestCheckThresholds checks each configurable limit on both sides of its boundary.
func TestCheckThresholds(t *testing.T) {
	base := musicStreaming
	for _, tc := range []struct {
		name      string
		th        Thresholds
		edit      func(*Offering)
		criterion int
		want      Verdict
	}{
		// Weekly use is the default floor: 4 meets it, 3.9 does not.
		{"uses at floor", Thresholds{}, func(o *Offering) { o.UsesPerMonth = ptr(4.0) }, 1, Met},
		{"uses below floor", Thresholds{}, func(o *Offering) { o.UsesPerMonth = ptr(3.9) }, 1, NotMet},
		{"uses floor raised", Thresholds{MinUsesPerMonth: 20}, func(o *Offering) { o.UsesPerMonth = ptr(10.0) }, 1, NotMet},
		// Usage pricing counts as paying for the outcome.
		{"usage pricing", Thresholds{}, func(o *Offering) { o.Pricing = PerUsage }, 1, Met},
		{"no pricing", Thresholds{}, func(o *Offering) { o.Pricing = "" }, 1, Unknown},
		// Notice: 31 days is "any time", 32 is not; a custom limit moves it.
		{"notice 31", Thresholds{}, func(o *Offering) { o.NoticeDays = ptr(31) }, 2, Met},
		{"notice 32", Thresholds{}, func(o *Offering) { o.NoticeDays = ptr(32) }, 2, NotMet},
		{"notice limit 90", Thresholds{MaxNoticeDays: 90}, func(o *Offering) { o.NoticeDays = ptr(60) }, 2, Met},
		{"cannot cancel", Thresholds{}, func(o *Offering) { o.CancelAnyTime = ptr(false) }, 2, NotMet},
		{"not self-serve", Thresholds{}, func(o *Offering) { o.SelfServeCancel = ptr(false) }, 2, NotMet},
		{"hidden cancel", Thresholds{}, func(o *Offering) { o.CancelEasyToFind = ptr(false) }, 2, NotMet},
		// By default any fee fails; with a ratio allowed, a small fee passes.
		{"fee default", Thresholds{}, func(o *Offering) { o.CancellationFee = money("5 USD") }, 2, NotMet},
		{"fee within ratio", Thresholds{MaxCancellationFeeRatio: 1}, func(o *Offering) { o.CancellationFee = money("9.99 USD") }, 2, Met},
		{"fee above ratio", Thresholds{MaxCancellationFeeRatio: 1}, func(o *Offering) { o.CancellationFee = money("10 USD") }, 2, NotMet},
		// A fee that is free in every month of its cycle never applies.
		{"fee never applies", Thresholds{}, func(o *Offering) {
			o.CancellationFee = money("5 USD")
			o.FeeMonths = &FeeMonths{Cycle: 2, Free: []int{1, 2}}
		}, 2, Met},
		// A ratio needs the recurring charge.
		{"fee ratio unknown", Thresholds{MaxCancellationFeeRatio: 1}, func(o *Offering) {
			o.CancellationFee = money("5 USD")
			o.RecurringCharge = nil
		}, 2, Unknown},
		// Initial cost: at most one month's charge by default.
		{"initial one month", Thresholds{}, func(o *Offering) { o.InitialCost = money("9.99 USD") }, 2, Met},
		{"initial above", Thresholds{}, func(o *Offering) { o.InitialCost = money("10 USD") }, 2, NotMet},
		{"initial ratio 12", Thresholds{MaxInitialCostRatio: 12}, func(o *Offering) { o.InitialCost = money("100 USD") }, 2, Met},
		{"initial without charge", Thresholds{}, func(o *Offering) {
			o.InitialCost = money("10 USD")
			o.RecurringCharge = nil
		}, 2, Unknown},
		// Nothing recurs: an initial cost or a fee is all up front, never "very low".
		{"initial with zero charge", Thresholds{MaxInitialCostRatio: 100}, func(o *Offering) {
			o.InitialCost = money("10 USD")
			o.RecurringCharge = &cs.Money{}
		}, 2, NotMet},
		{"fee with zero charge", Thresholds{MaxCancellationFeeRatio: 100}, func(o *Offering) {
			o.CancellationFee = money("10 USD")
			o.RecurringCharge = &cs.Money{}
		}, 2, NotMet},
		// Up to date: last release 90 days ago meets, 91 does not.
		{"release 90 days", Thresholds{}, func(o *Offering) { o.LastRelease = ptr(asOf.AddDays(-90)) }, 3, Met},
		{"release 91 days", Thresholds{}, func(o *Offering) { o.LastRelease = ptr(asOf.AddDays(-91)) }, 3, NotMet},
		{"release limit 365", Thresholds{MaxDaysSinceRelease: 365}, func(o *Offering) { o.LastRelease = ptr(asOf.AddDays(-200)) }, 3, Met},
		{"releases 3 a year", Thresholds{}, func(o *Offering) { o.ReleasesPerYear = ptr(3.0) }, 3, NotMet},
		{"releases 1 allowed", Thresholds{MinReleasesPerYear: 1}, func(o *Offering) { o.ReleasesPerYear = ptr(1.0) }, 3, Met},
		// Data without consent fails criterion 4.
		{"no consent", Thresholds{}, func(o *Offering) { o.DataConsented = ptr(false) }, 4, NotMet},
		{"consent unknown", Thresholds{}, func(o *Offering) { o.DataConsented = nil }, 4, Unknown},
		// A failed condition wins over an unknown one.
		{"fail beats unknown", Thresholds{}, func(o *Offering) {
			o.DataConsented = nil
			o.DataCollected = ptr(false)
		}, 4, NotMet},
	} {
		t.Run(tc.name, func(t *testing.T) {
			k, err := NewChecker(tc.th)
			if err != nil {
				t.Fatal(err)
			}
			o := base
			tc.edit(&o)
			a, err := k.Check(o, asOf)
			if err != nil {
				t.Fatal(err)
			}
			if got := a.Criteria[tc.criterion-1].Verdict; got != tc.want {
				t.Errorf("criterion %d = %v, want %v; reasons %q", tc.criterion, got, tc.want, a.Criteria[tc.criterion-1].Reasons)
			}
			want := tc.want
			if want == Met {
				for _, f := range a.Criteria {
					if f.Verdict != Met {
						want = f.Verdict
					}
				}
			}
			if a.Verdict != want {
				t.Errorf("overall = %v, want %v", a.Verdict, want)
			}
		})
	}
}

// TestNewCheckerDefaults checks the zero Thresholds and the refusal of bad limits.
func TestNewCheckerDefaults(t *testing.T) {
	k, err := NewChecker(Thresholds{})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(DefaultThresholds(), k.Thresholds()); diff != "" {
		t.Errorf("zero thresholds (-want +got):\n%s", diff)
	}
	for _, th := range []Thresholds{
		{MinUsesPerMonth: -1}, {MaxNoticeDays: -1}, {MaxCancellationFeeRatio: nan()},
		{MaxInitialCostRatio: inf()}, {MaxDaysSinceRelease: -5}, {MinReleasesPerYear: -0.5},
	} {
		if _, err := NewChecker(th); !errors.Is(err, ErrOption) || !strings.HasPrefix(err.Error(), "retention: thresholds.") {
			t.Errorf("NewChecker(%+v) = %v, want a thresholds error wrapping ErrOption", th, err)
		}
	}
}

// TestCheckErrors checks that contradictory offerings are errors naming the field.
func TestCheckErrors(t *testing.T) {
	k, _ := NewChecker(Thresholds{})
	for _, tc := range []struct {
		name string
		edit func(*Offering)
		asOf cs.Date
		want error
		path string
	}{
		{"unknown pricing", func(o *Offering) { o.Pricing = "rental" }, asOf, ErrOption, "pricing"},
		{"NaN uses", func(o *Offering) { o.UsesPerMonth = ptr(nan()) }, asOf, cs.ErrNotFinite, "uses_per_month"},
		{"negative releases", func(o *Offering) { o.ReleasesPerYear = ptr(-1.0) }, asOf, cs.ErrNegative, "releases_per_year"},
		{"negative notice", func(o *Offering) { o.NoticeDays = ptr(-1) }, asOf, cs.ErrNegative, "notice_days"},
		{"negative fee", func(o *Offering) { o.CancellationFee = money("-1 USD") }, asOf, cs.ErrNegative, "cancellation_fee"},
		{"cycle 0", func(o *Offering) { o.FeeMonths = &FeeMonths{} }, asOf, ErrOption, "fee_months.cycle"},
		{"free month 25", func(o *Offering) { o.FeeMonths = &FeeMonths{Cycle: 24, Free: []int{1, 25}} }, asOf, ErrOption, "fee_months.free[1]"},
		{"bad release", func(o *Offering) { o.LastRelease = &cs.Date{Year: 2026, Month: 2, Day: 30} }, asOf, cs.ErrInvalidDate, "last_release"},
		{"release after asOf", func(o *Offering) { o.LastRelease = ptr(asOf.AddDays(1)) }, asOf, cs.ErrDateOrder, "last_release"},
		{"zero asOf", func(*Offering) {}, cs.Date{}, cs.ErrInvalidDate, "as of"},
		{"initial cost in EUR", func(o *Offering) { o.InitialCost = money("10 EUR") }, asOf, cs.ErrCurrencyMismatch, "initial_cost"},
		{"fee in EUR", func(o *Offering) { o.CancellationFee = money("10 EUR") }, asOf, cs.ErrCurrencyMismatch, "cancellation_fee"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			o := musicStreaming
			tc.edit(&o)
			_, err := k.Check(o, tc.asOf)
			if !errors.Is(err, tc.want) || !strings.HasPrefix(err.Error(), "retention: "+tc.path) {
				t.Errorf("Check = %v, want %v naming %s", err, tc.want, tc.path)
			}
		})
	}
}

func nan() float64 { z := 0.0; return z / z }
func inf() float64 { z := 0.0; return 1 / z }

// TestValidateCurrencies: Check's documentation promises that an offering with
// amounts in two currencies is an error, and that Validate gives the same errors;
// under the default thresholds the fee was never compared with the charge, so the
// same offering passed or failed depending on MaxCancellationFeeRatio.
func TestValidateCurrencies(t *testing.T) {
	o := musicStreaming
	o.CancellationFee = money("10 EUR")
	if err := o.Validate(); !errors.Is(err, cs.ErrCurrencyMismatch) || !strings.HasPrefix(err.Error(), "retention: cancellation_fee: ") {
		t.Errorf("Validate = %v, want ErrCurrencyMismatch naming offering.cancellation_fee", err)
	}
	k, _ := NewChecker(Thresholds{})
	if _, err := k.Check(o, asOf); !errors.Is(err, cs.ErrCurrencyMismatch) {
		t.Errorf("Check with default thresholds = %v, want ErrCurrencyMismatch", err)
	}
	// A zero amount has no currency to disagree with.
	o.CancellationFee = &cs.Money{}
	o.InitialCost = money("0 EUR")
	if err := o.Validate(); err != nil {
		t.Errorf("Validate with a zero EUR initial cost = %v, want nil", err)
	}
}
