package csbeam

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/successkit/cs"
	"github.com/successkit/cs/health"
	"github.com/successkit/cs/internal/csvx"
)

// ScoreOptions configure ScoreCustomers.
type ScoreOptions struct {
	// Config is the scorecard (health.SampleConfig(), or health.ParseConfig of
	// your JSON). It travels to the workers as its canonical JSON
	// (health.MarshalConfig) and is compiled once per worker; Go functions added
	// with health.WithFunc cannot travel and are not supported.
	Config health.Config
	// AsOf is the scoring date.
	AsOf cs.Date
	// Read selects the input format (CSV or JSONL) and the chunk size.
	Read ReadOptions
}

// Scores is the output of ScoreCustomers.
type Scores struct {
	Results beam.PCollection // ScoreRow, one per customer read and scored
	Grades  beam.PCollection // KV<string, int>: customers per grade ("" for Unknown)
	Dead    beam.PCollection // DeadLetter: rows the reader or the scorer refused
}

// ScoreCustomers reads customers from files in the customer CSV layout or as JSON
// Lines (see ReadOptions) and scores each one with the scorecard, as of opt.AsOf.
//
// Exact: each row is split by the library's CSV reader and decoded by a
// cs.CustomerDecoder bound to the file's header (JSON Lines: cs.ReadCustomersJSONL
// on the chunk's lines), and scored by health.Scorer.ScoreInto, so every ScoreRow equals, bit for bit, what the library
// computes for that customer on one machine, and every refused row carries the
// library's error with the file's line number. Grade counts are integer sums.
//
// Not the same as reading the file whole: duplicate IDs span rows, so a CSV
// customer ID repeated in a file is scored each time, where cs.ReadCustomersCSV
// refuses the later rows (cs.ErrDuplicate); check unique IDs upstream when your
// files may repeat them (JSON Lines: the repeat is refused within a chunk only).
func ScoreCustomers(s beam.Scope, files []string, opt ScoreOptions) (Scores, error) {
	s = s.Scope("ScoreCustomers")
	cfg, err := health.MarshalConfig(opt.Config)
	if err != nil {
		return Scores{}, fmt.Errorf("csbeam: ScoreCustomers: %w", err)
	}
	if _, err := health.Compile(opt.Config); err != nil {
		return Scores{}, fmt.Errorf("csbeam: ScoreCustomers: %w", err)
	}
	chunks, dead0 := Chunks(s, "ScoreCustomers", files, opt.Read)
	results, dead1 := beam.ParDo2(s, &scoreFn{Config: string(cfg), AsOf: opt.AsOf.String(), Format: string(opt.Read.Format)}, chunks)
	grades := beam.CombinePerKey(s, sumInts, beam.ParDo(s, gradeOne, results))
	return Scores{Results: results, Grades: grades, Dead: beam.Flatten(s, dead0, dead1)}, nil
}

// scoreFn decodes and scores the customers of one chunk.
type scoreFn struct {
	Config string `json:"config"`
	AsOf   string `json:"as_of"`
	Format string `json:"format"`

	scorer *health.Scorer
	asOf   cs.Date
	res    health.Result
	c      counters
	dec    decoders
}

func (f *scoreFn) Setup() error {
	cfg, err := health.ParseConfig([]byte(f.Config))
	if err != nil {
		return err
	}
	if f.scorer, err = health.Compile(cfg); err != nil {
		return err
	}
	if f.asOf, err = cs.ParseDate(f.AsOf); err != nil {
		return err
	}
	f.c = newCounters("ScoreCustomers")
	return nil
}

func (f *scoreFn) ProcessElement(ctx context.Context, c Chunk, emit func(ScoreRow), dead func(DeadLetter)) {
	var in, out int64
	eachCustomer(&c, Format(f.Format), &f.dec, func(line int, cust *cs.Customer, err error) {
		if err != nil {
			dead(deadLetter(ctx, "ScoreCustomers", c.File, line, "", err))
			return
		}
		in++
		if err := f.scorer.ScoreInto(&f.res, cust, f.asOf); err != nil {
			dead(deadLetter(ctx, "ScoreCustomers", c.File, line, cust.ID, err))
			return
		}
		out++
		emit(scoreRow(&f.res, c.File, line))
	})
	f.c.in.Inc(ctx, in)
	f.c.out.Inc(ctx, out)
}

// scoreRow is the ScoreRow of a result.
func scoreRow(r *health.Result, file string, line int) ScoreRow {
	row := ScoreRow{ID: r.CustomerID, File: file, Line: line, Profile: r.Profile, Score: r.Score,
		Grade: r.Grade, Unknown: r.Unknown, Coverage: r.Coverage}
	if reasons := r.Reasons(); len(reasons) > 0 {
		row.Reason = reasons[0]
	}
	return row
}

// decoders keeps, per worker, one cs.CustomerDecoder per file and header: the
// header is bound to the layout once, not per chunk or row.
type decoders struct {
	opt cs.CSVOptions
	m   map[string]*cs.CustomerDecoder
	bad map[string]error
}

func (ds *decoders) get(file string, header []string) (*cs.CustomerDecoder, error) {
	key := file + "\x00" + strings.Join(header, "\x00")
	if d, ok := ds.m[key]; ok {
		return d, nil
	}
	if err, ok := ds.bad[key]; ok {
		return nil, err
	}
	if ds.m == nil {
		ds.m, ds.bad = map[string]*cs.CustomerDecoder{}, map[string]error{}
	}
	d, err := ds.opt.NewDecoder(header, file)
	if err != nil {
		ds.bad[key] = err
		return nil, err
	}
	ds.m[key] = d
	return d, nil
}

// eachRecord splits a CSV chunk into rows with the library's CSV reader (csvx,
// which the customer readers use) and decodes each row with the decoder of the
// file's header, calling f with each record or error and its line in the file.
// A header the layout refuses is reported once, by the file's first chunk.
func eachRecord(c *Chunk, ds *decoders, f func(line int, rec *cs.CSVRecord, err error)) {
	locate := func(line int, field, value string, err error) error {
		return &cs.FieldError{File: c.File, Line: c.lineOf(line), Field: field, Value: value, Err: err}
	}
	rd := csvx.NewReader(c.records(), csvx.Options{MaxRecordBytes: ds.opt.MaxRecordBytes}, locate)
	header, err := rd.Header(cs.ErrMissing)
	var d *cs.CustomerDecoder
	if err == nil {
		d, err = ds.get(c.File, header)
	}
	if err != nil {
		if c.first() {
			f(1, nil, err)
		}
		return
	}
	for {
		cells, line, err := rd.Next()
		if err == io.EOF {
			return
		}
		if err != nil {
			f(firstLine(err), nil, err)
			continue
		}
		rec, err := d.Decode(cells, c.lineOf(line))
		f(rec.Line, &rec, err)
	}
}

// eachCustomer decodes the customers of a chunk, CSV or JSON Lines, and calls f
// with each customer or error and its line in the file.
func eachCustomer(c *Chunk, format Format, ds *decoders, f func(line int, cust *cs.Customer, err error)) {
	if format == JSONL {
		// The reader yields one item per line that is not blank, in order; it says
		// on which line only for errors, so the lines are counted here.
		lines := nonBlankLines(c)
		k := 0
		for cust, err := range cs.ReadCustomersJSONL(c.records(), c.File) {
			line := 0
			if k < len(lines) {
				line = lines[k]
			}
			k++
			if err != nil {
				err = c.relocate(err)
				if l := firstLine(err); l > 0 {
					line = l
				}
				f(line, nil, err)
				continue
			}
			f(line, &cust, nil)
		}
		return
	}
	eachRecord(c, ds, func(line int, rec *cs.CSVRecord, err error) {
		if err != nil {
			f(line, nil, err)
			return
		}
		f(line, &rec.Customer, nil)
	})
}

// nonBlankLines returns the file line numbers of the chunk's lines that the
// JSON Lines reader yields an item for: those that hold more than white space,
// and those over its limit.
func nonBlankLines(c *Chunk) []int {
	var out []int
	line := c.FirstLine
	for rest := c.Data; len(rest) > 0; line++ {
		l := rest
		if i := bytes.IndexByte(rest, '\n'); i >= 0 {
			l = rest[:i+1]
		}
		rest = rest[len(l):]
		if len(l) > maxRecordBytes || len(bytes.TrimSpace(l)) > 0 {
			out = append(out, line)
		}
	}
	return out
}

func gradeOne(r ScoreRow) (string, int) { return r.Grade, 1 }

func sumInts(a, b int) int { return a + b }

// ScoreCSVHeader is the header of FormatScoreRow's lines.
const ScoreCSVHeader = "id,profile,score,grade,unknown,coverage,reason,file,line"

// FormatScoreRow formats a ScoreRow as a CSV line under ScoreCSVHeader. Floats are
// written with the shortest text that reads back to the same bits.
func FormatScoreRow(r ScoreRow) string {
	var b strings.Builder
	b.Grow(96 + len(r.Reason))
	b.WriteString(csvCell(r.ID))
	b.WriteByte(',')
	b.WriteString(csvCell(r.Profile))
	b.WriteByte(',')
	b.WriteString(strconv.FormatFloat(r.Score, 'g', -1, 64))
	b.WriteByte(',')
	b.WriteString(csvCell(r.Grade))
	b.WriteByte(',')
	b.WriteString(strconv.FormatBool(r.Unknown))
	b.WriteByte(',')
	b.WriteString(strconv.FormatFloat(r.Coverage, 'g', -1, 64))
	b.WriteByte(',')
	b.WriteString(csvCell(r.Reason))
	b.WriteByte(',')
	b.WriteString(csvCell(r.File))
	b.WriteByte(',')
	b.WriteString(strconv.Itoa(r.Line))
	return b.String()
}

// csvCell quotes s when RFC 4180 requires it.
func csvCell(s string) string {
	if !strings.ContainsAny(s, ",\"\r\n") && (s == "" || (s[0] != ' ' && s[0] != '\t')) {
		return s
	}
	return `"` + strings.ReplaceAll(s, `"`, `""`) + `"`
}
