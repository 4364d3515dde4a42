package web

import (
	"net/http"

	"casus/app"
)

// handleHome shows the start page: what waits for the user, each line a
// link to the thing itself (app.Home).
func (s *Server) handleHome(w http.ResponseWriter, r *http.Request) {
	page, err := s.app.Home(r.Context(), s.actor(r))
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "home", s.newView(r, "home.title", page))
}

func (s *Server) handleTeams(w http.ResponseWriter, r *http.Request) {
	teams, err := s.app.Teams(r.Context(), s.actor(r))
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "teams", s.newView(r, "teams.title", teams))
}

// teamPage is the team page: the use case's, with the planning form's
// options.
type teamPage struct {
	app.TeamPage
	Meetings teamMeetings
}

// handleTeam shows a care team's members, which of the minimum partners for
// its kind it lacks, its rhythm and its coming meetings, and to its chair
// the forms to plan them. It shows no student data.
func (s *Server) handleTeam(w http.ResponseWriter, r *http.Request) {
	s.team(w, r, nil, http.StatusOK)
}

// team renders the team page; f is a planning form to show again with its
// messages.
func (s *Server) team(w http.ResponseWriter, r *http.Request, f *form, status int) {
	tp, err := s.app.Team(r.Context(), s.actor(r), r.PathValue("id"))
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	page := teamPage{TeamPage: tp, Meetings: teamMeetings{TeamMeetings: tp.Meetings, Patterns: rhythmPatterns, MonthWeeks: monthWeeks}}
	v := s.newView(r, "team.title", page)
	if f == nil {
		f = s.rhythmForm(page.Meetings, page.Team)
	}
	v.Form = f
	if r.URL.Query().Get("saved") == "meetings" {
		v.Notice = "meetings.saved"
	}
	s.render(w, r, status, "team", v)
}

// handleCaseload shows a team's open cases to its chair and members
// (app.Caseload).
func (s *Server) handleCaseload(w http.ResponseWriter, r *http.Request) {
	page, err := s.app.Caseload(r.Context(), s.actor(r), r.PathValue("id"))
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "caseload", s.newView(r, "caseload.title", page))
}
