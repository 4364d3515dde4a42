package e2e

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"casus"
	"casus/demo"
	"casus/storage/storagetest"
	"casus/web/webtest"
)

// TestBrowserComplaint: the zorgcoördinator registers a complaint about the
// ZAT from the complaints page, records that the complainant was informed
// of their rights, records a first step that does not resolve it, and the
// formal procedure's outcome. Management then sees the figures, without
// names. axe-core finds no violation on any page.
func TestBrowserComplaint(t *testing.T) {
	exe := requireBrowser(t)
	for _, engine := range storagetest.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			env := webtest.Start(t, engine, webtest.Options{})
			today := env.Clock.Now().In(casus.Amsterdam).Format(time.DateOnly)
			setDate := func(id string) chromedp.Action[chromedp.Void] {
				return chromedp.Evaluate[chromedp.Void](`document.getElementById(` + jsString(id) + `).value = ` + jsString(today) + `;undefined`)
			}
			b := newBrowser(t, exe, env.URL)
			b.open("/login", http.StatusOK)
			b.login(demo.UserCoordinator, demo.Password, http.StatusOK)
			b.follow("nav → complaints", http.StatusOK, chromedp.Click(chromedp.CSS(`nav a[href="/complaints"]`)))
			b.follow("complaints → register", http.StatusOK, chromedp.Click(chromedp.CSS(`main a[href="/complaints/new"]`)))

			// Without a complainant: refused, the message beside the field.
			b.follow("register without complainant", http.StatusBadRequest,
				chromedp.SendKeys(chromedp.ID("f-summary"), "Wij zijn niet uitgenodigd voor de bespreking van onze zoon."),
				chromedp.Click(chromedp.CSS(`main form button[type="submit"]`)))
			if msg := eval[string](b, `document.getElementById('f-complainant-error')?.innerText ?? ''`); msg != "Vul dit veld in." {
				t.Errorf("empty complainant: message %q", msg)
			}
			b.follow("register the complaint", http.StatusOK,
				chromedp.SendKeys(chromedp.ID("f-complainant"), "Familie De Wit"),
				chromedp.Click(chromedp.CSS(`main form button[type="submit"]`)))
			if loc := run(b, "location", chromedp.Location()); !strings.Contains(loc, "/complaints/") {
				t.Fatalf("after registering: at %s", loc)
			}
			if h := b.h1(); h != "Klacht" {
				t.Errorf("complaint page h1 %q", h)
			}

			b.follow("complainant informed", http.StatusOK,
				setDate("f-informed_on"),
				chromedp.SendKeys(chromedp.ID("f-informed_how"), "In een gesprek en per brief, met de klachtenregeling."),
				chromedp.Click(chromedp.CSS(`main form[action$="/informed"] button[type="submit"]`)))
			b.follow("first step, not resolved", http.StatusOK,
				setDate("f-first_on"),
				chromedp.SendKeys(chromedp.ID("f-first_outcome"), "Gesprek met de ouders; zij blijven ontevreden."),
				chromedp.Click(chromedp.ID("f-resolved-no")),
				chromedp.Click(chromedp.CSS(`main form[action$="/first"] button[type="submit"]`)))
			if got := eval[string](b, `document.querySelector('main dl')?.innerText ?? ''`); !strings.Contains(got, "Formele klachtenprocedure") {
				t.Errorf("after an unresolved first step the status is not the formal procedure: %q", got)
			}
			b.follow("formal procedure outcome", http.StatusOK,
				setDate("f-formal_on"),
				chromedp.SendKeys(chromedp.ID("f-formal_outcome"), "De klachtencommissie acht de klacht gegrond; ouders worden voortaan uitgenodigd."),
				chromedp.Click(chromedp.ID("f-decision-founded")),
				chromedp.Click(chromedp.CSS(`main form[action$="/formal"] button[type="submit"]`)))
			body := eval[string](b, `document.querySelector('main').innerText`)
			for _, want := range []string{"Afgehandeld in de formele procedure", "Gegrond", "Geïnformeerd op", "Gesprek op"} {
				if !strings.Contains(body, want) {
					t.Errorf("complaint page lacks %q", want)
				}
			}
			if n := eval[int](b, `document.querySelectorAll('main form').length`); n != 0 {
				t.Errorf("a decided complaint still offers %d forms", n)
			}
			b.follow("back to the list", http.StatusOK, chromedp.Click(chromedp.CSS(`main a[href="/complaints"]`)))

			m := newBrowser(t, exe, env.URL)
			m.open("/login", http.StatusOK)
			m.login(demo.UserManagement, demo.Password, http.StatusOK)
			m.follow("management: nav → complaints", http.StatusOK, chromedp.Click(chromedp.CSS(`nav a[href="/complaints"]`)))
			figures := eval[string](m, `document.querySelector('main').innerText`)
			if !strings.Contains(figures, "Gegrond") || strings.Contains(figures, "De Wit") {
				t.Errorf("management figures: %q", figures)
			}
		})
	}
}

// TestBrowserHandbookMeldcode: the coordinator opens the handbook with its
// upload form and Lotte's meldcode with its step and people forms; axe-core
// finds no violation.
func TestBrowserHandbookMeldcode(t *testing.T) {
	exe := requireBrowser(t)
	env := webtest.Start(t, "sqlite", webtest.Options{})
	lotte := env.StudentID(demo.LotteNumber)
	b := newBrowser(t, exe, env.URL)
	b.open("/login", http.StatusOK)
	b.login(demo.UserCoordinator, demo.Password, http.StatusOK)
	b.follow("nav → handbook", http.StatusOK, chromedp.Click(chromedp.CSS(`nav a[href="/handbook"]`)))
	b.follow("handbook → new version", http.StatusOK, chromedp.Click(chromedp.CSS(`main a[href$="/version"]`)))
	b.open("/students/"+lotte, http.StatusOK)
	b.follow("student → meldcode", http.StatusOK, chromedp.Click(chromedp.CSS(`main a[href$="/meldcode"]`)))
	today := env.Clock.Now().In(casus.Amsterdam).Format(time.DateOnly)
	b.follow("meldcode step 1", http.StatusOK,
		chromedp.Evaluate[chromedp.Void](`document.getElementById('f-done_on').value = `+jsString(today)+`;undefined`),
		chromedp.SendKeys(chromedp.ID("f-notes"), "Signalen: blauwe plekken, wil niet naar huis."),
		chromedp.Click(chromedp.CSS(`main form[action$="/steps"] button[type="submit"]`)))
	if !strings.Contains(b.h1(), "Meldcode") || !strings.Contains(eval[string](b, `document.querySelector('main').innerText`), "Stap 2") {
		t.Errorf("after step 1 the page does not offer step 2")
	}
	// Steps 2 and 3; the page then shows step 4's afwegingskader (checked by axe).
	for _, step := range []string{"2", "3"} {
		b.follow("meldcode step "+step, http.StatusOK,
			chromedp.Evaluate[chromedp.Void](`document.getElementById('f-done_on').value = `+jsString(today)+`;undefined`),
			chromedp.SendKeys(chromedp.ID("f-notes"), "Vastgelegd in stap "+step+"."),
			chromedp.Click(chromedp.CSS(`main form[action$="/steps"] button[type="submit"]`)))
	}
	if n := eval[int](b, `document.querySelectorAll('main input[type="radio"][name^="q"]').length`); n != 10 {
		t.Errorf("step 4 offers %d answer buttons, want 10", n)
	}
}
