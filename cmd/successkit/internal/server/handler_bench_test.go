package server

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/successkit/cs"
	"github.com/successkit/cs/health"
)

// BenchmarkScoreOneHandler is the server's own cost of one scoring request,
// without the network: authentication, rate limit, decoding, scoring,
// encoding, logging and metrics, beside Score alone.
func BenchmarkScoreOneHandler(b *testing.B) {
	e := newEnv(b, Limits{Rate: 1e9})
	body := []byte(`{"as_of":"2026-06-30","customer":` + oneCustomer + `}`)
	h := e.srv.Handler()
	b.Run("handler", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			req := httptest.NewRequest("POST", "/v1/score", bytes.NewReader(body))
			req.Header.Set("Authorization", "Bearer "+e.read)
			req.Header.Set("Content-Type", "application/json")
			w := httptest.NewRecorder()
			h.ServeHTTP(w, req)
			if w.Code != http.StatusOK {
				b.Fatal(w.Code, w.Body.String())
			}
		}
	})
	b.Run("authenticate", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			if _, err := e.st.Authenticate(b.Context(), e.read); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("score", func(b *testing.B) {
		var c cs.Customer
		c.UnmarshalJSON([]byte(oneCustomer))
		sc := e.srv.scorer
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			r, _ := sc.Score(&c, cs.MustParseDate("2026-06-30"))
			_ = r.Reasons()
		}
		_ = health.Result{}
	})
}

// BenchmarkBatchHandler is the server's own cost of a batch of 1,000
// customers, without the network, beside in-process Score of the same
// customers: what the batch budget has to work with.
func BenchmarkBatchHandler(b *testing.B) {
	e := newEnv(b, Limits{Rate: 1e9})
	book := fixtureBook()
	custs := book.Customers
	for len(custs) < 1000 {
		custs = append(custs, book.Customers...)
	}
	custs = custs[:1000]
	for i := range custs {
		custs[i].ID = fmt.Sprintf("C%05d", i)
	}
	body, _ := json.Marshal(map[string]any{"as_of": "2026-06-30", "customers": custs})
	h := e.srv.Handler()
	for _, explain := range []string{"full", "reasons"} {
		b.Run(explain, func(b *testing.B) {
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				req := httptest.NewRequest("POST", "/v1/score/batch?explain="+explain, bytes.NewReader(body))
				req.Header.Set("Authorization", "Bearer "+e.read)
				req.Header.Set("Content-Type", "application/json")
				w := httptest.NewRecorder()
				h.ServeHTTP(w, req)
				if w.Code != http.StatusOK {
					b.Fatal(w.Code, w.Body.String())
				}
			}
			b.ReportMetric(float64(b.N*1000)/b.Elapsed().Seconds(), "customers/s")
		})
	}
	b.Run("score", func(b *testing.B) {
		asOf := cs.MustParseDate("2026-06-30")
		for i := 0; i < b.N; i++ {
			for j := range custs {
				e.srv.scorer.Score(&custs[j], asOf)
			}
		}
		b.ReportMetric(float64(b.N*1000)/b.Elapsed().Seconds(), "customers/s")
	})
}
