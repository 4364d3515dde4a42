package storage_test

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"maps"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"casus/storage"
	"casus/storage/storagetest"
)

// The storage contract: every exported method of *storage.Tx and *storage.DB
// has one named case here, run on every engine, that calls it and asserts what
// callers rely on — the values it returns, and its not-found, conflict and
// version semantics where it has them. The cases live in contract_*_test.go,
// one file per storage file, each registering its cases in an init function:
//
//	func init() {
//		contracts.add("CreateAction", func(t *testing.T, c *contract) { ... })
//	}
//
// TestEveryStorageMethodHasAContract fails when a method has no case, when a
// case names no method, or when a case never calls the method it is named for.

// contract is what a case runs against: one database per engine shared by all
// cases, a world of its own in it (so cases cannot see each other's students,
// users or teams), and the database's clock, set to contractEpoch before each
// case.
type contract struct {
	db     *storage.DB
	clock  *storagetest.Clock
	w      *world
	engine string
}

// contractEpoch is the clock's time when a case starts: a Monday in term.
var contractEpoch = time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)

type contractCase func(t *testing.T, c *contract)

type contractSet map[string]contractCase

// contracts holds the cases, by method name.
var contracts = contractSet{}

func (s contractSet) add(method string, run contractCase) {
	if _, dup := s[method]; dup {
		panic("storage contract: two cases for " + method)
	}
	s[method] = run
}

func TestContract(t *testing.T) {
	methods := slices.Sorted(maps.Keys(contracts))
	for _, engine := range storagetest.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			t.Logf("storage contract on %s", engine)
			clock := storagetest.NewClock(contractEpoch)
			db := storagetest.Open(t, engine, clock.Now)
			for i, m := range methods {
				t.Run(m, func(t *testing.T) {
					clock.Set(contractEpoch)
					c := &contract{db: db, clock: clock, engine: engine}
					c.w = seedTagged(t, db, fmt.Sprintf("c%d-", i))
					contracts[m](t, c)
				})
			}
		})
	}
}

func TestEveryStorageMethodHasAContract(t *testing.T) {
	fset := token.NewFileSet()
	exported := map[string]string{} // method → file
	cases := map[string]*ast.FuncLit{}
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range files {
		f, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasSuffix(name, "_test.go") {
			for _, d := range f.Decls {
				if fd, ok := d.(*ast.FuncDecl); ok && fd.Recv != nil && fd.Name.IsExported() {
					if recv := receiverType(fd); recv == "Tx" || recv == "DB" {
						exported[fd.Name.Name] = name
					}
				}
			}
			continue
		}
		if !strings.HasPrefix(name, "contract_") {
			continue
		}
		ast.Inspect(f, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok || len(call.Args) != 2 {
				return true
			}
			sel, ok := call.Fun.(*ast.SelectorExpr)
			if !ok || sel.Sel.Name != "add" || fmt.Sprint(sel.X) != "contracts" {
				return true
			}
			lit, ok1 := call.Args[0].(*ast.BasicLit)
			fn, ok2 := call.Args[1].(*ast.FuncLit)
			if !ok1 || !ok2 {
				t.Errorf("%s: contracts.add wants a method name and a function literal", fset.Position(call.Pos()))
				return true
			}
			m, _ := strconv.Unquote(lit.Value)
			cases[m] = fn
			return true
		})
	}
	if len(exported) < 200 {
		t.Fatalf("found only %d exported methods; is the test run from the storage directory?", len(exported))
	}
	for _, m := range slices.Sorted(maps.Keys(exported)) {
		fn, ok := cases[m]
		switch {
		case !ok:
			t.Errorf("%s (%s) has no contract case", m, exported[m])
		case !calls(fn, m):
			t.Errorf("the contract case of %s never calls it", m)
		}
	}
	for m := range cases {
		if _, ok := exported[m]; !ok {
			t.Errorf("contract case %s names no exported method of Tx or DB", m)
		}
	}
	t.Logf("%d methods, %d contract cases", len(exported), len(cases))
}

func receiverType(fd *ast.FuncDecl) string {
	e := fd.Recv.List[0].Type
	if star, ok := e.(*ast.StarExpr); ok {
		e = star.X
	}
	if id, ok := e.(*ast.Ident); ok {
		return id.Name
	}
	return ""
}

// calls reports whether fn contains a call of a method or function named m.
func calls(fn *ast.FuncLit, m string) bool {
	found := false
	ast.Inspect(fn, func(n ast.Node) bool {
		if sel, ok := n.(*ast.SelectorExpr); ok && sel.Sel.Name == m {
			found = true
		}
		return !found
	})
	return found
}
