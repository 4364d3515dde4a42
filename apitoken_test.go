package casus_test

import (
	"testing"
	"time"

	"casus"
)

func TestCanCallAPI(t *testing.T) {
	now := time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)
	u := casus.User{ID: casus.NewID(), Roles: []casus.Role{casus.RoleCoordinator}}
	tok := casus.APIToken{ID: casus.NewID(), Name: "Magister", UserID: u.ID, Scopes: []casus.Scope{casus.ScopeStudentsRead},
		ExpiresAt: now.Add(time.Hour)}
	revoked, expired, other, disabled := tok, tok, tok, u
	revoked.RevokedAt = now.Add(-time.Minute)
	expired.ExpiresAt = now
	other.UserID = casus.NewID()
	disabled.Disabled = true
	tests := []struct {
		name  string
		tok   casus.APIToken
		u     casus.User
		scope casus.Scope
		want  string // error code, "" for allowed
	}{
		{"OK/InScope", tok, u, casus.ScopeStudentsRead, ""},
		{"OK/NoScopeNeeded", tok, u, "", ""},
		{"Denied/OutOfScope", tok, u, casus.ScopeCasesRead, casus.EFORBIDDEN},
		{"Denied/ReadIsNoWrite", tok, u, casus.ScopeActionsWrite, casus.EFORBIDDEN},
		{"Denied/Revoked", revoked, u, casus.ScopeStudentsRead, casus.EUNAUTH},
		{"Denied/ExpiredAtTheInstant", expired, u, casus.ScopeStudentsRead, casus.EUNAUTH},
		{"Denied/AccountDisabled", tok, disabled, casus.ScopeStudentsRead, casus.EUNAUTH},
		{"Denied/NotTheTokensAccount", other, u, casus.ScopeStudentsRead, casus.EUNAUTH},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := casus.ErrorCode(casus.CanCallAPI(tc.tok, tc.u, now, tc.scope)); got != tc.want {
				t.Errorf("CanCallAPI = %q, want %q", got, tc.want)
			}
		})
	}
}

func TestValidateAPIToken(t *testing.T) {
	now := time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)
	ok := casus.APIToken{Name: "Magister-koppeling", UserID: casus.NewID(), Scopes: []casus.Scope{casus.ScopeStudentsRead},
		ExpiresAt: now.AddDate(0, 6, 0)}
	with := func(f func(*casus.APIToken)) casus.APIToken { t := ok; f(&t); return t }
	tests := []struct {
		name  string
		tok   casus.APIToken
		field string // "" for valid
	}{
		{"OK", ok, ""},
		{"OK/AYearAhead", with(func(t *casus.APIToken) { t.ExpiresAt = now.Add(casus.MaxAPITokenLifetime) }), ""},
		{"ErrNameRequired", with(func(t *casus.APIToken) { t.Name = "  " }), "name"},
		{"ErrNameTooLong", with(func(t *casus.APIToken) { t.Name = string(make([]rune, 81)) }), "name"},
		{"ErrNoAccount", with(func(t *casus.APIToken) { t.UserID = "x" }), "user"},
		{"ErrNoScopes", with(func(t *casus.APIToken) { t.Scopes = nil }), "scopes"},
		{"ErrUnknownScope", with(func(t *casus.APIToken) { t.Scopes = []casus.Scope{"students:write"} }), "scopes"},
		{"ErrExpiryPast", with(func(t *casus.APIToken) { t.ExpiresAt = now }), "expires_on"},
		{"ErrExpiryTooFar", with(func(t *casus.APIToken) { t.ExpiresAt = now.Add(casus.MaxAPITokenLifetime + time.Second) }), "expires_on"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			errs := casus.ValidateAPIToken(tc.tok, now)
			if tc.field == "" && len(errs) > 0 || tc.field != "" && (len(errs) != 1 || errs[0].Field != tc.field) {
				t.Errorf("ValidateAPIToken = %v, want an error on %q only", errs, tc.field)
			}
		})
	}
}

func TestParseScopes(t *testing.T) {
	tok := casus.APIToken{Scopes: []casus.Scope{casus.ScopeStudentsRead, casus.ScopeCasesRead}}
	got := casus.ParseScopes(tok.ScopeList() + " students:read gone:away")
	if len(got) != 2 || got[0] != casus.ScopeStudentsRead || got[1] != casus.ScopeCasesRead {
		t.Errorf("ParseScopes(%q …) = %v: want the two scopes once, unknown words dropped", tok.ScopeList(), got)
	}
}

func TestAPITokenLastDay(t *testing.T) {
	tok := casus.APIToken{ExpiresAt: time.Date(2027, 1, 6, 23, 0, 0, 0, time.UTC)} // 7 January, 00:00 in Amsterdam
	if d := tok.LastDay(); d.Day() != 6 || d.Month() != time.January {
		t.Errorf("LastDay = %v, want 6 January", d)
	}
}
