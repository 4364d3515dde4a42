package web_test

import (
	"html"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/oauth2-proxy/mockoidc"

	"casus/demo"
	"casus/i18n"
	"casus/storage/storagetest"
	"casus/web"
	"casus/web/webtest"
)

// startOIDC runs a mock identity provider and a Casus server that trusts it.
func startOIDC(t *testing.T, engine string) (*webtest.Env, *mockoidc.MockOIDC) {
	t.Helper()
	m, err := mockoidc.Run()
	if err != nil {
		t.Fatalf("mockoidc: %v", err)
	}
	t.Cleanup(func() { m.Shutdown() })
	env := webtest.Start(t, engine, webtest.Options{OIDC: &web.OIDCConfig{
		Issuer: m.Issuer(), ClientID: m.ClientID, ClientSecret: m.ClientSecret,
	}})
	return env, m
}

// oidcCallback starts the sign-in with the casus client and lets the
// provider authorize it, returning the callback URL the provider sends the
// browser back to.
func oidcCallback(t *testing.T, env *webtest.Env, c *webtest.Client) *url.URL {
	t.Helper()
	res := c.Get("/login/oidc")
	if res.Status != http.StatusFound || res.Location == "" {
		t.Fatalf("GET /login/oidc: status %d, location %q", res.Status, res.Location)
	}
	idp := &http.Client{Timeout: 30 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	ar, err := idp.Get(res.Location)
	if err != nil {
		t.Fatalf("authorize: %v", err)
	}
	ar.Body.Close()
	if ar.StatusCode != http.StatusFound {
		t.Fatalf("authorize: status %d", ar.StatusCode)
	}
	cb, err := url.Parse(ar.Header.Get("Location"))
	if err != nil {
		t.Fatalf("authorize: location: %v", err)
	}
	if got := cb.Scheme + "://" + cb.Host + cb.Path; got != env.URL+"/login/oidc/callback" {
		t.Fatalf("authorize redirected to %q, want our callback", got)
	}
	if cb.Query().Get("code") == "" || cb.Query().Get("state") == "" {
		t.Fatalf("callback without code or state: %s", cb)
	}
	return cb
}

// wantFailed checks a refused sign-in: 401, the Dutch message, no session.
func wantFailed(t *testing.T, c *webtest.Client, res webtest.Response, msg string) {
	t.Helper()
	if res.Status != http.StatusUnauthorized {
		t.Fatalf("callback: status %d, want 401 (location %q)", res.Status, res.Location)
	}
	if !strings.Contains(res.Body, msg) {
		t.Errorf("callback: body lacks %q", msg)
	}
	if home := c.Get("/"); home.Status != http.StatusSeeOther || home.Location != "/login" {
		t.Errorf("GET / after refused sign-in: status %d, location %q; want 303 to /login", home.Status, home.Location)
	}
}

func TestOIDC(t *testing.T) {
	t.Parallel()
	bundle, err := i18n.New()
	if err != nil {
		t.Fatal(err)
	}
	failed := html.EscapeString(bundle.For("nl").T("error.oidc_failed"))
	if failed == "" || failed == "error.oidc_failed" {
		t.Fatalf("no Dutch text for error.oidc_failed: %q", failed)
	}
	coordinator := demo.UserCoordinator + "@" + demo.EmailDomain

	for _, engine := range storagetest.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			env, m := startOIDC(t, engine)

			t.Run("OK", func(t *testing.T) {
				c := env.NewClient()
				m.QueueUser(&mockoidc.MockUser{Subject: "sub-coordinator", Email: coordinator, EmailVerified: true})
				cb := oidcCallback(t, env, c)
				res := c.Get(cb.RequestURI())
				if res.Status != http.StatusSeeOther || res.Location != "/" {
					t.Fatalf("callback: status %d, location %q; want 303 to /", res.Status, res.Location)
				}
				home := c.Get("/")
				if home.Status != http.StatusOK {
					t.Fatalf("GET /: status %d, location %q", home.Status, home.Location)
				}
				if !strings.Contains(home.Body, "Welkom") || !strings.Contains(home.Body, "Marieke Vermeer") {
					t.Errorf("GET /: no welcome for the coordinator")
				}
				// The state is used once: replaying the callback fails
				// (and does not end the session).
				if again := c.Get(cb.RequestURI()); again.Status != http.StatusUnauthorized {
					t.Errorf("replayed callback: status %d, want 401", again.Status)
				}
			})

			t.Run("ErrUnknownEmail", func(t *testing.T) {
				c := env.NewClient()
				m.QueueUser(&mockoidc.MockUser{Subject: "sub-unknown", Email: "onbekend@" + demo.EmailDomain, EmailVerified: true})
				cb := oidcCallback(t, env, c)
				wantFailed(t, c, c.Get(cb.RequestURI()), failed)
			})

			t.Run("ErrUsernameAsEmail", func(t *testing.T) {
				// Accounts are matched by e-mail only, never by username.
				c := env.NewClient()
				m.QueueUser(&mockoidc.MockUser{Subject: "sub-username", Email: demo.UserCoordinator, EmailVerified: true})
				cb := oidcCallback(t, env, c)
				wantFailed(t, c, c.Get(cb.RequestURI()), failed)
			})

			t.Run("ErrState", func(t *testing.T) {
				c := env.NewClient()
				m.QueueUser(&mockoidc.MockUser{Subject: "sub-coordinator", Email: coordinator, EmailVerified: true})
				cb := oidcCallback(t, env, c)
				q := cb.Query()
				q.Set("state", "wrong"+q.Get("state"))
				bad := *cb
				bad.RawQuery = q.Encode()
				wantFailed(t, c, c.Get(bad.RequestURI()), failed)
				// The state was spent by the failed attempt: the real
				// callback no longer works either.
				wantFailed(t, c, c.Get(cb.RequestURI()), failed)
			})

			t.Run("ErrStateWithoutStart", func(t *testing.T) {
				// A callback in a browser that never started a sign-in.
				starter := env.NewClient()
				m.QueueUser(&mockoidc.MockUser{Subject: "sub-coordinator", Email: coordinator, EmailVerified: true})
				cb := oidcCallback(t, env, starter)
				other := env.NewClient()
				wantFailed(t, other, other.Get(cb.RequestURI()), failed)
			})

			t.Run("ErrUnverified", func(t *testing.T) {
				// A first sign-on is matched by e-mail only when the
				// provider verified it. (sub-coordinator is bound by now,
				// and a bound subject no longer needs the e-mail.)
				c := env.NewClient()
				m.QueueUser(&mockoidc.MockUser{Subject: "sub-unverified", Email: coordinator, EmailVerified: false})
				cb := oidcCallback(t, env, c)
				wantFailed(t, c, c.Get(cb.RequestURI()), failed)
			})
		})
	}
}
