package touch

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	cs "github.com/successkit/cs"
)

func TestFromCustomers(t *testing.T) {
	customers := []cs.Customer{
		{ID: "a", MRR: usd("1000"), Signals: cs.Signals{"usage": 0.8}},
		{ID: "b", MRR: usd("250.50")},
		{ID: "c"}, // no MRR: ARR and MRR bases have no value for it
	}
	ltv := map[string]cs.Money{"a": usd("90000"), "b": usd("12000")}
	tests := []struct {
		// why the case exists
		name      string
		basis     Basis
		value     ValueFunc
		want      []string // Value per customer, "" for missing
		wantErr   error
		wantNoAcc bool
	}{
		// The default basis: LTVs computed elsewhere, looked up by ID; c has none.
		{"ltv precomputed", LTV, Precomputed(ltv), []string{"90000.00 USD", "12000.00 USD", ""}, cs.ErrMissing, false},
		// LTV cannot be read off a customer record: a ValueFunc is required.
		{"ltv without value", LTV, nil, nil, cs.ErrMissing, true},
		// ARR is MRR × 12 exactly.
		{"arr", ARR, nil, []string{"12000.00 USD", "3006.00 USD", ""}, cs.ErrMissing, false},
		{"mrr", MRR, nil, []string{"1000.00 USD", "250.50 USD", ""}, cs.ErrMissing, false},
		// A failing ValueFunc is reported for that customer only.
		{"func error", ARR, func(c *cs.Customer) (cs.Money, error) {
			if c.ID == "b" {
				return cs.Money{}, cs.ErrNegative
			}
			return usd("1"), nil
		}, []string{"1.00 USD", "", "1.00 USD"}, cs.ErrNegative, false},
		// An undefined basis is refused.
		{"bad basis", Basis(9), nil, nil, cs.ErrUnknownField, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			accs, err := FromCustomers(customers, tt.basis, tt.value)
			if !errors.Is(err, tt.wantErr) {
				t.Errorf("FromCustomers error = %v, want %v", err, tt.wantErr)
			}
			if tt.wantNoAcc {
				if accs != nil {
					t.Errorf("FromCustomers = %d accounts, want none", len(accs))
				}
				return
			}
			var got []string
			for _, a := range accs {
				s := ""
				if a.Value.Currency() != "" {
					s = a.Value.String()
				}
				got = append(got, s)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("FromCustomers values (-want +got):\n%s", diff)
			}
			if !accs[0].ARR.Equal(usd("12000")) || accs[0].Signals["usage"] != 0.8 || accs[0].ID != "a" {
				t.Errorf("FromCustomers[0] = %+v, want ID a, ARR 12000 USD and the signals", accs[0])
			}
		})
	}
}

// A customer FromCustomers could not value is rejected by Assign; the others are
// assigned.
func TestFromCustomersThenAssign(t *testing.T) {
	accs, err := FromCustomers([]cs.Customer{{ID: "a", MRR: usd("10000")}, {ID: "b"}}, ARR, nil)
	if err == nil {
		t.Fatal("FromCustomers: no error for a customer without MRR")
	}
	r, err := MustCompile(Policy{Basis: ARR, Low: TierPolicy{MinValue: usd("100000")}}).Assign(accs, asOf)
	if !errors.Is(err, cs.ErrMissing) || len(r.Accounts) != 1 || r.Accounts[0].Tier != Low || len(r.Rejected) != 1 || r.Rejected[0].ID != "b" {
		t.Errorf("Assign = %+v, %v; want a in low touch and b rejected as missing", r, err)
	}
}

// An Account and a Candidate survive JSON: a previous value of zero stays a known
// zero, and an unknown one stays unknown.
func TestAccountJSON(t *testing.T) {
	for _, prev := range []cs.Money{{}, usd("0"), usd("12.50")} {
		in := Account{ID: "a", Value: usd("10"), PreviousValue: prev, State: State{Tier: Low, Owner: "ann", AsOf: asOf}}
		b, err := json.Marshal(in)
		if err != nil {
			t.Fatal(err)
		}
		var out Account
		if err := json.Unmarshal(b, &out); err != nil {
			t.Fatalf("json.Unmarshal(%s): %v", b, err)
		}
		if out.PreviousValue.Currency() != prev.Currency() || !out.PreviousValue.Amount().Equal(prev.Amount()) || out.State != in.State {
			t.Errorf("round trip of %s = %+v, want %+v", b, out, in)
		}
		c := Candidate{ID: "a", Value: usd("10"), PreviousValue: prev}
		b, _ = json.Marshal(c)
		if got := strings.Contains(string(b), "previous_value"); got != (prev.Currency() != "") {
			t.Errorf("json.Marshal(%+v) = %s", c, b)
		}
	}
}
