package web_test

import (
	"context"
	"encoding/json"
	"html"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"

	"casus"
	"casus/demo"
	"casus/storage/storagetest"
	"casus/web/webtest"
)

// apiResponse is an API answer.
type apiResponse struct {
	Status int
	Header http.Header
	Body   []byte
}

// apiCall calls the API with the client (nil: no cookies), the token's
// secret ("" for none) and extra headers; body is sent as JSON.
func apiCall(t *testing.T, env *webtest.Env, cl *http.Client, method, path, secret, body string, headers ...string) apiResponse {
	t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, _ := http.NewRequest(method, env.URL+path, rd)
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	if secret != "" {
		req.Header.Set("Authorization", "Bearer "+secret)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	if cl == nil {
		cl = &http.Client{Timeout: 30 * time.Second}
	}
	res, err := cl.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return apiResponse{Status: res.StatusCode, Header: res.Header, Body: b}
}

var apiSecretRe = regexp.MustCompile(`<code class="casus-secret" id="api-secret">([^<]+)</code>`)

// issueToken makes a token through the beheerder's page, as a beheerder
// would, and returns its secret from the answer.
func issueToken(t *testing.T, env *webtest.Env, admin *webtest.Client, name, user string, lastDay time.Time, scopes ...casus.Scope) string {
	t.Helper()
	form := url.Values{"name": {name}, "user": {env.UserID(user)}, "last_day": {lastDay.Format(time.DateOnly)}}
	for _, s := range scopes {
		form.Add("scopes", string(s))
	}
	res := admin.Post("/admin/api-tokens", form)
	m := apiSecretRe.FindStringSubmatch(res.Body)
	if res.Status != http.StatusOK || m == nil {
		t.Fatalf("issue token %s: status %d, no secret shown", name, res.Status)
	}
	return html.UnescapeString(m[1])
}

// in30Days is a last day a month after the test clock's today.
func in30Days(env *webtest.Env) time.Time {
	return env.Clock.Now().In(casus.Amsterdam).AddDate(0, 0, 30)
}

// apiCell is one line of the API's access matrix: a caller requests a path
// and gets a status; denied: the refusal must be in the access log under
// the token's name.
type apiCell struct {
	caller  string // a token name of apiCallers, "none" or "cookie"
	path    string
	body    string
	ifMatch string
	want    int
	denied  bool
}

// apiCallers are the tokens of the matrix: name → account and scopes.
var apiCallers = map[string]struct {
	user   string
	scopes []casus.Scope
}{
	"coord-read":  {demo.UserCoordinator, []casus.Scope{casus.ScopeStudentsRead}},
	"coord-all":   {demo.UserCoordinator, casus.Scopes},
	"mentor-all":  {demo.UserMentor, casus.Scopes},
	"police-all":  {demo.UserPolice, casus.Scopes},
	"beheer-all":  {demo.UserAdmin, casus.Scopes},
	"revoked-all": {demo.UserCoordinator, casus.Scopes},
}

// apiMatrix is the API's access matrix: route (as the OpenAPI document
// names it) → cells. Every route of the document must have cells.
func apiMatrix() map[string][]apiCell {
	const p = "/api/v1"
	unauth := func(path, body string) []apiCell {
		var cs []apiCell
		for _, c := range []string{"none", "cookie", "revoked-all", "garbage"} {
			cs = append(cs, apiCell{caller: c, path: path, body: body, ifMatch: `"v1"`, want: http.StatusUnauthorized})
		}
		return cs
	}
	cells := func(path, body string, extra ...apiCell) []apiCell { return append(unauth(path, body), extra...) }
	c := func(caller, path string, want int, denied bool) apiCell {
		return apiCell{caller: caller, path: path, want: want, denied: denied}
	}
	const (
		okS, forbid, nf, badS = http.StatusOK, http.StatusForbidden, http.StatusNotFound, http.StatusBadRequest
	)
	lotte, daan := p+"/students/{lotte}", p+"/students/{daan}"
	action := p + "/actions/{action:lotte}"
	patch := func(caller, body, ifMatch string, want int, denied bool) apiCell {
		return apiCell{caller: caller, path: action, body: body, ifMatch: ifMatch, want: want, denied: denied}
	}
	progress := `{"status":"in_progress","note":"gebeld"}`
	return map[string][]apiCell{
		"GET " + p + "/openapi.json": {c("none", p+"/openapi.json", okS, false), c("cookie", p+"/openapi.json", okS, false)},
		"GET " + p + "/students": cells(p+"/students", "",
			c("coord-read", p+"/students", okS, false), c("coord-all", p+"/students", okS, false),
			c("mentor-all", p+"/students", okS, false), c("police-all", p+"/students", okS, false),
			c("beheer-all", p+"/students", forbid, false),
			c("coord-read", p+"/students?cursor=not-an-id", badS, false), c("coord-read", p+"/students?limit=1000", badS, false)),
		"GET " + p + "/students/{id}": cells(lotte, "",
			c("coord-read", lotte, okS, false), c("mentor-all", lotte, okS, false),
			c("police-all", lotte, nf, true), c("beheer-all", lotte, nf, true), c("coord-all", daan, nf, true),
			c("coord-all", p+"/students/{unknown}", nf, true), c("coord-all", p+"/students/not-an-id", nf, true)),
		"GET " + p + "/students/{id}/cases": cells(lotte+"/cases", "",
			c("coord-read", lotte+"/cases", forbid, true), c("coord-all", lotte+"/cases", okS, false),
			c("mentor-all", lotte+"/cases", okS, false), c("police-all", lotte+"/cases", nf, true)),
		"GET " + p + "/teams": cells(p+"/teams", "",
			c("coord-read", p+"/teams", forbid, true), c("coord-all", p+"/teams", okS, false), c("police-all", p+"/teams", okS, false)),
		"GET " + p + "/teams/{id}": cells(p+"/teams/{team}", "",
			c("coord-read", p+"/teams/{team}", forbid, true), c("coord-all", p+"/teams/{team}", okS, false),
			c("coord-all", p+"/teams/{unknown}", nf, false)),
		"GET " + p + "/teams/{id}/meetings": cells(p+"/teams/{team}/meetings", "",
			c("coord-read", p+"/teams/{team}/meetings", forbid, true), c("coord-all", p+"/teams/{team}/meetings", okS, false),
			c("coord-all", p+"/teams/{unknown}/meetings", nf, false)),
		"GET " + p + "/actions": cells(p+"/actions", "",
			c("coord-read", p+"/actions", forbid, true), c("coord-all", p+"/actions", okS, false),
			c("beheer-all", p+"/actions", forbid, false),
			c("coord-all", p+"/actions?cursor=nonsense", badS, false), c("coord-all", p+"/actions?limit=0", badS, false)),
		"GET " + p + "/actions/{id}": cells(action, "",
			c("coord-read", action, forbid, true), c("coord-all", action, okS, false),
			c("mentor-all", action, nf, true), c("police-all", action, nf, true)),
		"PATCH " + p + "/actions/{id}": cells(action, progress,
			patch("coord-read", progress, `"v1"`, forbid, true),
			patch("mentor-all", progress, `"v1"`, nf, true),
			patch("police-all", progress, `"v1"`, nf, true),
			patch("coord-all", progress, "", http.StatusPreconditionRequired, false),
			patch("coord-all", `{"status":"nope"}`, `"v1"`, badS, false),
			patch("coord-all", `{"status":"done","extra":1}`, `"v1"`, badS, false),
			patch("mentor-all", `{"status":"nope"}`, `"v1"`, nf, true)),
		"GET " + p + "/changes": cells(p+"/changes", "",
			c("coord-read", p+"/changes", forbid, true), c("coord-all", p+"/changes?since=0", okS, false),
			c("police-all", p+"/changes", okS, false), c("beheer-all", p+"/changes", forbid, false),
			c("coord-all", p+"/changes?since=-1", badS, false), c("coord-all", p+"/changes?limit=501", badS, false)),
	}
}

// TestAPIOpenAPIDocument: the served document is valid OpenAPI 3.1 (kin-openapi), and
// every route in it has cells in the API's access matrix, and every
// route of the matrix is in it.
func TestAPIOpenAPIDocument(t *testing.T) {
	t.Parallel()
	env := webtest.Start(t, "sqlite", webtest.Options{})
	res := apiCall(t, env, nil, http.MethodGet, "/api/v1/openapi.json", "", "")
	if res.Status != http.StatusOK {
		t.Fatalf("openapi.json: %d", res.Status)
	}
	doc, err := openapi3.NewLoader().LoadFromData(res.Body)
	if err != nil {
		t.Fatalf("load: %v", err)
	}
	if doc.OpenAPI != "3.1.0" || !doc.IsOpenAPI31OrLater() {
		t.Errorf("openapi = %q, want 3.1.0", doc.OpenAPI)
	}
	if err := doc.Validate(context.Background()); err != nil {
		t.Errorf("the served document does not validate: %v", err)
	}
	matrix := apiMatrix()
	inDoc := map[string]bool{}
	for path, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			key := method + " " + path
			inDoc[key] = true
			if len(matrix[key]) == 0 {
				t.Errorf("route %s of the OpenAPI document has no access-matrix cells", key)
			}
			if key != "GET /api/v1/openapi.json" && (op.Security == nil || len(*op.Security) == 0) {
				t.Errorf("route %s names no security requirement", key)
			}
		}
	}
	for key := range matrix {
		if !inDoc[key] {
			t.Errorf("access matrix names %s, which the OpenAPI document does not", key)
		}
	}
	for _, rt := range env.Server.APIRoutes() {
		if !inDoc[rt.Pattern] {
			t.Errorf("served route %s is not in the OpenAPI document", rt.Pattern)
		}
	}
	t.Logf("OpenAPI %s: %d routes, %d with matrix cells", doc.OpenAPI, len(inDoc), len(matrix))
}

// TestAPIAccessMatrix checks every cell against a real server on each
// engine: no token, a session cookie alone, a revoked or unknown token get
// 401; a token without the scope 403, logged; a record the token's account
// may not see 404, logged under the token's name.
func TestAPIAccessMatrix(t *testing.T) {
	t.Parallel()
	for _, engine := range storagetest.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			env := webtest.Start(t, engine, webtest.Options{})
			admin := env.NewClient()
			admin.Login(demo.UserAdmin)
			secrets := map[string]string{"garbage": "casus_nonsense"}
			names := slices.Sorted(func(yield func(string) bool) {
				for n := range apiCallers {
					if !yield(n) {
						return
					}
				}
			})
			for _, name := range names {
				c := apiCallers[name]
				secrets[name] = issueToken(t, env, admin, name, c.user, in30Days(env), c.scopes...)
			}
			var revokedID string
			if err := env.SQL().QueryRow(`SELECT CAST(id AS TEXT) FROM api_tokens WHERE name = 'revoked-all'`).Scan(&revokedID); err != nil {
				t.Fatal(err)
			}
			if res := admin.Post("/admin/api-tokens/"+revokedID+"/revoke", url.Values{}); res.Status != http.StatusSeeOther {
				t.Fatalf("revoke: %d", res.Status)
			}
			cookie := env.NewClient()
			cookie.Login(demo.UserCoordinator)
			ids := apiMatrixIDs(t, env)
			matrix := apiMatrix()
			keys := make([]string, 0, len(matrix))
			for k := range matrix {
				keys = append(keys, k)
			}
			sort.Strings(keys)
			cells := 0
			for _, key := range keys {
				method := strings.Fields(key)[0]
				for _, c := range matrix[key] {
					cells++
					path := c.path
					for k, v := range ids {
						path = strings.ReplaceAll(path, k, v)
					}
					var cl *http.Client
					if c.caller == "cookie" {
						cl = cookie.Client
					}
					denied := env.Count(`SELECT COUNT(*) FROM access_log WHERE outcome = 'denied' AND user_name = $1`, "API: "+c.caller)
					headers := []string{}
					if c.ifMatch != "" {
						headers = append(headers, "If-Match", c.ifMatch)
					}
					res := apiCall(t, env, cl, method, path, secrets[c.caller], c.body, headers...)
					if res.Status != c.want {
						t.Errorf("%s as %s on %s: status %d, want %d (%s)", key, c.caller, c.path, res.Status, c.want, res.Body)
					}
					if res.Status >= 400 && res.Header.Get("Content-Type") != "application/problem+json" {
						t.Errorf("%s as %s on %s: error without problem details (%s)", key, c.caller, c.path, res.Header.Get("Content-Type"))
					}
					if c.denied && env.Count(`SELECT COUNT(*) FROM access_log WHERE outcome = 'denied' AND user_name = $1`, "API: "+c.caller) != denied+1 {
						t.Errorf("%s as %s on %s: the refusal is not in the access log under the token's name", key, c.caller, c.path)
					}
				}
			}
			t.Logf("API access matrix on %s: %d routes, %d cells", engine, len(matrix), cells)
			if n := env.Count(`SELECT COUNT(*) FROM access_log WHERE outcome = 'granted' AND user_name = 'API: coord-read' AND user_agent = 'API'`); n == 0 {
				t.Error("no granted read of the students:read token in the access log under its name")
			}
		})
	}
}

// apiMatrixIDs are the records the API matrix's paths name.
func apiMatrixIDs(t *testing.T, env *webtest.Env) map[string]string {
	ids := map[string]string{"{lotte}": env.StudentID(demo.LotteNumber), "{daan}": env.StudentID(demo.DaanNumber),
		"{unknown}": casus.NewID()}
	var team string
	if err := env.SQL().QueryRow(`SELECT CAST(id AS TEXT) FROM care_teams ORDER BY name LIMIT 1`).Scan(&team); err != nil {
		t.Fatal(err)
	}
	ids["{team}"] = team
	for k, v := range actionMatrixIDs(t, env) {
		ids[k] = v
	}
	return ids
}

// TestAPIMethodNotAllowed: another method on a known path is 405 as
// problem details, naming the methods that are allowed.
func TestAPIMethodNotAllowed(t *testing.T) {
	t.Parallel()
	env := webtest.Start(t, "sqlite", webtest.Options{})
	res := apiCall(t, env, nil, http.MethodDelete, "/api/v1/actions/"+casus.NewID(), "", "")
	if res.Status != http.StatusMethodNotAllowed || res.Header.Get("Content-Type") != "application/problem+json" ||
		res.Header.Get("Allow") != "GET, PATCH" {
		t.Errorf("DELETE an action: %d %s, Allow %q", res.Status, res.Header.Get("Content-Type"), res.Header.Get("Allow"))
	}
	if res := apiCall(t, env, nil, http.MethodGet, "/api/v1/nothing", "", ""); res.Status != http.StatusNotFound ||
		res.Header.Get("Content-Type") != "application/problem+json" {
		t.Errorf("unknown path: %d %s", res.Status, res.Header.Get("Content-Type"))
	}
}

// TestAPIStaleWrite: a write with the ETag read succeeds and moves the
// ETag on; the same write with the old ETag is refused with 412 and writes
// nothing; a read with the current ETag is 304.
func TestAPIStaleWrite(t *testing.T) {
	t.Parallel()
	for _, engine := range storagetest.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			env := webtest.Start(t, engine, webtest.Options{})
			admin := env.NewClient()
			admin.Login(demo.UserAdmin)
			secret := issueToken(t, env, admin, "Schoolsysteem", demo.UserCoordinator, in30Days(env), casus.ScopeActionsRead, casus.ScopeActionsWrite)
			path := "/api/v1/actions/" + actionMatrixIDs(t, env)["{action:lotte}"]
			read := apiCall(t, env, nil, http.MethodGet, path, secret, "")
			etag := read.Header.Get("ETag")
			if read.Status != http.StatusOK || etag != `"v1"` {
				t.Fatalf("read: %d, ETag %q", read.Status, etag)
			}
			body := `{"status":"in_progress","note":"moeder gebeld"}`
			first := apiCall(t, env, nil, http.MethodPatch, path, secret, body, "If-Match", etag)
			var got struct {
				Status  string `json:"status"`
				Version int    `json:"version"`
			}
			json.Unmarshal(first.Body, &got)
			if first.Status != http.StatusOK || first.Header.Get("ETag") != `"v2"` || got.Status != "in_progress" || got.Version != 2 {
				t.Fatalf("write with the ETag read: %d, ETag %q, %s", first.Status, first.Header.Get("ETag"), first.Body)
			}
			updates := env.Count(`SELECT COUNT(*) FROM action_updates`)
			stale := apiCall(t, env, nil, http.MethodPatch, path, secret, `{"status":"done"}`, "If-Match", etag)
			if stale.Status != http.StatusPreconditionFailed {
				t.Errorf("stale write: %d, want 412 (%s)", stale.Status, stale.Body)
			}
			if env.Count(`SELECT COUNT(*) FROM action_updates`) != updates ||
				env.Count(`SELECT COUNT(*) FROM actions WHERE status = 'done'`) != 0 {
				t.Error("the stale write changed the action")
			}
			if res := apiCall(t, env, nil, http.MethodGet, path, secret, "", "If-None-Match", `"v2"`); res.Status != http.StatusNotModified {
				t.Errorf("read with the current ETag: %d, want 304", res.Status)
			}
			if n := env.Count(`SELECT COUNT(*) FROM access_log WHERE user_name = 'API: Schoolsysteem' AND action = 'change' AND outcome = 'granted'`); n != 1 {
				t.Errorf("%d granted changes under the token's name in the access log, want 1", n)
			}
		})
	}
}

// TestAPITokenLifecycle: the secret is shown once and stored only as its
// hash; issuing and revoking are security events and the account's owner
// is told; a revoked token and an expired one get 401.
func TestAPITokenLifecycle(t *testing.T) {
	t.Parallel()
	for _, engine := range storagetest.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			env := webtest.Start(t, engine, webtest.Options{})
			admin := env.NewClient()
			admin.Login(demo.UserAdmin)
			today := env.Clock.Now().In(casus.Amsterdam)
			secret := issueToken(t, env, admin, "Gemeente", demo.UserCoordinator, in30Days(env), casus.ScopeTeamsRead)
			short := issueToken(t, env, admin, "Kort", demo.UserCoordinator, today.AddDate(0, 0, 1), casus.ScopeTeamsRead)
			if !strings.HasPrefix(secret, "casus_") || len(secret) < 40 {
				t.Errorf("secret %q: want casus_ and 256 random bits", secret)
			}
			if n := env.Count(`SELECT COUNT(*) FROM api_tokens WHERE token_hash = $1`, casus.TokenHash(secret)); n != 1 {
				t.Error("the token's hash is not stored")
			}
			if n := env.Count(`SELECT COUNT(*) FROM api_tokens WHERE token_hash = $1 OR name = $1`, secret); n != 0 {
				t.Error("the secret itself is stored")
			}
			if page := admin.Get("/admin/api-tokens"); page.Status != http.StatusOK || strings.Contains(page.Body, secret) ||
				!strings.Contains(page.Body, "Gemeente") {
				t.Errorf("token page: %d; it must list the token and never show its secret again", page.Status)
			}
			if n := env.Count(`SELECT COUNT(*) FROM security_events WHERE kind = 'api_token.issued'`); n != 2 {
				t.Errorf("%d issue events, want 2", n)
			}
			if n := env.Count(`SELECT COUNT(*) FROM messages WHERE user_id = $1 AND msg_key = $2`, env.UserID(demo.UserCoordinator),
				casus.MsgAPITokenIssued); n != 2 {
				t.Errorf("%d messages to the account's owner, want 2", n)
			}
			if res := apiCall(t, env, nil, http.MethodGet, "/api/v1/teams", secret, ""); res.Status != http.StatusOK {
				t.Fatalf("call with a fresh token: %d", res.Status)
			}
			var id string
			if err := env.SQL().QueryRow(`SELECT CAST(id AS TEXT) FROM api_tokens WHERE name = 'Gemeente'`).Scan(&id); err != nil {
				t.Fatal(err)
			}
			t.Run("Revoked/ErrUnauthorized", func(t *testing.T) {
				if res := admin.Post("/admin/api-tokens/"+id+"/revoke", url.Values{}); res.Status != http.StatusSeeOther {
					t.Fatalf("revoke: %d", res.Status)
				}
				res := apiCall(t, env, nil, http.MethodGet, "/api/v1/teams", secret, "")
				if res.Status != http.StatusUnauthorized || !strings.HasPrefix(res.Header.Get("WWW-Authenticate"), "Bearer") {
					t.Errorf("revoked token: %d, want 401 with WWW-Authenticate: Bearer", res.Status)
				}
				if n := env.Count(`SELECT COUNT(*) FROM security_events WHERE kind = 'api_token.revoked'`); n != 1 {
					t.Errorf("%d revoke events, want 1", n)
				}
				if res := admin.Post("/admin/api-tokens/"+id+"/revoke", url.Values{}); res.Status != http.StatusNotFound {
					t.Errorf("revoke twice: %d, want 404", res.Status)
				}
			})
			t.Run("Expired/ErrUnauthorized", func(t *testing.T) {
				if res := apiCall(t, env, nil, http.MethodGet, "/api/v1/teams", short, ""); res.Status != http.StatusOK {
					t.Fatalf("before its last day ends: %d", res.Status)
				}
				env.Clock.Add(48 * time.Hour)
				if res := apiCall(t, env, nil, http.MethodGet, "/api/v1/teams", short, ""); res.Status != http.StatusUnauthorized {
					t.Errorf("expired token: %d, want 401", res.Status)
				}
			})
			t.Run("Invalid/ErrBadRequest", func(t *testing.T) {
				before := env.Count(`SELECT COUNT(*) FROM api_tokens`)
				res := admin.Post("/admin/api-tokens", url.Values{"name": {""}, "user": {"x"}, "last_day": {"2001-01-01"}, "scopes": {"students:write"}})
				if res.Status != http.StatusBadRequest || apiSecretRe.MatchString(res.Body) || env.Count(`SELECT COUNT(*) FROM api_tokens`) != before {
					t.Errorf("invalid form: %d; want 400, no secret, nothing stored", res.Status)
				}
			})
		})
	}
}

// TestAPIStudentsPagination: following next_cursor walks every student the
// account may open once, and the Link header points at the next page.
func TestAPIStudentsPagination(t *testing.T) {
	t.Parallel()
	env := webtest.Start(t, "sqlite", webtest.Options{})
	admin := env.NewClient()
	admin.Login(demo.UserAdmin)
	secret := issueToken(t, env, admin, "Leerlingen", demo.UserCoordinator, in30Days(env), casus.ScopeStudentsRead)
	seen := map[string]bool{}
	path, total := "/api/v1/students?limit=2", -1
	for pages := 0; path != ""; pages++ {
		if pages > 100 {
			t.Fatal("the cursor does not end")
		}
		res := apiCall(t, env, nil, http.MethodGet, path, secret, "")
		var page struct {
			Items []struct {
				ID string `json:"id"`
			} `json:"items"`
			Total      int    `json:"total"`
			NextCursor string `json:"next_cursor"`
		}
		if res.Status != http.StatusOK || json.Unmarshal(res.Body, &page) != nil || len(page.Items) > 2 {
			t.Fatalf("%s: %d %s", path, res.Status, res.Body)
		}
		total = page.Total
		for _, it := range page.Items {
			if seen[it.ID] {
				t.Errorf("student %s on two pages", it.ID)
			}
			seen[it.ID] = true
		}
		path = ""
		if page.NextCursor != "" {
			path = "/api/v1/students?limit=2&cursor=" + page.NextCursor
			if link := res.Header.Get("Link"); !strings.Contains(link, "cursor="+page.NextCursor) || !strings.Contains(link, `rel="next"`) {
				t.Errorf("Link header %q does not point at the next page", link)
			}
		}
	}
	if total < 3 || len(seen) != total {
		t.Errorf("walked %d students, total %d: want every student once (and more than one page)", len(seen), total)
	}
}

// TestAPIRateLimit: a token past its calls of the minute gets 429 with
// Retry-After, another token is not held up, and the next minute it works.
func TestAPIRateLimit(t *testing.T) {
	t.Parallel()
	env := webtest.Start(t, "sqlite", webtest.Options{APIRateLimit: 3})
	admin := env.NewClient()
	admin.Login(demo.UserAdmin)
	busy := issueToken(t, env, admin, "Druk", demo.UserCoordinator, in30Days(env), casus.ScopeTeamsRead)
	calm := issueToken(t, env, admin, "Rustig", demo.UserCoordinator, in30Days(env), casus.ScopeTeamsRead)
	for i := range 3 {
		if res := apiCall(t, env, nil, http.MethodGet, "/api/v1/teams", busy, ""); res.Status != http.StatusOK {
			t.Fatalf("call %d: %d", i+1, res.Status)
		}
	}
	res := apiCall(t, env, nil, http.MethodGet, "/api/v1/teams", busy, "")
	if res.Status != http.StatusTooManyRequests || res.Header.Get("Retry-After") == "" {
		t.Errorf("fourth call in the minute: %d, Retry-After %q; want 429 with Retry-After", res.Status, res.Header.Get("Retry-After"))
	}
	if res := apiCall(t, env, nil, http.MethodGet, "/api/v1/teams", calm, ""); res.Status != http.StatusOK {
		t.Errorf("another token: %d, want 200", res.Status)
	}
	env.Clock.Add(time.Minute)
	if res := apiCall(t, env, nil, http.MethodGet, "/api/v1/teams", busy, ""); res.Status != http.StatusOK {
		t.Errorf("the next minute: %d, want 200", res.Status)
	}
}

// apiTokensMatrix: only the beheerder opens the token page, issues and
// revokes tokens.
func apiTokensMatrix() map[string][]cell {
	return map[string][]cell{
		"GET /admin/api-tokens":              admin("/admin/api-tokens", nil, ok),
		"POST /admin/api-tokens":             admin("/admin/api-tokens", url.Values{"name": {""}}, bad),
		"POST /admin/api-tokens/{id}/revoke": admin("/admin/api-tokens/{unknown}/revoke", url.Values{}, notFound),
	}
}

// changesFeed is a page of the change feed as a client reads it.
type changesFeed struct {
	Items []struct {
		StudentID string `json:"student_id"`
		Kind      string `json:"kind"`
		ObjectID  string `json:"object_id"`
		Change    string `json:"change"`
	} `json:"items"`
	NextCursor string `json:"next_cursor"`
}

// drainChanges polls the feed from since until a call brings nothing new,
// and returns what came and where to go on from.
func drainChanges(t *testing.T, env *webtest.Env, secret, since string) (changesFeed, string) {
	t.Helper()
	var all changesFeed
	for range 100 {
		res := apiCall(t, env, nil, http.MethodGet, "/api/v1/changes?since="+since, secret, "")
		var page changesFeed
		if res.Status != http.StatusOK || json.Unmarshal(res.Body, &page) != nil || page.NextCursor == "" {
			t.Fatalf("changes since %s: %d %s", since, res.Status, res.Body)
		}
		all.Items = append(all.Items, page.Items...)
		if page.NextCursor == since && len(page.Items) == 0 {
			return all, since
		}
		since = page.NextCursor
	}
	t.Fatal("the change feed does not end")
	return all, since
}

// TestAPIChangeFeed: a change made through the API shows in the feed of a
// token whose account may open the student, once, logged under its name;
// not in the feed of a token whose account may not.
func TestAPIChangeFeed(t *testing.T) {
	t.Parallel()
	for _, engine := range storagetest.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			env := webtest.Start(t, engine, webtest.Options{})
			admin := env.NewClient()
			admin.Login(demo.UserAdmin)
			feed := issueToken(t, env, admin, "Feed", demo.UserCoordinator, in30Days(env), casus.ScopeChangesRead)
			// The IB'er of a primary school: staff, no relation to Lotte.
			other := issueToken(t, env, admin, "Basisschool", demo.UserIB, in30Days(env), casus.ScopeChangesRead)
			writer := issueToken(t, env, admin, "Schrijver", demo.UserCoordinator, in30Days(env), casus.ScopeActionsWrite)
			action := actionMatrixIDs(t, env)["{action:lotte}"]
			lotte := env.StudentID(demo.LotteNumber)
			_, from := drainChanges(t, env, feed, "0")
			_, otherFrom := drainChanges(t, env, other, "0")
			res := apiCall(t, env, nil, http.MethodPatch, "/api/v1/actions/"+action, writer, `{"status":"done"}`, "If-Match", `"v1"`)
			if res.Status != http.StatusOK {
				t.Fatalf("write: %d %s", res.Status, res.Body)
			}
			got, next := drainChanges(t, env, feed, from)
			n := 0
			for _, it := range got.Items {
				if it.StudentID == lotte && it.Kind == "action" && it.ObjectID == action && it.Change == "change" {
					n++
				}
			}
			if n != 1 {
				t.Errorf("the coordinator's feed shows the action's change %d times, want once: %+v", n, got.Items)
			}
			if again, _ := drainChanges(t, env, feed, next); len(again.Items) != 0 {
				t.Errorf("polling from next_cursor again brings %d old changes", len(again.Items))
			}
			seen, _ := drainChanges(t, env, other, otherFrom)
			for _, it := range seen.Items {
				if it.StudentID == lotte {
					t.Errorf("the feed of a token whose account may not open Lotte shows her change: %+v", it)
				}
			}
			if env.Count(`SELECT COUNT(*) FROM access_log WHERE user_name = 'API: Feed' AND purpose = 'change feed' AND student_id = $1
				AND outcome = 'granted'`, lotte) != 1 {
				t.Error("the feed's row about Lotte is not in the access log under the token's name, once")
			}
		})
	}
}

// TestAPIActionsPagination: following next_cursor walks the account's
// actions once each, soonest due first, and only the rows of a page are in
// the access log.
func TestAPIActionsPagination(t *testing.T) {
	t.Parallel()
	env := webtest.Start(t, "sqlite", webtest.Options{})
	admin := env.NewClient()
	admin.Login(demo.UserAdmin)
	first := actionMatrixIDs(t, env)["{action:lotte}"] // the GGD's, due 2030
	for range 3 {
		actionMatrixIDs(t, env)
	}
	secret := issueToken(t, env, admin, "Taken", demo.UserGGD, in30Days(env), casus.ScopeActionsRead)
	all := apiCall(t, env, nil, http.MethodGet, "/api/v1/actions?limit=100", secret, "")
	var whole struct {
		Items []struct {
			ID    string `json:"id"`
			DueOn string `json:"due_on"`
		} `json:"items"`
	}
	if all.Status != http.StatusOK || json.Unmarshal(all.Body, &whole) != nil || len(whole.Items) < 4 {
		t.Fatalf("all actions: %d %s", all.Status, all.Body)
	}
	logged := env.Count(`SELECT COUNT(*) FROM access_log WHERE user_name = 'API: Taken' AND purpose = 'task list'`)
	var walked []string
	path := "/api/v1/actions?limit=1"
	for path != "" && len(walked) < 50 {
		res := apiCall(t, env, nil, http.MethodGet, path, secret, "")
		var page struct {
			Items []struct {
				ID string `json:"id"`
			} `json:"items"`
			NextCursor string `json:"next_cursor"`
		}
		if res.Status != http.StatusOK || json.Unmarshal(res.Body, &page) != nil || len(page.Items) > 1 {
			t.Fatalf("%s: %d %s", path, res.Status, res.Body)
		}
		for _, it := range page.Items {
			walked = append(walked, it.ID)
		}
		path = ""
		if page.NextCursor != "" {
			path = "/api/v1/actions?limit=1&cursor=" + url.QueryEscape(page.NextCursor)
		}
	}
	want := make([]string, len(whole.Items))
	for i, it := range whole.Items {
		want[i] = it.ID
	}
	if !slices.Equal(walked, want) || !slices.Contains(walked, first) {
		t.Errorf("walked %v, want %v", walked, want)
	}
	if n := env.Count(`SELECT COUNT(*) FROM access_log WHERE user_name = 'API: Taken' AND purpose = 'task list'`) - logged; n != len(want) {
		t.Errorf("%d rows logged while walking %d actions one by one, want one per row shown", n, len(want))
	}
}
