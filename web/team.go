package web

import (
	"net/http"

	"casus"
	"casus/storage"
)

func (s *Server) handleHome(w http.ResponseWriter, r *http.Request) {
	s.render(w, r, http.StatusOK, "home", s.newView(r, "home.title", nil))
}

func (s *Server) handleTeams(w http.ResponseWriter, r *http.Request) {
	var teams []casus.CareTeam
	err := s.db.View(r.Context(), func(tx *storage.Tx) error {
		var err error
		teams, err = tx.Teams(r.Context())
		return err
	})
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "teams", s.newView(r, "teams.title", teams))
}

type teamPage struct {
	Team     casus.CareTeam
	Schools  []string
	Members  []casus.TeamMember
	Missing  []casus.Requirement
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
	id := r.PathValue("id")
	if !casus.ValidID(id) {
		s.renderError(w, r, casus.ErrNotFound)
		return
	}
	u := *state(r).user
	var page teamPage
	err := s.db.View(r.Context(), func(tx *storage.Tx) error {
		var err error
		if page.Team, page.Schools, err = tx.Team(r.Context(), id); err != nil {
			return err
		}
		if page.Members, err = tx.TeamMembers(r.Context(), id); err != nil {
			return err
		}
		page.Meetings, err = s.loadMeetings(r, tx, u, page.Team, page.Members)
		return err
	})
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	page.Missing = casus.MissingPartners(page.Team.Kind, page.Members)
	v := s.newView(r, "team.title", page)
	if f == nil {
		f = s.rhythmForm(page.Meetings)
	}
	v.Form = f
	if r.URL.Query().Get("saved") == "meetings" {
		v.Notice = "meetings.saved"
	}
	s.render(w, r, status, "team", v)
}
