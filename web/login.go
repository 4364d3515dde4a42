package web

import (
	"bytes"
	"context"
	"encoding/base64"
	"image/png"
	"net/http"

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
		if tok := cookieValue(r, cookieDevice); tok != "" && u.ID != "" {
			trusted, err := tx.DeviceTrusted(ctx, s.cfg.Throttle.DeviceHash(tok), u.ID, tx.Now().AddDate(0, 0, -auth.DeviceTrustDays))
			if err != nil {
				return err
			}
			if trusted {
				a.Device = s.cfg.Throttle.DeviceHash(tok)
			}
		}
		return s.cfg.Throttle.Allow(ctx, tx, a)
	})
	if err != nil {
		s.loginFailed(w, r, f, err)
		return
	}
	// Hash outside the transaction: it takes tens of milliseconds.
	ok := auth.CheckPassword(password, hash) && !u.Disabled
	if err := s.db.Update(ctx, func(tx *storage.Tx) error { return s.cfg.Throttle.Record(ctx, tx, a, ok) }); err != nil {
		s.renderError(w, r, err)
		return
	}
	if !ok {
		s.loginFailed(w, r, f, auth.ErrBadCredentials)
		return
	}
	if err := s.sessions.RenewToken(ctx); err != nil {
		s.renderError(w, r, err)
		return
	}
	if u.TOTPEnabled {
		s.sessions.Put(ctx, sessPending, u.ID)
		http.Redirect(w, r, "/login/2fa", http.StatusSeeOther)
		return
	}
	required, err := s.requires2FA(ctx, u)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	s.completeLogin(w, r, u, required)
}

func (s *Server) loginFailed(w http.ResponseWriter, r *http.Request, f *form, err error) {
	code := casus.ErrorCode(err)
	if code != casus.EUNAUTH && code != casus.ETHROTTLED {
		s.renderError(w, r, err)
		return
	}
	v := s.loginView(r, f)
	v.Error = err.(*casus.Error).Key
	if code == casus.ETHROTTLED {
		w.Header().Set("Retry-After", "900")
	}
	s.render(w, r, statusFor(code), "login", v)
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
	ctx := r.Context()
	if err := s.sessions.RenewToken(ctx); err != nil {
		s.renderError(w, r, err)
		return
	}
	s.sessions.Remove(ctx, sessPending)
	s.sessions.Put(ctx, sessUser, u.ID)
	s.sessions.Put(ctx, sessEpoch, u.SessionEpoch)
	s.sessions.Put(ctx, sessEnroll, enroll)
	if enroll {
		http.Redirect(w, r, "/account/2fa", http.StatusSeeOther)
		return
	}
	tok := newToken()
	if err := s.db.Update(ctx, func(tx *storage.Tx) error {
		return tx.TrustDevice(ctx, s.cfg.Throttle.DeviceHash(tok), u.ID)
	}); err != nil {
		s.renderError(w, r, err)
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
	a := auth.Attempt{Login: "totp:" + uid, Address: s.clientAddr(r)}
	var u casus.User
	ok := false
	err = s.db.Update(ctx, func(tx *storage.Tx) error {
		if err := s.cfg.Throttle.Allow(ctx, tx, a); err != nil {
			return err
		}
		var err error
		if u, err = tx.User(ctx, uid); err != nil {
			return err
		}
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
		return s.cfg.Throttle.Record(ctx, tx, a, ok)
	})
	if err != nil {
		s.loginFailed(w, r, f, err)
		return
	}
	if !ok {
		v.Error = "error.bad_code"
		s.render(w, r, http.StatusUnauthorized, "totp", v)
		return
	}
	s.completeLogin(w, r, u, false)
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
