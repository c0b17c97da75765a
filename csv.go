package cs

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"iter"
	"maps"
	"math"
	"slices"
	"strconv"
	"strings"
)

// The base columns of the customer CSV layout, in the order the writer puts them.
const (
	colID            = "id"
	colName          = "name"
	colSegment       = "segment"
	colStage         = "stage"
	colContractStart = "contract_start"
	colRenewalDate   = "renewal_date"
	colMRR           = "mrr"
	colCurrency      = "currency"

	// SignalPrefix starts the header of a signal column: "signal.usage".
	SignalPrefix = "signal."
	// AttrPrefix starts the header of an attribute column: "attr.plan".
	AttrPrefix = "attr."
)

// BaseColumns returns the base columns of the customer CSV layout in the order
// WriteCustomersCSV writes them:
//
//	id,name,segment,stage,contract_start,renewal_date,mrr,currency
func BaseColumns() []string {
	return []string{colID, colName, colSegment, colStage, colContractStart, colRenewalDate, colMRR, colCurrency}
}

type colKind uint8

const (
	kindID colKind = iota
	kindName
	kindSegment
	kindStage
	kindContractStart
	kindRenewalDate
	kindMRR
	kindCurrency
	kindSignal
	kindAttr
	kindExtra
)

var baseKinds = map[string]colKind{
	colID: kindID, colName: kindName, colSegment: kindSegment, colStage: kindStage,
	colContractStart: kindContractStart, colRenewalDate: kindRenewalDate,
	colMRR: kindMRR, colCurrency: kindCurrency,
}

// column is one header cell, compiled: its kind, its header text (used as the
// FieldError field) and, for signals and attributes, the map key, shared by every
// row so reading a row allocates no key strings.
type column struct {
	kind  colKind
	field string
	key   string
	extra int // index into CSVOptions.Extra for kindExtra
}

// CSVOptions configures reading a customer CSV file. The zero value reads the
// customers.csv layout alone and reports duplicate IDs. A CSVOptions is a plain
// value, safe for concurrent use.
type CSVOptions struct {
	// Extra names columns beyond the customer layout that the file must carry, such as
	// "as_of" in snapshots.csv. Their raw cells are returned in CSVRecord.Extra in the
	// order listed here, wherever they stand in the header. The header must contain
	// every one of them; a name may not be a base column or start with "signal." or
	// "attr.".
	Extra []string
	// AllowDuplicateIDs turns off the duplicate-ID check, for files that hold several
	// rows per customer (one per snapshot date). The caller then checks its own key.
	AllowDuplicateIDs bool
}

// CSVRecord is one customer row read by CSVOptions.ReadCSV.
type CSVRecord struct {
	Line     int      // 1-based line where the row starts
	Customer Customer // the customer; the zero Customer when the row had an error
	Extra    []string // raw cells of CSVOptions.Extra, in that order; nil if none
}

// ReadCustomersCSV reads customers from the customer CSV layout: a header row, then
// one customer per row. name (such as "customers.csv") prefixes the errors.
//
// Layout: the columns id, name, segment, stage, contract_start, renewal_date, mrr
// and currency, then any number of signal.<name> (a float64) and attr.<name> (text)
// columns; an empty cell is missing. Columns are matched by header name and may come
// in any order; only id is required, and mrr and currency come together. Any other
// column is an error wrapping ErrUnknownField (see CSVOptions.Extra to accept more).
//
// The sequence is streaming and yields, in file order, either a customer and a nil
// error or, for a bad row, the zero Customer and one error for the whole row: a
// *FieldError, or several joined with errors.Join when several cells are bad, each
// naming file, line, customer, column and cell:
//
//	customers.csv:17: customer "c42": mrr: "12,00": not a decimal
//
// Good rows after a bad one are still delivered. A row is refused for an empty id
// (ErrMissing), an unknown stage (ErrInvalidStage), a date that is not YYYY-MM-DD
// (ErrInvalidDate), a renewal before the contract start (ErrDateOrder), an mrr that
// is not a plain decimal (ErrNotDecimal) or is negative (ErrNegative), an unknown
// currency (ErrUnknownCurrency), an mrr without currency or the reverse (ErrMissing),
// a signal that is not a number (ErrNotNumber), NaN or infinite (ErrNotFinite) or
// beyond float64 (ErrRange), a wrong number of cells (csv.ErrFieldCount), malformed
// quoting (ErrSyntax and the encoding/csv error), or the ID of a customer already
// delivered from an earlier row (ErrDuplicate; the first row stays delivered). A bad header, or a read error from r, is yielded
// once and ends the sequence. The sequence may be ranged over once.
func ReadCustomersCSV(r io.Reader, name string) iter.Seq2[Customer, error] {
	return func(yield func(Customer, error) bool) {
		for rec, err := range (CSVOptions{}).ReadCSV(r, name) {
			if !yield(rec.Customer, err) {
				return
			}
		}
	}
}

// ReadCSV reads the customer CSV layout as ReadCustomersCSV does, with the options,
// and yields each row with its line number and its Extra cells. On an error the
// record carries the line and the zero Customer.
func (o CSVOptions) ReadCSV(r io.Reader, name string) iter.Seq2[CSVRecord, error] {
	return o.readCSV(r, name, csvBufferSize)
}

// readCSV is ReadCSV with a read buffer of size bytes, so tests can make every line
// a long one.
func (o CSVOptions) readCSV(r io.Reader, name string, size int) iter.Seq2[CSVRecord, error] {
	return func(yield func(CSVRecord, error) bool) {
		// The cell count is checked in row, to say how many cells were expected.
		cr := newCSVRecords(r, size)
		header, _, err := cr.next()
		if err != nil {
			var pe *csv.ParseError
			switch {
			case errors.Is(err, io.EOF):
				err = &FieldError{File: name, Line: 1, Field: "header", Err: ErrMissing}
			case errors.As(err, &pe):
				err = &FieldError{File: name, Line: 1, Field: "header", Err: fmt.Errorf("%w: %w", ErrSyntax, pe.Err)}
			default:
				err = readError(name, err)
			}
			yield(CSVRecord{Line: 1}, err)
			return
		}
		p, err := o.compile(name, header)
		if err != nil {
			yield(CSVRecord{Line: 1}, err)
			return
		}
		for {
			cells, line, err := cr.next()
			if err != nil {
				// In this block, so that pe escapes to the heap only on an error.
				var pe *csv.ParseError
				switch {
				case errors.Is(err, io.EOF):
					return
				case errors.As(err, &pe):
					if !yield(CSVRecord{Line: pe.StartLine}, &FieldError{File: name, Line: pe.StartLine, Field: "record", Err: fmt.Errorf("%w: %w", ErrSyntax, pe.Err)}) {
						return
					}
					continue
				default:
					yield(CSVRecord{}, readError(name, err))
					return
				}
			}
			rec, err := p.row(line, cells)
			if !yield(rec, err) {
				return
			}
		}
	}
}

// csvBufferSize is the read buffer of ReadCSV; longer lines are assembled.
const csvBufferSize = 64 << 10

func readError(name string, err error) error {
	return fmt.Errorf("cs: %s: %w", name, err)
}

// csvParser holds a compiled header and the state of one read.
type csvParser struct {
	file     string
	cols     []column
	nSignals int
	nExtra   int
	dupCheck bool
	seen     idSet // ID → line of its first row
	errs     []error
}

func (o CSVOptions) compile(file string, header []string) (*csvParser, error) {
	p := &csvParser{file: file, cols: make([]column, len(header)), nExtra: len(o.Extra), dupCheck: !o.AllowDuplicateIDs}
	bad := func(h string, err error) error {
		return &FieldError{File: file, Line: 1, Field: "header", Value: h, Err: err}
	}
	extra := make(map[string]int, len(o.Extra))
	for i, e := range o.Extra {
		if _, ok := baseKinds[e]; ok || e == "" || strings.HasPrefix(e, SignalPrefix) || strings.HasPrefix(e, AttrPrefix) {
			return nil, fmt.Errorf("cs: CSVOptions.Extra[%d] %q: not a free column name", i, e)
		}
		if _, dup := extra[e]; dup {
			return nil, fmt.Errorf("cs: CSVOptions.Extra[%d] %q: %w", i, e, ErrDuplicate)
		}
		extra[e] = i
	}
	seen := make(map[string]bool, len(header))
	var errs []error
	for i, h := range header {
		// The header is copied: the reader reuses its buffers, and the names become
		// the map keys of every customer.
		h = strings.Clone(h)
		if i == 0 {
			h = strings.TrimPrefix(h, "\uFEFF") // a byte-order mark written by spreadsheets
		}
		if seen[h] {
			errs = append(errs, bad(h, ErrDuplicate))
			continue
		}
		seen[h] = true
		c := column{field: h}
		if k, ok := baseKinds[h]; ok {
			c.kind = k
		} else if j, ok := extra[h]; ok {
			c.kind, c.extra = kindExtra, j
		} else if name, ok := strings.CutPrefix(h, SignalPrefix); ok && name != "" {
			c.kind, c.key = kindSignal, name
			p.nSignals++
		} else if name, ok := strings.CutPrefix(h, AttrPrefix); ok && name != "" {
			c.kind, c.key = kindAttr, name
		} else {
			errs = append(errs, bad(h, ErrUnknownField))
			continue
		}
		p.cols[i] = c
	}
	if !seen[colID] {
		errs = append(errs, bad(colID, ErrMissing))
	}
	if seen[colMRR] != seen[colCurrency] {
		if seen[colMRR] {
			errs = append(errs, bad(colCurrency, fmt.Errorf("%w (mrr needs its currency)", ErrMissing)))
		} else {
			errs = append(errs, bad(colMRR, fmt.Errorf("%w (currency needs an mrr)", ErrMissing)))
		}
	}
	for _, e := range o.Extra {
		if !seen[e] {
			errs = append(errs, bad(e, ErrMissing))
		}
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return p, nil
}

// row parses one data row. Cells are substrings of the reader's line, which is
// allocated afresh for every record even with ReuseRecord, so they may be kept.
func (p *csvParser) row(line int, cells []string) (CSVRecord, error) {
	rec := CSVRecord{Line: line}
	p.errs = p.errs[:0]
	if len(cells) != len(p.cols) {
		return rec, &FieldError{File: p.file, Line: line, Field: "record",
			Err: fmt.Errorf("%w: %d cells, header has %d", csv.ErrFieldCount, len(cells), len(p.cols))}
	}
	var (
		c                Customer
		mrr, cur         string
		extra            []string
		haveMRR, haveCur bool
	)
	if p.nExtra > 0 {
		extra = make([]string, p.nExtra)
	}
	for i, v := range cells {
		col := &p.cols[i]
		if v == "" {
			continue
		}
		switch col.kind {
		case kindID:
			c.ID = v
		case kindName:
			c.Name = v
		case kindSegment:
			c.Segment = v
		case kindStage:
			s, ok := stageOf(v)
			if !ok {
				p.fail(line, col.field, v, ErrInvalidStage)
			}
			c.Stage = s
		case kindContractStart:
			d, err := ParseDate(v)
			if err != nil {
				p.fail(line, col.field, v, err)
			}
			c.ContractStart = d
		case kindRenewalDate:
			d, err := ParseDate(v)
			if err != nil {
				p.fail(line, col.field, v, err)
			}
			c.RenewalDate = d
		case kindMRR:
			mrr, haveMRR = v, true
		case kindCurrency:
			cur, haveCur = v, true
		case kindSignal:
			f, err := parseSignal(v)
			if err != nil {
				p.fail(line, col.field, v, err)
				continue
			}
			if c.Signals == nil {
				c.Signals = make(Signals, p.nSignals)
			}
			c.Signals[col.key] = f
		case kindAttr:
			if c.Attributes == nil {
				c.Attributes = make(Attributes, 4)
			}
			c.Attributes[col.key] = v
		case kindExtra:
			extra[col.extra] = v
		}
	}
	switch {
	case haveMRR && haveCur:
		d, err := ParseDecimal(mrr)
		currency, cerr := ParseCurrency(cur)
		switch {
		case err != nil:
			p.fail(line, colMRR, mrr, err)
		case d.Sign() < 0:
			p.fail(line, colMRR, mrr, ErrNegative)
		}
		if cerr != nil {
			p.fail(line, colCurrency, cur, ErrUnknownCurrency)
		}
		if err == nil && cerr == nil {
			c.MRR = Money{amount: d, currency: currency}
		}
	case haveMRR:
		p.fail(line, colCurrency, "", fmt.Errorf("%w (mrr %s has no currency)", ErrMissing, strconv.Quote(mrr)))
	case haveCur:
		p.fail(line, colMRR, "", fmt.Errorf("%w (currency %s has no mrr)", ErrMissing, strconv.Quote(cur)))
	}
	if c.ContractStart.Valid() && c.RenewalDate.Valid() && c.RenewalDate.Before(c.ContractStart) {
		p.fail(line, colRenewalDate, c.RenewalDate.String(),
			fmt.Errorf("%w: before contract_start %s", ErrDateOrder, c.ContractStart))
	}
	if c.ID == "" {
		p.fail(line, colID, "", ErrMissing)
	} else if p.dupCheck && len(p.errs) == 0 {
		if first, added := p.seen.add(c.ID, line); !added {
			p.fail(line, colID, c.ID, fmt.Errorf("%w (first on line %d)", ErrDuplicate, first))
		}
	}
	if len(p.errs) > 0 {
		for _, e := range p.errs {
			e.(*FieldError).Record = c.ID
		}
		if len(p.errs) == 1 {
			return rec, p.errs[0]
		}
		return rec, errors.Join(p.errs...)
	}
	rec.Customer = c
	rec.Extra = extra
	return rec, nil
}

func (p *csvParser) fail(line int, field, value string, err error) {
	p.errs = append(p.errs, &FieldError{File: p.file, Line: line, Field: field, Value: value, Err: err})
}

// stageOf is ParseStage without the error allocation, for the row loop.
func stageOf(s string) (Stage, bool) {
	for i, n := range stageNames {
		if n == s && i != 0 {
			return Stage(i), true
		}
	}
	return StageUnknown, false
}

// parseSignal parses a signal cell as a float64 and refuses NaN and infinities, in
// any spelling strconv accepts. Short plain decimals take parseShortDecimal's exact
// fast path; everything else goes to strconv.ParseFloat.
func parseSignal(s string) (float64, error) {
	if f, ok := parseShortDecimal(s); ok {
		return f, nil
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		if errors.Is(err, strconv.ErrRange) {
			return 0, ErrRange
		}
		return 0, ErrNotNumber
	}
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return 0, ErrNotFinite
	}
	return f, nil
}

// CSVLayout is the set of columns a CSVWriter writes beyond the base columns. The
// file's header is the Extra columns, the base columns, then "signal.<name>" for each
// of Signals and "attr.<name>" for each of Attributes, in the order given.
// LayoutOf builds the usual layout: the union over a book, names sorted.
type CSVLayout struct {
	Extra      []string // leading columns outside the customer layout, such as "as_of"
	Signals    []string // signal names
	Attributes []string // attribute names
}

// LayoutOf returns the layout holding every signal and attribute name present in
// any of the customers, each list sorted, with no Extra columns.
func LayoutOf(customers []Customer) CSVLayout {
	signals := map[string]struct{}{}
	attrs := map[string]struct{}{}
	for i := range customers {
		for k := range customers[i].Signals {
			signals[k] = struct{}{}
		}
		for k := range customers[i].Attributes {
			attrs[k] = struct{}{}
		}
	}
	return CSVLayout{Signals: slices.Sorted(maps.Keys(signals)), Attributes: slices.Sorted(maps.Keys(attrs))}
}

// Header returns the header row of the layout.
func (l CSVLayout) Header() []string {
	h := make([]string, 0, len(l.Extra)+8+len(l.Signals)+len(l.Attributes))
	h = append(h, l.Extra...)
	h = append(h, BaseColumns()...)
	for _, s := range l.Signals {
		h = append(h, SignalPrefix+s)
	}
	for _, a := range l.Attributes {
		h = append(h, AttrPrefix+a)
	}
	return h
}

// CSVWriter writes customers in the customer CSV layout, one row per Write, with
// the header first. It quotes as RFC 4180 requires and ends lines with "\n". Signals
// are formatted with strconv 'g' and the shortest precision that reads back to the
// same float64, MRR with the amount part of Money.String, so ReadCustomersCSV reads
// back equal customers, whatever the text holds (line breaks, quotes, CR LF).
//
// A CSVWriter buffers its output: call Flush at the end. It is not safe for
// concurrent use.
type CSVWriter struct {
	w      io.Writer
	layout CSVLayout
	header bool
	buf    []byte
	err    error
}

// NewCSVWriter returns a writer of the layout to w.
func NewCSVWriter(w io.Writer, layout CSVLayout) *CSVWriter {
	return &CSVWriter{w: w, layout: layout, buf: make([]byte, 0, 64<<10)}
}

// Write writes the customer, with the raw cells of the layout's Extra columns. It
// refuses, with a *FieldError naming the customer and field, a customer that fails
// Customer.Validate, a signal or attribute the layout lacks (ErrUnknownField), and
// a count of extra cells other than the layout's.
func (w *CSVWriter) Write(c *Customer, extra ...string) error {
	if w.err != nil {
		return w.err
	}
	if len(extra) != len(w.layout.Extra) {
		return &FieldError{Record: c.ID, Field: "extra", Err: fmt.Errorf("%w: %d extra cells for %d extra columns", csv.ErrFieldCount, len(extra), len(w.layout.Extra))}
	}
	if err := c.Validate(); err != nil {
		return err
	}
	if err := w.covered(c); err != nil {
		return err
	}
	if !w.header {
		w.writeHeader()
	}
	b := w.buf
	for _, e := range extra {
		b = appendCell(b, e)
		b = append(b, ',')
	}
	b = appendCell(b, c.ID)
	b = append(b, ',')
	b = appendCell(b, c.Name)
	b = append(b, ',')
	b = appendCell(b, c.Segment)
	b = append(b, ',')
	b = append(b, stageNames[c.Stage]...)
	b = append(b, ',')
	if !c.ContractStart.IsZero() {
		b = c.ContractStart.appendTo(b)
	}
	b = append(b, ',')
	if !c.RenewalDate.IsZero() {
		b = c.RenewalDate.appendTo(b)
	}
	b = append(b, ',')
	if c.HasMRR() {
		b = append(b, c.MRR.formatAmount()...)
		b = append(b, ',')
		b = append(b, c.MRR.currency...)
	} else {
		b = append(b, ',')
	}
	for _, s := range w.layout.Signals {
		b = append(b, ',')
		if v, ok := c.Signals[s]; ok {
			b = strconv.AppendFloat(b, v, 'g', -1, 64)
		}
	}
	for _, a := range w.layout.Attributes {
		b = append(b, ',')
		if v, ok := c.Attributes[a]; ok {
			b = appendCell(b, v)
		}
	}
	b = append(b, '\n')
	w.buf = b
	if len(b) >= 32<<10 {
		return w.flush()
	}
	return nil
}

// covered checks that the layout has a column for every signal and attribute of c.
func (w *CSVWriter) covered(c *Customer) error {
	var missing []string
	for k := range c.Signals {
		if !contains(w.layout.Signals, k) {
			missing = append(missing, SignalPrefix+k)
		}
	}
	for k := range c.Attributes {
		if !contains(w.layout.Attributes, k) {
			missing = append(missing, AttrPrefix+k)
		}
	}
	if len(missing) == 0 {
		return nil
	}
	slices.Sort(missing)
	errs := make([]error, len(missing))
	for i, m := range missing {
		errs[i] = &FieldError{Record: c.ID, Field: m, Err: fmt.Errorf("%w: the CSV layout has no such column", ErrUnknownField)}
	}
	return errors.Join(errs...)
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func (w *CSVWriter) writeHeader() {
	w.header = true
	for i, h := range w.layout.Header() {
		if i > 0 {
			w.buf = append(w.buf, ',')
		}
		w.buf = appendCell(w.buf, h)
	}
	w.buf = append(w.buf, '\n')
}

// Flush writes the buffered rows (and the header, if no row was written) to the
// underlying writer and returns the first write error.
func (w *CSVWriter) Flush() error {
	if w.err != nil {
		return w.err
	}
	if !w.header {
		w.writeHeader()
	}
	return w.flush()
}

func (w *CSVWriter) flush() error {
	if _, err := w.w.Write(w.buf); err != nil {
		w.err = fmt.Errorf("cs: write CSV: %w", err)
		return w.err
	}
	w.buf = w.buf[:0]
	return nil
}

// appendCell appends s as one CSV cell, quoted when RFC 4180 requires it or when a
// leading space could be trimmed by a lenient reader. Inside quotes a CR LF is
// written as CR CR LF, because encoding/csv reads a line ending CR LF as LF: so the
// cell reads back exactly.
func appendCell(b []byte, s string) []byte {
	if !needsQuotes(s) {
		return append(b, s...)
	}
	b = append(b, '"')
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '"':
			b = append(b, '"', '"')
		case c == '\r' && i+1 < len(s) && s[i+1] == '\n':
			b = append(b, '\r', '\r')
		default:
			b = append(b, c)
		}
	}
	return append(b, '"')
}

func needsQuotes(s string) bool {
	if s == "" {
		return false
	}
	if s[0] == ' ' || s[0] == '\t' || s == `\.` {
		return true
	}
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case ',', '"', '\r', '\n':
			return true
		}
	}
	return false
}

// WriteCustomersCSV writes the customers in the customer CSV layout with the
// columns of LayoutOf(customers), in slice order, and flushes. It stops at the first
// customer Write refuses and returns that error.
func WriteCustomersCSV(w io.Writer, customers []Customer) error {
	cw := NewCSVWriter(w, LayoutOf(customers))
	for i := range customers {
		if err := cw.Write(&customers[i]); err != nil {
			return err
		}
	}
	return cw.Flush()
}
