package storage_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"casus"
	"casus/storage"
)

// userA looks a user up by id.
func userA(t *testing.T, c *contract, id string) casus.User {
	t.Helper()
	return viewValue(t, c.db, func(ctx context.Context, tx *storage.Tx) (casus.User, error) { return tx.User(ctx, id) })
}

// uniqueA is a name no other case uses, for logins and settings.
func uniqueA(prefix string) string {
	id := strings.ReplaceAll(casus.NewID(), "-", "")
	return prefix + id[len(id)-12:] // the random end: ids made in one millisecond share their start
}

func init() {
	contracts.add("CreateUser", func(t *testing.T, c *contract) {
		w := c.w
		login := uniqueA("kees")
		u := casus.User{Email: "Kees." + login + "@Testrijn.example", Username: "K" + login, Name: "Kees Klaassen", SchoolID: w.school.ID,
			Discipline: casus.DiscTeacher, Roles: []casus.Role{casus.RoleMentor, casus.RoleCareContact}, Demo: true}
		update(t, c.db, func(ctx context.Context, tx *storage.Tx) error { return tx.CreateUser(ctx, &u, "hash-kees") })
		if u.ID == "" {
			t.Fatal("created user has no id")
		}
		got := userA(t, c, u.ID)
		if got.Email != strings.ToLower(u.Email) || got.Username != strings.ToLower(u.Username) || got.Name != "Kees Klaassen" ||
			got.SchoolID != w.school.ID || got.OrgName != w.school.Name || got.Discipline != casus.DiscTeacher || !got.Demo ||
			got.Disabled || got.TOTPEnabled || got.SessionEpoch != 0 || !sameRoles(got.Roles, u.Roles) {
			t.Errorf("stored user = %+v, want login names in lower case", got)
		}
		if h := viewValue(t, c.db, func(ctx context.Context, tx *storage.Tx) (string, error) { return tx.PasswordHash(ctx, u.ID) }); h != "hash-kees" {
			t.Errorf("password hash = %q", h)
		}
		// A given id is kept.
		id := casus.NewID()
		p := casus.User{ID: id, Email: uniqueA("p") + "@ggd.example", Name: "Pim Partner", PartnerOrgID: w.jgz.ID,
			Discipline: casus.DiscJGZ, Roles: []casus.Role{casus.RolePartner}}
		update(t, c.db, func(ctx context.Context, tx *storage.Tx) error { return tx.CreateUser(ctx, &p, "x") })
		if got := userA(t, c, id); got.ID != id || got.PartnerOrgID != w.jgz.ID || got.OrgName != w.jgz.Name || got.SchoolID != "" {
			t.Errorf("partner user = %+v", got)
		}
		t.Run("LoginTaken/Conflict", func(t *testing.T) {
			for _, x := range []casus.User{
				{Email: strings.ToUpper(w.mentor.Email), Name: "Same e-mail"},
				{Email: uniqueA("n") + "@example.org", Username: strings.ToUpper(u.Username), Name: "Same username"},
				{Email: strings.ToLower(u.Username), Name: "E-mail that is a username"},
				{Email: uniqueA("m") + "@example.org", Username: w.mentor.Email, Name: "Username that is an e-mail"},
			} {
				x.Discipline, x.Roles = casus.DiscTeacher, []casus.Role{casus.RoleMentor}
				err := tryA(c, func(ctx context.Context, tx *storage.Tx) error { return tx.CreateUser(ctx, &x, "x") })
				wantCode(t, err, casus.ECONFLICT)
				var e *casus.Error
				if !errors.As(err, &e) || e.Key != "error.user_exists" {
					t.Errorf("%s: error %v, want key error.user_exists", x.Name, err)
				}
				err = viewErrA(c, func(ctx context.Context, tx *storage.Tx) error { _, err := tx.User(ctx, x.ID); return err })
				if x.ID == "" || casus.ErrorCode(err) != casus.ENOTFOUND {
					t.Errorf("%s: the refused user (id %q) was stored: %v", x.Name, x.ID, err)
				}
			}
		})
	})

	contracts.add("User", func(t *testing.T, c *contract) {
		w := c.w
		got := userA(t, c, w.careContact.ID)
		if got.ID != w.careContact.ID || got.Email != strings.ToLower(w.careContact.Email) || got.Name != "Tom Taakdocent" ||
			got.SchoolID != w.school.ID || got.PartnerOrgID != "" || got.OrgName != "ROC Testrijn" || got.Discipline != casus.DiscCareContact ||
			!sameRoles(got.Roles, []casus.Role{casus.RoleCareContact, casus.RoleMentor}) || got.Disabled || got.SessionEpoch != 0 {
			t.Errorf("User = %+v", got)
		}
		if p := userA(t, c, w.police.ID); p.SchoolID != "" || p.PartnerOrgID != w.politie.ID || p.OrgName != w.politie.Name ||
			!slices.Equal(p.Roles, []casus.Role{casus.RolePartner}) {
			t.Errorf("partner User = %+v", p)
		}
		t.Run("Unknown/NotFound", func(t *testing.T) {
			for _, id := range []string{casus.NewID(), "not-an-id"} {
				err := viewErrA(c, func(ctx context.Context, tx *storage.Tx) error { _, err := tx.User(ctx, id); return err })
				wantCode(t, err, casus.ENOTFOUND)
			}
		})
	})

	contracts.add("UserForLogin", func(t *testing.T, c *contract) {
		w := c.w
		for _, login := range []string{w.coordinator.Email, strings.ToUpper(w.coordinator.Email), strings.ToLower(w.coordinator.Email)} {
			var u casus.User
			var hash string
			err := viewErrA(c, func(ctx context.Context, tx *storage.Tx) (err error) {
				u, hash, err = tx.UserForLogin(ctx, login)
				return err
			})
			if err != nil || u.ID != w.coordinator.ID || hash != "hash-Carla@Testrijn.example" || !u.HasRole(casus.RoleCoordinator) ||
				u.OrgName != w.school.Name {
				t.Errorf("UserForLogin(%q) = %+v %q %v", login, u, hash, err)
			}
		}
		name := uniqueA("user")
		k := casus.User{Email: name + "@example.org", Username: strings.ToUpper(name), Name: "Kim", Discipline: casus.DiscTeacher,
			Roles: []casus.Role{casus.RoleMentor}}
		update(t, c.db, func(ctx context.Context, tx *storage.Tx) error { return tx.CreateUser(ctx, &k, "hash-kim") })
		if u, hash, err := viewValue3A(c, strings.ToUpper(name)); err != nil || u.ID != k.ID || hash != "hash-kim" || u.Username != name {
			t.Errorf("UserForLogin(username) = %+v %q %v", u, hash, err)
		}
		update(t, c.db, func(ctx context.Context, tx *storage.Tx) error { return tx.Deactivate(ctx, k.ID) })
		if u, _, err := viewValue3A(c, name); err != nil || !u.Disabled {
			t.Errorf("UserForLogin of a deactivated account = %+v %v, want it, disabled", u, err)
		}
		t.Run("Unknown/NotFound", func(t *testing.T) {
			_, _, err := viewValue3A(c, uniqueA("nobody")+"@example.org")
			wantCode(t, err, casus.ENOTFOUND)
		})
	})

	contracts.add("Users", func(t *testing.T, c *contract) {
		w := c.w
		mine := []string{w.coordinator.ID, w.careContact.ID, w.mentor.ID, w.specialist.ID, w.admin.ID, w.nurse.ID, w.police.ID,
			w.socialWork.ID, w.outsider.ID}
		update(t, c.db, func(ctx context.Context, tx *storage.Tx) error { return tx.Deactivate(ctx, w.outsider.ID) })
		all := viewValue(t, c.db, func(ctx context.Context, tx *storage.Tx) ([]casus.User, error) { return tx.Users(ctx) })
		got := ofA(all, func(u casus.User) string { return u.ID }, mine...)
		names := idsA(got, func(u casus.User) string { return u.Name })
		want := []string{"Bert Beheerder", "Carla Coördinator", "Janneke JGZ", "Mirjam Mentor", "Olga Orthopedagoog", "Otto Elders",
			"Peter Politie", "Sam SMW", "Tom Taakdocent"}
		if !slices.Equal(names, want) {
			t.Fatalf("Users = %q, want the world's 9 users, the deactivated one too, by name: %q", names, want)
		}
		for _, u := range got {
			if len(u.Roles) == 0 {
				t.Errorf("%s has no roles loaded", u.Name)
			}
		}
		if tom := got[8]; !sameRoles(tom.Roles, []casus.Role{casus.RoleCareContact, casus.RoleMentor}) || tom.OrgName != "ROC Testrijn" {
			t.Errorf("Tom = %+v", tom)
		}
		if otto := got[5]; !otto.Disabled || otto.OrgName != w.otherSchool.Name {
			t.Errorf("Otto = %+v, want disabled", otto)
		}
	})

	contracts.add("SetPassword", func(t *testing.T, c *contract) {
		w := c.w
		update(t, c.db, func(ctx context.Context, tx *storage.Tx) error { return tx.SetPassword(ctx, w.mentor.ID, "new-hash") })
		u, hash, err := viewValue3A(c, w.mentor.Email)
		if err != nil || hash != "new-hash" || u.SessionEpoch != 1 {
			t.Errorf("after SetPassword: hash %q epoch %d %v, want new-hash, sessions ended (epoch 1)", hash, u.SessionEpoch, err)
		}
		if other := userA(t, c, w.coordinator.ID); other.SessionEpoch != 0 {
			t.Errorf("another user's sessions ended: %+v", other)
		}
		t.Run("Unknown/NotFound", func(t *testing.T) {
			err := tryA(c, func(ctx context.Context, tx *storage.Tx) error { return tx.SetPassword(ctx, casus.NewID(), "x") })
			wantCode(t, err, casus.ENOTFOUND)
		})
	})

	contracts.add("EndSessions", func(t *testing.T, c *contract) {
		w := c.w
		for want := 1; want <= 2; want++ {
			update(t, c.db, func(ctx context.Context, tx *storage.Tx) error { return tx.EndSessions(ctx, w.specialist.ID) })
			if u := userA(t, c, w.specialist.ID); u.SessionEpoch != want {
				t.Errorf("epoch after %d EndSessions = %d", want, u.SessionEpoch)
			}
		}
		if h := viewValue(t, c.db, func(ctx context.Context, tx *storage.Tx) (string, error) {
			return tx.PasswordHash(ctx, w.specialist.ID)
		}); h != "hash-olga@testrijn.example" {
			t.Errorf("EndSessions changed the password: %q", h)
		}
		t.Run("Unknown/NotFound", func(t *testing.T) {
			err := tryA(c, func(ctx context.Context, tx *storage.Tx) error { return tx.EndSessions(ctx, casus.NewID()) })
			wantCode(t, err, casus.ENOTFOUND)
		})
	})

	contracts.add("SetTOTP", func(t *testing.T, c *contract) {
		w := c.w
		id := w.specialist.ID
		use := func(step int64) bool {
			return updateValue(t, c.db, func(ctx context.Context, tx *storage.Tx) (bool, error) { return tx.UseTOTPStep(ctx, id, step) })
		}
		update(t, c.db, func(ctx context.Context, tx *storage.Tx) error { return tx.SetTOTP(ctx, id, "sealed-1", false) })
		if u := userA(t, c, id); u.TOTPEnabled {
			t.Error("TOTP enabled after storing a secret not yet confirmed")
		}
		update(t, c.db, func(ctx context.Context, tx *storage.Tx) error { return tx.SetTOTP(ctx, id, "sealed-1", true) })
		if u := userA(t, c, id); !u.TOTPEnabled {
			t.Error("TOTP not enabled")
		}
		if !use(1000) || use(1000) {
			t.Fatal("step 1000 not usable exactly once")
		}
		// A new secret starts with every step unused.
		update(t, c.db, func(ctx context.Context, tx *storage.Tx) error { return tx.SetTOTP(ctx, id, "sealed-2", true) })
		if s := viewValue(t, c.db, func(ctx context.Context, tx *storage.Tx) (string, error) { return tx.TOTPSecret(ctx, id) }); s != "sealed-2" {
			t.Errorf("secret = %q, want sealed-2", s)
		}
		if !use(500) {
			t.Error("step 500 refused after a new secret")
		}
		// Switched off: empty secret.
		update(t, c.db, func(ctx context.Context, tx *storage.Tx) error { return tx.SetTOTP(ctx, id, "", false) })
		if u := userA(t, c, id); u.TOTPEnabled {
			t.Error("TOTP still enabled after switching it off")
		}
		t.Run("Unknown/NotFound", func(t *testing.T) {
			err := tryA(c, func(ctx context.Context, tx *storage.Tx) error { return tx.SetTOTP(ctx, casus.NewID(), "x", true) })
			wantCode(t, err, casus.ENOTFOUND)
		})
	})

	contracts.add("TOTPSecret", func(t *testing.T, c *contract) {
		w := c.w
		secret := func(id string) (string, error) {
			var s string
			err := viewErrA(c, func(ctx context.Context, tx *storage.Tx) (err error) { s, err = tx.TOTPSecret(ctx, id); return err })
			return s, err
		}
		if s, err := secret(w.mentor.ID); err != nil || s != "" {
			t.Errorf("secret of a user without TOTP = %q, %v; want empty", s, err)
		}
		update(t, c.db, func(ctx context.Context, tx *storage.Tx) error { return tx.SetTOTP(ctx, w.mentor.ID, "sealed", true) })
		if s, err := secret(w.mentor.ID); err != nil || s != "sealed" {
			t.Errorf("secret = %q, %v", s, err)
		}
		if s, _ := secret(w.coordinator.ID); s != "" {
			t.Errorf("another user's secret = %q", s)
		}
		t.Run("Unknown/NotFound", func(t *testing.T) {
			_, err := secret(casus.NewID())
			wantCode(t, err, casus.ENOTFOUND)
		})
	})

	contracts.add("UseTOTPStep", func(t *testing.T, c *contract) {
		w := c.w
		update(t, c.db, func(ctx context.Context, tx *storage.Tx) error { return tx.SetTOTP(ctx, w.nurse.ID, "sealed", true) })
		use := func(id string, step int64) bool {
			return updateValue(t, c.db, func(ctx context.Context, tx *storage.Tx) (bool, error) { return tx.UseTOTPStep(ctx, id, step) })
		}
		for _, x := range []struct {
			step int64
			ok   bool
			what string
		}{{1000, true, "first use"}, {1000, false, "replay"}, {999, false, "an earlier step"}, {1001, true, "the next step"}, {1003, true, "a later step"}} {
			if got := use(w.nurse.ID, x.step); got != x.ok {
				t.Errorf("%s (step %d) = %v, want %v", x.what, x.step, got, x.ok)
			}
		}
		if !use(w.police.ID, 1000) {
			t.Error("a step used by one user refused for another")
		}
		if use(casus.NewID(), 1) {
			t.Error("a step of an unknown user accepted")
		}
	})

	contracts.add("Setting", func(t *testing.T, c *contract) {
		key := uniqueA("contract.setting.")
		get := func(def string) string {
			t.Helper()
			return viewValue(t, c.db, func(ctx context.Context, tx *storage.Tx) (string, error) { return tx.Setting(ctx, key, def) })
		}
		if v := get("standaard"); v != "standaard" {
			t.Errorf("unset setting = %q, want the default", v)
		}
		update(t, c.db, func(ctx context.Context, tx *storage.Tx) error { return tx.SetSetting(ctx, key, "waarde") })
		if v := get("standaard"); v != "waarde" {
			t.Errorf("setting = %q, want waarde", v)
		}
		update(t, c.db, func(ctx context.Context, tx *storage.Tx) error { return tx.SetSetting(ctx, key, "") })
		if v := get("standaard"); v != "" {
			t.Errorf("setting set to empty = %q, want empty, not the default", v)
		}
	})

	contracts.add("SetSetting", func(t *testing.T, c *contract) {
		key, other := uniqueA("contract.setting."), uniqueA("contract.setting.")
		set := func(k, v string) {
			update(t, c.db, func(ctx context.Context, tx *storage.Tx) error { return tx.SetSetting(ctx, k, v) })
		}
		get := func(k string) string {
			return viewValue(t, c.db, func(ctx context.Context, tx *storage.Tx) (string, error) { return tx.Setting(ctx, k, "unset") })
		}
		set(key, "een")
		set(key, "twee")
		set(other, "ander")
		if v := get(key); v != "twee" {
			t.Errorf("setting after overwriting = %q, want twee", v)
		}
		if v := get(other); v != "ander" {
			t.Errorf("other setting = %q", v)
		}
		t.Run("InView/Err", func(t *testing.T) {
			if err := viewErrA(c, func(ctx context.Context, tx *storage.Tx) error { return tx.SetSetting(ctx, key, "drie") }); err == nil {
				t.Error("SetSetting in a read transaction succeeded")
			}
			if v := get(key); v != "twee" {
				t.Errorf("setting = %q after a refused write", v)
			}
		})
	})

	contracts.add("PasswordHash", func(t *testing.T, c *contract) {
		w := c.w
		hash := func(id string) (string, error) {
			var h string
			err := viewErrA(c, func(ctx context.Context, tx *storage.Tx) (err error) { h, err = tx.PasswordHash(ctx, id); return err })
			return h, err
		}
		if h, err := hash(w.nurse.ID); err != nil || h != "hash-janneke@ggd.example" {
			t.Errorf("PasswordHash = %q, %v", h, err)
		}
		update(t, c.db, func(ctx context.Context, tx *storage.Tx) error { return tx.SetPassword(ctx, w.nurse.ID, "nieuw") })
		if h, _ := hash(w.nurse.ID); h != "nieuw" {
			t.Errorf("PasswordHash after SetPassword = %q", h)
		}
		t.Run("Unknown/NotFound", func(t *testing.T) {
			for _, id := range []string{casus.NewID(), "not-an-id"} {
				_, err := hash(id)
				wantCode(t, err, casus.ENOTFOUND)
			}
		})
	})

	contracts.add("SetRoles", func(t *testing.T, c *contract) {
		w := c.w
		c.clock.Add(time.Hour)
		roles := []casus.Role{casus.RoleCoordinator, casus.RolePrivacy}
		update(t, c.db, func(ctx context.Context, tx *storage.Tx) error { return tx.SetRoles(ctx, w.mentor.ID, roles) })
		if u := userA(t, c, w.mentor.ID); !sameRoles(u.Roles, roles) || u.Name != w.mentor.Name {
			t.Errorf("roles = %v, want %v", u.Roles, roles)
		}
		update(t, c.db, func(ctx context.Context, tx *storage.Tx) error { return tx.SetRoles(ctx, w.mentor.ID, nil) })
		if u := userA(t, c, w.mentor.ID); len(u.Roles) != 0 {
			t.Errorf("roles after setting none = %v", u.Roles)
		}
		if u := userA(t, c, w.careContact.ID); !sameRoles(u.Roles, []casus.Role{casus.RoleCareContact, casus.RoleMentor}) {
			t.Errorf("another user's roles changed: %v", u.Roles)
		}
		t.Run("Unknown/NotFound", func(t *testing.T) {
			id := casus.NewID()
			err := tryA(c, func(ctx context.Context, tx *storage.Tx) error { return tx.SetRoles(ctx, id, roles) })
			wantCode(t, err, casus.ENOTFOUND)
		})
	})

	contracts.add("Deactivate", func(t *testing.T, c *contract) {
		w := c.w
		update(t, c.db, func(ctx context.Context, tx *storage.Tx) error { return tx.EndSessions(ctx, w.police.ID) })
		update(t, c.db, func(ctx context.Context, tx *storage.Tx) error { return tx.Deactivate(ctx, w.police.ID) })
		u := userA(t, c, w.police.ID)
		if !u.Disabled || u.SessionEpoch != 2 || u.Name != w.police.Name || !slices.Equal(u.Roles, []casus.Role{casus.RolePartner}) {
			t.Errorf("deactivated user = %+v, want disabled, sessions ended, the account kept", u)
		}
		if other := userA(t, c, w.nurse.ID); other.Disabled {
			t.Error("another user was deactivated")
		}
		// Deactivating again keeps it disabled and ends sessions again.
		update(t, c.db, func(ctx context.Context, tx *storage.Tx) error { return tx.Deactivate(ctx, w.police.ID) })
		if u := userA(t, c, w.police.ID); !u.Disabled || u.SessionEpoch != 3 {
			t.Errorf("deactivated twice = %+v", u)
		}
		t.Run("Unknown/NotFound", func(t *testing.T) {
			err := tryA(c, func(ctx context.Context, tx *storage.Tx) error { return tx.Deactivate(ctx, casus.NewID()) })
			wantCode(t, err, casus.ENOTFOUND)
		})
	})
}

// viewValue3A looks a login up.
func viewValue3A(c *contract, login string) (casus.User, string, error) {
	var u casus.User
	var hash string
	err := viewErrA(c, func(ctx context.Context, tx *storage.Tx) (err error) {
		u, hash, err = tx.UserForLogin(ctx, login)
		return err
	})
	return u, hash, err
}

func init() {
	contracts.add("Activate", func(t *testing.T, c *contract) {
		w := c.w
		update(t, c.db, func(ctx context.Context, tx *storage.Tx) error { return tx.Deactivate(ctx, w.police.ID) })
		update(t, c.db, func(ctx context.Context, tx *storage.Tx) error { return tx.Activate(ctx, w.police.ID) })
		u := userA(t, c, w.police.ID)
		if u.Disabled || u.SessionEpoch != 1 || !slices.Equal(u.Roles, []casus.Role{casus.RolePartner}) {
			t.Errorf("activated user = %+v, want on, the sessions ended by the deactivation staying ended", u)
		}
		err := tryA(c, func(ctx context.Context, tx *storage.Tx) error { return tx.Activate(ctx, casus.NewID()) })
		wantCode(t, err, casus.ENOTFOUND)
	})
}
