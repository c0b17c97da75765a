package csbeam

import (
	"bytes"
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/successkit/cs"
	"github.com/successkit/cs/internal/csvx"
)

// item is what a reader gives for one record: its cells, or its error, with the
// file line.
type item struct {
	Line  int
	Cells string // the cells joined by "|"; "" for an error
	Err   string
}

// csvItems reads r as csvx reads a whole file (Header, then Next to the end) and
// lists the header and every record, with each line numbered by lineOf.
func csvItems(r *bytes.Reader, max int, lineOf func(int) int) (header item, records []item) {
	rd := csvx.NewReader(r, csvx.Options{MaxRecordBytes: max}, func(line int, field, value string, err error) error {
		return fmt.Errorf("line %d: %s %q: %w", lineOf(line), field, value, err)
	})
	h, err := rd.Header(cs.ErrMissing)
	if err != nil {
		return item{Err: err.Error()}, nil
	}
	header = item{Line: 1, Cells: strings.Join(h, "|")}
	for {
		cells, line, err := rd.Next()
		switch {
		case err == nil:
			records = append(records, item{Line: lineOf(line), Cells: strings.Join(cells, "|")})
		case err == io.EOF:
			return header, records
		default:
			records = append(records, item{Line: lineOf(line), Err: err.Error()})
		}
	}
}

// jsonlItems lists the lines a JSON Lines reader yields an item for (those with
// more than white space, and those over max bytes with their line end), each
// with its text or "(too long)", numbered from first.
func jsonlItems(data []byte, first, max int) []item {
	var out []item
	line := first
	for rest := data; len(rest) > 0; line++ {
		l := rest
		if i := bytes.IndexByte(rest, '\n'); i >= 0 {
			l = rest[:i+1]
		}
		rest = rest[len(l):]
		switch {
		case len(l) > max:
			out = append(out, item{Line: line, Err: "(too long)"})
		case len(bytes.TrimSpace(l)) > 0:
			out = append(out, item{Line: line, Cells: string(bytes.TrimSpace(l))})
		}
	}
	return out
}

// FuzzChunks checks the chunker's contract on any input: reading the chunks one
// by one with the library's CSV reader (csvx), each as its Header followed by its
// Data and with lines numbered by lineOf, gives exactly the records, errors and
// line numbers of reading the file whole: no chunk ends inside a quoted field,
// valid quoting or not, a line over the record limit is still refused at its
// line, a quote left open still ends the reading, and a bad header is reported
// by the first chunk. For JSON Lines, the chunks' lines are the file's.
func FuzzChunks(f *testing.F) {
	for _, s := range []string{
		"id,name\nc1,a\nc2,\"b\nc\"\nc3,\"x\"\"y\"\n",
		"id,name\r\nc1,a\r\n\r\nc2,b\r\n",
		"id,name\nc1,a\"b\nc2,\"b\n\"c\nc3,d\n",               // a bare quote, then a quoted field over two lines
		"id,name\nc1,\"open\nc2,b\nc3,c\n",                    // a quote left open
		"id,name\nc1,\"a\"b,c\nc2,\"\"\"\n\"\n",               // text after a closing quote
		"id,name\nc1," + strings.Repeat("x", 80) + "\nc2,b\n", // a line over the limit
		"\ufeffid,name\n\n\nc1,a\nc2,b",                       // a byte-order mark, blank lines, no final line end
		"id;name\nc1;a\n",                                     // a header separated by semicolons
		"\xff\xfei\x00d\x00\n\x00",                            // UTF-16
		"",
		"id,name\n",
		"\"id\nx\",name\nc1,a\n", // a header over two lines
		"{\"id\":\"c1\"}\n  \n{\"id\":\"c2\"}\n" + strings.Repeat(" ", 70) + "\n",
	} {
		f.Add([]byte(s), uint8(16), uint8(40), false)
		f.Add([]byte(s), uint8(1), uint8(8), false)
		f.Add([]byte(s), uint8(5), uint8(20), true)
	}
	f.Fuzz(func(t *testing.T, data []byte, size, max uint8, jsonl bool) {
		sz, mx := int(size)%64+1, int(max)%60+4
		format := CSV
		if jsonl {
			format = JSONL
		}
		var chunks []Chunk
		if err := splitRecords(bytes.NewReader(data), "f", format, sz, mx, func(c Chunk) { chunks = append(chunks, c) }); err != nil {
			t.Fatalf("splitRecords: %v", err)
		}
		for i, c := range chunks {
			if len(c.Data) == 0 && (jsonl || len(chunks) > 1) {
				t.Fatalf("chunk %d of %d has no data", i, len(chunks))
			}
			if i > 0 && c.FirstLine <= chunks[i-1].FirstLine {
				t.Fatalf("chunk %d starts at line %d, after chunk %d at %d", i, c.FirstLine, i-1, chunks[i-1].FirstLine)
			}
		}
		if jsonl {
			want := jsonlItems(data, 1, mx)
			var got []item
			for _, c := range chunks {
				if c.Header != "" {
					t.Fatalf("JSON Lines chunk with a header %q", c.Header)
				}
				got = append(got, jsonlItems(c.Data, c.FirstLine, mx)...)
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Fatalf("chunks of %q (size %d, max %d): lines (-file +chunks):\n%s", data, sz, mx, diff)
			}
			return
		}
		wantHeader, want := csvItems(bytes.NewReader(data), mx, func(l int) int { return l })
		if len(chunks) == 0 {
			t.Fatalf("no chunk for %q", data)
		}
		var got []item
		for i := range chunks {
			c := &chunks[i]
			if c.first() != (i == 0) {
				t.Fatalf("chunk %d: first() = %v", i, c.first())
			}
			var buf bytes.Buffer
			buf.ReadFrom(c.records())
			header, recs := csvItems(bytes.NewReader(buf.Bytes()), mx, c.lineOf)
			if header != wantHeader {
				t.Fatalf("chunk %d of %q (size %d, max %d): header %+v, file's %+v", i, data, sz, mx, header, wantHeader)
			}
			got = append(got, recs...)
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Fatalf("chunks of %q (size %d, max %d): records (-file +chunks):\n%s", data, sz, mx, diff)
		}
	})
}

// TestChunksKeepLongLinesShort: a line far over the record limit is held cut,
// so a chunk stays near its size, and the chunk's reader still refuses that line
// at its number, as the whole file's reader does.
func TestChunksKeepLongLinesShort(t *testing.T) {
	data := "id,name\nc1,a\nc2," + strings.Repeat("x", 10<<20) + "\nc3,b\n"
	var chunks []Chunk
	if err := splitRecords(strings.NewReader(data), "f", CSV, 1<<10, maxRecordBytes, func(c Chunk) { chunks = append(chunks, c) }); err != nil {
		t.Fatal(err)
	}
	var got []item
	for i := range chunks {
		if n := len(chunks[i].Data); n > 1<<10+maxRecordBytes+64<<10 {
			t.Errorf("chunk %d holds %d bytes", i, n)
		}
		var buf bytes.Buffer
		buf.ReadFrom(chunks[i].records())
		_, recs := csvItems(bytes.NewReader(buf.Bytes()), 0, chunks[i].lineOf)
		got = append(got, recs...)
	}
	_, want := csvItems(bytes.NewReader([]byte(data)), 0, func(l int) int { return l })
	if diff := cmp.Diff(want, got); diff != "" || len(want) != 3 {
		t.Errorf("records (-file +chunks):\n%s", diff)
	}
}
