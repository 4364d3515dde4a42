package web_test

import (
	"html"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"casus"
	"casus/demo"
	"casus/storage/storagetest"
	"casus/web/webtest"
)

// Dutch texts of the referral pages, as in i18n/locales/nl.json.
const (
	nlMissing = "Dit onderdeel ontbreekt. Vul het in om de aanmelding in te dienen." // referral.error.missing
	nlStale   = "Iemand anders heeft deze aanmelding intussen gewijzigd."            // referral.error.stale (start)
)

// nlLabels are the Dutch names of the form's parts (referral.field.*).
var nlLabels = map[casus.ReferralField]string{
	casus.FieldReason:            "Aanleiding en situatie",
	casus.FieldNeedsEducation:    "Onderwijsbehoeften",
	casus.FieldNeedsCare:         "Zorgbehoeften",
	casus.FieldStudentHindering:  "Belemmerende factoren bij de leerling",
	casus.FieldStudentProtective: "Beschermende factoren bij de leerling",
	casus.FieldSchoolHindering:   "Belemmerende factoren op school",
	casus.FieldSchoolProtective:  "Beschermende factoren op school",
	casus.FieldFamilyHindering:   "Belemmerende factoren in gezin en omgeving",
	casus.FieldFamilyProtective:  "Beschermende factoren in gezin en omgeving",
	casus.FieldDoneBefore:        "Wat is er al gedaan",
	casus.FieldDoneResult:        "Met welk resultaat",
	casus.FieldQuestionStudent:   "Hulpvraag van de leerling",
	casus.FieldQuestionParents:   "Hulpvraag van de ouders",
	casus.FieldQuestionSchool:    "Hulpvraag van de school",
	casus.FieldProblemCategory:   "Probleemgebied",
	casus.FieldSupportSchool:     "Wat heeft de school nodig?",
	casus.FieldSupportParents:    "Wat hebben de ouders nodig?",
	casus.FieldParenting:         "Opvoedingsbehoeften",
	casus.FieldAgencies:          "Instanties die al betrokken zijn",
	casus.FieldAssessments:       "Eerder onderzoek en diagnoses",
	casus.FieldInformed:          "Zijn leerling en ouders geïnformeerd, en zijn zij het eens?",
}

// snapshotExcept are the tables a refused request may still write: the
// session store, and the access log, which records that the form was shown.
var snapshotExcept = []string{"sessions", "access_log", "access_log_head"}

// teamID returns the id of the care team with the name.
func refTeamID(t *testing.T, env *webtest.Env, name string) string {
	t.Helper()
	var id string
	if err := env.SQL().QueryRow(`SELECT CAST(id AS TEXT) FROM care_teams WHERE name = $1`, name).Scan(&id); err != nil {
		t.Fatalf("team %s: %v", name, err)
	}
	return id
}

// referralRow reads a referral's state and version.
func referralRow(t *testing.T, env *webtest.Env, id string) (state string, version int) {
	t.Helper()
	if err := env.SQL().QueryRow(`SELECT state, version FROM referrals WHERE id = $1`, id).Scan(&state, &version); err != nil {
		t.Fatalf("referral %s: %v", id, err)
	}
	return state, version
}

// completeForm is a complete referral form: every part filled in.
func completeForm(version int, inbrenger string) url.Values {
	f := url.Values{"version": {strconv.Itoa(version)}, "urgency": {"normal"}, "inbrenger": {inbrenger}}
	for _, fl := range casus.ReferralFields {
		f.Set(string(fl), "Ingevuld: "+string(fl)+"\nmet een tweede regel & een < teken")
	}
	f.Set(string(casus.FieldProblemCategory), casus.DefaultProblemCategories[0])
	return f
}

// createDraft starts a referral of the student to the team as c and
// returns its id.
func createDraft(t *testing.T, c *webtest.Client, studentID, teamID string) string {
	t.Helper()
	res := c.Post("/students/"+studentID+"/referrals", url.Values{"team": {teamID}, "urgency": {"normal"}})
	if res.Status != http.StatusSeeOther || !strings.HasPrefix(res.Location, "/referrals/") || !strings.HasSuffix(res.Location, "/edit") {
		t.Fatalf("create referral: status %d, location %q\n%s", res.Status, res.Location, res.Body)
	}
	return strings.TrimSuffix(strings.TrimPrefix(res.Location, "/referrals/"), "/edit")
}

func TestReferralDraftAndSubmit(t *testing.T) {
	t.Parallel()
	for _, engine := range storagetest.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			env := webtest.Start(t, engine, webtest.Options{})
			tc := env.NewClient()
			tc.Login(demo.UserCareContact)
			lotte := env.StudentID(demo.LotteNumber)
			intern := refTeamID(t, env, demo.TeamMBOIntern)
			me := env.UserID(demo.UserCareContact)

			// The student page offers the referral; the start page pre-fills
			// the student's facts.
			if res := tc.Get("/students/" + lotte); !strings.Contains(res.Body, `href="/students/`+lotte+`/referrals/new"`) {
				t.Fatalf("student page lacks the referral link (status %d)", res.Status)
			}
			start := tc.Get("/students/" + lotte + "/referrals/new")
			if start.Status != http.StatusOK || !strings.Contains(start.Body, "Lotte Verhagen") || !strings.Contains(start.Body, "ROC Rivierenland") ||
				!strings.Contains(start.Body, "17 jaar") || !strings.Contains(start.Body, "Sanne Oosterhout") {
				t.Fatalf("start page: status %d, want Lotte's name, school, age and mentor", start.Status)
			}
			id := createDraft(t, tc, lotte, intern)
			if st, v := referralRow(t, env, id); st != "draft" || v != 1 {
				t.Fatalf("new referral: %s v%d, want draft v1", st, v)
			}

			t.Run("DraftSaved", func(t *testing.T) {
				f := url.Values{"action": {"save"}, "version": {"1"}, "urgency": {"urgent"}, "inbrenger": {me},
					"reason": {"Verzuim loopt op.\r\nGeldzorgen."}}
				res := tc.Post("/referrals/"+id, f)
				if res.Status != http.StatusSeeOther || res.Location != "/referrals/"+id+"/edit?saved=1" {
					t.Fatalf("save: status %d, location %q\n%s", res.Status, res.Location, res.Body)
				}
				var reason, urgency string
				if err := env.SQL().QueryRow(`SELECT reason, urgency FROM referrals WHERE id = $1`, id).Scan(&reason, &urgency); err != nil {
					t.Fatal(err)
				}
				if reason != "Verzuim loopt op.\nGeldzorgen." || urgency != "urgent" {
					t.Errorf("saved reason %q urgency %q", reason, urgency)
				}
				if st, v := referralRow(t, env, id); st != "draft" || v != 2 {
					t.Errorf("after save: %s v%d, want draft v2", st, v)
				}
				page := tc.Get("/referrals/" + id + "/edit?saved=1")
				if !strings.Contains(page.Body, "Het concept is opgeslagen.") || !strings.Contains(page.Body, "Verzuim loopt op.\nGeldzorgen.") {
					t.Errorf("edit page after save lacks the notice or the text")
				}
			})

			// Every part the intern zorgteam needs by default, left out one
			// at a time: refused (400), named in Dutch at the field and in
			// the summary, and nothing changes.
			required := casus.DefaultRequired(casus.TeamIntern)
			for _, missing := range required {
				t.Run("IncompleteRefused/"+string(missing), func(t *testing.T) {
					_, version := referralRow(t, env, id)
					f := completeForm(version, me)
					f.Set("action", "submit")
					f.Set(string(missing), "   ")
					logBefore := env.Count(`SELECT COUNT(*) FROM access_log`)
					before := env.Snapshot(snapshotExcept...)
					res := tc.Post("/referrals/"+id, f)
					if res.Status != http.StatusBadRequest {
						t.Fatalf("status %d, want 400", res.Status)
					}
					if diff := webtest.Changed(before, env.Snapshot(snapshotExcept...)); len(diff) > 0 {
						t.Errorf("a refused submission changed the database: %v", diff)
					}
					// The summary links the missing part by its Dutch name.
					summary := `<a class="utrecht-link" href="#f-` + string(missing) + `">` + html.EscapeString(nlLabels[missing]) + `</a>: ` + nlMissing
					if !strings.Contains(res.Body, summary) {
						t.Errorf("summary lacks %q", summary)
					}
					if !strings.Contains(res.Body, `id="f-`+string(missing)+`-error">`+nlMissing) ||
						!strings.Contains(res.Body, `aria-describedby="f-`+string(missing)+`-hint f-`+string(missing)+`-error"`) {
						t.Errorf("field %s: no linked error message beside it", missing)
					}
					if n := strings.Count(res.Body, nlMissing); n != 2 {
						t.Errorf("%d mentions of the missing message, want 2 (field and summary)", n)
					}
					// The form comes back as entered.
					if !strings.Contains(res.Body, "Ingevuld: reason") && missing != casus.FieldReason {
						t.Errorf("the entered text is not shown again")
					}
					// The page showed the student's data: one read, logged.
					if n := env.Count(`SELECT COUNT(*) FROM access_log`); n != logBefore+1 {
						t.Errorf("%d access-log entries written, want 1", n-logBefore)
					}
					if n := env.Count(`SELECT COUNT(*) FROM access_log WHERE object_id = $1 AND action = 'read' AND outcome = 'granted'
						AND purpose = 'referral: submit refused'`, id); n == 0 {
						t.Errorf("the refused submission's read is not logged")
					}
				})
			}

			t.Run("AllMissingNamed", func(t *testing.T) {
				_, version := referralRow(t, env, id)
				before := env.Snapshot(snapshotExcept...)
				res := tc.Post("/referrals/"+id, url.Values{"action": {"submit"}, "version": {strconv.Itoa(version)},
					"urgency": {"normal"}, "inbrenger": {me}})
				if res.Status != http.StatusBadRequest {
					t.Fatalf("status %d, want 400", res.Status)
				}
				for _, fl := range required {
					if !strings.Contains(res.Body, html.EscapeString(nlLabels[fl])+`</a>: `+nlMissing) {
						t.Errorf("summary does not name %s", nlLabels[fl])
					}
				}
				// Optional for the intern zorgteam: not named.
				for _, fl := range []casus.ReferralField{casus.FieldFamilyHindering, casus.FieldQuestionParents} {
					if strings.Contains(res.Body, `href="#f-`+string(fl)+`"`) {
						t.Errorf("summary names optional part %s", fl)
					}
				}
				if !strings.Contains(res.Body, "er ontbreken "+strconv.Itoa(len(required))+" verplichte onderdelen") {
					t.Errorf("summary heading lacks the count %d", len(required))
				}
				if diff := webtest.Changed(before, env.Snapshot(snapshotExcept...)); len(diff) > 0 {
					t.Errorf("changed: %v", diff)
				}
			})

			t.Run("CompleteSubmitted", func(t *testing.T) {
				_, version := referralRow(t, env, id)
				f := completeForm(version, me)
				f.Del(string(casus.FieldFamilyHindering)) // optional for the intern zorgteam
				f.Set("action", "submit")
				res := tc.Post("/referrals/"+id, f)
				if res.Status != http.StatusSeeOther || res.Location != "/referrals/"+id+"?done=submitted" {
					t.Fatalf("submit: status %d, location %q\n%s", res.Status, res.Location, res.Body)
				}
				// The taakdocent submitting is the preselection.
				if st, _ := referralRow(t, env, id); st != "preselected" {
					t.Errorf("state %s, want preselected", st)
				}
				var events string
				rows, err := env.SQL().Query(`SELECT from_state, to_state FROM referral_events WHERE referral_id = $1 ORDER BY at, id`, id)
				if err != nil {
					t.Fatal(err)
				}
				for rows.Next() {
					var from, to string
					rows.Scan(&from, &to)
					events += from + ">" + to + " "
				}
				rows.Close()
				if events != ">draft draft>submitted submitted>preselected " {
					t.Errorf("events %q", events)
				}
				page := tc.Get("/referrals/" + id + "?done=submitted")
				if !strings.Contains(page.Body, "De aanmelding is ingediend.") || !strings.Contains(page.Body, "voorgeselecteerd") {
					t.Errorf("detail page after submit lacks notice or state")
				}
				if n := env.Count(`SELECT COUNT(*) FROM access_log WHERE object_id = $1 AND action IN ('create', 'change') AND outcome = 'granted'`, id); n != 3 {
					t.Errorf("%d change entries in the access log, want create, save and submit", n)
				}
				// No longer editable.
				if res := tc.Get("/referrals/" + id + "/edit"); res.Status != http.StatusForbidden {
					t.Errorf("edit after submit: status %d, want 403", res.Status)
				}
			})
		})
	}
}

func TestReferralStaleSave(t *testing.T) {
	t.Parallel()
	for _, engine := range storagetest.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			env := webtest.Start(t, engine, webtest.Options{})
			mentor, tc := env.NewClient(), env.NewClient()
			mentor.Login(demo.UserMentor)
			tc.Login(demo.UserCareContact)
			draft := referralMatrixIDs(t, env)["{ref:draft}"]
			_, v := referralRow(t, env, draft)
			mentorID := env.UserID(demo.UserMentor)

			// The taakdocent saves first.
			f := completeForm(v, mentorID)
			f.Set("action", "save")
			if res := tc.Post("/referrals/"+draft, f); res.Status != http.StatusSeeOther {
				t.Fatalf("first save: %d", res.Status)
			}
			// The mentor saves the version they opened: refused, nothing written.
			before := env.Snapshot(snapshotExcept...)
			f = completeForm(v, mentorID)
			f.Set("action", "save")
			f.Set("reason", "Oude versie")
			res := mentor.Post("/referrals/"+draft, f)
			if res.Status != http.StatusConflict || !strings.Contains(res.Body, nlStale) {
				t.Fatalf("stale save: status %d, want 409 with %q", res.Status, nlStale)
			}
			if !strings.Contains(res.Body, "Oude versie") {
				t.Errorf("the stale form does not keep what the mentor typed")
			}
			if diff := webtest.Changed(before, env.Snapshot(snapshotExcept...)); len(diff) > 0 {
				t.Errorf("a stale save changed: %v", diff)
			}
			f.Set("action", "submit")
			if res := mentor.Post("/referrals/"+draft, f); res.Status != http.StatusConflict {
				t.Errorf("stale submit: status %d, want 409", res.Status)
			}
		})
	}
}

func TestReferralTriage(t *testing.T) {
	t.Parallel()
	for _, engine := range storagetest.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			env := webtest.Start(t, engine, webtest.Options{})
			co := env.NewClient()
			co.Login(demo.UserCoordinator)
			ids := referralMatrixIDs(t, env)
			intern, zat := refTeamID(t, env, demo.TeamMBOIntern), refTeamID(t, env, demo.TeamMBOZAT)
			decide := func(c *webtest.Client, id string, f url.Values) webtest.Response {
				t.Helper()
				_, v := referralRow(t, env, id)
				f.Set("version", strconv.Itoa(v))
				return c.Post("/referrals/"+id+"/decision", f)
			}

			t.Run("NonChairRefused", func(t *testing.T) {
				pre := ids["{ref:pre}"]
				cases := []struct {
					user string
					want int
				}{
					{demo.UserCareContact, http.StatusForbidden}, // reads it, may not decide
					{demo.UserMentor, http.StatusForbidden},      // inbrenger
					{demo.UserGGD, http.StatusNotFound},
					{demo.UserPolice, http.StatusNotFound},
					{demo.UserIB, http.StatusNotFound}, // chairs another school's team
				}
				clients := map[string]*webtest.Client{}
				for _, c := range cases {
					clients[c.user] = env.NewClient()
					clients[c.user].Login(c.user)
				}
				before := env.Snapshot(snapshotExcept...)
				for _, c := range cases {
					cl := clients[c.user]
					denied := env.Count(`SELECT COUNT(*) FROM access_log WHERE outcome = 'denied' AND object_id = $1 AND user_id = $2`,
						pre, env.UserID(c.user))
					if res := decide(cl, pre, url.Values{"decision": {"accept"}}); res.Status != c.want {
						t.Errorf("%s accepts: status %d, want %d", c.user, res.Status, c.want)
					}
					if n := env.Count(`SELECT COUNT(*) FROM access_log WHERE outcome = 'denied' AND object_id = $1 AND user_id = $2
						AND action = 'change'`, pre, env.UserID(c.user)); n != denied+1 {
						t.Errorf("%s: denial not logged", c.user)
					}
				}
				if diff := webtest.Changed(before, env.Snapshot(snapshotExcept...)); len(diff) > 0 {
					t.Errorf("refused decisions changed: %v", diff)
				}
			})

			t.Run("Accept", func(t *testing.T) {
				pre := ids["{ref:pre}"]
				student := env.StudentID(demo.ReferralPreselectedNumber)
				res := decide(co, pre, url.Values{"decision": {"accept"}, "note": {"Volgende overleg."}})
				if res.Status != http.StatusSeeOther {
					t.Fatalf("accept: %d\n%s", res.Status, res.Body)
				}
				if st, _ := referralRow(t, env, pre); st != "accepted" {
					t.Errorf("state %s, want accepted", st)
				}
				if n := env.Count(`SELECT COUNT(*) FROM cases WHERE student_id = $1 AND team_id = $2 AND status = 'open'`, student, intern); n != 1 {
					t.Errorf("%d open cases at the intern team, want 1", n)
				}
				if n := env.Count(`SELECT COUNT(*) FROM referrals r JOIN cases c ON c.id = r.case_id WHERE r.id = $1 AND c.team_id = $2`, pre, intern); n != 1 {
					t.Errorf("accepted referral not linked to the case")
				}
				if n := env.Count(`SELECT COUNT(*) FROM referral_events WHERE referral_id = $1 AND from_state = 'preselected'
					AND to_state = 'accepted' AND note = 'Volgende overleg.' AND actor_id = $2`, pre, env.UserID(demo.UserCoordinator)); n != 1 {
					t.Errorf("accept event missing")
				}
				// A fixed member of the team (ggd) now reads it.
				ggd := env.NewClient()
				ggd.Login(demo.UserGGD)
				if res := ggd.Get("/referrals/" + pre); res.Status != http.StatusOK {
					t.Errorf("fixed member after accept: %d, want 200", res.Status)
				}
				// Decided once: a second decision is refused.
				if res := decide(co, pre, url.Values{"decision": {"return"}, "note": {"x"}}); res.Status != http.StatusForbidden {
					t.Errorf("second decision: %d, want 403", res.Status)
				}
			})

			t.Run("ReturnAndResubmit", func(t *testing.T) {
				milan := ids["{ref:milan}"]
				if res := decide(co, milan, url.Values{"decision": {"return"}}); res.Status != http.StatusBadRequest ||
					!strings.Contains(res.Body, "Vul een toelichting in") {
					t.Fatalf("return without a question: %d, want 400 naming the note", res.Status)
				}
				if res := decide(co, milan, url.Values{"decision": {"return"}, "note": {"Is de moeder geïnformeerd over de aanmelding?"}}); res.Status != http.StatusSeeOther {
					t.Fatalf("return: %d", res.Status)
				}
				if st, _ := referralRow(t, env, milan); st != "returned" {
					t.Fatalf("state %s, want returned", st)
				}
				ref := env.NewClient()
				ref.Login("taakdocent.techniek")
				edit := ref.Get("/referrals/" + milan)
				if edit.Status != http.StatusOK || !strings.Contains(edit.Body, "Is de moeder geïnformeerd over de aanmelding?") {
					t.Fatalf("referrer does not see the question (%d)", edit.Status)
				}
				_, v := referralRow(t, env, milan)
				f := completeForm(v, env.UserID("taakdocent.techniek"))
				f.Set("action", "submit")
				if res := ref.Post("/referrals/"+milan, f); res.Status != http.StatusSeeOther {
					t.Fatalf("resubmit: %d\n%s", res.Status, res.Body)
				}
				if st, _ := referralRow(t, env, milan); st != "submitted" {
					t.Errorf("after resubmission: %s, want submitted (the ZAT has no preselection)", st)
				}
			})

			t.Run("RedirectToZAT", func(t *testing.T) {
				// The taakdocent refers Lotte to the intern zorgteam again; the
				// chair sends it straight to the ZAT, where the form lacks the
				// family factors: it goes back to the referrer to complete.
				tc := env.NewClient()
				tc.Login(demo.UserCareContact)
				id := createDraft(t, tc, env.StudentID(demo.LotteNumber), intern)
				f := completeForm(1, env.UserID(demo.UserCareContact))
				f.Del(string(casus.FieldFamilyHindering))
				f.Set("action", "submit")
				if res := tc.Post("/referrals/"+id, f); res.Status != http.StatusSeeOther {
					t.Fatalf("submit: %d", res.Status)
				}
				if res := decide(co, id, url.Values{"decision": {"redirect"}, "target": {zat}, "note": {"Past beter bij het ZAT."}}); res.Status != http.StatusSeeOther {
					t.Fatalf("redirect: %d\n%s", res.Status, res.Body)
				}
				var next, nextTeam, nextState string
				if err := env.SQL().QueryRow(`SELECT CAST(n.id AS TEXT), CAST(n.team_id AS TEXT), n.state FROM referrals r
					JOIN referrals n ON n.id = r.next_id WHERE r.id = $1 AND r.state = 'redirected'`, id).Scan(&next, &nextTeam, &nextState); err != nil {
					t.Fatalf("redirected referral: %v", err)
				}
				if nextTeam != zat || nextState != "returned" {
					t.Errorf("continued at %s as %s, want the ZAT, returned", nextTeam, nextState)
				}
				// The referrer completes and submits it to the ZAT.
				_, v := referralRow(t, env, next)
				f = completeForm(v, env.UserID(demo.UserCareContact))
				f.Set("action", "submit")
				if res := tc.Post("/referrals/"+next, f); res.Status != http.StatusSeeOther {
					t.Fatalf("submit to the ZAT: %d", res.Status)
				}
				if st, _ := referralRow(t, env, next); st != "submitted" {
					t.Errorf("ZAT referral: %s, want submitted", st)
				}
			})

			t.Run("RedirectToBasicGuidance", func(t *testing.T) {
				tc := env.NewClient()
				tc.Login(demo.UserCareContact)
				id := createDraft(t, tc, env.StudentID(demo.LotteNumber), intern)
				f := completeForm(1, env.UserID(demo.UserCareContact))
				f.Set("action", "submit")
				if res := tc.Post("/referrals/"+id, f); res.Status != http.StatusSeeOther {
					t.Fatalf("submit: %d", res.Status)
				}
				if res := decide(co, id, url.Values{"decision": {"redirect"}, "target": {"basic"}}); res.Status != http.StatusBadRequest {
					t.Errorf("back to basic guidance without advice: %d, want 400", res.Status)
				}
				advice := "Wekelijks een kort gesprek met de mentor; over zes weken evalueren."
				if res := decide(co, id, url.Values{"decision": {"redirect"}, "target": {"basic"}, "note": {advice}}); res.Status != http.StatusSeeOther {
					t.Fatalf("redirect: %d", res.Status)
				}
				if n := env.Count(`SELECT COUNT(*) FROM referrals WHERE id = $1 AND state = 'redirected' AND next_id IS NULL`, id); n != 1 {
					t.Errorf("not closed as redirected to basic guidance")
				}
				if n := env.Count(`SELECT COUNT(*) FROM referral_events WHERE referral_id = $1 AND to_state = 'redirected' AND note = $2`, id, advice); n != 1 {
					t.Errorf("advice not recorded with the event")
				}
			})
		})
	}
}

func TestReferralMentorOfAnotherStudent(t *testing.T) {
	t.Parallel()
	env := webtest.Start(t, "sqlite", webtest.Options{})
	mentor := env.NewClient()
	mentor.Login(demo.UserMentor)
	ids := referralMatrixIDs(t, env)
	milan := env.StudentID(demo.CrisisNumber)
	for _, path := range []string{"/referrals/" + ids["{ref:milan}"], "/students/" + milan + "/referrals/new"} {
		if res := mentor.Get(path); res.Status != http.StatusNotFound || strings.Contains(res.Body, "Milan") {
			t.Errorf("%s: status %d, want 404 without the name", path, res.Status)
		}
	}
	if n := env.Count(`SELECT COUNT(*) FROM access_log WHERE outcome = 'denied' AND user_id = $1 AND student_id = $2`,
		env.UserID(demo.UserMentor), milan); n != 2 {
		t.Errorf("%d denials logged, want 2", n)
	}
	// The mentor may draft for their own student, but not submit to the ZAT.
	zat := refTeamID(t, env, demo.TeamMBOZAT)
	id := createDraft(t, mentor, env.StudentID(demo.LotteNumber), zat)
	f := completeForm(1, env.UserID(demo.UserMentor))
	f.Set("action", "submit")
	if res := mentor.Post("/referrals/"+id, f); res.Status != http.StatusForbidden {
		t.Errorf("mentor submits to the ZAT: %d, want 403", res.Status)
	}
}

func TestReferralQueue(t *testing.T) {
	t.Parallel()
	for _, engine := range storagetest.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			env := webtest.Start(t, engine, webtest.Options{})
			intern := refTeamID(t, env, demo.TeamMBOIntern)
			tc := env.NewClient()
			tc.Login(demo.UserCareContact)
			// A new referral of Lotte, submitted now: younger than the demo's
			// preselected referral (4 days), so it comes after it.
			id := createDraft(t, tc, env.StudentID(demo.LotteNumber), intern)
			f := completeForm(1, env.UserID(demo.UserCareContact))
			f.Set("action", "submit")
			if res := tc.Post("/referrals/"+id, f); res.Status != http.StatusSeeOther {
				t.Fatalf("submit: %d", res.Status)
			}
			env.Clock.Add(24 * time.Hour)

			co := env.NewClient()
			co.Login(demo.UserCoordinator)
			before := env.Count(`SELECT COUNT(*) FROM access_log WHERE purpose = 'referral queue'`)
			res := co.Get("/referrals")
			if res.Status != http.StatusOK {
				t.Fatalf("queue: %d", res.Status)
			}
			ids := referralMatrixIDs(t, env)
			order := func(needles ...string) {
				t.Helper()
				last := -1
				for _, n := range needles {
					i := strings.Index(res.Body, n)
					if i < 0 {
						t.Errorf("queue lacks %q", n)
						return
					}
					if i < last {
						t.Errorf("queue: %q comes too early", n)
					}
					last = i
				}
			}
			// Intern zorgteam before ZAT; within a team awaiting a decision
			// before accepted; within a state the oldest first.
			order("Intern zorgteam ROC Rivierenland", "Voorgeselecteerd, wacht op besluit", ids["{ref:pre}"], id,
				"Geaccepteerd, klaar om te agenderen", ids["{ref:lotte}"], "ZAT ROC Rivierenland", ids["{ref:milan}"])
			if strings.Contains(res.Body, ids["{ref:draft}"]) {
				t.Errorf("the chair's queue shows a draft")
			}
			if !strings.Contains(res.Body, "<td class=\"utrecht-table__cell\">5</td>") {
				t.Errorf("the preselected referral does not show 5 days waiting")
			}
			if n := env.Count(`SELECT COUNT(*) FROM access_log WHERE purpose = 'referral queue'`); n-before != 4 {
				t.Errorf("%d queue rows logged, want 4", n-before)
			}

			// The mentor sees their own draft and what they bring in.
			mentor := env.NewClient()
			mentor.Login(demo.UserMentor)
			mres := mentor.Get("/referrals")
			if !strings.Contains(mres.Body, ids["{ref:draft}"]) || !strings.Contains(mres.Body, ids["{ref:pre}"]) ||
				strings.Contains(mres.Body, ids["{ref:milan}"]) {
				t.Errorf("mentor's queue: want their draft and the referral they bring in, not Milan's")
			}
		})
	}
}

func TestReferralRequiredSetting(t *testing.T) {
	t.Parallel()
	env := webtest.Start(t, "sqlite", webtest.Options{})
	admin := env.NewClient()
	admin.Login(demo.UserAdmin)
	page := admin.Get("/admin/referral-form")
	if page.Status != http.StatusOK || !strings.Contains(page.Body, `name="required_zat" value="family_hindering" checked`) ||
		strings.Contains(page.Body, `name="required_intern" value="family_hindering" checked`) {
		t.Fatalf("settings page does not show the defaults (%d)", page.Status)
	}
	if res := admin.Post("/admin/referral-form", url.Values{"required_intern": {"reason", "nonsense"}}); res.Status != http.StatusBadRequest {
		t.Errorf("unknown field: %d, want 400", res.Status)
	}
	// The intern zorgteam now needs only the reason (and, always, the
	// school's question).
	if res := admin.Post("/admin/referral-form", url.Values{"required_intern": {"reason"}, "required_zat": {"reason"}}); res.Status != http.StatusSeeOther {
		t.Fatalf("save: %d", res.Status)
	}
	tc := env.NewClient()
	tc.Login(demo.UserCareContact)
	id := createDraft(t, tc, env.StudentID(demo.LotteNumber), refTeamID(t, env, demo.TeamMBOIntern))
	f := url.Values{"action": {"submit"}, "version": {"1"}, "urgency": {"normal"}, "inbrenger": {env.UserID(demo.UserCareContact)},
		"reason": {"Aanleiding"}}
	res := tc.Post("/referrals/"+id, f)
	if res.Status != http.StatusBadRequest || !strings.Contains(res.Body, "Hulpvraag van de school</a>: "+nlMissing) ||
		!strings.Contains(res.Body, "Probleemgebied</a>: "+nlMissing) || strings.Contains(res.Body, `href="#f-needs_care"`) {
		t.Fatalf("with the setting: status %d, want only the school's question and the problem category missing", res.Status)
	}
	f.Set("question_school", "Vraag")
	f.Set("problem_category", "Gedrag")
	if res := tc.Post("/referrals/"+id, f); res.Status != http.StatusSeeOther {
		t.Errorf("submit with the reduced requirement: %d", res.Status)
	}
}

func TestReferralAttachments(t *testing.T) {
	t.Parallel()
	for _, engine := range storagetest.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			env := webtest.Start(t, engine, webtest.Options{})
			tc := env.NewClient()
			tc.Login(demo.UserCareContact)
			id := createDraft(t, tc, env.StudentID(demo.LotteNumber), refTeamID(t, env, demo.TeamMBOIntern))
			page := tc.Get("/referrals/" + id + "/edit")
			const marker = `name="entries" value="`
			i := strings.Index(page.Body, marker)
			if i < 0 {
				t.Fatalf("the form offers none of Lotte's care-file entries")
			}
			entry := page.Body[i+len(marker) : i+len(marker)+36]
			f := completeForm(1, env.UserID(demo.UserCareContact))
			f.Set("action", "save")
			f["entries"] = []string{casus.NewID()}
			if res := tc.Post("/referrals/"+id, f); res.Status != http.StatusBadRequest {
				t.Errorf("attaching an unknown entry: %d, want 400", res.Status)
			}
			f["entries"] = []string{entry}
			if res := tc.Post("/referrals/"+id, f); res.Status != http.StatusSeeOther {
				t.Fatalf("save with an attachment: %d", res.Status)
			}
			if n := env.Count(`SELECT COUNT(*) FROM referral_entries WHERE referral_id = $1 AND entry_id = $2`, id, entry); n != 1 {
				t.Fatalf("attachment not stored")
			}
			if res := tc.Get("/referrals/" + id + "/edit"); !strings.Contains(res.Body, marker+entry+`" checked`) {
				t.Errorf("the form does not show the attachment as chosen")
			}
			f.Set("version", "2")
			f.Set("action", "submit")
			if res := tc.Post("/referrals/"+id, f); res.Status != http.StatusSeeOther {
				t.Fatalf("submit: %d", res.Status)
			}
			var text string
			if err := env.SQL().QueryRow(`SELECT body FROM care_entry_versions WHERE entry_id = $1 ORDER BY version DESC LIMIT 1`, entry).Scan(&text); err != nil {
				t.Fatal(err)
			}
			co := env.NewClient()
			co.Login(demo.UserCoordinator)
			if res := co.Get("/referrals/" + id); !strings.Contains(res.Body, html.EscapeString(text)) {
				t.Errorf("the chair does not see the attached entry")
			}
		})
	}
}
