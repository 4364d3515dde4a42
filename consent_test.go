package casus_test

import (
	"errors"
	"slices"
	"strings"
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
	police := []casus.Discipline{casus.DiscPolitie}
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
		{"OK/Exception", casus.DiscPolitie, parents, nil, &casus.ConsentException{Reason: "acute veiligheid", DecidedBy: "x", At: day(2), Scope: police}, day(5), true},
		{"Anonymous/ExceptionNotNamingPolice", casus.DiscPolitie, parents, nil, &casus.ConsentException{Reason: "acute veiligheid", DecidedBy: "x", At: day(2), Scope: []casus.Discipline{casus.DiscJGZ}}, day(5), false},
		{"Anonymous/ExceptionNamingNobody", casus.DiscJGZ, parents, nil, &casus.ConsentException{Reason: "acute veiligheid", DecidedBy: "x", At: day(2)}, day(5), false},
		{"Anonymous/ExceptionLater", casus.DiscPolitie, parents, nil, &casus.ConsentException{Reason: "acute veiligheid", DecidedBy: "x", At: day(6), Scope: police}, day(5), false},
		{"Anonymous/ExceptionEnded", casus.DiscPolitie, parents, nil, &casus.ConsentException{Reason: "acute veiligheid", DecidedBy: "x", At: day(2), Ended: ptr(day(4)), Scope: police}, day(5), false},
		{"OK/ExceptionBeforeItsEnd", casus.DiscPolitie, parents, nil, &casus.ConsentException{Reason: "acute veiligheid", DecidedBy: "x", At: day(2), Ended: ptr(day(6)), Scope: police}, day(5), true},
		{"Anonymous/EndedAtClosure", casus.DiscGGZ, own, []casus.Consent{with(func(c *casus.Consent) { c.EndedAt = ptr(day(4)) })}, nil, day(5), false},
		{"OK/EndDateOutlivesClosure", casus.DiscGGZ, own, []casus.Consent{with(func(c *casus.Consent) { c.EndedAt, c.ExpiresAt = ptr(day(4)), ptr(day(20)) })}, nil, day(5), true},
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
		{"Anonymous/PrimaryZorgteamMemberWithoutParentsConsent", ggz, casus.RelTeamMember, []casus.CaseConsent{{Kind: casus.TeamIntern, Member: true}}, false},
		{"Named/ExceptionNamingPolice", police, casus.RelInvited, []casus.CaseConsent{{Kind: casus.TeamZAT,
			Exception: &casus.ConsentException{Reason: "acute veiligheid", At: now.AddDate(0, 0, -1), Scope: []casus.Discipline{casus.DiscPolitie}}}}, true},
		{"Anonymous/ExceptionNamingOthers", police, casus.RelInvited, []casus.CaseConsent{{Kind: casus.TeamZAT,
			Exception: &casus.ConsentException{Reason: "acute veiligheid", At: now.AddDate(0, 0, -1), Scope: []casus.Discipline{casus.DiscJGZ}}}}, false},
		{"Named/SchoolStaff", specialist, casus.RelTeamMember, []casus.CaseConsent{zat()}, true},
		{"Named/PartnerAsCoordinatorRelation", ggz, casus.RelCoordinator, nil, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			st := lotte
			if strings.Contains(tc.name, "Primary") {
				st = casus.Student{DateOfBirth: now.AddDate(-9, 0, 0), Sector: casus.SectorPO}
			}
			if got := casus.SeesIdentity(tc.u, tc.rel, st, tc.cases, now); got != tc.want {
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
	exc := &casus.ConsentException{ID: "exception-1", Reason: "acute veiligheid", At: now.AddDate(0, 0, -1),
		Scope: []casus.Discipline{casus.DiscGGZ, casus.DiscPolitie}}
	ended := &casus.ConsentException{ID: "exception-0", Reason: "acute veiligheid", At: now.AddDate(0, 0, -9), Scope: exc.Scope}
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
		name   string
		kind   casus.TeamKind
		sector casus.Sector
		ok     bool
	}{
		{"OK/ZAT", casus.TeamZAT, casus.SectorMBO, true},
		{"OK/PrimaryZorgteam", casus.TeamIntern, casus.SectorPO, true},
		{"ErrInvalid/MboIntern", casus.TeamIntern, casus.SectorMBO, false},
		{"ErrInvalid/NoKind", "", casus.SectorPO, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := casus.TakesConsent(casus.Case{TeamKind: tc.kind}, tc.sector)
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

// TestConsentRules: the rules of consent that hold up, as the policy
// decides them (the stories on both engines are in web's TestConsent).
func TestConsentRules(t *testing.T) {
	day := func(d int) time.Time { return time.Date(2026, 9, d, 10, 0, 0, 0, time.UTC) }
	ptr := func(t time.Time) *time.Time { return &t }
	parents := casus.ConsentRule{Required: []casus.ConsentGiver{casus.GiverGuardian}}
	scope := []casus.Discipline{casus.DiscJGZ, casus.DiscSMW}
	mother := casus.Consent{ID: "m", Giver: casus.GiverGuardian, GuardianID: "linda", GiverName: "Linda", Mode: casus.ConsentGiven,
		GivenAt: day(2), Scope: scope}
	father := casus.Consent{ID: "f", Giver: casus.GiverGuardian, GuardianID: "rutger", GiverName: "Rutger", Mode: casus.ConsentAnonymous,
		Refused: true, GivenAt: day(1)}
	fatherYes := mother
	fatherYes.ID, fatherYes.GuardianID, fatherYes.GiverName, fatherYes.GivenAt = "f2", "rutger", "Rutger", day(4)

	t.Run("OneParentRefuses/PartnerSeesNoName", func(t *testing.T) {
		cs := []casus.Consent{father, mother}
		if casus.NamedFor(casus.DiscJGZ, parents, cs, nil, day(5)) {
			t.Error("JGZ sees the name while the father refuses")
		}
		st := casus.StandingOf(parents, cs, nil, day(5))
		if st.Verdict != casus.VerdictOneParentRefuses || st.Blocker.ID != "f" {
			t.Errorf("standing = %+v, want one parent refuses (the father)", st)
		}
	})
	t.Run("OneParentWithdraws/PartnerSeesNoName", func(t *testing.T) {
		withdrawn := fatherYes
		withdrawn.Withdrawn = ptr(day(5))
		if casus.NamedFor(casus.DiscJGZ, parents, []casus.Consent{mother, withdrawn}, nil, day(6)) {
			t.Error("JGZ sees the name after the father withdrew")
		}
	})
	t.Run("RefusalWithdrawn/PartnerSeesName", func(t *testing.T) {
		lifted := father
		lifted.Withdrawn = ptr(day(4))
		if !casus.NamedFor(casus.DiscJGZ, parents, []casus.Consent{lifted, mother}, nil, day(5)) {
			t.Error("JGZ does not see the name once the refusal is withdrawn")
		}
	})
	t.Run("BothConsent/PartnerSeesName", func(t *testing.T) {
		cs := []casus.Consent{father, mother, fatherYes}
		if !casus.NamedFor(casus.DiscJGZ, parents, cs, nil, day(5)) {
			t.Error("JGZ does not see the name when both parents consent")
		}
		if st := casus.StandingOf(parents, cs, nil, day(5)); st.Verdict != casus.VerdictGiven {
			t.Errorf("standing = %+v, want given", st)
		}
	})
	t.Run("OneParentRefuses/ExceptionNamingJGZ", func(t *testing.T) {
		exc := &casus.ConsentException{At: day(3), Scope: []casus.Discipline{casus.DiscJGZ}}
		if !casus.NamedFor(casus.DiscJGZ, parents, []casus.Consent{father, mother}, exc, day(5)) {
			t.Error("a documented exception naming JGZ does not open the case to JGZ")
		}
		if casus.NamedFor(casus.DiscPolitie, parents, []casus.Consent{father, mother}, exc, day(5)) {
			t.Error("the exception opens the case to the police, whom it does not name")
		}
	})
	t.Run("TenYearOld/AssentNotConsent", func(t *testing.T) {
		born := time.Date(2016, 3, 1, 0, 0, 0, 0, time.UTC)
		for _, sector := range []casus.Sector{casus.SectorPO, casus.SectorVO, casus.SectorMBO} {
			rule := casus.DefaultConsentRule(casus.Student{DateOfBirth: born, Sector: sector}, day(5))
			if rule.Counts(casus.GiverStudent) {
				t.Errorf("%s: a 10-year-old's own word counts as consent", sector)
			}
		}
		own := casus.Consent{ID: "yara", Giver: casus.GiverStudent, Mode: casus.ConsentGiven, GivenAt: day(2), Scope: scope}
		rule := casus.DefaultConsentRule(casus.Student{DateOfBirth: born, Sector: casus.SectorPO}, day(5))
		if casus.NamedFor(casus.DiscJGZ, rule, []casus.Consent{own}, nil, day(5)) {
			t.Error("a 10-year-old's own word names her to JGZ")
		}
	})
	t.Run("BandsBySector/Configurable", func(t *testing.T) {
		old := casus.SectorConsentBands[casus.SectorVO]
		t.Cleanup(func() { casus.SectorConsentBands[casus.SectorVO] = old })
		casus.SectorConsentBands[casus.SectorVO] = casus.ConsentBand{AskFrom: 10, OwnFrom: 15}
		st := casus.Student{DateOfBirth: day(5).AddDate(-15, 0, 0), Sector: casus.SectorVO}
		if r := casus.DefaultConsentRule(st, day(5)); !slices.Equal(r.Required, []casus.ConsentGiver{casus.GiverStudent}) {
			t.Errorf("vo from 15 by the installation's band: %+v", r)
		}
		st.Sector = casus.SectorMBO
		if r := casus.DefaultConsentRule(st, day(5)); !slices.Equal(r.Required, []casus.ConsentGiver{casus.GiverGuardian}) {
			t.Errorf("mbo keeps 16: %+v", r)
		}
	})
	t.Run("EndsAtClosure/ReopenAsksAgain", func(t *testing.T) {
		ended := mother
		ended.EndedAt = ptr(day(4))
		if st := casus.StandingOf(parents, []casus.Consent{ended}, nil, day(5)); st.Verdict != casus.VerdictNeeded {
			t.Errorf("standing after closure = %+v, want needed", st)
		}
	})
}
