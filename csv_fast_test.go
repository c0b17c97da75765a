package cs

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/successkit/cs/internal/csvx"

	"pgregory.net/rapid"
)

// recordsText writes out, one line per record, everything a CSV read yields: line,
// customer (signals bit for bit, keys sorted), extra cells and error text, so two
// reads can be compared byte for byte.
func recordsText(seq func(func(CSVRecord, error) bool)) string {
	var b strings.Builder
	for rec, err := range seq {
		c := rec.Customer
		if fe := (*FieldError)(nil); errors.As(err, &fe) && fe.Field == "" {
			rec.Line = 0 // a read error: the fast reader also names the line it was on
		}
		fmt.Fprintf(&b, "%d %q %q %q %d %v %v %q %q", rec.Line, c.ID, c.Name, c.Segment, c.Stage,
			c.ContractStart, c.RenewalDate, c.MRR.amount.String(), c.MRR.currency)
		for _, k := range slices.Sorted(func(yield func(string) bool) {
			for k := range c.Signals {
				if !yield(k) {
					return
				}
			}
		}) {
			fmt.Fprintf(&b, " s%q=%#x", k, math.Float64bits(c.Signals[k]))
		}
		for _, k := range c.Attributes.Names() {
			fmt.Fprintf(&b, " a%q=%q", k, c.Attributes[k])
		}
		fmt.Fprintf(&b, " x%q", rec.Extra)
		switch {
		case errors.Is(err, ErrSyntax):
			// encoding/csv and the fast reader word a syntax error differently
			// (the fast reader says a quote is never closed); its line must agree.
			fmt.Fprintf(&b, " syntax error")
		case err != nil:
			var fe *FieldError
			if errors.As(err, &fe) && fe.Field == "" {
				// A read error: the fast reader also names the line it was on.
				err = fe.Err
			}
			fmt.Fprintf(&b, " err %T %v %q", err, errors.As(err, &fe), err.Error())
		}
		b.WriteByte('\n')
	}
	return b.String()
}

// readerShapes wraps a text's reader the ways a caller's reader may behave: whole,
// a byte at a time, half of each request, with the last data and io.EOF together,
// and failing with an error after the text.
var readerShapes = []struct {
	name string
	wrap func([]byte) io.Reader
}{
	{"whole", func(b []byte) io.Reader { return bytes.NewReader(b) }},
	{"one byte", func(b []byte) io.Reader { return iotest.OneByteReader(bytes.NewReader(b)) }},
	{"half", func(b []byte) io.Reader { return iotest.HalfReader(bytes.NewReader(b)) }},
	{"data and EOF", func(b []byte) io.Reader { return iotest.DataErrReader(bytes.NewReader(b)) }},
	{"read error", func(b []byte) io.Reader {
		return io.MultiReader(bytes.NewReader(b), iotest.ErrReader(errors.New("disk on fire")))
	}},
}

// checkSameAsReference reads data with ReadCSV, at the given buffer size and
// reader shape, and with the encoding/csv reference reader, and fails unless both
// yield the same records and errors.
func checkSameAsReference(t tb, data []byte, opts CSVOptions, size int, shape int) {
	t.Helper()
	sh := readerShapes[shape%len(readerShapes)]
	want := recordsText(opts.readCSVReference(sh.wrap(data), "f.csv"))
	got := recordsText(opts.readCSV(sh.wrap(data), "f.csv", csvx.Options{BufferSize: size}))
	if got != want {
		t.Fatalf("buffer %d, %s reader, on %q:\ngot:\n%s\nwant (encoding/csv):\n%s", size, sh.name, data, got, want)
	}
}

// The fast reader agrees with the encoding/csv reference on hand-picked texts:
// every fuzz seed, the stored fuzz corpus, and the edge cases of encoding/csv's
// rules, at every reader shape and with lines longer than the buffer.
func TestReadCSVMatchesReference(t *testing.T) {
	texts := slices.Clone(csvSeeds)
	texts = append(texts,
		csvHeader+"\n\n\nc1,,,,,,,,1,\n\n",                             // empty lines are skipped and counted
		csvHeader+"\r\n\r\nc1,,,,,,,,1,\r\nc2,,,,,,,,2,\r",             // CR LF lines, a CR before EOF
		csvHeader+"c1,,,,,,,,1,",                                       // no final newline
		csvHeader+"c1,a\rb,,,,,,,1,\n",                                 // a lone CR inside a cell
		csvHeader+"c1,\"a\r\nb\",,,,,,,1,\nc2,,,,,,,,,\n",              // CR LF inside quotes
		csvHeader+"c1,\"a\"\"b\",,,,,,,1,\n",                           // an escaped quote
		csvHeader+"c1,\"a\"b,,,,,,,1,\nc2,,,,,,,,,\n",                  // text after a closing quote
		csvHeader+"c1,a\"b,,,,,,,1,\nc2,,,,,,,,,\n",                    // a bare quote
		csvHeader+"c1,a\"b,,,,,,,1,\n\"c2,,,,,,,,,\nc3,,,,,,,,,\n\"\n", // a bare quote, then a quote opening three lines
		csvHeader+"c1,\"never closed,,,,,,,,\nc2,,,,,,,,,\n",           // an unterminated quote runs to EOF
		csvHeader+"c1,\"\n\n\",,,,,,,,\nc2,,,,,,,,,\n",                 // empty lines inside quotes
		csvHeader+"\"c1\",,,,,,,,,\nc1,,,,,,,,,\n",                     // a duplicate after a quoted ID
		csvHeader+"c1,,,,,,,,,\"",                                      // a quote opened at EOF
		csvHeader+"c1,,,,,,,,,\r",                                      // a lone CR at EOF
		csvHeader+"\r",                                                 // only a CR after the header
		"\"id\",\"signal.x\"\nc1,1\n\"c2\",2\n",                        // a quoted header
		"\"id\nc1\n",                                                   // an unterminated header
		"\n\nid\nc1\n",                                                 // empty lines before the header
		"id,attr.x\nc1,"+strings.Repeat("long ", 30)+"\nc2,\""+strings.Repeat("quoted\n", 10)+"\"\n",
	)
	if entries, err := os.ReadDir(filepath.Join("testdata", "fuzz", "FuzzReadCustomersCSV")); err == nil {
		for _, e := range entries {
			b, err := os.ReadFile(filepath.Join("testdata", "fuzz", "FuzzReadCustomersCSV", e.Name()))
			if err != nil {
				t.Fatal(err)
			}
			// The corpus file format: "go test fuzz v1" then []byte("...").
			s := string(b)
			if i := strings.Index(s, "[]byte("); i >= 0 {
				var text string
				if _, err := fmt.Sscanf(strings.TrimSuffix(strings.TrimSpace(s[i+len("[]byte("):]), ")"), "%q", &text); err == nil {
					texts = append(texts, text)
				}
			}
		}
	}
	for _, text := range texts {
		for shape := range readerShapes {
			for _, size := range []int{16, 64 << 10} {
				checkSameAsReference(t, []byte(text), CSVOptions{}, size, shape)
				checkSameAsReference(t, []byte(text), CSVOptions{AllowDuplicateIDs: true}, size, shape)
			}
		}
	}
}

// genCSVText generates near-CSV text: lines of cells that are plain, quoted, badly
// quoted, multi-line, with CR LF or a lone CR, empty lines, wrong cell counts and
// bad values.
func genCSVText() *rapid.Generator[string] {
	cell := rapid.OneOf(
		rapid.SampledFrom([]string{"", "c1", "c2", "Acme", "0.5", "-0", "1e3", "NaN", "x", "12.00", "USD", "JPY",
			"2026-01-01", "2025-13-01", "adoption", "renewal", "  lead"}),
		rapid.StringOfN(rapid.SampledFrom([]rune("ab1,.\"\r\n ")), 0, 6, -1),
		rapid.Map(rapid.StringOfN(rapid.SampledFrom([]rune("ab,\"\r\n")), 0, 6, -1), func(s string) string {
			return `"` + strings.ReplaceAll(s, `"`, `""`) + `"`
		}),
	)
	line := rapid.Map(rapid.SliceOfN(cell, 0, 11), func(cells []string) string { return strings.Join(cells, ",") })
	eol := rapid.SampledFrom([]string{"\n", "\n", "\n", "\r\n", "\r", ""})
	return rapid.Custom(func(t *rapid.T) string {
		var b strings.Builder
		if rapid.Bool().Draw(t, "stdHeader") {
			b.WriteString(csvHeader)
		} else {
			b.WriteString(line.Draw(t, "header") + eol.Draw(t, "headerEOL"))
		}
		for i := range rapid.IntRange(0, 12).Draw(t, "lines") {
			b.WriteString(line.Draw(t, fmt.Sprint("line", i)))
			b.WriteString(eol.Draw(t, fmt.Sprint("eol", i)))
		}
		return b.String()
	})
}

// Property (reader speed): the fast reader yields exactly what the
// encoding/csv reference yields — records, lines, customers and error texts —
// whatever the text, the reader's shape and the buffer size.
func TestReadCSVMatchesReferenceProperty(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		var text string
		if rapid.IntRange(0, 3).Draw(t, "source") == 0 {
			// What the writer produces: quoted cells with commas, quotes, CR LF and
			// line breaks, mixed with plain rows.
			var buf bytes.Buffer
			if err := WriteCustomersCSV(&buf, genBook().Draw(t, "book")); err != nil {
				t.Fatalf("WriteCustomersCSV: %v", err)
			}
			text = buf.String()
		} else {
			text = genCSVText().Draw(t, "text")
		}
		size := rapid.SampledFrom([]int{16, 17, 64, 64 << 10}).Draw(t, "size")
		shape := rapid.IntRange(0, len(readerShapes)-1).Draw(t, "shape")
		checkSameAsReference(t, []byte(text), CSVOptions{}, size, shape)
	})
}

// FuzzReadCSVMatchesReference holds the fast reader to the encoding/csv reference
// on arbitrary bytes, reader shapes and buffer sizes.
func FuzzReadCSVMatchesReference(f *testing.F) {
	for i, s := range csvSeeds {
		f.Add([]byte(s), uint8(i), uint8(i))
	}
	f.Fuzz(func(t *testing.T, data []byte, size, shape uint8) {
		checkSameAsReference(t, data, CSVOptions{}, 16+int(size), int(shape))
	})
}

// Property: idIndex answers as a plain map[string]int would, whether it confirms
// hash matches by reading again or keeps the IDs, and even when every ID has the
// same hash.
func TestIDIndexMatchesMapProperty(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		pool := rapid.SliceOfN(rapid.StringOfN(rapid.SampledFrom([]rune("a\x00é")), 0, 4, -1), 1, 10).Draw(t, "pool")
		var delivered []string // ID of each line, 1-based
		confirm := func(line int) (string, bool) { return delivered[line-1], true }
		var s *idIndex
		switch rapid.IntRange(0, 2).Draw(t, "mode") {
		case 0:
			s = newIDIndex(nil)
		case 1:
			s = newIDIndex(confirm)
		default:
			s = newIDIndex(confirm)
			s.constHash = true
		}
		ref := map[string]int{}
		n := rapid.IntRange(1, 3000).Draw(t, "n")
		for line := 1; line <= n; line++ {
			id := rapid.SampledFrom(pool).Draw(t, "id")
			delivered = append(delivered, id)
			first, added := s.add(id, line)
			wantFirst, seen := ref[id]
			if !seen {
				ref[id], wantFirst = line, line
			}
			if added == seen || first != wantFirst {
				t.Fatalf("add(%q, %d) = %d, %v; want %d, %v", id, line, first, added, wantFirst, !seen)
			}
		}
	})
}
