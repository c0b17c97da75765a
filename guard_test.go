package cs_test

import (
	"os/exec"
	"slices"
	"strings"
	"testing"
)

const module = "github.com/successkit/cs"

// allowed reports whether library code may depend on the package: the standard
// library (told apart by go list), shopspring/decimal, or this module.
func allowed(path string) bool {
	return path == "github.com/shopspring/decimal" || path == module || strings.HasPrefix(path, module+"/")
}

// forbidden returns the non-standard packages of the list that library code may not
// depend on, sorted.
func forbidden(nonStandard []string) []string {
	var bad []string
	for _, p := range nonStandard {
		if p != "" && !allowed(p) {
			bad = append(bad, p)
		}
	}
	slices.Sort(bad)
	return slices.Compact(bad)
}

// The project's rule (STYLE.md): the non-test imports of every package of the module,
// and everything they import in turn, are the standard library, shopspring/decimal
// and the module's own packages. go-cmp and rapid are for tests only.
func TestLibraryImportsOnlyStdlibAndDecimal(t *testing.T) {
	if testing.Short() {
		t.Skip("runs go list")
	}
	// -deps lists the transitive non-test dependencies; -e keeps listing past a
	// package that does not build, so the rule is checked whatever else is broken.
	out, err := exec.Command("go", "list", "-e", "-deps", "-f", "{{if not .Standard}}{{.ImportPath}}{{end}}", "./...").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	deps := strings.Split(strings.TrimSpace(string(out)), "\n")
	if !slices.Contains(deps, module) {
		t.Fatalf("go list did not list the module itself: %q", deps)
	}
	if bad := forbidden(deps); len(bad) > 0 {
		t.Errorf("library code depends on %v; only the standard library, github.com/shopspring/decimal and %s are allowed", bad, module)
	}
}

// The guard itself must catch the test-only libraries and lookalikes.
func TestForbiddenCatchesTestLibraries(t *testing.T) {
	got := forbidden([]string{module, module + "/health", "github.com/shopspring/decimal",
		"github.com/google/go-cmp/cmp", "pgregory.net/rapid", "github.com/successkit/csx", "github.com/shopspring/decimal/x"})
	want := []string{"github.com/google/go-cmp/cmp", "github.com/shopspring/decimal/x", "github.com/successkit/csx", "pgregory.net/rapid"}
	if !slices.Equal(got, want) {
		t.Errorf("forbidden = %v, want %v", got, want)
	}
}

// layers lists, for each library package, the packages of the module its non-test
// files may import: the root vocabulary everywhere, the statistics under health,
// the results a play reads under playbook, what a run keeps under store, and
// store's public API under its conformance suite, store/storetest. The examples
// are programs and may import any library package. A package missing here fails
// the test, so a new one must state its layer.
var layers = map[string][]string{
	"":                   {"internal/csvx", "internal/errs", "internal/jsonx"},
	"cycle":              withInput("", "effort", "health", "playbook", "retention", "touch"),
	"effort":             withInput(""),
	"health":             withInput("", "internal/stats"),
	"internal/benchtest": nil,
	"internal/csio":      {"", "internal/csvx", "internal/jsonx"},
	"internal/csvx":      {"internal/errs"},
	"internal/errs":      nil,
	"internal/jsonx":     {"internal/errs"},
	"internal/stats":     withInput(""),
	"playbook":           withInput("", "effort", "health", "touch"),
	"retention":          withInput(""),
	"store":              withInput("", "health", "playbook", "touch"),
	"store/storetest":    withInput("", "health", "playbook", "store", "touch"),
	"touch":              withInput(""),
}

// withInput adds to a package's layer the shared input packages every library
// package may use: the strict JSON and CSV readers and the bounded error lists.
func withInput(pkgs ...string) []string {
	return append(pkgs, "internal/csio", "internal/csvx", "internal/errs", "internal/jsonx")
}

// The packages form layers: no library package imports a package of the module
// its layer does not name (so, for instance, health never imports playbook and
// nothing imports the examples).
func TestLibraryLayers(t *testing.T) {
	if testing.Short() {
		t.Skip("runs go list")
	}
	out, err := exec.Command("go", "list", "-e", "-f", "{{.ImportPath}}{{range .Imports}} {{.}}{{end}}", "./...").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	rel := func(p string) (string, bool) {
		if p == module {
			return "", true
		}
		r, ok := strings.CutPrefix(p, module+"/")
		return r, ok
	}
	for line := range strings.Lines(strings.TrimSpace(string(out))) {
		fields := strings.Fields(line)
		pkg, _ := rel(fields[0])
		if pkg == "examples" || strings.HasPrefix(pkg, "examples/") {
			continue
		}
		allowed, known := layers[pkg]
		if !known {
			t.Errorf("package %q has no entry in layers", pkg)
			continue
		}
		for _, imp := range fields[1:] {
			if r, ok := rel(imp); ok && !slices.Contains(allowed, r) {
				t.Errorf("package %q imports %q, outside its layer %q", pkg, r, allowed)
			}
		}
	}
}
