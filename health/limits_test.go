package health

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"runtime"
	"strings"
	"testing"

	"github.com/successkit/cs"
)

// The same bad JSON gives the same sentinel, and a message naming the path, from
// every decoder of the package (ParseConfig; the enumerations' UnmarshalText
// through a Result).
func TestParseConfigBadJSON(t *testing.T) {
	good := `{"profiles":[{"name":"p","groups":[{"name":"g","weight":1,"measures":[{"name":"m","signal":"x","weight":1,"ramp":{"bad":0,"good":1}}]}]}]}`
	tests := []struct {
		name string
		in   string
		want error  // nil: accepted
		path string // in the message
	}{
		// A key the format does not have.
		{"unknown key", strings.Replace(good, `"weight":1,"measures"`, `"weight":1,"colour":"red","measures"`, 1), cs.ErrUnknownField, "profiles[0].groups[0].colour"},
		// A key given twice is refused rather than silently overwritten.
		{"duplicate key", strings.Replace(good, `"name":"p"`, `"name":"p","name":"q"`, 1), cs.ErrDuplicateKey, "profiles[0].name"},
		// A string where a number belongs.
		{"wrong type", strings.Replace(good, `"weight":1,"measures"`, `"weight":"1","measures"`, 1), cs.ErrWrongType, "profiles[0].groups[0].weight"},
		// 10,000 levels of nesting: refused at the depth limit, not a stack overflow.
		{"deep nesting", `{"version":` + strings.Repeat("[", 10_000) + strings.Repeat("]", 10_000) + `}`, cs.ErrSyntax, "version"},
		// A byte-order mark, as a text editor may save it: accepted.
		{"BOM", "\ufeff" + good, nil, ""},
		// Data after the document.
		{"trailing data", good + ` {}`, cs.ErrSyntax, "$"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParseConfig([]byte(tc.in))
			if tc.want == nil {
				if err != nil {
					t.Fatalf("ParseConfig = %v, want nil", err)
				}
				return
			}
			if !errors.Is(err, tc.want) || !errors.Is(err, ErrInvalidConfig) {
				t.Fatalf("ParseConfig = %v, want %v and ErrInvalidConfig", err, tc.want)
			}
			if !strings.HasPrefix(err.Error(), "health: invalid configuration: "+tc.path) || len(err.Error()) > 1024 {
				t.Errorf("ParseConfig = %q, want it to name %s", err, tc.path)
			}
		})
	}
	// A stored Result read back with encoding/json, as a user would: an unknown
	// enumeration word is refused with the same syntax sentinel.
	var r Result
	err := json.Unmarshal([]byte(`{"measures":[{"status":"gone"}]}`), &r)
	if !errors.Is(err, cs.ErrSyntax) || !strings.Contains(err.Error(), `status: "gone"`) {
		t.Errorf("an unknown status word: %v", err)
	}
}

// allocated returns the bytes f allocates.
func allocated(f func()) uint64 {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	f()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

type repeatReader string

func (r repeatReader) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = r[i%len(r)]
	}
	return len(p), nil
}

// hugeLine is a header, a good row, a 100 MB row and another good row, streamed
// without holding the 100 MB.
func hugeLine(header, good1, good2 string) io.Reader {
	return io.MultiReader(strings.NewReader(header+good1), io.LimitReader(repeatReader("x"), 100<<20), strings.NewReader("\n"+good2))
}

// A 100 MB line is one short error at its line, read without holding it, and the
// lines after it keep coming.
func TestReadersRefuseHugeLines(t *testing.T) {
	if raceEnabled || testing.Short() {
		t.Skip("100 MB and million-entry inputs: run without -race and -short")
	}
	for _, tc := range []struct {
		name string
		read func(io.Reader) ([]string, []error)
		in   io.Reader
	}{
		{"outcomes", func(r io.Reader) (ids []string, errs []error) {
			for o, err := range ReadOutcomes(r, "huge.csv") {
				if err != nil {
					errs = append(errs, err)
				} else {
					ids = append(ids, o.ID)
				}
			}
			return ids, errs
		}, hugeLine("id,churned\n", "c1,1\n", "c2,0\n")},
		{"lifetimes", func(r io.Reader) (ids []string, errs []error) {
			for lt, err := range ReadLifetimes(r, "huge.csv") {
				if err != nil {
					errs = append(errs, err)
				} else {
					ids = append(ids, lt.ID)
				}
			}
			return ids, errs
		}, hugeLine("id,start,end,churned\n", "c1,2026-01-01,2026-02-01,1\n", "c2,2026-01-01,2026-02-01,0\n")},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var ids []string
			var errs []error
			n := allocated(func() { ids, errs = tc.read(tc.in) })
			if fmt.Sprint(ids) != "[c1 c2]" || len(errs) != 1 || !errors.Is(errs[0], cs.ErrTooLong) {
				t.Fatalf("got %v, %v", ids, errs)
			}
			if msg := errs[0].Error(); len(msg) > 256 || !strings.Contains(msg, "huge.csv:3") {
				t.Errorf("error %q", msg)
			}
			if n > 16<<20 {
				t.Errorf("reading allocated %d MB", n>>20)
			}
		})
	}
}

// A configuration with a million bad entries gives an error of a few KB: a
// million category values out of range (found by the validation) and a million
// of the wrong type (found by the decoder). Each list keeps ten problems and
// counts the rest, so what the errors hold does not grow with the input.
func TestParseConfigMillionBadEntries(t *testing.T) {
	if raceEnabled || testing.Short() {
		t.Skip("100 MB and million-entry inputs: run without -race and -short")
	}
	for _, tc := range []struct {
		value string
		want  error
	}{{"200", ErrInvalidConfig}, {`"high"`, cs.ErrWrongType}} {
		var b bytes.Buffer
		b.WriteString(`{"profiles":[{"name":"p","groups":[{"name":"g","weight":1,"measures":[{"name":"m","attribute":"plan","weight":1,` +
			`"categories":{"unknown":"missing","values":{`)
		for i := range 1_000_000 {
			if i > 0 {
				b.WriteByte(',')
			}
			fmt.Fprintf(&b, `"v%d":%s`, i, tc.value)
		}
		b.WriteString(`}}}]}]}]}`)
		_, err := ParseConfig(b.Bytes())
		if !errors.Is(err, tc.want) || len(err.Error()) > 4096 || !strings.HasSuffix(err.Error(), "and 999990 more problems") {
			t.Fatalf("ParseConfig of %d MB: %d bytes: %.300v", b.Len()>>20, len(err.Error()), err)
		}
	}
}

// A 100 MB string value in a configuration is quoted in 64 bytes.
func TestParseConfigHugeValue(t *testing.T) {
	if raceEnabled || testing.Short() {
		t.Skip("100 MB and million-entry inputs: run without -race and -short")
	}
	in := `{"version":` + strings.Repeat("9", 100<<20) + `}`
	_, err := ParseConfig([]byte(in))
	if !errors.Is(err, cs.ErrWrongType) || len(err.Error()) > 512 {
		t.Fatalf("ParseConfig: %d bytes: %.300v", len(err.Error()), err)
	}
}
