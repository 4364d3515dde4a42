package e2e

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"casus"
	"casus/auth"
	"casus/demo"
	"casus/jobs"
	"casus/mail"
	"casus/storage"
	"casus/storage/storagetest"
	"casus/web/webtest"
)

// TestBrowserSecurityEventLog: the privacy officer opens the security-event
// log from the navigation at 1366 px, finds every kind of event there under
// its Dutch name, and filters it by one kind. The events come from the real
// flows (account created, roles changed and deactivated in the browser,
// reset started and completed in the browser with two-factor removed, two-factor
// set up, password changed, log out everywhere, an API token issued and
// revoked, a team member removed, added and changed, settings and retention
// changed); the login events, whose flows are in login.go, are written
// through storage. axe-core finds no violation on any page on the way.
func TestBrowserSecurityEventLog(t *testing.T) {
	exe := requireBrowser(t)
	for _, engine := range storagetest.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			env := webtest.Start(t, engine, webtest.Options{})
			ctx := context.Background()
			secretRe := regexp.MustCompile(`<code class="casus-secret">([A-Z2-7]+)</code>`)
			enroll := func(c *webtest.Client) {
				m := secretRe.FindStringSubmatch(c.Get("/account/2fa").Body)
				if m == nil {
					t.Fatal("no secret on the setup page")
				}
				if res := c.Post("/account/2fa", url.Values{"code": {auth.TOTPCode(m[1], env.Clock.Now())}}); res.Status != http.StatusSeeOther {
					t.Fatalf("enrol: %d", res.Status)
				}
			}
			must := func(what string, res webtest.Response) {
				if res.Status != http.StatusSeeOther {
					t.Fatalf("%s: %d\n%s", what, res.Status, res.Body)
				}
			}
			admin := env.NewClient()
			admin.Login(demo.UserAdmin)
			must("create account", admin.Post("/admin/users", url.Values{"name": {"Nieuwe Collega"}, "email": {"nieuw@school.nl"},
				"role": {"mentor"}, "discipline": {"docent"}, "password": {"een-goed-wachtwoord-2026"}}))
			issued := admin.Post("/admin/api-tokens", url.Values{"name": {"Koppeling"}, "user": {env.UserID(demo.UserCoordinator)},
				"scopes": {string(casus.ScopeStudentsRead)}, "last_day": {env.Clock.Now().In(casus.Amsterdam).AddDate(0, 0, 30).Format(time.DateOnly)}})
			var tokenID string
			if err := env.SQL().QueryRow(`SELECT CAST(id AS TEXT) FROM api_tokens WHERE name = 'Koppeling'`).Scan(&tokenID); issued.Status != http.StatusOK || err != nil {
				t.Fatalf("issue api token: %d, %v", issued.Status, err)
			}
			must("revoke api token", admin.Post("/admin/api-tokens/"+tokenID+"/revoke", url.Values{}))
			var zat string
			if err := env.SQL().QueryRow(`SELECT CAST(id AS TEXT) FROM care_teams WHERE name = $1`, demo.TeamMBOZAT).Scan(&zat); err != nil {
				t.Fatal(err)
			}
			police, ggd := env.UserID(demo.UserPolice), env.UserID(demo.UserGGD)
			must("remove a team member", admin.Post("/teams/"+zat+"/members/"+police+"/remove", url.Values{}))
			must("add a team member", admin.Post("/teams/"+zat+"/members", url.Values{"user": {police}, "kind": {"on_call"}}))
			must("change a team member", admin.Post("/teams/"+zat+"/members", url.Values{"user": {ggd}, "kind": {"fixed"}, "minute_taker": {"on"}}))
			must("settings", admin.Post("/admin/settings", url.Values{"require_2fa_all": {"on"}}))
			form := url.Values{"access_log_months": {"48"}}
			rows, err := env.DB.ReadSQL().Query(`SELECT CAST(id AS TEXT) FROM schools`)
			if err != nil {
				t.Fatal(err)
			}
			for rows.Next() {
				var id string
				rows.Scan(&id)
				form.Set("months_student_file_"+id, "24")
			}
			rows.Close()
			must("retention", admin.Post("/admin/retention", form))

			mentor := env.NewClient()
			mentor.Login(demo.UserMentor)
			enroll(mentor)
			must("log out everywhere", mentor.Post("/logout/everywhere", url.Values{}))
			coord := env.NewClient()
			coord.Login(demo.UserCoordinator)
			must("change password", coord.Post("/account/password", url.Values{"current": {demo.Password}, "password": {"mijn nieuwe zin voor casus"}}))

			// A reset of the mentor's account with a new two-factor setup.
			must("start reset", admin.Post("/admin/users/"+env.UserID(demo.UserMentor)+"/reset", url.Values{"reset_2fa": {"on"}}))
			composer, err := mail.NewComposer(env.URL)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := jobs.DeliverMail(ctx, env.DB, mail.Outbox{}, composer); err != nil {
				t.Fatal(err)
			}
			var body string
			if err := env.SQL().QueryRow(`SELECT body FROM outbox WHERE subject = 'Casus: herstel van je wachtwoord'`).Scan(&body); err != nil {
				t.Fatal(err)
			}
			link := regexp.MustCompile(`/password-reset/[A-Za-z0-9_-]+`).FindString(body)

			// Login events have their flows elsewhere (login.go): written
			// through storage here.
			if err := env.DB.Update(ctx, func(tx *storage.Tx) error {
				for _, k := range []casus.SecurityEventKind{casus.SecLoginSucceeded, casus.SecLoginFailed, casus.SecLoginLocked} {
					e := &casus.SecurityEvent{Kind: k, ActorName: "Sanne Oosterhout", TargetName: "Sanne Oosterhout",
						ClientAddr: "192.0.2.10", UserAgent: "Firefox on Windows"}
					if err := tx.LogSecurityEvent(ctx, e); err != nil {
						return err
					}
				}
				return nil
			}); err != nil {
				t.Fatal(err)
			}

			b := newBrowser(t, exe, env.URL)
			run(b, "viewport 1366", chromedp.EmulateViewport(1366, 900))
			// The mentor completes the reset in the browser. In demo mode she
			// needs no second factor: the page says the password changed.
			b.open(link, http.StatusOK)
			fill(t, b, map[string]string{"f-password": "de mentor kiest zelf 2026"})
			b.follow("complete the reset", http.StatusOK, chromedp.Click(chromedp.CSS(`main form button[type="submit"]`)))
			if body := eval[string](b, `document.querySelector('main').innerText`); !strings.Contains(body, "Je wachtwoord is gewijzigd.") {
				t.Errorf("after the reset: %s", body)
			}
			// The beheerder changes the new colleague's roles and deactivates
			// the account.
			b.open("/login", http.StatusOK)
			b.login(demo.UserAdmin, demo.Password, http.StatusOK)
			b.follow("open the users", http.StatusOK, chromedp.Click(chromedp.CSS(`nav a[href="/admin/users"]`)))
			var newID string
			if err := env.SQL().QueryRow(`SELECT CAST(id AS TEXT) FROM users WHERE email = 'nieuw@school.nl'`).Scan(&newID); err != nil {
				t.Fatal(err)
			}
			b.follow("open the new colleague", http.StatusOK, chromedp.Click(chromedp.CSS(`main a[href="/admin/users/`+newID+`"]`)))
			b.follow("add a role", http.StatusOK, chromedp.Click(chromedp.ID("f-roles-taakdocent")),
				chromedp.Click(chromedp.CSS(`main form[action$="/roles"] button[type="submit"]`)))
			b.follow("deactivate", http.StatusOK, chromedp.Click(chromedp.CSS(`main form[action$="/deactivate"] button[type="submit"]`)))
			b.follow("activate again", http.StatusOK, chromedp.Click(chromedp.CSS(`main form[action$="/activate"] button[type="submit"]`)))
			b.follow("log out", http.StatusOK, chromedp.Click(chromedp.CSS(`form[action="/logout"] button[type="submit"]`)))

			for _, k := range casus.SecurityEventKinds {
				if n := env.Count(`SELECT COUNT(*) FROM security_events WHERE kind = $1`, string(k)); n == 0 {
					t.Fatalf("no %s event was made", k)
				}
			}

			b.login(demo.UserPrivacy, demo.Password, http.StatusOK)
			b.follow("open the security-event log from the navigation", http.StatusOK,
				chromedp.Click(chromedp.CSS(`nav a[href="/security-events"]`)))
			if h := b.h1(); h != "Beveiligingslog" {
				t.Errorf("h1 %q", h)
			}
			b.shoot("security-events")
			kinds := eval[[]string](b, `[...document.querySelectorAll('main td[data-kind]')].map(td => td.dataset.kind + '=' + td.innerText.trim())`)
			shown := map[string]string{}
			for _, k := range kinds {
				kind, name, _ := strings.Cut(k, "=")
				shown[kind] = name
			}
			for _, k := range casus.SecurityEventKinds {
				if name := shown[string(k)]; name == "" || strings.HasPrefix(name, "security.kind.") {
					t.Errorf("kind %s shown as %q", k, name)
				}
			}
			fill(t, b, map[string]string{"f-kind": string(casus.SecSettingsChanged)})
			b.follow("filter by one kind", http.StatusOK, chromedp.Click(chromedp.CSS(`main form[action="/security-events"] button[type="submit"]`)))
			kinds = eval[[]string](b, `[...document.querySelectorAll('main td[data-kind]')].map(td => td.dataset.kind)`)
			if len(kinds) != 1 || kinds[0] != string(casus.SecSettingsChanged) {
				t.Errorf("filtered by settings.changed, the page shows %v", kinds)
			}
			if w := eval[int](b, `document.documentElement.scrollWidth`); w > 1366 {
				t.Errorf("the page is %d px wide at 1366 px", w)
			}
			b.open("/account", http.StatusOK)
		})
	}
}
