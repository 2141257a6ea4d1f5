package db_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"strings"
	"testing"
)

// rawPoolUsers may call DB.Read and DB.Write outside tests: this package,
// the test helpers, and the load generator's create-raw, which measures the
// database's own ceiling by writing around the application on purpose.
// Everything else reads through Reader(ctx) and
// writes through Tx or Writer(ctx), so that it sees and joins the
// transaction its context carries.
var rawPoolUsers = []string{
	"internal/db/",
	"internal/testutil/",
	"cmd/centerdesk-bench/raw.go",
}

// TestNoRawPoolsOutsideDB fails when non-test code calls .Read() or
// .Write() (the raw pools) outside rawPoolUsers.
func TestNoRawPoolsOutsideDB(t *testing.T) {
	root := filepath.Join("..", "..")
	fset := token.NewFileSet()
	var (
		found   []string
		scanned int
	)
	err := filepath.WalkDir(root, func(path string, e fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(root, path)
		if err != nil {
			return err
		}
		rel = filepath.ToSlash(rel)
		if e.IsDir() {
			if path != root && strings.HasPrefix(e.Name(), ".") || e.Name() == "testdata" || e.Name() == "node_modules" {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(rel, ".go") || strings.HasSuffix(rel, "_test.go") || allowedRawPool(rel) {
			return nil
		}
		f, err := parser.ParseFile(fset, path, nil, parser.SkipObjectResolution)
		if err != nil {
			return err
		}
		scanned++
		ast.Inspect(f, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok || len(call.Args) != 0 {
				return true
			}
			if sel, ok := call.Fun.(*ast.SelectorExpr); ok && (sel.Sel.Name == "Read" || sel.Sel.Name == "Write") {
				found = append(found, fset.Position(call.Pos()).String()+": ."+sel.Sel.Name+"()")
			}
			return true
		})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if scanned < 50 {
		t.Fatalf("scanned only %d Go files under %s: is the module root moved?", scanned, root)
	}
	for _, f := range found {
		t.Errorf("%s: read through Reader(ctx), write through Tx or Writer(ctx)", f)
	}
}

func allowedRawPool(rel string) bool {
	for _, p := range rawPoolUsers {
		if strings.HasPrefix(rel, p) {
			return true
		}
	}
	return false
}
