package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"casus/demo"
	"casus/storage/storagetest"
	"casus/web/webtest"
)

// agendaMatrix: a meeting's agenda opens for the members of its team, fixed
// or on call; to anyone else it does not exist.
func agendaMatrix() map[string][]cell {
	return map[string][]cell{
		"GET /meetings/{id}": append(byUser("/meetings/{meeting:zat}", nil, notFound,
			map[string]int{anon: redirect, demo.UserCoordinator: ok, demo.UserGGD: ok, demo.UserPolice: ok}),
			cell{user: demo.UserCoordinator, relation: "none (no such meeting)", path: "/meetings/{unknown}", want: notFound}),
	}
}

// TestAgendaPerMember: Lotte's referral, accepted at the ZAT, lands on its
// next meeting beside Milan's crisis. The chair and the GGZ member see both
// by name; the police, on call and invited for Milan only, sees only Milan;
// the mentor, no member, gets not found. After Lotte withdraws her consent
// the GGZ member sees her item anonymously.
func TestAgendaPerMember(t *testing.T) {
	for _, engine := range storagetest.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			env := webtest.Start(t, engine, webtest.Options{})
			ids := consentMatrixIDs(t, env)
			intern := referralMatrixIDs(t, env)["{ref:lotte}"]
			// Fixture: the ZAT requires every part of the form.
			if _, err := env.SQL().Exec(`UPDATE referrals SET family_hindering = 'x', family_protective = 'x', question_student = 'x',
				question_parents = 'x', needs_education = 'x', needs_care = 'x', student_hindering = 'x', student_protective = 'x',
				school_hindering = 'x', school_protective = 'x', done_before = 'x', done_result = 'x' WHERE id = $1`, intern); err != nil {
				t.Fatal(err)
			}
			coord := env.NewClient()
			coord.Login(demo.UserCoordinator)
			res := coord.Post("/referrals/"+intern+"/escalate", url.Values{"version": {version(t, env, intern)},
				"team": {teamID(t, env, demo.TeamMBOZAT)}, "section": {"0", "1", "2", "3", "4", "5", "6"}})
			zatRef := strings.TrimSuffix(strings.TrimPrefix(res.Location, "/referrals/"), "?done=escalated")
			if res := coord.Post("/referrals/"+zatRef+"/decision", url.Values{"decision": {"accept"}, "version": {version(t, env, zatRef)}}); res.Status != http.StatusSeeOther {
				t.Fatalf("accept at the ZAT: %d", res.Status)
			}
			meeting := meetingsMatrixIDs(t, env)["{meeting:zat}"]
			if n := env.Count(`SELECT COUNT(*) FROM agenda_items WHERE meeting_id = $1 AND kind = 'referral' AND source_id = $2`, meeting, zatRef); n != 1 {
				t.Fatalf("the accepted referral is on the next meeting's agenda %d times, want once", n)
			}
			agenda := func(user string) webtest.Response {
				c := env.NewClient()
				c.Login(user)
				return c.Get("/meetings/" + meeting)
			}
			for _, user := range []string{demo.UserCoordinator, "ggz"} {
				if body := agenda(user).Body; !strings.Contains(body, "Lotte Verhagen") || !strings.Contains(body, "Milan de Ridder") {
					t.Errorf("%s: agenda lacks Lotte or Milan", user)
				}
			}
			police := agenda(demo.UserPolice)
			if !strings.Contains(police.Body, "Milan de Ridder") || strings.Contains(police.Body, "Lotte") {
				t.Errorf("police (invited for Milan only) sees the wrong items")
			}
			if res := agenda(demo.UserMentor); res.Status != http.StatusNotFound {
				t.Errorf("mentor opens the ZAT agenda: %d, want 404", res.Status)
			}
			coord.Post("/cases/"+ids["{lotte_zat}"]+"/consent/"+ids["{lotte_consent}"]+"/withdraw", url.Values{"reason": {"ingetrokken"}})
			body := agenda("ggz").Body
			if strings.Contains(body, "Lotte") || !strings.Contains(body, "Anonieme casus") || !strings.Contains(body, "Milan de Ridder") {
				t.Errorf("GGZ after the withdrawal: Lotte named, or the anonymous item or Milan missing")
			}
			if n := env.Count(`SELECT COUNT(*) FROM access_log WHERE user_id = $1 AND purpose = 'agenda (anonymous)'`, env.UserID("ggz")); n != 1 {
				t.Errorf("%d anonymous agenda reads logged for GGZ, want 1", n)
			}
		})
	}
}
