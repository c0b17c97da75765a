package csbeam

import (
	"errors"
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
	"github.com/successkit/cs/retention"
)

// runRetention runs Retention on files and returns its report and dead letters.
func runRetention(t *testing.T, files []string, opt RetentionOptions) (RetentionReport, []DeadLetter) {
	t.Helper()
	p, s := beam.NewPipelineWithRoot()
	out, err := Retention(s, files, opt)
	if err != nil {
		t.Fatal(err)
	}
	collect(s, t.Name()+"/r", out.Report)
	collect(s, t.Name()+"/d", out.Dead)
	metrics := run(t, p)
	got := take[RetentionReport](t.Name() + "/r")
	if len(got) != 1 {
		t.Fatalf("%d reports, want 1", len(got))
	}
	dead := take[DeadLetter](t.Name() + "/d")
	if metrics["Retention_dead"] != int64(len(dead)) {
		t.Errorf("Retention_dead = %d, %d dead letters", metrics["Retention_dead"], len(dead))
	}
	return got[0], dead
}

// TestRetentionBadRecordsEqualLibrary: on the sample book's mrr.csv with bad
// records added (a malformed amount, a customer ID over 64 bytes on a bad row,
// a month two centuries away, duplicated records, twelve copies of one record),
// the report equals retention.ReadBook's, every bad record is one dead letter
// (as many as Book.Bad counts, though Book.Err keeps ten), and the library's
// messages, file and line are among them. With one customer group, the group's
// book has more bad records than Book.Err keeps, so they are found by building
// the bad customers' books again.
func TestRetentionBadRecordsEqualLibrary(t *testing.T) {
	data, err := os.ReadFile(sample(samplebook.MRRFile))
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(string(data), "\n"), "\n")
	long := "L" + strings.Repeat("x", 80)
	bad := []string{
		"C00010,C00010-S1,2025-01,\"12,00\",USD",   // a decimal comma: C00010 is left out
		long + "," + long + "-S1,2025-01,-5,USD",   // a negative amount under a long ID, then a good row of it
		long + "," + long + "-S1,2025-02,5.00,USD", //
		"C00020,C00020-S9,2224-12,10.00,USD",       // far from the book's months
		"C00030,C00030-S1,2025-13,10.00,USD",       // not a month
	}
	// Duplicates: the first record of 14 customers again, and one record twelve times.
	for i := 1; i <= 14; i++ {
		bad = append(bad, lines[1+40*i])
	}
	for range 12 {
		bad = append(bad, lines[1])
	}
	all := append(slices.Clone(lines), bad...)
	path := filepath.Join(t.TempDir(), "mrr.csv")
	if err := os.WriteFile(path, []byte(strings.Join(all, "\n")+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	f := open(t, path)
	book, err := retention.ReadBook(f, path, sampleRates())
	if err != nil {
		t.Fatal(err)
	}
	if book.Bad() < 25 {
		t.Fatalf("library: %d bad records, want 25 or more: %v", book.Bad(), book.Err())
	}
	want := libraryRetention(t, book)
	var wantErrs []string
	walkFieldErrors(book.Err(), func(fe *cs.FieldError) { wantErrs = append(wantErrs, "retention: "+fe.Error()) })

	for _, buckets := range []int{1, 0} {
		t.Run(fmt.Sprintf("buckets=%d", buckets), func(t *testing.T) {
			opt := sampleRates()
			got, dead := runRetention(t, []string{path}, RetentionOptions{Book: opt, ChunkBytes: 64 << 10, Buckets: buckets})
			if diff := cmp.Diff(want, got, moneyEqual); diff != "" {
				t.Errorf("Retention (-library +beam):\n%s", diff)
			}
			if len(dead) != book.Bad() {
				t.Errorf("%d dead letters, library %d bad records", len(dead), book.Bad())
			}
			msgs := map[string]bool{}
			for _, d := range dead {
				msgs[d.Err] = true
				if d.File != path || d.Line < 2 || !strings.HasPrefix(d.Err, fmt.Sprintf("retention: %s:%d: ", path, d.Line)) {
					t.Errorf("dead letter %+v: want its file and line, in the message too", d)
				}
			}
			for _, w := range wantErrs {
				if !msgs[w] {
					t.Errorf("library error %q is not a dead letter", w)
				}
			}
		})
	}
}

// TestRetentionFixedRange: with the caller's range of months, a record outside
// it is refused by NewBook as by ReadBook, and the far month is no longer far.
func TestRetentionFixedRange(t *testing.T) {
	path := filepath.Join(t.TempDir(), "mrr.csv")
	text := "customer_id,subscription_id,month,mrr,currency\n" +
		"a,a1,2025-01,10.00,USD\na,a1,2025-02,12.00,USD\nb,b1,2025-02,5.00,USD\nb,b1,2025-03,5.00,USD\nc,c1,2025-04,7.00,USD\n"
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	opt := retention.Options{First: retention.MustParseMonth("2025-01"), Last: retention.MustParseMonth("2025-03")}
	book, err := retention.ReadBook(open(t, path), path, opt)
	if err != nil {
		t.Fatal(err)
	}
	got, dead := runRetention(t, []string{path}, RetentionOptions{Book: opt})
	if diff := cmp.Diff(libraryRetention(t, book), got, moneyEqual); diff != "" {
		t.Errorf("Retention (-library +beam):\n%s", diff)
	}
	var fe *cs.FieldError
	if !errors.As(book.Err(), &fe) || len(dead) != 1 || dead[0].Err != "retention: "+fe.Error() || dead[0].Line != 6 {
		t.Errorf("dead letters %+v, library %v", dead, book.Err())
	}
}
