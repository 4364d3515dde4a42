package storage_test

import (
	"context"
	"testing"
	"time"

	"casus"
	"casus/storage"
)

// waitingByKey keys a user's waiting things by kind and object.
func waitingByKey(got []storage.Waiting) map[string]storage.Waiting {
	out := map[string]storage.Waiting{}
	for _, w := range got {
		out[string(w.Kind)+":"+w.ObjectID] = w
	}
	return out
}

func init() {
	contracts.add("Waiting", func(t *testing.T, c *contract) {
		w := c.w
		now := c.clock.Now()
		today := now.Truncate(24 * time.Hour)
		waitingKinds := func(t *testing.T, c *contract, userID string, privacySchool string) map[string]storage.Waiting {
			return waitingByKey(viewValue(t, c.db, func(ctx context.Context, tx *storage.Tx) ([]storage.Waiting, error) {
				return tx.Waiting(ctx, storage.WaitingFor{UserID: userID, Today: today, AdviceSince: today.AddDate(0, 0, -14),
					PrivacySchool: privacySchool})
			}))
		}
		late := actionA(t, c, w.sanneCase, w.police.ID, "Huisbezoek", now.AddDate(0, 0, -3))
		soon := actionA(t, c, w.sanneCase, w.nurse.ID, "Gesprek JGZ", now.AddDate(0, 0, 5))
		m := meetingA(t, c, w.zat.ID, now)
		it := itemA(t, c, m, w.sanneCase.ID)
		update(t, c.db, func(ctx context.Context, tx *storage.Tx) error {
			return tx.InviteToItem(ctx, m.ID, it.ID, w.socialWork.ID, w.coordinator.ID)
		})

		discussionA(t, c, it, w.sanne.ID, casus.DiscussionRecord{Question: "Hoe verder?", EvaluateOn: now.AddDate(0, 0, -1)})
		update(t, c.db, func(ctx context.Context, tx *storage.Tx) error {
			_, err := tx.FinaliseMinutes(ctx, m.ID)
			return err
		})

		coord := waitingKinds(t, c, w.coordinator.ID, "")
		if x, ok := coord["evaluation:"+it.ID]; !ok || x.OtherID != m.ID {
			t.Errorf("the chair's waiting things lack the evaluation due of Sanne's discussion: %+v", coord)
		}
		if x, ok := coord["team_overdue:"+late.ID]; !ok || x.Student.ID != w.sanne.ID || !x.Relations.Coordinator {
			t.Errorf("the chair's waiting things lack the overdue action of the police with Sanne and the relation: %+v", coord)
		}
		if _, ok := coord["team_overdue:"+soon.ID]; ok {
			t.Errorf("an action not yet due counts as overdue for the chair")
		}
		nurse := waitingKinds(t, c, w.nurse.ID, "")
		if _, ok := nurse["own_action:"+soon.ID]; !ok || len(nurse) != 1 {
			t.Errorf("the nurse's waiting things = %+v, want only her own action", nurse)
		}
		smw := waitingKinds(t, c, w.socialWork.ID, "")
		if x, ok := smw["invited:"+it.ID]; !ok || x.OtherID != m.ID {
			t.Errorf("social work's waiting things = %+v, want the agenda item invited to, with its meeting", smw)
		}
		if out := waitingKinds(t, c, w.outsider.ID, ""); len(out) != 0 {
			t.Errorf("the mentor of the other school has things waiting: %+v", out)
		}
	})

	contracts.add("ComingMeetings", func(t *testing.T, c *contract) {
		w := c.w
		now := c.clock.Now()
		m := meetingA(t, c, w.zat.ID, now)
		itemA(t, c, m, w.sanneCase.ID)
		got := viewValue(t, c.db, func(ctx context.Context, tx *storage.Tx) ([]storage.ComingMeeting, error) {
			return tx.ComingMeetings(ctx, w.nurse.ID, now, 5)
		})
		if len(got) == 0 || got[0].ID != m.ID || got[0].Items != 1 || got[0].TeamName != w.zat.Name || got[0].Chair {
			t.Fatalf("the nurse's coming meetings = %+v, want the ZAT's with its one item first", got)
		}
		if out := viewValue(t, c.db, func(ctx context.Context, tx *storage.Tx) ([]storage.ComingMeeting, error) {
			return tx.ComingMeetings(ctx, w.outsider.ID, now, 5)
		}); len(out) != 0 {
			t.Errorf("someone in no team has coming meetings: %+v", out)
		}
	})
}
