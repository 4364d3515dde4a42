package web

import (
	"net/http"

	"casus"
	"casus/storage"
)

// closureTx runs fn for the case of the path with the coordinator's access
// to its student, logged as a change of the case.
func (s *Server) closureTx(w http.ResponseWriter, r *http.Request, purpose string, fn func(c *careCtx, cs casus.Case) error) bool {
	id := r.PathValue("id")
	var cs casus.Case
	student := func(tx *storage.Tx) (string, error) {
		var err error
		cs, err = tx.Case(r.Context(), id)
		return cs.StudentID, err
	}
	return s.studentTx(w, r, casus.ActChange, purpose, "case", id, false, student, func(c *careCtx) (casus.Access, error) {
		a := casus.CanCloseCase(c.u, c.rel)
		if !a.Allowed {
			return a, nil
		}
		return a, fn(c, cs)
	})
}

// handleCaseClose closes a case with its reason and a closing note (the
// final evaluation).
func (s *Server) handleCaseClose(w http.ResponseWriter, r *http.Request) {
	f, err := parseForm(w, r)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	var studentID string
	ok := s.closureTx(w, r, "case closure", func(c *careCtx, cs casus.Case) error {
		studentID = c.st.ID
		reason := casus.CloseReason(f.choice("reason", true, stringsOf(casus.CloseReasons)...))
		note := f.paragraphs("note", textRule{required: true, max: adviceMax})
		if f.Errs != nil {
			return f.Errs.Err()
		}
		return c.tx.CloseCase(c.ctx, cs.ID, reason, note, c.u.ID)
	})
	if ok {
		http.Redirect(w, r, "/students/"+studentID+"?saved=closed#zorgteams", http.StatusSeeOther)
	}
}

// handleCaseReopen reopens a closed case with the reason.
func (s *Server) handleCaseReopen(w http.ResponseWriter, r *http.Request) {
	f, err := parseForm(w, r)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	var studentID string
	ok := s.closureTx(w, r, "case reopening", func(c *careCtx, cs casus.Case) error {
		studentID = c.st.ID
		reason := f.paragraphs("reason", textRule{required: true, max: adviceMax})
		if f.Errs != nil {
			return f.Errs.Err()
		}
		return c.tx.ReopenCase(c.ctx, cs.ID, reason, c.u.ID)
	})
	if ok {
		http.Redirect(w, r, "/students/"+studentID+"?saved=reopened#zorgteams", http.StatusSeeOther)
	}
}
