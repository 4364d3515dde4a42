package web

import (
	"encoding/json"
	"mime"
	"net/http"
	"net/url"
	"time"

	"casus"
)

// Nothing typed is lost to an expired session. A form that takes a while to
// fill carries a draft token (the "draft" template): the page it sits on and
// who opened it, sealed with the server's key. A POST that arrives without a
// session but with a valid token keeps its fields — sealed, in the new
// anonymous session, never in the browser — and sends the browser to the
// login page. Once the same person has logged in again they land on that
// page with what they typed filled in, and save it themselves. Anyone else
// who logs in on that browser gets nothing of it, and it is gone with the
// session's lifetime.

// sessDraft is the session key of a kept draft.
const sessDraft = "draft"

// draftTTL is how long a draft token opened with a form stays good: a long
// meeting, not a day.
const draftTTL = 8 * time.Hour

// maxDraftBytes bounds the body kept: the largest form's (a referral with
// its attachments is a separate upload).
const maxDraftBytes = 256 << 10

// Additional data of the two sealed values, so one can't pass for the other.
const (
	sealDraftToken = "draft token"
	sealDraft      = "draft"
)

// draftTokenData is what a draft token holds.
type draftTokenData struct {
	User  string `json:"u"`
	Page  string `json:"p"`
	Until int64  `json:"t"`
}

// keptDraft is what the session keeps of a refused POST.
type keptDraft struct {
	User   string     `json:"u"`
	Page   string     `json:"p"`
	Values url.Values `json:"v"`
}

// draftToken returns the token of a form on page for u.
func (s *Server) draftToken(u casus.User, page string) string {
	b, _ := json.Marshal(draftTokenData{User: u.ID, Page: page, Until: s.now().Add(draftTTL).Unix()})
	return s.cfg.Sealer.Seal(string(b), sealDraftToken)
}

// keepDraft keeps the fields of a POST that came without a session, when
// it carries a good draft token, and sends the browser to log in. It
// reports whether it answered the request.
func (s *Server) keepDraft(w http.ResponseWriter, r *http.Request) bool {
	r.Body = http.MaxBytesReader(w, r.Body, maxDraftBytes)
	values, ok := postedValues(r)
	if !ok {
		return false
	}
	plain, err := s.cfg.Sealer.Open(values.Get("_draft"), sealDraftToken)
	if err != nil {
		return false
	}
	var tok draftTokenData
	if json.Unmarshal([]byte(plain), &tok) != nil || s.now().Unix() > tok.Until || tok.User == "" {
		return false
	}
	values.Del("_draft")
	b, err := json.Marshal(keptDraft{User: tok.User, Page: tok.Page, Values: values})
	if err != nil {
		return false
	}
	s.sessions.Put(r.Context(), sessDraft, s.cfg.Sealer.Seal(string(b), sealDraft))
	http.Redirect(w, r, "/login", http.StatusSeeOther)
	return true
}

// postedValues reads a form body, urlencoded or multipart (its files are
// not kept).
func postedValues(r *http.Request) (url.Values, bool) {
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	switch ct {
	case "application/x-www-form-urlencoded":
		if r.ParseForm() != nil {
			return nil, false
		}
		return r.PostForm, true
	case "multipart/form-data":
		if r.ParseMultipartForm(maxDraftBytes) != nil {
			return nil, false
		}
		return url.Values(r.MultipartForm.Value), true
	}
	return nil, false
}

// draft returns the draft the session keeps, if any.
func (s *Server) draft(r *http.Request) (keptDraft, bool) {
	var d keptDraft
	sealed := s.sessions.GetString(r.Context(), sessDraft)
	if sealed == "" {
		return d, false
	}
	plain, err := s.cfg.Sealer.Open(sealed, sealDraft)
	if err != nil || json.Unmarshal([]byte(plain), &d) != nil {
		s.sessions.Remove(r.Context(), sessDraft)
		return d, false
	}
	return d, true
}

// afterLogin is where a fresh login lands: the page of the user's kept
// draft, or the start page. A draft of someone else is dropped.
func (s *Server) afterLogin(r *http.Request, u casus.User) string {
	d, ok := s.draft(r)
	switch {
	case !ok:
		return "/"
	case d.User != u.ID:
		s.sessions.Remove(r.Context(), sessDraft)
		return "/"
	}
	return d.Page
}

// restoreDraft fills the form of the page with the user's kept draft when
// this is its page, and says so; the session lets go of it.
func (s *Server) restoreDraft(r *http.Request, v *view) {
	if r.Method != http.MethodGet || v.User == nil {
		return
	}
	d, ok := s.draft(r)
	if !ok || d.User != v.User.ID || d.Page != r.URL.Path {
		return
	}
	s.sessions.Remove(r.Context(), sessDraft)
	v.Form = &form{Values: d.Values, today: state(r).today}
	v.Notice = "draft.restored"
}

// handleKeepAlive answers "stay logged in" of the warning before the idle
// time-out (assets/session.js): the request itself starts the idle time
// again, as every request of a logged-in user does.
func (s *Server) handleKeepAlive(w http.ResponseWriter, r *http.Request) {
	w.WriteHeader(http.StatusNoContent)
}
