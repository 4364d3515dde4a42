package web_test

import (
	"html"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"casus/demo"
	"casus/storage/storagetest"
	"casus/web/webtest"
)

var historyLinkRE = regexp.MustCompile(`href="(/(?:referrals|meetings|cases)/[^"]+)"`)

// TestStudentHistory: the coordinator finds her way back from a student's
// page to what happened — Noor's discussion at the ZAT, Lotte's referrals —
// and each line she may open leads to the thing itself. The taakdocent
// sees Lotte's history too. The mentor, who reads only the advice, sees no
// history at all.
func TestStudentHistory(t *testing.T) {
	t.Parallel()
	for _, engine := range storagetest.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			env := webtest.Start(t, engine, webtest.Options{})
			noor, lotte := env.StudentID(demo.FollowUpNumber), env.StudentID(demo.LotteNumber)
			for _, tc := range []struct {
				user, student string
				minLinks      int
				wantLines     []string
			}{
				{demo.UserCoordinator, noor, 1, []string{"Besproken in"}},
				{demo.UserCoordinator, lotte, 1, []string{"Aanmelding bij"}},
				{demo.UserCareContact, lotte, 1, []string{"Aanmelding bij"}},
			} {
				c := env.NewClient()
				c.Login(tc.user)
				page := c.Get("/students/" + tc.student).Body
				i := strings.Index(page, `id="verloop"`)
				if i < 0 {
					t.Fatalf("as %s: Noor's page has no history", tc.user)
				}
				section := page[i:]
				if j := strings.Index(section, "<h2"); j > 0 {
					section = section[:j]
				}
				for _, w := range tc.wantLines {
					if !strings.Contains(section, w) {
						t.Errorf("as %s: the history lacks %q", tc.user, w)
					}
				}
				links := historyLinkRE.FindAllStringSubmatch(section, -1)
				if len(links) < tc.minLinks {
					t.Errorf("as %s: %d links in the history, want at least %d", tc.user, len(links), tc.minLinks)
				}
				for _, m := range links {
					if res := c.Get(html.UnescapeString(m[1])); res.Status != http.StatusOK {
						t.Errorf("as %s: history link %s answers %d", tc.user, m[1], res.Status)
					}
				}
			}
			m := env.NewClient()
			m.Login(demo.UserMentor)
			if page := m.Get("/students/" + noor); page.Status != http.StatusOK || strings.Contains(page.Body, `id="verloop"`) {
				t.Errorf("the mentor: %d, or sees the history", page.Status)
			}
		})
	}
}
