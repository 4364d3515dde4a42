package web_test

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/ledongthuc/pdf"

	"casus"
	"casus/demo"
	"casus/storage"
	"casus/storage/storagetest"
	"casus/web/webtest"
)

// discussionMatrix: the record of Milan's item opens for the members of the
// ZAT who may see him (the chair, the JGZ member, the police, on call and
// invited for him); everyone outside the team gets not found. Only the
// chair and the minute taker write: a member is forbidden. Forms are
// invalid, so no cell changes anything.
func discussionMatrix() map[string][]cell {
	item := "/meetings/{meeting:zat}/items/{item:zat}"
	write := func(path string, form url.Values, chair int) []cell {
		return byUser(path, form, notFound, map[string]int{anon: unauth, demo.UserCoordinator: chair, demo.UserGGD: forbid,
			demo.UserPolice: forbid})
	}
	return map[string][]cell{
		"GET /meetings/{id}/items/{item}": append(byUser(item, nil, notFound,
			map[string]int{anon: redirect, demo.UserCoordinator: ok, demo.UserGGD: ok, demo.UserPolice: ok}),
			cell{user: demo.UserCoordinator, relation: "chair (no such item)", path: "/meetings/{meeting:zat}/items/{unknown}", want: notFound}),
		"POST /meetings/{id}/items/{item}/discussion": write(item+"/discussion", url.Values{"version": {"0"}, "severity": {"nope"}}, bad),
		"POST /meetings/{id}/items/{item}/actions":    write(item+"/actions", url.Values{"owner": {"nope"}}, http.StatusConflict),
	}
}

// discussionForm is a complete record of Milan's discussion, as the chair
// fills it in, with two SMARTI goals.
func discussionForm(version string, due time.Time) url.Values {
	day := due.Format(time.DateOnly)
	return url.Values{
		"version": {version}, "question": {"Hoe blijft Milan veilig op school en thuis?"},
		"partner_input": {"JGZ kent het gezin van het spreekuur."}, "hindering": {"Geweld tussen de ouders."},
		"protective": {"Een oom bij wie hij kan logeren."}, "balance": {"De draaglast is groter dan de draagkracht."},
		"severity": {"high"}, "urgency": {"high"}, "problem_owner": {"Moeder en school zien het probleem; Milan schaamt zich."},
		"needs_education": {"Rust in de les."}, "needs_parenting": {"Steun voor moeder."}, "needs_support": {"Een vaste begeleider."},
		"goal_1": {"Milan voelt zich veilig thuis"}, "goal_1_criterion": {"Milan zegt in het gesprek met SMW dat hij zich veilig voelt"},
		"goal_1_due": {day},
		"goal_2":     {"Verzuim omlaag"}, "goal_2_criterion": {"Verzuim onder 5 % in het absentieregister"}, "goal_2_due": {day},
		"arrangement": {"education_care"}, "contact_person": {"De mentor"}, "feedback_by": {"De zorgcoördinator"},
		"inform_referrer": {"De taakdocent"}, "vir": {"no_report"}, "vir_reason": {"Hulp is op gang; Veilig Thuis is betrokken."},
		"evaluation": {"Iedereen steunt de aanpak."}, "evaluate_on": {day}, "minutes_spent": {"25"},
	}
}

// TestDiscussionRecord: the chair records Milan's discussion. A goal
// without a criterion or a date is refused beside the goal and nothing is
// stored. When the minute taker saves in between, the chair's save is
// refused with what changed, the chair's input stays in the form, and the
// chair's next save goes on top: every version is kept. The JGZ member
// reads the record; an action of the plan reaches its owner's task list.
func TestDiscussionRecord(t *testing.T) {
	t.Parallel()
	for _, engine := range storagetest.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			env := webtest.Start(t, engine, webtest.Options{})
			ids := meetingsMatrixIDs(t, env)
			page := "/meetings/" + ids["{meeting:zat}"] + "/items/" + agendaItemMatrixIDs(t, env)["{item:zat}"]
			due := env.Clock.Now().AddDate(0, 2, 0)
			coord := env.NewClient()
			coord.Login(demo.UserCoordinator)
			if res := coord.Get(page); res.Status != http.StatusOK || !strings.Contains(res.Body, "Fase 2 — Begrijpen en analyseren") {
				t.Fatalf("chair opens the record: %d", res.Status)
			}

			t.Run("GoalNotSMARTI/Refused", func(t *testing.T) {
				before := env.Snapshot("sessions", "access_log", "access_log_head")
				for field, want := range map[string]string{
					"goal_2_criterion": "Maak het doel meetbaar: vul in waaraan je ziet dat het bereikt is.",
					"goal_2_due":       "Vul de datum in waarop het doel bereikt moet zijn.",
				} {
					f := discussionForm("0", due)
					f.Del(field)
					res := coord.Post(page+"/discussion", f)
					if res.Status != http.StatusBadRequest || !strings.Contains(res.Body, want) {
						t.Errorf("without %s: %d, want 400 with %q", field, res.Status, want)
					}
					if !strings.Contains(res.Body, "Hoe blijft Milan veilig op school en thuis?") {
						t.Errorf("without %s: the chair's input is lost", field)
					}
				}
				if diff := webtest.Changed(before, env.Snapshot("sessions", "access_log", "access_log_head")); len(diff) > 0 {
					t.Errorf("refused saves changed %v", diff)
				}
			})

			if res := coord.Post(page+"/discussion", discussionForm("0", due)); res.Status != http.StatusSeeOther {
				t.Fatalf("save: %d: %s", res.Status, res.Body)
			}

			t.Run("ConcurrentSave/ShowsWhatChanged", func(t *testing.T) {
				notes := env.NewClient()
				notes.Login("notulist")
				mine := discussionForm("1", due)
				mine.Set("balance", "Draaglast groter dan draagkracht, volgens de voorzitter.")
				theirs := discussionForm("1", due)
				theirs.Set("question", "Wat heeft Milan nodig om veilig te zijn?")
				if res := notes.Post(page+"/discussion", theirs); res.Status != http.StatusSeeOther {
					t.Fatalf("minute taker saves: %d", res.Status)
				}
				res := coord.Post(page+"/discussion", mine)
				if res.Status != http.StatusConflict {
					t.Fatalf("chair's stale save: %d, want 409", res.Status)
				}
				for _, want := range []string{"Tamara Wessels heeft dit verslag op", "Hulpvraag aan het team",
					"Wat heeft Milan nodig om veilig te zijn?", "Draaglast groter dan draagkracht, volgens de voorzitter.",
					`name="version" value="2"`} {
					if !strings.Contains(res.Body, want) {
						t.Errorf("conflict page lacks %q", want)
					}
				}
				if n := env.Count(`SELECT COUNT(*) FROM discussions WHERE version = 2 AND record LIKE '%Wat heeft Milan nodig%'`); n != 1 {
					t.Errorf("the minute taker's version is not the stored one")
				}
				// Saving again from the conflict page, on top of version 2: both changes kept.
				mine.Set("version", "2")
				mine.Set("question", "Wat heeft Milan nodig om veilig te zijn?")
				if res := coord.Post(page+"/discussion", mine); res.Status != http.StatusSeeOther {
					t.Fatalf("save on top: %d", res.Status)
				}
				if n := env.Count(`SELECT COUNT(*) FROM discussion_versions v JOIN discussions d ON d.id = v.discussion_id WHERE d.item_id = $1`, strings.TrimPrefix(page[strings.LastIndex(page, "/")+1:], "")); n != 3 {
					t.Errorf("%d versions kept, want 3", n)
				}
				if n := env.Count(`SELECT COUNT(*) FROM discussions WHERE version = 3 AND record LIKE '%volgens de voorzitter%'
					AND record LIKE '%Wat heeft Milan nodig%'`); n != 1 {
					t.Errorf("version 3 lacks one of the two changes")
				}
			})

			t.Run("ActionOfThePlan", func(t *testing.T) {
				body := coord.Get(page).Body
				goal := between(body, `<option value="`, `">Milan voelt zich veilig thuis</option>`)
				toldOwner := `SELECT COUNT(*) FROM messages WHERE user_id = $1 AND msg_key = 'message.action_assigned' AND link = '/tasks'`
				before := env.Count(toldOwner, env.UserID(demo.UserGGD))
				res := coord.Post(page+"/actions", url.Values{"owner": {env.UserID(demo.UserGGD)}, "goal": {goal},
					"description": {"Gesprek JGZ met moeder"}, "due_on": {env.Clock.Now().In(casus.Amsterdam).AddDate(0, 0, 14).Format(time.DateOnly)}})
				if res.Status != http.StatusSeeOther {
					t.Fatalf("action: %d: %s", res.Status, res.Body)
				}
				if n := env.Count(`SELECT COUNT(*) FROM actions WHERE goal_id IS NOT NULL AND description = 'Gesprek JGZ met moeder'`); n != 1 {
					t.Errorf("the action is not linked to its goal")
				}
				if n := env.Count(toldOwner, env.UserID(demo.UserGGD)); n != before+1 {
					t.Errorf("the owner is told of the action %d times, want once", n-before)
				}
				ggd := env.NewClient()
				ggd.Login(demo.UserGGD)
				if !strings.Contains(ggd.Get("/tasks").Body, "Gesprek JGZ met moeder") {
					t.Errorf("the action is not on the owner's task list")
				}
				read := ggd.Get(page)
				if read.Status != http.StatusOK || !strings.Contains(read.Body, "Milan voelt zich veilig thuis") ||
					strings.Contains(read.Body, `action="`+page+`/discussion"`) {
					t.Errorf("JGZ member: %d, record shown read-only: %v", read.Status, !strings.Contains(read.Body, `action="`+page+`/discussion"`))
				}
			})
		})
	}
}

// TestDiscussionFirstSaveAtOnce: the chair and the minute taker both save
// the first version of Milan's record at the same moment. One is stored;
// the other gets the conflict page (409) with what the first wrote, and
// nothing of theirs is written over it.
func TestDiscussionFirstSaveAtOnce(t *testing.T) {
	t.Parallel()
	for _, engine := range storagetest.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			env := webtest.Start(t, engine, webtest.Options{})
			ids := meetingsMatrixIDs(t, env)
			item := agendaItemMatrixIDs(t, env)["{item:zat}"]
			page := "/meetings/" + ids["{meeting:zat}"] + "/items/" + item
			chair, notes := env.NewClient(), env.NewClient()
			chair.Login(demo.UserCoordinator)
			notes.Login("notulist")
			refused := oneSaves(t, "first save", http.StatusConflict,
				postAtOnce(page+"/discussion", discussionForm("0", env.Clock.Now().AddDate(0, 2, 0)), chair, notes))
			if !strings.Contains(refused.Body, "heeft dit verslag op") || !strings.Contains(refused.Body, `name="version" value="1"`) {
				t.Errorf("the refused save does not show who saved first, or offers no version to save on top of")
			}
			if n := env.Count(`SELECT COUNT(*) FROM discussions WHERE item_id = $1 AND version = 1`, item); n != 1 {
				t.Errorf("%d records at version 1, want 1", n)
			}
			if n := env.Count(`SELECT COUNT(*) FROM discussion_versions v JOIN discussions d ON d.id = v.discussion_id WHERE d.item_id = $1`, item); n != 1 {
				t.Errorf("%d versions, want 1", n)
			}
		})
	}
}

// between returns the text of s between the last before that precedes
// after, and after.
func between(s, before, after string) string {
	i := strings.Index(s, after)
	if i < 0 {
		return ""
	}
	j := strings.LastIndex(s[:i], before)
	if j < 0 {
		return ""
	}
	return s[j+len(before) : i]
}

// minutesMatrix: the minutes open for the members of the team, each with
// their own items; only the chair and the minute taker make them final
// (the cells use an unknown meeting, so nothing becomes final).
func minutesMatrix() map[string][]cell {
	members := map[string]int{anon: redirect, demo.UserCoordinator: ok, demo.UserGGD: ok, demo.UserPolice: ok}
	return map[string][]cell{
		"GET /meetings/{id}/minutes":     byUser("/meetings/{meeting:zat}/minutes", nil, notFound, members),
		"GET /meetings/{id}/minutes.pdf": byUser("/meetings/{meeting:zat}/minutes.pdf", nil, notFound, members),
		"POST /meetings/{id}/minutes": append(byUser("/meetings/{unknown}/minutes", url.Values{}, notFound, map[string]int{anon: unauth}),
			cell{user: demo.UserGGD, relation: "team_member", path: "/meetings/{meeting:zat}/minutes", form: url.Values{}, want: forbid}),
		"POST /meetings/{id}/attendance": byUser("/meetings/{meeting:zat}/attendance", url.Values{"a-x": {"asleep"}}, notFound,
			map[string]int{anon: unauth, demo.UserCoordinator: bad, demo.UserGGD: forbid, demo.UserPolice: forbid}),
	}
}

// TestMinutesPerAttendee: two discussions at one ZAT meeting — Milan's, with
// the police invited for it, and Lotte's, without. Each attendee's minutes,
// HTML and PDF, hold only their own items: the police's PDF names Milan and
// not Lotte. Making the minutes final tells each attendee once and freezes
// the records.
func TestMinutesPerAttendee(t *testing.T) {
	t.Parallel()
	for _, engine := range storagetest.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			env := webtest.Start(t, engine, webtest.Options{})
			meeting := meetingsMatrixIDs(t, env)["{meeting:zat}"]
			milanItem := agendaItemMatrixIDs(t, env)["{item:zat}"]
			lotteItem := lotteOnZATAgenda(t, env, meeting)
			coord := env.NewClient()
			coord.Login(demo.UserCoordinator)
			police, ggd, ggz := env.UserID(demo.UserPolice), env.UserID(demo.UserGGD), env.UserID("ggz")
			if res := coord.Post("/meetings/"+meeting+"/items/"+milanItem, url.Values{"action": {"invite"}, "user": {police}}); res.Status != http.StatusSeeOther {
				t.Fatalf("invite the police: %d", res.Status)
			}
			due := env.Clock.Now().AddDate(0, 2, 0)
			milan := discussionForm("0", due)
			milan["attendees"] = []string{env.UserID(demo.UserCoordinator), ggd, police}
			lotte := discussionForm("0", due)
			lotte.Set("question", "Hoe helpen we Lotte met haar schulden?")
			lotte["attendees"] = []string{env.UserID(demo.UserCoordinator), ggz}
			for item, f := range map[string]url.Values{milanItem: milan, lotteItem: lotte} {
				if res := coord.Post("/meetings/"+meeting+"/items/"+item+"/discussion", f); res.Status != http.StatusSeeOther {
					t.Fatalf("record %s: %d: %s", item, res.Status, res.Body)
				}
			}
			for _, c := range []struct {
				user       string
				want, deny string
			}{
				{demo.UserPolice, "Milan de Ridder", "Lotte"},
				{"ggz", "Hoe helpen we Lotte met haar schulden?", "Milan de Ridder"},
				{demo.UserCoordinator, "Milan de Ridder", ""},
			} {
				cl := env.NewClient()
				cl.Login(c.user)
				html := cl.Get("/meetings/" + meeting + "/minutes").Body
				pdf := cl.Get("/meetings/" + meeting + "/minutes.pdf")
				text := pdfText(t, pdf.Body)
				for what, body := range map[string]string{"HTML": html, "PDF": text} {
					if !strings.Contains(body, c.want) || (c.deny != "" && strings.Contains(body, c.deny)) {
						t.Errorf("%s's minutes (%s): want %q, must not hold %q", c.user, what, c.want, c.deny)
					}
				}
				if c.user == demo.UserCoordinator && !strings.Contains(text, "Lotte Verhagen") {
					t.Errorf("the chair's minutes lack Lotte")
				}
			}
			// On the meeting's day, with what the team did not get to moved on.
			var start time.Time
			if err := env.SQL().QueryRow(`SELECT starts_at FROM meetings WHERE id = $1`, meeting).Scan(&start); err != nil {
				t.Fatal(err)
			}
			env.Clock.Set(start.Add(2 * time.Hour))
			moveOthersOn(t, env, coord, meeting, milanItem, lotteItem)
			if res := coord.Post("/meetings/"+meeting+"/minutes", url.Values{}); res.Status != http.StatusSeeOther {
				t.Fatalf("finalise: %d", res.Status)
			}
			coord.Post("/meetings/"+meeting+"/minutes", url.Values{})
			for _, id := range []string{police, ggd, ggz} {
				if n := env.Count(`SELECT COUNT(*) FROM messages WHERE user_id = $1 AND msg_key = 'message.minutes'`, id); n != 1 {
					t.Errorf("%d minutes messages for %s, want 1", n, id)
				}
			}
			if res := coord.Post("/meetings/"+meeting+"/items/"+milanItem+"/discussion", discussionForm("1", due)); res.Status != http.StatusConflict {
				t.Errorf("saving after the minutes are final: %d, want 409", res.Status)
			}
		})
	}
}

// lotteOnZATAgenda puts Lotte's ZAT case on the meeting's agenda as the
// chair would, and returns the item.
func lotteOnZATAgenda(t *testing.T, env *webtest.Env, meeting string) string {
	t.Helper()
	zat := teamID(t, env, demo.TeamMBOZAT)
	lotte := env.StudentID(demo.LotteNumber)
	var item casus.AgendaItem
	err := env.DB.Update(context.Background(), func(tx *storage.Tx) error {
		c, err := tx.EnsureOpenCase(context.Background(), lotte, zat)
		if err != nil {
			return err
		}
		item = casus.AgendaItem{CaseID: c.ID, Kind: casus.AgendaChair, SourceID: c.ID}
		m, err := tx.PutOnNextAgenda(context.Background(), zat, item)
		if m.ID != meeting {
			t.Errorf("fixture: Lotte's item went to meeting %s, want %s", m.ID, meeting)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	var id string
	if err := env.DB.ReadSQL().QueryRow(`SELECT CAST(id AS TEXT) FROM agenda_items WHERE meeting_id = $1 AND kind = 'chair'`, meeting).Scan(&id); err != nil {
		t.Fatal(err)
	}
	return id
}

// pdfText extracts the text of a PDF.
func pdfText(t *testing.T, body string) string {
	t.Helper()
	r, err := pdf.NewReader(strings.NewReader(body), int64(len(body)))
	if err != nil {
		t.Fatalf("not a PDF: %v", err)
	}
	rd, err := r.GetPlainText()
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	if _, err := io.Copy(&b, rd); err != nil {
		t.Fatal(err)
	}
	return b.String()
}
