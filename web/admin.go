package web

import (
	"fmt"
	"net/http"
	"strings"

	"casus"
	"casus/storage"
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
	err := s.db.View(r.Context(), func(tx *storage.Tx) error {
		var err error
		if page.Users, err = tx.Users(r.Context()); err != nil {
			return err
		}
		page.ResetPending, err = tx.PendingPasswordResets(r.Context())
		return err
	})
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
	ctx := r.Context()
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
		actor := state(r).user
		token := newResetToken()
		err = s.db.Update(ctx, func(tx *storage.Tx) error {
			// No password hash: no password opens the account until its
			// owner chooses one through the link.
			if err := tx.CreateUser(ctx, &u, ""); err != nil {
				return err
			}
			// As a reset with a new two-factor setup: choosing the password
			// leads straight on to setting up the second factor.
			if err := tx.StartPasswordReset(ctx, &storage.PasswordReset{TokenHash: tokenHash(token), UserID: u.ID,
				StartedBy: actor.ID, Reset2FA: true, ExpiresAt: tx.Now().Add(accountInviteTTL)}); err != nil {
				return err
			}
			if err := tx.AddMessage(ctx, &casus.Message{UserID: u.ID, Key: casus.MsgAccountInvited,
				Args: map[string]string{"By": actor.Name}, Link: "/password-reset/" + token}); err != nil {
				return err
			}
			e := s.securityEvent(r, casus.SecAccountCreated)
			e.TargetID, e.TargetName = u.ID, u.Name
			e.Detail = "roles: " + strings.Join(stringsOf(u.Roles), ", ") + "; invitation to choose a password sent"
			return tx.LogSecurityEvent(ctx, e)
		})
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
	var page settingsPage
	err := s.db.View(r.Context(), func(tx *storage.Tx) error {
		v, err := tx.Setting(r.Context(), settingRequire2FAAll, "")
		page.Require2FAAll = v == "on"
		return err
	})
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	page.Saved = r.URL.Query().Get("done") == "1"
	s.render(w, r, http.StatusOK, "settings", s.newView(r, "settings.title", page))
}

func (s *Server) handleAdminSaveSettings(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	f, err := parseForm(w, r)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	all := f.choice(settingRequire2FAAll, false, "on")
	if f.Errs != nil {
		s.renderError(w, r, f.Errs)
		return
	}
	if err := s.db.Update(ctx, func(tx *storage.Tx) error {
		old, err := tx.Setting(ctx, settingRequire2FAAll, "")
		if err != nil || old == all {
			return err // saved as it was: nothing to record
		}
		if err := tx.SetSetting(ctx, settingRequire2FAAll, all); err != nil {
			return err
		}
		e := s.securityEvent(r, casus.SecSettingsChanged)
		e.Detail = fmt.Sprintf("%s: %q → %q", settingRequire2FAAll, old, all)
		return tx.LogSecurityEvent(ctx, e)
	}); err != nil {
		s.renderError(w, r, err)
		return
	}
	http.Redirect(w, r, "/admin/settings?done=1", http.StatusSeeOther)
}
