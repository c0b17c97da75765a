package touch

import (
	"errors"
	"fmt"
	"math"
	"testing"

	"github.com/google/go-cmp/cmp"
	cs "github.com/successkit/cs"
)

var asOf = cs.MustParseDate("2026-06-30")

func usd(s string) cs.Money { return cs.MustParseMoney(s + " USD") }

// acct is a new account worth value USD (LTV) with ARR arr USD.
func acct(id, value, arr string) Account {
	a := Account{ID: id, Value: usd(value)}
	if arr != "" {
		a.ARR = usd(arr)
	}
	return a
}

// tiersOf maps each assigned account to its tier word and owner.
func tiersOf(r *Result) map[string]string {
	m := map[string]string{}
	for _, a := range r.Accounts {
		m[a.ID] = a.Tier.String()
		if a.Owner != "" {
			m[a.ID] += "/" + a.Owner
		}
	}
	return m
}

func TestAssignThresholdsAndCapacity(t *testing.T) {
	tests := []struct {
		name     string
		policy   Policy
		accounts []Account
		want     map[string]string
	}{
		{
			// Thresholds alone, no capacity modelled: the value decides (the
			// community-touch column, 2024, sizes tiers by LTV).
			name: "thresholds",
			policy: Policy{
				High: TierPolicy{MinValue: usd("100000")},
				Low:  TierPolicy{MinValue: usd("20000")},
			},
			accounts: []Account{acct("a", "150000", ""), acct("b", "100000", ""), acct("c", "99999.99", ""), acct("d", "20000", ""), acct("e", "19999", "")},
			want:     map[string]string{"a": "high", "b": "high", "c": "low", "d": "low", "e": "tech"},
		},
		{
			// One high-touch CSM carrying two accounts: the third most valuable
			// spills to low touch, pooled.
			name: "capacity spill",
			policy: Policy{
				High: TierPolicy{MinValue: usd("100000"), CSMs: []string{"ann"}, MaxAccounts: 2},
				Low:  TierPolicy{MinValue: usd("20000"), CSMs: []string{"bo", "cy"}, Pooled: true, MaxAccounts: 100},
			},
			accounts: []Account{acct("a", "300000", ""), acct("b", "200000", ""), acct("c", "150000", ""), acct("d", "50000", "")},
			want:     map[string]string{"a": "high/ann", "b": "high/ann", "c": "low/low-pool", "d": "low/low-pool"},
		},
		{
			// ARR per CSM: the second account would take ann over $2M ARR; the
			// tier closes there, so the smaller third account spills too (a more
			// valuable account never gets less attention). They spill to low touch,
			// which models no capacity.
			name: "ARR capacity closes the tier",
			policy: Policy{
				High: TierPolicy{MinValue: usd("100000"), CSMs: []string{"ann"}, MaxARR: usd("2000000")},
			},
			accounts: []Account{acct("a", "900000", "1500000"), acct("b", "800000", "600000"), acct("c", "700000", "100000")},
			want:     map[string]string{"a": "high/ann", "b": "low", "c": "low"},
		},
		{
			// Equal values: the smaller ID is served first.
			name: "ties by ID",
			policy: Policy{
				High: TierPolicy{MinValue: usd("100"), CSMs: []string{"ann"}, MaxAccounts: 1},
			},
			accounts: []Account{acct("z", "500", ""), acct("m", "500", "")},
			want:     map[string]string{"m": "high/ann", "z": "low"},
		},
		{
			// Named CSMs, least accounts: load spreads in CSM order.
			name: "least accounts",
			policy: Policy{
				High: TierPolicy{MinValue: usd("100"), CSMs: []string{"ann", "ben"}, MaxAccounts: 5},
			},
			accounts: []Account{acct("a", "900", ""), acct("b", "800", ""), acct("c", "700", "")},
			want:     map[string]string{"a": "high/ann", "b": "high/ben", "c": "high/ann"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := MustCompile(withUSD(tt.policy))
			r, err := a.Assign(tt.accounts, asOf)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, tiersOf(r)); diff != "" {
				t.Errorf("Assign tiers (-want +got):\n%s", diff)
			}
		})
	}
}

func withUSD(p Policy) Policy {
	if p.Currency == "" {
		p.Currency = "USD"
	}
	return p
}

func TestAssignSummary(t *testing.T) {
	a := MustCompile(Policy{
		High: TierPolicy{MinValue: usd("100000"), CSMs: []string{"ann", "ben"}, MaxAccounts: 1, MaxARR: usd("1000000")},
		Low:  TierPolicy{MinValue: usd("10000"), Headcount: 2, MaxAccounts: 2},
	})
	r, err := a.Assign([]Account{
		acct("a", "500000", "200000"), acct("b", "400000", "100000"), acct("c", "300000", "50000"),
		acct("d", "20000", "10000"), acct("e", "15000", "5000"), acct("f", "5000", "1000"),
	}, asOf)
	if err != nil {
		t.Fatal(err)
	}
	high, low := r.Tier(High), r.Tier(Low)
	if high.Accounts != 2 || !high.ARR.Equal(usd("300000")) || high.Overflow != 1 || !high.OverflowARR.Equal(usd("50000")) {
		t.Errorf("high = %d accounts, %s ARR, overflow %d (%s), want 2, 300000, 1 (50000)", high.Accounts, high.ARR, high.Overflow, high.OverflowARR)
	}
	if high.Capacity.Accounts != 2 || high.Left.Accounts != 0 || !high.Capacity.ARR.Equal(usd("2000000")) || !high.Left.ARR.Equal(usd("1700000")) {
		t.Errorf("high capacity = %+v left %+v, want 2/2000000 and 0/1700000", high.Capacity, high.Left)
	}
	if !high.ARRPerCSM.Equal(usd("150000")) || high.AccountsPerCSM != 1 {
		t.Errorf("high load = %g accounts, %s per CSM, want 1 and 150000", high.AccountsPerCSM, high.ARRPerCSM)
	}
	// The pool of two holds 4 accounts: c (spilled), d, e; f is below the threshold.
	if low.Accounts != 3 || low.Capacity.Accounts != 4 || low.Left.Accounts != 1 || len(low.CSMs) != 1 || low.CSMs[0].Name != "low-pool" {
		t.Errorf("low = %+v", low)
	}
	if tech := r.Tier(Tech); tech.Accounts != 1 || tech.Capacity.Accounts != -1 {
		t.Errorf("tech = %+v", tech)
	}
}

func TestAssignBadAccounts(t *testing.T) {
	a := MustCompile(Policy{Currency: "USD", Rates: nil, High: TierPolicy{MinValue: usd("100")}})
	accounts := []Account{
		acct("ok", "500", ""),
		{ID: "neg", Value: usd("-1")},
		{ID: "eur", Value: cs.MustParseMoney("10 EUR")},
		{ID: "", Value: usd("1")},
		{ID: "missing"},
		acct("dup", "1", ""), acct("dup", "2", ""),
		acct("nul\x00", "1", ""), // an ID cs.CheckID refuses
	}
	r, err := a.Assign(accounts, asOf)
	if err == nil {
		t.Fatal("Assign: no error for bad accounts")
	}
	for _, want := range []error{cs.ErrNegative, ErrNoRate, cs.ErrCurrencyMismatch, cs.ErrMissing, cs.ErrDuplicate, cs.ErrInvalidID} {
		if !errors.Is(err, want) {
			t.Errorf("Assign error %q does not wrap %v", err, want)
		}
	}
	if len(r.Accounts) != 1 || r.Accounts[0].ID != "ok" || len(r.Rejected) != 7 {
		t.Errorf("Assign kept %d accounts and rejected %d, want 1 and 7: %+v", len(r.Accounts), len(r.Rejected), r.Rejected)
	}
	var e *cs.FieldError
	if !errors.As(err, &e) {
		t.Fatalf("error %T holds no *cs.FieldError", err)
	}
	want := `customer "dup": accounts[5].id: "dup": also at accounts[6]: duplicate`
	if got := fmt.Sprint(r.Rejected[1].Error); got != want {
		t.Errorf("Rejected[1] = %q, want %q", got, want)
	}
}

// An Assigner is safe for concurrent use: goroutines assigning the same book get
// the same result (run under -race in CI).
func TestAssignConcurrent(t *testing.T) {
	accs, p := benchBook(2000)
	a := MustCompile(p)
	want, err := a.Assign(accs, asOf)
	if err != nil {
		t.Fatal(err)
	}
	results := make([]*Result, 4)
	done := make(chan int)
	for g := range results {
		go func() {
			results[g], _ = a.Assign(accs, asOf)
			done <- g
		}()
	}
	for range results {
		<-done
	}
	for g, r := range results {
		if diff := cmp.Diff(want, r, cmp.Comparer(cs.Money.Equal)); diff != "" {
			t.Errorf("goroutine %d (-want +got):\n%s", g, diff)
		}
	}
}

// Duplicates are found in a book large enough for the radix sort of the hashes.
func TestAssignDuplicatesLargeBook(t *testing.T) {
	accs, p := benchBook(3000)
	accs = append(accs, accs[17], accs[2999], accs[17])
	r, err := MustCompile(p).Assign(accs, asOf)
	if !errors.Is(err, cs.ErrDuplicate) {
		t.Fatalf("Assign error = %v, want duplicates", err)
	}
	var ids []string
	for _, x := range r.Rejected {
		ids = append(ids, fmt.Sprintf("%s@%d", x.ID, x.Index))
	}
	want := []string{"C0000017@17", "C0000017@3000", "C0000017@3002", "C0002999@2999", "C0002999@3001"}
	if diff := cmp.Diff(want, ids); diff != "" || len(r.Accounts) != 2998 {
		t.Errorf("rejected (-want +got):\n%s\n%d assigned, want 2998", diff, len(r.Accounts))
	}
}

// A health score out of 0..100 is finite: its error must say it is out of range
// (cs.ErrRange), not that it is not finite; a NaN is not finite.
func TestAssignBadHealth(t *testing.T) {
	a := MustCompile(Policy{Currency: "USD", High: TierPolicy{MinValue: usd("100")}})
	over := acct("over", "500", "")
	over.Health, over.HealthKnown = 150, true
	nan := acct("nan", "500", "")
	nan.Health, nan.HealthKnown = math.NaN(), true
	r, _ := a.Assign([]Account{over, nan}, asOf)
	if len(r.Rejected) != 2 {
		t.Fatalf("Assign rejected %d accounts, want 2: %+v", len(r.Rejected), r.Rejected)
	}
	for _, tc := range []struct {
		i     int
		want  error
		wrong error
	}{{0, cs.ErrNotFinite, cs.ErrRange}, {1, cs.ErrRange, cs.ErrNotFinite}} {
		_, err := a.Assign([]Account{[]Account{nan, over}[tc.i]}, asOf)
		if !errors.Is(err, tc.want) || errors.Is(err, tc.wrong) {
			t.Errorf("Assign error = %v, want it to wrap %v and not %v", err, tc.want, tc.wrong)
		}
	}
}

// The doc's claim about the zero Policy: with only a currency set (Assign needs
// one to read values), every account lands in tech touch, for its threshold.
func TestAssignZeroPolicyIsTech(t *testing.T) {
	r, err := MustCompile(Policy{Currency: "USD"}).Assign([]Account{acct("a", "1000000", ""), acct("b", "0", "")}, asOf)
	if err != nil {
		t.Fatal(err)
	}
	for _, x := range r.Accounts {
		if x.Tier != Tech || x.Reasons&ReasonThreshold == 0 {
			t.Errorf("%s: tier %s (%s), want tech by threshold", x.ID, x.Tier, x.Reasons)
		}
	}
}
