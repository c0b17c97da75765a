package stats

import (
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/successkit/cs"
)

func TestReadOutcomes(t *testing.T) {
	in := "id,churned\n" +
		"a,1\n" +
		"b,0\n" +
		"c, TRUE \n" +
		"d,false\n" +
		"e,yes\n" + // not 0/1/true/false
		",1\n" + // no ID
		"a,0\n" + // duplicate of line 2
		"f,1,extra\n" + // wrong field count
		"g,1\n"
	got, errs := ReadOutcomes(strings.NewReader(in), "outcomes.csv")
	want := []Outcome{{ID: "a", Churned: true}, {ID: "b"}, {ID: "c", Churned: true}, {ID: "d"}, {ID: "g", Churned: true}}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("outcomes (-want +got):\n%s", d)
	}
	wantErrs := []string{
		`stats: outcomes.csv:6: customer "e": churned: "yes": not 0/1/true/false`,
		`stats: outcomes.csv:7: id: missing`,
		`stats: outcomes.csv:8: customer "a": id: "a": duplicate: first on line 2`,
		`stats: outcomes.csv:9: record: "f,1,extra": 3 fields, want 2: missing`,
	}
	var gotErrs []string
	for _, e := range errs {
		gotErrs = append(gotErrs, e.Error())
	}
	if d := cmp.Diff(wantErrs, gotErrs); d != "" {
		t.Errorf("errors (-want +got):\n%s", d)
	}
	if !errors.Is(errs[0], ErrNotBool) || !errors.Is(errs[2], cs.ErrDuplicate) {
		t.Errorf("errors do not wrap their sentinels: %v", errs)
	}
}

func TestReadOutcomesHeader(t *testing.T) {
	tests := []struct {
		name, in string
		want     error
	}{
		// An empty file has no header.
		{"empty", "", cs.ErrMissing},
		// A column this reader does not know.
		{"unknown", "id,churned,score\n", cs.ErrUnknownField},
		// The churned column is required.
		{"no churned", "id\na\n", cs.ErrMissing},
		// A column named twice.
		{"twice", "id,churned,id\n", cs.ErrDuplicate},
	}
	for _, tt := range tests {
		got, errs := ReadOutcomes(strings.NewReader(tt.in), "o.csv")
		if got != nil || len(errs) != 1 || !errors.Is(errs[0], tt.want) {
			t.Errorf("%s: ReadOutcomes = %v, %v; want nil and one error wrapping %v", tt.name, got, errs, tt.want)
		}
	}
}

func TestReadOutcomesDates(t *testing.T) {
	got, errs := ReadOutcomes(strings.NewReader("Churned,ID,date\n1,a,2026-05-01\n0,b,\n1,c,2026-13-01\n"), "o.csv")
	want := []Outcome{{ID: "a", Churned: true, Date: cs.MustParseDate("2026-05-01")}, {ID: "b"}}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("outcomes (-want +got):\n%s", d)
	}
	if len(errs) != 1 || !errors.Is(errs[0], cs.ErrInvalidDate) {
		t.Errorf("errors %v, want one invalid date", errs)
	}
}

// FuzzReadOutcomes: any input yields no panic; every outcome has an ID, the IDs are
// unique, and every error carries the package prefix.
func FuzzReadOutcomes(f *testing.F) {
	for _, s := range []string{
		"id,churned\na,1\nb,0\n",
		"id,churned,date\na,true,2026-01-01\nb,false,\n",
		"id,churned\n\"a,1\nb,2\n",
		"churned,id\n1\n,\n",
		"\ufeffid,churned\r\nx,TRUE\r\n",
		"",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		got, errs := ReadOutcomes(strings.NewReader(in), "f.csv")
		seen := map[string]bool{}
		for _, o := range got {
			if o.ID == "" || seen[o.ID] {
				t.Fatalf("bad or repeated ID %q", o.ID)
			}
			seen[o.ID] = true
		}
		for _, e := range errs {
			if !strings.HasPrefix(e.Error(), "stats: ") {
				t.Fatalf("error %q lacks the prefix", e)
			}
		}
	})
}

// failingReader returns a read error on every call until its budget runs out,
// then io.EOF, like a file on a failing disk.
type failingReader struct{ calls, budget int }

func (r *failingReader) Read([]byte) (int, error) {
	r.calls++
	if r.calls > r.budget {
		return 0, io.EOF
	}
	return 0, errDisk
}

var errDisk = errors.New("disk failure")

// A read error that is not a CSV syntax error cannot be skipped like a bad
// line: the reader would fail again on every retry. ReadOutcomes must stop at
// the first one and report it once, not loop (forever, with a reader that
// keeps failing).
func TestReadOutcomesReadError(t *testing.T) {
	r := &failingReader{budget: 1000}
	in := io.MultiReader(strings.NewReader("id,churned\na,1\n"), r)
	got, errs := ReadOutcomes(in, "outcomes.csv")
	if d := cmp.Diff([]Outcome{{ID: "a", Churned: true}}, got); d != "" {
		t.Errorf("outcomes (-want +got):\n%s", d)
	}
	if len(errs) != 1 || !errors.Is(errs[0], errDisk) {
		t.Fatalf("ReadOutcomes on a failing reader: %d errors (first %v), want one wrapping %v", len(errs), first(errs), errDisk)
	}
}

func first(errs []error) error {
	if len(errs) == 0 {
		return nil
	}
	return errs[0]
}
