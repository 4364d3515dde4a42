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
	}
}

// TestCloseAndReopen: the coordinator closes Lotte's ZAT case as solved;
// the GGZ partner, who knew her only through that case, loses access at
// once. Reopened with a reason, the access returns. Both are in the case's
// history and the access log.
func TestCloseAndReopen(t *testing.T) {
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
