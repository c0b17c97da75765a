package touch

import (
	"encoding"
	"encoding/json"
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"
	cs "github.com/successkit/cs"
	"pgregory.net/rapid"
)

// Every type a user stores or sends round-trips through JSON: decode(encode(x))
// equals x. The words of the enums and bit sets round-trip through text as well.

// moneyEqual compares amounts as Money.Equal does, since Money's decimal has no
// single representation.
var moneyEqual = cmp.Comparer(cs.Money.Equal)

// roundTrip encodes x to JSON and decodes it into a new T.
func roundTrip[T any](t *rapid.T, x T) T {
	b, err := json.Marshal(x)
	if err != nil {
		t.Fatalf("json.Marshal(%+v): %v", x, err)
	}
	var back T
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatalf("json.Unmarshal(%s): %v", b, err)
	}
	return back
}

// textRoundTrip encodes x as text and decodes it into a new T.
func textRoundTrip[T any, P interface {
	*T
	encoding.TextUnmarshaler
}](t *rapid.T, x encoding.TextMarshaler) T {
	b, err := x.MarshalText()
	if err != nil {
		t.Fatalf("MarshalText(%v): %v", x, err)
	}
	var back T
	if err := P(&back).UnmarshalText(b); err != nil {
		t.Fatalf("UnmarshalText(%q): %v", b, err)
	}
	return back
}

func drawTier(t *rapid.T, label string) Tier {
	return Tier(rapid.IntRange(int(None), int(High)).Draw(t, label))
}

func genReasons(t *rapid.T) Reasons {
	return Reasons(rapid.Uint32Range(0, 1<<len(reasonWords)-1).Draw(t, "reasons"))
}

func genCommunity(t *rapid.T) Community {
	return Community(rapid.Uint8Range(0, 1<<len(communityWords)-1).Draw(t, "community"))
}

func genState(t *rapid.T) State {
	var asOf cs.Date
	if rapid.Bool().Draw(t, "dated") {
		asOf = cs.DateFromUnix(rapid.IntRange(0, 40000).Draw(t, "as_of"))
	}
	return State{
		Tier:   drawTier(t, "tier"),
		Owner:  rapid.SampledFrom(owners).Draw(t, "owner"),
		Due:    drawTier(t, "due"),
		Toward: drawTier(t, "toward"),
		Streak: rapid.IntRange(0, 1<<31-1).Draw(t, "streak"),
		AsOf:   asOf,
	}
}

func TestPropEnumsRoundTrip(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		tier := drawTier(t, "tier")
		if got := textRoundTrip[Tier](t, tier); got != tier {
			t.Fatalf("Tier %v through text = %v", tier, got)
		}
		if got := roundTrip(t, tier); got != tier {
			t.Fatalf("Tier %v through JSON = %v", tier, got)
		}
		basis := Basis(rapid.IntRange(0, len(basisNames)-1).Draw(t, "basis"))
		if got := textRoundTrip[Basis](t, basis); got != basis {
			t.Fatalf("Basis %v through text = %v", basis, got)
		}
		method := Method(rapid.IntRange(0, len(methodNames)-1).Draw(t, "method"))
		if got := textRoundTrip[Method](t, method); got != method {
			t.Fatalf("Method %v through text = %v", method, got)
		}
		r := genReasons(t)
		if got := textRoundTrip[Reasons](t, r); got != r {
			t.Fatalf("Reasons %v through text = %v", r, got)
		}
		if got := roundTrip(t, r); got != r {
			t.Fatalf("Reasons %v through JSON = %v", r, got)
		}
		c := genCommunity(t)
		if got := textRoundTrip[Community](t, c); got != c {
			t.Fatalf("Community %v through text = %v", c, got)
		}
		if got := roundTrip(t, c); got != c {
			t.Fatalf("Community %v through JSON = %v", c, got)
		}
	})
}

func TestPropStateRoundTrip(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		s := genState(t)
		if diff := cmp.Diff(s, roundTrip(t, s)); diff != "" {
			t.Fatalf("State through JSON (-want +got):\n%s", diff)
		}
	})
}

// TestPropResultRoundTrip checks Result, and with it Assignment, TierSummary,
// Candidate and Rejected, on the results of random policies and books.
func TestPropResultRoundTrip(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		a := MustCompile(genPolicy(t, genOpts{hysteresis: true, fitGate: true, capacity: true}))
		accs := genAccounts(t)
		if len(accs) > 0 && rapid.Bool().Draw(t, "spoil") {
			accs[0].Value = usd("-1") // a Rejected entry
		}
		r, _ := a.Assign(accs, asOf)
		back := roundTrip(t, r)
		if diff := cmp.Diff(r, back, moneyEqual); diff != "" {
			t.Fatalf("Result through JSON (-want +got):\n%s", diff)
		}
		for _, x := range r.Accounts {
			if diff := cmp.Diff(x, roundTrip(t, x)); diff != "" {
				t.Fatalf("Assignment through JSON (-want +got):\n%s", diff)
			}
		}
	})
}

// TestWordsRefused checks the errors of the bit sets' decoders.
func TestWordsRefused(t *testing.T) {
	for _, c := range []struct {
		in   string
		json bool
		want error
	}{
		{"threshold,bogus", false, cs.ErrUnknownField},  // a word no reason has
		{"threshold,threshold", false, cs.ErrDuplicate}, // a repeated word
		{"threshold,", false, cs.ErrUnknownField},       // an empty word
		{`["new","new"]`, true, cs.ErrDuplicate},        // repeated in JSON
		{`["held",1]`, true, cs.ErrWrongType},           // not a list of strings
		{`"held"`, true, cs.ErrWrongType},               // the text form inside JSON
	} {
		var r Reasons
		var err error
		if c.json {
			err = json.Unmarshal([]byte(c.in), &r)
		} else {
			err = r.UnmarshalText([]byte(c.in))
		}
		if !errors.Is(err, c.want) {
			t.Errorf("Reasons from %q: %v, want %v", c.in, err, c.want)
		}
	}
}
