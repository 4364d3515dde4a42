package web_test

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"casus"
	"casus/demo"
	"casus/storage/storagetest"
	"casus/web/webtest"
)

// meldcodeMatrix: Lotte's meldcode is visible to the zorgcoördinator and
// the taakdocent the coordinator named (see privacyFlowMatrixIDs); not to
// the mentor, management, the beheerder or partners not named, who get
// the "not found" of any student data they may not see, logged as denied.
// Only the coordinator names and removes people.
func meldcodeMatrix() map[string][]cell {
	cells := func(path string, form url.Values, allowed int, named int) []cell {
		anonWant := anonFor(form)
		c := studentCellOn(path, "{lotte}", form)
		return []cell{
			{user: anon, relation: "none", path: path, form: form, want: anonWant},
			c(demo.UserCoordinator, "coordinator", "lotte", allowed),
			c(demo.UserCareContact, "care_contact, named", "lotte", named),
			c(demo.UserCareContact, "care_contact of another group, not named", "milan", notFound),
			c(demo.UserMentor, "mentor, not named", "lotte", notFound),
			c(demo.UserGGD, "team_member (partner), not named", "lotte", notFound),
			c(demo.UserPolice, "invited (partner), not named", "milan", notFound),
			c(demo.UserManagement, "none (management)", "lotte", notFound),
			c(demo.UserAdmin, "none (beheerder)", "lotte", notFound),
			c(demo.UserIB, "care_contact, not named", "daan", notFound),
			c(demo.UserCoordinator, "none (other school)", "daan", notFound),
		}
	}
	return map[string][]cell{
		"GET /students/{id}/meldcode":         cells("/students/{lotte}/meldcode", nil, ok, ok),
		"POST /students/{id}/meldcode/steps":  cells("/students/{lotte}/meldcode/steps", url.Values{"notes": {""}}, bad, bad),
		"POST /students/{id}/meldcode/people": cells("/students/{lotte}/meldcode/people", url.Values{"person": {""}}, bad, notFound),
		// Removing the mentor, who is not named, changes nothing.
		"POST /students/{id}/meldcode/people/{user}/remove": cells("/students/{lotte}/meldcode/people/{user}/remove", url.Values{}, redirect, notFound),
	}
}

// TestMeldcodeNamedOnly: the zorgcoördinator follows the meldcode for
// Lotte through its five steps, each dated and by whom; the mentor finds
// nothing until named, then sees it and a link on the student page, and
// after removal finds nothing again. Every read is in the access log.
func TestMeldcodeNamedOnly(t *testing.T) {
	t.Parallel()
	for _, engine := range storagetest.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			env := webtest.Start(t, engine, webtest.Options{})
			lotte := env.StudentID(demo.LotteNumber)
			path := "/students/" + lotte + "/meldcode"
			coord, mentor := env.NewClient(), env.NewClient()
			coord.Login(demo.UserCoordinator)
			mentor.Login(demo.UserMentor)
			today := env.Clock.Now().In(casus.Amsterdam).Format(time.DateOnly)

			if res := mentor.Get(path); res.Status != http.StatusNotFound {
				t.Fatalf("the mentor, not named: %d", res.Status)
			}
			if strings.Contains(mentor.Get("/students/"+lotte).Body, "/meldcode") {
				t.Errorf("the student page links the mentor to the meldcode")
			}
			steps := []url.Values{
				{"step": {"1"}, "notes": {"Blauwe plekken op de onderarm, wil niet naar huis na de stage."}},
				{"step": {"2"}, "notes": {"Overlegd met de aandachtsfunctionaris; Veilig Thuis geraadpleegd."}, "veilig_thuis": {"yes"}},
				{"step": {"3"}, "notes": {"Gesprek met Lotte; zij vertelt over spanningen thuis."}},
				{"step": {"4"}, "notes": {"Vermoeden blijft; geen acute onveiligheid."}, "q1": {"yes"}, "q2": {"no"}, "q3": {"yes"}, "q4": {"yes"}, "q5": {"yes"}},
				{"step": {"5"}, "notes": {"Hulp via SMW, evaluatie over zes weken."}, "decision": {"help"}},
			}
			// Step 4 without its answers is refused, nothing written.
			for i, st := range steps {
				st.Set("done_on", today)
				if i == 3 {
					incomplete := url.Values{"step": {"4"}, "done_on": {today}, "notes": {"x"}, "q1": {"yes"}}
					if res := coord.Post(path+"/steps", incomplete); res.Status != http.StatusBadRequest {
						t.Errorf("step 4 without answers: %d", res.Status)
					}
				}
				if res := coord.Post(path+"/steps", st); res.Status != http.StatusSeeOther {
					t.Fatalf("step %d: %d: %s", i+1, res.Status, res.Body)
				}
			}
			if n := env.Count(`SELECT COUNT(*) FROM meldcode_steps s JOIN meldcodes m ON m.id = s.meldcode_id
				WHERE m.student_id = $1 AND s.by_id = $2`, lotte, env.UserID(demo.UserCoordinator)); n != 5 {
				t.Errorf("steps recorded: %d", n)
			}
			if n := env.Count(`SELECT COUNT(*) FROM meldcodes WHERE student_id = $1 AND closed_at IS NOT NULL`, lotte); n != 1 {
				t.Errorf("closed trajectories: %d", n)
			}
			// A stale form (step 3 again) is refused.
			if res := coord.Post(path+"/steps", url.Values{"step": {"3"}, "done_on": {today}, "notes": {"x"}}); res.Status != http.StatusBadRequest {
				t.Errorf("stale step: %d", res.Status)
			}

			mentorID := env.UserID(demo.UserMentor)
			if res := coord.Post(path+"/people", url.Values{"person": {mentorID}}); res.Status != http.StatusSeeOther {
				t.Fatalf("name the mentor: %d: %s", res.Status, res.Body)
			}
			if n := env.Count(`SELECT COUNT(*) FROM messages WHERE user_id = $1 AND msg_key = 'message.meldcode_named' AND link = $2`, mentorID, path); n != 1 {
				t.Errorf("the named mentor got %d messages", n)
			}
			if msgs := mentor.Get("/messages").Body; !strings.Contains(msgs, `href="`+path+`"`) || strings.Contains(msgs, "Lotte") {
				t.Errorf("the mentor's messages do not link the meldcode, or name the student")
			}
			before := env.Count(`SELECT COUNT(*) FROM access_log WHERE user_id = $1 AND student_id = $2 AND object_kind = 'meldcode'
				AND outcome = 'granted' AND relation = 'meldcode_named'`, mentorID, lotte)
			page := mentor.Get(path)
			if page.Status != http.StatusOK || !strings.Contains(page.Body, "Hulp via SMW") || !strings.Contains(page.Body, "Marieke Vermeer") {
				t.Fatalf("the named mentor: %d", page.Status)
			}
			if strings.Contains(page.Body, `action="/students/`+lotte+`/meldcode/people"`) {
				t.Errorf("the named mentor may name people")
			}
			if after := env.Count(`SELECT COUNT(*) FROM access_log WHERE user_id = $1 AND student_id = $2 AND object_kind = 'meldcode'
				AND outcome = 'granted' AND relation = 'meldcode_named'`, mentorID, lotte); after != before+1 {
				t.Errorf("the mentor's read is not logged: %d → %d", before, after)
			}
			if !strings.Contains(mentor.Get("/students/"+lotte).Body, `href="/students/`+lotte+`/meldcode"`) {
				t.Errorf("the named mentor's student page lacks the meldcode link")
			}
			if res := mentor.Post(path+"/people", url.Values{"person": {env.UserID(demo.UserGGD)}}); res.Status != http.StatusNotFound {
				t.Errorf("the named mentor names someone: %d", res.Status)
			}
			if res := coord.Post(path+"/people/"+mentorID+"/remove", url.Values{}); res.Status != http.StatusSeeOther {
				t.Fatalf("remove the mentor: %d", res.Status)
			}
			if res := mentor.Get(path); res.Status != http.StatusNotFound {
				t.Errorf("the removed mentor: %d", res.Status)
			}
			// Management can never be named.
			if res := coord.Post(path+"/people", url.Values{"person": {env.UserID(demo.UserManagement)}}); res.Status != http.StatusBadRequest {
				t.Errorf("naming management: %d", res.Status)
			}
			// The refused forms are logged as reads, named after what was invalid.
			for _, purpose := range []string{"meldcode (invalid step)", "meldcode (invalid person)"} {
				if n := env.Count(`SELECT COUNT(*) FROM access_log WHERE student_id = $1 AND purpose = $2 AND action = 'read'`,
					lotte, purpose); n == 0 {
					t.Errorf("no access-log read %q", purpose)
				}
			}
		})
	}
}

// TestMeldcodeStepAtOnce: the zorgcoördinator and the named taakdocent record
// the same step of Lotte's meldcode at the same moment. One is stored; the
// other is told in Dutch that someone else was first, with a 4xx, and
// nothing of it is written: one trajectory, each step once.
func TestMeldcodeStepAtOnce(t *testing.T) {
	t.Parallel()
	for _, engine := range storagetest.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			env := webtest.Start(t, engine, webtest.Options{})
			lotte := env.StudentID(demo.LotteNumber)
			path := "/students/" + lotte + "/meldcode"
			first, second := env.NewClient(), env.NewClient()
			first.Login(demo.UserCoordinator)
			if res := first.Post(path+"/people", url.Values{"person": {env.UserID(demo.UserCareContact)}}); res.Status != http.StatusSeeOther {
				t.Fatalf("name the care contact: %d", res.Status)
			}
			second.Login(demo.UserCareContact)
			today := env.Clock.Now().In(casus.Amsterdam).Format(time.DateOnly)
			steps := []url.Values{
				{"step": {"1"}, "notes": {"Signalen in kaart gebracht."}},
				{"step": {"2"}, "notes": {"Collegiale consultatie."}, "veilig_thuis": {"no"}},
				{"step": {"3"}, "notes": {"Gesprek met Lotte."}},
				{"step": {"4"}, "notes": {"Afweging."}, "q1": {"no"}, "q2": {"no"}, "q3": {"no"}, "q4": {"yes"}, "q5": {"yes"}},
				{"step": {"5"}, "notes": {"Hulp georganiseerd."}, "decision": {"help"}},
			}
			for i, st := range steps {
				st.Set("done_on", today)
				refused := oneSaves(t, fmt.Sprintf("step %d", i+1), http.StatusBadRequest, postAtOnce(path+"/steps", st, first, second))
				if !strings.Contains(refused.Body, "Iemand anders heeft intussen een stap vastgelegd") {
					t.Errorf("step %d: the refused save does not say why", i+1)
				}
			}
			if n := env.Count(`SELECT COUNT(*) FROM meldcodes WHERE student_id = $1`, lotte); n != 1 {
				t.Errorf("%d trajectories, want 1", n)
			}
			if n := env.Count(`SELECT COUNT(*) FROM meldcode_steps s JOIN meldcodes m ON m.id = s.meldcode_id WHERE m.student_id = $1`, lotte); n != 5 {
				t.Errorf("%d steps, want 5", n)
			}
		})
	}
}

// oneSaves checks that of two saves at once one went through (303) and
// the other was refused with status refusedWith, and returns the refusal.
func oneSaves(t *testing.T, what string, refusedWith int, got []webtest.Response) webtest.Response {
	t.Helper()
	statuses := []int{got[0].Status, got[1].Status}
	slices.Sort(statuses)
	if statuses[0] != http.StatusSeeOther || statuses[1] != refusedWith {
		t.Fatalf("%s twice at once: %v, want one 303 and one %d", what, statuses, refusedWith)
	}
	if got[0].Status == http.StatusSeeOther {
		return got[1]
	}
	return got[0]
}

// postAtOnce posts the form from every client at the same moment and
// returns their responses in the clients' order.
func postAtOnce(path string, form url.Values, clients ...*webtest.Client) []webtest.Response {
	var (
		wg    sync.WaitGroup
		start = make(chan struct{})
		got   = make([]webtest.Response, len(clients))
	)
	for i, c := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			got[i] = c.Post(path, form)
		}()
	}
	close(start)
	wg.Wait()
	return got
}

// TestMeldcodeNameOnlyWhoCanOpen: the police, not invited for Lotte, is
// not offered and cannot be named for her meldcode (they would be told of
// a meldcode they cannot open); the JGZ member on Milan's case can be named
// for his, and opens it.
func TestMeldcodeNameOnlyWhoCanOpen(t *testing.T) {
	t.Parallel()
	for _, engine := range storagetest.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			env := webtest.Start(t, engine, webtest.Options{})
			lotte, milan := env.StudentID(demo.LotteNumber), env.StudentID(demo.CrisisNumber)
			coord := env.NewClient()
			coord.Login(demo.UserCoordinator)
			police := env.UserID(demo.UserPolice)
			if body := coord.Get("/students/" + lotte + "/meldcode").Body; strings.Contains(body, `value="`+police+`"`) {
				t.Errorf("the police is offered for Lotte's meldcode")
			}
			if res := coord.Post("/students/"+lotte+"/meldcode/people", url.Values{"person": {police}}); res.Status != http.StatusBadRequest {
				t.Errorf("naming the police for Lotte: %d, want 400", res.Status)
			}
			if n := env.Count(`SELECT COUNT(*) FROM messages WHERE user_id = $1 AND msg_key = 'message.meldcode_named'`, police); n != 0 {
				t.Errorf("the police got %d meldcode messages", n)
			}
			ggd := env.NewClient()
			ggd.Login(demo.UserGGD)
			if res := coord.Post("/students/"+milan+"/meldcode/people", url.Values{"person": {env.UserID(demo.UserGGD)}}); res.Status != http.StatusSeeOther {
				t.Fatalf("naming the JGZ member for Milan: %d", res.Status)
			}
			if res := ggd.Get("/students/" + milan + "/meldcode"); res.Status != http.StatusOK {
				t.Errorf("the named JGZ member opens Milan's meldcode: %d", res.Status)
			}
		})
	}
}
