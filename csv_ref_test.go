package cs

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"iter"
)

// readCSVReference is ReadCSV as it was before csvRecords: every record read by
// encoding/csv. The differential tests hold ReadCSV to it.
func (o CSVOptions) readCSVReference(r io.Reader, name string) iter.Seq2[CSVRecord, error] {
	return func(yield func(CSVRecord, error) bool) {
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
				yield(CSVRecord{}, readError(name, err))
				return
			}
			line, _ := cr.FieldPos(0)
			rec, err := p.row(line, cells)
			if !yield(rec, err) {
				return
			}
		}
	}
}
