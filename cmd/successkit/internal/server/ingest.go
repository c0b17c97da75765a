package server

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"iter"
	"maps"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/successkit/cs"
	"github.com/successkit/cs/effort"
	"github.com/successkit/cs/internal/csio"
	"github.com/successkit/cs/internal/errs"
	"github.com/successkit/cs/internal/jsonx"
	"github.com/successkit/cs/retention"
)

// Ingest: a week's inputs are uploaded one kind at a time, as CSV in the
// library's layouts or as JSON, checked whole with the library's readers,
// and kept in the staging directory under their date until a run reads
// them. An upload with a bad record is refused whole (400, each record named
// by line or JSON path), so what is staged always reads cleanly; uploading a
// kind again replaces it. Files are written to a temporary name, synced and
// renamed: a crash or a SIGTERM leaves the old file or the new one, never
// half of one.

// inputKind is one kind of input a week reads.
type inputKind struct {
	name    string   // path segment and file stem: "contacts"
	columns []string // CSV header (and JSON keys) of the kind; nil for customers
	check   func(r io.Reader, file string) error
}

var inputKinds = []inputKind{
	{name: "customers", check: checkCustomersCSV},
	{name: "contacts", columns: []string{"contact_id", "customer_id", "case_id", "time", "channel", "agent", "repeated_info", "generic_answer", "transferred"},
		check: func(r io.Reader, file string) error { return drain(effort.ReadContacts(r, file)) }},
	{name: "case_events", columns: []string{"case_id", "customer_id", "event", "time"},
		check: func(r io.Reader, file string) error { return drain(effort.ReadCaseEvents(r, file)) }},
	{name: "surveys", columns: []string{"customer_id", "time", "kind", "score"},
		check: func(r io.Reader, file string) error { return drain(effort.ReadSurveys(r, file)) }},
	{name: "mrr", columns: []string{"customer_id", "subscription_id", "month", "mrr", "currency"}},
}

func kindNamed(name string) *inputKind {
	for i := range inputKinds {
		if inputKinds[i].name == name {
			return &inputKinds[i]
		}
	}
	return nil
}

// drain reads a library reader to its end and returns its bad records as
// one bounded error (the readers end the sequence themselves on a bad
// header or a read error).
func drain[T any](seq iter.Seq2[T, error]) error {
	var list errs.List
	for _, err := range seq {
		list.Add(err)
	}
	return list.Err()
}

func checkCustomersCSV(r io.Reader, file string) error { return drain(cs.ReadCustomersCSV(r, file)) }

// check checks an upload of the kind with the library's reader.
func (s *Server) check(k *inputKind, r io.Reader, file string) error {
	if k.name == "mrr" {
		return checkMRR(r, file, s.mrrOptions())
	}
	return k.check(r, file)
}

// mrrOptions are the options of the run's retention book, as the cycle
// takes them: its own, or the touch policy's currency and rates.
func (s *Server) mrrOptions() retention.Options {
	if s.cycle == nil {
		return retention.Options{}
	}
	cfg := s.cycle.Config()
	opt := cfg.Retention
	if opt.Currency == "" && len(opt.Rates) == 0 && cfg.Assigner != nil {
		p := cfg.Assigner.Policy()
		opt.Currency = p.Currency
		for _, cur := range slices.Sorted(maps.Keys(p.Rates)) {
			opt.Rates = append(opt.Rates, retention.Rate{From: cur, Rate: p.Rates[cur]})
		}
	}
	return opt
}

// checkMRR reads the MRR as the run's retention step does, into a book
// with the run's currency and rates: a bad row or a book the records cannot
// make (a currency without a rate) refuses the upload.
func checkMRR(r io.Reader, file string, opt retention.Options) error {
	book, err := retention.ReadBook(r, file, opt)
	if err != nil {
		return err
	}
	return book.Err()
}

// staged is one staged input file.
type staged struct {
	Kind  string `json:"kind"`
	File  string `json:"file"`
	Bytes int64  `json:"bytes"`
}

// stagingDir returns the directory of a date's inputs, or a 503 when the
// server has no staging directory.
func (s *Server) stagingDir(d cs.Date) (string, error) {
	if s.staging == "" {
		return "", unavailable("this server keeps no inputs: start it with -staging DIR")
	}
	return filepath.Join(s.staging, d.String()), nil
}

// putInput stages one kind of input for a date: PUT /v1/inputs/{as_of}/{kind}.
func (c *call) putInput() error {
	d, kind, err := c.inputPath()
	if err != nil {
		return err
	}
	dir, err := c.s.stagingDir(d)
	if err != nil {
		return err
	}
	mt := mediaType(c.r.Header.Get("Content-Type"))
	var data []byte
	ext := ".csv"
	switch {
	case mt == "text/csv":
		data = c.body
		if err := c.s.check(kind, bytes.NewReader(data), kind.name+".csv"); err != nil {
			return invalidBody(err, "")
		}
	case kind.name == "customers":
		data, err = customersJSONL(c.body)
		if err != nil {
			return err
		}
		ext = ".jsonl"
	default:
		data, err = recordsCSV(c.body, kind.columns)
		if err != nil {
			return err
		}
		if err := c.s.check(kind, bytes.NewReader(data), kind.name+".csv"); err != nil {
			return invalidBody(err, "")
		}
	}
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return err
	}
	name := kind.name + ext
	if err := writeAtomic(filepath.Join(dir, name), data); err != nil {
		return err
	}
	other := ".jsonl"
	if ext == ".jsonl" {
		other = ".csv"
	}
	os.Remove(filepath.Join(dir, kind.name+other)) // one file per kind
	return writeStatusJSON(c.w, http.StatusCreated, staged{Kind: kind.name, File: name, Bytes: int64(len(data))})
}

func mediaType(ct string) string {
	mt, _, _ := strings.Cut(ct, ";")
	return strings.ToLower(strings.TrimSpace(mt))
}

// inputPath reads {as_of} and {kind}.
func (c *call) inputPath() (cs.Date, *inputKind, error) {
	s := c.r.PathValue("as_of")
	d, err := cs.ParseDate(s)
	if err != nil {
		return d, nil, paramProblem("as_of", s, err)
	}
	name := c.r.PathValue("kind")
	if name == "" {
		return d, nil, nil
	}
	k := kindNamed(name)
	if k == nil {
		return d, nil, paramProblem("kind", name, errors.New("want customers, contacts, case_events, surveys or mrr"))
	}
	return d, k, nil
}

// customersJSONL checks a JSON array of customers with the library's strict
// decoder and returns it as JSON Lines, one customer per line.
func customersJSONL(body []byte) ([]byte, error) {
	var raws []json.RawMessage
	var list errs.List
	if !decodeJSONTo(&list, body, &raws) || list.Len() > 0 {
		return nil, invalidBody(list.Err(), "")
	}
	var out bytes.Buffer
	seen := map[string]int{}
	for i, raw := range raws {
		var c cs.Customer
		if err := c.UnmarshalJSON(raw); err != nil {
			for _, f := range fieldsOf(err, "["+strconv.Itoa(i)+"]") {
				list.Add(&cs.FieldError{Field: f.Path, Record: f.Record, Value: f.Value, Err: errors.New(f.Detail)})
			}
			continue
		}
		if j, dup := seen[c.ID]; dup {
			list.Add(&cs.FieldError{Field: "[" + strconv.Itoa(i) + "].id", Record: errs.Clip(c.ID), Err: fmt.Errorf("%w: also customer [%d]", cs.ErrDuplicate, j)})
			continue
		}
		seen[c.ID] = i
		b, err := json.Marshal(&c)
		if err != nil {
			list.Add(&cs.FieldError{Field: "[" + strconv.Itoa(i) + "]", Record: errs.Clip(c.ID), Err: err})
			continue
		}
		out.Write(b)
		out.WriteByte('\n')
	}
	if list.Len() > 0 {
		return nil, invalidBody(list.Err(), "")
	}
	return out.Bytes(), nil
}

// recordsCSV turns a JSON array of flat objects, keyed by the kind's column
// names, into CSV with those columns: strings as they are, numbers as
// written, booleans as true/false, null and absent keys as empty cells.
func recordsCSV(body []byte, columns []string) ([]byte, error) {
	var rows []map[string]any
	var list errs.List
	if !decodeJSONTo(&list, body, &rows) || list.Len() > 0 {
		return nil, invalidBody(list.Err(), "")
	}
	var out bytes.Buffer
	w := csv.NewWriter(&out)
	w.Write(columns)
	cells := make([]string, len(columns))
	for i, row := range rows {
		for _, k := range slices.Sorted(maps.Keys(row)) {
			if !slices.Contains(columns, k) {
				list.Add(&cs.FieldError{Field: "[" + strconv.Itoa(i) + "]." + k, Err: fmt.Errorf("%w (want %s)", cs.ErrUnknownField, strings.Join(columns, ", "))})
			}
		}
		for j, col := range columns {
			switch v := row[col].(type) {
			case nil:
				cells[j] = ""
			case string:
				cells[j] = v
			case float64:
				cells[j] = strconv.FormatFloat(v, 'f', -1, 64)
			case bool:
				cells[j] = strconv.FormatBool(v)
			default:
				list.Add(&cs.FieldError{Field: "[" + strconv.Itoa(i) + "]." + col, Err: fmt.Errorf("%w: want a string, number or boolean", cs.ErrWrongType)})
			}
		}
		w.Write(cells)
	}
	w.Flush()
	if list.Len() > 0 {
		return nil, invalidBody(list.Err(), "")
	}
	return out.Bytes(), w.Error()
}

// writeAtomic writes data to path through a synced temporary file renamed
// over it.
func writeAtomic(path string, data []byte) error {
	f, err := os.CreateTemp(filepath.Dir(path), ".upload-*")
	if err != nil {
		return err
	}
	tmp := f.Name()
	_, err = f.Write(data)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, path)
	}
	if err != nil {
		os.Remove(tmp)
		return err
	}
	if d, err := os.Open(filepath.Dir(path)); err == nil {
		d.Sync()
		d.Close()
	}
	return nil
}

// listInputs lists a date's staged inputs: GET /v1/inputs/{as_of}.
func (c *call) listInputs() error {
	d, _, err := c.inputPath()
	if err != nil {
		return err
	}
	files, err := c.s.stagedFiles(d)
	if err != nil {
		return err
	}
	return writeJSON(c.w, c.r, listPage[staged]{Items: files})
}

// stagedFiles lists the staged inputs of a date in the order of inputKinds.
func (s *Server) stagedFiles(d cs.Date) ([]staged, error) {
	dir, err := s.stagingDir(d)
	if err != nil {
		return nil, err
	}
	out := []staged{}
	for _, k := range inputKinds {
		for _, ext := range []string{".csv", ".jsonl"} {
			fi, err := os.Stat(filepath.Join(dir, k.name+ext))
			if err == nil && fi.Mode().IsRegular() {
				out = append(out, staged{Kind: k.name, File: k.name + ext, Bytes: fi.Size()})
			}
		}
	}
	return out, nil
}

// deleteInput removes a staged input: DELETE /v1/inputs/{as_of}/{kind}.
func (c *call) deleteInput() error {
	d, kind, err := c.inputPath()
	if err != nil {
		return err
	}
	dir, err := c.s.stagingDir(d)
	if err != nil {
		return err
	}
	found := false
	for _, ext := range []string{".csv", ".jsonl"} {
		if err := os.Remove(filepath.Join(dir, kind.name+ext)); err == nil {
			found = true
		} else if !errors.Is(err, os.ErrNotExist) {
			return err
		}
	}
	if !found {
		return newProblem("not-found", "no "+kind.name+" staged for "+d.String())
	}
	c.w.WriteHeader(http.StatusNoContent)
	return nil
}

// decodeJSONTo decodes strictly with the library's decoder, adding the
// problems to list; false after a syntax error.
func decodeJSONTo(list *errs.List, body []byte, v any) bool {
	return jsonx.DecodeTo(list, body, v, csio.LocateJSON)
}
