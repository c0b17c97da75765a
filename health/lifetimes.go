package health

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"iter"
	"math"
	"strconv"
	"strings"

	"github.com/successkit/cs"
)

// ReadLifetimes reads a lifetimes CSV, yielding one Lifetime per line: a header
// naming the columns id, start, end and churned (any order, case-insensitive;
// dates YYYY-MM-DD, churned one of 0, 1, true, false), and optionally group and
// score. name names the source in errors.
//
// Every bad line yields one error, a *cs.FieldError with the file, the line, the
// customer and the field, and the lines after it keep coming: an empty ID
// (cs.ErrMissing), a bad date (cs.ErrInvalidDate), end before start
// (cs.ErrDateOrder), a bad churned value (ErrNotBool), a score that is not a
// finite number (cs.ErrNotNumber, cs.ErrNotFinite), a wrong number of fields. A
// missing, malformed or unknown header column, or a read error, yields one error
// and ends the sequence. Repeated IDs are left to Survival, which reports them.
func ReadLifetimes(r io.Reader, name string) iter.Seq2[Lifetime, error] {
	return func(yield func(Lifetime, error) bool) {
		cr := csv.NewReader(r)
		cr.FieldsPerRecord = -1
		cr.ReuseRecord = true
		fail := func(line int, id, field, value string, err error) error {
			return fmt.Errorf("health: %w", &cs.FieldError{File: name, Line: line, Record: id, Field: field, Value: value, Err: err})
		}
		header, err := cr.Read()
		if err != nil {
			if err == io.EOF {
				err = fmt.Errorf("%w: want id,start,end,churned", cs.ErrMissing)
			}
			yield(Lifetime{}, fail(1, "", "header", "", err))
			return
		}
		cols, err := lifetimeColumns(header)
		if err != nil {
			yield(Lifetime{}, fail(1, "", "header", strings.Join(header, ","), err))
			return
		}
		for {
			rec, err := cr.Read()
			if err == io.EOF {
				return
			}
			if err != nil {
				var pe *csv.ParseError
				if !errors.As(err, &pe) {
					yield(Lifetime{}, fail(0, "", "record", "", err))
					return
				}
				if !yield(Lifetime{}, fail(pe.Line, "", "record", "", fmt.Errorf("%w: %w", cs.ErrSyntax, pe.Err))) {
					return
				}
				continue
			}
			line, _ := cr.FieldPos(0)
			lt, err := cols.parse(rec, line, fail)
			if !yield(lt, err) {
				return
			}
		}
	}
}

// lifetimeCols are the column indexes of a lifetimes CSV (-1: absent).
type lifetimeCols struct {
	id, start, end, churned, group, score, width int
}

func lifetimeColumns(header []string) (lifetimeCols, error) {
	c := lifetimeCols{id: -1, start: -1, end: -1, churned: -1, group: -1, score: -1, width: len(header)}
	for i, h := range header {
		var col *int
		switch strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff"))) {
		case "id":
			col = &c.id
		case "start":
			col = &c.start
		case "end":
			col = &c.end
		case "churned":
			col = &c.churned
		case "group":
			col = &c.group
		case "score":
			col = &c.score
		default:
			return c, fmt.Errorf("column %q: %w", h, cs.ErrUnknownField)
		}
		if *col >= 0 {
			return c, fmt.Errorf("column %q twice: %w", h, cs.ErrDuplicate)
		}
		*col = i
	}
	if c.id < 0 || c.start < 0 || c.end < 0 || c.churned < 0 {
		return c, fmt.Errorf("%w: want the columns id, start, end and churned", cs.ErrMissing)
	}
	return c, nil
}

// parse turns one record into a Lifetime, or the error of its first bad field.
func (c lifetimeCols) parse(rec []string, line int, fail func(int, string, string, string, error) error) (Lifetime, error) {
	if len(rec) != c.width {
		return Lifetime{}, fail(line, "", "record", "", fmt.Errorf("%d fields, want %d: %w", len(rec), c.width, cs.ErrMissing))
	}
	lt := Lifetime{ID: strings.TrimSpace(rec[c.id])}
	if lt.ID == "" {
		return Lifetime{}, fail(line, "", "id", "", cs.ErrMissing)
	}
	var err error
	if lt.Start, err = cs.ParseDate(strings.TrimSpace(rec[c.start])); err != nil {
		return Lifetime{}, fail(line, lt.ID, "start", rec[c.start], cs.ErrInvalidDate)
	}
	if lt.End, err = cs.ParseDate(strings.TrimSpace(rec[c.end])); err != nil {
		return Lifetime{}, fail(line, lt.ID, "end", rec[c.end], cs.ErrInvalidDate)
	}
	if lt.End.Before(lt.Start) {
		return Lifetime{}, fail(line, lt.ID, "end", rec[c.end], fmt.Errorf("%w: before start %s", cs.ErrDateOrder, lt.Start))
	}
	switch strings.ToLower(strings.TrimSpace(rec[c.churned])) {
	case "1", "true":
		lt.Churned = true
	case "0", "false":
	default:
		return Lifetime{}, fail(line, lt.ID, "churned", rec[c.churned], ErrNotBool)
	}
	if c.group >= 0 {
		lt.Group = strings.TrimSpace(rec[c.group])
	}
	if c.score >= 0 {
		if s := strings.TrimSpace(rec[c.score]); s != "" {
			v, err := strconv.ParseFloat(s, 64)
			switch {
			case err != nil:
				return Lifetime{}, fail(line, lt.ID, "score", rec[c.score], cs.ErrNotNumber)
			case math.IsNaN(v) || math.IsInf(v, 0):
				return Lifetime{}, fail(line, lt.ID, "score", rec[c.score], cs.ErrNotFinite)
			}
			lt.Score = &v
		}
	}
	return lt, nil
}
