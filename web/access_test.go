package web_test

import (
	"maps"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strings"
	"testing"

	"casus"
	"casus/demo"
	"casus/storage/storagetest"
	"casus/web"
	"casus/web/webtest"
)

// The users of the matrix: every demo role, and nobody.
const anon = "anonymous"

var matrixUsers = []string{anon, demo.UserAdmin, demo.UserCoordinator, demo.UserCareContact, demo.UserMentor,
	demo.UserGGD, demo.UserPolice, demo.UserManagement, demo.UserIB, demo.UserPrivacy}

// cell is one line of the access matrix: a user with a relation to the
// record requests a concrete path and gets a status.
type cell struct {
	user     string
	relation string // the user's relation to the record, for the reader
	path     string // with placeholders {lotte}, {milan}, {daan}, {unknown}, {team}, {user}
	form     url.Values
	want     int
	denied   string // for student routes: the student whose denial must be logged
}

// byUser expands one expectation per user; statuses not named take def.
func byUser(path string, form url.Values, def int, except map[string]int) []cell {
	var cs []cell
	for _, u := range matrixUsers {
		want, ok := except[u]
		if !ok {
			want = def
		}
		cs = append(cs, cell{user: u, relation: "any", path: path, form: form, want: want})
	}
	return cs
}

const (
	ok       = http.StatusOK
	redirect = http.StatusSeeOther
	bad      = http.StatusBadRequest
	unauth   = http.StatusUnauthorized
	forbid   = http.StatusForbidden
	notFound = http.StatusNotFound
)

// anonFor is what the anonymous visitor gets: the login page for a GET,
// 401 for a POST (a form).
func anonFor(form url.Values) int {
	if form != nil {
		return unauth
	}
	return redirect
}

// studentCellOn returns the maker of the cells for path, in which
// placeholder stands for the student; a user who gets "not found" has the
// denial logged for the student.
func studentCellOn(path, placeholder string, form url.Values) func(user, rel, student string, want int) cell {
	return func(user, rel, student string, want int) cell {
		x := cell{user: user, relation: rel, path: strings.ReplaceAll(path, placeholder, "{"+student+"}"), form: form, want: want}
		if want == notFound {
			x.denied = student
		}
		return x
	}
}

// staff is the expectation for routes every logged-in user may use.
func staff(path string, form url.Values, want int) []cell {
	anonWant := anonFor(form)
	return byUser(path, form, want, map[string]int{anon: anonWant})
}

// admin is the expectation for the beheerder's routes.
func admin(path string, form url.Values, want int) []cell {
	anonWant := anonFor(form)
	return byUser(path, form, forbid, map[string]int{anon: anonWant, demo.UserAdmin: want})
}

// studentCells lists, per user, the relation to each scenario student and
// whether it opens the page. Lotte: mentor's student, Zorg en welzijn (the
// taakdocent's group), open cases at the mbo intern team and ZAT (ggd is a
// fixed ZAT member; politie is on call and not invited). Milan: open ZAT case
// with politie invited; not the mentor's student. Daan: primary school.
func studentCells() []cell {
	c := func(user, rel, student string, want int) cell {
		x := cell{user: user, relation: rel, path: "/students/{" + student + "}", want: want}
		if want == notFound && user != anon {
			x.denied = student
		}
		return x
	}
	return []cell{
		c(anon, "none", "lotte", redirect),
		c(demo.UserCoordinator, "coordinator", "lotte", ok),
		c(demo.UserCoordinator, "coordinator", "milan", ok),
		c(demo.UserCoordinator, "none (other school)", "daan", notFound),
		c(demo.UserCareContact, "care_contact", "lotte", ok),
		c(demo.UserCareContact, "none (other group)", "milan", notFound),
		c(demo.UserMentor, "mentor", "lotte", ok),
		c(demo.UserMentor, "none (not their student)", "milan", notFound),
		c(demo.UserMentor, "none", "daan", notFound),
		c(demo.UserGGD, "team_member", "lotte", ok),
		c(demo.UserGGD, "team_member", "milan", ok),
		c(demo.UserGGD, "none", "daan", notFound),
		c(demo.UserPolice, "invited", "milan", ok),
		c(demo.UserPolice, "none (on call, not invited)", "lotte", notFound),
		c(demo.UserPolice, "none", "daan", notFound),
		c(demo.UserManagement, "none (management)", "lotte", notFound),
		c(demo.UserManagement, "none (management)", "milan", notFound),
		c(demo.UserAdmin, "none (beheerder)", "lotte", notFound),
		c(demo.UserIB, "care_contact", "daan", ok),
		c(demo.UserIB, "none (other school)", "lotte", notFound),
		c(demo.UserCoordinator, "none (no such student)", "unknown", notFound),
		c(demo.UserPolice, "none (no such student)", "unknown", notFound),
		{user: demo.UserCoordinator, relation: "none (malformed id)", path: "/students/not-an-id", want: notFound},
	}
}

// crisisCells: only the zorgcoördinator of a team serving the student's
// school and the student's care contact record a crisis; a POST from them
// with an empty form is refused as bad input and writes nothing.
func crisisCells(post bool) []cell {
	allowed := ok
	var form url.Values
	anonWant := redirect
	if post {
		allowed, form, anonWant = bad, url.Values{"called": {""}}, unauth
	}
	c := func(user, rel, student string, want int) cell {
		x := cell{user: user, relation: rel, path: "/students/{" + student + "}/crisis", form: form, want: want}
		if want == notFound {
			x.denied = student
		}
		return x
	}
	return []cell{
		{user: anon, relation: "none", path: "/students/{lotte}/crisis", form: form, want: anonWant},
		c(demo.UserCoordinator, "coordinator", "lotte", allowed),
		c(demo.UserCoordinator, "none (other school)", "daan", notFound),
		c(demo.UserCareContact, "care_contact", "lotte", allowed),
		c(demo.UserIB, "care_contact", "daan", allowed),
		c(demo.UserMentor, "mentor", "lotte", notFound),
		c(demo.UserGGD, "team_member", "lotte", notFound),
		c(demo.UserPolice, "invited", "milan", notFound),
		c(demo.UserManagement, "none (management)", "lotte", notFound),
		c(demo.UserAdmin, "none (beheerder)", "lotte", notFound),
		c(demo.UserCoordinator, "none (no such student)", "unknown", notFound),
	}
}

// accessMatrix is the access matrix: route pattern × user (role) × relation
// → status. Every registered route must have an entry.
func accessMatrix() map[string][]cell {
	search := url.Values{"q": {"a"}}
	noSeeStudents := map[string]int{anon: redirect, demo.UserAdmin: forbid, demo.UserManagement: forbid}
	noSeeStudentsPost := map[string]int{anon: unauth, demo.UserAdmin: forbid, demo.UserManagement: forbid}
	loggedIn := func(def int) map[string]int { return map[string]int{anon: def} }
	return map[string][]cell{
		"GET /healthz":            byUser("/healthz", nil, ok, nil),
		"GET /static/{file...}":   byUser("/static/casus.css", nil, ok, nil),
		"GET /login":              byUser("/login", nil, redirect, loggedIn(ok)),
		"POST /login":             byUser("/login", url.Values{"login": {"coordinator"}, "password": {"wrong-password"}}, unauth, nil),
		"POST /lang":              byUser("/lang", url.Values{"lang": {"en"}, "back": {"/"}}, redirect, nil),
		"GET /login/2fa":          byUser("/login/2fa", nil, redirect, nil),
		"POST /login/2fa":         byUser("/login/2fa", url.Values{"code": {"123456"}}, redirect, nil),
		"GET /account/2fa":        staff("/account/2fa", nil, ok),
		"POST /account/2fa":       staff("/account/2fa", url.Values{"code": {""}}, bad),
		"POST /logout":            staff("/logout", url.Values{}, redirect),
		"POST /logout/everywhere": staff("/logout/everywhere", url.Values{}, redirect),
		"POST /session/keepalive": staff("/session/keepalive", url.Values{}, http.StatusNoContent),
		"GET /{$}":                staff("/", nil, ok),
		"GET /teams":              staff("/teams", nil, ok),
		"GET /teams/{id}":         append(staff("/teams/{team}", nil, ok), staff("/teams/{unknown}", nil, notFound)...),
		"GET /teams/{id}/cases": append(byUser("/teams/{team}/cases", nil, forbid, map[string]int{anon: redirect,
			demo.UserCoordinator: ok, demo.UserCareContact: ok, demo.UserGGD: ok}),
			cell{user: demo.UserCoordinator, relation: "none (no such team)", path: "/teams/{unknown}/cases", want: notFound}),
		"GET /students":              byUser("/students", nil, ok, noSeeStudents),
		"POST /students":             byUser("/students", search, ok, noSeeStudentsPost),
		"GET /students/{id}":         studentCells(),
		"GET /students/{id}/crisis":  crisisCells(false),
		"POST /students/{id}/crisis": crisisCells(true),
		"GET /admin/users":           admin("/admin/users", nil, ok),
		"POST /admin/users":          admin("/admin/users", url.Values{"name": {""}}, bad),
		"GET /admin/import":          admin("/admin/import", nil, ok),
		"POST /admin/import":         admin("/admin/import", url.Values{"school": {"25AB"}}, bad),
		"GET /admin/settings":        admin("/admin/settings", nil, ok),
		"POST /admin/settings":       admin("/admin/settings", url.Values{"require_2fa_all": {"maybe"}}, bad),
	}
}

// matrixParts are the access matrices of the features, each beside its
// tests; matrixIDParts find the records their paths name.
var (
	matrixParts = []func() map[string][]cell{careMatrix, referralMatrix, consentMatrix, escalationMatrix, meetingsMatrix,
		agendaMatrix, actionsMatrix, adviceMatrix, closureMatrix, discussionMatrix, minutesMatrix, outboxMatrix,
		logViewMatrix, retentionMatrix, complaintsMatrix, handbookMatrix, meldcodeMatrix, accountsMatrix, accessRequestMatrix, notificationsMatrix, figuresMatrix, teamAdminMatrix, signalsMatrix, apiTokensMatrix}
	matrixIDParts = []func(*testing.T, *webtest.Env) map[string]string{careMatrixIDs, referralMatrixIDs, consentMatrixIDs, meetingsMatrixIDs, agendaItemMatrixIDs, actionMatrixIDs,
		retentionMatrixIDs, privacyFlowMatrixIDs, accessRequestMatrixIDs, notificationsMatrixIDs}
)

// TestAccessMatrix enumerates the registered routes, fails for any route
// without an entry, and checks every cell against a real server, including
// that each denial of a student is in the access log.
func TestAccessMatrix(t *testing.T) {
	t.Parallel()
	for _, engine := range storagetest.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			env := webtest.Start(t, engine, webtest.Options{})
			matrix := accessMatrix()
			for _, part := range matrixParts {
				maps.Copy(matrix, part())
			}
			registered, studentData := map[string]bool{}, map[string]bool{}
			for _, rt := range env.Server.Routes() {
				registered[rt.Pattern] = true
				studentData[rt.Pattern] = rt.Access == web.StudentData
				if len(matrix[rt.Pattern]) == 0 {
					t.Errorf("route %q (%s) has no entry in the access matrix", rt.Pattern, rt.Access)
				}
			}
			cells := 0
			for pattern := range matrix {
				if !registered[pattern] {
					t.Errorf("access matrix names %q, which is not a registered route", pattern)
				}
				cells += len(matrix[pattern])
			}
			t.Logf("access matrix: %d registered routes, %d with entries, %d cells (route × user × relation)",
				len(registered), len(matrix), cells)
			ids := map[string]string{
				"{lotte}": env.StudentID(demo.LotteNumber), "{milan}": env.StudentID(demo.CrisisNumber),
				"{daan}": env.StudentID(demo.DaanNumber), "{unknown}": casus.NewID(),
				"{user}": env.UserID(demo.UserMentor),
			}
			var team string
			if err := env.SQL().QueryRow(`SELECT CAST(id AS TEXT) FROM care_teams ORDER BY name LIMIT 1`).Scan(&team); err != nil {
				t.Fatal(err)
			}
			ids["{team}"] = team
			for _, part := range matrixIDParts {
				maps.Copy(ids, part(t, env))
			}

			// One logged-in client per user; routes that end sessions get
			// their own login and run last.
			clients := map[string]*webtest.Client{}
			client := func(user string, fresh bool) *webtest.Client {
				if c := clients[user]; c != nil && !fresh {
					return c
				}
				c := env.NewClient()
				if user != anon {
					c.Login(user)
				}
				if !fresh {
					clients[user] = c
				}
				return c
			}
			patterns := make([]string, 0, len(matrix))
			for p := range matrix {
				patterns = append(patterns, p)
			}
			sort.Slice(patterns, func(i, j int) bool {
				li, lj := strings.Contains(patterns[i], "logout"), strings.Contains(patterns[j], "logout")
				if li != lj {
					return lj
				}
				return patterns[i] < patterns[j]
			})
			for _, pattern := range patterns {
				method := strings.Fields(pattern)[0]
				for _, c := range matrix[pattern] {
					path := c.path
					for k, v := range ids {
						path = strings.ReplaceAll(path, k, v)
					}
					cl := client(c.user, strings.Contains(pattern, "logout"))
					before := env.Count(`SELECT COUNT(*) FROM access_log WHERE outcome = 'denied'`)
					granted := env.Count(`SELECT COUNT(*) FROM access_log WHERE outcome = 'granted'`)
					var res webtest.Response
					if method == http.MethodGet {
						res = cl.Get(path)
					} else {
						res = cl.Post(path, c.form)
					}
					if res.Status != c.want {
						t.Errorf("%s as %s (%s) on %s: status %d, want %d", pattern, c.user, c.relation, c.path, res.Status, c.want)
					}
					if c.denied != "" {
						sid := ids["{"+c.denied+"}"]
						if c.denied == "unknown" {
							sid = ""
						}
						n := env.Count(`SELECT COUNT(*) FROM access_log WHERE outcome = 'denied' AND user_id = $1 AND student_id = $2 AND relation = 'none'`,
							env.UserID(c.user), sid)
						if n == 0 || env.Count(`SELECT COUNT(*) FROM access_log WHERE outcome = 'denied'`) != before+1 {
							t.Errorf("%s as %s on %s: denial not in the access log", pattern, c.user, c.path)
						}
					}
					if studentData[pattern] && c.user != anon && res.Status < 400 && namesRecord(c.path) &&
						env.Count(`SELECT COUNT(*) FROM access_log WHERE outcome = 'granted'`) == granted {
						t.Errorf("%s as %s on %s: %d without a granted entry in the access log", pattern, c.user, c.path, res.Status)
					}
				}
			}
		})
	}
}

// TestDenialRevealsNothing: a student the user may not see and a student
// that does not exist give the same answer.
func TestDenialRevealsNothing(t *testing.T) {
	t.Parallel()
	env := webtest.Start(t, "sqlite", webtest.Options{})
	c := env.NewClient()
	c.Login(demo.UserPolice)
	lotte, unknown := env.StudentID(demo.LotteNumber), casus.NewID()
	forbidden := c.Get("/students/" + lotte)
	missing := c.Get("/students/" + unknown)
	// The requested path is echoed in the language switch; the rest must match.
	forbidden.Body = strings.ReplaceAll(forbidden.Body, lotte, "ID")
	missing.Body = strings.ReplaceAll(missing.Body, unknown, "ID")
	strip := func(s string) string {
		// The request ID differs per request by design.
		i := strings.Index(s, "<code>")
		j := strings.Index(s, "</code>")
		if i < 0 || j < i {
			t.Fatalf("error page without a reference: %q", s)
		}
		return s[:i] + s[j:]
	}
	if forbidden.Status != notFound || missing.Status != notFound || strip(forbidden.Body) != strip(missing.Body) {
		t.Errorf("forbidden (%d) and missing (%d) students answer differently:\n%s\n---\n%s", forbidden.Status, missing.Status,
			strip(forbidden.Body), strip(missing.Body))
	}
	if strings.Contains(forbidden.Body, "Lotte") {
		t.Errorf("denial page names the student")
	}
}

// namesRecord reports whether a matrix path names a record of a student
// (not only a team, a user or nothing): a granted request for it must leave
// a granted entry in the access log.
func namesRecord(path string) bool {
	for _, p := range strings.SplitAfter(path, "}") {
		if i := strings.Index(p, "{"); i >= 0 && !slices.Contains([]string{"{team}", "{user}", "{unknown}"}, p[i:]) {
			return true
		}
	}
	return false
}
