package casus

import "testing"

func TestAccessLogScopeOf(t *testing.T) {
	for _, c := range []struct {
		name  string
		roles []Role
		want  AccessLogScope
	}{
		{"privacy officer", []Role{RolePrivacy}, AccessLogScope{OwnSchool: "s1", Relation: RelPrivacyOfficer}},
		{"coordinator", []Role{RoleCoordinator}, AccessLogScope{ChairedTeams: true, Relation: RelCoordinator}},
		{"both", []Role{RolePrivacy, RoleCoordinator}, AccessLogScope{OwnSchool: "s1", ChairedTeams: true, Relation: RelCoordinator}},
		{"neither", []Role{RoleMentor}, AccessLogScope{Relation: RelPrivacyOfficer}},
	} {
		u := User{ID: "u", SchoolID: "s1", Roles: c.roles}
		if got := AccessLogScopeOf(u); got != c.want {
			t.Errorf("%s: got %+v, want %+v", c.name, got, c.want)
		}
	}
}
