package web

import (
	"context"
	"errors"
	"net/http"
	"slices"

	"casus"
	"casus/app"
	"casus/auth"
)

// handleAdminStartReset starts a password reset that the user completes: a
// one-time link to their own address, where they choose a new password,
// and, when the beheerder asks for it (a lost phone), set up two-factor
// authentication afresh. The beheerder never sets a password or removes a
// two-factor setup, so cannot log in as the user; the user is told in Casus
// and by mail, and the reset is a security event.
func (s *Server) handleAdminStartReset(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	if !casus.ValidID(id) {
		s.renderError(w, r, casus.ErrNotFound)
		return
	}
	f, err := parseForm(w, r)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	reset2FA := f.choice("reset_2fa", false, "on") == "on"
	if f.Errs != nil {
		s.renderError(w, r, f.Errs)
		return
	}
	if err := s.app.StartPasswordReset(r.Context(), s.actor(r), id, reset2FA); err != nil {
		s.renderError(w, r, err)
		return
	}
	http.Redirect(w, r, "/admin/users?done=reset", http.StatusSeeOther)
}

// resetPage is the data of the page where a user completes a reset.
type resetPage struct {
	Token string
	Done  bool
}

// handlePasswordResetForm shows the form of a reset link that works.
func (s *Server) handlePasswordResetForm(w http.ResponseWriter, r *http.Request) {
	token := r.PathValue("token")
	if err := s.app.PasswordResetLink(r.Context(), token); err != nil {
		s.renderError(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "password_reset", s.newView(r, "reset.title", resetPage{Token: token}))
}

// handlePasswordReset completes a reset (app.ResetPassword): the new
// password is set, the link is used up, every session of the user ends,
// and the user is told. When the beheerder asked for a new two-factor setup
// the user sets up a new one right away, in this browser.
func (s *Server) handlePasswordReset(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	token := r.PathValue("token")
	f, err := parseForm(w, r)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	password := f.secret("password", auth.MaxPasswordLen)
	if e := auth.ValidateNewPassword("password", password); e != nil && f.Error("password") == nil {
		f.Errs = append(f.Errs, e)
	}
	done, err := s.app.ResetPassword(ctx, s.actor(r), token, password, f.Errs)
	if _, ok := validationErrors(err); ok {
		v := s.newView(r, "reset.title", resetPage{Token: token})
		v.Form = f
		s.render(w, r, http.StatusBadRequest, "password_reset", v)
		return
	}
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	if done.Reset2FA {
		required, err := s.app.Requires2FA(ctx, s.auth(), done.User)
		if err != nil {
			s.renderError(w, r, err)
			return
		}
		if required {
			// The user set up no second factor yet: the session serves the
			// setup page only until they have.
			s.completeLogin(w, r, done.User, true)
			return
		}
	}
	if err := s.sessions.Destroy(ctx); err != nil {
		s.renderError(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "password_reset", s.newView(r, "reset.title", resetPage{Done: true}))
}

// accountPage is the data of the account page.
type accountPage struct {
	TOTP  bool
	Saved bool
}

// handleAccount shows the user's own account: change the password, two-factor
// setup, log out everywhere.
func (s *Server) handleAccount(w http.ResponseWriter, r *http.Request) {
	v := s.newView(r, "account.title", accountPage{TOTP: state(r).user.TOTPEnabled, Saved: r.URL.Query().Get("done") == "1"})
	s.render(w, r, http.StatusOK, "account", v)
}

// handlePasswordChange changes the user's own password. It asks for the
// current password and, with two-factor on, a current code, so a browser
// left open is not enough to take the account. The user's other sessions
// end; this one goes on with a new token.
func (s *Server) handlePasswordChange(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	u := *state(r).user
	f, err := parseForm(w, r)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	current := f.secret("current", auth.MaxPasswordLen)
	code := ""
	if u.TOTPEnabled {
		code = f.digits("code", 6)
	}
	password := f.secret("password", auth.MaxPasswordLen)
	if e := auth.ValidateNewPassword("password", password); e != nil && f.Error("password") == nil {
		f.Errs = append(f.Errs, e)
	}
	refuse := func(status int) {
		v := s.newView(r, "account.title", accountPage{TOTP: u.TOTPEnabled})
		v.Form = f
		s.render(w, r, status, "account", v)
	}
	if f.Errs != nil {
		refuse(http.StatusBadRequest)
		return
	}
	epoch, err := s.app.ChangePassword(ctx, s.actor(r), s.auth(), app.PasswordChange{Current: current, Code: code, Password: password})
	if errs, ok := validationErrors(err); ok {
		f.Errs = errs
		refuse(http.StatusBadRequest)
		return
	}
	switch {
	case errors.Is(err, app.ErrClientGone):
		return
	case err != nil:
		s.renderError(w, r, err)
		return
	}
	// The new epoch ends every other session; this one carries on, with a
	// new token.
	if err := s.sessions.RenewToken(ctx); err != nil {
		s.renderError(w, r, err)
		return
	}
	s.sessions.Put(ctx, sessEpoch, epoch)
	http.Redirect(w, r, "/account?done=1", http.StatusSeeOther)
}

// userPage is the data of the beheerder's page of one account.
type userPage struct {
	Account      casus.User
	Roles        []casus.Role
	Self         bool
	ResetPending bool // a reset link sent to the account still works
}

func (s *Server) userView(r *http.Request, id string, f *form) (*view, error) {
	page := userPage{Roles: casus.Roles, Self: id == state(r).user.ID}
	acc, err := s.app.AdminUser(r.Context(), s.actor(r), id)
	if err != nil {
		return nil, err
	}
	page.Account, page.ResetPending = acc.Account, acc.ResetPending
	if f == nil {
		f = &form{Values: map[string][]string{"roles": stringsOf(page.Account.Roles)}}
	}
	v := s.newView(r, "useradmin.title", page)
	v.Form = f
	return v, nil
}

// handleAdminUser shows one account to the beheerder: its roles, and
// deactivating it.
func (s *Server) handleAdminUser(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	if !casus.ValidID(id) {
		s.renderError(w, r, casus.ErrNotFound)
		return
	}
	v, err := s.userView(r, id, nil)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	switch r.URL.Query().Get("done") {
	case "roles":
		v.Notice = "useradmin.roles_saved"
	case "deactivated":
		v.Notice = "useradmin.deactivated"
	case "activated":
		v.Notice = "useradmin.activated"
	}
	s.render(w, r, http.StatusOK, "user_admin", v)
}

// handleAdminUserRoles replaces an account's roles, as a security event
// naming the roles before and after. The beheerder cannot take the
// beheerder role from themselves: nobody would be left to give it back.
func (s *Server) handleAdminUserRoles(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	if !casus.ValidID(id) {
		s.renderError(w, r, casus.ErrNotFound)
		return
	}
	f, err := parseForm(w, r)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	var roles []casus.Role
	for _, v := range f.Values["roles"] {
		role := casus.Role(v)
		if !role.Valid() || slices.Contains(roles, role) {
			f.fail("roles", "error.choice", nil)
			break
		}
		roles = append(roles, role)
	}
	if f.Errs == nil {
		err = s.app.SetUserRoles(r.Context(), s.actor(r), id, roles)
		if errs, ok := validationErrors(err); ok {
			f.Errs = errs
		} else if err != nil {
			s.renderError(w, r, err)
			return
		}
	}
	if f.Errs != nil {
		v, err := s.userView(r, id, f)
		if err != nil {
			s.renderError(w, r, err)
			return
		}
		s.render(w, r, http.StatusBadRequest, "user_admin", v)
		return
	}
	http.Redirect(w, r, "/admin/users/"+id+"?done=roles", http.StatusSeeOther)
}

// handleAdminDeactivate disables an account and ends its sessions, as a
// security event. The beheerder cannot deactivate themselves.
func (s *Server) handleAdminDeactivate(w http.ResponseWriter, r *http.Request) {
	s.accountSwitch(w, r, s.app.DeactivateUser, "deactivated")
}

// handleAdminActivate switches an inactive account on and invites its
// owner (app.ActivateUser).
func (s *Server) handleAdminActivate(w http.ResponseWriter, r *http.Request) {
	s.accountSwitch(w, r, s.app.ActivateUser, "activated")
}

// accountSwitch runs a use case that switches the account of the path on
// or off, and goes back to the account's page saying done.
func (s *Server) accountSwitch(w http.ResponseWriter, r *http.Request, use func(context.Context, app.Actor, string) error, done string) {
	id := r.PathValue("id")
	if !casus.ValidID(id) {
		s.renderError(w, r, casus.ErrNotFound)
		return
	}
	if _, err := parseForm(w, r); err != nil {
		s.renderError(w, r, err)
		return
	}
	if err := use(r.Context(), s.actor(r), id); err != nil {
		s.renderError(w, r, err)
		return
	}
	http.Redirect(w, r, "/admin/users/"+id+"?done="+done, http.StatusSeeOther)
}
