package cs

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"runtime"
	"strings"
	"testing"
)

// allocated returns the bytes f allocates.
func allocated(f func()) uint64 {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	f()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

// hugeInput is a header, a good row, a 100 MB row and another good row, streamed
// without holding the 100 MB.
func hugeInput(header, good1, filler, good2 string) io.Reader {
	return io.MultiReader(strings.NewReader(header+good1),
		io.LimitReader(repeatReader(filler), 100<<20), strings.NewReader("\n"+good2))
}

type repeatReader string

func (r repeatReader) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = r[i%len(r)]
	}
	return len(p), nil
}

// A 100 MB line is one bounded error at its line, read without being held; the
// rows after it still arrive.
func TestReadersRefuseHugeLines(t *testing.T) {
	for _, tc := range []struct {
		name string
		read func(io.Reader) ([]string, []error)
		in   io.Reader
	}{
		{"CSV", func(r io.Reader) ([]string, []error) { return collect(ReadCustomersCSV(r, "huge.csv")) },
			hugeInput("id,name\n", "c1,a\n", "x", "c2,b\n")},
		{"JSON Lines", func(r io.Reader) ([]string, []error) { return collect(ReadCustomersJSONL(r, "huge.jsonl")) },
			hugeInput("", `{"id":"c1"}`+"\n", "x", `{"id":"c2"}`+"\n")},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var ids []string
			var errs []error
			n := allocated(func() { ids, errs = tc.read(tc.in) })
			if fmt.Sprint(ids) != "[c1 c2]" || len(errs) != 1 || !errors.Is(errs[0], ErrTooLong) {
				t.Fatalf("got %v, %v", ids, errs)
			}
			if msg := errs[0].Error(); len(msg) > 200 || !strings.Contains(msg, ":3: ") && !strings.Contains(msg, ":2: ") {
				t.Errorf("error %q", msg)
			}
			if n > 16<<20 {
				t.Errorf("reading allocated %d MB", n>>20)
			}
		})
	}
}

// A quote left open on line 2 of a large file is one error at line 2, and the rest
// of the file is not buffered as one field.
func TestReadCSVUnclosedQuote(t *testing.T) {
	in := io.MultiReader(strings.NewReader("id,name\nc1,\"open\n"), io.LimitReader(repeatReader("c9,x\n"), 100<<20))
	var ids []string
	var errs []error
	n := allocated(func() { ids, errs = collect(ReadCustomersCSV(in, "q.csv")) })
	if len(ids) != 0 || len(errs) != 1 || !errors.Is(errs[0], ErrSyntax) || !strings.HasPrefix(errs[0].Error(), "q.csv:2: ") {
		t.Fatalf("got %v, %v", ids, errs)
	}
	if n > 16<<20 {
		t.Errorf("reading allocated %d MB", n>>20)
	}
}

func collect(seq func(func(Customer, error) bool)) (ids []string, errs []error) {
	for c, err := range seq {
		if err != nil {
			errs = append(errs, err)
			continue
		}
		ids = append(ids, c.ID)
	}
	return ids, errs
}

// A customer with a hundred thousand bad signals gives a message of a few KB.
func TestValidateBoundedError(t *testing.T) {
	c := Customer{ID: "c1", Signals: Signals{}}
	for i := range 100_000 {
		c.Signals[fmt.Sprint("s", i)] = nanValue()
	}
	err := c.Validate()
	if !errors.Is(err, ErrNotFinite) || len(err.Error()) > 4096 || !strings.HasSuffix(err.Error(), "and 99990 more problems") {
		t.Fatalf("Validate: %d bytes: %.300v", len(err.Error()), err)
	}
}

func nanValue() float64 { var z float64; return z / z }

// BenchmarkDuplicateCheck reads a million customer IDs from a file-like reader and
// reports the heap the duplicate-ID check holds per ID at the end of the read
// ("bytes/id", budget 16; the IDs themselves are 17 bytes each here, and a map
// keeping them costs several times that).
func BenchmarkDuplicateCheck(b *testing.B) {
	const n = 1_000_000
	var buf bytes.Buffer
	buf.WriteString("id\n")
	for i := range n {
		fmt.Fprintf(&buf, "customer-%08d\n", i)
	}
	data := buf.Bytes()
	b.ReportAllocs()
	var perID float64
	for b.Loop() {
		var base, end runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&base)
		i := 0
		for _, err := range ReadCustomersCSV(bytes.NewReader(data), "ids.csv") {
			if err != nil {
				b.Fatal(err)
			}
			if i++; i == n {
				runtime.GC()
				runtime.ReadMemStats(&end)
			}
		}
		perID = float64(int64(end.HeapInuse)-int64(base.HeapInuse)) / n
	}
	b.ReportMetric(perID, "bytes/id")
	if perID > 16 {
		b.Errorf("the duplicate check holds %.1f bytes per ID, budget 16", perID)
	}
}
