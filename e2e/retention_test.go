package e2e

import (
	"net/http"
	"testing"

	"github.com/chromedp/chromedp"

	"casus/demo"
	"casus/storage/storagetest"
	"casus/web/webtest"
)

// TestBrowserRetention: the coordinator goes from Lotte's page to her
// retention page, sets a legal hold, tries to erase without a ground and
// confirmation (refused with the fields marked), lifts the hold and erases
// the file; the beheerder opens the retention rules and is refused a bad
// number. axe-core finds no violation on any page on the way.
func TestBrowserRetention(t *testing.T) {
	exe := requireBrowser(t)
	for _, engine := range storagetest.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			env := webtest.Start(t, engine, webtest.Options{})
			lotte := env.StudentID(demo.LotteNumber)

			c := newBrowser(t, exe, env.URL)
			c.open("/login", http.StatusOK)
			c.login(demo.UserCoordinator, demo.Password, http.StatusOK)
			c.open("/students/"+lotte, http.StatusOK)
			c.follow("student → retention", http.StatusOK, chromedp.Click(chromedp.CSS(`main a[href="/students/`+lotte+`/retention"]`)))
			fill(t, c, map[string]string{"f-hold_reason": "Klacht van de ouders in behandeling."})
			c.follow("set a legal hold", http.StatusOK, chromedp.Click(chromedp.CSS(`main form[action$="/holds"] button[type="submit"]`)))
			if n := env.Count(`SELECT COUNT(*) FROM legal_holds WHERE student_id = $1 AND lifted_at IS NULL`, lotte); n != 1 {
				t.Fatalf("%d active holds, want 1", n)
			}
			c.follow("lift without a reason", http.StatusBadRequest, chromedp.Click(chromedp.CSS(`main form[action$="/lift"] button[type="submit"]`)))
			c.open("/students/"+lotte+"/retention", http.StatusOK)
			c.follow("lift the hold", http.StatusOK,
				chromedp.SetValue(chromedp.CSS(`main form[action$="/lift"] textarea`), "Klacht afgehandeld."),
				chromedp.Click(chromedp.CSS(`main form[action$="/lift"] button[type="submit"]`)))
			c.follow("erase without ground or confirmation", http.StatusBadRequest,
				chromedp.Click(chromedp.CSS(`main form[action$="/erase"] button[type="submit"]`)))
			tick(t, c, "f-ground-objection", "f-confirm")
			c.follow("erase", http.StatusOK, chromedp.Click(chromedp.CSS(`main form[action$="/erase"] button[type="submit"]`)))
			if n := env.Count(`SELECT COUNT(*) FROM students WHERE id = $1`, lotte); n != 0 {
				t.Error("Lotte's file was not erased")
			}

			a := newBrowser(t, exe, env.URL)
			a.open("/login", http.StatusOK)
			a.login(demo.UserAdmin, demo.Password, http.StatusOK)
			a.open("/admin/settings", http.StatusOK)
			a.follow("settings → retention", http.StatusOK, chromedp.Click(chromedp.CSS(`main a[href="/admin/retention"]`)))
			fill(t, a, map[string]string{"f-access_log_months": "0"})
			a.follow("a bad number", http.StatusBadRequest, chromedp.Click(chromedp.CSS(`main form button[type="submit"]`)))
		})
	}
}
