package jsonx_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/successkit/cs/internal/errs"
	"github.com/successkit/cs/internal/jsonx"
)

// located is the error a test's Locate builds: the path, the quoted value and the
// cause, so the tests can check all three.
type located struct {
	path, value string
	err         error
}

func (l *located) Error() string { return fmt.Sprintf("%s: %q: %v", l.path, l.value, l.err) }
func (l *located) Unwrap() error { return l.err }

func locate(path, value string, err error) error { return &located{path, value, err} }

type word string

func (w *word) UnmarshalText(b []byte) error {
	if string(b) == "bad" {
		return errors.New("bad word")
	}
	*w = word(b)
	return nil
}

type config struct {
	Name    string             `json:"name"`
	Weight  float64            `json:"weight,omitempty"`
	Count   int                `json:"count"`
	Small   int8               `json:"small"`
	Flag    bool               `json:"flag"`
	Tags    []string           `json:"tags"`
	Rates   map[string]float64 `json:"rates"`
	Inner   *config            `json:"inner"`
	Word    word               `json:"word"`
	Raw     json.RawMessage    `json:"raw"`
	Any     any                `json:"any"`
	Pair    [2]int             `json:"pair"`
	When    time.Time          `json:"when"`
	Ignored string             `json:"-"`
	NoTag   string
}

// problems returns the located problems of an error from Decode.
func problems(err error) []*located {
	var out []*located
	var walk func(error)
	walk = func(e error) {
		if l, ok := e.(*located); ok {
			out = append(out, l)
			return
		}
		if j, ok := e.(interface{ Unwrap() []error }); ok {
			for _, x := range j.Unwrap() {
				walk(x)
			}
		}
	}
	walk(err)
	return out
}

func TestDecodeValid(t *testing.T) {
	in := "\ufeff" + `{"name":"a\u00e9\"b","weight":1.5e2,"count":-3,"small":127,"flag":true,"tags":["x","y"],
	 "rates":{"EUR":1.1},"inner":{"name":"in","tags":[]},"word":"w","raw":[1,{"a":2}],
	 "any":{"k":[1,"s",true,null]},"pair":[1,2],"when":"2026-01-02T03:04:05Z","NoTag":"n"}`
	var got config
	if err := jsonx.Decode([]byte(in), &got, locate); err != nil {
		t.Fatal(err)
	}
	var want config
	if err := json.Unmarshal([]byte(in[3:]), &want); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Decode = %+v, want %+v", got, want)
	}
}

func TestDecodeProblems(t *testing.T) {
	deep := strings.Repeat("[", 10000) + strings.Repeat("]", 10000)
	for _, tc := range []struct {
		name, in string
		path     string
		want     error
	}{
		// An unknown key is named by its path.
		{"unknown", `{"inner":{"nmae":"x"}}`, "inner.nmae", errs.ErrUnknownField},
		// encoding/json keeps the last of two equal keys silently; here it is an error.
		{"duplicate", `{"count":1,"count":2}`, "count", errs.ErrDuplicateKey},
		{"duplicate in a map", `{"rates":{"EUR":1,"EUR":2}}`, "rates.EUR", errs.ErrDuplicateKey},
		{"duplicate in raw", `{"raw":{"a":1,"a":2}}`, "raw.a", errs.ErrDuplicateKey},
		{"duplicate in any", `{"any":[{"a":1,"a":2}]}`, "any[0].a", errs.ErrDuplicateKey},
		{"wrong type", `{"tags":["x",3]}`, "tags[1]", errs.ErrWrongType},
		{"object for string", `{"name":{}}`, "name", errs.ErrWrongType},
		{"fraction for int", `{"count":1.5}`, "count", errs.ErrWrongType},
		{"int overflow", `{"small":128}`, "small", errs.ErrRange},
		{"float overflow", `{"weight":1e999}`, "weight", errs.ErrRange},
		{"text for a non-string", `{"word":1}`, "word", errs.ErrWrongType},
		{"array length", `{"pair":[1]}`, "pair", errs.ErrWrongType},
		{"trailing data", `{} {}`, "$", errs.ErrSyntax},
		{"not JSON", `{"name":}`, "name", errs.ErrSyntax},
		{"empty", ``, "$", errs.ErrSyntax},
		{"unterminated", `{"name":"abc`, "name", errs.ErrSyntax},
		{"bad escape", `{"name":"\q"}`, "name", errs.ErrSyntax},
		{"control character", "{\"name\":\"a\tb\"}", "name", errs.ErrSyntax},
		{"deep", `{"any":` + deep + `}`, "any" + strings.Repeat("[0]", jsonx.MaxDepth-1), errs.ErrSyntax},
		{"deep raw", `{"raw":` + deep + `}`, "raw" + strings.Repeat("[0]", jsonx.MaxDepth-1), errs.ErrSyntax},
		{"leading zero", `{"count":01}`, "$", errs.ErrSyntax},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var c config
			err := jsonx.Decode([]byte(tc.in), &c, locate)
			if !errors.Is(err, tc.want) {
				t.Fatalf("Decode(%.40q) = %v, want %v", tc.in, err, tc.want)
			}
			ps := problems(err)
			if len(ps) == 0 || ps[0].path != tc.path {
				t.Errorf("Decode(%.40q): path of %v, want %q", tc.in, err, tc.path)
			}
			if len(err.Error()) > 4096 {
				t.Errorf("message of %d bytes", len(err.Error()))
			}
		})
	}
}

// One call reports every bad value, and the list is bounded.
func TestDecodeManyProblems(t *testing.T) {
	var b bytes.Buffer
	b.WriteString(`{"rates":{`)
	for i := range 1_000_000 {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `"k%d":"x"`, i)
	}
	b.WriteString(`}}`)
	var c config
	err := jsonx.Decode(b.Bytes(), &c, locate)
	if !errors.Is(err, errs.ErrWrongType) {
		t.Fatalf("err = %v", err)
	}
	if n := len(problems(err)); n != errs.MaxProblems {
		t.Errorf("kept %d problems, want %d", n, errs.MaxProblems)
	}
	if msg := err.Error(); len(msg) > 4096 || !strings.HasSuffix(msg, "and 999990 more problems") {
		t.Errorf("message of %d bytes ending %q", len(msg), msg[max(0, len(msg)-40):])
	}
}

// A huge value is quoted cut, never whole.
func TestDecodeHugeValue(t *testing.T) {
	in := `{"count":"` + strings.Repeat("x", 100<<20) + `"}`
	var c config
	err := jsonx.Decode([]byte(in), &c, locate)
	if !errors.Is(err, errs.ErrWrongType) || len(err.Error()) > 512 {
		t.Fatalf("err of %d bytes: %.200v", len(err.Error()), err)
	}
}

func TestDecodeTextError(t *testing.T) {
	var c config
	err := jsonx.Decode([]byte(`{"word":"bad"}`), &c, locate)
	ps := problems(err)
	if len(ps) != 1 || ps[0].path != "word" || ps[0].value != "bad" || ps[0].err.Error() != "bad word" {
		t.Fatalf("err = %v", err)
	}
}

func TestDecodeNull(t *testing.T) {
	c := config{Name: "x", Tags: []string{"a"}}
	if err := jsonx.Decode([]byte(`{"name":null,"tags":null,"inner":null}`), &c, locate); err != nil {
		t.Fatal(err)
	}
	if c.Name != "" || c.Tags != nil || c.Inner != nil {
		t.Errorf("null left %+v", c)
	}
}

func TestDecodeStrings(t *testing.T) {
	for _, in := range []string{`"plain"`, `"\u00e9\ud83d\ude00\n\t\/\\"`, `"\ud800"`, "\"\xff\xfe\"", `""`} {
		var got, want string
		if err := jsonx.Decode([]byte(in), &got, locate); err != nil {
			t.Fatalf("Decode(%q): %v", in, err)
		}
		if err := json.Unmarshal([]byte(in), &want); err != nil {
			t.Fatal(err)
		}
		if got != want {
			t.Errorf("Decode(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestDecodeNumbers(t *testing.T) {
	for _, in := range []string{"0", "-0", "1e3", "-12.5E-3", "1.7976931348623157e308", "5e-324"} {
		var got, want float64
		if err := jsonx.Decode([]byte(in), &got, locate); err != nil {
			t.Fatalf("Decode(%q): %v", in, err)
		}
		_ = json.Unmarshal([]byte(in), &want)
		if got != want || math.Signbit(got) != math.Signbit(want) {
			t.Errorf("Decode(%q) = %v, want %v", in, got, want)
		}
	}
}

// FuzzDecode checks Decode against encoding/json: whatever encoding/json accepts
// without duplicate keys decodes to the same value, and nothing panics.
func FuzzDecode(f *testing.F) {
	for _, s := range []string{`{}`, `{"name":"a","tags":["b"],"rates":{"x":1}}`, `[1,2]`, `{"any":{"a":[null,true]}}`, `{"count":1,"count":2}`, `"\ud83d\ude00"`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		var got config
		err := jsonx.Decode(in, &got, locate)
		var generic any
		gerr := jsonx.Decode(in, &generic, locate)
		var want any
		werr := json.Unmarshal(in, &want)
		if gerr == nil && werr != nil && !bytes.HasPrefix(in, []byte("\ufeff")) {
			t.Fatalf("jsonx accepts %q, encoding/json refuses: %v", in, werr)
		}
		if gerr == nil && werr == nil && !reflect.DeepEqual(generic, want) {
			t.Fatalf("Decode(%q) = %#v, encoding/json %#v", in, generic, want)
		}
		if werr != nil && gerr == nil && !bytes.HasPrefix(in, []byte("\ufeff")) {
			t.Fatalf("accepted %q", in)
		}
		if err != nil && len(err.Error()) > 8192 {
			t.Fatalf("message of %d bytes", len(err.Error()))
		}
	})
}

// bigConfig is a valid configuration of about 36 MB: a million small entries.
func bigConfig() []byte {
	var b bytes.Buffer
	b.WriteString(`{"name":"big","tags":[`)
	for i := range 400_000 {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `"tag-%d"`, i)
	}
	b.WriteString(`],"rates":{`)
	for i := range 600_000 {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `"currency-%07d":%d.25`, i, i)
	}
	b.WriteString(`},"any":[`)
	for i := range 300_000 {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `{"field":"signal.usage","op":"<","value":%d}`, i)
	}
	b.WriteString(`]}`)
	return b.Bytes()
}

// BenchmarkDecodeLarge decodes a 36 MB configuration strictly and, in the same
// run, encoding/json decodes it into an any (no struct mapping, no duplicate-key
// check): Decode must stay linear and within 3× of it.
func BenchmarkDecodeLarge(b *testing.B) {
	data := bigConfig()
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	var ref, lib time.Duration
	for b.Loop() {
		start := time.Now()
		var x any
		if err := json.Unmarshal(data, &x); err != nil {
			b.Fatal(err)
		}
		ref += time.Since(start)
		start = time.Now()
		var c config
		if err := jsonx.Decode(data, &c, locate); err != nil {
			b.Fatal(err)
		}
		lib += time.Since(start)
	}
	ratio := float64(lib) / float64(ref)
	b.ReportMetric(float64(lib.Nanoseconds())/float64(b.N), "ns/decode")
	b.ReportMetric(ratio, "x-encoding/json")
	if ratio > 3 {
		b.Errorf("Decode takes %.2f× encoding/json on the same 36 MB, budget 3×", ratio)
	}
}
