package storage_test

import (
	"context"
	"testing"

	"casus"
	"casus/storage"
	"casus/storage/storagetest"
)

func TestMail(t *testing.T) {
	storagetest.Run(t, conformance, func(t *testing.T, db *storage.DB) {
		w := seed(t, db)
		msg := func(user casus.User) casus.Message {
			m := casus.Message{UserID: user.ID, Key: "message.aftercare", Link: "/tasks", Args: map[string]string{"Team": "ZAT"}}
			update(t, db, func(ctx context.Context, tx *storage.Tx) error { return tx.AddMessage(ctx, &m) })
			return m
		}
		unmailed := func() []storage.Unmailed {
			return viewValue(t, db, func(ctx context.Context, tx *storage.Tx) ([]storage.Unmailed, error) {
				return tx.UnmailedMessages(ctx, 10)
			})
		}
		claim := func(id string) bool {
			return updateValue(t, db, func(ctx context.Context, tx *storage.Tx) (bool, error) { return tx.ClaimMessage(ctx, id) })
		}
		first, second := msg(w.coordinator), msg(w.police)
		update(t, db, func(ctx context.Context, tx *storage.Tx) error { return tx.SetUserLang(ctx, w.police.ID, "en") })

		t.Run("Unmailed", func(t *testing.T) {
			us := unmailed()
			if len(us) != 2 || us[0].Message.ID != first.ID || us[1].Message.ID != second.ID {
				t.Fatalf("unmailed = %+v, want the two messages oldest first", us)
			}
			if us[1].Email != w.police.Email || us[0].Lang != "nl" || us[1].Lang != "en" || us[0].Message.Args["Team"] != "ZAT" {
				t.Errorf("unmailed = %+v, want the recipients' addresses and languages", us)
			}
		})

		t.Run("ClaimOnce", func(t *testing.T) {
			if !claim(first.ID) {
				t.Fatal("first claim refused")
			}
			if claim(first.ID) {
				t.Error("second claim of the same message succeeded")
			}
			if us := unmailed(); len(us) != 1 || us[0].Message.ID != second.ID {
				t.Errorf("unmailed after the claim = %+v", us)
			}
		})

		t.Run("RolledBackClaim", func(t *testing.T) {
			err := db.Update(t.Context(), func(tx *storage.Tx) error {
				if ok, err := tx.ClaimMessage(t.Context(), second.ID); err != nil || !ok {
					t.Fatalf("claim: %v, %v", ok, err)
				}
				return casus.ErrNotFound // the send failed
			})
			wantCode(t, err, casus.ENOTFOUND)
			if us := unmailed(); len(us) != 1 {
				t.Errorf("a rolled-back claim left %d unmailed, want 1", len(us))
			}
		})

		t.Run("Outbox", func(t *testing.T) {
			add := func(id string) error {
				return db.Update(t.Context(), func(tx *storage.Tx) error {
					if _, err := tx.ClaimMessage(t.Context(), id); err != nil {
						return err
					}
					return tx.AddOutboxMail(t.Context(), &casus.Mail{MessageID: id, To: w.police.Email, Subject: "S", Body: "B"})
				})
			}
			must(t, add(second.ID))
			if err := add(second.ID); err == nil {
				t.Error("a second outbox mail for one message was stored")
			}
			for to, want := range map[string]int{"": 1, w.police.Email: 1, w.coordinator.Email: 0} {
				ms := viewValue(t, db, func(ctx context.Context, tx *storage.Tx) ([]casus.Mail, error) { return tx.OutboxMails(ctx, to, 10) })
				if len(ms) != want {
					t.Errorf("outbox to %q: %d mails, want %d", to, len(ms), want)
				} else if want == 1 && (ms[0].MessageID != second.ID || ms[0].Subject != "S" || ms[0].CreatedAt.IsZero()) {
					t.Errorf("outbox mail = %+v", ms[0])
				}
			}
		})

		t.Run("Skip", func(t *testing.T) {
			m := msg(w.mentor)
			skipped := func() bool {
				return viewValue(t, db, func(ctx context.Context, tx *storage.Tx) (bool, error) { return tx.MailSkipped(ctx, m.ID) })
			}
			if skipped() {
				t.Fatal("a new message is marked skipped")
			}
			update(t, db, func(ctx context.Context, tx *storage.Tx) error {
				if _, err := tx.ClaimMessage(ctx, m.ID); err != nil {
					return err
				}
				return tx.SkipMail(ctx, m.ID)
			})
			if !skipped() || len(unmailed()) != 0 {
				t.Errorf("skipped = %v, unmailed = %d; want true and none", skipped(), len(unmailed()))
			}
		})
	})
}
