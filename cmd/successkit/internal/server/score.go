package server

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

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
// The work is split into runs of consecutive customers, each decoded,
// scored and encoded by one worker into its own buffer, and the buffers are
// joined in order, so the answer does not depend on the number of workers.
func (c *call) scoreBatch() error {
	full, err := c.explain()
	if err != nil {
		return err
	}
	c.full = full
	if done, err := c.scorePlain(); done {
		return err
	}
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

// scorePlain scores a plain batch body (see batchHead) in one pass, with no
// separate pass to split the customers array: the array is cut into runs
// where an element seems to start, and the workers take the runs in turn,
// decoding, scoring and encoding their elements and checking that each run
// ends exactly where the next one starts. It reports false, having answered
// nothing, for any other body, a cut that proved wrong or too many
// customers; scoreBatch then takes the body the long way, which gives the
// same answer and the errors.
func (c *call) scorePlain() (bool, error) {
	asOf, from, ok := batchHead(c.body)
	if !ok {
		return false, nil
	}
	asOf = c.s.asOf(asOf)
	// More runs than workers: a worker the machine holds up leaves the runs
	// it has not begun to the others. The handler's goroutine is one of the
	// workers.
	size := len(c.body) - from
	runs := min(4*runtime.GOMAXPROCS(0), 1+size/plainRunBytes)
	starts := []int{from}
	for r := 1; r < runs; r++ {
		at := elementAfter(c.body, from+r*size/runs)
		if at < 0 {
			break
		}
		if at > starts[len(starts)-1] {
			starts = append(starts, at)
		}
	}
	chunks := make([]batchChunk, len(starts))
	ends := make([]int, len(starts))
	var next atomic.Int64
	work := func() {
		for r := int(next.Add(1) - 1); r < len(chunks); r = int(next.Add(1) - 1) {
			stop := -1
			if r+1 < len(starts) {
				stop = starts[r+1]
			}
			ends[r] = chunks[r].runPlain(c.s.scorer, asOf, c.body, starts[r], stop, c.full, c.s.lim.MaxBatch)
		}
	}
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), len(chunks)) - 1 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			work()
		}()
	}
	work()
	wg.Wait()
	n := 0
	for r := range chunks {
		ok = ok && ends[r] >= 0
		chunks[r].base = n
		n += chunks[r].n
	}
	if !ok || !batchTail(c.body, ends[len(ends)-1]) || n > c.s.lim.MaxBatch {
		for r := range chunks {
			putBuf(chunks[r].out)
		}
		return false, nil
	}
	return true, c.writeBatch(asOf, n, chunks)
}

// plainRunBytes is the least text of a customers array worth a run of its
// own in scorePlain, about 70 customers. Tests lower it to cut small bodies
// into many runs.
var plainRunBytes = 32 << 10

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
		chunks[w].base = lo
		wg.Add(1)
		go func() {
			defer wg.Done()
			chunks[w].runRaws(c.s.scorer, asOf, req.Customers[lo:hi], bad, c.full)
		}()
	}
	wg.Wait()
	return c.writeBatch(asOf, n, chunks)
}

// writeBatch sends the answer of a batch of n customers scored in chunks,
// in one Write: the results get their index on the way.
func (c *call) writeBatch(asOf cs.Date, n int, chunks []batchChunk) error {
	var items []batchItemError
	size := 0
	for i := range chunks {
		ch := &chunks[i]
		size += len(ch.out) + 16*len(ch.marks)
		for _, e := range ch.bad {
			items = append(items, e.item(ch.base))
		}
	}
	tail := []byte("[]")
	if items != nil {
		var err error
		if tail, err = json.Marshal(items); err != nil {
			return err
		}
	}
	out := slices.Grow(getBuf(), size+len(tail)+256)
	defer func() { putBuf(out) }()
	out = append(out, `{"as_of":"`+asOf.String()+`","fingerprint":`...)
	out = strconv.AppendQuote(out, c.s.scorer.Fingerprint())
	out = append(out, `,"count":`...)
	out = strconv.AppendInt(out, int64(n), 10)
	out = append(out, `,"results":[`...)
	first := true
	for i := range chunks {
		ch := &chunks[i]
		start := 0
		for _, m := range ch.marks {
			if !first {
				out = append(out, ',')
			}
			first = false
			out = append(out, `{"index":`...)
			out = strconv.AppendInt(out, int64(ch.base+m.index), 10)
			out = append(out, ',')
			out = append(out, ch.out[start+1:m.end]...) // the result without its '{'
			start = m.end
		}
		putBuf(ch.out)
	}
	out = append(out, `],"errors":`...)
	out = append(out, tail...)
	out = append(out, "}\n"...)
	c.w.Header().Set("Content-Type", "application/json")
	c.w.Header().Set("Content-Length", strconv.Itoa(len(out)))
	c.w.WriteHeader(http.StatusOK)
	c.w.Write(out) // an error is the client gone away: nothing more to answer
	return nil
}

// batchChunk is a run of consecutive customers of a batch, the first of
// which has index base in the request, decoded, scored and encoded by one
// goroutine.
type batchChunk struct {
	base  int
	n     int    // customers taken, good and bad
	out   []byte // the results without their index, back to back
	marks []resultMark
	bad   []itemError
	*chunkState
}

// chunkState is what a batch worker reuses from customer to customer and,
// pooled, from batch to batch: the customer being decoded, which lives only
// until it is scored, and its maps, the interned names, the result and the
// float cache. Making them afresh for each batch cost as much as decoding a
// few dozen customers.
type chunkState struct {
	cust    cs.Customer
	res     health.Result
	names   map[string]string
	signals cs.Signals
	attrs   cs.Attributes
	fc      floatCache
}

var chunkStates = sync.Pool{New: func() any {
	return &chunkState{names: map[string]string{}, signals: cs.Signals{}, attrs: cs.Attributes{}}
}}

// acquire gives the chunk its state and an output buffer.
func (ch *batchChunk) acquire() {
	ch.chunkState = chunkStates.Get().(*chunkState)
	ch.out = getBuf()
}

// release gives the chunk's state back to the pool.
func (ch *batchChunk) release() {
	ch.cust = cs.Customer{}
	chunkStates.Put(ch.chunkState)
	ch.chunkState = nil
}

// resultMark is where a result ends in batchChunk.out, and its customer's
// index in the chunk.
type resultMark struct{ index, end int }

// itemError is a bad customer of a chunk, made a batchItemError once the
// chunk's base is known.
type itemError struct {
	index   int // in the chunk
	id      string
	err     error
	located bool // err's paths start at customers[i] already
}

func (e *itemError) item(base int) batchItemError {
	i := base + e.index
	prefix := "customers[" + strconv.Itoa(i) + "]"
	if e.located {
		prefix = ""
	}
	return batchItemError{Index: i, ID: e.id, Errors: fieldsOf(e.err, prefix)}
}

// runRaws scores the chunk's customers, given as their raw elements; bad
// holds, by index in the request, the problems the envelope's decoder found
// inside customers.
func (ch *batchChunk) runRaws(sc *health.Scorer, asOf cs.Date, raws []json.RawMessage, bad map[int][]error, full bool) {
	ch.acquire()
	defer ch.release()
	for i, raw := range raws {
		if e := bad[ch.base+i]; e != nil {
			ch.bad = append(ch.bad, itemError{index: ch.n, id: idOf(raw), err: errors.Join(e...), located: true})
			ch.n++
			continue
		}
		ch.add(sc, asOf, raw, plainCustomer(raw, ch.fresh(), ch.names), full)
	}
}

// runPlain scores the elements of the customers array in body from offset
// from (just after the '[', or where an element starts) up to stop, where
// the next chunk's first element starts, or to the array's end when stop is
// negative. It returns the offset where it ended, or -1 when the text is not
// plain, it did not end at stop, or it holds more than limit elements.
func (ch *batchChunk) runPlain(sc *health.Scorer, asOf cs.Date, body []byte, from, stop int, full bool, limit int) int {
	ch.acquire()
	defer ch.release()
	p := scanner{b: body, i: from}
	for {
		p.space()
		if p.eat(']') {
			if stop >= 0 {
				return -1
			}
			return p.i
		}
		if ch.n > 0 && (!p.eat(',') || !p.spaceThen()) {
			return -1
		}
		p.space()
		if p.i == stop {
			return p.i
		}
		if stop >= 0 && p.i > stop || ch.n == limit {
			return -1
		}
		start := p.i
		decoded := p.customer(ch.fresh(), ch.names)
		if !decoded {
			p.i = start
			if !p.skipObject(2) {
				return -1
			}
		}
		ch.add(sc, asOf, body[start:p.i], decoded, full)
	}
}

// fresh returns the chunk's customer, emptied for decoding. Maps that held
// an unusually large customer are dropped, not cleared: clearing a map costs
// as much as its capacity.
func (ch *batchChunk) fresh() *cs.Customer {
	if len(ch.signals) > 64 || len(ch.attrs) > 64 {
		ch.signals, ch.attrs = cs.Signals{}, cs.Attributes{}
	}
	clear(ch.signals)
	clear(ch.attrs)
	ch.cust = cs.Customer{Signals: ch.signals, Attributes: ch.attrs}
	return &ch.cust
}

// add scores and encodes the chunk's next customer, whose text is raw:
// decoded says that the fast path decoded it into ch.cust; otherwise the
// strict decoder does.
func (ch *batchChunk) add(sc *health.Scorer, asOf cs.Date, raw []byte, decoded, full bool) {
	i := ch.n
	ch.n++
	if !decoded {
		ch.cust = cs.Customer{}
		if err := ch.cust.UnmarshalJSON(raw); err != nil {
			ch.bad = append(ch.bad, itemError{index: i, id: idOf(raw), err: err})
			return
		}
	}
	if err := sc.ScoreInto(&ch.res, &ch.cust, asOf); err != nil {
		ch.bad = append(ch.bad, itemError{index: i, id: ch.cust.ID, err: err})
		return
	}
	mark := len(ch.out)
	var err error
	if ch.out, err = appendResult(ch.out, -1, &ch.res, &ch.fc, full); err != nil {
		ch.out = ch.out[:mark]
		ch.bad = append(ch.bad, itemError{index: i, id: ch.cust.ID, err: err})
		return
	}
	ch.marks = append(ch.marks, resultMark{index: i, end: len(ch.out)})
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
