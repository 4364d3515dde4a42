package app

import (
	"context"
	"errors"
	"time"

	"casus"
	"casus/auth"
	"casus/storage"
)

// Auth is what the login and account use cases need besides the store:
// the login throttle, the sealer of two-factor secrets (both made in
// cmd/casus), and whether demo accounts may skip two-factor authentication.
type Auth struct {
	Throttle *auth.Throttle
	Sealer   *auth.Sealer
	DemoMode bool
}

// How a login was made, as the security-event log says it.
const (
	LoginByPassword = "password"
	LoginBySSO      = "single sign-on"
	loginWithTOTP   = " + two-factor code"
)

// settingRequire2FAAll is the beheerder's setting that asks two-factor
// authentication of every account.
const settingRequire2FAAll = "require_2fa_all"

// SignIn is where a first factor that was accepted leads.
type SignIn struct {
	User casus.User
	// Via says how the first factor was given, for the security event of
	// the login.
	Via string
	// AskTOTP: the account has two-factor authentication; its code comes
	// next, and no session is started yet.
	AskTOTP bool
	// Enroll: the account must use two-factor authentication and has none
	// yet; the session serves the setup page only until it has.
	Enroll bool
}

// LoginInput is a login form: the name typed, the password, and the token
// of the browser's trusted-device cookie ("" when none).
type LoginInput struct {
	Login, Password, Device string
}

// Login checks a password. The throttle counts per account (whichever name
// was typed) and per address, slows down before refusing, and refuses with
// casus.ETHROTTLED once the limit is reached (recorded as a lockout); a
// wrong name or password is auth.ErrBadCredentials, recorded as a failed
// login in the transaction that counts it.
func (s *Service) Login(ctx context.Context, a Actor, au Auth, in LoginInput) (SignIn, error) {
	att := auth.Attempt{Login: in.Login, Address: a.ClientAddr}
	var u casus.User
	var hash string
	var delay time.Duration
	err := s.db.View(ctx, func(tx *storage.Tx) error {
		var err error
		u, hash, err = tx.UserForLogin(ctx, in.Login)
		if casus.ErrorCode(err) == casus.ENOTFOUND {
			u, hash, err = casus.User{}, "", nil
		}
		if err != nil {
			return err
		}
		if u.ID != "" {
			// Count per account, whichever name it was typed as.
			att.Login = u.ID
		}
		if att.Device, err = s.trustedDevice(ctx, tx, au, in.Device, u.ID); err != nil {
			return err
		}
		delay, err = au.Throttle.Allow(ctx, tx, att)
		return err
	})
	if err != nil {
		return SignIn{}, s.loginLocked(ctx, a, au, err, s.loginEvent(a, casus.SecLoginLocked, u, in.Login, LoginByPassword))
	}
	// Slow down before refusing; the client may give up meanwhile.
	if err := au.Throttle.Wait(ctx, delay); err != nil {
		return SignIn{}, ErrClientGone
	}
	// Hash outside the transaction: it takes tens of milliseconds.
	ok := auth.CheckPassword(in.Password, hash) && !u.Disabled
	if err := s.db.Update(ctx, func(tx *storage.Tx) error {
		if err := au.Throttle.Record(ctx, tx, att, ok); err != nil || ok {
			return err
		}
		return tx.LogSecurityEvent(ctx, s.loginEvent(a, casus.SecLoginFailed, u, in.Login, LoginByPassword))
	}); err != nil {
		return SignIn{}, err
	}
	if !ok {
		return SignIn{}, auth.ErrBadCredentials
	}
	return s.signIn(ctx, au, u, LoginByPassword)
}

// signIn says where an accepted first factor leads: the account's own
// two-factor code, its setup when required, or the session.
func (s *Service) signIn(ctx context.Context, au Auth, u casus.User, via string) (SignIn, error) {
	in := SignIn{User: u, Via: via, AskTOTP: u.TOTPEnabled}
	if in.AskTOTP {
		return in, nil
	}
	var err error
	in.Enroll, err = s.Requires2FA(ctx, au, u)
	return in, err
}

// Requires2FA reports whether u must use two-factor authentication
// (casus.Requires2FA), given the beheerder's setting.
func (s *Service) Requires2FA(ctx context.Context, au Auth, u casus.User) (bool, error) {
	if need := casus.Requires2FA(u, au.DemoMode, false); need == casus.Requires2FA(u, au.DemoMode, true) {
		return need, nil // the setting makes no difference: no need to read it
	}
	var all string
	err := s.db.View(ctx, func(tx *storage.Tx) (err error) {
		all, err = tx.Setting(ctx, settingRequire2FAAll, "")
		return err
	})
	return casus.Requires2FA(u, au.DemoMode, all == "on"), err
}

// trustedDevice returns the hash of the browser's device token when the
// browser completed a login of the user before, within the trust period;
// otherwise "".
func (s *Service) trustedDevice(ctx context.Context, tx *storage.Tx, au Auth, token, userID string) (string, error) {
	if token == "" || userID == "" {
		return "", nil
	}
	h := au.Throttle.DeviceHash(token)
	trusted, err := tx.DeviceTrusted(ctx, h, userID, tx.Now().AddDate(0, 0, -auth.DeviceTrustDays))
	if err != nil || !trusted {
		return "", err
	}
	return h, nil
}

// loginEvent starts the security event of a login attempt for account u,
// or for the name typed when no account has it. The password is never in it.
func (s *Service) loginEvent(a Actor, kind casus.SecurityEventKind, u casus.User, typed, detail string) *casus.SecurityEvent {
	e := s.securityEventOn(a, kind, u)
	e.Detail = detail
	if u.ID == "" {
		e.TargetName = typed
	}
	return e
}

// loginLocked returns err, the throttle's refusal, after recording it as
// the lockout locked when it is one (casus.ETHROTTLED).
func (s *Service) loginLocked(ctx context.Context, a Actor, au Auth, err error, locked *casus.SecurityEvent) error {
	if casus.ErrorCode(err) == casus.ETHROTTLED {
		if lerr := s.recordLockout(ctx, au, locked); lerr != nil {
			return lerr
		}
	}
	return err
}

// recordLockout records a refusal by the throttle, once per target and
// address in the throttle's window: the first refusal is the lockout, the
// ones after it are the same lockout.
func (s *Service) recordLockout(ctx context.Context, au Auth, e *casus.SecurityEvent) error {
	since := s.Now().Add(-au.Throttle.Window)
	var seen bool
	if err := s.db.View(ctx, func(tx *storage.Tx) (err error) { seen, err = tx.LockoutRecorded(ctx, e, since); return err }); err != nil || seen {
		return err
	}
	e.Detail += "; refusals after it within the throttle's window are not recorded again"
	return s.db.Update(ctx, func(tx *storage.Tx) error { return tx.LogSecurityEvent(ctx, e) })
}

// ErrClientGone says the client gave up while the throttle slowed it down:
// there is nobody left to answer.
var ErrClientGone = errors.New("app: the client went away during the throttle's delay")

// ErrBadTOTPCode refuses a two-factor code that is wrong, used before, or
// of a deactivated account.
var ErrBadTOTPCode = &casus.Error{Code: casus.EUNAUTH, Key: "error.bad_code"}

// TOTPInput is the second step of a login: the account whose first factor
// was accepted, how it was given, the code, and the browser's
// trusted-device token.
type TOTPInput struct {
	UserID, Via, Code, Device string
}

// VerifyTOTP checks the two-factor code of a login, throttled like the
// password; a code is good once. A wrong code is ErrBadTOTPCode, recorded
// as a failed login. It returns how the login was made, for CompleteLogin.
func (s *Service) VerifyTOTP(ctx context.Context, a Actor, au Auth, in TOTPInput) (SignIn, error) {
	if in.Via == "" {
		in.Via = LoginByPassword
	}
	via := in.Via + loginWithTOTP
	att := auth.Attempt{Login: "totp:" + in.UserID, Address: a.ClientAddr}
	var u casus.User
	var delay time.Duration
	err := s.db.View(ctx, func(tx *storage.Tx) error {
		var err error
		if u, err = tx.User(ctx, in.UserID); err != nil {
			return err
		}
		// A known browser is not refused by its address's limit here either.
		if att.Device, err = s.trustedDevice(ctx, tx, au, in.Device, in.UserID); err != nil {
			return err
		}
		delay, err = au.Throttle.Allow(ctx, tx, att)
		return err
	})
	if err != nil {
		return SignIn{}, s.loginLocked(ctx, a, au, err, s.loginEvent(a, casus.SecLoginLocked, u, "", via))
	}
	if err := au.Throttle.Wait(ctx, delay); err != nil {
		return SignIn{}, ErrClientGone
	}
	ok := false
	err = s.db.Update(ctx, func(tx *storage.Tx) error {
		var err error
		if !u.Disabled {
			if ok, err = s.useTOTPCode(ctx, tx, au, u.ID, in.Code); err != nil {
				return err
			}
		}
		if err := au.Throttle.Record(ctx, tx, att, ok); err != nil || ok {
			return err
		}
		return tx.LogSecurityEvent(ctx, s.loginEvent(a, casus.SecLoginFailed, u, "", via))
	})
	if err == nil && !ok {
		err = ErrBadTOTPCode
	}
	return SignIn{User: u, Via: via}, err
}

// useTOTPCode reports whether code is the user's current two-factor code,
// not used before; a good code is used up.
func (s *Service) useTOTPCode(ctx context.Context, tx *storage.Tx, au Auth, userID, code string) (bool, error) {
	sealed, err := tx.TOTPSecret(ctx, userID)
	if err != nil {
		return false, err
	}
	secret, err := au.Sealer.Open(sealed, userID)
	if err != nil {
		return false, err
	}
	step, valid := auth.CheckTOTP(secret, code, s.Now())
	if !valid {
		return false, nil
	}
	return tx.UseTOTPStep(ctx, userID, step)
}

// CompleteLogin records a login that is complete: the browser's device
// token (when the login is not held at the two-factor setup) is trusted,
// and the login (in.Via says how it was made) is a security event, in one
// transaction. An empty Via records none: the session only leaves the
// setup.
func (s *Service) CompleteLogin(ctx context.Context, a Actor, au Auth, in SignIn, deviceToken string) error {
	u := in.User
	return s.db.Update(ctx, func(tx *storage.Tx) error {
		if !in.Enroll {
			if err := tx.TrustDevice(ctx, au.Throttle.DeviceHash(deviceToken), u.ID); err != nil {
				return err
			}
		}
		if in.Via == "" {
			return nil
		}
		e := s.securityEventOn(a, casus.SecLoginSucceeded, u)
		e.ActorID, e.ActorName, e.Detail = u.ID, u.Name, in.Via
		if in.Enroll {
			e.Detail += "; two-factor setup required"
		}
		return tx.LogSecurityEvent(ctx, e)
	})
}

// EnrollTOTP turns on two-factor authentication for the actor with the
// secret their app proved to have by the code of step (auth.CheckTOTP),
// which is then used up; a security event records it.
func (s *Service) EnrollTOTP(ctx context.Context, a Actor, au Auth, secret string, step int64) error {
	u := a.User
	return s.db.Update(ctx, func(tx *storage.Tx) error {
		cur, err := tx.User(ctx, u.ID)
		if err != nil {
			return err
		}
		if cur.TOTPEnabled {
			return &casus.Error{Code: casus.ECONFLICT, Key: "error.totp_already"}
		}
		if err := tx.SetTOTP(ctx, u.ID, au.Sealer.Seal(secret, u.ID), true); err != nil {
			return err
		}
		if _, err := tx.UseTOTPStep(ctx, u.ID, step); err != nil {
			return err
		}
		return tx.LogSecurityEvent(ctx, s.securityEventOn(a, casus.Sec2FAEnrolled, u))
	})
}

// EndSessions ends every session of the actor ("log out everywhere"), as a
// security event.
func (s *Service) EndSessions(ctx context.Context, a Actor) error {
	return s.db.Update(ctx, func(tx *storage.Tx) error {
		if err := tx.EndSessions(ctx, a.User.ID); err != nil {
			return err
		}
		return tx.LogSecurityEvent(ctx, s.securityEventOn(a, casus.SecSessionsEnded, a.User))
	})
}

// SetLanguage keeps the actor's language with the account: their e-mail is
// written in it.
func (s *Service) SetLanguage(ctx context.Context, a Actor, lang string) error {
	return s.db.Update(ctx, func(tx *storage.Tx) error { return tx.SetUserLang(ctx, a.User.ID, lang) })
}

// SessionUser returns the account of a session: casus.ErrNotFound when the
// account is gone or deactivated, or the session is of an older epoch
// (after "log out everywhere" or a password change or reset) — such a
// session ends.
func (s *Service) SessionUser(ctx context.Context, userID string, epoch int) (casus.User, error) {
	var u casus.User
	err := s.db.View(ctx, func(tx *storage.Tx) (err error) {
		u, err = tx.User(ctx, userID)
		return err
	})
	if err == nil && (u.Disabled || u.SessionEpoch != epoch) {
		return casus.User{}, casus.ErrNotFound
	}
	return u, err
}
