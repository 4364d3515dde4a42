package storage_test

import (
	"context"
	"errors"
	"testing"

	"casus"
	"casus/storage"
)

func init() {
	const issuer = "https://login.testrijn.example"
	find := func(c *contract, iss, sub string) (casus.User, error) {
		var u casus.User
		err := c.db.View(context.Background(), func(tx *storage.Tx) (err error) {
			u, err = tx.UserByOIDC(context.Background(), iss, sub)
			return err
		})
		return u, err
	}
	bind := func(c *contract, userID, iss, sub string) error {
		return c.db.Update(context.Background(), func(tx *storage.Tx) error { return tx.BindOIDC(context.Background(), userID, iss, sub) })
	}

	contracts.add("UserByOIDC", func(t *testing.T, c *contract) {
		w := c.w
		sub := "sub-" + w.careContact.ID // subjects are unique across worlds
		if _, err := find(c, issuer, sub); casus.ErrorCode(err) != casus.ENOTFOUND {
			t.Errorf("UserByOIDC before binding = %v, want ENOTFOUND", err)
		}
		must(t, bind(c, w.careContact.ID, issuer, sub))
		u := viewValue(t, c.db, func(ctx context.Context, tx *storage.Tx) (casus.User, error) { return tx.UserByOIDC(ctx, issuer, sub) })
		if u.ID != w.careContact.ID || u.Name != "Tom Taakdocent" || u.OrgName != "ROC Testrijn" ||
			!sameRoles(u.Roles, []casus.Role{casus.RoleCareContact, casus.RoleMentor}) {
			t.Errorf("UserByOIDC = %+v, want the care contact with roles", u)
		}
		for _, other := range [][2]string{{"https://other.example", sub}, {issuer, "sub-" + w.mentor.ID}, {issuer, ""}} {
			_, err := find(c, other[0], other[1])
			wantCode(t, err, casus.ENOTFOUND)
		}
	})

	contracts.add("BindOIDC", func(t *testing.T, c *contract) {
		w := c.w
		subA, subB := "sub-"+w.mentor.ID, "sub-"+w.specialist.ID
		update(t, c.db, func(ctx context.Context, tx *storage.Tx) error { return tx.BindOIDC(ctx, w.mentor.ID, issuer, subA) })
		if u, err := find(c, issuer, subA); err != nil || u.ID != w.mentor.ID {
			t.Fatalf("UserByOIDC after BindOIDC = %+v, %v", u, err)
		}
		t.Run("BoundAlready/Conflict", func(t *testing.T) {
			err := bind(c, w.mentor.ID, issuer, subB)
			wantCode(t, err, casus.ECONFLICT)
			if !errors.Is(err, storage.ErrOIDCBound) {
				t.Errorf("BindOIDC of a bound account = %v, want ErrOIDCBound", err)
			}
			wantCode(t, bind(c, w.mentor.ID, issuer, subA), casus.ECONFLICT) // the same binding again
			if _, err := find(c, issuer, subB); casus.ErrorCode(err) != casus.ENOTFOUND {
				t.Errorf("a refused binding was kept: %v", err)
			}
		})
		t.Run("TakenByAnother/Conflict", func(t *testing.T) {
			wantCode(t, bind(c, w.specialist.ID, issuer, subA), casus.ECONFLICT)
			if u, err := find(c, issuer, subA); err != nil || u.ID != w.mentor.ID {
				t.Errorf("the binding moved to %+v, %v", u, err)
			}
			if u := viewValue(t, c.db, func(ctx context.Context, tx *storage.Tx) (casus.User, error) { return tx.User(ctx, w.specialist.ID) }); u.ID == "" {
				t.Error("the specialist is gone")
			}
		})
		t.Run("SecondAccount", func(t *testing.T) {
			must(t, bind(c, w.specialist.ID, issuer, subB))
			if u, err := find(c, issuer, subB); err != nil || u.ID != w.specialist.ID {
				t.Errorf("UserByOIDC of the second account = %+v, %v", u, err)
			}
		})
		t.Run("UnknownUser/Err", func(t *testing.T) {
			sub := "sub-nobody-" + w.mentor.ID
			if err := bind(c, casus.NewID(), issuer, sub); err == nil {
				t.Error("binding an unknown account succeeded")
			}
			if _, err := find(c, issuer, sub); casus.ErrorCode(err) != casus.ENOTFOUND {
				t.Errorf("a binding of an unknown account was kept: %v", err)
			}
		})
	})
}
