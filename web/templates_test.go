package web

import (
	"io/fs"
	"strings"
	"testing"
)

// TestFormControlsOnlyInComponents fails when a template writes a form
// control by hand that _field.html has a component for: each hand-written
// copy handled labels, hints, errors and aria attributes its own way.
func TestFormControlsOnlyInComponents(t *testing.T) {
	names, err := fs.Glob(templateFS, "templates/*.html")
	if err != nil {
		t.Fatal(err)
	}
	controls := []string{`<textarea`, `<select`, `type="radio"`, `type="checkbox"`, `type="file"`}
	for _, name := range names {
		if name == "templates/_field.html" {
			continue
		}
		b, err := fs.ReadFile(templateFS, name)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range controls {
			if n := strings.Count(string(b), c); n > 0 {
				t.Errorf("%s writes %s by hand %d times: use the component in _field.html", name, c, n)
			}
		}
	}
	if len(names) < 2 {
		t.Fatalf("found %d templates", len(names))
	}
}
