package web

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"slices"
	"strings"
	"time"

	"casus"
	"casus/i18n"
)

//go:embed all:templates
var templateFS embed.FS

//go:embed assets
var assetFS embed.FS

// pages holds the parsed templates and the hashed asset names.
type pages struct {
	byName map[string]*template.Template
	assets map[string]string // file → content hash, for cache-busting URLs
}

func loadPages() (*pages, error) {
	p := &pages{byName: map[string]*template.Template{}, assets: map[string]string{}}
	err := fs.WalkDir(assetFS, "assets", func(name string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := assetFS.ReadFile(name)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(b)
		p.assets[strings.TrimPrefix(name, "assets/")] = hex.EncodeToString(sum[:6])
		return nil
	})
	if err != nil {
		return nil, err
	}
	base, err := template.New("base").Funcs(p.funcs()).ParseFS(templateFS, "templates/_*.html")
	if err != nil {
		return nil, err
	}
	files, err := fs.Glob(templateFS, "templates/[a-z]*.html")
	if err != nil {
		return nil, err
	}
	for _, f := range files {
		t, err := base.Clone()
		if err != nil {
			return nil, err
		}
		t, err = t.ParseFS(templateFS, f)
		if err != nil {
			return nil, err
		}
		p.byName[strings.TrimSuffix(path.Base(f), ".html")] = t
	}
	return p, nil
}

// funcs are the templates' functions: versioned asset links, a meeting
// rhythm in Dutch time, a discussion record's free texts, dict, has (is an
// argument given), options (an empty list of choices, for the form
// components) and person (a name with its discipline).
func (p *pages) funcs() template.FuncMap {
	return template.FuncMap{
		"asset": func(name string) (string, error) {
			h, ok := p.assets[name]
			if !ok {
				return "", fmt.Errorf("no asset %q", name)
			}
			return "/static/" + name + "?v=" + h, nil
		},
		"weekday":     func(t time.Time) int { return int(t.In(casus.Amsterdam).Weekday()) },
		"clock":       func(t time.Time) string { return t.In(casus.Amsterdam).Format("15:04") },
		"minutes":     func(d time.Duration) int { return int(d / time.Minute) },
		"list_fields": func() []string { return discussionFields },
		"record_text": func(r casus.DiscussionRecord, name string) string { return *textField(&r, name) },
		"dict": func(kv ...any) (map[string]any, error) {
			if len(kv)%2 != 0 {
				return nil, errors.New("dict: odd arguments")
			}
			m := map[string]any{}
			for i := 0; i < len(kv); i += 2 {
				m[fmt.Sprint(kv[i])] = kv[i+1]
			}
			return m, nil
		},
		"days":    casus.Days,
		"has":     func(m map[string]any, key string) bool { _, ok := m[key]; return ok },
		"options": func() choices { return choices{} },
		"person":  person,
	}
}

// person names someone with their discipline, "Nienke Haverkamp
// (jeugdgezondheidszorg)", or by name alone when they have none (a
// school's own staff).
func person(l *i18n.Localizer, name string, discipline any) string {
	d := fmt.Sprint(discipline)
	if discipline == nil || d == "" {
		return name
	}
	return name + " (" + l.T("discipline."+d) + ")"
}

// view is what every page template gets.
type view struct {
	L         *i18n.Localizer
	User      *casus.User
	Title     string // i18n key of the page title
	Nav       []navItem
	Form      *form
	Error     string         // a message for the whole page
	ErrorArgs map[string]any // its arguments, from the casus.Error
	Notice    string
	RequestID string
	Path      string // the current path, for the language switch
	Data      any
	Idle      int                      // seconds of the session's idle time-out, for the warning before it (assets/session.js)
	draft     func(page string) string // draft tokens of the page's forms (draft.go)
	refused   string                   // the action of the page's form whose input was refused (refusedOnPage)
}

// Refused is the form of the page posting to action when that form's input
// was refused, with what was typed and the errors at its fields; nil for
// every other form of the page, which shows as it was.
func (v *view) Refused(action string) *form {
	if v.refused == "" || v.refused != action {
		return nil
	}
	return v.Form
}

// DraftToken is the draft token of a long form whose page (the GET path that
// shows it) is page: with it, what the user typed survives an expired
// session (draft.go).
func (v *view) DraftToken(page string) string {
	if v.draft == nil {
		return ""
	}
	return v.draft(page)
}

type navItem struct {
	Href, Key string
	Current   bool
	Unread    int // of the messages entry: how many are unread
}

func (s *Server) newView(r *http.Request, title string, data any) *view {
	st := state(r)
	v := &view{L: st.l, User: st.user, Title: title, RequestID: st.id, Path: r.URL.Path, Data: data}
	if st.user != nil && !st.enroll {
		v.Nav = navFor(*st.user, r.URL.Path)
		s.countUnread(r, v.Nav)
		u := *st.user
		v.draft = func(page string) string { return s.draftToken(u, page) }
		v.Idle = int(s.cfg.IdleTimeout.Seconds())
	}
	return v
}

// countUnread puts the number of the user's unread messages on the
// messages entry. The page does not fail for it: without the count the
// entry still leads to them.
func (s *Server) countUnread(r *http.Request, nav []navItem) {
	i := slices.IndexFunc(nav, func(n navItem) bool { return n.Href == "/messages" })
	if i < 0 {
		return
	}
	n, err := s.app.UnreadMessages(r.Context(), s.actor(r))
	if err != nil {
		s.log.Warn("count unread messages", "request_id", state(r).id, "error", err.Error())
		return
	}
	nav[i].Unread = n
}

// navFor builds the navigation: an entry is shown when the casus decision
// that grants the page's rows can grant the user any.
func navFor(u casus.User, current string) []navItem {
	items := []navItem{{Href: "/", Key: "nav.home"}}
	if casus.ViewsStudents(u) {
		items = append(items, navItem{Href: "/students", Key: "nav.students"}, navItem{Href: "/tasks", Key: "nav.tasks"})
	}
	if casus.ReadsReferrals(u) {
		items = append(items, navItem{Href: "/referrals", Key: "nav.referrals"})
	}
	if casus.HandlesRectifications(u) {
		items = append(items, navItem{Href: "/rectification", Key: "nav.rectification"})
	}
	items = append(items, navItem{Href: "/teams", Key: "nav.teams"}, navItem{Href: "/messages", Key: "nav.messages"})
	items = append(items, navItem{Href: "/handbook", Key: "nav.handbook"})
	if casus.CanSeeFigures(u) != casus.ReachNone {
		items = append(items, navItem{Href: "/figures", Key: "nav.figures"})
	}
	if casus.CanSeeComplaintFigures(u) {
		items = append(items, navItem{Href: "/complaints", Key: "nav.complaints"})
	}
	if casus.ReadsAccessLogs(u) {
		items = append(items, navItem{Href: "/log", Key: "nav.log"}, navItem{Href: "/access-requests", Key: "nav.access_requests"})
	}
	if casus.CanReadSecurityEvents(u) {
		items = append(items, navItem{Href: "/security-events", Key: "nav.security"})
	}
	if casus.CanAdminister(u) {
		items = append(items, navItem{Href: "/admin/users", Key: "nav.users"}, navItem{Href: "/admin/settings", Key: "nav.settings"})
	}
	for i := range items {
		items[i].Current = items[i].Href == current || items[i].Href != "/" && strings.HasPrefix(current, items[i].Href+"/")
	}
	return items
}

// render writes a page with a status.
func (s *Server) render(w http.ResponseWriter, r *http.Request, status int, name string, v *view) {
	t, ok := s.pages.byName[name]
	if !ok {
		s.renderError(w, r, fmt.Errorf("web: no template %q", name))
		return
	}
	s.restoreDraft(r, v)
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, name+".html", v); err != nil {
		s.log.Error("render", "request_id", state(r).id, "template", name, "error", err.Error())
		if name != "error" {
			s.renderError(w, r, err)
		} else {
			http.Error(w, "Internal error", http.StatusInternalServerError)
		}
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	w.Write(buf.Bytes())
}

// statusFor maps a domain error code to its HTTP status: the one place.
func statusFor(code string) int {
	switch code {
	case casus.EINVALID:
		return http.StatusBadRequest
	case casus.EUNAUTH:
		return http.StatusUnauthorized
	case casus.EFORBIDDEN:
		return http.StatusForbidden
	case casus.ENOTFOUND:
		return http.StatusNotFound
	case casus.ECONFLICT:
		return http.StatusConflict
	case casus.ETHROTTLED:
		return http.StatusTooManyRequests
	}
	return http.StatusInternalServerError
}

// renderError shows an error page. Internal errors show only a generic
// message with the request ID; the details go to the log.
func (s *Server) renderError(w http.ResponseWriter, r *http.Request, err error) {
	code := casus.ErrorCode(err)
	key := "error.internal"
	var e *casus.Error
	var args map[string]any
	if errors.As(err, &e) && code != casus.EINTERNAL {
		key, args = e.Key, e.Args
	} else if code == casus.EINVALID {
		key = "error.invalid_form"
	}
	if code == casus.EINTERNAL {
		s.log.Error("internal error", "request_id", state(r).id, "route", state(r).route, "error", err.Error())
	}
	if code == casus.ETHROTTLED {
		w.Header().Set("Retry-After", "900")
	}
	v := s.newView(r, "error.title", nil)
	v.Error, v.ErrorArgs = key, args
	var verrs casus.ValidationErrors
	if errors.As(err, &verrs) {
		v.Form = &form{Errs: verrs}
	}
	s.render(w, r, statusFor(code), "error", v)
}

func (s *Server) handleNotFound(w http.ResponseWriter, r *http.Request) {
	s.renderError(w, r, casus.ErrNotFound)
}

func (s *Server) handleStatic(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("file")
	b, err := assetFS.ReadFile("assets/" + name)
	if err != nil || strings.Contains(name, "..") {
		s.renderError(w, r, casus.ErrNotFound)
		return
	}
	if ct := mime.TypeByExtension(path.Ext(name)); ct != "" {
		w.Header().Set("Content-Type", ct)
	}
	if r.URL.Query().Get("v") == s.pages.assets[name] {
		w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
	} else {
		w.Header().Set("Cache-Control", "no-cache")
	}
	w.Write(b)
}

// handleHealth answers the load balancer: ok while the store answers.
func (s *Server) handleHealth(w http.ResponseWriter, r *http.Request) {
	if err := s.app.Healthy(r.Context()); err != nil {
		s.log.Error("health: database unreachable", "error", err.Error())
		http.Error(w, "database unreachable", http.StatusServiceUnavailable)
		return
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Write([]byte("ok\n"))
}

func asErr(err error, target **casus.Error) bool { return errors.As(err, target) }

// sendPDF writes the document with write and sends it as a download named
// fileName; a failure to write it is answered as an error page.
func (s *Server) sendPDF(w http.ResponseWriter, r *http.Request, fileName string, write func(*bytes.Buffer) error) {
	var buf bytes.Buffer
	if err := write(&buf); err != nil {
		s.renderError(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "application/pdf")
	w.Header().Set("Content-Disposition", `attachment; filename="`+fileName+`"`)
	w.Write(buf.Bytes())
}
