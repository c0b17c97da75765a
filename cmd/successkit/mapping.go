package main

import (
	"errors"
	"fmt"
	"io"
	"iter"
	"maps"
	"os"
	"slices"
	"strconv"
	"strings"

	"github.com/successkit/cs"
	"github.com/successkit/cs/internal/csio"
	"github.com/successkit/cs/internal/csvx"
	"github.com/successkit/cs/internal/errs"
)

// mappingHelp is what successkit help mapping prints.
const mappingHelp = `Column mapping (successkit run -mapping mapping.json)

A mapping file maps the columns and values of your customer export to the
customer layout and to the signal and attribute names the scorecard, the touch
policy and the plays read. Only the columns it names are read.

{
  "columns":    {"id": "Account ID", "name": "Company", "segment": "Size",
                 "stage": "Lifecycle", "contract_start": "Customer since",
                 "renewal_date": "Renewal", "mrr": "MRR", "currency": "Currency"},
  "currency":   "EUR",
  "signals":    {"usage": "Active users %", "nps": "NPS", "tickets_90d": "Tickets (90d)"},
  "scale":      {"usage": 0.01},
  "attributes": {"plan": "Plan"},
  "stages":     {"Trial": "onboarding", "Live": "adoption", "Cancelled": "churned"},
  "values":     {"Size": {"S": "smb", "M": "mid_market", "L": "enterprise"}}
}

columns    base fields (id, name, segment, stage, contract_start, renewal_date,
           mrr, currency) to your column names; only id is required
currency   the currency of every MRR when there is no currency column
signals    signal names (what scorecards and plays read) to your columns
scale      a factor per signal: 0.01 turns a percentage into a fraction
attributes attribute names to your columns
stages     your lifecycle words to onboarding, adoption, expansion, renewal or
           churned (matched exactly, then ignoring case)
values     per column of yours, values to replace

Dates must be YYYY-MM-DD and amounts plain decimals with a point; a cell that
is not is reported with its file, line and column, and what to write instead.
successkit run warns about every signal a measure, rule or play reads that no
customer has (-strict makes it an error).
`

// Mapping maps the columns and values of a team's customer file to the
// customer layout of the library (cs.ReadCustomersCSV) and to the signal and
// attribute names the scorecards, policies and plays read. It is read from a
// JSON file (-mapping):
//
//	{
//	  "columns":    {"id": "Account ID", "name": "Company", "segment": "Size",
//	                 "stage": "Lifecycle", "renewal_date": "Renewal", "mrr": "MRR"},
//	  "currency":   "EUR",
//	  "signals":    {"usage": "Active users %", "nps": "NPS"},
//	  "scale":      {"usage": 0.01},
//	  "attributes": {"plan": "Plan"},
//	  "stages":     {"Trial": "onboarding", "Live": "adoption", "Cancelled": "churned"},
//	  "values":     {"Size": {"S": "smb", "M": "mid_market", "L": "enterprise"}}
//	}
//
// columns maps base fields (id, name, segment, stage, contract_start,
// renewal_date, mrr, currency) to the file's column names; only id is
// required. currency is the currency of every MRR when the file has no
// currency column. signals and attributes map the library's names to columns;
// scale multiplies a signal (a percentage to a fraction). stages maps the
// file's lifecycle words to the library's stages (onboarding, adoption,
// expansion, renewal, churned), matched exactly, then ignoring case. values
// replaces the values of a column. Columns of the file that the mapping does
// not name are not read.
type Mapping struct {
	Columns    map[string]string            `json:"columns"`
	Currency   string                       `json:"currency,omitempty"`
	Signals    map[string]string            `json:"signals,omitempty"`
	Scale      map[string]float64           `json:"scale,omitempty"`
	Attributes map[string]string            `json:"attributes,omitempty"`
	Stages     map[string]string            `json:"stages,omitempty"`
	Values     map[string]map[string]string `json:"values,omitempty"`

	file string // the mapping's file, for messages
}

// loadMapping reads and checks a mapping file.
func loadMapping(path string) (*Mapping, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	m := &Mapping{file: path}
	if err := csio.DecodeJSON(data, m); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	base := cs.BaseColumns()
	for _, k := range slices.Sorted(maps.Keys(m.Columns)) {
		if !slices.Contains(base, k) {
			return nil, fmt.Errorf("%s: columns.%s: %w (the base fields are %s)", path, k, cs.ErrUnknownField, strings.Join(base, ", "))
		}
		if m.Columns[k] == "" {
			return nil, fmt.Errorf("%s: columns.%s: %w: name the file's column", path, k, cs.ErrMissing)
		}
	}
	if m.Columns["id"] == "" {
		return nil, fmt.Errorf("%s: columns.id: %w: name the column holding the customer ID", path, cs.ErrMissing)
	}
	if m.Currency != "" {
		if _, err := cs.ParseCurrency(m.Currency); err != nil {
			return nil, fmt.Errorf("%s: currency: %q: %w", path, m.Currency, err)
		}
	}
	for _, k := range slices.Sorted(maps.Keys(m.Stages)) {
		if _, err := cs.ParseStage(m.Stages[k]); err != nil || m.Stages[k] == "" {
			return nil, fmt.Errorf("%s: stages[%q]: %q: %w (want onboarding, adoption, expansion, renewal or churned)", path, k, m.Stages[k], cs.ErrInvalidStage)
		}
	}
	for _, k := range slices.Sorted(maps.Keys(m.Scale)) {
		if _, ok := m.Signals[k]; !ok {
			return nil, fmt.Errorf("%s: scale.%s: %w: no signal %q in signals", path, k, cs.ErrUnknownField, k)
		}
	}
	return m, nil
}

// source is one mapped column: where the cs field's value comes from.
type source struct {
	field  string            // the cs layout's column: "mrr", "signal.usage"
	col    int               // index in the file's row; -1 for a constant
	name   string            // the file's column name
	value  string            // the constant (currency)
	values map[string]string // value replacements
	scale  float64           // signal factor; 0 none
	stage  bool
}

// Read reads a customer file through the mapping: the file's header is bound
// to the mapping (a mapped column the file lacks is an error naming both), then
// each row is turned into the customer layout and decoded by the library's
// reader, so a bad cell gives its error with the file, line and the file's
// column name, and the same format hints (semicolons, UTF-16, decimal
// commas, month/day dates). A repeated ID is an error for that row.
func (m *Mapping) Read(r io.Reader, name string) iter.Seq2[cs.Customer, error] {
	return func(yield func(cs.Customer, error) bool) {
		rd := csio.NewCSVReader(r, name, csvx.Options{})
		header, err := rd.Header(cs.ErrMissing)
		if err != nil {
			yield(cs.Customer{}, err)
			return
		}
		srcs, err := m.bind(header, name)
		if err != nil {
			yield(cs.Customer{}, err)
			return
		}
		layout := make([]string, len(srcs))
		for i, s := range srcs {
			layout[i] = s.field
		}
		dec, err := cs.CSVOptions{}.NewDecoder(layout, name)
		if err != nil {
			yield(cs.Customer{}, fmt.Errorf("%s: %w", m.file, err))
			return
		}
		seen := map[string]struct{}{}
		for {
			cells, line, err := rd.Next()
			if err == io.EOF {
				return
			}
			if err != nil {
				if !yield(cs.Customer{}, err) {
					return
				}
				continue
			}
			row, err := m.row(srcs, cells, name, line)
			if err != nil {
				if !yield(cs.Customer{}, err) {
					return
				}
				continue
			}
			rec, err := dec.Decode(row, line)
			if err != nil {
				if !yield(cs.Customer{}, relabel(err, srcs)) {
					return
				}
				continue
			}
			c := rec.Customer
			if _, dup := seen[c.ID]; dup {
				err := &cs.FieldError{File: name, Line: line, Record: c.ID, Field: srcs[0].name, Value: c.ID, Err: cs.ErrDuplicate}
				if !yield(cs.Customer{}, err) {
					return
				}
				continue
			}
			seen[strings.Clone(c.ID)] = struct{}{}
			if !yield(c, nil) {
				return
			}
		}
	}
}

// bind finds the mapped columns in the file's header.
func (m *Mapping) bind(header []string, file string) ([]source, error) {
	at := map[string]int{}
	for i, h := range header {
		if _, dup := at[h]; !dup {
			at[h] = i
		}
	}
	var srcs []source
	var missing []string
	add := func(field, col, path string) {
		i, ok := at[col]
		if !ok {
			missing = append(missing, fmt.Sprintf("%s names column %q", path, col))
			return
		}
		srcs = append(srcs, source{field: field, col: i, name: col, values: m.Values[col]})
	}
	for _, f := range cs.BaseColumns() {
		if col, ok := m.Columns[f]; ok {
			add(f, col, "columns."+f)
			if f == "stage" {
				srcs[len(srcs)-1].stage = true
			}
		}
	}
	if m.Currency != "" && m.Columns["currency"] == "" {
		srcs = append(srcs, source{field: "currency", col: -1, name: "currency", value: m.Currency})
	}
	for _, k := range slices.Sorted(maps.Keys(m.Signals)) {
		add("signal."+k, m.Signals[k], "signals."+k)
		if len(srcs) > 0 && srcs[len(srcs)-1].field == "signal."+k {
			srcs[len(srcs)-1].scale = m.Scale[k]
		}
	}
	for _, k := range slices.Sorted(maps.Keys(m.Attributes)) {
		add("attr."+k, m.Attributes[k], "attributes."+k)
	}
	if len(missing) > 0 {
		return nil, &cs.FieldError{File: file, Line: 1, Field: "header", Value: errs.Clip(strings.Join(header, ",")),
			Err: fmt.Errorf("%w: the mapping %s: %s; the file's columns are %s", cs.ErrMissing, m.file, strings.Join(missing, ", "), quoteAll(header))}
	}
	return srcs, nil
}

func quoteAll(ss []string) string {
	q := make([]string, len(ss))
	for i, s := range ss {
		q[i] = strconv.Quote(s)
	}
	return strings.Join(q, ", ")
}

// row turns one of the file's rows into the customer layout.
func (m *Mapping) row(srcs []source, cells []string, file string, line int) ([]string, error) {
	out := make([]string, len(srcs))
	hasMRR := false
	for i, s := range srcs {
		if s.col < 0 {
			continue
		}
		if s.col >= len(cells) {
			return nil, &cs.FieldError{File: file, Line: line, Field: s.name, Err: fmt.Errorf("%w: the row has %d cells", cs.ErrMissing, len(cells))}
		}
		v := strings.TrimSpace(cells[s.col])
		if r, ok := s.values[v]; ok {
			v = r
		}
		if s.stage && v != "" {
			v = m.stage(v)
		}
		if s.scale != 0 && v != "" {
			f, err := strconv.ParseFloat(v, 64)
			if err == nil {
				v = strconv.FormatFloat(f*s.scale, 'g', -1, 64)
			}
		}
		if s.field == "mrr" && v != "" {
			hasMRR = true
		}
		out[i] = v
	}
	for i, s := range srcs {
		if s.col < 0 && hasMRR {
			out[i] = s.value
		}
	}
	return out, nil
}

// stage maps a lifecycle word to a stage word.
func (m *Mapping) stage(v string) string {
	if s, ok := m.Stages[v]; ok {
		return s
	}
	for k, s := range m.Stages {
		if strings.EqualFold(k, v) {
			return s
		}
	}
	return v
}

// relabel names the file's column beside the layout's field in the errors of
// a mapped row: `MRR (mrr): "12,00": not a decimal`.
func relabel(err error, srcs []source) error {
	var walk func(error)
	walk = func(e error) {
		var fe *cs.FieldError
		if errors.As(e, &fe) {
			for _, s := range srcs {
				if s.field == fe.Field && s.col >= 0 && s.name != s.field {
					fe.Field = s.name + " (" + s.field + ")"
					break
				}
			}
		}
		if u, ok := e.(interface{ Unwrap() []error }); ok {
			for _, x := range u.Unwrap() {
				walk(x)
			}
		}
	}
	walk(err)
	return err
}
