package web_test

import (
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"casus"

	"casus/demo"
	"casus/storage/storagetest"
	"casus/web/webtest"
)

var caseloadRowRE = regexp.MustCompile(`<tr class="utrecht-table__row">\s*<td class="utrecht-table__cell"><a class="utrecht-link" href="/students/([0-9a-f-]+)">([^<]*)</a>`)

// TestCaseload: the chair of the mbo ZAT opens the team's caseload and
// finds every open case of the team, by name, with its step, consent and
// next evaluation, each row logged; the police, on call and invited only
// for Milan, sees Milan and no one else; a mentor outside the team is
// refused.
func TestCaseload(t *testing.T) {
	t.Parallel()
	for _, engine := range storagetest.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			env := webtest.Start(t, engine, webtest.Options{})
			var zat string
			if err := env.SQL().QueryRow(`SELECT CAST(id AS TEXT) FROM care_teams WHERE name = $1`, demo.TeamMBOZAT).Scan(&zat); err != nil {
				t.Fatal(err)
			}
			open := env.Count(`SELECT COUNT(*) FROM cases WHERE team_id = $1 AND status = 'open'`, zat)
			lotte, milan, noor := env.StudentID(demo.LotteNumber), env.StudentID(demo.CrisisNumber), env.StudentID(demo.FollowUpNumber)
			rows := func(body string) []string {
				var ids []string
				for _, m := range caseloadRowRE.FindAllStringSubmatch(body, -1) {
					ids = append(ids, m[1])
				}
				return ids
			}
			t.Run("OK/ChairSeesEveryOpenCase", func(t *testing.T) {
				coord := env.NewClient()
				coord.Login(demo.UserCoordinator)
				res := coord.Get("/teams/" + zat + "/cases")
				if res.Status != http.StatusOK {
					t.Fatalf("caseload: %d", res.Status)
				}
				ids := rows(res.Body)
				if len(ids) != open || open < 3 || !slices.Contains(ids, lotte) || !slices.Contains(ids, milan) || !slices.Contains(ids, noor) {
					t.Errorf("the chair's caseload lists %d of %d open cases, want all with Lotte, Milan and Noor", len(ids), open)
				}
				for _, want := range []string{"Lotte Verhagen", "Zorg- en adviesteam (ZAT)", "Toestemming", "Volgende evaluatie", "Casusregisseur"} {
					if !strings.Contains(res.Body, want) {
						t.Errorf("the caseload lacks %q", want)
					}
				}
				if n := env.Count(`SELECT COUNT(*) FROM access_log WHERE user_id = $1 AND purpose = 'team caseload' AND outcome = 'granted'`,
					env.UserID(demo.UserCoordinator)); n != open {
					t.Errorf("%d caseload rows logged, want %d", n, open)
				}
				for _, id := range ids {
					if res := coord.Get("/students/" + id); res.Status != http.StatusOK {
						t.Errorf("a caseload row's student answers %d", res.Status)
					}
				}
			})
			t.Run("OK/OnCallSeesOnlyWhatTheyMay", func(t *testing.T) {
				police := env.NewClient()
				police.Login(demo.UserPolice)
				res := police.Get("/teams/" + zat + "/cases")
				if ids := rows(res.Body); res.Status != http.StatusOK || !slices.Equal(ids, []string{milan}) {
					t.Errorf("the police's caseload: %d, %d rows; want Milan alone", res.Status, len(ids))
				}
			})
			t.Run("OK/TeamActionsOverdue", func(t *testing.T) {
				coord := env.NewClient()
				coord.Login(demo.UserCoordinator)
				due := env.Clock.Now().In(casus.Amsterdam).AddDate(0, 0, 7).Format(time.DateOnly)
				if res := coord.Post("/students/"+lotte+"/actions", url.Values{"case": {openCase(t, env, lotte, "zat")},
					"owner": {env.UserID(demo.UserGGD)}, "description": {"Intake plannen"}, "due_on": {due}}); res.Status != http.StatusSeeOther {
					t.Fatalf("agree an action: %d", res.Status)
				}
				chaired := `SELECT team_id FROM team_members WHERE user_id = $1 AND chair`
				overdue := env.Count(`SELECT COUNT(*) FROM actions a JOIN cases c ON c.id = a.case_id WHERE a.status IN ('open', 'in_progress')
					AND c.status = 'open' AND a.due_on < $2 AND c.team_id IN (`+chaired+`)`, env.UserID(demo.UserCoordinator), env.Clock.Now().UTC())
				open := env.Count(`SELECT COUNT(*) FROM actions a JOIN cases c ON c.id = a.case_id WHERE a.status IN ('open', 'in_progress')
					AND c.status = 'open' AND c.team_id IN (`+chaired+`)`, env.UserID(demo.UserCoordinator))
				late := coord.Get("/tasks?view=team&overdue=1")
				all := coord.Get("/tasks?view=team")
				if n := strings.Count(late.Body, `<section class="casus-entry"`); late.Status != http.StatusOK || n != overdue || overdue == 0 {
					t.Errorf("the chair's overdue team actions: %d, %d listed, want %d", late.Status, n, overdue)
				}
				if n := strings.Count(all.Body, `<section class="casus-entry"`); n != open || open <= overdue {
					t.Errorf("the chair's open team actions: %d listed, want %d (more than the overdue)", n, open)
				}
				if !strings.Contains(late.Body, "Noor Bakker") || !strings.Contains(late.Body, "te laat") && !strings.Contains(late.Body, "over tijd") {
					t.Errorf("the overdue list does not name Noor or say the actions are late")
				}
				mentor := env.NewClient()
				mentor.Login(demo.UserMentor)
				if res := mentor.Get("/tasks?view=team"); res.Status != http.StatusOK || strings.Contains(res.Body, `<section class="casus-entry"`) {
					t.Errorf("a mentor, who chairs nothing, sees team actions: %d", res.Status)
				}
			})
			t.Run("Refused/NotInTheTeam", func(t *testing.T) {
				mentor := env.NewClient()
				mentor.Login(demo.UserMentor)
				if res := mentor.Get("/teams/" + zat + "/cases"); res.Status != http.StatusForbidden || strings.Contains(res.Body, "Lotte") {
					t.Errorf("a mentor outside the team: %d", res.Status)
				}
			})
		})
	}
}
