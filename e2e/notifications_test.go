package e2e

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"casus/demo"
	"casus/storage/storagetest"
	"casus/web/webtest"
)

// TestBrowserNotifications: the chair returns Milan's referral with a
// question; the taakdocent sees the unread count in the menu, follows the
// message to the form with the question at its top, goes back and marks
// everything read (axe on every page).
func TestBrowserNotifications(t *testing.T) {
	exe := requireBrowser(t)
	for _, engine := range storagetest.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			env := webtest.Start(t, engine, webtest.Options{})
			var ref string
			var version int
			if err := env.SQL().QueryRow(`SELECT CAST(r.id AS TEXT), r.version FROM referrals r JOIN students s ON s.id = r.student_id
				WHERE s.student_number = $1 ORDER BY r.created_at LIMIT 1`, demo.CrisisNumber).Scan(&ref, &version); err != nil {
				t.Fatal(err)
			}
			const question = "Welke afspraken zijn er al met de ouders gemaakt?"
			coord := env.NewClient()
			coord.Login(demo.UserCoordinator)
			if res := coord.Post("/referrals/"+ref+"/decision", url.Values{"decision": {"return"}, "note": {question},
				"version": {strconv.Itoa(version)}}); res.Status != http.StatusSeeOther {
				t.Fatalf("return: %d", res.Status)
			}

			b := newBrowser(t, exe, env.URL)
			b.open("/login", http.StatusOK)
			b.login("taakdocent.techniek", demo.Password, http.StatusOK)
			if count := eval[string](b, `document.querySelector('nav a[href="/messages"] .casus-count')?.innerText ?? ''`); !strings.HasPrefix(count, "1") {
				t.Errorf("menu count %q, want 1 unread", count)
			}
			b.follow("menu → messages", http.StatusOK, chromedp.Click(chromedp.CSS(`nav a[href="/messages"]`)))
			b.shoot("notifications-messages")
			b.follow("message → form", http.StatusOK, chromedp.Click(chromedp.CSS(`main a[href="/referrals/`+ref+`/edit"]`)))
			if q := eval[string](b, `document.querySelector('main .casus-question blockquote')?.innerText ?? ''`); q != question {
				t.Errorf("question on the form %q, want %q", q, question)
			}
			b.shoot("notifications-question")
			b.open("/messages", http.StatusOK)
			b.follow("mark all read", http.StatusOK, chromedp.Click(chromedp.CSS(`main form[action="/messages/read"] button`)))
			if n := eval[int](b, `document.querySelectorAll('nav .casus-count, main .casus-unread').length`); n != 0 {
				t.Errorf("%d unread marks after marking all read", n)
			}
		})
	}
}
