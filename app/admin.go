package app

import (
	"context"
	"fmt"

	"casus"
	"casus/storage"
)

// AdminUsers is the beheerder's list of accounts.
type AdminUsers struct {
	Users []casus.User
	// ResetPending holds the ids of users with a reset link that still works.
	ResetPending map[string]bool
}

// Users lists every account to the beheerder.
func (s *Service) Users(ctx context.Context, a Actor) (AdminUsers, error) {
	var page AdminUsers
	if err := accountAdmin(a); err != nil {
		return page, err
	}
	err := s.db.View(ctx, func(tx *storage.Tx) error {
		var err error
		if page.Users, err = tx.Users(ctx); err != nil {
			return err
		}
		page.ResetPending, err = tx.PendingPasswordResets(ctx)
		return err
	})
	return page, err
}

// CreateUser adds an account without a password: its owner gets a
// one-time link by mail (as with a reset) and chooses the password, and
// sets up two-factor authentication at the first login. The beheerder
// never knows a password that opens the account, so they cannot log in as
// a new zorgcoördinator before she does. A name or address in use is
// refused by storage (casus.ECONFLICT).
func (s *Service) CreateUser(ctx context.Context, a Actor, u casus.User) error {
	if err := accountAdmin(a); err != nil {
		return err
	}
	token := newResetToken()
	return s.db.Update(ctx, func(tx *storage.Tx) error {
		// No password hash: no password opens the account until its
		// owner chooses one through the link.
		if err := tx.CreateUser(ctx, &u, ""); err != nil {
			return err
		}
		if err := invite(ctx, tx, a, u, token); err != nil {
			return err
		}
		e := s.securityEventOn(a, casus.SecAccountCreated, u)
		e.Detail = "roles: " + roleNames(u.Roles) + "; invitation to choose a password sent"
		return tx.LogSecurityEvent(ctx, e)
	})
}

// invite sends u the invitation to choose a password with token: a reset
// with a new two-factor setup, so choosing the password leads straight on
// to setting up the second factor.
func invite(ctx context.Context, tx *storage.Tx, a Actor, u casus.User, token string) error {
	if err := tx.StartPasswordReset(ctx, &storage.PasswordReset{TokenHash: casus.TokenHash(token), UserID: u.ID,
		StartedBy: a.User.ID, Reset2FA: true, ExpiresAt: tx.Now().Add(accountInviteTTL)}); err != nil {
		return err
	}
	return tx.AddMessage(ctx, &casus.Message{UserID: u.ID, Key: casus.MsgAccountInvited,
		Args: map[string]string{"By": a.User.Name}, Link: "/password-reset/" + token})
}

// Settings are the beheerder's settings.
type Settings struct {
	// Require2FAAll asks two-factor authentication of every account, not
	// only of those that see student data (casus.Requires2FA).
	Require2FAAll bool
	// FigureThreshold is the count under which steering figures are hidden
	// (casus.MinFigureThreshold–casus.MaxFigureThreshold).
	FigureThreshold int
}

// Settings returns the beheerder's settings.
func (s *Service) Settings(ctx context.Context, a Actor) (Settings, error) {
	var set Settings
	if err := accountAdmin(a); err != nil {
		return set, err
	}
	err := s.db.View(ctx, func(tx *storage.Tx) error {
		v, err := tx.Setting(ctx, settingRequire2FAAll, "")
		set.Require2FAAll = v == "on"
		if err != nil {
			return err
		}
		set.FigureThreshold, err = tx.FigureThreshold(ctx)
		return err
	})
	return set, err
}

// SaveSettings saves the beheerder's settings, each change as a security
// event with the value before and after; saved as they were, nothing is
// recorded.
func (s *Service) SaveSettings(ctx context.Context, a Actor, set Settings) error {
	if err := accountAdmin(a); err != nil {
		return err
	}
	all := ""
	if set.Require2FAAll {
		all = "on"
	}
	return s.db.Update(ctx, func(tx *storage.Tx) error {
		old, err := tx.Setting(ctx, settingRequire2FAAll, "")
		if err != nil {
			return err
		}
		if old != all { // saved as it was: nothing to record
			if err := tx.SetSetting(ctx, settingRequire2FAAll, all); err != nil {
				return err
			}
			e := s.securityEventOf(a, casus.SecSettingsChanged)
			e.Detail = fmt.Sprintf("%s: %q → %q", settingRequire2FAAll, old, all)
			if err := tx.LogSecurityEvent(ctx, e); err != nil {
				return err
			}
		}
		if set.FigureThreshold == 0 {
			return nil
		}
		was, err := tx.FigureThreshold(ctx)
		if err != nil || was == set.FigureThreshold {
			return err
		}
		if err := tx.SetFigureThreshold(ctx, set.FigureThreshold); err != nil {
			return err
		}
		e := s.securityEventOf(a, casus.SecSettingsChanged)
		e.Detail = fmt.Sprintf("figures_threshold: %d → %d", was, set.FigureThreshold)
		return tx.LogSecurityEvent(ctx, e)
	})
}
