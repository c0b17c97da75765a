package server

import (
	"bytes"
	"encoding/json"
	"net/http/httptest"
	"runtime"
	"testing"

	"github.com/successkit/cs"
	"github.com/successkit/cs/internal/errs"
)

// FuzzScoreBodies sends arbitrary bodies to single and batch scoring: the
// answer is 200 or a 400 problem, never a 500, always JSON; a 200 batch has
// one result or one error entry per customer.
func FuzzScoreBodies(f *testing.F) {
	for _, s := range []string{
		`{"as_of":"2026-06-30","customer":` + oneCustomer + `}`,
		`{"customers":[` + oneCustomer + `,{"id":"x","signals":{"usage":"high"}},{"id":"y","id":"z"}]}`,
		`{"customers":[]}`, `{"customer":{"id":"a\u0000"}}`, `[[[[[[`, `{"customers":[{"id":"a","signals":{"u":1e999}}]}`,
	} {
		f.Add([]byte(s), true)
		f.Add([]byte(s), false)
	}
	e := newEnv(f, Limits{Rate: 1e12, MaxBatch: 50})
	h := e.srv.Handler()
	f.Fuzz(func(t *testing.T, body []byte, batch bool) {
		path := "/v1/score"
		if batch {
			path += "/batch"
		}
		req := httptest.NewRequest("POST", path, bytes.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+e.read)
		req.Header.Set("Content-Type", "application/json")
		w := httptest.NewRecorder()
		h.ServeHTTP(w, req)
		var v map[string]any
		if err := json.Unmarshal(w.Body.Bytes(), &v); err != nil {
			t.Fatalf("%d: answer is not JSON: %q", w.Code, w.Body.Bytes())
		}
		switch w.Code {
		case 200:
			if batch {
				n := len(v["results"].([]any)) + len(v["errors"].([]any))
				if float64(n) != v["count"].(float64) {
					t.Fatalf("%d results and errors for %v customers", n, v["count"])
				}
			}
		case 400:
			if w.Header().Get("Content-Type") != "application/problem+json" || v["type"] != problemTypeURI+"invalid-body" {
				t.Fatalf("400 without its problem: %s", w.Body.Bytes())
			}
		default:
			t.Fatalf("status %d: %s", w.Code, w.Body.Bytes())
		}
	})
}

// FuzzSplitBatch: whatever the fast envelope splitter accepts, the strict
// decoder accepts too, with the same date and the same customers: the only
// problems it may find are inside customers (a repeated key in one), which
// the handler reports as that customer's, as it does on the fast path when
// the customer's own decoding finds them.
func FuzzSplitBatch(f *testing.F) {
	f.Add([]byte(`{"as_of":"2026-06-30","customers":[{"id":"a"},{"id":"b","signals":{"u":1}}]}`))
	f.Add([]byte(`{"customers":[{"id":"a","x":{"y":{"z":1}}}]}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		asOf, raws, ok := splitBatch(b)
		if !ok {
			return
		}
		var req batchRequest
		var list errs.List
		decodeEnvelope(&list, b, &req)
		if _, rest := elementErrors(list.Errs(), "customers"); len(rest) > 0 {
			t.Fatalf("%q: fast split accepted, strict refused: %v", b, list.Err())
		}
		if asOf != req.AsOf || len(raws) != len(req.Customers) {
			t.Fatalf("%q: fast %v %d, strict %v %d", b, asOf, len(raws), req.AsOf, len(req.Customers))
		}
		for i := range raws {
			if !bytes.Equal(raws[i], req.Customers[i]) {
				t.Fatalf("%q: element %d differs", b, i)
			}
		}
	})
}

// FuzzScorePlain: whatever batch body the one-pass scoring answers, cut
// into runs for many workers, it answers as splitting the body first does,
// byte for byte; and it answers none that splitBatch refuses.
func FuzzScorePlain(f *testing.F) {
	f.Add([]byte(`{"as_of":"2026-06-30","customers":[`+oneCustomer+`,{"id":"b","name":"},{x"},{"id":"c","x":{"y":1}},{"id":"d","signals":{"u":"v"}}]}`), uint8(8))
	f.Add([]byte(`{"customers":[{"id":"a","attributes":{"p":"},{"}}, {"id":"b"} ,{"id":"a","id":"b"}]}`), uint8(3))
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(8))
	defer func(n int) { plainRunBytes = n }(plainRunBytes)
	e := newEnv(f, Limits{Rate: 1e12, MaxBatch: 50})
	req := httptest.NewRequest("POST", "/v1/score/batch", nil)
	f.Fuzz(func(t *testing.T, body []byte, cut uint8) {
		plainRunBytes = 1 + int(cut>>1)
		one := httptest.NewRecorder()
		c := &call{s: e.srv, w: one, r: req, body: body, full: cut&1 == 0}
		if done, err := c.scorePlain(); !done || err != nil {
			return
		}
		asOf, raws, ok := splitBatch(body)
		if !ok {
			t.Fatalf("%q: one pass answered, splitBatch refuses", body)
		}
		split := httptest.NewRecorder()
		c.w = split
		if err := c.scoreRaws(batchRequest{AsOf: asOf, Customers: raws}, nil); err != nil {
			t.Fatalf("%q: one pass answered, split first: %v", body, err)
		}
		if !bytes.Equal(one.Body.Bytes(), split.Body.Bytes()) {
			t.Fatalf("%q:\none pass %s\nsplit first %s", body, one.Body.Bytes(), split.Body.Bytes())
		}
	})
}

// FuzzIngestJSON: a JSON upload either is refused with a problem or becomes
// a file the library's reader takes whole.
func FuzzIngestJSON(f *testing.F) {
	f.Add([]byte(`[{"customer_id":"c1","subscription_id":"s1","month":"2026-06","mrr":"10.00","currency":"USD"}]`), 4)
	f.Add([]byte(`[{"contact_id":"k","customer_id":"c","case_id":"s","time":"2026-06-01T10:00:00Z","channel":"email","transferred":true}]`), 1)
	f.Add([]byte(`[{"id":"c1","name":"A","signals":{"usage":0.5}}]`), 0)
	e := newEnv(f, Limits{})
	f.Fuzz(func(t *testing.T, body []byte, k int) {
		kind := &inputKinds[(k%len(inputKinds)+len(inputKinds))%len(inputKinds)]
		var data []byte
		var err error
		if kind.name == "customers" {
			data, err = customersJSONL(body)
		} else if data, err = recordsCSV(body, kind.columns); err == nil {
			if cerr := e.srv.check(kind, bytes.NewReader(data), kind.name+".csv"); cerr != nil {
				return // refused whole, as the handler does
			}
		}
		if err != nil {
			if _, ok := err.(*Problem); !ok {
				t.Fatalf("%s: error is not a problem: %v", kind.name, err)
			}
			return
		}
		if kind.name == "customers" {
			for _, err := range cs.ReadCustomersJSONL(bytes.NewReader(data), "customers.jsonl") {
				if err != nil {
					t.Fatalf("staged customers do not read back: %v\n%s", err, data)
				}
			}
		}
	})
}
