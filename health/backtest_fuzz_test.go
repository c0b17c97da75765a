package health

import (
	"strings"
	"testing"
)

// FuzzReadOutcomes: the outcome reader never panics, returns each customer at most
// once with a non-empty ID, and prefixes every error with the package name.
func FuzzReadOutcomes(f *testing.F) {
	for _, seed := range []string{
		"id,churned\na,1\nb,0\n",
		"id,churned,date\na,true,2026-07-01\nb,FALSE,2026-12-31\n",
		"churned,id\n 1 ,a\n",
		"id,churned\na,1\na,0\n,1\nb,maybe\n",
		"id,churned,date\na,1,2026-02-30\n",
		"id,churned,extra\na,1,x\n",
		"id\na\n",
		"",
		"\ufeffid,churned\r\na,1\r\n",
		"id,churned\n\"a,b\",1\n\"unterminated,0\n",
		"id,churned\na,1,2\n",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, data string) {
		outs, errs := ReadOutcomes(strings.NewReader(data), "outcomes.csv")
		seen := map[string]bool{}
		for _, o := range outs {
			if o.ID == "" {
				t.Fatalf("outcome with an empty ID from %q", data)
			}
			if seen[o.ID] {
				t.Fatalf("ID %q returned twice from %q", o.ID, data)
			}
			seen[o.ID] = true
		}
		for _, e := range errs {
			if e == nil || !strings.HasPrefix(e.Error(), "health: ") {
				t.Fatalf("error %v without the health: prefix", e)
			}
		}
	})
}
