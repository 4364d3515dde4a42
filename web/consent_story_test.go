package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"casus"
	"casus/demo"
	"casus/storage/storagetest"
	"casus/web/webtest"
)

// onEngines runs story on each engine, against a fresh demo each time, as
// the subtest name/engine.
func onEngines(t *testing.T, name string, story func(t *testing.T, env *webtest.Env)) {
	t.Run(name, func(t *testing.T) {
		for _, engine := range storagetest.Engines(t) {
			t.Run(engine, func(t *testing.T) {
				story(t, webtest.Start(t, engine, webtest.Options{}))
			})
		}
	})
}

// guardianID finds the student's guardian with the relation.
func guardianID(t *testing.T, env *webtest.Env, studentID, relation string) string {
	t.Helper()
	var id string
	if err := env.SQL().QueryRow(`SELECT CAST(id AS TEXT) FROM guardians WHERE student_id = $1 AND relation = $2`,
		studentID, relation).Scan(&id); err != nil {
		t.Fatalf("the %s: %v", relation, err)
	}
	return id
}

// seesName reports whether the user's page of the student names them: 200
// with the name, or 200 anonymous (fails the test otherwise).
func seesName(t *testing.T, c *webtest.Client, studentID, name string) bool {
	t.Helper()
	res := c.Get("/students/" + studentID)
	if res.Status != http.StatusOK {
		t.Fatalf("student page: %d", res.Status)
	}
	named := strings.Contains(res.Body, name)
	if !named && !strings.Contains(res.Body, "Anonieme casus") {
		t.Fatalf("student page neither names %q nor is anonymous", name)
	}
	return named
}

// TestConsent: consent that holds up (SPEC §4, issue 11 scope 4), as the
// IB'er and the zorgcoördinator record it and the partners see it.
func TestConsent(t *testing.T) {
	t.Parallel()
	today := func(env *webtest.Env) string { return env.Clock.Now().In(casus.Amsterdam).Format(time.DateOnly) }
	guardianDecision := func(env *webtest.Env, guardian, decision string, scope ...string) url.Values {
		return url.Values{"giver": {"guardian"}, "guardian": {guardian}, "decision": {decision}, "scope": scope,
			"how": {"conversation"}, "given_on": {today(env)}}
	}

	// Yara (10) at the above-school ZAT: her mother consents to JGZ and
	// social work, her father (also with parental authority) refuses. The
	// JGZ nurse, a fixed member of that ZAT, sees no name; the IB'er's page
	// says one parent refuses, and who.
	onEngines(t, "OneParentRefuses/PartnerSeesNoName", func(t *testing.T, env *webtest.Env) {
		yara := env.StudentID(demo.RefusalNumber)
		jgz := env.NewClient()
		jgz.Login("jgz.po")
		if seesName(t, jgz, yara, "Yara") {
			t.Error("JGZ sees Yara's name while her father refuses")
		}
		ib := env.NewClient()
		ib.Login(demo.UserIB)
		page := ib.Get("/students/" + yara).Body
		if !strings.Contains(page, "Eén ouder weigert: Rutger Bosman (vader) geeft geen toestemming") {
			t.Errorf("Yara's consent section does not say plainly that one parent refuses")
		}
		consent := ib.Get("/cases/" + openCase(t, env, yara, "zat") + "/consent").Body
		for _, want := range []string{"Eén ouder weigert", "weegt een weigering of intrekking van één ouder zwaarder",
			"Welke ouder of verzorger antwoordt?", "Linda Bosman (moeder)", "Rutger Bosman (vader)",
			"geldig, maar geblokkeerd: de andere ouder weigert"} {
			if !strings.Contains(consent, want) {
				t.Errorf("consent page lacks %q", want)
			}
		}
	})

	// The father consents too: now both parents agree and JGZ, in both
	// scopes, sees Yara by name. Which parent answers must be said.
	onEngines(t, "OneParentRefuses/BothConsent/PartnerSeesName", func(t *testing.T, env *webtest.Env) {
		yara := env.StudentID(demo.RefusalNumber)
		zat := openCase(t, env, yara, "zat")
		ib := env.NewClient()
		ib.Login(demo.UserIB)
		env.Clock.Add(time.Minute)
		noParent := guardianDecision(env, "", "toestemming", "jgz")
		if res := ib.Post("/cases/"+zat+"/consent", noParent); res.Status != http.StatusBadRequest ||
			!strings.Contains(res.Body, "Kies welke ouder of verzorger antwoordt.") {
			t.Errorf("a parent's decision without saying which parent: %d, want 400 asking which", res.Status)
		}
		if res := ib.Post("/cases/"+zat+"/consent", guardianDecision(env, guardianID(t, env, yara, "vader"), "toestemming", "jgz", "smw")); res.Status != http.StatusSeeOther {
			t.Fatalf("the father's consent: %d: %s", res.Status, res.Body)
		}
		if n := env.Count(`SELECT COUNT(*) FROM consents WHERE case_id = $1 AND giver_name = 'Rutger Bosman (vader)' AND NOT refused`, zat); n != 1 {
			t.Errorf("%d consents recorded in the father's name, want 1", n)
		}
		jgz := env.NewClient()
		jgz.Login("jgz.po")
		if !seesName(t, jgz, yara, "Yara Bosman") {
			t.Error("JGZ does not see Yara's name now both parents consent")
		}
		if page := ib.Get("/students/" + yara).Body; strings.Contains(page, "Eén ouder weigert") || !strings.Contains(page, "Toestemming geldig") {
			t.Error("the consent section still says a parent refuses")
		}
	})

	// The father withdraws his refusal instead: the mother's consent holds.
	onEngines(t, "OneParentRefuses/RefusalWithdrawn/PartnerSeesName", func(t *testing.T, env *webtest.Env) {
		yara := env.StudentID(demo.RefusalNumber)
		zat := openCase(t, env, yara, "zat")
		var refusal string
		if err := env.SQL().QueryRow(`SELECT CAST(id AS TEXT) FROM consents WHERE case_id = $1 AND refused`, zat).Scan(&refusal); err != nil {
			t.Fatal(err)
		}
		ib := env.NewClient()
		ib.Login(demo.UserIB)
		env.Clock.Add(time.Minute)
		if res := ib.Post("/cases/"+zat+"/consent/"+refusal+"/withdraw", url.Values{"reason": {"Vader is na een tweede gesprek akkoord."}}); res.Status != http.StatusSeeOther {
			t.Fatalf("withdraw the refusal: %d: %s", res.Status, res.Body)
		}
		jgz := env.NewClient()
		jgz.Login("jgz.po")
		if !seesName(t, jgz, yara, "Yara Bosman") {
			t.Error("JGZ does not see Yara's name once the refusal is withdrawn")
		}
		if page := ib.Get("/cases/" + zat + "/consent").Body; !strings.Contains(page, "weigering ingetrokken") {
			t.Error("the consent page does not show the refusal as withdrawn")
		}
	})

	// The mother withdraws her consent after the father agreed: one
	// parent's withdrawal blocks like a refusal.
	onEngines(t, "OneParentWithdraws/PartnerSeesNoName", func(t *testing.T, env *webtest.Env) {
		yara := env.StudentID(demo.RefusalNumber)
		zat := openCase(t, env, yara, "zat")
		ib := env.NewClient()
		ib.Login(demo.UserIB)
		env.Clock.Add(time.Minute)
		if res := ib.Post("/cases/"+zat+"/consent", guardianDecision(env, guardianID(t, env, yara, "vader"), "toestemming", "jgz")); res.Status != http.StatusSeeOther {
			t.Fatalf("the father's consent: %d", res.Status)
		}
		var mothers string
		if err := env.SQL().QueryRow(`SELECT CAST(id AS TEXT) FROM consents WHERE case_id = $1 AND giver_name = 'Linda Bosman (moeder)'`, zat).Scan(&mothers); err != nil {
			t.Fatal(err)
		}
		env.Clock.Add(time.Minute)
		if res := ib.Post("/cases/"+zat+"/consent/"+mothers+"/withdraw", url.Values{"reason": {"Moeder wil toch eerst zelf verder praten."}}); res.Status != http.StatusSeeOther {
			t.Fatalf("withdraw the mother's consent: %d", res.Status)
		}
		jgz := env.NewClient()
		jgz.Login("jgz.po")
		if seesName(t, jgz, yara, "Yara") {
			t.Error("JGZ sees Yara's name after her mother withdrew")
		}
		if page := ib.Get("/students/" + yara).Body; !strings.Contains(page, "Eén ouder weigert: Linda Bosman (moeder)") {
			t.Error("the consent section does not name the mother who withdrew")
		}
	})

	// Yara (10) says herself she agrees: recorded as her assent, never as
	// consent; on Daan's (9) primary zorgteam case alike: consent is still
	// needed.
	onEngines(t, "TenYearOld/AssentNotConsent", func(t *testing.T, env *webtest.Env) {
		daan := env.StudentID(demo.DaanNumber)
		zorgteam := openCase(t, env, daan, "intern")
		ib := env.NewClient()
		ib.Login(demo.UserIB)
		res := ib.Post("/cases/"+zorgteam+"/consent", url.Values{"giver": {"student"}, "giver_name": {"Daan Hoogeveen"},
			"decision": {"toestemming"}, "scope": {"jgz"}, "how": {"conversation"}, "given_on": {today(env)}})
		if res.Status != http.StatusSeeOther {
			t.Fatalf("Daan's own word: %d: %s", res.Status, res.Body)
		}
		if n := env.Count(`SELECT COUNT(*) FROM consents WHERE case_id = $1 AND giver = 'student' AND mode = 'instemming'`, zorgteam); n != 1 {
			t.Errorf("%d assents recorded, want Daan's word as instemming", n)
		}
		page := ib.Get("/cases/" + zorgteam + "/consent").Body
		if !strings.Contains(page, "instemming van het kind, geen toestemming") || strings.Contains(page, ">geldig") {
			t.Error("a 9-year-old's own word shows as valid consent")
		}
		student := ib.Get("/students/" + daan).Body
		if !strings.Contains(student, "Toestemming nodig") || !strings.Contains(student, "Daan Hoogeveen zelf stemt in (instemming van het kind, geen toestemming)") {
			t.Error("Daan's consent section does not say consent is still needed beside his assent")
		}
	})

	// Lotte (17) consented without an end date. The ZAT case closes: the
	// consent ends with it. Reopened, the GGZ partner sees her anonymously
	// and the coordinator's page asks for consent again.
	onEngines(t, "EndsAtClosure/ReopenAsksAgain", func(t *testing.T, env *webtest.Env) {
		lotte := env.StudentID(demo.LotteNumber)
		zat := openCase(t, env, lotte, "zat")
		ggz := env.NewClient()
		ggz.Login("ggz")
		if !seesName(t, ggz, lotte, "Lotte Verhagen") {
			t.Fatal("GGZ does not see Lotte under her consent")
		}
		coord := env.NewClient()
		coord.Login(demo.UserCoordinator)
		env.Clock.Add(time.Minute)
		if res := coord.Post("/cases/"+zat+"/close", url.Values{"reason": {"solved"}, "note": {"Doelen gehaald."}}); res.Status != http.StatusSeeOther {
			t.Fatalf("close: %d: %s", res.Status, res.Body)
		}
		env.Clock.Add(24 * time.Hour)
		if res := coord.Post("/cases/"+zat+"/reopen", url.Values{"reason": {"Opnieuw zorgen over verzuim."}}); res.Status != http.StatusSeeOther {
			t.Fatalf("reopen: %d: %s", res.Status, res.Body)
		}
		if seesName(t, ggz, lotte, "Lotte") {
			t.Error("GGZ sees Lotte by name on the consent of before the closure")
		}
		if page := coord.Get("/students/" + lotte).Body; !strings.Contains(page, "Toestemming nodig") {
			t.Error("the student page does not ask for consent again after reopening")
		}
		if page := coord.Get("/cases/" + zat + "/consent").Body; !strings.Contains(page, "beëindigd: de casus is afgesloten") {
			t.Error("the consent page does not show the consent ended at closure")
		}
		res := coord.Post("/cases/"+zat+"/consent", url.Values{"giver": {"student"}, "giver_name": {"Lotte Verhagen"},
			"decision": {"toestemming"}, "scope": {"ggz"}, "how": {"signed_form"}, "given_on": {today(env)}})
		if res.Status != http.StatusSeeOther {
			t.Fatalf("asked again: %d", res.Status)
		}
		if !seesName(t, ggz, lotte, "Lotte Verhagen") {
			t.Error("GGZ does not see Lotte under the consent given again")
		}
	})

	// An exception on Yara's case names social work only: the social worker
	// sees her, JGZ and the police do not. Milan's meldcode exception from
	// before the partners were named opens to nobody beyond the intern
	// members.
	onEngines(t, "Exception/OpensOnlyToNamed", func(t *testing.T, env *webtest.Env) {
		yara := env.StudentID(demo.RefusalNumber)
		zat := openCase(t, env, yara, "zat")
		ib := env.NewClient()
		ib.Login(demo.UserIB)
		page := ib.Get("/cases/" + zat + "/consent").Body
		if strings.Contains(page, `name="exception_scope" value="politie" checked`) {
			t.Error("the exception form ticks the police by default")
		}
		res := ib.Post("/cases/"+zat+"/consent/exception", url.Values{"exception_reason": {"Acute zorg om de veiligheid thuis."},
			"decided_by": {"Sanne de IB'er met de voorzitter"}, "exception_scope": {"smw"}})
		if res.Status != http.StatusSeeOther {
			t.Fatalf("exception: %d: %s", res.Status, res.Body)
		}
		smw, jgz := env.NewClient(), env.NewClient()
		smw.Login("smw.po")
		jgz.Login("jgz.po")
		if !seesName(t, smw, yara, "Yara Bosman") {
			t.Error("social work, named in the exception, does not see Yara")
		}
		if seesName(t, jgz, yara, "Yara") {
			t.Error("JGZ, not named in the exception, sees Yara while her father refuses")
		}
		if page := ib.Get("/cases/" + zat + "/consent").Body; !strings.Contains(page, "Met naam besproken met: SMW / AMW.") {
			t.Errorf("the consent page does not say whom the exception opens to")
		}

		// An exception from before the partners were named (no scope rows).
		milan := env.StudentID(demo.CrisisNumber)
		police := env.NewClient()
		police.Login(demo.UserPolice)
		if !seesName(t, police, milan, "Milan de Ridder") {
			t.Fatal("the police, named in Milan's meldcode exception, do not see him")
		}
		if _, err := env.SQL().Exec(`DELETE FROM consent_exception_scope WHERE exception_id IN (SELECT e.id FROM consent_exceptions e
			JOIN cases c ON c.id = e.case_id WHERE c.student_id = $1)`, milan); err != nil {
			t.Fatal(err)
		}
		if seesName(t, police, milan, "Milan") {
			t.Error("an exception naming nobody opens Milan's case to the police")
		}
	})

	// Daan (9) at the primary school's zorgteam (HGW step 4): the IB'er asks
	// his parents' consent like the ZAT does, each parent by name; the
	// printable form has a signature block for each. JGZ, a fixed member
	// from outside the school, sees his name only once a parent consents.
	onEngines(t, "PrimaryZorgteam/AsksParents", func(t *testing.T, env *webtest.Env) {
		daan := env.StudentID(demo.DaanNumber)
		zorgteam := openCase(t, env, daan, "intern")
		jgz := env.NewClient()
		jgz.Login("jgz.po")
		if seesName(t, jgz, daan, "Daan") {
			t.Error("JGZ, a fixed member of the zorgteam from outside the school, sees Daan without his parents' consent")
		}
		ib := env.NewClient()
		ib.Login(demo.UserIB)
		student := ib.Get("/students/" + daan).Body
		if !strings.Contains(student, "Toestemming nodig") || !strings.Contains(student, `href="/cases/`+zorgteam+`/consent"`) {
			t.Error("Daan's page does not ask the parents' consent for the zorgteam")
		}
		page := ib.Get("/cases/" + zorgteam + "/consent")
		for _, want := range []string{"De intern begeleider regelt vooraf de toestemming van de ouders", `value="guardian" checked`,
			"Astrid Hoogeveen (moeder)", "Maurits Kleinjan (vader)"} {
			if !strings.Contains(page.Body, want) {
				t.Errorf("the zorgteam's consent page lacks %q", want)
			}
		}
		if res := ib.Post("/cases/"+zorgteam+"/consent", guardianDecision(env, guardianID(t, env, daan, "moeder"), "toestemming", "jgz", "smw")); res.Status != http.StatusSeeOther {
			t.Fatalf("the mother's consent: %d: %s", res.Status, res.Body)
		}
		if n := env.Count(`SELECT COUNT(*) FROM consents WHERE case_id = $1 AND giver = 'guardian'`, zorgteam); n != 1 {
			t.Errorf("%d parental decisions on the zorgteam case, want 1", n)
		}
		if !seesName(t, jgz, daan, "Daan Hoogeveen") {
			t.Error("JGZ does not see Daan once his mother consents to JGZ")
		}
		form := ib.Get("/cases/" + zorgteam + "/consent/form")
		if form.Status != http.StatusOK || !strings.Contains(form.Body, "Astrid Hoogeveen (moeder)") || !strings.Contains(form.Body, "Maurits Kleinjan (vader)") ||
			!strings.Contains(form.Body, "Toestemming voor bespreking in het zorgteam van de school") {
			t.Errorf("the zorgteam's consent form: %d, want a signature block for each parent", form.Status)
		}
	})
}
