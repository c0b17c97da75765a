package csvx

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"runtime"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/successkit/cs/internal/errs"
	"pgregory.net/rapid"
)

type located struct {
	line         int
	field, value string
	err          error
}

func (l *located) Error() string {
	return fmt.Sprintf("%d: %s: %q: %v", l.line, l.field, l.value, l.err)
}
func (l *located) Unwrap() error { return l.err }

func locate(line int, field, value string, err error) error { return &located{line, field, value, err} }

// dump reads every record and writes one line each: the line number and cells,
// or the line number and the kind of error.
func dump(next func() ([]string, int, error)) string {
	var b strings.Builder
	for {
		cells, line, err := next()
		if err == io.EOF {
			return b.String()
		}
		if err != nil {
			kind := "read"
			var pe *csv.ParseError
			switch {
			case errors.As(err, &pe):
				kind = "syntax"
			case errors.Is(err, errs.ErrSyntax):
				kind = "syntax"
			case errors.Is(err, errs.ErrTooLong):
				kind = "toolong"
			}
			fmt.Fprintf(&b, "%d error %s\n", line, kind)
			if kind == "read" {
				return b.String()
			}
			continue
		}
		fmt.Fprintf(&b, "%d %q\n", line, cells)
	}
}

// reference reads text with encoding/csv alone.
func reference(r io.Reader) string {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	return dump(func() ([]string, int, error) {
		cells, err := cr.Read()
		var pe *csv.ParseError
		if errors.As(err, &pe) {
			return nil, pe.StartLine, err
		}
		if err != nil {
			return nil, 0, err
		}
		line, _ := cr.FieldPos(0)
		return cells, line, nil
	})
}

var shapes = []func([]byte) io.Reader{
	func(b []byte) io.Reader { return bytes.NewReader(b) },
	func(b []byte) io.Reader { return iotest.OneByteReader(bytes.NewReader(b)) },
	func(b []byte) io.Reader { return iotest.HalfReader(bytes.NewReader(b)) },
	func(b []byte) io.Reader { return iotest.DataErrReader(bytes.NewReader(b)) },
}

// tb is what check needs of *testing.T and *rapid.T.
type tb interface {
	Helper()
	Fatalf(format string, args ...any)
}

func check(t tb, text string, size, shape int) {
	t.Helper()
	want := reference(strings.NewReader(text))
	r := NewReader(shapes[shape%len(shapes)]([]byte(text)), Options{BufferSize: size}, locate)
	if got := dump(r.Next); got != want {
		t.Fatalf("buffer %d, shape %d, on %q:\ngot:\n%s\nwant (encoding/csv):\n%s", size, shape, text, got, want)
	}
}

// The reader yields what encoding/csv yields, record for record and line for line,
// on the edge cases of encoding/csv's rules and at every reader shape.
func TestMatchesEncodingCSV(t *testing.T) {
	for _, text := range []string{
		"a,b\n\n\nc,d\n\n",
		"a,b\r\n\r\nc,d\r\ne,f\r",
		"a,b",
		"a,x\ry\n",
		"a,\"x\r\ny\"\nc,d\n",
		"a,\"x\"\"y\"\n",
		"a,\"x\"y\nc,d\n",
		"a,x\"y\nc,d\n",
		"a,x\"y\n\"c,d\ne,f\n\"\n",
		"a,\"never closed\nc,d\n",
		"a,\"\n\n\"\nc,d\n",
		"a,\"",
		"\r",
		"\"a\",\"b\"\nc,d\n",
		"\n\na\nb\n",
		"a," + strings.Repeat("long ", 30) + "\nc,\"" + strings.Repeat("quoted\n", 10) + "\"\n",
	} {
		for shape := range shapes {
			for _, size := range []int{16, 64 << 10} {
				check(t, text, size, shape)
			}
		}
	}
}

// Property: the same on generated near-CSV text.
func TestMatchesEncodingCSVProperty(t *testing.T) {
	cell := rapid.OneOf(
		rapid.StringOfN(rapid.SampledFrom([]rune("ab1,.\"\r\n ")), 0, 6, -1),
		rapid.Map(rapid.StringOfN(rapid.SampledFrom([]rune("ab,\"\r\n")), 0, 6, -1), func(s string) string {
			return `"` + strings.ReplaceAll(s, `"`, `""`) + `"`
		}),
	)
	rapid.Check(t, func(t *rapid.T) {
		var b strings.Builder
		for i := range rapid.IntRange(0, 10).Draw(t, "lines") {
			b.WriteString(strings.Join(rapid.SliceOfN(cell, 0, 5).Draw(t, fmt.Sprint("cells", i)), ","))
			b.WriteString(rapid.SampledFrom([]string{"\n", "\n", "\r\n", "\r", ""}).Draw(t, fmt.Sprint("eol", i)))
		}
		check(t, b.String(), rapid.SampledFrom([]int{16, 17, 64, 64 << 10}).Draw(t, "size"), rapid.IntRange(0, 3).Draw(t, "shape"))
	})
}

func FuzzMatchesEncodingCSV(f *testing.F) {
	f.Add([]byte("a,b\n\"c\nd\",e\n"), uint8(0), uint8(0))
	f.Add([]byte("a,\"x\"y\n"), uint8(3), uint8(1))
	f.Fuzz(func(t *testing.T, data []byte, size, shape uint8) {
		if bytes.Count(data, []byte{'"'})%2 == 1 {
			// An unclosed quote ends the input here; encoding/csv's later records
			// differ only in what follows it, checked by TestUnclosedQuote.
			return
		}
		check(t, string(data), 16+int(size), int(shape))
	})
}

// A line over the limit is one error at its line, and the lines after it are read.
func TestLongLine(t *testing.T) {
	text := "a,b\n" + strings.Repeat("x", 5000) + "\nc,d\n" + strings.Repeat("y", 5000)
	for _, size := range []int{16, 4096, 64 << 10} {
		r := NewReader(strings.NewReader(text), Options{MaxRecordBytes: 1000, BufferSize: size}, locate)
		got := dump(r.Next)
		want := "1 [\"a\" \"b\"]\n2 error toolong\n3 [\"c\" \"d\"]\n4 error toolong\n"
		if got != want {
			t.Errorf("buffer %d: got\n%.300s", size, got)
		}
	}
	r := NewReader(strings.NewReader(text), Options{MaxRecordBytes: 1000}, locate)
	r.Next()
	_, line, err := r.Next()
	if !errors.Is(err, errs.ErrTooLong) || line != 2 || len(err.Error()) > 200 {
		t.Errorf("Next = %d, %v", line, err)
	}
}

// An unclosed quote is reported at its line and ends the input, at bounded
// memory whatever follows.
func TestUnclosedQuote(t *testing.T) {
	for _, tail := range []int{10, 50 << 20} {
		text := "a,b\nc,\"open\n" + strings.Repeat("d,e\n", tail/4)
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		r := NewReader(strings.NewReader(text), Options{}, locate)
		r.Next()
		_, line, err := r.Next()
		runtime.ReadMemStats(&after)
		if !errors.Is(err, errs.ErrSyntax) || line != 2 || !strings.Contains(err.Error(), "quote") {
			t.Fatalf("tail %d: Next = %d, %v", tail, line, err)
		}
		if grew := after.TotalAlloc - before.TotalAlloc; grew > 8<<20 {
			t.Errorf("tail %d: allocated %d bytes", tail, grew)
		}
		if _, _, err := r.Next(); err != io.EOF {
			t.Errorf("after the unclosed quote: %v, want io.EOF", err)
		}
	}
}

func TestHeader(t *testing.T) {
	missing := errors.New("missing")
	for _, tc := range []struct {
		name, text string
		want       []string
		err        error
		hint       string
	}{
		{"plain", "id,mrr\nc1,2\n", []string{"id", "mrr"}, nil, ""},
		{"byte-order mark", "\ufeffid,mrr\n", []string{"id", "mrr"}, nil, ""},
		{"empty", "", nil, missing, ""},
		{"UTF-16 LE", "\xff\xfei\x00d\x00\n\x00", nil, errs.ErrSyntax, "UTF-16"},
		{"UTF-16 without mark", "i\x00d\x00,\x00m\x00\n\x00", nil, errs.ErrSyntax, "UTF-16"},
		{"semicolons", "id;name;mrr\nc1;a;2\n", nil, errs.ErrSyntax, "semicolons"},
		{"tabs", "id\tname\n", nil, errs.ErrSyntax, "tabs"},
		{"one column", "id\nc1\n", []string{"id"}, nil, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h, err := NewReader(strings.NewReader(tc.text), Options{}, locate).Header(missing)
			if !errors.Is(err, tc.err) || fmt.Sprint(h) != fmt.Sprint(tc.want) {
				t.Fatalf("Header = %q, %v; want %q, %v", h, err, tc.want, tc.err)
			}
			if err != nil && !strings.Contains(err.Error(), tc.hint) {
				t.Errorf("error %q lacks %q", err, tc.hint)
			}
		})
	}
}

func TestOffset(t *testing.T) {
	text := "a,b\n\"c\nd\",e\nf,g\n"
	r := NewReader(strings.NewReader(text), Options{}, locate)
	for _, want := range []string{"a,b", "\"c\nd\",e", "f,g"} {
		if _, _, err := r.Next(); err != nil {
			t.Fatal(err)
		}
		if got := text[r.Offset():]; !strings.HasPrefix(got, want) {
			t.Errorf("Offset %d points at %q, want %q", r.Offset(), got, want)
		}
	}
}

func TestColumns(t *testing.T) {
	dup, missing := errors.New("dup"), errors.New("missing")
	known := []string{"id", "month", "mrr"}
	idx, err := Columns([]string{"mrr", "id"}, known, []string{"id"}, locate, dup, missing)
	if err != nil || fmt.Sprint(idx) != "[1 -1 0]" {
		t.Fatalf("Columns = %v, %v", idx, err)
	}
	_, err = Columns([]string{"mrr", "mrr", "extra"}, known, []string{"id"}, locate, dup, missing)
	for _, want := range []error{dup, missing, errs.ErrUnknownField} {
		if !errors.Is(err, want) {
			t.Errorf("Columns error %v lacks %v", err, want)
		}
	}
}
