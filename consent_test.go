package casus_test

import (
	"errors"
	"slices"
	"testing"
	"time"

	"casus"
)

func TestDefaultConsentRule(t *testing.T) {
	today := time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC)
	born := func(years int) casus.Student {
		return casus.Student{DateOfBirth: today.AddDate(-years, 0, 0), Sector: casus.SectorMBO}
	}
	tests := []struct {
		name     string
		student  casus.Student
		required []casus.ConsentGiver
		alsoAsk  []casus.ConsentGiver
	}{
		{"OK/Daan9Guardians", born(9), []casus.ConsentGiver{casus.GiverGuardian}, nil},
		{"OK/14GuardiansAndAskStudent", born(14), []casus.ConsentGiver{casus.GiverGuardian}, []casus.ConsentGiver{casus.GiverStudent}},
		{"OK/15Tomorrow16StillGuardians", casus.Student{DateOfBirth: today.AddDate(-16, 0, 1)}, []casus.ConsentGiver{casus.GiverGuardian}, []casus.ConsentGiver{casus.GiverStudent}},
		{"OK/16TodayOwn", born(16), []casus.ConsentGiver{casus.GiverStudent}, nil},
		{"OK/Lotte17MboOwn", born(17), []casus.ConsentGiver{casus.GiverStudent}, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := casus.DefaultConsentRule(tc.student, today)
			if !slices.Equal(got.Required, tc.required) || !slices.Equal(got.AlsoAsk, tc.alsoAsk) {
				t.Errorf("rule = %+v, want required %v also ask %v", got, tc.required, tc.alsoAsk)
			}
		})
	}
}

func TestNamedFor(t *testing.T) {
	day := func(d int) time.Time { return time.Date(2026, 9, d, 10, 0, 0, 0, time.UTC) }
	ptr := func(t time.Time) *time.Time { return &t }
	own := casus.ConsentRule{Required: []casus.ConsentGiver{casus.GiverStudent}}
	parents := casus.ConsentRule{Required: []casus.ConsentGiver{casus.GiverGuardian}}
	// Lotte's consent: social work, youth care agency and GGZ; not the police.
	lotte := casus.Consent{Giver: casus.GiverStudent, Mode: casus.ConsentGiven, GivenAt: day(1),
		Scope: []casus.Discipline{casus.DiscSMW, casus.DiscBJZ, casus.DiscGGZ}}
	with := func(f func(c *casus.Consent)) casus.Consent { c := lotte; f(&c); return c }
	tests := []struct {
		name     string
		d        casus.Discipline
		rule     casus.ConsentRule
		consents []casus.Consent
		exc      *casus.ConsentException
		at       time.Time
		want     bool
	}{
		{"OK/InScope", casus.DiscGGZ, own, []casus.Consent{lotte}, nil, day(5), true},
		{"OK/Assent", casus.DiscSMW, own, []casus.Consent{with(func(c *casus.Consent) { c.Mode = casus.ConsentAssent })}, nil, day(5), true},
		{"Anonymous/PoliceOutOfScope", casus.DiscPolitie, own, []casus.Consent{lotte}, nil, day(5), false},
		{"Anonymous/NoConsent", casus.DiscGGZ, own, nil, nil, day(5), false},
		{"Anonymous/BeforeGiven", casus.DiscGGZ, own, []casus.Consent{lotte}, nil, day(1).Add(-time.Hour), false},
		{"Anonymous/ModeAnonymous", casus.DiscGGZ, own, []casus.Consent{with(func(c *casus.Consent) { c.Mode = casus.ConsentAnonymous })}, nil, day(5), false},
		{"Anonymous/WithdrawnAtOnce", casus.DiscGGZ, own, []casus.Consent{with(func(c *casus.Consent) { c.Withdrawn = ptr(day(5)) })}, nil, day(5), false},
		{"OK/BeforeWithdrawal", casus.DiscGGZ, own, []casus.Consent{with(func(c *casus.Consent) { c.Withdrawn = ptr(day(5)) })}, nil, day(4), true},
		{"Anonymous/Expired", casus.DiscGGZ, own, []casus.Consent{with(func(c *casus.Consent) { c.ExpiresAt = ptr(day(3)) })}, nil, day(3), false},
		{"Anonymous/RefusedAfterYes", casus.DiscGGZ, own, []casus.Consent{lotte,
			with(func(c *casus.Consent) { c.Refused, c.GivenAt = true, day(3) })}, nil, day(5), false},
		{"OK/YesAfterRefusal", casus.DiscGGZ, own, []casus.Consent{with(func(c *casus.Consent) { c.Refused = true }),
			with(func(c *casus.Consent) { c.GivenAt = day(3) })}, nil, day(5), true},
		{"Anonymous/WrongGiver", casus.DiscGGZ, parents, []casus.Consent{lotte}, nil, day(5), false},
		{"Anonymous/EmptyRule", casus.DiscGGZ, casus.ConsentRule{}, []casus.Consent{lotte}, nil, day(5), false},
		{"OK/Exception", casus.DiscPolitie, parents, nil, &casus.ConsentException{Reason: "acute veiligheid", DecidedBy: "x", At: day(2)}, day(5), true},
		{"Anonymous/ExceptionLater", casus.DiscPolitie, parents, nil, &casus.ConsentException{Reason: "acute veiligheid", DecidedBy: "x", At: day(6)}, day(5), false},
		{"Anonymous/ExceptionEnded", casus.DiscPolitie, parents, nil, &casus.ConsentException{Reason: "acute veiligheid", DecidedBy: "x", At: day(2), Ended: ptr(day(4))}, day(5), false},
		{"OK/ExceptionBeforeItsEnd", casus.DiscPolitie, parents, nil, &casus.ConsentException{Reason: "acute veiligheid", DecidedBy: "x", At: day(2), Ended: ptr(day(6))}, day(5), true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := casus.NamedFor(tc.d, tc.rule, tc.consents, tc.exc, tc.at); got != tc.want {
				t.Errorf("NamedFor(%s) = %v, want %v", tc.d, got, tc.want)
			}
		})
	}
}

func TestSeesIdentity(t *testing.T) {
	now := time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)
	lotte := casus.Student{DateOfBirth: now.AddDate(-17, -2, 0)}
	ggz := casus.User{Roles: []casus.Role{casus.RolePartner}, Discipline: casus.DiscGGZ}
	police := casus.User{Roles: []casus.Role{casus.RolePartner}, Discipline: casus.DiscPolitie}
	specialist := casus.User{Roles: []casus.Role{casus.RoleSpecialist}, Discipline: casus.DiscSpecialist}
	given := casus.Consent{Giver: casus.GiverStudent, Mode: casus.ConsentGiven, GivenAt: now.AddDate(0, 0, -7),
		Scope: []casus.Discipline{casus.DiscSMW, casus.DiscBJZ, casus.DiscGGZ}}
	withdrawn := given
	w := now.Add(-time.Minute)
	withdrawn.Withdrawn = &w
	zat := func(cs ...casus.Consent) casus.CaseConsent {
		return casus.CaseConsent{Kind: casus.TeamZAT, Consents: cs}
	}
	tests := []struct {
		name  string
		u     casus.User
		rel   casus.Relation
		cases []casus.CaseConsent
		want  bool
	}{
		{"Named/PartnerInScope", ggz, casus.RelTeamMember, []casus.CaseConsent{zat(given)}, true},
		{"Anonymous/PartnerOutOfScope", police, casus.RelInvited, []casus.CaseConsent{zat(given)}, false},
		{"Anonymous/Withdrawn", ggz, casus.RelTeamMember, []casus.CaseConsent{zat(withdrawn)}, false},
		{"Anonymous/NoConsent", ggz, casus.RelTeamMember, []casus.CaseConsent{zat()}, false},
		{"Named/InternTeamMemberNeedsNoConsent", ggz, casus.RelTeamMember, []casus.CaseConsent{zat(), {Kind: casus.TeamIntern, Member: true}}, true},
		{"Anonymous/InvitedToInternTeam", police, casus.RelInvited, []casus.CaseConsent{{Kind: casus.TeamIntern}}, false},
		{"Named/Exception", police, casus.RelInvited, []casus.CaseConsent{{Kind: casus.TeamZAT,
			Exception: &casus.ConsentException{Reason: "acute veiligheid", At: now.AddDate(0, 0, -1)}}}, true},
		{"Named/SchoolStaff", specialist, casus.RelTeamMember, []casus.CaseConsent{zat()}, true},
		{"Named/PartnerAsCoordinatorRelation", ggz, casus.RelCoordinator, nil, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := casus.SeesIdentity(tc.u, tc.rel, lotte, tc.cases, now); got != tc.want {
				t.Errorf("SeesIdentity = %v, want %v", got, tc.want)
			}
		})
	}
}

// TestIdentityGrounds: the basis the access log records for who the student
// is, with the decision it rests on.
func TestIdentityGrounds(t *testing.T) {
	now := time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)
	lotte := casus.Student{DateOfBirth: now.AddDate(-17, -2, 0)}
	ggz := casus.User{Roles: []casus.Role{casus.RolePartner}, Discipline: casus.DiscGGZ}
	police := casus.User{Roles: []casus.Role{casus.RolePartner}, Discipline: casus.DiscPolitie}
	mentor := casus.User{Roles: []casus.Role{casus.RoleMentor}, Discipline: casus.DiscTeacher}
	given := casus.Consent{ID: "consent-1", Giver: casus.GiverStudent, Mode: casus.ConsentGiven, GivenAt: now.AddDate(0, 0, -7),
		Scope: []casus.Discipline{casus.DiscGGZ}}
	exc := &casus.ConsentException{ID: "exception-1", Reason: "acute veiligheid", At: now.AddDate(0, 0, -1)}
	ended := &casus.ConsentException{ID: "exception-0", Reason: "acute veiligheid", At: now.AddDate(0, 0, -9)}
	e := now.AddDate(0, 0, -2)
	ended.Ended = &e
	tests := []struct {
		name  string
		u     casus.User
		rel   casus.Relation
		cases []casus.CaseConsent
		want  casus.Grounds
	}{
		{"Team/SchoolStaff", mentor, casus.RelMentor, nil, casus.Grounds{Basis: casus.BasisTeam}},
		{"Team/InternTeamMember", ggz, casus.RelTeamMember, []casus.CaseConsent{{Kind: casus.TeamIntern, Member: true}},
			casus.Grounds{Basis: casus.BasisTeam}},
		{"Consent/WithTheDecision", ggz, casus.RelTeamMember, []casus.CaseConsent{{Kind: casus.TeamZAT, Consents: []casus.Consent{given}}},
			casus.Grounds{Basis: casus.BasisConsent, Ref: "consent-1"}},
		{"Consent/BeforeAnException", ggz, casus.RelTeamMember, []casus.CaseConsent{{Kind: casus.TeamZAT, Exception: exc},
			{Kind: casus.TeamZAT, Consents: []casus.Consent{given}}}, casus.Grounds{Basis: casus.BasisConsent, Ref: "consent-1"}},
		{"Exception/WithItsID", police, casus.RelInvited, []casus.CaseConsent{{Kind: casus.TeamZAT, Exception: exc, Consents: []casus.Consent{given}}},
			casus.Grounds{Basis: casus.BasisException, Ref: "exception-1"}},
		{"Anonymous/ExceptionEnded", police, casus.RelInvited, []casus.CaseConsent{{Kind: casus.TeamZAT, Exception: ended}},
			casus.Grounds{Basis: casus.BasisAnonymous}},
		{"Anonymous/NoConsent", ggz, casus.RelTeamMember, []casus.CaseConsent{{Kind: casus.TeamZAT}}, casus.Grounds{Basis: casus.BasisAnonymous}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := casus.IdentityGrounds(tc.u, tc.rel, lotte, tc.cases, now); got != tc.want {
				t.Errorf("IdentityGrounds = %+v, want %+v", got, tc.want)
			}
		})
	}
}

func TestTakesConsent(t *testing.T) {
	tests := []struct {
		name string
		kind casus.TeamKind
		ok   bool
	}{
		{"OK/ZAT", casus.TeamZAT, true},
		{"ErrInvalid/Intern", casus.TeamIntern, false},
		{"ErrInvalid/NoKind", "", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := casus.TakesConsent(casus.Case{TeamKind: tc.kind})
			if tc.ok {
				if err != nil {
					t.Fatalf("TakesConsent(%q) = %v, want nil", tc.kind, err)
				}
				return
			}
			var e *casus.Error
			if !errors.As(err, &e) || e.Code != casus.EINVALID || e.Key != "consent.zat_only" {
				t.Fatalf("TakesConsent(%q) = %v, want EINVALID consent.zat_only", tc.kind, err)
			}
		})
	}
}
