package web_test

import (
	"context"
	"encoding/json"
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

// registerAccessRequest registers a request for access to the student's
// file as the privacy officer (client c) and returns the request's page.
func registerAccessRequest(t *testing.T, env *webtest.Env, c *webtest.Client, student string, form url.Values) string {
	t.Helper()
	if form == nil {
		form = url.Values{"who": {"student"}, "received_on": {env.Clock.Now().In(casus.Amsterdam).Format(time.DateOnly)},
			"identity": {"id_document"}}
	}
	res := c.Post("/students/"+student+"/access-requests", form)
	if res.Status != http.StatusSeeOther {
		t.Fatalf("register an access request: %d\n%s", res.Status, res.Body)
	}
	page, _, _ := strings.Cut(res.Location, "?")
	if !strings.HasPrefix(page, "/students/"+student+"/access-requests/") {
		t.Fatalf("after registering: redirected to %q", res.Location)
	}
	return page
}

// reviewAccessRequest records the coordinator's review of the request at
// page: both the meldcode and the confidential entries released, or both
// kept withheld with the reasons.
func reviewAccessRequest(t *testing.T, coord *webtest.Client, page string, release bool) {
	t.Helper()
	f := url.Values{"meldcode": {"release"}, "confidential": {"release"}}
	if !release {
		f = url.Values{"meldcode": {"withhold"}, "meldcode_reason": {"Inzage kan de leerling in gevaar brengen (art. 41 UAVG)."},
			"confidential": {"withhold"}, "confidential_reason": {"Vertrouwelijk gedeeld door een derde."}}
	}
	if res := coord.Post(page+"/review", f); res.Status != http.StatusSeeOther {
		t.Fatalf("review the access request: %d\n%s", res.Status, res.Body)
	}
}

// releasedRequest registers a request for the student as the privacy
// officer and has the coordinator release everything: the export it gives
// holds the whole file. It returns the request's page.
func releasedRequest(t *testing.T, env *webtest.Env, student string) string {
	t.Helper()
	privacy, coord := env.NewClient(), env.NewClient()
	privacy.Login(demo.UserPrivacy)
	coord.Login(demo.UserCoordinator)
	page := registerAccessRequest(t, env, privacy, student, nil)
	reviewAccessRequest(t, coord, page, true)
	return page
}

// accessRequestMatrixIDs makes a request for Lotte that the coordinator
// reviewed: {access:reviewed}.
func accessRequestMatrixIDs(t *testing.T, env *webtest.Env) map[string]string {
	t.Helper()
	ctx := context.Background()
	q := casus.AccessRequest{StudentID: env.StudentID(demo.LotteNumber), Requester: casus.RequesterStudent, RequesterName: "Lotte Verhagen",
		ReceivedOn: env.Clock.Now(), Identity: casus.IdentityDocument, RecordedBy: env.UserID(demo.UserPrivacy)}
	err := env.DB.Update(ctx, func(tx *storage.Tx) error {
		if err := tx.AddAccessRequest(ctx, &q); err != nil {
			return err
		}
		q.ReviewedBy, q.ReleaseMeldcode, q.ReleaseConfidential = env.UserID(demo.UserCoordinator), true, true
		return tx.ReviewAccessRequest(ctx, &q)
	})
	if err != nil {
		t.Fatal(err)
	}
	return map[string]string{"{access:reviewed}": q.ID}
}

// accessRequestMatrix: the privacy officer of the student's school and
// the student's zorgcoördinator register requests and read them; only the
// coordinator reviews; downloads of a reviewed request are theirs. Everyone
// else gets not found, logged; the list is theirs too, 403 for others.
func accessRequestMatrix() map[string][]cell {
	conflict := http.StatusConflict
	cells := func(path string, form url.Values, coord, privacy int) []cell {
		c := func(user, rel, who string, status int) cell {
			x := cell{user: user, relation: rel, path: "/students/{" + who + "}" + path, form: form, want: status}
			if status == notFound && user != anon {
				x.denied = who
			}
			return x
		}
		return []cell{
			{user: anon, relation: "none", path: "/students/{lotte}" + path, form: form, want: anonFor(form)},
			c(demo.UserCoordinator, "coordinator", "lotte", coord),
			c(demo.UserPrivacy, "privacy_officer", "lotte", privacy),
			c(demo.UserCoordinator, "none (other school)", "daan", notFound),
			c(demo.UserPrivacy, "none (other school)", "daan", notFound),
			c(demo.UserCareContact, "care_contact", "lotte", notFound),
			c(demo.UserMentor, "mentor", "lotte", notFound),
			c(demo.UserGGD, "team_member", "lotte", notFound),
			c(demo.UserPolice, "invited", "milan", notFound),
			c(demo.UserIB, "care_contact", "daan", notFound),
			c(demo.UserManagement, "none (management)", "lotte", notFound),
			c(demo.UserAdmin, "none (beheerder)", "lotte", notFound),
			c(demo.UserCoordinator, "none (no such student)", "unknown", notFound),
		}
	}
	request := "/access-requests/{access:reviewed}"
	otherStudent := func(path string) cell {
		// Lotte's request through Milan's page: not found, and logged.
		return cell{user: demo.UserPrivacy, relation: "privacy_officer, request of another student", path: "/students/{milan}" + path,
			want: notFound, denied: "milan"}
	}
	review := url.Values{"meldcode": {"release"}, "confidential": {"release"}}
	return map[string][]cell{
		"GET /access-requests": byUser("/access-requests", nil, forbid,
			map[string]int{anon: redirect, demo.UserCoordinator: ok, demo.UserPrivacy: ok}),
		"GET /students/{id}/access-requests/new": cells("/access-requests/new", nil, ok, ok),
		"POST /students/{id}/access-requests":    cells("/access-requests", url.Values{"who": {""}}, bad, bad),
		"GET /students/{id}/access-requests/{request}": append(cells(request, nil, ok, ok), otherStudent(request),
			cell{user: demo.UserPrivacy, relation: "privacy_officer, no such request", path: "/students/{lotte}/access-requests/{unknown}", want: notFound, denied: "lotte"}),
		// Reviewed already: the coordinator is told so; a second review changes nothing.
		"POST /students/{id}/access-requests/{request}/review": cells(request+"/review", review, conflict, notFound),
		"GET /students/{id}/access-requests/{request}/export.pdf": append(cells(request+"/export.pdf", nil, ok, ok),
			otherStudent(request+"/export.pdf")),
		"GET /students/{id}/access-requests/{request}/export.json": append(cells(request+"/export.json", nil, ok, ok),
			otherStudent(request+"/export.json")),
	}
}

// TestExportWithoutRequestRefused: before, the privacy officer downloaded
// Milan's export, meldcode included, at any moment. Now the download
// without a request answers 409 with what to do, never the data; a request
// registered but not reviewed gives no export either; each attempt is in
// the access log. Only the coordinator's review opens the download.
func TestExportWithoutRequestRefused(t *testing.T) {
	t.Parallel()
	for _, engine := range storagetest.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			env := webtest.Start(t, engine, webtest.Options{})
			milan := env.StudentID(demo.CrisisNumber)
			privacy, coord := env.NewClient(), env.NewClient()
			privacy.Login(demo.UserPrivacy)
			coord.Login(demo.UserCoordinator)
			secret := "Milan verblijft tijdelijk bij zijn oom" // the crisis of the demo, on his ZAT case
			leaks := func(res webtest.Response) bool {
				return strings.Contains(res.Body, secret) || strings.Contains(res.Body, "casus-avg-art15-export") ||
					strings.HasPrefix(res.Body, "%PDF")
			}
			privacyID := env.UserID(demo.UserPrivacy)
			attempts := func() int {
				return env.Count(`SELECT COUNT(*) FROM access_log WHERE student_id = $1 AND user_id = $2 AND purpose LIKE 'export%refused%'`, milan, privacyID)
			}
			for _, format := range []string{"json", "pdf"} {
				res := privacy.Get("/students/" + milan + "/export." + format)
				if res.Status != http.StatusConflict || leaks(res) || !strings.Contains(res.Body, "Er is geen inzage zonder verzoek.") {
					t.Errorf("export.%s without a request: %d, want 409 with the explanation and no data\n%.300s", format, res.Status, res.Body)
				}
			}
			if n := attempts(); n != 2 {
				t.Errorf("%d refused export attempts in the log, want 2", n)
			}
			if n := env.Count(`SELECT COUNT(*) FROM access_log WHERE student_id = $1 AND action = 'export'`, milan); n != 0 {
				t.Errorf("%d exports logged as made, want none", n)
			}

			page := registerAccessRequest(t, env, privacy, milan, nil)
			for _, format := range []string{"json", "pdf"} {
				res := privacy.Get(page + "/export." + format)
				if res.Status != http.StatusConflict || leaks(res) || !strings.Contains(res.Body, "nog niet beoordeeld") {
					t.Errorf("export.%s of a request not reviewed: %d, want 409\n%.300s", format, res.Status, res.Body)
				}
			}
			if body := privacy.Get(page).Body; strings.Contains(body, page+"/export.") || !strings.Contains(body, "nog niet beoordeeld") {
				t.Errorf("the page of a request not reviewed offers the download, or does not say what it waits for")
			}
			// The privacy officer cannot review it herself.
			if res := privacy.Post(page+"/review", url.Values{"meldcode": {"release"}, "confidential": {"release"}}); res.Status != http.StatusNotFound {
				t.Errorf("the privacy officer reviews: %d, want 404", res.Status)
			}

			reviewAccessRequest(t, coord, page, true)
			res := privacy.Get(page + "/export.json")
			if res.Status != http.StatusOK || !strings.Contains(res.Body, secret) {
				t.Errorf("export of the reviewed request: %d, or without the crisis", res.Status)
			}
			if n := env.Count(`SELECT COUNT(*) FROM access_log WHERE student_id = $1 AND user_id = $2 AND action = 'export' AND object_id = $3`,
				milan, privacyID, page[strings.LastIndex(page, "/")+1:]); n != 1 {
				t.Errorf("%d export entries naming the request, want 1", n)
			}
			// A request of Milan is not Lotte's.
			lotte := env.StudentID(demo.LotteNumber)
			if res := privacy.Get("/students/" + lotte + page[strings.LastIndex(page, "/access-requests"):] + "/export.json"); res.Status != http.StatusNotFound {
				t.Errorf("Milan's request through Lotte's page: %d, want 404", res.Status)
			}
		})
	}
}

// TestExportWithholdsMeldcodeUntilReleased: Lotte's file holds a meldcode
// and a confidential entry. A reviewed request that keeps them withheld
// (the default answer) gives an export without the meldcode's steps, its
// people and page visits, or the confidential entry — with the notices and
// the coordinator's reasons, and naming the request: who asked, when, how
// their identity was checked, who reviewed. A second request, released,
// gives them.
func TestExportWithholdsMeldcodeUntilReleased(t *testing.T) {
	t.Parallel()
	for _, engine := range storagetest.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			env := webtest.Start(t, engine, webtest.Options{})
			lotte := env.StudentID(demo.LotteNumber)
			privacy, coord := env.NewClient(), env.NewClient()
			privacy.Login(demo.UserPrivacy)
			coord.Login(demo.UserCoordinator)
			today := env.Clock.Now().In(casus.Amsterdam).Format(time.DateOnly)
			steps := "Blauwe plekken gezien; gesprek met Lotte gevoerd."
			if res := coord.Post("/students/"+lotte+"/meldcode/steps", url.Values{"step": {"1"}, "done_on": {today}, "notes": {steps}}); res.Status != http.StatusSeeOther {
				t.Fatalf("meldcode step: %d\n%s", res.Status, res.Body)
			}
			confidential := "Moeder vertelt in vertrouwen over schulden en ruzie thuis."
			if res := coord.Post("/students/"+lotte+"/care", url.Values{"kind": {"contact"}, "occurred_on": {today}, "text": {confidential},
				"visibility": {"confidential"}, "sector": {"mbo"}}); res.Status != http.StatusSeeOther {
				t.Fatalf("confidential entry: %d\n%s", res.Status, res.Body)
			}
			var guardian, guardianName string
			if err := env.DB.ReadSQL().QueryRow(`SELECT CAST(id AS TEXT), name FROM guardians WHERE student_id = $1 ORDER BY name LIMIT 1`, lotte).Scan(&guardian, &guardianName); err != nil {
				t.Fatal(err)
			}

			// The form offers Milan's guardians; identity "other" needs its note.
			form := privacy.Get("/students/" + lotte + "/access-requests/new")
			if form.Status != http.StatusOK || !strings.Contains(form.Body, `value="`+guardian+`"`) {
				t.Fatalf("the request form (%d) does not offer Milan's guardian", form.Status)
			}
			f := url.Values{"who": {guardian}, "received_on": {today}, "identity": {"other"}, "identity_note": {""}}
			if res := privacy.Post("/students/"+lotte+"/access-requests", f); res.Status != http.StatusBadRequest ||
				!strings.Contains(res.Body, "Leg uit hoe u de identiteit hebt gecontroleerd.") || !strings.Contains(res.Body, `value="`+guardian+`" selected`) {
				t.Errorf("identity 'other' without a note: %d, or the message or the choice is lost", res.Status)
			}
			note := "Videogesprek met paspoort in beeld"
			f.Set("identity_note", note)
			page := registerAccessRequest(t, env, privacy, lotte, f)
			reqID := page[strings.LastIndex(page, "/")+1:]

			if n := env.Count(`SELECT COUNT(*) FROM messages WHERE msg_key = 'message.access_request_registered' AND user_id = $1 AND link = $2`,
				env.UserID(demo.UserCoordinator), page); n != 1 {
				t.Errorf("%d messages to the coordinator about the request, want 1", n)
			}
			// The coordinator sees it in her list, and reviews with the defaults.
			if list := coord.Get("/access-requests"); !strings.Contains(list.Body, page) || !strings.Contains(list.Body, "Wacht op uw beoordeling") {
				t.Errorf("the coordinator's list lacks the request awaiting her review")
			}
			rp := coord.Get(page)
			if !strings.Contains(rp.Body, `name="meldcode" value="withhold" checked`) || !strings.Contains(rp.Body, `name="confidential" value="withhold" checked`) {
				t.Errorf("the review form does not keep the meldcode and the confidential entries withheld by default")
			}
			if res := coord.Post(page+"/review", url.Values{"meldcode": {"withhold"}, "confidential": {"withhold"}, "confidential_reason": {"x"}}); res.Status != http.StatusBadRequest ||
				!strings.Contains(res.Body, "Vul dit veld in.") {
				t.Errorf("withholding the meldcode without a reason: %d", res.Status)
			}
			reviewAccessRequest(t, coord, page, false)
			if res := coord.Post(page+"/review", url.Values{"meldcode": {"release"}, "confidential": {"release"}}); res.Status != http.StatusConflict {
				t.Errorf("a second review: %d, want 409", res.Status)
			}

			if n := env.Count(`SELECT COUNT(*) FROM messages WHERE msg_key = 'message.access_request_reviewed' AND user_id = $1 AND link = $2`,
				env.UserID(demo.UserPrivacy), page); n != 1 {
				t.Errorf("%d messages to the privacy officer about the review, want 1", n)
			}
			j := privacy.Get(page + "/export.json")
			p := privacy.Get(page + "/export.pdf")
			if j.Status != http.StatusOK || p.Status != http.StatusOK {
				t.Fatalf("export: %d %d", j.Status, p.Status)
			}
			pdf := squash(pdfText(t, p.Body))
			for what, text := range map[string]string{"JSON": j.Body, "PDF": pdf} {
				flat := squash(text)
				if strings.Contains(flat, squash(steps)) || strings.Contains(strings.ToLower(flat), "meldcode") {
					t.Errorf("the %s tells of the meldcode kept withheld", what)
				}
				if strings.Contains(flat, squash(confidential)) {
					t.Errorf("the %s holds the confidential entry kept withheld", what)
				}
				for _, want := range []string{"Inzage kan de leerling in gevaar brengen (art. 41 UAVG).", "Vertrouwelijk gedeeld door een derde.",
					guardianName, note, "Marieke Vermeer", reqID} {
					if !strings.Contains(flat, squash(want)) {
						t.Errorf("the %s lacks %q", what, want)
					}
				}
			}
			if !strings.Contains(pdf, squash("Bij de beoordeling van het verzoek achtergehouden uit \"Het dossier\"")) {
				t.Errorf("the PDF does not name the withheld meldcode as a part of the file")
			}
			var doc struct {
				Request struct {
					ID, RequesterName, ReceivedOn, Identity, ReviewedBy string
				} `json:"request"`
				Withheld []struct {
					Table    string `json:"table"`
					ByReview bool   `json:"by_review"`
				} `json:"withheld"`
			}
			if err := json.Unmarshal([]byte(j.Body), &doc); err != nil {
				t.Fatal(err)
			}
			var raw struct {
				Request map[string]any `json:"request"`
			}
			json.Unmarshal([]byte(j.Body), &raw)
			if raw.Request["id"] != reqID || raw.Request["requester_name"] != guardianName || raw.Request["received_on"] != today ||
				raw.Request["identity_check"] != "other" || raw.Request["reviewed_by"] != "Marieke Vermeer" {
				t.Errorf("the JSON names the request as %v", raw.Request)
			}
			if len(doc.Withheld) != 2 || !doc.Withheld[0].ByReview || doc.Withheld[0].Table != "file" || doc.Withheld[1].Table != "care_entries" {
				t.Errorf("withheld notices %+v, want the file (meldcode) and the care entries, by review", doc.Withheld)
			}
			// The privacy officer's page names the meldcode as the export does.
			if body := privacy.Get(page).Body; strings.Contains(strings.ToLower(body), "meldcode") {
				t.Errorf("the privacy officer's page of the request tells of the meldcode kept withheld")
			}

			// Withholding a record from the request's page without a reason
			// shows that page again, the choice kept.
			var entry string
			if err := env.DB.ReadSQL().QueryRow(`SELECT CAST(id AS TEXT) FROM guardians WHERE student_id = $1 LIMIT 1`, lotte).Scan(&entry); err != nil {
				t.Fatal(err)
			}
			if res := privacy.Post("/students/"+lotte+"/export/withhold", url.Values{"request": {reqID}, "record": {"guardians|" + entry}, "reason": {""}}); res.Status != http.StatusBadRequest ||
				!strings.Contains(res.Body, "Inzageverzoek (AVG art. 15)") || !strings.Contains(res.Body, `value="guardians|`+entry+`" selected`) {
				t.Errorf("withholding from the request's page without a reason: %d, or not the request's page with the choice", res.Status)
			}
			// A new request, released: the export holds both.
			released := releasedRequest(t, env, lotte)
			j = privacy.Get(released + "/export.json")
			if !strings.Contains(j.Body, steps) || !strings.Contains(j.Body, confidential) {
				t.Errorf("the export of a released request lacks the meldcode step or the confidential entry")
			}
			if n := env.Count(`SELECT COUNT(*) FROM access_log WHERE student_id = $1 AND object_kind = 'access_request' AND action = 'change' AND outcome = 'granted'`, lotte); n != 2 {
				t.Errorf("%d reviews in the access log, want 2", n)
			}
		})
	}
}

// TestAccessRequestErasedWithTheFile: a request for access names the
// student and a guardian; erasing the file takes it along, nothing refers
// to the student afterwards.
func TestAccessRequestErasedWithTheFile(t *testing.T) {
	t.Parallel()
	for _, engine := range storagetest.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			env := webtest.Start(t, engine, webtest.Options{})
			lotte := env.StudentID(demo.LotteNumber)
			privacy, coord := env.NewClient(), env.NewClient()
			privacy.Login(demo.UserPrivacy)
			coord.Login(demo.UserCoordinator)
			var guardian string
			if err := env.DB.ReadSQL().QueryRow(`SELECT CAST(id AS TEXT) FROM guardians WHERE student_id = $1 LIMIT 1`, lotte).Scan(&guardian); err != nil {
				t.Fatal(err)
			}
			page := registerAccessRequest(t, env, privacy, lotte, url.Values{"who": {guardian}, "identity": {"known_parent"},
				"received_on": {env.Clock.Now().In(casus.Amsterdam).Format(time.DateOnly)}})
			reviewAccessRequest(t, coord, page, false)
			res := coord.Post("/students/"+lotte+"/erase", url.Values{"ground": {string(casus.GroundObjection)}, "confirm": {"yes"}})
			if res.Status != http.StatusSeeOther {
				t.Fatalf("erase: %d\n%.500s", res.Status, res.Body)
			}
			if refs := storagetest.Referencing(t, env.DB, lotte, "access_log"); len(refs) > 0 {
				t.Errorf("rows still refer to Lotte after erasure: %v", refs)
			}
			if n := env.Count(`SELECT COUNT(*) FROM access_requests WHERE CAST(id AS TEXT) = $1`, page[strings.LastIndex(page, "/")+1:]); n != 0 {
				t.Errorf("%d access requests left after erasing Lotte's file", n)
			}
		})
	}
}
