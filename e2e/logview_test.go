package e2e

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"casus"
	"casus/demo"
	"casus/storage/storagetest"
	"casus/web/webtest"
)

// TestBrowserAccessLogAndExport: the privacy officer opens the access log
// from the navigation, finds Lotte by her student number, reads who opened
// her file (the zorgcoördinator, and the mentor's refused attempt on Milan
// among the hints), follows the coordinator to the per-user view, goes back
// to Lotte's log and on to the export, registers Lotte's request for access
// (which her coordinator reviews), withholds a record with a reason, and
// downloads the export of the request as PDF and JSON and the log as CSV. axe-core
// finds no violation on any page on the way.
func TestBrowserAccessLogAndExport(t *testing.T) {
	exe := requireBrowser(t)
	for _, engine := range storagetest.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			env := webtest.Start(t, engine, webtest.Options{})
			lotte, milan := env.StudentID(demo.LotteNumber), env.StudentID(demo.CrisisNumber)
			coord := env.NewClient()
			coord.Login(demo.UserCoordinator)
			coord.Get("/students/" + lotte)
			// A confidential entry: the coordinator's review decides on it.
			if res := coord.Post("/students/"+lotte+"/care", url.Values{"kind": {"contact"}, "occurred_on": {env.Clock.Now().In(casus.Amsterdam).Format(time.DateOnly)},
				"text": {"Moeder vertelt in vertrouwen over de scheiding."}, "visibility": {"confidential"}, "sector": {"mbo"}}); res.Status != http.StatusSeeOther {
				t.Fatalf("confidential entry: %d\n%s", res.Status, res.Body)
			}
			mentor := env.NewClient()
			mentor.Login(demo.UserMentor)
			mentor.Get("/students/" + milan)

			b := newBrowser(t, exe, env.URL)
			b.open("/login", http.StatusOK)
			b.login(demo.UserPrivacy, demo.Password, http.StatusOK)
			b.follow("open the access log from the navigation", http.StatusOK, chromedp.Click(chromedp.CSS(`nav a[href="/log"]`)))
			if h := b.h1(); h != "Toegangslog" {
				t.Errorf("log overview h1 %q", h)
			}
			hints := eval[string](b, `document.querySelector('main').innerText`)
			if !strings.Contains(hints, "geweigerde pogingen") || !strings.Contains(hints, "Sanne Oosterhout") {
				t.Errorf("the hints lack the mentor's refused attempt:\n%s", hints)
			}
			fill(t, b, map[string]string{"f-number": demo.LotteNumber})
			b.follow("find Lotte by number", http.StatusOK, chromedp.Click(chromedp.CSS(`main form[action="/log/find"] button[type="submit"]`)))
			if h := b.h1(); !strings.Contains(h, "Lotte Verhagen") {
				t.Fatalf("student log h1 %q", h)
			}
			b.shoot("log-student")
			if !strings.Contains(eval[string](b, `document.querySelector('main table').innerText`), "Marieke Vermeer") {
				t.Errorf("Lotte's log does not name the coordinator")
			}
			b.follow("open the coordinator's per-user view", http.StatusOK,
				chromedp.Click(chromedp.CSS(`main table a[href^="/users/`+env.UserID(demo.UserCoordinator)+`"]`)))
			if h := b.h1(); h != "Wat Marieke Vermeer opende" {
				t.Errorf("per-user h1 %q", h)
			}
			b.follow("back to Lotte's log", http.StatusOK, chromedp.Click(chromedp.CSS(`main table a[href="/students/`+lotte+`/log"]`)))
			b.follow("open the export", http.StatusOK, chromedp.Click(chromedp.CSS(`main a[href="/students/`+lotte+`/export"]`)))
			b.shoot("export")
			// No export without a request: register Lotte's, which her
			// coordinator reviews; the downloads are on the request's page.
			b.follow("open the request form", http.StatusOK, chromedp.Click(chromedp.CSS(`main a[href="/students/`+lotte+`/access-requests/new"]`)))
			b.shoot("access-request-new")
			fill(t, b, map[string]string{"f-who": "student"})
			eval[bool](b, `(() => { document.getElementById('f-identity-id_document').checked = true; return true })()`)
			b.follow("register the request", http.StatusOK, chromedp.Click(chromedp.CSS(`main form[action$="/access-requests"] button[type="submit"]`)))
			request := eval[string](b, `location.pathname`)
			if !strings.HasPrefix(request, "/students/"+lotte+"/access-requests/") {
				t.Fatalf("after registering: at %s", request)
			}
			if eval[int](b, `document.querySelectorAll('main a[href$="/export.pdf"]').length`) != 0 {
				t.Errorf("the request offers the export before the coordinator's review")
			}
			// The coordinator finds it in her list and releases everything.
			cb := newBrowser(t, exe, env.URL)
			cb.open("/login", http.StatusOK)
			cb.login(demo.UserCoordinator, demo.Password, http.StatusOK)
			cb.follow("open the access requests from the navigation", http.StatusOK, chromedp.Click(chromedp.CSS(`nav a[href="/access-requests"]`)))
			cb.follow("open Lotte's request", http.StatusOK, chromedp.Click(chromedp.CSS(`main a[href="`+request+`"]`)))
			cb.shoot("access-request-review")
			released := eval[int](cb, `(() => { let n = 0; for (const id of ['f-meldcode-release', 'f-confidential-release']) {
				const e = document.getElementById(id); if (e) { e.checked = true; n++ } } return n })()`)
			if released != 1 {
				t.Errorf("%d parts to release on the review form, want 1 (the confidential entry)", released)
			}
			cb.follow("record the review", http.StatusOK, chromedp.Click(chromedp.CSS(`main form[action$="/review"] button[type="submit"]`)))
			if body := eval[string](cb, `document.querySelector('main').innerText`); !strings.Contains(body, "Beoordeeld door Marieke Vermeer") {
				t.Errorf("the request's page does not show the review")
			}
			b.open(request, http.StatusOK)
			b.shoot("access-request")
			record := eval[string](b, `document.querySelector('#f-record option[value*="care_entries|"]')?.value ?? ''`)
			if record == "" {
				t.Fatal("no care entry to withhold on the request's page")
			}
			fill(t, b, map[string]string{"f-record": record, "f-reason": "Politie-informatie die niet gedeeld mag worden."})
			b.follow("withhold a record", http.StatusOK, chromedp.Click(chromedp.CSS(`main form[action$="/export/withhold"] button[type="submit"]`)))
			if body := eval[string](b, `document.querySelector('main').innerText`); !strings.Contains(body, "Politie-informatie die niet gedeeld mag worden.") {
				t.Errorf("the request's page does not list the withheld record")
			}
			// Download through the page's own links, with the session.
			type download struct {
				Status int    `json:"status"`
				Type   string `json:"type"`
				Head   string `json:"head"`
				Size   int    `json:"size"`
			}
			fetchLink := func(sel string) download {
				t.Helper()
				return run(b, "download "+sel, chromedp.Evaluate[download](`(async () => { const a = document.querySelector(`+jsString(sel)+`); if (!a) return {status: 0};
					const r = await fetch(a.href); const buf = new Uint8Array(await r.arrayBuffer());
					return {status: r.status, type: r.headers.get('content-type'), head: new TextDecoder().decode(buf.slice(0, 40)), size: buf.length} })()`,
					chromedp.EvalAwaitPromise))
			}
			if d := fetchLink(`main a[href$="/export.pdf"]`); d.Status != http.StatusOK || d.Type != "application/pdf" || !strings.HasPrefix(d.Head, "%PDF") || d.Size < 5000 {
				t.Errorf("PDF download: %+v", d)
			}
			if d := fetchLink(`main a[href$="/export.json"]`); d.Status != http.StatusOK || !strings.HasPrefix(d.Type, "application/json") || !strings.Contains(d.Head, "casus-avg-art15-export") {
				t.Errorf("JSON download: %+v", d)
			}
			b.follow("back to Lotte's log", http.StatusOK, chromedp.Click(chromedp.CSS(`main a[href="/students/`+lotte+`/log"]`)))
			if d := fetchLink(`main a[href$="/log.csv"]`); d.Status != http.StatusOK || !strings.HasPrefix(d.Type, "text/csv") || !strings.Contains(d.Head, "Wanneer;Wie") {
				t.Errorf("CSV download: %+v", d)
			}
			if n := env.Count(`SELECT COUNT(*) FROM access_log WHERE student_id = $1 AND user_id = $2 AND action = 'export'`, lotte, env.UserID(demo.UserPrivacy)); n != 3 {
				t.Errorf("%d downloads logged, want 3 (PDF, JSON, CSV)", n)
			}
		})
	}
}
