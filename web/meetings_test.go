package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"casus"
	"casus/demo"
	"casus/storage/storagetest"
	"casus/web/webtest"
)

// meetingsMatrixIDs finds the mbo ZAT (chaired by the coordinator) and the
// meeting its demo crisis is on.
func meetingsMatrixIDs(t *testing.T, env *webtest.Env) map[string]string {
	t.Helper()
	zat := teamID(t, env, demo.TeamMBOZAT)
	var meeting string // the next: Noor's (demo E) was weeks ago
	if err := env.SQL().QueryRow(`SELECT CAST(id AS TEXT) FROM meetings WHERE team_id = $1 AND starts_at > $2 ORDER BY starts_at LIMIT 1`,
		zat, env.Clock.Now().UTC()).Scan(&meeting); err != nil {
		t.Fatalf("a stored meeting of the mbo ZAT: %v", err)
	}
	return map[string]string{"{team:zat}": zat, "{meeting:zat}": meeting}
}

// meetingsMatrix: only the chair plans; every other member of staff is
// forbidden (the team page is open to them, so the team is no secret).
// Forms are invalid, or the meeting unknown, so no cell changes anything.
func meetingsMatrix() map[string][]cell {
	chair := func(path string, form url.Values, want int) []cell {
		return byUser(path, form, forbid, map[string]int{anon: unauth, demo.UserCoordinator: want})
	}
	// others: everybody but the chair, who would really cancel.
	others := func(path string, form url.Values) []cell {
		var cs []cell
		for _, c := range byUser(path, form, forbid, map[string]int{anon: unauth}) {
			if c.user != demo.UserCoordinator {
				cs = append(cs, c)
			}
		}
		return cs
	}
	return map[string][]cell{
		"POST /teams/{id}/rhythm": chair("/teams/{team:zat}/rhythm", url.Values{"pattern": {"nope"}}, bad),
		"POST /teams/{id}/meetings/{meeting}/cancel": append(others("/teams/{team:zat}/meetings/{meeting:zat}/cancel", url.Values{}),
			cell{user: demo.UserCoordinator, relation: "chair (no such meeting)", path: "/teams/{team:zat}/meetings/{unknown}/cancel",
				form: url.Values{}, want: notFound}),
		"POST /teams/{id}/meetings/{meeting}/move": chair("/teams/{team:zat}/meetings/{meeting:zat}/move", url.Values{"move_on": {""}}, bad),
	}
}

// TestMeetingPlanning: the zorgcoördinator sets the intern zorgteam's
// rhythm to every three weeks (too rare: a warning), then every other week;
// the page lists the coming meetings; one is cancelled and one moved, and
// the list follows. Others cannot plan.
func TestMeetingPlanning(t *testing.T) {
	t.Parallel()
	for _, engine := range storagetest.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			env := webtest.Start(t, engine, webtest.Options{})
			env.Clock.Set(time.Date(2026, 11, 23, 9, 0, 0, 0, casus.Amsterdam)) // a Monday
			intern := teamID(t, env, demo.TeamMBOIntern)
			c := env.NewClient()
			c.Login(demo.UserCoordinator)
			rhythm := url.Values{"first_on": {"2026-11-24"}, "first_at": {"14:00"}, "pattern": {"weeks"}, "every_weeks": {"3"},
				"month_week": {"1"}, "duration": {"90"}, "location": {"Lokaal B1.12"}}
			if res := c.Post("/teams/"+intern+"/rhythm", rhythm); res.Status != http.StatusSeeOther {
				t.Fatalf("set rhythm: %d: %s", res.Status, res.Body)
			}
			page := c.Get("/teams/" + intern)
			for _, want := range []string{"Elke 3 weken op dinsdag om 14:00, 90 minuten", "Dit ritme is te laag", "24 november 2026 14:00", "15 december 2026 14:00"} {
				if !strings.Contains(page.Body, want) {
					t.Errorf("team page lacks %q", want)
				}
			}
			// The agenda goes out three working days ahead instead of five;
			// eleven is refused with a Dutch message and changes nothing.
			rhythm.Set("send_days", "11")
			if res := c.Post("/teams/"+intern+"/rhythm", rhythm); res.Status != http.StatusBadRequest ||
				!strings.Contains(res.Body, `value="11"`) {
				t.Errorf("eleven send-ahead days: %d, want 400 with the typed value kept", res.Status)
			}
			rhythm.Set("every_weeks", "2")
			rhythm.Set("send_days", "3")
			c.Post("/teams/"+intern+"/rhythm", rhythm)
			page = c.Get("/teams/" + intern)
			if n := env.Count(`SELECT send_days FROM care_teams WHERE id = $1`, intern); n != 3 || !strings.Contains(page.Body, "agenda 3 werkdagen vooraf") {
				t.Errorf("send-ahead days %d after saving 3; the page says: %s", n, pageText(page.Body))
			}
			if strings.Contains(page.Body, "Dit ritme is te laag") || !strings.Contains(page.Body, "8 december 2026 14:00") {
				t.Errorf("every other week: warning shown or 8 December missing: %s", pageText(page.Body))
			}
			var first, second string
			if err := env.SQL().QueryRow(`SELECT CAST(id AS TEXT) FROM meetings WHERE team_id = $1 AND status = 'planned' AND starts_at > $2
				ORDER BY starts_at LIMIT 1`, intern, env.Clock.Now().UTC()).Scan(&first); err != nil {
				t.Fatal(err)
			}
			if res := c.Post("/teams/"+intern+"/meetings/"+first+"/cancel", url.Values{}); res.Status != http.StatusSeeOther {
				t.Fatalf("cancel: %d", res.Status)
			}
			if err := env.SQL().QueryRow(`SELECT CAST(id AS TEXT) FROM meetings WHERE team_id = $1 AND status = 'planned' AND starts_at > $2
				ORDER BY starts_at LIMIT 1`, intern, env.Clock.Now().UTC()).Scan(&second); err != nil {
				t.Fatal(err)
			}
			if res := c.Post("/teams/"+intern+"/meetings/"+second+"/move", url.Values{"move_on": {"2026-12-10"}, "move_at": {"09:30"}}); res.Status != http.StatusSeeOther {
				t.Fatalf("move: %d: %s", res.Status, res.Body)
			}
			page = c.Get("/teams/" + intern)
			if strings.Contains(page.Body, "24 november 2026 14:00") || !strings.Contains(page.Body, "10 december 2026 09:30") ||
				strings.Contains(page.Body, "8 december 2026 14:00") {
				t.Errorf("after cancelling 24 November and moving 8 December to 10 December 09:30 the list is wrong: %s", pageText(page.Body))
			}
			if res := c.Post("/teams/"+intern+"/meetings/"+second+"/move", url.Values{"move_on": {"2026-11-01"}, "move_at": {"09:30"}}); res.Status != http.StatusBadRequest ||
				!strings.Contains(res.Body, "Kies een moment in de toekomst.") {
				t.Errorf("move into the past: %d", res.Status)
			}
			m := env.NewClient()
			m.Login(demo.UserMentor)
			if res := m.Post("/teams/"+intern+"/rhythm", rhythm); res.Status != http.StatusForbidden {
				t.Errorf("mentor sets the rhythm: %d, want 403", res.Status)
			}
			if strings.Contains(m.Get("/teams/"+intern).Body, `action="/teams/`+intern+`/rhythm"`) {
				t.Errorf("the mentor is offered the planning form")
			}
		})
	}
}
