package web

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"

	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"

	"casus"
	"casus/storage"
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

func (s *Server) handleOIDCCallback(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	fail := func() { s.loginFailed(w, r, nil, &casus.Error{Code: casus.EUNAUTH, Key: "error.oidc_failed"}, nil) }
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
	// security event. The failures above (a forged, replayed or stale
	// callback) are not: anyone can make them for free, and they would
	// only flood the log.
	refuse := func(u casus.User, reason, key string) {
		e := s.loginEvent(r, casus.SecLoginFailed, u, claims.Email, loginBySSO+": "+reason)
		if err := s.db.Update(ctx, func(tx *storage.Tx) error { return tx.LogSecurityEvent(ctx, e) }); err != nil {
			s.renderError(w, r, err)
			return
		}
		s.loginFailed(w, r, nil, &casus.Error{Code: casus.EUNAUTH, Key: key}, nil)
	}
	u, bound, err := s.oidcUser(ctx, idt.Issuer, idt.Subject, claims)
	switch {
	case casus.ErrorCode(err) == casus.ENOTFOUND:
		refuse(u, "no account with this verified e-mail address", "error.oidc_failed")
		return
	case errors.Is(err, storage.ErrOIDCBound):
		refuse(u, "the account is bound to another single sign-on identity", "error.oidc_bound")
		return
	case errors.Is(err, errOIDCDisabled):
		refuse(u, "account deactivated", "error.oidc_failed")
		return
	case err != nil:
		s.renderError(w, r, err)
		return
	}
	via := loginBySSO
	if bound {
		via += " (first sign-on: bound to the provider's identity)"
	}
	if v := s.oidc.mfaProof(claims); v != "" {
		s.startSession(w, r, u, false, via+" with multi-factor authentication ("+v+")")
		return
	}
	// The provider did not prove a second factor: Casus asks its own.
	if u.TOTPEnabled {
		s.askTOTP(w, r, u, via)
		return
	}
	required, err := s.requires2FA(ctx, u)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	s.startSession(w, r, u, required, via)
}

// errOIDCDisabled refuses a sign-on to a deactivated account.
var errOIDCDisabled = &casus.Error{Code: casus.EUNAUTH, Key: "error.oidc_failed"}

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

// oidcUser finds the account of a sign-on: the one bound to the issuer and
// subject, or else, on the first sign-on, the one with the verified e-mail
// address, which is then bound (bound is true). An account bound to another
// identity is not matched by e-mail: storage.ErrOIDCBound.
func (s *Server) oidcUser(ctx context.Context, issuer, subject string, c oidcClaims) (u casus.User, bound bool, err error) {
	err = s.db.Update(ctx, func(tx *storage.Tx) error {
		var err error
		if u, err = tx.UserByOIDC(ctx, issuer, subject); err == nil && u.Disabled {
			return errOIDCDisabled
		} else if casus.ErrorCode(err) != casus.ENOTFOUND {
			return err
		}
		if c.Email == "" || !c.Verified {
			return &casus.Error{Code: casus.ENOTFOUND, Key: "error.oidc_failed"}
		}
		if u, _, err = tx.UserForLogin(ctx, c.Email); err != nil {
			return err
		}
		// UserForLogin also matches usernames: accept only an e-mail match.
		if !strings.EqualFold(u.Email, c.Email) {
			u = casus.User{}
			return &casus.Error{Code: casus.ENOTFOUND, Key: "error.oidc_failed"}
		}
		if u.Disabled {
			return errOIDCDisabled
		}
		if err := tx.BindOIDC(ctx, u.ID, issuer, subject); err != nil {
			return err
		}
		bound = true
		return nil
	})
	return u, bound, err
}
