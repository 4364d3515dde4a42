package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"casus"
	"casus/demo"
	"casus/storage"
	"casus/storage/storagetest"
	"casus/web/webtest"
)

// careMatrixIDs finds the demo care-file entries the access matrix opens:
// Lotte's corrected signal (by her mentor, visible to her guidance, two
// versions) and the intern zorgteam's outcome (care team only, by the
// coordinator).
func careMatrixIDs(t *testing.T, env *webtest.Env) map[string]string {
	t.Helper()
	lotte := env.StudentID(demo.LotteNumber)
	entry := func(kind casus.EntryKind, vis casus.Visibility) string {
		var id string
		if err := env.SQL().QueryRow(`SELECT CAST(e.id AS TEXT) FROM care_entries e JOIN care_entry_versions v ON v.entry_id = e.id
			WHERE e.student_id = $1 AND v.kind = $2 AND v.visibility = $3 AND v.version = 1 ORDER BY v.occurred_on LIMIT 1`,
			lotte, string(kind), string(vis)).Scan(&id); err != nil {
			t.Fatalf("demo care entry %s/%s of Lotte: %v", kind, vis, err)
		}
		return id
	}
	return map[string]string{
		"{lotte_signal}":    entry(casus.EntrySignal, casus.VisGuidance),
		"{lotte_team_note}": entry(casus.EntryTeamMeeting, casus.VisCareTeam),
	}
}

// careMatrix lists the care-file and care-route routes. Lotte's relations
// are those of studentCells: coordinator, taakdocent (care contact), mentor
// and ggd (fixed member of both teams handling her) see her; politie,
// management, beheerder and the po IB'er do not. Forms are valid, so every
// answer is the policy's: allowed writers are redirected, everybody else
// gets "not found", logged as a denial.
func careMatrix() map[string][]cell {
	type expect struct {
		user, rel string
		want      int
	}
	cells := func(path string, form url.Values, student string, es ...expect) []cell {
		var cs []cell
		for _, e := range es {
			c := cell{user: e.user, relation: e.rel, path: strings.ReplaceAll(path, "{student}", "{"+student+"}"), form: form, want: e.want}
			if e.want == notFound && e.user != anon {
				c.denied = student
			}
			cs = append(cs, c)
		}
		return cs
	}
	anonGet, anonPost := expect{anon, "none", redirect}, expect{anon, "none", unauth}
	denied := func(user, rel string) expect { return expect{user, rel, notFound} }
	outsiders := []expect{
		denied(demo.UserPolice, "none (on call, not invited)"), denied(demo.UserManagement, "none (management)"),
		denied(demo.UserAdmin, "none (beheerder)"), denied(demo.UserIB, "none (other school)"),
	}
	with := func(es ...expect) []expect { return append(es, outsiders...) }

	entry := url.Values{"kind": {"signal"}, "occurred_on": {"2025-01-15"}, "text": {"Matrix: signaal."},
		"visibility": {"guidance"}, "sector": {"mbo"}}
	teamEntry := url.Values{"kind": {"signal"}, "occurred_on": {"2025-01-15"}, "text": {"Matrix: alleen zorgteam."},
		"visibility": {"care_team"}, "sector": {"mbo"}}
	correction := url.Values{"kind": {"signal"}, "occurred_on": {"2025-01-15"}, "text": {"Matrix: correctie."},
		"visibility": {"guidance"}, "reason": {"Matrix."}, "version": {"2"}, "sector": {"mbo"}}
	route := url.Values{"to": {"intern"}, "from": {"zat"}, "seq": {"4"}, "decided_on": {"2025-01-15"},
		"reason": {"Matrix: afschalen."}, "sector": {"mbo"}}

	writers := with(anonGet, expect{demo.UserCoordinator, "coordinator", ok}, expect{demo.UserCareContact, "care_contact", ok},
		expect{demo.UserMentor, "mentor", ok}, expect{demo.UserGGD, "team_member", ok})
	postWriters := with(anonPost, expect{demo.UserCoordinator, "coordinator", redirect}, expect{demo.UserCareContact, "care_contact", redirect},
		expect{demo.UserMentor, "mentor", redirect}, expect{demo.UserGGD, "team_member", redirect})
	readers := with(anonGet, expect{demo.UserCoordinator, "coordinator", ok}, expect{demo.UserCareContact, "care_contact", ok},
		expect{demo.UserMentor, "mentor", ok}, expect{demo.UserGGD, "team_member", ok})

	return map[string][]cell{
		"GET /students/{id}/care/new": append(append(cells("/students/{student}/care/new", nil, "lotte", writers...),
			cells("/students/{student}/care/new", nil, "milan",
				denied(demo.UserPolice, "invited (reads, does not write)"), denied(demo.UserMentor, "none (not their student)"))...),
			cells("/students/{student}/care/new", nil, "unknown", denied(demo.UserCoordinator, "none (no such student)"))...),
		"POST /students/{id}/care": append(append(cells("/students/{student}/care", entry, "lotte", postWriters...),
			cells("/students/{student}/care", entry, "milan", denied(demo.UserPolice, "invited (reads, does not write)"))...),
			cells("/students/{student}/care", teamEntry, "lotte", denied(demo.UserMentor, "mentor (care-team visibility not theirs)"))...),
		"GET /students/{id}/care/{entry}": append(append(append(cells("/students/{student}/care/{lotte_signal}", nil, "lotte", readers...),
			cells("/students/{student}/care/{lotte_team_note}", nil, "lotte", denied(demo.UserMentor, "mentor (care-team entry)"),
				expect{demo.UserGGD, "team_member", ok}, expect{demo.UserCareContact, "care_contact", ok})...),
			cells("/students/{student}/care/{unknown}", nil, "lotte", denied(demo.UserCoordinator, "coordinator (no such entry)"))...),
			cells("/students/{student}/care/{lotte_signal}", nil, "milan", denied(demo.UserCoordinator, "coordinator (entry of another student)"))...),
		"GET /students/{id}/care/{entry}/correct": cells("/students/{student}/care/{lotte_signal}/correct", nil, "lotte",
			with(anonGet, expect{demo.UserMentor, "mentor (author)", ok}, expect{demo.UserCoordinator, "coordinator", ok},
				denied(demo.UserCareContact, "care_contact (not the author)"), denied(demo.UserGGD, "team_member (not the author)"))...),
		// The first allowed correction succeeds; the next one carries the
		// version it replaced and conflicts.
		"POST /students/{id}/care/{entry}/correct": cells("/students/{student}/care/{lotte_signal}/correct", correction, "lotte",
			with(anonPost, denied(demo.UserCareContact, "care_contact (not the author)"), denied(demo.UserGGD, "team_member"),
				expect{demo.UserMentor, "mentor (author)", redirect}, expect{demo.UserCoordinator, "coordinator (stale version)", http.StatusConflict})...),
		"GET /students/{id}/route": append(cells("/students/{student}/route", nil, "lotte", readers...),
			cells("/students/{student}/route", nil, "milan", expect{demo.UserPolice, "invited", ok}, denied(demo.UserMentor, "none"))...),
		// Lotte is at the ZAT: only the coordinator may scale her down.
		"POST /students/{id}/route": cells("/students/{student}/route", route, "lotte",
			with(anonPost, denied(demo.UserCareContact, "care_contact (ZAT out of reach)"), denied(demo.UserMentor, "mentor (ZAT out of reach)"),
				denied(demo.UserGGD, "team_member (does not decide the route)"), expect{demo.UserCoordinator, "coordinator", redirect})...),
	}
}

// logCount counts the access-log entries about the student of an action,
// object kind and outcome.
func logCount(env *webtest.Env, studentID, action, objectKind, outcome string) int {
	return env.Count(`SELECT COUNT(*) FROM access_log WHERE student_id = $1 AND action = $2 AND object_kind = $3 AND outcome = $4`,
		studentID, action, objectKind, outcome)
}

// TestCareFileMentorSignal: the mentor logs a signal for their own student
// from the student page in one short form (kind, date and visibility
// preselected); it shows on the page, newest first, and the creation is in
// the access log. The mentor does not see the care team's entries.
func TestCareFileMentorSignal(t *testing.T) {
	t.Parallel()
	for _, engine := range storagetest.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			env := webtest.Start(t, engine, webtest.Options{})
			lotte := env.StudentID(demo.LotteNumber)
			c := env.NewClient()
			c.Login(demo.UserMentor)

			page := c.Get("/students/" + lotte)
			if page.Status != http.StatusOK || !strings.Contains(page.Body, `id="zorgdossier"`) ||
				!strings.Contains(page.Body, "/students/"+lotte+"/care/new?kind=signal") {
				t.Fatalf("student page: %d, want the Zorgdossier section with a signal link", page.Status)
			}
			if strings.Contains(page.Body, "Intern zorgteam: weinig vooruitgang") {
				t.Errorf("the mentor sees the care team's entry on the student page")
			}
			if !strings.Contains(page.Body, "Verzuim deze periode 18%") || strings.Contains(page.Body, "ongeveer 12%") {
				t.Errorf("the student page does not show the corrected signal in its newest version")
			}

			form := c.Get("/students/" + lotte + "/care/new?kind=signal")
			if form.Status != http.StatusOK {
				t.Fatalf("new entry form: %d", form.Status)
			}
			for _, want := range []string{`value="signal" checked`, `value="guidance" checked`, `name="occurred_on"`, `<textarea`} {
				if !strings.Contains(form.Body, want) {
					t.Errorf("new entry form lacks %s", want)
				}
			}
			if strings.Contains(form.Body, `value="care_team"`) || strings.Contains(form.Body, `value="confidential"`) {
				t.Errorf("the mentor is offered a visibility they cannot read")
			}
			today := env.Clock.Now().In(casus.Amsterdam).Format("2006-01-02")
			if !strings.Contains(form.Body, `value="`+today+`"`) {
				t.Errorf("the date is not preset to today (%s)", today)
			}

			before := logCount(env, lotte, "create", "care_entry", "granted")
			res := c.Post("/students/"+lotte+"/care", url.Values{"kind": {"signal"}, "occurred_on": {today},
				"text": {"Lotte kwam vandaag\nhuilend binnen & < 5 min later weer weg."}, "visibility": {"guidance"}, "sector": {"mbo"}})
			if res.Status != http.StatusSeeOther || !strings.HasPrefix(res.Location, "/students/"+lotte) {
				t.Fatalf("save signal: %d → %q", res.Status, res.Location)
			}
			if n := logCount(env, lotte, "create", "care_entry", "granted"); n != before+1 {
				t.Errorf("creating an entry wrote %d create entries, want 1", n-before)
			}
			page = c.Get(res.Location)
			i := strings.Index(page.Body, "huilend binnen &amp; &lt; 5 min")
			j := strings.Index(page.Body, "Verzuim deze periode 18%")
			if i < 0 || j < 0 || i > j {
				t.Errorf("the new signal is not shown escaped before the older entries (%d, %d)", i, j)
			}
			if !strings.Contains(page.Body, "De notitie staat in het zorgdossier.") {
				t.Errorf("no confirmation after saving")
			}
		})
	}
}

// TestCareFileHistory: a correction keeps every version; the history shows
// each with who, when and why; every view writes exactly one read entry in
// the access log.
func TestCareFileHistory(t *testing.T) {
	t.Parallel()
	for _, engine := range storagetest.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			env := webtest.Start(t, engine, webtest.Options{})
			lotte := env.StudentID(demo.LotteNumber)
			signal := careMatrixIDs(t, env)["{lotte_signal}"]
			mentor, coord := env.NewClient(), env.NewClient()
			mentor.Login(demo.UserMentor)
			coord.Login(demo.UserCoordinator)
			path := "/students/" + lotte + "/care/" + signal

			corr := url.Values{"kind": {"signal"}, "occurred_on": {"2025-09-08"}, "text": {"Derde versie: verzuim 18%, vooral maandag en dinsdag."},
				"visibility": {"guidance"}, "reason": {"Dinsdag ontbrak."}, "version": {"2"}, "sector": {"mbo"}}
			res := coord.Post(path+"/correct", corr)
			if res.Status != http.StatusSeeOther {
				t.Fatalf("correction: %d", res.Status)
			}
			if n := env.Count(`SELECT COUNT(*) FROM care_entry_versions WHERE entry_id = $1`, signal); n != 3 {
				t.Errorf("versions after two corrections: %d, want 3", n)
			}

			for i := range 2 {
				before := logCount(env, lotte, "read", "care_entry", "granted")
				h := mentor.Get(path)
				if h.Status != http.StatusOK {
					t.Fatalf("history: %d", h.Status)
				}
				for _, want := range []string{"Versie 1", "Versie 2", "Versie 3", "ongeveer 12%", "Verzuim deze periode 18%",
					"Derde versie", "Percentage nagerekend", "Dinsdag ontbrak.", "Marieke Vermeer", "Sanne Oosterhout"} {
					if !strings.Contains(h.Body, want) {
						t.Errorf("history lacks %q", want)
					}
				}
				if n := logCount(env, lotte, "read", "care_entry", "granted"); n != before+1 {
					t.Errorf("view %d of the history wrote %d read entries, want 1", i+1, n-before)
				}
			}
			before := env.Count(`SELECT COUNT(*) FROM access_log WHERE student_id = $1 AND action = 'read'`, lotte)
			mentor.Get("/students/" + lotte)
			if n := env.Count(`SELECT COUNT(*) FROM access_log WHERE student_id = $1 AND action = 'read'`, lotte); n != before+1 {
				t.Errorf("a student page view with the care file wrote %d read entries, want 1", n-before)
			}
			// Storage refuses to change a version in place.
			if _, err := env.SQL().Exec(`UPDATE care_entry_versions SET body = 'weg' WHERE entry_id = $1`, signal); err == nil {
				t.Errorf("a care-entry version could be updated in place")
			}
			if _, err := env.SQL().Exec(`DELETE FROM care_entry_versions WHERE entry_id = $1`, signal); err == nil {
				t.Errorf("a care-entry version could be deleted")
			}
		})
	}
}

// TestCareFileDenied: a mentor of another student, and the mentor asking
// for the care team's entry, get "not found", logged as denied.
func TestCareFileDenied(t *testing.T) {
	t.Parallel()
	env := webtest.Start(t, storage.SQLite, webtest.Options{})
	lotte, milan := env.StudentID(demo.LotteNumber), env.StudentID(demo.CrisisNumber)
	ids := careMatrixIDs(t, env)
	other := env.NewClient()
	other.Login("mentor.techniek") // Milan's mentor, not Lotte's
	for _, path := range []string{"/students/" + lotte + "/care/new", "/students/" + lotte + "/care/" + ids["{lotte_signal}"],
		"/students/" + lotte + "/route"} {
		before := env.Count(`SELECT COUNT(*) FROM access_log WHERE student_id = $1 AND outcome = 'denied' AND user_id = $2`,
			lotte, env.UserID("mentor.techniek"))
		if res := other.Get(path); res.Status != http.StatusNotFound {
			t.Errorf("another mentor opens %s: %d, want 404", path, res.Status)
		}
		if n := env.Count(`SELECT COUNT(*) FROM access_log WHERE student_id = $1 AND outcome = 'denied' AND user_id = $2`,
			lotte, env.UserID("mentor.techniek")); n != before+1 {
			t.Errorf("another mentor opens %s: %d denials logged, want 1", path, n-before)
		}
	}
	// Milan's own mentor sees his guidance signal but not the coordinator's
	// confidential meldcode note.
	page := other.Get("/students/" + milan)
	if page.Status != http.StatusOK || !strings.Contains(page.Body, "niet veilig") || strings.Contains(page.Body, "Melding gedaan.") {
		t.Errorf("Milan's mentor: %d; wants his signal and not the confidential note", page.Status)
	}
}

// TestCareFileConflictAndBadInput: a correction of a version someone else
// already corrected is refused with 409 and a Dutch message; malformed input
// is refused with 400 and Dutch messages next to the fields. Neither writes
// anything, not even to the access log.
func TestCareFileConflictAndBadInput(t *testing.T) {
	t.Parallel()
	for _, engine := range storagetest.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			env := webtest.Start(t, engine, webtest.Options{})
			lotte := env.StudentID(demo.LotteNumber)
			signal := careMatrixIDs(t, env)["{lotte_signal}"]
			mentor := env.NewClient()
			mentor.Login(demo.UserMentor)
			coord := env.NewClient()
			coord.Login(demo.UserCoordinator)

			corr := func(version, text string) url.Values {
				return url.Values{"kind": {"signal"}, "occurred_on": {"2025-09-08"}, "text": {text}, "visibility": {"guidance"},
					"reason": {"Aanvulling."}, "version": {version}, "sector": {"mbo"}}
			}
			// Both opened version 2; the coordinator saves first.
			if res := coord.Post("/students/"+lotte+"/care/"+signal+"/correct", corr("2", "Eerst opgeslagen.")); res.Status != http.StatusSeeOther {
				t.Fatalf("first correction: %d", res.Status)
			}
			// Nothing changes but the access log, which records the refused
			// request as a read.
			refusedLogged := func() int {
				return env.Count(`SELECT COUNT(*) FROM access_log WHERE student_id = $1 AND purpose LIKE '%(refused)'`, lotte)
			}
			before, logged := env.Snapshot("sessions", "access_log", "access_log_head"), refusedLogged()
			res := mentor.Post("/students/"+lotte+"/care/"+signal+"/correct", corr("2", "Te laat."))
			if res.Status != http.StatusConflict || !strings.Contains(res.Body, "Iemand anders heeft deze notitie intussen gecorrigeerd") {
				t.Errorf("stale correction: %d, want 409 with the Dutch message", res.Status)
			}
			if diff := webtest.Changed(before, env.Snapshot("sessions", "access_log", "access_log_head")); len(diff) > 0 {
				t.Errorf("the stale correction changed the database:\n%s", strings.Join(diff, "\n"))
			}
			if n := refusedLogged() - logged; n != 1 {
				t.Errorf("%d access-log entries for the refused correction, want 1", n)
			}

			// A stale route form: the coordinator scaled down meanwhile.
			route := url.Values{"to": {"intern"}, "from": {"zat"}, "seq": {"4"}, "decided_on": {"2025-09-08"},
				"reason": {"Afschalen."}, "sector": {"mbo"}}
			if res := coord.Post("/students/"+lotte+"/route", route); res.Status != http.StatusSeeOther {
				t.Fatalf("route change: %d", res.Status)
			}
			before, logged = env.Snapshot("sessions", "access_log", "access_log_head"), refusedLogged()
			if res := coord.Post("/students/"+lotte+"/route", route); res.Status != http.StatusConflict ||
				!strings.Contains(res.Body, "Iemand anders heeft de zorgroute intussen gewijzigd") {
				t.Errorf("stale route change: %d, want 409 with the Dutch message", res.Status)
			}
			if n := refusedLogged() - logged; n != 1 {
				t.Errorf("%d access-log entries for the refused route change, want 1", n)
			}
			if diff := webtest.Changed(before, env.Snapshot("sessions", "access_log", "access_log_head")); len(diff) > 0 {
				t.Errorf("the stale route change changed the database:\n%s", strings.Join(diff, "\n"))
			}

			future := env.Clock.Now().In(casus.Amsterdam).AddDate(0, 0, 3).Format("2006-01-02")
			bad := []struct {
				name, path string
				form       url.Values
				field      map[string]string
			}{
				{"empty entry", "/students/" + lotte + "/care", url.Values{},
					map[string]string{"kind": nlChoice, "occurred_on": nlRequired, "text": nlRequired, "visibility": nlChoice}},
				{"future date, unknown kind", "/students/" + lotte + "/care",
					url.Values{"kind": {"roddel"}, "occurred_on": {future}, "text": {"x"}, "visibility": {"guidance"}},
					map[string]string{"kind": nlChoice, "occurred_on": "Deze datum ligt in de toekomst. Vul de datum in waarop het gebeurde."}},
				{"no date", "/students/" + lotte + "/care",
					url.Values{"kind": {"signal"}, "occurred_on": {"gisteren"}, "text": {strings.Repeat("ë", 4001)}, "visibility": {"everyone"}},
					map[string]string{"occurred_on": "Vul een geldige datum in, zoals 14-03-2026.", "text": nlTooLong(4000), "visibility": nlChoice}},
				{"correction without reason", "/students/" + lotte + "/care/" + signal + "/correct",
					url.Values{"kind": {"signal"}, "occurred_on": {"2025-09-08"}, "text": {"x"}, "visibility": {"guidance"}, "version": {"3"}},
					map[string]string{"reason": nlRequired}},
				{"route without reason, same step", "/students/" + lotte + "/route",
					url.Values{"to": {"intern"}, "from": {"intern"}, "seq": {"5"}, "decided_on": {"2025-09-08"}, "sector": {"mbo"}},
					map[string]string{"reason": nlRequired, "to": "Kies een andere stap dan de huidige."}},
			}
			for _, tc := range bad {
				before := env.Snapshot("sessions")
				c := mentor
				if strings.HasSuffix(tc.path, "/route") {
					c = coord
				}
				res := c.Post(tc.path, tc.form)
				if res.Status != http.StatusBadRequest {
					t.Errorf("%s: %d, want 400", tc.name, res.Status)
				}
				got := map[string]string{}
				for _, m := range fieldErrorRe.FindAllStringSubmatch(res.Body, -1) {
					got[m[1]] = m[2]
				}
				for f, msg := range tc.field {
					if got[f] != msg {
						t.Errorf("%s: field %s says %q, want %q", tc.name, f, got[f], msg)
					}
				}
				if diff := webtest.Changed(before, env.Snapshot("sessions")); len(diff) > 0 {
					t.Errorf("%s: the refused form changed the database:\n%s", tc.name, strings.Join(diff, "\n"))
				}
			}
		})
	}
}

// TestCareRoute: the taakdocent scales a student up to the intern zorgteam
// and cannot go further; the coordinator scales to the ZAT; the route page
// shows each decision with who, when and why, and every change and view is
// in the access log.
func TestCareRoute(t *testing.T) {
	t.Parallel()
	for _, engine := range storagetest.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			env := webtest.Start(t, engine, webtest.Options{})
			// A Zorg en welzijn student of the demo mentor with no route yet.
			var student string
			if err := env.SQL().QueryRow(`SELECT CAST(st.id AS TEXT) FROM students st JOIN users u ON u.id = st.mentor_id
				WHERE u.username = $1 AND st.student_number <> $2 AND st.left_at IS NULL ORDER BY st.student_number LIMIT 1`,
				demo.UserMentor, demo.LotteNumber).Scan(&student); err != nil {
				t.Fatal(err)
			}
			tk, coord := env.NewClient(), env.NewClient()
			tk.Login(demo.UserCareContact)
			coord.Login(demo.UserCoordinator)
			path := "/students/" + student + "/route"

			page := tk.Get(path)
			if page.Status != http.StatusOK || !strings.Contains(page.Body, "Basisbegeleiding door de loopbaanbegeleider") {
				t.Fatalf("route page: %d, want the first mbo step", page.Status)
			}
			if !strings.Contains(page.Body, `value="intern"`) || strings.Contains(page.Body, `value="zat"`) {
				t.Errorf("the taakdocent should be offered the intern zorgteam and not the ZAT")
			}
			step := func(c *webtest.Client, from, to string, seq int, reason string) webtest.Response {
				return c.Post(path, url.Values{"to": {to}, "from": {from}, "seq": {string(rune('0' + seq))},
					"decided_on": {"2025-09-08"}, "reason": {reason}, "sector": {"mbo"}})
			}
			if res := step(tk, "basic", "intern", 0, "Schulden en verzuim; bespreken in het intern zorgteam."); res.Status != http.StatusSeeOther {
				t.Fatalf("scale up to intern: %d", res.Status)
			}
			if res := step(tk, "intern", "zat", 1, "Verder opschalen."); res.Status != http.StatusNotFound {
				t.Errorf("taakdocent scales up to the ZAT: %d, want 404", res.Status)
			}
			if res := step(coord, "intern", "zat", 1, "Meervoudige problematiek."); res.Status != http.StatusSeeOther {
				t.Fatalf("coordinator scales up to the ZAT: %d", res.Status)
			}
			if res := step(coord, "zat", "care_contact", 2, "Hulp loopt; terug naar de taakdocent."); res.Status != http.StatusSeeOther {
				t.Fatalf("coordinator scales down: %d", res.Status)
			}
			if n := logCount(env, student, "change", "care_route", "granted"); n != 3 {
				t.Errorf("route changes logged: %d, want 3", n)
			}
			before := logCount(env, student, "read", "care_route", "granted")
			page = tk.Get(path)
			if n := logCount(env, student, "read", "care_route", "granted"); n != before+1 {
				t.Errorf("a route view wrote %d read entries, want 1", n-before)
			}
			for _, want := range []string{"Ilona Rietveld", "Marieke Vermeer", "Opgeschaald", "Afgeschaald",
				"Schulden en verzuim; bespreken in het intern zorgteam.", "Meervoudige problematiek.", "Hulp loopt; terug naar de taakdocent.",
				"8 september 2025"} {
				if !strings.Contains(page.Body, want) {
					t.Errorf("route history lacks %q", want)
				}
			}
			var evs []casus.RouteEvent
			if err := env.DB.View(context.Background(), func(tx *storage.Tx) error {
				var err error
				evs, err = tx.RouteEvents(context.Background(), student)
				return err
			}); err != nil {
				t.Fatal(err)
			}
			if len(evs) != 3 || evs[2].To != casus.StepCareContact || evs[2].From != casus.StepZAT ||
				evs[2].ByID != env.UserID(demo.UserCoordinator) || evs[2].Reason != "Hulp loopt; terug naar de taakdocent." ||
				evs[0].ByID != env.UserID(demo.UserCareContact) || evs[2].RecordedAt.IsZero() {
				t.Errorf("route events: %+v", evs)
			}
		})
	}
}
