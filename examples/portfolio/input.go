package main

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"iter"
	"os"
	"path/filepath"
	"strconv"
	"sync"

	"github.com/successkit/cs"
	"github.com/successkit/cs/examples/samplebook"
	"github.com/successkit/cs/health"
	"github.com/successkit/cs/touch"
)

type options struct {
	customers string
	files     map[string]*string // book file name → path given by flag
	policy    string             // touch policy JSON; empty: the embedded policy.json
	assigner  *touch.Assigner    // the compiled policy
	health    string             // scorecard JSON; empty: health.SampleConfig
	scorer    *health.Scorer     // the compiled scorecard
	asof      cs.Date
	seed      uint64
	format    string
	write     string
	report    string // HTML report path
}

// fileFlags are the flags naming a user's book files beside -customers.
var fileFlags = []struct{ flag, file, usage string }{
	{"contacts", samplebook.ContactsFile, "support contacts CSV `file` (with -customers)"},
	{"events", samplebook.CaseEventsFile, "support case events CSV `file` (with -customers)"},
	{"surveys", samplebook.SurveysFile, "CES and NPS answers CSV `file` (with -customers)"},
	{"mrr", samplebook.MRRFile, "monthly MRR per subscription CSV `file` (with -customers)"},
	{"outcomes", samplebook.OutcomesFile, "churn outcomes CSV `file` for the backtest (with -customers)"},
	{"snapshots", samplebook.SnapshotsFile, "monthly customer snapshots CSV `file` for the health trend (with -customers)"},
}

// errHelp is returned after -h printed the usage: the program exits 0.
var errHelp = errors.New("help shown")

const usageHead = `Usage: portfolio [flags]

Runs the library's weekly cycle on a book of customers and prints what a
customer-success team needs to know this week: the book at a glance, health,
effort, touch tiers, this week's tasks, retention and a backtest of the health
score. With no flags it generates the sample book (2,000 customers, seed 1,
as of 2026-06-30).

Examples:
  go run ./examples/portfolio
  go run ./examples/portfolio -format json
  go run ./examples/portfolio -report report.html
  go run ./examples/portfolio -customers customers.csv -asof 2026-06-30 \
      -contacts contacts.csv -mrr mrr.csv -health scorecard.json

Flags:
`

func parseFlags(args []string, stdout io.Writer) (options, error) {
	var o options
	fs := flag.NewFlagSet("portfolio", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.StringVar(&o.customers, "customers", "", "read customers from this CSV `file` (cs layout) instead of the sample book")
	o.files = map[string]*string{}
	for _, f := range fileFlags {
		o.files[f.file] = fs.String(f.flag, "", f.usage)
	}
	fs.StringVar(&o.policy, "policy", "", "touch policy JSON `file` (default: the embedded policy.json)")
	fs.StringVar(&o.health, "health", "", "health scorecard JSON `file` (default: the sample scorecard, health.SampleJSON)")
	asof := fs.String("asof", "", "report `date` YYYY-MM-DD; the sample book is generated as of it (default: 2026-06-30)")
	fs.Uint64Var(&o.seed, "seed", samplebook.DefaultSeed, "seed of the sample book")
	fs.StringVar(&o.format, "format", "text", "output `format`: text or json")
	fs.StringVar(&o.report, "report", "", "also write the report as a self-contained HTML page to this `file`")
	fs.StringVar(&o.write, "write", "", "write the sample book's CSV files into this `directory` and stop")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fmt.Fprint(stdout, usageHead)
			fs.SetOutput(stdout)
			fs.PrintDefaults()
			return o, errHelp
		}
		return o, fmt.Errorf("portfolio: %w", err)
	}
	if fs.NArg() > 0 {
		return o, fmt.Errorf("portfolio: unexpected argument %q", fs.Arg(0))
	}
	if *asof != "" {
		d, err := cs.ParseDate(*asof)
		if err != nil {
			return o, fmt.Errorf("portfolio: -asof %q: %w", *asof, err)
		}
		o.asof = d
	}
	switch o.format {
	case "text", "json":
	default:
		return o, fmt.Errorf("portfolio: -format %q: want text or json", o.format)
	}
	if o.customers != "" && o.asof.IsZero() {
		return o, fmt.Errorf("portfolio: -asof is required with -customers: the report's date is never read from the clock")
	}
	for _, f := range fileFlags {
		if *o.files[f.file] != "" && o.customers == "" {
			return o, fmt.Errorf("portfolio: -%s needs -customers: the sample book brings its own files", f.flag)
		}
	}
	if o.customers != "" && o.write != "" {
		return o, fmt.Errorf("portfolio: -write writes the sample book; it cannot be used with -customers")
	}
	if o.seed == 0 {
		return o, fmt.Errorf("portfolio: -seed 0: want a positive seed")
	}
	return o, nil
}

// input is the book the report is made from. Its files are read when a step
// needs them, and the customers once per pass of the cycle: the program never
// holds a user's book in memory.
type input struct {
	source    string
	book      *samplebook.Book  // nil when customers come from a file
	customers []byte            // the sample book's customers.csv; nil for a user's file
	path      string            // the user's customers file
	files     map[string][]byte // the sample book's other files by name
	paths     map[string]string // the user's other files by book name
	names     map[string]string // the user's file name of each book file read from a flag
}

// name is the file name that messages about the book file give: the user's, when
// the file came from a flag, else the book's own name.
func (in *input) name(file string) string {
	if n, ok := in.names[file]; ok {
		return n
	}
	return file
}

// open opens one of the book's files; nil, nil when the book has none.
func (in *input) open(file string) (io.ReadCloser, error) {
	if data, ok := in.files[file]; ok {
		return io.NopCloser(bytes.NewReader(data)), nil
	}
	path, ok := in.paths[file]
	if !ok {
		return nil, nil
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("portfolio: %w", err)
	}
	return f, nil
}

// readCustomers yields the book's customers, reading the file anew.
func (in *input) readCustomers() iter.Seq2[cs.Customer, error] {
	if in.customers != nil {
		return cs.ReadCustomersCSV(bytes.NewReader(in.customers), samplebook.CustomersFile)
	}
	return func(yield func(cs.Customer, error) bool) {
		f, err := os.Open(in.path)
		if err != nil {
			yield(cs.Customer{}, fmt.Errorf("portfolio: %w", err))
			return
		}
		defer f.Close()
		for c, err := range cs.ReadCustomersCSV(f, filepath.Base(in.path)) {
			if !yield(c, err) {
				return
			}
		}
	}
}

// sampleBooks keeps the sample books generated in this process by seed, with
// their files: an input is never modified once loaded, and the golden tests run
// the program several times in one process.
var sampleBooks struct {
	sync.Mutex
	m map[bookKey]*input
}

type bookKey struct {
	seed uint64
	asof cs.Date
}

func load(o options) (*input, error) {
	if o.customers == "" {
		sampleBooks.Lock()
		defer sampleBooks.Unlock()
		key := bookKey{o.seed, o.asof}
		if in, ok := sampleBooks.m[key]; ok {
			return in, nil
		}
		in, err := loadSample(o.seed, o.asof)
		if err != nil {
			return nil, err
		}
		if sampleBooks.m == nil {
			sampleBooks.m = map[bookKey]*input{}
		}
		sampleBooks.m[key] = in
		return in, nil
	}
	return loadFiles(o)
}

// loadSample generates the sample book as of asof (zero: the default date), so
// that no data of the book is dated after the report, and writes its files in
// memory, so that it goes through the same CSV readers as a user's files.
func loadSample(seed uint64, asof cs.Date) (*input, error) {
	b, err := samplebook.Generate(samplebook.Config{Seed: seed, AsOf: asof})
	if err != nil {
		return nil, fmt.Errorf("portfolio: %w", err)
	}
	in := &input{source: "sample book, seed " + strconv.FormatUint(seed, 10), book: b, files: map[string][]byte{}}
	for _, name := range samplebook.Files() {
		var buf bytes.Buffer
		if err := b.WriteCSV(&buf, name); err != nil {
			return nil, fmt.Errorf("portfolio: %w", err)
		}
		if name == samplebook.CustomersFile {
			in.customers = buf.Bytes()
			continue
		}
		in.files[name] = buf.Bytes()
	}
	return in, nil
}

// loadFiles checks that the user's files can be opened; they are read later,
// as the steps need them.
func loadFiles(o options) (*input, error) {
	f, err := os.Open(o.customers)
	if err != nil {
		return nil, fmt.Errorf("portfolio: %w", err)
	}
	f.Close()
	in := &input{source: filepath.Base(o.customers), path: o.customers, paths: map[string]string{}, names: map[string]string{}}
	for name, path := range o.files {
		if *path == "" {
			continue
		}
		f, err := os.Open(*path)
		if err != nil {
			return nil, fmt.Errorf("portfolio: %w", err)
		}
		f.Close()
		in.paths[name] = *path
		in.names[name] = filepath.Base(*path)
	}
	return in, nil
}

func writeBook(in *input, dir string, w io.Writer) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("portfolio: %w", err)
	}
	if err := in.book.WriteDir(dir); err != nil {
		return fmt.Errorf("portfolio: %w", err)
	}
	for _, f := range samplebook.Files() {
		fmt.Fprintln(w, "wrote", filepath.Join(dir, f))
	}
	return nil
}
