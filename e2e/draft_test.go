package e2e

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"casus/demo"
	"casus/storage/storagetest"
	"casus/web/webtest"
)

// TestBrowserDraftAfterTimeout: nothing typed is lost to an expired session.
// The taakdocent writes a referral; before the idle time-out a warning
// offers to stay logged in, and staying works. Then the session ends while
// she types; she presses save, is asked to log in again, and lands on the
// form with her text in it. The chair's discussion record goes the same way.
func TestBrowserDraftAfterTimeout(t *testing.T) {
	exe := requireBrowser(t)
	for _, engine := range storagetest.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			// An idle time-out short enough to see the warning (15 s in).
			env := webtest.Start(t, engine, webtest.Options{IdleTimeout: 20 * time.Second})
			expire := func() {
				if _, err := env.SQL().Exec(`DELETE FROM sessions`); err != nil {
					t.Fatal(err)
				}
			}
			lotte := env.StudentID(demo.LotteNumber)

			t.Run("ReferralForm", func(t *testing.T) {
				b := newBrowser(t, exe, env.URL)
				b.open("/login", http.StatusOK)
				b.login(demo.UserCareContact, demo.Password, http.StatusOK)
				b.open("/students/"+lotte+"/referrals/new", http.StatusOK)
				b.follow("start a draft at the intern zorgteam", http.StatusOK,
					chromedp.Click(chromedp.CSS(`main input[name="team"]`)),
					chromedp.Click(chromedp.CSS(`main form button[type="submit"]`)))
				form := strings.SplitN(strings.TrimPrefix(run(b, "location", chromedp.Location()), env.URL), "?", 2)[0]
				run(b, "type the reason", chromedp.SendKeys(chromedp.ID("f-reason"), "Lotte mist veel lessen sinds de herfstvakantie."))

				run(b, "the warning before the time-out", chromedp.WaitVisible(chromedp.CSS(`.casus-idle`)))
				b.shoot(engine + "-idle-warning")
				run(b, "stay logged in", chromedp.Click(chromedp.CSS(`.casus-idle__stay`)))
				run(b, "the warning goes", chromedp.WaitNotVisible(chromedp.CSS(`.casus-idle`)))
				b.check("after staying logged in")

				run(b, "type more", chromedp.SendKeys(chromedp.ID("f-reason"), " Ze slaapt slecht."))
				expire()
				b.follow("save after the session ended", http.StatusOK,
					chromedp.Click(chromedp.CSS(`main button[value="save"]`)))
				if s := eval[string](b, `document.querySelector('main [role="status"]')?.innerText ?? ''`); !strings.Contains(s, "Wat je typte is bewaard") {
					t.Errorf("the login page says %q", s)
				}
				b.shoot(engine + "-draft-login")
				b.login(demo.UserCareContact, demo.Password, http.StatusOK)
				if loc := strings.TrimPrefix(run(b, "location", chromedp.Location()), env.URL); loc != form {
					t.Errorf("after logging in again: %s, want the form %s", loc, form)
				}
				b.shoot(engine + "-draft-restored")
				if v := run(b, "read reason", chromedp.Value(chromedp.ID("f-reason"))); v != "Lotte mist veel lessen sinds de herfstvakantie. Ze slaapt slecht." {
					t.Errorf("the reason after logging in again: %q", v)
				}
				b.follow("save the restored text", http.StatusOK, chromedp.Click(chromedp.CSS(`main button[value="save"]`)))
				if n := env.Count(`SELECT COUNT(*) FROM referrals WHERE student_id = $1 AND reason LIKE '%Ze slaapt slecht.%'`, lotte); n != 1 {
					t.Errorf("%d referrals hold the restored text, want 1", n)
				}
			})

			t.Run("DiscussionRecord", func(t *testing.T) {
				var meeting, item string
				if err := env.DB.ReadSQL().QueryRow(`SELECT CAST(a.meeting_id AS TEXT), CAST(a.id AS TEXT) FROM agenda_items a
					JOIN cases c ON c.id = a.case_id JOIN students s ON s.id = c.student_id
					WHERE s.student_number = $1 ORDER BY a.position LIMIT 1`, demo.CrisisNumber).Scan(&meeting, &item); err != nil {
					t.Fatal(err)
				}
				page := "/meetings/" + meeting + "/items/" + item
				b := newBrowser(t, exe, env.URL)
				b.open("/login", http.StatusOK)
				b.login(demo.UserCoordinator, demo.Password, http.StatusOK)
				b.open(page, http.StatusOK)
				run(b, "type the question", chromedp.SendKeys(chromedp.ID("f-question"), "Hoe blijft Milan veilig?"))
				expire()
				b.follow("save after the session ended", http.StatusOK,
					chromedp.Click(chromedp.CSS(`main form[action$="/discussion"] button[type="submit"]`)))
				b.login(demo.UserCoordinator, demo.Password, http.StatusOK)
				if loc := strings.TrimPrefix(run(b, "location", chromedp.Location()), env.URL); loc != page {
					t.Errorf("after logging in again: %s, want the record %s", loc, page)
				}
				if v := run(b, "read question", chromedp.Value(chromedp.ID("f-question"))); !strings.HasSuffix(v, "Hoe blijft Milan veilig?") {
					t.Errorf("the question after logging in again: %q", v)
				}
			})
		})
	}
}
