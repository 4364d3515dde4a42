package e2e

import (
	"net/http"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"casus/demo"
	"casus/storage/storagetest"
	"casus/web/webtest"
)

// TestBrowserCareFile: the mentor logs a signal for Lotte from her page in
// one short form, forgets the text once and is told so next to the field,
// then saves; the signal heads the care file. They open the history of a
// corrected entry and the care route. The coordinator opens the route with
// its form to scale down. axe-core finds no violation on any page.
func TestBrowserCareFile(t *testing.T) {
	exe := requireBrowser(t)
	for _, engine := range storagetest.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			env := webtest.Start(t, engine, webtest.Options{})
			lotte := env.StudentID(demo.LotteNumber)
			b := newBrowser(t, exe, env.URL)

			b.open("/login", http.StatusOK)
			b.login(demo.UserMentor, demo.Password, http.StatusOK)
			b.open("/students/"+lotte, http.StatusOK)
			b.follow("student page → log a signal", http.StatusOK,
				chromedp.Click(chromedp.CSS(`main a[href$="/care/new?kind=signal"]`)))
			if checked := eval[string](b, `document.querySelector('input[name="kind"]:checked')?.value ?? ''`); checked != "signal" {
				t.Errorf("signal form: kind %q preselected, want signal", checked)
			}
			b.shoot(engine + "-care-new")

			// Saved without text: refused, the message next to the field.
			b.follow("save a signal without text", http.StatusBadRequest,
				chromedp.Click(chromedp.CSS(`main form button[type="submit"]`)))
			if msg := eval[string](b, `document.getElementById('f-text-error')?.innerText ?? ''`); msg != "Vul dit veld in." {
				t.Errorf("empty text: message %q", msg)
			}
			if d := eval[string](b, `document.getElementById('f-text')?.getAttribute('aria-describedby') ?? ''`); !strings.Contains(d, "f-text-error") {
				t.Errorf("the text field is not described by its error (%q)", d)
			}

			const text = "Lotte zat vandaag stil achterin en wilde niet over haar stage praten."
			b.follow("save the signal", http.StatusOK,
				chromedp.SendKeys(chromedp.ID("f-text"), text),
				chromedp.Click(chromedp.CSS(`main form button[type="submit"]`)))
			if loc := run(b, "location", chromedp.Location()); !strings.HasPrefix(loc, env.URL+"/students/"+lotte) {
				t.Errorf("after saving: at %s, want Lotte's page", loc)
			}
			b.shoot(engine + "-care-saved")
			first := eval[string](b, `document.querySelector('#zorgdossier ~ section.casus-entry .casus-entry-text')?.innerText ?? ''`)
			if first != text {
				t.Errorf("newest entry %q, want the new signal", first)
			}

			// The history of the corrected signal.
			href := eval[string](b, `[...document.querySelectorAll('section.casus-entry')].find(s => s.innerText.includes('18%'))?.querySelector('a')?.getAttribute('href') ?? ''`)
			if href == "" {
				t.Fatal("no link to the corrected signal's history")
			}
			b.open(href, http.StatusOK)
			if n := eval[int](b, `document.querySelectorAll('section.casus-entry').length`); n != 2 {
				t.Errorf("history shows %d versions, want 2", n)
			}
			b.shoot(engine + "-care-history")
			b.open("/students/"+lotte+"/route", http.StatusOK)

			// The coordinator sees the form to scale Lotte down.
			c := newBrowser(t, exe, env.URL)
			c.open("/login", http.StatusOK)
			c.login(demo.UserCoordinator, demo.Password, http.StatusOK)
			c.open("/students/"+lotte+"/route", http.StatusOK)
			if n := eval[int](c, `document.querySelectorAll('input[name="to"]').length`); n == 0 {
				t.Errorf("coordinator: no steps to choose on the route page")
			}
			c.shoot(engine + "-care-route")
		})
	}
}
