package demo

import (
	"slices"

	"casus"
)

// accessRequest registers a request for access to Milan's file: his
// mother asked two days ago at the front desk, showing her ID. The privacy
// officer registered it; it waits for the zorgcoördinator's review, who
// decides whether the meldcode she followed for Milan goes into the export.
func (l *loader) accessRequest() {
	if l.err != nil || l.scenario.milanZAT == nil {
		return
	}
	milan := l.scenario.milanZAT.StudentID
	gs, err := l.tx.Guardians(l.ctx, milan)
	if err != nil || len(gs) == 0 {
		l.fail("access request", err)
		return
	}
	g := gs[0]
	if i := slices.IndexFunc(gs, func(g casus.Guardian) bool { return g.Relation == "moeder" }); i >= 0 {
		g = gs[i]
	}
	q := casus.AccessRequest{StudentID: milan, Requester: casus.RequesterGuardian, GuardianID: g.ID, RequesterName: g.Name,
		RequesterRelation: g.Relation, ReceivedOn: casus.CareDay(l.now.AddDate(0, 0, -2)), Identity: casus.IdentityDocument,
		IdentityNote: "Aan de balie, rijbewijs getoond.", RecordedBy: l.users[UserPrivacy].ID}
	l.fail("access request", l.tx.AddAccessRequest(l.ctx, &q))
}
