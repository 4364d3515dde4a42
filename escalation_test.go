package casus_test

import (
	"testing"

	"casus"
)

func TestCanEscalateAndNoteBridging(t *testing.T) {
	for _, c := range []struct {
		name             string
		u                casus.User
		f                casus.ReferralFacts
		escalate, bridge casus.Relation // RelNone: denied
	}{
		{"ChairOfInternTeam", refCoordinator, refFacts(casus.RefAccepted, casus.TeamIntern, refAsChair), casus.RelCoordinator, casus.RelCoordinator},
		{"IBChairsPrimaryTeam", refCareContact, refFacts(casus.RefAccepted, casus.TeamIntern, refAsChair), casus.RelCoordinator, casus.RelCoordinator},
		// Bridging is noted on an escalated referral, which stays accepted;
		// the policy does not look at the state for it.
		{"ChairBeforeAcceptance", refCoordinator, refFacts(casus.RefPreselected, casus.TeamIntern, refAsChair), casus.RelNone, casus.RelCoordinator},
		{"ErrZATReferral", refCoordinator, refFacts(casus.RefAccepted, casus.TeamZAT, refAsChair), casus.RelNone, casus.RelNone},
		{"ErrNotChair", refCoordinator, refFacts(casus.RefAccepted, casus.TeamIntern, func(f *casus.ReferralFacts) { f.Student.Coordinator = true }), casus.RelNone, casus.RelNone},
		{"ErrCareContactNotChair", refCareContact, refFacts(casus.RefAccepted, casus.TeamIntern, refAsCareContact), casus.RelNone, casus.RelNone},
		{"ErrFixedMember", refPartner, refFacts(casus.RefAccepted, casus.TeamIntern, refAsMember), casus.RelNone, casus.RelNone},
		{"ErrMentorAsChair", refMentor, refFacts(casus.RefAccepted, casus.TeamIntern, refAsChair), casus.RelNone, casus.RelNone},
		{"ErrManagementAsChair", refManagement, refFacts(casus.RefAccepted, casus.TeamIntern, refAsChair), casus.RelNone, casus.RelNone},
		{"ErrDisabled", refDisabled, refFacts(casus.RefAccepted, casus.TeamIntern, refAsChair), casus.RelNone, casus.RelNone},
		{"ErrMissing", refCoordinator, casus.ReferralFacts{TeamKind: casus.TeamIntern, State: casus.RefAccepted, TeamChair: true}, casus.RelNone, casus.RelNone},
	} {
		t.Run(c.name, func(t *testing.T) {
			if a := casus.CanEscalate(c.u, c.f); a.Allowed != (c.escalate != casus.RelNone) || a.Relation != c.escalate {
				t.Errorf("CanEscalate = %+v, want relation %s", a, c.escalate)
			}
			if a := casus.CanNoteBridging(c.u, c.f); a.Allowed != (c.bridge != casus.RelNone) || a.Relation != c.bridge {
				t.Errorf("CanNoteBridging = %+v, want relation %s", a, c.bridge)
			}
		})
	}
}
