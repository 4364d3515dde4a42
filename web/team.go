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
	Team    casus.CareTeam
	Schools []string
	Members []casus.TeamMember
	Missing []casus.Requirement
}

// handleTeam shows a care team's members and which of the minimum partners
// for its kind it lacks. It shows no student data.
func (s *Server) handleTeam(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	if !casus.ValidID(id) {
		s.renderError(w, r, casus.ErrNotFound)
		return
	}
	var page teamPage
	err := s.db.View(r.Context(), func(tx *storage.Tx) error {
		var err error
		if page.Team, page.Schools, err = tx.Team(r.Context(), id); err != nil {
			return err
		}
		page.Members, err = tx.TeamMembers(r.Context(), id)
		return err
	})
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	page.Missing = casus.MissingPartners(page.Team.Kind, page.Members)
	s.render(w, r, http.StatusOK, "team", s.newView(r, "team.title", page))
}
