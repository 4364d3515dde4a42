package storage_test

import (
	"context"
	"testing"
	"time"

	"casus"
	"casus/storage"
	"casus/storage/storagetest"
)

// TestPasswordResets: a reset link is found by its hash while unused and
// unexpired; it is used once, also when the use races; a newer reset voids
// the older; an expired one is not found; roles and deactivation are stored.
func TestPasswordResets(t *testing.T) {
	for _, engine := range storagetest.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			t.Logf("%s on %s", conformance, engine)
			clock := storagetest.NewClock(time.Date(2026, 5, 4, 9, 0, 0, 0, time.UTC))
			db := storagetest.Open(t, engine, clock.Now)
			w := seed(t, db)
			start := func(hash string, twoFA bool) {
				update(t, db, func(ctx context.Context, tx *storage.Tx) error {
					return tx.StartPasswordReset(ctx, &storage.PasswordReset{TokenHash: hash, UserID: w.mentor.ID,
						StartedBy: w.admin.ID, Reset2FA: twoFA, ExpiresAt: clock.Now().Add(time.Hour)})
				})
			}
			find := func(hash string) (storage.PasswordReset, error) {
				var p storage.PasswordReset
				err := db.View(t.Context(), func(tx *storage.Tx) (err error) {
					p, err = tx.PasswordReset(t.Context(), hash)
					return err
				})
				return p, err
			}
			use := func(hash string) error {
				return db.Update(t.Context(), func(tx *storage.Tx) error { return tx.UsePasswordReset(t.Context(), hash) })
			}

			start("first", false)
			if p, err := find("first"); err != nil || p.UserID != w.mentor.ID || p.StartedBy != w.admin.ID || p.Reset2FA {
				t.Fatalf("find = %+v, %v", p, err)
			}
			t.Run("NewerVoidsOlder", func(t *testing.T) {
				start("second", true)
				if _, err := find("first"); casus.ErrorCode(err) != casus.ENOTFOUND {
					t.Errorf("the older link still works: %v", err)
				}
				if p, err := find("second"); err != nil || !p.Reset2FA {
					t.Errorf("find second = %+v, %v", p, err)
				}
			})
			t.Run("UsedOnce", func(t *testing.T) {
				if err := use("second"); err != nil {
					t.Fatal(err)
				}
				if err := use("second"); casus.ErrorCode(err) != casus.ENOTFOUND {
					t.Errorf("second use: %v", err)
				}
				if _, err := find("second"); casus.ErrorCode(err) != casus.ENOTFOUND {
					t.Errorf("a used link is found: %v", err)
				}
			})
			t.Run("Expires", func(t *testing.T) {
				start("third", false)
				pending := viewValue(t, db, func(ctx context.Context, tx *storage.Tx) (map[string]bool, error) {
					return tx.PendingPasswordResets(ctx)
				})
				if !pending[w.mentor.ID] || len(pending) != 1 {
					t.Errorf("pending = %v", pending)
				}
				clock.Add(time.Hour)
				if _, err := find("third"); casus.ErrorCode(err) != casus.ENOTFOUND {
					t.Errorf("an expired link is found: %v", err)
				}
				if err := use("third"); casus.ErrorCode(err) != casus.ENOTFOUND {
					t.Errorf("an expired link is used: %v", err)
				}
			})
			t.Run("RolesAndDeactivation", func(t *testing.T) {
				update(t, db, func(ctx context.Context, tx *storage.Tx) error {
					return tx.SetRoles(ctx, w.mentor.ID, []casus.Role{casus.RoleCareContact, casus.RoleMentor})
				})
				update(t, db, func(ctx context.Context, tx *storage.Tx) error { return tx.Deactivate(ctx, w.mentor.ID) })
				u := viewValue(t, db, func(ctx context.Context, tx *storage.Tx) (casus.User, error) { return tx.User(ctx, w.mentor.ID) })
				if len(u.Roles) != 2 || !u.Disabled || u.SessionEpoch != w.mentor.SessionEpoch+1 {
					t.Errorf("after roles and deactivation: %+v", u)
				}
				err := db.Update(t.Context(), func(tx *storage.Tx) error { return tx.SetRoles(t.Context(), casus.NewID(), nil) })
				if casus.ErrorCode(err) != casus.ENOTFOUND {
					t.Errorf("roles of an unknown user: %v", err)
				}
			})
		})
	}
}
