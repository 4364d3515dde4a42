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

// figuresMatrix: management and the zorgcoördinator see steering figures
// (the coordinator those of the teams they chair); everybody else is
// refused. A scope outside the reader's teams is refused as invalid.
func figuresMatrix() map[string][]cell {
	readers := map[string]int{anon: redirect, demo.UserCoordinator: ok, demo.UserManagement: ok}
	m := map[string][]cell{}
	for _, p := range []string{"/figures", "/figures.csv"} {
		m["GET "+p] = append(byUser(p+"?period=two", nil, forbid, readers),
			cell{user: demo.UserCoordinator, relation: "chairs the team", path: p + "?scope=team:{team}", want: ok},
			cell{user: demo.UserManagement, relation: "steering group", path: p + "?period=last&scope=team:{team}", want: ok},
			cell{user: demo.UserCoordinator, relation: "none (no such team)", path: p + "?scope=team:{unknown}", want: bad},
			cell{user: demo.UserManagement, relation: "none (malformed scope)", path: p + "?scope=student:{lotte}", want: bad})
	}
	return m
}

// TestFiguresForManagement: the steering group's member reads the figures
// of two school years and downloads them; no student is named on the page or
// in the file, and both reads are in the access log without a student.
func TestFiguresForManagement(t *testing.T) {
	t.Parallel()
	for _, engine := range storagetest.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			env := webtest.Start(t, engine, webtest.Options{})
			mgmt := env.NewClient()
			mgmt.Login(demo.UserManagement)
			page := mgmt.Get("/figures?period=two")
			if page.Status != http.StatusOK || !strings.Contains(page.Body, "Aanmeldingen per maand") || !strings.Contains(page.Body, "<svg") {
				t.Fatalf("figures page: %d", page.Status)
			}
			csv := mgmt.Get("/figures.csv?period=two")
			if csv.Status != http.StatusOK || !strings.HasPrefix(csv.Body, "\ufeff") || !strings.Contains(csv.Body, ";") ||
				!strings.HasPrefix(csv.Header.Get("Content-Type"), "text/csv") {
				t.Fatalf("figures CSV: %d %q", csv.Status, csv.Body[:min(80, len(csv.Body))])
			}
			rows, err := env.SQL().Query(`SELECT first_name, last_name FROM students`)
			if err != nil {
				t.Fatal(err)
			}
			defer rows.Close()
			for rows.Next() {
				var first, last string
				if err := rows.Scan(&first, &last); err != nil {
					t.Fatal(err)
				}
				for _, body := range []string{page.Body, csv.Body} {
					if strings.Contains(body, first+" "+last) {
						t.Errorf("a student is named in the figures: %s %s", first, last)
					}
				}
			}
			if n := env.Count(`SELECT COUNT(*) FROM access_log WHERE user_id = $1 AND object_kind = 'figures' AND student_id = ''
				AND purpose IN ('figures view', 'figures export') AND relation = 'steering'`, env.UserID(demo.UserManagement)); n != 2 {
				t.Errorf("access log has %d figure reads of management without a student, want 2 (view, export)", n)
			}
			t.Run("OK/ThresholdSetByTheBeheerder", func(t *testing.T) {
				admin := env.NewClient()
				admin.Login(demo.UserAdmin)
				if res := admin.Post("/admin/settings", url.Values{"figures_threshold": {"2"}}); res.Status != http.StatusBadRequest ||
					!strings.Contains(res.Body, "tussen 3 en 50") {
					t.Errorf("threshold 2: %d", res.Status)
				}
				if res := admin.Post("/admin/settings", url.Values{"figures_threshold": {"10"}}); res.Status != http.StatusSeeOther {
					t.Fatalf("threshold 10: %d", res.Status)
				}
				if res := admin.Get("/admin/settings"); !strings.Contains(res.Body, `value="10"`) {
					t.Errorf("settings page does not show the threshold 10")
				}
				if res := mgmt.Get("/figures?period=two"); !strings.Contains(res.Body, "&lt; 10") || strings.Contains(res.Body, "&lt; 5<") {
					t.Errorf("figures after threshold 10 do not hide under 10")
				}
				if n := env.Count(`SELECT COUNT(*) FROM security_events WHERE detail = 'figures_threshold: 5 → 10'`); n != 1 {
					t.Errorf("%d security events of the threshold change, want 1", n)
				}
			})
			t.Run("Refused/Mentor", func(t *testing.T) {
				mentor := env.NewClient()
				mentor.Login(demo.UserMentor)
				if res := mentor.Get("/figures"); res.Status != http.StatusForbidden {
					t.Errorf("mentor on /figures: %d", res.Status)
				}
			})
		})
	}
}
