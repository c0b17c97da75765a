package playbook

import (
	"bytes"
	"errors"
	"strings"
	"testing"
	"time"

	cs "github.com/successkit/cs"
)

// decoders are the package's decoders of user input, each fed the same bad
// input: a valid document (good) with a place where a value goes (hole).
var decoders = []struct {
	name   string
	decode func([]byte) error
	good   string // a valid document
	// at builds a document with v as the value of a field at path, where ok
	// is a valid value.
	at             func(v string) string
	path, ok, root string
}{
	{"Parse", func(b []byte) error { _, err := Parse(b); return err },
		`{"plays":[{"id":"a","name":"a","priority":"must","when":{"field":"tier","op":"exists"},"actions":[{"title":"t","channel":"call","owner":"csm"}]}]}`,
		func(v string) string {
			return `{"plays":[{"id":"a","name":"a","priority":` + v + `,"when":{"field":"tier","op":"exists"},"actions":[{"title":"t","channel":"call","owner":"csm"}]}]}`
		}, "plays[0].priority", `"must"`, "$"},
	{"ParseCondition", func(b []byte) error { _, err := ParseCondition(b); return err },
		`{"field":"tier","op":"==","value":"high"}`,
		func(v string) string { return `{"field":` + v + `,"op":"exists"}` }, "when.field", `"tier"`, "when"},
	{"History.UnmarshalJSON", func(b []byte) error { var h History; return h.UnmarshalJSON(b) },
		`{"fires":[{"customer_id":"A","play_id":"p","date":"2026-06-01"}],"tasks":[]}`,
		func(v string) string {
			return `{"fires":[{"customer_id":` + v + `,"play_id":"p","date":"2026-06-01"}],"tasks":[]}`
		}, "fires[0].customer_id", `"A"`, "$"},
}

// The same bad input gets the same answer from every decoder: the cs sentinel
// and a message that names the path, with the package prefix and no Go
// internals.
func TestDecodersRefuseTheSame(t *testing.T) {
	deep := strings.Repeat(`{"not":`, 10000) + `{"field":"tier","op":"exists"}` + strings.Repeat(`}`, 10000)
	for _, d := range decoders {
		if err := d.decode([]byte(d.good)); err != nil {
			t.Fatalf("%s(good) = %v", d.name, err)
		}
		for _, tc := range []struct {
			name  string
			input string
			want  error // nil: accepted
			path  string
		}{
			// A key the format does not have.
			{"unknown key", strings.Replace(d.at(d.ok), `{`, `{"colour":"red",`, 1), cs.ErrUnknownField, "colour"},
			// The same key twice: the second must not silently win.
			{"duplicate key", d.at(d.ok + `,"` + d.path[strings.LastIndexByte(d.path, '.')+1:] + `":` + d.ok), cs.ErrDuplicateKey, d.path},
			// A number where a string goes.
			{"wrong type", d.at(`12`), cs.ErrWrongType, d.path},
			// Nesting far beyond any real document.
			{"deep nesting", d.at(deep), cs.ErrSyntax, ""},
			// A byte-order mark, as spreadsheets and editors write: accepted.
			{"BOM", "\uFEFF" + d.good, nil, ""},
			// A second document after the first.
			{"trailing data", d.good + ` {}`, cs.ErrSyntax, d.root + `: "{}"`},
			// Not JSON at all.
			{"malformed", d.good[:len(d.good)-1], cs.ErrSyntax, ""},
		} {
			err := d.decode([]byte(tc.input))
			switch {
			case tc.want == nil && err != nil:
				t.Errorf("%s, %s: %v, want nil", d.name, tc.name, err)
			case tc.want == nil:
			case !errors.Is(err, tc.want):
				t.Errorf("%s, %s: %v, want %v", d.name, tc.name, err, tc.want)
			case !strings.HasPrefix(err.Error(), "playbook: ") || strings.Contains(err.Error(), "Go ") || len(err.Error()) > 1024:
				t.Errorf("%s, %s: message %q", d.name, tc.name, err)
			case !strings.Contains(err.Error(), tc.path):
				t.Errorf("%s, %s: %v does not name %s", d.name, tc.name, err, tc.path)
			}
		}
	}
}

// A 100 MB value and a million bad entries give an error of a few KB.
func TestDecodeErrorsAreBounded(t *testing.T) {
	if raceEnabled || testing.Short() {
		t.Skip("100 MB and million-entry inputs: run without -race and -short")
	}
	huge := `"` + strings.Repeat("x", 100<<20) + `"`
	start := time.Now()
	for _, d := range decoders {
		err := d.decode([]byte(d.at(huge[:len(huge)-1] + `\u0000"`)))
		if err == nil || len(err.Error()) > 4096 || !strings.Contains(err.Error(), d.path) {
			t.Errorf("%s of a 100 MB value: %.300v", d.name, err)
		}
	}
	t.Logf("100 MB values: %v", time.Since(start))
	start = time.Now()
	// A million plays, each with an ID of the wrong type.
	var b bytes.Buffer
	b.WriteString(`{"plays":[`)
	for i := range 1_000_000 {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(`{"id":7}`)
	}
	b.WriteString(`]}`)
	_, err := Parse(b.Bytes())
	if err == nil || len(err.Error()) > 4096 || !strings.Contains(err.Error(), "and 999990 more problems") {
		t.Fatalf("a million bad plays: error of %d bytes: %.500s", len(err.Error()), err)
	}
	t.Logf("a million plays: %v", time.Since(start))
	start = time.Now()
	// A million bad comparisons in one condition.
	b.Reset()
	b.WriteString(`{"any":[`)
	for i := range 1_000_000 {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(`{"field":"x","op":"exists"}`)
	}
	b.WriteString(`]}`)
	_, err = ParseCondition(b.Bytes())
	if err == nil || len(err.Error()) > 4096 || !strings.Contains(err.Error(), "and 999990 more problems") {
		t.Fatalf("a million bad comparisons: error of %d bytes: %.500s", len(err.Error()), err)
	}
	t.Logf("a million comparisons: %v", time.Since(start))
}

// Compile refuses a condition built in Go deeper than a document may nest,
// rather than recursing without bound.
func TestCompileDepth(t *testing.T) {
	e := Known("tier")
	for range 10000 {
		e = Not(e)
	}
	if _, err := Compile(e); !errors.Is(err, cs.ErrSyntax) || !strings.Contains(err.Error(), "nested deeper than 64") {
		t.Fatalf("Compile of 10,000 nots = %v", err)
	}
}
