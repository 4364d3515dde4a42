package web

import (
	"net/http"

	"casus/app"
)

// adviceSection is the handelingsadvies part of the student page.
type adviceSection = app.AdviceSection

// adviceMax is the longest advice, in characters.
const adviceMax = 4000

// handleAdviceCreate records a handelingsadvies from one of the student's
// open cases, for the mentor and the teaching team.
func (s *Server) handleAdviceCreate(w http.ResponseWriter, r *http.Request) {
	f, err := parseForm(w, r)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	in := app.NewAdvice{StudentID: r.PathValue("id"), CaseID: f.chosen("advice_case"),
		Text: f.paragraphs("advice", textRule{required: true, max: adviceMax})}
	if err := s.app.AddAdvice(r.Context(), s.actor(r), in, f.Errs); err != nil {
		s.refusedOnStudentPage(w, r, in.StudentID, f, err)
		return
	}
	http.Redirect(w, r, "/students/"+r.PathValue("id")+"?saved=advice#handelingsadvies", http.StatusSeeOther)
}
