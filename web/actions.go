package web

import (
	"net/http"
	"strconv"

	"casus"
	"casus/app"
)

// actionSection is the actions part of the student page.
type actionSection = app.ActionSection

// Limits of the action form, in characters.
const actionTextMax = 1000

// handleActionCreate agrees an action for one of the student's open cases.
func (s *Server) handleActionCreate(w http.ResponseWriter, r *http.Request) {
	f, err := parseForm(w, r)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	in := app.NewAction{StudentID: r.PathValue("id"), CaseID: f.chosen("case"), OwnerID: f.chosen("owner"),
		Description: f.paragraphs("description", textRule{required: true, max: actionTextMax})}
	in.DueOn = f.day("due_on", true, s.today(), "action.due_past")
	if err := s.app.CreateAction(r.Context(), s.actor(r), in, f.Errs); err != nil {
		s.renderError(w, r, err)
		return
	}
	http.Redirect(w, r, "/students/"+r.PathValue("id")+"?saved=action#acties", http.StatusSeeOther)
}

// handleTasks lists the user's actions still to be done, soonest due first,
// each with the form to report progress; ?view=team lists those of the
// teams the user chairs instead (&overdue=1: only the overdue). Every row
// names a student and is logged; a partner without consent sees the row
// anonymously.
func (s *Server) handleTasks(w http.ResponseWriter, r *http.Request) {
	q := queryForm(r)
	team := q.choice("view", false, "team") == "team"
	overdue := q.choice("overdue", false, "1") == "1"
	if q.Errs != nil {
		s.renderError(w, r, &casus.Error{Code: casus.EINVALID, Key: "error.unreadable_form"})
		return
	}
	var rows []app.TaskRow
	var err error
	if team {
		rows, err = s.app.TeamTaskList(r.Context(), s.actor(r), overdue)
	} else {
		rows, err = s.app.TaskList(r.Context(), s.actor(r))
	}
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	v := s.newView(r, "tasks.title", map[string]any{"Rows": rows, "Statuses": casus.ActionStatuses, "Team": team, "Overdue": overdue,
		"Chair": casus.ChairsTeams(*state(r).user)})
	if r.URL.Query().Get("saved") == "1" {
		v.Notice = "tasks.saved"
	}
	s.render(w, r, http.StatusOK, "tasks", v)
}

// handleActionUpdate reports progress on an action: a status and a note, by
// its owner or the coordinator, checked against the version shown.
func (s *Server) handleActionUpdate(w http.ResponseWriter, r *http.Request) {
	f, err := parseForm(w, r)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	in := app.ActionProgress{ActionID: r.PathValue("id"),
		Status: casus.ActionStatus(f.choice("status", true, stringsOf(casus.ActionStatuses)...)),
		Note:   f.paragraphs("note", textRule{max: actionTextMax})}
	var verr error
	if in.Version, verr = strconv.Atoi(f.Value("version")); verr != nil {
		f.fail("version", "error.unreadable_form", nil)
	}
	if err := s.app.UpdateAction(r.Context(), s.actor(r), in, f.Errs); err != nil {
		s.renderError(w, r, err)
		return
	}
	http.Redirect(w, r, "/tasks?saved=1", http.StatusSeeOther)
}
