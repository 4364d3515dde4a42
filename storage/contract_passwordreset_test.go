package storage_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"casus"
	"casus/storage"
)

func init() {
	contracts.add("StartPasswordReset", func(t *testing.T, c *contract) {
		w := c.w
		first, second, other := casus.NewID(), casus.NewID(), casus.NewID()
		expires := c.clock.Now().Add(time.Hour + 789*time.Nanosecond)
		p := storage.PasswordReset{TokenHash: first, UserID: w.mentor.ID, StartedBy: w.admin.ID, ExpiresAt: expires.In(casus.Amsterdam)}
		update(t, c.db, func(ctx context.Context, tx *storage.Tx) error { return tx.StartPasswordReset(ctx, &p) })
		if !p.CreatedAt.Equal(contractEpoch) || !p.ExpiresAt.Equal(expires.Truncate(time.Microsecond)) || p.ExpiresAt.Location() != time.UTC {
			t.Errorf("started reset = %+v, want created now and the expiry in UTC to the µs", p)
		}
		got := viewValue(t, c.db, func(ctx context.Context, tx *storage.Tx) (storage.PasswordReset, error) {
			return tx.PasswordReset(ctx, first)
		})
		if got != p {
			t.Errorf("stored reset = %+v, want %+v", got, p)
		}
		t.Run("NewerVoidsOlderOfTheSameUser", func(t *testing.T) {
			update(t, c.db, func(ctx context.Context, tx *storage.Tx) error {
				return tx.StartPasswordReset(ctx, &storage.PasswordReset{TokenHash: other, UserID: w.careContact.ID, StartedBy: w.admin.ID,
					ExpiresAt: expires})
			})
			c.clock.Add(time.Minute)
			update(t, c.db, func(ctx context.Context, tx *storage.Tx) error {
				return tx.StartPasswordReset(ctx, &storage.PasswordReset{TokenHash: second, UserID: w.mentor.ID, StartedBy: w.admin.ID,
					Reset2FA: true, ExpiresAt: expires})
			})
			err := viewErrC(t, c, func(ctx context.Context, tx *storage.Tx) error { _, err := tx.PasswordReset(ctx, first); return err })
			wantCode(t, err, casus.ENOTFOUND)
			if p := viewValue(t, c.db, func(ctx context.Context, tx *storage.Tx) (storage.PasswordReset, error) {
				return tx.PasswordReset(ctx, second)
			}); !p.Reset2FA || p.UserID != w.mentor.ID {
				t.Errorf("newer reset = %+v", p)
			}
			if p := viewValue(t, c.db, func(ctx context.Context, tx *storage.Tx) (storage.PasswordReset, error) {
				return tx.PasswordReset(ctx, other)
			}); p.UserID != w.careContact.ID {
				t.Errorf("another user's reset was voided: %+v", p)
			}
		})
	})

	contracts.add("PasswordReset", func(t *testing.T, c *contract) {
		w := c.w
		hash := casus.NewID()
		update(t, c.db, func(ctx context.Context, tx *storage.Tx) error {
			return tx.StartPasswordReset(ctx, &storage.PasswordReset{TokenHash: hash, UserID: w.nurse.ID, StartedBy: w.admin.ID,
				Reset2FA: true, ExpiresAt: c.clock.Now().Add(time.Hour)})
		})
		find := func(hash string) (storage.PasswordReset, error) {
			var p storage.PasswordReset
			err := viewErrC(t, c, func(ctx context.Context, tx *storage.Tx) (err error) {
				p, err = tx.PasswordReset(ctx, hash)
				return err
			})
			return p, err
		}
		p, err := find(hash)
		if err != nil || p.TokenHash != hash || p.UserID != w.nurse.ID || p.StartedBy != w.admin.ID || !p.Reset2FA ||
			!p.CreatedAt.Equal(contractEpoch) || !p.ExpiresAt.Equal(contractEpoch.Add(time.Hour)) {
			t.Errorf("PasswordReset = %+v, %v", p, err)
		}
		wantLinkError := func(t *testing.T, err error) {
			t.Helper()
			wantCode(t, err, casus.ENOTFOUND)
			var ce *casus.Error
			if !errors.As(err, &ce) || ce.Key != "error.reset_link" {
				t.Errorf("error %v, want the key error.reset_link", err)
			}
		}
		t.Run("Unknown/ErrNotFound", func(t *testing.T) {
			_, err := find(casus.NewID())
			wantLinkError(t, err)
		})
		t.Run("Expired/ErrNotFound", func(t *testing.T) {
			c.clock.Add(time.Hour - time.Microsecond)
			if _, err := find(hash); err != nil {
				t.Errorf("a link just before its expiry: %v", err)
			}
			c.clock.Add(time.Microsecond)
			_, err := find(hash)
			wantLinkError(t, err)
			c.clock.Set(contractEpoch)
		})
		t.Run("Used/ErrNotFound", func(t *testing.T) {
			update(t, c.db, func(ctx context.Context, tx *storage.Tx) error { return tx.UsePasswordReset(ctx, hash) })
			_, err := find(hash)
			wantLinkError(t, err)
		})
	})

	contracts.add("UsePasswordReset", func(t *testing.T, c *contract) {
		w := c.w
		hash, expiring := casus.NewID(), casus.NewID()
		update(t, c.db, func(ctx context.Context, tx *storage.Tx) error {
			must(t, tx.StartPasswordReset(ctx, &storage.PasswordReset{TokenHash: hash, UserID: w.mentor.ID, StartedBy: w.admin.ID,
				ExpiresAt: c.clock.Now().Add(time.Hour)}))
			return tx.StartPasswordReset(ctx, &storage.PasswordReset{TokenHash: expiring, UserID: w.specialist.ID, StartedBy: w.admin.ID,
				ExpiresAt: c.clock.Now().Add(time.Minute)})
		})
		use := func(hash string) error {
			return updateErrC(t, c, func(ctx context.Context, tx *storage.Tx) error { return tx.UsePasswordReset(ctx, hash) })
		}
		if err := use(hash); err != nil {
			t.Fatalf("first use: %v", err)
		}
		t.Run("Twice/ErrNotFound", func(t *testing.T) {
			wantCode(t, use(hash), casus.ENOTFOUND)
		})
		t.Run("Unknown/ErrNotFound", func(t *testing.T) {
			wantCode(t, use(casus.NewID()), casus.ENOTFOUND)
		})
		t.Run("Expired/ErrNotFound", func(t *testing.T) {
			c.clock.Add(time.Minute)
			wantCode(t, use(expiring), casus.ENOTFOUND)
		})
		pending := viewValue(t, c.db, func(ctx context.Context, tx *storage.Tx) (map[string]bool, error) {
			return tx.PendingPasswordResets(ctx)
		})
		if pending[w.mentor.ID] {
			t.Error("a used reset is still pending")
		}
	})

	contracts.add("PendingPasswordResets", func(t *testing.T, c *contract) {
		w := c.w
		pending := func() map[string]bool {
			return viewValue(t, c.db, func(ctx context.Context, tx *storage.Tx) (map[string]bool, error) {
				return tx.PendingPasswordResets(ctx)
			})
		}
		a, b := casus.NewID(), casus.NewID()
		update(t, c.db, func(ctx context.Context, tx *storage.Tx) error {
			must(t, tx.StartPasswordReset(ctx, &storage.PasswordReset{TokenHash: a, UserID: w.mentor.ID, StartedBy: w.admin.ID,
				ExpiresAt: c.clock.Now().Add(time.Hour)}))
			return tx.StartPasswordReset(ctx, &storage.PasswordReset{TokenHash: b, UserID: w.nurse.ID, StartedBy: w.admin.ID,
				ExpiresAt: c.clock.Now().Add(2 * time.Hour)})
		})
		p := pending()
		if !p[w.mentor.ID] || !p[w.nurse.ID] || p[w.careContact.ID] || p[w.admin.ID] {
			t.Errorf("pending = %v, want the mentor and the nurse of this world, no one else of it", p)
		}
		update(t, c.db, func(ctx context.Context, tx *storage.Tx) error { return tx.UsePasswordReset(ctx, b) })
		if p := pending(); !p[w.mentor.ID] || p[w.nurse.ID] {
			t.Errorf("pending after the nurse's reset was used = %v", p)
		}
		c.clock.Add(time.Hour)
		if p := pending(); p[w.mentor.ID] {
			t.Errorf("pending after the mentor's reset expired = %v", p)
		}
	})

	contracts.add("ForgetResetLinks", func(t *testing.T, c *contract) {
		w := c.w
		msgs := []casus.Message{
			{UserID: w.mentor.ID, Key: casus.MsgPasswordResetStarted, Link: "/reset/secret-1"},
			{UserID: w.mentor.ID, Key: casus.MsgAccountInvited, Link: "/reset/secret-2"},
			{UserID: w.mentor.ID, Key: casus.MsgPasswordChanged, Link: "/account"},
			{UserID: w.careContact.ID, Key: casus.MsgPasswordResetStarted, Link: "/reset/secret-3"},
		}
		update(t, c.db, func(ctx context.Context, tx *storage.Tx) error {
			for i := range msgs {
				must(t, tx.AddMessage(ctx, &msgs[i]))
			}
			return nil
		})
		update(t, c.db, func(ctx context.Context, tx *storage.Tx) error { return tx.ForgetResetLinks(ctx, w.mentor.ID) })
		update(t, c.db, func(ctx context.Context, tx *storage.Tx) error { return tx.ForgetResetLinks(ctx, w.mentor.ID) }) // again: fine
		links := linksC(t, c, w.mentor.ID, w.careContact.ID)
		want := map[string]string{msgs[0].ID: "", msgs[1].ID: "", msgs[2].ID: "/account", msgs[3].ID: "/reset/secret-3"}
		for id, link := range want {
			if links[id] != link {
				t.Errorf("link of %s = %q, want %q (all links: %v)", id, links[id], link, links)
			}
		}
	})

	contracts.add("ForgetMessageLink", func(t *testing.T, c *contract) {
		w := c.w
		a := casus.Message{UserID: w.mentor.ID, Key: casus.MsgPasswordResetStarted, Link: "/reset/secret-1"}
		b := casus.Message{UserID: w.mentor.ID, Key: casus.MsgAccountInvited, Link: "/reset/secret-2"}
		update(t, c.db, func(ctx context.Context, tx *storage.Tx) error {
			must(t, tx.AddMessage(ctx, &a))
			return tx.AddMessage(ctx, &b)
		})
		update(t, c.db, func(ctx context.Context, tx *storage.Tx) error { return tx.ForgetMessageLink(ctx, a.ID) })
		links := linksC(t, c, w.mentor.ID)
		if links[a.ID] != "" || links[b.ID] != "/reset/secret-2" {
			t.Errorf("links after ForgetMessageLink = %v, want only %s blanked", links, a.ID)
		}
		update(t, c.db, func(ctx context.Context, tx *storage.Tx) error { return tx.ForgetMessageLink(ctx, casus.NewID()) })
	})
}

// linksC returns the links of the users' messages, by message id.
func linksC(t *testing.T, c *contract, userIDs ...string) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, id := range userIDs {
		ms := viewValue(t, c.db, func(ctx context.Context, tx *storage.Tx) ([]casus.Message, error) { return tx.Messages(ctx, id, 50) })
		for _, m := range ms {
			out[m.ID] = m.Link
		}
	}
	return out
}
