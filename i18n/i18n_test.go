package i18n_test

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"casus/i18n"
)

// TestCatalogsMatch: Dutch and English have the same keys, none empty.
func TestCatalogsMatch(t *testing.T) {
	nl, err := i18n.Keys("nl")
	if err != nil {
		t.Fatal(err)
	}
	en, err := i18n.Keys("en")
	if err != nil {
		t.Fatal(err)
	}
	for k := range nl {
		if !en[k] {
			t.Errorf("key %q is in nl.json, not in en.json", k)
		}
	}
	for k := range en {
		if !nl[k] {
			t.Errorf("key %q is in en.json, not in nl.json", k)
		}
	}
	if len(nl) < 100 {
		t.Errorf("only %d keys in nl.json", len(nl))
	}
}

// literalKeys finds the message keys the code names literally: in templates
// (.L.T "key"), in domain errors (Key: "key") and in page titles and field
// errors (newView(r, "key", …), fail(name, "key", …)).
var literalKeys = []*regexp.Regexp{
	regexp.MustCompile(`\.L\.T "([a-z0-9_.]+)"`),
	regexp.MustCompile(`Key: +"([a-z0-9_.]+)"`),
	regexp.MustCompile(`newView\(r, "([a-z0-9_.]+)"`),
	regexp.MustCompile(`\.fail\([a-zA-Z"]+, "([a-z0-9_.]+)"`),
	regexp.MustCompile(`FieldError\([a-zA-Z"]+, "([a-z0-9_.]+)"`),
}

// TestEveryKeyUsedExists: a key the code names that the catalog lacks would
// show the raw key to the user.
func TestEveryKeyUsedExists(t *testing.T) {
	nl, err := i18n.Keys("nl")
	if err != nil {
		t.Fatal(err)
	}
	found := 0
	err = filepath.WalkDir("..", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && path != ".." && (strings.HasPrefix(d.Name(), ".") || d.Name() == "testdata" || d.Name() == "e2e") {
			return filepath.SkipDir
		}
		if d.IsDir() || strings.HasSuffix(path, "_test.go") || !(strings.HasSuffix(path, ".go") || strings.HasSuffix(path, ".html")) {
			return nil
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		for _, re := range literalKeys {
			for _, m := range re.FindAllStringSubmatch(string(b), -1) {
				found++
				if !nl[m[1]] {
					t.Errorf("%s names message key %q, which nl.json lacks", path, m[1])
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if found < 50 {
		t.Errorf("found only %d key uses: is the scan still looking in the right places?", found)
	}
	t.Logf("%d literal key uses checked against %d keys", found, len(nl))
}
