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

// TestBrowserRectification: the coordinator records a parent's request to
// correct Lotte's absence signal from the entry's page (a first try without
// the request's text is refused next to the field), grants it by correcting
// the entry, records that the parent was told, and enters the parent's own
// word beside the entry; the student page shows it beside the entry. The
// queue of requests opens too. axe-core finds no violation on any page.
func TestBrowserRectification(t *testing.T) {
	exe := requireBrowser(t)
	for _, engine := range storagetest.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			env := webtest.Start(t, engine, webtest.Options{})
			lotte := env.StudentID(demo.LotteNumber)
			var signal string
			if err := env.DB.ReadSQL().QueryRow(`SELECT CAST(e.id AS TEXT) FROM care_entries e JOIN care_entry_versions v ON v.entry_id = e.id
				WHERE e.student_id = $1 AND v.kind = 'signal' AND v.visibility = 'guidance' AND v.version = 1 ORDER BY v.occurred_on LIMIT 1`,
				lotte).Scan(&signal); err != nil {
				t.Fatal(err)
			}
			entry := "/students/" + lotte + "/care/" + signal
			b := newBrowser(t, exe, env.URL)
			b.open("/login", http.StatusOK)
			b.login(demo.UserCoordinator, demo.Password, http.StatusOK)
			b.open(entry, http.StatusOK)
			b.follow("entry → record a request", http.StatusOK,
				chromedp.Click(chromedp.CSS(`main a[href*="/rectification/new?entry="]`)))
			b.follow("save the request without its text", http.StatusBadRequest,
				chromedp.Click(chromedp.ID("f-requester-parent")),
				chromedp.SendKeys(chromedp.ID("f-requester_name"), "Marieke de Vries"),
				chromedp.Click(chromedp.CSS(`main form button[type="submit"]`)))
			if msg := eval[string](b, `document.getElementById('f-request-error')?.innerText ?? ''`); msg != "Vul dit veld in." {
				t.Errorf("empty request: message %q", msg)
			}
			b.follow("save the request", http.StatusOK,
				chromedp.SendKeys(chromedp.ID("f-request"), "Het verzuim was 12%, niet 18%."),
				chromedp.Click(chromedp.CSS(`main form button[type="submit"]`)))
			if h := b.h1(); h != "Verzoek tot rectificatie" {
				t.Errorf("after saving: h1 %q", h)
			}
			b.follow("grant: correct the entry", http.StatusOK,
				chromedp.Click(chromedp.CSS(`main a[href*="/correct?request="]`)))
			b.follow("save the correction", http.StatusOK,
				chromedp.SetValue(chromedp.ID("f-text"), "Verzuim deze periode 12%."),
				chromedp.SendKeys(chromedp.ID("f-reason"), "Verzoek tot rectificatie van de ouder."),
				chromedp.Click(chromedp.CSS(`main form button[type="submit"]`)))
			if body := eval[string](b, `document.querySelector('main').innerText`); !strings.Contains(body, "Toegewezen") {
				t.Errorf("the request is not shown granted after the correction")
			}
			b.shoot(engine + "-rectification-granted")
			b.follow("record that the parent was told", http.StatusOK,
				chromedp.Click(chromedp.CSS(`main form[action$="/informed"] button[type="submit"]`)))
			b.open("/rectification", http.StatusOK)

			b.open(entry, http.StatusOK)
			b.follow("entry → own word", http.StatusOK,
				chromedp.Click(chromedp.CSS(`main a[href$="/own-word"]`)))
			b.follow("save the own word", http.StatusOK,
				chromedp.Click(chromedp.ID("f-giver-parent")),
				chromedp.SendKeys(chromedp.ID("f-giver_name"), "Marieke de Vries"),
				chromedp.SendKeys(chromedp.ID("f-text"), "Wij hebben haar elke ochtend ziek gemeld."),
				chromedp.Click(chromedp.CSS(`main form button[type="submit"]`)))
			b.shoot(engine + "-own-word")
			if n := eval[int](b, `document.querySelectorAll('main aside.casus-own-word').length`); n != 1 {
				t.Errorf("entry page shows %d own words, want 1", n)
			}
			b.open("/students/"+lotte, http.StatusOK)
			beside := eval[string](b, `[...document.querySelectorAll('section.casus-entry')].find(s => s.innerText.includes('12%'))?.querySelector('aside')?.innerText ?? ''`)
			if !strings.Contains(beside, "Eigen woord van de ouder") || !strings.Contains(beside, "elke ochtend ziek gemeld") {
				t.Errorf("the student page does not show the own word beside the entry: %q", beside)
			}
		})
	}
}
