package e2e

import (
	"context"
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

// TestBrowserCarePath walks the care route of issue 3 as the demo users, for
// a student of the mentor who has no case yet: the mentor logs two signals
// and a guidance note; the taakdocent drafts, completes and submits a
// referral to the intern zorgteam; the zorgcoördinator accepts it,
// escalates it to the ZAT, records the guardian's consent with its scope
// and accepts the ZAT referral, which is then ready for the agenda.
// axe-core finds no violation on any page on the way.
func TestBrowserCarePath(t *testing.T) {
	exe := requireBrowser(t)
	for _, engine := range storagetest.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			env := webtest.Start(t, engine, webtest.Options{})
			var student, name string
			if err := env.SQL().QueryRow(`SELECT CAST(s.id AS TEXT), s.first_name FROM students s JOIN users u ON u.id = s.mentor_id
				WHERE u.username = $1 AND NOT EXISTS (SELECT 1 FROM cases c WHERE c.student_id = s.id)
				AND NOT EXISTS (SELECT 1 FROM referrals r WHERE r.student_id = s.id)
				AND EXISTS (SELECT 1 FROM guardians g WHERE g.student_id = s.id) ORDER BY s.student_number LIMIT 1`,
				demo.UserMentor).Scan(&student, &name); err != nil {
				t.Fatalf("a student of the mentor without a case: %v", err)
			}
			page := "/students/" + student

			// The mentor: two signals and a guidance note.
			m := newBrowser(t, exe, env.URL)
			m.open("/login", http.StatusOK)
			m.login(demo.UserMentor, demo.Password, http.StatusOK)
			m.open(page, http.StatusOK)
			for i, text := range []string{name + " is deze maand vier keer te laat gekomen.", name + " vertelt dat het thuis onrustig is."} {
				m.follow("log signal "+string(rune('1'+i)), http.StatusOK,
					chromedp.Click(chromedp.CSS(`main a[href$="/care/new?kind=signal"]`)))
				m.follow("save signal "+string(rune('1'+i)), http.StatusOK,
					chromedp.SendKeys(chromedp.ID("f-text"), text),
					chromedp.Click(chromedp.CSS(`main form button[type="submit"]`)))
			}
			m.follow("new entry", http.StatusOK, chromedp.Click(chromedp.CSS(`main a[href$="/care/new"]`)))
			m.follow("save guidance note", http.StatusOK,
				chromedp.Click(chromedp.ID("f-kind-guidance")),
				chromedp.SendKeys(chromedp.ID("f-text"), "Gesprek gevoerd; we spreken een wekelijkse check-in af."),
				chromedp.Click(chromedp.CSS(`main form button[type="submit"]`)))
			if n := eval[int](m, `document.querySelectorAll('section.casus-entry').length`); n != 3 {
				t.Fatalf("care file shows %d entries after the mentor's three, want 3", n)
			}

			// The taakdocent: draft, complete and submit to the intern zorgteam.
			tc := newBrowser(t, exe, env.URL)
			tc.open("/login", http.StatusOK)
			tc.login(demo.UserCareContact, demo.Password, http.StatusOK)
			tc.open(page, http.StatusOK)
			tc.follow("refer", http.StatusOK, chromedp.Click(chromedp.CSS(`main a[href$="/referrals/new"]`)))
			tc.follow("draft at the intern zorgteam", http.StatusOK,
				chromedp.Click(chromedp.CSS(`main input[name="team"]`)),
				chromedp.Click(chromedp.CSS(`main form button[type="submit"]`)))
			eval[bool](tc, `[...document.querySelectorAll('main textarea')].forEach(t => { if (!t.value) t.value = 'Ingevuld door de taakdocent.' }) || true`)
			eval[bool](tc, `(document.getElementById('f-problem_category').selectedIndex = 1) > 0`)
			eval[bool](tc, `[...document.querySelectorAll('main input[name="entry"]')].forEach(c => c.checked = true) || true`)
			tc.follow("submit the referral", http.StatusOK, chromedp.Click(chromedp.CSS(`main button[value="submit"]`)))
			if s := eval[string](tc, `document.querySelector('main [role="status"]')?.innerText ?? ''`); s != "De aanmelding is ingediend." {
				t.Fatalf("after submitting: notice %q", s)
			}
			referral := strings.TrimPrefix(strings.SplitN(run(tc, "location", chromedp.Location()), "?", 2)[0], env.URL)

			// The coordinator: accept, escalate, consent, accept at the ZAT.
			c := newBrowser(t, exe, env.URL)
			c.open("/login", http.StatusOK)
			c.login(demo.UserCoordinator, demo.Password, http.StatusOK)
			c.follow("menu → referrals", http.StatusOK, chromedp.Click(chromedp.CSS(`nav a[href="/referrals"]`)))
			c.follow("queue → the referral", http.StatusOK, chromedp.Click(chromedp.CSS(`main a[href="`+referral+`"]`)))
			c.follow("accept at the intern zorgteam", http.StatusOK,
				chromedp.Click(chromedp.ID("f-decision-accept")),
				chromedp.Click(chromedp.CSS(`main form[action$="/decision"] button[type="submit"]`)))
			c.follow("escalate", http.StatusOK, chromedp.Click(chromedp.CSS(`main a[href$="/escalate"]`)))
			c.shoot(engine + "-escalate")
			c.follow("escalate to the ZAT", http.StatusOK,
				chromedp.SendKeys(chromedp.ID("f-bridging"), "De mentor houdt de check-in aan tot de ZAT-bespreking."),
				chromedp.Click(chromedp.CSS(`main form[action$="/escalate"] button[type="submit"]`)))
			zatReferral := strings.TrimPrefix(strings.SplitN(run(c, "location", chromedp.Location()), "?", 2)[0], env.URL)
			if s := eval[string](c, `document.querySelector('main p strong')?.innerText ?? ''`); s != "ingediend" {
				t.Errorf("ZAT referral after escalation: state %q, want ingediend", s)
			}
			c.open(page, http.StatusOK)
			consent := eval[string](c, `[...document.querySelectorAll('main a[href$="/consent"]')].find(a => a.innerText.startsWith('toestemming'))?.getAttribute('href') ?? ''`)
			if consent == "" {
				t.Fatal("no consent link for the ZAT case on the student page")
			}
			c.follow("student → consent for the ZAT case", http.StatusOK,
				chromedp.Click(chromedp.CSS(`main a[href="`+consent+`"]`)))
			c.shoot(engine + "-consent")
			for _, id := range []string{"f-giver-guardian", "f-decision-toestemming", "f-scope-smw", "f-scope-ggz"} {
				if !eval[bool](c, `(() => { const e = document.getElementById(`+jsString(id)+`); if (!e) return false; e.checked = true; return true })()`) {
					t.Fatalf("consent form has no %s", id)
				}
			}
			// The form asks which parent or guardian answers: the first listed.
			eval[bool](c, `(() => { const g = document.querySelector('main input[name="guardian"]'); if (g) g.checked = true; return !!g })()`)
			c.follow("record the guardian's consent", http.StatusOK,
				chromedp.SetValue(chromedp.ID("f-giver_name"), "ouder van "+name),
				chromedp.Click(chromedp.CSS(`main form[action$="/consent"] button[type="submit"]`)))
			if s := eval[string](c, `document.querySelector('main [role="status"]')?.innerText ?? ''`); s != "Het besluit is vastgelegd." {
				t.Errorf("after recording consent: notice %q", s)
			}
			c.follow("consent form", http.StatusOK, chromedp.Click(chromedp.CSS(`main a[href$="/consent/form"]`)))
			c.open(zatReferral, http.StatusOK)
			c.follow("accept at the ZAT", http.StatusOK,
				chromedp.Click(chromedp.ID("f-decision-accept")),
				chromedp.Click(chromedp.CSS(`main form[action$="/decision"] button[type="submit"]`)))
			if s := eval[string](c, `document.querySelector('main p strong')?.innerText ?? ''`); s != "geaccepteerd" {
				t.Errorf("ZAT referral: state %q, want geaccepteerd (ready for the agenda)", s)
			}
			c.follow("menu → referrals", http.StatusOK, chromedp.Click(chromedp.CSS(`nav a[href="/referrals"]`)))
			if !eval[bool](c, `!!document.querySelector('main a[href="`+zatReferral+`"]')`) {
				t.Errorf("the accepted ZAT referral is not in the queue")
			}
			// Ready for the agenda: it stands on the ZAT's next meeting.
			var meeting string
			if err := env.SQL().QueryRow(`SELECT CAST(meeting_id AS TEXT) FROM agenda_items WHERE CAST(source_id AS TEXT) = $1`,
				strings.TrimPrefix(zatReferral, "/referrals/")).Scan(&meeting); err != nil {
				t.Fatalf("the accepted ZAT referral is on no agenda: %v", err)
			}
			c.open("/meetings/"+meeting, http.StatusOK)
			if !eval[bool](c, `document.querySelector('main .casus-agenda')?.innerText.includes(`+jsString(name)+`) ?? false`) {
				t.Errorf("the agenda does not show %s", name)
			}

			// An action for the mentor, who reports progress from the task list.
			c.open(page, http.StatusOK)
			mentorID := env.UserID(demo.UserMentor)
			due := env.Clock.Now().AddDate(0, 0, 14).Format("2006-01-02")
			c.follow("agree an action with the mentor", http.StatusOK,
				chromedp.SetValue(chromedp.ID("f-owner"), mentorID),
				chromedp.SendKeys(chromedp.ID("f-description"), "Wekelijkse check-in voortzetten"),
				chromedp.SetValue(chromedp.ID("f-due_on"), due),
				chromedp.Click(chromedp.CSS(`main form[action$="/actions"] button[type="submit"]`)))
			m.follow("menu → my actions", http.StatusOK, chromedp.Click(chromedp.CSS(`nav a[href="/tasks"]`)))
			m.follow("report progress", http.StatusOK,
				chromedp.SendKeys(chromedp.CSS(`main form[action^="/actions/"] input[name="note"]`), "Check-in loopt."),
				chromedp.Click(chromedp.CSS(`main form[action^="/actions/"] button[type="submit"]`)))
			if s := eval[string](m, `document.querySelector('main [role="status"]')?.innerText ?? ''`); s != "Je voortgang is vastgelegd." {
				t.Errorf("after reporting progress: notice %q", s)
			}

			// Three months after the ZAT meeting: the aftercare task, from the chair's messages.
			var starts time.Time
			if err := env.DB.ReadSQL().QueryRow(`SELECT starts_at FROM meetings WHERE CAST(id AS TEXT) = $1`, meeting).Scan(&starts); err != nil {
				t.Fatal(err)
			}
			env.Clock.Set(starts.AddDate(0, 3, 0).Add(time.Hour))
			if n, err := jobs.CreateAftercareTasks(context.Background(), env.DB); err != nil || n == 0 {
				t.Fatalf("aftercare tasks: %d, %v", n, err)
			}
			c.follow("menu → messages", http.StatusOK, chromedp.Click(chromedp.CSS(`nav a[href="/messages"]`)))
			c.follow("message → aftercare", http.StatusOK, chromedp.Click(chromedp.CSS(`main a[href$="/aftercare"]`)))
			var state string
			if err := env.SQL().QueryRow(`SELECT state FROM referrals WHERE CAST(id AS TEXT) = $1`,
				strings.TrimPrefix(zatReferral, "/referrals/")).Scan(&state); err != nil || state != "accepted" {
				t.Errorf("ZAT referral state %q (%v), want accepted", state, err)
			}
			if n := env.Count(`SELECT COUNT(*) FROM consents WHERE student_id = $1 AND giver = 'guardian'`, student); n != 1 {
				t.Errorf("%d guardian consents stored, want 1", n)
			}
		})
	}
}
