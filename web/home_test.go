package web_test

import (
	"html"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"testing"

	"casus/demo"
	"casus/storage/storagetest"
	"casus/web/webtest"
)

// waitingLinkRE finds the links of the start page's lists of waiting things.
var waitingLinkRE = regexp.MustCompile(`<li class="casus-waiting__line">[^<]*(?:<a class="utrecht-link" href="([^"]+)">([^<]*)</a>)?`)

// waitingLines returns the start page's waiting lines of a user: link and
// text.
func waitingLines(t *testing.T, c *webtest.Client) [][2]string {
	t.Helper()
	res := c.Get("/")
	if res.Status != http.StatusOK {
		t.Fatalf("start page: %d", res.Status)
	}
	var out [][2]string
	for _, m := range waitingLinkRE.FindAllStringSubmatch(res.Body, -1) {
		out = append(out, [2]string{html.UnescapeString(m[1]), html.UnescapeString(strings.TrimSpace(m[2]))})
	}
	return out
}

// TestHome: each demo role's start page lists what waits for them in the
// demo data, each line a link that opens the thing itself for that user;
// nothing shows a raw catalog key.
func TestHome(t *testing.T) {
	t.Parallel()
	for _, engine := range storagetest.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			env := webtest.Start(t, engine, webtest.Options{})
			ids := func(q string, args ...any) []string {
				t.Helper()
				rows, err := env.SQL().Query(q, args...)
				if err != nil {
					t.Fatal(err)
				}
				defer rows.Close()
				var out []string
				for rows.Next() {
					var s string
					if err := rows.Scan(&s); err != nil {
						t.Fatal(err)
					}
					out = append(out, s)
				}
				return out
			}
			now := env.Clock.Now().UTC()
			chaired := `SELECT team_id FROM team_members WHERE user_id = $1 AND chair`
			want := map[string][]string{
				demo.UserCoordinator: append(prefixed("/referrals/", ids(`SELECT CAST(id AS TEXT) FROM referrals
					WHERE state IN ('submitted', 'preselected') AND team_id IN (`+chaired+`)`, env.UserID(demo.UserCoordinator))),
					append(prefixed("/items/", ids(`SELECT CAST(d.item_id AS TEXT) FROM discussions d JOIN cases c ON c.id = d.case_id
					WHERE d.finalised_at IS NOT NULL AND d.evaluate_on <= $2 AND c.status = 'open' AND c.team_id IN (`+chaired+`)`,
						env.UserID(demo.UserCoordinator), now)),
						prefixed("/students/", ids(`SELECT CAST(a.student_id AS TEXT) FROM actions a JOIN cases c ON c.id = a.case_id
					WHERE a.status IN ('open', 'in_progress') AND c.status = 'open' AND a.due_on < $2 AND c.team_id IN (`+chaired+`)`,
							env.UserID(demo.UserCoordinator), now))...)...),
				demo.UserCareContact: prefixed("/students/", ids(`SELECT CAST(a.student_id AS TEXT) FROM actions a JOIN cases c ON c.id = a.case_id
					WHERE a.owner_id = $1 AND a.status IN ('open', 'in_progress') AND c.status = 'open'`, env.UserID(demo.UserCareContact))),
				demo.UserMentor: prefixed("/referrals/", ids(`SELECT CAST(id AS TEXT) FROM referrals WHERE state = 'draft' AND referrer_id = $1`,
					env.UserID(demo.UserMentor))),
				demo.UserGGD: prefixed("/meetings/", ids(`SELECT CAST(m.id AS TEXT) FROM meetings m JOIN team_members tm ON tm.team_id = m.team_id
					WHERE tm.user_id = $1 AND m.status = 'planned' AND m.starts_at > $2 ORDER BY m.starts_at LIMIT 5`, env.UserID(demo.UserGGD), now)),
				demo.UserPolice: prefixed("/meetings/", ids(`SELECT CAST(m.id AS TEXT) FROM meetings m JOIN team_members tm ON tm.team_id = m.team_id
					WHERE tm.user_id = $1 AND m.status = 'planned' AND m.starts_at > $2 ORDER BY m.starts_at LIMIT 5`, env.UserID(demo.UserPolice), now)),
				demo.UserPrivacy: prefixed("/access-requests/", ids(`SELECT CAST(ar.id AS TEXT) FROM access_requests ar
					JOIN students st ON st.id = ar.student_id JOIN users u ON u.school_id = st.school_id
					WHERE u.id = $1 AND ar.reviewed_at IS NULL`, env.UserID(demo.UserPrivacy))),
				demo.UserAdmin:      {"/teams/", "/admin/users"},
				demo.UserManagement: nil,
			}
			if !slices.ContainsFunc(want[demo.UserCoordinator], func(w string) bool { return strings.HasPrefix(w, "/items/") }) {
				t.Errorf("the demo data has no evaluation due for the coordinator (Noor's follow-up): the test proves nothing of it")
			}
			for _, user := range []string{demo.UserCoordinator, demo.UserCareContact, demo.UserMentor, demo.UserGGD, demo.UserPolice,
				demo.UserPrivacy, demo.UserAdmin, demo.UserManagement} {
				t.Run(user, func(t *testing.T) {
					c := env.NewClient()
					c.Login(user)
					page := c.Get("/").Body
					if strings.Contains(page, "home.") {
						t.Errorf("a raw catalog key on the start page")
					}
					lines := waitingLines(t, c)
					if len(want[user]) == 0 && user != demo.UserManagement {
						t.Fatalf("the demo data has nothing waiting for %s: the test proves nothing", user)
					}
					t.Run("Listed", func(t *testing.T) {
						for _, w := range want[user] {
							if !slices.ContainsFunc(lines, func(l [2]string) bool { return strings.Contains(l[0], w) }) {
								t.Errorf("nothing on the start page links to %s", w)
							}
						}
					})
					t.Run("LinksOpen", func(t *testing.T) {
						for _, l := range lines {
							if l[0] == "" {
								continue
							}
							if res := c.Get(l[0]); res.Status != http.StatusOK {
								t.Errorf("%q links to %s: %d", l[1], l[0], res.Status)
							}
						}
					})
					if user == demo.UserManagement {
						if strings.Contains(page, "geanonimiseerde stuurinformatie") || len(lines) != 0 {
							t.Errorf("management is promised figures or shown lines: %v", lines)
						}
					}
				})
			}
			t.Run("EmptyIsKind", func(t *testing.T) {
				c := env.NewClient()
				c.Login(demo.UserIB)
				if page := c.Get("/").Body; !strings.Contains(page, "Er wacht nu niets op je.") {
					t.Errorf("the IB'er, with nothing waiting, is not told so")
				}
			})
		})
	}
}

// prefixed puts p before every id.
func prefixed(p string, ids []string) []string {
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = p + id
	}
	return out
}
