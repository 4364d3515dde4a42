package web

import (
	"net/http"

	"casus"
)

// aftercareTx runs fn for the case of the path when the user may answer its
// aftercare (casus.CanAnswerAftercare: the coordinator or the student's
// care contact), logged with action; fn gets the granted access.
func (s *Server) aftercareTx(w http.ResponseWriter, r *http.Request, action casus.AccessAction, purpose string,
	fn func(c *careCtx, cs casus.Case, a casus.Access) error) bool {
	return s.caseTx(w, r, action, purpose, "case", casus.CanAnswerAftercare, fn)
}
