package app

import (
	"context"
	"errors"
	"strings"

	"casus"
	"casus/storage"
)

// OIDCIdentity is who an OpenID Connect provider vouches for: its issuer
// and subject, the e-mail address it claims (and whether it verified it),
// and the acr or amr value proving it did multi-factor authentication
// ("" when none does).
type OIDCIdentity struct {
	Issuer, Subject string
	Email           string
	EmailVerified   bool
	MFAProof        string
}

// errOIDCDisabled refuses a sign-on to a deactivated account.
var errOIDCDisabled = &casus.Error{Code: casus.EUNAUTH, Key: "error.oidc_failed"}

// SignOn signs in with single sign-on. The account bound to the issuer and
// subject is the one; on the first sign-on, the account with the verified
// e-mail address, which is then bound. Nobody is created on the fly. A
// refusal is a security event and comes back as casus.EUNAUTH. The
// provider is trusted for the second factor only with a MFAProof;
// otherwise the account's own two-factor code is asked (SignIn.AskTOTP).
func (s *Service) SignOn(ctx context.Context, a Actor, au Auth, id OIDCIdentity) (SignIn, error) {
	u, bound, err := s.oidcUser(ctx, id)
	refuse := func(reason, key string) error {
		e := s.loginEvent(a, casus.SecLoginFailed, u, id.Email, LoginBySSO+": "+reason)
		if err := s.db.Update(ctx, func(tx *storage.Tx) error { return tx.LogSecurityEvent(ctx, e) }); err != nil {
			return err
		}
		return &casus.Error{Code: casus.EUNAUTH, Key: key}
	}
	switch {
	case casus.ErrorCode(err) == casus.ENOTFOUND:
		return SignIn{}, refuse("no account with this verified e-mail address", "error.oidc_failed")
	case errors.Is(err, storage.ErrOIDCBound):
		return SignIn{}, refuse("the account is bound to another single sign-on identity", "error.oidc_bound")
	case errors.Is(err, errOIDCDisabled):
		return SignIn{}, refuse("account deactivated", "error.oidc_failed")
	case err != nil:
		return SignIn{}, err
	}
	via := LoginBySSO
	if bound {
		via += " (first sign-on: bound to the provider's identity)"
	}
	if id.MFAProof != "" {
		return SignIn{User: u, Via: via + " with multi-factor authentication (" + id.MFAProof + ")"}, nil
	}
	// The provider did not prove a second factor: Casus asks its own.
	return s.signIn(ctx, au, u, via)
}

// oidcUser finds the account of a sign-on: the one bound to the issuer and
// subject, or else, on the first sign-on, the one with the verified e-mail
// address, which is then bound (bound is true). An account bound to another
// identity is not matched by e-mail: storage.ErrOIDCBound.
func (s *Service) oidcUser(ctx context.Context, id OIDCIdentity) (u casus.User, bound bool, err error) {
	err = s.db.Update(ctx, func(tx *storage.Tx) error {
		var err error
		if u, err = tx.UserByOIDC(ctx, id.Issuer, id.Subject); err == nil && u.Disabled {
			return errOIDCDisabled
		} else if casus.ErrorCode(err) != casus.ENOTFOUND {
			return err
		}
		if id.Email == "" || !id.EmailVerified {
			return &casus.Error{Code: casus.ENOTFOUND, Key: "error.oidc_failed"}
		}
		if u, _, err = tx.UserForLogin(ctx, id.Email); err != nil {
			return err
		}
		// UserForLogin also matches usernames: accept only an e-mail match.
		if !strings.EqualFold(u.Email, id.Email) {
			u = casus.User{}
			return &casus.Error{Code: casus.ENOTFOUND, Key: "error.oidc_failed"}
		}
		if u.Disabled {
			return errOIDCDisabled
		}
		if err := tx.BindOIDC(ctx, u.ID, id.Issuer, id.Subject); err != nil {
			return err
		}
		bound = true
		return nil
	})
	return u, bound, err
}
