package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"casus"
	"casus/demo"
	"casus/storage/storagetest"
	"casus/web/webtest"
)

const firefoxOnWindows = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0"

// TestAccessLogRowsHaveSourceAndGrounds is issue 9's finding "access-log rows
// lack the source and the grounds NEN 7513 asks for": a student-page read
// logs the client's address behind the trusted proxy, the browser class,
// the basis with the decision it rests on (the school's team; consent with
// the consent decision; the documented exception; anonymous; the privacy
// officer's legal duty) and a purpose of processing beside the page; the
// privacy officer sees them in the student's log and its CSV.
func TestAccessLogRowsHaveSourceAndGrounds(t *testing.T) {
	t.Parallel()
	for _, engine := range storagetest.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			env := webtest.Start(t, engine, webtest.Options{})
			lotte, milan := env.StudentID(demo.LotteNumber), env.StudentID(demo.CrisisNumber)
			ids := consentMatrixIDs(t, env)
			var exception string
			if err := env.SQL().QueryRow(`SELECT CAST(e.id AS TEXT) FROM consent_exceptions e JOIN cases c ON c.id = e.case_id
				WHERE c.student_id = $1`, milan).Scan(&exception); err != nil {
				t.Fatalf("Milan's exception: %v", err)
			}
			client := func(login, addr string) *webtest.Client {
				c := env.NewClient()
				c.Forwarded, c.UserAgent = addr, firefoxOnWindows
				c.Login(login)
				return c
			}
			read := func(c *webtest.Client, path, student string) casus.AccessEntry {
				t.Helper()
				if res := c.Get(path); res.Status != http.StatusOK {
					t.Fatalf("GET %s: %d", path, res.Status)
				}
				return lastEntry(t, env, student)
			}
			check := func(name string, e casus.AccessEntry, addr string, basis casus.Basis, ref string, p casus.ProcessingPurpose, page string) {
				t.Helper()
				if e.ClientAddr != addr || e.UserAgent != "Firefox on Windows" || e.Basis != basis || e.BasisRef != ref ||
					e.Processing != p || e.Purpose != page {
					t.Errorf("%s: logged address %q, workstation %q, basis %q (%q), processing %q, page %q; want %q, %q, %q (%q), %q, %q",
						name, e.ClientAddr, e.UserAgent, e.Basis, e.BasisRef, e.Processing, e.Purpose,
						addr, "Firefox on Windows", basis, ref, p, page)
				}
			}

			coord := client(demo.UserCoordinator, "198.51.100.7")
			check("coordinator", read(coord, "/students/"+lotte, lotte), "198.51.100.7", casus.BasisTeam, "", casus.ProcessCare, "student page")
			ggz := client("ggz", "2001:db8::42")
			check("GGZ under consent", read(ggz, "/students/"+lotte, lotte), "2001:db8::42", casus.BasisConsent, ids["{lotte_consent}"],
				casus.ProcessCare, "student page")
			police := client(demo.UserPolice, "203.0.113.5")
			check("police under the exception", read(police, "/students/"+milan, milan), "203.0.113.5", casus.BasisException, exception,
				casus.ProcessCare, "student page")

			if res := coord.Post("/cases/"+ids["{lotte_zat}"]+"/consent/"+ids["{lotte_consent}"]+"/withdraw",
				url.Values{"reason": {"Lotte wil het niet meer."}}); res.Status != http.StatusSeeOther {
				t.Fatalf("withdraw: %d", res.Status)
			}
			check("GGZ after withdrawal", read(ggz, "/students/"+lotte, lotte), "2001:db8::42", casus.BasisAnonymous, "",
				casus.ProcessCare, "student page (anonymous)")

			privacy := client(demo.UserPrivacy, "192.0.2.44")
			check("privacy officer", read(privacy, "/students/"+lotte+"/log", lotte), "192.0.2.44", casus.BasisLegalDuty, "",
				casus.ProcessAccountability, "access log (student)")
			page := privacy.Get("/students/" + lotte + "/log")
			for _, want := range []string{"Grondslag", "Doel van de verwerking", "Werkplek", "toestemming", ids["{lotte_consent}"],
				"anoniem", "eigen zorgstructuur", "wettelijke taak", "begeleiding en zorg", "verantwoording en toezicht",
				"Firefox on Windows", "2001:db8::42"} {
				if !strings.Contains(page.Body, want) {
					t.Errorf("the student's log lacks %q", want)
				}
			}
			csv := privacy.Get("/students/" + lotte + "/log.csv")
			for _, want := range []string{"Doel van de verwerking;Grondslag;Besluit;Adres;Werkplek",
				"begeleiding en zorg;toestemming;" + ids["{lotte_consent}"] + ";2001:db8::42;Firefox on Windows"} {
				if !strings.Contains(csv.Body, want) {
					t.Errorf("the log's CSV lacks %q:\n%s", want, csv.Body)
				}
			}
			// The student's export lists the purpose, the basis with its
			// decision and the workstation of every access, but not the staff
			// member's address.
			export := privacy.Get(releasedRequest(t, env, lotte) + "/export.json")
			if export.Status != http.StatusOK {
				t.Fatalf("export: %d", export.Status)
			}
			for _, want := range []string{`"processing"`, `"basis"`, `"consent"`, ids["{lotte_consent}"], "Firefox on Windows"} {
				if !strings.Contains(export.Body, want) {
					t.Errorf("the export lacks %q", want)
				}
			}
			if strings.Contains(export.Body, "2001:db8::42") {
				t.Errorf("the export shows a staff member's client address")
			}
		})
	}
}
