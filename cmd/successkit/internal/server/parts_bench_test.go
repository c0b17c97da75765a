package server

import (
	"encoding/json"
	"testing"

	"github.com/successkit/cs"
	"github.com/successkit/cs/health"
)

// BenchmarkBatchParts times the parts of a batch request per customer:
// splitting the body, decoding a customer, scoring, the reasons and
// encoding, beside Score.
func BenchmarkBatchParts(b *testing.B) {
	custs := fixtureBook().Customers[:100]
	body, _ := json.Marshal(map[string]any{"as_of": "2026-06-30", "customers": custs})
	_, raws, ok := splitBatch(body)
	if !ok {
		b.Fatal("not plain")
	}
	sc, _ := health.Compile(health.SampleConfig())
	asOf := cs.MustParseDate("2026-06-30")
	results := make([]health.Result, len(custs))
	for i := range custs {
		results[i], _ = sc.Score(&custs[i], asOf)
	}
	per := func(b *testing.B) {
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(custs)), "ns/customer")
	}
	b.Run("score", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			for j := range custs {
				sc.Score(&custs[j], asOf)
			}
		}
		per(b)
	})
	b.Run("split", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			splitBatch(body)
		}
		per(b)
	})
	b.Run("decode", func(b *testing.B) {
		names := map[string]string{}
		sig, att := cs.Signals{}, cs.Attributes{}
		for i := 0; i < b.N; i++ {
			for _, raw := range raws {
				clear(sig)
				clear(att)
				c := cs.Customer{Signals: sig, Attributes: att}
				if !plainCustomer(raw, &c, names) {
					b.Fatal("slow path")
				}
			}
		}
		per(b)
	})
	b.Run("reasons", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			for j := range results {
				results[j].Reasons()
			}
		}
		per(b)
	})
	for _, full := range []bool{true, false} {
		name := "encode-reasons"
		if full {
			name = "encode-full"
		}
		b.Run(name, func(b *testing.B) {
			var fc floatCache
			buf := make([]byte, 0, 1<<20)
			for i := 0; i < b.N; i++ {
				buf = buf[:0]
				for j := range results {
					buf, _ = appendResult(buf, j, &results[j], &fc, full)
				}
			}
			per(b)
		})
	}
}
