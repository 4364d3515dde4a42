package casus_test

import (
	"slices"
	"testing"
	"time"

	"casus"
)

func refUser(roles ...casus.Role) casus.User { return casus.User{ID: "u", Roles: roles} }

var (
	refMentor      = refUser(casus.RoleMentor)
	refCareContact = refUser(casus.RoleCareContact)
	refCoordinator = refUser(casus.RoleCoordinator)
	refPartner     = refUser(casus.RolePartner)
	refSpecialist  = refUser(casus.RoleSpecialist)
	refManagement  = refUser(casus.RoleManagement)
	refBeheerder   = refUser(casus.RoleAdmin)
	refDisabled    = casus.User{Roles: []casus.Role{casus.RoleCoordinator}, Disabled: true}
)

func TestCanCreateReferral(t *testing.T) {
	rel := func(m, cc, co bool) casus.StudentRelations {
		return casus.StudentRelations{Exists: true, Mentor: m, CareContact: cc, Coordinator: co}
	}
	for _, c := range []struct {
		name string
		u    casus.User
		rel  casus.StudentRelations
		want casus.Relation // RelNone: denied
	}{
		{"MentorOfStudent", refMentor, rel(true, false, false), casus.RelMentor},
		{"CareContactOfGroup", refCareContact, rel(false, true, false), casus.RelCareContact},
		{"CoordinatorOfSchool", refCoordinator, rel(false, false, true), casus.RelCoordinator},
		{"ErrMentorOfOtherStudent", refMentor, rel(false, false, false), casus.RelNone},
		{"ErrCareContactOfOtherGroup", refCareContact, rel(false, false, false), casus.RelNone},
		{"ErrMentorRelationWithoutRole", refCareContact, rel(true, false, false), casus.RelNone},
		{"ErrTeamMemberPartner", refPartner, casus.StudentRelations{Exists: true, TeamMember: true, Invited: true}, casus.RelNone},
		{"ErrSpecialist", refSpecialist, casus.StudentRelations{Exists: true, TeamMember: true}, casus.RelNone},
		{"ErrManagement", refManagement, rel(true, true, true), casus.RelNone},
		{"ErrBeheerder", refBeheerder, rel(true, true, true), casus.RelNone},
		{"ErrDisabled", refDisabled, rel(false, false, true), casus.RelNone},
		{"ErrNoStudent", refCoordinator, casus.StudentRelations{Coordinator: true}, casus.RelNone},
	} {
		t.Run(c.name, func(t *testing.T) {
			a := casus.CanCreateReferral(c.u, c.rel)
			if a.Allowed != (c.want != casus.RelNone) || a.Relation != c.want {
				t.Errorf("CanCreateReferral = %+v, want relation %s", a, c.want)
			}
		})
	}
}

// refFacts builds the refFacts of a referral in a state to a team of a kind.
func refFacts(state casus.ReferralState, kind casus.TeamKind, set func(*casus.ReferralFacts)) casus.ReferralFacts {
	f := casus.ReferralFacts{Exists: true, Student: casus.StudentRelations{Exists: true}, State: state, TeamKind: kind}
	if set != nil {
		set(&f)
	}
	return f
}

var (
	refAsReferrer    = func(f *casus.ReferralFacts) { f.Referrer = true }
	refAsInbrenger   = func(f *casus.ReferralFacts) { f.Inbrenger = true }
	refAsCareContact = func(f *casus.ReferralFacts) { f.Student.CareContact = true }
	refAsChair       = func(f *casus.ReferralFacts) { f.TeamChair = true; f.Student.Coordinator = true }
	refAsMember      = func(f *casus.ReferralFacts) { f.TeamMember = true; f.Student.TeamMember = true }
	refAsMentor      = func(f *casus.ReferralFacts) { f.Student.Mentor = true }
	refAll           = func(f *casus.ReferralFacts) {
		refAsReferrer(f)
		refAsInbrenger(f)
		refAsCareContact(f)
		refAsChair(f)
		refAsMember(f)
	}
)

func TestCanReadReferral(t *testing.T) {
	for _, c := range []struct {
		name string
		u    casus.User
		f    casus.ReferralFacts
		want casus.Relation
	}{
		{"Referrer", refMentor, refFacts(casus.RefDraft, casus.TeamIntern, func(f *casus.ReferralFacts) { refAsReferrer(f); refAsMentor(f) }), casus.RelReferrer},
		{"ErrReferrerNoLongerMentor", refMentor, refFacts(casus.RefAccepted, casus.TeamIntern, refAsReferrer), casus.RelNone},
		{"Inbrenger", refCareContact, refFacts(casus.RefSubmitted, casus.TeamZAT, func(f *casus.ReferralFacts) { refAsInbrenger(f); refAsMentor(f) }), casus.RelInbrenger},
		{"ErrInbrengerWithoutTie", refCareContact, refFacts(casus.RefSubmitted, casus.TeamZAT, refAsInbrenger), casus.RelNone},
		{"CareContactOfStudent", refCareContact, refFacts(casus.RefDraft, casus.TeamIntern, refAsCareContact), casus.RelCareContact},
		{"ChairOnceSubmitted", refCoordinator, refFacts(casus.RefSubmitted, casus.TeamZAT, refAsChair), casus.RelCoordinator},
		{"ChairIsIB", refCareContact, refFacts(casus.RefPreselected, casus.TeamIntern, refAsChair), casus.RelCoordinator},
		{"ErrChairOfDraft", refCoordinator, refFacts(casus.RefDraft, casus.TeamIntern, refAsChair), casus.RelNone},
		{"FixedMemberOnceAccepted", refPartner, refFacts(casus.RefAccepted, casus.TeamZAT, refAsMember), casus.RelTeamMember},
		{"ErrFixedMemberAsMentor", refMentor, refFacts(casus.RefAccepted, casus.TeamZAT, refAsMember), casus.RelNone},
		{"ErrFixedMemberAsPrivacyOfficer", refUser(casus.RolePrivacy), refFacts(casus.RefAccepted, casus.TeamZAT, refAsMember), casus.RelNone},
		{"ErrFixedMemberBeforeAccepted", refPartner, refFacts(casus.RefPreselected, casus.TeamIntern, refAsMember), casus.RelNone},
		{"ErrMentorNotReferrer", refMentor, refFacts(casus.RefAccepted, casus.TeamIntern, refAsMentor), casus.RelNone},
		{"ErrPartnerAsReferrer", refPartner, refFacts(casus.RefSubmitted, casus.TeamIntern, refAsReferrer), casus.RelNone},
		{"ErrManagement", refManagement, refFacts(casus.RefAccepted, casus.TeamZAT, refAll), casus.RelNone},
		{"ErrBeheerder", refBeheerder, refFacts(casus.RefAccepted, casus.TeamZAT, refAll), casus.RelNone},
		{"ErrDisabled", refDisabled, refFacts(casus.RefAccepted, casus.TeamZAT, refAll), casus.RelNone},
		{"ErrMissing", refCoordinator, casus.ReferralFacts{}, casus.RelNone},
	} {
		t.Run(c.name, func(t *testing.T) {
			a := casus.CanReadReferral(c.u, c.f)
			if a.Allowed != (c.want != casus.RelNone) || a.Relation != c.want {
				t.Errorf("CanReadReferral = %+v, want relation %s", a, c.want)
			}
		})
	}
}

func TestCanEditAndSubmitReferral(t *testing.T) {
	for _, c := range []struct {
		name         string
		u            casus.User
		f            casus.ReferralFacts
		edit, submit bool
	}{
		{"MentorDraftIntern", refMentor, refFacts(casus.RefDraft, casus.TeamIntern, func(f *casus.ReferralFacts) { refAsReferrer(f); refAsMentor(f) }), true, true},
		{"MentorDraftZAT", refMentor, refFacts(casus.RefDraft, casus.TeamZAT, func(f *casus.ReferralFacts) { refAsReferrer(f); refAsMentor(f) }), true, false},
		{"CareContactDraftZAT", refCareContact, refFacts(casus.RefDraft, casus.TeamZAT, refAsCareContact), true, true},
		{"CoordinatorOwnDraft", refCoordinator, refFacts(casus.RefDraft, casus.TeamZAT, func(f *casus.ReferralFacts) { refAsReferrer(f); refAsChair(f) }), true, true},
		{"ReturnedEditable", refCareContact, refFacts(casus.RefReturned, casus.TeamIntern, refAsCareContact), true, true},
		{"ErrSubmitted", refCareContact, refFacts(casus.RefSubmitted, casus.TeamIntern, refAsCareContact), false, false},
		{"ErrAccepted", refMentor, refFacts(casus.RefAccepted, casus.TeamIntern, refAsReferrer), false, false},
		{"ErrChairNotAuthor", refCoordinator, refFacts(casus.RefReturned, casus.TeamZAT, refAsChair), false, false},
		{"ErrMentorNoLongerMentor", refMentor, refFacts(casus.RefDraft, casus.TeamIntern, refAsReferrer), false, false},
		{"ErrManagement", refManagement, refFacts(casus.RefDraft, casus.TeamIntern, refAll), false, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := casus.CanEditReferral(c.u, c.f).Allowed; got != c.edit {
				t.Errorf("CanEditReferral = %v, want %v", got, c.edit)
			}
			if got := casus.CanSubmitReferral(c.u, c.f).Allowed; got != c.submit {
				t.Errorf("CanSubmitReferral = %v, want %v", got, c.submit)
			}
		})
	}
}

func TestCanDecide(t *testing.T) {
	for _, c := range []struct {
		name string
		u    casus.User
		f    casus.ReferralFacts
		want []casus.Decision
	}{
		{"CareContactPreselectsMentorsReferral", refCareContact, refFacts(casus.RefSubmitted, casus.TeamIntern, refAsCareContact),
			[]casus.Decision{casus.DecidePreselect, casus.DecideReturn}},
		{"ChairTriagesPreselected", refCoordinator, refFacts(casus.RefPreselected, casus.TeamIntern, refAsChair),
			[]casus.Decision{casus.DecideAccept, casus.DecideReturn, casus.DecideRedirect}},
		{"ErrChairBeforePreselection", refCoordinator, refFacts(casus.RefSubmitted, casus.TeamIntern, refAsChair), nil},
		{"ChairTriagesZAT", refCoordinator, refFacts(casus.RefSubmitted, casus.TeamZAT, refAsChair),
			[]casus.Decision{casus.DecideAccept, casus.DecideReturn, casus.DecideRedirect}},
		{"IBChairsPrimaryTeam", refCareContact, refFacts(casus.RefPreselected, casus.TeamIntern, refAsChair),
			[]casus.Decision{casus.DecideAccept, casus.DecideReturn, casus.DecideRedirect}},
		{"ErrCareContactOnZAT", refCareContact, refFacts(casus.RefSubmitted, casus.TeamZAT, refAsCareContact), nil},
		{"ErrNonChairCoordinator", refCoordinator, refFacts(casus.RefPreselected, casus.TeamIntern, func(f *casus.ReferralFacts) { f.Student.Coordinator = true }), nil},
		{"ErrFixedMember", refPartner, refFacts(casus.RefSubmitted, casus.TeamZAT, refAsMember), nil},
		{"ErrDraft", refCoordinator, refFacts(casus.RefDraft, casus.TeamZAT, refAsChair), nil},
		{"ErrDecided", refCoordinator, refFacts(casus.RefAccepted, casus.TeamZAT, refAsChair), nil},
		{"ErrManagementAsChair", refManagement, refFacts(casus.RefSubmitted, casus.TeamZAT, refAsChair), nil},
		{"ErrBeheerderAsChair", refBeheerder, refFacts(casus.RefSubmitted, casus.TeamZAT, refAsChair), nil},
	} {
		t.Run(c.name, func(t *testing.T) {
			var got []casus.Decision
			for _, d := range casus.Decisions {
				if casus.CanDecide(c.u, c.f, d).Allowed {
					got = append(got, d)
				}
			}
			if !slices.Equal(got, c.want) {
				t.Errorf("decisions = %v, want %v", got, c.want)
			}
		})
	}
	if casus.CanDecide(refCoordinator, refFacts(casus.RefSubmitted, casus.TeamZAT, refAsChair), "maybe").Allowed {
		t.Error("an unknown decision is allowed")
	}
}

func TestSubmitState(t *testing.T) {
	for _, c := range []struct {
		kind casus.TeamKind
		rel  casus.Relation
		want casus.ReferralState
	}{
		{casus.TeamIntern, casus.RelMentor, casus.RefSubmitted},
		{casus.TeamIntern, casus.RelCareContact, casus.RefPreselected},
		{casus.TeamIntern, casus.RelCoordinator, casus.RefPreselected},
		{casus.TeamZAT, casus.RelCareContact, casus.RefSubmitted},
	} {
		if got := casus.SubmitState(c.kind, c.rel); got != c.want {
			t.Errorf("SubmitState(%s, %s) = %s, want %s", c.kind, c.rel, got, c.want)
		}
	}
}

func TestRequiredFields(t *testing.T) {
	zat, intern := casus.DefaultRequired(casus.TeamZAT), casus.DefaultRequired(casus.TeamIntern)
	if !slices.Equal(zat, casus.ReferralFields) {
		t.Errorf("ZAT default = %v, want every field", zat)
	}
	for _, f := range []casus.ReferralField{casus.FieldFamilyHindering, casus.FieldFamilyProtective, casus.FieldQuestionStudent, casus.FieldQuestionParents,
		casus.FieldSupportParents, casus.FieldParenting, casus.FieldAgencies, casus.FieldAssessments, casus.FieldInformed} {
		if slices.Contains(intern, f) {
			t.Errorf("intern default requires %s", f)
		}
	}
	if len(intern) != len(casus.ReferralFields)-9 {
		t.Errorf("intern default = %v", intern)
	}
	// Stored lists: unknown names dropped, the always-required parts kept.
	if got := casus.ParseRequired("needs_care, nonsense,"); !slices.Equal(got,
		[]casus.ReferralField{casus.FieldReason, casus.FieldProblemCategory, casus.FieldNeedsCare, casus.FieldQuestionSchool}) {
		t.Errorf("ParseRequired = %v", got)
	}
	if got := casus.FormatRequired(nil); got != "reason,problem_category,question_school" {
		t.Errorf("FormatRequired(nil) = %q", got)
	}
	r := casus.Referral{Text: map[casus.ReferralField]string{casus.FieldReason: " x ", casus.FieldNeedsCare: "  \n "}}
	if got := r.Missing([]casus.ReferralField{casus.FieldNeedsCare}); !slices.Equal(got,
		[]casus.ReferralField{casus.FieldProblemCategory, casus.FieldNeedsCare, casus.FieldQuestionSchool}) {
		t.Errorf("Missing = %v", got)
	}
}

// TestRequiredFor: an adult student decides for themself — no parents'
// part is required of their referral, whatever the team kind asks; a
// 17-year-old's form still asks them.
func TestRequiredFor(t *testing.T) {
	zat := casus.DefaultRequired(casus.TeamZAT)
	for _, f := range casus.ParentFields {
		if !slices.Contains(casus.RequiredFor(zat, 17), f) {
			t.Errorf("Minor/ParentsAsked: %s not required at 17", f)
		}
		if slices.Contains(casus.RequiredFor(zat, 18), f) {
			t.Errorf("Adult/NoParentsForced: %s required at 18", f)
		}
	}
	if got := casus.RequiredFor(zat, 18); len(got) != len(zat)-len(casus.ParentFields) || !slices.Contains(got, casus.FieldProblemCategory) {
		t.Errorf("RequiredFor(zat, 18) = %v", got)
	}
	if got := casus.ParseProblemCategories(" Verzuim \n\nPesten\nVerzuim\n"); !slices.Equal(got, []string{"Verzuim", "Pesten"}) {
		t.Errorf("ParseProblemCategories = %q", got)
	}
}

func TestDaysWaiting(t *testing.T) {
	at := time.Date(2026, 3, 2, 15, 0, 0, 0, time.UTC)
	r := casus.Referral{SubmittedAt: &at}
	if d := r.DaysWaiting(at.Add(71 * time.Hour)); d != 2 {
		t.Errorf("DaysWaiting = %d, want 2", d)
	}
	if d := (casus.Referral{}).DaysWaiting(at); d != 0 {
		t.Errorf("draft DaysWaiting = %d, want 0", d)
	}
}

func TestCanDecideOn(t *testing.T) {
	for _, c := range []struct {
		name string
		u    casus.User
		f    casus.ReferralFacts
		d    casus.Decision
		want casus.Relation // RelNone: denied
	}{
		{"ChairAccepts", refCoordinator, refFacts(casus.RefSubmitted, casus.TeamZAT, refAsChair), casus.DecideAccept, casus.RelCoordinator},
		{"ErrCareContactAcceptsZAT", refCareContact, refFacts(casus.RefSubmitted, casus.TeamZAT, refAsCareContact), casus.DecideAccept, casus.RelNone},
		{"ErrUnknownDecision", refCoordinator, refFacts(casus.RefSubmitted, casus.TeamZAT, refAsChair), "maybe", casus.RelNone},
		// Unreadable: judged by whether the user may decide anything.
		{"UnreadableByChair", refCoordinator, refFacts(casus.RefSubmitted, casus.TeamZAT, refAsChair), "", casus.RelCoordinator},
		{"UnreadableByCareContact", refCareContact, refFacts(casus.RefSubmitted, casus.TeamIntern, refAsCareContact), "", casus.RelCareContact},
		{"ErrUnreadableByChairBeforePreselection", refCoordinator, refFacts(casus.RefSubmitted, casus.TeamIntern, refAsChair), "", casus.RelNone},
		{"ErrUnreadableOnDecided", refCoordinator, refFacts(casus.RefAccepted, casus.TeamZAT, refAsChair), "", casus.RelNone},
		{"ErrUnreadableByMember", refPartner, refFacts(casus.RefSubmitted, casus.TeamZAT, refAsMember), "", casus.RelNone},
		{"ErrUnreadableByDisabled", refDisabled, refFacts(casus.RefSubmitted, casus.TeamZAT, refAsChair), "", casus.RelNone},
	} {
		t.Run(c.name, func(t *testing.T) {
			a := casus.CanDecideOn(c.u, c.f, c.d)
			if a.Allowed != (c.want != casus.RelNone) || a.Relation != c.want {
				t.Errorf("CanDecideOn(%q) = %+v, want relation %s", c.d, a, c.want)
			}
		})
	}
}
