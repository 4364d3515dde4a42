package web_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"casus/demo"
	"casus/storage/storagetest"
	"casus/web/webtest"
)

// TestPolicySignals: the zorgcoördinator, chair of the mbo ZAT, reports to
// the steering group that the GGZ's waiting time is fourteen weeks and
// links two of the team's open cases. Management sees the signal, the
// partner and "< 5" cases — never which — and records the steering
// group's response; the chair sees the response and closes the signal.
// The links are logged as changes of those cases; nothing of the signal
// names a student on the steering group's page. Others are refused, and a
// second response is a conflict.
func TestPolicySignals(t *testing.T) {
	t.Parallel()
	for _, engine := range storagetest.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			env := webtest.Start(t, engine, webtest.Options{})
			zat := teamID(t, env, demo.TeamMBOZAT)
			chair := env.NewClient()
			chair.Login(demo.UserCoordinator)
			if res := chair.Get("/teams/" + zat); !strings.Contains(res.Body, `href="/teams/`+zat+`/signals/new"`) {
				t.Fatalf("the team page offers the chair no signal form (%d)", res.Status)
			}
			form := chair.Get("/teams/" + zat + "/signals/new")
			if form.Status != http.StatusOK {
				t.Fatalf("signal form: %d", form.Status)
			}
			cases := regexp.MustCompile(`name="cases" value="([^"]+)"`).FindAllStringSubmatch(form.Body, -1)
			if len(cases) < 2 {
				t.Fatalf("the form offers %d open cases, want at least 2", len(cases))
			}
			var ggz string
			if err := env.SQL().QueryRow(`SELECT CAST(id AS TEXT) FROM partner_orgs WHERE discipline = 'ggz' ORDER BY name LIMIT 1`).Scan(&ggz); err != nil {
				t.Fatal(err)
			}
			bad := url.Values{"title": {""}, "description": {"Jongeren wachten te lang."}, "cases": {cases[0][1]}}
			if res := chair.Post("/teams/"+zat+"/signals", bad); res.Status != http.StatusBadRequest ||
				!strings.Contains(res.Body, "Vul dit veld in.") || !strings.Contains(res.Body, "Jongeren wachten te lang.") {
				t.Errorf("a signal without a title: %d, want 400 with the text kept", res.Status)
			}
			if n := env.Count(`SELECT COUNT(*) FROM policy_signals`); n != 0 {
				t.Fatalf("a refused signal was stored")
			}
			res := chair.Post("/teams/"+zat+"/signals", url.Values{"title": {"Wachttijd GGZ 14 weken"},
				"description": {"Jongeren met angstklachten wachten 14 weken op een intake."}, "partner": {ggz},
				"cases": {cases[0][1], cases[1][1]}})
			if res.Status != http.StatusSeeOther || res.Location != "/signals?done=sent" {
				t.Fatalf("send the signal: %d → %q: %s", res.Status, res.Location, res.Body)
			}
			var id string
			if err := env.SQL().QueryRow(`SELECT CAST(id AS TEXT) FROM policy_signals`).Scan(&id); err != nil {
				t.Fatal(err)
			}
			if n := env.Count(`SELECT COUNT(*) FROM access_log WHERE purpose = 'policy signal: link case' AND object_kind = 'case'`); n != 2 {
				t.Errorf("%d access-log entries for the linked cases, want 2", n)
			}

			board := env.NewClient()
			board.Login(demo.UserManagement)
			page := board.Get("/signals")
			for _, want := range []string{"Wachttijd GGZ 14 weken", "&lt; 5", "Naar de stuurgroep"} {
				if !strings.Contains(page.Body, want) {
					t.Errorf("the steering group's page lacks %q", want)
				}
			}
			for _, st := range []string{"Lotte", "Milan", "Noor", `href="/students/`} {
				if strings.Contains(page.Body, st) {
					t.Errorf("the steering group's page names a student: %q", st)
				}
			}
			if res := board.Post("/signals/"+id+"/response", url.Values{"response": {""}}); res.Status != http.StatusBadRequest {
				t.Errorf("an empty response: %d, want 400", res.Status)
			}
			if res := board.Post("/signals/"+id+"/response", url.Values{"response": {"Besproken met de gemeente; extra capaciteit gevraagd."}}); res.Status != http.StatusSeeOther {
				t.Fatalf("respond: %d: %s", res.Status, res.Body)
			}
			if res := board.Post("/signals/"+id+"/response", url.Values{"response": {"Nog eens."}}); res.Status != http.StatusConflict {
				t.Errorf("a second response: %d, want 409", res.Status)
			}
			if page := chair.Get("/signals"); !strings.Contains(page.Body, "Besproken met de gemeente") || !strings.Contains(page.Body, "Beantwoord") {
				t.Errorf("the chair does not see the response")
			}
			if res := chair.Post("/signals/"+id+"/close", url.Values{}); res.Status != http.StatusSeeOther {
				t.Errorf("close: %d", res.Status)
			}
			mentor := env.NewClient()
			mentor.Login(demo.UserMentor)
			if res := mentor.Get("/signals"); res.Status != http.StatusForbidden {
				t.Errorf("a mentor opens the signals: %d, want 403", res.Status)
			}
		})
	}
}

// signalsMatrix: the register is for chairs and the steering group; the
// form for the team's chair; the response for the steering group. Forms
// are invalid or the signal unknown, so no cell changes anything.
func signalsMatrix() map[string][]cell {
	return map[string][]cell{
		"GET /signals": byUser("/signals", nil, forbid, map[string]int{anon: redirect, demo.UserCoordinator: ok, demo.UserManagement: ok}),
		"GET /teams/{id}/signals/new": byUser("/teams/{team:zat}/signals/new", nil, forbid,
			map[string]int{anon: redirect, demo.UserCoordinator: ok}),
		"POST /teams/{id}/signals": byUser("/teams/{team:zat}/signals", url.Values{"title": {""}}, forbid,
			map[string]int{anon: unauth, demo.UserCoordinator: bad}),
		"POST /signals/{id}/response": byUser("/signals/{unknown}/response", url.Values{"response": {"x"}}, forbid,
			map[string]int{anon: unauth, demo.UserManagement: notFound}),
		"POST /signals/{id}/close": byUser("/signals/{unknown}/close", url.Values{}, notFound, map[string]int{anon: unauth}),
	}
}
