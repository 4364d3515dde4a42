package web

import (
	"bytes"
	"context"
	"encoding/base64"
	"image/png"
	"net/http"
	"time"

	"casus"
	"casus/auth"
	"casus/storage"
)

// Setting keys.
const settingRequire2FAAll = "require_2fa_all"

func (s *Server) handleLoginForm(w http.ResponseWriter, r *http.Request) {
	if state(r).user != nil {
		http.Redirect(w, r, "/", http.StatusSeeOther)
		return
	}
	s.render(w, r, http.StatusOK, "login", s.loginView(r, nil))
}

func (s *Server) loginView(r *http.Request, f *form) *view {
	v := s.newView(r, "login.title", map[string]any{"OIDC": s.oidc != nil})
	v.Form = f
	return v
}

func (s *Server) handleLogin(w http.ResponseWriter, r *http.Request) {
	f, err := parseForm(w, r)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	login := f.text("login", textRule{required: true, max: 254})
	password := f.secret("password", auth.MaxPasswordLen)
	if f.Errs != nil {
		s.render(w, r, http.StatusBadRequest, "login", s.loginView(r, f))
		return
	}
	ctx := r.Context()
	a := auth.Attempt{Login: login, Address: s.clientAddr(r)}
	var u casus.User
	var hash string
	var delay time.Duration
	err = s.db.View(ctx, func(tx *storage.Tx) error {
		var err error
		u, hash, err = tx.UserForLogin(ctx, login)
		if casus.ErrorCode(err) == casus.ENOTFOUND {
			u, hash, err = casus.User{}, "", nil
		}
		if err != nil {
			return err
		}
		if u.ID != "" {
			// Count per account, whichever name it was typed as.
			a.Login = u.ID
		}
		if a.Device, err = s.trustedDevice(ctx, tx, r, u.ID); err != nil {
			return err
		}
		delay, err = s.cfg.Throttle.Allow(ctx, tx, a)
		return err
	})
	if err != nil {
		s.loginFailed(w, r, f, err, s.loginEvent(r, casus.SecLoginLocked, u, login, loginByPassword))
		return
	}
	// Slow down before refusing; the client may give up meanwhile.
	if err := s.cfg.Throttle.Wait(ctx, delay); err != nil {
		return
	}
	// Hash outside the transaction: it takes tens of milliseconds.
	ok := auth.CheckPassword(password, hash) && !u.Disabled
	if err := s.db.Update(ctx, func(tx *storage.Tx) error {
		if err := s.cfg.Throttle.Record(ctx, tx, a, ok); err != nil || ok {
			return err
		}
		return tx.LogSecurityEvent(ctx, s.loginEvent(r, casus.SecLoginFailed, u, login, loginByPassword))
	}); err != nil {
		s.renderError(w, r, err)
		return
	}
	if !ok {
		s.loginFailed(w, r, f, auth.ErrBadCredentials, nil)
		return
	}
	if u.TOTPEnabled {
		s.askTOTP(w, r, u, loginByPassword)
		return
	}
	required, err := s.requires2FA(ctx, u)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	s.startSession(w, r, u, required, loginByPassword)
}

// trustedDevice returns the hash of the browser's device cookie when the
// browser completed a login of the user before, within the trust period;
// otherwise "".
func (s *Server) trustedDevice(ctx context.Context, tx *storage.Tx, r *http.Request, userID string) (string, error) {
	tok := cookieValue(r, cookieDevice)
	if tok == "" || userID == "" {
		return "", nil
	}
	h := s.cfg.Throttle.DeviceHash(tok)
	trusted, err := tx.DeviceTrusted(ctx, h, userID, tx.Now().AddDate(0, 0, -auth.DeviceTrustDays))
	if err != nil || !trusted {
		return "", err
	}
	return h, nil
}

// How a login was made, as the security-event log says it.
const (
	loginByPassword = "password"
	loginBySSO      = "single sign-on"
	loginWithTOTP   = " + two-factor code"
)

// loginEvent starts the security event of a login attempt for account u,
// or for the name typed when no account has it. The password is never in it.
func (s *Server) loginEvent(r *http.Request, kind casus.SecurityEventKind, u casus.User, typed, detail string) *casus.SecurityEvent {
	e := s.securityEvent(r, kind)
	e.TargetID, e.TargetName, e.Detail = u.ID, u.Name, detail
	if u.ID == "" {
		e.TargetName = typed
	}
	return e
}

// askTOTP keeps the user between the first factor and the code: the
// session knows who, and how the first factor was given, not yet a login.
func (s *Server) askTOTP(w http.ResponseWriter, r *http.Request, u casus.User, via string) {
	ctx := r.Context()
	if err := s.sessions.RenewToken(ctx); err != nil {
		s.renderError(w, r, err)
		return
	}
	s.sessions.Put(ctx, sessPending, u.ID)
	s.sessions.Put(ctx, sessPendingVia, via)
	http.Redirect(w, r, "/login/2fa", http.StatusSeeOther)
}

// sessPendingVia says how the pending user gave the first factor.
const sessPendingVia = "pending_via"

// loginFailed answers a refused login. A refusal by the throttle is recorded
// as a security event first (locked, when given).
func (s *Server) loginFailed(w http.ResponseWriter, r *http.Request, f *form, err error, locked *casus.SecurityEvent) {
	code := casus.ErrorCode(err)
	if code != casus.EUNAUTH && code != casus.ETHROTTLED {
		s.renderError(w, r, err)
		return
	}
	if code == casus.ETHROTTLED && locked != nil {
		if err := s.recordLockout(r.Context(), locked); err != nil {
			s.renderError(w, r, err)
			return
		}
	}
	v := s.loginView(r, f)
	v.Error = err.(*casus.Error).Key
	if code == casus.ETHROTTLED {
		w.Header().Set("Retry-After", "900")
	}
	s.render(w, r, statusFor(code), "login", v)
}

// recordLockout records a refusal by the throttle, once per target and
// address in the throttle's window: the first refusal is the lockout, the
// ones after it are the same lockout.
func (s *Server) recordLockout(ctx context.Context, e *casus.SecurityEvent) error {
	since := s.now().Add(-s.cfg.Throttle.Window)
	var seen bool
	if err := s.db.View(ctx, func(tx *storage.Tx) (err error) { seen, err = tx.LockoutRecorded(ctx, e, since); return err }); err != nil || seen {
		return err
	}
	e.Detail += "; refusals after it within the throttle's window are not recorded again"
	return s.db.Update(ctx, func(tx *storage.Tx) error { return tx.LogSecurityEvent(ctx, e) })
}

// requires2FA reports whether u must use two-factor authentication: every
// account that can see student data, or every account when the beheerder
// says so. Demo accounts are exempt in demo mode only.
func (s *Server) requires2FA(ctx context.Context, u casus.User) (bool, error) {
	if s.cfg.DemoMode && u.Demo {
		return false, nil
	}
	if u.SeesStudentData() {
		return true, nil
	}
	var all string
	err := s.db.View(ctx, func(tx *storage.Tx) error {
		var err error
		all, err = tx.Setting(ctx, settingRequire2FAAll, "")
		return err
	})
	return all == "on", err
}

// completeLogin starts the user's session with a new token. enroll keeps the
// user on the two-factor setup until it is done.
func (s *Server) completeLogin(w http.ResponseWriter, r *http.Request, u casus.User, enroll bool) {
	s.startSession(w, r, u, enroll, "")
}

// startSession starts the user's session with a new token; enroll keeps the
// user on the two-factor setup until it is done. A login (via says how it
// was made) is recorded as a security event, in the transaction that trusts
// the browser; an empty via records none (the session only leaves the setup).
func (s *Server) startSession(w http.ResponseWriter, r *http.Request, u casus.User, enroll bool, via string) {
	ctx := r.Context()
	tok := newToken()
	if err := s.db.Update(ctx, func(tx *storage.Tx) error {
		if !enroll {
			if err := tx.TrustDevice(ctx, s.cfg.Throttle.DeviceHash(tok), u.ID); err != nil {
				return err
			}
		}
		if via == "" {
			return nil
		}
		e := s.securityEvent(r, casus.SecLoginSucceeded)
		e.ActorID, e.ActorName, e.TargetID, e.TargetName, e.Detail = u.ID, u.Name, u.ID, u.Name, via
		if enroll {
			e.Detail += "; two-factor setup required"
		}
		return tx.LogSecurityEvent(ctx, e)
	}); err != nil {
		s.renderError(w, r, err)
		return
	}
	if err := s.sessions.RenewToken(ctx); err != nil {
		s.renderError(w, r, err)
		return
	}
	s.sessions.Remove(ctx, sessPending)
	s.sessions.Remove(ctx, sessPendingVia)
	s.sessions.Put(ctx, sessUser, u.ID)
	s.sessions.Put(ctx, sessEpoch, u.SessionEpoch)
	s.sessions.Put(ctx, sessEnroll, enroll)
	if enroll {
		http.Redirect(w, r, "/account/2fa", http.StatusSeeOther)
		return
	}
	http.SetCookie(w, &http.Cookie{Name: cookieDevice, Value: tok, Path: "/login", MaxAge: auth.DeviceTrustDays * 86400,
		HttpOnly: true, Secure: s.cfg.CookieSecure, SameSite: http.SameSiteStrictMode})
	http.Redirect(w, r, "/", http.StatusSeeOther)
}

func (s *Server) handleTOTPForm(w http.ResponseWriter, r *http.Request) {
	s.render(w, r, http.StatusOK, "totp", s.newView(r, "totp.title", nil))
}

func (s *Server) handleTOTP(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	f, err := parseForm(w, r)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	code := f.digits("code", 6)
	v := s.newView(r, "totp.title", nil)
	v.Form = f
	if f.Errs != nil {
		s.render(w, r, http.StatusBadRequest, "totp", v)
		return
	}
	uid := s.sessions.GetString(ctx, sessPending)
	via := s.sessions.GetString(ctx, sessPendingVia)
	if via == "" {
		via = loginByPassword
	}
	a := auth.Attempt{Login: "totp:" + uid, Address: s.clientAddr(r)}
	var u casus.User
	var delay time.Duration
	err = s.db.View(ctx, func(tx *storage.Tx) error {
		var err error
		if u, err = tx.User(ctx, uid); err != nil {
			return err
		}
		// A known browser is not refused by its address's limit here either.
		if a.Device, err = s.trustedDevice(ctx, tx, r, uid); err != nil {
			return err
		}
		delay, err = s.cfg.Throttle.Allow(ctx, tx, a)
		return err
	})
	if err != nil {
		s.loginFailed(w, r, f, err, s.loginEvent(r, casus.SecLoginLocked, u, "", via+loginWithTOTP))
		return
	}
	if err := s.cfg.Throttle.Wait(ctx, delay); err != nil {
		return
	}
	ok := false
	err = s.db.Update(ctx, func(tx *storage.Tx) error {
		sealed, err := tx.TOTPSecret(ctx, uid)
		if err != nil {
			return err
		}
		secret, err := s.cfg.Sealer.Open(sealed, uid)
		if err != nil {
			return err
		}
		if step, valid := auth.CheckTOTP(secret, code, s.now()); valid && !u.Disabled {
			if ok, err = tx.UseTOTPStep(ctx, uid, step); err != nil {
				return err
			}
		}
		if err := s.cfg.Throttle.Record(ctx, tx, a, ok); err != nil || ok {
			return err
		}
		return tx.LogSecurityEvent(ctx, s.loginEvent(r, casus.SecLoginFailed, u, "", via+loginWithTOTP))
	})
	if err != nil {
		s.loginFailed(w, r, f, err, nil)
		return
	}
	if !ok {
		v.Error = "error.bad_code"
		s.render(w, r, http.StatusUnauthorized, "totp", v)
		return
	}
	s.startSession(w, r, u, false, via+loginWithTOTP)
}

const sessTOTPSetup = "totp_setup"

type enrollData struct {
	Enabled bool
	Secret  string
	QR      string // data: URL of the QR code
}

func (s *Server) handleEnrollForm(w http.ResponseWriter, r *http.Request) {
	u := state(r).user
	if u.TOTPEnabled {
		s.render(w, r, http.StatusOK, "enroll", s.newView(r, "enroll.title", enrollData{Enabled: true}))
		return
	}
	s.renderEnroll(w, r, nil, http.StatusOK)
}

// renderEnroll shows a new secret to scan; it is kept sealed in the session
// until a code proves the user's app has it.
func (s *Server) renderEnroll(w http.ResponseWriter, r *http.Request, f *form, status int) {
	ctx := r.Context()
	u := state(r).user
	key, err := auth.NewTOTP("Casus", u.Email)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	s.sessions.Put(ctx, sessTOTPSetup, s.cfg.Sealer.Seal(key.Secret(), u.ID))
	img, err := key.Image(240, 240)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	var buf bytes.Buffer
	png.Encode(&buf, img)
	v := s.newView(r, "enroll.title", enrollData{Secret: key.Secret(),
		QR: "data:image/png;base64," + base64.StdEncoding.EncodeToString(buf.Bytes())})
	v.Form = f
	s.render(w, r, status, "enroll", v)
}

func (s *Server) handleEnroll(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	u := state(r).user
	f, err := parseForm(w, r)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	code := f.digits("code", 6)
	secret, openErr := s.cfg.Sealer.Open(s.sessions.GetString(ctx, sessTOTPSetup), u.ID)
	if f.Errs == nil && openErr != nil {
		f.fail("code", "error.enroll_expired", nil)
	}
	step, valid := auth.CheckTOTP(secret, code, s.now())
	if f.Errs == nil && !valid {
		f.fail("code", "error.bad_code", nil)
	}
	if u.TOTPEnabled {
		s.renderError(w, r, &casus.Error{Code: casus.ECONFLICT, Key: "error.totp_already"})
		return
	}
	if f.Errs != nil {
		s.renderEnroll(w, r, f, http.StatusBadRequest)
		return
	}
	if err := s.db.Update(ctx, func(tx *storage.Tx) error {
		if err := tx.SetTOTP(ctx, u.ID, s.cfg.Sealer.Seal(secret, u.ID), true); err != nil {
			return err
		}
		if _, err := tx.UseTOTPStep(ctx, u.ID, step); err != nil {
			return err
		}
		e := s.securityEvent(r, casus.Sec2FAEnrolled)
		e.TargetID, e.TargetName = u.ID, u.Name
		return tx.LogSecurityEvent(ctx, e)
	}); err != nil {
		s.renderError(w, r, err)
		return
	}
	s.sessions.Remove(ctx, sessTOTPSetup)
	s.completeLogin(w, r, *u, false)
}

// handleLogout ends the session. The form has no fields, but a body that is
// not a form is refused like on every other form, and changes nothing.
func (s *Server) handleLogout(w http.ResponseWriter, r *http.Request) {
	if _, err := parseForm(w, r); err != nil {
		s.renderError(w, r, err)
		return
	}
	s.logout(w, r)
}

func (s *Server) logout(w http.ResponseWriter, r *http.Request) {
	if err := s.sessions.Destroy(r.Context()); err != nil {
		s.renderError(w, r, err)
		return
	}
	http.Redirect(w, r, "/login", http.StatusSeeOther)
}

func (s *Server) handleLogoutEverywhere(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	if _, err := parseForm(w, r); err != nil {
		s.renderError(w, r, err)
		return
	}
	if err := s.db.Update(ctx, func(tx *storage.Tx) error {
		u := state(r).user
		if err := tx.EndSessions(ctx, u.ID); err != nil {
			return err
		}
		e := s.securityEvent(r, casus.SecSessionsEnded)
		e.TargetID, e.TargetName = u.ID, u.Name
		return tx.LogSecurityEvent(ctx, e)
	}); err != nil {
		s.renderError(w, r, err)
		return
	}
	s.logout(w, r)
}

func (s *Server) handleLanguage(w http.ResponseWriter, r *http.Request) {
	f, err := parseForm(w, r)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	lang := f.choice("lang", true, "nl", "en")
	back := localPath(f.text("back", textRule{max: 512}))
	if f.Errs != nil {
		s.renderError(w, r, f.Errs)
		return
	}
	// A logged-in user's choice is kept with the account too: their e-mail
	// is written in it.
	if u := state(r).user; u != nil {
		if err := s.db.Update(r.Context(), func(tx *storage.Tx) error { return tx.SetUserLang(r.Context(), u.ID, lang) }); err != nil {
			s.renderError(w, r, err)
			return
		}
	}
	http.SetCookie(w, &http.Cookie{Name: cookieLang, Value: lang, Path: "/", MaxAge: 365 * 86400,
		HttpOnly: true, Secure: s.cfg.CookieSecure, SameSite: http.SameSiteLaxMode})
	http.Redirect(w, r, back, http.StatusSeeOther)
}
