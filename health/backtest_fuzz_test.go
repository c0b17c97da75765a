package health

import (
	"strings"
	"testing"

	"github.com/successkit/cs"
)

// FuzzReadOutcomes: the outcome reader never panics, yields outcomes with a
// usable ID, prefixes every error with the package name and keeps each error
// short whatever the input.
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
		for o, err := range ReadOutcomes(strings.NewReader(data), "outcomes.csv") {
			if err != nil {
				if !strings.HasPrefix(err.Error(), "health: ") || len(err.Error()) > 4096 {
					t.Fatalf("error %q: want the health: prefix and at most 4 KB", err)
				}
				continue
			}
			if cs.CheckID(o.ID) != nil {
				t.Fatalf("outcome with the ID %q from %q", o.ID, data)
			}
		}
	})
}
