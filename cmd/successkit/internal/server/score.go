package server

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"runtime"
	"strconv"
	"strings"
	"sync"

	"github.com/successkit/cs"
	"github.com/successkit/cs/health"
	"github.com/successkit/cs/internal/csio"
	"github.com/successkit/cs/internal/errs"
	"github.com/successkit/cs/internal/jsonx"
)

// scoreRequest is the body of POST /v1/score. The customer is kept raw and
// decoded on its own, so its errors are located inside it
// ("customer.signals.usage").
type scoreRequest struct {
	AsOf     cs.Date         `json:"as_of"`
	Customer json.RawMessage `json:"customer"`
}

// batchRequest is the body of POST /v1/score/batch.
type batchRequest struct {
	AsOf      cs.Date           `json:"as_of"`
	Customers []json.RawMessage `json:"customers"`
}

// scoreOne scores one customer: 200 with its result, or 400 with the JSON
// path of every bad field.
func (c *call) scoreOne() error {
	var req scoreRequest
	if err := csio.DecodeJSON(c.body, &req); err != nil {
		return invalidBody(err, "")
	}
	if req.Customer == nil || string(req.Customer) == "null" {
		return invalidBody(&cs.FieldError{Field: "customer", Err: cs.ErrMissing}, "")
	}
	asOf := c.s.asOf(req.AsOf)
	var cust cs.Customer
	if err := cust.UnmarshalJSON(req.Customer); err != nil {
		return invalidBody(err, "customer")
	}
	r, err := c.s.scorer.Score(&cust, asOf)
	if err != nil {
		return invalidBody(err, "customer")
	}
	var buf bytes.Buffer
	buf.Grow(4096)
	if err := appendResult(&buf, -1, &r); err != nil {
		return err
	}
	buf.WriteByte('\n')
	c.w.Header().Set("Content-Type", "application/json")
	c.w.Header().Set("Content-Length", strconv.Itoa(buf.Len()))
	c.w.WriteHeader(http.StatusOK)
	_, err = c.w.Write(buf.Bytes())
	return err
}

// invalidBody is the 400 problem of a body that does not decode or check,
// each problem located under prefix.
func invalidBody(err error, prefix string) *Problem {
	p := newProblem("invalid-body", stripPackage(firstLine(err.Error())))
	p.Errors = fieldsOf(err, prefix)
	return p
}

func firstLine(s string) string {
	if i := bytes.IndexByte([]byte(s), '\n'); i >= 0 {
		return s[:i]
	}
	return s
}

// asOf returns the request's scoring date, or today in UTC when it has none.
func (s *Server) asOf(d cs.Date) cs.Date {
	if d.IsZero() {
		return cs.DateOf(s.now().UTC())
	}
	return d
}

// batchItemError is the error entry of one bad customer of a batch.
type batchItemError struct {
	Index  int            `json:"index"`
	ID     string         `json:"customer_id,omitempty"`
	Errors []ProblemField `json:"errors"`
}

// scoreBatch scores up to Limits.MaxBatch customers. A body that is not a
// batch at all (malformed JSON, nesting over 64, a repeated key or a wrong
// type in the envelope, too many customers) gets 400; otherwise the answer is
// 200 with a result per good customer and an error entry per bad one, each
// with its index, in input order.
//
// The work is split into contiguous chunks, one per worker: each decodes,
// scores and encodes its customers into its own buffer, and the buffers are
// written in order, so the answer does not depend on the number of workers.
func (c *call) scoreBatch() error {
	var req batchRequest
	var list errs.List
	if !jsonx.DecodeTo(&list, c.body, &req, csio.LocateJSON) {
		return invalidBody(list.Err(), "")
	}
	// The envelope's decoder checks the customers' keys too: a repeated key
	// inside one customer is that customer's error, not the request's.
	bad, rest := elementErrors(list.Errs(), "customers")
	if len(rest) > 0 {
		return invalidBody(list.Err(), "")
	}
	if req.Customers == nil {
		return invalidBody(&cs.FieldError{Field: "customers", Err: cs.ErrMissing}, "")
	}
	if n := len(req.Customers); n > c.s.lim.MaxBatch {
		return invalidBody(&cs.FieldError{Field: "customers", Value: strconv.Itoa(n) + " customers",
			Err: fmt.Errorf("%w: at most %d customers a request", cs.ErrRange, c.s.lim.MaxBatch)}, "")
	}
	asOf := c.s.asOf(req.AsOf)
	n := len(req.Customers)
	workers := min(runtime.GOMAXPROCS(0), (n+63)/64)
	chunks := make([]batchChunk, max(workers, 1))
	size := (n + len(chunks) - 1) / max(len(chunks), 1)
	var wg sync.WaitGroup
	for w := range chunks {
		lo, hi := w*size, min(n, (w+1)*size)
		if lo >= hi {
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			chunks[w].run(c.s.scorer, asOf, req.Customers, bad, lo, hi)
		}()
	}
	wg.Wait()

	c.w.Header().Set("Content-Type", "application/json")
	c.w.WriteHeader(http.StatusOK)
	head := `{"as_of":"` + asOf.String() + `","fingerprint":` + strconv.Quote(c.s.scorer.Fingerprint()) + `,"count":` + strconv.Itoa(n) + `,"results":[`
	if _, err := c.w.Write([]byte(head)); err != nil {
		return nil // the client went away; nothing to answer
	}
	first := true
	for i := range chunks {
		b := chunks[i].results.Bytes()
		if len(b) == 0 {
			continue
		}
		if !first {
			c.w.Write([]byte{','})
		}
		first = false
		if _, err := c.w.Write(b); err != nil {
			return nil
		}
	}
	var errs []batchItemError
	for i := range chunks {
		errs = append(errs, chunks[i].errs...)
	}
	tail, _ := json.Marshal(errs)
	if errs == nil {
		tail = []byte("[]")
	}
	c.w.Write([]byte(`],"errors":`))
	c.w.Write(tail)
	c.w.Write([]byte("}\n"))
	return nil
}

// batchChunk is the work of one goroutine of a batch.
type batchChunk struct {
	results bytes.Buffer
	errs    []batchItemError
}

func (ch *batchChunk) run(sc *health.Scorer, asOf cs.Date, raws []json.RawMessage, bad map[int][]error, lo, hi int) {
	ch.results.Grow((hi - lo) * 3072)
	var cust cs.Customer
	var res health.Result
	for i := lo; i < hi; i++ {
		prefix := "customers[" + strconv.Itoa(i) + "]"
		if e := bad[i]; e != nil {
			ch.errs = append(ch.errs, batchItemError{Index: i, ID: idOf(raws[i]), Errors: fieldsOf(errors.Join(e...), "")})
			continue
		}
		cust = cs.Customer{}
		if err := cust.UnmarshalJSON(raws[i]); err != nil {
			ch.errs = append(ch.errs, batchItemError{Index: i, ID: idOf(raws[i]), Errors: fieldsOf(err, prefix)})
			continue
		}
		if err := sc.ScoreInto(&res, &cust, asOf); err != nil {
			ch.errs = append(ch.errs, batchItemError{Index: i, ID: cust.ID, Errors: fieldsOf(err, prefix)})
			continue
		}
		if ch.results.Len() > 0 {
			ch.results.WriteByte(',')
		}
		appendResult(&ch.results, i, &res)
	}
}

// elementErrors sorts the problems of an envelope into those inside
// elements of its array field ("customers[3].signals.usage"), by index, and
// the rest.
func elementErrors(list []error, field string) (map[int][]error, []error) {
	var bad map[int][]error
	var rest []error
	for _, err := range list {
		var fe *cs.FieldError
		if errors.As(err, &fe) && strings.HasPrefix(fe.Field, field+"[") {
			j := strings.IndexByte(fe.Field, ']')
			if i, e := strconv.Atoi(fe.Field[len(field)+1 : max(j, len(field)+1)]); e == nil && j > 0 {
				if bad == nil {
					bad = map[int][]error{}
				}
				bad[i] = append(bad[i], err)
				continue
			}
		}
		rest = append(rest, err)
	}
	return bad, rest
}

// idOf digs the "id" of a customer that failed to decode, for its error
// entry; "" when there is none to find.
func idOf(raw json.RawMessage) string {
	var v struct {
		ID string `json:"id"`
	}
	if json.Unmarshal(raw, &v) != nil || cs.CheckID(v.ID) != nil {
		return ""
	}
	return v.ID
}

// apiResult is a result as the API sends it: the library's Result with its
// reasons and, in a batch, the customer's index in the request.
type apiResult struct {
	Index *int `json:"index,omitempty"`
	*health.Result
	Reasons []string `json:"reasons"`
}

// appendResult writes the JSON of r (with index when ≥ 0) to b.
func appendResult(b *bytes.Buffer, index int, r *health.Result) error {
	v := apiResult{Result: r, Reasons: r.Reasons()}
	if index >= 0 {
		v.Index = &index
	}
	if v.Reasons == nil {
		v.Reasons = []string{}
	}
	enc := json.NewEncoder(b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return err
	}
	b.Truncate(b.Len() - 1) // the encoder's newline
	return nil
}
