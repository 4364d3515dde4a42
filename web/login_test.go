package web_test

import (
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"casus/auth"
	"casus/demo"
	"casus/storage"
	"casus/storage/storagetest"
	"casus/web/webtest"
)

var secretRe = regexp.MustCompile(`<code class="casus-secret">([A-Z2-7]+)</code>`)

// enroll logs a user in outside demo mode, sets up two-factor and returns the
// TOTP secret; the client ends logged in.
func enroll(t *testing.T, env *webtest.Env, c *webtest.Client, user string) string {
	t.Helper()
	res := c.Post("/login", url.Values{"login": {user}, "password": {demo.Password}})
	if res.Status != http.StatusSeeOther || res.Location != "/account/2fa" {
		t.Fatalf("first login of %s: %d → %q, want the two-factor setup", user, res.Status, res.Location)
	}
	if res := c.Get("/students"); res.Status != http.StatusSeeOther || res.Location != "/account/2fa" {
		t.Fatalf("before setup, /students gave %d → %q; want the setup", res.Status, res.Location)
	}
	page := c.Get("/account/2fa")
	m := secretRe.FindStringSubmatch(page.Body)
	if m == nil {
		t.Fatalf("setup page shows no secret")
	}
	res = c.Post("/account/2fa", url.Values{"code": {auth.TOTPCode(m[1], env.Clock.Now())}})
	if res.Status != http.StatusSeeOther || res.Location != "/" {
		t.Fatalf("setup: %d → %q", res.Status, res.Location)
	}
	return m[1]
}

// loginTOTP logs in with password and code; it returns the final response.
func loginTOTP(t *testing.T, c *webtest.Client, user, password, code string) webtest.Response {
	t.Helper()
	res := c.Post("/login", url.Values{"login": {user}, "password": {password}})
	if res.Status != http.StatusSeeOther || res.Location != "/login/2fa" {
		return res
	}
	return c.Post("/login/2fa", url.Values{"code": {code}})
}

func TestTwoFactor(t *testing.T) {
	t.Parallel()
	for _, engine := range storagetest.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			env := webtest.Start(t, engine, webtest.Options{NoDemoMode: true})
			c := env.NewClient()
			secret := enroll(t, env, c, demo.UserCoordinator)
			if res := c.Get("/students"); res.Status != http.StatusOK {
				t.Fatalf("after setup: /students %d", res.Status)
			}
			c.Post("/logout", url.Values{})
			if res := c.Get("/"); res.Status != http.StatusSeeOther {
				t.Fatalf("after logout / gave %d", res.Status)
			}

			env.Clock.Add(time.Minute)
			t.Run("ErrWrongCode", func(t *testing.T) {
				res := loginTOTP(t, env.NewClient(), demo.UserCoordinator, demo.Password, "000000")
				if res.Status != http.StatusUnauthorized || !strings.Contains(res.Body, "Deze code klopt niet") {
					t.Errorf("wrong code: %d", res.Status)
				}
			})
			code := auth.TOTPCode(secret, env.Clock.Now())
			t.Run("OK", func(t *testing.T) {
				res := loginTOTP(t, c, demo.UserCoordinator, demo.Password, code)
				if res.Status != http.StatusSeeOther || res.Location != "/" {
					t.Errorf("login with code: %d → %q", res.Status, res.Location)
				}
			})
			t.Run("ErrReplay", func(t *testing.T) {
				res := loginTOTP(t, env.NewClient(), demo.UserCoordinator, demo.Password, code)
				if res.Status != http.StatusUnauthorized {
					t.Errorf("the same code twice: %d, want 401", res.Status)
				}
			})
			t.Run("ErrPendingIsNotLoggedIn", func(t *testing.T) {
				p := env.NewClient()
				p.Post("/login", url.Values{"login": {demo.UserCoordinator}, "password": {demo.Password}})
				if res := p.Get("/students"); res.Status != http.StatusSeeOther || res.Location != "/login" {
					t.Errorf("password without code reached /students: %d → %q", res.Status, res.Location)
				}
			})
			t.Run("ManagementNeedsNoSecondFactorByDefault", func(t *testing.T) {
				m := env.NewClient()
				res := m.Post("/login", url.Values{"login": {demo.UserManagement}, "password": {demo.Password}})
				if res.Status != http.StatusSeeOther || res.Location != "/" {
					t.Errorf("management login: %d → %q", res.Status, res.Location)
				}
			})
			t.Run("SettingRequiresItForAll", func(t *testing.T) {
				a := env.NewClient()
				res := a.Post("/login", url.Values{"login": {demo.UserAdmin}, "password": {demo.Password}})
				if res.Location != "/" {
					t.Fatalf("beheerder login: %d → %q", res.Status, res.Location)
				}
				if res := a.Post("/admin/settings", url.Values{"require_2fa_all": {"on"}}); res.Status != http.StatusSeeOther {
					t.Fatalf("save setting: %d", res.Status)
				}
				m := env.NewClient()
				res = m.Post("/login", url.Values{"login": {demo.UserManagement}, "password": {demo.Password}})
				if res.Location != "/account/2fa" {
					t.Errorf("with the setting, management login went to %q", res.Location)
				}
			})
		})
	}
}

func TestLogoutEverywhere(t *testing.T) {
	t.Parallel()
	env := webtest.Start(t, storage.SQLite, webtest.Options{})
	a, b := env.NewClient(), env.NewClient()
	a.Login(demo.UserMentor)
	b.Login(demo.UserMentor)
	if res := a.Post("/logout/everywhere", url.Values{}); res.Status != http.StatusSeeOther {
		t.Fatalf("logout everywhere: %d", res.Status)
	}
	if res := b.Get("/students"); res.Status != http.StatusSeeOther || res.Location != "/login" {
		t.Errorf("the other session still works: %d → %q", res.Status, res.Location)
	}
}

func TestLoginRotatesSession(t *testing.T) {
	t.Parallel()
	env := webtest.Start(t, storage.SQLite, webtest.Options{})
	c := env.NewClient()
	c.Get("/login")
	c.Post("/lang", url.Values{"lang": {"nl"}, "back": {"/login"}})
	before := sessionCookie(t, env, c)
	c.Login(demo.UserMentor)
	after := sessionCookie(t, env, c)
	if after == "" || after == before {
		t.Errorf("session token not renewed at login (%q → %q)", before, after)
	}
}

func sessionCookie(t *testing.T, env *webtest.Env, c *webtest.Client) string {
	u, _ := url.Parse(env.URL)
	for _, ck := range c.Jar.Cookies(u) {
		if ck.Name == "casus_session" {
			return ck.Value
		}
	}
	return ""
}

// TestLoginThrottle: an attacker sends 1,000 wrong passwords for one account
// from many addresses. The failures are throttled (no password hashing after
// the limit), the attacker's correct guess is refused during the lockout,
// and the account holder — from the browser they logged in with before —
// still logs in with password and code.
func TestLoginThrottle(t *testing.T) {
	t.Parallel()
	for _, engine := range storagetest.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			env := webtest.Start(t, engine, webtest.Options{NoDemoMode: true})
			holder := env.NewClient()
			secret := enroll(t, env, holder, demo.UserCoordinator)
			holder.Post("/logout", url.Values{})

			attacker := env.NewClient()
			counts := map[int]int{}
			for i := 0; i < 1000; i++ {
				attacker.Forwarded = fmt.Sprintf("198.51.%d.%d", i/250, i%250+1)
				res := attacker.Post("/login", url.Values{"login": {"coordinator@" + demo.EmailDomain}, "password": {fmt.Sprintf("guess-%d", i)}})
				counts[res.Status]++
				if res.Status == http.StatusOK || res.Status == http.StatusSeeOther {
					t.Fatalf("attempt %d got in: %d", i, res.Status)
				}
			}
			t.Logf("1000 failed logins: %v", counts)
			if counts[http.StatusTooManyRequests] < 980 {
				t.Errorf("only %d of 1000 attempts throttled", counts[http.StatusTooManyRequests])
			}
			hashed := env.Count(`SELECT COUNT(*) FROM login_attempts WHERE kind = 'account' AND NOT ok`)
			if hashed > 20 {
				t.Errorf("%d attempts reached the password check", hashed)
			}
			attacker.Forwarded = "203.0.113.9"
			if res := attacker.Post("/login", url.Values{"login": {demo.UserCoordinator}, "password": {demo.Password}}); res.Status != http.StatusTooManyRequests {
				t.Errorf("correct password from an untrusted browser during lockout: %d, want 429", res.Status)
			}
			if res := attacker.Get("/login"); res.Status != http.StatusOK {
				t.Fatalf("login page: %d", res.Status)
			}

			env.Clock.Add(time.Minute)
			res := loginTOTP(t, holder, demo.UserCoordinator, demo.Password, auth.TOTPCode(secret, env.Clock.Now()))
			if res.Status != http.StatusSeeOther || res.Location != "/" {
				t.Fatalf("account holder locked out: %d → %q: %s", res.Status, res.Location, res.Body)
			}
			if res := holder.Get("/students"); res.Status != http.StatusOK {
				t.Errorf("holder after login: /students %d", res.Status)
			}
		})
	}
}

// TestAddressThrottle: one address guessing across many accounts is stopped too.
func TestAddressThrottle(t *testing.T) {
	t.Parallel()
	env := webtest.Start(t, storage.SQLite, webtest.Options{Throttle: &auth.Throttle{
		Window: 15 * time.Minute, MaxAccount: 10, MaxAddress: 5, MaxDevice: 10, Key: webtest.Key}})
	c := env.NewClient()
	c.Forwarded = "192.0.2.7"
	var last int
	for i := 0; i < 8; i++ {
		last = c.Post("/login", url.Values{"login": {fmt.Sprintf("nobody%d@example.nl", i)}, "password": {"x"}}).Status
	}
	if last != http.StatusTooManyRequests {
		t.Errorf("8 failures from one address: last status %d, want 429", last)
	}
	c.Forwarded = "192.0.2.8"
	if res := c.Post("/login", url.Values{"login": {demo.UserMentor}, "password": {demo.Password}}); res.Status != http.StatusSeeOther {
		t.Errorf("another address: %d", res.Status)
	}
}

// TestSessionSharedAcrossInstances: two servers on one PostgreSQL database;
// a session made on one is valid on the other.
func TestSessionSharedAcrossInstances(t *testing.T) {
	t.Parallel()
	if !contains(storagetest.Engines(t), storage.Postgres) {
		t.Skip("needs PostgreSQL: set CASUS_TEST_DATABASE_URL (.ci/run does)")
	}
	one := webtest.Start(t, storage.Postgres, webtest.Options{})
	two := webtest.Start(t, storage.Postgres, webtest.Options{DatabaseURL: one.DatabaseURL})
	c1 := one.NewClient()
	c1.Login(demo.UserMentor)
	c2 := two.ClientWithJar(c1)
	lotte := one.StudentID(demo.LotteNumber)
	res := c2.Get("/students/" + lotte)
	if res.Status != http.StatusOK || !strings.Contains(res.Body, "Lotte") {
		t.Fatalf("session from instance one on instance two: %d", res.Status)
	}
	if n := one.Count(`SELECT COUNT(*) FROM access_log WHERE student_id = $1 AND instance = 'second'`, lotte); n != 1 {
		t.Errorf("instance two's read logged %d times, want 1", n)
	}
	c2.Post("/logout", url.Values{})
	if res := c1.Get("/students"); res.Status != http.StatusSeeOther {
		t.Errorf("logout on instance two left the session valid on one: %d", res.Status)
	}
}

func contains(xs []string, x string) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}

// TestSessionTimeouts: a session ends after the idle time-out without
// requests, and after its absolute lifetime however busy its user is. The
// session library reads the wall clock, so the time-outs are short and the
// test waits, polling, until the session's row has expired.
func TestSessionTimeouts(t *testing.T) {
	t.Parallel()
	t.Run("idle", func(t *testing.T) {
		t.Parallel()
		env := webtest.Start(t, storage.SQLite, webtest.Options{IdleTimeout: time.Second, Lifetime: time.Hour})
		c := env.NewClient()
		c.Login(demo.UserMentor)
		if res := c.Get("/students"); res.Status != http.StatusOK {
			t.Fatalf("fresh session: %d", res.Status)
		}
		sessionsExpire(t, env)
		if res := c.Get("/students"); res.Status != http.StatusSeeOther || res.Location != "/login" {
			t.Errorf("after the idle time-out: %d → %q, want the login page", res.Status, res.Location)
		}
	})
	t.Run("lifetime", func(t *testing.T) {
		t.Parallel()
		env := webtest.Start(t, storage.SQLite, webtest.Options{IdleTimeout: time.Hour, Lifetime: 2 * time.Second})
		c := env.NewClient()
		c.Login(demo.UserMentor)
		start := time.Now()
		for time.Since(start) < 1500*time.Millisecond {
			if res := c.Get("/students"); res.Status != http.StatusOK {
				t.Fatalf("busy session ended early after %v: %d", time.Since(start), res.Status)
			}
			time.Sleep(250 * time.Millisecond)
		}
		sessionsExpire(t, env)
		if res := c.Get("/students"); res.Status != http.StatusSeeOther || res.Location != "/login" {
			t.Errorf("after the absolute lifetime: %d → %q, want the login page", res.Status, res.Location)
		}
	})
}

// sessionsExpire waits until no session of env is still valid by the
// database's clock, which is what the session store asks.
func sessionsExpire(t *testing.T, env *webtest.Env) {
	t.Helper()
	deadline := time.After(10 * time.Second)
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	for env.Count(`SELECT COUNT(*) FROM sessions WHERE julianday('now') < expiry`) > 0 {
		select {
		case <-deadline:
			t.Fatal("the sessions did not expire within 10 s")
		case <-tick.C:
		}
	}
}
