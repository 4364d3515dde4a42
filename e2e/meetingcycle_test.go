package e2e

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"casus/demo"
	"casus/jobs"
	"casus/storage/storagetest"
	"casus/web/webtest"
)

// TestBrowserMeetingCycle runs the cycle of issue 4 with the demo users.
// The coordinator accepts Milan's urgent referral to the ZAT (ready for
// the agenda) and plans the ZAT's next meeting; the agenda then holds that
// referral and Noor's follow-up, whose evaluation day has come (demo E).
// The chair invites the police for Milan only: the JGZ member sees both
// students, the police only Milan. The chair records Noor's discussion
// through the phases — a goal without a criterion is refused first — with
// two SMARTI goals and three actions; on the meeting's day the items the
// team did not get to move on to the next meeting and the chair makes the
// minutes final. The JGZ
// member reports progress on their action; the mentor sees the
// handelingsadvies and nothing of the discussion; the case closes; three
// months after the meeting the aftercare task appears. axe-core finds no
// violation on any page on the way.
func TestBrowserMeetingCycle(t *testing.T) {
	exe := requireBrowser(t)
	for _, engine := range storagetest.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			env := webtest.Start(t, engine, webtest.Options{})
			noor, milan := env.StudentID(demo.FollowUpNumber), env.StudentID(demo.CrisisNumber)
			var referral string
			if err := env.DB.ReadSQL().QueryRow(`SELECT CAST(id AS TEXT) FROM referrals WHERE student_id = $1 AND state = 'submitted'`,
				milan).Scan(&referral); err != nil {
				t.Fatalf("Milan's referral: %v", err)
			}
			today := env.Clock.Now().In(time.UTC)
			day := func(days int) string { return today.AddDate(0, 0, days).Format(time.DateOnly) }

			c := newBrowser(t, exe, env.URL)
			c.open("/login", http.StatusOK)
			c.login(demo.UserCoordinator, demo.Password, http.StatusOK)
			c.open("/referrals/"+referral, http.StatusOK)
			c.follow("accept Milan's referral at the ZAT", http.StatusOK,
				chromedp.Click(chromedp.ID("f-decision-accept")),
				chromedp.Click(chromedp.CSS(`main form[action$="/decision"] button[type="submit"]`)))

			// Plan the next meeting: a week from now, 13:30.
			var team string
			if err := env.DB.ReadSQL().QueryRow(`SELECT CAST(id AS TEXT) FROM care_teams WHERE name = $1`, demo.TeamMBOZAT).Scan(&team); err != nil {
				t.Fatal(err)
			}
			c.open("/teams/"+team, http.StatusOK)
			move := eval[string](c, `document.querySelector('main form[action$="/move"]')?.getAttribute('action') ?? ''`)
			if move == "" {
				t.Fatal("no meeting to plan on the team page")
			}
			meeting := strings.Split(move, "/")[4]
			fill(t, c, map[string]string{"move-on-" + meeting: day(7), "move-at-" + meeting: "13:30"})
			c.follow("plan the meeting", http.StatusOK, chromedp.Click(chromedp.CSS(`main form[action="`+move+`"] button[type="submit"]`)))

			// The agenda: Milan's referral (and crisis) and Noor's follow-up.
			c.open("/meetings/"+meeting, http.StatusOK)
			agenda := eval[string](c, `document.querySelector('main .casus-agenda')?.innerText ?? ''`)
			for _, want := range []string{"Milan de Ridder", "Noor Bakker", "aanmelding", "evaluatie"} {
				if !strings.Contains(agenda, want) {
					t.Errorf("the agenda lacks %q:\n%s", want, agenda)
				}
			}
			var milanItem, noorItem string
			if err := env.DB.ReadSQL().QueryRow(`SELECT CAST(id AS TEXT) FROM agenda_items WHERE meeting_id = $1 AND kind = 'referral' AND CAST(source_id AS TEXT) = $2`,
				meeting, referral).Scan(&milanItem); err != nil {
				t.Fatalf("Milan's referral on the agenda: %v", err)
			}
			if err := env.DB.ReadSQL().QueryRow(`SELECT CAST(a.id AS TEXT) FROM agenda_items a JOIN cases c ON c.id = a.case_id
				WHERE a.meeting_id = $1 AND a.kind = 'follow_up' AND c.student_id = $2`, meeting, noor).Scan(&noorItem); err != nil {
				t.Fatalf("Noor's follow-up on the agenda: %v", err)
			}
			c.follow("invite the police for Milan", http.StatusOK,
				chromedp.Click(chromedp.CSS(`#item-`+milanItem+` details > summary`)),
				chromedp.SetValue(chromedp.ID("invite-"+milanItem), env.UserID(demo.UserPolice)),
				chromedp.Click(chromedp.CSS(`#item-`+milanItem+` form input[value="invite"] ~ button`)))
			// HGW: Noor herself joins the talk about her item.
			c.follow("invite Noor as a guest for her item", http.StatusOK,
				chromedp.Click(chromedp.CSS(`#item-`+noorItem+` details > summary`)),
				chromedp.SetValue(chromedp.ID("guest-kind-"+noorItem), "student"),
				chromedp.SendKeys(chromedp.ID("guest-name-"+noorItem), "Noor, bij het eerste deel"),
				chromedp.Click(chromedp.CSS(`#item-`+noorItem+` form input[value="guest"] ~ button`)))

			ggd := newBrowser(t, exe, env.URL)
			ggd.open("/login", http.StatusOK)
			ggd.login(demo.UserGGD, demo.Password, http.StatusOK)
			ggd.open("/meetings/"+meeting, http.StatusOK)
			if a := eval[string](ggd, `document.querySelector('main .casus-agenda')?.innerText ?? ''`); !strings.Contains(a, "Milan de Ridder") || !strings.Contains(a, "Noor Bakker") ||
				!strings.Contains(a, "Gasten: leerling (Noor, bij het eerste deel)") {
				t.Errorf("JGZ does not see both students, or Noor's guest:\n%s", a)
			}
			pol := newBrowser(t, exe, env.URL)
			pol.open("/login", http.StatusOK)
			pol.login(demo.UserPolice, demo.Password, http.StatusOK)
			pol.open("/meetings/"+meeting, http.StatusOK)
			if a := eval[string](pol, `document.querySelector('main .casus-agenda')?.innerText ?? ''`); !strings.Contains(a, "Milan de Ridder") || strings.Contains(a, "Noor") || strings.Contains(a, "evaluatie") {
				t.Errorf("the police's agenda:\n%s", a)
			}

			// Noor's discussion, through the phases; the previous plan is shown.
			item := "/meetings/" + meeting + "/items/" + noorItem
			c.follow("agenda → Noor's discussion", http.StatusOK, chromedp.Click(chromedp.CSS(`main a[href="`+item+`"]`)))
			if !eval[bool](c, `document.getElementById('vorig-plan') !== null && document.body.innerText.includes('Rooster aanpassen met het opleidingsteam')`) {
				t.Errorf("the follow-up does not show the previous plan and its actions")
			}
			record := map[string]string{
				"f-question": "Lukt het Noor om school en de zorg thuis te combineren?", "f-partner_input": "SMW: de mantelzorgondersteuning is gestart.",
				"f-hindering": "Moeder is opnieuw opgenomen.", "f-protective": "De tante helpt twee dagen per week.",
				"f-balance": "In balans, maar kwetsbaar.", "f-severity": "medium", "f-urgency": "low", "f-problem_owner": "Noor en school zijn het eens.",
				"f-needs_education": "Flexibele inhaalmomenten.", "f-needs_parenting": "", "f-needs_support": "Blijvend contact met SMW.",
				"f-goal_1": "Noor haalt haar stage", "f-goal_1_criterion": "Positieve eindbeoordeling van de stagebegeleider", "f-goal_1_due": day(70),
				"f-goal_2": "Verzuim blijft laag", "f-goal_2_due": day(56),
				"f-arrangement": "current_school", "f-coordinator": env.UserID("smw"), "f-contact_person": "De mentor",
				"f-feedback_by": "De zorgcoördinator", "f-inform_referrer": "De taakdocent zorg", "f-vir": "no_report",
				"f-vir_reason": "Hulp loopt; geen nieuwe signalen.", "f-evaluation": "Iedereen steunt de aanpak.", "f-evaluate_on": day(56),
				"f-minutes_spent": "20",
			}
			fill(t, c, record)
			tick(t, c, "f-attendees-"+env.UserID(demo.UserCoordinator), "f-attendees-"+env.UserID(demo.UserGGD), "f-attendees-"+env.UserID("smw"))
			c.follow("save without a criterion for goal 2", http.StatusBadRequest,
				chromedp.Click(chromedp.CSS(`main form[action$="/discussion"] button[type="submit"]`)))
			if s := eval[string](c, `document.getElementById('f-goal_2_criterion-error')?.innerText ?? ''`); s != "Maak het doel meetbaar: vul in waaraan je ziet dat het bereikt is." {
				t.Errorf("goal without a criterion: message %q", s)
			}
			fill(t, c, map[string]string{"f-goal_2_criterion": "Verzuim onder 10 % in het absentieregister"})
			c.follow("save the record", http.StatusOK, chromedp.Click(chromedp.CSS(`main form[action$="/discussion"] button[type="submit"]`)))
			if s := eval[string](c, `document.querySelector('main [role="status"]')?.innerText ?? ''`); s != "Het verslag is opgeslagen." {
				t.Errorf("after saving: notice %q", s)
			}
			goals := eval[[]string](c, `[...document.querySelectorAll('#f-goal option')].map(o => o.value).filter(v => v)`)
			if len(goals) != 2 {
				t.Fatalf("the action form offers %d goals, want 2", len(goals))
			}
			for i, a := range []struct{ owner, what, goal string }{
				{demo.UserGGD, "Gesprek JGZ over slaap en belasting", goals[1]},
				{"smw", "Mantelzorgondersteuning voortzetten", goals[1]},
				{demo.UserCareContact, "Stageplanning afstemmen met de stagebegeleider", goals[0]},
			} {
				fill(t, c, map[string]string{"f-owner": env.UserID(a.owner), "f-description": a.what, "f-due_on": day(14 + 7*i), "f-goal": a.goal})
				c.follow("action for "+a.owner, http.StatusOK, chromedp.Click(chromedp.CSS(`main form[action$="/actions"] button[type="submit"]`)))
			}
			if n := env.Count(`SELECT COUNT(*) FROM actions a JOIN discussions d ON d.id = a.discussion_id WHERE d.item_id = $1 AND a.goal_id IS NOT NULL`, noorItem); n != 3 {
				t.Errorf("%d actions of the plan linked to goals, want 3", n)
			}
			// The meeting's day: what the team did not get to moves on to the next meeting.
			var starts time.Time
			if err := env.DB.ReadSQL().QueryRow(`SELECT starts_at FROM meetings WHERE CAST(id AS TEXT) = $1`, meeting).Scan(&starts); err != nil {
				t.Fatal(err)
			}
			env.Clock.Set(starts.Add(2 * time.Hour))
			c.open("/meetings/"+meeting, http.StatusOK)
			for _, item := range openItems(t, env, meeting, noorItem) {
				c.follow("move an item the team did not get to on", http.StatusOK,
					chromedp.Click(chromedp.CSS(`#item-`+item+` details > summary`)),
					chromedp.Click(chromedp.CSS(`#item-`+item+` button[value="next"]`)))
				if s := eval[string](c, `document.getElementById('item-`+item+`')?.innerText ?? ''`); !strings.Contains(s, "Verplaatst naar het overleg van") {
					t.Errorf("the agenda does not say the item moved on:\n%s", s)
				}
			}
			c.follow("agenda → minutes", http.StatusOK, chromedp.Click(chromedp.CSS(`main a[href="/meetings/`+meeting+`/minutes"]`)))
			c.follow("make the minutes final", http.StatusOK, chromedp.Click(chromedp.CSS(`main form[action$="/minutes"] button[type="submit"]`)))

			// JGZ reports progress on its action, from the messages and the task list.
			ggd.follow("menu → messages", http.StatusOK, chromedp.Click(chromedp.CSS(`nav a[href="/messages"]`)))
			ggd.follow("message → minutes", http.StatusOK, chromedp.Click(chromedp.CSS(`main a[href$="/minutes"]`)))
			if s := eval[string](ggd, `document.querySelector('main')?.innerText ?? ''`); !strings.Contains(s, "Noor Bakker") || strings.Contains(s, "Milan") {
				t.Errorf("JGZ's minutes hold other items than Noor's")
			}
			ggd.follow("menu → my actions", http.StatusOK, chromedp.Click(chromedp.CSS(`nav a[href="/tasks"]`)))
			ggd.follow("report progress", http.StatusOK,
				chromedp.SetValue(chromedp.CSS(`main form[action^="/actions/"] select[name="status"]`), "in_progress"),
				chromedp.SendKeys(chromedp.CSS(`main form[action^="/actions/"] input[name="note"]`), "Eerste gesprek gevoerd."),
				chromedp.Click(chromedp.CSS(`main form[action^="/actions/"] button[type="submit"]`)))
			if n := env.Count(`SELECT COUNT(*) FROM actions WHERE description = 'Gesprek JGZ over slaap en belasting' AND status = 'in_progress'`); n != 1 {
				t.Errorf("JGZ's progress is not stored")
			}

			// The handelingsadvies reaches the mentor, and nothing else of the discussion.
			c.open("/students/"+noor, http.StatusOK)
			fill(t, c, map[string]string{"f-advice": "Bied Noor vaste inhaalmomenten en vraag wekelijks hoe het thuis gaat."})
			c.follow("record the advice", http.StatusOK, chromedp.Click(chromedp.CSS(`main form[action$="/advice"] button[type="submit"]`)))
			m := newBrowser(t, exe, env.URL)
			m.open("/login", http.StatusOK)
			m.login(demo.UserMentor, demo.Password, http.StatusOK)
			m.open("/students/"+noor, http.StatusOK)
			page := eval[string](m, `document.querySelector('main')?.innerText ?? ''`)
			if !strings.Contains(page, "Bied Noor vaste inhaalmomenten") {
				t.Errorf("the mentor does not see the advice")
			}
			for _, secret := range []string{"Moeder is opnieuw opgenomen", "Noor haalt haar stage", "Gesprek JGZ over slaap"} {
				if strings.Contains(page, secret) {
					t.Errorf("the mentor sees %q of the discussion", secret)
				}
			}
			m.open(item, http.StatusNotFound)

			// The case closes; three months after the meeting, aftercare.
			c.open("/students/"+noor, http.StatusOK)
			closeForm := eval[string](c, `document.querySelector('main form[action$="/close"]')?.getAttribute('action') ?? ''`)
			if closeForm == "" {
				t.Fatal("no close form for Noor's case")
			}
			caseID := strings.Split(closeForm, "/")[2]
			eval[bool](c, `document.querySelector('main form[action="`+closeForm+`"]').closest('details').open = true`)
			fields := map[string]string{"reason-" + caseID: "solved", "note-" + caseID: "Doelen gehaald; de stage loopt goed."}
			// The final evaluation: an outcome for each goal of the plan just made.
			outcomes := eval[[]string](c, `[...document.querySelectorAll('main form[action="`+closeForm+`"] select[name^="outcome_"]')].map(s => s.id)`)
			if len(outcomes) != 2 {
				t.Fatalf("the close form asks %d goal outcomes, want 2 (the plan's goals)", len(outcomes))
			}
			fields[outcomes[0]], fields[outcomes[1]] = "achieved", "partly"
			fill(t, c, fields)
			// The plan's actions are still open: closing asks what becomes of
			// each, and the coordinator says they were done.
			open := env.Count(`SELECT COUNT(*) FROM actions WHERE CAST(case_id AS TEXT) = $1 AND status IN ('open', 'in_progress')`, caseID)
			ends := eval[[]string](c, `[...document.querySelectorAll('main form[action="`+closeForm+`"] input[name^="action_"][value="done"]')].map(r => r.id)`)
			if open == 0 || len(ends) != open {
				t.Fatalf("the close form asks the end of %d open actions, want %d (the plan's actions)", len(ends), open)
			}
			tick(t, c, ends...)
			c.follow("close the case", http.StatusOK, chromedp.Click(chromedp.CSS(`main form[action="`+closeForm+`"] button[type="submit"]`)))
			if n := env.Count(`SELECT COUNT(*) FROM goal_outcomes WHERE CAST(case_id AS TEXT) = $1`, caseID); n != 2 {
				t.Errorf("%d goal outcomes stored on closing, want 2", n)
			}
			if n := env.Count(`SELECT COUNT(*) FROM actions WHERE CAST(case_id AS TEXT) = $1 AND status = 'done'`, caseID); n != open {
				t.Errorf("%d actions ended as done on closing, want %d", n, open)
			}
			env.Clock.Set(starts.AddDate(0, 3, 0).Add(time.Hour))
			if n, err := jobs.CreateAftercareTasks(context.Background(), env.DB); err != nil || n == 0 {
				t.Fatalf("aftercare tasks: %d, %v", n, err)
			}
			c.follow("menu → messages", http.StatusOK, chromedp.Click(chromedp.CSS(`nav a[href="/messages"]`)))
			c.follow("message → aftercare", http.StatusOK, chromedp.Click(chromedp.CSS(`main a[href="/cases/`+caseID+`/aftercare"]`)))

			// Noor's care contact answers their part of the questionnaire.
			cc := newBrowser(t, exe, env.URL)
			cc.open("/login", http.StatusOK)
			cc.login(demo.UserCareContact, demo.Password, http.StatusOK)
			cc.follow("menu → messages", http.StatusOK, chromedp.Click(chromedp.CSS(`nav a[href="/messages"]`)))
			cc.follow("questionnaire → aftercare", http.StatusOK, chromedp.Click(chromedp.CSS(`main a[href="/cases/`+caseID+`/aftercare"]`)))
			fill(t, cc, map[string]string{"f-achieved": "Noor haalt haar stage en verzuimt minder.", "f-experience": "Snel en betrokken."})
			tick(t, cc, "f-goals_met-partly")
			cc.follow("answer the questionnaire", http.StatusOK, chromedp.Click(chromedp.CSS(`main form[action$="/aftercare"] button[type="submit"]`)))
			if n := env.Count(`SELECT COUNT(*) FROM aftercare_answers WHERE respondent = 'care_contact' AND recorded_by = $1`, env.UserID(demo.UserCareContact)); n != 1 {
				t.Errorf("%d answers of the care contact stored, want 1", n)
			}
		})
	}
}

// fill sets the values of form fields by id, as typing and choosing would.
func fill(t *testing.T, b *browser, values map[string]string) {
	t.Helper()
	js, err := json.Marshal(values)
	if err != nil {
		t.Fatal(err)
	}
	missing := eval[[]string](b, `(() => { const v = `+string(js)+`; const missing = [];
		for (const [id, value] of Object.entries(v)) { const e = document.getElementById(id); if (!e) { missing.push(id); continue }
		e.value = value; e.dispatchEvent(new Event('change', {bubbles: true})) } return missing })()`)
	if len(missing) > 0 {
		t.Fatalf("no fields %v on the page", missing)
	}
}

// tick ticks check boxes by id.
func tick(t *testing.T, b *browser, ids ...string) {
	t.Helper()
	js, _ := json.Marshal(ids)
	if missing := eval[[]string](b, `(() => { const missing = []; for (const id of `+string(js)+`) {
		const e = document.getElementById(id); if (!e) { missing.push(id); continue } e.checked = true } return missing })()`); len(missing) > 0 {
		t.Fatalf("no check boxes %v on the page", missing)
	}
}

// openItems are the items of the meeting but keep, in agenda order.
func openItems(t *testing.T, env *webtest.Env, meeting string, keep string) []string {
	t.Helper()
	rows, err := env.DB.ReadSQL().Query(`SELECT CAST(id AS TEXT) FROM agenda_items WHERE CAST(meeting_id AS TEXT) = $1 ORDER BY position`, meeting)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var ids []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			t.Fatal(err)
		}
		if id != keep {
			ids = append(ids, id)
		}
	}
	return ids
}
