package cs

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"io"
	"runtime"
	"testing"
	"time"
)

// benchBook returns n customers with 10 signals each: 8 base columns and 10 signal
// columns, a typical export of a CS platform.
func benchBook(n int) []Customer {
	book := make([]Customer, n)
	start := MustParseDate("2024-01-15")
	currencies := []string{"USD", "USD", "USD", "EUR", "JPY"}
	for i := range book {
		cur := Currency(currencies[i%len(currencies)])
		mrr, _ := MoneyFromMinor(int64(1000+i*37%500000), cur)
		s := start.AddDays(i % 700)
		book[i] = Customer{
			ID:            fmt.Sprintf("cust-%07d", i),
			Name:          fmt.Sprintf("Customer %d Inc.", i),
			Segment:       []string{"smb", "mid_market", "enterprise"}[i%3],
			Stage:         Stage(1 + i%5),
			ContractStart: s,
			RenewalDate:   s.AddMonths(12),
			MRR:           mrr,
			Signals: Signals{
				"usage": float64(i%100) / 100, "usage_trend": -0.25 + float64(i%50)/100,
				"seats_used": float64(i % 40), "seats_purchased": 50,
				"seat_utilization": float64(i%40) / 50, "logins_30d": float64(i % 300),
				"days_since_login": float64(i % 60), "feature_adoption": float64(i%10) / 10,
				"nps": float64(i % 11), "tickets_90d": float64(i % 7),
			},
		}
	}
	return book
}

func benchCSV(b *testing.B, n int) []byte {
	var buf bytes.Buffer
	if err := WriteCustomersCSV(&buf, benchBook(n)); err != nil {
		b.Fatal(err)
	}
	return buf.Bytes()
}

// BenchmarkReadCustomersCSV reads 8 base and 10 signal columns and, in the same
// run, encoding/csv reads the same bytes into strings (no decimals, dates, floats,
// maps or checks): the reader must stay within 2x of that raw reading
// ("x-encoding/csv").
func BenchmarkReadCustomersCSV(b *testing.B) {
	const rows = 10000
	data := benchCSV(b, rows)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	var (
		ref, lib      time.Duration
		mallocs       uint64
		before, after runtime.MemStats
	)
	for b.Loop() {
		start := time.Now()
		cr := csv.NewReader(bytes.NewReader(data))
		n := 0
		for {
			_, err := cr.Read()
			if err == io.EOF {
				break
			}
			if err != nil {
				b.Fatal(err)
			}
			n++
		}
		ref += time.Since(start)
		runtime.ReadMemStats(&before)
		start = time.Now()
		m := 0
		for _, err := range ReadCustomersCSV(bytes.NewReader(data), "bench.csv") {
			if err != nil {
				b.Fatal(err)
			}
			m++
		}
		lib += time.Since(start)
		runtime.ReadMemStats(&after)
		mallocs += after.Mallocs - before.Mallocs
		if n != rows+1 || m != rows {
			b.Fatalf("read %d and %d rows, want %d", n, m, rows)
		}
	}
	ratio := float64(lib) / float64(ref)
	b.ReportMetric(float64(rows*b.N)/lib.Seconds(), "rows/s")
	b.ReportMetric(ratio, "x-encoding/csv")
	b.ReportMetric(float64(mallocs)/float64(rows*b.N), "lib-allocs/row")
	if ratio > 2 {
		b.Errorf("ReadCustomersCSV takes %.2fx encoding/csv on the same bytes, budget 2x", ratio)
	}
}

// BenchmarkReadCustomersCSVQuoted reads the same book with every name quoted (it
// holds a comma), so every row takes encoding/csv's exact path.
func BenchmarkReadCustomersCSVQuoted(b *testing.B) {
	const rows = 10000
	book := benchBook(rows)
	for i := range book {
		book[i].Name = fmt.Sprintf("Customer %d, Inc.", i)
	}
	var buf bytes.Buffer
	if err := WriteCustomersCSV(&buf, book); err != nil {
		b.Fatal(err)
	}
	data := buf.Bytes()
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		n := 0
		for _, err := range ReadCustomersCSV(bytes.NewReader(data), "bench.csv") {
			if err != nil {
				b.Fatal(err)
			}
			n++
		}
		if n != rows {
			b.Fatalf("read %d rows, want %d", n, rows)
		}
	}
	b.ReportMetric(float64(rows*b.N)/b.Elapsed().Seconds(), "rows/s")
}

// BenchmarkWriteCustomersCSV writes the same book.
func BenchmarkWriteCustomersCSV(b *testing.B) {
	const rows = 10000
	book := benchBook(rows)
	b.ReportAllocs()
	for b.Loop() {
		if err := WriteCustomersCSV(io.Discard, book); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(rows*b.N)/b.Elapsed().Seconds(), "rows/s")
}

// The reader's allocation budget: the line, the MRR's big.Int (two) and the signal
// map (four, for 10 signals), 7 allocations a row; the duplicate check keeps short
// IDs by value and allocates nothing per row. One more is tolerated; a regression to
// one allocation per cell (18 and more) fails.
func TestReadCustomersCSVAllocations(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteCustomersCSV(&buf, benchBook(200)); err != nil {
		t.Fatal(err)
	}
	data := buf.Bytes()
	perRow := testing.AllocsPerRun(5, func() {
		for _, err := range ReadCustomersCSV(bytes.NewReader(data), "bench.csv") {
			if err != nil {
				t.Fatal(err)
			}
		}
	}) / 200
	if perRow > 8 {
		t.Errorf("ReadCustomersCSV allocates %.1f times a row, want at most 8", perRow)
	}
}
