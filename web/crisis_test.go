package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"casus"
	"casus/demo"
	"casus/storage"
	"casus/storage/storagetest"
	"casus/web/webtest"
)

func amsterdam(y int, m time.Month, d, h, min int) time.Time {
	return time.Date(y, m, d, h, min, 0, 0, casus.Amsterdam)
}

// teamID returns the id of the demo team with the name.
func teamID(t *testing.T, env *webtest.Env, name string) string {
	t.Helper()
	var id string
	if err := env.SQL().QueryRow(`SELECT CAST(id AS TEXT) FROM care_teams WHERE name = $1`, name).Scan(&id); err != nil {
		t.Fatalf("team %s: %v", name, err)
	}
	return id
}

// crisisForm is a complete crisis form for the team.
func crisisForm(team string) url.Values {
	return url.Values{"team": {team}, "kind": {"crisis"}, "occurred_on": {"2026-11-17"}, "occurred_at": {"08:30"},
		"happened": {"Lotte vertelde in de pauze dat ze niet naar huis durft."},
		"called":   {"Veilig Thuis (advies), moeder"}, "agreed": {"Lotte slaapt deze week bij haar tante; SMW belt morgen."},
		"agreed_by": {"Marieke Vermeer met Veilig Thuis"}}
}

// TestCrisisOnNextAgenda: on Tuesday 17 November 2026 — a week without a
// meeting of the intern zorgteam, which meets every other Tuesday — the
// zorgcoördinator records a crisis of Lotte. It is on the agenda of the
// team's next meeting, Tuesday 24 November at 14:00, marked late (that
// agenda went out that morning), and Lotte's page says so. The record and
// each view are in the access log.
func TestCrisisOnNextAgenda(t *testing.T) {
	t.Parallel()
	for _, engine := range storagetest.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			env := webtest.Start(t, engine, webtest.Options{})
			intern, zat := teamID(t, env, demo.TeamMBOIntern), teamID(t, env, demo.TeamMBOZAT)
			err := env.DB.Update(context.Background(), func(tx *storage.Tx) error {
				return tx.SetRecurrence(context.Background(), intern,
					casus.Recurrence{First: amsterdam(2026, 9, 1, 14, 0), EveryWeeks: 2, Duration: 90 * time.Minute}, "B1.12")
			})
			if err != nil {
				t.Fatal(err)
			}
			env.Clock.Set(amsterdam(2026, 11, 17, 11, 0))
			lotte := env.StudentID(demo.LotteNumber)
			c := env.NewClient()
			c.Login(demo.UserCoordinator)
			if res := c.Get("/students/" + lotte); !strings.Contains(res.Body, `href="/students/`+lotte+`/crisis"`) {
				t.Fatalf("no crisis link on the student page for the coordinator (%d)", res.Status)
			}
			form := c.Get("/students/" + lotte + "/crisis")
			if form.Status != http.StatusOK || !strings.Contains(form.Body, `value="`+zat+`" checked`) {
				t.Fatalf("crisis form: %d, want the ZAT preselected", form.Status)
			}

			res := c.Post("/students/"+lotte+"/crisis", crisisForm(intern))
			if res.Status != http.StatusSeeOther || res.Location != "/students/"+lotte+"?crisis=1#agenda" {
				t.Fatalf("record crisis: %d → %q: %s", res.Status, res.Location, res.Body)
			}
			var starts time.Time
			var late bool
			if err := env.SQL().QueryRow(`SELECT m.starts_at, a.late FROM agenda_items a JOIN meetings m ON m.id = a.meeting_id
				JOIN cases c ON c.id = a.case_id WHERE c.student_id = $1 AND a.kind = 'crisis'`, lotte).Scan(&starts, &late); err != nil {
				t.Fatalf("crisis agenda item: %v", err)
			}
			if !starts.Equal(amsterdam(2026, 11, 24, 14, 0)) || !late {
				t.Errorf("crisis on the meeting of %v (late %v), want Tuesday 24 November 14:00, late", starts.In(casus.Amsterdam), late)
			}
			page := c.Get(res.Location)
			for _, want := range []string{"De crisis is vastgelegd", "24 november 2026 14:00", "crisis, bespreken achteraf", "(laat toegevoegd)"} {
				if !strings.Contains(page.Body, want) {
					t.Errorf("student page after the crisis lacks %q", want)
				}
			}
			if n := env.Count(`SELECT COUNT(*) FROM access_log WHERE student_id = $1 AND action = 'create' AND object_kind = 'crisis'
				AND outcome = 'granted' AND relation = 'coordinator'`, lotte); n != 1 {
				t.Errorf("%d access-log entries for recording the crisis, want 1", n)
			}
			if n := env.Count(`SELECT COUNT(*) FROM crises WHERE student_id = $1 AND called = $2`, lotte, "Veilig Thuis (advies), moeder"); n != 1 {
				t.Errorf("%d crises stored, want 1", n)
			}

			// The team discusses it afterwards: the item's discussion page
			// tells what happened, who was called and what was agreed,
			// before the chair writes a word.
			var meeting, item string
			if err := env.SQL().QueryRow(`SELECT CAST(a.meeting_id AS TEXT), CAST(a.id AS TEXT) FROM agenda_items a
				JOIN cases c ON c.id = a.case_id WHERE c.student_id = $1 AND a.kind = 'crisis'`, lotte).Scan(&meeting, &item); err != nil {
				t.Fatal(err)
			}
			disc := c.Get("/meetings/" + meeting + "/items/" + item)
			for _, want := range []string{"De crisis van 17 november 2026 08:30", "Wat is er gebeurd?",
				"Lotte vertelde in de pauze dat ze niet naar huis durft.", "Veilig Thuis (advies), moeder",
				"Lotte slaapt deze week bij haar tante", "Vastgelegd door Marieke Vermeer"} {
				if !strings.Contains(disc.Body, want) {
					t.Errorf("discussion page of the crisis (%d) lacks %q", disc.Status, want)
				}
			}
		})
	}
}

// TestCrisisRefused: bad input gets a Dutch message and changes nothing;
// users who may not record a crisis get "not found", logged as denied.
func TestCrisisRefused(t *testing.T) {
	t.Parallel()
	env := webtest.Start(t, storage.SQLite, webtest.Options{})
	env.Clock.Set(amsterdam(2026, 11, 17, 11, 0))
	intern := teamID(t, env, demo.TeamMBOIntern)
	lotte, daan := env.StudentID(demo.LotteNumber), env.StudentID(demo.DaanNumber)
	demoCrises := env.Count(`SELECT COUNT(*) FROM crises`) // Milan's, from the demo
	c := env.NewClient()
	c.Login(demo.UserCoordinator)
	with := func(k, v string) url.Values { f := crisisForm(intern); f.Set(k, v); return f }
	for _, tc := range []struct {
		name string
		form url.Values
		want string
	}{
		{"future", with("occurred_at", "12:00"), "Dit tijdstip ligt in de toekomst"},
		{"too old", with("occurred_on", "2026-09-01"), "uiterlijk 30 dagen later"},
		{"bad time", with("occurred_at", "25:61"), "Vul een tijd in als uu:mm"},
		{"nothing of what happened", with("happened", ""), "Vul dit veld in."},
		{"no one called", with("called", ""), "Vul dit veld in."},
		{"other school's team", with("team", teamID(t, env, demo.TeamPOIntern)), "Kies een van de mogelijkheden."},
		{"markup in agreed by", with("agreed_by", "<script>x</script>"), ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := env.Snapshot("sessions", "access_log", "access_log_head")
			res := c.Post("/students/"+lotte+"/crisis", tc.form)
			if res.Status != http.StatusBadRequest || (tc.want != "" && !strings.Contains(res.Body, tc.want)) {
				t.Errorf("status %d, want 400 with %q", res.Status, tc.want)
			}
			if strings.Contains(res.Body, "<script>x") {
				t.Error("markup echoed unescaped")
			}
			if changed := webtest.Changed(before, env.Snapshot("sessions", "access_log", "access_log_head")); len(changed) > 0 {
				t.Errorf("refused input changed %v", changed)
			}
		})
	}
	for _, tc := range []struct{ user, student string }{
		{demo.UserMentor, lotte}, {demo.UserGGD, lotte}, {demo.UserManagement, lotte}, {demo.UserCoordinator, daan},
	} {
		u := env.NewClient()
		u.Login(tc.user)
		before := env.Count(`SELECT COUNT(*) FROM access_log WHERE outcome = 'denied' AND user_id = $1 AND student_id = $2`,
			env.UserID(tc.user), tc.student)
		if res := u.Post("/students/"+tc.student+"/crisis", crisisForm(intern)); res.Status != http.StatusNotFound {
			t.Errorf("%s records a crisis: %d, want 404", tc.user, res.Status)
		}
		if after := env.Count(`SELECT COUNT(*) FROM access_log WHERE outcome = 'denied' AND user_id = $1 AND student_id = $2`,
			env.UserID(tc.user), tc.student); after != before+1 {
			t.Errorf("%s: denial not logged", tc.user)
		}
	}
	if n := env.Count(`SELECT COUNT(*) FROM crises`) - demoCrises; n != 0 {
		t.Errorf("%d crises stored by refused requests", n)
	}
}
