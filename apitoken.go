package casus

import (
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// Scope is one thing an API token may do on the JSON API (/api/v1). A
// scope only narrows: the token acts with the sight of the account it was
// issued for (APIToken.UserID), so what a call returns is what the policy
// grants that account, and of that only what the token's scopes name.
type Scope string

// Scopes of the API. There is no students:write yet: no student write of
// the web pages is offered on the API.
const (
	ScopeStudentsRead Scope = "students:read" // the students the account may open, their basic data and guardians
	ScopeCasesRead    Scope = "cases:read"    // the care teams' cases of those students
	ScopeTeamsRead    Scope = "teams:read"    // the care teams and their members (no student data)
	ScopeMeetingsRead Scope = "meetings:read" // the teams' coming meetings (no student data)
	ScopeActionsRead  Scope = "actions:read"  // the account's own actions (task list)
	ScopeActionsWrite Scope = "actions:write" // report progress on those actions
	ScopeChangesRead  Scope = "changes:read"  // the change feed: which students' data changed, of those the account may open
)

// Scopes lists every scope, in the order the beheerder's form shows them.
var Scopes = []Scope{ScopeStudentsRead, ScopeCasesRead, ScopeTeamsRead, ScopeMeetingsRead, ScopeActionsRead, ScopeActionsWrite,
	ScopeChangesRead}

// Valid reports whether s is a known scope.
func (s Scope) Valid() bool { return slices.Contains(Scopes, s) }

// MaxAPITokenLifetime is the longest a token may be issued for: an
// integration is looked at again at least once a year.
const MaxAPITokenLifetime = 366 * 24 * time.Hour

// APIToken is a bearer token the beheerder issued for one integration (a
// student system, a municipality's system). Only the hash of its secret is
// stored (TokenHash); the secret is shown once, when it is made.
type APIToken struct {
	ID        string
	Name      string // the integration, e.g. "Magister-koppeling": the actor in the access log
	UserID    string // the account whose sight the token acts with
	UserName  string // filled by reads, for display
	Scopes    []Scope
	CreatedBy string
	CreatedAt time.Time
	ExpiresAt time.Time
	RevokedAt time.Time // zero while not revoked
}

// InForce reports whether the token opens the API at now: not revoked and
// not expired.
func (t APIToken) InForce(now time.Time) bool { return t.RevokedAt.IsZero() && now.Before(t.ExpiresAt) }

// LastDay is the last day the token works, in Dutch time (as a time in
// Amsterdam on that day): the day before it expires at midnight.
func (t APIToken) LastDay() time.Time { return t.ExpiresAt.Add(-time.Nanosecond).In(Amsterdam) }

// Allows reports whether the token's scopes name s.
func (t APIToken) Allows(s Scope) bool { return slices.Contains(t.Scopes, s) }

// ScopeList is the token's scopes separated by spaces, as stored.
func (t APIToken) ScopeList() string {
	parts := make([]string, len(t.Scopes))
	for i, s := range t.Scopes {
		parts[i] = string(s)
	}
	return strings.Join(parts, " ")
}

// ParseScopes reads a stored scope list; unknown words are dropped, so a
// scope withdrawn from the code grants nothing.
func ParseScopes(list string) []Scope {
	var out []Scope
	for _, w := range strings.Fields(list) {
		if s := Scope(w); s.Valid() && !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	return out
}

// ValidateAPIToken checks a token the beheerder is about to issue: a name,
// an account, at least one known scope, and an expiry after now and within
// MaxAPITokenLifetime.
func ValidateAPIToken(t APIToken, now time.Time) ValidationErrors {
	var errs ValidationErrors
	if n := utf8.RuneCountInString(strings.TrimSpace(t.Name)); n == 0 || n > 80 {
		errs = append(errs, FieldError("name", "apitoken.error.name", nil))
	}
	if !ValidID(t.UserID) {
		errs = append(errs, FieldError("user", "error.choice", nil))
	}
	if len(t.Scopes) == 0 || slices.ContainsFunc(t.Scopes, func(s Scope) bool { return !s.Valid() }) {
		errs = append(errs, FieldError("scopes", "apitoken.error.scopes", nil))
	}
	if !t.ExpiresAt.After(now) || t.ExpiresAt.Sub(now) > MaxAPITokenLifetime {
		errs = append(errs, FieldError("expires_on", "apitoken.error.expiry", nil))
	}
	return errs
}

// CanCallAPI decides whether a call with token t, acting with the sight of
// account u, may use a route that needs scope (empty: no scope, only a
// token in force). It returns nil, or EUNAUTH for a token revoked or
// expired or of a disabled account (the caller must present another), or
// EFORBIDDEN when the token lacks the scope.
func CanCallAPI(t APIToken, u User, now time.Time, scope Scope) error {
	if !t.InForce(now) || u.Disabled || u.ID != t.UserID {
		return &Error{Code: EUNAUTH, Key: "api.error.token"}
	}
	if scope != "" && !t.Allows(scope) {
		return &Error{Code: EFORBIDDEN, Key: "api.error.scope", Args: map[string]any{"Scope": string(scope)}}
	}
	return nil
}
