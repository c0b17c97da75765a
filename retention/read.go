package retention

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/successkit/cs"
)

// mrrColumns are the columns of mrr.csv, in their usual order.
var mrrColumns = []string{"customer_id", "subscription_id", "month", "mrr", "currency"}

// ReadMRR reads mrr.csv (UTF-8, a header row, RFC 4180 quoting) with the columns
// customer_id, subscription_id, month (YYYY-MM), mrr (a plain decimal, ≥ 0) and
// currency (ISO 4217), in any order, and builds a Book with opt.
//
// A bad line (a malformed month or amount, an unknown currency, a wrong number of
// fields) is reported in Book.Errors as a *RecordError with its line number, and its
// customer is left out; the other lines are still read. The error return is for the
// whole file: an unreadable header, an unknown or missing column (wrapping
// cs.ErrUnknownField or cs.ErrMissing), an I/O error, or a NewBook error.
func ReadMRR(r io.Reader, opt Options) (*Book, error) {
	bd, err := newBuilder(opt, 0)
	if err != nil {
		return nil, err
	}
	if err := bd.readMRR(r); err != nil {
		return nil, err
	}
	return bd.finish()
}

// readMRR streams the rows of mrr.csv into the builder's columns, one entry per
// row: customers and subscriptions are interned, amounts parsed straight into
// int64 units; no row is kept.
func (bd *builder) readMRR(r io.Reader) error {
	cr := csv.NewReader(r)
	cr.ReuseRecord = true
	cr.FieldsPerRecord = -1
	head, err := cr.Read()
	if err != nil {
		if errors.Is(err, io.EOF) {
			return fmt.Errorf("retention: mrr: header: %w", cs.ErrMissing)
		}
		return fmt.Errorf("retention: mrr: header: %w", err)
	}
	col := make([]int, len(mrrColumns))
	for i := range col {
		col[i] = -1
	}
	for i, h := range head {
		if i == 0 {
			h = trimBOM(h)
		}
		k := slices.Index(mrrColumns, h)
		if k < 0 {
			return fmt.Errorf("retention: mrr line 1: column %q: %w", h, cs.ErrUnknownField)
		}
		if col[k] >= 0 {
			return fmt.Errorf("retention: mrr line 1: column %q: %w", h, cs.ErrDuplicate)
		}
		col[k] = i
	}
	for k, i := range col {
		if i < 0 {
			return fmt.Errorf("retention: mrr line 1: column %q: %w", mrrColumns[k], cs.ErrMissing)
		}
	}
	p := newPart(0, 0)
	bd.parts = []*part{p}
	bd.line, bd.sub = []int32{}, []int32{}
	bd.subs = map[string]int32{}
	nfields := len(head)
	for {
		row, err := cr.Read()
		if errors.Is(err, io.EOF) {
			return nil
		}
		var pe *csv.ParseError
		if errors.As(err, &pe) {
			p.errs = append(p.errs, &RecordError{Index: -1, Line: pe.Line, Err: pe.Err})
			continue
		}
		if err != nil {
			return fmt.Errorf("retention: mrr: %w", err)
		}
		// Only a row read without error has field positions.
		line, _ := cr.FieldPos(0)
		bd.addRow(p, row, col, nfields, line)
	}
}

// addRow adds one row of mrr.csv read at line.
func (bd *builder) addRow(p *part, row []string, col []int, nfields, line int) {
	i := len(bd.cust)
	bd.cust = append(bd.cust, -1)
	bd.mon = append(bd.mon, 0)
	bd.val = append(bd.val, 0)
	bd.line = append(bd.line, int32(line))
	bd.sub = append(bd.sub, -1)
	p.hi = i + 1
	var id string
	if col[0] < len(row) {
		id = row[col[0]]
	}
	var m Month
	if len(row) == nfields {
		m, _ = ParseMonth(row[col[2]])
		bd.sub[i] = bd.internSub(row[col[1]])
	}
	if id != "" {
		// The customer ID, where the row still has one, marks the customer bad:
		// its other lines alone would misclassify it.
		sub := ""
		if bd.sub[i] >= 0 {
			sub = bd.subID[bd.sub[i]]
		}
		bd.cust[i] = p.customer(id, sub, m, true)
		id = p.names[bd.cust[i]]
	}
	if len(row) != nfields {
		p.fail(bd, i, id, fmt.Errorf("%d fields, want %d: %w", len(row), nfields, cs.ErrMissing))
		return
	}
	if _, err := ParseMonth(row[col[2]]); err != nil {
		p.fail(bd, i, id, fmt.Errorf("month %q: %w", row[col[2]], ErrMonth))
		return
	}
	amount := row[col[3]]
	if !plainDecimal(amount) {
		_, err := cs.ParseDecimal(amount)
		p.fail(bd, i, id, fmt.Errorf("mrr %q: %w", amount, err))
		return
	}
	cur, err := cs.ParseCurrency(row[col[4]])
	if err != nil {
		p.fail(bd, i, id, fmt.Errorf("currency %q: %w", row[col[4]], cs.ErrUnknownCurrency))
		return
	}
	if id == "" {
		p.fail(bd, i, "", fmt.Errorf("customer_id: %w", cs.ErrMissing))
		return
	}
	ci, digits := p.currency(cur)
	v, ok := plainUnits(amount, digits)
	if !ok {
		d, _ := cs.ParseDecimal(amount)
		if d.Sign() < 0 {
			mrr, _ := cs.NewMoney(d, cur)
			p.fail(bd, i, id, fmt.Errorf("customer %q: mrr %s: %w", id, mrr, cs.ErrNegative))
			return
		}
		p.fine = append(p.fine, fineAmount{i: i, amt: d})
	}
	if !bd.monthOK(m) {
		p.fail(bd, i, id, bd.monthErr(id, m))
		return
	}
	bd.val[i] = v
	bd.use(p, i, bd.cust[i], m, ci)
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

// plainDecimal reports whether s is a plain decimal as cs.ParseDecimal accepts
// it: an optional sign, digits, and an optional '.' followed by digits.
func plainDecimal(s string) bool {
	i := 0
	if i < len(s) && (s[i] == '+' || s[i] == '-') {
		i++
	}
	d := 0
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i, d = i+1, d+1
	}
	if d == 0 {
		return false
	}
	if i == len(s) {
		return true
	}
	if s[i] != '.' {
		return false
	}
	i++
	f := 0
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i, f = i+1, f+1
	}
	return f > 0 && i == len(s)
}

// plainUnits converts a plain decimal of at most 18 digits and no sign into
// units of 10^-digits, without a decimal; ok is false for anything else (a sign,
// more digits, a finer fraction), which the caller parses exactly.
func plainUnits(s string, digits int32) (int64, bool) {
	if len(s) == 0 || s[0] == '+' || s[0] == '-' {
		return 0, false
	}
	var c int64
	nd, exp := 0, int32(0)
	dot := false
	for i := 0; i < len(s); i++ {
		ch := s[i]
		if ch == '.' {
			dot = true
			continue
		}
		if nd == 0 && ch == '0' && !dot {
			continue // leading zeros
		}
		nd++
		if nd > 18 {
			return 0, false
		}
		c = c*10 + int64(ch-'0')
		if dot {
			exp--
		}
	}
	// Trailing zeros of the fraction do not make it finer.
	for exp < 0 && exp+digits < 0 && c%10 == 0 {
		c /= 10
		exp++
	}
	return scaleUnits(c, exp+digits)
}

func trimBOM(s string) string {
	if len(s) >= 3 && s[:3] == "\xef\xbb\xbf" {
		return s[3:]
	}
	return s
}
