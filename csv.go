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

	"github.com/successkit/cs/internal/csvx"
	"github.com/successkit/cs/internal/errs"
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
// customers.csv layout alone, refuses duplicate IDs and records over 1 MiB. A
// CSVOptions is a plain value, safe for concurrent use.
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
	// MaxRecordBytes is the longest row accepted, in bytes; 0 means 1 MiB. A longer
	// row is an error wrapping ErrTooLong and is skipped without being held in memory.
	MaxRecordBytes int
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
// *FieldError, or a bounded list of them when several cells are bad, each naming
// file, line, customer, column and cell:
//
//	customers.csv:17: customer "c42": mrr: "12,00": not a decimal: a decimal comma? write 12.00
//
// Good rows after a bad one are still delivered. A row is refused for an ID that is
// empty (ErrMissing) or holds a control character (ErrInvalidID), an unknown stage
// (ErrInvalidStage), a date that is not YYYY-MM-DD (ErrInvalidDate), a renewal
// before the contract start (ErrDateOrder), an mrr that is not a plain decimal
// (ErrNotDecimal) or is negative (ErrNegative), an unknown currency
// (ErrUnknownCurrency), an mrr without currency or the reverse (ErrMissing), a
// signal that is not a number (ErrNotNumber), NaN or infinite (ErrNotFinite) or
// beyond float64 (ErrRange), a wrong number of cells (csv.ErrFieldCount),
// malformed quoting (ErrSyntax and the encoding/csv error), a row over 1 MiB
// (ErrTooLong), or the ID of a customer already delivered from an earlier row
// (ErrDuplicate; the first row stays delivered). Reading a file (an *os.File, a
// bytes.Reader, anything that can Seek and ReadAt), the duplicate check keeps about
// 16 bytes per customer; reading a stream, it keeps the IDs. A bad header
// (including UTF-16 text or a file separated by semicolons, with what to do), a
// quote left open, or a read error from r, is yielded once and ends the sequence.
// The sequence may be ranged over once.
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
	return o.readCSV(r, name, csvx.Options{MaxRecordBytes: o.MaxRecordBytes})
}

// readCSV is ReadCSV with the csvx options, so tests can shrink the read buffer.
func (o CSVOptions) readCSV(r io.Reader, name string, opt csvx.Options) iter.Seq2[CSVRecord, error] {
	return func(yield func(CSVRecord, error) bool) {
		ra, base, again := rereadable(r)
		rd := csvx.NewReader(r, opt, csvLocate(name))
		header, err := rd.Header(ErrMissing)
		if err != nil {
			line := 1 // the header's line: blank lines may come before it
			if fe := (*FieldError)(nil); errors.As(err, &fe) && fe.Line > 0 {
				line = fe.Line
			}
			yield(CSVRecord{Line: line}, err)
			return
		}
		d, err := o.NewDecoder(header, name)
		if err != nil {
			yield(CSVRecord{Line: 1}, err)
			return
		}
		var (
			seen *idIndex
			at   marks
		)
		if !o.AllowDuplicateIDs {
			var confirm func(int) (string, bool)
			if again {
				confirm = func(line int) (string, bool) { return d.reread(ra, base, opt, &at, line) }
			}
			seen = newIDIndex(confirm)
		}
		for {
			cells, line, err := rd.Next()
			if err == io.EOF {
				return
			}
			rec := CSVRecord{Line: line}
			if err == nil {
				rec, err = d.Decode(cells, line)
			}
			if err == nil && seen != nil {
				at.add(line, rd.Offset())
				if first, added := seen.add(rec.Customer.ID, line); !added {
					id := errs.Clip(rec.Customer.ID)
					rec.Customer, rec.Extra = Customer{}, nil
					err = &FieldError{File: name, Line: line, Record: id, Field: colID, Value: id,
						Err: fmt.Errorf("%w (first on line %d)", ErrDuplicate, first)}
				}
			}
			if !yield(rec, err) {
				return
			}
		}
	}
}

// reread reads again the ID of the row that starts on line, from the nearest
// mark before it.
func (d *CustomerDecoder) reread(ra io.ReaderAt, base int64, opt csvx.Options, at *marks, line int) (string, bool) {
	markLine, off := at.before(line)
	rd := csvx.NewReader(io.NewSectionReader(ra, base+off, 1<<62), opt, csvLocate(d.file))
	for {
		cells, l, err := rd.Next()
		switch l += markLine - 1; {
		case err == io.EOF || l > line:
			return "", false
		case err == nil && l == line && d.idCol < len(cells):
			return cells[d.idCol], true
		}
	}
}

// csvLocate is the csvx.Locate of this package's readers.
func csvLocate(file string) csvx.Locate {
	return func(line int, field, value string, err error) error {
		return &FieldError{File: file, Line: line, Field: field, Value: value, Err: err}
	}
}

// CustomerDecoder decodes the rows of a customer CSV file whose header it was made
// from: the header is bound to the layout once, so each row costs no setup. It is
// what a pipeline that reads rows by itself (split across workers, say) needs; it
// checks everything ReadCSV checks except duplicate IDs, which span rows. A
// CustomerDecoder is immutable and safe for concurrent use.
type CustomerDecoder struct {
	file     string
	cols     []column
	idCol    int
	nSignals int
	nAttrs   int
	nExtra   int
}

// NewDecoder binds a customer CSV header (its first record, as split by a CSV
// reader) to the layout with the options, for rows of the file named file. A bad
// header is an error naming each bad column, as ReadCSV reports it.
func (o CSVOptions) NewDecoder(header []string, file string) (*CustomerDecoder, error) {
	d := &CustomerDecoder{file: file, cols: make([]column, len(header)), nExtra: len(o.Extra), idCol: -1}
	bad := func(h string, err error) error {
		return &FieldError{File: file, Line: 1, Field: "header", Value: errs.Clip(h), Err: err}
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
	var list errs.List
	for i, h := range header {
		// The header is copied: readers reuse their buffers, and the names become
		// the map keys of every customer.
		h = strings.Clone(h)
		if i == 0 {
			h = strings.TrimPrefix(h, "\uFEFF") // a byte-order mark written by spreadsheets
		}
		if seen[h] {
			list.Add(bad(h, ErrDuplicate))
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
			d.nSignals++
		} else if name, ok := strings.CutPrefix(h, AttrPrefix); ok && name != "" {
			c.kind, c.key = kindAttr, name
			d.nAttrs++
		} else {
			list.Add(bad(h, ErrUnknownField))
			continue
		}
		if c.kind == kindID {
			d.idCol = i
		}
		d.cols[i] = c
	}
	if !seen[colID] {
		list.Add(bad(colID, ErrMissing))
	}
	if seen[colMRR] != seen[colCurrency] {
		if seen[colMRR] {
			list.Add(bad(colCurrency, fmt.Errorf("%w (mrr needs its currency)", ErrMissing)))
		} else {
			list.Add(bad(colMRR, fmt.Errorf("%w (currency needs an mrr)", ErrMissing)))
		}
	}
	for _, e := range o.Extra {
		if !seen[e] {
			list.Add(bad(e, ErrMissing))
		}
	}
	if err := list.Err(); err != nil {
		return nil, err
	}
	return d, nil
}

// DecodeLine decodes one row given as one line of CSV text (RFC 4180; a quoted
// cell may not hold a line break here), which starts on line of the file.
func (d *CustomerDecoder) DecodeLine(text string, line int) (CSVRecord, error) {
	text = strings.TrimSuffix(strings.TrimSuffix(text, "\n"), "\r")
	cells, err := csvx.SplitLine(text)
	if err != nil {
		return CSVRecord{Line: line}, &FieldError{File: d.file, Line: line, Field: "record", Err: err}
	}
	return d.Decode(cells, line)
}

// Decode decodes one row's cells, which start on line of the file. The cells'
// strings may be kept by the customer: pass cells that are not reused.
func (d *CustomerDecoder) Decode(cells []string, line int) (CSVRecord, error) {
	rec := CSVRecord{Line: line}
	if len(cells) != len(d.cols) {
		return rec, &FieldError{File: d.file, Line: line, Field: "record",
			Err: fmt.Errorf("%w: %d cells, header has %d", csv.ErrFieldCount, len(cells), len(d.cols))}
	}
	var (
		c                Customer
		mrr, cur         string
		extra            []string
		haveMRR, haveCur bool
		list             errs.List
	)
	fail := func(field, value string, err error) {
		list.Add(&FieldError{File: d.file, Line: line, Field: field, Value: errs.Clip(value), Err: err})
	}
	if d.nExtra > 0 {
		extra = make([]string, d.nExtra)
	}
	for i, v := range cells {
		col := &d.cols[i]
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
				fail(col.field, v, ErrInvalidStage)
			}
			c.Stage = s
		case kindContractStart:
			d, err := ParseDate(v)
			if err != nil {
				fail(col.field, v, err)
			}
			c.ContractStart = d
		case kindRenewalDate:
			d, err := ParseDate(v)
			if err != nil {
				fail(col.field, v, err)
			}
			c.RenewalDate = d
		case kindMRR:
			mrr, haveMRR = v, true
		case kindCurrency:
			cur, haveCur = v, true
		case kindSignal:
			f, err := parseSignal(v)
			if err != nil {
				fail(col.field, v, err)
				continue
			}
			if c.Signals == nil {
				c.Signals = make(Signals, d.nSignals)
			}
			c.Signals[col.key] = f
		case kindAttr:
			if c.Attributes == nil {
				c.Attributes = make(Attributes, d.nAttrs)
			}
			c.Attributes[col.key] = v
		case kindExtra:
			extra[col.extra] = v
		}
	}
	c.MRR = parseMRR(mrr, cur, haveMRR, haveCur, fail)
	if c.ContractStart.Valid() && c.RenewalDate.Valid() && c.RenewalDate.Before(c.ContractStart) {
		fail(colRenewalDate, c.RenewalDate.String(),
			fmt.Errorf("%w: before contract_start %s", ErrDateOrder, c.ContractStart))
	}
	idErr := CheckID(c.ID)
	if idErr != nil {
		fail(colID, c.ID, idErr)
	}
	if list.Len() > 0 {
		if idErr == nil {
			for _, e := range list.Errs() {
				e.(*FieldError).Record = errs.Clip(c.ID)
			}
		}
		return rec, list.Err()
	}
	rec.Customer = c
	rec.Extra = extra
	return rec, nil
}

// parseMRR parses the mrr and currency cells of a row, reporting problems to fail;
// the zero Money when they are absent or bad.
func parseMRR(mrr, cur string, haveMRR, haveCur bool, fail func(field, value string, err error)) Money {
	switch {
	case haveMRR && haveCur:
		amount, err := ParseDecimal(mrr)
		currency, cerr := ParseCurrency(cur)
		switch {
		case err != nil:
			fail(colMRR, mrr, err)
		case amount.Sign() < 0:
			fail(colMRR, mrr, ErrNegative)
		}
		if cerr != nil {
			fail(colCurrency, cur, ErrUnknownCurrency)
		}
		if err == nil && cerr == nil && amount.Sign() >= 0 {
			return Money{amount: amount, currency: currency}
		}
	case haveMRR:
		fail(colCurrency, "", fmt.Errorf("%w (mrr %s has no currency)", ErrMissing, strconv.Quote(errs.Clip(mrr))))
	case haveCur:
		fail(colMRR, "", fmt.Errorf("%w (currency %s has no mrr)", ErrMissing, strconv.Quote(errs.Clip(cur))))
	}
	return Money{}
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
	var list errs.List
	for _, m := range missing {
		list.Add(&FieldError{Record: errs.Clip(c.ID), Field: m, Err: fmt.Errorf("%w: the CSV layout has no such column", ErrUnknownField)})
	}
	return fmt.Errorf("cs: %w", list.Err())
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
