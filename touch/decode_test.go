package touch

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	cs "github.com/successkit/cs"
)

// jsonDecoders are the decoders of this package that read JSON from users: the
// policy, and the types a user stores and reads back (Result, Assignment, State,
// Account). Each has a valid document, a key of it to repeat, and a key it lacks
// with a value of the wrong kind.
var jsonDecoders = []struct {
	name      string
	valid     string
	dupKey    string
	wrongKey  string // given the value 7 where it wants a string, or "x" for a number
	wrongText string
	decode    func([]byte) error
}{
	{"ParsePolicy", `{"currency":"USD","high":{"max_accounts":40}}`, "currency", "basis", `7`, func(b []byte) error {
		_, err := ParsePolicy(b)
		return err
	}},
	{"Assignment", `{"id":"c1","tier":"high","changed":false,"due":"high","reasons":["threshold"],"value":"10.00 USD"}`, "tier", "owner", `7`, func(b []byte) error {
		var a Assignment
		return a.UnmarshalJSON(b)
	}},
	{"State", `{"tier":"high","owner":"ann","streak":2,"as_of":"2026-06-30"}`, "owner", "toward", `7`, func(b []byte) error {
		var s State
		return s.UnmarshalJSON(b)
	}},
	{"Account", `{"id":"c1","value":"10.00 USD","state":{"tier":"low"}}`, "id", "health", `"x"`, func(b []byte) error {
		var a Account
		return a.UnmarshalJSON(b)
	}},
	{"Result", `{"as_of":"2026-06-30","basis":"ltv","currency":"USD","accounts":[],"tiers":[],"upgrade_candidates":[]}`, "basis", "rejected", `7`, func(b []byte) error {
		var r Result
		return r.UnmarshalJSON(b)
	}},
}

// TestBadJSON feeds the same bad inputs to every decoder: each gives the same
// sentinel and names the path, and a byte-order mark is accepted.
func TestBadJSON(t *testing.T) {
	deep := strings.Repeat("[", 10000) + strings.Repeat("]", 10000)
	for _, d := range jsonDecoders {
		inner := d.valid[1 : len(d.valid)-1]
		cases := []struct {
			why  string
			in   string
			want error  // nil: accepted
			path string // the path the message must name
		}{
			{"the valid document is accepted", d.valid, nil, ""},
			{"an unknown key is refused", `{"bogus":1,` + inner + `}`, cs.ErrUnknownField, "bogus"},
			{"a repeated key is refused, not overwritten", `{` + inner + `,"` + d.dupKey + `":null}`, cs.ErrDuplicateKey, d.dupKey},
			{"a value of the wrong kind is refused", `{"` + d.wrongKey + `":` + d.wrongText + `,` + inner + `}`, cs.ErrWrongType, d.wrongKey},
			{"10,000 levels of nesting stop at the depth limit", `{"` + d.wrongKey + `":` + deep + `}`, cs.ErrSyntax, ""},
			{"a UTF-8 byte-order mark is accepted", "\uFEFF" + d.valid, nil, ""},
			{"data after the document is refused", d.valid + ` {}`, cs.ErrSyntax, ""},
		}
		for _, c := range cases {
			err := d.decode([]byte(c.in))
			switch {
			case c.want == nil && err != nil:
				t.Errorf("%s: %s: %v", d.name, c.why, err)
			case c.want != nil && !errors.Is(err, c.want):
				t.Errorf("%s: %s: error %v, want %v", d.name, c.why, err, c.want)
			case c.want != nil && c.path != "" && !strings.Contains(err.Error(), c.path+":"):
				t.Errorf("%s: %s: error %q does not name %s", d.name, c.why, err, c.path)
			case err != nil && !strings.HasPrefix(err.Error(), "touch: "):
				t.Errorf("%s: %s: error %q lacks the package name", d.name, c.why, err)
			case err != nil && len(err.Error()) > 4096:
				t.Errorf("%s: %s: error of %d bytes", d.name, c.why, len(err.Error()))
			}
		}
	}
}

// A huge value and a huge number of bad entries give an error of a few
// kilobytes: the value is quoted cut and the list of problems is capped.
func TestBoundedErrors(t *testing.T) {
	if raceEnabled || testing.Short() {
		t.Skip("builds inputs of 100 MB")
	}
	huge := strings.Repeat("x", 100<<20)
	_, err := ParsePolicy([]byte(`{"high":{"method":"` + huge + `"}}`))
	if !errors.Is(err, cs.ErrUnknownField) || len(err.Error()) > 1024 {
		t.Errorf("ParsePolicy of a 100 MB method: %d-byte error %.200q", len(err.Error()), err)
	}
	huge = ""

	// A million bad rates.
	var b bytes.Buffer
	b.WriteString(`{"currency":"USD","rates":{`)
	for i := range 1_000_000 {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(`"EUR`)
		b.WriteString(strings.Repeat("Z", i%7))
		b.WriteString(`":"-`)
		b.WriteString(strings.Repeat("1", 1+i%5))
		b.WriteString(`"`)
	}
	b.WriteString(`}}`)
	_, err = ParsePolicy(b.Bytes())
	if err == nil || len(err.Error()) > 4096 || !strings.Contains(err.Error(), "more problems") {
		t.Errorf("ParsePolicy of a million bad rates: %d-byte error %.300q", len(err.Error()), err)
	}

	// A million bad settings that decode and fail Compile.
	p := Policy{Currency: "USD", High: TierPolicy{CSMs: make([]string, 1_000_000)}}
	_, err = Compile(p)
	if !errors.Is(err, cs.ErrMissing) || len(err.Error()) > 4096 {
		t.Errorf("Compile of a million empty CSM names: %d-byte error", len(err.Error()))
	}

	// A million bad accounts.
	accs := make([]Account, 1_000_000)
	for i := range accs {
		accs[i] = Account{ID: "c", Value: usd("1")}
	}
	r, err := MustCompile(Policy{Currency: "USD"}).Assign(accs, asOf)
	if !errors.Is(err, cs.ErrDuplicate) || len(err.Error()) > 4096 || len(r.Rejected) != len(accs) {
		t.Errorf("Assign of a million duplicates: %d-byte error, %d rejected", len(err.Error()), len(r.Rejected))
	}
}
