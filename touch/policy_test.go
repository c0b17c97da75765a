package touch

import (
	"errors"
	"math"
	"strings"
	"testing"

	"github.com/shopspring/decimal"
	cs "github.com/successkit/cs"
)

func TestCompileErrors(t *testing.T) {
	dec := decimal.RequireFromString
	tests := []struct {
		name     string
		policy   Policy
		wantPath string
		wantErr  error
	}{
		// Thresholds out of order: high must be above low.
		{"high below low", Policy{High: TierPolicy{MinValue: usd("10")}, Low: TierPolicy{MinValue: usd("20")}}, "high.min_value", ErrThresholdOrder},
		{"high equals low", Policy{High: TierPolicy{MinValue: usd("20")}, Low: TierPolicy{MinValue: usd("20")}}, "high.min_value", ErrThresholdOrder},
		// Tech touch is the floor (S-cubism): a threshold on it is a mistake.
		{"tech threshold", Policy{Tech: TierPolicy{MinValue: usd("1")}}, "tech.min_value", ErrThresholdOrder},
		// A capacity that is negative, in each of its forms.
		{"negative max accounts", Policy{Currency: "USD", Low: TierPolicy{MaxAccounts: -1}}, "low.max_accounts", cs.ErrNegative},
		{"negative max ARR", Policy{Low: TierPolicy{MaxARR: usd("-1")}}, "low.max_arr", cs.ErrNegative},
		{"negative headcount", Policy{Currency: "USD", Tech: TierPolicy{Headcount: -2}}, "tech.headcount", cs.ErrNegative},
		{"negative cost", Policy{High: TierPolicy{CostToServe: usd("-5")}}, "high.cost_to_serve", cs.ErrNegative},
		// A pool is either named members or a headcount.
		{"headcount and csms", Policy{Currency: "USD", Low: TierPolicy{CSMs: []string{"a"}, Headcount: 2}}, "low.headcount", cs.ErrRange},
		// A CSM serves one tier; a pool's name is an owner too.
		{"csm in two tiers", Policy{Currency: "USD", High: TierPolicy{CSMs: []string{"ann"}}, Low: TierPolicy{CSMs: []string{"ann"}}}, "low.csms[0]", cs.ErrDuplicate},
		{"empty csm", Policy{Currency: "USD", High: TierPolicy{CSMs: []string{""}}}, "high.csms[0]", cs.ErrMissing},
		{"pool named like a csm", Policy{Currency: "USD", High: TierPolicy{CSMs: []string{"team"}}, Low: TierPolicy{Headcount: 2, Pool: "team"}}, "low.pool", cs.ErrDuplicate},
		// Money settings share the policy currency; no silent conversion.
		{"mixed currencies", Policy{High: TierPolicy{MinValue: usd("100")}, Low: TierPolicy{MinValue: cs.MustParseMoney("10 EUR")}}, "low.min_value", cs.ErrCurrencyMismatch},
		{"unknown currency", Policy{Currency: "XYZ"}, "currency", cs.ErrUnknownCurrency},
		{"fraction of a cent", Policy{High: TierPolicy{MinValue: usd("0.001")}}, "high.min_value", cs.ErrRange},
		// Rates convert values; they must be positive, and 1 for the policy currency.
		{"zero rate", Policy{Currency: "USD", Rates: map[cs.Currency]decimal.Decimal{"EUR": dec("0")}}, "rates.EUR", cs.ErrRange},
		{"own rate", Policy{Currency: "USD", Rates: map[cs.Currency]decimal.Decimal{"USD": dec("1.1")}}, "rates.USD", cs.ErrRange},
		// Shares and hysteresis out of their ranges.
		{"cost share above 1", Policy{Currency: "USD", MaxCostShare: dec("1.5")}, "max_cost_share", cs.ErrRange},
		{"negative cost share", Policy{Currency: "USD", MaxCostShare: dec("-0.1")}, "max_cost_share", cs.ErrRange},
		{"margin of 1", Policy{Currency: "USD", Hysteresis: Hysteresis{Margin: dec("1")}}, "hysteresis.margin", cs.ErrRange},
		{"negative periods", Policy{Currency: "USD", Hysteresis: Hysteresis{Periods: -1}}, "hysteresis.periods", cs.ErrNegative},
		{"negative growth", Policy{Currency: "USD", Upgrade: Upgrade{ValueGrowth: dec("-0.1")}}, "upgrade.value_growth", cs.ErrNegative},
		{"NaN trend", Policy{Currency: "USD", Upgrade: Upgrade{UsageTrend: math.NaN()}}, "upgrade.usage_trend", cs.ErrNotFinite},
		{"Inf health", Policy{Currency: "USD", Community: CommunityPolicy{MinHealth: math.Inf(1)}}, "community.min_health", cs.ErrNotFinite},
		// Undefined words.
		{"bad method", Policy{Currency: "USD", High: TierPolicy{Method: Method(7)}}, "high.method", cs.ErrUnknownField},
		{"bad basis", Policy{Currency: "USD", Basis: Basis(7)}, "basis", cs.ErrUnknownField},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, err := Compile(tt.policy)
			if err == nil {
				t.Fatalf("Compile = %v, nil; want an error at %s", a, tt.wantPath)
			}
			if !errors.Is(err, tt.wantErr) {
				t.Errorf("Compile error %q does not wrap %v", err, tt.wantErr)
			}
			if !errors.Is(err, ErrInvalidPolicy) || !strings.HasPrefix(err.Error(), "touch: invalid policy: "+tt.wantPath+":") {
				t.Errorf("Compile error %q, want it to start with touch: invalid policy: %s:", err, tt.wantPath)
			}
		})
	}
}

// The zero Policy is valid and puts every account in tech touch; its currency
// must then be given for Assign to compare values.
func TestZeroPolicy(t *testing.T) {
	a, err := Compile(Policy{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.Assign([]Account{acct("a", "1", "")}, asOf); !errors.Is(err, cs.ErrMissing) {
		t.Errorf("Assign under a policy without currency: %v, want cs.ErrMissing", err)
	}
	r, err := MustCompile(Policy{Currency: "USD"}).Assign([]Account{acct("a", "1000000", "")}, asOf)
	if err != nil || r.Accounts[0].Tier != Tech || r.Tier(Tech).Capacity.Accounts != -1 {
		t.Errorf("zero policy: %+v, %v; want tech touch without capacity", r, err)
	}
}

// The field conventions as a policy: about 1 CSM per $2M ARR (Gainsight's blog)
// and the survey average of $1.72M ARR and 104 accounts per
// CSM (ClientSuccess, relayed on gaingrowretain.com). A book of 208 accounts of
// $16,538.46 ARR (≈ $1.72M ÷ 104) over two CSMs loads each with the survey's
// averages and leaves $280,000.16 ARR of room per CSM under the $2M rule.
func TestFieldConventions(t *testing.T) {
	a := MustCompile(Policy{
		Currency: "USD",
		Low:      TierPolicy{MinValue: usd("0"), CSMs: []string{"ann", "ben"}, MaxARR: usd("2000000")},
	})
	var accs []Account
	for i := range 208 {
		accs = append(accs, acct(string(rune('A'+i/26))+string(rune('a'+i%26)), "50000", "16538.46"))
	}
	r, err := a.Assign(accs, asOf)
	if err != nil {
		t.Fatal(err)
	}
	low := r.Tier(Low)
	if low.AccountsPerCSM != 104 || !low.ARRPerCSM.Equal(usd("1719999.84")) {
		t.Errorf("load = %g accounts and %s per CSM, want 104 and 1719999.84 USD (≈ $1.72M)", low.AccountsPerCSM, low.ARRPerCSM)
	}
	if !low.Left.ARR.Equal(usd("560000.32")) || low.Overflow != 0 {
		t.Errorf("left = %s, overflow %d; want 560000.32 USD (2 × 280000.16) and 0", low.Left.ARR, low.Overflow)
	}
	for _, c := range low.CSMs {
		if c.Accounts != 104 {
			t.Errorf("CSM %s carries %d accounts, want 104 (least accounts spreads evenly)", c.Name, c.Accounts)
		}
	}
}
