package web

import (
	"net/http"
	"net/url"

	"casus"
	"casus/app"
)

// teamAdminPage is the composition page: the use case's, with the
// membership kinds to choose from.
type teamAdminPage struct {
	app.TeamComposition
	Kinds []casus.MemberKind
}

var memberKinds = []casus.MemberKind{casus.MemberFixed, casus.MemberOnCall}

// teamAdmin renders the composition page; f is the add form to show again
// with its messages.
func (s *Server) teamAdmin(w http.ResponseWriter, r *http.Request, page app.TeamComposition, f *form, status int) {
	v := s.newView(r, "teamadmin.title", teamAdminPage{TeamComposition: page, Kinds: memberKinds})
	if f == nil {
		f = &form{Values: url.Values{"kind": {string(casus.MemberOnCall)}}}
	}
	v.Form = f
	if r.URL.Query().Get("saved") == "1" {
		v.Notice = "teamadmin.saved"
	}
	s.render(w, r, status, "team_members", v)
}

// handleTeamMembers shows the team's composition with the forms to change
// it, to the beheerder and the team's chair (app.TeamComposition).
func (s *Server) handleTeamMembers(w http.ResponseWriter, r *http.Request) {
	page, err := s.app.TeamComposition(r.Context(), s.actor(r), r.PathValue("id"))
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	s.teamAdmin(w, r, page, nil, http.StatusOK)
}

// handleTeamMemberSet adds a member or changes a membership
// (app.SetTeamMember).
func (s *Server) handleTeamMemberSet(w http.ResponseWriter, r *http.Request) {
	f, err := parseForm(w, r)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	m := casus.TeamMember{TeamID: r.PathValue("id"),
		User:        casus.User{ID: f.chosen("user")},
		Kind:        casus.MemberKind(f.choice("kind", true, stringsOf(memberKinds)...)),
		Chair:       f.Has("chair", "on"),
		MinuteTaker: f.Has("minute_taker", "on"),
	}
	if f.Errs != nil {
		page, err := s.app.TeamComposition(r.Context(), s.actor(r), m.TeamID)
		if err != nil {
			s.renderError(w, r, err)
			return
		}
		s.teamAdmin(w, r, page, f, http.StatusBadRequest)
		return
	}
	s.teamChanged(w, r, f)(s.app.SetTeamMember(r.Context(), s.actor(r), m))
}

// handleTeamMemberRemove takes a member off the team
// (app.RemoveTeamMember).
func (s *Server) handleTeamMemberRemove(w http.ResponseWriter, r *http.Request) {
	f, err := parseForm(w, r)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	s.teamChanged(w, r, f)(s.app.RemoveTeamMember(r.Context(), s.actor(r), r.PathValue("id"), r.PathValue("user")))
}

// teamChanged answers a change of the composition: back to the page, or
// the page again with the refusal's messages.
func (s *Server) teamChanged(w http.ResponseWriter, r *http.Request, f *form) func(app.TeamComposition, error) {
	return func(page app.TeamComposition, err error) {
		if errs, ok := validationErrors(err); ok {
			f.Errs = errs
			s.teamAdmin(w, r, page, f, http.StatusBadRequest)
			return
		}
		if err != nil {
			s.renderError(w, r, err)
			return
		}
		http.Redirect(w, r, "/teams/"+r.PathValue("id")+"/members?saved=1", http.StatusSeeOther)
	}
}
