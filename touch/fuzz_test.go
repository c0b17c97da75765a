package touch

import (
	"bytes"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	cs "github.com/successkit/cs"
)

// policySeeds are the seed corpus of FuzzParsePolicy: valid policies using every
// setting, and the malformed inputs the decoder must name by JSON path.
var policySeeds = []string{
	`{}`,
	`{"currency":"USD","high":{"min_value":"100000 USD","csms":["ann","ben"],"max_accounts":40,"max_arr":"2000000 USD","cost_to_serve":"12000 USD","method":"least_arr"},"low":{"min_value":"20000 USD","headcount":3,"max_accounts":300},"tech":{"headcount":1,"max_accounts":2000}}`,
	`{"basis":"arr","currency":"EUR","rates":{"USD":"0.92","JPY":"0.0061"},"max_cost_share":"0.15","hysteresis":{"margin":"0.1","periods":2}}`,
	`{"low":{"min_value":"0 USD","csms":["a","b"],"pooled":true,"pool":"team"},"upgrade":{"value_growth":"0.3","usage_trend":0.2},"community":{"min_health":80,"min_nps":9}}`,
	`{"high":{"min_value":"10 USD"},"low":{"min_value":"20 USD"}}`, // out of order: Compile's error
	`{"high":{"max_accounts":-1}}`,
	`{"high":{"min_vlaue":"1 USD"}}`, // unknown field
	`{"rates":{"EUR":"-1"}}`,
	`{"hysteresis":{"margin":"abc"}}`,
	`{"high":{"method":"lottery"}}`,
	`{"high":[]}`,
	`{"community":{"off":"yes"}}`,
	`{} {}`,
	`[1,2]`,
	`null`,
	``,
	`{"high":{"csms":["x"]},"low":{"csms":["x"]}}`, // a CSM in two tiers
}

// FuzzParsePolicy checks the decoder on any input: it never panics; an error is
// an *Error whose message starts with the package name; a decoded policy
// survives MarshalPolicy and ParsePolicy unchanged, and Compile either accepts
// it or explains why in the same form.
func FuzzParsePolicy(f *testing.F) {
	for _, s := range policySeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := ParsePolicy(data)
		if err != nil {
			var e *cs.FieldError
			if !errors.As(err, &e) || !strings.HasPrefix(err.Error(), "touch: ") {
				t.Fatalf("ParsePolicy(%q) error %T %q is not a touch *Error", data, err, err)
			}
			return
		}
		b, err := MarshalPolicy(p)
		if err != nil {
			// A decoded policy may hold values no word names only if the
			// decoder let one through.
			t.Fatalf("MarshalPolicy of ParsePolicy(%q): %v", data, err)
		}
		p2, err := ParsePolicy(b)
		if err != nil {
			t.Fatalf("ParsePolicy(MarshalPolicy(ParsePolicy(%q))) = %v\n%s", data, err, b)
		}
		b2, err := MarshalPolicy(p2)
		if err != nil || !bytes.Equal(b, b2) {
			t.Fatalf("round trip of %q: %s then %s (%v)", data, b, b2, err)
		}
		a, err := Compile(p)
		if err != nil {
			if !strings.HasPrefix(err.Error(), "touch: ") {
				t.Fatalf("Compile(ParsePolicy(%q)) error %q lacks the package name", data, err)
			}
			var e *cs.FieldError
			if !errors.As(err, &e) || e.Field == "" {
				t.Fatalf("Compile(ParsePolicy(%q)) error %q names no JSON path", data, err)
			}
			return
		}
		if _, err := a.Assign([]Account{acct("x", "1000", "100"), acct("y", "5", "")}, asOf); err != nil && a.Currency() == "USD" {
			t.Fatalf("Assign under ParsePolicy(%q): %v", data, err)
		}
	})
}

// FuzzParseTier checks that ParseTier accepts exactly the tier words and that
// they round-trip through text.
func FuzzParseTier(f *testing.F) {
	for _, s := range []string{"high", "low", "tech", "", "High", "community", "mid"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		tier, err := ParseTier(s)
		if err != nil {
			if !errors.Is(err, ErrUnknownTier) {
				t.Fatalf("ParseTier(%q) error %v does not wrap ErrUnknownTier", s, err)
			}
			return
		}
		b, err := tier.MarshalText()
		if err != nil || string(b) != s {
			t.Fatalf("ParseTier(%q) = %v, marshals to %q (%v)", s, tier, b, err)
		}
	})
}

// FuzzWords checks the text and JSON decoders of the bit sets and words on any
// input: they never panic, an error is a *cs.FieldError with the package prefix
// and a short message, and what they accept encodes back to a form that decodes
// to the same value.
func FuzzWords(f *testing.F) {
	for _, s := range []string{"threshold,capacity", "", "advocate,peer_help", "new,new", `["held","margin"]`, `["promoter"]`,
		`[]`, `null`, `["x"]`, "least_arr", "ltv", "threshold,", `[1]`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		var r Reasons
		var c Community
		var bs Basis
		var m Method
		// The encoders are closures: a method value of a value receiver would
		// copy the zero value before decoding.
		for _, d := range []struct {
			name   string
			decode func([]byte) error
			encode func() ([]byte, error)
		}{
			{"Reasons.UnmarshalText", r.UnmarshalText, func() ([]byte, error) { return r.MarshalText() }},
			{"Reasons.UnmarshalJSON", r.UnmarshalJSON, func() ([]byte, error) { return r.MarshalJSON() }},
			{"Community.UnmarshalText", c.UnmarshalText, func() ([]byte, error) { return c.MarshalText() }},
			{"Community.UnmarshalJSON", c.UnmarshalJSON, func() ([]byte, error) { return c.MarshalJSON() }},
			{"Basis.UnmarshalText", bs.UnmarshalText, func() ([]byte, error) { return bs.MarshalText() }},
			{"Method.UnmarshalText", m.UnmarshalText, func() ([]byte, error) { return m.MarshalText() }},
		} {
			if err := d.decode(b); err != nil {
				var fe *cs.FieldError
				if !errors.As(err, &fe) || !strings.HasPrefix(err.Error(), "touch: ") || len(err.Error()) > 512 {
					t.Fatalf("%s(%q): error %q", d.name, b, err)
				}
				continue
			}
			enc, err := d.encode()
			if err != nil {
				t.Fatalf("%s(%q) decoded a value that does not encode: %v", d.name, b, err)
			}
			if err := d.decode(enc); err != nil {
				t.Fatalf("%s(%q): the encoding %q does not decode: %v", d.name, b, enc, err)
			}
			if again, _ := d.encode(); !bytes.Equal(enc, again) {
				t.Fatalf("%s(%q): %q then %q", d.name, b, enc, again)
			}
		}
	})
}

// FuzzRecords checks the strict JSON decoders of the stored types on any input:
// they never panic, an error is short and has the package prefix, and what they
// accept survives encoding and decoding again.
func FuzzRecords(f *testing.F) {
	for _, d := range jsonDecoders {
		f.Add([]byte(d.valid))
	}
	f.Add([]byte(`{"id":"c","value":"1.005 USD"}`))
	f.Add([]byte(`{"id":"c","tier":"low","changed":true,"due":"high","reasons":["capacity"],"value":"5 JPY","arr":"5 USD"}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		check := func(name string, v interface {
			UnmarshalJSON([]byte) error
		}, fresh func() interface{ UnmarshalJSON([]byte) error }) {
			if err := v.UnmarshalJSON(b); err != nil {
				if !strings.HasPrefix(err.Error(), "touch: ") || len(err.Error()) > 4096 {
					t.Fatalf("%s(%q): error %q", name, b, err)
				}
				return
			}
			enc, err := json.Marshal(v)
			if err != nil {
				return // a decoded value may hold words no encoder names (Tier(7) is refused earlier)
			}
			again := fresh()
			if err := again.UnmarshalJSON(enc); err != nil {
				t.Fatalf("%s(%q): its encoding %s does not decode: %v", name, b, enc, err)
			}
			if enc2, _ := json.Marshal(again); !bytes.Equal(enc, enc2) {
				t.Fatalf("%s(%q): %s then %s", name, b, enc, enc2)
			}
		}
		check("Result", &Result{}, func() interface{ UnmarshalJSON([]byte) error } { return &Result{} })
		check("Assignment", &Assignment{}, func() interface{ UnmarshalJSON([]byte) error } { return &Assignment{} })
		check("Account", &Account{}, func() interface{ UnmarshalJSON([]byte) error } { return &Account{} })
		check("State", &State{}, func() interface{ UnmarshalJSON([]byte) error } { return &State{} })
	})
}
