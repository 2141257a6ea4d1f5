// Package archtest checks the shape of the code base against the limits
// the project keeps so that it stays easy to change: no package over 4,000
// non-test lines, no type over 60 methods. It has only tests.
package archtest

import (
	"bytes"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Limits; a package or type near them is due a split by domain.
const (
	maxPackageLines = 4000
	maxMethods      = 60
)

// TestPackagesAndTypesStaySmall fails when a package under internal/ holds
// more than maxPackageLines non-test lines or a type has more than
// maxMethods methods.
func TestPackagesAndTypesStaySmall(t *testing.T) {
	root := ".."
	lines := map[string]int{}   // package directory -> non-test lines
	methods := map[string]int{} // package directory.type -> methods
	fset := token.NewFileSet()
	err := filepath.WalkDir(root, func(path string, e fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if e.IsDir() {
			if e.Name() == "testdata" || strings.HasPrefix(e.Name(), ".") && path != root {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		src, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		dir := filepath.ToSlash(filepath.Dir(path))
		lines[dir] += bytes.Count(src, []byte("\n"))
		f, err := parser.ParseFile(fset, path, src, parser.SkipObjectResolution)
		if err != nil {
			return err
		}
		for _, d := range f.Decls {
			if fn, ok := d.(*ast.FuncDecl); ok && fn.Recv != nil && len(fn.Recv.List) == 1 {
				methods[dir+"."+receiverType(fn.Recv.List[0].Type)]++
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(lines) < 30 {
		t.Fatalf("found only %d packages under %s: is internal/ moved?", len(lines), root)
	}
	for dir, n := range lines {
		if n > maxPackageLines {
			t.Errorf("%s: %d non-test lines, over %d: split it by domain", dir, n, maxPackageLines)
		}
	}
	for typ, n := range methods {
		if n > maxMethods {
			t.Errorf("%s: %d methods, over %d: split it by what its callers need", typ, n, maxMethods)
		}
	}
}

// receiverType names a method's receiver type: T for T, *T, T[P] and *T[P].
func receiverType(e ast.Expr) string {
	for {
		switch x := e.(type) {
		case *ast.StarExpr:
			e = x.X
		case *ast.IndexExpr:
			e = x.X
		case *ast.IndexListExpr:
			e = x.X
		case *ast.ParenExpr:
			e = x.X
		case *ast.Ident:
			return x.Name
		default:
			return "?"
		}
	}
}
