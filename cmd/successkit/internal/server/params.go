package server

import (
	"encoding/base64"
	"errors"
	"fmt"
	"iter"
	"net/url"
	"strconv"
	"strings"

	"github.com/successkit/cs"
	"github.com/successkit/cs/internal/csio"
	"github.com/successkit/cs/store"
)

// Paging: every list takes ?limit= (1..MaxPage, default DefaultPage) and
// ?cursor=, and answers {"items": [...], "next_cursor": "..."} with a Link
// header rel="next" when more items follow. A cursor is opaque: the key of
// the last item sent, which the store lists after, so pages neither skip
// nor repeat items when rows are added meanwhile.
const (
	DefaultPage = 100
	MaxPage     = 1000
	// maxIDLen bounds an ID in a path: longer is no ID the store holds.
	maxIDLen = 1024
)

// query is a request's query parameters, checked against what the route
// allows, with the problems collected.
type query struct {
	v    url.Values
	errs []ProblemField
}

// params parses the query, refusing a parameter not in allowed or given
// twice.
func (c *call) params(allowed ...string) *query {
	q := &query{v: c.r.URL.Query()}
	for k, vs := range q.v {
		switch {
		case !contains(allowed, k):
			q.add(k, k, "unknown parameter; this operation takes "+strings.Join(allowed, ", "))
		case len(vs) > 1:
			q.add(k, vs[1], "given more than once")
		}
	}
	return q
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func (q *query) add(name, value, detail string) {
	q.errs = append(q.errs, ProblemField{Path: name, Value: clipValue(value), Detail: detail})
}

func clipValue(s string) string {
	if len(s) > 64 {
		return s[:64] + "…"
	}
	return s
}

// err returns the 400 problem of the parameters, or nil.
func (q *query) err() error {
	if len(q.errs) == 0 {
		return nil
	}
	p := newProblem("invalid-parameter", q.errs[0].Path+": "+q.errs[0].Detail)
	p.Errors = q.errs
	return p
}

func (q *query) str(name string) string { return q.v.Get(name) }

// date reads a YYYY-MM-DD parameter; def when absent.
func (q *query) date(name string, def cs.Date) cs.Date {
	s := q.v.Get(name)
	if s == "" {
		return def
	}
	d, err := cs.ParseDate(s)
	if err != nil {
		q.add(name, s, errDetail(err))
		return def
	}
	return d
}

// id reads an ID parameter: a usable cs ID of at most maxIDLen bytes.
func (q *query) id(name string) string {
	s := q.v.Get(name)
	if s == "" {
		return ""
	}
	if err := checkPathID(s); err != nil {
		q.add(name, s, errDetail(err))
		return ""
	}
	return s
}

// page reads limit and cursor.
func (q *query) page() store.Page {
	p := store.Page{Limit: DefaultPage}
	if s := q.v.Get("limit"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > MaxPage {
			q.add("limit", s, fmt.Sprintf("want a whole number from 1 to %d", MaxPage))
		} else {
			p.Limit = n
		}
	}
	if s := q.v.Get("cursor"); s != "" {
		b, err := base64.RawURLEncoding.DecodeString(s)
		if err != nil || len(b) == 0 {
			q.add("cursor", s, "not a cursor of this API: pass next_cursor back unchanged")
		} else {
			p.After = string(b)
		}
	}
	return p
}

// checkPathID checks an ID taken from a path or a parameter.
func checkPathID(id string) error {
	if len(id) > maxIDLen {
		return fmt.Errorf("%w: longer than %d bytes", cs.ErrRange, maxIDLen)
	}
	return cs.CheckID(id)
}

// pathID reads the path wildcard name as an ID: 400 for one with control
// characters, invalid UTF-8 or over maxIDLen bytes. Path traversal ("..",
// "/") is only text here: IDs are bound as SQL parameters and never reach a
// file name.
func (c *call) pathID(name string) (string, error) {
	id := c.r.PathValue(name)
	if err := checkPathID(id); err != nil {
		p := newProblem("invalid-parameter", name+": "+errDetail(err))
		p.Errors = []ProblemField{{Path: name, Value: clipValue(id), Detail: errDetail(err)}}
		return "", p
	}
	return id, nil
}

func errDetail(err error) string { return stripPackage(err.Error()) }

// listPage is the body of every list.
type listPage[T any] struct {
	Items      []T    `json:"items"`
	NextCursor string `json:"next_cursor,omitempty"`
}

// collect reads a page from a store listing asked for limit+1 items, so it
// knows whether another page follows; key gives an item's cursor key.
func collect[T any](c *call, p store.Page, list func(store.Page) iter.Seq2[T, error], key func(T) string) (listPage[T], error) {
	want := p.Limit
	p.Limit++
	out := listPage[T]{Items: make([]T, 0, min(want, 64))}
	for v, err := range list(p) {
		if err != nil {
			return out, err
		}
		if len(out.Items) == want {
			out.NextCursor = base64.RawURLEncoding.EncodeToString([]byte(key(out.Items[want-1])))
			break
		}
		out.Items = append(out.Items, v)
	}
	if out.NextCursor != "" {
		u := *c.r.URL
		q := u.Query()
		q.Set("cursor", out.NextCursor)
		u.RawQuery = q.Encode()
		c.w.Header().Set("Link", "<"+u.RequestURI()+`>; rel="next"`)
	}
	return out, nil
}

// storeError turns an error of the store into the API's answer: not found
// 404, already closed 409, busy or read-only 503, bad input 400 with the
// field at fault; anything else is internal.
func storeError(err error, prefix string) error {
	var p *Problem
	switch {
	case errors.As(err, &p):
		return p
	case errors.Is(err, store.ErrNotFound):
		return newProblem("not-found", errDetail(err))
	case errors.Is(err, store.ErrClosed):
		return newProblem("conflict", errDetail(err))
	case errors.Is(err, store.ErrBusy), errors.Is(err, store.ErrReadOnly), errors.Is(err, store.ErrFull):
		return unavailable(errDetail(err))
	case isInputError(err):
		return invalidBody(err, prefix)
	}
	return err
}

// isInputError reports an error about the request's values rather than the
// server: a located field or one of the input sentinels.
func isInputError(err error) bool {
	var fe *cs.FieldError
	if errors.As(err, &fe) {
		return true
	}
	for _, s := range []error{cs.ErrMissing, cs.ErrRange, cs.ErrInvalidID, cs.ErrInvalidDate, cs.ErrDateOrder,
		cs.ErrNegative, cs.ErrNotFinite, cs.ErrUnknownField, cs.ErrDuplicate, store.ErrInvalidText, store.ErrPastRun} {
		if errors.Is(err, s) {
			return true
		}
	}
	return false
}

// decodeBody decodes the JSON body strictly into v: 400 with the JSON path
// of each problem.
func (c *call) decodeBody(v any) error {
	if err := csio.DecodeJSON(c.body, v); err != nil {
		return invalidBody(err, "")
	}
	return nil
}
