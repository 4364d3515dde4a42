package web

import (
	"slices"
	"testing"

	"casus"
)

// TestNavAsksThePolicy: the menu shows an entry exactly when the casus
// decision behind the page can grant the user something.
func TestNavAsksThePolicy(t *testing.T) {
	t.Parallel()
	hrefs := func(u casus.User) []string {
		var out []string
		for _, it := range navFor(u, "/") {
			out = append(out, it.Href)
		}
		return out
	}
	for _, tc := range []struct {
		name string
		u    casus.User
		want []string
	}{
		{"Coordinator", casus.User{Roles: []casus.Role{casus.RoleCoordinator}},
			[]string{"/", "/students", "/tasks", "/referrals", "/rectification", "/teams", "/messages", "/handbook", "/figures", "/complaints", "/log", "/access-requests"}},
		{"PartnerReadsAcceptedReferralsOfTheirTeam", casus.User{Roles: []casus.Role{casus.RolePartner}},
			[]string{"/", "/students", "/tasks", "/referrals", "/teams", "/messages", "/handbook"}},
		{"Mentor", casus.User{Roles: []casus.Role{casus.RoleMentor}},
			[]string{"/", "/students", "/tasks", "/referrals", "/teams", "/messages", "/handbook"}},
		{"PrivacyAndManagementSeeNoStudent", casus.User{Roles: []casus.Role{casus.RolePrivacy, casus.RoleManagement}},
			[]string{"/", "/teams", "/messages", "/handbook", "/figures", "/complaints", "/log", "/access-requests", "/security-events"}},
		{"Beheerder", casus.User{Roles: []casus.Role{casus.RoleAdmin}},
			[]string{"/", "/teams", "/messages", "/handbook", "/admin/users", "/admin/settings"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := hrefs(tc.u); !slices.Equal(got, tc.want) {
				t.Errorf("nav = %v, want %v", got, tc.want)
			}
		})
	}
}
