package web_test

import (
	"context"
	"html"
	"net/http"
	"net/url"
	"regexp"
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

var (
	tags   = regexp.MustCompile(`<[^>]*>`)
	spaces = regexp.MustCompile(`\s+`)
)

// pageText is a page's text as read: tags become spaces, entities
// characters, runs of white space one space.
func pageText(body string) string {
	return spaces.ReplaceAllString(html.UnescapeString(tags.ReplaceAllString(body, " ")), " ")
}

// TestAgendaGuestsAndSummary: Lotte's referral is on the ZAT's next agenda
// beside Milan's crisis. Its summary is the school's question, short. The
// chair sets a question of their own and invites her mother and a teacher
// for her item, the student for Milan's. Whoever sees an item sees its
// guests and question — the police, invited for Milan only, sees neither of
// Lotte's; once invited for her item without her consent, the police sees
// the kinds of guests but no name and no question. A bad kind is refused
// and writes nothing; a guest can be taken off again.
func TestAgendaGuestsAndSummary(t *testing.T) {
	t.Parallel()
	for _, engine := range storagetest.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			env := webtest.Start(t, engine, webtest.Options{})
			meeting := meetingsMatrixIDs(t, env)["{meeting:zat}"]
			zat := teamID(t, env, demo.TeamMBOZAT)
			lotte := env.StudentID(demo.LotteNumber)
			ref := referralMatrixIDs(t, env)["{ref:lotte}"]
			long := "Hoe krijgen we de leerling weer elke dag op school en op stage, nu de situatie thuis zo onrustig is " +
				"en de schulden zich opstapelen? Wat kan het ZAT bieden naast de begeleiding die er al is vanuit school en het wijkteam, " +
				"en wie neemt de regie?"
			if _, err := env.SQL().Exec(`UPDATE referrals SET question_school = $1 WHERE id = $2`, long, ref); err != nil {
				t.Fatal(err)
			}
			var item string
			err := env.DB.Update(context.Background(), func(tx *storage.Tx) error {
				c, err := tx.EnsureOpenCase(context.Background(), lotte, zat)
				if err != nil {
					return err
				}
				it := casus.AgendaItem{MeetingID: meeting, CaseID: c.ID, Kind: casus.AgendaReferral, SourceID: ref}
				err = tx.AddAgendaItem(context.Background(), &it)
				item = it.ID
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
			milanItem := agendaItemMatrixIDs(t, env)["{item:zat}"]
			coord := env.NewClient()
			coord.Login(demo.UserCoordinator)
			agenda := func(user string) string {
				c := env.NewClient()
				c.Login(user)
				res := c.Get("/meetings/" + meeting)
				if res.Status != http.StatusOK {
					t.Fatalf("%s: agenda %d", user, res.Status)
				}
				return pageText(res.Body)
			}
			short := casus.Shorten(long, casus.SummaryMax)
			if short == long || !strings.HasSuffix(short, "…") {
				t.Fatalf("fixture: the question is not long enough to be shortened")
			}
			if body := agenda(demo.UserCoordinator); !strings.Contains(body, "Vraag: "+short) || strings.Contains(body, long) {
				t.Errorf("the referral's question is not on the agenda in short")
			}
			post := func(it string, form url.Values) webtest.Response {
				t.Helper()
				return coord.Post("/meetings/"+meeting+"/items/"+it, form)
			}
			for _, f := range []url.Values{
				{"action": {"question"}, "question": {"Hoe houden we Lotte op stage?"}},
				{"action": {"guest"}, "guest_kind": {"guardian"}, "guest_name": {"Ria Verhagen (moeder)"}},
				{"action": {"guest"}, "guest_kind": {"teacher"}, "guest_name": {"Sanne Oosterhout, mentor"}},
			} {
				if res := post(item, f); res.Status != http.StatusSeeOther {
					t.Fatalf("%v: %d: %s", f, res.Status, res.Body)
				}
			}
			if res := post(milanItem, url.Values{"action": {"guest"}, "guest_kind": {"student"}}); res.Status != http.StatusSeeOther {
				t.Fatalf("student as guest for Milan: %d: %s", res.Status, res.Body)
			}
			lotteGuests := "Gasten: ouder of verzorger (Ria Verhagen (moeder)), docent of mentor (Sanne Oosterhout, mentor)"
			for _, user := range []string{demo.UserCoordinator, "ggz"} {
				body := agenda(user)
				if !strings.Contains(body, lotteGuests) || !strings.Contains(body, "Vraag: Hoe houden we Lotte op stage?") ||
					!strings.Contains(body, "Gasten: leerling") {
					t.Errorf("%s: Lotte's guests and question, or Milan's guest, missing", user)
				}
				if strings.Contains(body, short) {
					t.Errorf("%s: the referral's question shows beside the chair's", user)
				}
			}
			police := agenda(demo.UserPolice)
			if !strings.Contains(police, "Gasten: leerling") {
				t.Errorf("police: Milan's guest missing")
			}
			for _, secret := range []string{"Ria Verhagen", "Oosterhout", "op stage", "ouder of verzorger"} {
				if strings.Contains(police, secret) {
					t.Errorf("police, not invited for Lotte, sees %q", secret)
				}
			}
			// Invited for Lotte's item, without her consent: anonymous.
			if res := post(item, url.Values{"action": {"invite"}, "user": {env.UserID(demo.UserPolice)}}); res.Status != http.StatusSeeOther {
				t.Fatalf("invite police: %d", res.Status)
			}
			police = agenda(demo.UserPolice)
			if !strings.Contains(police, "Anonieme casus") || !strings.Contains(police, "Gasten: ouder of verzorger, docent of mentor") {
				t.Errorf("police: the anonymous item or its kinds of guests missing")
			}
			for _, secret := range []string{"Lotte", "Ria Verhagen", "Oosterhout", "op stage", short} {
				if strings.Contains(police, secret) {
					t.Errorf("police sees %q on the anonymous item", secret)
				}
			}
			// Refused input writes nothing.
			ggz := env.NewClient()
			ggz.Login("ggz")
			before := env.Snapshot("sessions", "access_log", "access_log_head")
			if res := post(item, url.Values{"action": {"guest"}, "guest_kind": {"neighbour"}, "guest_name": {"x"}}); res.Status != http.StatusBadRequest {
				t.Errorf("unknown kind of guest: %d, want 400", res.Status)
			}
			if res := post(item, url.Values{"action": {"guest"}, "guest_kind": {"other"}, "guest_name": {strings.Repeat("x", 101)}}); res.Status != http.StatusBadRequest {
				t.Errorf("too long a name: %d, want 400", res.Status)
			}
			if res := ggz.Post("/meetings/"+meeting+"/items/"+item, url.Values{"action": {"guest"}, "guest_kind": {"other"}}); res.Status != http.StatusForbidden {
				t.Errorf("a member who is not the chair adds a guest: %d, want 403", res.Status)
			}
			if diff := webtest.Changed(before, env.Snapshot("sessions", "access_log", "access_log_head")); len(diff) > 0 {
				t.Errorf("refused requests changed %v", diff)
			}
			var guest string
			if err := env.DB.ReadSQL().QueryRow(`SELECT CAST(id AS TEXT) FROM agenda_guests WHERE kind = 'teacher'`).Scan(&guest); err != nil {
				t.Fatal(err)
			}
			if res := post(item, url.Values{"action": {"unguest"}, "guest": {guest}}); res.Status != http.StatusSeeOther {
				t.Fatalf("remove guest: %d", res.Status)
			}
			if body := agenda(demo.UserCoordinator); strings.Contains(body, "Oosterhout, mentor") || !strings.Contains(body, "Ria Verhagen") {
				t.Errorf("after removing the teacher: the teacher still shows, or the mother is gone")
			}
			if n := env.Count(`SELECT COUNT(*) FROM access_log WHERE student_id = $1 AND object_kind = 'agenda_item' AND action = 'change'`, lotte); n != 5 {
				t.Errorf("%d agenda changes logged for Lotte, want 5", n)
			}
		})
	}
}

// noorZATCase returns Noor's (demo E) case at the mbo ZAT and the ids of
// the two goals of its plan.
func noorZATCase(t *testing.T, env *webtest.Env) (caseID string, goals []string) {
	t.Helper()
	noor := env.StudentID(demo.FollowUpNumber)
	if err := env.DB.ReadSQL().QueryRow(`SELECT CAST(c.id AS TEXT) FROM cases c JOIN care_teams t ON t.id = c.team_id
		WHERE c.student_id = $1 AND t.name = $2`, noor, demo.TeamMBOZAT).Scan(&caseID); err != nil {
		t.Fatal(err)
	}
	err := env.DB.View(context.Background(), func(tx *storage.Tx) error {
		plan, ok, err := tx.LatestPlan(context.Background(), caseID)
		if err != nil || !ok {
			t.Fatalf("Noor's plan: %v %v", ok, err)
		}
		for _, g := range plan.Record.Goals {
			goals = append(goals, g.ID)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(goals) != 2 {
		t.Fatalf("Noor's plan has %d goals, want 2", len(goals))
	}
	return caseID, goals
}

// TestCloseWithGoalOutcomes: the close form asks the outcome of each goal
// of the case's latest plan. Closing Noor's ZAT case without them, or with
// one missing or unknown, is refused in Dutch and writes nothing; with
// both, the case closes and the outcomes are stored and shown in the
// case's history to the coordinator and the care contact.
func TestCloseWithGoalOutcomes(t *testing.T) {
	t.Parallel()
	for _, engine := range storagetest.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			env := webtest.Start(t, engine, webtest.Options{})
			noor := env.StudentID(demo.FollowUpNumber)
			caseID, goals := noorZATCase(t, env)
			coord := env.NewClient()
			coord.Login(demo.UserCoordinator)
			page := coord.Get("/students/" + noor).Body
			for _, g := range goals {
				if !strings.Contains(page, `name="outcome_`+g+`"`) {
					t.Errorf("the close form lacks a select for goal %s", g)
				}
			}
			if !strings.Contains(pageText(page), "Doel 1: Noor is vaker op school") {
				t.Errorf("the close form does not name the goals")
			}
			ends := actionEnds(page, "done")
			form := func(outcomes ...string) url.Values {
				v := url.Values{"reason": {"solved"}, "note": {"Noor rondt haar opleiding af; de zorg thuis is verdeeld."}}
				for name := range ends {
					v.Set(name, "done")
				}
				for i, o := range outcomes {
					v.Set("outcome_"+goals[i], o)
				}
				return v
			}
			before := env.Snapshot("sessions", "access_log", "access_log_head")
			for _, f := range []url.Values{form(), form("achieved"), form("achieved", ""), form("achieved", "maybe")} {
				res := coord.Post("/cases/"+caseID+"/close", f)
				if res.Status != http.StatusBadRequest || !strings.Contains(pageText(res.Body), "Kies bij doel 2 of het gehaald, deels gehaald of niet gehaald is.") {
					t.Errorf("%v: %d, want 400 with the message for goal 2", f, res.Status)
				}
				// The answer is Noor's page again, the close form open with
				// the note as typed: nothing typed is lost to a refusal.
				if !strings.Contains(res.Body, ">Noor rondt haar opleiding af; de zorg thuis is verdeeld.</textarea>") {
					t.Errorf("the refused close form lost the note")
				}
			}
			if diff := webtest.Changed(before, env.Snapshot("sessions", "access_log", "access_log_head")); len(diff) > 0 {
				t.Errorf("refused closings changed %v", diff)
			}
			if res := coord.Post("/cases/"+caseID+"/close", form("achieved", "partly")); res.Status != http.StatusSeeOther {
				t.Fatalf("close: %d: %s", res.Status, res.Body)
			}
			if n := env.Count(`SELECT COUNT(*) FROM goal_outcomes WHERE case_id = $1`, caseID); n != 2 {
				t.Errorf("%d outcomes stored, want 2", n)
			}
			if n := env.Count(`SELECT COUNT(*) FROM goal_outcomes o JOIN case_closures c ON c.id = o.closure_id
				WHERE o.case_id = $1 AND c.kind = 'closed' AND o.goal_id = $2 AND o.outcome = 'partly'`, caseID, goals[1]); n != 1 {
				t.Errorf("the second goal's outcome is not stored with the closing")
			}
			if res := coord.Post("/cases/"+caseID+"/reopen", url.Values{"reason": {"Moeder opnieuw opgenomen."}}); res.Status != http.StatusSeeOther {
				t.Fatalf("reopen: %d", res.Status)
			}
			for _, user := range []string{demo.UserCoordinator, demo.UserCareContact} {
				c := env.NewClient()
				c.Login(user)
				body := pageText(c.Get("/students/" + noor).Body)
				for _, want := range []string{"Geschiedenis van de casus", "afgesloten (opgelost: de doelen zijn gehaald) door Marieke Vermeer",
					"Noor is vaker op school gehaald", "De zorg thuis is verdeeld deels gehaald",
					"heropend door Marieke Vermeer. Reden: Moeder opnieuw opgenomen."} {
					if !strings.Contains(body, want) {
						t.Errorf("%s: the history lacks %q", user, want)
					}
				}
			}
			mentor := env.NewClient()
			mentor.Login(demo.UserMentor)
			if body := mentor.Get("/students/" + noor).Body; strings.Contains(body, "Geschiedenis van de casus") || strings.Contains(body, "deels gehaald") {
				t.Errorf("the mentor sees the case's history")
			}
		})
	}
}

// TestAftercareQuestionnaire: when the aftercare tasks are created, each
// student's care contact gets one message asking for their answers, naming
// no student; a second run sends none. The care contact of Milan's group
// opens the aftercare and answers their own part — not the student's; the
// care contact of another group, the mentor and a partner cannot.
func TestAftercareQuestionnaire(t *testing.T) {
	t.Parallel()
	for _, engine := range storagetest.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			env := webtest.Start(t, engine, webtest.Options{})
			milan := env.StudentID(demo.CrisisNumber)
			var milanCase string
			var starts time.Time
			if err := env.DB.ReadSQL().QueryRow(`SELECT CAST(a.case_id AS TEXT), m.starts_at FROM agenda_items a JOIN meetings m ON m.id = a.meeting_id
				JOIN cases c ON c.id = a.case_id WHERE c.student_id = $1`, milan).Scan(&milanCase, &starts); err != nil {
				t.Fatal(err)
			}
			noorCase, _ := noorZATCase(t, env)
			techniek, zw := env.UserID("taakdocent.techniek"), env.UserID(demo.UserCareContact)
			env.Clock.Set(starts.AddDate(0, 3, 0).Add(time.Hour))
			for range 2 {
				if _, err := jobs.CreateAftercareTasks(context.Background(), env.DB); err != nil {
					t.Fatal(err)
				}
			}
			questionnaires := func(user, caseID string) int {
				return env.Count(`SELECT COUNT(*) FROM messages WHERE user_id = $1 AND msg_key = 'message.aftercare_questionnaire' AND link = $2`,
					user, "/cases/"+caseID+"/aftercare")
			}
			if n := questionnaires(techniek, milanCase); n != 1 {
				t.Errorf("Milan's care contact has %d questionnaires, want 1", n)
			}
			if n := questionnaires(zw, noorCase); n != 1 {
				t.Errorf("Noor's care contact has %d questionnaires, want 1", n)
			}
			if n := env.Count(`SELECT COUNT(*) FROM messages WHERE msg_key = 'message.aftercare_questionnaire'`); n != 2 {
				t.Errorf("%d questionnaires in all, want 2", n)
			}
			cc := env.NewClient()
			cc.Login("taakdocent.techniek")
			msgs := cc.Get("/messages").Body
			if !strings.Contains(msgs, `href="/cases/`+milanCase+`/aftercare"`) || strings.Contains(msgs, "Milan") {
				t.Errorf("the care contact's message lacks the link or names the student")
			}
			res := cc.Get("/cases/" + milanCase + "/aftercare")
			if res.Status != http.StatusOK || !strings.Contains(pageText(res.Body), "Je antwoordt als taakdocent zorg / IB'er.") {
				t.Fatalf("the care contact's aftercare page: %d", res.Status)
			}
			answer := url.Values{"respondent": {"care_contact"}, "goals_met": {"yes"}, "achieved": {"Weer elke dag op school."},
				"experience": {"Kort en helder overleg."}}
			others := map[string]int{demo.UserCareContact: http.StatusNotFound, demo.UserMentor: http.StatusNotFound,
				demo.UserGGD: http.StatusNotFound, demo.UserPolice: http.StatusNotFound}
			clients := map[string]*webtest.Client{}
			for user := range others {
				clients[user] = env.NewClient()
				clients[user].Login(user)
			}
			before := env.Snapshot("sessions", "access_log", "access_log_head")
			asStudent := url.Values{"respondent": {"student"}, "goals_met": {"yes"}, "achieved": {"x"}, "experience": {"x"}}
			if res := cc.Post("/cases/"+milanCase+"/aftercare", asStudent); res.Status != http.StatusBadRequest {
				t.Errorf("the care contact answers for the student: %d, want 400", res.Status)
			}
			for user, want := range others {
				c := clients[user]
				if res := c.Get("/cases/" + milanCase + "/aftercare"); res.Status != want {
					t.Errorf("%s opens Milan's aftercare: %d, want %d", user, res.Status, want)
				}
				if res := c.Post("/cases/"+milanCase+"/aftercare", answer); res.Status != want {
					t.Errorf("%s answers Milan's aftercare: %d, want %d", user, res.Status, want)
				}
			}
			if diff := webtest.Changed(before, env.Snapshot("sessions", "access_log", "access_log_head")); len(diff) > 0 {
				t.Errorf("refused answers changed %v", diff)
			}
			if res := cc.Post("/cases/"+milanCase+"/aftercare", answer); res.Status != http.StatusSeeOther {
				t.Fatalf("the care contact answers: %d: %s", res.Status, res.Body)
			}
			if n := env.Count(`SELECT COUNT(*) FROM aftercare_answers WHERE recorded_by = $1 AND respondent = 'care_contact'`, techniek); n != 1 {
				t.Errorf("%d answers of the care contact stored, want 1", n)
			}
			if body := cc.Get("/cases/" + milanCase + "/aftercare").Body; !strings.Contains(body, "Weer elke dag op school.") {
				t.Errorf("the answer is not shown")
			}
			if n := env.Count(`SELECT COUNT(*) FROM access_log WHERE user_id = $1 AND student_id = $2 AND object_kind = 'case'
				AND outcome = 'granted' AND relation = 'care_contact'`, techniek, milan); n < 3 {
				t.Errorf("%d granted aftercare requests logged for the care contact, want at least 3", n)
			}
		})
	}
}
