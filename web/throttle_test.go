package web_test

import (
	"context"
	"fmt"
	"html"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"casus"
	"casus/auth"
	"casus/demo"
	"casus/i18n"
	"casus/storage"
	"casus/storage/storagetest"
	"casus/web/webtest"
)

// dutch returns the Dutch text of a catalog key as the pages show it.
func dutch(t *testing.T, key string) string {
	t.Helper()
	bundle, err := i18n.New()
	if err != nil {
		t.Fatal(err)
	}
	s := bundle.For("nl").T(key)
	if s == "" || s == key {
		t.Fatalf("no Dutch text for %s", key)
	}
	return html.EscapeString(s)
}

// TestPupilCannotLockOutSchool: a pupil fails 120 logins from the school's
// one NAT address. A teacher's browser that logged in before still logs in
// from that address; a browser new to Casus there is refused, in Dutch.
func TestPupilCannotLockOutSchool(t *testing.T) {
	t.Parallel()
	throttled := dutch(t, "error.throttled")
	const school = "192.0.2.10"
	for _, engine := range storagetest.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			env := webtest.Start(t, engine, webtest.Options{NoDemoMode: true})
			teacher := env.NewClient()
			teacher.Forwarded = school
			secret := enroll(t, env, teacher, demo.UserMentor)
			teacher.Post("/logout", url.Values{})

			pupil := env.NewClient()
			pupil.Forwarded = school
			refused := 0
			for i := 0; i < 120; i++ {
				// Guesses at unknown names and at the teacher's own account.
				login := fmt.Sprintf("leerling%d@%s", i, demo.EmailDomain)
				if i%10 == 0 {
					login = demo.UserMentor
				}
				res := pupil.Post("/login", url.Values{"login": {login}, "password": {fmt.Sprintf("gok-%d", i)}})
				switch res.Status {
				case http.StatusTooManyRequests:
					refused++
				case http.StatusUnauthorized:
				default:
					t.Fatalf("guess %d: status %d", i, res.Status)
				}
			}
			if refused < 20 {
				t.Fatalf("120 failures from one address: only %d refused, want the address limit to hold", refused)
			}

			env.Clock.Add(time.Minute)
			res := loginTOTP(t, teacher, demo.UserMentor, demo.Password, auth.TOTPCode(secret, env.Clock.Now()))
			if res.Status != http.StatusSeeOther || res.Location != "/" {
				t.Fatalf("teacher's known browser at the school's address: %d → %q, want in", res.Status, res.Location)
			}
			if res := teacher.Get("/students"); res.Status != http.StatusOK {
				t.Errorf("teacher after login: /students %d", res.Status)
			}

			stranger := env.NewClient()
			stranger.Forwarded = school
			res = stranger.Post("/login", url.Values{"login": {demo.UserCareContact}, "password": {demo.Password}})
			if res.Status != http.StatusTooManyRequests {
				t.Fatalf("new browser at the locked address: %d, want 429", res.Status)
			}
			if !strings.Contains(res.Body, throttled) {
				t.Errorf("refusal lacks the Dutch message %q", throttled)
			}
			if res := stranger.Get("/"); res.Status != http.StatusSeeOther || res.Location != "/login" {
				t.Errorf("refused browser: GET / %d → %q, want no session", res.Status, res.Location)
			}
		})
	}
}

// TestAddressFailuresNotResetBySuccess: an attacker who owns one account
// logs in to it between guesses at other accounts from one address. The
// successes do not reset the address's count: the limit still holds, and
// only the window's passing lets guesses through again.
func TestAddressFailuresNotResetBySuccess(t *testing.T) {
	t.Parallel()
	const maxAddress = 6
	victims := []string{demo.UserCoordinator, demo.UserCareContact, demo.UserGGD, demo.UserPolice, demo.UserIB,
		demo.UserManagement, demo.UserPrivacy, demo.UserAdmin}
	for _, engine := range storagetest.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			env := webtest.Start(t, engine, webtest.Options{Throttle: &auth.Throttle{
				Window: 15 * time.Minute, MaxAccount: 10, MaxAddress: maxAddress, MaxDevice: 10, Key: webtest.Key}})
			attacker := env.NewClient()
			attacker.Forwarded = "198.51.100.20"
			guess := func(i int) int {
				return attacker.Post("/login", url.Values{"login": {victims[i%len(victims)]}, "password": {fmt.Sprintf("gok-%d", i)}}).Status
			}
			refusedAt := -1
			for i := 0; i < 2*maxAddress && refusedAt < 0; i++ {
				// The attacker's own account, from the same browser.
				if res := attacker.Post("/login", url.Values{"login": {demo.UserMentor}, "password": {demo.Password}}); res.Status != http.StatusSeeOther {
					t.Fatalf("round %d: the attacker's own login: %d", i, res.Status)
				}
				attacker.Post("/logout", url.Values{})
				switch st := guess(i); st {
				case http.StatusTooManyRequests:
					refusedAt = i
				case http.StatusUnauthorized:
				default:
					t.Fatalf("guess %d: status %d", i, st)
				}
			}
			if refusedAt != maxAddress {
				t.Fatalf("guesses between successful logins: first refused at %d, want %d (the address limit)", refusedAt, maxAddress)
			}
			// Still refused a little later: the window slides, it is not reset.
			env.Clock.Add(10 * time.Minute)
			if st := guess(100); st != http.StatusTooManyRequests {
				t.Errorf("guess 10 minutes later: %d, want 429", st)
			}
			env.Clock.Add(6 * time.Minute)
			if st := guess(101); st != http.StatusUnauthorized {
				t.Errorf("guess after the window: %d, want 401", st)
			}
		})
	}
}

// TestLoginSlowsBeforeRefusing: failures for one account first answer at
// once, then after a growing, bounded delay, and only then are refused.
func TestLoginSlowsBeforeRefusing(t *testing.T) {
	t.Parallel()
	const base, maxDelay = 250 * time.Millisecond, 4 * time.Second
	for _, engine := range storagetest.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			env := webtest.Start(t, engine, webtest.Options{Throttle: &auth.Throttle{
				Window: 15 * time.Minute, MaxAccount: 16, MaxAddress: 100, MaxDevice: 10, Key: webtest.Key,
				BaseDelay: base, MaxDelay: maxDelay}})
			c := env.NewClient()
			c.Forwarded = "203.0.113.30"
			var delays []time.Duration
			for i := 0; ; i++ {
				res := c.Post("/login", url.Values{"login": {demo.UserCoordinator}, "password": {fmt.Sprintf("gok-%d", i)}})
				d := env.Delays()
				if res.Status == http.StatusTooManyRequests {
					if len(d) != 0 {
						t.Errorf("the refusal waited %v: a refusal answers at once", d)
					}
					break
				}
				if res.Status != http.StatusUnauthorized || i > 20 {
					t.Fatalf("attempt %d: status %d", i, res.Status)
				}
				var slept time.Duration
				for _, x := range d {
					slept += x
				}
				delays = append(delays, slept)
			}
			t.Logf("delays before refusing: %v", delays)
			if len(delays) != 16 {
				t.Fatalf("%d failures answered before refusing, want 16 (the account limit)", len(delays))
			}
			if delays[0] != 0 || delays[7] != 0 {
				t.Errorf("the first failures were slowed down: %v", delays)
			}
			if delays[8] != base {
				t.Errorf("delay at half the limit: %v, want %v", delays[8], base)
			}
			for i := 9; i < len(delays); i++ {
				if delays[i] < delays[i-1] || delays[i] > maxDelay {
					t.Errorf("delay %d: %v after %v; want growing, at most %v", i, delays[i], delays[i-1], maxDelay)
				}
			}
			if delays[len(delays)-1] != maxDelay {
				t.Errorf("last delay before refusing: %v, want the bound %v", delays[len(delays)-1], maxDelay)
			}
			// The account holder's correct password waits too (the
			// slowdown is before the check) but gets in.
			if res := c.Post("/login", url.Values{"login": {demo.UserMentor}, "password": {demo.Password}}); res.Status != http.StatusSeeOther {
				t.Errorf("another account from the same address: %d", res.Status)
			}
		})
	}
}

// TestLoginsAreSecurityEvents: a login, a failed login of a known and of an
// unknown account, a wrong two-factor code and a refusal by the throttle
// are each recorded with the client's address; the password never is. One
// lockout is recorded once, however often it refuses.
func TestLoginsAreSecurityEvents(t *testing.T) {
	t.Parallel()
	const addr, password = "192.0.2.44", "geheim-wachtwoord-9876"
	for _, engine := range storagetest.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			env := webtest.Start(t, engine, webtest.Options{NoDemoMode: true, Throttle: &auth.Throttle{
				Window: 15 * time.Minute, MaxAccount: 3, MaxAddress: 100, MaxDevice: 10, Key: webtest.Key}})
			holder := env.NewClient()
			secret := enroll(t, env, holder, demo.UserCoordinator)
			holder.Post("/logout", url.Values{})
			coordinator := env.UserID(demo.UserCoordinator)

			c := env.NewClient()
			c.Forwarded = addr
			unknown := "onbekend@" + demo.EmailDomain
			if res := c.Post("/login", url.Values{"login": {unknown}, "password": {password}}); res.Status != http.StatusUnauthorized {
				t.Fatalf("unknown account: %d", res.Status)
			}
			if res := c.Post("/login", url.Values{"login": {demo.UserMentor}, "password": {password}}); res.Status != http.StatusUnauthorized {
				t.Fatalf("wrong password: %d", res.Status)
			}
			env.Clock.Add(time.Minute)
			if res := loginTOTP(t, c, demo.UserCoordinator, demo.Password, "000000"); res.Status != http.StatusUnauthorized {
				t.Fatalf("wrong code: %d", res.Status)
			}
			res := loginTOTP(t, c, demo.UserCoordinator, demo.Password, auth.TOTPCode(secret, env.Clock.Now()))
			if res.Status != http.StatusSeeOther || res.Location != "/" {
				t.Fatalf("login with code: %d → %q", res.Status, res.Location)
			}
			c.Post("/logout", url.Values{})
			other := env.NewClient()
			other.Forwarded = addr
			for i := 0; i < 6; i++ {
				other.Post("/login", url.Values{"login": {demo.UserCareContact}, "password": {password}})
			}

			var events []casus.SecurityEvent
			ctx := context.Background()
			if err := env.DB.View(ctx, func(tx *storage.Tx) (err error) {
				events, err = tx.SecurityEvents(ctx, storage.SecurityFilter{})
				return err
			}); err != nil {
				t.Fatal(err)
			}
			find := func(kind casus.SecurityEventKind, target, detail string) *casus.SecurityEvent {
				for i := range events {
					e := &events[i]
					if e.Kind == kind && e.ClientAddr == addr && (e.TargetID == target || e.TargetName == target) &&
						strings.Contains(e.Detail, detail) {
						return e
					}
				}
				t.Errorf("no %s event for %s (%q) from %s", kind, target, detail, addr)
				return nil
			}
			if e := find(casus.SecLoginFailed, unknown, "password"); e != nil && e.TargetID != "" {
				t.Errorf("failure of an unknown account names account %q", e.TargetID)
			}
			find(casus.SecLoginFailed, env.UserID(demo.UserMentor), "password")
			find(casus.SecLoginFailed, coordinator, "two-factor code")
			if e := find(casus.SecLoginSucceeded, coordinator, "password + two-factor code"); e != nil && e.ActorID != coordinator {
				t.Errorf("login's actor %q, want the coordinator", e.ActorID)
			}
			if e := find(casus.SecLoginLocked, env.UserID(demo.UserCareContact), "password"); e != nil && e.UserAgent == "" {
				t.Errorf("refusal without the browser class")
			}
			locked := 0
			for _, e := range events {
				if e.Kind == casus.SecLoginLocked {
					locked++
				}
				for _, f := range []string{e.ActorName, e.TargetName, e.Detail, e.ClientAddr, e.UserAgent} {
					if strings.Contains(f, password) {
						t.Errorf("%s event holds the password", e.Kind)
					}
				}
			}
			if locked != 1 {
				t.Errorf("three refusals of one lockout: %d events, want 1", locked)
			}
			if n, err := env.DB.VerifySecurityEvents(ctx); err != nil || n == 0 {
				t.Errorf("security-event chain: %d events, %v", n, err)
			}
		})
	}
}

// TestAddressLimitSharedAcrossInstances: two instances on one PostgreSQL
// database see one address count, and both let the known browser through.
func TestAddressLimitSharedAcrossInstances(t *testing.T) {
	t.Parallel()
	if !contains(storagetest.Engines(t), storage.Postgres) {
		t.Skip("needs PostgreSQL: set CASUS_TEST_DATABASE_URL (.ci/run does)")
	}
	th := &auth.Throttle{Window: 15 * time.Minute, MaxAccount: 10, MaxAddress: 4, MaxDevice: 10, Key: webtest.Key}
	one := webtest.Start(t, storage.Postgres, webtest.Options{Throttle: th})
	two := webtest.Start(t, storage.Postgres, webtest.Options{Throttle: th, DatabaseURL: one.DatabaseURL})
	const school = "192.0.2.60"
	teacher := one.NewClient()
	teacher.Forwarded = school
	teacher.Login(demo.UserMentor)
	teacher.Post("/logout", url.Values{})
	for i, env := range []*webtest.Env{one, two, one, two} {
		c := env.NewClient()
		c.Forwarded = school
		if res := c.Post("/login", url.Values{"login": {fmt.Sprintf("leerling%d", i)}, "password": {"gok"}}); res.Status != http.StatusUnauthorized {
			t.Fatalf("failure %d: %d", i, res.Status)
		}
	}
	for _, env := range []*webtest.Env{one, two} {
		c := env.NewClient()
		c.Forwarded = school
		if res := c.Post("/login", url.Values{"login": {demo.UserCareContact}, "password": {demo.Password}}); res.Status != http.StatusTooManyRequests {
			t.Errorf("new browser after four failures over two instances: %d, want 429", res.Status)
		}
	}
	known := two.ClientWithJar(teacher)
	known.Forwarded = school
	if res := known.Post("/login", url.Values{"login": {demo.UserMentor}, "password": {demo.Password}}); res.Status != http.StatusSeeOther {
		t.Errorf("known browser on the other instance: %d, want in", res.Status)
	}
}
