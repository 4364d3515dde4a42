package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"casus"
	"casus/app"
)

type usersPage struct {
	Users       []casus.User
	Roles       []casus.Role
	Disciplines []casus.Discipline
	Created     bool
	// ResetPending holds the ids of users with a reset link that still works.
	ResetPending map[string]bool
}

func (s *Server) usersView(r *http.Request, f *form) (*view, error) {
	page := usersPage{Roles: casus.Roles, Disciplines: casus.Disciplines}
	list, err := s.app.Users(r.Context(), s.actor(r))
	page.Users, page.ResetPending = list.Users, list.ResetPending
	v := s.newView(r, "users.title", page)
	v.Form = f
	return v, err
}

func (s *Server) handleAdminUsers(w http.ResponseWriter, r *http.Request) {
	v, err := s.usersView(r, nil)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	switch r.URL.Query().Get("done") {
	case "1":
		v.Notice = "users.saved"
	case "reset":
		v.Notice = "users.reset_sent"
	case "invited":
		v.Notice = "users.invited"
	}
	s.render(w, r, http.StatusOK, "users", v)
}

func stringsOf[T ~string](xs []T) []string {
	out := make([]string, len(xs))
	for i, x := range xs {
		out[i] = string(x)
	}
	return out
}

// handleAdminCreateUser adds an account without a password: its owner gets
// a one-time link by mail (as with a reset) and chooses the password, and
// sets up two-factor authentication at the first login. The beheerder never
// knows a password that opens the account, so they cannot log in as a new
// zorgcoördinator before she does.
func (s *Server) handleAdminCreateUser(w http.ResponseWriter, r *http.Request) {
	f, err := parseForm(w, r)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	u := casus.User{
		Name:       f.text("name", textRule{required: true, max: 120}),
		Email:      f.email("email"),
		Discipline: casus.Discipline(f.choice("discipline", true, stringsOf(casus.Disciplines)...)),
	}
	if role := f.choice("role", true, stringsOf(casus.Roles)...); role != "" {
		u.Roles = []casus.Role{casus.Role(role)}
	}
	if f.Errs == nil {
		err = s.app.CreateUser(r.Context(), s.actor(r), u)
		var e *casus.Error
		if casus.ErrorCode(err) == casus.ECONFLICT || casus.ErrorCode(err) == casus.EINVALID {
			if asErr(err, &e) {
				f.Errs = append(f.Errs, e)
			}
		} else if err != nil {
			s.renderError(w, r, err)
			return
		}
	}
	if f.Errs != nil {
		v, err := s.usersView(r, f)
		if err != nil {
			s.renderError(w, r, err)
			return
		}
		s.render(w, r, http.StatusBadRequest, "users", v)
		return
	}
	http.Redirect(w, r, "/admin/users?done=invited", http.StatusSeeOther)
}

type settingsPage struct {
	Require2FAAll bool
	Saved         bool
}

func (s *Server) handleAdminSettings(w http.ResponseWriter, r *http.Request) {
	set, err := s.app.Settings(r.Context(), s.actor(r))
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	page := settingsPage{Require2FAAll: set.Require2FAAll, Saved: r.URL.Query().Get("done") == "1"}
	v := s.newView(r, "settings.title", page)
	v.Form = &form{Values: url.Values{"figures_threshold": {strconv.Itoa(set.FigureThreshold)}}}
	s.render(w, r, http.StatusOK, "settings", v)
}

func (s *Server) handleAdminSaveSettings(w http.ResponseWriter, r *http.Request) {
	f, err := parseForm(w, r)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	all := f.choice("require_2fa_all", false, "on")
	threshold := 0
	if v := strings.TrimSpace(f.Values.Get("figures_threshold")); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || !casus.ValidFigureThreshold(n) {
			f.fail("figures_threshold", "figures.error.threshold", nil)
		}
		threshold = n
	}
	if len(f.Errs) > 1 || f.Errs != nil && f.Errs.Field("figures_threshold") == nil {
		s.renderError(w, r, f.Errs)
		return
	}
	if f.Errs != nil { // the threshold alone: the form again, the message beside it
		v := s.newView(r, "settings.title", settingsPage{Require2FAAll: all == "on"})
		v.Form = f
		s.render(w, r, http.StatusBadRequest, "settings", v)
		return
	}
	if err := s.app.SaveSettings(r.Context(), s.actor(r), app.Settings{Require2FAAll: all == "on", FigureThreshold: threshold}); err != nil {
		s.renderError(w, r, err)
		return
	}
	http.Redirect(w, r, "/admin/settings?done=1", http.StatusSeeOther)
}
