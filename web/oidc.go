package web

import (
	"context"
	"fmt"
	"net/http"
	"strings"

	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"

	"casus"
	"casus/storage"
)

// OIDCConfig configures sign-in with an OpenID Connect provider (the
// school's identity provider). Users are matched by verified e-mail address
// to existing accounts; nobody is created on the fly. The provider is
// trusted for the second factor.
type OIDCConfig struct {
	Issuer       string
	ClientID     string
	ClientSecret string
	RedirectURL  string // e.g. https://casus.example.nl/login/oidc/callback
}

type oidcProvider struct {
	oauth    oauth2.Config
	verifier *oidc.IDTokenVerifier
}

func newOIDCProvider(ctx context.Context, c OIDCConfig) (*oidcProvider, error) {
	p, err := oidc.NewProvider(ctx, c.Issuer)
	if err != nil {
		return nil, fmt.Errorf("web: oidc provider: %w", err)
	}
	return &oidcProvider{
		oauth: oauth2.Config{ClientID: c.ClientID, ClientSecret: c.ClientSecret, Endpoint: p.Endpoint(),
			RedirectURL: c.RedirectURL, Scopes: []string{oidc.ScopeOpenID, "email", "profile"}},
		verifier: p.Verifier(&oidc.Config{ClientID: c.ClientID}),
	}, nil
}

const (
	sessOIDCState    = "oidc_state"
	sessOIDCNonce    = "oidc_nonce"
	sessOIDCVerifier = "oidc_verifier"
)

func (s *Server) handleOIDCStart(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	st, nonce, verifier := newToken(), newToken(), oauth2.GenerateVerifier()
	s.sessions.Put(ctx, sessOIDCState, st)
	s.sessions.Put(ctx, sessOIDCNonce, nonce)
	s.sessions.Put(ctx, sessOIDCVerifier, verifier)
	http.Redirect(w, r, s.oidc.oauth.AuthCodeURL(st, oidc.Nonce(nonce), oauth2.S256ChallengeOption(verifier)), http.StatusFound)
}

func (s *Server) handleOIDCCallback(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	fail := func() { s.loginFailed(w, r, nil, &casus.Error{Code: casus.EUNAUTH, Key: "error.oidc_failed"}) }
	want := s.sessions.PopString(ctx, sessOIDCState)
	nonce := s.sessions.PopString(ctx, sessOIDCNonce)
	verifier := s.sessions.PopString(ctx, sessOIDCVerifier)
	if want == "" || r.URL.Query().Get("state") != want || r.URL.Query().Get("code") == "" {
		fail()
		return
	}
	tok, err := s.oidc.oauth.Exchange(ctx, r.URL.Query().Get("code"), oauth2.VerifierOption(verifier))
	if err != nil {
		s.log.Warn("oidc exchange failed", "request_id", state(r).id, "error", err.Error())
		fail()
		return
	}
	raw, _ := tok.Extra("id_token").(string)
	idt, err := s.oidc.verifier.Verify(ctx, raw)
	if err != nil || idt.Nonce != nonce {
		fail()
		return
	}
	var claims struct {
		Email    string `json:"email"`
		Verified bool   `json:"email_verified"`
	}
	if err := idt.Claims(&claims); err != nil || claims.Email == "" || !claims.Verified {
		fail()
		return
	}
	var u casus.User
	err = s.db.View(ctx, func(tx *storage.Tx) error {
		var err error
		u, _, err = tx.UserForLogin(ctx, claims.Email)
		return err
	})
	// UserForLogin also matches usernames: accept only an e-mail match.
	if err != nil || u.Disabled || !strings.EqualFold(u.Email, claims.Email) {
		fail()
		return
	}
	s.completeLogin(w, r, u, false)
}
