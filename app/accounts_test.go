package app

import (
	"context"
	"testing"

	"casus"
	"casus/demo"
	"casus/storage/storagetest"
)

// TestSetUserRoles: the beheerder replaces an account's roles as one
// security event, written with the change; a save that changes nothing
// records nothing; the refusals change nothing.
func TestSetUserRoles(t *testing.T) {
	for _, engine := range storagetest.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			e := start(t, engine)
			ctx := context.Background()
			admin, mentor := e.actor(demo.UserAdmin), e.actor(demo.UserMentor)
			events := func() int {
				return e.count(`SELECT COUNT(*) FROM security_events WHERE kind = $1`, string(casus.SecRolesChanged))
			}
			for _, tc := range []struct {
				name  string
				actor Actor
				id    string
				roles []casus.Role
				code  string
			}{
				{"ErrForbidden/not the beheerder", mentor, mentor.User.ID, []casus.Role{casus.RoleAdmin}, casus.EFORBIDDEN},
				{"ErrInvalid/no roles", admin, mentor.User.ID, nil, casus.EINVALID},
				{"ErrInvalid/own beheerder role", admin, admin.User.ID, []casus.Role{casus.RoleMentor}, casus.EINVALID},
				{"ErrNotFound/malformed id", admin, "x", []casus.Role{casus.RoleMentor}, casus.ENOTFOUND},
			} {
				t.Run(tc.name, func(t *testing.T) {
					before := events()
					if err := e.app.SetUserRoles(ctx, tc.actor, tc.id, tc.roles); casus.ErrorCode(err) != tc.code {
						t.Errorf("got %v, want %s", err, tc.code)
					}
					if n := events(); n != before {
						t.Errorf("%d events recorded, want none", n-before)
					}
				})
			}
			t.Run("OK", func(t *testing.T) {
				before := events()
				roles := []casus.Role{casus.RoleCareContact, casus.RoleMentor}
				if err := e.app.SetUserRoles(ctx, admin, mentor.User.ID, roles); err != nil {
					t.Fatal(err)
				}
				if err := e.app.SetUserRoles(ctx, admin, mentor.User.ID, []casus.Role{casus.RoleMentor, casus.RoleCareContact}); err != nil {
					t.Fatal(err)
				}
				if n := events(); n != before+1 {
					t.Errorf("%d events recorded, want 1 (the second save changes nothing)", n-before)
				}
			})
		})
	}
}
