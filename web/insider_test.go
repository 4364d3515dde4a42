package web_test

import (
	"fmt"
	"html"
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

// The small findings of the insider-trust review (issue 9, scope 8), one
// test each, on both engines.

// TestAnonymousPageShowsAgeBand: a partner who sees Lotte without consent
// (the GGZ member after Lotte's consent is withdrawn) reads an age band, not
// her age: with the school and the year group an exact age can point to
// one pupil.
func TestAnonymousPageShowsAgeBand(t *testing.T) {
	t.Parallel()
	for _, engine := range storagetest.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			env := webtest.Start(t, engine, webtest.Options{})
			ids := consentMatrixIDs(t, env)
			lotte := env.StudentID(demo.LotteNumber)
			coord := env.NewClient()
			coord.Login(demo.UserCoordinator)
			if res := coord.Post("/cases/"+ids["{lotte_zat}"]+"/consent/"+ids["{lotte_consent}"]+"/withdraw",
				url.Values{"reason": {"Lotte wil niet dat de GGZ meekijkt."}}); res.Status != http.StatusSeeOther {
				t.Fatalf("withdraw: %d", res.Status)
			}
			var dob time.Time
			if err := env.DB.ReadSQL().QueryRow(`SELECT date_of_birth FROM students WHERE id = $1`, lotte).Scan(&dob); err != nil {
				t.Fatal(err)
			}
			st := casus.Student{DateOfBirth: dob}
			age, band := st.AgeOn(env.Clock.Now()), st.AgeBand(env.Clock.Now())
			ggz := env.NewClient()
			ggz.Login("ggz")
			page := ggz.Get("/students/" + lotte)
			if page.Status != http.StatusOK || !strings.Contains(page.Body, "Anonieme casus") {
				t.Fatalf("GGZ: %d, want the anonymous page", page.Status)
			}
			if !strings.Contains(html.UnescapeString(page.Body), band+" jaar") {
				t.Errorf("the anonymous page lacks the age band %q", band)
			}
			if strings.Contains(page.Body, fmt.Sprintf(">%d jaar<", age)) {
				t.Errorf("the anonymous page shows the exact age %d", age)
			}
			// Named, the coordinator still reads the age.
			if !strings.Contains(coord.Get("/students/"+lotte).Body, fmt.Sprintf("%d jaar", age)) {
				t.Errorf("the coordinator's page lacks Lotte's age")
			}
		})
	}
}

func TestAgeBand(t *testing.T) {
	t.Parallel()
	on := time.Date(2026, 9, 1, 0, 0, 0, 0, time.UTC)
	for years, want := range map[int]string{4: "4–8", 7: "4–8", 8: "8–12", 11: "8–12", 12: "12–16", 15: "12–16", 16: "16+", 19: "16+"} {
		st := casus.Student{DateOfBirth: on.AddDate(-years, 0, 0)}
		if got := st.AgeBand(on); got != want {
			t.Errorf("age %d: band %q, want %q", years, got, want)
		}
	}
}

// TestFarFutureDateRefused: a day beyond ten years ahead (9999-12-31, a slip
// of the year) is refused with a message at the meeting rhythm, an action's
// due day and a consent's end, nothing is stored, and the team page keeps
// working.
func TestFarFutureDateRefused(t *testing.T) {
	t.Parallel()
	for _, engine := range storagetest.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			env := webtest.Start(t, engine, webtest.Options{})
			env.Clock.Set(time.Date(2026, 11, 23, 9, 0, 0, 0, casus.Amsterdam))
			intern := teamID(t, env, demo.TeamMBOIntern)
			c := env.NewClient()
			c.Login(demo.UserCoordinator)
			const message = "Kies een datum tussen 1900 en 2036."
			before := env.Snapshot("sessions")
			rhythm := url.Values{"first_on": {"9999-12-31"}, "first_at": {"14:00"}, "pattern": {"weeks"}, "every_weeks": {"2"},
				"month_week": {"1"}, "duration": {"90"}, "location": {"Lokaal B1.12"}}
			if res := c.Post("/teams/"+intern+"/rhythm", rhythm); res.Status != http.StatusBadRequest || !strings.Contains(res.Body, message) {
				t.Errorf("rhythm from 9999-12-31: %d, want 400 with %q", res.Status, message)
			} else if !strings.Contains(res.Body, `value="Lokaal B1.12"`) {
				t.Errorf("the refused rhythm form lost what was typed")
			}
			if diff := webtest.Changed(before, env.Snapshot("sessions")); len(diff) > 0 {
				t.Errorf("the refused rhythm changed %v", diff)
			}
			if res := c.Get("/teams/" + intern); res.Status != http.StatusOK {
				t.Errorf("team page after the refusal: %d", res.Status)
			}
			// Ten years ahead is still a day a plan may name.
			rhythm.Set("first_on", "2036-11-20")
			if res := c.Post("/teams/"+intern+"/rhythm", rhythm); res.Status != http.StatusSeeOther {
				t.Errorf("rhythm from 2036-11-20: %d, want 303", res.Status)
			}
			if res := c.Get("/teams/" + intern); res.Status != http.StatusOK || !strings.Contains(res.Body, "2036") {
				t.Errorf("team page with a rhythm ten years ahead: %d", res.Status)
			}
		})
	}
}

// TestTeamPageWritesNothing: GET /teams/{id} used to store the coming
// meetings of the rhythm on the way; a GET now reads only, and the
// meetings it lists are the ones stored when the rhythm was saved.
func TestTeamPageWritesNothing(t *testing.T) {
	t.Parallel()
	for _, engine := range storagetest.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			env := webtest.Start(t, engine, webtest.Options{})
			env.Clock.Set(time.Date(2026, 11, 23, 9, 0, 0, 0, casus.Amsterdam))
			intern := teamID(t, env, demo.TeamMBOIntern)
			c := env.NewClient()
			c.Login(demo.UserCoordinator)
			rhythm := url.Values{"first_on": {"2026-11-24"}, "first_at": {"14:00"}, "pattern": {"weeks"}, "every_weeks": {"2"},
				"month_week": {"1"}, "duration": {"90"}, "location": {"Lokaal B1.12"}}
			if res := c.Post("/teams/"+intern+"/rhythm", rhythm); res.Status != http.StatusSeeOther {
				t.Fatalf("set rhythm: %d", res.Status)
			}
			// Weeks later the stored meetings have passed: the page still
			// writes nothing (the hourly job stores the next ones).
			env.Clock.Add(9 * 7 * 24 * time.Hour)
			for _, who := range []string{demo.UserCoordinator, demo.UserMentor, demo.UserManagement} {
				u := env.NewClient()
				u.Login(who)
				before := env.Snapshot("sessions", "access_log", "access_log_head", "security_events", "security_events_head")
				if res := u.Get("/teams/" + intern); res.Status != http.StatusOK {
					t.Fatalf("%s: team page %d", who, res.Status)
				}
				if diff := webtest.Changed(before, env.Snapshot("sessions", "access_log", "access_log_head", "security_events", "security_events_head")); len(diff) > 0 {
					t.Errorf("%s: GET /teams/{id} changed %v", who, diff)
				}
			}
		})
	}
}

// TestUploadNameWithFormatCharacterRefused: a file name with a Unicode
// format character — U+202E RIGHT-TO-LEFT OVERRIDE makes
// "rapport\u202Efdp.exe" read as "rapportexe.pdf" — is refused with a Dutch
// message and nothing is stored.
func TestUploadNameWithFormatCharacterRefused(t *testing.T) {
	t.Parallel()
	for _, engine := range storagetest.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			env := webtest.Start(t, engine, webtest.Options{})
			zat := chairedTeam(t, env, demo.UserCoordinator)
			coord := env.NewClient()
			coord.Login(demo.UserCoordinator)
			fields := url.Values{"scope": {"team:" + zat}, "kind": {"privacy"}, "title": {"Privacyreglement ZAT"},
				"owner": {env.UserID(demo.UserCoordinator)}, "version": {"2.1"}, "review_on": {"2027-08-01"}}
			pdf := []byte("%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n%%EOF\n")
			docs := env.Count(`SELECT COUNT(*) FROM handbook_documents`)
			for _, name := range []string{"rapport\u202Efdp.exe.pdf", "regle\u200Bment.pdf", "\uFEFFreglement.pdf"} {
				res := coord.PostMultipart("/handbook", fields, "file", name, pdf)
				if res.Status != http.StatusBadRequest || !strings.Contains(res.Body, "De bestandsnaam is niet toegestaan") {
					t.Errorf("%q: %d, want 400 with the name refused", name, res.Status)
				}
				if n := env.Count(`SELECT COUNT(*) FROM handbook_documents`); n != docs {
					t.Fatalf("%q: %d documents stored", name, n-docs)
				}
			}
		})
	}
}
