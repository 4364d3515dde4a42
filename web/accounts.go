package web

import (
	"crypto/rand"
	"encoding/base64"
	"net/http"
	"slices"
	"strings"
	"time"

	"casus"
	"casus/auth"
	"casus/storage"
)

// passwordResetTTL is how long a reset link works.
const passwordResetTTL = time.Hour

// accountInviteTTL is how long the link of a new account works: long enough
// to reach someone who reads their mail once a day.
const accountInviteTTL = 72 * time.Hour

// newResetToken returns the secret of a reset link: 256 random bits. Only
// its SHA-256 (tokenHash) is stored.
func newResetToken() string {
	b := make([]byte, 32)
	rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// handleAdminStartReset starts a password reset that the user completes: a
// one-time link to their own address, where they choose a new password,
// and, when the beheerder asks for it (a lost phone), set up two-factor
// authentication afresh. The beheerder never sets a password or removes a
// two-factor setup, so cannot log in as the user; the user is told in Casus
// and by mail, and the reset is a security event.
func (s *Server) handleAdminStartReset(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
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
	actor := state(r).user
	token := newResetToken()
	err = s.db.Update(ctx, func(tx *storage.Tx) error {
		u, err := tx.User(ctx, id)
		if err != nil {
			return err
		}
		if u.Disabled {
			return &casus.Error{Code: casus.ECONFLICT, Key: "useradmin.already_deactivated"}
		}
		if err := tx.StartPasswordReset(ctx, &storage.PasswordReset{TokenHash: tokenHash(token), UserID: u.ID,
			StartedBy: actor.ID, Reset2FA: reset2FA, ExpiresAt: tx.Now().Add(passwordResetTTL)}); err != nil {
			return err
		}
		if err := tx.AddMessage(ctx, &casus.Message{UserID: u.ID, Key: casus.MsgPasswordResetStarted,
			Args: map[string]string{"By": actor.Name}, Link: "/password-reset/" + token}); err != nil {
			return err
		}
		e := s.securityEvent(r, casus.SecPasswordResetStarted)
		e.TargetID, e.TargetName = u.ID, u.Name
		if reset2FA {
			e.Detail = "new two-factor setup asked"
		}
		return tx.LogSecurityEvent(ctx, e)
	})
	if err != nil {
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
	err := s.db.View(r.Context(), func(tx *storage.Tx) error {
		_, err := tx.PasswordReset(r.Context(), tokenHash(token))
		return err
	})
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "password_reset", s.newView(r, "reset.title", resetPage{Token: token}))
}

// handlePasswordReset completes a reset: the new password is set, the link
// is used up, every session of the user ends, and the user is told. When
// the beheerder asked for a new two-factor setup the old one is removed and
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
	var reset storage.PasswordReset
	if err := s.db.View(ctx, func(tx *storage.Tx) error {
		reset, err = tx.PasswordReset(ctx, tokenHash(token))
		return err
	}); err != nil {
		s.renderError(w, r, err)
		return
	}
	if f.Errs != nil {
		v := s.newView(r, "reset.title", resetPage{Token: token})
		v.Form = f
		s.render(w, r, http.StatusBadRequest, "password_reset", v)
		return
	}
	hash, err := auth.HashPassword(password)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	var u casus.User
	err = s.db.Update(ctx, func(tx *storage.Tx) error {
		if err := tx.UsePasswordReset(ctx, reset.TokenHash); err != nil {
			return err
		}
		var err error
		if u, err = tx.User(ctx, reset.UserID); err != nil {
			return err
		}
		if u.Disabled {
			return &casus.Error{Code: casus.ENOTFOUND, Key: "error.reset_link"}
		}
		if err := tx.SetPassword(ctx, u.ID, hash); err != nil {
			return err
		}
		event := func(kind casus.SecurityEventKind, detail string) error {
			e := s.securityEvent(r, kind)
			// Whoever holds the link acts as the user.
			e.ActorID, e.ActorName, e.TargetID, e.TargetName, e.Detail = u.ID, u.Name, u.ID, u.Name, detail
			return tx.LogSecurityEvent(ctx, e)
		}
		if reset.Reset2FA && u.TOTPEnabled {
			if err := tx.SetTOTP(ctx, u.ID, "", false); err != nil {
				return err
			}
			if err := event(casus.Sec2FARemoved, "password reset"); err != nil {
				return err
			}
		}
		if err := event(casus.SecPasswordResetCompleted, ""); err != nil {
			return err
		}
		if err := tx.ForgetResetLinks(ctx, u.ID); err != nil {
			return err
		}
		if err := tx.AddMessage(ctx, &casus.Message{UserID: u.ID, Key: casus.MsgPasswordChanged, Args: map[string]string{}}); err != nil {
			return err
		}
		u, err = tx.User(ctx, u.ID)
		return err
	})
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	if reset.Reset2FA {
		required, err := s.requires2FA(ctx, u)
		if err != nil {
			s.renderError(w, r, err)
			return
		}
		if required {
			// The user set up no second factor yet: the session serves the
			// setup page only until they have.
			s.completeLogin(w, r, u, true)
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
	a := auth.Attempt{Login: "password:" + u.ID, Address: s.clientAddr(r)}
	var oldHash string
	var delay time.Duration
	if err := s.db.View(ctx, func(tx *storage.Tx) error {
		var err error
		if delay, err = s.cfg.Throttle.Allow(ctx, tx, a); err != nil {
			return err
		}
		oldHash, err = tx.PasswordHash(ctx, u.ID)
		return err
	}); err != nil {
		s.renderError(w, r, err)
		return
	}
	// Slow down before refusing, as at the login.
	if err := s.cfg.Throttle.Wait(ctx, delay); err != nil {
		return
	}
	// Hash outside the transaction: it takes tens of milliseconds.
	okPassword := auth.CheckPassword(current, oldHash)
	var newHash string
	if okPassword {
		if newHash, err = auth.HashPassword(password); err != nil {
			s.renderError(w, r, err)
			return
		}
	}
	var epoch int
	err = s.db.Update(ctx, func(tx *storage.Tx) error {
		ok := okPassword
		if ok && u.TOTPEnabled {
			sealed, err := tx.TOTPSecret(ctx, u.ID)
			if err != nil {
				return err
			}
			secret, err := s.cfg.Sealer.Open(sealed, u.ID)
			if err != nil {
				return err
			}
			step, valid := auth.CheckTOTP(secret, code, s.now())
			if ok = valid; ok {
				if ok, err = tx.UseTOTPStep(ctx, u.ID, step); err != nil {
					return err
				}
			}
			if !ok {
				f.fail("code", "error.bad_code", nil)
			}
		} else if !ok {
			f.fail("current", "error.bad_current_password", nil)
		}
		if err := s.cfg.Throttle.Record(ctx, tx, a, ok); err != nil || !ok {
			return err
		}
		if err := tx.SetPassword(ctx, u.ID, newHash); err != nil {
			return err
		}
		e := s.securityEvent(r, casus.SecPasswordChanged)
		e.TargetID, e.TargetName = u.ID, u.Name
		if err := tx.LogSecurityEvent(ctx, e); err != nil {
			return err
		}
		if err := tx.AddMessage(ctx, &casus.Message{UserID: u.ID, Key: casus.MsgPasswordChanged, Args: map[string]string{}}); err != nil {
			return err
		}
		nu, err := tx.User(ctx, u.ID)
		epoch = nu.SessionEpoch
		return err
	})
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	if f.Errs != nil {
		refuse(http.StatusBadRequest)
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
	err := s.db.View(r.Context(), func(tx *storage.Tx) error {
		var err error
		if page.Account, err = tx.User(r.Context(), id); err != nil {
			return err
		}
		pending, err := tx.PendingPasswordResets(r.Context())
		page.ResetPending = pending[id]
		return err
	})
	if err != nil {
		return nil, err
	}
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
	}
	s.render(w, r, http.StatusOK, "user_admin", v)
}

// handleAdminUserRoles replaces an account's roles, as a security event
// naming the roles before and after. The beheerder cannot take the
// beheerder role from themselves: nobody would be left to give it back.
func (s *Server) handleAdminUserRoles(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
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
	if f.Errs == nil && len(roles) == 0 {
		f.fail("roles", "useradmin.roles_required", nil)
	}
	if f.Errs == nil && id == state(r).user.ID && !slices.Contains(roles, casus.RoleAdmin) {
		f.fail("roles", "useradmin.own_admin_role", nil)
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
	// Compared and recorded in the order of casus.Roles.
	inOrder := func(rs []casus.Role) {
		slices.SortFunc(rs, func(a, b casus.Role) int { return slices.Index(casus.Roles, a) - slices.Index(casus.Roles, b) })
	}
	inOrder(roles)
	err = s.db.Update(ctx, func(tx *storage.Tx) error {
		u, err := tx.User(ctx, id)
		if err != nil {
			return err
		}
		inOrder(u.Roles)
		if slices.Equal(u.Roles, roles) {
			return nil // saved as it was: nothing to record
		}
		if err := tx.SetRoles(ctx, id, roles); err != nil {
			return err
		}
		e := s.securityEvent(r, casus.SecRolesChanged)
		e.TargetID, e.TargetName = u.ID, u.Name
		e.Detail = strings.Join(stringsOf(u.Roles), ", ") + " → " + strings.Join(stringsOf(roles), ", ")
		return tx.LogSecurityEvent(ctx, e)
	})
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	http.Redirect(w, r, "/admin/users/"+id+"?done=roles", http.StatusSeeOther)
}

// handleAdminDeactivate disables an account and ends its sessions, as a
// security event. The beheerder cannot deactivate themselves.
func (s *Server) handleAdminDeactivate(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	id := r.PathValue("id")
	if !casus.ValidID(id) {
		s.renderError(w, r, casus.ErrNotFound)
		return
	}
	if _, err := parseForm(w, r); err != nil {
		s.renderError(w, r, err)
		return
	}
	if id == state(r).user.ID {
		s.renderError(w, r, &casus.Error{Code: casus.ECONFLICT, Key: "useradmin.own_deactivate"})
		return
	}
	err := s.db.Update(ctx, func(tx *storage.Tx) error {
		u, err := tx.User(ctx, id)
		if err != nil {
			return err
		}
		if u.Disabled {
			return &casus.Error{Code: casus.ECONFLICT, Key: "useradmin.already_deactivated"}
		}
		if err := tx.Deactivate(ctx, id); err != nil {
			return err
		}
		e := s.securityEvent(r, casus.SecAccountDeactivated)
		e.TargetID, e.TargetName = u.ID, u.Name
		return tx.LogSecurityEvent(ctx, e)
	})
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	http.Redirect(w, r, "/admin/users/"+id+"?done=deactivated", http.StatusSeeOther)
}
