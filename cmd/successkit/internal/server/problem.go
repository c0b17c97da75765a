package server

import (
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/successkit/cs"
	"github.com/successkit/cs/internal/errs"
)

// problemKind is one kind of failure the API answers with an RFC 9457 problem
// document. Its type URI is "/v1/problems/" + name, relative to the server, and
// GET on it describes the kind; the OpenAPI document lists the same table.
type problemKind struct {
	name   string
	status int
	title  string
	doc    string // what happened and what to do, served at the type URI
}

// problems is the one table of the API's failures. Tests and the OpenAPI
// document are checked against it.
var problems = [...]problemKind{
	{"unauthorized", http.StatusUnauthorized, "Missing, malformed, unknown or revoked token",
		"Send the header Authorization: Bearer <token>, with a token made by `successkit token create`. A revoked token gets this answer too."},
	{"forbidden", http.StatusForbidden, "The token's scope does not allow this",
		"Reads need scope read, writes (tasks, overrides, ingest, runs) write, token management admin."},
	{"not-found", http.StatusNotFound, "No such resource",
		"The path, customer, task, override or run does not exist."},
	{"method-not-allowed", http.StatusMethodNotAllowed, "Method not allowed",
		"The Allow header lists the methods of this path."},
	{"unsupported-media-type", http.StatusUnsupportedMediaType, "Unsupported content type",
		"Send application/json (or text/csv where the operation accepts it)."},
	{"body-too-large", http.StatusRequestEntityTooLarge, "Request body too large",
		"The operation's body limit is in the detail; split the request."},
	{"invalid-body", http.StatusBadRequest, "The request body is not valid",
		"Each entry of errors names the JSON path (or CSV line and column) at fault: unknown or repeated keys, wrong types, nesting deeper than 64, bad values."},
	{"invalid-parameter", http.StatusBadRequest, "A path or query parameter is not valid",
		"Each entry of errors names the parameter: a date that is not YYYY-MM-DD, an ID with control characters, a bad cursor or limit."},
	{"conflict", http.StatusConflict, "The resource changed state",
		"The task is already closed or the override already revoked, often by a concurrent request; read it again."},
	{"precondition-failed", http.StatusPreconditionFailed, "The ETag does not match",
		"The resource changed since the ETag in If-Match was read; read it again."},
	{"rate-limited", http.StatusTooManyRequests, "Too many requests for this token",
		"Wait the number of seconds in Retry-After."},
	{"request-timeout", http.StatusRequestTimeout, "The request was not received in time",
		"The body arrived too slowly; send it at once."},
	{"overloaded", http.StatusServiceUnavailable, "Too many batch requests at once",
		"Batch scoring runs a bounded number of requests at a time; retry after Retry-After."},
	{"unavailable", http.StatusServiceUnavailable, "The service is shutting down or the store is not ready",
		"Retry after Retry-After, possibly on another instance."},
	{"internal", http.StatusInternalServerError, "Internal error",
		"The server logged the cause with the request ID in the detail."},
}

// problemType returns the kind named name; it panics for a name not in the
// table, which the table test rules out.
func problemType(name string) *problemKind {
	for i := range problems {
		if problems[i].name == name {
			return &problems[i]
		}
	}
	panic("server: unknown problem kind " + name)
}

// problemTypeURI is the prefix of every problem type: relative to the
// server, resolvable with a token.
const problemTypeURI = "/v1/problems/"

// Problem is an RFC 9457 problem document, with the extension member errors:
// one entry per field at fault.
type Problem struct {
	Type     string         `json:"type"`
	Title    string         `json:"title"`
	Status   int            `json:"status"`
	Detail   string         `json:"detail,omitempty"`
	Instance string         `json:"instance,omitempty"`
	Errors   []ProblemField `json:"errors,omitempty"`

	retryAfter int // seconds; sent as Retry-After when positive
}

// ProblemField locates one problem in the request: the JSON path of a body
// field ("customers[3].signals.usage", "$" for the whole body), a CSV line and
// column, or a parameter name.
type ProblemField struct {
	Index  *int   `json:"index,omitempty"`  // element of a batch, when the problem is in one
	Path   string `json:"path,omitempty"`   // JSON path in the body, or a parameter name
	Line   int    `json:"line,omitempty"`   // CSV bodies: 1-based line
	Record string `json:"record,omitempty"` // the record's ID, when known
	Value  string `json:"value,omitempty"`  // the offending text, cut to 64 bytes
	Detail string `json:"detail"`           // what is wrong
}

// newProblem returns the problem of the kind with the detail.
func newProblem(kind, detail string) *Problem {
	k := problemType(kind)
	return &Problem{Type: problemTypeURI + k.name, Title: k.title, Status: k.status, Detail: detail}
}

// Error makes a *Problem usable as an error inside the server.
func (p *Problem) Error() string { return p.Title + ": " + p.Detail }

// fieldsOf flattens err into located entries: each *cs.FieldError in the tree
// of joined errors becomes one entry whose path is prefix joined to its field;
// anything else becomes an entry at prefix (or "$"). At most errs.MaxProblems
// entries are returned, plus one saying how many more there were.
func fieldsOf(err error, prefix string) []ProblemField {
	var out []ProblemField
	more := 0
	var walk func(error)
	walk = func(e error) {
		var fe *cs.FieldError
		switch x := e.(type) {
		case nil:
			return
		case *cs.FieldError:
			fe = x
		case interface{ Unwrap() []error }:
			more += countMore(e)
			for _, c := range x.Unwrap() {
				walk(c)
			}
			return
		default:
			if u := errors.Unwrap(e); u != nil && errors.As(u, &fe) {
				walk(u)
				return
			}
			if len(out) >= errs.MaxProblems {
				more++
				return
			}
			out = append(out, ProblemField{Path: joinPath(prefix, "$"), Detail: stripPackage(e.Error())})
			return
		}
		if len(out) >= errs.MaxProblems {
			more++
			return
		}
		f := ProblemField{Path: joinPath(prefix, fe.Field), Line: fe.Line, Record: errs.Clip(fe.Record), Value: errs.Clip(fe.Value)}
		if fe.Err != nil {
			f.Detail = fe.Err.Error()
		}
		out = append(out, f)
	}
	walk(err)
	if more > 0 {
		out = append(out, ProblemField{Path: joinPath(prefix, "$"), Detail: "and " + strconv.Itoa(more) + " more problems"})
	}
	return out
}

// countMore reads the count of problems an errs.List only counted, which
// its joined error states in its message ("and N more problems") but does not
// hold as elements.
func countMore(err error) int {
	msg := err.Error()
	i := strings.LastIndex(msg, "\nand ")
	if i < 0 {
		return 0
	}
	rest := msg[i+len("\nand "):]
	rest = strings.TrimSuffix(strings.TrimSuffix(rest, " more problems"), " more problem")
	n, e := strconv.Atoi(rest)
	if e != nil {
		return 0
	}
	return n
}

// joinPath joins a JSON path prefix ("customers[3]") and a relative path
// ("signals.usage", "$", "[2].id").
func joinPath(prefix, field string) string {
	switch {
	case prefix == "":
		if field == "" {
			return "$"
		}
		return field
	case field == "" || field == "$":
		return prefix
	case field[0] == '[':
		return prefix + field
	}
	return prefix + "." + field
}

// stripPackage drops the package prefixes ("health: ", "store: ") that the
// library's messages start with: the API names its own context.
func stripPackage(msg string) string {
	for _, p := range []string{"health: ", "store: ", "cs: ", "touch: ", "playbook: ", "retention: ", "effort: ", "cycle: "} {
		msg = strings.TrimPrefix(msg, p)
	}
	return msg
}
