package casus_test

import (
	"testing"

	"casus"
)

// TestRectificationPolicy: requests are the zorgcoördinator's; the family's
// own word is entered by the people who talk with them — coordinator, care
// contact, the student's own mentor — on entries they read, and withdrawn
// by the coordinator or whoever entered it.
func TestRectificationPolicy(t *testing.T) {
	user := func(id string, roles ...casus.Role) casus.User { return casus.User{ID: id, Roles: roles} }
	rel := func(f func(r *casus.StudentRelations)) casus.StudentRelations {
		r := casus.StudentRelations{Exists: true}
		f(&r)
		return r
	}
	coordRel := rel(func(r *casus.StudentRelations) { r.Coordinator = true })
	careRel := rel(func(r *casus.StudentRelations) { r.CareContact = true })
	mentorRel := rel(func(r *casus.StudentRelations) { r.Mentor = true })
	teamRel := rel(func(r *casus.StudentRelations) { r.TeamMember = true })
	all := casus.StudentRelations{Exists: true, Mentor: true, CareContact: true, Coordinator: true, TeamMember: true, Invited: true, ActionOwner: true}
	guidance := casus.CareEntry{Current: casus.EntryVersion{Visibility: casus.VisGuidance}}
	team := casus.CareEntry{Current: casus.EntryVersion{Visibility: casus.VisCareTeam}}
	word := casus.OwnWord{RecordedBy: "mentor"}
	tests := []struct {
		name                    string
		u                       casus.User
		rel                     casus.StudentRelations
		e                       casus.CareEntry
		handle, record, withdrw bool
	}{
		{"OK/Coordinator", user("coord", casus.RoleCoordinator), coordRel, team, true, true, true},
		{"OK/CareContactRecordsNotHandles", user("cc", casus.RoleCareContact), careRel, team, false, true, false},
		{"OK/MentorWhoEnteredIt", user("mentor", casus.RoleMentor), mentorRel, guidance, false, true, true},
		{"Denied/MentorCareTeamEntry", user("mentor", casus.RoleMentor), mentorRel, team, false, false, false},
		{"Denied/OtherMentorNotTheirStudent", user("m2", casus.RoleMentor), careRel, guidance, false, false, false},
		{"Denied/TeamMemberPartner", user("ggd", casus.RolePartner), teamRel, guidance, false, false, false},
		{"Denied/ManagementWhateverRelations", user("mgmt", casus.RoleManagement), all, guidance, false, false, false},
		{"Denied/BeheerderWhateverRelations", user("admin", casus.RoleAdmin), all, guidance, false, false, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := casus.CanHandleRectification(tc.u, tc.rel).Allowed; got != tc.handle {
				t.Errorf("handle requests: %v, want %v", got, tc.handle)
			}
			if got := casus.CanRecordOwnWord(tc.u, tc.rel, tc.e).Allowed; got != tc.record {
				t.Errorf("record own word: %v, want %v", got, tc.record)
			}
			if got := casus.CanWithdrawOwnWord(tc.u, tc.rel, tc.e, word).Allowed; got != tc.withdrw {
				t.Errorf("withdraw own word: %v, want %v", got, tc.withdrw)
			}
		})
	}
}
