package storage_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"casus"
	"casus/storage"
)

func init() {
	messages := func(t *testing.T, c *contract, userID string, limit int) []casus.Message {
		t.Helper()
		return viewValue(t, c.db, func(ctx context.Context, tx *storage.Tx) ([]casus.Message, error) {
			return tx.Messages(ctx, userID, limit)
		})
	}
	ids := func(ms []casus.Meeting) []string { return names(ms, func(m casus.Meeting) string { return m.ID }) }

	contracts.add("AddMessage", func(t *testing.T, c *contract) {
		c.clock.Add(time.Minute)
		m := casus.Message{UserID: c.w.nurse.ID, Key: "message.action_due", Link: "/actions/x", Args: map[string]string{"Due": "1 december"}}
		update(t, c.db, func(ctx context.Context, tx *storage.Tx) error { return tx.AddMessage(ctx, &m) })
		if m.ID == "" || !m.CreatedAt.Equal(contractEpoch.Add(time.Minute)) {
			t.Errorf("added message %+v, want an id and the clock's time", m)
		}
		got := messages(t, c, c.w.nurse.ID, 10)
		if len(got) != 1 || got[0].ID != m.ID || got[0].Key != m.Key || got[0].Link != m.Link || got[0].Args["Due"] != "1 december" ||
			!got[0].CreatedAt.Equal(m.CreatedAt) || got[0].UserID != c.w.nurse.ID {
			t.Errorf("Messages = %+v, want %+v", got, m)
		}
		t.Run("NoArgs", func(t *testing.T) {
			n := casus.Message{UserID: c.w.police.ID, Key: "message.plain", Link: "/"}
			update(t, c.db, func(ctx context.Context, tx *storage.Tx) error { return tx.AddMessage(ctx, &n) })
			if got := messages(t, c, c.w.police.ID, 10); len(got) != 1 || len(got[0].Args) != 0 {
				t.Errorf("Messages = %+v, want one without arguments", got)
			}
		})
		t.Run("UnknownUser/Err", func(t *testing.T) {
			err := c.db.Update(t.Context(), func(tx *storage.Tx) error {
				return tx.AddMessage(t.Context(), &casus.Message{UserID: casus.NewID(), Key: "k", Link: "/"})
			})
			if err == nil {
				t.Error("a message to an unknown user was stored")
			}
		})
	})

	contracts.add("Messages", func(t *testing.T, c *contract) {
		var added []casus.Message
		for i, u := range []casus.User{c.w.mentor, c.w.mentor, c.w.specialist, c.w.mentor} {
			c.clock.Add(time.Minute)
			m := casus.Message{UserID: u.ID, Key: "message.n", Link: "/" + string(rune('a'+i))}
			update(t, c.db, func(ctx context.Context, tx *storage.Tx) error { return tx.AddMessage(ctx, &m) })
			added = append(added, m)
		}
		got := viewValue(t, c.db, func(ctx context.Context, tx *storage.Tx) ([]casus.Message, error) {
			return tx.Messages(ctx, c.w.mentor.ID, 2)
		})
		if ids := names(got, func(m casus.Message) string { return m.ID }); !slices.Equal(ids, []string{added[3].ID, added[1].ID}) {
			t.Errorf("Messages(mentor, 2) = %+v, want the newest two of the mentor's", got)
		}
		if all := messages(t, c, c.w.mentor.ID, 10); len(all) != 3 {
			t.Errorf("Messages(mentor, 10) = %d, want 3", len(all))
		}
		if none := messages(t, c, c.w.admin.ID, 10); len(none) != 0 {
			t.Errorf("Messages of a user without messages = %+v", none)
		}
	})

	// addMessages stores one message for each user, a minute apart.
	addMessages := func(t *testing.T, c *contract, users ...casus.User) []casus.Message {
		t.Helper()
		var added []casus.Message
		for _, u := range users {
			c.clock.Add(time.Minute)
			m := casus.Message{UserID: u.ID, Key: casus.MsgActionAssigned, Link: "/tasks"}
			update(t, c.db, func(ctx context.Context, tx *storage.Tx) error { return tx.AddMessage(ctx, &m) })
			added = append(added, m)
		}
		return added
	}
	unread := func(t *testing.T, c *contract, userID string) int {
		t.Helper()
		return viewValue(t, c.db, func(ctx context.Context, tx *storage.Tx) (int, error) { return tx.UnreadMessageCount(ctx, userID) })
	}

	contracts.add("UnreadMessageCount", func(t *testing.T, c *contract) {
		if n := unread(t, c, c.w.mentor.ID); n != 0 {
			t.Errorf("UnreadMessageCount without messages = %d", n)
		}
		addMessages(t, c, c.w.mentor, c.w.mentor, c.w.nurse)
		n := viewValue(t, c.db, func(ctx context.Context, tx *storage.Tx) (int, error) {
			return tx.UnreadMessageCount(ctx, c.w.mentor.ID)
		})
		if n != 2 {
			t.Errorf("UnreadMessageCount(mentor) = %d, want 2", n)
		}
		if got := messages(t, c, c.w.mentor.ID, 10); len(got) != 2 || !got[0].Unread() || !got[1].Unread() {
			t.Errorf("new messages = %+v, want both unread", got)
		}
	})

	contracts.add("MarkMessageRead", func(t *testing.T, c *contract) {
		added := addMessages(t, c, c.w.mentor, c.w.mentor, c.w.nurse)
		c.clock.Add(time.Hour)
		readAt := c.clock.Now()
		update(t, c.db, func(ctx context.Context, tx *storage.Tx) error {
			return tx.MarkMessageRead(ctx, c.w.mentor.ID, added[0].ID)
		})
		if n := unread(t, c, c.w.mentor.ID); n != 1 {
			t.Errorf("unread after marking one = %d, want 1", n)
		}
		got := messages(t, c, c.w.mentor.ID, 10)
		if len(got) != 2 || got[1].ID != added[0].ID || !got[1].ReadAt.Equal(readAt) || !got[0].Unread() {
			t.Errorf("Messages = %+v, want the first read at %v, the second unread", got, readAt)
		}
		t.Run("AgainKeepsFirstRead", func(t *testing.T) {
			c.clock.Add(time.Hour)
			update(t, c.db, func(ctx context.Context, tx *storage.Tx) error {
				return tx.MarkMessageRead(ctx, c.w.mentor.ID, added[0].ID)
			})
			if got := messages(t, c, c.w.mentor.ID, 10); !got[1].ReadAt.Equal(readAt) {
				t.Errorf("read again: read at %v, want %v", got[1].ReadAt, readAt)
			}
		})
		t.Run("SomeoneElsesMessage/NotFound", func(t *testing.T) {
			err := c.db.Update(t.Context(), func(tx *storage.Tx) error {
				return tx.MarkMessageRead(t.Context(), c.w.mentor.ID, added[2].ID)
			})
			if casus.ErrorCode(err) != casus.ENOTFOUND {
				t.Errorf("marking the nurse's message as the mentor: %v, want ENOTFOUND", err)
			}
			if n := unread(t, c, c.w.nurse.ID); n != 1 {
				t.Errorf("the nurse's message was marked read (unread %d)", n)
			}
		})
		t.Run("Unknown/NotFound", func(t *testing.T) {
			err := c.db.Update(t.Context(), func(tx *storage.Tx) error {
				return tx.MarkMessageRead(t.Context(), c.w.mentor.ID, casus.NewID())
			})
			if casus.ErrorCode(err) != casus.ENOTFOUND {
				t.Errorf("marking an unknown message: %v, want ENOTFOUND", err)
			}
		})
	})

	contracts.add("MarkAllMessagesRead", func(t *testing.T, c *contract) {
		addMessages(t, c, c.w.mentor, c.w.mentor, c.w.nurse)
		n := updateValue(t, c.db, func(ctx context.Context, tx *storage.Tx) (int, error) {
			return tx.MarkAllMessagesRead(ctx, c.w.mentor.ID)
		})
		if n != 2 || unread(t, c, c.w.mentor.ID) != 0 {
			t.Errorf("MarkAllMessagesRead = %d, unread after %d; want 2 and 0", n, unread(t, c, c.w.mentor.ID))
		}
		if unread(t, c, c.w.nurse.ID) != 1 {
			t.Error("the nurse's message was marked read with the mentor's")
		}
		if again := updateValue(t, c.db, func(ctx context.Context, tx *storage.Tx) (int, error) {
			return tx.MarkAllMessagesRead(ctx, c.w.mentor.ID)
		}); again != 0 {
			t.Errorf("MarkAllMessagesRead again = %d, want 0", again)
		}
	})

	contracts.add("UndispatchedMeetings", func(t *testing.T, c *contract) {
		w := c.w
		first := meetingB(t, c, w.zat.ID)
		second := updateValue(t, c.db, func(ctx context.Context, tx *storage.Tx) (casus.Meeting, error) {
			return tx.NextMeeting(ctx, w.zat.ID, first.StartsAt)
		})
		undispatched := func(from, until time.Time) []casus.Meeting {
			t.Helper()
			ms := viewValue(t, c.db, func(ctx context.Context, tx *storage.Tx) ([]casus.Meeting, error) {
				return tx.UndispatchedMeetings(ctx, from, until)
			})
			return slices.DeleteFunc(ms, func(m casus.Meeting) bool { return m.TeamID != w.zat.ID })
		}
		got := undispatched(contractEpoch, second.StartsAt.Add(time.Minute))
		if !slices.Equal(ids(got), []string{first.ID, second.ID}) {
			t.Fatalf("UndispatchedMeetings = %+v, want the ZAT's next two soonest first", got)
		}
		if got[0].StartsAt != first.StartsAt || got[0].Location != "Zaal B" || got[0].Status != casus.MeetingPlanned || got[0].Duration != 2*time.Hour {
			t.Errorf("meeting = %+v, want %+v", got[0], first)
		}
		if got := undispatched(first.StartsAt, second.StartsAt); len(got) != 0 {
			t.Errorf("UndispatchedMeetings strictly between the two = %v, want none (both bounds exclusive)", ids(got))
		}
		update(t, c.db, func(ctx context.Context, tx *storage.Tx) error {
			if _, err := tx.MarkDispatched(ctx, first.ID); err != nil {
				return err
			}
			return tx.CancelMeeting(ctx, second.ID)
		})
		if got := undispatched(contractEpoch, second.StartsAt.Add(time.Minute)); len(got) != 0 {
			t.Errorf("UndispatchedMeetings after dispatching one and cancelling the other = %v", ids(got))
		}
	})

	contracts.add("MarkDispatched", func(t *testing.T, c *contract) {
		m := meetingB(t, c, c.w.intern.ID)
		mark := func(id string) bool {
			t.Helper()
			return updateValue(t, c.db, func(ctx context.Context, tx *storage.Tx) (bool, error) { return tx.MarkDispatched(ctx, id) })
		}
		if !mark(m.ID) {
			t.Fatal("the first MarkDispatched reported false")
		}
		if mark(m.ID) {
			t.Error("a second MarkDispatched reported true: the agenda would go out twice")
		}
		if n := countB(t, c, `SELECT COUNT(*) FROM meetings WHERE id = $1 AND dispatched_at = $2`, m.ID, contractEpoch); n != 1 {
			t.Error("the meeting's dispatch time is not the clock's")
		}
		t.Run("RolledBack", func(t *testing.T) {
			next := updateValue(t, c.db, func(ctx context.Context, tx *storage.Tx) (casus.Meeting, error) {
				return tx.NextMeeting(ctx, c.w.intern.ID, m.StartsAt)
			})
			err := c.db.Update(t.Context(), func(tx *storage.Tx) error {
				if ok, err := tx.MarkDispatched(t.Context(), next.ID); !ok || err != nil {
					t.Errorf("MarkDispatched = %v, %v", ok, err)
				}
				return casus.ErrNotFound // the sending failed
			})
			wantCode(t, err, casus.ENOTFOUND)
			if !mark(next.ID) {
				t.Error("a meeting whose dispatch rolled back cannot be dispatched")
			}
		})
		if mark(casus.NewID()) {
			t.Error("MarkDispatched of an unknown meeting reported true")
		}
	})
}
