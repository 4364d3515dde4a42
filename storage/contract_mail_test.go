package storage_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"casus"
	"casus/storage"
)

func init() {
	// The messages and the outbox are shared by all worlds: the cases look
	// for their own messages and their own recipients' addresses.
	message := func(t *testing.T, c *contract, user casus.User, key string) casus.Message {
		t.Helper()
		m := casus.Message{UserID: user.ID, Key: key, Link: "/tasks", Args: map[string]string{"Team": "ZAT"}}
		update(t, c.db, func(ctx context.Context, tx *storage.Tx) error { return tx.AddMessage(ctx, &m) })
		return m
	}
	mine := func(us []storage.Unmailed, ms ...casus.Message) []storage.Unmailed {
		var out []storage.Unmailed
		for _, u := range us {
			for _, m := range ms {
				if u.Message.ID == m.ID {
					out = append(out, u)
				}
			}
		}
		return out
	}
	unmailed := func(t *testing.T, c *contract, ms ...casus.Message) []storage.Unmailed {
		t.Helper()
		return mine(viewValue(t, c.db, func(ctx context.Context, tx *storage.Tx) ([]storage.Unmailed, error) {
			return tx.UnmailedMessages(ctx, 1_000_000)
		}), ms...)
	}
	claim := func(t *testing.T, c *contract, id string) bool {
		t.Helper()
		return updateValue(t, c.db, func(ctx context.Context, tx *storage.Tx) (bool, error) { return tx.ClaimMessage(ctx, id) })
	}
	skipped := func(t *testing.T, c *contract, id string) bool {
		t.Helper()
		return viewValue(t, c.db, func(ctx context.Context, tx *storage.Tx) (bool, error) { return tx.MailSkipped(ctx, id) })
	}
	outbox := func(t *testing.T, c *contract, to string, limit int) []casus.Mail {
		t.Helper()
		return viewValue(t, c.db, func(ctx context.Context, tx *storage.Tx) ([]casus.Mail, error) { return tx.OutboxMails(ctx, to, limit) })
	}
	mail := func(c *contract, m *casus.Mail) error {
		return c.db.Update(context.Background(), func(tx *storage.Tx) error { return tx.AddOutboxMail(context.Background(), m) })
	}

	contracts.add("UnmailedMessages", func(t *testing.T, c *contract) {
		w := c.w
		update(t, c.db, func(ctx context.Context, tx *storage.Tx) error {
			if err := tx.SetUserLang(ctx, w.police.ID, "en"); err != nil {
				return err
			}
			return tx.Deactivate(ctx, w.outsider.ID)
		})
		c.clock.Add(2 * time.Minute)
		second := message(t, c, w.police, "message.aftercare")
		c.clock.Set(contractEpoch.Add(time.Minute))
		first := message(t, c, w.coordinator, "message.aftercare")
		c.clock.Add(2 * time.Minute)
		third := message(t, c, w.outsider, "message.aftercare")
		all := viewValue(t, c.db, func(ctx context.Context, tx *storage.Tx) ([]storage.Unmailed, error) {
			return tx.UnmailedMessages(ctx, 1_000_000)
		})
		us := mine(all, first, second, third)
		if len(us) != 3 || us[0].Message.ID != first.ID || us[1].Message.ID != second.ID || us[2].Message.ID != third.ID {
			t.Fatalf("unmailed = %+v, want the world's three messages oldest first", us)
		}
		if !strings.EqualFold(us[0].Email, w.coordinator.Email) || // addresses are stored in lower case
			us[0].Lang != "nl" || us[0].Disabled || us[0].Message.Args["Team"] != "ZAT" ||
			us[0].Message.Key != "message.aftercare" || us[0].Message.Link != "/tasks" || !us[0].Message.CreatedAt.Equal(contractEpoch.Add(time.Minute)) {
			t.Errorf("unmailed[0] = %+v", us[0])
		}
		if us[1].Lang != "en" || us[1].Email != w.police.Email || !us[2].Disabled {
			t.Errorf("unmailed = %+v, want the police in English and the outsider disabled", us)
		}
		if one := viewValue(t, c.db, func(ctx context.Context, tx *storage.Tx) ([]storage.Unmailed, error) {
			return tx.UnmailedMessages(ctx, 1)
		}); len(one) != 1 {
			t.Errorf("UnmailedMessages(limit 1) = %d messages", len(one))
		}
	})

	contracts.add("ClaimMessage", func(t *testing.T, c *contract) {
		m := message(t, c, c.w.coordinator, "message.aftercare")
		if !updateValue(t, c.db, func(ctx context.Context, tx *storage.Tx) (bool, error) { return tx.ClaimMessage(ctx, m.ID) }) {
			t.Fatal("the first claim was refused")
		}
		if claim(t, c, m.ID) {
			t.Error("a second claim of the same message succeeded")
		}
		if us := unmailed(t, c, m); len(us) != 0 {
			t.Errorf("a claimed message is still unmailed: %+v", us)
		}
		t.Run("RolledBack", func(t *testing.T) {
			n := message(t, c, c.w.police, "message.aftercare")
			err := c.db.Update(t.Context(), func(tx *storage.Tx) error {
				if ok, err := tx.ClaimMessage(t.Context(), n.ID); err != nil || !ok {
					t.Errorf("claim = %v, %v", ok, err)
				}
				return casus.ErrNotFound // the send failed
			})
			wantCode(t, err, casus.ENOTFOUND)
			if us := unmailed(t, c, n); len(us) != 1 {
				t.Error("a rolled-back claim left the message handled")
			}
			if !claim(t, c, n.ID) {
				t.Error("a message whose claim rolled back cannot be claimed")
			}
		})
		if claim(t, c, casus.NewID()) {
			t.Error("claiming an unknown message succeeded")
		}
	})

	contracts.add("SkipMail", func(t *testing.T, c *contract) {
		m := message(t, c, c.w.mentor, "message.aftercare")
		other := message(t, c, c.w.mentor, "message.aftercare")
		update(t, c.db, func(ctx context.Context, tx *storage.Tx) error {
			if _, err := tx.ClaimMessage(ctx, m.ID); err != nil {
				return err
			}
			return tx.SkipMail(ctx, m.ID)
		})
		if !skipped(t, c, m.ID) || skipped(t, c, other.ID) {
			t.Errorf("skipped: %v and %v, want only the first", skipped(t, c, m.ID), skipped(t, c, other.ID))
		}
		if us := unmailed(t, c, m); len(us) != 0 {
			t.Errorf("a skipped message is unmailed: %+v", us)
		}
	})

	contracts.add("MailSkipped", func(t *testing.T, c *contract) {
		m := message(t, c, c.w.mentor, "message.aftercare")
		is := func(id string) (bool, error) {
			var ok bool
			err := c.db.View(t.Context(), func(tx *storage.Tx) (err error) { ok, err = tx.MailSkipped(t.Context(), id); return err })
			return ok, err
		}
		if ok, err := is(m.ID); ok || err != nil {
			t.Errorf("MailSkipped of a new message = %v, %v", ok, err)
		}
		claim(t, c, m.ID)
		if ok, _ := is(m.ID); ok {
			t.Error("a claimed (mailed) message is skipped")
		}
		update(t, c.db, func(ctx context.Context, tx *storage.Tx) error { return tx.SkipMail(ctx, m.ID) })
		if ok, err := is(m.ID); !ok || err != nil {
			t.Errorf("MailSkipped after SkipMail = %v, %v", ok, err)
		}
		for _, id := range []string{casus.NewID(), "not-an-id"} {
			_, err := is(id)
			wantCode(t, err, casus.ENOTFOUND)
		}
	})

	contracts.add("AddOutboxMail", func(t *testing.T, c *contract) {
		m := message(t, c, c.w.police, "message.aftercare")
		c.clock.Add(time.Minute)
		ml := casus.Mail{MessageID: m.ID, To: c.w.police.Email, Subject: "Nazorg", Body: "Zie Casus"}
		update(t, c.db, func(ctx context.Context, tx *storage.Tx) error { return tx.AddOutboxMail(ctx, &ml) })
		if ml.ID == "" || !ml.CreatedAt.Equal(contractEpoch.Add(time.Minute)) {
			t.Errorf("added mail %+v, want an id and the clock's time", ml)
		}
		got := outbox(t, c, c.w.police.Email, 10)
		if len(got) != 1 || got[0] != ml {
			t.Errorf("outbox = %+v, want %+v", got, ml)
		}
		t.Run("SecondForMessage/Err", func(t *testing.T) {
			if err := mail(c, &casus.Mail{MessageID: m.ID, To: c.w.police.Email, Subject: "Weer", Body: "B"}); err == nil {
				t.Error("a second mail of one message was stored")
			}
			if got := outbox(t, c, c.w.police.Email, 10); len(got) != 1 {
				t.Errorf("outbox holds %d mails, want 1", len(got))
			}
		})
	})

	contracts.add("OutboxMails", func(t *testing.T, c *contract) {
		w := c.w
		to := w.nurse.Email
		plain := message(t, c, w.nurse, "message.aftercare")
		invite := message(t, c, w.nurse, casus.MsgAccountInvited)
		other := message(t, c, w.specialist, "message.aftercare")
		var mails []casus.Mail
		for i, m := range []casus.Message{plain, invite, other} {
			ml := casus.Mail{MessageID: m.ID, To: to, Subject: "S", Body: "B"}
			if i == 2 {
				ml.To = w.specialist.Email
			}
			c.clock.Add(time.Minute)
			must(t, mail(c, &ml))
			mails = append(mails, ml)
		}
		got := viewValue(t, c.db, func(ctx context.Context, tx *storage.Tx) ([]casus.Mail, error) { return tx.OutboxMails(ctx, to, 10) })
		if len(got) != 2 || got[0].ID != mails[1].ID || got[1].ID != mails[0].ID {
			t.Fatalf("OutboxMails(%s) = %+v, want the nurse's two, newest first", to, got)
		}
		if !got[0].Secret || got[1].Secret {
			t.Errorf("Secret = %v, %v; want only the invitation's mail secret", got[0].Secret, got[1].Secret)
		}
		if one := outbox(t, c, to, 1); len(one) != 1 || one[0].ID != mails[1].ID {
			t.Errorf("OutboxMails(limit 1) = %+v, want the newest", one)
		}
		all := outbox(t, c, "", 1_000_000)
		found := 0
		for _, m := range all {
			for _, ml := range mails {
				if m.ID == ml.ID {
					found++
				}
			}
		}
		if found != 3 {
			t.Errorf("OutboxMails to anyone holds %d of the world's 3 mails", found)
		}
		if none := outbox(t, c, w.mentor.Email, 10); len(none) != 0 {
			t.Errorf("OutboxMails to an address without mail = %+v", none)
		}
	})

	contracts.add("SetUserLang", func(t *testing.T, c *contract) {
		m := message(t, c, c.w.specialist, "message.aftercare")
		lang := func() string {
			t.Helper()
			us := unmailed(t, c, m)
			if len(us) != 1 {
				t.Fatalf("unmailed = %+v", us)
			}
			return us[0].Lang
		}
		if l := lang(); l != "nl" {
			t.Errorf("a new user's language = %q, want nl", l)
		}
		update(t, c.db, func(ctx context.Context, tx *storage.Tx) error { return tx.SetUserLang(ctx, c.w.specialist.ID, "en") })
		if l := lang(); l != "en" {
			t.Errorf("language after SetUserLang(en) = %q", l)
		}
		update(t, c.db, func(ctx context.Context, tx *storage.Tx) error { return tx.SetUserLang(ctx, c.w.specialist.ID, "nl") })
		if l := lang(); l != "nl" {
			t.Errorf("language after SetUserLang(nl) = %q", l)
		}
	})
}
