package web

import (
	"errors"
	"maps"
	"net/http"
	"slices"
	"strings"

	"casus"
	"casus/app"
)

// handleCaseClose closes a case with its reason, a closing note, the
// outcome of each goal of its latest plan and what becomes of each open
// action (app.CloseCase). With anything missing nothing is written.
func (s *Server) handleCaseClose(w http.ResponseWriter, r *http.Request) {
	f, err := parseForm(w, r)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	in := app.CloseInput{
		Reason:   casus.CloseReason(f.choice("reason", true, stringsOf(casus.CloseReasons)...)),
		Note:     f.paragraphs("note", textRule{required: true, max: adviceMax}),
		Outcomes: map[string]string{},
		Actions:  map[string]casus.ActionEnd{},
	}
	for _, name := range slices.Sorted(maps.Keys(f.Values)) {
		if goal, ok := strings.CutPrefix(name, "outcome_"); ok {
			in.Outcomes[goal] = f.text(name, textRule{max: 64})
		}
		if action, ok := strings.CutPrefix(name, "action_"); ok {
			in.Actions[action] = casus.ActionEnd(f.text(name, textRule{max: 64}))
		}
	}
	in.Errs = f.Errs
	studentID, err := s.app.CloseCase(r.Context(), s.actor(r), r.PathValue("id"), in)
	if err != nil {
		s.refusedOnStudentPage(w, r, studentID, f, err)
		return
	}
	http.Redirect(w, r, "/students/"+studentID+"?saved=closed#zorgteams", http.StatusSeeOther)
}

// handleCaseReopen reopens a closed case with the reason (app.ReopenCase).
func (s *Server) handleCaseReopen(w http.ResponseWriter, r *http.Request) {
	f, err := parseForm(w, r)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	reason := f.paragraphs("reason", textRule{required: true, max: adviceMax})
	studentID, err := s.app.ReopenCase(r.Context(), s.actor(r), r.PathValue("id"), reason, f.Errs)
	if err != nil {
		s.refusedOnStudentPage(w, r, studentID, f, err)
		return
	}
	http.Redirect(w, r, "/students/"+studentID+"?saved=reopened#zorgteams", http.StatusSeeOther)
}

// refusedOnStudentPage answers a form of the student page whose input was
// refused: the student page again, with the refused form open, what was
// typed in it and the errors at its fields — an error page would drop the
// text. Any other error, or no student to show, gets the error page.
func (s *Server) refusedOnStudentPage(w http.ResponseWriter, r *http.Request, studentID string, f *form, err error) {
	var verrs casus.ValidationErrors
	if studentID == "" || !errors.As(err, &verrs) {
		s.renderError(w, r, err)
		return
	}
	page, perr := s.app.ViewStudent(r.Context(), s.actor(r), studentID)
	if perr != nil {
		s.renderError(w, r, err)
		return
	}
	v := s.newView(r, "student.title", page)
	f.Errs = verrs
	v.Form, v.refused, v.Error = f, r.URL.Path, "error.invalid_form"
	s.render(w, r, statusFor(casus.EINVALID), "student", v)
}
