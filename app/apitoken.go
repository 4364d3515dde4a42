package app

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"slices"
	"time"

	"casus"
	"casus/storage"
)

// APISecretPrefix starts every API token's secret, so a secret found in a
// log or a repository is recognised as Casus's and revoked.
const APISecretPrefix = "casus_"

// NewAPIToken is a token as the beheerder's form gives it: the integration's
// name, the account whose sight it acts with, its scopes and its last day.
type NewAPIToken struct {
	Name    string
	UserID  string
	Scopes  []casus.Scope
	LastDay time.Time // a day at UTC midnight, meant in Dutch time: the token works through that day
}

// APITokenPage is the beheerder's page of tokens: every token, and the
// active accounts a new one can act with.
type APITokenPage struct {
	Tokens   []casus.APIToken
	Accounts []casus.User
	Now      time.Time
}

// APITokens lists the tokens to the beheerder (casus.CanAdminister).
func (s *Service) APITokens(ctx context.Context, a Actor) (APITokenPage, error) {
	page := APITokenPage{Now: s.Now()}
	if err := accountAdmin(a); err != nil {
		return page, err
	}
	err := s.db.View(ctx, func(tx *storage.Tx) error {
		var err error
		if page.Tokens, err = tx.APITokens(ctx); err != nil {
			return err
		}
		users, err := tx.Users(ctx)
		page.Accounts = slices.DeleteFunc(users, func(u casus.User) bool { return u.Disabled })
		return err
	})
	return page, err
}

// IssueAPIToken makes a token for an integration and returns its secret,
// which is shown once and stored only as its hash. The token acts with the
// sight of an active account; the account's owner gets a message naming the
// integration and the beheerder, and the security-event log records it.
// errs are the errors the door found parsing the form.
func (s *Service) IssueAPIToken(ctx context.Context, a Actor, in NewAPIToken, errs casus.ValidationErrors) (string, casus.APIToken, error) {
	if err := accountAdmin(a); err != nil {
		return "", casus.APIToken{}, err
	}
	tok := casus.APIToken{Name: in.Name, UserID: in.UserID, Scopes: in.Scopes, CreatedBy: a.User.ID}
	if !in.LastDay.IsZero() {
		y, m, d := in.LastDay.Date()
		tok.ExpiresAt = time.Date(y, m, d+1, 0, 0, 0, 0, casus.Amsterdam).UTC()
	}
	secret := newAPISecret()
	err := s.db.Update(ctx, func(tx *storage.Tx) error {
		for _, e := range casus.ValidateAPIToken(tok, tx.Now()) {
			if errs.Field(e.Field) == nil {
				errs = append(errs, e)
			}
		}
		u, err := tx.User(ctx, tok.UserID)
		if casus.ErrorCode(err) == casus.ENOTFOUND || err == nil && u.Disabled {
			if errs.Field("user") == nil {
				errs = append(errs, casus.FieldError("user", "error.choice", nil))
			}
		} else if err != nil {
			return err
		}
		if len(errs) > 0 {
			return errs
		}
		if err := tx.CreateAPIToken(ctx, &tok, casus.TokenHash(secret)); err != nil {
			return err
		}
		tok.UserName = u.Name
		if err := tx.AddMessage(ctx, &casus.Message{UserID: u.ID, Key: casus.MsgAPITokenIssued,
			Args: map[string]string{"By": a.User.Name, "Name": tok.Name}, Link: "/account"}); err != nil {
			return err
		}
		e := s.securityEventOn(a, casus.SecAPITokenIssued, u)
		e.Detail = "token: " + tok.Name + "; scopes: " + tok.ScopeList() + "; until " + tok.ExpiresAt.Format(time.RFC3339)
		return tx.LogSecurityEvent(ctx, e)
	})
	if err != nil {
		return "", casus.APIToken{}, err
	}
	return secret, tok, nil
}

// RevokeAPIToken revokes a token at once; the security-event log records
// it. An unknown or already revoked token is not found.
func (s *Service) RevokeAPIToken(ctx context.Context, a Actor, id string) error {
	if err := accountAdmin(a); err != nil {
		return err
	}
	return s.db.Update(ctx, func(tx *storage.Tx) error {
		tok, err := tx.RevokeAPIToken(ctx, id, a.User.ID)
		if err != nil {
			return err
		}
		e := s.securityEventOn(a, casus.SecAPITokenRevoked, casus.User{ID: tok.UserID, Name: tok.UserName})
		e.Detail = "token: " + tok.Name
		return tx.LogSecurityEvent(ctx, e)
	})
}

// errAPIToken is the one answer to a secret that is unknown, revoked or
// expired: the caller is not told which.
var errAPIToken = &casus.Error{Code: casus.EUNAUTH, Key: "api.error.token"}

// APICaller finds who calls the API with secret: the token and the account
// whose sight it acts with, when the policy lets the call use a route that
// needs scope (casus.CanCallAPI). An unknown, revoked or expired secret is
// EUNAUTH; a missing scope EFORBIDDEN, with the token and account returned
// so the door can log the refusal (LogAPIRefusal).
func (s *Service) APICaller(ctx context.Context, secret string, scope casus.Scope) (casus.APIToken, casus.User, error) {
	var tok casus.APIToken
	var u casus.User
	err := s.db.View(ctx, func(tx *storage.Tx) error {
		var err error
		if tok, err = tx.APITokenByHash(ctx, casus.TokenHash(secret)); err != nil {
			return err
		}
		u, err = tx.User(ctx, tok.UserID)
		return err
	})
	switch {
	case casus.ErrorCode(err) == casus.ENOTFOUND:
		return tok, u, errAPIToken
	case err != nil:
		return tok, u, err
	}
	return tok, u, casus.CanCallAPI(tok, u, s.Now(), scope)
}

// LogAPIRefusal records in the access log that the actor's token was
// refused route for lack of scope, on the object the path names (objectID,
// possibly empty): a refused call is accounted for like a refused page.
func (s *Service) LogAPIRefusal(ctx context.Context, a Actor, scope casus.Scope, objectKind, objectID string) error {
	return s.db.Update(ctx, func(tx *storage.Tx) error {
		e := s.entry(a, casus.ActRead, "api (scope "+string(scope)+" missing)")
		e.ObjectKind, e.ObjectID = objectKind, truncate(objectID, 64)
		return logAccess(ctx, tx, e, casus.Access{})
	})
}

func newAPISecret() string {
	b := make([]byte, 32)
	rand.Read(b)
	return APISecretPrefix + base64.RawURLEncoding.EncodeToString(b)
}
