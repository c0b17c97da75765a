package cs

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"iter"
	"slices"
	"strings"

	"github.com/successkit/cs/internal/csvx"
)

// readCSVReference is ReadCSV done the slow, obvious way: every record read by
// encoding/csv, IDs kept in a plain map. The differential tests hold ReadCSV to it.
func (o CSVOptions) readCSVReference(r io.Reader, name string) iter.Seq2[CSVRecord, error] {
	return func(yield func(CSVRecord, error) bool) {
		readError := func(err error) error { return &FieldError{File: name, Err: err} }
		cr := csv.NewReader(r)
		cr.ReuseRecord = true
		cr.FieldsPerRecord = -1 // checked here, to say how many cells were expected
		header, err := cr.Read()
		if err != nil {
			var pe *csv.ParseError
			switch {
			case errors.Is(err, io.EOF):
				err = &FieldError{File: name, Line: 1, Field: "header", Err: ErrMissing}
			case errors.As(err, &pe):
				yield(CSVRecord{Line: pe.StartLine}, &FieldError{File: name, Line: pe.StartLine, Field: "header", Err: fmt.Errorf("%w: %w", ErrSyntax, pe.Err)})
				return
			default:
				err = readError(err)
			}
			yield(CSVRecord{Line: 1}, err)
			return
		}
		if len(header) > 0 {
			header[0] = strings.TrimPrefix(header[0], "\uFEFF")
		}
		if line, _ := cr.FieldPos(0); csvx.CheckHeader(header, line, csvLocate(name)) != nil {
			yield(CSVRecord{Line: line}, csvx.CheckHeader(header, line, csvLocate(name)))
			return
		}
		d, err := o.NewDecoder(header, name)
		if err != nil {
			yield(CSVRecord{Line: 1}, err)
			return
		}
		seen := map[string]int{}
		for {
			cells, err := cr.Read()
			if errors.Is(err, io.EOF) {
				return
			}
			var pe *csv.ParseError
			switch {
			case errors.As(err, &pe):
				if !yield(CSVRecord{Line: pe.StartLine}, &FieldError{File: name, Line: pe.StartLine, Field: "record", Err: fmt.Errorf("%w: %w", ErrSyntax, pe.Err)}) {
					return
				}
				continue
			case err != nil:
				yield(CSVRecord{}, readError(err))
				return
			}
			line, _ := cr.FieldPos(0)
			rec, err := d.Decode(slices.Clone(cells), line)
			if err == nil && !o.AllowDuplicateIDs {
				id := rec.Customer.ID
				if first, ok := seen[id]; ok {
					rec = CSVRecord{Line: line}
					err = &FieldError{File: name, Line: line, Record: id, Field: "id", Value: id, Err: fmt.Errorf("%w (first on line %d)", ErrDuplicate, first)}
				} else {
					seen[id] = line
				}
			}
			if !yield(rec, err) {
				return
			}
		}
	}
}
