package casus_test

import (
	"testing"

	"casus"
)

func TestCanViewStudent(t *testing.T) {
	user := func(roles ...casus.Role) casus.User { return casus.User{ID: "u", Roles: roles} }
	all := casus.StudentRelations{Exists: true, Mentor: true, CareContact: true, Coordinator: true, TeamMember: true, Invited: true, ActionOwner: true}
	rel := func(f func(r *casus.StudentRelations)) casus.StudentRelations {
		r := casus.StudentRelations{Exists: true}
		f(&r)
		return r
	}
	disabled := user(casus.RoleCoordinator)
	disabled.Disabled = true
	tests := []struct {
		name string
		u    casus.User
		rel  casus.StudentRelations
		want casus.Relation // RelNone: denied
	}{
		{"OK/CoordinatorOfSchool", user(casus.RoleCoordinator), rel(func(r *casus.StudentRelations) { r.Coordinator = true }), casus.RelCoordinator},
		{"OK/CoordinatorClosestRelationWins", user(casus.RoleCoordinator), all, casus.RelCoordinator},
		{"OK/CareContact", user(casus.RoleCareContact), rel(func(r *casus.StudentRelations) { r.CareContact = true }), casus.RelCareContact},
		{"OK/Mentor", user(casus.RoleMentor), rel(func(r *casus.StudentRelations) { r.Mentor = true }), casus.RelMentor},
		{"OK/PartnerInTeam", user(casus.RolePartner), rel(func(r *casus.StudentRelations) { r.TeamMember = true }), casus.RelTeamMember},
		{"OK/PartnerInvited", user(casus.RolePartner), rel(func(r *casus.StudentRelations) { r.Invited = true }), casus.RelInvited},
		{"OK/PartnerActionOwner", user(casus.RolePartner), rel(func(r *casus.StudentRelations) { r.ActionOwner = true }), casus.RelActionOwner},
		{"OK/MinuteTakerInTeam", user(casus.RoleMinutes), rel(func(r *casus.StudentRelations) { r.TeamMember = true }), casus.RelTeamMember},
		{"Denied/MentorNotTheirs", user(casus.RoleMentor), rel(func(r *casus.StudentRelations) { r.CareContact = true; r.TeamMember = true }), casus.RelNone},
		{"Denied/PartnerOnCallNotInvited", user(casus.RolePartner), rel(func(*casus.StudentRelations) {}), casus.RelNone},
		{"Denied/RelationWithoutRole", user(casus.RolePartner), rel(func(r *casus.StudentRelations) { r.Coordinator = true; r.Mentor = true }), casus.RelNone},
		{"Denied/ManagementWhateverRelations", user(casus.RoleManagement), all, casus.RelNone},
		{"Denied/BeheerderWhateverRelations", user(casus.RoleAdmin), all, casus.RelNone},
		{"Denied/Disabled", disabled, all, casus.RelNone},
		{"Denied/NoSuchStudent", user(casus.RoleCoordinator), casus.StudentRelations{Coordinator: true}, casus.RelNone},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			a := casus.CanViewStudent(tc.u, tc.rel)
			if a.Relation != tc.want || a.Allowed != (tc.want != casus.RelNone) {
				t.Errorf("CanViewStudent = %+v, want relation %s", a, tc.want)
			}
		})
	}
}

func TestViewFor(t *testing.T) {
	tests := []struct {
		rel  casus.Relation
		want casus.StudentView
	}{
		{casus.RelCoordinator, casus.StudentView{Guardians: true, Cases: true, Agenda: true}},
		{casus.RelCareContact, casus.StudentView{Guardians: true, Cases: true, Agenda: true}},
		{casus.RelMentor, casus.StudentView{Guardians: true}},
		{casus.RelTeamMember, casus.StudentView{Cases: true}},
		{casus.RelInvited, casus.StudentView{Cases: true}},
		{casus.RelActionOwner, casus.StudentView{}},
		{casus.RelNone, casus.StudentView{}},
	}
	for _, tc := range tests {
		if got := casus.ViewFor(tc.rel); got != tc.want {
			t.Errorf("ViewFor(%s) = %+v, want %+v", tc.rel, got, tc.want)
		}
	}
}

func TestCanRecordCrisis(t *testing.T) {
	rel := casus.StudentRelations{Exists: true, Coordinator: true, CareContact: true, Mentor: true, TeamMember: true, Invited: true}
	tests := []struct {
		name string
		role casus.Role
		want bool
	}{
		{"OK/Coordinator", casus.RoleCoordinator, true},
		{"OK/CareContact", casus.RoleCareContact, true},
		{"Denied/Mentor", casus.RoleMentor, false},
		{"Denied/Partner", casus.RolePartner, false},
		{"Denied/Management", casus.RoleManagement, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if a := casus.CanRecordCrisis(casus.User{Roles: []casus.Role{tc.role}}, rel); a.Allowed != tc.want {
				t.Errorf("CanRecordCrisis(%s) = %+v, want allowed %v", tc.role, a, tc.want)
			}
		})
	}
}

func TestCanReadSecurityEvents(t *testing.T) {
	for _, tc := range []struct {
		name string
		u    casus.User
		want bool
	}{
		{"OK/privacy officer", casus.User{Roles: []casus.Role{casus.RolePrivacy}}, true},
		{"OK/privacy officer who is also a mentor", casus.User{Roles: []casus.Role{casus.RoleMentor, casus.RolePrivacy}}, true},
		{"Denied/disabled privacy officer", casus.User{Roles: []casus.Role{casus.RolePrivacy}, Disabled: true}, false},
		{"Denied/beheerder, whose actions the log records", casus.User{Roles: []casus.Role{casus.RoleAdmin}}, false},
		{"Denied/coordinator", casus.User{Roles: []casus.Role{casus.RoleCoordinator}}, false},
		{"Denied/management", casus.User{Roles: []casus.Role{casus.RoleManagement}}, false},
		{"Denied/no roles", casus.User{}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := casus.CanReadSecurityEvents(tc.u); got != tc.want {
				t.Errorf("CanReadSecurityEvents = %v, want %v", got, tc.want)
			}
		})
	}
}

func TestCanAdminister(t *testing.T) {
	admin := casus.User{Roles: []casus.Role{casus.RoleAdmin}}
	if !casus.CanAdminister(admin) {
		t.Error("beheerder cannot administer")
	}
	admin.Disabled = true
	if casus.CanAdminister(admin) || casus.CanAdminister(casus.User{Roles: []casus.Role{casus.RoleCoordinator}}) {
		t.Error("a disabled beheerder or a coordinator can administer")
	}
}

func TestCanSeeFigures(t *testing.T) {
	user := func(roles ...casus.Role) casus.User { return casus.User{ID: "u", Roles: roles} }
	disabled := user(casus.RoleManagement)
	disabled.Disabled = true
	for _, tc := range []struct {
		name string
		u    casus.User
		want casus.FiguresReach
	}{
		{"OK/ManagementSteers", user(casus.RoleManagement), casus.ReachSteer},
		{"OK/ManagementAndCoordinatorSteers", user(casus.RoleCoordinator, casus.RoleManagement), casus.ReachSteer},
		{"OK/CoordinatorOwnTeams", user(casus.RoleCoordinator), casus.ReachChaired},
		{"Denied/CareContact", user(casus.RoleCareContact), casus.ReachNone},
		{"Denied/Mentor", user(casus.RoleMentor), casus.ReachNone},
		{"Denied/Partner", user(casus.RolePartner), casus.ReachNone},
		{"Denied/Beheerder", user(casus.RoleAdmin), casus.ReachNone},
		{"Denied/PrivacyOfficer", user(casus.RolePrivacy), casus.ReachNone},
		{"Denied/Disabled", disabled, casus.ReachNone},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := casus.CanSeeFigures(tc.u); got != tc.want {
				t.Errorf("CanSeeFigures = %v, want %v", got, tc.want)
			}
		})
	}
}
