package web

import (
	"net/http"

	"casus"
	"casus/storage"
)

// The old frame's pieces for one case and for a partner's grounds, still
// called by the handlers that have not moved to package app (the student
// page, referrals, the agenda, actions, minutes). Their workflows moved;
// these go when the last caller does.

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
