package casus_test

import (
	"testing"

	"casus"
)

func TestCanImportStudents(t *testing.T) {
	for _, tc := range []struct {
		name string
		u    casus.User
		want bool
	}{
		{"OK/beheerder", casus.User{Roles: []casus.Role{casus.RoleAdmin}}, true},
		{"Denied/disabled beheerder", casus.User{Roles: []casus.Role{casus.RoleAdmin}, Disabled: true}, false},
		{"Denied/zorgcoordinator", casus.User{Roles: []casus.Role{casus.RoleCoordinator}}, false},
		{"Denied/mentor", casus.User{Roles: []casus.Role{casus.RoleMentor}}, false},
		{"Denied/privacy officer", casus.User{Roles: []casus.Role{casus.RolePrivacy}}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a := casus.CanImportStudents(tc.u)
			if a.Allowed != tc.want {
				t.Errorf("CanImportStudents = %v, want %v", a.Allowed, tc.want)
			}
			if want := map[bool]casus.Relation{true: casus.RelAdministration, false: casus.RelNone}[tc.want]; a.Relation != want {
				t.Errorf("relation = %q, want %q", a.Relation, want)
			}
		})
	}
}
