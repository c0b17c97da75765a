package retention

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"slices"

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
	recs, pos, bad, err := readMRR(r)
	if err != nil {
		return nil, err
	}
	return newBookWith(recs, pos, bad, opt)
}

func readMRR(r io.Reader) (recs []Record, pos []srcPos, bad []*RecordError, err error) {
	cr := csv.NewReader(r)
	cr.ReuseRecord = true
	cr.FieldsPerRecord = -1
	head, err := cr.Read()
	if err != nil {
		if errors.Is(err, io.EOF) {
			return nil, nil, nil, fmt.Errorf("retention: mrr: header: %w", cs.ErrMissing)
		}
		return nil, nil, nil, fmt.Errorf("retention: mrr: header: %w", err)
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
			return nil, nil, nil, fmt.Errorf("retention: mrr line 1: column %q: %w", h, cs.ErrUnknownField)
		}
		if col[k] >= 0 {
			return nil, nil, nil, fmt.Errorf("retention: mrr line 1: column %q: %w", h, cs.ErrDuplicate)
		}
		col[k] = i
	}
	for k, i := range col {
		if i < 0 {
			return nil, nil, nil, fmt.Errorf("retention: mrr line 1: column %q: %w", mrrColumns[k], cs.ErrMissing)
		}
	}
	for {
		row, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		var pe *csv.ParseError
		if errors.As(err, &pe) {
			bad = append(bad, &RecordError{Index: len(recs) + len(bad), Line: pe.Line, Err: pe.Err})
			continue
		}
		if err != nil {
			return nil, nil, nil, fmt.Errorf("retention: mrr: %w", err)
		}
		// Only a row read without error has field positions.
		line, _ := cr.FieldPos(0)
		idx := len(recs) + len(bad)
		if len(row) != len(head) {
			// The customer ID, where the row still has one, marks the customer bad:
			// its other lines alone would misclassify it.
			var id string
			if col[0] < len(row) {
				id = string([]byte(row[col[0]]))
			}
			bad = append(bad, &RecordError{Index: idx, Line: line, Customer: id, Err: fmt.Errorf("%d fields, want %d: %w", len(row), len(head), cs.ErrMissing)})
			continue
		}
		rec, ferr := parseMRRRow(row, col)
		if ferr != nil {
			bad = append(bad, &RecordError{Index: idx, Line: line, Customer: rec.Customer, Err: ferr})
			continue
		}
		recs = append(recs, rec)
		pos = append(pos, srcPos{line: line, row: idx})
	}
	return recs, pos, bad, nil
}

func trimBOM(s string) string {
	if len(s) >= 3 && s[:3] == "\xef\xbb\xbf" {
		return s[3:]
	}
	return s
}

func parseMRRRow(row []string, col []int) (Record, error) {
	// Copies: the CSV reader reuses the row's memory.
	rec := Record{Customer: string([]byte(row[col[0]])), Subscription: string([]byte(row[col[1]]))}
	m, err := ParseMonth(row[col[2]])
	if err != nil {
		return rec, fmt.Errorf("month %q: %w", row[col[2]], ErrMonth)
	}
	rec.Month = m
	amt, err := cs.ParseDecimal(row[col[3]])
	if err != nil {
		return rec, fmt.Errorf("mrr %q: %w", row[col[3]], err)
	}
	cur, err := cs.ParseCurrency(row[col[4]])
	if err != nil {
		return rec, fmt.Errorf("currency %q: %w", row[col[4]], cs.ErrUnknownCurrency)
	}
	rec.MRR, _ = cs.NewMoney(amt, cur)
	return rec, nil
}
