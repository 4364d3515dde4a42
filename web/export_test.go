package web_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"casus"
	"casus/demo"
	"casus/jobs"
	"casus/storage"
	"casus/storage/storagetest"
	"casus/web/webtest"
)

// exportProbe names a table's records and their free texts, with the
// condition that ties a row to a student ($1) — written here apart from
// storage.ExportTables, so the test does not check the list against itself.
type exportProbe struct {
	table string
	id    string // SQL expression naming a record
	texts []string
	of    string // condition with %s for the comparison with $1
}

var exportProbes = []exportProbe{
	{"guardians", "CAST(id AS TEXT)", []string{"name"}, "student_id %s $1"},
	{"cases", "CAST(id AS TEXT)", nil, "student_id %s $1"},
	{"care_entries", "CAST(id AS TEXT)", nil, "student_id %s $1"},
	{"care_entry_versions", "CAST(entry_id AS TEXT)", []string{"body"}, "entry_id IN (SELECT id FROM care_entries WHERE student_id %s $1)"},
	{"referrals", "CAST(id AS TEXT)", []string{"reason", "question_school"}, "student_id %s $1"},
	{"crises", "CAST(id AS TEXT)", []string{"called", "agreed"}, "student_id %s $1"},
	{"consents", "CAST(id AS TEXT)", []string{"giver_name"}, "student_id %s $1"},
	{"agenda_items", "CAST(id AS TEXT)", nil, "case_id IN (SELECT id FROM cases WHERE student_id %s $1)"},
	{"discussions", "CAST(id AS TEXT)", nil, "student_id %s $1"},
	{"actions", "CAST(id AS TEXT)", []string{"description"}, "student_id %s $1"},
	{"action_updates", "CAST(id AS TEXT)", []string{"note"}, "action_id IN (SELECT id FROM actions WHERE student_id %s $1)"},
	{"advice", "CAST(id AS TEXT)", []string{"text"}, "student_id %s $1"},
	{"case_closures", "CAST(id AS TEXT)", []string{"note"}, "case_id IN (SELECT id FROM cases WHERE student_id %s $1)"},
	{"aftercare", "CAST(id AS TEXT)", nil, "student_id %s $1"},
	{"aftercare_answers", "CAST(id AS TEXT)", []string{"achieved", "experience"}, "aftercare_id IN (SELECT id FROM aftercare WHERE student_id %s $1)"},
	{"agenda_guests", "CAST(id AS TEXT)", []string{"name"}, "item_id IN (SELECT ai.id FROM agenda_items ai JOIN cases c ON c.id = ai.case_id WHERE c.student_id %s $1)"},
	{"goal_outcomes", "CAST(goal_id AS TEXT)", []string{"description"}, "case_id IN (SELECT id FROM cases WHERE student_id %s $1)"},
	{"own_words", "CAST(id AS TEXT)", []string{"giver_name", "body"}, "student_id %s $1"},
	{"rectification_requests", "CAST(id AS TEXT)", []string{"requester_name", "request"}, "student_id %s $1"},
	{"meldcodes", "CAST(id AS TEXT)", nil, "student_id %s $1"},
	{"meldcode_steps", "CAST(id AS TEXT)", []string{"notes"}, "meldcode_id IN (SELECT id FROM meldcodes WHERE student_id %s $1)"},
}

// jsonStrings collects every string in a decoded JSON document.
func jsonStrings(v any, b *strings.Builder) {
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			b.WriteString(k + "\n")
			jsonStrings(e, b)
		}
	case []any:
		for _, e := range x {
			jsonStrings(e, b)
		}
	case string:
		b.WriteString(x + "\n")
	}
}

// squash drops all white space, so text wrapped over PDF lines still matches.
func squash(s string) string { return strings.Join(strings.Fields(s), "") }

// TestStudentExportComplete: Milan gets a full history across the features
// — a care entry, a referral, consent, the crisis case on the ZAT agenda
// with a discussion record and goals, his mother as a guest, actions with
// progress, advice, her own word beside an entry and her request for
// rectification, aftercare answers and the closure with goal outcomes; the
// police partner reads his page. A
// police note is withheld with a reason. The privacy officer runs the
// export: every record of Milan and every text appears in the JSON and in
// the PDF text, the withheld note does not (the notice and its reason do),
// no record of any other student appears, the recipients name the police,
// and the retention date follows the closure.
func TestStudentExportComplete(t *testing.T) {
	t.Parallel()
	for _, engine := range storagetest.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			env := webtest.Start(t, engine, webtest.Options{})
			ctx := context.Background()
			milan := env.StudentID(demo.CrisisNumber)
			coord := env.NewClient()
			coord.Login(demo.UserCoordinator)
			today := func() string { return env.Clock.Now().In(casus.Amsterdam).Format(time.DateOnly) }
			post := func(c *webtest.Client, path string, f url.Values) webtest.Response {
				t.Helper()
				res := c.Post(path, f)
				if res.Status != http.StatusSeeOther {
					t.Fatalf("POST %s: %d\n%s", path, res.Status, res.Body)
				}
				return res
			}
			var zat string
			var starts time.Time
			if err := env.DB.ReadSQL().QueryRow(`SELECT CAST(a.case_id AS TEXT), m.starts_at FROM agenda_items a JOIN meetings m ON m.id = a.meeting_id
				JOIN cases c ON c.id = a.case_id WHERE c.student_id = $1`, milan).Scan(&zat, &starts); err != nil {
				t.Fatal(err)
			}

			post(coord, "/students/"+milan+"/care", url.Values{"kind": {"signal"}, "occurred_on": {today()},
				"text": {"Milan sliep in de les en zei dat het thuis onrustig is."}, "visibility": {"care_team"}, "sector": {"mbo"}})
			post(coord, "/students/"+milan+"/care", url.Values{"kind": {"contact"}, "occurred_on": {today()},
				"text": {"Wijkagent meldt een lopend politieonderzoek in het gezin."}, "visibility": {"confidential"}, "sector": {"mbo"}})
			ref := createDraft(t, coord, milan, refTeamID(t, env, demo.TeamMBOIntern))
			form := completeForm(1, env.UserID(demo.UserCoordinator))
			form.Set("reason", "Milan heeft steun nodig bij het plannen van zijn stage.")
			form.Set("action", "submit")
			if res := coord.Post("/referrals/"+ref, form); res.Status != http.StatusSeeOther {
				t.Fatalf("save referral: %d\n%s", res.Status, res.Body)
			}
			post(coord, "/cases/"+zat+"/consent", url.Values{"giver": {"student"}, "giver_name": {"Milan de Ridder"},
				"decision": {"toestemming"}, "scope": {"ggz", "jgz"}, "how": {"conversation"}, "given_on": {today()}})
			ids := meetingsMatrixIDs(t, env)
			item := "/meetings/" + ids["{meeting:zat}"] + "/items/" + agendaItemMatrixIDs(t, env)["{item:zat}"]
			post(coord, item+"/discussion", discussionForm("0", env.Clock.Now().AddDate(0, 4, 0)))
			post(coord, item, url.Values{"action": {"guest"}, "guest_kind": {"guardian"}, "guest_name": {"Moeder van Milan, mevrouw De Ridder"}})
			var signal string
			if err := env.DB.ReadSQL().QueryRow(`SELECT CAST(entry_id AS TEXT) FROM care_entry_versions WHERE body LIKE 'Milan sliep%'`).Scan(&signal); err != nil {
				t.Fatal(err)
			}
			post(coord, "/students/"+milan+"/care/"+signal+"/own-word", url.Values{"giver": {"parent"}, "giver_name": {"Petra de Ridder"},
				"given_on": {today()}, "text": {"Thuis is het rustiger sinds de verhuizing; Milan slaapt slecht door zijn bijbaan."}})
			post(coord, "/students/"+milan+"/rectification", url.Values{"requester": {"parent"}, "requester_name": {"Petra de Ridder"},
				"received_on": {today()}, "entry": {signal}, "request": {"Schrijf niet dat het thuis onrustig is; dat is niet zo."}})
			due := env.Clock.Now().In(casus.Amsterdam).AddDate(0, 0, 7).Format(time.DateOnly)
			post(coord, "/students/"+milan+"/actions", url.Values{"case": {zat}, "owner": {env.UserID("ggz")},
				"description": {"Intake bij GGZ plannen voor Milan"}, "due_on": {due}})
			var action string
			if err := env.DB.ReadSQL().QueryRow(`SELECT CAST(id AS TEXT) FROM actions WHERE description = 'Intake bij GGZ plannen voor Milan'`).Scan(&action); err != nil {
				t.Fatal(err)
			}
			ggz := env.NewClient()
			ggz.Login("ggz")
			post(ggz, "/actions/"+action, url.Values{"status": {"in_progress"}, "version": {"1"}, "note": {"Intake staat op dinsdag."}})
			post(coord, "/students/"+milan+"/advice", url.Values{"advice_case": {zat}, "advice": {"Geef Milan een vaste plek vooraan."}})
			police := env.NewClient()
			police.Login(demo.UserPolice)
			if res := police.Get("/students/" + milan); res.Status != http.StatusOK {
				t.Fatalf("police opens Milan: %d", res.Status)
			}

			env.Clock.Set(starts.AddDate(0, 3, 0).Add(time.Hour))
			if _, err := jobs.CreateAftercareTasks(ctx, env.DB); err != nil {
				t.Fatal(err)
			}
			post(coord, "/cases/"+zat+"/aftercare", url.Values{"respondent": {"care_contact"}, "goals_met": {"partly"},
				"achieved": {"Milan slaapt beter en haalt zijn stage-uren."}, "experience": {"Korte lijnen met de GGZ."}})
			closing := url.Values{"reason": {"solved"}, "note": {"Doelen gehaald, Milan gaat op eigen kracht verder."}}
			milanPage := coord.Get("/students/" + milan).Body
			for _, m := range regexp.MustCompile(`name="(outcome_[^"]+)"`).FindAllStringSubmatch(milanPage, -1) {
				closing.Set(m[1], "achieved")
			}
			for name := range actionEnds(milanPage, "done") {
				closing.Set(name, "done")
			}
			post(coord, "/cases/"+zat+"/close", closing)
			closedAt := env.Clock.Now()

			// The police note is withheld: the police may not disclose it.
			var policeEntry string
			if err := env.DB.ReadSQL().QueryRow(`SELECT CAST(entry_id AS TEXT) FROM care_entry_versions WHERE body LIKE 'Wijkagent%'`).Scan(&policeEntry); err != nil {
				t.Fatal(err)
			}
			privacy := env.NewClient()
			privacy.Login(demo.UserPrivacy)
			// The export answers a registered request the coordinator
			// reviewed, releasing everything: the whole file.
			request := releasedRequest(t, env, milan)
			page := privacy.Get(request)
			if page.Status != http.StatusOK || !strings.Contains(page.Body, `value="care_entries|`+policeEntry+`"`) {
				t.Fatalf("export page: %d, or the police note is not offered to withhold", page.Status)
			}
			if res := privacy.Post("/students/"+milan+"/export/withhold", url.Values{"record": {"care_entries|" + policeEntry}, "reason": {""}}); res.Status != http.StatusBadRequest ||
				!strings.Contains(res.Body, "Vul dit veld in.") {
				t.Errorf("withholding without a reason: %d", res.Status)
			}
			reason := "Politie-informatie: de politie staat delen niet toe zolang het onderzoek loopt."
			post(privacy, "/students/"+milan+"/export/withhold", url.Values{"record": {"care_entries|" + policeEntry}, "reason": {reason}})
			if res := privacy.Post("/students/"+milan+"/export/withhold", url.Values{"record": {"care_entries|" + policeEntry}, "reason": {reason}}); res.Status != http.StatusConflict {
				t.Errorf("withholding twice: %d, want 409", res.Status)
			}
			lotteEntry := ""
			if err := env.DB.ReadSQL().QueryRow(`SELECT CAST(id AS TEXT) FROM care_entries WHERE student_id = $1 LIMIT 1`, env.StudentID(demo.LotteNumber)).Scan(&lotteEntry); err != nil {
				t.Fatal(err)
			}
			if res := privacy.Post("/students/"+milan+"/export/withhold", url.Values{"record": {"care_entries|" + lotteEntry}, "reason": {reason}}); res.Status != http.StatusBadRequest {
				t.Errorf("withholding another student's record through Milan: %d, want 400", res.Status)
			}

			before := env.Count(`SELECT COUNT(*) FROM access_log WHERE student_id = $1 AND action = 'export' AND user_id = $2`, milan, env.UserID(demo.UserPrivacy))
			jres := privacy.Get(request + "/export.json")
			pres := privacy.Get(request + "/export.pdf")
			if jres.Status != http.StatusOK || pres.Status != http.StatusOK || pres.Header.Get("Content-Type") != "application/pdf" {
				t.Fatalf("export: JSON %d, PDF %d %s", jres.Status, pres.Status, pres.Header.Get("Content-Type"))
			}
			if cd := jres.Header.Get("Content-Disposition") + pres.Header.Get("Content-Disposition"); strings.Contains(cd, "Milan") {
				t.Errorf("the file names name the student: %s", cd)
			}
			if n := env.Count(`SELECT COUNT(*) FROM access_log WHERE student_id = $1 AND action = 'export' AND user_id = $2`, milan, env.UserID(demo.UserPrivacy)); n != before+2 {
				t.Errorf("two exports wrote %d export entries", n-before)
			}
			var doc struct {
				RetentionUntil *string `json:"retention_until"`
				Recipients     []struct {
					Name, Organisation string
				} `json:"recipients"`
				Withheld []struct{ Table, Reason string } `json:"withheld"`
			}
			if err := json.Unmarshal([]byte(jres.Body), &doc); err != nil {
				t.Fatalf("JSON: %v", err)
			}
			var raw any
			json.Unmarshal([]byte(jres.Body), &raw)
			// Yes/no columns are JSON booleans on both engines.
			var sections struct {
				Sections []struct {
					Table   string
					Records []map[string]any
				}
			}
			json.Unmarshal([]byte(jres.Body), &sections)
			bools := 0
			for _, sec := range sections.Sections {
				for _, rec := range sec.Records {
					for col, v := range rec {
						if storage.ExportBooleans[sec.Table+"."+col] {
							if _, ok := v.(bool); !ok {
								t.Errorf("%s.%s is %#v in the JSON, want true or false", sec.Table, col, v)
							}
							bools++
						}
					}
				}
			}
			if bools < 3 {
				t.Errorf("%d yes/no values in Milan's export, want at least 3 (guardians, consent, agenda item)", bools)
			}
			var jb strings.Builder
			jsonStrings(raw, &jb)
			jsonText := jb.String()
			pdfFlat := squash(pdfText(t, pres.Body))

			recs, texts, others := 0, 0, 0
			for _, p := range exportProbes {
				cols := p.id
				for _, c := range p.texts {
					cols += ", " + c
				}
				for _, cmp := range []string{"=", "<>"} {
					rows, err := env.DB.ReadSQL().QueryContext(ctx, `SELECT `+cols+` FROM `+p.table+` WHERE `+fmt.Sprintf(p.of, cmp), milan)
					if err != nil {
						t.Fatal(err)
					}
					for rows.Next() {
						vals := make([]string, 1+len(p.texts))
						ptrs := make([]any, len(vals))
						for i := range vals {
							ptrs[i] = &vals[i]
						}
						if err := rows.Scan(ptrs...); err != nil {
							t.Fatal(err)
						}
						id := vals[0]
						if cmp == "<>" {
							others++
							if strings.Contains(jsonText, id) || strings.Contains(pdfFlat, id) {
								t.Errorf("%s %s of another student is in the export", p.table, id)
							}
							continue
						}
						if id == policeEntry {
							for _, v := range vals[1:] {
								if strings.Contains(jsonText, v) || strings.Contains(pdfFlat, squash(v)) {
									t.Errorf("the withheld police note is in the export")
								}
							}
							continue
						}
						recs++
						if !strings.Contains(jsonText, id) || !strings.Contains(pdfFlat, id) {
							t.Errorf("%s %s of Milan: in JSON %v, in PDF %v", p.table, id, strings.Contains(jsonText, id), strings.Contains(pdfFlat, id))
						}
						for i, v := range vals[1:] {
							if strings.TrimSpace(v) == "" {
								continue
							}
							texts++
							if !strings.Contains(jsonText, v) || !strings.Contains(pdfFlat, squash(v)) {
								t.Errorf("%s.%s of Milan (%q): in JSON %v, in PDF %v", p.table, p.texts[i], v, strings.Contains(jsonText, v), strings.Contains(pdfFlat, squash(v)))
							}
						}
					}
					rows.Close()
				}
			}
			// The discussion record's goals, inside its JSON.
			for _, goal := range []string{"Milan voelt zich veilig thuis", "Verzuim onder 5 % in het absentieregister"} {
				texts++
				if !strings.Contains(jsonText, goal) || !strings.Contains(pdfFlat, squash(goal)) {
					t.Errorf("goal %q missing from the export", goal)
				}
			}
			t.Logf("%d records and %d texts of Milan in JSON and PDF; %d records of other students in neither", recs, texts, others)
			if recs < 20 || others < 50 {
				t.Errorf("too little history to prove anything: %d of Milan's records, %d of others", recs, others)
			}

			if len(doc.Withheld) != 1 || doc.Withheld[0].Reason != reason || !strings.Contains(pdfFlat, squash(reason)) ||
				!strings.Contains(pdfFlat, squash("Er is een gegeven achtergehouden")) {
				t.Errorf("withheld notice: %+v", doc.Withheld)
			}
			foundPolice := false
			for _, r := range doc.Recipients {
				foundPolice = foundPolice || r.Name == "Ruud Verschoor"
			}
			if !foundPolice || !strings.Contains(pdfFlat, squash("Ruud Verschoor")) {
				t.Errorf("recipients lack the police partner: %+v", doc.Recipients)
			}
			// Milan is still at school: no retention date yet. When he leaves
			// after the closure, it runs two years from leaving.
			if doc.RetentionUntil != nil {
				t.Errorf("retention date %s while Milan is at school", *doc.RetentionUntil)
			}
			left := closedAt.AddDate(0, 1, 0)
			if _, err := env.SQL().Exec(`UPDATE students SET left_at = $1 WHERE id = $2`, left, milan); err != nil {
				t.Fatal(err)
			}
			json.Unmarshal([]byte(privacy.Get(request+"/export.json").Body), &doc)
			if want := left.AddDate(2, 0, 0).UTC().Format(time.DateOnly); doc.RetentionUntil == nil || *doc.RetentionUntil != want {
				t.Errorf("retention until %v, want %s", doc.RetentionUntil, want)
			}
		})
	}
}

// TestExportMeldcodeWithheld: Lotte's file holds a meldcode. The export
// page warns the privacy officer; until it is withheld the export holds its
// steps. Withheld with a reason, the export holds neither the steps nor the
// visits to the meldcode page, and the notice names "the file", not the
// meldcode: telling the family a meldcode exists could put Lotte at risk.
func TestExportMeldcodeWithheld(t *testing.T) {
	t.Parallel()
	for _, engine := range storagetest.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			env := webtest.Start(t, engine, webtest.Options{})
			lotte := env.StudentID(demo.LotteNumber)
			coord := env.NewClient()
			coord.Login(demo.UserCoordinator)
			notes := "Blauwe plekken op beide armen gezien bij gym; Lotte wilde er niet over praten."
			today := env.Clock.Now().In(casus.Amsterdam).Format(time.DateOnly)
			if res := coord.Post("/students/"+lotte+"/meldcode/steps", url.Values{"step": {"1"}, "done_on": {today}, "notes": {notes}}); res.Status != http.StatusSeeOther {
				t.Fatalf("meldcode step 1: %d\n%s", res.Status, res.Body)
			}
			if res := coord.Post("/students/"+lotte+"/meldcode/people", url.Values{"person": {env.UserID(demo.UserCareContact)}}); res.Status != http.StatusSeeOther {
				t.Fatalf("name the taakdocent: %d\n%s", res.Status, res.Body)
			}
			var meldcode string
			if err := env.DB.ReadSQL().QueryRow(`SELECT CAST(id AS TEXT) FROM meldcodes WHERE student_id = $1`, lotte).Scan(&meldcode); err != nil {
				t.Fatal(err)
			}
			privacy := env.NewClient()
			privacy.Login(demo.UserPrivacy)
			// A request the coordinator reviewed, releasing the meldcode.
			request := releasedRequest(t, env, lotte)
			export := func() (string, string) {
				t.Helper()
				j, p := privacy.Get(request+"/export.json"), privacy.Get(request+"/export.pdf")
				if j.Status != http.StatusOK || p.Status != http.StatusOK {
					t.Fatalf("export: %d %d", j.Status, p.Status)
				}
				return j.Body, squash(pdfText(t, p.Body))
			}
			page := privacy.Get(request)
			if !strings.Contains(page.Body, "Dit dossier bevat een meldcode-traject.") {
				t.Errorf("the export page does not warn about the meldcode")
			}
			j, p := export()
			if !strings.Contains(j, notes) || !strings.Contains(p, squash(notes)) || !strings.Contains(j, "message.meldcode_named") {
				t.Errorf("before withholding, the export lacks the meldcode step or the message naming the taakdocent")
			}

			reason := "Inzage brengt de veiligheid van de leerling in gevaar (art. 41 UAVG)."
			if res := privacy.Post("/students/"+lotte+"/export/withhold", url.Values{"record": {"meldcodes|" + meldcode}, "reason": {reason}}); res.Status != http.StatusSeeOther {
				t.Fatalf("withhold the meldcode: %d\n%s", res.Status, res.Body)
			}
			if page := privacy.Get(request); strings.Contains(page.Body, "Dit dossier bevat een meldcode-traject.") {
				t.Errorf("the export page still warns after withholding")
			}
			j, p = export()
			for what, text := range map[string]string{"JSON": j, "PDF": p} {
				flat := squash(text)
				if strings.Contains(flat, squash(notes)) || strings.Contains(strings.ToLower(flat), "meldcode") {
					i := strings.Index(strings.ToLower(flat), "meldcode")
					t.Errorf("the %s still tells of the meldcode: …%s…", what, flat[max(0, i-200):min(len(flat), i+100)])
				}
				if !strings.Contains(flat, squash(reason)) || !strings.Contains(flat, "Hetdossier") {
					t.Errorf("the %s lacks the notice that part of the file was withheld", what)
				}
			}
		})
	}
}

// TestExportRecipientsMeldcodeWithheld: a partner named for Milan's
// meldcode opens it; the export lists that partner as a recipient until the
// meldcode is withheld, then no longer (the visit would tell of it).
func TestExportRecipientsMeldcodeWithheld(t *testing.T) {
	t.Parallel()
	for _, engine := range storagetest.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			env := webtest.Start(t, engine, webtest.Options{})
			milan := env.StudentID(demo.CrisisNumber)
			coord, ggd, privacy := env.NewClient(), env.NewClient(), env.NewClient()
			coord.Login(demo.UserCoordinator)
			ggd.Login(demo.UserGGD)
			privacy.Login(demo.UserPrivacy)
			if res := coord.Post("/students/"+milan+"/meldcode/people", url.Values{"person": {env.UserID(demo.UserGGD)}}); res.Status != http.StatusSeeOther {
				t.Fatalf("name the JGZ member: %d\n%s", res.Status, res.Body)
			}
			if res := ggd.Get("/students/" + milan + "/meldcode"); res.Status != http.StatusOK {
				t.Fatalf("the named JGZ member opens the meldcode: %d", res.Status)
			}
			request := releasedRequest(t, env, milan)
			recipients := func() []string {
				t.Helper()
				var doc struct {
					Recipients []struct{ Name string } `json:"recipients"`
				}
				if err := json.Unmarshal([]byte(privacy.Get(request+"/export.json").Body), &doc); err != nil {
					t.Fatal(err)
				}
				var names []string
				for _, r := range doc.Recipients {
					names = append(names, r.Name)
				}
				return names
			}
			ggdName := "Nienke Haverkamp"
			if got := recipients(); !slices.Contains(got, ggdName) {
				t.Fatalf("before withholding, recipients %v lack %s", got, ggdName)
			}
			var meldcode string
			if err := env.DB.ReadSQL().QueryRow(`SELECT CAST(id AS TEXT) FROM meldcodes WHERE student_id = $1`, milan).Scan(&meldcode); err != nil {
				t.Fatal(err)
			}
			if res := privacy.Post("/students/"+milan+"/export/withhold", url.Values{"record": {"meldcodes|" + meldcode},
				"reason": {"Inzage brengt de veiligheid van de leerling in gevaar."}}); res.Status != http.StatusSeeOther {
				t.Fatalf("withhold the meldcode: %d\n%s", res.Status, res.Body)
			}
			if got := recipients(); slices.Contains(got, ggdName) {
				t.Errorf("after withholding the meldcode, recipients %v still name %s, who only saw the meldcode", got, ggdName)
			}
		})
	}
}

// TestExportPDFBeyondTheFont: a care entry with an emoji (outside the
// fonts' plane) still gives the export PDF, the emoji replaced, the rest
// of the text intact.
func TestExportPDFBeyondTheFont(t *testing.T) {
	t.Parallel()
	env := webtest.Start(t, "sqlite", webtest.Options{})
	milan := env.StudentID(demo.CrisisNumber)
	coord := env.NewClient()
	coord.Login(demo.UserCoordinator)
	text := "Milan stuurde zijn mentor 😀 na het gesprek: het gaat beter."
	if res := coord.Post("/students/"+milan+"/care", url.Values{"kind": {"contact"}, "occurred_on": {env.Clock.Now().In(casus.Amsterdam).Format(time.DateOnly)},
		"text": {text}, "visibility": {"care_team"}, "sector": {"mbo"}}); res.Status != http.StatusSeeOther {
		t.Fatalf("care entry: %d", res.Status)
	}
	res := coord.Get(releasedRequest(t, env, milan) + "/export.pdf")
	if res.Status != http.StatusOK {
		t.Fatalf("export PDF with an emoji in the file: %d", res.Status)
	}
	if got := squash(pdfText(t, res.Body)); !strings.Contains(got, squash("na het gesprek: het gaat beter.")) {
		t.Errorf("the entry's text is not in the PDF")
	}
}

// TestExportCaseWithheld: withholding Milan's ZAT case also withholds what
// belongs to it — the police invitation, the consent exception and its
// reason, the agenda item and its guests, the crisis, the actions — and the
// log lines and messages about them.
func TestExportCaseWithheld(t *testing.T) {
	t.Parallel()
	for _, engine := range storagetest.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			env := webtest.Start(t, engine, webtest.Options{})
			milan := env.StudentID(demo.CrisisNumber)
			coord, privacy := env.NewClient(), env.NewClient()
			coord.Login(demo.UserCoordinator)
			privacy.Login(demo.UserPrivacy)
			var zat string
			if err := env.DB.ReadSQL().QueryRow(`SELECT CAST(c.id AS TEXT) FROM cases c JOIN care_teams t ON t.id = c.team_id
				WHERE c.student_id = $1 AND t.kind = 'zat'`, milan).Scan(&zat); err != nil {
				t.Fatal(err)
			}
			if res := coord.Get("/cases/" + zat + "/consent"); res.Status != http.StatusOK {
				t.Fatalf("coordinator opens the case's consent page: %d", res.Status)
			}
			belonging := map[string]string{
				"the consent exception's reason": "Meldcode: signalen van huiselijk geweld",
				"the crisis":                     "Milan verblijft tijdelijk bij zijn oom",
				"the police invitation":          env.UserID(demo.UserPolice),
			}
			var item string
			if err := env.DB.ReadSQL().QueryRow(`SELECT CAST(id AS TEXT) FROM agenda_items WHERE case_id = $1`, zat).Scan(&item); err == nil {
				belonging["the agenda item"] = item
			}
			request := releasedRequest(t, env, milan)
			body := privacy.Get(request + "/export.json").Body
			for what, s := range belonging {
				if !strings.Contains(body, s) {
					t.Fatalf("before withholding, the export lacks %s", what)
				}
			}
			if res := privacy.Post("/students/"+milan+"/export/withhold", url.Values{"record": {"cases|" + zat},
				"reason": {"Informatie van de politie over een lopend onderzoek."}}); res.Status != http.StatusSeeOther {
				t.Fatalf("withhold the case: %d\n%s", res.Status, res.Body)
			}
			j, p := privacy.Get(request+"/export.json").Body, squash(pdfText(t, privacy.Get(request+"/export.pdf").Body))
			for what, s := range belonging {
				if strings.Contains(j, s) || strings.Contains(p, squash(s)) {
					t.Errorf("with the case withheld, the export still holds %s", what)
				}
			}
			if strings.Contains(j, zat) || strings.Contains(p, zat) {
				t.Errorf("with the case withheld, the export still names it (a record, a log line or a message)")
			}
		})
	}
}
