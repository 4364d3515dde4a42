package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"casus"
	"casus/demo"
	"casus/storage"
	"casus/storage/storagetest"
	"casus/web/webtest"
)

// consentMatrixIDs finds Lotte's cases and her consent in force in the
// demo data.
func consentMatrixIDs(t *testing.T, env *webtest.Env) map[string]string {
	t.Helper()
	lotte := env.StudentID(demo.LotteNumber)
	caseAt := func(team string) string {
		var id string
		if err := env.SQL().QueryRow(`SELECT CAST(c.id AS TEXT) FROM cases c JOIN care_teams t ON t.id = c.team_id
			WHERE c.student_id = $1 AND t.name = $2 AND c.status = 'open'`, lotte, team).Scan(&id); err != nil {
			t.Fatalf("Lotte's case at %s: %v", team, err)
		}
		return id
	}
	ids := map[string]string{"{lotte_zat}": caseAt(demo.TeamMBOZAT), "{lotte_intern}": caseAt(demo.TeamMBOIntern)}
	var consent string
	if err := env.SQL().QueryRow(`SELECT CAST(id AS TEXT) FROM consents WHERE case_id = $1 AND withdrawn_at IS NULL`,
		ids["{lotte_zat}"]).Scan(&consent); err != nil {
		t.Fatalf("Lotte's consent: %v", err)
	}
	ids["{lotte_consent}"] = consent
	return ids
}

// consentMatrix: the zorgcoördinator and Lotte's taakdocent manage her
// consent; nobody else learns the case exists. Forms are incomplete, so the
// allowed users get 400 and nothing changes.
func consentMatrix() map[string][]cell {
	cells := func(path string, form url.Values) []cell {
		allowed, anonWant := ok, redirect
		if form != nil {
			allowed, anonWant = bad, unauth
		}
		c := func(user, rel string, want int) cell {
			x := cell{user: user, relation: rel, path: path, form: form, want: want}
			if want == notFound {
				x.denied = "lotte"
			}
			return x
		}
		unknown := strings.NewReplacer("{lotte_zat}", "{unknown}", "{lotte_intern}", "{unknown}").Replace(path)
		return []cell{
			{user: anon, relation: "none", path: path, form: form, want: anonWant},
			c(demo.UserCoordinator, "coordinator", allowed),
			c(demo.UserCareContact, "care_contact", allowed),
			c(demo.UserMentor, "mentor", notFound),
			c(demo.UserGGD, "team_member", notFound),
			c(demo.UserPolice, "none", notFound),
			c(demo.UserManagement, "none (management)", notFound),
			c(demo.UserAdmin, "none (beheerder)", notFound),
			c(demo.UserIB, "none (other school)", notFound),
			{user: demo.UserCoordinator, relation: "none (no such case)", path: unknown, form: form, want: notFound, denied: "unknown"},
		}
	}
	empty := url.Values{"giver_name": {""}}
	return map[string][]cell{
		"GET /cases/{id}/consent":                            cells("/cases/{lotte_zat}/consent", nil),
		"POST /cases/{id}/consent":                           cells("/cases/{lotte_zat}/consent", empty),
		"GET /cases/{id}/consent/form":                       cells("/cases/{lotte_zat}/consent/form", nil),
		"GET /cases/{id}/consent/form.pdf":                   cells("/cases/{lotte_zat}/consent/form.pdf", nil),
		"POST /cases/{id}/consent/{consent}/withdraw":        cells("/cases/{lotte_zat}/consent/{lotte_consent}/withdraw", empty),
		"POST /cases/{id}/consent/exception":                 cells("/cases/{lotte_zat}/consent/exception", empty),
		"POST /cases/{id}/consent/exception/{exception}/end": cells("/cases/{lotte_zat}/consent/exception/{unknown}/end", empty),
		"POST /cases/{id}/informed":                          cells("/cases/{lotte_intern}/informed", empty),
	}
}

// TestWithdrawnConsentMakesPartnerAnonymous: the GGZ partner, a fixed member
// of the ZAT, sees Lotte by name under her consent (scope: social work,
// youth care agency, GGZ). The coordinator withdraws it: at once the partner
// sees no name on her page, in the list or in a search.
func TestWithdrawnConsentMakesPartnerAnonymous(t *testing.T) {
	t.Parallel()
	for _, engine := range storagetest.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			env := webtest.Start(t, engine, webtest.Options{})
			ids := consentMatrixIDs(t, env)
			lotte := env.StudentID(demo.LotteNumber)
			ggz := env.NewClient()
			ggz.Login("ggz")
			before := ggz.Get("/students/" + lotte)
			if before.Status != http.StatusOK || !strings.Contains(before.Body, "Lotte Verhagen") || !strings.Contains(before.Body, demo.LotteNumber) {
				t.Fatalf("GGZ under consent: %d, want Lotte by name and number", before.Status)
			}
			if !strings.Contains(ggz.Get("/students").Body, "Lotte Verhagen") {
				t.Errorf("GGZ's list lacks Lotte under consent")
			}

			coord := env.NewClient()
			coord.Login(demo.UserCoordinator)
			page := coord.Get("/cases/" + ids["{lotte_zat}"] + "/consent")
			if page.Status != http.StatusOK || !strings.Contains(page.Body, "(jeugd-)GGZ") {
				t.Fatalf("consent page: %d", page.Status)
			}
			env.Clock.Add(time.Minute)
			res := coord.Post("/cases/"+ids["{lotte_zat}"]+"/consent/"+ids["{lotte_consent}"]+"/withdraw",
				url.Values{"reason": {"Lotte wil niet dat de GGZ meekijkt."}})
			if res.Status != http.StatusSeeOther {
				t.Fatalf("withdraw: %d: %s", res.Status, res.Body)
			}
			if page := coord.Get(res.Location); !strings.Contains(page.Body, "ingetrokken") || !strings.Contains(page.Body, "Lotte wil niet") {
				t.Errorf("consent page after withdrawal does not show it")
			}

			after := ggz.Get("/students/" + lotte)
			for _, leak := range []string{"Lotte", "Verhagen", demo.LotteNumber, "Zorg en welzijn"} {
				if strings.Contains(after.Body, leak) {
					t.Errorf("GGZ still sees %q after the withdrawal", leak)
				}
			}
			if after.Status != http.StatusOK || !strings.Contains(after.Body, "Anonieme casus") {
				t.Errorf("GGZ after withdrawal: %d, want the anonymous case", after.Status)
			}
			if strings.Contains(ggz.Get("/students").Body, "Lotte") {
				t.Errorf("GGZ's student list still names Lotte")
			}
			if strings.Contains(ggz.Post("/students", url.Values{"q": {"Lotte"}}).Body, "Anonieme casus") {
				t.Errorf("a name search confirms the anonymous case")
			}
			if n := env.Count(`SELECT COUNT(*) FROM access_log WHERE user_id = $1 AND student_id = $2 AND purpose = 'student page (anonymous)'`,
				env.UserID("ggz"), lotte); n != 1 {
				t.Errorf("%d anonymous reads logged, want 1", n)
			}
			if n := env.Count(`SELECT COUNT(*) FROM access_log WHERE student_id = $1 AND action = 'change' AND object_kind = 'consent'`, lotte); n != 1 {
				t.Errorf("%d withdrawals logged, want 1", n)
			}
			// The mentor and the JGZ member of the intern zorgteam still see her.
			ggd := env.NewClient()
			ggd.Login(demo.UserGGD)
			if !strings.Contains(ggd.Get("/students/"+lotte).Body, "Lotte Verhagen") {
				t.Errorf("JGZ, through the intern zorgteam, lost Lotte's name")
			}
		})
	}
}

// TestExpiredConsent: consent recorded with an end date names the student
// to the partner until that day, and not after.
func TestExpiredConsent(t *testing.T) {
	t.Parallel()
	for _, engine := range storagetest.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			env := webtest.Start(t, engine, webtest.Options{})
			ids := consentMatrixIDs(t, env)
			lotte := env.StudentID(demo.LotteNumber)
			coord := env.NewClient()
			coord.Login(demo.UserCoordinator)
			day := func(d int) string { return env.Clock.Now().In(casus.Amsterdam).AddDate(0, 0, d).Format(time.DateOnly) }
			res := coord.Post("/cases/"+ids["{lotte_zat}"]+"/consent", url.Values{"giver": {"student"}, "giver_name": {"Lotte Verhagen"},
				"decision": {"toestemming"}, "scope": {"ggz", "smw"}, "how": {"conversation"}, "given_on": {day(0)}, "expires_on": {day(10)}})
			if res.Status != http.StatusSeeOther {
				t.Fatalf("record consent with an end date: %d: %s", res.Status, res.Body)
			}
			ggz := env.NewClient()
			ggz.Login("ggz")
			if !strings.Contains(ggz.Get("/students/"+lotte).Body, "Lotte Verhagen") {
				t.Fatal("GGZ does not see Lotte under the new consent")
			}
			env.Clock.Add(11 * 24 * time.Hour)
			if body := ggz.Get("/students/" + lotte).Body; strings.Contains(body, "Lotte") || !strings.Contains(body, "Anonieme casus") {
				t.Errorf("GGZ still sees Lotte by name after the consent expired")
			}
		})
	}
}

// TestConsentDefaults: the form proposes the student as giver from 16 and
// the guardians below: Lotte (17, mbo) decides herself; for Yara (10) her
// parents do.
func TestConsentDefaults(t *testing.T) {
	t.Parallel()
	for _, engine := range storagetest.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			env := webtest.Start(t, engine, webtest.Options{})
			ids := consentMatrixIDs(t, env)
			coord := env.NewClient()
			coord.Login(demo.UserCoordinator)
			lotte := coord.Get("/cases/" + ids["{lotte_zat}"] + "/consent").Body
			if !strings.Contains(lotte, `value="student" checked`) || !strings.Contains(lotte, "de leerling zelf") {
				t.Errorf("Lotte (17): the student is not the default giver")
			}
			var yaraZAT string
			if err := env.SQL().QueryRow(`SELECT CAST(c.id AS TEXT) FROM cases c JOIN students s ON s.id = c.student_id
				JOIN care_teams t ON t.id = c.team_id WHERE s.student_number = $1 AND t.kind = 'zat'`, demo.RefusalNumber).Scan(&yaraZAT); err != nil {
				t.Fatal(err)
			}
			ib := env.NewClient()
			ib.Login(demo.UserIB)
			yara := ib.Get("/cases/" + yaraZAT + "/consent")
			if yara.Status != http.StatusOK || !strings.Contains(yara.Body, `value="guardian" checked`) || !strings.Contains(yara.Body, "de ouders of verzorgers met gezag") {
				t.Errorf("Yara (10): %d, the guardians are not the default givers", yara.Status)
			}
			if !strings.Contains(yara.Body, "geweigerd") {
				t.Errorf("Yara's refusal is not shown")
			}
		})
	}
}

// TestConsentBadInput: a named consent without scope, a date in the future
// or an end date in the past is refused in Dutch and changes nothing.
func TestConsentBadInput(t *testing.T) {
	t.Parallel()
	env := webtest.Start(t, storage.SQLite, webtest.Options{})
	ids := consentMatrixIDs(t, env)
	coord := env.NewClient()
	coord.Login(demo.UserCoordinator)
	day := func(d int) string { return env.Clock.Now().In(casus.Amsterdam).AddDate(0, 0, d).Format(time.DateOnly) }
	valid := func() url.Values {
		return url.Values{"giver": {"student"}, "giver_name": {"Lotte Verhagen"}, "decision": {"toestemming"},
			"scope": {"ggz"}, "how": {"conversation"}, "given_on": {day(0)}}
	}
	with := func(k string, v ...string) url.Values { f := valid(); f[k] = v; return f }
	for _, tc := range []struct {
		name string
		form url.Values
		want string
	}{
		{"no scope", with("scope"), "Kies met welke ketenpartners"},
		{"unknown discipline", with("scope", "nsa"), "Kies een van de mogelijkheden."},
		{"future date", with("given_on", day(3)), "Deze datum ligt in de toekomst"},
		{"end before today", with("expires_on", day(-1)), "moet na vandaag"},
		{"no decision", with("decision"), "Kies een van de mogelijkheden."},
		{"no name", with("giver_name", ""), "Vul dit veld in."},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := env.Snapshot("sessions", "access_log", "access_log_head")
			res := coord.Post("/cases/"+ids["{lotte_zat}"]+"/consent", tc.form)
			if res.Status != http.StatusBadRequest || !strings.Contains(res.Body, tc.want) {
				t.Errorf("status %d, want 400 with %q", res.Status, tc.want)
			}
			if changed := webtest.Changed(before, env.Snapshot("sessions", "access_log", "access_log_head")); len(changed) > 0 {
				t.Errorf("refused input changed %v", changed)
			}
		})
	}
}

// TestConsentForm: the form for Lotte's ZAT case, in Dutch and English, as
// a page and as a PDF, names her, her school, the team and its partner
// organisations; printing and exporting it are logged.
func TestConsentForm(t *testing.T) {
	t.Parallel()
	env := webtest.Start(t, storage.SQLite, webtest.Options{})
	ids := consentMatrixIDs(t, env)
	lotte := env.StudentID(demo.LotteNumber)
	coord := env.NewClient()
	coord.Login(demo.UserCoordinator)
	for lang, want := range map[string][]string{
		"nl": {"Toestemming voor bespreking in het zorg- en adviesteam", "Lotte Verhagen", "ROC Rivierenland", demo.TeamMBOZAT, "(jeugd-)GGZ", "De leerling"},
		"en": {"Consent to discussion in the care and advice team", "Lotte Verhagen", "Your rights", "The student"},
	} {
		res := coord.Get("/cases/" + ids["{lotte_zat}"] + "/consent/form?lang=" + lang)
		if res.Status != http.StatusOK {
			t.Fatalf("%s form: %d", lang, res.Status)
		}
		for _, w := range want {
			if !strings.Contains(res.Body, w) {
				t.Errorf("%s form lacks %q", lang, w)
			}
		}
		pdf := coord.Get("/cases/" + ids["{lotte_zat}"] + "/consent/form.pdf?lang=" + lang)
		if pdf.Status != http.StatusOK || pdf.Header.Get("Content-Type") != "application/pdf" || !strings.HasPrefix(pdf.Body, "%PDF-") ||
			len(pdf.Body) < 5000 || strings.Contains(pdf.Header.Get("Content-Disposition"), "Lotte") {
			t.Errorf("%s PDF: %d %s, %d bytes, disposition %q", lang, pdf.Status, pdf.Header.Get("Content-Type"), len(pdf.Body),
				pdf.Header.Get("Content-Disposition"))
		}
	}
	if n := env.Count(`SELECT COUNT(*) FROM access_log WHERE student_id = $1 AND object_kind = 'consent' AND action IN ('print', 'export')`, lotte); n != 4 {
		t.Errorf("%d prints and exports logged, want 4", n)
	}
}

// TestAnonymousPartnerGetsNoReferral: the referral names the student in
// every part, so a partner without consent cannot open it or see it in the
// queue, while a partner with consent can.
func TestAnonymousPartnerGetsNoReferral(t *testing.T) {
	t.Parallel()
	env := webtest.Start(t, storage.SQLite, webtest.Options{})
	ids := consentMatrixIDs(t, env)
	lotte := env.StudentID(demo.LotteNumber)
	var zatRef string
	coord := env.NewClient()
	coord.Login(demo.UserCoordinator)
	// Escalate Lotte's intern referral, accept it at the ZAT: the ZAT's
	// fixed members may read it once accepted.
	intern := referralMatrixIDs(t, env)["{ref:lotte}"]
	// Fixture: the demo's intern referral leaves out what the intern team
	// does not require; the ZAT requires every part.
	if _, err := env.SQL().Exec(`UPDATE referrals SET family_hindering = 'x', family_protective = 'x', question_student = 'x',
		question_parents = 'x', support_school = 'x', support_parents = 'x', parenting_needs = 'x', agencies_involved = 'x', assessments = 'x', informed = 'x', needs_education = 'x', needs_care = 'x', student_hindering = 'x', student_protective = 'x',
		school_hindering = 'x', school_protective = 'x', done_before = 'x', done_result = 'x' WHERE id = $1`, intern); err != nil {
		t.Fatal(err)
	}
	res := coord.Post("/referrals/"+intern+"/escalate", url.Values{"version": {version(t, env, intern)},
		"team": {teamID(t, env, demo.TeamMBOZAT)}, "section": {"0", "1", "2", "3", "4", "5", "6", "7", "8"}})
	if res.Status != http.StatusSeeOther {
		t.Fatalf("escalate: %d", res.Status)
	}
	zatRef = strings.TrimSuffix(strings.TrimPrefix(res.Location, "/referrals/"), "?done=escalated")
	if res := coord.Post("/referrals/"+zatRef+"/decision", url.Values{"decision": {"accept"}, "version": {version(t, env, zatRef)}}); res.Status != http.StatusSeeOther {
		t.Fatalf("accept at the ZAT: %d %s", res.Status, res.Body)
	}
	ggz := env.NewClient()
	ggz.Login("ggz")
	if res := ggz.Get("/referrals/" + zatRef); res.Status != http.StatusOK || !strings.Contains(res.Body, "Lotte") {
		t.Fatalf("GGZ under consent: referral %d", res.Status)
	}
	coord.Post("/cases/"+ids["{lotte_zat}"]+"/consent/"+ids["{lotte_consent}"]+"/withdraw", url.Values{"reason": {"ingetrokken"}})
	if res := ggz.Get("/referrals/" + zatRef); res.Status != http.StatusNotFound || strings.Contains(res.Body, "Lotte") {
		t.Errorf("GGZ after withdrawal: referral %d, want 404 without her name", res.Status)
	}
	if strings.Contains(ggz.Get("/referrals").Body, zatRef) {
		t.Errorf("GGZ's queue still lists the referral")
	}
	if n := env.Count(`SELECT COUNT(*) FROM access_log WHERE user_id = $1 AND student_id = $2 AND object_kind = 'referral' AND outcome = 'denied'`,
		env.UserID("ggz"), lotte); n != 1 {
		t.Errorf("%d denied referral reads logged, want 1", n)
	}
}

// TestAnonymousPartnerGetsNoCareFile: after the withdrawal the GGZ partner
// cannot open Lotte's care-file entries or route either.
func TestAnonymousPartnerGetsNoCareFile(t *testing.T) {
	t.Parallel()
	env := webtest.Start(t, storage.SQLite, webtest.Options{})
	ids := consentMatrixIDs(t, env)
	lotte := env.StudentID(demo.LotteNumber)
	var entry string
	if err := env.SQL().QueryRow(`SELECT CAST(e.id AS TEXT) FROM care_entries e JOIN care_entry_versions v ON v.entry_id = e.id
		WHERE e.student_id = $1 AND v.visibility = 'guidance' ORDER BY v.occurred_on LIMIT 1`, lotte).Scan(&entry); err != nil {
		t.Fatalf("an entry of Lotte's that team members may read: %v", err)
	}
	ggz := env.NewClient()
	ggz.Login("ggz")
	paths := []string{"/students/" + lotte + "/care/" + entry, "/students/" + lotte + "/route"}
	for _, p := range paths {
		if res := ggz.Get(p); res.Status != http.StatusOK {
			t.Fatalf("GGZ under consent: %s %d", p, res.Status)
		}
	}
	coord := env.NewClient()
	coord.Login(demo.UserCoordinator)
	coord.Post("/cases/"+ids["{lotte_zat}"]+"/consent/"+ids["{lotte_consent}"]+"/withdraw", url.Values{"reason": {"ingetrokken"}})
	for _, p := range paths {
		if res := ggz.Get(p); res.Status != http.StatusNotFound || strings.Contains(res.Body, "Lotte") {
			t.Errorf("GGZ after withdrawal: %s %d, want 404 without her name", p, res.Status)
		}
	}
}

// TestWithdrawOtherCasesConsent: a consent id of another case in the path
// is not found, nothing is withdrawn, and the attempt is in the access log.
func TestWithdrawOtherCasesConsent(t *testing.T) {
	t.Parallel()
	env := webtest.Start(t, storage.SQLite, webtest.Options{})
	ids := consentMatrixIDs(t, env)
	var milanZAT string
	if err := env.SQL().QueryRow(`SELECT CAST(c.id AS TEXT) FROM cases c JOIN students s ON s.id = c.student_id
		JOIN care_teams t ON t.id = c.team_id WHERE s.student_number = $1 AND t.kind = 'zat'`, demo.CrisisNumber).Scan(&milanZAT); err != nil {
		t.Fatal(err)
	}
	coord := env.NewClient()
	coord.Login(demo.UserCoordinator)
	denied := func() int {
		return env.Count(`SELECT COUNT(*) FROM access_log WHERE outcome = 'denied' AND user_id = $1 AND object_kind = 'consent'`,
			env.UserID(demo.UserCoordinator))
	}
	before := denied()
	res := coord.Post("/cases/"+milanZAT+"/consent/"+ids["{lotte_consent}"]+"/withdraw", url.Values{"reason": {"x"}})
	if res.Status != http.StatusNotFound {
		t.Errorf("withdraw Lotte's consent through Milan's case: %d, want 404", res.Status)
	}
	if n := env.Count(`SELECT COUNT(*) FROM consents WHERE id = $1 AND withdrawn_at IS NULL`, ids["{lotte_consent}"]); n != 1 {
		t.Errorf("Lotte's consent was withdrawn")
	}
	if denied() != before+1 {
		t.Errorf("the attempt is not in the access log as denied")
	}
}

// TestEndedExceptionMakesCaseAnonymous: Milan's case runs under the meldcode
// exception, so the police, invited for it, sees his name. Once the
// coordinator ends the exception, the police sees the case anonymously.
func TestEndedExceptionMakesCaseAnonymous(t *testing.T) {
	t.Parallel()
	for _, engine := range storagetest.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			env := webtest.Start(t, engine, webtest.Options{})
			milan := env.StudentID(demo.CrisisNumber)
			var zatCase, exception string
			if err := env.SQL().QueryRow(`SELECT CAST(e.case_id AS TEXT), CAST(e.id AS TEXT) FROM consent_exceptions e
				JOIN cases c ON c.id = e.case_id WHERE c.student_id = $1`, milan).Scan(&zatCase, &exception); err != nil {
				t.Fatalf("Milan's exception: %v", err)
			}
			police := env.NewClient()
			police.Login(demo.UserPolice)
			if body := police.Get("/students/" + milan).Body; !strings.Contains(body, "Milan de Ridder") {
				t.Fatalf("police under the exception does not see Milan's name")
			}
			coord := env.NewClient()
			coord.Login(demo.UserCoordinator)
			if res := coord.Post("/cases/"+zatCase+"/consent/exception/"+exception+"/end", url.Values{"end_reason": {""}}); res.Status != http.StatusBadRequest {
				t.Errorf("ending without a reason: %d, want 400", res.Status)
			}
			res := coord.Post("/cases/"+zatCase+"/consent/exception/"+exception+"/end", url.Values{"end_reason": {"Milan woont weer thuis; hulp loopt."}})
			if res.Status != http.StatusSeeOther {
				t.Fatalf("end the exception: %d: %s", res.Status, res.Body)
			}
			if body := police.Get("/students/" + milan).Body; strings.Contains(body, "Milan") || !strings.Contains(body, "Anonieme casus") {
				t.Errorf("police after the exception ended: Milan named, or not anonymous")
			}
			if res := coord.Post("/cases/"+zatCase+"/consent/exception/"+exception+"/end", url.Values{"end_reason": {"nog eens"}}); res.Status != http.StatusNotFound {
				t.Errorf("ending it twice: %d, want 404", res.Status)
			}
		})
	}
}
