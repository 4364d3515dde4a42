package web

import (
	"net/http"

	"casus"
)

// handleAftercare shows the case's aftercare task and the form to record
// what a respondent answered: the coordinator records anyone's answers, the
// care contact their own (app.Aftercare).
func (s *Server) handleAftercare(w http.ResponseWriter, r *http.Request) {
	p, err := s.app.Aftercare(r.Context(), s.actor(r), r.PathValue("id"))
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	v := s.newView(r, "aftercare.title", p)
	if r.URL.Query().Get("saved") == "1" {
		v.Notice = "aftercare.saved"
	}
	s.render(w, r, http.StatusOK, "aftercare", v)
}

// aftercareTextMax is the longest answer, in characters.
const aftercareTextMax = 2000

// handleAftercareAnswer records one respondent's answers
// (app.AnswerAftercare).
func (s *Server) handleAftercareAnswer(w http.ResponseWriter, r *http.Request) {
	f, err := parseForm(w, r)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	an := casus.AftercareAnswer{
		Respondent: casus.Respondent(f.choice("respondent", true, stringsOf(casus.Respondents)...)),
		GoalsMet:   f.choice("goals_met", true, casus.GoalsMet...),
		Achieved:   f.paragraphs("achieved", textRule{required: true, max: aftercareTextMax}),
		Experience: f.paragraphs("experience", textRule{required: true, max: aftercareTextMax}),
	}
	if err := s.app.AnswerAftercare(r.Context(), s.actor(r), r.PathValue("id"), an, f.Errs); err != nil {
		s.renderError(w, r, err)
		return
	}
	http.Redirect(w, r, "/cases/"+r.PathValue("id")+"/aftercare?saved=1", http.StatusSeeOther)
}
