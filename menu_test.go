package casus_test

import (
	"testing"

	"casus"
)

// menuUsers are the kinds of account the menu decisions are checked for.
var menuUsers = map[string]casus.User{
	"Coordinator":          decUser(casus.RoleCoordinator),
	"CareContact":          decUser(casus.RoleCareContact),
	"Mentor":               decUser(casus.RoleMentor),
	"Specialist":           decUser(casus.RoleSpecialist),
	"Partner":              decUser(casus.RolePartner),
	"MinuteTaker":          decUser(casus.RoleMinutes),
	"Management":           decUser(casus.RoleManagement),
	"Beheerder":            decUser(casus.RoleAdmin),
	"Privacy":              decUser(casus.RolePrivacy),
	"PrivacyAndManagement": decUser(casus.RolePrivacy, casus.RoleManagement),
	"PrivacyAndMentor":     decUser(casus.RolePrivacy, casus.RoleMentor),
	"BeheerderAndMentor":   decUser(casus.RoleAdmin, casus.RoleMentor),
	"NoRoles":              decUser(),
	"DisabledCoordinator":  decDisabled(casus.RoleCoordinator),
}

func TestMenuDecisions(t *testing.T) {
	type want struct{ students, referrals, rectifications bool }
	for _, tc := range []struct {
		name string
		want want
	}{
		{"Coordinator", want{true, true, true}},
		{"CareContact", want{true, true, false}},
		{"Mentor", want{true, true, false}},
		{"Specialist", want{true, true, false}},
		{"Partner", want{true, true, false}},
		{"MinuteTaker", want{true, true, false}},
		{"Management", want{false, false, false}},
		{"Beheerder", want{false, false, false}},
		{"Privacy", want{false, false, false}}, // no referrals: not a role a team member reads them in
		{"PrivacyAndManagement", want{false, false, false}},
		{"PrivacyAndMentor", want{true, true, false}},
		{"BeheerderAndMentor", want{true, true, false}},
		{"NoRoles", want{false, false, false}},
		{"DisabledCoordinator", want{false, false, false}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			u := menuUsers[tc.name]
			got := want{casus.ViewsStudents(u), casus.ReadsReferrals(u), casus.HandlesRectifications(u)}
			if got != tc.want {
				t.Errorf("got %+v, want %+v", got, tc.want)
			}
		})
	}
}

// allStudentRelations enumerates every combination of relation facts about
// an existing student.
func allStudentRelations() []casus.StudentRelations {
	var out []casus.StudentRelations
	for bits := range 1 << 6 {
		b := func(i int) bool { return bits&(1<<i) != 0 }
		out = append(out, casus.StudentRelations{Exists: true, Mentor: b(0), CareContact: b(1), Coordinator: b(2), TeamMember: b(3), Invited: b(4), ActionOwner: b(5)})
	}
	return out
}

// TestMenuAgreesWithDecisions: a menu entry is shown exactly when the
// decision that filters the page's rows can grant the user some row, over
// every combination of facts.
func TestMenuAgreesWithDecisions(t *testing.T) {
	rels := allStudentRelations()
	var facts []casus.ReferralFacts
	for _, rel := range rels {
		for bits := range 1 << 4 {
			for _, st := range casus.ReferralStates {
				for _, kind := range []casus.TeamKind{casus.TeamIntern, casus.TeamZAT} {
					b := func(i int) bool { return bits&(1<<i) != 0 }
					facts = append(facts, casus.ReferralFacts{Exists: true, Student: rel, Referrer: b(0), Inbrenger: b(1), TeamChair: b(2), TeamMember: b(3), State: st, TeamKind: kind})
				}
			}
		}
	}
	for name, u := range menuUsers {
		views, handles, reads := false, false, false
		for _, rel := range rels {
			views = views || casus.CanViewStudent(u, rel).Allowed
			handles = handles || casus.CanHandleRectification(u, rel).Allowed
		}
		for _, f := range facts {
			if casus.CanReadReferral(u, f).Allowed {
				reads = true
				break
			}
		}
		if got := casus.ViewsStudents(u); got != views {
			t.Errorf("%s: ViewsStudents = %v, CanViewStudent grants some student: %v", name, got, views)
		}
		if got := casus.ReadsReferrals(u); got != reads {
			t.Errorf("%s: ReadsReferrals = %v, CanReadReferral grants some referral: %v", name, got, reads)
		}
		if got := casus.HandlesRectifications(u); got != handles {
			t.Errorf("%s: HandlesRectifications = %v, CanHandleRectification grants some request: %v", name, got, handles)
		}
	}
}
