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

// chairedTeam returns a team the user chairs, the ZAT when there is one.
func chairedTeam(t *testing.T, env *webtest.Env, user string) string {
	t.Helper()
	var id string
	if err := env.DB.ReadSQL().QueryRow(`SELECT CAST(t.id AS TEXT) FROM care_teams t JOIN team_members tm ON tm.team_id = t.id
		WHERE tm.user_id = $1 AND tm.chair ORDER BY t.kind DESC LIMIT 1`, env.UserID(user)).Scan(&id); err != nil {
		t.Fatal(err)
	}
	return id
}

// privacyFlowMatrixIDs makes the records the complaint, handbook and
// meldcode cells name: a complaint of the coordinator's ZAT, a document in
// its handbook, and the taakdocent named for Lotte's meldcode.
func privacyFlowMatrixIDs(t *testing.T, env *webtest.Env) map[string]string {
	t.Helper()
	ctx := context.Background()
	coord := env.UserID(demo.UserCoordinator)
	zat := chairedTeam(t, env, demo.UserCoordinator)
	c := casus.Complaint{TeamID: zat, About: casus.AboutTeam, Complainant: "Ouder", Summary: "Niet gehoord.",
		ReceivedOn: time.Date(2026, 1, 5, 0, 0, 0, 0, time.UTC), Status: casus.ComplaintFirstStep, HandlerID: coord}
	d := casus.Document{TeamID: zat, Kind: casus.DocPrivacy, Title: "Privacyreglement", OwnerID: coord, Version: "1",
		ReviewOn: time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC), FileName: "privacy.pdf", ContentType: "application/pdf", UploadedBy: coord}
	err := env.DB.Update(ctx, func(tx *storage.Tx) error {
		if err := tx.AddComplaint(ctx, &c); err != nil {
			return err
		}
		if err := tx.AddDocument(ctx, &d, []byte("%PDF-1.4\n")); err != nil {
			return err
		}
		return tx.NameForMeldcode(ctx, env.StudentID(demo.LotteNumber), env.UserID(demo.UserCareContact), coord)
	})
	if err != nil {
		t.Fatal(err)
	}
	return map[string]string{"{complaint}": c.ID, "{document}": d.ID}
}

// complaintsMatrix: the zorgcoördinator handles complaints; management
// sees the figures without names; everybody else is refused.
func complaintsMatrix() map[string][]cell {
	coordOnly := func(path string, form url.Values, want int) []cell {
		anonWant := anonFor(form)
		return byUser(path, form, forbid, map[string]int{anon: anonWant, demo.UserCoordinator: want})
	}
	return map[string][]cell{
		"GET /complaints":     byUser("/complaints", nil, forbid, map[string]int{anon: redirect, demo.UserCoordinator: ok, demo.UserManagement: ok}),
		"GET /complaints/new": coordOnly("/complaints/new", nil, ok),
		"POST /complaints":    coordOnly("/complaints", url.Values{"complainant": {""}}, bad),
		"GET /complaints/{id}": append(coordOnly("/complaints/{complaint}", nil, ok),
			cell{user: demo.UserCoordinator, relation: "none (no such complaint)", path: "/complaints/{unknown}", want: notFound},
			cell{user: demo.UserCoordinator, relation: "none (malformed id)", path: "/complaints/nope", want: notFound}),
		"POST /complaints/{id}/first":    coordOnly("/complaints/{complaint}/first", url.Values{"first_on": {""}}, bad),
		"POST /complaints/{id}/formal":   coordOnly("/complaints/{complaint}/formal", url.Values{"formal_on": {""}}, bad),
		"POST /complaints/{id}/informed": coordOnly("/complaints/{complaint}/informed", url.Values{"informed_on": {""}}, bad),
	}
}

// TestComplaintProcedure: the zorgcoördinator registers a complaint about
// the ZAT, the first step does not resolve it, the formal procedure
// decides; the complainant is informed of their rights. A complaint about
// one member is referred to the member's own institution. Management sees
// the figures, which name nobody; a coordinator of another team does not
// find the complaint.
func TestComplaintProcedure(t *testing.T) {
	t.Parallel()
	for _, engine := range storagetest.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			env := webtest.Start(t, engine, webtest.Options{})
			zat := chairedTeam(t, env, demo.UserCoordinator)
			coord := env.NewClient()
			coord.Login(demo.UserCoordinator)
			today := env.Clock.Now().In(casus.Amsterdam).Format(time.DateOnly)
			const who = "Mevrouw Jansen-Koster"

			if res := coord.Get("/complaints/new"); res.Status != http.StatusOK || !strings.Contains(res.Body, `name="member"`) {
				t.Fatalf("new complaint form: %d", res.Status)
			}
			// Invalid: nothing stored, the form again with messages.
			if res := coord.Post("/complaints", url.Values{"team": {zat}, "about": {"team"}, "complainant": {""},
				"summary": {"x"}, "received_on": {today}}); res.Status != http.StatusBadRequest || !strings.Contains(res.Body, "Vul dit veld in.") {
				t.Errorf("empty complainant: %d", res.Status)
			}
			if n := env.Count(`SELECT COUNT(*) FROM complaints`); n != 0 {
				t.Fatalf("an invalid complaint stored %d rows", n)
			}
			res := coord.Post("/complaints", url.Values{"team": {zat}, "about": {"team"}, "complainant": {who},
				"summary": {"Wij zijn niet betrokken bij de bespreking van onze zoon."}, "received_on": {today}})
			if res.Status != http.StatusSeeOther {
				t.Fatalf("register: %d: %s", res.Status, res.Body)
			}
			path := strings.TrimSuffix(res.Location, "?saved=1")
			page := coord.Get(path)
			if page.Status != http.StatusOK || !strings.Contains(page.Body, who) || !strings.Contains(page.Body, "Eerste stap bij de zorgcoördinator") {
				t.Fatalf("complaint page: %d", page.Status)
			}
			// The formal procedure is not open before the first step.
			if res := coord.Post(path+"/formal", url.Values{"formal_on": {today}, "formal_outcome": {"x"}, "decision": {"founded"}}); res.Status != http.StatusBadRequest {
				t.Errorf("formal before the first step: %d", res.Status)
			}
			if res := coord.Post(path+"/first", url.Values{"first_on": {today}, "first_outcome": {"Gesprek gevoerd, ouders blijven ontevreden."},
				"resolved": {"no"}}); res.Status != http.StatusSeeOther {
				t.Fatalf("first step: %d: %s", res.Status, res.Body)
			}
			if res := coord.Post(path+"/first", url.Values{"first_on": {today}, "first_outcome": {"again"}, "resolved": {"yes"}}); res.Status != http.StatusBadRequest {
				t.Errorf("a second first step: %d", res.Status)
			}
			if res := coord.Post(path+"/formal", url.Values{"formal_on": {today}, "formal_outcome": {"De commissie acht de klacht deels gegrond."},
				"decision": {"partly_founded"}}); res.Status != http.StatusSeeOther {
				t.Fatalf("formal: %d: %s", res.Status, res.Body)
			}
			if res := coord.Post(path+"/informed", url.Values{"informed_on": {today}, "informed_how": {"In een gesprek en per brief."}}); res.Status != http.StatusSeeOther {
				t.Fatalf("informed: %d: %s", res.Status, res.Body)
			}
			if n := env.Count(`SELECT COUNT(*) FROM complaints WHERE status = 'decided' AND formal_decision = 'partly_founded'
				AND first_resolved = $1 AND informed_on IS NOT NULL AND first_on IS NOT NULL AND formal_on IS NOT NULL`, false); n != 1 {
				t.Errorf("decided complaints with both steps: %d", n)
			}
			page = coord.Get(path)
			for _, want := range []string{"Deels gegrond", "Geïnformeerd op", "In een gesprek en per brief."} {
				if !strings.Contains(page.Body, want) {
					t.Errorf("complaint page lacks %q", want)
				}
			}

			// About one member: referred to the member's institution.
			ggd := env.UserID(demo.UserGGD)
			res = coord.Post("/complaints", url.Values{"team": {zat}, "about": {"member"}, "member": {ggd}, "complainant": {"Leerling"},
				"summary": {"Voelde zich niet serieus genomen."}, "received_on": {today}})
			if res.Status != http.StatusSeeOther {
				t.Fatalf("member complaint: %d: %s", res.Status, res.Body)
			}
			var org string
			if err := env.DB.ReadSQL().QueryRow(`SELECT o.name FROM users u JOIN partner_orgs o ON o.id = u.partner_org_id WHERE u.id = $1`, ggd).Scan(&org); err != nil {
				t.Fatal(err)
			}
			if n := env.Count(`SELECT COUNT(*) FROM complaints WHERE about = 'member' AND status = 'referred' AND referred_to = $1
				AND referred_on IS NOT NULL`, org); n != 1 {
				t.Errorf("member complaint not referred to %q", org)
			}

			// Monitoring: figures per year and outcome, no names.
			mgmt := env.NewClient()
			mgmt.Login(demo.UserManagement)
			figures := mgmt.Get("/complaints")
			if figures.Status != http.StatusOK || !strings.Contains(figures.Body, "Deels gegrond") || !strings.Contains(figures.Body, "Doorverwezen") {
				t.Fatalf("management figures: %d", figures.Status)
			}
			for _, name := range []string{who, "Leerling", "Haverkamp", "/complaints/0"} {
				if strings.Contains(figures.Body, name) {
					t.Errorf("management figures show %q", name)
				}
			}
			if res := mgmt.Get(path); res.Status != http.StatusForbidden {
				t.Errorf("management opens a complaint: %d", res.Status)
			}
			// Another coordinator (the SWV's, chairing the primary ZAT) does not find it.
			other := env.NewClient()
			other.Login("swv")
			if res := other.Get(path); res.Status != http.StatusNotFound {
				t.Errorf("another team's coordinator: %d", res.Status)
			}
			if body := other.Get("/complaints").Body; strings.Contains(body, who) {
				t.Errorf("another team's coordinator lists the complaint")
			}
			if n := env.Count(`SELECT COUNT(*) FROM access_log WHERE object_kind = 'complaint' AND user_id = $1 AND action = 'read'`, env.UserID(demo.UserCoordinator)); n < 2 {
				t.Errorf("complaint reads logged: %d", n)
			}
		})
	}
}
