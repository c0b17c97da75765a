package cs_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/successkit/cs"
	"github.com/successkit/cs/health"
	"github.com/successkit/cs/playbook"
	"github.com/successkit/cs/retention"
	"github.com/successkit/cs/touch"
)

// moduleDecoders are the module's decoders of user JSON, each with a valid
// document of its own. The packages' own tests check paths deep inside their
// documents; this table checks that they all answer the same bad input the
// same way.
func moduleDecoders(t *testing.T) []struct {
	name   string
	decode func([]byte) error
	good   []byte
} {
	policy, err := os.ReadFile("examples/portfolio/policy.json")
	if err != nil {
		t.Fatal(err)
	}
	return []struct {
		name   string
		decode func([]byte) error
		good   []byte
	}{
		{"cs.Customer", func(b []byte) error { var c cs.Customer; return c.UnmarshalJSON(b) },
			[]byte(`{"id":"c1","segment":"smb","mrr":"10.00 USD","signals":{"usage":0.5}}`)},
		{"health.ParseConfig", func(b []byte) error { _, err := health.ParseConfig(b); return err }, health.SampleJSON()},
		{"touch.ParsePolicy", func(b []byte) error { _, err := touch.ParsePolicy(b); return err }, policy},
		{"playbook.Parse", func(b []byte) error { _, err := playbook.Parse(b); return err }, playbook.DefaultJSON()},
		{"playbook.History", func(b []byte) error { var h playbook.History; return h.UnmarshalJSON(b) },
			[]byte(`{"fires":[{"customer_id":"A","play_id":"p","date":"2026-06-01"}],"tasks":[]}`)},
		{"retention.DecodeOffering", func(b []byte) error { _, err := retention.DecodeOffering(bytes.NewReader(b)); return err },
			[]byte(`{"name":"a","notice_days":30}`)},
	}
}

// firstMember returns the first key of a JSON object and its value's text.
func firstMember(t *testing.T, doc []byte) (string, json.RawMessage) {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(doc))
	if _, err := dec.Token(); err != nil { // the opening brace
		t.Fatal(err)
	}
	key, err := dec.Token()
	if err != nil {
		t.Fatal(err)
	}
	var value json.RawMessage
	if err := dec.Decode(&value); err != nil {
		t.Fatal(err)
	}
	return key.(string), value
}

// Every decoder of the module answers the same bad input with the same
// sentinel, a message that names the JSON path, and no more than a few KB,
// whatever the input's size; a byte-order mark is accepted.
func TestEveryDecoderRefusesTheSame(t *testing.T) {
	for _, d := range moduleDecoders(t) {
		if err := d.decode(d.good); err != nil {
			t.Fatalf("%s(its good document) = %v", d.name, err)
		}
		key, value := firstMember(t, d.good)
		rest := d.good[bytes.IndexByte(d.good, '{')+1:]
		// with writes the good document with its first member's value replaced.
		with := func(v string) string {
			return `{"` + key + `":` + v + `,` + string(rest[bytes.Index(rest, value)+len(value):])[1:]
		}
		wrongKind := `12`
		if value[0] != '"' {
			wrongKind = `"twelve"`
		}
		deep := strings.Repeat("[", 10000) + strings.Repeat("]", 10000)
		for _, tc := range []struct {
			name, input string
			want        error // nil: accepted
			path        string
		}{
			{"unknown key", `{"colour":"red",` + string(rest), cs.ErrUnknownField, "colour"},
			{"duplicate key", `{"` + key + `":` + string(value) + `,` + string(rest), cs.ErrDuplicateKey, key},
			{"wrong type", with(wrongKind), cs.ErrWrongType, key},
			{"10,000 levels", with(deep), cs.ErrSyntax, key},
			{"byte-order mark", "\uFEFF" + string(d.good), nil, ""},
			{"trailing data", string(d.good) + ` {}`, cs.ErrSyntax, ""},
			{"a 1 MB key", `{"` + strings.Repeat("k", 1<<20) + `":1,` + string(rest), cs.ErrUnknownField, "kkkk"},
		} {
			err := d.decode([]byte(tc.input))
			switch {
			case tc.want == nil:
				if err != nil {
					t.Errorf("%s, %s: %v, want no error", d.name, tc.name, err)
				}
				continue
			case !errors.Is(err, tc.want):
				t.Errorf("%s, %s: %v, want %v", d.name, tc.name, err, tc.want)
				continue
			}
			msg := err.Error()
			if !strings.Contains(msg, tc.path) {
				t.Errorf("%s, %s: %q does not name %s", d.name, tc.name, msg, tc.path)
			}
			if strings.Contains(msg, "Go struct") || strings.Contains(msg, "json: ") {
				t.Errorf("%s, %s: %q shows Go internals", d.name, tc.name, msg)
			}
			if len(msg) > 4096 {
				t.Errorf("%s, %s: a %d-byte error", d.name, tc.name, len(msg))
			}
		}
	}
}
