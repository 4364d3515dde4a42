package casus

import "testing"

func TestCanViewMeldcode(t *testing.T) {
	coord := User{ID: "c", Roles: []Role{RoleCoordinator}}
	mentor := User{ID: "m", Roles: []Role{RoleMentor}}
	care := User{ID: "t", Roles: []Role{RoleCareContact}}
	partner := User{ID: "p", Roles: []Role{RolePartner}}
	mgmt := User{ID: "g", Roles: []Role{RoleManagement}}
	admin := User{ID: "a", Roles: []Role{RoleAdmin}}
	cases := []struct {
		name  string
		u     User
		rel   StudentRelations
		named bool
		want  Relation
	}{
		{"coordinator of the school's team", coord, StudentRelations{Exists: true, Coordinator: true}, false, RelCoordinator},
		{"coordinator of another school", coord, StudentRelations{Exists: true}, false, RelNone},
		{"coordinator as team member only", coord, StudentRelations{Exists: true, TeamMember: true}, false, RelNone},
		{"the mentor, not named", mentor, StudentRelations{Exists: true, Mentor: true}, false, RelNone},
		{"the mentor, named", mentor, StudentRelations{Exists: true, Mentor: true}, true, RelNamed},
		{"care contact, not named", care, StudentRelations{Exists: true, CareContact: true}, false, RelNone},
		{"care contact, named", care, StudentRelations{Exists: true, CareContact: true}, true, RelNamed},
		{"partner of the team, not named", partner, StudentRelations{Exists: true, TeamMember: true, Invited: true}, false, RelNone},
		{"partner, named", partner, StudentRelations{Exists: true}, true, RelNamed},
		{"management, named", mgmt, StudentRelations{Exists: true}, true, RelNone},
		{"beheerder, named", admin, StudentRelations{Exists: true}, true, RelNone},
		{"disabled and named", User{Roles: []Role{RoleMentor}, Disabled: true}, StudentRelations{Exists: true}, true, RelNone},
		{"no such student", coord, StudentRelations{}, true, RelNone},
	}
	for _, c := range cases {
		a := CanViewMeldcode(c.u, c.rel, c.named)
		if a.Relation != c.want || a.Allowed != (c.want != RelNone) {
			t.Errorf("%s: %+v, want %s", c.name, a, c.want)
		}
	}
	if CanManageMeldcode(care, StudentRelations{Exists: true, CareContact: true}).Allowed {
		t.Errorf("a named care contact manages who is named")
	}
	if !CanManageMeldcode(coord, StudentRelations{Exists: true, Coordinator: true}).Allowed {
		t.Errorf("the coordinator cannot manage who is named")
	}
}
