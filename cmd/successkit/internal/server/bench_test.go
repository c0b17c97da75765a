package server

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"testing"
	"time"

	"github.com/successkit/cs"
	"github.com/successkit/cs/examples/samplebook"
	"github.com/successkit/cs/health"
)

// BenchmarkBatchScoreHTTP compares batch scoring over HTTP on loopback
// (1,000 customers per request, decoded, scored and encoded with their full
// explanation) with in-process Score on the same, already decoded customers,
// in the same run. Budget: HTTP reaches at least 50% of the in-process
// throughput (x-ref ≥ 0.5).
func BenchmarkBatchScoreHTTP(b *testing.B) {
	const n = 1000
	book := samplebook.MustGenerate(samplebook.Config{Customers: n})
	asOf := cs.MustParseDate("2026-06-30")
	sc, err := health.Compile(health.SampleConfig())
	if err != nil {
		b.Fatal(err)
	}
	body, _ := json.Marshal(map[string]any{"as_of": asOf, "customers": book.Customers})

	e := newEnv(b, Limits{Rate: 1e9})
	e.srv.scorer = sc
	url := e.URL + "/v1/score/batch"
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 4}}

	var ref, got float64 // customers per second
	b.Run("in-process", func(b *testing.B) {
		b.ReportAllocs()
		var r health.Result
		start := time.Now()
		for i := 0; i < b.N; i++ {
			for j := range book.Customers {
				if err := sc.ScoreInto(&r, &book.Customers[j], asOf); err != nil {
					b.Fatal(err)
				}
				_ = r.Reasons()
			}
		}
		ref = float64(b.N*n) / time.Since(start).Seconds()
		b.ReportMetric(ref, "customers/s")
	})
	b.Run("http", func(b *testing.B) {
		b.ReportAllocs()
		b.SetBytes(int64(len(body)))
		start := time.Now()
		for i := 0; i < b.N; i++ {
			req, _ := http.NewRequest("POST", url, bytes.NewReader(body))
			req.Header.Set("Authorization", "Bearer "+e.read)
			req.Header.Set("Content-Type", "application/json")
			res, err := client.Do(req)
			if err != nil {
				b.Fatal(err)
			}
			m, _ := io.Copy(io.Discard, res.Body)
			res.Body.Close()
			if res.StatusCode != 200 || m < int64(n)*1000 {
				b.Fatalf("status %d, %d bytes", res.StatusCode, m)
			}
		}
		got = float64(b.N*n) / time.Since(start).Seconds()
		b.ReportMetric(got, "customers/s")
		if ref > 0 {
			b.ReportMetric(got/ref, "x-ref")
			if got/ref < 0.5 {
				b.Errorf("HTTP batch scoring reached %.2f of in-process Score throughput; budget ≥ 0.5", got/ref)
			}
		}
	})
}
