package server

import (
	"bytes"
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
