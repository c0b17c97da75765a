package csbeam

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/google/go-cmp/cmp"
	"github.com/successkit/cs"
	"github.com/successkit/cs/examples/samplebook"
	"github.com/successkit/cs/health"
)

// libraryScores scores a customer file on one machine, as the README's program
// does: the reference every ScoreCustomers run is compared with.
func libraryScores(t testing.TB, path string, format Format) (rows map[string]ScoreRow, grades map[string]int, bad []string) {
	t.Helper()
	scorer, err := health.Compile(health.SampleConfig())
	if err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, grades = map[string]ScoreRow{}, map[string]int{}
	add := func(c *cs.Customer, line int) {
		r, err := scorer.Score(c, samplebook.DefaultAsOf)
		if err != nil {
			bad = append(bad, err.Error())
			return
		}
		rows[c.ID] = scoreRow(&r, path, line)
		grades[r.Grade]++
	}
	if format == JSONL {
		for c, err := range cs.ReadCustomersJSONL(f, path) {
			if err != nil {
				bad = append(bad, err.Error())
				continue
			}
			add(&c, 0)
		}
		return rows, grades, bad
	}
	for rec, err := range (cs.CSVOptions{}).ReadCSV(f, path) {
		if err != nil {
			bad = append(bad, err.Error())
			continue
		}
		add(&rec.Customer, rec.Line)
	}
	return rows, grades, bad
}

type gradeCount struct {
	Grade string
	N     int
}

func gradeKV(g string, n int) gradeCount { return gradeCount{g, n} }

func init() { beam.RegisterFunction(gradeKV) }

// runScores runs ScoreCustomers on files and returns its rows by ID, its grade
// counts, its dead letters' texts and its counters.
func runScores(t testing.TB, files []string, opt ScoreOptions) (map[string]ScoreRow, map[string]int, []DeadLetter, map[string]int64) {
	t.Helper()
	p, s := beam.NewPipelineWithRoot()
	out, err := ScoreCustomers(s, files, opt)
	if err != nil {
		t.Fatal(err)
	}
	key := t.Name()
	collect(s, key+"/rows", out.Results)
	collect(s, key+"/grades", beam.ParDo(s, gradeKV, out.Grades))
	collect(s, key+"/dead", out.Dead)
	metrics := run(t, p)
	rows := map[string]ScoreRow{}
	for _, r := range take[ScoreRow](key + "/rows") {
		if _, dup := rows[r.ID]; dup {
			t.Errorf("customer %q scored twice", r.ID)
		}
		rows[r.ID] = r
	}
	grades := map[string]int{}
	for _, g := range take[gradeCount](key + "/grades") {
		grades[g.Grade] += g.N
	}
	return rows, grades, take[DeadLetter](key + "/dead"), metrics
}

// TestScoreCustomersEqualsLibrary: on the sample book, every customer's score,
// grade, coverage and reason are the library's, bit for bit, in both formats and
// with chunks small enough that the file is cut into many.
func TestScoreCustomersEqualsLibrary(t *testing.T) {
	jsonl := filepath.Join(t.TempDir(), "customers.jsonl")
	writeJSONL(t, sample(samplebook.CustomersFile), jsonl)
	for _, tc := range []struct {
		format Format
		path   string
	}{{CSV, sample(samplebook.CustomersFile)}, {JSONL, jsonl}} {
		t.Run(string(tc.format), func(t *testing.T) {
			want, wantGrades, bad := libraryScores(t, tc.path, tc.format)
			if len(bad) > 0 || len(want) != 2000 {
				t.Fatalf("library: %d customers, errors %q", len(want), bad)
			}
			gotRows, gotGrades, dead, metrics := runScores(t, []string{tc.path}, ScoreOptions{
				Config: health.SampleConfig(), AsOf: samplebook.DefaultAsOf, Read: ReadOptions{Format: tc.format, ChunkBytes: 16 << 10}})
			if tc.format == JSONL {
				for id, r := range want { // the library's JSON Lines reader does not number good lines
					r.Line = gotRows[id].Line
					want[id] = r
				}
			}
			if diff := cmp.Diff(want, gotRows); diff != "" {
				t.Errorf("ScoreCustomers rows (-library +beam):\n%s", diff)
			}
			if diff := cmp.Diff(wantGrades, gotGrades); diff != "" {
				t.Errorf("grade counts (-library +beam):\n%s", diff)
			}
			if len(dead) != 0 {
				t.Errorf("dead letters on the sample book: %v", dead)
			}
			if metrics["ScoreCustomers_out"] != 2000 || metrics["dead_letters"] != 0 {
				t.Errorf("metrics %v, want 2000 out and no dead letter", metrics)
			}
		})
	}
}

func writeJSONL(t testing.TB, csvPath, jsonlPath string) {
	t.Helper()
	f, err := os.Open(csvPath)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var all []cs.Customer
	for c, err := range cs.ReadCustomersCSV(f, csvPath) {
		if err != nil {
			t.Fatal(err)
		}
		all = append(all, c)
	}
	w, err := os.Create(jsonlPath)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	if err := cs.WriteCustomersJSONL(w, all); err != nil {
		t.Fatal(err)
	}
}

// TestScoreCustomersDeadLetters: bad rows, a quoted field spanning lines and a
// missing file each become a dead letter with the library's message and the
// file's own line number; the good rows are all scored; the counters agree.
func TestScoreCustomersDeadLetters(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "customers.csv")
	data, err := os.ReadFile(sample(samplebook.CustomersFile))
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(string(data), "\n"), "\n")
	head := strings.Split(lines[0], ",")
	mrr := slices.Index(head, "mrr")
	name := slices.Index(head, "name")
	// Line 101: a decimal comma; line 1501: a wrong number of cells; line 801: a
	// name with a quoted line break (good, two lines long), so the lines after it
	// are numbered one more than their row.
	cells := strings.Split(lines[100], ",")
	cells[mrr] = `"12,00"`
	lines[100] = strings.Join(cells, ",")
	lines[1500] += ",extra"
	cells = strings.Split(lines[800], ",")
	cells[name] = "\"two\nlines\""
	lines[800] = strings.Join(cells, ",")
	if err := os.WriteFile(path, []byte(strings.Join(lines, "\n")+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	want, _, wantBad := libraryScores(t, path, CSV)
	rows, _, dead, metrics := runScores(t, []string{path, filepath.Join(dir, "missing.csv")}, ScoreOptions{
		Config: health.SampleConfig(), AsOf: samplebook.DefaultAsOf, Read: ReadOptions{ChunkBytes: 8 << 10}})
	if diff := cmp.Diff(want, rows); diff != "" {
		t.Errorf("rows (-library +beam):\n%s", diff)
	}
	var gotBad []string
	for _, d := range dead {
		if d.File != filepath.Join(dir, "missing.csv") {
			gotBad = append(gotBad, d.Err)
			if !strings.HasPrefix(d.Err, fmt.Sprintf("%s:%d: ", path, d.Line)) {
				t.Errorf("dead letter %+v: message does not start with its file and line", d)
			}
		}
	}
	slices.Sort(gotBad)
	slices.Sort(wantBad)
	if diff := cmp.Diff(wantBad, gotBad); diff != "" {
		t.Errorf("dead letters (-library errors +beam):\n%s", diff)
	}
	if len(wantBad) != 2 || !strings.Contains(wantBad[0]+wantBad[1], ":101: ") {
		t.Errorf("library errors %q: want lines 101 and 1502", wantBad)
	}
	if metrics["dead_letters"] != int64(len(dead)) || len(dead) != 3 {
		t.Errorf("dead_letters counter %d, %d dead letters, want 3: %v", metrics["dead_letters"], len(dead), dead)
	}
}
