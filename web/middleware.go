package web

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"strings"
	"time"

	"casus"
	"casus/i18n"
)

type ctxKey int

const reqKey ctxKey = 0

// reqState is what the middleware learned about a request.
type reqState struct {
	id     string
	user   *casus.User // nil when nobody is logged in fully
	enroll bool        // logged in but must set up two-factor first
	l      *i18n.Localizer
	route  string
	status int
	today  time.Time // the day the request came in, Dutch time, as UTC midnight
}

func state(r *http.Request) *reqState { return r.Context().Value(reqKey).(*reqState) }

// Session keys.
const (
	sessUser    = "uid"
	sessEpoch   = "epoch"
	sessPending = "pending_uid"
	sessEnroll  = "enroll"
	sessNext    = "next"
	// sessTouched is when the session was last written (Unix seconds by
	// the store's clock): see hashedStore.
	sessTouched = "touched"
)

// Cookie names besides the session.
const (
	cookieLang   = "casus_lang"
	cookieDevice = "casus_device"
)

// csp allows only our own scripts, styles and images: no inline code at all.
const csp = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; " +
	"connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"

func (s *Server) middleware(next http.Handler) http.Handler {
	csrf := http.NewCrossOriginProtection()
	csrf.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.renderError(w, r, &casus.Error{Code: casus.EFORBIDDEN, Key: "error.cross_origin"})
	}))
	inner := csrf.Handler(s.sessions.LoadAndSave(s.loadUser(next)))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now() // the wall clock, not s.now: it measures the duration logged below
		h := w.Header()
		h.Set("Content-Security-Policy", csp)
		h.Set("Strict-Transport-Security", "max-age=63072000; includeSubDomains")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
		h.Set("Cross-Origin-Opener-Policy", "same-origin")
		if !strings.HasPrefix(r.URL.Path, "/static/") {
			h.Set("Cache-Control", "no-store")
		}
		st := &reqState{id: newToken(), status: http.StatusOK, today: s.today()}
		h.Set("X-Request-ID", st.id)
		st.l = s.i18n.For(s.i18n.Match(r, cookieValue(r, cookieLang)))
		r = r.WithContext(withSessionSeen(context.WithValue(r.Context(), reqKey, st)))
		sw := &statusWriter{ResponseWriter: w, state: st}
		defer func() {
			if p := recover(); p != nil {
				s.log.Error("panic", "request_id", st.id, "panic", fmt.Sprint(p))
				s.renderError(sw, r, fmt.Errorf("panic"))
			}
			// The route pattern, never the path or query: no personal data in logs.
			s.log.LogAttrs(r.Context(), slog.LevelInfo, "request", slog.String("request_id", st.id),
				slog.String("method", r.Method), slog.String("route", st.route), slog.Int("status", st.status),
				slog.Duration("duration", time.Since(start)))
		}()
		inner.ServeHTTP(sw, r)
	})
}

type statusWriter struct {
	http.ResponseWriter
	state *reqState
	wrote bool
}

func (w *statusWriter) WriteHeader(code int) {
	if !w.wrote {
		w.state.status, w.wrote = code, true
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

func cookieValue(r *http.Request, name string) string {
	c, err := r.Cookie(name)
	if err != nil {
		return ""
	}
	return c.Value
}

// loadUser finds the logged-in user of the session. A session of an older
// epoch (after "log out everywhere" or a password reset) or of a disabled
// account ends here.
func (s *Server) loadUser(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		st := state(r)
		s.touchSession(r.Context())
		uid := s.sessions.GetString(r.Context(), sessUser)
		if uid != "" {
			u, err := s.app.SessionUser(r.Context(), uid, s.sessions.GetInt(r.Context(), sessEpoch))
			switch {
			case err == nil:
				st.user = &u
				st.enroll = s.sessions.GetBool(r.Context(), sessEnroll)
			case casus.ErrorCode(err) == casus.ENOTFOUND:
				s.sessions.Destroy(r.Context())
			default:
				s.renderError(w, r, err)
				return
			}
		}
		next.ServeHTTP(w, r)
	})
}

// touchSession marks a stored session as used once a minute, so that its
// expiry moves on: in between, the store skips writing a session whose data
// did not change (hashedStore). A visitor without a session gets none.
func (s *Server) touchSession(ctx context.Context) {
	if s.sessions.Token(ctx) == "" {
		return
	}
	now := s.now().Unix()
	if now-int64(s.sessions.GetInt(ctx, sessTouched)) >= 60 {
		s.sessions.Put(ctx, sessTouched, int(now))
	}
}

// guard enforces a route's access rule before its handler.
func (s *Server) guard(rt Route) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		st := state(r)
		st.route = rt.Pattern
		switch rt.Access {
		case Public:
		case PendingTOTP:
			if s.sessions.GetString(r.Context(), sessPending) == "" {
				http.Redirect(w, r, "/login", http.StatusSeeOther)
				return
			}
		default:
			if st.user == nil {
				switch {
				case r.Method == http.MethodGet:
					http.Redirect(w, r, "/login", http.StatusSeeOther)
				case s.keepDraft(w, r):
				default:
					s.renderError(w, r, &casus.Error{Code: casus.EUNAUTH, Key: "error.login_required"})
				}
				return
			}
			if rt.Access != Enrolling && st.enroll {
				http.Redirect(w, r, "/account/2fa", http.StatusSeeOther)
				return
			}
			if rt.Access == Admin && !casus.CanAdminister(*st.user) {
				s.renderError(w, r, &casus.Error{Code: casus.EFORBIDDEN, Key: "error.forbidden"})
				return
			}
		}
		rt.handler(w, r)
	})
}

// clientAddr is the address of the client: the request's peer, or the last
// address before our trusted proxies in X-Forwarded-For.
func (s *Server) clientAddr(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	peer, err := netip.ParseAddr(host)
	if err != nil || !s.trusted(peer) {
		return host
	}
	hops := strings.Split(r.Header.Get("X-Forwarded-For"), ",")
	for i := len(hops) - 1; i >= 0; i-- {
		a, err := netip.ParseAddr(strings.TrimSpace(hops[i]))
		if err != nil {
			break
		}
		if !s.trusted(a) {
			return a.String()
		}
		host = a.String()
	}
	return host
}

func (s *Server) trusted(a netip.Addr) bool {
	for _, p := range s.cfg.TrustedProxies {
		if p.Contains(a.Unmap()) {
			return true
		}
	}
	return false
}
