package health

import (
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// The library's non-test files import only the standard library, the root
// package, decimal and the module's statistics (backtest and fit); STYLE.md:
// go-cmp and rapid are for tests only.
func TestImports(t *testing.T) {
	allowed := map[string]bool{"github.com/successkit/cs": true, "github.com/shopspring/decimal": true,
		"github.com/successkit/cs/internal/stats": true}
	files, _ := filepath.Glob("*.go")
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		af, err := parser.ParseFile(token.NewFileSet(), f, src, parser.ImportsOnly)
		if err != nil {
			t.Fatal(err)
		}
		for _, im := range af.Imports {
			p, _ := strconv.Unquote(im.Path.Value)
			if strings.Contains(strings.Split(p, "/")[0], ".") && !allowed[p] {
				t.Errorf("%s imports %s", f, p)
			}
		}
	}
}
