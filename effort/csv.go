package effort

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	cs "github.com/successkit/cs"
)

// table reads one of the CSV files of the sample book: a header naming exactly the
// expected columns (in any order), then one record per line. It reuses its record
// buffer, so reading does not allocate per field beyond the strings kept.
type table struct {
	file   string
	cols   []string
	r      *csv.Reader
	pos    []int // pos[k] is the record index of column cols[k]
	header error // sticky header error
	read   bool
	line   int
}

func newTable(r io.Reader, file string, cols ...string) *table {
	cr := csv.NewReader(r)
	cr.ReuseRecord = true
	cr.FieldsPerRecord = -1
	return &table{file: file, cols: cols, r: cr}
}

func (t *table) fieldErr(field, value string, err error) error {
	return fmt.Errorf("effort: %w", &cs.FieldError{File: t.file, Line: t.line, Field: field, Value: value, Err: err})
}

// next returns the next record's fields in column order, or an error for that line.
// io.EOF ends the file; a header error is returned by every call.
func (t *table) next() ([]string, error) {
	if !t.read {
		t.read = true
		t.header = t.readHeader()
	}
	if t.header != nil {
		return nil, t.header
	}
	rec, err := t.r.Read()
	if err != nil {
		var pe *csv.ParseError
		if errors.As(err, &pe) {
			t.line = pe.Line
			return nil, t.fieldErr("record", "", pe.Err)
		}
		if err == io.EOF {
			return nil, io.EOF
		}
		return nil, fmt.Errorf("effort: %s: %w", t.file, err)
	}
	// FieldPos is defined for the record just read, which has at least one field.
	t.line, _ = t.r.FieldPos(0)
	if len(rec) != len(t.pos) {
		return nil, t.fieldErr("record", "", fmt.Errorf("%d fields, want %d", len(rec), len(t.pos)))
	}
	out := make([]string, len(t.cols))
	for k, p := range t.pos {
		out[k] = rec[p]
	}
	return out, nil
}

func (t *table) readHeader() error {
	rec, err := t.r.Read()
	t.line = 1
	if err == io.EOF {
		return t.fieldErr("header", "", cs.ErrMissing)
	}
	if err != nil {
		return t.fieldErr("header", "", err)
	}
	t.pos = make([]int, len(t.cols))
	for k := range t.pos {
		t.pos[k] = -1
	}
	for i, name := range rec {
		if i == 0 {
			name = strings.TrimPrefix(name, "\uFEFF") // a byte-order mark written by spreadsheets
		}
		k := -1
		for j, c := range t.cols {
			if c == name {
				k = j
			}
		}
		switch {
		case k < 0:
			return t.fieldErr("header", name, cs.ErrUnknownField)
		case t.pos[k] >= 0:
			return t.fieldErr("header", name, cs.ErrDuplicate)
		}
		t.pos[k] = i
	}
	for k, p := range t.pos {
		if p < 0 {
			return t.fieldErr(t.cols[k], "", cs.ErrMissing)
		}
	}
	return nil
}

func (t *table) required(field, v string) error {
	if v == "" {
		return t.fieldErr(field, "", cs.ErrMissing)
	}
	return nil
}

func (t *table) time(field, v string) (time.Time, error) {
	if v == "" {
		return time.Time{}, t.fieldErr(field, "", cs.ErrMissing)
	}
	tm, err := time.Parse(time.RFC3339, v)
	if err != nil || tm.IsZero() {
		return time.Time{}, t.fieldErr(field, v, errors.New("not an RFC 3339 time"))
	}
	return tm, nil
}

func (t *table) flag(field, v string) (bool, error) {
	switch v {
	case "", "0", "false":
		return false, nil
	case "1", "true":
		return true, nil
	}
	return false, t.fieldErr(field, v, errors.New("not a flag (want 0, 1, true or false)"))
}

// ContactReader streams contacts.csv:
// contact_id,customer_id,case_id,time,channel,agent,repeated_info,generic_answer,transferred
// with times in RFC 3339, channels as ParseChannel and flags 0/1/true/false (empty is
// false). Agent may be empty.
type ContactReader struct{ t *table }

// NewContactReader returns a reader of contacts.csv from r; file names the source in
// errors ("contacts.csv" if empty).
func NewContactReader(r io.Reader, file string) *ContactReader {
	if file == "" {
		file = "contacts.csv"
	}
	return &ContactReader{newTable(r, file, "contact_id", "customer_id", "case_id", "time", "channel",
		"agent", "repeated_info", "generic_answer", "transferred")}
}

// Read returns the next contact, io.EOF at the end, or an error for one bad line
// (wrapping a *cs.FieldError with the file, line and field): call Read again to go on.
// A bad header is an error returned by every call.
func (r *ContactReader) Read() (Contact, error) {
	t := r.t
	f, err := t.next()
	if err != nil {
		return Contact{}, err
	}
	for k, name := range []string{"contact_id", "customer_id", "case_id"} {
		if err := t.required(name, f[k]); err != nil {
			return Contact{}, err
		}
	}
	if len(f[0]) > maxIDLen {
		return Contact{}, t.fieldErr("contact_id", f[0][:16]+"...", cs.ErrRange)
	}
	c := Contact{ID: f[0], CustomerID: f[1], CaseID: f[2], Agent: f[5]}
	if c.Time, err = t.time("time", f[3]); err != nil {
		return Contact{}, err
	}
	if c.Channel, err = ParseChannel(f[4]); err != nil {
		return Contact{}, t.fieldErr("channel", f[4], ErrChannel)
	}
	if c.RepeatedInfo, err = t.flag("repeated_info", f[6]); err != nil {
		return Contact{}, err
	}
	if c.GenericAnswer, err = t.flag("generic_answer", f[7]); err != nil {
		return Contact{}, err
	}
	if c.Transferred, err = t.flag("transferred", f[8]); err != nil {
		return Contact{}, err
	}
	return c, nil
}

// CaseEventReader streams case_events.csv: case_id,customer_id,event,time.
type CaseEventReader struct{ t *table }

// NewCaseEventReader returns a reader of case_events.csv from r; file names the
// source in errors ("case_events.csv" if empty).
func NewCaseEventReader(r io.Reader, file string) *CaseEventReader {
	if file == "" {
		file = "case_events.csv"
	}
	return &CaseEventReader{newTable(r, file, "case_id", "customer_id", "event", "time")}
}

// Read returns the next event; errors as ContactReader.Read.
func (r *CaseEventReader) Read() (CaseEvent, error) {
	t := r.t
	f, err := t.next()
	if err != nil {
		return CaseEvent{}, err
	}
	for k, name := range []string{"case_id", "customer_id"} {
		if err := t.required(name, f[k]); err != nil {
			return CaseEvent{}, err
		}
	}
	e := CaseEvent{CaseID: f[0], CustomerID: f[1]}
	if e.Kind, err = ParseEventKind(f[2]); err != nil {
		return CaseEvent{}, t.fieldErr("event", f[2], ErrEvent)
	}
	if e.Time, err = t.time("time", f[3]); err != nil {
		return CaseEvent{}, err
	}
	return e, nil
}

// SurveyReader streams surveys.csv: customer_id,time,kind,score with kind ces2, ces1
// or nps; every response is validated (Response.Validate).
type SurveyReader struct{ t *table }

// NewSurveyReader returns a reader of surveys.csv from r; file names the source in
// errors ("surveys.csv" if empty).
func NewSurveyReader(r io.Reader, file string) *SurveyReader {
	if file == "" {
		file = "surveys.csv"
	}
	return &SurveyReader{newTable(r, file, "customer_id", "time", "kind", "score")}
}

// Read returns the next response; errors as ContactReader.Read. An answer outside
// its scale or not an integer is an error for its line wrapping ErrScore.
func (r *SurveyReader) Read() (Response, error) {
	t := r.t
	f, err := t.next()
	if err != nil {
		return Response{}, err
	}
	if err := t.required("customer_id", f[0]); err != nil {
		return Response{}, err
	}
	s := Response{CustomerID: f[0]}
	if s.Time, err = t.time("time", f[1]); err != nil {
		return Response{}, err
	}
	if s.Scale, err = ParseScale(f[2]); err != nil {
		return Response{}, t.fieldErr("kind", f[2], ErrScale)
	}
	if f[3] == "" {
		return Response{}, t.fieldErr("score", "", cs.ErrMissing)
	}
	if s.Score, err = strconv.ParseFloat(f[3], 64); err != nil {
		return Response{}, t.fieldErr("score", f[3], cs.ErrNotNumber)
	}
	if err := s.Validate(); err != nil {
		var fe *cs.FieldError
		if errors.As(err, &fe) {
			return Response{}, t.fieldErr(fe.Field, f[3], fe.Err)
		}
		return Response{}, err
	}
	return s, nil
}

// LoadBatch reads contacts.csv and case_events.csv (either may be nil) into a new
// Batch. Every bad line is an error in errs (with its file and line) and is skipped;
// a bad header stops that file with one error. Records are then analysed with
// Model.AnalyzeAt, which reports the errors that need the whole book.
func LoadBatch(contacts, events io.Reader) (b *Batch, errs []error) {
	b = NewBatch()
	if contacts != nil {
		r := NewContactReader(contacts, "")
		errs = drainTable(r.t, errs, func() error {
			c, err := r.Read()
			if err != nil {
				return err
			}
			return b.AddContact(c)
		})
	}
	if events != nil {
		r := NewCaseEventReader(events, "")
		errs = drainTable(r.t, errs, func() error {
			e, err := r.Read()
			if err != nil {
				return err
			}
			return b.AddCaseEvent(e)
		})
	}
	return b, errs
}

// ReadResponses reads surveys.csv; errors as LoadBatch.
func ReadResponses(surveys io.Reader) (rs []Response, errs []error) {
	r := NewSurveyReader(surveys, "")
	errs = drainTable(r.t, errs, func() error {
		s, err := r.Read()
		if err == nil {
			rs = append(rs, s)
		}
		return err
	})
	return rs, errs
}

// drainTable calls step until io.EOF, collecting its errors; a header error ends it.
func drainTable(t *table, errs []error, step func() error) []error {
	for {
		err := step()
		switch {
		case err == io.EOF:
			return errs
		case err != nil:
			errs = append(errs, err)
			if t.header != nil {
				return errs
			}
		}
	}
}
