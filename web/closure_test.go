package web_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"casus"
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

// TestCloseRefusedKeepsText: the coordinator writes her closing note for
// Lotte's ZAT case but forgets the reason. The answer is the student page
// again (400), the close form open with her note in it and the reason
// marked — not an error page that loses what she typed.
func TestCloseRefusedKeepsText(t *testing.T) {
	t.Parallel()
	for _, engine := range storagetest.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			env := webtest.Start(t, engine, webtest.Options{})
			zat := consentMatrixIDs(t, env)["{lotte_zat}"]
			coord := env.NewClient()
			coord.Login(demo.UserCoordinator)
			note := "Verzuim onder 5 %, schuldregeling getekend & stage hervat."
			res := coord.Post("/cases/"+zat+"/close", url.Values{"reason": {""}, "note": {note}})
			if res.Status != http.StatusBadRequest {
				t.Fatalf("closing without a reason: %d, want 400", res.Status)
			}
			if !strings.Contains(res.Body, ">Verzuim onder 5 %, schuldregeling getekend &amp; stage hervat.</textarea>") {
				t.Errorf("the refused close form lost the note")
			}
			if !regexp.MustCompile(`<details class="casus-details" open><summary>Casus afsluiten`).MatchString(res.Body) {
				t.Errorf("the refused close form is not open on the page")
			}
			if !strings.Contains(res.Body, `id="reason-`+zat+`" aria-invalid="true"`) && !strings.Contains(res.Body, `id="reason-`+zat+`-error"`) {
				t.Errorf("the reason is not marked as the field to fix")
			}
			if n := env.Count(`SELECT COUNT(*) FROM case_closures WHERE case_id = $1`, zat); n != 0 {
				t.Errorf("%d closure events after a refusal, want 0", n)
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

// actionEnds finds the close forms' choices for open actions on a student
// page and sets each to end.
func actionEnds(page, end string) url.Values {
	v := url.Values{}
	for _, m := range regexp.MustCompile(`name="(action_[^"]+)"`).FindAllStringSubmatch(page, -1) {
		v.Set(m[1], end)
	}
	return v
}

// TestHandOverToZAT: Lotte's intern zorgteam case has a bridging action of
// the taakdocent zorg while the ZAT takes her case up. Closing the intern
// case as taken over by the ZAT asks no goal outcomes but does ask what
// becomes of the action: without a choice, or carried over on another
// reason, nothing is written. Handed over, the action goes on in the ZAT
// case and stays on the taakdocent's task list, with the closing note in
// its history.
func TestHandOverToZAT(t *testing.T) {
	t.Parallel()
	for _, engine := range storagetest.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			env := webtest.Start(t, engine, webtest.Options{})
			acceptedAtZAT(t, env)
			lotte := env.StudentID(demo.LotteNumber)
			intern, zat := openCase(t, env, lotte, "intern"), openCase(t, env, lotte, "zat")
			coord := env.NewClient()
			coord.Login(demo.UserCoordinator)
			taakdocent := env.UserID(demo.UserCareContact)
			if res := coord.Post("/students/"+lotte+"/actions", url.Values{"case": {intern}, "owner": {taakdocent},
				"description": {"Wekelijks gesprek tot het ZAT start"}, "due_on": {env.Clock.Now().In(casus.Amsterdam).AddDate(0, 0, 21).Format(time.DateOnly)}}); res.Status != http.StatusSeeOther {
				t.Fatalf("bridging action: %d: %s", res.Status, res.Body)
			}
			var action string
			if err := env.SQL().QueryRow(`SELECT CAST(id AS TEXT) FROM actions WHERE description = 'Wekelijks gesprek tot het ZAT start'`).Scan(&action); err != nil {
				t.Fatal(err)
			}
			page := coord.Get("/students/" + lotte).Body
			if !strings.Contains(page, `name="action_`+action+`"`) || !strings.Contains(page, `value="transfer" checked`) {
				t.Errorf("the close form does not offer to hand the action over (by default)")
			}
			closing := func(reason, end string) url.Values {
				v := url.Values{"reason": {reason}, "note": {"Het ZAT neemt de casus over; het wekelijks gesprek loopt door."}}
				if end != "" {
					v.Set("action_"+action, end)
				}
				return v
			}
			before := env.Snapshot("sessions", "access_log", "access_log_head")
			for _, c := range []struct {
				form url.Values
				want string
			}{
				{closing("zat", ""), "Kies wat er met actie 1 gebeurt."},
				{closing("solved", "transfer"), "Actie 1 kan alleen worden overgedragen als de casus wordt afgesloten omdat het ZAT hem overneemt."},
			} {
				if res := coord.Post("/cases/"+intern+"/close", c.form); res.Status != http.StatusBadRequest || !strings.Contains(res.Body, c.want) {
					t.Errorf("%v: %d, want 400 saying %q", c.form, res.Status, c.want)
				}
			}
			if diff := webtest.Changed(before, env.Snapshot("sessions", "access_log", "access_log_head")); len(diff) > 0 {
				t.Errorf("refused closings changed %v", diff)
			}
			if res := coord.Post("/cases/"+intern+"/close", closing("zat", "transfer")); res.Status != http.StatusSeeOther {
				t.Fatalf("hand over to the ZAT: %d: %s", res.Status, res.Body)
			}
			if n := env.Count(`SELECT COUNT(*) FROM actions WHERE id = $1 AND case_id = $2 AND status = 'open'`, action, zat); n != 1 {
				t.Errorf("the action does not go on, open, in the ZAT case")
			}
			if n := env.Count(`SELECT COUNT(*) FROM action_updates WHERE action_id = $1 AND note LIKE 'Het ZAT neemt de casus over%'`, action); n != 1 {
				t.Errorf("the hand-over is not in the action's history")
			}
			owner := env.NewClient()
			owner.Login(demo.UserCareContact)
			if tasks := owner.Get("/tasks").Body; !strings.Contains(tasks, "Wekelijks gesprek tot het ZAT start") {
				t.Errorf("the handed-over action left the taakdocent's task list")
			}
		})
	}
}

// TestRouteFollowsTheWork: Lotte's care-route step moves with the teams'
// decisions. Her case escalated to the ZAT and accepted there puts her at
// the ZAT step; closing the ZAT case while the intern zorgteam's is still
// open brings her back to the intern step; closing that one as solved
// brings her back to basic guidance. Each step is recorded as made by the
// decision, and the care-route page says so in words.
func TestRouteFollowsTheWork(t *testing.T) {
	t.Parallel()
	for _, engine := range storagetest.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			env := webtest.Start(t, engine, webtest.Options{})
			lotte := env.StudentID(demo.LotteNumber)
			step := func() string {
				var to string
				if err := env.SQL().QueryRow(`SELECT to_step FROM route_events WHERE student_id = $1 ORDER BY seq DESC LIMIT 1`, lotte).Scan(&to); err != nil {
					t.Fatal(err)
				}
				return to
			}
			acceptedAtZAT(t, env)
			if s := step(); s != "zat" {
				t.Fatalf("after escalation and acceptance at the ZAT: step %s, want zat", s)
			}
			coord := env.NewClient()
			coord.Login(demo.UserCoordinator)
			closeCase := func(kind string) {
				t.Helper()
				id := openCase(t, env, lotte, kind)
				page := coord.Get("/students/" + lotte).Body
				form := actionEnds(page, "done")
				for _, m := range regexp.MustCompile(`name="(outcome_[^"]+)"`).FindAllStringSubmatch(page, -1) {
					form.Set(m[1], "achieved")
				}
				form.Set("reason", "solved")
				form.Set("note", "Het gaat goed met Lotte.")
				if res := coord.Post("/cases/"+id+"/close", form); res.Status != http.StatusSeeOther {
					t.Fatalf("close the %s case: %d: %s", kind, res.Status, res.Body)
				}
			}
			closeCase("zat")
			if s := step(); s != "intern" {
				t.Errorf("after closing the ZAT case with the intern case open: step %s, want intern", s)
			}
			closeCase("intern")
			if s := step(); s != "basic" {
				t.Errorf("after closing the last case as solved: step %s, want basic", s)
			}
			if n := env.Count(`SELECT COUNT(*) FROM route_events WHERE student_id = $1 AND reason = 'route.auto.closed' AND by_id = $2`,
				lotte, env.UserID(demo.UserCoordinator)); n != 2 {
				t.Errorf("%d steps recorded as made by a closing, want 2", n)
			}
			if page := coord.Get("/students/" + lotte + "/route").Body; !strings.Contains(page, "Vanzelf: een casus is afgesloten.") {
				t.Errorf("the care-route page does not say the step followed a closing")
			}
		})
	}
}

// openCase returns the student's open case at a team of kind ("intern" or
// "zat").
func openCase(t *testing.T, env *webtest.Env, studentID, kind string) string {
	t.Helper()
	var id string
	if err := env.SQL().QueryRow(`SELECT CAST(c.id AS TEXT) FROM cases c JOIN care_teams t ON t.id = c.team_id
		WHERE c.student_id = $1 AND t.kind = $2 AND c.status = 'open'`, studentID, kind).Scan(&id); err != nil {
		t.Fatalf("the student's open %s case: %v", kind, err)
	}
	return id
}
