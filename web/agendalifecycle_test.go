package web_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"casus/demo"
	"casus/storage/storagetest"
	"casus/web/webtest"
)

// TestMinutesFinal: the ZAT meets on a day weeks ahead with Milan's crisis
// follow-up and Lotte's case on the agenda. The chair records Milan's
// discussion at once. The minutes cannot be made final before the meeting's
// day, nor on the day while Lotte's item is neither discussed nor moved on:
// both refusals say why in Dutch and change nothing. The chair moves
// Lotte's item to the next meeting — both agendas say so — and the minutes
// become final. A discussed item stays where its record is.
func TestMinutesFinal(t *testing.T) {
	t.Parallel()
	for _, engine := range storagetest.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			env := webtest.Start(t, engine, webtest.Options{})
			meeting := meetingsMatrixIDs(t, env)["{meeting:zat}"]
			milanItem := agendaItemMatrixIDs(t, env)["{item:zat}"]
			lotteItem := lotteOnZATAgenda(t, env, meeting)
			coord := env.NewClient()
			coord.Login(demo.UserCoordinator)
			due := env.Clock.Now().AddDate(0, 2, 0)
			if res := coord.Post("/meetings/"+meeting+"/items/"+milanItem+"/discussion", discussionForm("0", due)); res.Status != http.StatusSeeOther {
				t.Fatalf("record Milan's discussion: %d: %s", res.Status, res.Body)
			}
			finalise := func() webtest.Response { return coord.Post("/meetings/"+meeting+"/minutes", url.Values{}) }
			unchanged := func(t *testing.T) {
				t.Helper()
				if n := env.Count(`SELECT COUNT(*) FROM messages WHERE msg_key = 'message.minutes'`); n != 0 {
					t.Errorf("%d minutes messages after a refusal, want 0", n)
				}
				if n := env.Count(`SELECT COUNT(*) FROM meetings WHERE id = $1 AND minutes_final_at IS NOT NULL`, meeting); n != 0 {
					t.Errorf("the minutes are final after a refusal")
				}
			}
			t.Run("BeforeMeetingDay/Refused", func(t *testing.T) {
				res := finalise()
				if res.Status != http.StatusConflict || !strings.Contains(res.Body, "op of na de dag van het overleg") {
					t.Errorf("finalise before the meeting's day: %d, want 409 saying why", res.Status)
				}
				if page := coord.Get("/meetings/" + meeting + "/minutes").Body; !strings.Contains(page, "Nog niet definitief te maken.") {
					t.Errorf("the minutes page does not say why they cannot be made final yet")
				}
				unchanged(t)
			})
			var start time.Time
			if err := env.SQL().QueryRow(`SELECT starts_at FROM meetings WHERE id = $1`, meeting).Scan(&start); err != nil {
				t.Fatal(err)
			}
			env.Clock.Set(start.Add(3 * time.Hour))
			t.Run("ItemNeitherDiscussedNorMoved/Refused", func(t *testing.T) {
				moveOthersOn(t, env, coord, meeting, milanItem, lotteItem)
				res := finalise()
				if res.Status != http.StatusConflict || !strings.Contains(res.Body, "Nog 1 agendapunt(en) zijn niet besproken") {
					t.Errorf("finalise with Lotte's item open: %d, want 409 naming one open item: %s", res.Status, res.Body)
				}
				unchanged(t)
			})
			t.Run("DiscussedItem/Stays", func(t *testing.T) {
				res := coord.Post("/meetings/"+meeting+"/items/"+milanItem, url.Values{"action": {"next"}})
				if res.Status != http.StatusConflict || !strings.Contains(res.Body, "is besproken") {
					t.Errorf("moving a discussed item on: %d, want 409", res.Status)
				}
				if n := env.Count(`SELECT COUNT(*) FROM agenda_items WHERE moved_from = $1`, milanItem); n != 0 {
					t.Errorf("the discussed item moved on")
				}
				if n := env.Count(`SELECT COUNT(*) FROM access_log WHERE object_id = $1 AND purpose = 'agenda: next (refused)'`, milanItem); n != 1 {
					t.Errorf("%d refused moves logged, want 1", n)
				}
			})
			t.Run("OpenItemMovedOn/Final", func(t *testing.T) {
				if res := coord.Post("/meetings/"+meeting+"/items/"+lotteItem, url.Values{"action": {"next"}}); res.Status != http.StatusSeeOther {
					t.Fatalf("move Lotte's item on: %d: %s", res.Status, res.Body)
				}
				var next string
				if err := env.SQL().QueryRow(`SELECT CAST(meeting_id AS TEXT) FROM agenda_items WHERE moved_from = $1`, lotteItem).Scan(&next); err != nil {
					t.Fatalf("Lotte's item is on no later agenda: %v", err)
				}
				if next == meeting {
					t.Fatalf("moved on to the same meeting")
				}
				if page := coord.Get("/meetings/" + meeting).Body; !strings.Contains(page, "Verplaatst naar het overleg van") || !strings.Contains(page, "Besproken") {
					t.Errorf("the old agenda does not say which item was discussed and which moved on")
				}
				if page := coord.Get("/meetings/" + next).Body; !strings.Contains(page, "Lotte Verhagen") || !strings.Contains(page, "Verplaatst van het overleg van") {
					t.Errorf("the next agenda does not show Lotte's item as moved there")
				}
				if res := coord.Post("/meetings/"+meeting+"/items/"+lotteItem, url.Values{"action": {"next"}}); res.Status != http.StatusConflict {
					t.Errorf("moving an item on twice: %d, want 409", res.Status)
				}
				if res := finalise(); res.Status != http.StatusSeeOther {
					t.Fatalf("finalise on the day with every item discussed or moved: %d: %s", res.Status, res.Body)
				}
				if n := env.Count(`SELECT COUNT(*) FROM meetings WHERE id = $1 AND minutes_final_at IS NOT NULL`, meeting); n != 1 {
					t.Errorf("the minutes are not final")
				}
			})
		})
	}
}

// moveOthersOn moves every item of the meeting but keep on to the next
// meeting, as the chair would for what the team did not get to.
func moveOthersOn(t *testing.T, env *webtest.Env, chair *webtest.Client, meeting string, keep ...string) {
	t.Helper()
	rows, err := env.SQL().Query(`SELECT CAST(id AS TEXT) FROM agenda_items WHERE meeting_id = $1`, meeting)
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, id)
	}
	rows.Close()
	for _, id := range ids {
		if strings.Contains(strings.Join(keep, " "), id) {
			continue
		}
		if res := chair.Post("/meetings/"+meeting+"/items/"+id, url.Values{"action": {"next"}}); res.Status != http.StatusSeeOther {
			t.Fatalf("move item %s on: %d", id, res.Status)
		}
	}
}

// TestReferralDiscussedLeavesQueue: Lotte's referral, escalated to the ZAT
// and accepted there, waits in the chair's queue as accepted and is on the
// next agenda. Once the team saves its record at that item the referral has
// had its turn: it leaves the queue and its page says it was discussed.
func TestReferralDiscussedLeavesQueue(t *testing.T) {
	t.Parallel()
	for _, engine := range storagetest.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			env := webtest.Start(t, engine, webtest.Options{})
			zatRef := acceptedAtZAT(t, env)
			coord := env.NewClient()
			coord.Login(demo.UserCoordinator)
			if queue := coord.Get("/referrals").Body; !strings.Contains(queue, "/referrals/"+zatRef) {
				t.Fatalf("the accepted referral is not in the queue before its discussion")
			}
			meeting := meetingsMatrixIDs(t, env)["{meeting:zat}"]
			var item string
			if err := env.SQL().QueryRow(`SELECT CAST(id AS TEXT) FROM agenda_items WHERE meeting_id = $1 AND kind = 'referral' AND source_id = $2`,
				meeting, zatRef).Scan(&item); err != nil {
				t.Fatalf("the accepted referral is not on the next agenda: %v", err)
			}
			f := discussionForm("0", env.Clock.Now().AddDate(0, 2, 0))
			f.Set("question", "Hoe helpen we Lotte met haar schulden?")
			if res := coord.Post("/meetings/"+meeting+"/items/"+item+"/discussion", f); res.Status != http.StatusSeeOther {
				t.Fatalf("record Lotte's discussion: %d: %s", res.Status, res.Body)
			}
			if queue := coord.Get("/referrals").Body; strings.Contains(queue, "/referrals/"+zatRef) {
				t.Errorf("the discussed referral is still in the queue")
			}
			if page := coord.Get("/referrals/" + zatRef).Body; !strings.Contains(page, "geaccepteerd, besproken in het overleg") {
				t.Errorf("the referral's page does not say it was discussed")
			}
		})
	}
}

// acceptedAtZAT escalates Lotte's intern referral to the ZAT, as the chair
// would, and accepts it there; it returns the ZAT referral.
func acceptedAtZAT(t *testing.T, env *webtest.Env) string {
	t.Helper()
	intern := referralMatrixIDs(t, env)["{ref:lotte}"]
	// Fixture: the ZAT requires every part of the form.
	if _, err := env.SQL().Exec(`UPDATE referrals SET family_hindering = 'x', family_protective = 'x', question_student = 'x',
		question_parents = 'x', support_school = 'x', support_parents = 'x', parenting_needs = 'x', agencies_involved = 'x', assessments = 'x', informed = 'x', needs_education = 'x', needs_care = 'x', student_hindering = 'x', student_protective = 'x',
		school_hindering = 'x', school_protective = 'x', done_before = 'x', done_result = 'x' WHERE id = $1`, intern); err != nil {
		t.Fatal(err)
	}
	coord := env.NewClient()
	coord.Login(demo.UserCoordinator)
	res := coord.Post("/referrals/"+intern+"/escalate", url.Values{"version": {version(t, env, intern)},
		"team": {teamID(t, env, demo.TeamMBOZAT)}, "section": {"0", "1", "2", "3", "4", "5", "6", "7", "8"}})
	zatRef := strings.TrimSuffix(strings.TrimPrefix(res.Location, "/referrals/"), "?done=escalated")
	if res := coord.Post("/referrals/"+zatRef+"/decision", url.Values{"decision": {"accept"}, "version": {version(t, env, zatRef)}}); res.Status != http.StatusSeeOther {
		t.Fatalf("accept at the ZAT: %d", res.Status)
	}
	return zatRef
}

// TestPutOnAgenda: Lotte's ZAT case is open but on no agenda. The chair
// finds the coming meetings on her page and puts her case on the next one;
// the agenda then lists her, and putting her there again is refused. Put on
// a meeting whose agenda went out already, the item is late and the team's
// fixed members — not the chair — are told, without her name. A meeting of
// another team is no choice.
func TestPutOnAgenda(t *testing.T) {
	t.Parallel()
	for _, engine := range storagetest.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			env := webtest.Start(t, engine, webtest.Options{})
			zatCase := consentMatrixIDs(t, env)["{lotte_zat}"]
			meeting := meetingsMatrixIDs(t, env)["{meeting:zat}"]
			lotte := env.StudentID(demo.LotteNumber)
			coord := env.NewClient()
			coord.Login(demo.UserCoordinator)
			page := coord.Get("/students/" + lotte).Body
			if !strings.Contains(page, `action="/cases/`+zatCase+`/agenda"`) || !strings.Contains(page, `value="`+meeting+`"`) {
				t.Fatalf("the chair is not offered the ZAT's next meeting on Lotte's page")
			}
			mentor := env.NewClient()
			mentor.Login(demo.UserMentor)
			if strings.Contains(mentor.Get("/students/"+lotte).Body, "/agenda\"") {
				t.Errorf("the mentor, no chair, is offered to put Lotte on an agenda")
			}
			var start time.Time
			if err := env.SQL().QueryRow(`SELECT starts_at FROM meetings WHERE id = $1`, meeting).Scan(&start); err != nil {
				t.Fatal(err)
			}
			env.Clock.Set(start.Add(-24 * time.Hour)) // the agenda went out days ago
			put := func(m string) webtest.Response {
				return coord.Post("/cases/"+zatCase+"/agenda", url.Values{"meeting": {m}})
			}
			if res := put(meeting); res.Status != http.StatusSeeOther {
				t.Fatalf("put Lotte's case on the agenda: %d: %s", res.Status, res.Body)
			}
			if agenda := coord.Get("/meetings/" + meeting).Body; !strings.Contains(agenda, "Lotte Verhagen") {
				t.Errorf("the agenda does not list Lotte")
			}
			if n := env.Count(`SELECT COUNT(*) FROM agenda_items WHERE meeting_id = $1 AND case_id = $2 AND late`, meeting, zatCase); n != 1 {
				t.Errorf("%d late items for Lotte's case, want 1", n)
			}
			if n := env.Count(`SELECT COUNT(*) FROM messages WHERE msg_key = 'message.agenda_late' AND user_id = $1`, env.UserID("ggz")); n != 1 {
				t.Errorf("the GGZ member was told %d times of the late item, want once", n)
			}
			if n := env.Count(`SELECT COUNT(*) FROM messages WHERE msg_key = 'message.agenda_late' AND user_id = $1`, env.UserID(demo.UserCoordinator)); n != 0 {
				t.Errorf("the chair is told of their own addition")
			}
			ggz := env.NewClient()
			ggz.Login("ggz")
			if msgs := ggz.Get("/messages").Body; !strings.Contains(msgs, "Er is na het versturen van de agenda een punt toegevoegd") || strings.Contains(msgs, "Lotte") {
				t.Errorf("the GGZ member's message is missing or names Lotte")
			}
			before := env.Snapshot("sessions", "access_log", "access_log_head")
			if res := put(meeting); res.Status != http.StatusConflict {
				t.Errorf("putting Lotte on the same agenda twice: %d, want 409", res.Status)
			}
			var other string
			if err := env.SQL().QueryRow(`SELECT CAST(id AS TEXT) FROM meetings WHERE team_id <> $1 LIMIT 1`, teamID(t, env, demo.TeamMBOZAT)).Scan(&other); err != nil {
				t.Fatal(err)
			}
			if res := put(other); res.Status != http.StatusBadRequest {
				t.Errorf("a meeting of another team: %d, want 400", res.Status)
			}
			if diff := webtest.Changed(before, env.Snapshot("sessions", "access_log", "access_log_head")); len(diff) > 0 {
				t.Errorf("refused requests changed %v", diff)
			}
			if n := env.Count(`SELECT COUNT(*) FROM access_log WHERE student_id = $1 AND purpose = 'agenda: add (refused)'`, lotte); n != 2 {
				t.Errorf("%d refusals logged, want 2", n)
			}
		})
	}
}

// TestZATSeesInternWork: the intern zorgteam discusses Lotte and agrees a
// plan with an action, then escalates her case to the ZAT. Beside the ZAT
// referral the chair reads, without changing it, the intern team's
// analysis and goals with their date and the action it agreed.
func TestZATSeesInternWork(t *testing.T) {
	t.Parallel()
	for _, engine := range storagetest.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			env := webtest.Start(t, engine, webtest.Options{})
			lotte := env.StudentID(demo.LotteNumber)
			internCase := openCase(t, env, lotte, "intern")
			coord := env.NewClient()
			coord.Login(demo.UserCoordinator)
			page := coord.Get("/students/" + lotte).Body
			m := regexp.MustCompile(`action="/cases/` + internCase + `/agenda"[\s\S]*?<option value="([^"]+)"`).FindStringSubmatch(page)
			if m == nil {
				t.Fatalf("no meeting of the intern team to put Lotte on")
			}
			if res := coord.Post("/cases/"+internCase+"/agenda", url.Values{"meeting": {m[1]}}); res.Status != http.StatusSeeOther {
				t.Fatalf("put Lotte on the intern agenda: %d", res.Status)
			}
			var item string
			if err := env.SQL().QueryRow(`SELECT CAST(id AS TEXT) FROM agenda_items WHERE meeting_id = $1 AND case_id = $2`, m[1], internCase).Scan(&item); err != nil {
				t.Fatal(err)
			}
			plan := discussionForm("0", env.Clock.Now().AddDate(0, 2, 0))
			plan.Set("hindering", "Schulden en ruzie thuis.")
			plan.Set("goal_1", "Lotte heeft overzicht over haar schulden")
			if res := coord.Post("/meetings/"+m[1]+"/items/"+item+"/discussion", plan); res.Status != http.StatusSeeOther {
				t.Fatalf("record the intern discussion: %d: %s", res.Status, res.Body)
			}
			zatRef := acceptedAtZAT(t, env)
			body := coord.Get("/referrals/" + zatRef).Body
			for _, want := range []string{"al deed", "Analyse en plan van de bespreking, vastgelegd op", "Schulden en ruzie thuis.",
				"Lotte heeft overzicht over haar schulden"} {
				if !strings.Contains(body, want) {
					t.Errorf("the ZAT referral page lacks %q", want)
				}
			}
			if strings.Contains(body, `action="/meetings/`+m[1]) {
				t.Errorf("the intern plan can be changed from the ZAT referral")
			}
		})
	}
}
