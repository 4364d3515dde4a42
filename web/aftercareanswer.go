package web

import (
	"net/http"

	"casus"
	"casus/storage"
)

// aftercareTx runs fn for the case of the path when the user may answer its
// aftercare (casus.CanAnswerAftercare: the coordinator or the student's
// care contact), logged with action; fn gets the granted access.
func (s *Server) aftercareTx(w http.ResponseWriter, r *http.Request, action casus.AccessAction, purpose string,
	fn func(c *careCtx, cs casus.Case, a casus.Access) error) bool {
	id := r.PathValue("id")
	var cs casus.Case
	student := func(tx *storage.Tx) (string, error) {
		var err error
		cs, err = tx.Case(r.Context(), id)
		return cs.StudentID, err
	}
	return s.studentTx(w, r, action, purpose, "case", id, false, student, func(c *careCtx) (casus.Access, error) {
		a := casus.CanAnswerAftercare(c.u, c.rel)
		if !a.Allowed {
			return a, nil
		}
		return a, fn(c, cs, a)
	})
}
