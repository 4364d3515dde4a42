package web_test

import (
	"html"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"casus/demo"
	"casus/storage/storagetest"
	"casus/web/webtest"
)

var draftRe = regexp.MustCompile(`name="_draft" value="([^"]+)"`)

// TestDraftSurvivesExpiredSession: the chair writes Milan's discussion
// record for longer than the session lasts and presses save. Nothing is
// saved and nothing is lost: the login page says the text is kept, and after
// logging in again the chair is back on the record with the text filled in,
// to save it. The same browser in someone else's hands gets none of it, and
// a POST without a good draft token keeps nothing.
func TestDraftSurvivesExpiredSession(t *testing.T) {
	t.Parallel()
	for _, engine := range storagetest.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			env := webtest.Start(t, engine, webtest.Options{})
			page := "/meetings/" + meetingsMatrixIDs(t, env)["{meeting:zat}"] + "/items/" + agendaItemMatrixIDs(t, env)["{item:zat}"]
			due := env.Clock.Now().AddDate(0, 2, 0)
			typed := discussionForm("0", due)
			typed.Set("question", "Wat heeft Milan nodig om veilig naar school te blijven komen?")
			expire := func() {
				if _, err := env.SQL().Exec(`DELETE FROM sessions`); err != nil {
					t.Fatal(err)
				}
			}
			// openForm logs c in as user and returns the form's draft token.
			openForm := func(c *webtest.Client, user string) string {
				c.Login(user)
				res := c.Get(page)
				m := draftRe.FindStringSubmatch(res.Body)
				if res.Status != http.StatusOK || m == nil {
					t.Fatalf("%s opens the record: %d, draft token %v", user, res.Status, m != nil)
				}
				return html.UnescapeString(m[1])
			}

			t.Run("SameUser/TextRestored", func(t *testing.T) {
				chair := env.NewClient()
				form := typed
				form.Set("_draft", openForm(chair, demo.UserCoordinator))
				expire()
				before := env.Snapshot("sessions", "access_log", "access_log_head")
				res := chair.Post(page+"/discussion", form)
				if res.Status != http.StatusSeeOther || res.Location != "/login" {
					t.Fatalf("save after the time-out: %d → %q, want the login page", res.Status, res.Location)
				}
				if diff := webtest.Changed(before, env.Snapshot("sessions", "access_log", "access_log_head")); len(diff) > 0 {
					t.Errorf("a save without a session changed %v", diff)
				}
				if strings.Contains(res.Body, "Milan") {
					t.Error("the redirect repeats the typed text")
				}
				login := chair.Get("/login")
				if !strings.Contains(login.Body, "Wat je typte is bewaard") {
					t.Errorf("the login page does not say the text is kept")
				}
				res = chair.LoginAs(demo.UserCoordinator)
				if res.Status != http.StatusSeeOther || res.Location != page {
					t.Fatalf("after logging in again: %d → %q, want %s", res.Status, res.Location, page)
				}
				back := chair.Get(page)
				if !strings.Contains(back.Body, "Wat heeft Milan nodig om veilig naar school te blijven komen?") ||
					!strings.Contains(back.Body, "staat weer in het formulier") {
					t.Fatalf("the record page after login does not show the typed text and the notice")
				}
				if again := chair.Get(page); strings.Contains(again.Body, "staat weer in het formulier") {
					t.Error("the draft is restored twice")
				}
				// The chair saves it: the token of the restored page is good.
				form.Set("_draft", html.UnescapeString(draftRe.FindStringSubmatch(back.Body)[1]))
				if res := chair.Post(page+"/discussion", form); res.Status != http.StatusSeeOther {
					t.Errorf("saving the restored text: %d", res.Status)
				}
			})

			t.Run("OtherUser/NothingShown", func(t *testing.T) {
				browser := env.NewClient()
				form := discussionForm("1", due)
				form.Set("question", "Een vraag die alleen de voorzitter typte.")
				form.Set("_draft", openForm(browser, demo.UserCoordinator))
				expire()
				if res := browser.Post(page+"/discussion", form); res.Location != "/login" {
					t.Fatalf("save after the time-out: %d → %q", res.Status, res.Location)
				}
				res := browser.LoginAs(demo.UserGGD)
				if res.Location != "/" {
					t.Errorf("another user lands on %q, want the start page", res.Location)
				}
				if got := browser.Get(page); strings.Contains(got.Body, "alleen de voorzitter typte") ||
					strings.Contains(got.Body, "staat weer in het formulier") {
					t.Error("another user on the same browser sees the chair's draft")
				}
			})

			t.Run("ForgedToken/NothingKept", func(t *testing.T) {
				c := env.NewClient()
				form := typed
				form.Set("_draft", "bm90IGEgdG9rZW4")
				res := c.Post(page+"/discussion", form)
				if res.Status != http.StatusUnauthorized {
					t.Errorf("a POST without a session or a good token: %d, want 401", res.Status)
				}
				if got := c.Get("/login"); strings.Contains(got.Body, "Wat je typte is bewaard") {
					t.Error("a forged token kept a draft")
				}
			})
		})
	}
}
