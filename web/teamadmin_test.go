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

// TestTeamComposition: the beheerder takes the police officer off the mbo
// ZAT; the team page says at once that the ZAT now lacks the police, and the
// officer no longer sees the ZAT's meetings. The chair adds the officer
// back on call and names the JGZ nurse minute taker; the composition is
// complete again. Every change is a security event naming who made it.
// Nobody changes their own membership, bad input changes nothing, and a
// mentor cannot open the page.
func TestTeamComposition(t *testing.T) {
	t.Parallel()
	for _, engine := range storagetest.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			env := webtest.Start(t, engine, webtest.Options{})
			zat := teamID(t, env, demo.TeamMBOZAT)
			police, ggd, coordinator := env.UserID(demo.UserPolice), env.UserID(demo.UserGGD), env.UserID(demo.UserCoordinator)
			members := func() int { return env.Count(`SELECT COUNT(*) FROM team_members WHERE team_id = $1`, zat) }
			events := func(kind string) int {
				return env.Count(`SELECT COUNT(*) FROM security_events WHERE kind = $1`, kind)
			}
			before := members()

			admin := env.NewClient()
			admin.Login(demo.UserAdmin)
			if res := admin.Get("/teams/" + zat); !strings.Contains(res.Body, `href="/teams/`+zat+`/members"`) {
				t.Fatalf("team page (%d) offers the beheerder no link to change the composition", res.Status)
			}
			page := admin.Get("/teams/" + zat + "/members")
			if page.Status != http.StatusOK || !strings.Contains(page.Body, "Samenstelling van "+demo.TeamMBOZAT) ||
				!strings.Contains(page.Body, "Het team heeft alle vaste partners") && !strings.Contains(page.Body, "utrecht-alert--ok") {
				t.Fatalf("composition page: %d", page.Status)
			}
			res := admin.Post("/teams/"+zat+"/members/"+police+"/remove", url.Values{})
			if res.Status != http.StatusSeeOther || res.Location != "/teams/"+zat+"/members?saved=1" {
				t.Fatalf("remove the police officer: %d → %q: %s", res.Status, res.Location, res.Body)
			}
			page = admin.Get(res.Location)
			for _, want := range []string{"De samenstelling is gewijzigd.", "politie (op afroep)"} {
				if !strings.Contains(page.Body, want) {
					t.Errorf("composition page after the removal lacks %q", want)
				}
			}
			if n := members(); n != before-1 {
				t.Errorf("%d members after the removal, want %d", n, before-1)
			}
			if n := env.Count(`SELECT COUNT(*) FROM security_events WHERE kind = 'team.member_removed' AND target_id = $1
				AND actor_id = $2 AND detail LIKE $3`, police, env.UserID(demo.UserAdmin), demo.TeamMBOZAT+": on_call%"); n != 1 {
				t.Errorf("%d security events of the removal naming the team and the beheerder, want 1", n)
			}
			officer := env.NewClient()
			officer.Login(demo.UserPolice)
			if res := officer.Get("/teams/" + zat + "/cases"); res.Status == http.StatusOK {
				t.Errorf("the removed officer still opens the ZAT's caseload")
			}

			chair := env.NewClient()
			chair.Login(demo.UserCoordinator)
			res = chair.Post("/teams/"+zat+"/members", url.Values{"user": {police}, "kind": {"on_call"}})
			if res.Status != http.StatusSeeOther {
				t.Fatalf("the chair adds the officer back: %d: %s", res.Status, res.Body)
			}
			res = chair.Post("/teams/"+zat+"/members", url.Values{"user": {ggd}, "kind": {"fixed"}, "minute_taker": {"on"}})
			if res.Status != http.StatusSeeOther {
				t.Fatalf("the chair names the nurse minute taker: %d: %s", res.Status, res.Body)
			}
			if n := env.Count(`SELECT COUNT(*) FROM team_members WHERE team_id = $1 AND user_id = $2 AND minute_taker`, zat, ggd); n != 1 {
				t.Errorf("the nurse is not the minute taker")
			}
			if n := env.Count(`SELECT COUNT(*) FROM team_members WHERE team_id = $1 AND minute_taker`, zat); n != 1 {
				t.Errorf("%d minute takers, want one", n)
			}
			if n := members(); n != before {
				t.Errorf("%d members, want %d again", n, before)
			}
			if page := chair.Get("/teams/" + zat); strings.Contains(page.Body, "politie (op afroep)") {
				t.Errorf("the team page still says the police are missing")
			}
			if events("team.member_added") != 1 || events("team.member_changed") != 1 {
				t.Errorf("security events: %d added, %d changed; want 1 and 1", events("team.member_added"), events("team.member_changed"))
			}

			// Refusals change nothing and say why, in Dutch.
			for _, c := range []struct {
				name string
				form url.Values
				want string
			}{
				{"own membership", url.Values{"user": {coordinator}, "kind": {"on_call"}}, "Je eigen lidmaatschap kan alleen iemand anders wijzigen."},
				{"unknown kind", url.Values{"user": {ggd}, "kind": {"boss"}}, "Kies een van de mogelijkheden."},
				{"not a candidate", url.Values{"user": {env.UserID(demo.UserMentor)}, "kind": {"fixed"}}, "Kies een van de mogelijkheden."},
				{"chair on call", url.Values{"user": {ggd}, "kind": {"on_call"}, "chair": {"on"}}, "De voorzitter is een vast lid van het team."},
				{"no one", url.Values{"kind": {"fixed"}}, "Kies een van de mogelijkheden."},
			} {
				t.Run(c.name, func(t *testing.T) {
					n := env.Count(`SELECT COUNT(*) FROM security_events`)
					res := chair.Post("/teams/"+zat+"/members", c.form)
					if res.Status != http.StatusBadRequest || !strings.Contains(res.Body, c.want) {
						t.Errorf("%d, want 400 with %q", res.Status, c.want)
					}
					if m := members(); m != before || env.Count(`SELECT COUNT(*) FROM security_events`) != n {
						t.Errorf("a refused change changed something: %d members", m)
					}
				})
			}
			if res := chair.Post("/teams/"+zat+"/members/"+coordinator+"/remove", url.Values{}); res.Status != http.StatusBadRequest {
				t.Errorf("the chair removes themselves: %d, want 400", res.Status)
			}
			mentor := env.NewClient()
			mentor.Login(demo.UserMentor)
			if res := mentor.Get("/teams/" + zat + "/members"); res.Status != http.StatusForbidden {
				t.Errorf("a mentor opens the composition page: %d, want 403", res.Status)
			}
		})
	}
}

// teamAdminMatrix: the beheerder and the team's chair manage the
// composition; the rest of staff is forbidden. The forms are invalid, so
// no cell changes anything.
func teamAdminMatrix() map[string][]cell {
	managers := func(path string, form url.Values, want int) []cell {
		a := unauth
		if form == nil {
			a = redirect
		}
		return byUser(path, form, forbid, map[string]int{anon: a, demo.UserCoordinator: want, demo.UserAdmin: want})
	}
	return map[string][]cell{
		"GET /teams/{id}/members":                append(managers("/teams/{team:zat}/members", nil, ok), cell{user: demo.UserAdmin, relation: "none (no such team)", path: "/teams/{unknown}/members", want: notFound}),
		"POST /teams/{id}/members":               managers("/teams/{team:zat}/members", url.Values{"kind": {"boss"}}, bad),
		"POST /teams/{id}/members/{user}/remove": managers("/teams/{team:zat}/members/{unknown}/remove", url.Values{}, notFound),
	}
}
