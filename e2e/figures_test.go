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

// TestBrowserFigures: the steering group's member opens the steering
// figures from the menu, chooses two school years, reads the trend chart's
// data table and downloads the same view as CSV; the zorgcoördinator sees
// the figures of the teams they chair. No student is named; axe-core finds
// no violation.
func TestBrowserFigures(t *testing.T) {
	exe := requireBrowser(t)
	for _, engine := range storagetest.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			env := webtest.Start(t, engine, webtest.Options{})
			b := newBrowser(t, exe, env.URL)
			b.open("/login", http.StatusOK)
			b.login(demo.UserManagement, demo.Password, http.StatusOK)
			b.follow("nav → figures", http.StatusOK, chromedp.Click(chromedp.CSS(`nav a[href="/figures"]`)))
			if h := b.h1(); h != "Stuurinformatie" {
				t.Errorf("figures page h1 %q", h)
			}
			b.follow("choose two school years", http.StatusOK,
				chromedp.SetValue(chromedp.ID("f-period"), "two"),
				chromedp.Click(chromedp.CSS(`main form button[type="submit"]`)))
			// The chart is a figure with a text alternative and its data beside it.
			if n := eval[int](b, `document.querySelectorAll('main figure svg[role="img"] title').length`); n != 1 {
				t.Errorf("trend chart with a title: %d", n)
			}
			rows := eval[int](b, `document.querySelectorAll('main figure table tbody tr').length`)
			if rows != 24 {
				t.Errorf("trend data table has %d months, want 24", rows)
			}
			if n := eval[int](b, `document.querySelectorAll('main details.casus-details').length`); n < 8 {
				t.Errorf("%d definitions, want one per figure", n)
			}
			csv := run(b, "download CSV", chromedp.Evaluate[string](
				`fetch(document.querySelector('main a[href^="/figures.csv"]').href).then(r => r.arrayBuffer()).then(b => (new Uint8Array(b)[0] === 0xEF ? 'BOM' : '') + new TextDecoder().decode(b))`, chromedp.EvalAwaitPromise))
			if !strings.HasPrefix(csv, "BOM") || !strings.Contains(csv, "Aanmeldingen per maand;") || !strings.Contains(csv, "1 augustus 2025") {
				t.Errorf("CSV download: %q", csv[:min(120, len(csv))])
			}
			text := eval[string](b, `document.body.innerText`)
			for _, name := range []string{"Lotte", "Milan", "Daan"} {
				if strings.Contains(text, name) || strings.Contains(csv, name) {
					t.Errorf("a student's name (%s) on the figures page or in the CSV", name)
				}
			}
			run(b, "viewport 1366", chromedp.EmulateViewport(1366, 900))
			b.shoot("figures-management-1366")
			run(b, "viewport 375", chromedp.EmulateViewport(375, 800))
			b.shoot("figures-management-375")

			c := newBrowser(t, exe, env.URL)
			c.open("/login", http.StatusOK)
			c.login(demo.UserCoordinator, demo.Password, http.StatusOK)
			c.follow("coordinator: nav → figures", http.StatusOK, chromedp.Click(chromedp.CSS(`nav a[href="/figures"]`)))
			run(c, "viewport 1366", chromedp.EmulateViewport(1366, 900))
			c.shoot("figures-coordinator-1366")
			run(c, "viewport 375", chromedp.EmulateViewport(375, 800))
			c.shoot("figures-coordinator-375")
			// The policy signals, one click from the figures: the chair
			// reports one, and the steering group sees it.
			c.follow("figures → signals", http.StatusOK, chromedp.Click(chromedp.CSS(`main a[href="/signals"]`)))
			c.follow("signals → new", http.StatusOK, chromedp.Click(chromedp.CSS(`main a[href$="/signals/new"]`)))
			c.follow("send a signal", http.StatusOK,
				chromedp.SendKeys(chromedp.ID("f-title"), "Wachttijd GGZ 14 weken"),
				chromedp.SendKeys(chromedp.ID("f-description"), "Jongeren wachten 14 weken op een intake."),
				chromedp.Click(chromedp.CSS(`main button[type="submit"]`)))
			b.open("/signals", http.StatusOK)
			if !strings.Contains(eval[string](b, `document.querySelector('main').innerText`), "Wachttijd GGZ 14 weken") {
				t.Errorf("the steering group does not see the chair's signal")
			}
		})
	}
}
