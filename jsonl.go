package cs

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"iter"
	"slices"
	"strings"
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

// UnmarshalJSON decodes the form MarshalJSON writes, strictly: an unknown key is an
// error wrapping ErrUnknownField, a repeated key ErrDuplicate, a value of the wrong
// JSON type ErrWrongType (ErrNotNumber for a signal), and the values are checked as
// the CSV reader checks its cells. A null value is missing, except for "id", which is
// required (ErrMissing). Every bad value is reported, each as a *FieldError whose
// Field is the JSON path ("signals.usage"), joined with errors.Join. On an error c is
// left unchanged, as it is for a JSON null (the encoding/json convention).
func (c *Customer) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		return nil
	}
	v, errs := decodeCustomer(b, "", 0)
	if len(errs) > 0 {
		return joinErrors(errs)
	}
	*c = v
	return nil
}

func joinErrors(errs []error) error {
	if len(errs) == 1 {
		return errs[0]
	}
	return errors.Join(errs...)
}

// decodeCustomer decodes one JSON object. The errors carry file and line.
func decodeCustomer(b []byte, file string, line int) (Customer, []error) {
	var (
		c        Customer
		errs     []error
		mrr      Money
		haveMRR  bool
		startRaw string
	)
	fail := func(field, value string, err error) {
		errs = append(errs, &FieldError{File: file, Line: line, Field: field, Value: value, Err: err})
	}
	syntax := func(err error) []error {
		return []error{&FieldError{File: file, Line: line, Field: "record", Err: fmt.Errorf("%w: %w", ErrSyntax, err)}}
	}
	idSeen := false
	err := eachMember(b, func(key string, raw json.RawMessage) {
		switch key {
		case "id", "name", "segment":
			s, ok, err := jsonString(raw)
			switch {
			case err != nil:
				fail(key, valueText(raw), err)
			case key == "id":
				idSeen = ok
				c.ID = s
			case key == "name":
				c.Name = s
			default:
				c.Segment = s
			}
		case "stage", "contract_start", "renewal_date", "mrr":
			s, ok, err := jsonString(raw)
			if err != nil {
				fail(key, valueText(raw), err)
				return
			}
			if !ok {
				return
			}
			switch key {
			case "stage":
				st, ok := stageOf(s)
				if !ok {
					fail(key, s, ErrInvalidStage)
				}
				c.Stage = st
			case "contract_start", "renewal_date":
				d, err := ParseDate(s)
				if err != nil {
					fail(key, s, err)
				} else if key == "contract_start" {
					c.ContractStart, startRaw = d, s
				} else {
					c.RenewalDate = d
				}
			case "mrr":
				m, err := ParseMoney(s)
				switch {
				case !strings.Contains(s, " "):
					fail(key, s, fmt.Errorf("%w: want \"<amount> <currency>\"", ErrNotDecimal))
				case err != nil:
					fail(key, s, errors.Unwrap(err))
				case m.IsNegative():
					fail(key, s, ErrNegative)
				default:
					mrr, haveMRR = m, true
				}
			}
		case "signals":
			if isNull(raw) {
				return
			}
			err := eachMember(raw, func(name string, v json.RawMessage) {
				path := "signals." + name
				if name == "" {
					fail(path, "", ErrMissing)
					return
				}
				if isNull(v) {
					return
				}
				if len(v) == 0 || (v[0] != '-' && (v[0] < '0' || v[0] > '9')) {
					fail(path, valueText(v), ErrNotNumber)
					return
				}
				f, err := parseSignal(string(v))
				if err != nil {
					fail(path, valueText(v), err)
					return
				}
				if c.Signals == nil {
					c.Signals = make(Signals)
				}
				c.Signals[name] = f
			}, func(name string) { fail("signals."+name, "", ErrDuplicate) })
			if err != nil {
				fail(key, valueText(raw), err)
			}
		case "attributes":
			if isNull(raw) {
				return
			}
			err := eachMember(raw, func(name string, v json.RawMessage) {
				path := "attributes." + name
				if name == "" {
					fail(path, "", ErrMissing)
					return
				}
				s, ok, err := jsonString(v)
				switch {
				case err != nil:
					fail(path, valueText(v), err)
				case !ok:
				case s == "":
					fail(path, "", fmt.Errorf("%w (an empty attribute is left out)", ErrMissing))
				default:
					if c.Attributes == nil {
						c.Attributes = make(Attributes)
					}
					c.Attributes[name] = s
				}
			}, func(name string) { fail("attributes."+name, "", ErrDuplicate) })
			if err != nil {
				fail(key, valueText(raw), err)
			}
		default:
			fail(key, "", ErrUnknownField)
		}
	}, func(key string) { fail(key, "", ErrDuplicate) })
	if err != nil {
		return Customer{}, syntax(err)
	}
	if haveMRR {
		c.MRR = mrr
	}
	if !c.ContractStart.IsZero() && !c.RenewalDate.IsZero() && c.RenewalDate.Before(c.ContractStart) {
		fail("renewal_date", c.RenewalDate.String(), fmt.Errorf("%w: before contract_start %s", ErrDateOrder, startRaw))
	}
	if !idSeen || c.ID == "" {
		fail("id", "", ErrMissing)
	}
	if len(errs) > 0 {
		for _, e := range errs {
			e.(*FieldError).Record = c.ID
		}
		return Customer{}, errs
	}
	return c, nil
}

// valueText is the offending value as a FieldError quotes it: a JSON string decoded,
// anything else as written.
func valueText(raw []byte) string {
	if len(raw) > 0 && raw[0] == '"' {
		var s string
		if json.Unmarshal(raw, &s) == nil {
			return s
		}
	}
	return string(raw)
}

func isNull(raw []byte) bool { return string(raw) == "null" }

// jsonString decodes a JSON string; ok is false for null. Another type is an error
// wrapping ErrWrongType.
func jsonString(raw json.RawMessage) (s string, ok bool, err error) {
	if isNull(raw) {
		return "", false, nil
	}
	if len(raw) == 0 || raw[0] != '"' {
		return "", false, fmt.Errorf("%w (want a string)", ErrWrongType)
	}
	if err := json.Unmarshal(raw, &s); err != nil {
		return "", false, fmt.Errorf("%w: %v", ErrWrongType, err)
	}
	return s, true, nil
}

// eachMember calls member for every key of the JSON object b, in order, and dup for
// a key seen before (member is not called again for it). It returns an error if b is
// not one JSON object.
func eachMember(b []byte, member func(key string, v json.RawMessage), dup func(key string)) error {
	dec := json.NewDecoder(bytes.NewReader(b))
	tok, err := dec.Token()
	if err != nil {
		return err
	}
	if d, ok := tok.(json.Delim); !ok || d != '{' {
		return fmt.Errorf("%w (want a JSON object)", ErrWrongType)
	}
	var seen []string
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return err
		}
		key := tok.(string) // inside an object the decoder yields only string keys here
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			return err
		}
		if slices.Contains(seen, key) {
			dup(key)
			continue
		}
		seen = append(seen, key)
		member(key, v)
	}
	if _, err := dec.Token(); err != nil {
		return err
	}
	if _, err := dec.Token(); err != io.EOF {
		return errors.New("data after the JSON object")
	}
	return nil
}

// ReadCustomersJSONL reads customers from JSON Lines: one JSON object per line, in
// the form Customer.MarshalJSON writes. Blank lines are skipped; a line may end in
// CR LF. name (such as "customers.jsonl") prefixes the errors.
//
// The sequence is streaming, with the contract of ReadCustomersCSV: in file order,
// a customer and a nil error, or for a bad line the zero Customer and one error (the
// *FieldErrors of that line, joined) naming file, line, customer and JSON path:
//
//	customers.jsonl:4: customer "c7": signals.usage: "\"high\"": not a number
//
// Unknown keys (ErrUnknownField), repeated keys and repeated customer IDs
// (ErrDuplicate) are errors; the good lines are still delivered. A read error from
// r is yielded once and ends the sequence. The sequence may be ranged over once.
func ReadCustomersJSONL(r io.Reader, name string) iter.Seq2[Customer, error] {
	return func(yield func(Customer, error) bool) {
		br := bufio.NewReaderSize(r, 64<<10)
		seen := map[string]int{}
		var long []byte
		for line := 1; ; line++ {
			b, err := br.ReadSlice('\n')
			if errors.Is(err, bufio.ErrBufferFull) {
				long = append(long[:0], b...)
				for errors.Is(err, bufio.ErrBufferFull) {
					b, err = br.ReadSlice('\n')
					long = append(long, b...)
				}
				b = long
			}
			if err != nil && !errors.Is(err, io.EOF) {
				yield(Customer{}, readError(name, err))
				return
			}
			text := bytes.TrimSpace(b)
			if len(text) > 0 {
				c, errs := decodeCustomer(text, name, line)
				if len(errs) == 0 {
					if first, ok := seen[c.ID]; ok {
						errs = append(errs, &FieldError{File: name, Line: line, Record: c.ID, Field: "id", Value: c.ID,
							Err: fmt.Errorf("%w (first on line %d)", ErrDuplicate, first)})
					} else {
						seen[c.ID] = line
					}
				}
				var out error
				if len(errs) > 0 {
					c, out = Customer{}, joinErrors(errs)
				}
				if !yield(c, out) {
					return
				}
			}
			if err != nil { // io.EOF
				return
			}
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
