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

// TestAttendanceAndTime: at a ZAT meeting Milan's case is discussed with
// the police invited for it, and Lotte's with the GGZ. On the minutes the
// chair records who was there: the GGZ worker had sent word she could not
// come (afgemeld), the police officer was there. The minutes show who was
// present, excused and absent to every reader, and the time each person
// spent: the chair sat at both tables (2 cases, 30 minutes), the police at
// one (15). Only the chair or the minute taker records attendance, only of
// people the meeting expected, and not once the minutes are final.
func TestAttendanceAndTime(t *testing.T) {
	t.Parallel()
	for _, engine := range storagetest.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			env := webtest.Start(t, engine, webtest.Options{})
			meeting := meetingsMatrixIDs(t, env)["{meeting:zat}"]
			milanItem := agendaItemMatrixIDs(t, env)["{item:zat}"]
			lotteItem := lotteOnZATAgenda(t, env, meeting)
			coord := env.NewClient()
			coord.Login(demo.UserCoordinator)
			chair, police, ggd, ggz := env.UserID(demo.UserCoordinator), env.UserID(demo.UserPolice), env.UserID(demo.UserGGD), env.UserID("ggz")
			if res := coord.Post("/meetings/"+meeting+"/items/"+milanItem, url.Values{"action": {"invite"}, "user": {police}}); res.Status != http.StatusSeeOther {
				t.Fatalf("invite the police: %d", res.Status)
			}
			env.SQL().Exec(`UPDATE agenda_items SET minutes = 15 WHERE meeting_id = $1`, meeting)
			due := env.Clock.Now().AddDate(0, 2, 0)
			milan := discussionForm("0", due)
			milan["attendees"] = []string{chair, ggd, police}
			lotte := discussionForm("0", due)
			lotte["attendees"] = []string{chair}
			for item, f := range map[string]url.Values{milanItem: milan, lotteItem: lotte} {
				if res := coord.Post("/meetings/"+meeting+"/items/"+item+"/discussion", f); res.Status != http.StatusSeeOther {
					t.Fatalf("record %s: %d: %s", item, res.Status, res.Body)
				}
			}

			page := coord.Get("/meetings/" + meeting + "/minutes")
			for _, id := range []string{chair, ggd, ggz, police} {
				if !strings.Contains(page.Body, `name="a-`+id+`"`) {
					t.Errorf("the attendance form does not ask about %s", id)
				}
			}
			if strings.Contains(page.Body, `name="a-`+env.UserID(demo.UserMentor)+`"`) {
				t.Errorf("the attendance form asks about a mentor, who is no member")
			}
			res := coord.Post("/meetings/"+meeting+"/attendance", url.Values{"a-" + chair: {"present"}, "a-" + ggd: {"present"},
				"a-" + ggz: {"excused"}, "a-" + police: {"present"}})
			if res.Status != http.StatusSeeOther {
				t.Fatalf("record attendance: %d: %s", res.Status, res.Body)
			}
			if n := env.Count(`SELECT COUNT(*) FROM meeting_attendance WHERE meeting_id = $1`, meeting); n != 4 {
				t.Errorf("%d attendance rows, want 4", n)
			}
			page = coord.Get(res.Location)
			if !strings.Contains(page.Body, "De aanwezigheid is opgeslagen.") ||
				!strings.Contains(page.Body, `id="a-`+ggz+`-excused" name="a-`+ggz+`" value="excused" checked`) {
				t.Errorf("minutes after saving: notice or the GGZ's excuse missing")
			}
			row := func(body, who string) string {
				m := regexp.MustCompile(`<td class="utrecht-table__cell">` + regexp.QuoteMeta(who) + `[^<]*</td>\s*<td[^>]*>(\d+)</td><td[^>]*>(\d+)</td>`).FindStringSubmatch(body)
				if m == nil {
					return ""
				}
				return m[1] + "/" + m[2]
			}
			if got := row(page.Body, "Marieke Vermeer"); got != "2/30" {
				t.Errorf("the chair's time: %q, want 2 cases, 30 minutes", got)
			}
			// The PDF of the minutes says the same.
			text := pdfText(t, coord.Get("/meetings/"+meeting+"/minutes.pdf").Body)
			for _, want := range []string{"Aanwezigheid", "Afgemeld", "Marieke Vermeer: casussen: 2, minuten: 30"} {
				if !strings.Contains(text, want) {
					t.Errorf("the minutes PDF lacks %q", want)
				}
			}
			officer := env.NewClient()
			officer.Login(demo.UserPolice)
			op := officer.Get("/meetings/" + meeting + "/minutes")
			if strings.Contains(op.Body, `action="/meetings/`+meeting+`/attendance"`) {
				t.Errorf("the police officer is offered the attendance form")
			}
			if !regexp.MustCompile(`Afgemeld</dt>\s*<dd[^>]*>[^<]*\(`).MatchString(op.Body) {
				t.Errorf("the police officer's minutes do not say who was excused")
			}
			if got := row(op.Body, "Ruud Verschoor"); got != "1/15" {
				t.Errorf("the officer's time: %q, want 1 case, 15 minutes", got)
			}

			// Refusals change nothing.
			before := env.Count(`SELECT COUNT(*) FROM meeting_attendance WHERE status = 'present'`)
			for _, c := range []struct {
				name   string
				client *webtest.Client
				form   url.Values
				want   int
			}{
				{"not expected", coord, url.Values{"a-" + env.UserID(demo.UserMentor): {"present"}}, http.StatusBadRequest},
				{"unknown status", coord, url.Values{"a-" + ggd: {"asleep"}}, http.StatusBadRequest},
				{"not the chair", officer, url.Values{"a-" + police: {"absent"}}, http.StatusForbidden},
			} {
				if res := c.client.Post("/meetings/"+meeting+"/attendance", c.form); res.Status != c.want {
					t.Errorf("%s: %d, want %d", c.name, res.Status, c.want)
				}
			}
			if n := env.Count(`SELECT COUNT(*) FROM meeting_attendance WHERE status = 'present'`); n != before {
				t.Errorf("a refused request changed the attendance")
			}
			var start time.Time
			if err := env.SQL().QueryRow(`SELECT starts_at FROM meetings WHERE id = $1`, meeting).Scan(&start); err != nil {
				t.Fatal(err)
			}
			env.Clock.Set(start.Add(2 * time.Hour))
			moveOthersOn(t, env, coord, meeting, milanItem, lotteItem)
			if res := coord.Post("/meetings/"+meeting+"/minutes", url.Values{}); res.Status != http.StatusSeeOther {
				t.Fatalf("finalise: %d", res.Status)
			}
			if res := coord.Post("/meetings/"+meeting+"/attendance", url.Values{"a-" + ggz: {"absent"}}); res.Status != http.StatusConflict {
				t.Errorf("attendance after the minutes are final: %d, want 409", res.Status)
			}
		})
	}
}
