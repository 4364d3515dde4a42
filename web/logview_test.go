package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"casus"
	"casus/demo"
	"casus/storage/storagetest"
	"casus/web/webtest"
)

// TestAccessLogViews: the privacy officer reads who opened Lotte's file,
// what the zorgcoördinator opened, and the hints — a denied attempt by the
// mentor, a visit on a Saturday night, the coordinator opening many students
// in a day — each also as CSV. Every look at the log lands in the log
// itself: per student shown.
func TestAccessLogViews(t *testing.T) {
	t.Parallel()
	for _, engine := range storagetest.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			env := webtest.Start(t, engine, webtest.Options{})
			lotte, milan := env.StudentID(demo.LotteNumber), env.StudentID(demo.CrisisNumber)
			coordID, privacyID := env.UserID(demo.UserCoordinator), env.UserID(demo.UserPrivacy)
			// Tuesday 10:00 in Amsterdam: working hours.
			env.Clock.Set(time.Date(2026, 12, 8, 9, 0, 0, 0, time.UTC))
			coord := env.NewClient()
			coord.Login(demo.UserCoordinator)
			mentor := env.NewClient()
			mentor.Login(demo.UserMentor)
			if res := mentor.Get("/students/" + milan); res.Status != http.StatusNotFound {
				t.Fatalf("mentor opens Milan: %d", res.Status)
			}
			rows, err := env.DB.ReadSQL().Query(`SELECT CAST(st.id AS TEXT) FROM students st JOIN schools s ON s.id = st.school_id
				WHERE s.brin = '25AB' ORDER BY st.student_number LIMIT $1`, casus.ManyStudentsPerDay+2)
			if err != nil {
				t.Fatal(err)
			}
			var many []string
			for rows.Next() {
				var id string
				rows.Scan(&id)
				many = append(many, id)
			}
			rows.Close()
			for _, id := range many {
				if res := coord.Get("/students/" + id); res.Status != http.StatusOK {
					t.Fatalf("coordinator opens a student: %d", res.Status)
				}
			}
			if body := coord.Get("/students/" + lotte).Body; !strings.Contains(body, `href="/students/`+lotte+`/log"`) ||
				!strings.Contains(body, `href="/students/`+lotte+`/export"`) {
				t.Errorf("the coordinator's student page lacks the log and export links")
			}
			if body := mentor.Get("/students/" + lotte).Body; strings.Contains(body, `/log"`) {
				t.Errorf("the mentor's student page links to the log")
			}
			// Saturday 23:30 in Amsterdam.
			env.Clock.Set(time.Date(2026, 12, 12, 22, 30, 0, 0, time.UTC))
			coord.Get("/students/" + lotte)

			privacy := env.NewClient()
			privacy.Login(demo.UserPrivacy)
			if !strings.Contains(privacy.Get("/").Body, `href="/log"`) || strings.Contains(privacy.Get("/").Body, `href="/students"`) {
				t.Errorf("the privacy officer's navigation: want the log, not the student list")
			}
			before := env.Count(`SELECT COUNT(*) FROM access_log WHERE student_id = $1 AND object_kind = 'access_log' AND user_id = $2`, lotte, privacyID)
			page := privacy.Get("/students/" + lotte + "/log")
			if page.Status != http.StatusOK || !strings.Contains(page.Body, "Toegangslog van Lotte Verhagen") ||
				!strings.Contains(page.Body, "Marieke Vermeer") || !strings.Contains(page.Body, "buiten werktijd") ||
				!strings.Contains(page.Body, "zorgcoördinator") {
				t.Fatalf("Lotte's log: %d", page.Status)
			}
			if n := env.Count(`SELECT COUNT(*) FROM access_log WHERE student_id = $1 AND object_kind = 'access_log' AND user_id = $2
				AND relation = 'privacy_officer' AND action = 'read'`, lotte, privacyID); n != before+1 {
				t.Errorf("viewing Lotte's log wrote %d entries, want 1", n-before)
			}
			csv := privacy.Get("/students/" + lotte + "/log.csv")
			if !strings.HasPrefix(csv.Body, "\ufeffWanneer;Wie;Rol;") || !strings.Contains(csv.Body, "Marieke Vermeer") ||
				!strings.HasPrefix(csv.Header.Get("Content-Type"), "text/csv") {
				t.Errorf("Lotte's log as CSV: %q", csv.Body[:min(len(csv.Body), 120)])
			}
			if n := env.Count(`SELECT COUNT(*) FROM access_log WHERE student_id = $1 AND object_kind = 'access_log' AND action = 'export' AND user_id = $2`, lotte, privacyID); n != 1 {
				t.Errorf("the CSV export wrote %d entries, want 1", n)
			}

			// What the coordinator opened: every student shown gets an entry.
			users := privacy.Get("/users/" + coordID + "/log")
			if users.Status != http.StatusOK || !strings.Contains(users.Body, "Wat Marieke Vermeer opende") || !strings.Contains(users.Body, "Lotte Verhagen") {
				t.Fatalf("per-user view: %d", users.Status)
			}
			shown := env.Count(`SELECT COUNT(DISTINCT a.student_id) FROM access_log a WHERE a.user_id = $1 AND a.student_id <> ''`, coordID)
			if n := env.Count(`SELECT COUNT(*) FROM access_log WHERE object_kind = 'access_log' AND object_id = $1 AND user_id = $2 AND action = 'read'`, coordID, privacyID); n != shown {
				t.Errorf("per-user view logged %d students, showed %d", n, shown)
			}
			if n := env.Count(`SELECT COUNT(*) FROM access_log WHERE object_kind = 'access_log_user' AND object_id = $1 AND user_id = $2`, coordID, privacyID); n != 1 {
				t.Errorf("per-user view logged %d views, want 1", n)
			}
			if ucsv := privacy.Get("/users/" + coordID + "/log.csv"); !strings.Contains(ucsv.Body, ";Leerling;") || !strings.Contains(ucsv.Body, "Lotte Verhagen") {
				t.Errorf("per-user CSV lacks the student column or Lotte")
			}

			// The hints.
			overview := privacy.Get("/log")
			for _, want := range []string{"veel leerlingen op één dag zonder casus", "buiten werktijd", "geweigerde pogingen", "Sanne Oosterhout"} {
				if !strings.Contains(overview.Body, want) {
					t.Errorf("overview lacks %q", want)
				}
			}
			if n := env.Count(`SELECT COUNT(*) FROM access_log WHERE object_kind = 'access_log_anomalies' AND user_id = $1`, privacyID); n != 1 {
				t.Errorf("overview logged %d times, want 1", n)
			}
			if acsv := privacy.Get("/log/anomalies.csv"); !strings.Contains(acsv.Body, "geweigerde pogingen;Sanne Oosterhout") {
				t.Errorf("hints CSV: %q", acsv.Body)
			}

			// Finding a student by number opens the log; the number is in the body, not the URL.
			if res := privacy.Post("/log/find", url.Values{"number": {demo.LotteNumber}}); res.Status != http.StatusSeeOther || res.Location != "/students/"+lotte+"/log" {
				t.Errorf("find Lotte: %d → %s", res.Status, res.Location)
			}
			if n := env.Count(`SELECT COUNT(*) FROM access_log WHERE student_id = $1 AND purpose = 'access log (find student)'
				AND user_id = $2 AND outcome = 'granted'`, lotte, env.UserID(demo.UserPrivacy)); n != 1 {
				t.Errorf("finding Lotte left %d entries in her own log, want 1", n)
			}
			if res := privacy.Post("/log/find", url.Values{"number": {demo.DaanNumber}}); res.Status != http.StatusBadRequest ||
				!strings.Contains(res.Body, "Er is geen leerling met dit nummer op uw school.") {
				t.Errorf("find a pupil of another school: %d", res.Status)
			}
			// The chair of the above-school ZAT, from outside the school, reads
			// no school-wide log: the IB'er opening Daan stays out of view.
			ib := env.NewClient()
			ib.Login(demo.UserIB)
			ib.Get("/students/" + env.StudentID(demo.DaanNumber))
			swv := env.NewClient()
			swv.Login("swv")
			if res := swv.Get("/log"); res.Status != http.StatusOK || strings.Contains(res.Body, "Carolien Dorrestein") {
				t.Errorf("the ZAT chair's log overview: %d, or it shows the school's own staff", res.Status)
			}
			// The privacy officer sees no care content otherwise.
			if res := privacy.Get("/students/" + lotte); res.Status != http.StatusNotFound {
				t.Errorf("privacy officer opens Lotte's page: %d", res.Status)
			}
		})
	}
}
