package server

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"runtime"
	"strconv"
	"strings"
	"sync"

	"github.com/successkit/cs"
	"github.com/successkit/cs/health"
	"github.com/successkit/cs/internal/csio"
	"github.com/successkit/cs/internal/errs"
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
	full, err := c.explain()
	if err != nil {
		return err
	}
	var cust cs.Customer
	asOf, raw, ok := splitScore(c.body)
	if ok && plainCustomer(raw, &cust, nil) {
		asOf = c.s.asOf(asOf)
	} else {
		var req scoreRequest
		if err := csio.DecodeJSON(c.body, &req); err != nil {
			return invalidBody(err, "")
		}
		if req.Customer == nil || string(req.Customer) == "null" {
			return invalidBody(&cs.FieldError{Field: "customer", Err: cs.ErrMissing}, "")
		}
		asOf = c.s.asOf(req.AsOf)
		cust = cs.Customer{}
		if err := cust.UnmarshalJSON(req.Customer); err != nil {
			return invalidBody(err, "customer")
		}
	}
	r, err := c.s.scorer.Score(&cust, asOf)
	if err != nil {
		return invalidBody(err, "customer")
	}
	out, err := appendResult(getBuf(), -1, &r, nil, full) // one result: no float repeats to cache
	if err != nil {
		return err
	}
	defer putBuf(out)
	out = append(out, '\n')
	c.w.Header().Set("Content-Type", "application/json")
	c.w.Header().Set("Content-Length", strconv.Itoa(len(out)))
	c.w.WriteHeader(http.StatusOK)
	_, err = c.w.Write(out)
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

// asOf returns the request's scoring date, or the server's date when it has
// none.
func (s *Server) asOf(d cs.Date) cs.Date {
	if d.IsZero() {
		return s.today()
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
	full, err := c.explain()
	if err != nil {
		return err
	}
	c.full = full
	var req batchRequest
	if asOf, raws, ok := splitBatch(c.body); ok {
		req.AsOf, req.Customers = asOf, raws
		return c.scoreRaws(req, nil)
	}
	var list errs.List
	if !decodeEnvelope(&list, c.body, &req) {
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
	return c.scoreRaws(req, bad)
}

// scoreRaws scores the raw customers of a batch whose envelope decoded; bad
// holds the problems the envelope's decoder found inside customers.
func (c *call) scoreRaws(req batchRequest, bad map[int][]error) error {
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
			chunks[w].run(c.s.scorer, asOf, req.Customers, bad, lo, hi, c.full)
		}()
	}
	wg.Wait()

	var errs []batchItemError
	for i := range chunks {
		errs = append(errs, chunks[i].errs...)
	}
	tail := []byte("[]")
	if errs != nil {
		var err error
		if tail, err = json.Marshal(errs); err != nil {
			return err
		}
	}
	head := `{"as_of":"` + asOf.String() + `","fingerprint":` + strconv.Quote(c.s.scorer.Fingerprint()) + `,"count":` + strconv.Itoa(n) + `,"results":[`
	bufs := make(net.Buffers, 0, len(chunks)*2+3)
	bufs = append(bufs, []byte(head))
	first := true
	for i := range chunks {
		if len(chunks[i].out) == 0 {
			continue
		}
		if !first {
			bufs = append(bufs, []byte{','})
		}
		first = false
		bufs = append(bufs, chunks[i].out)
	}
	bufs = append(bufs, []byte(`],"errors":`), tail, []byte("}\n"))
	total := 0
	for _, b := range bufs {
		total += len(b)
	}
	c.w.Header().Set("Content-Type", "application/json")
	c.w.Header().Set("Content-Length", strconv.Itoa(total))
	c.w.WriteHeader(http.StatusOK)
	defer func() {
		for i := range chunks {
			putBuf(chunks[i].out)
		}
	}()
	for _, b := range bufs {
		if _, err := c.w.Write(b); err != nil {
			return nil // the client went away; nothing more to answer
		}
	}
	return nil
}

// batchChunk is the work of one goroutine of a batch.
type batchChunk struct {
	out  []byte // the results, comma-separated
	errs []batchItemError
	fc   floatCache
}

func (ch *batchChunk) run(sc *health.Scorer, asOf cs.Date, raws []json.RawMessage, bad map[int][]error, lo, hi int, full bool) {
	ch.out = getBuf()
	var (
		cust    cs.Customer
		res     health.Result
		names   = map[string]string{}
		signals = cs.Signals{}
		attrs   = cs.Attributes{}
	)
	for i := lo; i < hi; i++ {
		if e := bad[i]; e != nil {
			ch.errs = append(ch.errs, batchItemError{Index: i, ID: idOf(raws[i]), Errors: fieldsOf(errors.Join(e...), "")})
			continue
		}
		// The customer lives only until it is scored: its maps are reused.
		clear(signals)
		clear(attrs)
		cust = cs.Customer{Signals: signals, Attributes: attrs}
		if !plainCustomer(raws[i], &cust, names) {
			cust = cs.Customer{}
			if err := cust.UnmarshalJSON(raws[i]); err != nil {
				ch.errs = append(ch.errs, batchItemError{Index: i, ID: idOf(raws[i]), Errors: fieldsOf(err, "customers["+strconv.Itoa(i)+"]")})
				continue
			}
		}
		if err := sc.ScoreInto(&res, &cust, asOf); err != nil {
			ch.errs = append(ch.errs, batchItemError{Index: i, ID: cust.ID, Errors: fieldsOf(err, "customers["+strconv.Itoa(i)+"]")})
			continue
		}
		mark := len(ch.out)
		if mark > 0 {
			ch.out = append(ch.out, ',')
		}
		var err error
		if ch.out, err = appendResult(ch.out, i, &res, &ch.fc, full); err != nil {
			ch.out = ch.out[:mark]
			ch.errs = append(ch.errs, batchItemError{Index: i, ID: cust.ID, Errors: fieldsOf(err, "customers["+strconv.Itoa(i)+"]")})
		}
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

// decodeEnvelope decodes a batch body strictly into req, adding its problems
// to list; false after a syntax error.
func decodeEnvelope(list *errs.List, body []byte, req *batchRequest) bool {
	return decodeJSONTo(list, body, req)
}

// explain reads ?explain=: full (the default: groups and measures with
// their points, weights and contributions) or reasons (without them).
func (c *call) explain() (bool, error) {
	q := c.params("explain")
	full := true
	switch v := q.str("explain"); v {
	case "", "full":
	case "reasons":
		full = false
	default:
		q.add("explain", v, "want full or reasons")
	}
	return full, q.err()
}
