package storage_test

import (
	"context"
	"testing"

	"casus"
	"casus/storage"
	"casus/storage/storagetest"
)

// TestOIDCBinding: an account is bound to one issuer and subject, once; the
// binding finds it, and neither another account nor another subject can
// take the binding over.
func TestOIDCBinding(t *testing.T) {
	storagetest.Run(t, conformance+" single sign-on binding", func(t *testing.T, db *storage.DB) {
		var a, b casus.User
		update(t, db, func(ctx context.Context, tx *storage.Tx) error {
			a = casus.User{Email: "a@example.org", Name: "A", Discipline: casus.DiscTeacher, Roles: []casus.Role{casus.RoleMentor}}
			b = casus.User{Email: "b@example.org", Name: "B", Discipline: casus.DiscTeacher, Roles: []casus.Role{casus.RoleMentor}}
			if err := tx.CreateUser(ctx, &a, "x"); err != nil {
				return err
			}
			return tx.CreateUser(ctx, &b, "x")
		})
		find := func(iss, sub string) (casus.User, error) {
			var u casus.User
			err := db.View(t.Context(), func(tx *storage.Tx) (err error) { u, err = tx.UserByOIDC(t.Context(), iss, sub); return err })
			return u, err
		}
		bind := func(id, iss, sub string) error {
			return db.Update(t.Context(), func(tx *storage.Tx) error { return tx.BindOIDC(t.Context(), id, iss, sub) })
		}

		if _, err := find("https://idp", "sub-a"); casus.ErrorCode(err) != casus.ENOTFOUND {
			t.Fatalf("UserByOIDC before binding: %v, want ENOTFOUND", err)
		}
		if err := bind(a.ID, "https://idp", "sub-a"); err != nil {
			t.Fatalf("BindOIDC: %v", err)
		}
		if u, err := find("https://idp", "sub-a"); err != nil || u.ID != a.ID || len(u.Roles) != 1 {
			t.Errorf("UserByOIDC = %s %v, %v; want A with roles", u.Name, u.Roles, err)
		}
		if _, err := find("https://other-idp", "sub-a"); casus.ErrorCode(err) != casus.ENOTFOUND {
			t.Errorf("UserByOIDC with another issuer: %v, want ENOTFOUND", err)
		}
		wantCode(t, bind(a.ID, "https://idp", "sub-a2"), casus.ECONFLICT) // A is bound already
		wantCode(t, bind(b.ID, "https://idp", "sub-a"), casus.ECONFLICT)  // sub-a is A's
		if u, err := find("https://idp", "sub-a"); err != nil || u.ID != a.ID {
			t.Errorf("binding moved: %s, %v", u.Name, err)
		}
		if _, err := find("https://idp", "sub-a2"); casus.ErrorCode(err) != casus.ENOTFOUND {
			t.Errorf("a refused binding was kept: %v", err)
		}
		if err := bind(b.ID, "https://idp", "sub-b"); err != nil {
			t.Errorf("BindOIDC of a second account: %v", err)
		}
	})
}
