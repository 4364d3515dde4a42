package casus_test

import (
	"testing"

	"casus"
)

func TestCanAnswerAftercare(t *testing.T) {
	all := casus.StudentRelations{Exists: true, Coordinator: true, CareContact: true, Mentor: true, TeamMember: true, Invited: true, ActionOwner: true}
	tests := []struct {
		name string
		role casus.Role
		rel  casus.StudentRelations
		want casus.Relation
	}{
		{"OK/Coordinator", casus.RoleCoordinator, all, casus.RelCoordinator},
		{"OK/CareContactOfTheGroup", casus.RoleCareContact, all, casus.RelCareContact},
		{"Denied/CareContactAsTeamMemberOnly", casus.RoleCareContact, casus.StudentRelations{Exists: true, TeamMember: true}, casus.RelNone},
		{"Denied/Mentor", casus.RoleMentor, all, casus.RelNone},
		{"Denied/Partner", casus.RolePartner, all, casus.RelNone},
		{"Denied/Management", casus.RoleManagement, all, casus.RelNone},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			a := casus.CanAnswerAftercare(casus.User{Roles: []casus.Role{tc.role}}, tc.rel)
			if a.Relation != tc.want || a.Allowed != (tc.want != casus.RelNone) {
				t.Errorf("CanAnswerAftercare(%s) = %+v, want %s", tc.role, a, tc.want)
			}
		})
	}
	if a := casus.CanAnswerAftercare(casus.User{Roles: []casus.Role{casus.RoleCareContact}, Disabled: true}, all); a.Allowed {
		t.Errorf("a disabled care contact may answer")
	}
}
