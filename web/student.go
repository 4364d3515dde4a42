package web

import (
	"net/http"
	"net/url"

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
	app.StudentList
	Filter  studentFilter
	Steps   []app.StepOption
	Filters bool // a filter narrows the list
}

// studentFilter is the student list's filter as the query string (or, with a
// search, the form) carries it: ids and codes, never a name.
type studentFilter struct {
	Team, Step, Case, Sort string
	Overdue                bool
}

// Values returns the filter as form values, with the page cursor key=id
// ("" for none).
func (f studentFilter) Values(key, id string) url.Values {
	v := url.Values{}
	for k, x := range map[string]string{"team": f.Team, "step": f.Step, "case": f.Case, "sort": f.Sort} {
		if x != "" {
			v.Set(k, x)
		}
	}
	if f.Overdue {
		v.Set("overdue", "1")
	}
	if key != "" && id != "" {
		v.Set(key, id)
	}
	return v
}

// Link is the list's address with the filter and the cursor key=id.
func (f studentFilter) Link(key, id string) string {
	if q := f.Values(key, id).Encode(); q != "" {
		return "/students?" + q
	}
	return "/students"
}

// SortLink is the list's address sorted by name the other way.
func (f studentFilter) SortLink() string {
	g := f
	if f.Sort == "-name" {
		g.Sort = ""
	} else {
		g.Sort = "-name"
	}
	return g.Link("", "")
}

// handleStudents lists a page of the students the user may open, with
// filters in the query string (ids and codes only) and the count of all
// matches; POST searches them by name (app.StudentList). The name travels
// in the body, never the URL; the pages of a search are forms too. Every
// student shown is logged.
func (s *Server) handleStudents(w http.ResponseWriter, r *http.Request) {
	if !state(r).user.SeesStudentData() {
		s.renderError(w, r, &casus.Error{Code: casus.EFORBIDDEN, Key: "error.forbidden"})
		return
	}
	page := studentsPage{Steps: app.StudentSteps()}
	f := queryForm(r)
	if r.Method == http.MethodPost {
		var err error
		if f, err = parseForm(w, r); err != nil {
			s.renderError(w, r, err)
			return
		}
		page.Query = f.text("q", textRule{max: 100})
		page.Searched = true
	}
	steps := make([]string, len(page.Steps))
	for i, st := range page.Steps {
		steps[i] = string(st.Step)
	}
	page.Filter = studentFilter{Team: f.text("team", textRule{max: 64}), Step: f.choice("step", false, steps...),
		Case: f.choice("case", false, "open", "none"), Sort: f.choice("sort", false, "name", "-name"),
		Overdue: f.choice("overdue", false, "1") == "1"}
	page.Filters = page.Filter.Team != "" || page.Filter.Step != "" || page.Filter.Case != "" || page.Filter.Overdue
	after, before := f.text("after", textRule{max: 64}), f.text("before", textRule{max: 64})
	if f.Errs != nil {
		v := s.newView(r, "students.title", page)
		v.Form = f
		s.render(w, r, http.StatusBadRequest, "students", v)
		return
	}
	var err error
	page.StudentList, err = s.app.StudentList(r.Context(), s.actor(r), app.StudentQuery{Query: page.Query, TeamID: page.Filter.Team,
		Step: casus.RouteStep(page.Filter.Step), CaseState: page.Filter.Case, Overdue: page.Filter.Overdue,
		Desc: page.Filter.Sort == "-name", After: after, Before: before})
	if err != nil {
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
