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
		"POST /admin/users/{id}/reset":      admin("/admin/users/{user}/reset", url.Values{"reset_2fa": {"maybe"}}, bad),
		"GET /admin/users/{id}":             append(admin("/admin/users/{user}", nil, ok), admin("/admin/users/{unknown}", nil, notFound)...),
		"POST /admin/users/{id}/roles":      admin("/admin/users/{user}/roles", url.Values{"roles": {"koning"}}, bad),
		"POST /admin/users/{id}/deactivate": admin("/admin/users/{unknown}/deactivate", url.Values{}, notFound),
		"POST /admin/users/{id}/activate":   admin("/admin/users/{user}/activate", url.Values{}, http.StatusConflict),
		"GET /password-reset/{token}":       byUser("/password-reset/no-such-token", nil, notFound, nil),
		"POST /password-reset/{token}":      byUser("/password-reset/no-such-token", url.Values{"password": {strongPassword}}, notFound, nil),
		"GET /account":                      staff("/account", nil, ok),
		"POST /account/password":            staff("/account/password", url.Values{"current": {""}}, bad),
		"GET /security-events":              privacyOnly("/security-events"),
		"GET /security-events.csv":          privacyOnly("/security-events.csv"),
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
	return mailedToken(t, env, email, "Casus: herstel van je wachtwoord")
}

// invitationToken mails pending messages and returns the token of the
// invitation a new account's owner got at the address.
func invitationToken(t *testing.T, env *webtest.Env, email string) string {
	t.Helper()
	return mailedToken(t, env, email, "Casus: je nieuwe account")
}

func mailedToken(t *testing.T, env *webtest.Env, email, subject string) string {
	t.Helper()
	deliverMail(t, env)
	var body string
	if err := env.SQL().QueryRow(`SELECT body FROM outbox WHERE to_addr = $1 AND subject = $2 ORDER BY created_at DESC LIMIT 1`,
		email, subject).Scan(&body); err != nil {
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
	t.Parallel()
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

// TestSessionTokensStoredHashed: after a login the sessions table holds the
// session under the SHA-256 of the cookie's token, never the token itself.
func TestSessionTokensStoredHashed(t *testing.T) {
	t.Parallel()
	for _, engine := range storagetest.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			env := webtest.Start(t, engine, webtest.Options{})
			c := env.NewClient()
			c.Login(demo.UserMentor)
			u, _ := url.Parse(env.URL)
			var token string
			for _, ck := range c.Jar.Cookies(u) {
				if ck.Name == "casus_session" {
					token = ck.Value
				}
			}
			if token == "" {
				t.Fatal("no session cookie after login")
			}
			if n := env.Count(`SELECT COUNT(*) FROM sessions WHERE token = $1`, token); n != 0 {
				t.Errorf("the sessions table has a row keyed by the cookie's token")
			}
			sum := sha256.Sum256([]byte(token))
			if n := env.Count(`SELECT COUNT(*) FROM sessions WHERE token = $1`, hex.EncodeToString(sum[:])); n != 1 {
				t.Errorf("%d rows keyed by the token's hash, want 1", n)
			}
			// The session works, and logging out removes its row.
			if res := c.Get("/"); res.Status != http.StatusOK {
				t.Fatalf("home after login: %d", res.Status)
			}
			if res := c.Post("/logout", url.Values{}); res.Status != http.StatusSeeOther {
				t.Fatalf("logout: %d", res.Status)
			}
			if n := env.Count(`SELECT COUNT(*) FROM sessions WHERE token = $1`, hex.EncodeToString(sum[:])); n != 0 {
				t.Errorf("the session is still stored after logging out")
			}
		})
	}
}

// TestCommonPasswordsRefused: wherever a password is chosen, one that is
// long enough but common ("password1234") or of one character repeated
// ("aaaaaaaaaaaa") is refused with a Dutch message, and nothing is saved.
func TestCommonPasswordsRefused(t *testing.T) {
	t.Parallel()
	for _, engine := range storagetest.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			env := webtest.Start(t, engine, webtest.Options{})
			admin := env.NewClient()
			admin.Login(demo.UserAdmin)
			mentor := env.NewClient()
			mentor.Login(demo.UserMentor)
			if res := admin.Post("/admin/users", url.Values{"name": {"Nieuwe Collega"}, "email": {"nieuw@school.nl"},
				"role": {"mentor"}, "discipline": {"docent"}}); res.Status != http.StatusSeeOther {
				t.Fatalf("new account: %d", res.Status)
			}
			invitation := "/password-reset/" + invitationToken(t, env, "nieuw@school.nl")
			eventsBefore := env.Count(`SELECT COUNT(*) FROM security_events WHERE kind NOT LIKE 'login.%'`)
			for _, pw := range []string{"aaaaaaaaaaaa", "password1234"} {
				res := env.NewClient().Post(invitation, url.Values{"password": {pw}})
				if res.Status != http.StatusBadRequest || !strings.Contains(res.Body, nlCommon) {
					t.Errorf("new account's first password %q: %d\n%s", pw, res.Status, res.Body)
				}
				res = mentor.Post("/account/password", url.Values{"current": {demo.Password}, "password": {pw}})
				if res.Status != http.StatusBadRequest || !strings.Contains(res.Body, nlCommon) {
					t.Errorf("own password %q: %d", pw, res.Status)
				}
			}
			if n := env.Count(`SELECT COUNT(*) FROM users WHERE email = 'nieuw@school.nl' AND password_hash <> ''`); n != 0 {
				t.Error("the new account got a common password")
			}
			if n := env.Count(`SELECT COUNT(*) FROM security_events WHERE kind NOT LIKE 'login.%'`); n != eventsBefore {
				t.Errorf("%d security events for refused passwords", n-eventsBefore)
			}
		})
	}
}

// TestSelfServicePasswordChange: a user changes their own password with the
// current one and, with two-factor on, a current code. A wrong current
// password or code changes nothing; a change ends the user's other
// sessions, keeps this one, is a security event, and is told by mail.
func TestSelfServicePasswordChange(t *testing.T) {
	t.Parallel()
	for _, engine := range storagetest.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			env := webtest.Start(t, engine, webtest.Options{})
			mentorID := env.UserID(demo.UserMentor)
			c := env.NewClient()
			c.Login(demo.UserMentor)
			other := env.NewClient()
			other.Login(demo.UserMentor)
			if res := c.Get("/account"); res.Status != http.StatusOK || !strings.Contains(res.Body, `action="/account/password"`) {
				t.Fatalf("account page: %d", res.Status)
			}
			newPassword := "een nieuwe zin voor mij 2026"
			t.Run("ErrWrongCurrentPassword", func(t *testing.T) {
				res := c.Post("/account/password", url.Values{"current": {"niet mijn wachtwoord"}, "password": {newPassword}})
				if res.Status != http.StatusBadRequest || !strings.Contains(res.Body, "Je huidige wachtwoord klopt niet.") {
					t.Errorf("wrong current password: %d\n%s", res.Status, res.Body)
				}
				if res := loginWith2FA(t, env, env.NewClient(), demo.UserMentor, newPassword, ""); res.Status != http.StatusUnauthorized {
					t.Errorf("the new password works after a refused change: %d", res.Status)
				}
			})
			res := c.Post("/account/password", url.Values{"current": {demo.Password}, "password": {newPassword}})
			if res.Status != http.StatusSeeOther || res.Location != "/account?done=1" {
				t.Fatalf("change: %d → %q\n%s", res.Status, res.Location, res.Body)
			}
			if res := c.Get("/account?done=1"); res.Status != http.StatusOK || !strings.Contains(res.Body, "Je wachtwoord is gewijzigd.") {
				t.Errorf("this session ended or was not told: %d → %q", res.Status, res.Location)
			}
			if res := other.Get("/"); res.Status != http.StatusSeeOther || res.Location != "/login" {
				t.Errorf("the other session goes on: %d → %q", res.Status, res.Location)
			}
			if es := securityEvents(t, env, casus.SecPasswordChanged, mentorID); len(es) != 1 || es[0].ActorID != mentorID {
				t.Errorf("password changed events: %+v", es)
			}
			if res := loginWith2FA(t, env, env.NewClient(), demo.UserMentor, newPassword, ""); res.Location != "/" {
				t.Errorf("login with the new password: %d → %q", res.Status, res.Location)
			}
			deliverMail(t, env)
			if n := env.Count(`SELECT COUNT(*) FROM outbox WHERE subject = $1`, "Casus: je wachtwoord is gewijzigd"); n != 1 {
				t.Errorf("%d mails about the change", n)
			}

			t.Run("With2FA", func(t *testing.T) {
				m := secretRe.FindStringSubmatch(c.Get("/account/2fa").Body)
				if m == nil {
					t.Fatal("setup page shows no secret")
				}
				if res := c.Post("/account/2fa", url.Values{"code": {auth.TOTPCode(m[1], env.Clock.Now())}}); res.Location != "/" {
					t.Fatalf("two-factor setup: %d → %q", res.Status, res.Location)
				}
				third := "en nog een derde zin 2026"
				env.Clock.Add(time.Minute)
				for name, form := range map[string]url.Values{
					"no code":    {"current": {newPassword}, "password": {third}},
					"wrong code": {"current": {newPassword}, "password": {third}, "code": {"000000"}},
				} {
					if res := c.Post("/account/password", form); res.Status != http.StatusBadRequest {
						t.Errorf("%s: %d", name, res.Status)
					}
				}
				res := c.Post("/account/password", url.Values{"current": {newPassword}, "password": {third},
					"code": {auth.TOTPCode(m[1], env.Clock.Now())}})
				if res.Status != http.StatusSeeOther {
					t.Fatalf("change with a code: %d\n%s", res.Status, res.Body)
				}
				if n := len(securityEvents(t, env, casus.SecPasswordChanged, mentorID)); n != 2 {
					t.Errorf("%d password changed events, want 2", n)
				}
			})
		})
	}
}

// TestSecurityEventsRecordAdminActions: every action of the beheerder —
// creating an account, starting a reset, changing settings and retention
// rules — and a user's "log out everywhere" is a security event with the
// actor, the target and what changed; a refused action records nothing, and
// the chain verifies.
func TestSecurityEventsRecordAdminActions(t *testing.T) {
	t.Parallel()
	for _, engine := range storagetest.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			env := webtest.Start(t, engine, webtest.Options{})
			adminID, mentorID := env.UserID(demo.UserAdmin), env.UserID(demo.UserMentor)
			admin := env.NewClient()
			admin.Login(demo.UserAdmin)
			events := func() int { return env.Count(`SELECT COUNT(*) FROM security_events WHERE kind NOT LIKE 'login.%'`) }

			// Refused: nothing recorded.
			admin.Post("/admin/users", url.Values{"name": {"Nieuwe Collega"}, "email": {"geen-adres"}, "role": {"mentor"},
				"discipline": {"docent"}})
			admin.Post("/admin/settings", url.Values{"require_2fa_all": {"misschien"}})
			admin.Post("/admin/users/"+mentorID+"/reset", url.Values{"reset_2fa": {"ja"}})
			if n := events(); n != 0 {
				t.Fatalf("%d security events after refused actions", n)
			}

			if res := admin.Post("/admin/users", url.Values{"name": {"Nieuwe Collega"}, "email": {"nieuw@school.nl"}, "role": {"mentor"},
				"discipline": {"docent"}}); res.Status != http.StatusSeeOther {
				t.Fatalf("create: %d", res.Status)
			}
			var newID string
			env.SQL().QueryRow(`SELECT CAST(id AS TEXT) FROM users WHERE email = 'nieuw@school.nl'`).Scan(&newID)
			if res := admin.Post("/admin/users/"+mentorID+"/reset", url.Values{}); res.Status != http.StatusSeeOther {
				t.Fatalf("reset: %d", res.Status)
			}
			if res := admin.Post("/admin/settings", url.Values{"require_2fa_all": {"on"}}); res.Status != http.StatusSeeOther {
				t.Fatalf("settings: %d", res.Status)
			}
			form := url.Values{"access_log_months": {"48"}}
			rows, err := env.DB.ReadSQL().Query(`SELECT CAST(id AS TEXT) FROM schools`)
			if err != nil {
				t.Fatal(err)
			}
			for rows.Next() {
				var id string
				rows.Scan(&id)
				form.Set("months_student_file_"+id, "36")
			}
			rows.Close()
			if res := admin.Post("/admin/retention", form); res.Status != http.StatusSeeOther {
				t.Fatalf("retention: %d %s", res.Status, res.Body)
			}
			mentor := env.NewClient()
			mentor.Login(demo.UserMentor)
			if res := mentor.Post("/logout/everywhere", url.Values{}); res.Status != http.StatusSeeOther {
				t.Fatalf("log out everywhere: %d", res.Status)
			}
			if res := admin.Post("/admin/users/"+newID+"/roles", url.Values{"roles": {"mentor", "taakdocent"}}); res.Status != http.StatusSeeOther {
				t.Fatalf("roles: %d\n%s", res.Status, res.Body)
			}
			if n := env.Count(`SELECT COUNT(*) FROM user_roles WHERE user_id = $1`, newID); n != 2 {
				t.Errorf("%d roles stored, want 2", n)
			}
			// The beheerder cannot take their own role, nor deactivate themselves.
			if res := admin.Post("/admin/users/"+adminID+"/roles", url.Values{"roles": {"mentor"}}); res.Status != http.StatusBadRequest ||
				!strings.Contains(res.Body, "Je kunt de rol beheerder niet van jezelf afnemen.") {
				t.Errorf("own admin role: %d", res.Status)
			}
			if res := admin.Post("/admin/users/"+adminID+"/deactivate", url.Values{}); res.Status != http.StatusConflict {
				t.Errorf("deactivate self: %d", res.Status)
			}
			newcomer := env.NewClient()
			if res := newcomer.Post("/password-reset/"+invitationToken(t, env, "nieuw@school.nl"), url.Values{"password": {strongPassword}}); res.Status != http.StatusSeeOther {
				t.Fatalf("the newcomer chooses a password: %d", res.Status)
			}
			if res := newcomer.Post("/login", url.Values{"login": {"nieuw@school.nl"}, "password": {strongPassword}}); res.Status != http.StatusSeeOther {
				t.Fatalf("the new account logs in: %d", res.Status)
			}
			if res := admin.Post("/admin/users/"+newID+"/deactivate", url.Values{}); res.Status != http.StatusSeeOther {
				t.Fatalf("deactivate: %d\n%s", res.Status, res.Body)
			}
			if res := newcomer.Get("/"); res.Status != http.StatusSeeOther || res.Location != "/login" {
				t.Errorf("the deactivated account's session goes on: %d → %q", res.Status, res.Location)
			}
			if res := admin.Post("/admin/users/"+newID+"/deactivate", url.Values{}); res.Status != http.StatusConflict {
				t.Errorf("deactivate twice: %d", res.Status)
			}

			for _, want := range []struct {
				kind           casus.SecurityEventKind
				actor, target  string
				detailContains string
			}{
				{casus.SecAccountCreated, adminID, newID, "mentor"},
				{casus.SecPasswordResetStarted, adminID, mentorID, ""},
				{casus.SecSettingsChanged, adminID, "", "require_2fa_all"},
				{casus.SecRetentionChanged, adminID, "", "48 months"},
				{casus.SecSessionsEnded, mentorID, mentorID, ""},
				{casus.SecRolesChanged, adminID, newID, "mentor → taakdocent, mentor"},
				{casus.SecAccountDeactivated, adminID, newID, ""},
			} {
				es := securityEvents(t, env, want.kind, want.target)
				if want.target == "" {
					es = nil
					env.DB.View(context.Background(), func(tx *storage.Tx) error {
						es, _ = tx.SecurityEvents(context.Background(), storage.SecurityFilter{Kind: want.kind})
						return nil
					})
				}
				if len(es) != 1 {
					t.Errorf("%s: %d events, want 1", want.kind, len(es))
					continue
				}
				e := es[0]
				if e.ActorID != want.actor || e.ActorName == "" || e.At.IsZero() || e.ClientAddr == "" ||
					!strings.Contains(e.Detail, want.detailContains) {
					t.Errorf("%s: %+v", want.kind, e)
				}
			}
			// Saving the settings unchanged records nothing.
			before := events()
			admin.Post("/admin/settings", url.Values{"require_2fa_all": {"on"}})
			if events() != before {
				t.Error("saving unchanged settings recorded an event")
			}
			// The referral form's required fields are settings too.
			if res := admin.Post("/admin/referral-form", url.Values{"required_intern": {"reason"}, "required_zat": {"reason"}}); res.Status != http.StatusSeeOther {
				t.Fatalf("referral form: %d", res.Status)
			}
			if n := env.Count(`SELECT COUNT(*) FROM security_events WHERE kind = 'settings.changed' AND detail LIKE '%referral form%'`); n != 1 {
				t.Errorf("%d events for the referral form, want 1", n)
			}
			before = events()
			admin.Post("/admin/referral-form", url.Values{"required_intern": {"reason"}, "required_zat": {"reason"}})
			if events() != before {
				t.Error("saving the referral form unchanged recorded an event")
			}
			// The chain holds these and the logins of the test's clients.
			if n, err := env.DB.VerifySecurityEvents(context.Background()); err != nil || n != int64(env.Count(`SELECT COUNT(*) FROM security_events`)) || n <= int64(before) {
				t.Errorf("verify: %d, %v", n, err)
			}
		})
	}
}

// TestSecurityEventLogForPrivacyOfficer: the privacy officer reads the
// security-event log with each kind's Dutch name, filters it by kind,
// account and period, and downloads it as CSV; the beheerder, whose actions
// it records, and care staff may not read it; a bad filter is a 400 in Dutch.
func TestSecurityEventLogForPrivacyOfficer(t *testing.T) {
	t.Parallel()
	for _, engine := range storagetest.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			env := webtest.Start(t, engine, webtest.Options{})
			admin := env.NewClient()
			admin.Login(demo.UserAdmin)
			mentorID := env.UserID(demo.UserMentor)
			admin.Post("/admin/users/"+mentorID+"/reset", url.Values{})
			admin.Post("/admin/settings", url.Values{"require_2fa_all": {"on"}})

			privacy := env.NewClient()
			privacy.Login(demo.UserPrivacy)
			res := privacy.Get("/security-events")
			if res.Status != http.StatusOK || !strings.Contains(res.Body, "Wachtwoordherstel gestart") ||
				!strings.Contains(res.Body, "Instellingen gewijzigd") || !strings.Contains(res.Body, `href="/security-events"`) {
				t.Fatalf("the log: %d\n%s", res.Status, res.Body)
			}
			res = privacy.Get("/security-events?kind=settings.changed")
			if strings.Contains(res.Body, `data-kind="password.reset_started"`) || !strings.Contains(res.Body, `data-kind="settings.changed"`) {
				t.Errorf("filtered by kind:\n%s", res.Body)
			}
			res = privacy.Get("/security-events?account=" + mentorID)
			if !strings.Contains(res.Body, `data-kind="password.reset_started"`) || strings.Contains(res.Body, `data-kind="settings.changed"`) {
				t.Errorf("filtered by account:\n%s", res.Body)
			}
			tomorrow := env.Clock.Now().In(casus.Amsterdam).AddDate(0, 0, 2).Format(time.DateOnly)
			if res := privacy.Get("/security-events?from=" + tomorrow); strings.Contains(res.Body, `data-kind=`) {
				t.Errorf("filtered by a period without events, still shows some")
			}
			csvRes := privacy.Get("/security-events.csv?kind=password.reset_started")
			if csvRes.Status != http.StatusOK || !strings.HasPrefix(csvRes.Body, "\ufeff") ||
				!strings.Contains(csvRes.Body, "Wachtwoordherstel gestart") || strings.Contains(csvRes.Body, "Instellingen gewijzigd") {
				t.Errorf("CSV: %d\n%s", csvRes.Status, csvRes.Body)
			}
			for _, bad := range []string{"?kind=iets", "?account=" + casus.NewID(), "?from=gisteren", "?from=2026-05-02&until=2026-05-01"} {
				if res := privacy.Get("/security-events" + bad); res.Status != http.StatusBadRequest || strings.Contains(res.Body, "data-kind=") {
					t.Errorf("filter %s: %d", bad, res.Status)
				}
			}
			for _, who := range []string{demo.UserAdmin, demo.UserCoordinator, demo.UserManagement} {
				c := env.NewClient()
				c.Login(who)
				if res := c.Get("/security-events"); res.Status != http.StatusForbidden || strings.Contains(res.Body, "Wachtwoordherstel gestart") {
					t.Errorf("%s reads the log: %d", who, res.Status)
				}
			}
		})
	}
}

// TestNewAccountPasswordUnknownToBeheerder: the beheerder used to give a new
// account its first password, so they could log in as a new zorgcoördinator
// before she did and set up their own two-factor. Now the account gets no
// password: a password sent along is ignored, the owner gets a one-time
// invitation link by mail (and a message in Casus), chooses the password and
// sets up two-factor right after; the link works once.
func TestNewAccountPasswordUnknownToBeheerder(t *testing.T) {
	t.Parallel()
	for _, engine := range storagetest.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			env := webtest.Start(t, engine, webtest.Options{})
			admin := env.NewClient()
			admin.Login(demo.UserAdmin)
			res := admin.Post("/admin/users", url.Values{"name": {"Nieuwe Zorgcoördinator"}, "email": {"zoco@school.nl"},
				"role": {"zorgcoordinator"}, "discipline": {"zorgcoordinator"}, "password": {strongPassword}})
			if res.Status != http.StatusSeeOther {
				t.Fatalf("create: %d\n%s", res.Status, res.Body)
			}
			if page := admin.Get(res.Location); !strings.Contains(page.Body, "Het account is aangemaakt") {
				t.Errorf("the users page does not say the invitation went out")
			}
			var newID string
			if err := env.SQL().QueryRow(`SELECT CAST(id AS TEXT) FROM users WHERE email = 'zoco@school.nl'`).Scan(&newID); err != nil {
				t.Fatal(err)
			}
			// The password the beheerder typed opens nothing.
			if res := env.NewClient().Post("/login", url.Values{"login": {"zoco@school.nl"}, "password": {strongPassword}}); res.Status == http.StatusSeeOther {
				t.Fatalf("the beheerder's password logged in to the new account: %d → %q", res.Status, res.Location)
			}
			if n := env.Count(`SELECT COUNT(*) FROM messages WHERE user_id = $1 AND msg_key = 'message.account_invited'`, newID); n != 1 {
				t.Errorf("%d invitation messages in Casus, want 1", n)
			}
			token := invitationToken(t, env, "zoco@school.nl")
			// Once mailed, the token is nowhere in the database in the clear.
			if n := env.Count(`SELECT COUNT(*) FROM messages WHERE link LIKE $1`, "%"+token+"%"); n != 0 {
				t.Errorf("the invitation's token stays in %d messages", n)
			}
			owner := env.NewClient()
			res = owner.Post("/password-reset/"+token, url.Values{"password": {"mijn eigen zin voor casus"}})
			if res.Status != http.StatusSeeOther || res.Location != "/account/2fa" {
				t.Fatalf("the owner chooses the password: %d → %q, want the two-factor setup", res.Status, res.Location)
			}
			if res := env.NewClient().Post("/password-reset/"+token, url.Values{"password": {"nog een andere zin 2026"}}); res.Status != http.StatusNotFound {
				t.Errorf("the invitation worked twice: %d", res.Status)
			}
			if created := securityEvents(t, env, casus.SecAccountCreated, newID); len(created) != 1 ||
				!strings.Contains(created[0].Detail, "invitation") || created[0].ActorID != env.UserID(demo.UserAdmin) {
				t.Errorf("account created events: %+v", created)
			}
			if done := securityEvents(t, env, casus.SecPasswordResetCompleted, newID); len(done) != 1 || done[0].ActorID != newID {
				t.Errorf("password chosen events: %+v", done)
			}
		})
	}
}
