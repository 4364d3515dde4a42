package casus_test

import (
	"testing"

	"casus"
)

func TestRequires2FA(t *testing.T) {
	coordinator := casus.User{Roles: []casus.Role{casus.RoleCoordinator}}
	admin := casus.User{Roles: []casus.Role{casus.RoleAdmin}}
	demoCoordinator := casus.User{Roles: []casus.Role{casus.RoleCoordinator}, Demo: true}
	for _, tc := range []struct {
		name                 string
		u                    casus.User
		demoMode, requireAll bool
		want                 bool
	}{
		{"Required/sees student data", coordinator, false, false, true},
		{"Required/sees student data, in demo mode", coordinator, true, false, true},
		{"Required/demo account outside demo mode", demoCoordinator, false, false, true},
		{"Required/beheerder when asked of all", admin, false, true, true},
		{"Free/beheerder, not asked of all", admin, false, false, false},
		{"Free/demo account in demo mode", demoCoordinator, true, true, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := casus.Requires2FA(tc.u, tc.demoMode, tc.requireAll); got != tc.want {
				t.Errorf("Requires2FA = %v, want %v", got, tc.want)
			}
		})
	}
}
