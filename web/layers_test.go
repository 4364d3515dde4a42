package web

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"strings"
	"testing"
)

// The web package is a door: handlers parse, call the use-case layer
// (package app) and render. These tests read web's own source and fail when
// a handler reaches past the layer or grows into a workflow.

// storageAllowed are the files that may import casus/storage: the server's
// construction and the session store (scs keeps its rows itself).
var storageAllowed = map[string]bool{
	"server.go":       true,
	"sessionstore.go": true,
}

func webSources(t *testing.T) map[string]*ast.File {
	t.Helper()
	paths, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	files := map[string]*ast.File{}
	for _, p := range paths {
		if strings.HasSuffix(p, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, p, nil, parser.SkipObjectResolution)
		if err != nil {
			t.Fatal(err)
		}
		files[p] = f
	}
	return files
}

// TestHandlersCallTheUseCaseLayer: no handler file imports the storage
// package; they reach the database only through package app.
func TestHandlersCallTheUseCaseLayer(t *testing.T) {
	t.Parallel()
	for name, f := range webSources(t) {
		imports := false
		for _, im := range f.Imports {
			if im.Path.Value == `"casus/storage"` {
				imports = true
			}
		}
		if imports && !storageAllowed[name] {
			t.Errorf("%s imports casus/storage: call the use-case layer (package app) instead", name)
		}
		if storageAllowed[name] {
			continue
		}
		ast.Inspect(f, func(n ast.Node) bool {
			if sel, ok := n.(*ast.SelectorExpr); ok && sel.Sel.Name == "db" {
				if x, ok := sel.X.(*ast.Ident); ok && x.Name == "s" {
					t.Errorf("%s uses the store (s.db): call the use-case layer (package app) instead", name)
				}
			}
			return true
		})
	}
}

// longAllowed are functions still over the limit, by file:name. It only
// shrinks.
var longAllowed = map[string]bool{}

// TestNoLongFunctions: no function in web is longer than 60 lines, the
// route table aside.
func TestNoLongFunctions(t *testing.T) {
	t.Parallel()
	fset := token.NewFileSet()
	paths, _ := filepath.Glob("*.go")
	for _, p := range paths {
		if strings.HasSuffix(p, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, p, nil, parser.SkipObjectResolution)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range f.Decls {
			fd, ok := d.(*ast.FuncDecl)
			if !ok || fd.Name.Name == "routeTable" {
				continue
			}
			n := fset.Position(fd.End()).Line - fset.Position(fd.Pos()).Line + 1
			key := p + ":" + fd.Name.Name
			if n > 60 && !longAllowed[key] {
				t.Errorf("%s is %d lines long: at most 60 (parse, call the use case, render)", key, n)
			}
			if n <= 60 && longAllowed[key] {
				t.Errorf("%s is %d lines now: take it off longAllowed", key, n)
			}
		}
	}
}

// TestNoRoleChecksOutsideCasus: who may do what is decided in package
// casus; no other package asks a user's roles itself (User.HasRole).
func TestNoRoleChecksOutsideCasus(t *testing.T) {
	t.Parallel()
	fset := token.NewFileSet()
	err := filepath.WalkDir("..", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".go") || strings.HasSuffix(p, "_test.go") ||
			filepath.Dir(p) == ".." {
			return err
		}
		f, err := parser.ParseFile(fset, p, nil, parser.SkipObjectResolution)
		if err != nil {
			return err
		}
		ast.Inspect(f, func(n ast.Node) bool {
			if sel, ok := n.(*ast.SelectorExpr); ok && sel.Sel.Name == "HasRole" {
				t.Errorf("%s: HasRole outside package casus: ask a casus decision", fset.Position(sel.Pos()))
			}
			return true
		})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
