package web

import (
	"net/http"

	"casus"
	"casus/app"
)

// studentNotices are the notices the student page shows after a change,
// by the value of ?saved= ("care" and ?crisis=1 come first).
var studentNotices = map[string]string{
	"action": "action.saved", "advice": "advice.saved",
	"closed": "closure.closed", "reopened": "closure.reopened", "agenda": "agenda.put",
}

// handleStudent shows a student's page with what the user's relation allows
// (app.ViewStudent). A denied request and an unknown student look the same:
// not found.
func (s *Server) handleStudent(w http.ResponseWriter, r *http.Request) {
	page, err := s.app.ViewStudent(r.Context(), s.actor(r), r.PathValue("id"))
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	v := s.newView(r, "student.title", page)
	q := r.URL.Query()
	switch {
	case q.Get("saved") == "care":
		v.Notice = "care.saved"
	case q.Get("crisis") == "1":
		v.Notice = "crisis.saved"
	default:
		v.Notice = studentNotices[q.Get("saved")]
	}
	s.render(w, r, http.StatusOK, "student", v)
}

type studentsPage struct {
	Query    string
	Searched bool
	Students []app.ListedStudent
}

// handleStudents lists the students the user has a relation to; POST
// searches them (app.StudentList). The query travels in the body, never the
// URL, because it is a name. Every student shown is logged.
func (s *Server) handleStudents(w http.ResponseWriter, r *http.Request) {
	if !state(r).user.SeesStudentData() {
		s.renderError(w, r, &casus.Error{Code: casus.EFORBIDDEN, Key: "error.forbidden"})
		return
	}
	var page studentsPage
	var f *form
	if r.Method == http.MethodPost {
		var err error
		if f, err = parseForm(w, r); err != nil {
			s.renderError(w, r, err)
			return
		}
		page.Query = f.text("q", textRule{max: 100})
		page.Searched = true
		if f.Errs != nil {
			v := s.newView(r, "students.title", page)
			v.Form = f
			s.render(w, r, http.StatusBadRequest, "students", v)
			return
		}
	}
	var err error
	if page.Students, err = s.app.StudentList(r.Context(), s.actor(r), page.Query); err != nil {
		s.renderError(w, r, err)
		return
	}
	v := s.newView(r, "students.title", page)
	v.Form = f
	if r.URL.Query().Get("erased") == "1" {
		v.Notice = "retention.erased"
	}
	s.render(w, r, http.StatusOK, "students", v)
}
