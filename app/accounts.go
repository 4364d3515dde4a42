package app

import (
	"context"
	"crypto/rand"
	"encoding/base64"
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
// its hash (casus.TokenHash) is stored.
func newResetToken() string {
	b := make([]byte, 32)
	rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// accountAdmin refuses anyone but the beheerder (casus.CanAdminister); the
// routes are guarded too, this keeps the use case safe at any door.
func accountAdmin(a Actor) error {
	if !casus.CanAdminister(a.User) {
		return &casus.Error{Code: casus.EFORBIDDEN, Key: "error.forbidden"}
	}
	return nil
}

// StartPasswordReset starts a password reset that the user completes: a
// one-time link to their own address, where they choose a new password,
// and, with reset2FA (a lost phone), set up two-factor authentication
// afresh. The beheerder never sets a password or removes a two-factor
// setup, so cannot log in as the user; the user is told in Casus and by
// mail, and the reset is a security event.
func (s *Service) StartPasswordReset(ctx context.Context, a Actor, userID string, reset2FA bool) error {
	if err := accountAdmin(a); err != nil {
		return err
	}
	if !casus.ValidID(userID) {
		return casus.ErrNotFound
	}
	token := newResetToken()
	return s.db.Update(ctx, func(tx *storage.Tx) error {
		u, err := tx.User(ctx, userID)
		if err != nil {
			return err
		}
		if u.Disabled {
			return &casus.Error{Code: casus.ECONFLICT, Key: "useradmin.already_deactivated"}
		}
		if err := tx.StartPasswordReset(ctx, &storage.PasswordReset{TokenHash: casus.TokenHash(token), UserID: u.ID,
			StartedBy: a.User.ID, Reset2FA: reset2FA, ExpiresAt: tx.Now().Add(passwordResetTTL)}); err != nil {
			return err
		}
		if err := tx.AddMessage(ctx, &casus.Message{UserID: u.ID, Key: casus.MsgPasswordResetStarted,
			Args: map[string]string{"By": a.User.Name}, Link: "/password-reset/" + token}); err != nil {
			return err
		}
		e := s.securityEventOn(a, casus.SecPasswordResetStarted, u)
		if reset2FA {
			e.Detail = "new two-factor setup asked"
		}
		return tx.LogSecurityEvent(ctx, e)
	})
}

// PasswordResetLink checks that the reset link of token works: unused, not
// expired (casus.ENOTFOUND otherwise).
func (s *Service) PasswordResetLink(ctx context.Context, token string) error {
	_, err := s.passwordReset(ctx, token)
	return err
}

func (s *Service) passwordReset(ctx context.Context, token string) (reset storage.PasswordReset, err error) {
	err = s.db.View(ctx, func(tx *storage.Tx) error {
		reset, err = tx.PasswordReset(ctx, casus.TokenHash(token))
		return err
	})
	return reset, err
}

// PasswordReset is a completed reset: the account, and whether the
// beheerder asked for a new two-factor setup.
type PasswordReset struct {
	User     casus.User
	Reset2FA bool
}

// ResetPassword completes a reset: the new password is set, the link is
// used up with every other of the user's, every session of the user ends
// (a new epoch), and the user is told; whoever holds the link acts as the
// user in the security events. When the beheerder asked for a new
// two-factor setup the old one is removed. errs are the errors the door
// found in the form: a link that does not work is refused first, then
// errs come back and nothing is written.
func (s *Service) ResetPassword(ctx context.Context, a Actor, token, password string, errs casus.ValidationErrors) (PasswordReset, error) {
	reset, err := s.passwordReset(ctx, token)
	if err != nil {
		return PasswordReset{}, err
	}
	if errs != nil {
		return PasswordReset{}, errs
	}
	hash, err := auth.HashPassword(password)
	if err != nil {
		return PasswordReset{}, err
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
		if err := s.resetEvents(ctx, tx, a, u, reset.Reset2FA); err != nil {
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
	return PasswordReset{User: u, Reset2FA: reset.Reset2FA}, err
}

// resetEvents removes the two-factor setup when the reset asks it and
// records the reset's security events, with the user as the actor.
func (s *Service) resetEvents(ctx context.Context, tx *storage.Tx, a Actor, u casus.User, reset2FA bool) error {
	event := func(kind casus.SecurityEventKind, detail string) error {
		e := s.securityEventOn(a, kind, u)
		// Whoever holds the link acts as the user.
		e.ActorID, e.ActorName, e.Detail = u.ID, u.Name, detail
		return tx.LogSecurityEvent(ctx, e)
	}
	if reset2FA && u.TOTPEnabled {
		if err := tx.SetTOTP(ctx, u.ID, "", false); err != nil {
			return err
		}
		if err := event(casus.Sec2FARemoved, "password reset"); err != nil {
			return err
		}
	}
	return event(casus.SecPasswordResetCompleted, "")
}

// PasswordChange is the form of the actor's own password change: the
// current password, with two-factor on a current code, and the new password.
type PasswordChange struct {
	Current, Code, Password string
}

// ChangePassword changes the actor's own password. It asks for the current
// password and, with two-factor on, a current code, so a browser left open
// is not enough to take the account; both are throttled like a login. A
// wrong one comes back as casus.ValidationErrors, after the attempt is
// counted. The new session epoch it returns ends the user's other sessions.
func (s *Service) ChangePassword(ctx context.Context, a Actor, au Auth, in PasswordChange) (epoch int, err error) {
	u := a.User
	att := auth.Attempt{Login: "password:" + u.ID, Address: a.ClientAddr}
	var oldHash string
	var delay time.Duration
	if err := s.db.View(ctx, func(tx *storage.Tx) error {
		var err error
		if delay, err = au.Throttle.Allow(ctx, tx, att); err != nil {
			return err
		}
		oldHash, err = tx.PasswordHash(ctx, u.ID)
		return err
	}); err != nil {
		return 0, err
	}
	// Slow down before refusing, as at the login.
	if err := au.Throttle.Wait(ctx, delay); err != nil {
		return 0, ErrClientGone
	}
	// Hash outside the transaction: it takes tens of milliseconds.
	okPassword := auth.CheckPassword(in.Current, oldHash)
	var newHash string
	if okPassword {
		if newHash, err = auth.HashPassword(in.Password); err != nil {
			return 0, err
		}
	}
	var errs casus.ValidationErrors
	err = s.db.Update(ctx, func(tx *storage.Tx) error {
		ok := okPassword
		if ok && u.TOTPEnabled {
			var err error
			if ok, err = s.useTOTPCode(ctx, tx, au, u.ID, in.Code); err != nil {
				return err
			}
			if !ok {
				errs = append(errs, casus.FieldError("code", "error.bad_code", nil))
			}
		} else if !ok {
			errs = append(errs, casus.FieldError("current", "error.bad_current_password", nil))
		}
		if err := au.Throttle.Record(ctx, tx, att, ok); err != nil || !ok {
			return err
		}
		if epoch, err = s.passwordChanged(ctx, tx, a, newHash); err != nil {
			return err
		}
		return nil
	})
	if err == nil && errs != nil {
		return 0, errs
	}
	return epoch, err
}

// passwordChanged sets the actor's new password, records it and tells
// them; it returns the account's new session epoch.
func (s *Service) passwordChanged(ctx context.Context, tx *storage.Tx, a Actor, hash string) (int, error) {
	u := a.User
	if err := tx.SetPassword(ctx, u.ID, hash); err != nil {
		return 0, err
	}
	if err := tx.LogSecurityEvent(ctx, s.securityEventOn(a, casus.SecPasswordChanged, u)); err != nil {
		return 0, err
	}
	if err := tx.AddMessage(ctx, &casus.Message{UserID: u.ID, Key: casus.MsgPasswordChanged, Args: map[string]string{}}); err != nil {
		return 0, err
	}
	nu, err := tx.User(ctx, u.ID)
	return nu.SessionEpoch, err
}

// AdminAccount is what the beheerder's page of one account shows.
type AdminAccount struct {
	Account      casus.User
	ResetPending bool // a reset link sent to the account still works
}

// AdminUser shows one account to the beheerder.
func (s *Service) AdminUser(ctx context.Context, a Actor, userID string) (AdminAccount, error) {
	var page AdminAccount
	if err := accountAdmin(a); err != nil {
		return page, err
	}
	if !casus.ValidID(userID) {
		return page, casus.ErrNotFound
	}
	err := s.db.View(ctx, func(tx *storage.Tx) error {
		var err error
		if page.Account, err = tx.User(ctx, userID); err != nil {
			return err
		}
		pending, err := tx.PendingPasswordResets(ctx)
		page.ResetPending = pending[userID]
		return err
	})
	return page, err
}

// SetUserRoles replaces an account's roles, as a security event naming the
// roles before and after; saved as they were, nothing is recorded. An
// account needs a role, and the beheerder cannot take the beheerder role
// from themselves: nobody would be left to give it back
// (casus.ValidationErrors).
func (s *Service) SetUserRoles(ctx context.Context, a Actor, userID string, roles []casus.Role) error {
	if err := accountAdmin(a); err != nil {
		return err
	}
	if !casus.ValidID(userID) {
		return casus.ErrNotFound
	}
	switch {
	case len(roles) == 0:
		return casus.ValidationErrors{casus.FieldError("roles", "useradmin.roles_required", nil)}
	case userID == a.User.ID && !slices.Contains(roles, casus.RoleAdmin):
		return casus.ValidationErrors{casus.FieldError("roles", "useradmin.own_admin_role", nil)}
	}
	roles = rolesInOrder(roles)
	return s.db.Update(ctx, func(tx *storage.Tx) error {
		u, err := tx.User(ctx, userID)
		if err != nil {
			return err
		}
		before := rolesInOrder(u.Roles)
		if slices.Equal(before, roles) {
			return nil // saved as it was: nothing to record
		}
		if err := tx.SetRoles(ctx, userID, roles); err != nil {
			return err
		}
		e := s.securityEventOn(a, casus.SecRolesChanged, u)
		e.Detail = roleNames(before) + " → " + roleNames(roles)
		return tx.LogSecurityEvent(ctx, e)
	})
}

// rolesInOrder sorts roles in the order of casus.Roles, in which they are
// compared and recorded.
func rolesInOrder(rs []casus.Role) []casus.Role {
	rs = slices.Clone(rs)
	slices.SortFunc(rs, func(a, b casus.Role) int { return slices.Index(casus.Roles, a) - slices.Index(casus.Roles, b) })
	return rs
}

func roleNames(rs []casus.Role) string {
	names := make([]string, len(rs))
	for i, r := range rs {
		names[i] = string(r)
	}
	return strings.Join(names, ", ")
}

// DeactivateUser disables an account and ends its sessions, as a security
// event. The beheerder cannot deactivate themselves.
func (s *Service) DeactivateUser(ctx context.Context, a Actor, userID string) error {
	if err := accountAdmin(a); err != nil {
		return err
	}
	if !casus.ValidID(userID) {
		return casus.ErrNotFound
	}
	if userID == a.User.ID {
		return &casus.Error{Code: casus.ECONFLICT, Key: "useradmin.own_deactivate"}
	}
	return s.db.Update(ctx, func(tx *storage.Tx) error {
		u, err := tx.User(ctx, userID)
		if err != nil {
			return err
		}
		if u.Disabled {
			return &casus.Error{Code: casus.ECONFLICT, Key: "useradmin.already_deactivated"}
		}
		if err := tx.Deactivate(ctx, userID); err != nil {
			return err
		}
		return tx.LogSecurityEvent(ctx, s.securityEventOn(a, casus.SecAccountDeactivated, u))
	})
}

// ActivateUser switches an inactive account on — an account deactivated
// earlier, or a mentor's account the student import created inactive —
// and sends its owner an invitation to choose a password and set up
// two-factor authentication, as for a new account: the beheerder never
// knows a password that opens it. Both are security events.
func (s *Service) ActivateUser(ctx context.Context, a Actor, userID string) error {
	if err := accountAdmin(a); err != nil {
		return err
	}
	if !casus.ValidID(userID) {
		return casus.ErrNotFound
	}
	token := newResetToken()
	return s.db.Update(ctx, func(tx *storage.Tx) error {
		u, err := tx.User(ctx, userID)
		if err != nil {
			return err
		}
		if !u.Disabled {
			return &casus.Error{Code: casus.ECONFLICT, Key: "useradmin.already_active"}
		}
		if err := tx.Activate(ctx, userID); err != nil {
			return err
		}
		if err := tx.LogSecurityEvent(ctx, s.securityEventOn(a, casus.SecAccountActivated, u)); err != nil {
			return err
		}
		if err := invite(ctx, tx, a, u, token); err != nil {
			return err
		}
		e := s.securityEventOn(a, casus.SecPasswordResetStarted, u)
		e.Detail = "invitation to choose a password sent on activation"
		return tx.LogSecurityEvent(ctx, e)
	})
}
