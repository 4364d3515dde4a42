package casus

import (
	"slices"
	"testing"
)

func careUser(roles ...Role) User { return User{ID: "u1", Roles: roles} }

func TestCanReadEntry(t *testing.T) {
	mentor := StudentRelations{Exists: true, Mentor: true}
	care := StudentRelations{Exists: true, CareContact: true}
	coord := StudentRelations{Exists: true, Coordinator: true}
	team := StudentRelations{Exists: true, TeamMember: true}
	invited := StudentRelations{Exists: true, Invited: true}
	owner := StudentRelations{Exists: true, ActionOwner: true}
	all := StudentRelations{Exists: true, Mentor: true, CareContact: true, Coordinator: true, TeamMember: true, Invited: true, ActionOwner: true}
	tests := []struct {
		name string
		u    User
		rel  StudentRelations
		want []Visibility
	}{
		{"mentor reads guidance only", careUser(RoleMentor), mentor, []Visibility{VisGuidance}},
		{"care contact reads everything", careUser(RoleCareContact), care, Visibilities},
		{"coordinator reads everything", careUser(RoleCoordinator), coord, Visibilities},
		{"team member partner reads guidance and care team", careUser(RolePartner), team, []Visibility{VisGuidance, VisCareTeam}},
		{"invited partner reads no care file (only its agenda items)", careUser(RolePartner), invited, nil},
		{"action owner reads guidance", careUser(RolePartner), owner, []Visibility{VisGuidance}},
		{"management reads nothing whatever the facts", careUser(RoleManagement), all, nil},
		{"beheerder reads nothing whatever the facts", careUser(RoleAdmin), all, nil},
		{"mentor role with a care-contact fact only reads nothing", careUser(RoleMentor), care, nil},
		{"no relation reads nothing", careUser(RoleCoordinator), StudentRelations{Exists: true}, nil},
		{"unknown student", careUser(RoleCoordinator), StudentRelations{Coordinator: true}, nil},
		{"disabled user reads nothing", User{ID: "u1", Roles: []Role{RoleCoordinator}, Disabled: true}, coord, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := ReadableVisibilities(tc.u, tc.rel); !slices.Equal(got, tc.want) {
				t.Errorf("readable %v, want %v", got, tc.want)
			}
			if CanReadEntry(tc.u, tc.rel, "everyone") {
				t.Errorf("an unknown visibility is readable")
			}
		})
	}
}

func TestCanWriteCareFile(t *testing.T) {
	tests := []struct {
		name string
		u    User
		rel  StudentRelations
		want Relation // RelNone: refused
		vis  []Visibility
	}{
		{"OK mentor", careUser(RoleMentor), StudentRelations{Exists: true, Mentor: true}, RelMentor, []Visibility{VisGuidance}},
		{"OK care contact", careUser(RoleCareContact), StudentRelations{Exists: true, CareContact: true}, RelCareContact, Visibilities},
		{"OK coordinator", careUser(RoleCoordinator), StudentRelations{Exists: true, Coordinator: true}, RelCoordinator, Visibilities},
		{"OK fixed team member", careUser(RoleSpecialist), StudentRelations{Exists: true, TeamMember: true}, RelTeamMember, []Visibility{VisGuidance, VisCareTeam}},
		{"ErrForbidden invited partner", careUser(RolePartner), StudentRelations{Exists: true, Invited: true}, RelNone, nil},
		{"ErrForbidden action owner", careUser(RoleMentor), StudentRelations{Exists: true, ActionOwner: true}, RelNone, nil},
		{"ErrForbidden mentor of another student", careUser(RoleMentor), StudentRelations{Exists: true}, RelNone, nil},
		{"ErrForbidden management", careUser(RoleManagement), StudentRelations{Exists: true, Mentor: true, Coordinator: true}, RelNone, nil},
		{"ErrForbidden beheerder", careUser(RoleAdmin), StudentRelations{Exists: true, Mentor: true, Coordinator: true}, RelNone, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			a := CanWriteCareFile(tc.u, tc.rel)
			if a.Allowed != (tc.want != RelNone) || a.Relation != tc.want {
				t.Errorf("got %+v, want relation %s", a, tc.want)
			}
			if got := WritableVisibilities(tc.u, tc.rel); !slices.Equal(got, tc.vis) {
				t.Errorf("writable %v, want %v", got, tc.vis)
			}
		})
	}
}

func TestCanCorrectEntry(t *testing.T) {
	mentorRel := StudentRelations{Exists: true, Mentor: true}
	entry := func(author string, v Visibility) CareEntry {
		return CareEntry{AuthorID: author, Current: EntryVersion{Visibility: v}}
	}
	tests := []struct {
		name string
		u    User
		rel  StudentRelations
		e    CareEntry
		want bool
	}{
		{"OK author", careUser(RoleMentor), mentorRel, entry("u1", VisGuidance), true},
		{"OK coordinator corrects anyone's", careUser(RoleCoordinator), StudentRelations{Exists: true, Coordinator: true}, entry("u2", VisConfidential), true},
		{"ErrForbidden another mentor's entry", careUser(RoleMentor), mentorRel, entry("u2", VisGuidance), false},
		{"ErrForbidden care contact, not the author", careUser(RoleCareContact), StudentRelations{Exists: true, CareContact: true}, entry("u2", VisGuidance), false},
		{"ErrForbidden author who is no longer the mentor", careUser(RoleMentor), StudentRelations{Exists: true}, entry("u1", VisGuidance), false},
		{"ErrForbidden author who may not read it any more", careUser(RoleMentor), mentorRel, entry("u1", VisCareTeam), false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := CanCorrectEntry(tc.u, tc.rel, tc.e).Allowed; got != tc.want {
				t.Errorf("got %v, want %v", got, tc.want)
			}
		})
	}
}

func TestEntryKinds(t *testing.T) {
	for _, k := range EntryKinds {
		if !k.Valid() {
			t.Errorf("%s not valid", k)
		}
	}
	if EntryKind("gossip").Valid() || Visibility("everyone").Valid() {
		t.Errorf("unknown kind or visibility accepted")
	}
}
