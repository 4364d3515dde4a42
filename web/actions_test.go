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

// actionMatrixIDs gives Lotte an action owned by the JGZ member (ggd), for
// the matrix to update.
func actionMatrixIDs(t *testing.T, env *webtest.Env) map[string]string {
	t.Helper()
	lotte, ggd, coord := env.StudentID(demo.LotteNumber), env.UserID(demo.UserGGD), env.UserID(demo.UserCoordinator)
	zatCase := consentMatrixIDs(t, env)["{lotte_zat}"]
	a := casus.Action{CaseID: zatCase, StudentID: lotte, OwnerID: ggd, Description: "Intake", CreatedBy: coord,
		DueOn: time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)}
	if err := env.DB.Update(context.Background(), func(tx *storage.Tx) error { return tx.CreateAction(context.Background(), &a) }); err != nil {
		t.Fatal(err)
	}
	return map[string]string{"{action:lotte}": a.ID}
}

// actionsMatrix: the coordinator and the care contact agree actions; the
// owner and the coordinator report on them; nobody else learns of them.
func actionsMatrix() map[string][]cell {
	c := func(path string, form url.Values, user, rel string, want int) cell {
		x := cell{user: user, relation: rel, path: path, form: form, want: want}
		if want == notFound {
			x.denied = "lotte"
		}
		return x
	}
	create, createForm := "/students/{lotte}/actions", url.Values{"case": {"nope"}}
	upd, updForm := "/actions/{action:lotte}", url.Values{"status": {"nope"}}
	return map[string][]cell{
		"GET /tasks": byUser("/tasks", nil, ok, map[string]int{anon: redirect, demo.UserAdmin: forbid, demo.UserManagement: forbid}),
		"POST /students/{id}/actions": {
			{user: anon, relation: "none", path: create, form: createForm, want: unauth},
			c(create, createForm, demo.UserCoordinator, "coordinator", bad),
			c(create, createForm, demo.UserCareContact, "care_contact", bad),
			c(create, createForm, demo.UserMentor, "mentor", notFound),
			c(create, createForm, demo.UserGGD, "team_member", notFound),
			c(create, createForm, demo.UserPolice, "none", notFound),
			c(create, createForm, demo.UserManagement, "none (management)", notFound),
			c(create, createForm, demo.UserAdmin, "none (beheerder)", notFound),
		},
		"POST /actions/{id}": {
			{user: anon, relation: "none", path: upd, form: updForm, want: unauth},
			c(upd, updForm, demo.UserGGD, "action owner", bad),
			c(upd, updForm, demo.UserCoordinator, "coordinator", bad),
			c(upd, updForm, demo.UserCareContact, "care_contact (not owner)", notFound),
			c(upd, updForm, demo.UserMentor, "mentor", notFound),
			c(upd, updForm, demo.UserPolice, "none", notFound),
			c(upd, updForm, demo.UserManagement, "none (management)", notFound),
			{user: demo.UserCoordinator, relation: "none (no such action)", path: "/actions/{unknown}", form: updForm, want: notFound, denied: "unknown"},
		},
	}
}

// TestActions: the zorgcoördinator agrees an action with the GGZ partner
// and one with the police for Lotte. Each owner finds theirs on their task
// list — the police anonymously, as Lotte's consent leaves the police out —
// and reports progress; a stale report is refused; past its day the action
// shows as overdue on Lotte's page.
func TestActions(t *testing.T) {
	t.Parallel()
	for _, engine := range storagetest.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			env := webtest.Start(t, engine, webtest.Options{})
			lotte := env.StudentID(demo.LotteNumber)
			zatCase := consentMatrixIDs(t, env)["{lotte_zat}"]
			coord := env.NewClient()
			coord.Login(demo.UserCoordinator)
			due := env.Clock.Now().In(casus.Amsterdam).AddDate(0, 0, 7).Format(time.DateOnly)
			for _, owner := range []string{"ggz", demo.UserPolice} {
				res := coord.Post("/students/"+lotte+"/actions", url.Values{"case": {zatCase}, "owner": {env.UserID(owner)},
					"description": {"Intake plannen (" + owner + ")"}, "due_on": {due}})
				if res.Status != http.StatusSeeOther {
					t.Fatalf("agree an action with %s: %d: %s", owner, res.Status, res.Body)
				}
			}
			if res := coord.Post("/students/"+lotte+"/actions", url.Values{"case": {zatCase}, "owner": {env.UserID("ggz")},
				"description": {"x"}, "due_on": {"2020-01-01"}}); res.Status != http.StatusBadRequest || !strings.Contains(res.Body, "Kies vandaag of een dag in de toekomst.") {
				t.Errorf("an action due in the past: %d", res.Status)
			}
			ggz := env.NewClient()
			ggz.Login("ggz")
			tasks := ggz.Get("/tasks").Body
			if !strings.Contains(tasks, "Lotte Verhagen") || !strings.Contains(tasks, "Intake plannen (ggz)") || strings.Contains(tasks, "(politie)") {
				t.Errorf("GGZ's task list is wrong")
			}
			var id string
			if err := env.DB.ReadSQL().QueryRow(`SELECT CAST(id AS TEXT) FROM actions WHERE owner_id = $1`, env.UserID("ggz")).Scan(&id); err != nil {
				t.Fatal(err)
			}
			report := url.Values{"status": {"in_progress"}, "note": {"Intake staat op 2 december."}, "version": {"1"}}
			if res := ggz.Post("/actions/"+id, report); res.Status != http.StatusSeeOther {
				t.Fatalf("report progress: %d: %s", res.Status, res.Body)
			}
			if res := ggz.Post("/actions/"+id, report); res.Status != http.StatusConflict {
				t.Errorf("a stale report: %d, want 409", res.Status)
			}
			police := env.NewClient()
			police.Login(demo.UserPolice)
			ptasks := police.Get("/tasks").Body
			if strings.Contains(ptasks, "Lotte") || !strings.Contains(ptasks, "Anonieme casus") || !strings.Contains(ptasks, "Intake plannen (politie)") {
				t.Errorf("police's task list: Lotte named, or the anonymous action missing")
			}
			var pid string
			if err := env.DB.ReadSQL().QueryRow(`SELECT CAST(id AS TEXT) FROM actions WHERE owner_id = $1`, env.UserID(demo.UserPolice)).Scan(&pid); err != nil {
				t.Fatal(err)
			}
			if res := police.Post("/actions/"+pid, url.Values{"status": {"done"}, "version": {"1"}}); res.Status != http.StatusSeeOther {
				t.Errorf("the police reports on its action: %d", res.Status)
			}
			env.Clock.Add(8 * 24 * time.Hour)
			page := coord.Get("/students/" + lotte).Body
			if !strings.Contains(page, "(te laat)") || !strings.Contains(page, "bezig") {
				t.Errorf("Lotte's page does not show the overdue action in progress")
			}
			if n := env.Count(`SELECT COUNT(*) FROM action_updates WHERE action_id = $1`, id); n != 2 {
				t.Errorf("%d updates of GGZ's action, want 2 (created, in progress)", n)
			}
		})
	}
}
