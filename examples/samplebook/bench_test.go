package samplebook_test

import (
	"io"
	"testing"

	"github.com/successkit/cs/examples/samplebook"
)

// BenchmarkGenerateDefault generates the default book (2,000 customers, 24 months);
// it should take under one second.
func BenchmarkGenerateDefault(b *testing.B) {
	b.ReportAllocs()
	n := 0
	for b.Loop() {
		book, err := samplebook.Generate(samplebook.Config{})
		if err != nil {
			b.Fatal(err)
		}
		n += len(book.Customers)
	}
	b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "customers/s")
}

// BenchmarkWriteDefault writes every file of the default book.
func BenchmarkWriteDefault(b *testing.B) {
	book := samplebook.MustGenerate(samplebook.Config{})
	b.ReportAllocs()
	rows := 0
	for b.Loop() {
		for _, f := range samplebook.Files() {
			if err := book.WriteCSV(io.Discard, f); err != nil {
				b.Fatal(err)
			}
		}
		rows += len(book.Customers) + len(book.Snapshots) + len(book.MRR) + len(book.Contacts) + len(book.CaseEvents) + len(book.Surveys) + len(book.Outcomes)
	}
	b.ReportMetric(float64(rows)/b.Elapsed().Seconds(), "rows/s")
}
