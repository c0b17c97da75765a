package effort

import (
	"cmp"
	"errors"
	"fmt"
	"io"
	"iter"
	"strconv"
	"time"

	cs "github.com/successkit/cs"
	"github.com/successkit/cs/internal/csio"
	"github.com/successkit/cs/internal/csvx"
	"github.com/successkit/cs/internal/errs"
)

// The columns of the sample book's files, in the order the decoders read them.
var (
	contactColumns = []string{"contact_id", "customer_id", "case_id", "time", "channel",
		"agent", "repeated_info", "generic_answer", "transferred"}
	caseEventColumns = []string{"case_id", "customer_id", "event", "time"}
	surveyColumns    = []string{"customer_id", "time", "kind", "score"}
)

// CSVOptions configures the CSV readers. The zero value reads records of up to
// 1 MiB.
type CSVOptions struct {
	// MaxRecordBytes is the longest record, in bytes with its line end; a longer
	// one is an error wrapping cs.ErrTooLong at its line, skipped without being
	// read into memory. 0 means 1 MiB.
	MaxRecordBytes int
}

// ReadContacts streams contacts.csv from r:
// contact_id,customer_id,case_id,time,channel,agent,repeated_info,generic_answer,transferred
// in any column order, with times in RFC 3339, channels as ParseChannel and flags
// 0/1/true/false (empty is false); agent may be empty. name is the file name its
// errors give ("contacts.csv" if empty).
//
// Every bad record yields one error, prefixed "effort: " and wrapping a
// *cs.FieldError that names the file, the line, the customer when known and the
// field, and the good records keep coming: IDs are checked by cs.CheckID, and a
// contact ID longer than 255 bytes is refused (cs.ErrTooLong). A bad header, an
// unclosed quote and a read error yield one error and end the sequence.
func ReadContacts(r io.Reader, name string) iter.Seq2[Contact, error] {
	return CSVOptions{}.ReadContacts(r, name)
}

// ReadContacts is the function ReadContacts with the options.
func (o CSVOptions) ReadContacts(r io.Reader, name string) iter.Seq2[Contact, error] {
	return readTable(o, r, cmp.Or(name, "contacts.csv"), contactColumns, decodeContact)
}

// ReadCaseEvents streams case_events.csv from r: case_id,customer_id,event,time,
// with events as ParseEventKind; errors as ReadContacts ("case_events.csv" if name
// is empty).
func ReadCaseEvents(r io.Reader, name string) iter.Seq2[CaseEvent, error] {
	return CSVOptions{}.ReadCaseEvents(r, name)
}

// ReadCaseEvents is the function ReadCaseEvents with the options.
func (o CSVOptions) ReadCaseEvents(r io.Reader, name string) iter.Seq2[CaseEvent, error] {
	return readTable(o, r, cmp.Or(name, "case_events.csv"), caseEventColumns, decodeCaseEvent)
}

// ReadSurveys streams surveys.csv from r: customer_id,time,kind,score with kind
// ces2, ces1 or nps; every response is validated (Response.Validate), so an answer
// outside its scale or not an integer is an error for its line wrapping ErrScore.
// Errors as ReadContacts ("surveys.csv" if name is empty).
func ReadSurveys(r io.Reader, name string) iter.Seq2[Response, error] {
	return CSVOptions{}.ReadSurveys(r, name)
}

// ReadSurveys is the function ReadSurveys with the options.
func (o CSVOptions) ReadSurveys(r io.Reader, name string) iter.Seq2[Response, error] {
	return readTable(o, r, cmp.Or(name, "surveys.csv"), surveyColumns, decodeSurvey)
}

// LoadBatch reads a contacts file and a case-events file (either reader may be
// nil) into a new Batch; contactsName and eventsName are the file names errors
// give ("contacts.csv" and "case_events.csv" if empty). Every bad record is
// skipped and reported, and a bad header stops that file. The error lists the
// first ten problems, each naming its file and line, and counts the others, so it
// stays short whatever the input. Records are then analysed with Model.AnalyzeAt,
// which reports the problems that need the whole book.
func LoadBatch(contacts io.Reader, contactsName string, events io.Reader, eventsName string) (*Batch, error) {
	b := NewBatch()
	var list errs.List
	if contacts != nil {
		for c, err := range ReadContacts(contacts, contactsName) {
			if err == nil {
				err = b.AddContact(c)
			}
			list.Add(err)
		}
	}
	if events != nil {
		for e, err := range ReadCaseEvents(events, eventsName) {
			if err == nil {
				err = b.AddCaseEvent(e)
			}
			list.Add(err)
		}
	}
	return b, list.Err()
}

// ReadResponses reads a whole surveys file (name as ReadSurveys) and returns its
// valid responses; the error reports the bad records as LoadBatch does.
func ReadResponses(r io.Reader, name string) ([]Response, error) {
	var rs []Response
	var list errs.List
	for s, err := range ReadSurveys(r, name) {
		if err != nil {
			list.Add(err)
			continue
		}
		rs = append(rs, s)
	}
	return rs, list.Err()
}

// row is one record being decoded: its cells in column order, the file and line
// for its errors, and the customer once known.
type row struct {
	cells    []string
	file     string
	line     int
	customer string
}

// fail returns the error of the row's field.
func (w *row) fail(field, value string, err error) error {
	return fmt.Errorf("effort: %w", &cs.FieldError{File: w.file, Line: w.line, Record: errs.Clip(w.customer),
		Field: field, Value: errs.Clip(value), Err: err})
}

// id returns the ID in column k, checked by cs.CheckID.
func (w *row) id(k int, field string) (string, error) {
	v := w.cells[k]
	if err := cs.CheckID(v); err != nil {
		return "", w.fail(field, v, err)
	}
	return v, nil
}

// time returns the RFC 3339 time in column k.
func (w *row) time(k int, field string) (time.Time, error) {
	v := w.cells[k]
	if v == "" {
		return time.Time{}, w.fail(field, "", cs.ErrMissing)
	}
	tm, err := time.Parse(time.RFC3339, v)
	if err != nil || tm.IsZero() {
		return time.Time{}, w.fail(field, v, fmt.Errorf("not an RFC 3339 time: %w", cs.ErrSyntax))
	}
	return tm, nil
}

// flag returns the flag in column k: 0, 1, true, false, or empty for false.
func (w *row) flag(k int, field string) (bool, error) {
	switch v := w.cells[k]; v {
	case "", "0", "false":
		return false, nil
	case "1", "true":
		return true, nil
	default:
		return false, w.fail(field, v, fmt.Errorf("not a flag (want 0, 1, true or false): %w", cs.ErrSyntax))
	}
}

// readTable reads a CSV file with the given columns, all required, in any order,
// decoding each record with decode.
func readTable[T any](o CSVOptions, r io.Reader, name string, cols []string, decode func(*row) (T, error)) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		var zero T
		rd := csio.NewCSVReader(r, name, csvx.Options{MaxRecordBytes: o.MaxRecordBytes})
		header, err := rd.Header(cs.ErrMissing)
		var index []int
		if err == nil {
			index, err = csio.Columns(name, header, cols, cols)
		}
		if err != nil {
			yield(zero, fmt.Errorf("effort: %w", err))
			return
		}
		w := &row{cells: make([]string, len(cols)), file: name}
		for {
			cells, line, err := rd.Next()
			if err == io.EOF {
				return
			}
			w.line, w.customer = line, ""
			var v T
			switch {
			case err != nil:
				err = fmt.Errorf("effort: %w", err)
			case len(cells) != len(header):
				err = w.fail("record", "", fmt.Errorf("%d fields, want %d: %w", len(cells), len(header), cs.ErrSyntax))
			default:
				for k, p := range index {
					w.cells[k] = cells[p]
				}
				v, err = decode(w)
			}
			if err != nil {
				v = zero
			}
			if !yield(v, err) {
				return
			}
		}
	}
}

func decodeContact(w *row) (Contact, error) {
	f := w.cells
	cust, err := w.id(1, "customer_id")
	if err != nil {
		return Contact{}, err
	}
	w.customer = cust
	c := Contact{CustomerID: cust, Agent: f[5]}
	if c.ID, err = w.id(0, "contact_id"); err != nil {
		return Contact{}, err
	}
	if len(c.ID) > maxIDLen {
		return Contact{}, w.fail("contact_id", c.ID, fmt.Errorf("longer than %d bytes: %w", maxIDLen, cs.ErrTooLong))
	}
	if c.CaseID, err = w.id(2, "case_id"); err != nil {
		return Contact{}, err
	}
	if c.Time, err = w.time(3, "time"); err != nil {
		return Contact{}, err
	}
	if c.Channel, err = ParseChannel(f[4]); err != nil {
		return Contact{}, w.fail("channel", f[4], ErrChannel)
	}
	if c.RepeatedInfo, err = w.flag(6, "repeated_info"); err != nil {
		return Contact{}, err
	}
	if c.GenericAnswer, err = w.flag(7, "generic_answer"); err != nil {
		return Contact{}, err
	}
	if c.Transferred, err = w.flag(8, "transferred"); err != nil {
		return Contact{}, err
	}
	return c, nil
}

func decodeCaseEvent(w *row) (CaseEvent, error) {
	f := w.cells
	cust, err := w.id(1, "customer_id")
	if err != nil {
		return CaseEvent{}, err
	}
	w.customer = cust
	e := CaseEvent{CustomerID: cust}
	if e.CaseID, err = w.id(0, "case_id"); err != nil {
		return CaseEvent{}, err
	}
	if e.Kind, err = ParseEventKind(f[2]); err != nil {
		return CaseEvent{}, w.fail("event", f[2], ErrEvent)
	}
	if e.Time, err = w.time(3, "time"); err != nil {
		return CaseEvent{}, err
	}
	return e, nil
}

func decodeSurvey(w *row) (Response, error) {
	f := w.cells
	cust, err := w.id(0, "customer_id")
	if err != nil {
		return Response{}, err
	}
	w.customer = cust
	s := Response{CustomerID: cust}
	if s.Time, err = w.time(1, "time"); err != nil {
		return Response{}, err
	}
	if s.Scale, err = ParseScale(f[2]); err != nil {
		return Response{}, w.fail("kind", f[2], ErrScale)
	}
	if f[3] == "" {
		return Response{}, w.fail("score", "", cs.ErrMissing)
	}
	if s.Score, err = strconv.ParseFloat(f[3], 64); err != nil {
		return Response{}, w.fail("score", f[3], cs.ErrNotNumber)
	}
	if err := s.Validate(); err != nil {
		var fe *cs.FieldError
		if errors.As(err, &fe) {
			return Response{}, w.fail(fe.Field, f[3], fe.Err)
		}
		return Response{}, err
	}
	return s, nil
}
