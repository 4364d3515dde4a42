package web_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"casus"
	"casus/auth"
	"casus/demo"
	"casus/jobs"
	"casus/mail"
	"casus/storage"
	"casus/storage/storagetest"
	"casus/web/webtest"
)

// accountsMatrix: the beheerder starts a reset; a reset link works for
// whoever holds it (an unknown one is not found for everyone); every
// logged-in user has their own account page; only the privacy officer reads
// the security-event log.
func accountsMatrix() map[string][]cell {
	privacyOnly := func(path string) []cell {
		return byUser(path, nil, forbid, map[string]int{anon: redirect, demo.UserPrivacy: ok})
	}
	return map[string][]cell{
		"POST /admin/users/{id}/reset": admin("/admin/users/{user}/reset", url.Values{"reset_2fa": {"maybe"}}, bad),
		"GET /password-reset/{token}":  byUser("/password-reset/no-such-token", nil, notFound, nil),
		"POST /password-reset/{token}": byUser("/password-reset/no-such-token", url.Values{"password": {strongPassword}}, notFound, nil),
		"GET /account":                 staff("/account", nil, ok),
		"POST /account/password":       staff("/account/password", url.Values{"current": {""}}, bad),
		"GET /security-events":         privacyOnly("/security-events"),
		"GET /security-events.csv":     privacyOnly("/security-events.csv"),
	}
}

const (
	nlCommon    = "Dit wachtwoord is te makkelijk te raden" // error.password_common
	nlResetLink = "Deze link om je wachtwoord te herstellen werkt niet (meer)"
)

var resetLinkRe = regexp.MustCompile(`/password-reset/([A-Za-z0-9_-]{43})`)

// deliverMail runs the mail job into the outbox, as the leader does every
// minute.
func deliverMail(t *testing.T, env *webtest.Env) {
	t.Helper()
	composer, err := mail.NewComposer(env.URL)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := jobs.DeliverMail(context.Background(), env.DB, mail.Outbox{}, composer); err != nil {
		t.Fatalf("deliver mail: %v", err)
	}
}

// resetToken mails pending messages and returns the token of the newest
// reset link in the outbox to the address.
func resetToken(t *testing.T, env *webtest.Env, email string) string {
	t.Helper()
	deliverMail(t, env)
	var body string
	if err := env.SQL().QueryRow(`SELECT body FROM outbox WHERE to_addr = $1 AND subject = $2 ORDER BY created_at DESC LIMIT 1`,
		email, "Casus: herstel van je wachtwoord").Scan(&body); err != nil {
		t.Fatalf("no reset mail to %s: %v", email, err)
	}
	m := resetLinkRe.FindStringSubmatch(body)
	if m == nil || !strings.Contains(body, env.URL+"/password-reset/") {
		t.Fatalf("the reset mail holds no link:\n%s", body)
	}
	return m[1]
}

// securityEvents returns the events of a kind about the target, oldest first.
func securityEvents(t *testing.T, env *webtest.Env, kind casus.SecurityEventKind, targetID string) []casus.SecurityEvent {
	t.Helper()
	var es []casus.SecurityEvent
	if err := env.DB.View(context.Background(), func(tx *storage.Tx) error {
		all, err := tx.SecurityEvents(context.Background(), storage.SecurityFilter{Kind: kind, UserID: targetID})
		for i := len(all) - 1; i >= 0; i-- {
			if all[i].TargetID == targetID {
				es = append(es, all[i])
			}
		}
		return err
	}); err != nil {
		t.Fatal(err)
	}
	return es
}

// loginWith2FA logs in with a password and, when asked, a code.
func loginWith2FA(t *testing.T, env *webtest.Env, c *webtest.Client, login, password, secret string) webtest.Response {
	t.Helper()
	res := c.Post("/login", url.Values{"login": {login}, "password": {password}})
	if res.Status == http.StatusSeeOther && res.Location == "/login/2fa" && secret != "" {
		env.Clock.Add(time.Minute) // a fresh code
		res = c.Post("/login/2fa", url.Values{"code": {auth.TOTPCode(secret, env.Clock.Now())}})
	}
	return res
}

// TestAdminResetIsNotASilentTakeover: the beheerder can no longer set the
// coordinator's password or drop her two-factor setup and log in as her.
// They can only start a reset, which is recorded and which the coordinator
// is told about in Casus and by mail; only she, through a one-time link to
// her own address that expires after an hour, chooses the new password and
// sets up two-factor again; all her sessions end.
func TestAdminResetIsNotASilentTakeover(t *testing.T) {
	for _, engine := range storagetest.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			env := webtest.Start(t, engine, webtest.Options{NoDemoMode: true})
			coordID := env.UserID(demo.UserCoordinator)
			var coordEmail string
			if err := env.SQL().QueryRow(`SELECT email FROM users WHERE id = $1`, coordID).Scan(&coordEmail); err != nil {
				t.Fatal(err)
			}
			// The coordinator sets up two-factor, as every care account must.
			coord := env.NewClient()
			if res := coord.Post("/login", url.Values{"login": {demo.UserCoordinator}, "password": {demo.Password}}); res.Location != "/account/2fa" {
				t.Fatalf("coordinator's first login: %d → %q", res.Status, res.Location)
			}
			m := secretRe.FindStringSubmatch(coord.Get("/account/2fa").Body)
			if m == nil {
				t.Fatal("setup page shows no secret")
			}
			secret := m[1]
			if res := coord.Post("/account/2fa", url.Values{"code": {auth.TOTPCode(secret, env.Clock.Now())}}); res.Location != "/" {
				t.Fatalf("two-factor setup: %d → %q", res.Status, res.Location)
			}
			hash := func() string {
				var h string
				env.SQL().QueryRow(`SELECT password_hash FROM users WHERE id = $1`, coordID).Scan(&h)
				return h
			}
			oldHash := hash()

			admin := env.NewClient()
			admin.Login(demo.UserAdmin)

			t.Run("ErrNoPasswordSetByBeheerder", func(t *testing.T) {
				res := admin.Post("/admin/users/"+coordID+"/password", url.Values{"password": {strongPassword}, "reset_2fa": {"on"}})
				if res.Status != http.StatusNotFound && res.Status != http.StatusMethodNotAllowed {
					t.Errorf("the old reset answered %d → %q, want it gone", res.Status, res.Location)
				}
				if hash() != oldHash || env.Count(`SELECT COUNT(*) FROM users WHERE id = $1 AND totp_enabled`, coordID) != 1 {
					t.Fatal("the beheerder changed the coordinator's password or two-factor setup")
				}
				if res := env.NewClient().Post("/login", url.Values{"login": {demo.UserCoordinator}, "password": {strongPassword}}); res.Status != http.StatusUnauthorized {
					t.Errorf("login as the coordinator with the beheerder's password: %d → %q", res.Status, res.Location)
				}
			})

			// The beheerder starts a reset with a new two-factor setup.
			res := admin.Post("/admin/users/"+coordID+"/reset", url.Values{"reset_2fa": {"on"}})
			if res.Status != http.StatusSeeOther || res.Location != "/admin/users?done=reset" {
				t.Fatalf("start reset: %d → %q\n%s", res.Status, res.Location, res.Body)
			}
			if page := admin.Get("/admin/users?done=reset"); !strings.Contains(page.Body, "Herstellink verstuurd") ||
				strings.Contains(page.Body, `name="password"`+` type="password"`) {
				t.Errorf("the users page does not say the link was sent:\n%s", page.Body)
			}
			if hash() != oldHash || env.Count(`SELECT COUNT(*) FROM users WHERE id = $1 AND totp_enabled`, coordID) != 1 {
				t.Fatal("starting a reset changed the password or the two-factor setup")
			}
			started := securityEvents(t, env, casus.SecPasswordResetStarted, coordID)
			if len(started) != 1 || started[0].ActorID != env.UserID(demo.UserAdmin) || started[0].TargetName == "" {
				t.Fatalf("reset started events: %+v", started)
			}
			// Told in Casus.
			if res := loginWith2FA(t, env, env.NewClient(), demo.UserCoordinator, demo.Password, secret); res.Location != "/" {
				t.Fatalf("the coordinator can no longer log in after a reset was started: %d → %q", res.Status, res.Location)
			}
			if msgs := coord.Get("/messages"); !strings.Contains(msgs.Body, "heeft een herstel van je wachtwoord gestart") {
				t.Errorf("the coordinator is not told in Casus:\n%s", msgs.Body)
			}
			// Told by mail, with the link; the link is then kept nowhere in the clear.
			token := resetToken(t, env, coordEmail)
			if n := env.Count(`SELECT COUNT(*) FROM messages WHERE link LIKE '%password-reset%'`); n != 0 {
				t.Errorf("%d messages keep the reset link", n)
			}
			if n := env.Count(`SELECT COUNT(*) FROM password_resets WHERE token_hash = $1`, token); n != 0 {
				t.Errorf("the reset token is stored in the clear")
			}
			if out := admin.Get("/outbox"); out.Status != http.StatusOK || strings.Contains(out.Body, token) ||
				!strings.Contains(out.Body, "Casus: herstel van je wachtwoord") {
				t.Errorf("the beheerder's outbox: %d, shows the link: %v", out.Status, strings.Contains(out.Body, token))
			}

			// The beheerder cannot complete it without the link.
			if res := admin.Post("/password-reset/"+strings.Repeat("A", 43), url.Values{"password": {strongPassword}}); res.Status != http.StatusNotFound {
				t.Errorf("a guessed link: %d", res.Status)
			}

			// The coordinator opens the link: a common password is refused.
			user := env.NewClient()
			if res := user.Get("/password-reset/" + token); res.Status != http.StatusOK || !strings.Contains(res.Body, `autocomplete="new-password"`) {
				t.Fatalf("open the link: %d\n%s", res.Status, res.Body)
			}
			if res := user.Post("/password-reset/"+token, url.Values{"password": {"password1234"}}); res.Status != http.StatusBadRequest ||
				!strings.Contains(res.Body, nlCommon) || hash() != oldHash {
				t.Errorf("a common password: %d\n%s", res.Status, res.Body)
			}
			newPassword := "mijn eigen nieuwe zin 2026"
			res = user.Post("/password-reset/"+token, url.Values{"password": {newPassword}})
			if res.Status != http.StatusSeeOther || res.Location != "/account/2fa" {
				t.Fatalf("complete the reset: %d → %q\n%s", res.Status, res.Location, res.Body)
			}
			if hash() == oldHash || env.Count(`SELECT COUNT(*) FROM users WHERE id = $1 AND NOT totp_enabled AND totp_secret = ''`, coordID) != 1 {
				t.Fatal("the reset did not set the password or remove the old two-factor setup")
			}
			// Every earlier session ended.
			if res := coord.Get("/"); res.Status != http.StatusSeeOther || res.Location != "/login" {
				t.Errorf("the coordinator's old session goes on: %d → %q", res.Status, res.Location)
			}
			// She must set up two-factor again before anything else.
			if res := user.Get("/students"); res.Location != "/account/2fa" {
				t.Errorf("after the reset /students gave %d → %q, want the two-factor setup", res.Status, res.Location)
			}
			enrollLoggedIn(t, env, user)
			for kind, n := range map[casus.SecurityEventKind]int{casus.SecPasswordResetCompleted: 1, casus.Sec2FARemoved: 1, casus.Sec2FAEnrolled: 2} {
				if got := len(securityEvents(t, env, kind, coordID)); got != n {
					t.Errorf("%d %s events, want %d", got, kind, n)
				}
			}
			// Told that the password changed, in Casus and by mail.
			deliverMail(t, env)
			if n := env.Count(`SELECT COUNT(*) FROM outbox WHERE to_addr = $1 AND subject = $2`, coordEmail, "Casus: je wachtwoord is gewijzigd"); n != 1 {
				t.Errorf("%d mails saying the password changed", n)
			}
			if msgs := user.Get("/messages"); !strings.Contains(msgs.Body, "Het wachtwoord van je account is gewijzigd") {
				t.Errorf("not told in Casus that the password changed")
			}

			t.Run("ErrLinkWorksOnce", func(t *testing.T) {
				for _, res := range []webtest.Response{env.NewClient().Get("/password-reset/" + token),
					env.NewClient().Post("/password-reset/"+token, url.Values{"password": {strongPassword}})} {
					if res.Status != http.StatusNotFound || !strings.Contains(res.Body, nlResetLink) {
						t.Errorf("a used link: %d\n%s", res.Status, res.Body)
					}
				}
			})
			t.Run("ErrLinkExpires", func(t *testing.T) {
				if res := admin.Post("/admin/users/"+coordID+"/reset", url.Values{}); res.Status != http.StatusSeeOther {
					t.Fatalf("start reset: %d", res.Status)
				}
				token := resetToken(t, env, coordEmail)
				env.Clock.Add(61 * time.Minute)
				before := hash()
				for _, res := range []webtest.Response{env.NewClient().Get("/password-reset/" + token),
					env.NewClient().Post("/password-reset/"+token, url.Values{"password": {strongPassword}})} {
					if res.Status != http.StatusNotFound || !strings.Contains(res.Body, nlResetLink) {
						t.Errorf("an expired link: %d", res.Status)
					}
				}
				if hash() != before {
					t.Error("an expired link changed the password")
				}
			})
			if _, err := env.DB.VerifySecurityEvents(context.Background()); err != nil {
				t.Errorf("security events chain: %v", err)
			}
		})
	}
}

// startReset stores a reset of the user's password, as the beheerder's
// form does, and returns the link's token.
func startReset(env *webtest.Env, userID string) string {
	env.T.Helper()
	token := strings.Repeat("t", 20) + casus.NewID()[:23]
	sum := sha256.Sum256([]byte(token))
	if err := env.DB.Update(context.Background(), func(tx *storage.Tx) error {
		return tx.StartPasswordReset(context.Background(), &storage.PasswordReset{TokenHash: hex.EncodeToString(sum[:]),
			UserID: userID, StartedBy: env.UserID(demo.UserAdmin), ExpiresAt: env.Clock.Now().Add(time.Hour)})
	}); err != nil {
		env.T.Fatalf("start reset: %v", err)
	}
	return token
}
