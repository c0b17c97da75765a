package retention

import (
	"encoding/json"
	"fmt"
	"testing"

	"github.com/successkit/cs/internal/csio"
	"pgregory.net/rapid"
)

// roundTrip encodes v as JSON and decodes it into a new value of its type, with
// encoding/json and with the library's strict decoder, and checks that both give
// v back (compared by their text, which prints amounts by value).
func roundTrip[T any](t *rapid.T, v T) {
	data, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	var std, strict T
	if err := json.Unmarshal(data, &std); err != nil {
		t.Fatalf("json.Unmarshal(%s): %v", data, err)
	}
	if err := csio.DecodeJSON(data, &strict); err != nil {
		t.Fatalf("strict decode of %s: %v", data, err)
	}
	want := fmt.Sprintf("%+v", v)
	for _, got := range []T{std, strict} {
		if s := fmt.Sprintf("%+v", got); s != want {
			t.Fatalf("decode(encode(x)) = %s\nwant %s\nJSON %s", s, want, data)
		}
		again, _ := json.Marshal(got)
		if string(again) != string(data) {
			t.Fatalf("re-encoded %s, first %s", again, data)
		}
	}
}

// A Period, a customer's movements and a cohort table, the results a caller
// stores or sends, come back from their JSON unchanged, in one currency and with
// exchange rates.
func TestPropResultsJSON(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		recs, opt := genBookInput(t)
		b := propBook(t, recs, opt)
		from, to := genPeriod(t, b)
		p, err := b.Period(from, to)
		if err != nil {
			t.Fatal(err)
		}
		roundTrip(t, p)
		cms, err := b.Movements(from, to)
		if err != nil {
			t.Fatal(err)
		}
		roundTrip(t, cms)
		roundTrip(t, b.Cohorts())
		roundTrip(t, Period{}) // the zero Period, the identity of Add
	})
}

// The keys of a Period's JSON are stable: snake case, the movements inline.
func TestPeriodJSONKeys(t *testing.T) {
	b := mustBook(t, []Record{rec("a", "s", jan, "10"), rec("a", "s", feb, "12")}, Options{})
	p := mustPeriod(t, b, jan, feb)
	data, _ := json.Marshal(p)
	want := `{"from":"2026-01","to":"2026-02","start_mrr":"10.00 USD","end_mrr":"12.00 USD","new":"0.00 USD","expansion":"2.00 USD","contraction":"0.00 USD","churn":"0.00 USD","reactivation":"0.00 USD","fx":"0.00 USD","base_mrr":"10.00 USD","retained_mrr":"10.00 USD","kept_mrr":"12.00 USD","start_customers":1,"end_customers":1,"lost_customers":0,"new_customers":0,"reactivated_customers":0,"joined_and_left":0}`
	if string(data) != want {
		t.Errorf("JSON = %s\nwant %s", data, want)
	}
}

// FuzzParseMonth checks that ParseMonth and Month.UnmarshalText never panic,
// agree, and that what they accept prints back as the same text.
func FuzzParseMonth(f *testing.F) {
	for _, s := range []string{"2026-01", "0001-01", "9999-12", "2026-13", "26-01", "", "2026-1", "+202-01"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		m, err := ParseMonth(s)
		var u Month
		uerr := u.UnmarshalText([]byte(s))
		if s == "" {
			if uerr != nil || u != 0 {
				t.Fatalf("UnmarshalText(\"\") = %v, %v; want the zero Month", u, uerr)
			}
			return
		}
		if (err == nil) != (uerr == nil) || err == nil && m != u {
			t.Fatalf("ParseMonth(%q) = %v, %v; UnmarshalText = %v, %v", s, m, err, u, uerr)
		}
		if err != nil {
			return
		}
		if text, _ := m.MarshalText(); string(text) != s || m.String() != s {
			t.Fatalf("ParseMonth(%q) prints as %q", s, text)
		}
	})
}
