package retention

import (
	"errors"
	"fmt"
	"io"
	"iter"
	"strings"

	"github.com/shopspring/decimal"
	"github.com/successkit/cs"
	"github.com/successkit/cs/internal/csio"
	"github.com/successkit/cs/internal/csvx"
	"github.com/successkit/cs/internal/errs"
)

// mrrColumns are the columns of mrr.csv, in their usual order; all are required.
var mrrColumns = []string{"customer_id", "subscription_id", "month", "mrr", "currency"}

const (
	colCustomer = iota
	colSubscription
	colMonth
	colMRR
	colCurrency
)

// ReadMRR reads mrr.csv and yields its records one by one. The file is UTF-8 CSV
// (RFC 4180 quoting, a leading byte-order mark dropped) with a header naming the
// columns customer_id, subscription_id, month (YYYY-MM), mrr (a plain decimal,
// ≥ 0) and currency (ISO 4217), in any order; name is the file name its errors
// carry.
//
// A bad row (an ID that is empty or holds a control character, a malformed
// month or amount, a negative amount, an unknown currency, a wrong number of
// fields, a line over 1 MiB) yields one error and reading goes on: a
// *cs.FieldError naming the file, line, customer, column and value, wrapped as
// "retention: …". A bad header, a quote left open and a read error yield one
// error and end the sequence. ReadMRR checks each row alone; duplicates and
// months far from the others are found by NewBook, or by ReadBook, which reads
// the file straight into a Book.
func ReadMRR(r io.Reader, name string) iter.Seq2[Record, error] {
	return func(yield func(Record, error) bool) {
		rd, col, err := openMRR(r, name)
		if err != nil {
			yield(Record{}, err)
			return
		}
		for {
			cells, line, err := rd.Next()
			switch {
			case err == io.EOF:
				return
			case err != nil:
				if !yield(Record{}, fmt.Errorf("retention: %w", err)) {
					return
				}
				continue
			}
			row, field, value, err := parseRow(cells, col)
			if err != nil {
				if field == "customer_id" {
					row.id = "" // quoted as the value
				}
				fe := &cs.FieldError{File: name, Line: line, Record: errs.Clip(row.id), Field: field, Value: errs.Clip(value), Err: err}
				if !yield(Record{}, fmt.Errorf("retention: %w", fe)) {
					return
				}
				continue
			}
			if !yield(row.record(), nil) {
				return
			}
		}
	}
}

// ReadBook reads mrr.csv as ReadMRR does, straight into a Book built with opt,
// without a slice of records in between: customers and subscriptions are
// interned and amounts parsed into int64 units as the rows stream by. A bad row
// is a bad record of the book (Book.Err, Book.Bad) and its customer is left out.
// The error return is for the whole input: a bad header, a quote left open (it
// swallows the rest of the file), a read error, or a NewBook error.
func ReadBook(r io.Reader, name string, opt Options) (*Book, error) {
	bd, err := newBuilder(opt, 0)
	if err != nil {
		return nil, err
	}
	if err := bd.readMRR(r, name); err != nil {
		return nil, err
	}
	return bd.finish()
}

// openMRR reads the header of mrr.csv.
func openMRR(r io.Reader, name string) (*csvx.Reader, []int, error) {
	rd := csio.NewCSVReader(r, name, csvx.Options{})
	head, err := rd.Header(cs.ErrMissing)
	if err != nil {
		return nil, nil, fmt.Errorf("retention: %w", err)
	}
	col, err := csio.Columns(name, head, mrrColumns, mrrColumns)
	if err != nil {
		return nil, nil, fmt.Errorf("retention: %w", err)
	}
	return rd, col, nil
}

// mrrRow is a row of mrr.csv, parsed. Its strings share the reader's memory
// until copied.
type mrrRow struct {
	id, sub string
	month   Month
	cur     cs.Currency
	units   int64           // the amount in minor units of cur, when whole
	fine    bool            // the amount is not whole minor units: amt holds it
	amt     decimal.Decimal // set when fine
}

// parseRow parses one row's cells; on an error it returns the column and value
// at fault, and the row's customer ID when it has one.
func parseRow(cells []string, col []int) (row mrrRow, field, value string, err error) {
	if col[colCustomer] < len(cells) {
		row.id = cells[col[colCustomer]]
	}
	if len(cells) != len(col) {
		return row, "record", "", fmt.Errorf("%w: %d fields, want %d", cs.ErrMissing, len(cells), len(col))
	}
	if err := cs.CheckID(row.id); err != nil {
		return row, "customer_id", row.id, err
	}
	row.sub = cells[col[colSubscription]]
	if err := cs.CheckID(row.sub); err != nil {
		return row, "subscription_id", row.sub, err
	}
	text := cells[col[colMonth]]
	if row.month, err = ParseMonth(text); err != nil {
		return row, "month", text, fmt.Errorf("%w, want YYYY-MM", ErrMonth)
	}
	text = cells[col[colCurrency]]
	if row.cur, err = cs.ParseCurrency(text); err != nil {
		return row, "currency", text, cs.ErrUnknownCurrency
	}
	text = cells[col[colMRR]]
	if v, ok := plainUnits(text, int32(row.cur.Digits())); ok {
		row.units = v
		return row, "", "", nil
	}
	d, err := cs.ParseDecimal(text)
	switch {
	case err != nil:
		return row, "mrr", text, err
	case d.Sign() < 0:
		return row, "mrr", text, cs.ErrNegative
	}
	row.fine, row.amt = true, d
	return row, "", "", nil
}

// record returns the row as a Record, its strings copied.
func (row *mrrRow) record() Record {
	amt := row.amt
	if !row.fine {
		amt = decimal.New(row.units, -int32(row.cur.Digits()))
	}
	mrr, _ := cs.NewMoney(amt, cs.Currency(strings.Clone(string(row.cur))))
	return Record{Customer: strings.Clone(row.id), Subscription: strings.Clone(row.sub), Month: row.month, MRR: mrr}
}

// readMRR streams the rows of mrr.csv into the builder's columns, one entry per
// row: customers and subscriptions are interned, amounts parsed straight into
// int64 units; no row is kept.
func (bd *builder) readMRR(r io.Reader, name string) error {
	rd, col, err := openMRR(r, name)
	if err != nil {
		return err
	}
	bd.file = name
	bd.release() // the columns grow as rows come
	p := newPart(0, 0)
	bd.parts = []*part{p}
	bd.line, bd.sub = []int32{}, []int32{}
	bd.subs = map[string]int32{}
	var syntax error // the last row's syntax error
	for {
		cells, line, err := rd.Next()
		switch {
		case err == io.EOF:
			if syntax != nil && errors.Is(syntax, cs.ErrSyntax) {
				// A quote left open swallows the rest of the file, which must not
				// pass for a complete book. (A malformed last line looks the same
				// from here, and is refused with it.)
				return fmt.Errorf("retention: %w", syntax)
			}
			return nil
		case err != nil:
			var fe *cs.FieldError
			if !errors.As(err, &fe) {
				return fmt.Errorf("retention: %w", err) // a read error
			}
			syntax = err
			p.probs.add(line, len(bd.cust), func() error { return err })
			continue
		}
		syntax = nil
		bd.addRow(p, cells, col, line)
	}
}

// addRow adds one row of mrr.csv read at line.
func (bd *builder) addRow(p *part, cells []string, col []int, line int) {
	i := len(bd.cust)
	bd.cust = append(bd.cust, -1)
	bd.mon = append(bd.mon, 0)
	bd.val = append(bd.val, 0)
	bd.line = append(bd.line, int32(line))
	bd.sub = append(bd.sub, -1)
	p.hi = i + 1
	row, field, value, err := parseRow(cells, col)
	if field == "customer_id" {
		row.id = "" // the error quotes it as the value
	}
	if row.id != "" && cs.CheckID(row.id) == nil {
		// The customer ID, where the row has a usable one, marks the customer
		// bad: its other rows alone would misclassify it.
		sub := ""
		if field != "record" && field != "subscription_id" {
			bd.sub[i] = bd.internSub(row.sub)
			sub = bd.subID[bd.sub[i]]
		}
		bd.cust[i] = p.customer(row.id, sub, row.month, true)
		row.id = p.names[bd.cust[i]]
	}
	if err != nil {
		p.fail(bd, i, row.id, field, value, err)
		return
	}
	ci, _ := p.currency(row.cur)
	if row.fine {
		p.fine = append(p.fine, fineAmount{i: i, amt: row.amt})
	}
	if !bd.monthOK(row.month) {
		p.fail(bd, i, row.id, "month", row.month.String(), bd.monthErr(row.month))
		return
	}
	bd.val[i] = row.units
	bd.use(p, i, bd.cust[i], row.month, ci)
}

// internSub returns the index of subscription s, copying it the first time.
func (bd *builder) internSub(s string) int32 {
	k, ok := bd.subs[s]
	if !ok {
		s = strings.Clone(s)
		k = int32(len(bd.subID))
		bd.subs[s] = k
		bd.subID = append(bd.subID, s)
	}
	return k
}

// plainUnits converts a plain decimal of at most 18 digits and no sign into
// units of 10^-digits, without a decimal; ok is false for anything else (a sign,
// more digits, a finer fraction, text that is not a plain decimal), which the
// caller parses exactly.
func plainUnits(s string, digits int32) (int64, bool) {
	if len(s) == 0 || digits < 0 {
		return 0, false
	}
	var c int64
	nd, frac := 0, -1 // digits after leading zeros; digits after '.', -1 before one
	for i := 0; i < len(s); i++ {
		ch := s[i]
		switch {
		case ch == '.' && frac < 0 && i > 0:
			frac = 0
			continue
		case ch < '0' || ch > '9':
			return 0, false
		}
		if frac >= 0 {
			frac++
		}
		if nd == 0 && ch == '0' {
			continue // a leading zero
		}
		nd++
		if nd > 18 {
			return 0, false
		}
		c = c*10 + int64(ch-'0')
	}
	if frac == 0 {
		return 0, false // "12." is not a plain decimal
	}
	exp := -int32(max(frac, 0))
	// Trailing zeros of the fraction do not make it finer.
	for exp < 0 && exp+digits < 0 && c%10 == 0 {
		c /= 10
		exp++
	}
	return scaleUnits(c, exp+digits)
}
