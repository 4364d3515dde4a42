package web

import (
	"net/http"

	"casus"
	"casus/storage"
)

// adviceSection is the handelingsadvies part of the student page.
type adviceSection struct {
	Advice   []casus.Advice // newest first
	CanRead  bool
	CanWrite bool
	Cases    []casus.Case // open cases advice can come from
}

// adviceMax is the longest advice, in characters.
const adviceMax = 4000

// loadAdviceSection fills the advice part; cases are the student's cases,
// loaded for every relation that may write advice.
func (s *Server) loadAdviceSection(r *http.Request, tx *storage.Tx, u casus.User, st casus.Student, rel casus.StudentRelations, cases []casus.Case) (adviceSection, error) {
	sec := adviceSection{CanRead: casus.CanReadAdvice(u, rel).Allowed, CanWrite: casus.CanWriteAdvice(u, rel).Allowed}
	if !sec.CanRead {
		return sec, nil
	}
	var err error
	if sec.Advice, err = tx.StudentAdvice(r.Context(), st.ID); err != nil || !sec.CanWrite {
		return sec, err
	}
	sec.Cases = casus.OpenCases(cases)
	return sec, nil
}

// handleAdviceCreate records a handelingsadvies from one of the student's
// open cases, for the mentor and the teaching team.
func (s *Server) handleAdviceCreate(w http.ResponseWriter, r *http.Request) {
	f, err := parseForm(w, r)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	ok := s.careTx(w, r, casus.ActCreate, "advice", "advice", func(c *careCtx) (casus.Access, error) {
		a := casus.CanWriteAdvice(c.u, c.rel)
		if !a.Allowed {
			return a, nil
		}
		cases, err := c.tx.Cases(c.ctx, c.st.ID)
		if err != nil {
			return a, err
		}
		adv := casus.Advice{StudentID: c.st.ID, AuthorID: c.u.ID, CaseID: f.choice("advice_case", true, idsOf(casus.OpenCases(cases), caseID)...),
			Text: f.paragraphs("advice", textRule{required: true, max: adviceMax})}
		if f.Errs != nil {
			return a, f.Errs.Err()
		}
		return a, c.tx.AddAdvice(c.ctx, &adv)
	})
	if ok {
		http.Redirect(w, r, "/students/"+r.PathValue("id")+"?saved=advice#handelingsadvies", http.StatusSeeOther)
	}
}
