package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/oauth2-proxy/mockoidc"

	"casus"
	"casus/auth"
	"casus/demo"
	"casus/storage"
	"casus/storage/storagetest"
	"casus/web"
	"casus/web/webtest"
)

// ssoUser is a provider's user whose ID token says how they authenticated
// (the acr and amr claims, RFC 8176), which mockoidc's own user cannot.
type ssoUser struct {
	mockoidc.MockUser
	ACR string
	AMR []string
}

type ssoClaims struct {
	*mockoidc.IDTokenClaims
	Email         string   `json:"email,omitempty"`
	EmailVerified bool     `json:"email_verified"`
	ACR           string   `json:"acr,omitempty"`
	AMR           []string `json:"amr,omitempty"`
}

func (u *ssoUser) Claims(_ []string, base *mockoidc.IDTokenClaims) (jwt.Claims, error) {
	return &ssoClaims{IDTokenClaims: base, Email: u.Email, EmailVerified: u.EmailVerified, ACR: u.ACR, AMR: u.AMR}, nil
}

// startSSO runs a mock identity provider and a Casus server outside demo
// mode (two-factor required) that trusts it, with the default MFA values
// and one acr value of the school's own.
func startSSO(t *testing.T, engine string) (*webtest.Env, *mockoidc.MockOIDC) {
	t.Helper()
	m, err := mockoidc.Run()
	if err != nil {
		t.Fatalf("mockoidc: %v", err)
	}
	t.Cleanup(func() { m.Shutdown() })
	env := webtest.Start(t, engine, webtest.Options{NoDemoMode: true, OIDC: &web.OIDCConfig{
		Issuer: m.Issuer(), ClientID: m.ClientID, ClientSecret: m.ClientSecret,
		MFAValues: append([]string{"urn:school:loa:mfa"}, web.DefaultOIDCMFAValues...),
	}})
	return env, m
}

// signOn runs a sign-on of the provider's user in c and returns the
// callback's answer.
func signOn(t *testing.T, env *webtest.Env, m *mockoidc.MockOIDC, c *webtest.Client, u *ssoUser) webtest.Response {
	t.Helper()
	m.QueueUser(u)
	cb := oidcCallback(t, env, c)
	return c.Get(cb.RequestURI())
}

func email(user string) string { return user + "@" + demo.EmailDomain }

// TestSSOWithoutMFAAsksTOTP: single sign-on skips Casus's two-factor only
// when the provider's ID token proves it did multi-factor authentication
// (an acr or amr value from the configured list). Otherwise an account
// with a code is asked for it, and an account that must have two-factor
// but has none is sent to set it up.
func TestSSOWithoutMFAAsksTOTP(t *testing.T) {
	t.Parallel()
	for _, engine := range storagetest.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			env, m := startSSO(t, engine)
			setup := env.NewClient()
			secret := enroll(t, env, setup, demo.UserCoordinator)
			setup.Post("/logout", url.Values{})
			coordinator := &ssoUser{MockUser: mockoidc.MockUser{Subject: "sub-coordinator", Email: email(demo.UserCoordinator), EmailVerified: true}}

			for _, tc := range []struct {
				name string
				acr  string
				amr  []string
			}{
				{"NoClaims", "", nil},
				{"PasswordOnly", "", []string{"pwd"}},
				{"UnlistedACR", "urn:school:loa:low", []string{"pwd"}},
			} {
				t.Run("AsksTOTP/"+tc.name, func(t *testing.T) {
					c := env.NewClient()
					u := *coordinator
					u.ACR, u.AMR = tc.acr, tc.amr
					res := signOn(t, env, m, c, &u)
					if res.Status != http.StatusSeeOther || res.Location != "/login/2fa" {
						t.Fatalf("sign-on without MFA proof: %d → %q, want the code step", res.Status, res.Location)
					}
					if res := c.Get("/students"); res.Status == http.StatusOK {
						t.Fatalf("student list before the code: %d", res.Status)
					}
					env.Clock.Add(time.Minute) // a fresh code
					if res := c.Post("/login/2fa", url.Values{"code": {"000000"}}); res.Status != http.StatusUnauthorized {
						t.Errorf("wrong code: %d, want 401", res.Status)
					}
					res = c.Post("/login/2fa", url.Values{"code": {auth.TOTPCode(secret, env.Clock.Now())}})
					if res.Status != http.StatusSeeOther || res.Location != "/" {
						t.Fatalf("code after sign-on: %d → %q", res.Status, res.Location)
					}
					if res := c.Get("/students"); res.Status != http.StatusOK {
						t.Errorf("after the code: /students %d", res.Status)
					}
				})
			}

			for _, tc := range []struct {
				name string
				acr  string
				amr  []string
			}{
				{"AMR", "", []string{"pwd", "mfa"}},
				{"AMROTP", "", []string{"pwd", "otp"}},
				{"ACR", "urn:school:loa:mfa", nil},
			} {
				t.Run("ProviderMFA/"+tc.name, func(t *testing.T) {
					c := env.NewClient()
					u := *coordinator
					u.ACR, u.AMR = tc.acr, tc.amr
					res := signOn(t, env, m, c, &u)
					if res.Status != http.StatusSeeOther || res.Location != "/" {
						t.Fatalf("sign-on with MFA proof: %d → %q, want in", res.Status, res.Location)
					}
					if res := c.Get("/students"); res.Status != http.StatusOK {
						t.Errorf("/students %d", res.Status)
					}
				})
			}

			t.Run("EnrolsWithoutTOTP", func(t *testing.T) {
				c := env.NewClient()
				res := signOn(t, env, m, c, &ssoUser{MockUser: mockoidc.MockUser{Subject: "sub-taakdocent",
					Email: email(demo.UserCareContact), EmailVerified: true}, AMR: []string{"pwd"}})
				if res.Status != http.StatusSeeOther || res.Location != "/account/2fa" {
					t.Fatalf("sign-on without MFA, account without a code: %d → %q, want the setup", res.Status, res.Location)
				}
				if res := c.Get("/students"); res.Status != http.StatusSeeOther || res.Location != "/account/2fa" {
					t.Errorf("before setup, /students: %d → %q", res.Status, res.Location)
				}
			})
		})
	}
}

// oidcBinding returns the issuer and subject the account is bound to.
func oidcBinding(t *testing.T, env *webtest.Env, user string) (string, string) {
	t.Helper()
	var iss, sub *string
	if err := env.SQL().QueryRow(`SELECT oidc_issuer, oidc_subject FROM users WHERE id = $1`, env.UserID(user)).Scan(&iss, &sub); err != nil {
		t.Fatal(err)
	}
	if iss == nil || sub == nil {
		return "", ""
	}
	return *iss, *sub
}

// TestSSOBindsIssuerSubject: the first sign-on is matched by verified
// e-mail address and binds the account to the provider's issuer and
// subject; from then on only they match. A changed e-mail address at the
// provider does not move the sign-on to another account, and another
// subject with the bound account's e-mail address is refused.
func TestSSOBindsIssuerSubject(t *testing.T) {
	t.Parallel()
	bound := dutch(t, "error.oidc_bound")
	failed := dutch(t, "error.oidc_failed")
	mfa := []string{"pwd", "mfa"}
	for _, engine := range storagetest.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			env, m := startSSO(t, engine)
			whoami := func(c *webtest.Client) string {
				home := c.Get("/")
				if home.Status != http.StatusOK {
					t.Fatalf("GET /: %d → %q", home.Status, home.Location)
				}
				return home.Body
			}

			// The first sign-on: matched by verified e-mail, then bound.
			c := env.NewClient()
			res := signOn(t, env, m, c, &ssoUser{MockUser: mockoidc.MockUser{Subject: "sub-mentor", Email: email(demo.UserMentor), EmailVerified: true}, AMR: mfa})
			if res.Status != http.StatusSeeOther || res.Location != "/" {
				t.Fatalf("first sign-on: %d → %q", res.Status, res.Location)
			}
			if iss, sub := oidcBinding(t, env, demo.UserMentor); iss != m.Issuer() || sub != "sub-mentor" {
				t.Fatalf("binding after the first sign-on: %q %q, want %q sub-mentor", iss, sub, m.Issuer())
			}
			if !strings.Contains(whoami(c), "Sanne Oosterhout") {
				t.Fatalf("first sign-on is not the mentor")
			}

			t.Run("ChangedEmailKeepsAccount", func(t *testing.T) {
				// The provider now says the mentor's subject has the
				// care contact's address: still the mentor.
				c := env.NewClient()
				res := signOn(t, env, m, c, &ssoUser{MockUser: mockoidc.MockUser{Subject: "sub-mentor", Email: email(demo.UserCareContact), EmailVerified: true}, AMR: mfa})
				if res.Status != http.StatusSeeOther || res.Location != "/" {
					t.Fatalf("sign-on: %d → %q", res.Status, res.Location)
				}
				if body := whoami(c); !strings.Contains(body, "Sanne Oosterhout") || strings.Contains(body, "Ilona Rietveld") {
					t.Errorf("a changed e-mail address moved the sign-on to another account")
				}
				if iss, _ := oidcBinding(t, env, demo.UserCareContact); iss != "" {
					t.Errorf("the care contact got bound: %q", iss)
				}
			})

			t.Run("BoundSubjectWithoutEmail", func(t *testing.T) {
				c := env.NewClient()
				res := signOn(t, env, m, c, &ssoUser{MockUser: mockoidc.MockUser{Subject: "sub-mentor"}, AMR: mfa})
				if res.Status != http.StatusSeeOther || res.Location != "/" {
					t.Fatalf("bound subject, no e-mail: %d → %q", res.Status, res.Location)
				}
			})

			t.Run("ErrOtherSubjectSameEmail", func(t *testing.T) {
				c := env.NewClient()
				res := signOn(t, env, m, c, &ssoUser{MockUser: mockoidc.MockUser{Subject: "sub-intruder", Email: email(demo.UserMentor), EmailVerified: true}, AMR: mfa})
				wantFailed(t, c, res, bound)
				if _, sub := oidcBinding(t, env, demo.UserMentor); sub != "sub-mentor" {
					t.Errorf("binding changed to %q", sub)
				}
			})

			t.Run("ErrUnverifiedFirstSignOn", func(t *testing.T) {
				c := env.NewClient()
				res := signOn(t, env, m, c, &ssoUser{MockUser: mockoidc.MockUser{Subject: "sub-ggd", Email: email(demo.UserGGD), EmailVerified: false}, AMR: mfa})
				wantFailed(t, c, res, failed)
				if iss, _ := oidcBinding(t, env, demo.UserGGD); iss != "" {
					t.Errorf("an unverified e-mail address bound the account: %q", iss)
				}
			})

			t.Run("SecurityEvents", func(t *testing.T) {
				var events []casus.SecurityEvent
				ctx := context.Background()
				if err := env.DB.View(ctx, func(tx *storage.Tx) (err error) {
					events, err = tx.SecurityEvents(ctx, storage.SecurityFilter{})
					return err
				}); err != nil {
					t.Fatal(err)
				}
				var ok, refused int
				for _, e := range events {
					if !strings.Contains(e.Detail, "single sign-on") || e.ClientAddr == "" {
						continue
					}
					switch {
					case e.Kind == casus.SecLoginSucceeded && e.TargetID == env.UserID(demo.UserMentor):
						ok++
					case e.Kind == casus.SecLoginFailed && e.TargetID == env.UserID(demo.UserMentor):
						refused++
					}
				}
				if ok != 3 || refused != 1 {
					t.Errorf("sign-on events for the mentor: %d logins, %d refusals; want 3 and 1", ok, refused)
				}
			})
		})
	}
}
