package web

import (
	"bytes"
	"encoding/base64"
	"errors"
	"image/png"
	"net/http"

	"casus"
	"casus/app"
	"casus/auth"
)

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
	if _, kept := s.draft(r); kept {
		v.Notice = "draft.kept"
	}
	return v
}

// auth is what the login and account use cases need of the server's
// configuration.
func (s *Server) auth() app.Auth {
	return app.Auth{Throttle: s.cfg.Throttle, Sealer: s.cfg.Sealer, DemoMode: s.cfg.DemoMode}
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
	in, err := s.app.Login(r.Context(), s.actor(r), s.auth(),
		app.LoginInput{Login: login, Password: password, Device: cookieValue(r, cookieDevice)})
	switch {
	case errors.Is(err, app.ErrClientGone):
		return
	case err != nil:
		s.loginFailed(w, r, f, err)
	case in.AskTOTP:
		s.askTOTP(w, r, in.User, in.Via)
	default:
		s.startSession(w, r, in)
	}
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

// loginFailed answers a refused login (a refusal by the throttle is
// recorded as a lockout by the use case).
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

// completeLogin starts the user's session with a new token. enroll keeps the
// user on the two-factor setup until it is done.
func (s *Server) completeLogin(w http.ResponseWriter, r *http.Request, u casus.User, enroll bool) {
	s.startSession(w, r, app.SignIn{User: u, Enroll: enroll})
}

// startSession starts the user's session with a new token; in.Enroll keeps
// the user on the two-factor setup until it is done. The login (in.Via says
// how it was made) is recorded with the browser trusted
// (app.CompleteLogin); an empty Via records none (the session only leaves
// the setup).
func (s *Server) startSession(w http.ResponseWriter, r *http.Request, in app.SignIn) {
	ctx := r.Context()
	tok := newToken()
	if err := s.app.CompleteLogin(ctx, s.actor(r), s.auth(), in, tok); err != nil {
		s.renderError(w, r, err)
		return
	}
	if err := s.sessions.RenewToken(ctx); err != nil {
		s.renderError(w, r, err)
		return
	}
	u := in.User
	s.sessions.Remove(ctx, sessPending)
	s.sessions.Remove(ctx, sessPendingVia)
	s.sessions.Put(ctx, sessUser, u.ID)
	s.sessions.Put(ctx, sessEpoch, u.SessionEpoch)
	s.sessions.Put(ctx, sessEnroll, in.Enroll)
	if in.Enroll {
		http.Redirect(w, r, "/account/2fa", http.StatusSeeOther)
		return
	}
	http.SetCookie(w, &http.Cookie{Name: cookieDevice, Value: tok, Path: "/login", MaxAge: auth.DeviceTrustDays * 86400,
		HttpOnly: true, Secure: s.cfg.CookieSecure, SameSite: http.SameSiteStrictMode})
	http.Redirect(w, r, s.afterLogin(r, u), http.StatusSeeOther)
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
	in, err := s.app.VerifyTOTP(ctx, s.actor(r), s.auth(), app.TOTPInput{UserID: s.sessions.GetString(ctx, sessPending),
		Via: s.sessions.GetString(ctx, sessPendingVia), Code: code, Device: cookieValue(r, cookieDevice)})
	switch {
	case errors.Is(err, app.ErrClientGone):
		return
	case errors.Is(err, app.ErrBadTOTPCode):
		v.Error = app.ErrBadTOTPCode.Key
		s.render(w, r, http.StatusUnauthorized, "totp", v)
	case err != nil:
		s.loginFailed(w, r, f, err)
	default:
		s.startSession(w, r, in)
	}
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
	if err := s.app.EnrollTOTP(ctx, s.actor(r), s.auth(), secret, step); err != nil {
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
	if err := s.app.EndSessions(ctx, s.actor(r)); err != nil {
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
		if err := s.app.SetLanguage(r.Context(), s.actor(r), lang); err != nil {
			s.renderError(w, r, err)
			return
		}
	}
	http.SetCookie(w, &http.Cookie{Name: cookieLang, Value: lang, Path: "/", MaxAge: 365 * 86400,
		HttpOnly: true, Secure: s.cfg.CookieSecure, SameSite: http.SameSiteLaxMode})
	http.Redirect(w, r, back, http.StatusSeeOther)
}
