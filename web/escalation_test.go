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

// escalationMatrix: only the chair of the intern zorgteam escalates Lotte's
// accepted referral; the people who may read it but not escalate it get
// 403, everybody else 404, each logged as a denial of Lotte.
func escalationMatrix() map[string][]cell {
	cells := func(path string, form url.Values, allowed int) []cell {
		anonWant := anonFor(form)
		c := func(user, rel string, want int) cell {
			x := cell{user: user, relation: rel, path: path, form: form, want: want}
			if want == notFound || want == forbid {
				x.denied = "lotte"
			}
			return x
		}
		return []cell{
			{user: anon, relation: "none", path: path, form: form, want: anonWant},
			c(demo.UserCoordinator, "coordinator (chair)", allowed),
			c(demo.UserCareContact, "inbrenger", forbid),
			c(demo.UserMentor, "referrer", forbid),
			c(demo.UserGGD, "team_member", forbid),
			c(demo.UserPolice, "none", notFound),
			c(demo.UserManagement, "none (management)", notFound),
			c(demo.UserAdmin, "none (beheerder)", notFound),
			c(demo.UserIB, "none (other school)", notFound),
		}
	}
	return map[string][]cell{
		"GET /referrals/{id}/escalate":  cells("/referrals/{ref:lotte}/escalate", nil, ok),
		"POST /referrals/{id}/escalate": cells("/referrals/{ref:lotte}/escalate", url.Values{"team": {"not-a-team"}}, bad),
		"POST /referrals/{id}/bridging": cells("/referrals/{ref:lotte}/bridging", url.Values{"bridging": {""}}, bad),
	}
}

// TestEscalateToZAT: the zorgcoördinator escalates Lotte's accepted intern
// referral to the ZAT, leaving the family factors behind. The ZAT referral
// carries the rest and the attached entries, Lotte's ZAT case is open for
// consent, the intern case records the handover and the bridging note, and
// a second escalation is refused.
func TestEscalateToZAT(t *testing.T) {
	t.Parallel()
	for _, engine := range storagetest.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			env := webtest.Start(t, engine, webtest.Options{})
			intern := referralMatrixIDs(t, env)["{ref:lotte}"]
			zat := teamID(t, env, demo.TeamMBOZAT)
			c := env.NewClient()
			c.Login(demo.UserCoordinator)
			if page := c.Get("/referrals/" + intern); !strings.Contains(page.Body, `href="/referrals/`+intern+`/escalate"`) {
				t.Fatalf("no escalation link on the accepted intern referral (%d)", page.Status)
			}
			form := c.Get("/referrals/" + intern + "/escalate")
			if form.Status != http.StatusOK || !strings.Contains(form.Body, `value="`+zat+`" checked`) {
				t.Fatalf("escalation form: %d, want the only ZAT preselected", form.Status)
			}
			// All sections but the family factors (index 5).
			res := c.Post("/referrals/"+intern+"/escalate", url.Values{"version": {version(t, env, intern)}, "team": {zat},
				"section": {"0", "1", "2", "3", "4", "6", "7", "8"}, "bridging": {"Mentor houdt de wekelijkse check-in; SMW blijft contactpersoon."}})
			if res.Status != http.StatusSeeOther || !strings.HasSuffix(res.Location, "?done=escalated") {
				t.Fatalf("escalate: %d → %q: %s", res.Status, res.Location, res.Body)
			}
			next := strings.TrimSuffix(strings.TrimPrefix(res.Location, "/referrals/"), "?done=escalated")
			var team, previous, reason, family, caseTeam string
			if err := env.SQL().QueryRow(`SELECT CAST(r.team_id AS TEXT), CAST(r.previous_id AS TEXT), r.reason, r.family_hindering,
				CAST(c.team_id AS TEXT) FROM referrals r JOIN cases c ON c.id = r.case_id WHERE r.id = $1`, next).
				Scan(&team, &previous, &reason, &family, &caseTeam); err != nil {
				t.Fatalf("ZAT referral: %v", err)
			}
			if team != zat || previous != intern || reason == "" || family != "" || caseTeam != zat {
				t.Errorf("ZAT referral: team %s, previous %s, reason %q, family %q, case at %s", team, previous, reason, family, caseTeam)
			}
			if n := env.Count(`SELECT COUNT(*) FROM referrals WHERE id = $1 AND CAST(next_id AS TEXT) = $2`, intern, next); n != 1 {
				t.Errorf("the intern referral does not point at the ZAT referral")
			}
			if n := env.Count(`SELECT COUNT(*) FROM case_events e JOIN referrals r ON r.case_id = e.case_id WHERE r.id = $1`, intern); n != 2 {
				t.Errorf("%d events on the intern case, want escalated and bridging", n)
			}
			page := c.Get("/referrals/" + intern)
			for _, want := range []string{"Opgeschaald naar het ZAT", "SMW blijft contactpersoon"} {
				if !strings.Contains(page.Body, want) {
					t.Errorf("intern referral page lacks %q", want)
				}
			}
			if res := c.Post("/referrals/"+intern+"/escalate", url.Values{"version": {version(t, env, intern)}, "team": {zat},
				"section": {"0"}}); res.Status != http.StatusConflict && res.Status != http.StatusForbidden && res.Status != http.StatusBadRequest {
				t.Errorf("second escalation: %d, want a refusal", res.Status)
			}
			if n := env.Count(`SELECT COUNT(*) FROM referrals WHERE CAST(previous_id AS TEXT) = $1`, intern); n != 1 {
				t.Errorf("%d ZAT referrals from one intern referral, want 1", n)
			}
			if n := env.Count(`SELECT COUNT(*) FROM access_log WHERE object_id = $1 AND action = 'create' AND purpose = 'escalation to the ZAT'`, intern); n != 1 {
				t.Errorf("%d escalations logged, want 1", n)
			}
		})
	}
}

// version reads a referral's version, which a save must name.
func version(t *testing.T, env *webtest.Env, id string) string {
	t.Helper()
	var v string
	if err := env.SQL().QueryRow(`SELECT CAST(version AS TEXT) FROM referrals WHERE id = $1`, id).Scan(&v); err != nil {
		t.Fatal(err)
	}
	return v
}
