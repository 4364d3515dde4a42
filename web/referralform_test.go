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

// TestReferralForm tells the stories of the form the seeds ask for: what
// the school and the parents need, who is already involved, what was
// examined, whether the family agrees, and a problem category from the
// installation's list.
func TestReferralForm(t *testing.T) {
	t.Parallel()
	for _, engine := range storagetest.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			env := webtest.Start(t, engine, webtest.Options{})
			zat := refTeamID(t, env, demo.TeamMBOZAT)
			coord := env.NewClient()
			coord.Login(demo.UserCoordinator)
			// without is a complete form without the named parts.
			without := func(fields ...casus.ReferralField) url.Values {
				f := completeForm(1, env.UserID(demo.UserCoordinator))
				f.Set("action", "submit")
				for _, fl := range fields {
					f.Del(string(fl))
				}
				return f
			}

			t.Run("Minor/ParentsQuestionRequiredAtZAT", func(t *testing.T) {
				// Lotte is 17: the ZAT asks what her parents need and ask.
				id := createDraft(t, coord, env.StudentID(demo.LotteNumber), zat)
				form := coord.Get("/referrals/" + id + "/edit").Body
				for _, label := range []string{"Wat heeft de school nodig?", "Wat hebben de ouders nodig?", "Instanties die al betrokken zijn",
					"Eerder onderzoek en diagnoses", "Zijn leerling en ouders geïnformeerd", "Kies een probleemgebied"} {
					if !strings.Contains(form, label) {
						t.Errorf("the ZAT form lacks %q", label)
					}
				}
				res := coord.Post("/referrals/"+id, without(casus.FieldQuestionParents, casus.FieldSupportParents))
				if res.Status != http.StatusBadRequest || !strings.Contains(res.Body, `href="#f-question_parents"`) ||
					!strings.Contains(res.Body, `href="#f-support_parents"`) {
					t.Errorf("submitting for a minor without the parents' parts: %d, want 400 naming both", res.Status)
				}
				if st, _ := referralRow(t, env, id); st != "draft" {
					t.Errorf("after the refusal the referral is %s, want draft", st)
				}
			})

			t.Run("Adult/NoParentsQuestionForced", func(t *testing.T) {
				// Noor is 18: she decides for herself; the parents' parts are
				// not marked required and the form goes in without them.
				id := createDraft(t, coord, env.StudentID(demo.FollowUpNumber), zat)
				form := coord.Get("/referrals/" + id + "/edit").Body
				if i := strings.Index(form, `for="f-question_parents"`); i < 0 || strings.Contains(form[i:i+200], "verplicht") {
					t.Errorf("the parents' question is marked required for an adult")
				}
				res := coord.Post("/referrals/"+id, without(casus.FieldQuestionParents, casus.FieldSupportParents, casus.FieldParenting))
				if res.Status != http.StatusSeeOther {
					t.Fatalf("submitting for an adult without the parents' parts: %d, want 303\n%s", res.Status, pageText(mainPart(res.Body)))
				}
				if st, _ := referralRow(t, env, id); st != "submitted" {
					t.Errorf("the adult's referral is %s, want submitted", st)
				}
			})

			t.Run("ProblemCategory/NotOnTheList/Refused", func(t *testing.T) {
				id := createDraft(t, coord, env.StudentID(demo.LotteNumber), refTeamID(t, env, demo.TeamMBOIntern))
				f := without()
				f.Set("problem_category", "Iets wat niet op de lijst staat")
				if res := coord.Post("/referrals/"+id, f); res.Status != http.StatusBadRequest || !strings.Contains(res.Body, `href="#f-problem_category"`) {
					t.Errorf("a category not on the list: %d, want 400 at the category", res.Status)
				}
			})

			t.Run("ProblemCategory/ConfiguredByBeheerder", func(t *testing.T) {
				admin := env.NewClient()
				admin.Login(demo.UserAdmin)
				if res := admin.Post("/admin/referral-form", url.Values{"required_intern": {"reason"}, "required_zat": {"reason"}, "categories": {"  \n"}}); res.Status != http.StatusBadRequest {
					t.Errorf("an empty list of categories: %d, want 400", res.Status)
				}
				if res := admin.Post("/admin/referral-form", url.Values{"required_intern": {"reason"}, "required_zat": {"reason"},
					"categories": {"Verzuim\nPesten\nVerzuim\n"}}); res.Status != http.StatusSeeOther {
					t.Fatalf("save the categories: %d", res.Status)
				}
				if n := env.Count(`SELECT COUNT(*) FROM security_events WHERE detail LIKE '%problem categories%'`); n != 1 {
					t.Errorf("%d security events for the new categories, want 1", n)
				}
				id := createDraft(t, coord, env.StudentID(demo.LotteNumber), refTeamID(t, env, demo.TeamMBOIntern))
				form := coord.Get("/referrals/" + id + "/edit").Body
				if !strings.Contains(form, `<option value="Pesten">Pesten</option>`) || strings.Contains(form, `value="Gedrag"`) {
					t.Errorf("the form does not offer the beheerder's categories")
				}
				f := without()
				f.Set("problem_category", "Pesten")
				if res := coord.Post("/referrals/"+id, f); res.Status != http.StatusSeeOther {
					t.Errorf("submit with a configured category: %d", res.Status)
				}
				if n := env.Count(`SELECT COUNT(*) FROM referrals WHERE id = $1 AND problem_category = 'Pesten'`, id); n != 1 {
					t.Errorf("the category is not stored")
				}
			})
		})
	}
}
