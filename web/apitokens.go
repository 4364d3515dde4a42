package web

import (
	"net/http"

	"casus"
	"casus/app"
)

// apiTokensPage is the beheerder's page of API tokens; Secret is set once,
// on the answer to the form that made a token, and never again.
type apiTokensPage struct {
	app.APITokenPage
	Scopes  []casus.Scope
	Secret  string
	Issued  casus.APIToken
	Revoked bool
}

func (s *Server) apiTokensView(r *http.Request, f *form) (*view, error) {
	list, err := s.app.APITokens(r.Context(), s.actor(r))
	v := s.newView(r, "apitoken.title", &apiTokensPage{APITokenPage: list, Scopes: casus.Scopes})
	v.Form = f
	return v, err
}

func (s *Server) handleAdminAPITokens(w http.ResponseWriter, r *http.Request) {
	v, err := s.apiTokensView(r, nil)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	if r.URL.Query().Get("done") == "revoked" {
		v.Notice = "apitoken.revoked"
	}
	s.render(w, r, http.StatusOK, "api_tokens", v)
}

// handleAdminIssueAPIToken makes a token and shows its secret in the answer
// itself — never in a URL, never again.
func (s *Server) handleAdminIssueAPIToken(w http.ResponseWriter, r *http.Request) {
	f, err := parseForm(w, r)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	in := app.NewAPIToken{Name: f.text("name", textRule{required: true, max: 80}), UserID: f.chosen("user"),
		LastDay: f.day("last_day", true, s.today(), "apitoken.error.expiry")}
	for _, sc := range f.Values["scopes"] {
		in.Scopes = append(in.Scopes, casus.Scope(sc))
	}
	secret, tok, err := s.app.IssueAPIToken(r.Context(), s.actor(r), in, f.Errs)
	if verrs, ok := validationErrors(err); ok {
		f.Errs = verrs
	} else if err != nil {
		s.renderError(w, r, err)
		return
	}
	v, verr := s.apiTokensView(r, f)
	if verr != nil {
		s.renderError(w, r, verr)
		return
	}
	if f.Errs != nil {
		s.render(w, r, http.StatusBadRequest, "api_tokens", v)
		return
	}
	page := v.Data.(*apiTokensPage)
	page.Secret, page.Issued = secret, tok
	v.Form = nil
	s.render(w, r, http.StatusOK, "api_tokens", v)
}

func (s *Server) handleAdminRevokeAPIToken(w http.ResponseWriter, r *http.Request) {
	if err := s.app.RevokeAPIToken(r.Context(), s.actor(r), r.PathValue("id")); err != nil {
		s.renderError(w, r, err)
		return
	}
	http.Redirect(w, r, "/admin/api-tokens?done=revoked", http.StatusSeeOther)
}
