package cs

import (
	"bufio"
	"bytes"
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"iter"
	"maps"
	"slices"

	"github.com/successkit/cs/internal/csvx"
	"github.com/successkit/cs/internal/errs"
	"github.com/successkit/cs/internal/jsonx"
)

// customerJSON is the JSON form of a Customer. MRR is a pointer so that a known zero
// MRR ("0.00 USD") is written while a missing one is left out: Money.IsZero is true
// for both, so omitzero on a Money would drop the known zero.
type customerJSON struct {
	ID            string     `json:"id"`
	Name          string     `json:"name,omitempty"`
	Segment       string     `json:"segment,omitempty"`
	Stage         Stage      `json:"stage,omitzero"`
	ContractStart Date       `json:"contract_start,omitzero"`
	RenewalDate   Date       `json:"renewal_date,omitzero"`
	MRR           *Money     `json:"mrr,omitempty"`
	Signals       Signals    `json:"signals,omitempty"`
	Attributes    Attributes `json:"attributes,omitempty"`
}

// MarshalJSON encodes the customer as one JSON object with the keys id, name,
// segment, stage, contract_start, renewal_date, mrr ("1200.50 USD"), signals and
// attributes, in that order, leaving out what is missing; map keys are sorted, so the
// output is deterministic. It does not validate (see Customer.Validate); a NaN or
// infinite signal is an encoding error. Text that is not valid UTF-8 is written with
// U+FFFD in place of the bad bytes, as encoding/json does.
func (c Customer) MarshalJSON() ([]byte, error) {
	v := customerJSON{
		ID: c.ID, Name: c.Name, Segment: c.Segment, Stage: c.Stage,
		ContractStart: c.ContractStart, RenewalDate: c.RenewalDate,
		Signals: c.Signals, Attributes: c.Attributes,
	}
	if c.HasMRR() || !c.MRR.IsZero() {
		v.MRR = &c.MRR
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, fmt.Errorf("cs: customer %q: %w", c.ID, err)
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte{'\n'}), nil
}

// UnmarshalJSON decodes the form MarshalJSON writes, strictly, with the rules of
// every JSON decoder of the module: an unknown key is an error wrapping
// ErrUnknownField, a repeated key ErrDuplicateKey, a value of the wrong JSON kind
// ErrWrongType, malformed JSON or nesting deeper than 64 levels ErrSyntax; a
// leading byte-order mark is accepted. The values are checked as the CSV reader
// checks its cells. A null value is missing, except for "id", which is required
// (ErrMissing) and must pass CheckID. Every bad value is reported (up to ten, then
// a count), each as a *FieldError whose Field is the JSON path ("signals.usage").
// On an error c is left unchanged, as it is for a JSON null (the encoding/json
// convention).
func (c *Customer) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		return nil
	}
	v, err := decodeCustomer(b, "", 0)
	if err != nil {
		return fmt.Errorf("cs: %w", err)
	}
	*c = v
	return nil
}

// customerIn is the JSON form of a Customer as decoded: a pointer tells a missing
// ID, signal or attribute from an empty one.
type customerIn struct {
	ID            *string             `json:"id"`
	Name          string              `json:"name"`
	Segment       string              `json:"segment"`
	Stage         Stage               `json:"stage"`
	ContractStart Date                `json:"contract_start"`
	RenewalDate   Date                `json:"renewal_date"`
	MRR           Money               `json:"mrr"`
	Signals       map[string]*float64 `json:"signals"`
	Attributes    map[string]*string  `json:"attributes"`
}

// jsonLocate is the jsonx.Locate of this package: it builds a *FieldError at file
// and line, keeping the cause and quoted value of a value's own parse error.
func jsonLocate(file string, line int) jsonx.Locate {
	return func(path, value string, err error) error {
		var fe *FieldError
		if errors.As(err, &fe) && fe.File == "" && fe.Line == 0 {
			value, err = cmp.Or(fe.Value, value), fe.Err
		}
		return &FieldError{File: file, Line: line, Field: path, Value: value, Err: err}
	}
}

// decodeCustomer decodes one JSON object. The errors carry file and line.
func decodeCustomer(b []byte, file string, line int) (Customer, error) {
	var (
		in   customerIn
		list errs.List
	)
	locate := jsonLocate(file, line)
	if text := bytes.TrimLeft(bytes.TrimPrefix(b, []byte("\uFEFF")), " \t\r\n"); len(text) > 0 && text[0] != '{' {
		var v any // one error, whether or not text is JSON
		if err := jsonx.Decode(text, &v, locate); err != nil {
			return Customer{}, err
		}
		return Customer{}, locate("$", errs.ClipBytes(text), fmt.Errorf("%w: want an object, got %s", ErrWrongType, jsonx.KindName(text[0])))
	}
	decoded := jsonx.DecodeTo(&list, b, &in, locate)
	c := Customer{Name: in.Name, Segment: in.Segment, Stage: in.Stage,
		ContractStart: in.ContractStart, RenewalDate: in.RenewalDate}
	if !decoded {
		// A syntax error: nothing more is worth checking.
	} else if in.ID == nil {
		list.Add(locate("id", "", ErrMissing))
	} else if err := CheckID(*in.ID); err != nil {
		list.Add(locate("id", errs.Clip(*in.ID), err))
	} else {
		c.ID = *in.ID
	}
	if decoded {
		if in.MRR.IsNegative() {
			list.Add(locate("mrr", in.MRR.String(), ErrNegative))
		} else {
			c.MRR = in.MRR
		}
		if !c.ContractStart.IsZero() && !c.RenewalDate.IsZero() && c.RenewalDate.Before(c.ContractStart) {
			list.Add(locate("renewal_date", c.RenewalDate.String(), fmt.Errorf("%w: before contract_start %s", ErrDateOrder, c.ContractStart)))
		}
		for _, name := range slices.Sorted(maps.Keys(in.Signals)) {
			switch v := in.Signals[name]; {
			case name == "":
				list.Add(locate("signals.", "", ErrMissing))
			case v != nil:
				if c.Signals == nil {
					c.Signals = make(Signals, len(in.Signals))
				}
				c.Signals[name] = *v
			}
		}
		for _, name := range slices.Sorted(maps.Keys(in.Attributes)) {
			switch v := in.Attributes[name]; {
			case name == "":
				list.Add(locate("attributes.", "", ErrMissing))
			case v != nil && *v == "":
				list.Add(locate("attributes."+name, "", fmt.Errorf("%w (an empty attribute is left out)", ErrMissing)))
			case v != nil:
				if c.Attributes == nil {
					c.Attributes = make(Attributes, len(in.Attributes))
				}
				c.Attributes[name] = *v
			}
		}
	}
	if list.Len() > 0 {
		if in.ID != nil && CheckID(*in.ID) == nil {
			for _, e := range list.Errs() {
				e.(*FieldError).Record = errs.Clip(*in.ID)
			}
		}
		return Customer{}, list.Err()
	}
	return c, nil
}

// JSONLOptions configures reading customers from JSON Lines. The zero value
// refuses duplicate IDs and lines over 1 MiB. A JSONLOptions is a plain value, safe
// for concurrent use.
type JSONLOptions struct {
	// AllowDuplicateIDs turns off the duplicate-ID check, for files that hold several
	// lines per customer.
	AllowDuplicateIDs bool
	// MaxLineBytes is the longest line accepted; 0 means 1 MiB. A longer line is an
	// error wrapping ErrTooLong and is skipped without being held in memory.
	MaxLineBytes int
}

// ReadCustomersJSONL reads customers from JSON Lines with the zero JSONLOptions:
// one JSON object per line, in the form Customer.MarshalJSON writes. Blank lines
// are skipped; a line may end in CR LF. name (such as "customers.jsonl") prefixes
// the errors.
//
// The sequence is streaming, with the contract of ReadCustomersCSV: in file order,
// a customer and a nil error, or for a bad line the zero Customer and one error (the
// *FieldErrors of that line, joined and bounded) naming file, line, customer and
// JSON path:
//
//	customers.jsonl:4: customer "c7": signals.usage: "\"high\"": wrong type: want a number, got a string
//
// Unknown keys (ErrUnknownField), repeated keys (ErrDuplicateKey), repeated
// customer IDs (ErrDuplicate) and lines over 1 MiB (ErrTooLong) are errors; the
// good lines are still delivered. The duplicate check costs about 16 bytes per
// customer when r can be read again (ReadAt and Seek), and keeps the IDs otherwise.
// A read error from r is yielded once and ends the sequence. The sequence may be
// ranged over once.
func ReadCustomersJSONL(r io.Reader, name string) iter.Seq2[Customer, error] {
	return JSONLOptions{}.ReadJSONL(r, name)
}

// ReadJSONL reads customers from JSON Lines as ReadCustomersJSONL does, with the
// options.
func (o JSONLOptions) ReadJSONL(r io.Reader, name string) iter.Seq2[Customer, error] {
	return func(yield func(Customer, error) bool) {
		max := cmp.Or(o.MaxLineBytes, csvx.DefaultMaxRecordBytes)
		ra, base, again := rereadable(r)
		lines := newLineReader(r, max)
		var (
			seen *idIndex
			at   marks
		)
		if !o.AllowDuplicateIDs {
			var confirm func(int) (string, bool)
			if again {
				confirm = func(line int) (string, bool) { return rereadJSONL(ra, base, max, &at, line) }
			}
			seen = newIDIndex(confirm)
		}
		for {
			b, line, off, err := lines.next()
			switch {
			case err == io.EOF:
				return
			case errors.Is(err, ErrTooLong):
				if !yield(Customer{}, &FieldError{File: name, Line: line, Field: "record", Err: err}) {
					return
				}
				continue
			case err != nil:
				yield(Customer{}, &FieldError{File: name, Line: line, Err: err})
				return
			}
			c, err := decodeCustomer(b, name, line)
			if err == nil && seen != nil {
				at.add(line, off)
				if first, added := seen.add(c.ID, line); !added {
					id := errs.Clip(c.ID)
					c, err = Customer{}, &FieldError{File: name, Line: line, Record: id, Field: "id", Value: id,
						Err: fmt.Errorf("%w (first on line %d)", ErrDuplicate, first)}
				}
			}
			if !yield(c, err) {
				return
			}
		}
	}
}

// rereadJSONL reads again the ID on line, from the nearest mark before it.
func rereadJSONL(ra io.ReaderAt, base int64, max int, at *marks, line int) (string, bool) {
	markLine, off := at.before(line)
	lines := newLineReader(io.NewSectionReader(ra, base+off, 1<<62), max)
	for {
		b, l, _, err := lines.next()
		switch l += markLine - 1; {
		case err == io.EOF || l > line:
			return "", false
		case err == nil && l == line:
			var in struct {
				ID string `json:"id"`
			}
			json.Unmarshal(b, &in) // the line was decoded strictly before
			return in.ID, true
		}
	}
}

// lineReader reads the non-blank lines of a text, each at most max bytes.
type lineReader struct {
	src      *bufio.Reader
	max      int
	line     int
	consumed int64
	long     []byte
}

func newLineReader(r io.Reader, max int) *lineReader {
	return &lineReader{src: bufio.NewReaderSize(r, 64<<10), max: max}
}

// next returns the next non-blank line without its line end, the line's number
// and its byte offset. A line over max bytes gives ErrTooLong and is skipped.
func (l *lineReader) next() (b []byte, line int, off int64, err error) {
	for {
		l.line++
		off = l.consumed
		b, err = l.src.ReadSlice('\n')
		l.consumed += int64(len(b))
		if err == bufio.ErrBufferFull {
			l.long = append(l.long[:0], b...)
			for err == bufio.ErrBufferFull && len(l.long) <= l.max {
				b, err = l.src.ReadSlice('\n')
				l.consumed += int64(len(b))
				l.long = append(l.long, b...)
			}
			for err == bufio.ErrBufferFull { // over max: skip the rest unheld
				b, err = l.src.ReadSlice('\n')
				l.consumed += int64(len(b))
			}
			b = l.long
		}
		if err != nil && err != io.EOF {
			return nil, l.line, off, err
		}
		if len(b) > l.max {
			return nil, l.line, off, fmt.Errorf("%w: line longer than %d bytes", ErrTooLong, l.max)
		}
		if text := bytes.TrimSpace(b); len(text) > 0 {
			return text, l.line, off, nil
		}
		if err == io.EOF {
			return nil, l.line, off, io.EOF
		}
	}
}

// JSONLWriter writes customers as JSON Lines, one Customer.MarshalJSON object per
// line. It buffers: call Flush at the end. It is not safe for concurrent use.
type JSONLWriter struct {
	w   *bufio.Writer
	err error
}

// NewJSONLWriter returns a JSON Lines writer to w.
func NewJSONLWriter(w io.Writer) *JSONLWriter {
	return &JSONLWriter{w: bufio.NewWriterSize(w, 64<<10)}
}

// Write writes one customer. A customer that fails Customer.Validate is refused with
// that error, so what is written reads back.
func (w *JSONLWriter) Write(c *Customer) error {
	if w.err != nil {
		return w.err
	}
	if err := c.Validate(); err != nil {
		return err
	}
	b, err := c.MarshalJSON()
	if err != nil {
		return err
	}
	b = append(b, '\n')
	if _, err := w.w.Write(b); err != nil {
		w.err = fmt.Errorf("cs: write JSON Lines: %w", err)
	}
	return w.err
}

// Flush writes any buffered lines and returns the first write error.
func (w *JSONLWriter) Flush() error {
	if w.err != nil {
		return w.err
	}
	if err := w.w.Flush(); err != nil {
		w.err = fmt.Errorf("cs: write JSON Lines: %w", err)
	}
	return w.err
}

// WriteCustomersJSONL writes the customers as JSON Lines in slice order and flushes.
// It stops at the first customer refused and returns that error.
func WriteCustomersJSONL(w io.Writer, customers []Customer) error {
	jw := NewJSONLWriter(w)
	for i := range customers {
		if err := jw.Write(&customers[i]); err != nil {
			return err
		}
	}
	return jw.Flush()
}
