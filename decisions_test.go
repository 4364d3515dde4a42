package casus_test

import (
	"testing"
	"time"

	"casus"
)

// Relation facts used by the decision tables below.
var (
	factsCoordinator = casus.StudentRelations{Exists: true, Coordinator: true}
	factsCareContact = casus.StudentRelations{Exists: true, CareContact: true}
	factsMentor      = casus.StudentRelations{Exists: true, Mentor: true}
	factsTeamMember  = casus.StudentRelations{Exists: true, TeamMember: true}
	factsInvited     = casus.StudentRelations{Exists: true, Invited: true}
	factsActionOwner = casus.StudentRelations{Exists: true, ActionOwner: true}
	factsAll         = casus.StudentRelations{Exists: true, Mentor: true, CareContact: true, Coordinator: true, TeamMember: true, Invited: true, ActionOwner: true}
	factsNone        = casus.StudentRelations{Exists: true}
)

func decUser(roles ...casus.Role) casus.User { return casus.User{ID: "u", Roles: roles} }

func decDisabled(roles ...casus.Role) casus.User {
	u := decUser(roles...)
	u.Disabled = true
	return u
}

// relationRow is one row of a role × relation facts table: the relation the
// decision grants, or RelNone when it denies.
type relationRow struct {
	name string
	u    casus.User
	rel  casus.StudentRelations
	want casus.Relation
}

func checkRelationRows(t *testing.T, decision string, decide func(casus.User, casus.StudentRelations) casus.Access, rows []relationRow) {
	t.Helper()
	for _, tc := range rows {
		t.Run(decision+"/"+tc.name, func(t *testing.T) {
			a := decide(tc.u, tc.rel)
			if a.Relation != tc.want || a.Allowed != (tc.want != casus.RelNone) {
				t.Errorf("%s = %+v, want relation %s", decision, a, tc.want)
			}
		})
	}
}

// TestCoordinatorOrCareContactDecisions: the decisions that grant the
// zorgcoördinator of the school and the student's care contact, nobody else.
func TestCoordinatorOrCareContactDecisions(t *testing.T) {
	rows := []relationRow{
		{"OK/Coordinator", decUser(casus.RoleCoordinator), factsCoordinator, casus.RelCoordinator},
		{"OK/CoordinatorClosestWins", decUser(casus.RoleCoordinator, casus.RoleCareContact), factsAll, casus.RelCoordinator},
		{"OK/CareContact", decUser(casus.RoleCareContact), factsCareContact, casus.RelCareContact},
		{"OK/CareContactInTeamToo", decUser(casus.RoleCareContact), factsAll, casus.RelCareContact},
		{"Denied/Mentor", decUser(casus.RoleMentor), factsMentor, casus.RelNone},
		{"Denied/CoordinatorOnlyInTeam", decUser(casus.RoleCoordinator), factsTeamMember, casus.RelNone},
		{"Denied/PartnerInTeam", decUser(casus.RolePartner), factsTeamMember, casus.RelNone},
		{"Denied/SpecialistActionOwner", decUser(casus.RoleSpecialist), factsActionOwner, casus.RelNone},
		{"Denied/CareContactRoleWithCoordinatorFact", decUser(casus.RoleCareContact), factsCoordinator, casus.RelNone},
		{"Denied/Management", decUser(casus.RoleManagement), factsAll, casus.RelNone},
		{"Denied/Beheerder", decUser(casus.RoleAdmin), factsAll, casus.RelNone},
		{"Denied/Disabled", decDisabled(casus.RoleCoordinator), factsAll, casus.RelNone},
		{"Denied/NoSuchStudent", decUser(casus.RoleCoordinator), casus.StudentRelations{Coordinator: true}, casus.RelNone},
	}
	for name, decide := range map[string]func(casus.User, casus.StudentRelations) casus.Access{
		"CanRecordCrisis":    casus.CanRecordCrisis,
		"CanCreateAction":    casus.CanCreateAction,
		"CanWriteAdvice":     casus.CanWriteAdvice,
		"CanManageConsent":   casus.CanManageConsent,
		"CanReadCaseHistory": casus.CanReadCaseHistory,
	} {
		checkRelationRows(t, name, decide, rows)
	}
}

// TestCoordinatorOnlyDecisions: the decisions that grant the zorgcoördinator
// of a team serving the school only.
func TestCoordinatorOnlyDecisions(t *testing.T) {
	rows := []relationRow{
		{"OK/Coordinator", decUser(casus.RoleCoordinator), factsCoordinator, casus.RelCoordinator},
		{"OK/CoordinatorAll", decUser(casus.RoleCoordinator), factsAll, casus.RelCoordinator},
		{"Denied/CareContact", decUser(casus.RoleCareContact), factsCareContact, casus.RelNone},
		{"Denied/CoordinatorAsCareContact", decUser(casus.RoleCoordinator, casus.RoleCareContact), factsCareContact, casus.RelNone},
		{"Denied/CoordinatorOnlyInTeam", decUser(casus.RoleCoordinator), factsTeamMember, casus.RelNone},
		{"Denied/Mentor", decUser(casus.RoleMentor), factsMentor, casus.RelNone},
		{"Denied/Partner", decUser(casus.RolePartner), factsAll, casus.RelNone},
		{"Denied/Management", decUser(casus.RoleManagement), factsAll, casus.RelNone},
		{"Denied/Disabled", decDisabled(casus.RoleCoordinator), factsAll, casus.RelNone},
	}
	for name, decide := range map[string]func(casus.User, casus.StudentRelations) casus.Access{
		"CanCloseCase":       casus.CanCloseCase,
		"CanManageRetention": casus.CanManageRetention,
		"CanManageMeldcode":  casus.CanManageMeldcode,
	} {
		checkRelationRows(t, name, decide, rows)
	}
}

func TestCanReadAdvice(t *testing.T) {
	checkRelationRows(t, "CanReadAdvice", casus.CanReadAdvice, []relationRow{
		{"OK/Coordinator", decUser(casus.RoleCoordinator), factsCoordinator, casus.RelCoordinator},
		{"OK/CareContact", decUser(casus.RoleCareContact), factsCareContact, casus.RelCareContact},
		{"OK/Mentor", decUser(casus.RoleMentor), factsMentor, casus.RelMentor},
		{"OK/PartnerInTeam", decUser(casus.RolePartner), factsTeamMember, casus.RelTeamMember},
		{"OK/SpecialistInTeam", decUser(casus.RoleSpecialist), factsTeamMember, casus.RelTeamMember},
		{"Denied/PartnerInvited", decUser(casus.RolePartner), factsInvited, casus.RelNone},
		{"Denied/PartnerActionOwner", decUser(casus.RolePartner), factsActionOwner, casus.RelNone},
		{"Denied/PartnerNoRelation", decUser(casus.RolePartner), factsNone, casus.RelNone},
		{"Denied/Management", decUser(casus.RoleManagement), factsAll, casus.RelNone},
		{"Denied/Disabled", decDisabled(casus.RoleMentor), factsMentor, casus.RelNone},
	})
}

func TestCanUpdateAction(t *testing.T) {
	own := casus.Action{OwnerID: "u"}
	other := casus.Action{OwnerID: "someone else"}
	for _, tc := range []struct {
		name string
		u    casus.User
		a    casus.Action
		rel  casus.StudentRelations
		want casus.Relation
	}{
		{"OK/CoordinatorAnyAction", decUser(casus.RoleCoordinator), other, factsCoordinator, casus.RelCoordinator},
		{"OK/OwnerPartnerActionOwner", decUser(casus.RolePartner), own, factsActionOwner, casus.RelActionOwner},
		{"OK/OwnerMentor", decUser(casus.RoleMentor), own, factsMentor, casus.RelMentor},
		{"OK/OwnerCareContact", decUser(casus.RoleCareContact), own, factsCareContact, casus.RelCareContact},
		{"Denied/CareContactNotOwner", decUser(casus.RoleCareContact), other, factsCareContact, casus.RelNone},
		{"Denied/PartnerNotOwner", decUser(casus.RolePartner), other, factsTeamMember, casus.RelNone},
		{"Denied/OwnerWithoutRelation", decUser(casus.RolePartner), own, factsNone, casus.RelNone},
		{"Denied/OwnerManagement", decUser(casus.RoleManagement), own, factsAll, casus.RelNone},
		{"Denied/DisabledOwner", decDisabled(casus.RoleMentor), own, factsMentor, casus.RelNone},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a := casus.CanUpdateAction(tc.u, tc.a, tc.rel)
			if a.Relation != tc.want || a.Allowed != (tc.want != casus.RelNone) {
				t.Errorf("CanUpdateAction = %+v, want relation %s", a, tc.want)
			}
		})
	}
}

func TestCanReadEntryOf(t *testing.T) {
	entry := func(v casus.Visibility) casus.CareEntry {
		return casus.CareEntry{Current: casus.EntryVersion{Visibility: v}}
	}
	for _, tc := range []struct {
		name string
		u    casus.User
		rel  casus.StudentRelations
		vis  casus.Visibility
		want casus.Relation
	}{
		{"OK/MentorGuidance", decUser(casus.RoleMentor), factsMentor, casus.VisGuidance, casus.RelMentor},
		{"OK/PartnerActionOwnerGuidance", decUser(casus.RolePartner), factsActionOwner, casus.VisGuidance, casus.RelActionOwner},
		{"OK/PartnerInTeamCareTeam", decUser(casus.RolePartner), factsTeamMember, casus.VisCareTeam, casus.RelTeamMember},
		{"OK/CareContactConfidential", decUser(casus.RoleCareContact), factsCareContact, casus.VisConfidential, casus.RelCareContact},
		{"OK/CoordinatorConfidential", decUser(casus.RoleCoordinator), factsCoordinator, casus.VisConfidential, casus.RelCoordinator},
		{"Denied/MentorCareTeam", decUser(casus.RoleMentor), factsMentor, casus.VisCareTeam, casus.RelNone},
		{"Denied/PartnerInTeamConfidential", decUser(casus.RolePartner), factsTeamMember, casus.VisConfidential, casus.RelNone},
		{"Denied/PartnerInvitedGuidance", decUser(casus.RolePartner), factsInvited, casus.VisGuidance, casus.RelNone},
		{"Denied/Management", decUser(casus.RoleManagement), factsAll, casus.VisGuidance, casus.RelNone},
		{"Denied/UnknownVisibility", decUser(casus.RoleCoordinator), factsCoordinator, "everyone", casus.RelNone},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a := casus.CanReadEntryOf(tc.u, tc.rel, entry(tc.vis))
			if a.Relation != tc.want || a.Allowed != (tc.want != casus.RelNone) {
				t.Errorf("CanReadEntryOf = %+v, want relation %s", a, tc.want)
			}
			v := casus.EntryVersion{Visibility: tc.vis}
			if got := casus.VersionVisible(tc.u, tc.rel, v); got != (tc.want != casus.RelNone) {
				t.Errorf("VersionVisible = %v, want %v", got, tc.want != casus.RelNone)
			}
		})
	}
}

func TestCanReadAccessLog(t *testing.T) {
	privacy := func(school string) casus.User {
		u := decUser(casus.RolePrivacy)
		u.SchoolID = school
		return u
	}
	for _, tc := range []struct {
		name string
		u    casus.User
		rel  casus.StudentRelations
		want casus.Relation
	}{
		{"OK/Coordinator", decUser(casus.RoleCoordinator), factsCoordinator, casus.RelCoordinator},
		{"OK/PrivacyOfficerOfSchool", privacy("s1"), factsNone, casus.RelPrivacyOfficer},
		{"Denied/PrivacyOfficerOtherSchool", privacy("s2"), factsNone, casus.RelNone},
		{"Denied/PrivacyOfficerWithoutSchool", privacy(""), factsNone, casus.RelNone},
		{"Denied/CareContact", decUser(casus.RoleCareContact), factsCareContact, casus.RelNone},
		{"Denied/CoordinatorNotServingSchool", decUser(casus.RoleCoordinator), factsTeamMember, casus.RelNone},
		{"Denied/Mentor", decUser(casus.RoleMentor), factsAll, casus.RelNone},
		{"Denied/Disabled", decDisabled(casus.RoleCoordinator), factsCoordinator, casus.RelNone},
		{"Denied/NoSuchStudent", privacy("s1"), casus.StudentRelations{}, casus.RelNone},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a := casus.CanReadAccessLog(tc.u, tc.rel, "s1")
			if a.Relation != tc.want || a.Allowed != (tc.want != casus.RelNone) {
				t.Errorf("CanReadAccessLog = %+v, want relation %s", a, tc.want)
			}
		})
	}
}

func TestCanEscalate(t *testing.T) {
	chairOf := func(kind casus.TeamKind, state casus.ReferralState) casus.ReferralFacts {
		return casus.ReferralFacts{Exists: true, TeamChair: true, TeamKind: kind, State: state}
	}
	for _, tc := range []struct {
		name string
		u    casus.User
		f    casus.ReferralFacts
		want casus.Relation
	}{
		{"OK/CoordinatorChair", decUser(casus.RoleCoordinator), chairOf(casus.TeamIntern, casus.RefAccepted), casus.RelCoordinator},
		{"OK/IBerChair", decUser(casus.RoleCareContact), chairOf(casus.TeamIntern, casus.RefAccepted), casus.RelCoordinator},
		{"Denied/NotAccepted", decUser(casus.RoleCoordinator), chairOf(casus.TeamIntern, casus.RefPreselected), casus.RelNone},
		{"Denied/ZATReferral", decUser(casus.RoleCoordinator), chairOf(casus.TeamZAT, casus.RefAccepted), casus.RelNone},
		{"Denied/NotChair", decUser(casus.RoleCoordinator), casus.ReferralFacts{Exists: true, TeamMember: true, TeamKind: casus.TeamIntern, State: casus.RefAccepted}, casus.RelNone},
		{"Denied/PartnerChair", decUser(casus.RolePartner), chairOf(casus.TeamIntern, casus.RefAccepted), casus.RelNone},
		{"Denied/Disabled", decDisabled(casus.RoleCoordinator), chairOf(casus.TeamIntern, casus.RefAccepted), casus.RelNone},
		{"Denied/NoSuchReferral", decUser(casus.RoleCoordinator), casus.ReferralFacts{TeamChair: true, TeamKind: casus.TeamIntern, State: casus.RefAccepted}, casus.RelNone},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a := casus.CanEscalate(tc.u, tc.f)
			if a.Relation != tc.want || a.Allowed != (tc.want != casus.RelNone) {
				t.Errorf("CanEscalate = %+v, want relation %s", a, tc.want)
			}
		})
	}
}

func TestTeamRoleDecisions(t *testing.T) {
	member := func(id string, chair, minutes bool) casus.TeamMember {
		return casus.TeamMember{User: casus.User{ID: id}, Kind: casus.MemberFixed, Chair: chair, MinuteTaker: minutes}
	}
	team := []casus.TeamMember{member("chair", true, false), member("minutes", false, true), member("member", false, false)}
	disabledChair := casus.User{ID: "chair", Disabled: true}
	for _, tc := range []struct {
		name                 string
		u                    casus.User
		members              []casus.TeamMember
		wantWrite, wantPlans bool
	}{
		{"Chair", casus.User{ID: "chair"}, team, true, true},
		{"MinuteTaker", casus.User{ID: "minutes"}, team, true, false},
		{"Member", casus.User{ID: "member"}, team, false, false},
		{"Outsider", casus.User{ID: "other"}, team, false, false},
		{"DisabledChair", disabledChair, team, false, false},
		{"NoMembers", casus.User{ID: "chair"}, nil, false, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := casus.CanWriteDiscussion(tc.u, tc.members); got != tc.wantWrite {
				t.Errorf("CanWriteDiscussion = %v, want %v", got, tc.wantWrite)
			}
			if got := casus.CanPlanMeetings(tc.u, tc.members); got != tc.wantPlans {
				t.Errorf("CanPlanMeetings = %v, want %v", got, tc.wantPlans)
			}
		})
	}
}

func TestCanReadDiscussion(t *testing.T) {
	members := []casus.TeamMember{{User: casus.User{ID: "u"}}}
	for _, tc := range []struct {
		name    string
		u       casus.User
		members []casus.TeamMember
		rel     casus.StudentRelations
		want    casus.Relation
	}{
		{"OK/PartnerMemberInTeam", decUser(casus.RolePartner), members, factsTeamMember, casus.RelTeamMember},
		{"OK/PartnerMemberInvited", decUser(casus.RolePartner), members, factsInvited, casus.RelInvited},
		{"OK/CoordinatorMember", decUser(casus.RoleCoordinator), members, factsCoordinator, casus.RelCoordinator},
		{"Denied/CoordinatorNotMember", decUser(casus.RoleCoordinator), nil, factsCoordinator, casus.RelNone},
		{"Denied/MemberWithoutRelation", decUser(casus.RolePartner), members, factsNone, casus.RelNone},
		{"Denied/ManagementMember", decUser(casus.RoleManagement), members, factsAll, casus.RelNone},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a := casus.CanReadDiscussion(tc.u, tc.rel, tc.members)
			if a.Relation != tc.want || a.Allowed != (tc.want != casus.RelNone) {
				t.Errorf("CanReadDiscussion = %+v, want relation %s", a, tc.want)
			}
		})
	}
}

func TestCanReviseDocument(t *testing.T) {
	coord := decUser(casus.RoleCoordinator)
	coord.SchoolID = "s1"
	for _, tc := range []struct {
		name    string
		u       casus.User
		d       casus.Document
		chaired []string
		want    bool
	}{
		{"OK/Owner", decUser(casus.RoleMentor), casus.Document{OwnerID: "u", TeamID: "t"}, nil, true},
		{"OK/ChairOfTeam", coord, casus.Document{OwnerID: "x", TeamID: "t"}, []string{"t"}, true},
		{"OK/CoordinatorOfSchool", coord, casus.Document{OwnerID: "x", SchoolID: "s1"}, nil, true},
		{"Denied/CoordinatorOtherTeam", coord, casus.Document{OwnerID: "x", TeamID: "t"}, []string{"t2"}, false},
		{"Denied/CoordinatorOtherSchool", coord, casus.Document{OwnerID: "x", SchoolID: "s2"}, nil, false},
		{"Denied/ChairedButNotCoordinator", decUser(casus.RoleCareContact), casus.Document{OwnerID: "x", TeamID: "t"}, []string{"t"}, false},
		{"Denied/Superseded", decUser(casus.RoleMentor), casus.Document{OwnerID: "u", SupersededBy: "d2"}, nil, false},
		{"Denied/DisabledOwner", decDisabled(casus.RoleMentor), casus.Document{OwnerID: "u"}, nil, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := casus.CanReviseDocument(tc.u, tc.d, tc.chaired); got != tc.want {
				t.Errorf("CanReviseDocument = %v, want %v", got, tc.want)
			}
		})
	}
}

// TestRoleDecisions: the decisions that rest on roles alone, one row per
// kind of account.
func TestRoleDecisions(t *testing.T) {
	type want struct {
		manageHandbook, handleComplaints, complaintFigures, readsLogs, onlyPrivacy, partner, mayBeNamed bool
	}
	for _, tc := range []struct {
		name string
		u    casus.User
		want want
	}{
		{"Coordinator", decUser(casus.RoleCoordinator), want{true, true, true, true, false, false, true}},
		{"CareContact", decUser(casus.RoleCareContact), want{false, false, false, false, false, false, true}},
		{"Mentor", decUser(casus.RoleMentor), want{false, false, false, false, false, false, true}},
		{"Specialist", decUser(casus.RoleSpecialist), want{false, false, false, false, false, false, true}},
		{"Partner", decUser(casus.RolePartner), want{false, false, false, false, false, true, true}},
		{"MinuteTaker", decUser(casus.RoleMinutes), want{false, false, false, false, false, false, true}},
		{"Management", decUser(casus.RoleManagement), want{false, false, true, false, false, false, false}},
		{"ManagementAndMentor", decUser(casus.RoleManagement, casus.RoleMentor), want{false, false, true, false, false, false, false}},
		{"Beheerder", decUser(casus.RoleAdmin), want{false, false, false, false, false, false, false}},
		{"Privacy", decUser(casus.RolePrivacy), want{false, false, false, true, true, false, false}},
		{"PrivacyAndMentor", decUser(casus.RolePrivacy, casus.RoleMentor), want{false, false, false, true, false, false, true}},
		{"NoRoles", decUser(), want{false, false, false, false, false, false, false}},
		{"DisabledCoordinator", decDisabled(casus.RoleCoordinator), want{false, false, false, false, false, false, false}},
		{"DisabledPrivacy", decDisabled(casus.RolePrivacy), want{false, false, false, false, true, false, false}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := want{
				casus.CanManageHandbook(tc.u), casus.CanHandleComplaints(tc.u), casus.CanSeeComplaintFigures(tc.u),
				casus.ReadsAccessLogs(tc.u), casus.OnlyPrivacy(tc.u), casus.IsPartner(tc.u), casus.MayBeNamed(tc.u),
			}
			if got != tc.want {
				t.Errorf("got %+v, want %+v", got, tc.want)
			}
		})
	}
}

func TestRectificationTerm(t *testing.T) {
	day := func(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }
	open := casus.RectificationRequest{Status: casus.RectificationOpen, ReceivedOn: day(2026, 1, 31)}
	extended := open
	extended.ExtendedOn = day(2026, 2, 10)
	informed := open
	informed.InformedOn = day(2026, 2, 1)
	for _, tc := range []struct {
		name               string
		r                  casus.RectificationRequest
		today              time.Time
		deadline           time.Time
		canExtend, overdue bool
		daysLeft           int
	}{
		{"OpenInFirstMonth", open, day(2026, 2, 20), day(2026, 2, 28), true, false, 8},
		{"OpenOnLastDay", open, day(2026, 2, 28), day(2026, 2, 28), true, false, 0},
		{"OpenPastFirstMonth", open, day(2026, 3, 2), day(2026, 2, 28), false, true, -2},
		{"Extended", extended, day(2026, 3, 2), day(2026, 4, 30), false, false, 59},
		{"ExtendedPast", extended, day(2026, 5, 1), day(2026, 4, 30), false, true, -1},
		{"InformedNeverOverdue", informed, day(2026, 6, 1), day(2026, 2, 28), false, false, -93},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.r.Deadline(); !got.Equal(tc.deadline) {
				t.Errorf("Deadline = %v, want %v", got, tc.deadline)
			}
			if got := tc.r.CanExtend(tc.today); got != tc.canExtend {
				t.Errorf("CanExtend = %v, want %v", got, tc.canExtend)
			}
			if got := tc.r.Overdue(tc.today); got != tc.overdue {
				t.Errorf("Overdue = %v, want %v", got, tc.overdue)
			}
			if got := tc.r.DaysLeft(tc.today); got != tc.daysLeft {
				t.Errorf("DaysLeft = %d, want %d", got, tc.daysLeft)
			}
		})
	}
	if !informed.Informed() || open.Informed() {
		t.Error("Informed wrong")
	}
	granted := open
	granted.Status = casus.RectificationGranted
	if granted.CanExtend(day(2026, 2, 1)) {
		t.Error("a decided request can be extended")
	}
}
