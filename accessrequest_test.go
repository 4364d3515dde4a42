package casus_test

import (
	"testing"
	"time"

	"casus"
)

// TestCanReviewAccessRequest: only the student's zorgcoördinator reviews a
// request for access — not the privacy officer who registered it, nor the
// care contact or mentor, whatever else they may read.
func TestCanReviewAccessRequest(t *testing.T) {
	user := func(roles ...casus.Role) casus.User { return casus.User{ID: "u", Roles: roles, SchoolID: "s"} }
	all := casus.StudentRelations{Exists: true, Mentor: true, CareContact: true, Coordinator: true, TeamMember: true, Invited: true}
	disabled := user(casus.RoleCoordinator)
	disabled.Disabled = true
	tests := []struct {
		name string
		u    casus.User
		rel  casus.StudentRelations
		ok   bool
	}{
		{"OK/Coordinator", user(casus.RoleCoordinator), casus.StudentRelations{Exists: true, Coordinator: true}, true},
		{"Denied/PrivacyOfficer", user(casus.RolePrivacy), all, false},
		{"Denied/CoordinatorOfAnotherSchool", user(casus.RoleCoordinator), casus.StudentRelations{Exists: true, TeamMember: true}, false},
		{"Denied/CareContact", user(casus.RoleCareContact), all, false},
		{"Denied/Mentor", user(casus.RoleMentor), all, false},
		{"Denied/Disabled", disabled, all, false},
		{"Denied/NoSuchStudent", user(casus.RoleCoordinator), casus.StudentRelations{Coordinator: true}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if a := casus.CanReviewAccessRequest(tt.u, tt.rel); a.Allowed != tt.ok {
				t.Errorf("allowed %v, want %v", a.Allowed, tt.ok)
			}
		})
	}
}

// TestAccessRequestScope: nothing withheld by default is released before
// the review, whatever the flags say; after it, what the coordinator chose.
func TestAccessRequestScope(t *testing.T) {
	q := casus.AccessRequest{ReleaseMeldcode: true, ReleaseConfidential: true, ReceivedOn: time.Date(2026, 1, 31, 0, 0, 0, 0, time.UTC)}
	if s := q.Scope(); s.Meldcode || s.Confidential {
		t.Errorf("scope before the review %+v, want nothing released", s)
	}
	q.ReviewedAt, q.ReleaseConfidential = time.Now(), false
	if s := q.Scope(); !s.Meldcode || s.Confidential {
		t.Errorf("scope after the review %+v, want the meldcode only", s)
	}
	if d := q.Deadline(); !d.Equal(time.Date(2026, 2, 28, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("deadline %s, want 28 February", d)
	}
}
