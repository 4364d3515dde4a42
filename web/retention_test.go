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

// retentionMatrix: the retention page, legal holds and erasure are the
// zorgcoördinator's (of a team serving the student's school); everyone
// else gets not found, with the denial logged. A POST from the coordinator
// with an empty form is refused as bad input and writes nothing. The
// beheerder edits the rules.
func retentionMatrix() map[string][]cell {
	cells := func(path string, form url.Values, allowed int) []cell {
		anonWant := anonFor(form)
		c := studentCellOn(path, "{student}", form)
		return []cell{
			{user: anon, relation: "none", path: strings.ReplaceAll(path, "{student}", "{lotte}"), form: form, want: anonWant},
			c(demo.UserCoordinator, "coordinator", "lotte", allowed),
			c(demo.UserCoordinator, "none (other school)", "daan", notFound),
			c(demo.UserCareContact, "care_contact", "lotte", notFound),
			c(demo.UserMentor, "mentor", "lotte", notFound),
			c(demo.UserGGD, "team_member", "lotte", notFound),
			c(demo.UserPolice, "invited", "milan", notFound),
			c(demo.UserManagement, "none (management)", "lotte", notFound),
			c(demo.UserAdmin, "none (beheerder)", "lotte", notFound),
			c(demo.UserIB, "care_contact", "daan", notFound),
		}
	}
	return map[string][]cell{
		"GET /students/{id}/retention": cells("/students/{student}/retention", nil, ok),
		"POST /students/{id}/holds":    cells("/students/{student}/holds", url.Values{"hold_reason": {""}}, bad),
		"POST /students/{id}/erase":    cells("/students/{student}/erase", url.Values{"ground": {""}}, bad),
		"POST /students/{id}/left":     cells("/students/{student}/left", url.Values{"left_on": {""}}, bad),
		"POST /students/{id}/holds/{hold}/lift": append(cells("/students/{student}/holds/{lotte_hold}/lift", url.Values{"lift_reason": {""}}, bad),
			// A hold of another student through Lotte's path is not found.
			cell{user: demo.UserCoordinator, relation: "coordinator (hold of another student)", path: "/students/{milan}/holds/{lotte_hold}/lift",
				form: url.Values{"lift_reason": {"x"}}, want: notFound, denied: "milan"}),
		"GET /admin/retention":  admin("/admin/retention", nil, ok),
		"POST /admin/retention": admin("/admin/retention", url.Values{"access_log_months": {"0"}}, bad),
	}
}

// retentionMatrixIDs sets a legal hold on Lotte's file for the matrix.
func retentionMatrixIDs(t *testing.T, env *webtest.Env) map[string]string {
	h := casus.LegalHold{StudentID: env.StudentID(demo.LotteNumber), Reason: "Klacht in behandeling.", SetBy: env.UserID(demo.UserCoordinator)}
	if err := env.DB.Update(context.Background(), func(tx *storage.Tx) error { return tx.AddLegalHold(context.Background(), &h) }); err != nil {
		t.Fatal(err)
	}
	return map[string]string{"{lotte_hold}": h.ID}
}

// TestRetentionPage: the coordinator sees the retention page, linked from
// the student page (the mentor has no link), sets a legal hold with a
// reason, cannot erase while it holds, lifts it with a reason, and erases
// the file with a ground and a confirmation: nothing of Lotte is left but
// the destruction record, which names the ground. Bad input is refused
// with 4xx and writes nothing.
func TestRetentionPage(t *testing.T) {
	t.Parallel()
	for _, engine := range storagetest.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			env := webtest.Start(t, engine, webtest.Options{})
			lotte := env.StudentID(demo.LotteNumber)
			base := "/students/" + lotte
			c := env.NewClient()
			c.Login(demo.UserCoordinator)
			mentor := env.NewClient()
			mentor.Login(demo.UserMentor)
			// unchanged runs fn, a refused request, and checks it wrote
			// nothing but its access-log entry.
			unchanged := func(t *testing.T, what string, fn func()) {
				t.Helper()
				before := env.Snapshot("sessions", "access_log", "access_log_head")
				fn()
				if diff := webtest.Changed(before, env.Snapshot("sessions", "access_log", "access_log_head")); len(diff) > 0 {
					t.Errorf("%s changed %v", what, diff)
				}
			}

			if res := c.Get(base); !strings.Contains(res.Body, base+"/retention") {
				t.Error("the coordinator's student page has no link to the retention page")
			}
			if res := mentor.Get(base); res.Status != http.StatusOK || strings.Contains(res.Body, base+"/retention") {
				t.Errorf("the mentor's student page (%d) links to the retention page", res.Status)
			}
			res := c.Get(base + "/retention")
			if res.Status != http.StatusOK || !strings.Contains(res.Body, "Nog ingeschreven") ||
				!strings.Contains(res.Body, "Er geldt geen bewaarplicht") {
				t.Fatalf("retention page: %d\n%s", res.Status, res.Body)
			}

			unchanged(t, "an empty hold reason", func() {
				if res := c.Post(base+"/holds", url.Values{"hold_reason": {"  "}}); res.Status != http.StatusBadRequest ||
					!strings.Contains(res.Body, "Vul dit veld in.") {
					t.Errorf("empty hold reason: %d", res.Status)
				}
			})
			res = c.Post(base+"/holds", url.Values{"hold_reason": {"Klacht van moeder bij de klachtencommissie."}})
			if res.Status != http.StatusSeeOther {
				t.Fatalf("set hold: %d %s", res.Status, res.Body)
			}
			res = c.Get(base + "/retention?saved=hold")
			if !strings.Contains(res.Body, "Klacht van moeder bij de klachtencommissie.") || !strings.Contains(res.Body, "Er geldt een bewaarplicht") {
				t.Errorf("the page does not show the hold:\n%s", res.Body)
			}
			var hold string
			if err := env.DB.ReadSQL().QueryRow(`SELECT CAST(id AS TEXT) FROM legal_holds WHERE student_id = $1`, lotte).Scan(&hold); err != nil {
				t.Fatal(err)
			}

			erase := url.Values{"ground": {string(casus.GroundObjection)}, "confirm": {"yes"}}
			unchanged(t, "erasure under a hold", func() {
				if res := c.Post(base+"/erase", erase); res.Status != http.StatusConflict ||
					!strings.Contains(res.Body, "Verwijderen kan niet zolang er een bewaarplicht geldt.") {
					t.Errorf("erase under a hold: %d", res.Status)
				}
			})
			unchanged(t, "an empty lift reason", func() {
				if res := c.Post(base+"/holds/"+hold+"/lift", url.Values{"lift_reason": {""}}); res.Status != http.StatusBadRequest {
					t.Errorf("empty lift reason: %d", res.Status)
				}
			})
			if res := c.Post(base+"/holds/"+hold+"/lift", url.Values{"lift_reason": {"Klacht ingetrokken."}}); res.Status != http.StatusSeeOther {
				t.Fatalf("lift: %d %s", res.Status, res.Body)
			}
			if n := env.Count(`SELECT COUNT(*) FROM legal_holds WHERE id = $1 AND lifted_at IS NOT NULL AND lifted_reason = 'Klacht ingetrokken.'`, hold); n != 1 {
				t.Error("the hold is not lifted with its reason")
			}
			if res := c.Post(base+"/holds/"+hold+"/lift", url.Values{"lift_reason": {"Nogmaals."}}); res.Status != http.StatusConflict {
				t.Errorf("lifting twice: %d", res.Status)
			}

			for name, form := range map[string]url.Values{
				"no confirmation": {"ground": {string(casus.GroundObjection)}},
				"no ground":       {"confirm": {"yes"}},
				"unknown ground":  {"ground": {"because"}, "confirm": {"yes"}},
			} {
				unchanged(t, name, func() {
					if res := c.Post(base+"/erase", form); res.Status != http.StatusBadRequest {
						t.Errorf("erase with %s: %d", name, res.Status)
					}
				})
			}
			if res := mentor.Post(base+"/erase", erase); res.Status != http.StatusNotFound {
				t.Errorf("the mentor erasing: %d", res.Status)
			}

			caseIDs := env.Count(`SELECT COUNT(*) FROM cases WHERE student_id = $1`, lotte)
			res = c.Post(base+"/erase", erase)
			if res.Status != http.StatusSeeOther || res.Location != "/students?erased=1" {
				t.Fatalf("erase: %d %s", res.Status, res.Location)
			}
			if refs := storagetest.Referencing(t, env.DB, lotte, "access_log"); len(refs) > 0 {
				t.Errorf("rows still refer to Lotte after erasure: %v", refs)
			}
			if n := env.Count(`SELECT COUNT(*) FROM destructions WHERE cause = 'erasure' AND ground = 'objection' AND actor_id = $1`,
				env.UserID(demo.UserCoordinator)); n != 1 || caseIDs == 0 {
				t.Errorf("%d erasure records, want 1", n)
			}
			if n := env.Count(`SELECT COUNT(*) FROM access_log WHERE student_id = $1 AND purpose = 'erasure' AND outcome = 'granted'`, lotte); n != 1 {
				t.Errorf("%d access-log entries of the erasure, want 1", n)
			}
			if res := c.Get("/students?erased=1"); !strings.Contains(res.Body, "Het dossier is verwijderd.") || strings.Contains(res.Body, "Verhagen") {
				t.Error("the student list after erasure")
			}
			if res := c.Get(base + "/retention"); res.Status != http.StatusNotFound {
				t.Errorf("the erased student's retention page: %d", res.Status)
			}
			if _, err := env.DB.VerifyAccessLog(context.Background()); err != nil {
				t.Error(err)
			}
		})
	}
}

// TestAdminRetention: the beheerder sees a rule per school, changes one
// and the access log's retention; a bad number is refused and stores
// nothing.
func TestAdminRetention(t *testing.T) {
	t.Parallel()
	for _, engine := range storagetest.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			env := webtest.Start(t, engine, webtest.Options{})
			c := env.NewClient()
			c.Login(demo.UserAdmin)
			var school, name string
			if err := env.DB.ReadSQL().QueryRow(`SELECT CAST(id AS TEXT), name FROM schools ORDER BY name LIMIT 1`).Scan(&school, &name); err != nil {
				t.Fatal(err)
			}
			res := c.Get("/admin/retention")
			if res.Status != http.StatusOK || !strings.Contains(res.Body, "months_student_file_"+school) || !strings.Contains(res.Body, "value=\"24\"") {
				t.Fatalf("admin retention page: %d\n%s", res.Status, res.Body)
			}
			form := url.Values{"access_log_months": {"48"}}
			var schools []string
			rows, err := env.DB.ReadSQL().Query(`SELECT CAST(id AS TEXT) FROM schools`)
			if err != nil {
				t.Fatal(err)
			}
			for rows.Next() {
				var id string
				rows.Scan(&id)
				schools = append(schools, id)
				form.Set("months_student_file_"+id, "24")
			}
			rows.Close()
			form.Set("months_student_file_"+school, "36")

			bad := url.Values{}
			for k, v := range form {
				bad[k] = v
			}
			bad.Set("months_student_file_"+school, "drie jaar")
			before := env.Snapshot("sessions", "access_log", "access_log_head")
			if res := c.Post("/admin/retention", bad); res.Status != http.StatusBadRequest || !strings.Contains(res.Body, "Vul een heel aantal maanden in") {
				t.Errorf("bad months: %d", res.Status)
			}
			if diff := webtest.Changed(before, env.Snapshot("sessions", "access_log", "access_log_head")); len(diff) > 0 {
				t.Errorf("a refused form changed %v", diff)
			}

			if res := c.Post("/admin/retention", form); res.Status != http.StatusSeeOther {
				t.Fatalf("save: %d %s", res.Status, res.Body)
			}
			if n := env.Count(`SELECT COUNT(*) FROM retention_rules WHERE school_id = $1 AND months = 36`, school); n != 1 {
				t.Error("the rule is not stored")
			}
			if n := env.Count(`SELECT COUNT(*) FROM retention_rules`); n != 1 || len(schools) < 2 {
				t.Errorf("%d rules stored, want only the changed one", n)
			}
			if n := env.Count(`SELECT COUNT(*) FROM settings WHERE key = 'retention.access_log_months' AND value = '48'`); n != 1 {
				t.Error("the access log's retention is not stored")
			}
			if res := c.Get("/admin/retention?done=1"); !strings.Contains(res.Body, "value=\"36\"") || !strings.Contains(res.Body, "value=\"48\"") {
				t.Error("the saved rules are not shown")
			}
		})
	}
}

// TestStudentLeft: the coordinator records the day Lotte left school; the
// retention page then shows it, and the date from which her file may go
// once her open cases are closed. A day in the future or no day is refused
// in Dutch and writes nothing; "still enrolled" undoes it. The mentor may
// not record it.
func TestStudentLeft(t *testing.T) {
	t.Parallel()
	for _, engine := range storagetest.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			env := webtest.Start(t, engine, webtest.Options{})
			lotte := env.StudentID(demo.LotteNumber)
			base := "/students/" + lotte
			c := env.NewClient()
			c.Login(demo.UserCoordinator)
			leftAt := func() string {
				var left *time.Time
				if err := env.DB.ReadSQL().QueryRow(`SELECT left_at FROM students WHERE id = $1`, lotte).Scan(&left); err != nil {
					t.Fatal(err)
				}
				if left == nil {
					return ""
				}
				return left.UTC().Format(time.DateOnly)
			}

			for _, tc := range []struct{ day, message string }{
				{"", "Vul dit veld in."},
				{env.Clock.Now().In(casus.Amsterdam).AddDate(0, 0, 2).Format(time.DateOnly), "Kies vandaag of een dag in het verleden."},
				{"31-07-2026", "datum"},
				// A slip of the year would have the file destroyed the next night.
				{"0025-06-30", "Deze datum ligt vóór het begin van het dossier van de leerling."},
				{env.Clock.Now().In(casus.Amsterdam).AddDate(-1, 0, 0).Format(time.DateOnly), "Deze datum ligt vóór het begin van het dossier van de leerling."},
			} {
				before := env.Snapshot("sessions", "access_log", "access_log_head")
				res := c.Post(base+"/left", url.Values{"left_on": {tc.day}})
				if res.Status != http.StatusBadRequest || !strings.Contains(res.Body, tc.message) {
					t.Errorf("left on %q: %d, want 400 with %q", tc.day, res.Status, tc.message)
				}
				if diff := webtest.Changed(before, env.Snapshot("sessions", "access_log", "access_log_head")); len(diff) > 0 {
					t.Errorf("left on %q changed %v", tc.day, diff)
				}
			}

			day := env.Clock.Now().In(casus.Amsterdam).AddDate(0, -1, 0).Format(time.DateOnly)
			if res := c.Post(base+"/left", url.Values{"left_on": {day}}); res.Status != http.StatusSeeOther {
				t.Fatalf("left: %d %s", res.Status, res.Body)
			}
			if got := leftAt(); got != day {
				t.Errorf("left_at %q, want %q", got, day)
			}
			res := c.Get(base + "/retention?saved=left")
			if !strings.Contains(res.Body, "De uitschrijving is vastgelegd.") || strings.Contains(res.Body, "Nog ingeschreven") ||
				!strings.Contains(res.Body, "er is een open casus") {
				t.Errorf("the retention page does not show that Lotte left while a case is open:\n%s", res.Body)
			}

			mentor := env.NewClient()
			mentor.Login(demo.UserMentor)
			if res := mentor.Post(base+"/left", url.Values{"enrolled": {"yes"}}); res.Status != http.StatusNotFound {
				t.Errorf("mentor: %d, want 404", res.Status)
			}
			if res := c.Post(base+"/left", url.Values{"enrolled": {"yes"}}); res.Status != http.StatusSeeOther || leftAt() != "" {
				t.Errorf("still enrolled: %d, left_at %q", res.Status, leftAt())
			}
		})
	}
}
