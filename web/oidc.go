package web

import (
	"context"
	"fmt"
	"net/http"
	"slices"

	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"

	"casus"
	"casus/app"
)

// OIDCConfig configures sign-in with an OpenID Connect provider (the
// school's identity provider). The first sign-on of an account is matched by
// verified e-mail address and binds the account to the provider's issuer and
// subject; later sign-ons match by issuer and subject only. Nobody is created
// on the fly. The provider is trusted for the second factor only when its ID
// token says it did multi-factor authentication (an acr or amr value in
// MFAValues); otherwise Casus asks its own two-factor code.
type OIDCConfig struct {
	Issuer       string
	ClientID     string
	ClientSecret string
	RedirectURL  string // e.g. https://casus.example.nl/login/oidc/callback
	// MFAValues are the acr values and amr values (RFC 8176) that prove
	// the provider did multi-factor authentication. Empty trusts none.
	MFAValues []string
}

// DefaultOIDCMFAValues are the RFC 8176 authentication method references
// that prove more than a password: "mfa" (multiple factors), "otp" (a
// one-time code), "hwk" and "swk" (proof of a hardware or software key) and
// "fpt" (a fingerprint).
var DefaultOIDCMFAValues = []string{"mfa", "otp", "hwk", "swk", "fpt"}

type oidcProvider struct {
	oauth    oauth2.Config
	verifier *oidc.IDTokenVerifier
	mfa      []string
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
		mfa:      c.MFAValues,
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

// handleOIDCCallback finishes a sign-on: the provider's answer is checked
// here (state, nonce, the ID token's signature), and the account it vouches
// for is signed in by app.SignOn.
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
	var claims oidcClaims
	if err := idt.Claims(&claims); err != nil {
		fail()
		return
	}
	// From here the provider vouches for who this is, and a refusal is a
	// security event (app.SignOn). The failures above (a forged, replayed
	// or stale callback) are not: anyone can make them for free, and they
	// would only flood the log.
	in, err := s.app.SignOn(ctx, s.actor(r), s.auth(), app.OIDCIdentity{Issuer: idt.Issuer, Subject: idt.Subject,
		Email: claims.Email, EmailVerified: claims.Verified, MFAProof: s.oidc.mfaProof(claims)})
	switch {
	case err != nil:
		s.loginFailed(w, r, nil, err)
	case in.AskTOTP:
		s.askTOTP(w, r, in.User, in.Via)
	default:
		s.startSession(w, r, in)
	}
}

// oidcClaims are the ID token claims Casus reads.
type oidcClaims struct {
	Email    string   `json:"email"`
	Verified bool     `json:"email_verified"`
	ACR      string   `json:"acr"`
	AMR      []string `json:"amr"`
}

// mfaProof returns the acr or amr value that proves the provider did
// multi-factor authentication, or "" when none does.
func (p *oidcProvider) mfaProof(c oidcClaims) string {
	for _, v := range p.mfa {
		if c.ACR == v {
			return "acr " + v
		}
		if slices.Contains(c.AMR, v) {
			return "amr " + v
		}
	}
	return ""
}
