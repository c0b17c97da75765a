package stats

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/successkit/cs"
)

// Outcome is what happened to one customer after its snapshots: whether it churned
// within the horizon and, optionally, the date of the churn (for a churner) or of the
// end of the observation horizon (for a retained customer). A zero Date means the
// date is unknown; the lead time of a churner needs it.
type Outcome struct {
	ID      string  `json:"id"`
	Churned bool    `json:"churned"`
	Date    cs.Date `json:"date,omitzero"`
}

// ReadOutcomes reads an outcomes CSV: a header naming the columns id and churned
// (any order, case-insensitive) and optionally date (YYYY-MM-DD), then one line per
// customer. churned is one of 0, 1, true, false (case-insensitive, surrounding spaces
// ignored). file names the source in error messages.
//
// Every bad line yields one error (a *cs.FieldError with the file, the line, the
// customer and the field, wrapped with the "stats:" prefix) and the other lines are
// still read: an empty ID (cs.ErrMissing), a bad churned value (ErrNotBool), a bad
// date (cs.ErrInvalidDate), a repeated ID (cs.ErrDuplicate; the first line wins), a
// wrong number of fields. A missing or malformed header, or an unknown column
// (cs.ErrUnknownField), is fatal: nil outcomes and that one error.
func ReadOutcomes(r io.Reader, file string) ([]Outcome, []error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = true
	fail := func(line int, field, value string, err error) error {
		return fmt.Errorf("stats: %w", &cs.FieldError{File: file, Line: line, Field: field, Value: value, Err: err})
	}
	header, err := cr.Read()
	if err == io.EOF {
		return nil, []error{fail(1, "header", "", fmt.Errorf("%w: want id,churned", cs.ErrMissing))}
	}
	if err != nil {
		return nil, []error{fail(1, "header", "", err)}
	}
	idCol, yCol, dCol := -1, -1, -1
	for i, h := range header {
		name := strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")))
		var col *int
		switch name {
		case "id":
			col = &idCol
		case "churned":
			col = &yCol
		case "date":
			col = &dCol
		default:
			return nil, []error{fail(1, "header", h, cs.ErrUnknownField)}
		}
		if *col >= 0 {
			return nil, []error{fail(1, "header", h, cs.ErrDuplicate)}
		}
		*col = i
	}
	if idCol < 0 || yCol < 0 {
		return nil, []error{fail(1, "header", strings.Join(header, ","), fmt.Errorf("%w: want columns id and churned", cs.ErrMissing))}
	}
	width := len(header)
	var out []Outcome
	var errs []error
	seen := make(map[string]int)
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			// FieldPos is defined only after a successful Read: take the line from the
			// parse error.
			var pe *csv.ParseError
			if !errors.As(err, &pe) {
				// A read error, not a bad record: a retry would fail again.
				errs = append(errs, fail(0, "record", "", err))
				break
			}
			// encoding/csv resumes at the next record after a parse error.
			errs = append(errs, fail(pe.Line, "record", "", err))
			continue
		}
		line, _ := cr.FieldPos(0)
		if len(rec) != width {
			errs = append(errs, fail(line, "record", strings.Join(rec, ","), fmt.Errorf("%d fields, want %d: %w", len(rec), width, cs.ErrMissing)))
			continue
		}
		id := strings.TrimSpace(rec[idCol])
		if id == "" {
			errs = append(errs, fail(line, "id", "", cs.ErrMissing))
			continue
		}
		y, ok := parseBool(rec[yCol])
		if !ok {
			errs = append(errs, fmt.Errorf("stats: %w", &cs.FieldError{File: file, Line: line, Record: id, Field: "churned", Value: rec[yCol], Err: ErrNotBool}))
			continue
		}
		o := Outcome{ID: id, Churned: y}
		if dCol >= 0 {
			if s := strings.TrimSpace(rec[dCol]); s != "" {
				d, err := cs.ParseDate(s)
				if err != nil {
					errs = append(errs, fmt.Errorf("stats: %w", &cs.FieldError{File: file, Line: line, Record: id, Field: "date", Value: rec[dCol], Err: cs.ErrInvalidDate}))
					continue
				}
				o.Date = d
			}
		}
		if first, dup := seen[id]; dup {
			errs = append(errs, fmt.Errorf("stats: %w", &cs.FieldError{File: file, Line: line, Record: id, Field: "id", Value: id, Err: fmt.Errorf("%w: first on line %d", cs.ErrDuplicate, first)}))
			continue
		}
		seen[id] = line
		out = append(out, o)
	}
	return out, errs
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
