package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"casus/demo"
	"casus/jobs"
	"casus/storage/storagetest"
	"casus/web/webtest"
)

// closureMatrix: only the zorgcoördinator closes and reopens; the forms are
// empty, so the coordinator gets 400 and nothing changes.
func closureMatrix() map[string][]cell {
	cells := func(path string) []cell {
		form := url.Values{"reason": {""}}
		c := func(user, rel string, want int) cell {
			x := cell{user: user, relation: rel, path: path, form: form, want: want}
			if want == notFound {
				x.denied = "lotte"
			}
			return x
		}
		return []cell{
			{user: anon, relation: "none", path: path, form: form, want: unauth},
			c(demo.UserCoordinator, "coordinator", bad),
			c(demo.UserCareContact, "care_contact", notFound),
			c(demo.UserMentor, "mentor", notFound),
			c(demo.UserGGD, "team_member", notFound),
			c(demo.UserManagement, "none (management)", notFound),
			c(demo.UserAdmin, "none (beheerder)", notFound),
		}
	}
	return map[string][]cell{
		"POST /cases/{id}/close":  cells("/cases/{lotte_zat}/close"),
		"POST /cases/{id}/reopen": cells("/cases/{lotte_zat}/reopen"),
		// Only the team's chair puts a case on an agenda; the form names no meeting.
		"POST /cases/{id}/agenda": byUser("/cases/{lotte_zat}/agenda", url.Values{"meeting": {""}}, notFound,
			map[string]int{anon: unauth, demo.UserCoordinator: bad, demo.UserCareContact: forbid, demo.UserMentor: forbid, demo.UserGGD: forbid}),
		// Lotte's case has no aftercare yet: not found for everyone.
		"GET /cases/{id}/aftercare":  byUser("/cases/{lotte_zat}/aftercare", nil, notFound, map[string]int{anon: redirect}),
		"POST /cases/{id}/aftercare": byUser("/cases/{lotte_zat}/aftercare", url.Values{"respondent": {""}}, notFound, map[string]int{anon: unauth}),
	}
}

// TestCloseAndReopen: the coordinator closes Lotte's ZAT case as solved;
// the GGZ partner, who knew her only through that case, loses access at
// once. Reopened with a reason, the access returns. Both are in the case's
// history and the access log.
func TestCloseAndReopen(t *testing.T) {
	t.Parallel()
	for _, engine := range storagetest.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			env := webtest.Start(t, engine, webtest.Options{})
			lotte := env.StudentID(demo.LotteNumber)
			zat := consentMatrixIDs(t, env)["{lotte_zat}"]
			ggz := env.NewClient()
			ggz.Login("ggz")
			if res := ggz.Get("/students/" + lotte); res.Status != http.StatusOK {
				t.Fatalf("GGZ before closure: %d", res.Status)
			}
			coord := env.NewClient()
			coord.Login(demo.UserCoordinator)
			if res := coord.Post("/cases/"+zat+"/close", url.Values{"reason": {"solved"}, "note": {""}}); res.Status != http.StatusBadRequest {
				t.Errorf("closing without an evaluation: %d, want 400", res.Status)
			}
			res := coord.Post("/cases/"+zat+"/close", url.Values{"reason": {"solved"}, "note": {"Verzuim onder 5 %, schuldregeling getekend."}})
			if res.Status != http.StatusSeeOther {
				t.Fatalf("close: %d: %s", res.Status, res.Body)
			}
			if page := coord.Get(res.Location).Body; !strings.Contains(page, "De casus is afgesloten.") || !strings.Contains(page, "afgesloten") {
				t.Errorf("student page after closing lacks the notice")
			}
			if res := ggz.Get("/students/" + lotte); res.Status != http.StatusNotFound {
				t.Errorf("GGZ after closure: %d, want 404", res.Status)
			}
			if res := coord.Post("/cases/"+zat+"/close", url.Values{"reason": {"solved"}, "note": {"nog eens"}}); res.Status != http.StatusConflict {
				t.Errorf("closing a closed case: %d, want 409", res.Status)
			}
			if res := coord.Post("/cases/"+zat+"/reopen", url.Values{"reason": {"Thuissituatie opnieuw zorgelijk."}}); res.Status != http.StatusSeeOther {
				t.Fatalf("reopen: %d: %s", res.Status, res.Body)
			}
			if res := ggz.Get("/students/" + lotte); res.Status != http.StatusOK {
				t.Errorf("GGZ after reopening: %d, want 200", res.Status)
			}
			if n := env.Count(`SELECT COUNT(*) FROM case_closures WHERE case_id = $1`, zat); n != 2 {
				t.Errorf("%d closure events, want closed and reopened", n)
			}
			if n := env.Count(`SELECT COUNT(*) FROM access_log WHERE student_id = $1 AND object_kind = 'case' AND action = 'change' AND outcome = 'granted'`, lotte); n < 2 {
				t.Errorf("%d case changes logged, want at least 2", n)
			}
		})
	}
}

// TestAftercarePage: three months after the ZAT discussed Milan, the
// coordinator opens the aftercare task from the message and records what the
// care contact answered; the mentor cannot open it.
func TestAftercarePage(t *testing.T) {
	t.Parallel()
	for _, engine := range storagetest.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			env := webtest.Start(t, engine, webtest.Options{})
			milan := env.StudentID(demo.CrisisNumber)
			var zatCase string
			var starts time.Time
			if err := env.DB.ReadSQL().QueryRow(`SELECT CAST(a.case_id AS TEXT), m.starts_at FROM agenda_items a JOIN meetings m ON m.id = a.meeting_id
				JOIN cases c ON c.id = a.case_id WHERE c.student_id = $1`, milan).Scan(&zatCase, &starts); err != nil {
				t.Fatal(err)
			}
			env.Clock.Set(starts.AddDate(0, 3, 0).Add(time.Hour))
			// Milan's, and Noor's (demo E), discussed weeks earlier.
			if n, err := jobs.CreateAftercareTasks(context.Background(), env.DB); err != nil || n != 2 {
				t.Fatalf("aftercare tasks: %d, %v; want 2", n, err)
			}
			coord := env.NewClient()
			coord.Login(demo.UserCoordinator)
			if !strings.Contains(coord.Get("/messages").Body, `href="/cases/`+zatCase+`/aftercare"`) {
				t.Errorf("the chair has no message linking to the aftercare")
			}
			if res := coord.Get("/cases/" + zatCase + "/aftercare"); res.Status != http.StatusOK || !strings.Contains(res.Body, "Milan de Ridder") {
				t.Fatalf("aftercare page: %d", res.Status)
			}
			answer := url.Values{"respondent": {"care_contact"}, "goals_met": {"partly"}, "achieved": {"Milan woont weer thuis en komt op school."},
				"experience": {"Snel geschakeld, veel overleg."}}
			if res := coord.Post("/cases/"+zatCase+"/aftercare", answer); res.Status != http.StatusSeeOther {
				t.Fatalf("record answers: %d: %s", res.Status, res.Body)
			}
			if body := coord.Get("/cases/" + zatCase + "/aftercare").Body; !strings.Contains(body, "Milan woont weer thuis") || !strings.Contains(body, "deels") {
				t.Errorf("the answers are not shown")
			}
			mentor := env.NewClient()
			mentor.Login(demo.UserMentor)
			if res := mentor.Get("/cases/" + zatCase + "/aftercare"); res.Status != http.StatusNotFound {
				t.Errorf("mentor opens the aftercare: %d, want 404", res.Status)
			}
		})
	}
}
