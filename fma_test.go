package cs_test

import (
	"go/ast"
	"go/importer"
	"go/parser"
	"go/token"
	"go/types"
	"maps"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestNoFusableFloatSums guards the bit-reproducibility contract: the Go spec
// lets a compiler fuse x*y + z into one FMA instruction (arm64, ppc64, s390x
// do), which changes the last bit of a sum. An explicit conversion,
// float64(x*y) + z, forbids the fusion. This test type-checks the non-test
// files of every library package (the keys of layers) and fails on
// any floating-point + or - with an unconverted * operand, so a result computed
// on amd64 matches one computed on arm64.
func TestNoFusableFloatSums(t *testing.T) {
	if testing.Short() {
		t.Skip("type-checks the packages from source")
	}
	// One importer for all packages, so that their dependencies are type-checked
	// from source once.
	fset := token.NewFileSet()
	imp := importer.ForCompiler(fset, "source", nil)
	for _, pkg := range slices.Sorted(maps.Keys(layers)) {
		t.Run("cs/"+pkg, func(t *testing.T) { checkNoFusableFloatSums(t, fset, imp, pkg) })
	}
}

func checkNoFusableFloatSums(t *testing.T, fset *token.FileSet, imp types.Importer, pkg string) {
	dir, path := ".", module
	if pkg != "" {
		dir, path = filepath.FromSlash(pkg), module+"/"+pkg
	}
	names, _ := filepath.Glob(filepath.Join(dir, "*.go"))
	var files []*ast.File
	for _, n := range names {
		if strings.HasSuffix(n, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, n, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, f)
	}
	info := &types.Info{Types: map[ast.Expr]types.TypeAndValue{}}
	conf := types.Config{Importer: imp}
	if _, err := conf.Check(path, fset, files, info); err != nil {
		t.Skipf("cannot type-check from source here: %v", err)
	}
	isFloat := func(e ast.Expr) bool {
		tv, ok := info.Types[e]
		if !ok || tv.Value != nil { // constants fold exactly
			return false
		}
		b, ok := tv.Type.Underlying().(*types.Basic)
		return ok && b.Info()&types.IsFloat != 0
	}
	isMul := func(e ast.Expr) bool {
		for {
			p, ok := e.(*ast.ParenExpr)
			if !ok {
				break
			}
			e = p.X
		}
		b, ok := e.(*ast.BinaryExpr)
		return ok && b.Op == token.MUL && isFloat(b)
	}
	for _, f := range files {
		ast.Inspect(f, func(n ast.Node) bool {
			switch e := n.(type) {
			case *ast.BinaryExpr:
				if (e.Op == token.ADD || e.Op == token.SUB) && isFloat(e) && (isMul(e.X) || isMul(e.Y)) {
					t.Errorf("%s: fusable x*y±z; write float64(x*y)", fset.Position(e.Pos()))
				}
			case *ast.AssignStmt:
				if (e.Tok == token.ADD_ASSIGN || e.Tok == token.SUB_ASSIGN) && len(e.Rhs) == 1 && isMul(e.Rhs[0]) {
					t.Errorf("%s: fusable z += x*y; write z = float64(x*y) + z", fset.Position(e.Pos()))
				}
			}
			return true
		})
	}
}
