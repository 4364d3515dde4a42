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

// agendaMatrix: a meeting's agenda opens for the members of its team, fixed
// or on call; to anyone else it does not exist.
func agendaMatrix() map[string][]cell {
	return map[string][]cell{
		"GET /meetings/{id}": append(byUser("/meetings/{meeting:zat}", nil, notFound,
			map[string]int{anon: redirect, demo.UserCoordinator: ok, demo.UserGGD: ok, demo.UserPolice: ok}),
			cell{user: demo.UserCoordinator, relation: "none (no such meeting)", path: "/meetings/{unknown}", want: notFound}),
		"POST /meetings/{id}/items/{item}": agendaItemCells(),
		"GET /messages":                    staff("/messages", nil, ok),
	}
}

// TestAgendaPerMember: Lotte's referral, accepted at the ZAT, lands on its
// next meeting beside Milan's crisis. The chair and the GGZ member see both
// by name; the police, on call and invited for Milan only, sees only Milan;
// the mentor, no member, gets not found. After Lotte withdraws her consent
// the GGZ member sees her item anonymously.
func TestAgendaPerMember(t *testing.T) {
	t.Parallel()
	for _, engine := range storagetest.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			env := webtest.Start(t, engine, webtest.Options{})
			ids := consentMatrixIDs(t, env)
			zatRef := acceptedAtZAT(t, env)
			coord := env.NewClient()
			coord.Login(demo.UserCoordinator)
			meeting := meetingsMatrixIDs(t, env)["{meeting:zat}"]
			if n := env.Count(`SELECT COUNT(*) FROM agenda_items WHERE meeting_id = $1 AND kind = 'referral' AND source_id = $2`, meeting, zatRef); n != 1 {
				t.Fatalf("the accepted referral is on the next meeting's agenda %d times, want once", n)
			}
			agenda := func(user string) webtest.Response {
				c := env.NewClient()
				c.Login(user)
				return c.Get("/meetings/" + meeting)
			}
			for _, user := range []string{demo.UserCoordinator, "ggz"} {
				if body := agenda(user).Body; !strings.Contains(body, "Lotte Verhagen") || !strings.Contains(body, "Milan de Ridder") {
					t.Errorf("%s: agenda lacks Lotte or Milan", user)
				}
			}
			police := agenda(demo.UserPolice)
			if !strings.Contains(police.Body, "Milan de Ridder") || strings.Contains(police.Body, "Lotte") {
				t.Errorf("police (invited for Milan only) sees the wrong items")
			}
			if res := agenda(demo.UserMentor); res.Status != http.StatusNotFound {
				t.Errorf("mentor opens the ZAT agenda: %d, want 404", res.Status)
			}
			coord.Post("/cases/"+ids["{lotte_zat}"]+"/consent/"+ids["{lotte_consent}"]+"/withdraw", url.Values{"reason": {"ingetrokken"}})
			body := agenda("ggz").Body
			if strings.Contains(body, "Lotte") || !strings.Contains(body, "Anonieme casus") || !strings.Contains(body, "Milan de Ridder") {
				t.Errorf("GGZ after the withdrawal: Lotte named, or the anonymous item or Milan missing")
			}
			if n := env.Count(`SELECT COUNT(*) FROM access_log WHERE user_id = $1 AND purpose = 'agenda (anonymous)'`, env.UserID("ggz")); n != 1 {
				t.Errorf("%d anonymous agenda reads logged for GGZ, want 1", n)
			}
		})
	}
}

// agendaItemMatrixIDs finds Milan's crisis item on the mbo ZAT's next meeting.
func agendaItemMatrixIDs(t *testing.T, env *webtest.Env) map[string]string {
	t.Helper()
	var item string
	if err := env.SQL().QueryRow(`SELECT CAST(id AS TEXT) FROM agenda_items WHERE kind = 'crisis' ORDER BY added_at LIMIT 1`).Scan(&item); err != nil {
		t.Fatalf("the demo crisis item: %v", err)
	}
	return map[string]string{"{item:zat}": item}
}

// agendaItemCells: only the chair arranges the agenda; members are
// forbidden, others do not see the meeting at all. The form is invalid.
func agendaItemCells() []cell {
	return append(byUser("/meetings/{meeting:zat}/items/{item:zat}", url.Values{"action": {"nope"}}, notFound,
		map[string]int{anon: unauth, demo.UserCoordinator: bad, demo.UserGGD: forbid, demo.UserPolice: forbid}),
		cell{user: demo.UserCoordinator, relation: "chair (no such item)", path: "/meetings/{meeting:zat}/items/{unknown}",
			form: url.Values{"action": {"up"}}, want: notFound})
}

// TestAgendaArranging: the chair moves Lotte's item above Milan's, gives
// it 30 minutes and invites the police, on call, for it. The police then
// sees that item — anonymously, since Lotte's consent leaves the police out.
// A bad time is refused in Dutch; a member who is not the chair may not.
func TestAgendaArranging(t *testing.T) {
	t.Parallel()
	for _, engine := range storagetest.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			env := webtest.Start(t, engine, webtest.Options{})
			meeting := meetingsMatrixIDs(t, env)["{meeting:zat}"]
			zat := teamID(t, env, demo.TeamMBOZAT)
			lotte := env.StudentID(demo.LotteNumber)
			var item string
			err := env.DB.Update(context.Background(), func(tx *storage.Tx) error {
				c, err := tx.EnsureOpenCase(context.Background(), lotte, zat)
				if err != nil {
					return err
				}
				it := casus.AgendaItem{CaseID: c.ID, Kind: casus.AgendaChair, SourceID: c.ID}
				m, err := tx.PutOnNextAgenda(context.Background(), zat, it)
				if m.ID != meeting {
					t.Errorf("fixture: Lotte's item went to meeting %s, want %s", m.ID, meeting)
				}
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
			if err := env.SQL().QueryRow(`SELECT CAST(id AS TEXT) FROM agenda_items WHERE meeting_id = $1 AND kind = 'chair'`, meeting).Scan(&item); err != nil {
				t.Fatal(err)
			}
			coord := env.NewClient()
			coord.Login(demo.UserCoordinator)
			post := func(c *webtest.Client, form url.Values) webtest.Response {
				return c.Post("/meetings/"+meeting+"/items/"+item, form)
			}
			for _, f := range []url.Values{{"action": {"up"}}, {"action": {"minutes"}, "minutes": {"30"}},
				{"action": {"invite"}, "user": {env.UserID(demo.UserPolice)}}} {
				if res := post(coord, f); res.Status != http.StatusSeeOther {
					t.Fatalf("%v: %d: %s", f, res.Status, res.Body)
				}
			}
			page := coord.Get("/meetings/" + meeting).Body
			if l, m := strings.Index(page, "Lotte Verhagen"), strings.Index(page, "Milan de Ridder"); l < 0 || m < 0 || l > m {
				t.Errorf("Lotte is not above Milan on the agenda")
			}
			if !strings.Contains(page, "30 min.") || !strings.Contains(page, "uitgenodigd: Ruud Verschoor") {
				t.Errorf("the agenda lacks the 30 minutes or the invitation")
			}
			police := env.NewClient()
			police.Login(demo.UserPolice)
			body := police.Get("/meetings/" + meeting).Body
			if strings.Contains(body, "Lotte") || !strings.Contains(body, "Anonieme casus") || !strings.Contains(body, "Milan de Ridder") {
				t.Errorf("police: Lotte named, or her anonymous item or Milan's missing")
			}
			ggz := env.NewClient()
			ggz.Login("ggz")
			before := env.Snapshot("sessions", "access_log", "access_log_head")
			if res := post(coord, url.Values{"action": {"minutes"}, "minutes": {"500"}}); res.Status != http.StatusBadRequest ||
				!strings.Contains(res.Body, "Vul een heel getal in van 5 tot en met 180.") {
				t.Errorf("500 minutes: %d", res.Status)
			}
			if res := post(ggz, url.Values{"action": {"up"}}); res.Status != http.StatusForbidden {
				t.Errorf("a member who is not the chair arranges: %d, want 403", res.Status)
			}
			if diff := webtest.Changed(before, env.Snapshot("sessions", "access_log", "access_log_head")); len(diff) > 0 {
				t.Errorf("refused requests changed %v", diff)
			}
			if n := env.Count(`SELECT COUNT(*) FROM access_log WHERE student_id = $1 AND object_kind = 'agenda_item' AND action = 'change'`, lotte); n != 3 {
				t.Errorf("%d agenda changes logged for Lotte, want 3", n)
			}
		})
	}
}

// TestMessagesPage: a message shows in the reader's language with its link
// and names no student.
func TestMessagesPage(t *testing.T) {
	t.Parallel()
	env := webtest.Start(t, storage.SQLite, webtest.Options{})
	// Look the user up first: on SQLite the transaction holds the one
	// writing connection, which env.UserID would wait for.
	ggd := env.UserID(demo.UserGGD)
	err := env.DB.Update(context.Background(), func(tx *storage.Tx) error {
		return tx.AddMessage(context.Background(), &casus.Message{UserID: ggd, Key: "message.agenda",
			Link: "/meetings/" + casus.NewID(), Args: map[string]string{"Team": demo.TeamMBOZAT, "Start": "2026-12-03T12:30:00Z", "N": "2"}})
	})
	if err != nil {
		t.Fatal(err)
	}
	c := env.NewClient()
	c.Login(demo.UserGGD)
	body := c.Get("/messages").Body
	if !strings.Contains(body, "De agenda van "+demo.TeamMBOZAT+" voor 3 december 2026 13:30 staat klaar: 2 punt(en) voor jou.") {
		t.Errorf("messages page lacks the agenda message in Dutch")
	}
	other := env.NewClient()
	other.Login(demo.UserMentor)
	if strings.Contains(other.Get("/messages").Body, demo.TeamMBOZAT) {
		t.Errorf("the mentor sees the partner's message")
	}
}
