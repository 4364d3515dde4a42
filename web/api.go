package web

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"casus"
	"casus/app"
)

// The JSON API (/api/v1): the same use cases, policy and access log as the
// pages, for integrations. A call is authenticated by an API token only
// (Authorization: Bearer …): this handler never reads the session cookie,
// so a browser's session — and with it cross-site request forgery — cannot
// reach it. The token acts with the sight of its account, narrowed to its
// scopes (casus.CanCallAPI); the access log names the token as the actor.

// APIPrefix is where the API is served.
const APIPrefix = "/api/v1"

// APIRoute is one route of the API with the scope it needs; the OpenAPI
// document is generated from these (api_spec.go), so it cannot drift.
type APIRoute struct {
	Pattern string      // ServeMux pattern with method, e.g. "GET /api/v1/students/{id}"
	Scope   casus.Scope // "" for the public document itself
	Summary string
	// Object is the kind of record the path's {id} names, for the access
	// log's entry of a refused call.
	Object string
	Query  []apiParam
	Out    any // the response body's type, for the document
	In     any // the request body's type, nil for none
	// Etag says the response carries an ETag and a write needs If-Match.
	IfMatch bool
	handle  func(w http.ResponseWriter, r *http.Request, c *apiCall)
}

// apiParam is a query parameter of a route, for the document.
type apiParam struct {
	Name, Description string
	Enum              []string
	Type              string // "string" (default), "integer" or "boolean"
}

// apiCall is an authenticated call: the actor the use cases see (the
// token's account, with the token's name for the access log).
type apiCall struct {
	actor app.Actor
	token casus.APIToken
	route *APIRoute
}

// APIRoutes lists the API's routes; the access-matrix test checks each
// route of the served document against these and its cells.
func (s *Server) APIRoutes() []APIRoute { return s.api }

// apiHandler serves /api/: its own mux, its own headers, no session.
func (s *Server) apiHandler() http.Handler {
	mux := http.NewServeMux()
	allow := map[string][]string{}
	for i := range s.api {
		rt := &s.api[i]
		mux.Handle(rt.Pattern, s.apiGuard(rt))
		method, path, _ := strings.Cut(rt.Pattern, " ")
		allow[path] = append(allow[path], method)
	}
	// Any other method on a known path: 405 as problem details, with Allow.
	for path, methods := range allow {
		mux.HandleFunc(path, func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Allow", strings.Join(methods, ", "))
			s.apiProblem(w, r, &casus.Error{Code: casus.EINVALID, Key: "api.error.method"})
		})
	}
	mux.HandleFunc("/api/", func(w http.ResponseWriter, r *http.Request) {
		s.apiProblem(w, r, casus.ErrNotFound)
	})
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now() // the wall clock: it measures the duration logged below
		h := w.Header()
		h.Set("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'")
		h.Set("Strict-Transport-Security", "max-age=63072000; includeSubDomains")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Cache-Control", "no-store")
		h.Set("Referrer-Policy", "no-referrer")
		st := &reqState{id: newToken(), status: http.StatusOK, today: s.today()}
		h.Set("X-Request-ID", st.id)
		st.l = s.i18n.For(s.i18n.Match(r, ""))
		r = r.WithContext(withState(r.Context(), st))
		sw := &statusWriter{ResponseWriter: w, state: st}
		defer func() {
			if p := recover(); p != nil {
				s.log.Error("panic", "request_id", st.id, "panic", fmt.Sprint(p))
				s.apiProblem(sw, r, fmt.Errorf("panic"))
			}
			// The route pattern, never the path or query: no personal data in logs.
			s.log.LogAttrs(r.Context(), slog.LevelInfo, "api request", slog.String("request_id", st.id),
				slog.String("method", r.Method), slog.String("route", st.route), slog.Int("status", st.status),
				slog.Duration("duration", time.Since(start)))
		}()
		mux.ServeHTTP(sw, r)
	})
}

// apiGuard authenticates the call by its bearer token, asks the policy
// whether the token may use the route, applies the token's rate limit and
// runs the handler. A refusal for lack of scope is in the access log.
func (s *Server) apiGuard(rt *APIRoute) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		st := state(r)
		st.route = rt.Pattern
		if rt.Scope == "" {
			rt.handle(w, r, nil)
			return
		}
		secret, ok := bearer(r)
		if !ok {
			s.apiProblem(w, r, &casus.Error{Code: casus.EUNAUTH, Key: "api.error.no_token"})
			return
		}
		tok, u, err := s.app.APICaller(r.Context(), secret, rt.Scope)
		c := &apiCall{token: tok, route: rt, actor: app.Actor{User: u, Token: tok.Name, RequestID: st.id,
			ClientAddr: s.clientAddr(r), UserAgent: "API", Day: st.today}}
		if casus.ErrorCode(err) == casus.EFORBIDDEN {
			if lerr := s.app.LogAPIRefusal(r.Context(), c.actor, rt.Scope, rt.Object, r.PathValue("id")); lerr != nil {
				err = lerr
			}
		}
		if err != nil {
			s.apiProblem(w, r, err)
			return
		}
		if wait := s.apiLimit.take(tok.ID, s.now()); wait > 0 {
			w.Header().Set("Retry-After", strconv.Itoa(int(wait.Seconds()+0.999)))
			s.apiProblem(w, r, &casus.Error{Code: casus.ETHROTTLED, Key: "api.error.rate"})
			return
		}
		rt.handle(w, r, c)
	})
}

func withState(ctx context.Context, st *reqState) context.Context {
	return context.WithValue(ctx, reqKey, st)
}

// bearer returns the secret of an Authorization: Bearer header.
func bearer(r *http.Request) (string, bool) {
	scheme, secret, ok := strings.Cut(r.Header.Get("Authorization"), " ")
	secret = strings.TrimSpace(secret)
	if !ok || !strings.EqualFold(scheme, "Bearer") || secret == "" || len(secret) > 200 {
		return "", false
	}
	return secret, true
}

// Problem is an RFC 9457 problem details object: every error of the API.
type Problem struct {
	Type     string         `json:"type"`
	Title    string         `json:"title"`
	Status   int            `json:"status"`
	Detail   string         `json:"detail,omitempty"`
	Instance string         `json:"instance,omitempty"` // the request's id, to quote to the beheerder
	Code     string         `json:"code"`               // the domain error code, e.g. "not_found"
	Errors   []ProblemField `json:"errors,omitempty"`   // the fields of invalid input
}

// ProblemField is one invalid field of a request body.
type ProblemField struct {
	Field  string `json:"field"`
	Detail string `json:"detail"`
}

// apiStatusFor maps an error to its status: the page's map (statusFor),
// except that a stale version is a failed precondition (412) and a write
// without If-Match a required one (428).
func apiStatusFor(code string, err error) int {
	var e *casus.Error
	switch {
	case code == casus.ECONFLICT && errors.As(err, &e) && e.Key == "action.stale":
		return http.StatusPreconditionFailed
	case code == casus.EINVALID && errors.As(err, &e) && e.Key == "api.error.if_match":
		return http.StatusPreconditionRequired
	case code == casus.EINVALID && errors.As(err, &e) && e.Key == "api.error.method":
		return http.StatusMethodNotAllowed
	}
	return statusFor(code)
}

// apiProblem answers with the problem details of err, texts in the
// caller's language (Accept-Language, Dutch by default). Internal errors
// show nothing of their cause.
func (s *Server) apiProblem(w http.ResponseWriter, r *http.Request, err error) {
	st := state(r)
	code := casus.ErrorCode(err)
	status := apiStatusFor(code, err)
	p := Problem{Type: "urn:casus:problem:" + code, Title: http.StatusText(status), Status: status, Code: code,
		Instance: "urn:casus:request:" + st.id}
	var e *casus.Error
	var verrs casus.ValidationErrors
	switch {
	case code == casus.EINTERNAL:
		s.log.Error("internal error", "request_id", st.id, "route", st.route, "error", err.Error())
		p.Detail = st.l.T("error.internal")
	case errors.As(err, &verrs):
		p.Detail = st.l.T("api.error.invalid")
		for _, fe := range verrs {
			p.Errors = append(p.Errors, ProblemField{Field: fe.Field, Detail: st.l.T(fe.Key, fe.Args)})
		}
	case errors.As(err, &e):
		p.Detail = st.l.T(e.Key, e.Args)
	}
	if status == http.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", `Bearer realm="casus"`)
	}
	b, _ := json.Marshal(p)
	w.Header().Set("Content-Type", "application/problem+json")
	w.WriteHeader(status)
	w.Write(b)
}

// apiJSON answers 200 with v and a strong ETag over the body, or 304 when
// the caller's If-None-Match names it. etag, when not empty, is the ETag
// to use instead (a record's version, which If-Match compares).
func (s *Server) apiJSON(w http.ResponseWriter, r *http.Request, v any, etag string) {
	b, err := json.Marshal(v)
	if err != nil {
		s.apiProblem(w, r, err)
		return
	}
	if etag == "" {
		sum := sha256.Sum256(b)
		etag = `"` + hex.EncodeToString(sum[:16]) + `"`
	}
	w.Header().Set("ETag", etag)
	if match := r.Header.Get("If-None-Match"); match != "" && (match == etag || match == "*") {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.Write(b)
}

// apiRate is the per-token rate limit: at most limit calls in a minute,
// counted per instance in fixed windows of a minute.
type apiRate struct {
	mu     sync.Mutex
	limit  int
	window map[string]apiWindow
}

type apiWindow struct {
	start time.Time
	n     int
}

// take counts a call of token id at now, and returns how long to wait when
// the token has used up its minute (0: go ahead).
func (l *apiRate) take(id string, now time.Time) time.Duration {
	l.mu.Lock()
	defer l.mu.Unlock()
	w := l.window[id]
	if now.Sub(w.start) >= time.Minute || now.Before(w.start) {
		w = apiWindow{start: now}
	}
	if w.n >= l.limit {
		return w.start.Add(time.Minute).Sub(now)
	}
	w.n++
	l.window[id] = w
	if len(l.window) > 10000 { // forget old windows; tokens are few
		for k, x := range l.window {
			if now.Sub(x.start) >= time.Minute {
				delete(l.window, k)
			}
		}
	}
	return 0
}
