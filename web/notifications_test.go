package web_test

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"casus"
	"casus/demo"
	"casus/storage/storagetest"
	"casus/web/webtest"
)

// notificationsMatrix: every logged-in user marks their own messages read
// and reaches the messages page (agendaMatrix) at /notifications; a message
// of someone else is not found.
func notificationsMatrix() map[string][]cell {
	own := byUser("/messages/{msg:mentor}/read", url.Values{}, notFound,
		map[string]int{anon: unauth, demo.UserMentor: redirect})
	return map[string][]cell{
		"GET /notifications":  staff("/notifications", nil, redirect),
		"POST /messages/read": staff("/messages/read", url.Values{}, redirect),
		"POST /messages/{id}/read": append(own,
			cell{user: demo.UserMentor, relation: "none (no such message)", path: "/messages/{unknown}/read", form: url.Values{}, want: notFound},
			cell{user: demo.UserMentor, relation: "none (not an id)", path: "/messages/x'1/read", form: url.Values{}, want: notFound}),
	}
}

// notificationsMatrixIDs: a message of the mentor.
func notificationsMatrixIDs(t *testing.T, env *webtest.Env) map[string]string {
	t.Helper()
	m := casus.Message{ID: casus.NewID()}
	if _, err := env.SQL().Exec(`INSERT INTO messages (id, user_id, msg_key, args, link, created_at) VALUES ($1, $2, $3, '{}', '/tasks', $4)`,
		m.ID, env.UserID(demo.UserMentor), casus.MsgActionAssigned, env.Clock.Now().UTC()); err != nil {
		t.Fatal(err)
	}
	return map[string]string{"{msg:mentor}": m.ID}
}

// told returns the links of the unread messages with key to the user.
func told(t *testing.T, env *webtest.Env, user, key string) []string {
	t.Helper()
	rows, err := env.SQL().Query(`SELECT link FROM messages WHERE user_id = $1 AND msg_key = $2 AND read_at IS NULL ORDER BY created_at, id`,
		env.UserID(user), key)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var links []string
	for rows.Next() {
		var l string
		if err := rows.Scan(&l); err != nil {
			t.Fatal(err)
		}
		links = append(links, l)
	}
	return links
}

// studentNames are the first and last names of every student, which no
// message may carry.
func studentNames(t *testing.T, env *webtest.Env) []string {
	t.Helper()
	rows, err := env.SQL().Query(`SELECT first_name, last_name FROM students`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var names []string
	for rows.Next() {
		var first, last string
		if err := rows.Scan(&first, &last); err != nil {
			t.Fatal(err)
		}
		names = append(names, first, last)
	}
	return names
}

// TestNotifications tells the care work's stories of who is told what, in
// Casus and without a student's name: a mentor's referral of a student
// reaches the taakdocent, who preselects it for the chair; the chair
// returns it with a question to the mentor and the taakdocent, later
// accepts it; an action tells its owner, new advice the mentor, a crisis
// the team's fixed members. Each reader sees their messages, follows them
// and marks them read, one or all; the menu counts the unread ones.
func TestNotifications(t *testing.T) {
	t.Parallel()
	for _, engine := range storagetest.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			env := webtest.Start(t, engine, webtest.Options{})
			ids := referralMatrixIDs(t, env)
			ref := ids["{ref:draft}"]
			lotte := env.StudentID(demo.LotteNumber)
			login := func(user string) *webtest.Client {
				c := env.NewClient()
				c.Login(user)
				return c
			}
			mentor, tc, coord := login(demo.UserMentor), login(demo.UserCareContact), login(demo.UserCoordinator)
			decide := func(c *webtest.Client, f url.Values) {
				t.Helper()
				_, v := referralRow(t, env, ref)
				f.Set("version", strconv.Itoa(v))
				if res := c.Post("/referrals/"+ref+"/decision", f); res.Status != http.StatusSeeOther {
					t.Fatalf("decide %v: %d\n%s", f, res.Status, res.Body)
				}
			}
			submit := func(c *webtest.Client, extra url.Values) {
				t.Helper()
				_, v := referralRow(t, env, ref)
				f := completeForm(v, env.UserID(demo.UserMentor))
				f.Set("action", "submit")
				for k, vs := range extra {
					f[k] = vs
				}
				if res := c.Post("/referrals/"+ref, f); res.Status != http.StatusSeeOther {
					t.Fatalf("submit: %d\n%s", res.Status, res.Body)
				}
			}
			want := func(user, key string, links ...string) {
				t.Helper()
				if got := told(t, env, user, key); strings.Join(got, " ") != strings.Join(links, " ") {
					t.Errorf("%s told %s with links %v, want %v", user, key, got, links)
				}
			}

			t.Run("ReferralSubmitted/ByMentor/CareContactIsTold", func(t *testing.T) {
				submit(mentor, nil)
				want(demo.UserCareContact, casus.MsgReferralSubmitted, "/referrals/"+ref)
				want(demo.UserCoordinator, casus.MsgReferralSubmitted) // not yet: the taakdocent preselects
				want(demo.UserMentor, casus.MsgReferralSubmitted)      // not of their own step
			})
			t.Run("ReferralSubmitted/ChairsAreTold", func(t *testing.T) {
				decide(tc, url.Values{"decision": {"preselect"}})
				want(demo.UserCoordinator, casus.MsgReferralSubmitted, "/referrals/"+ref)
				// The chair follows the message to the referral.
				msgs := coord.Get("/messages")
				if !strings.Contains(msgs.Body, `href="/referrals/`+ref+`"`) || !strings.Contains(msgs.Body, "Er wacht een aanmelding voor "+demo.TeamMBOIntern) {
					t.Errorf("the chair's messages lack the referral: %s", msgs.Body)
				}
				if res := coord.Get("/referrals/" + ref); res.Status != http.StatusOK {
					t.Errorf("the chair follows the link: %d", res.Status)
				}
			})
			const question = "Zijn de ouders al op de hoogte van de aanmelding?"
			t.Run("ReturnedWithQuestion/ReferrerAndCareContactAreTold", func(t *testing.T) {
				decide(coord, url.Values{"decision": {"return"}, "note": {question}})
				edit := "/referrals/" + ref + "/edit"
				want(demo.UserMentor, casus.MsgReferralReturned, edit)
				want(demo.UserCareContact, casus.MsgReferralReturned, edit)
				want(demo.UserCoordinator, casus.MsgReferralReturned)
				if res := mentor.Get(edit); res.Status != http.StatusOK || !strings.Contains(res.Body, question) {
					t.Errorf("the mentor follows the message to the form: %d, question shown %v", res.Status, strings.Contains(res.Body, question))
				}
			})
			t.Run("ReturnedWithQuestion/AnswerTellsCareContact", func(t *testing.T) {
				const answer = "Ja, moeder is gisteren gebeld en stemt in."
				submit(mentor, url.Values{"answer": {answer}})
				want(demo.UserCareContact, casus.MsgReferralSubmitted, "/referrals/"+ref, "/referrals/"+ref)
				if n := env.Count(`SELECT COUNT(*) FROM referral_events WHERE referral_id = $1 AND from_state = 'returned'
					AND to_state = 'submitted' AND note = $2`, ref, answer); n != 1 {
					t.Errorf("the answer is not with the resubmission (%d)", n)
				}
				if res := tc.Get("/referrals/" + ref); !strings.Contains(res.Body, answer) {
					t.Errorf("the taakdocent does not read the answer on the referral")
				}
			})
			t.Run("ReferralAccepted/ReferrerIsTold", func(t *testing.T) {
				decide(tc, url.Values{"decision": {"preselect"}})
				decide(coord, url.Values{"decision": {"accept"}})
				want(demo.UserMentor, casus.MsgReferralAccepted, "/referrals/"+ref)
			})
			t.Run("RedirectedWithAdvice/MentorIsTold", func(t *testing.T) {
				id := createDraft(t, tc, lotte, teamID(t, env, demo.TeamMBOIntern))
				f := completeForm(1, env.UserID(demo.UserCareContact))
				f.Set("action", "submit")
				if res := tc.Post("/referrals/"+id, f); res.Status != http.StatusSeeOther {
					t.Fatalf("submit: %d", res.Status)
				}
				const advice = "Plan elke week een kort gesprek; evalueer over zes weken."
				_, v := referralRow(t, env, id)
				if res := coord.Post("/referrals/"+id+"/decision", url.Values{"decision": {"redirect"}, "target": {"basic"}, "note": {advice},
					"version": {strconv.Itoa(v)}}); res.Status != http.StatusSeeOther {
					t.Fatalf("redirect to basic guidance: %d", res.Status)
				}
				want(demo.UserCareContact, casus.MsgReferralRedirected, "/referrals/"+id)
				want(demo.UserMentor, casus.MsgAdviceAdded, "/students/"+lotte+"#handelingsadvies")
				page := mentor.Get("/students/" + lotte)
				at := strings.Index(page.Body, `id="handelingsadvies"`)
				if at < 0 || !strings.Contains(page.Body[at:], advice) || !strings.Contains(page.Body[at:], "terugverwezen naar de basisbegeleiding") {
					t.Errorf("the mentor does not find the advice in Lotte's advice section")
				}
			})
			t.Run("RedirectedToTeam/ItsChairsAreTold", func(t *testing.T) {
				// Fixture: the ZAT has a second chair, so one who did not
				// redirect is there to be told.
				zat := teamID(t, env, demo.TeamMBOZAT)
				if _, err := env.SQL().Exec(`UPDATE team_members SET chair = $1 WHERE team_id = $2 AND user_id = $3`,
					true, zat, env.UserID("smw")); err != nil {
					t.Fatal(err)
				}
				id := createDraft(t, tc, lotte, teamID(t, env, demo.TeamMBOIntern))
				f := completeForm(1, env.UserID(demo.UserCareContact))
				f.Set("action", "submit")
				if res := tc.Post("/referrals/"+id, f); res.Status != http.StatusSeeOther {
					t.Fatalf("submit: %d", res.Status)
				}
				_, v := referralRow(t, env, id)
				if res := coord.Post("/referrals/"+id+"/decision", url.Values{"decision": {"redirect"}, "target": {zat}, "note": {"Past beter bij het ZAT."},
					"version": {strconv.Itoa(v)}}); res.Status != http.StatusSeeOther {
					t.Fatalf("redirect to the ZAT: %d", res.Status)
				}
				var next string
				if err := env.SQL().QueryRow(`SELECT CAST(next_id AS TEXT) FROM referrals WHERE id = $1`, id).Scan(&next); err != nil {
					t.Fatal(err)
				}
				want("smw", casus.MsgReferralSubmitted, "/referrals/"+next)
				if links := told(t, env, demo.UserCareContact, casus.MsgReferralRedirected); !slices.Contains(links, "/referrals/"+id) {
					t.Errorf("the referrer is not told of the redirect: %v", links)
				}
			})
			t.Run("AdviceAdded/MentorIsTold", func(t *testing.T) {
				zatCase := consentMatrixIDs(t, env)["{lotte_zat}"]
				if res := tc.Post("/students/"+lotte+"/advice", url.Values{"advice_case": {zatCase}, "advice": {"Vaste plek vooraan."}}); res.Status != http.StatusSeeOther {
					t.Fatalf("record advice: %d", res.Status)
				}
				link := "/students/" + lotte + "#handelingsadvies"
				want(demo.UserMentor, casus.MsgAdviceAdded, link, link)
			})
			t.Run("ActionAssigned/OwnerIsTold", func(t *testing.T) {
				zatCase := consentMatrixIDs(t, env)["{lotte_zat}"]
				due := env.Clock.Now().In(casus.Amsterdam).AddDate(0, 0, 7).Format(time.DateOnly)
				if res := coord.Post("/students/"+lotte+"/actions", url.Values{"case": {zatCase}, "owner": {env.UserID(demo.UserGGD)},
					"description": {"Intake plannen"}, "due_on": {due}}); res.Status != http.StatusSeeOther {
					t.Fatalf("agree an action: %d", res.Status)
				}
				want(demo.UserGGD, casus.MsgActionAssigned, "/tasks")
			})
			t.Run("CrisisRecorded/FixedMembersAreTold", func(t *testing.T) {
				zat := teamID(t, env, demo.TeamMBOZAT)
				if res := coord.Post("/students/"+lotte+"/crisis", crisisForm(zat)); res.Status != http.StatusSeeOther {
					t.Fatalf("record crisis: %d", res.Status)
				}
				links := told(t, env, demo.UserGGD, casus.MsgCrisisRecorded)
				if len(links) != 1 || !strings.HasPrefix(links[0], "/meetings/") {
					t.Errorf("the ZAT's fixed member is told %v, want the next meeting", links)
				}
				want(demo.UserPolice, casus.MsgCrisisRecorded) // on call, not invited
				want(demo.UserCoordinator, casus.MsgCrisisRecorded)
			})
			t.Run("CaseEscalated/ReferrerIsTold", func(t *testing.T) {
				intern := ids["{ref:lotte}"]
				// Fixture: the ZAT requires every part of the form.
				if _, err := env.SQL().Exec(`UPDATE referrals SET family_hindering = 'x', family_protective = 'x', question_student = 'x',
					question_parents = 'x', support_school = 'x', support_parents = 'x', parenting_needs = 'x', agencies_involved = 'x', assessments = 'x', informed = 'x', needs_education = 'x', needs_care = 'x', student_hindering = 'x', student_protective = 'x',
					school_hindering = 'x', school_protective = 'x', done_before = 'x', done_result = 'x' WHERE id = $1`, intern); err != nil {
					t.Fatal(err)
				}
				chairTold := len(told(t, env, demo.UserCoordinator, casus.MsgReferralSubmitted))
				res := coord.Post("/referrals/"+intern+"/escalate", url.Values{"version": {version(t, env, intern)},
					"team": {teamID(t, env, demo.TeamMBOZAT)}, "section": {"0", "1", "2", "3", "4", "5", "6", "7", "8"}})
				if res.Status != http.StatusSeeOther {
					t.Fatalf("escalate: %d\n%s", res.Status, res.Body)
				}
				want(demo.UserMentor, casus.MsgCaseEscalated, "/referrals/"+intern)
				if n := len(told(t, env, demo.UserCoordinator, casus.MsgReferralSubmitted)); n != chairTold {
					t.Errorf("the ZAT's chair, who escalated it, is told of the ZAT referral (%d, was %d)", n, chairTold)
				}
			})
			t.Run("ConsentWithdrawn/PartnersWhoLoseSightAreTold", func(t *testing.T) {
				ids := consentMatrixIDs(t, env)
				env.Clock.Add(time.Minute)
				if res := coord.Post("/cases/"+ids["{lotte_zat}"]+"/consent/"+ids["{lotte_consent}"]+"/withdraw",
					url.Values{"reason": {"Moeder trekt de toestemming in."}}); res.Status != http.StatusSeeOther {
					t.Fatalf("withdraw: %d", res.Status)
				}
				zatPage := "/teams/" + teamID(t, env, demo.TeamMBOZAT)
				want("ggz", casus.MsgConsentWithdrawn, zatPage)       // saw Lotte by her consent
				want(demo.UserPolice, casus.MsgConsentWithdrawn)      // on call, never saw her
				want(demo.UserCoordinator, casus.MsgConsentWithdrawn) // school staff: sight unchanged
				if res := login("ggz").Get("/students/" + lotte); strings.Contains(res.Body, "Verhagen") {
					t.Error("GGZ still sees Lotte by name after the withdrawal")
				}
			})
			t.Run("NoStudentNamed", func(t *testing.T) {
				names := studentNames(t, env)
				for _, user := range []string{demo.UserMentor, demo.UserCareContact, demo.UserCoordinator, demo.UserGGD, "ggz"} {
					body := login(user).Get("/messages").Body
					main := body[strings.Index(body, "<main"):]
					for _, n := range names {
						if strings.Contains(main, n) {
							t.Errorf("%s's messages name %q", user, n)
						}
					}
				}
			})
			t.Run("MarkRead/One", func(t *testing.T) {
				unread := env.Count(`SELECT COUNT(*) FROM messages WHERE user_id = $1 AND read_at IS NULL`, env.UserID(demo.UserMentor))
				page := mentor.Get("/messages")
				if !strings.Contains(page.Body, `<span class="casus-count">`+strconv.Itoa(unread)+`<span class="casus-visually-hidden"> ongelezen</span>`) {
					t.Errorf("the menu does not count %d unread", unread)
				}
				var id string
				if err := env.SQL().QueryRow(`SELECT id FROM messages WHERE user_id = $1 AND msg_key = $2`, env.UserID(demo.UserMentor),
					casus.MsgReferralAccepted).Scan(&id); err != nil {
					t.Fatal(err)
				}
				if res := coord.Post("/messages/"+id+"/read", url.Values{}); res.Status != http.StatusNotFound {
					t.Errorf("the chair marks the mentor's message: %d, want 404", res.Status)
				}
				if res := mentor.Post("/messages/"+id+"/read", url.Values{}); res.Status != http.StatusSeeOther || res.Location != "/messages" {
					t.Fatalf("mark read: %d → %q", res.Status, res.Location)
				}
				want(demo.UserMentor, casus.MsgReferralAccepted)
				if n := env.Count(`SELECT COUNT(*) FROM messages WHERE user_id = $1 AND read_at IS NULL`, env.UserID(demo.UserMentor)); n != unread-1 {
					t.Errorf("unread after marking one: %d, want %d", n, unread-1)
				}
				if page := mentor.Get("/messages"); strings.Contains(page.Body, `action="/messages/`+id+`/read"`) {
					t.Error("the message read still offers to mark it read")
				}
			})
			t.Run("MarkRead/All", func(t *testing.T) {
				if res := mentor.Post("/messages/read", url.Values{}); res.Status != http.StatusSeeOther {
					t.Fatalf("mark all read: %d", res.Status)
				}
				if n := env.Count(`SELECT COUNT(*) FROM messages WHERE user_id = $1 AND read_at IS NULL`, env.UserID(demo.UserMentor)); n != 0 {
					t.Errorf("unread after marking all: %d", n)
				}
				page := mentor.Get("/messages?done=all")
				if strings.Contains(page.Body, `class="casus-count"`) || !strings.Contains(page.Body, "Alle berichten zijn als gelezen gemarkeerd.") {
					t.Error("after marking all read the menu still counts, or the page does not say so")
				}
				if n := env.Count(`SELECT COUNT(*) FROM messages WHERE user_id = $1 AND read_at IS NULL`, env.UserID(demo.UserCareContact)); n == 0 {
					t.Error("the taakdocent's messages were marked read with the mentor's")
				}
			})
		})
	}
}

// TestTriage tells what the referrer meets when the chair returns their
// referral with a question: the question stands at the top of the form they
// answer on, with who asked and when, above an answer field; an answer
// typed into a submission that is refused comes back with the form; a
// draft that was never returned has neither.
func TestTriage(t *testing.T) {
	t.Parallel()
	for _, engine := range storagetest.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			env := webtest.Start(t, engine, webtest.Options{})
			ref := referralMatrixIDs(t, env)["{ref:milan}"]
			coord := env.NewClient()
			coord.Login(demo.UserCoordinator)
			referrer := env.NewClient()
			referrer.Login("taakdocent.techniek")
			edit := "/referrals/" + ref + "/edit"
			const question = "Welke afspraken zijn er al met de ouders gemaakt?"

			t.Run("NotReturned/NoQuestion", func(t *testing.T) {
				draft := env.NewClient()
				draft.Login(demo.UserMentor)
				page := draft.Get("/referrals/" + referralMatrixIDs(t, env)["{ref:draft}"] + "/edit")
				if page.Status != http.StatusOK || strings.Contains(page.Body, `id="question-title"`) || strings.Contains(page.Body, `name="answer"`) {
					t.Errorf("a draft's form: %d, with a question or an answer field", page.Status)
				}
			})
			t.Run("ReturnedWithQuestion/QuestionOnForm", func(t *testing.T) {
				_, v := referralRow(t, env, ref)
				if res := coord.Post("/referrals/"+ref+"/decision", url.Values{"decision": {"return"}, "note": {question},
					"version": {strconv.Itoa(v)}}); res.Status != http.StatusSeeOther {
					t.Fatalf("return: %d", res.Status)
				}
				page := referrer.Get(edit)
				if page.Status != http.StatusOK {
					t.Fatalf("the referrer's form: %d", page.Status)
				}
				q, form, answer := strings.Index(page.Body, question), strings.Index(page.Body, `<form method="post" action="/referrals/`+ref+`"`),
					strings.Index(page.Body, `name="answer"`)
				if q < 0 || form < 0 || answer < 0 || q > form || answer > strings.Index(page.Body, `name="reason"`) {
					t.Errorf("question at %d, form at %d, answer field at %d: want the question above the form and the answer its first field", q, form, answer)
				}
				coordName := ""
				if err := env.SQL().QueryRow(`SELECT name FROM users WHERE username = $1`, demo.UserCoordinator).Scan(&coordName); err != nil {
					t.Fatal(err)
				}
				if !strings.Contains(page.Body, coordName+" stuurde de aanmelding op ") {
					t.Errorf("the form does not say who returned it")
				}
			})
			t.Run("ReturnedWithQuestion/AnswerKeptOnRefusal", func(t *testing.T) {
				_, v := referralRow(t, env, ref)
				f := completeForm(v, env.UserID("taakdocent.techniek"))
				f.Set("action", "submit")
				f.Set("reason", "")
				f.Set("answer", "Moeder komt volgende week op school.")
				res := referrer.Post("/referrals/"+ref, f)
				if res.Status != http.StatusBadRequest || !strings.Contains(res.Body, "Moeder komt volgende week op school.") ||
					!strings.Contains(res.Body, question) {
					t.Errorf("refused submission: %d, want 400 with the question and the answer kept", res.Status)
				}
				if st, _ := referralRow(t, env, ref); st != "returned" {
					t.Errorf("state %s after a refused submission, want returned", st)
				}
			})
		})
	}
}
