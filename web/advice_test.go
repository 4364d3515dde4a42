package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"casus/demo"
	"casus/storage/storagetest"
	"casus/web/webtest"
)

// adviceMatrix: the coordinator and the care contact record advice; the
// form is empty, so they get 400 and nothing is written.
func adviceMatrix() map[string][]cell {
	path, form := "/students/{lotte}/advice", url.Values{"advice": {""}}
	c := func(user, rel string, want int) cell {
		x := cell{user: user, relation: rel, path: path, form: form, want: want}
		if want == notFound {
			x.denied = "lotte"
		}
		return x
	}
	return map[string][]cell{"POST /students/{id}/advice": {
		{user: anon, relation: "none", path: path, form: form, want: unauth},
		c(demo.UserCoordinator, "coordinator", bad),
		c(demo.UserCareContact, "care_contact", bad),
		c(demo.UserMentor, "mentor", notFound),
		c(demo.UserGGD, "team_member", notFound),
		c(demo.UserPolice, "none", notFound),
		c(demo.UserManagement, "none (management)", notFound),
		c(demo.UserAdmin, "none (beheerder)", notFound),
	}}
}

// TestAdviceReachesTeachers: the IB'er records advice from the ZAT for
// Yara, whose case was discussed anonymously (her mother refused consent);
// her teacher sees the advice on her page and nothing else of the case. The
// police, invited for Milan, does not read Milan's advice.
func TestAdviceReachesTeachers(t *testing.T) {
	t.Parallel()
	for _, engine := range storagetest.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			env := webtest.Start(t, engine, webtest.Options{})
			yara, milan := env.StudentID(demo.RefusalNumber), env.StudentID(demo.CrisisNumber)
			var yaraZAT, milanZAT string
			for _, q := range []struct {
				student string
				dst     *string
			}{{yara, &yaraZAT}, {milan, &milanZAT}} {
				if err := env.DB.ReadSQL().QueryRow(`SELECT CAST(c.id AS TEXT) FROM cases c JOIN care_teams t ON t.id = c.team_id
					WHERE c.student_id = $1 AND t.kind = 'zat' AND c.status = 'open'`, q.student).Scan(q.dst); err != nil {
					t.Fatal(err)
				}
			}
			ib := env.NewClient()
			ib.Login(demo.UserIB)
			const text = "Geef Yara een vaste plek vooraan en kondig overgangen vooraf aan."
			if res := ib.Post("/students/"+yara+"/advice", url.Values{"advice_case": {yaraZAT}, "advice": {""}}); res.Status != http.StatusBadRequest {
				t.Errorf("empty advice: %d, want 400", res.Status)
			}
			if res := ib.Post("/students/"+yara+"/advice", url.Values{"advice_case": {yaraZAT}, "advice": {text}}); res.Status != http.StatusSeeOther {
				t.Fatalf("record advice: %d: %s", res.Status, res.Body)
			}
			teacher := env.NewClient()
			teacher.Login("leerkracht.groep6")
			page := teacher.Get("/students/" + yara)
			if page.Status != http.StatusOK || !strings.Contains(page.Body, text) {
				t.Fatalf("Yara's teacher: %d, advice missing", page.Status)
			}
			for _, hidden := range []string{`id="acties"`, `id="agenda"`, `<h2 class="utrecht-heading-2">Zorgteams</h2>`} {
				if strings.Contains(page.Body, hidden) {
					t.Errorf("the teacher sees %q of the case", hidden)
				}
			}
			coord := env.NewClient()
			coord.Login(demo.UserCoordinator)
			if res := coord.Post("/students/"+milan+"/advice", url.Values{"advice_case": {milanZAT}, "advice": {"Rustige werkplek bij Techniek."}}); res.Status != http.StatusSeeOther {
				t.Fatalf("advice for Milan: %d", res.Status)
			}
			police := env.NewClient()
			police.Login(demo.UserPolice)
			if body := police.Get("/students/" + milan).Body; strings.Contains(body, "Rustige werkplek") {
				t.Errorf("the police, invited for Milan, reads his advice")
			}
		})
	}
}
