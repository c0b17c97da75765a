package server

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"testing"
	"time"

	"github.com/successkit/cs"
	"github.com/successkit/cs/cmd/successkit/internal/load"
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

// BenchmarkScoreLatency500 sends single-customer scoring requests at 500 a
// second for 10 s (after a 2 s warm-up) from the open-loop load generator
// on loopback, and reports the p50, p99 and max latencies, measured from
// when each request was due. Budget: p99 under 5 ms and no error (x-budget
// is p99 ÷ 5 ms). Run it with -benchtime 1x: one run is one measurement.
func BenchmarkScoreLatency500(b *testing.B) {
	e := newEnv(b, Limits{Rate: 1e6})
	body := []byte(`{"as_of":"2026-06-30","customer":` + oneCustomer + `}`)
	for i := 0; i < b.N; i++ {
		res, err := load.Run(context.Background(), load.Config{URL: e.URL + "/v1/score", Body: body, Token: e.read,
			Rate: 500, Duration: 10 * time.Second, Warmup: 2 * time.Second})
		if err != nil {
			b.Fatal(err)
		}
		b.Logf("%v", res)
		ms := func(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
		b.ReportMetric(ms(res.P50), "p50-ms")
		b.ReportMetric(ms(res.P99), "p99-ms")
		b.ReportMetric(ms(res.Max), "max-ms")
		b.ReportMetric(float64(res.Errors), "errors")
		b.ReportMetric(ms(res.P99)/5, "x-budget")
		if res.Errors > 0 || res.P99 > 5*time.Millisecond {
			b.Errorf("p99 %v (budget 5 ms), %d errors", res.P99, res.Errors)
		}
	}
}
