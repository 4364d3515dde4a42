package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"casus"
	"casus/demo"
	"casus/storage"
	"casus/storage/storagetest"
	"casus/web/webtest"
)

// The rectification and own-word routes join the access matrix from here,
// beside their tests, without touching the shared lists.
func init() {
	matrixParts = append(matrixParts, rectificationMatrix)
	matrixIDParts = append(matrixIDParts, rectificationMatrixIDs)
}

// seedRectification stores, through storage as the coordinator would, a
// request about an entry (open), a request about another record (refused,
// requester not informed yet) and a parent's own word on the entry, all
// about Lotte. It returns their ids.
func seedRectification(t *testing.T, env *webtest.Env, entryID string) (open, refused, word string) {
	t.Helper()
	lotte, coord := env.StudentID(demo.LotteNumber), env.UserID(demo.UserCoordinator)
	received := time.Date(2025, 1, 10, 0, 0, 0, 0, time.UTC)
	err := env.DB.Update(context.Background(), func(tx *storage.Tx) error {
		a := casus.RectificationRequest{StudentID: lotte, EntryID: entryID, Requester: casus.PartyParent,
			RequesterName: "Matrix Ouder", ReceivedOn: received, Request: "Matrix: het percentage klopt niet.", RecordedBy: coord}
		if err := tx.AddRectificationRequest(context.Background(), &a); err != nil {
			return err
		}
		b := casus.RectificationRequest{StudentID: lotte, Concerns: "Matrix: aanmelding", Requester: casus.PartyStudent,
			RequesterName: "Matrix Leerling", ReceivedOn: received, Request: "Matrix: adres.", RecordedBy: coord}
		if err := tx.AddRectificationRequest(context.Background(), &b); err != nil {
			return err
		}
		b.Status, b.DecidedOn, b.DecidedBy, b.Decision = casus.RectificationRefused, received, coord, "Matrix: klopt wel."
		if err := tx.DecideRectification(context.Background(), &b); err != nil {
			return err
		}
		w := casus.OwnWord{StudentID: lotte, EntryID: entryID, Giver: casus.PartyParent, GiverName: "Matrix Ouder",
			GivenOn: received, Text: "Matrix: wij zien het anders.", RecordedBy: coord}
		if err := tx.AddOwnWord(context.Background(), &w); err != nil {
			return err
		}
		open, refused, word = a.ID, b.ID, w.ID
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return open, refused, word
}

func rectificationMatrixIDs(t *testing.T, env *webtest.Env) map[string]string {
	t.Helper()
	open, refused, word := seedRectification(t, env, careMatrixIDs(t, env)["{lotte_signal}"])
	// A request received three days ago, within its first month: its term
	// can still be extended.
	now := env.Clock.Now().In(casus.Amsterdam)
	recent := casus.RectificationRequest{StudentID: env.StudentID(demo.LotteNumber), Concerns: "Matrix: verslag",
		Requester: casus.PartyParent, RequesterName: "Matrix Ouder", Request: "Matrix: naam klopt niet.",
		ReceivedOn: time.Date(now.Year(), now.Month(), now.Day()-3, 0, 0, 0, 0, time.UTC), RecordedBy: env.UserID(demo.UserCoordinator)}
	if err := env.DB.Update(context.Background(), func(tx *storage.Tx) error {
		return tx.AddRectificationRequest(context.Background(), &recent)
	}); err != nil {
		t.Fatal(err)
	}
	return map[string]string{"{rect_open}": open, "{rect_refused}": refused, "{own_word}": word, "{rect_recent}": recent.ID}
}

// rectificationMatrix: only the zorgcoördinator of a team serving Lotte's
// school records, reads and decides requests for rectification; the
// coordinator, Lotte's taakdocent (care contact) and her mentor record a
// student's or parent's own word on entries they read; withdrawing one is
// for the coordinator or whoever entered it. Everyone else — the mentor of
// another class, the ggd (a care-team member), politie, management, the
// beheerder and the IB'er of another school — is refused and logged. Forms
// are valid unless a cell says "bad input" (400, no policy question asked).
func rectificationMatrix() map[string][]cell {
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
	denied := func(user, rel string) expect { return expect{user, rel, notFound} }
	outsiders := []expect{
		denied(demo.UserPolice, "none (on call, not invited)"), denied(demo.UserManagement, "none (management)"),
		denied(demo.UserAdmin, "none (beheerder)"), denied(demo.UserIB, "none (other school)"),
	}
	with := func(es ...expect) []expect { return append(es, outsiders...) }
	anonGet, anonPost := expect{anon, "none", redirect}, expect{anon, "none", unauth}
	coordinatorOnly := func(anonE expect, allowed int) []expect {
		return with(anonE, denied(demo.UserCareContact, "care_contact"), denied(demo.UserMentor, "mentor"),
			denied(demo.UserGGD, "team_member"), expect{demo.UserCoordinator, "coordinator", allowed})
	}
	otherClass := func(path string, form url.Values) []cell {
		return cells(path, form, "milan", denied(demo.UserMentor, "none (mentor of another class)"),
			denied(demo.UserPolice, "invited (partner)"), denied(demo.UserGGD, "team_member (partner)"))
	}
	cat := func(parts ...[]cell) []cell {
		var out []cell
		for _, p := range parts {
			out = append(out, p...)
		}
		return out
	}

	request := url.Values{"requester": {"parent"}, "requester_name": {"M. Ouder"}, "received_on": {"2025-01-15"},
		"concerns": {"Matrix: verslag ZAT"}, "request": {"Matrix: datum klopt niet."}, "sector": {"mbo"}}
	refuse := url.Values{"decision": {"refused"}, "refuse_reason": {"Matrix: het klopt."}, "refused_on": {"2025-01-15"}}
	informed := url.Values{"informed_on": {"2025-01-16"}}
	ownWord := url.Values{"giver": {"parent"}, "giver_name": {"M. Ouder"}, "given_on": {"2025-01-15"},
		"text": {"Matrix: wij zien het anders."}, "sector": {"mbo"}}
	withdraw := url.Values{"requested_on": {"2025-01-15"}, "note": {"Matrix."}}
	// Told two days ago: after the receipt of {rect_recent}, not in the future.
	extend := url.Values{"extension_reason": {"Matrix: veel verzoeken tegelijk."},
		"extended_on": {time.Now().In(casus.Amsterdam).AddDate(0, 0, -2).Format(time.DateOnly)}}
	emptyForm := url.Values{"requester": {""}}

	const (
		newPath     = "/students/{student}/rectification/new"
		createPath  = "/students/{student}/rectification"
		reqPath     = "/students/{student}/rectification/{rect_open}"
		decidePath  = "/students/{student}/rectification/{rect_open}/decision"
		informPath  = "/students/{student}/rectification/{rect_refused}/informed"
		ownPath     = "/students/{student}/care/{lotte_signal}/own-word"
		teamOwnPath = "/students/{student}/care/{lotte_team_note}/own-word"
		withdrawP   = "/students/{student}/care/{lotte_signal}/own-word/{own_word}/withdraw"
		extendPath  = "/students/{student}/rectification/{rect_recent}/extend"
	)
	ownWriters := func(anonE expect, allowed int) []expect {
		return with(anonE, expect{demo.UserCoordinator, "coordinator", allowed}, expect{demo.UserCareContact, "care_contact", allowed},
			expect{demo.UserMentor, "mentor", allowed}, denied(demo.UserGGD, "team_member (does not enter the family's word)"))
	}
	return map[string][]cell{
		"GET /rectification": byUser("/rectification", nil, ok,
			map[string]int{anon: redirect, demo.UserAdmin: forbid, demo.UserManagement: forbid}),
		"GET /students/{id}/rectification/new": cat(
			cells(newPath, nil, "lotte", coordinatorOnly(anonGet, ok)...),
			cells(newPath+"?entry={lotte_signal}", nil, "lotte", expect{demo.UserCoordinator, "coordinator (about an entry)", ok}),
			cells(newPath+"?entry={unknown}", nil, "lotte", denied(demo.UserCoordinator, "coordinator (no such entry)")),
			otherClass(newPath, nil),
			cells(newPath, nil, "daan", denied(demo.UserCoordinator, "none (other school)"))),
		"POST /students/{id}/rectification": cat(
			cells(createPath, request, "lotte", coordinatorOnly(anonPost, redirect)...),
			cells(createPath, emptyForm, "lotte", expect{demo.UserCoordinator, "coordinator (bad input)", bad}),
			otherClass(createPath, request)),
		"GET /students/{id}/rectification/{request}": cat(
			cells(reqPath, nil, "lotte", coordinatorOnly(anonGet, ok)...),
			cells(reqPath, nil, "milan", denied(demo.UserCoordinator, "coordinator (request of another student)"),
				denied(demo.UserMentor, "none (mentor of another class)")),
			cells("/students/{student}/rectification/{unknown}", nil, "lotte", denied(demo.UserCoordinator, "coordinator (no such request)"))),
		// The first allowed refusal decides; the next is a conflict.
		"POST /students/{id}/rectification/{request}/decision": cat(
			cells(decidePath, url.Values{"decision": {"refused"}}, "lotte", expect{demo.UserCoordinator, "coordinator (bad input)", bad}),
			otherClass(decidePath, refuse),
			cells(decidePath, refuse, "lotte", coordinatorOnly(anonPost, redirect)...),
			cells(decidePath, refuse, "lotte", expect{demo.UserCoordinator, "coordinator (decided already)", http.StatusConflict})),
		"POST /students/{id}/rectification/{request}/informed": cat(
			cells(informPath, url.Values{"informed_on": {"gisteren"}}, "lotte", expect{demo.UserCoordinator, "coordinator (bad input)", bad}),
			otherClass(informPath, informed),
			cells(informPath, informed, "lotte", coordinatorOnly(anonPost, redirect)...),
			cells(informPath, informed, "lotte", expect{demo.UserCoordinator, "coordinator (informed already)", http.StatusConflict})),
		// The first allowed extension extends; the next is a conflict, as is
		// extending a decided request.
		"POST /students/{id}/rectification/{request}/extend": cat(
			cells(extendPath, url.Values{"extended_on": {"gisteren"}}, "lotte", expect{demo.UserCoordinator, "coordinator (bad input)", bad}),
			otherClass(extendPath, extend),
			cells(extendPath, extend, "lotte", coordinatorOnly(anonPost, redirect)...),
			cells(extendPath, extend, "lotte", expect{demo.UserCoordinator, "coordinator (extended already)", http.StatusConflict}),
			cells("/students/{student}/rectification/{rect_refused}/extend", extend, "lotte",
				expect{demo.UserCoordinator, "coordinator (decided already)", http.StatusConflict})),
		"GET /students/{id}/care/{entry}/own-word": cat(
			cells(ownPath, nil, "lotte", ownWriters(anonGet, ok)...),
			cells(teamOwnPath, nil, "lotte", denied(demo.UserMentor, "mentor (care-team entry)"),
				expect{demo.UserCareContact, "care_contact", ok}),
			otherClass(ownPath, nil)),
		"POST /students/{id}/care/{entry}/own-word": cat(
			cells(ownPath, ownWord, "lotte", ownWriters(anonPost, redirect)...),
			cells(ownPath, url.Values{"giver": {"parent"}}, "lotte", expect{demo.UserMentor, "mentor (bad input)", bad}),
			cells(teamOwnPath, ownWord, "lotte", denied(demo.UserMentor, "mentor (care-team entry)")),
			otherClass(ownPath, ownWord)),
		// Entered by the coordinator: the mentor and the taakdocent may
		// enter comments, not withdraw someone else's.
		"POST /students/{id}/care/{entry}/own-word/{word}/withdraw": cat(
			cells(withdrawP, url.Values{"requested_on": {""}}, "lotte", expect{demo.UserCoordinator, "coordinator (bad input)", bad}),
			otherClass(withdrawP, withdraw),
			cells(withdrawP, withdraw, "lotte", with(anonPost, denied(demo.UserMentor, "mentor (not who entered it)"),
				denied(demo.UserCareContact, "care_contact (not who entered it)"), denied(demo.UserGGD, "team_member"),
				expect{demo.UserCoordinator, "coordinator", redirect})...),
			cells(withdrawP, withdraw, "lotte", expect{demo.UserCoordinator, "coordinator (withdrawn already)", http.StatusConflict})),
	}
}

// TestRectificationGranted: a parent's request about a care-file entry is
// recorded from the entry's page, granted by correcting the entry (a new
// version, the old ones kept, the request linked both ways), and closed by
// recording that the parent was told. Every step is in the access log.
func TestRectificationGranted(t *testing.T) {
	t.Parallel()
	for _, engine := range storagetest.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			env := webtest.Start(t, engine, webtest.Options{})
			lotte := env.StudentID(demo.LotteNumber)
			signal := careMatrixIDs(t, env)["{lotte_signal}"]
			c := env.NewClient()
			c.Login(demo.UserCoordinator)
			today := env.Clock.Now().In(casus.Amsterdam).Format(time.DateOnly)

			entry := c.Get("/students/" + lotte + "/care/" + signal)
			if !strings.Contains(entry.Body, "/students/"+lotte+"/rectification/new?entry="+signal) {
				t.Fatalf("the entry page offers the coordinator no request link")
			}
			form := c.Get("/students/" + lotte + "/rectification/new?entry=" + signal)
			if form.Status != http.StatusOK || !strings.Contains(form.Body, `name="entry" value="`+signal+`"`) ||
				!strings.Contains(form.Body, "Verzuim deze periode 18%") {
				t.Fatalf("request form: %d, want the entry carried and shown", form.Status)
			}
			res := c.Post("/students/"+lotte+"/rectification", url.Values{"requester": {"parent"}, "requester_name": {"Marieke de Vries"},
				"received_on": {today}, "entry": {signal}, "concerns": {""}, "sector": {"mbo"},
				"request": {"Het verzuim was 12%, niet 18%: de ziekmeldingen van week 37 zijn als ongeoorloofd geteld."}})
			prefix := "/students/" + lotte + "/rectification/"
			if res.Status != http.StatusSeeOther || !strings.HasPrefix(res.Location, prefix) {
				t.Fatalf("record request: %d → %q", res.Status, res.Location)
			}
			reqID := strings.TrimPrefix(strings.SplitN(res.Location, "?", 2)[0], prefix)
			page := c.Get(res.Location)
			deadline := casus.AddMonth(env.Clock.Now())
			for _, want := range []string{"Het verzoek is vastgelegd.", "Marieke de Vries", "Nog niet beslist", "Ouder",
				"Toewijzen: notitie corrigeren", "/care/" + signal + "/correct?request=" + reqID, "Afwijzen",
				dutchDate(deadline)} {
				if !strings.Contains(page.Body, want) {
					t.Errorf("request page lacks %q", want)
				}
			}

			corrForm := c.Get("/students/" + lotte + "/care/" + signal + "/correct?request=" + reqID)
			if corrForm.Status != http.StatusOK || !strings.Contains(corrForm.Body, `name="request" value="`+reqID+`"`) ||
				!strings.Contains(corrForm.Body, "ziekmeldingen van week 37") {
				t.Fatalf("correction form for the request: %d, want the request carried and shown", corrForm.Status)
			}
			versions := env.Count(`SELECT COUNT(*) FROM care_entry_versions WHERE entry_id = $1`, signal)
			res = c.Post("/students/"+lotte+"/care/"+signal+"/correct", url.Values{"kind": {"signal"}, "occurred_on": {"2025-09-08"},
				"text": {"Verzuim deze periode 12%, vooral op maandag."}, "visibility": {"guidance"}, "version": {"2"}, "sector": {"mbo"},
				"reason": {"Verzoek tot rectificatie van de ouder: ziekmeldingen week 37 waren geoorloofd."}, "request": {reqID}})
			if res.Status != http.StatusSeeOther || res.Location != prefix+reqID+"?saved=corrected" {
				t.Fatalf("correction granting the request: %d → %q", res.Status, res.Location)
			}
			if n := env.Count(`SELECT COUNT(*) FROM care_entry_versions WHERE entry_id = $1`, signal); n != versions+1 {
				t.Errorf("versions after the correction: %d, want %d (history kept)", n, versions+1)
			}
			if n := env.Count(`SELECT COUNT(*) FROM rectification_requests WHERE id = $1 AND status = 'granted'
				AND correction_version = $2 AND entry_id = $3 AND decided_by = $4`, reqID, versions+1, signal, env.UserID(demo.UserCoordinator)); n != 1 {
				t.Errorf("the request is not granted and linked to version %d", versions+1)
			}
			page = c.Get(prefix + reqID)
			for _, want := range []string{"Toegewezen", "verzoeker nog niet geïnformeerd", "correctie: versie 3 van de notitie"} {
				if !strings.Contains(page.Body, want) {
					t.Errorf("granted request page lacks %q", want)
				}
			}
			history := c.Get("/students/" + lotte + "/care/" + signal)
			for _, want := range []string{"Verzuim deze periode 12%", "Verzuim deze periode 18%", "Versie 1", "Op verzoek tot rectificatie",
				"Verzoek van een ouder, ontvangen", prefix + reqID} {
				if !strings.Contains(history.Body, want) {
					t.Errorf("entry history lacks %q", want)
				}
			}
			// The mentor reads the entry: they see the version was made on a
			// parent's request, without the name or a link to the request.
			m := env.NewClient()
			m.Login(demo.UserMentor)
			mh := m.Get("/students/" + lotte + "/care/" + signal)
			if !strings.Contains(mh.Body, "Op verzoek tot rectificatie") || strings.Contains(mh.Body, prefix+reqID) ||
				strings.Contains(mh.Body, "Marieke de Vries") {
				t.Errorf("the mentor's history: want the request marked, without name or link")
			}

			// The queue lists it until the parent is told.
			if q := c.Get("/rectification"); !strings.Contains(q.Body, prefix+reqID) {
				t.Errorf("the queue does not list the granted, not yet answered request")
			}
			res = c.Post(prefix+reqID+"/informed", url.Values{"informed_on": {today}})
			if res.Status != http.StatusSeeOther {
				t.Fatalf("informed: %d", res.Status)
			}
			if n := env.Count(`SELECT COUNT(*) FROM rectification_requests WHERE id = $1 AND informed_on IS NOT NULL`, reqID); n != 1 {
				t.Errorf("informed date not stored")
			}
			if q := c.Get("/rectification"); strings.Contains(q.Body, prefix+reqID) {
				t.Errorf("the queue still lists the answered request")
			}
			for _, want := range []struct{ action, kind string }{{"create", "rectification_request"}, {"change", "rectification_request"},
				{"change", "care_entry"}, {"read", "rectification_request"}, {"search", "rectification_request"}} {
				if logCount(env, lotte, want.action, want.kind, "granted") == 0 {
					t.Errorf("no granted %s of %s in the access log", want.action, want.kind)
				}
			}
		})
	}
}

// TestRectificationRefused: a request about another record is refused with
// a reason, the reason shows, and the decision cannot be made twice.
func TestRectificationRefused(t *testing.T) {
	t.Parallel()
	for _, engine := range storagetest.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			env := webtest.Start(t, engine, webtest.Options{})
			lotte := env.StudentID(demo.LotteNumber)
			c := env.NewClient()
			c.Login(demo.UserCoordinator)
			today := env.Clock.Now().In(casus.Amsterdam).Format(time.DateOnly)
			res := c.Post("/students/"+lotte+"/rectification", url.Values{"requester": {"student"}, "requester_name": {"Lotte"},
				"received_on": {today}, "concerns": {"Verslag ZAT-overleg"}, "sector": {"mbo"},
				"request": {"Er staat dat ik niet wilde meewerken; dat is niet waar."}})
			if res.Status != http.StatusSeeOther {
				t.Fatalf("record request: %d", res.Status)
			}
			path := strings.SplitN(res.Location, "?", 2)[0]
			page := c.Get(path)
			if !strings.Contains(page.Body, `name="grant_note"`) || strings.Contains(page.Body, "Toewijzen: notitie corrigeren") {
				t.Errorf("a request about another record is granted with a note, not by correcting an entry")
			}
			reason := "Het verslag geeft weer wat in het overleg is gezegd; het is geen feitelijke onjuistheid. Eigen woord aangeboden."
			res = c.Post(path+"/decision", url.Values{"decision": {"refused"}, "refuse_reason": {reason}, "refused_on": {today}})
			if res.Status != http.StatusSeeOther {
				t.Fatalf("refuse: %d", res.Status)
			}
			page = c.Get(path)
			for _, want := range []string{"Afgewezen", "Reden van afwijzing", "geen feitelijke onjuistheid", "verzoeker nog niet geïnformeerd",
				`name="informed_on"`} {
				if !strings.Contains(page.Body, want) {
					t.Errorf("refused request page lacks %q", want)
				}
			}
			before := env.Snapshot("sessions", "access_log", "access_log_head")
			res = c.Post(path+"/decision", url.Values{"decision": {"granted"}, "grant_note": {"Toch aangepast."}, "granted_on": {today}})
			if res.Status != http.StatusConflict || !strings.Contains(res.Body, "Over dit verzoek is al beslist") {
				t.Errorf("second decision: %d, want 409 with the Dutch message", res.Status)
			}
			if diff := webtest.Changed(before, env.Snapshot("sessions", "access_log", "access_log_head")); len(diff) > 0 {
				t.Errorf("the second decision changed the database:\n%s", strings.Join(diff, "\n"))
			}
		})
	}
}

// TestRectificationOverdue: a request past its month is flagged to the
// coordinator in the queue, on the student page and on the request; one
// within its term is not.
func TestRectificationOverdue(t *testing.T) {
	t.Parallel()
	for _, engine := range storagetest.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			env := webtest.Start(t, engine, webtest.Options{})
			lotte := env.StudentID(demo.LotteNumber)
			c := env.NewClient()
			c.Login(demo.UserCoordinator)
			record := func(received time.Time, who string) string {
				res := c.Post("/students/"+lotte+"/rectification", url.Values{"requester": {"parent"}, "requester_name": {who},
					"received_on": {received.Format(time.DateOnly)}, "concerns": {"Aanmelding"}, "request": {"Adres corrigeren."}, "sector": {"mbo"}})
				if res.Status != http.StatusSeeOther {
					t.Fatalf("record request: %d", res.Status)
				}
				return strings.SplitN(res.Location, "?", 2)[0]
			}
			now := env.Clock.Now()
			late := record(now.AddDate(0, 0, -40), "Ouder Laat")
			fresh := record(now.AddDate(0, 0, -3), "Ouder Vers")
			q := c.Get("/rectification")
			i, j := strings.Index(q.Body, late), strings.Index(q.Body, fresh)
			if i < 0 || j < 0 || i > j {
				t.Fatalf("queue: want both requests, the overdue one first (%d, %d)", i, j)
			}
			if n := strings.Count(q.Body, "Termijn verstreken"); n != 1 {
				t.Errorf("queue flags %d requests as overdue, want 1", n)
			}
			if p := c.Get(late); !strings.Contains(p.Body, "De wettelijke termijn van een maand liep af op") {
				t.Errorf("the overdue request page does not warn")
			}
			if p := c.Get(fresh); strings.Contains(p.Body, "Termijn verstreken") {
				t.Errorf("a request within its term is flagged")
			}
			st := c.Get("/students/" + lotte)
			if !strings.Contains(st.Body, `id="rectificatie"`) || strings.Count(st.Body, "Termijn verstreken") != 1 {
				t.Errorf("the student page does not flag exactly the overdue request")
			}
			// The mentor sees no requests section, and the queue shows them nothing.
			m := env.NewClient()
			m.Login(demo.UserMentor)
			if p := m.Get("/students/" + lotte); strings.Contains(p.Body, `id="rectificatie"`) {
				t.Errorf("the mentor sees the requests for rectification")
			}
			if p := m.Get("/rectification"); p.Status != http.StatusOK || strings.Contains(p.Body, late) {
				t.Errorf("the mentor's queue: %d, shows the coordinator's requests", p.Status)
			}
		})
	}
}

// TestOwnWord: the mentor enters a parent's own word on an entry; it shows
// beside the entry on the entry page and on the student page, marked as
// theirs, to everyone who reads the entry; staff cannot change it; a
// withdrawal at the parent's request keeps it in the history.
func TestOwnWord(t *testing.T) {
	t.Parallel()
	for _, engine := range storagetest.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			env := webtest.Start(t, engine, webtest.Options{})
			lotte := env.StudentID(demo.LotteNumber)
			signal := careMatrixIDs(t, env)["{lotte_signal}"]
			m := env.NewClient()
			m.Login(demo.UserMentor)
			entryPath := "/students/" + lotte + "/care/" + signal
			if p := m.Get(entryPath); !strings.Contains(p.Body, entryPath+"/own-word") {
				t.Fatalf("the entry page offers the mentor no own-word link")
			}
			form := m.Get(entryPath + "/own-word")
			if form.Status != http.StatusOK || !strings.Contains(form.Body, "Verzuim deze periode 18%") {
				t.Fatalf("own-word form: %d, want the entry shown", form.Status)
			}
			words := "Lotte was in week 37 ziek; wij hebben haar elke ochtend afgemeld. Dat verzuim was dus niet ongeoorloofd."
			res := m.Post(entryPath+"/own-word", url.Values{"giver": {"parent"}, "giver_name": {"Marieke de Vries"},
				"given_on": {env.Clock.Now().In(casus.Amsterdam).Format(time.DateOnly)}, "text": {words}, "sector": {"mbo"}})
			if res.Status != http.StatusSeeOther || res.Location != entryPath+"?saved=own_word" {
				t.Fatalf("save own word: %d → %q", res.Status, res.Location)
			}
			if n := env.Count(`SELECT COUNT(*) FROM own_words WHERE entry_id = $1 AND giver = 'parent' AND giver_name = $2 AND recorded_by = $3`,
				signal, "Marieke de Vries", env.UserID(demo.UserMentor)); n != 1 {
				t.Errorf("own word stored %d times with giver and recorder, want 1", n)
			}
			if logCount(env, lotte, "create", "own_word", "granted") != 1 {
				t.Errorf("the own word's creation is not in the access log")
			}
			beside := func(body, entryText string) bool {
				i, j := strings.Index(body, entryText), strings.Index(body, "elke ochtend afgemeld")
				return i >= 0 && j > i && strings.Contains(body[i:j], "Eigen woord van de ouder")
			}
			// The care contact reads the entry and sees the word beside it.
			cc := env.NewClient()
			cc.Login(demo.UserCareContact)
			if p := cc.Get(entryPath); !strings.Contains(p.Body, "Eigen woord van de ouder") || !strings.Contains(p.Body, "Marieke de Vries") ||
				!strings.Contains(p.Body, "vastgelegd door") {
				t.Errorf("the entry page does not show the own word marked with giver and recorder")
			}
			if p := m.Get("/students/" + lotte); !beside(p.Body, "Verzuim deze periode 18%") {
				t.Errorf("the student page does not show the own word beside its entry")
			}
			// Staff cannot change it, not even through the database.
			if _, err := env.SQL().Exec(`UPDATE own_words SET body = 'anders' WHERE entry_id = $1`, signal); err == nil {
				t.Errorf("an own word could be changed")
			}
			// The mentor who entered it records the withdrawal the parent asked for.
			var wordID string
			if err := env.SQL().QueryRow(`SELECT CAST(id AS TEXT) FROM own_words WHERE entry_id = $1`, signal).Scan(&wordID); err != nil {
				t.Fatal(err)
			}
			res = m.Post(entryPath+"/own-word/"+wordID+"/withdraw", url.Values{"requested_on": {env.Clock.Now().In(casus.Amsterdam).Format(time.DateOnly)},
				"note": {"Telefonisch gevraagd."}})
			if res.Status != http.StatusSeeOther {
				t.Fatalf("withdraw: %d", res.Status)
			}
			if p := m.Get(entryPath); !strings.Contains(p.Body, "ingetrokken") || !strings.Contains(p.Body, "elke ochtend afgemeld") {
				t.Errorf("the withdrawn own word is not kept in the entry's history, marked withdrawn")
			}
			if p := m.Get("/students/" + lotte); strings.Contains(p.Body, "elke ochtend afgemeld") {
				t.Errorf("the student page still shows the withdrawn own word")
			}
		})
	}
}

// TestRectificationBadInput: malformed or incomplete forms get a 4xx with
// a Dutch message and write nothing.
func TestRectificationBadInput(t *testing.T) {
	t.Parallel()
	for _, engine := range storagetest.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			env := webtest.Start(t, engine, webtest.Options{})
			lotte := env.StudentID(demo.LotteNumber)
			signal := careMatrixIDs(t, env)["{lotte_signal}"]
			open, refused, word := seedRectification(t, env, signal)
			c := env.NewClient()
			c.Login(demo.UserCoordinator)
			today := env.Clock.Now().In(casus.Amsterdam).Format(time.DateOnly)
			future := env.Clock.Now().In(casus.Amsterdam).AddDate(0, 0, 3).Format(time.DateOnly)
			req := func(mod func(url.Values)) url.Values {
				v := url.Values{"requester": {"parent"}, "requester_name": {"M. Ouder"}, "received_on": {today},
					"concerns": {"Aanmelding"}, "request": {"Adres klopt niet."}, "sector": {"mbo"}}
				mod(v)
				return v
			}
			sp := "/students/" + lotte
			cases := []struct {
				name, path string
				form       url.Values
				status     int
				message    string
			}{
				{"no requester", sp + "/rectification", req(func(v url.Values) { v.Del("requester") }), bad, "Kies een van de mogelijkheden"},
				{"no name", sp + "/rectification", req(func(v url.Values) { v.Set("requester_name", " ") }), bad, "Vul dit veld in"},
				{"future receipt", sp + "/rectification", req(func(v url.Values) { v.Set("received_on", future) }), bad, ""},
				{"no record named", sp + "/rectification", req(func(v url.Values) { v.Set("concerns", "") }), bad, "Vul dit veld in"},
				{"malformed entry", sp + "/rectification", req(func(v url.Values) { v.Set("entry", "../x") }), bad, ""},
				{"markup in name", sp + "/rectification", req(func(v url.Values) { v.Set("requester_name", "<b>x</b>") }), bad, ""},
				{"refusal without reason", sp + "/rectification/" + open + "/decision",
					url.Values{"decision": {"refused"}, "refused_on": {today}}, bad, "Vul dit veld in"},
				{"unknown decision", sp + "/rectification/" + open + "/decision",
					url.Values{"decision": {"maybe"}, "refuse_reason": {"x"}, "refused_on": {today}}, bad, "Het formulier is niet goed ingevuld"},
				{"entry request granted without correction", sp + "/rectification/" + open + "/decision",
					url.Values{"decision": {"granted"}, "grant_note": {"x"}, "granted_on": {today}}, bad, "door de notitie te corrigeren"},
				{"decided before receipt", sp + "/rectification/" + open + "/decision",
					url.Values{"decision": {"refused"}, "refuse_reason": {"x"}, "refused_on": {"2025-01-09"}}, bad, "ligt voor de ontvangst"},
				{"informed before decision", sp + "/rectification/" + refused + "/informed",
					url.Values{"informed_on": {"2025-01-09"}}, bad, "niet vóór het besluit"},
				{"informed of an open request", sp + "/rectification/" + open + "/informed",
					url.Values{"informed_on": {today}}, http.StatusConflict, "Beslis eerst"},
				{"own word without text", sp + "/care/" + signal + "/own-word",
					url.Values{"giver": {"student"}, "giver_name": {"Lotte"}, "given_on": {today}, "text": {""}}, bad, "Vul dit veld in"},
				{"own word of nobody", sp + "/care/" + signal + "/own-word",
					url.Values{"giver": {"teacher"}, "giver_name": {"X"}, "given_on": {today}, "text": {"x"}}, bad, "Kies een van de mogelijkheden"},
				{"withdrawal without date", sp + "/care/" + signal + "/own-word/" + word + "/withdraw",
					url.Values{"requested_on": {""}}, bad, "Vul dit veld in"},
				{"withdrawal before it was given", sp + "/care/" + signal + "/own-word/" + word + "/withdraw",
					url.Values{"requested_on": {"2025-01-09"}}, bad, "niet van vóór het eigen woord"},
				{"correction for a malformed request", sp + "/care/" + signal + "/correct",
					url.Values{"kind": {"signal"}, "occurred_on": {"2025-09-08"}, "text": {"x"}, "visibility": {"guidance"}, "version": {"2"},
						"sector": {"mbo"}, "reason": {"x"}, "request": {"not-an-id"}}, bad, ""},
			}
			for _, tc := range cases {
				snap := env.Snapshot("sessions", "access_log", "access_log_head")
				res := c.Post(tc.path, tc.form)
				if res.Status != tc.status {
					t.Errorf("%s: status %d, want %d", tc.name, res.Status, tc.status)
				}
				if tc.message != "" && !strings.Contains(res.Body, tc.message) {
					t.Errorf("%s: answer lacks the Dutch message %q", tc.name, tc.message)
				}
				if !strings.Contains(res.Body, `lang="nl"`) {
					t.Errorf("%s: answer is not a Dutch page", tc.name)
				}
				if diff := webtest.Changed(snap, env.Snapshot("sessions", "access_log", "access_log_head")); len(diff) > 0 {
					t.Errorf("%s: the database changed:\n%s", tc.name, strings.Join(diff, "\n"))
				}
			}
		})
	}
}

// dutchDate writes a day as the Dutch pages do: 8 september 2025.
func dutchDate(t time.Time) string {
	months := []string{"januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september", "oktober",
		"november", "december"}
	return strconv.Itoa(t.Day()) + " " + months[t.Month()-1] + " " + strconv.Itoa(t.Year())
}

// TestAddMonth: the legal month ends on the same day of the next month, or
// on its last day when it is shorter.
func TestAddMonth(t *testing.T) {
	t.Parallel()
	d := func(s string) time.Time {
		x, err := time.Parse(time.DateOnly, s)
		if err != nil {
			t.Fatal(err)
		}
		return x
	}
	for in, want := range map[string]string{"2026-01-15": "2026-02-15", "2026-01-31": "2026-02-28", "2028-01-31": "2028-02-29",
		"2026-12-31": "2027-01-31", "2026-03-31": "2026-04-30"} {
		if got := casus.AddMonth(d(in)).Format(time.DateOnly); got != want {
			t.Errorf("AddMonth(%s) = %s, want %s", in, got, want)
		}
	}
	r := casus.RectificationRequest{ReceivedOn: d("2026-01-31")}
	if r.Overdue(d("2026-02-28")) || !r.Overdue(d("2026-03-01")) {
		t.Errorf("overdue should start the day after the deadline")
	}
	r.InformedOn = d("2026-03-05")
	if r.Overdue(d("2026-04-01")) {
		t.Errorf("an answered request is not overdue")
	}
}

// TestRectificationDeadlineExtended: an extended term ends three months
// after receipt, counted as the legal month is (31 January → 30 April, not
// 1 May); overdue and the days left follow it.
func TestRectificationDeadlineExtended(t *testing.T) {
	t.Parallel()
	d := func(s string) time.Time {
		x, err := time.Parse(time.DateOnly, s)
		if err != nil {
			t.Fatal(err)
		}
		return x
	}
	r := casus.RectificationRequest{ReceivedOn: d("2026-01-31"), Status: casus.RectificationOpen}
	if got := r.Deadline().Format(time.DateOnly); got != "2026-02-28" || r.Extended() {
		t.Errorf("without extension: deadline %s, want 2026-02-28", got)
	}
	if !r.CanExtend(d("2026-02-28")) || r.CanExtend(d("2026-03-01")) {
		t.Errorf("an extension is possible up to and including the first deadline only")
	}
	r.ExtendedOn, r.ExtensionReason = d("2026-02-10"), "Veel verzoeken."
	if got := r.Deadline().Format(time.DateOnly); got != "2026-04-30" {
		t.Errorf("extended: deadline %s, want 2026-04-30", got)
	}
	if got := r.FirstDeadline().Format(time.DateOnly); got != "2026-02-28" {
		t.Errorf("extended: first deadline %s, want 2026-02-28", got)
	}
	if r.Overdue(d("2026-03-01")) || r.Overdue(d("2026-04-30")) || !r.Overdue(d("2026-05-01")) {
		t.Errorf("an extended request is overdue from the day after three months only")
	}
	if n := r.DaysLeft(d("2026-04-20")); n != 10 {
		t.Errorf("days left on 20 April: %d, want 10", n)
	}
	if r.CanExtend(d("2026-02-11")) {
		t.Errorf("a term is extended once")
	}
	for in, want := range map[string]string{"2026-11-30": "2027-02-28", "2027-11-30": "2028-02-29", "2026-03-15": "2026-06-15"} {
		if got := casus.AddMonths(d(in), 3).Format(time.DateOnly); got != want {
			t.Errorf("AddMonths(%s, 3) = %s, want %s", in, got, want)
		}
	}
}

// TestRectificationExtension: the coordinator extends the term of Lotte's
// request by two months within its first month, with the reasons and the
// day the requester was told; bad input is refused beside the field and
// writes nothing, an extension is made once, and the request is overdue
// only after the three months.
func TestRectificationExtension(t *testing.T) {
	t.Parallel()
	for _, engine := range storagetest.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			env := webtest.Start(t, engine, webtest.Options{})
			lotte := env.StudentID(demo.LotteNumber)
			c := env.NewClient()
			c.Login(demo.UserCoordinator)
			now := env.Clock.Now().In(casus.Amsterdam)
			received := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC)
			today := received.Format(time.DateOnly)
			record := func(on time.Time, concerns string) string {
				res := c.Post("/students/"+lotte+"/rectification", url.Values{"requester": {"parent"}, "requester_name": {"Marieke de Vries"},
					"received_on": {on.Format(time.DateOnly)}, "concerns": {concerns}, "sector": {"mbo"},
					"request": {"Het verslag noemt de verkeerde school van herkomst."}})
				if res.Status != http.StatusSeeOther {
					t.Fatalf("record request: %d", res.Status)
				}
				return strings.SplitN(res.Location, "?", 2)[0]
			}
			path := record(received, "Aanmelding ZAT")
			reqID := path[strings.LastIndex(path, "/")+1:]
			page := c.Get(path)
			if !strings.Contains(page.Body, `action="`+path+`/extend"`) || !strings.Contains(page.Body, "Termijn verlengen") {
				t.Fatalf("the open request's page offers no extension form")
			}
			first := casus.AddMonth(received)
			reason := "Het verzoek raakt drie verslagen van verschillende overleggen; we hebben meer tijd nodig om ze na te gaan."
			extension := func(mod func(url.Values)) url.Values {
				v := url.Values{"extension_reason": {reason}, "extended_on": {today}}
				mod(v)
				return v
			}
			for _, tc := range []struct {
				name    string
				form    url.Values
				message string
			}{
				{"no reason", extension(func(v url.Values) { v.Set("extension_reason", " ") }), "Vul dit veld in"},
				{"told after the first deadline", extension(func(v url.Values) { v.Set("extended_on", first.AddDate(0, 0, 1).Format(time.DateOnly)) }),
					"Deze datum ligt in de toekomst"},
				{"told before receipt", extension(func(v url.Values) { v.Set("extended_on", received.AddDate(0, 0, -1).Format(time.DateOnly)) }),
					"vóór de ontvangst van het verzoek over de verlenging"},
				{"no date", extension(func(v url.Values) { v.Del("extended_on") }), "Vul dit veld in"},
			} {
				snap := env.Snapshot("sessions", "access_log", "access_log_head")
				res := c.Post(path+"/extend", tc.form)
				if res.Status != bad {
					t.Errorf("%s: status %d, want 400", tc.name, res.Status)
				}
				// The message stands beside the field, on the form shown again.
				if !strings.Contains(res.Body, tc.message) || !strings.Contains(res.Body, `action="`+path+`/extend"`) ||
					!strings.Contains(res.Body, "utrecht-form-field--invalid") {
					t.Errorf("%s: answer lacks the form with the Dutch message %q beside the field", tc.name, tc.message)
				}
				if diff := webtest.Changed(snap, env.Snapshot("sessions", "access_log", "access_log_head")); len(diff) > 0 {
					t.Errorf("%s: the database changed:\n%s", tc.name, strings.Join(diff, "\n"))
				}
			}

			res := c.Post(path+"/extend", extension(func(url.Values) {}))
			if res.Status != http.StatusSeeOther || res.Location != path+"?saved=extended" {
				t.Fatalf("extend: %d → %q", res.Status, res.Location)
			}
			coord := env.UserID(demo.UserCoordinator)
			if n := env.Count(`SELECT COUNT(*) FROM rectification_requests WHERE id = $1 AND extended_on IS NOT NULL
				AND extension_reason = $2 AND extended_by = $3 AND extended_at IS NOT NULL AND status = 'open'`, reqID, reason, coord); n != 1 {
				t.Errorf("the extension is not stored with its day, reasons, recorder and time")
			}
			if logCount(env, lotte, "change", "rectification_request", "granted") == 0 {
				t.Errorf("the extension is not in the access log")
			}
			deadline := casus.AddMonths(received, 3)
			page = c.Get(res.Location)
			for _, want := range []string{"De termijn is met twee maanden verlengd.", "Termijn verlengd", reason, dutchDate(deadline),
				"verzoeker geïnformeerd op " + dutchDate(received)} {
				if !strings.Contains(page.Body, want) {
					t.Errorf("extended request page lacks %q", want)
				}
			}
			if strings.Contains(page.Body, `action="`+path+`/extend"`) {
				t.Errorf("the extended request still offers the extension form")
			}

			snap := env.Snapshot("sessions", "access_log", "access_log_head")
			res = c.Post(path+"/extend", extension(func(v url.Values) { v.Set("extension_reason", "Nog eens.") }))
			if res.Status != http.StatusConflict || !strings.Contains(res.Body, "al verlengd") {
				t.Errorf("second extension: %d, want 409 with the Dutch message", res.Status)
			}
			if diff := webtest.Changed(snap, env.Snapshot("sessions", "access_log", "access_log_head")); len(diff) > 0 {
				t.Errorf("the second extension changed the database:\n%s", strings.Join(diff, "\n"))
			}

			// A request past its first month, and a decided one, cannot be extended.
			late := record(received.AddDate(0, 0, -40), "Verslag")
			if p := c.Get(late); strings.Contains(p.Body, `action="`+late+`/extend"`) {
				t.Errorf("a request past its first month offers the extension form")
			}
			res = c.Post(late+"/extend", extension(func(v url.Values) { v.Set("extended_on", received.AddDate(0, 0, -39).Format(time.DateOnly)) }))
			if res.Status != http.StatusConflict || !strings.Contains(res.Body, "eerste maand na ontvangst is voorbij") {
				t.Errorf("extension after the first month: %d, want 409 with the Dutch message", res.Status)
			}
			decided := record(received, "Rooster")
			if res := c.Post(decided+"/decision", url.Values{"decision": {"refused"}, "refuse_reason": {"Klopt."}, "refused_on": {today}}); res.Status != http.StatusSeeOther {
				t.Fatalf("refuse: %d", res.Status)
			}
			if res := c.Post(decided+"/extend", extension(func(url.Values) {})); res.Status != http.StatusConflict {
				t.Errorf("extension of a decided request: %d, want 409", res.Status)
			}
			if res := c.Post(decided+"/informed", url.Values{"informed_on": {today}}); res.Status != http.StatusSeeOther {
				t.Fatalf("informed: %d", res.Status)
			}

			// Past the first month the extended request is not overdue; past
			// the three months it is.
			env.Clock.Set(first.AddDate(0, 0, 1).Add(12 * time.Hour))
			c = env.NewClient()
			c.Login(demo.UserCoordinator)
			if p := c.Get(path); p.Status != http.StatusOK || strings.Contains(p.Body, "Termijn verstreken") {
				t.Errorf("after the first month the extended request is flagged overdue (%d)", p.Status)
			}
			if q := c.Get("/rectification"); !strings.Contains(q.Body, path) || strings.Count(q.Body, "Termijn verstreken") != 1 {
				t.Errorf("after the first month the queue should flag the late request only")
			}
			env.Clock.Set(deadline.AddDate(0, 0, 1).Add(12 * time.Hour))
			c = env.NewClient()
			c.Login(demo.UserCoordinator)
			if p := c.Get(path); !strings.Contains(p.Body, "Termijn verstreken") || !strings.Contains(p.Body, "De verlengde termijn liep af op "+dutchDate(deadline)) {
				t.Errorf("after the three months the extended request is not flagged overdue")
			}
		})
	}
}
