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

// TestBrowserReferral: the taakdocent starts a referral of Lotte to the
// intern zorgteam from her page, submits it half-filled and is shown every
// missing part, completes it and submits; the coordinator finds it in the
// queue and accepts it. axe-core finds no violation on any page, the
// refused submission included.
func TestBrowserReferral(t *testing.T) {
	exe := requireBrowser(t)
	for _, engine := range storagetest.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			env := webtest.Start(t, engine, webtest.Options{})
			lotte := env.StudentID(demo.LotteNumber)
			b := newBrowser(t, exe, env.URL)

			b.open("/login", http.StatusOK)
			b.login(demo.UserCareContact, demo.Password, http.StatusOK)
			b.open("/students/"+lotte, http.StatusOK)
			b.follow("student page → refer", http.StatusOK,
				chromedp.Click(chromedp.CSS(`main a[href$="/referrals/new"]`)))
			b.follow("start a draft at the intern zorgteam", http.StatusOK,
				chromedp.Click(chromedp.CSS(`main input[name="team"]`)),
				chromedp.Click(chromedp.CSS(`main form button[type="submit"]`)))
			b.shoot(engine + "-referral-form")

			// Only the reason: refused, every missing part named.
			b.follow("submit with only the reason", http.StatusBadRequest,
				chromedp.SendKeys(chromedp.ID("f-reason"), "Het verzuim loopt op en er zijn geldzorgen."),
				chromedp.Click(chromedp.CSS(`main button[value="submit"]`)))
			b.shoot(engine + "-referral-refused")
			summary := eval[string](b, `document.getElementById('summary')?.innerText ?? ''`)
			for _, part := range []string{"Onderwijsbehoeften", "Belemmerende factoren bij de leerling", "Hulpvraag van de school"} {
				if !strings.Contains(summary, part) {
					t.Errorf("summary %q does not name %s", summary, part)
				}
			}
			if v := run(b, "read reason", chromedp.Value(chromedp.ID("f-reason"))); !strings.Contains(v, "geldzorgen") {
				t.Errorf("the reason was not kept: %q", v)
			}

			// Fill in every empty part and submit.
			eval[bool](b, `[...document.querySelectorAll('main textarea')].forEach(t => { if (!t.value) t.value = 'Ingevuld in de browsertest.' }) || true`)
			// The problem category, as chosen from the list.
			eval[bool](b, `(document.getElementById('f-problem_category').selectedIndex = 1) > 0`)
			b.follow("submit complete", http.StatusOK, chromedp.Click(chromedp.CSS(`main button[value="submit"]`)))
			b.shoot(engine + "-referral-submitted")
			if s := eval[string](b, `document.querySelector('main [role="status"]')?.innerText ?? ''`); s != "De aanmelding is ingediend." {
				t.Errorf("after submit: notice %q", s)
			}

			// The coordinator: queue → referral → accept.
			c := newBrowser(t, exe, env.URL)
			c.open("/login", http.StatusOK)
			c.login(demo.UserCoordinator, demo.Password, http.StatusOK)
			c.follow("menu → referrals", http.StatusOK, chromedp.Click(chromedp.CSS(`nav a[href="/referrals"]`)))
			c.shoot(engine + "-referral-queue")
			loc := run(b, "location", chromedp.Location())
			path := strings.TrimPrefix(strings.SplitN(loc, "?", 2)[0], env.URL)
			c.follow("queue → the new referral", http.StatusOK, chromedp.Click(chromedp.CSS(`main a[href="`+path+`"]`)))
			c.follow("accept", http.StatusOK,
				chromedp.Click(chromedp.ID("f-decision-accept")),
				chromedp.Click(chromedp.CSS(`main form[action$="/decision"] button[type="submit"]`)))
			c.shoot(engine + "-referral-accepted")
			if s := eval[string](c, `document.querySelector('main p strong')?.innerText ?? ''`); s != "geaccepteerd" {
				t.Errorf("after accepting: state %q", s)
			}
		})
	}
}
