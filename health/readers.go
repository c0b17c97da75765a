package health

import (
	"fmt"
	"io"
	"iter"
	"math"
	"strconv"
	"strings"

	"github.com/successkit/cs"
	"github.com/successkit/cs/internal/csio"
	"github.com/successkit/cs/internal/csvx"
	"github.com/successkit/cs/internal/errs"
)

// ReadOptions configure the CSV readers of this package. The zero value reads
// records of up to 1 MiB.
type ReadOptions struct {
	// MaxRecordBytes is the longest record a reader accepts, in bytes (0 means
	// 1 MiB); a longer one is one error wrapping cs.ErrTooLong at its line, and
	// reading goes on at the next line without buffering it.
	MaxRecordBytes int
}

// ReadOutcomes reads an outcomes CSV with the zero ReadOptions: see
// ReadOptions.ReadOutcomes.
func ReadOutcomes(r io.Reader, name string) iter.Seq2[Outcome, error] {
	return ReadOptions{}.ReadOutcomes(r, name)
}

// ReadOutcomes reads an outcomes CSV, yielding one Outcome per line: a header
// naming the columns id and churned (any order, case-insensitive) and optionally
// date (YYYY-MM-DD: the churn date of a churner, the end of the horizon of a
// retained customer), then one line per customer; churned is one of 0, 1, true,
// false. name names the source in errors.
//
// Every bad line yields one error, a *cs.FieldError with the file, the line, the
// customer and the field behind the "health: " prefix, and the lines after it
// keep coming: an ID that is empty (cs.ErrMissing) or holds a control character
// or invalid UTF-8 (cs.ErrInvalidID), a bad churned value (ErrNotBool), a bad
// date (cs.ErrInvalidDate), a wrong number of fields, a line over the length
// limit (cs.ErrTooLong), malformed quoting (cs.ErrSyntax). A missing or unknown
// header column, UTF-16 text, an unclosed quote or a read error yields one error
// and ends the sequence. A repeated ID is not checked here (that would keep
// every ID in memory): Backtest, Fit and Calibrate report it.
func (o ReadOptions) ReadOutcomes(r io.Reader, name string) iter.Seq2[Outcome, error] {
	return func(yield func(Outcome, error) bool) {
		rows := o.rows(r, name, []string{"id", "churned", "date"}, []string{"id", "churned"})
		for row := range rows {
			if row.err != nil {
				if !yield(Outcome{}, row.err) {
					return
				}
				continue
			}
			out, err := parseOutcome(row)
			if !yield(out, err) {
				return
			}
		}
	}
}

func parseOutcome(row csvRow) (Outcome, error) {
	id, err := row.id(0)
	if err != nil {
		return Outcome{}, err
	}
	out := Outcome{ID: id}
	var ok bool
	if out.Churned, ok = parseBool(row.cell(1)); !ok {
		return Outcome{}, row.fail(id, "churned", row.cell(1), ErrNotBool)
	}
	if s := strings.TrimSpace(row.cell(2)); s != "" {
		if out.Date, err = cs.ParseDate(s); err != nil {
			return Outcome{}, row.fail(id, "date", s, cs.ErrInvalidDate)
		}
	}
	return out, nil
}

// ReadLifetimes reads a lifetimes CSV with the zero ReadOptions: see
// ReadOptions.ReadLifetimes.
func ReadLifetimes(r io.Reader, name string) iter.Seq2[Lifetime, error] {
	return ReadOptions{}.ReadLifetimes(r, name)
}

// ReadLifetimes reads a lifetimes CSV, yielding one Lifetime per line: a header
// naming the columns id, start, end and churned (any order, case-insensitive;
// dates YYYY-MM-DD, churned one of 0, 1, true, false), and optionally group and
// score. name names the source in errors.
//
// Every bad line yields one error as ReadOutcomes's do, and the lines after it
// keep coming: an empty or invalid ID (cs.ErrMissing, cs.ErrInvalidID), a bad
// date (cs.ErrInvalidDate), end before start (cs.ErrDateOrder), a bad churned
// value (ErrNotBool), a score that is not a finite number (cs.ErrNotNumber,
// cs.ErrNotFinite). The fatal problems are those of ReadOutcomes. Repeated IDs
// are left to Survival, which reports them.
func (o ReadOptions) ReadLifetimes(r io.Reader, name string) iter.Seq2[Lifetime, error] {
	return func(yield func(Lifetime, error) bool) {
		rows := o.rows(r, name, []string{"id", "start", "end", "churned", "group", "score"}, []string{"id", "start", "end", "churned"})
		for row := range rows {
			if row.err != nil {
				if !yield(Lifetime{}, row.err) {
					return
				}
				continue
			}
			lt, err := parseLifetime(row)
			if !yield(lt, err) {
				return
			}
		}
	}
}

func parseLifetime(row csvRow) (Lifetime, error) {
	id, err := row.id(0)
	if err != nil {
		return Lifetime{}, err
	}
	lt := Lifetime{ID: id, Group: strings.TrimSpace(row.cell(4))}
	if lt.Start, err = cs.ParseDate(strings.TrimSpace(row.cell(1))); err != nil {
		return Lifetime{}, row.fail(id, "start", row.cell(1), cs.ErrInvalidDate)
	}
	if lt.End, err = cs.ParseDate(strings.TrimSpace(row.cell(2))); err != nil {
		return Lifetime{}, row.fail(id, "end", row.cell(2), cs.ErrInvalidDate)
	}
	if lt.End.Before(lt.Start) {
		return Lifetime{}, row.fail(id, "end", row.cell(2), fmt.Errorf("%w: before start %s", cs.ErrDateOrder, lt.Start))
	}
	var ok bool
	if lt.Churned, ok = parseBool(row.cell(3)); !ok {
		return Lifetime{}, row.fail(id, "churned", row.cell(3), ErrNotBool)
	}
	if s := strings.TrimSpace(row.cell(5)); s != "" {
		v, err := strconv.ParseFloat(s, 64)
		switch {
		case err != nil:
			return Lifetime{}, row.fail(id, "score", s, cs.ErrNotNumber)
		case math.IsNaN(v) || math.IsInf(v, 0):
			return Lifetime{}, row.fail(id, "score", s, cs.ErrNotFinite)
		}
		lt.Score = &v
	}
	return lt, nil
}

// csvRow is one record of a CSV file bound to a format's columns, or the error
// that replaced it.
type csvRow struct {
	cells []string
	index []int // position of each known column in cells, -1 when absent
	file  string
	line  int
	err   error
}

// cell returns the known column k's text, "" when the file has no such column.
func (r csvRow) cell(k int) string {
	if j := r.index[k]; j >= 0 {
		return r.cells[j]
	}
	return ""
}

// id returns known column k as a checked ID.
func (r csvRow) id(k int) (string, error) {
	id := strings.TrimSpace(r.cell(k))
	if err := cs.CheckID(id); err != nil {
		return "", r.fail("", "id", id, err)
	}
	return id, nil
}

// fail builds the error of one field of the row.
func (r csvRow) fail(id, field, value string, err error) error {
	return wrap(&cs.FieldError{File: r.file, Line: r.line, Record: errs.Clip(id), Field: field, Value: errs.Clip(value), Err: err})
}

// rows reads a CSV file of the given known and required columns (header names
// compared case-insensitively, surrounding spaces ignored): one csvRow per
// record, with the record's error in place of a bad one; a bad header is one
// error and the end.
func (o ReadOptions) rows(r io.Reader, name string, known, required []string) iter.Seq[csvRow] {
	return func(yield func(csvRow) bool) {
		cr := csio.NewCSVReader(r, name, csvx.Options{MaxRecordBytes: o.MaxRecordBytes})
		header, err := cr.Header(fmt.Errorf("%w: want the columns %s", cs.ErrMissing, strings.Join(required, ",")))
		if err != nil {
			yield(csvRow{err: wrap(err)})
			return
		}
		for i, h := range header {
			header[i] = strings.ToLower(strings.TrimSpace(h))
		}
		index, err := csio.Columns(name, header, known, required)
		if err != nil {
			yield(csvRow{err: wrap(err)})
			return
		}
		for {
			cells, line, err := cr.Next()
			switch {
			case err == io.EOF:
				return
			case err != nil:
				if !yield(csvRow{err: wrap(err)}) {
					return
				}
				continue
			}
			row := csvRow{cells: cells, index: index, file: name, line: line}
			if len(cells) != len(header) {
				row.err = row.fail("", "record", "", fmt.Errorf("%d fields, want %d: %w", len(cells), len(header), cs.ErrMissing))
			}
			if !yield(row) {
				return
			}
		}
	}
}

func parseBool(s string) (bool, bool) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "1", "true":
		return true, true
	case "0", "false":
		return false, true
	}
	return false, false
}
