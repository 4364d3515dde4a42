package web

import (
	"context"
	"net/http"

	"casus"
	"casus/storage"
)

// The old frame's pieces for one case, for a partner's grounds and for the
// student page's meldcode link, still called by the handlers that have not
// moved to package app (the student page, referrals, the agenda, actions,
// minutes; caseTx has no caller left). The closure, aftercare, consent and
// meldcode workflows moved to app; these go when their last caller does.

// caseTx runs fn in studentTx for the case of the path, logged as an
// object of objectKind, when policy allows the user the case's student; fn
// gets the case and the granted access. An unknown case, a denial and a
// malformed id all answer "not found".
func (s *Server) caseTx(w http.ResponseWriter, r *http.Request, action casus.AccessAction, purpose, objectKind string,
	policy func(casus.User, casus.StudentRelations) casus.Access, fn func(c *careCtx, cs casus.Case, a casus.Access) error) bool {
	id := r.PathValue("id")
	var cs casus.Case
	student := func(tx *storage.Tx) (string, error) {
		var err error
		cs, err = tx.Case(r.Context(), id)
		return cs.StudentID, err
	}
	return s.studentTx(w, r, action, purpose, objectKind, id, false, student, func(c *careCtx) (casus.Access, error) {
		a := policy(c.u, c.rel)
		if !a.Allowed {
			return a, nil
		}
		return a, fn(c, cs, a)
	})
}

// partnerNamed reports whether u, if an external partner, may know who the
// student is (see seesIdentity); for everyone else it is true without a
// lookup. Referrals name the student in every part, so a partner without
// consent does not get them at all.
func partnerNamed(ctx context.Context, tx *storage.Tx, u casus.User, studentID string) (bool, error) {
	g, err := partnerGrounds(ctx, tx, u, studentID)
	return g.Basis != casus.BasisAnonymous, err
}

// partnerGrounds is partnerNamed with the ground: for school staff the
// team, for a partner the policy's (identityGrounds), anonymous when the
// partner may not see the student at all.
func partnerGrounds(ctx context.Context, tx *storage.Tx, u casus.User, studentID string) (casus.Grounds, error) {
	if !casus.IsPartner(u) {
		return casus.Grounds{Basis: casus.BasisTeam}, nil
	}
	st, rel, err := tx.StudentFor(ctx, u.ID, studentID)
	if err != nil {
		return casus.Grounds{}, err
	}
	a := casus.CanViewStudent(u, rel)
	if !a.Allowed {
		return casus.Grounds{Basis: casus.BasisAnonymous}, nil
	}
	return identityGrounds(ctx, tx, u, a.Relation, st)
}

// identityGrounds asks the policy on what ground u, let in with relation
// rel, sees who the student is (casus.IdentityGrounds), gathering the
// consent of the cases that relate an external partner to the student.
func identityGrounds(ctx context.Context, tx *storage.Tx, u casus.User, rel casus.Relation, st casus.Student) (casus.Grounds, error) {
	if g := casus.IdentityGrounds(u, rel, st, nil, tx.Now()); g.Basis == casus.BasisTeam {
		return g, nil // nothing to look up: school staff, or no partner relation
	}
	pcs, err := tx.PartnerCases(ctx, u.ID, st.ID)
	if err != nil {
		return casus.Grounds{}, err
	}
	cases := make([]casus.CaseConsent, len(pcs))
	for i, pc := range pcs {
		cases[i].Kind, cases[i].Member = pc.Case.TeamKind, pc.Member
		if pc.Case.TeamKind == casus.TeamIntern && pc.Member {
			continue
		}
		if cases[i].Consents, err = tx.Consents(ctx, pc.Case.ID); err != nil {
			return casus.Grounds{}, err
		}
		exc, ok, err := tx.ConsentException(ctx, pc.Case.ID)
		if err != nil {
			return casus.Grounds{}, err
		}
		if ok {
			cases[i].Exception = &exc
		}
	}
	return casus.IdentityGrounds(u, rel, st, cases, tx.Now()), nil
}

// canMeldcode reports whether the student page offers the link to the
// meldcode.
func canMeldcode(ctx context.Context, tx *storage.Tx, u casus.User, rel casus.StudentRelations, studentID string) (bool, error) {
	named, err := tx.MeldcodeNamed(ctx, studentID, u.ID)
	return casus.CanViewMeldcode(u, rel, named).Allowed, err
}
