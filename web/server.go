// Package web is Casus's HTTP interface: server-rendered, accessible pages
// in Dutch and English. Every route is registered with the access rule that
// guards it (routes.go); handlers that touch a student's data ask the policy
// in package casus and write the access log in the same transaction.
package web

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"log/slog"
	"net/http"
	"net/netip"
	"time"

	"github.com/alexedwards/scs/pgxstore"
	"github.com/alexedwards/scs/sqlite3store"
	"github.com/alexedwards/scs/v2"

	"casus/app"
	"casus/auth"
	"casus/i18n"
	"casus/storage"
)

// Config is what the server needs, parsed in cmd/casus and passed down.
type Config struct {
	// DB is the store; its clock (DB.Now) is the server's too, so a page
	// and what it stores never disagree about the time.
	DB       *storage.DB
	Logger   *slog.Logger
	Sealer   *auth.Sealer
	Throttle *auth.Throttle
	// DemoMode lets demo accounts log in without two-factor authentication.
	DemoMode bool
	// Outbox is set when e-mail is kept in the database instead of sent (no
	// SMTP server, or demo mode): the outbox page shows it.
	Outbox bool
	// CookieSecure marks cookies Secure (HTTPS only).
	CookieSecure bool
	// IdleTimeout and Lifetime bound a session.
	IdleTimeout time.Duration
	Lifetime    time.Duration
	// TrustedProxies are the networks whose X-Forwarded-For is believed.
	TrustedProxies []netip.Prefix
	// OIDC configures single sign-on; nil disables it.
	OIDC *OIDCConfig
	// APIRateLimit is how many calls an API token may make in a minute on
	// one instance (600 when 0).
	APIRateLimit int
}

// Server serves Casus over HTTP.
type Server struct {
	cfg      Config
	db       *storage.DB
	app      *app.Service // the use cases: every handler's one door to the store
	log      *slog.Logger
	sessions *scs.SessionManager
	i18n     *i18n.Bundle
	pages    *pages
	routes   []Route
	api      []APIRoute
	apiLimit *apiRate
	handler  http.Handler
	oidc     *oidcProvider
}

// New builds a Server.
func New(ctx context.Context, cfg Config) (*Server, error) {
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.IdleTimeout == 0 {
		cfg.IdleTimeout = 30 * time.Minute
	}
	if cfg.Lifetime == 0 {
		cfg.Lifetime = 12 * time.Hour
	}
	bundle, err := i18n.New()
	if err != nil {
		return nil, err
	}
	pg, err := loadPages()
	if err != nil {
		return nil, err
	}
	sm := scs.New()
	if cfg.DB.Engine == storage.Postgres {
		sm.Store = hashedStore{store: pgxstore.NewWithCleanupInterval(cfg.DB.Pool, 10*time.Minute), codec: sm.Codec}
	} else {
		sm.Store = hashedStore{store: sqlite3store.NewWithCleanupInterval(cfg.DB.SQL(), 10*time.Minute), codec: sm.Codec}
	}
	sm.IdleTimeout = cfg.IdleTimeout
	sm.Lifetime = cfg.Lifetime
	sm.Cookie.Name = "casus_session"
	sm.Cookie.HttpOnly = true
	sm.Cookie.SameSite = http.SameSiteLaxMode
	sm.Cookie.Secure = cfg.CookieSecure
	s := &Server{cfg: cfg, db: cfg.DB, app: app.New(cfg.DB), log: cfg.Logger, sessions: sm, i18n: bundle, pages: pg}
	if cfg.OIDC != nil {
		if s.oidc, err = newOIDCProvider(ctx, *cfg.OIDC); err != nil {
			return nil, err
		}
	}
	s.routes = s.routeTable()
	if cfg.APIRateLimit <= 0 {
		cfg.APIRateLimit = 600
	}
	s.api, s.apiLimit = s.apiRouteTable(), &apiRate{limit: cfg.APIRateLimit, window: map[string]apiWindow{}}
	top := http.NewServeMux()
	top.Handle("/api/", s.apiHandler())
	top.Handle("/", s.middleware(s.mux()))
	s.handler = top
	return s, nil
}

// actor is the request's user as the use cases and the access log see
// them: who, which request, from which address and browser class, on which
// care day.
func (s *Server) actor(r *http.Request) app.Actor {
	st := state(r)
	a := app.Actor{RequestID: st.id, ClientAddr: s.clientAddr(r), UserAgent: userAgentClass(r.UserAgent()), Day: st.today}
	if st.user != nil {
		a.User = *st.user
	}
	return a
}

// now is the current time by the store's clock, the one clock of the
// process: pages, request days and stored times all read it.
func (s *Server) now() time.Time { return s.db.Now() }

// ServeHTTP serves a request.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.handler.ServeHTTP(w, r) }

// Routes lists every registered route with its access rule; the
// access-matrix test enumerates them.
func (s *Server) Routes() []Route { return s.routes }

func newToken() string {
	b := make([]byte, 16)
	rand.Read(b)
	return hex.EncodeToString(b)
}
