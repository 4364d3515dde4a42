package web

import (
	"net/http"

	"casus"
	"casus/storage"
)

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

// closureTx runs fn for the case of the path with the coordinator's access
// to its student, logged with action (closing, reopening, aftercare).
func (s *Server) closureTx(w http.ResponseWriter, r *http.Request, action casus.AccessAction, purpose string, fn func(c *careCtx, cs casus.Case) error) bool {
	return s.caseTx(w, r, action, purpose, "case", casus.CanCloseCase, func(c *careCtx, cs casus.Case, _ casus.Access) error {
		return fn(c, cs)
	})
}

// handleCaseClose closes a case with its reason, a closing note and the
// outcome of each goal of its latest plan (the final evaluation). Without
// an outcome for every goal nothing is written.
func (s *Server) handleCaseClose(w http.ResponseWriter, r *http.Request) {
	f, err := parseForm(w, r)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	var studentID string
	ok := s.closureTx(w, r, casus.ActChange, "case closure", func(c *careCtx, cs casus.Case) error {
		studentID = c.st.ID
		reason := casus.CloseReason(f.choice("reason", true, stringsOf(casus.CloseReasons)...))
		note := f.paragraphs("note", textRule{required: true, max: adviceMax})
		outcomes, err := goalOutcomes(c.ctx, c.tx, f, cs.ID)
		if err != nil {
			return err
		}
		if f.Errs != nil {
			return f.Errs.Err()
		}
		return c.tx.CloseCase(c.ctx, cs.ID, reason, note, c.u.ID, outcomes...)
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
	ok := s.closureTx(w, r, casus.ActChange, "case reopening", func(c *careCtx, cs casus.Case) error {
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

// aftercarePage is a case's aftercare task with the answers recorded.
type aftercarePage struct {
	Case        casus.Case
	StudentID   string
	StudentName string
	Aftercare   casus.Aftercare
	Respondents []casus.Respondent
	GoalsMet    []string
	CareContact bool // the care contact answers their own part
}

// handleAftercare shows the case's aftercare task and the form to record
// what a respondent answered: the coordinator records anyone's answers, the
// care contact their own.
func (s *Server) handleAftercare(w http.ResponseWriter, r *http.Request) {
	var p aftercarePage
	ok := s.aftercareTx(w, r, casus.ActRead, "aftercare", func(c *careCtx, cs casus.Case, a casus.Access) error {
		af, found, err := c.tx.CaseAftercare(c.ctx, cs.ID)
		if err == nil && !found {
			err = casus.ErrNotFound
		}
		p = aftercarePage{Case: cs, StudentID: c.st.ID, StudentName: c.st.Name(), Aftercare: af,
			Respondents: casus.Respondents, GoalsMet: casus.GoalsMet, CareContact: a.Relation == casus.RelCareContact}
		return err
	})
	if ok {
		v := s.newView(r, "aftercare.title", p)
		if r.URL.Query().Get("saved") == "1" {
			v.Notice = "aftercare.saved"
		}
		s.render(w, r, http.StatusOK, "aftercare", v)
	}
}

// aftercareTextMax is the longest answer, in characters.
const aftercareTextMax = 2000

// handleAftercareAnswer records one respondent's answers.
func (s *Server) handleAftercareAnswer(w http.ResponseWriter, r *http.Request) {
	f, err := parseForm(w, r)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	ok := s.aftercareTx(w, r, casus.ActCreate, "aftercare answer", func(c *careCtx, cs casus.Case, access casus.Access) error {
		a, found, err := c.tx.CaseAftercare(c.ctx, cs.ID)
		if err != nil {
			return err
		}
		if !found {
			return casus.ErrNotFound
		}
		respondents := stringsOf(casus.Respondents)
		if access.Relation == casus.RelCareContact {
			respondents = []string{string(casus.RespondentCareContact)} // their own part only
		}
		an := casus.AftercareAnswer{RecordedBy: c.u.ID,
			Respondent: casus.Respondent(f.choice("respondent", true, respondents...)),
			GoalsMet:   f.choice("goals_met", true, casus.GoalsMet...),
			Achieved:   f.paragraphs("achieved", textRule{required: true, max: aftercareTextMax}),
			Experience: f.paragraphs("experience", textRule{required: true, max: aftercareTextMax}),
		}
		if f.Errs != nil {
			return f.Errs.Err()
		}
		return c.tx.AddAftercareAnswer(c.ctx, a.ID, &an)
	})
	if ok {
		http.Redirect(w, r, "/cases/"+r.PathValue("id")+"/aftercare?saved=1", http.StatusSeeOther)
	}
}
