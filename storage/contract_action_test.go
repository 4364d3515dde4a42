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
	contracts.add("CreateAction", func(t *testing.T, c *contract) {
		w := c.w
		a := casus.Action{CaseID: w.sanneCase.ID, StudentID: w.sanne.ID, OwnerID: w.police.ID, Description: "Huisbezoek",
			DueOn: time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC), CreatedBy: w.coordinator.ID}
		update(t, c.db, func(ctx context.Context, tx *storage.Tx) error { return tx.CreateAction(ctx, &a) })
		if a.ID == "" || a.Version != 1 || a.Status != casus.ActionOpen {
			t.Errorf("created action = %+v, want an id, version 1 and status open", a)
		}
		got := viewValue(t, c.db, func(ctx context.Context, tx *storage.Tx) (casus.Action, error) { return tx.Action(ctx, a.ID) })
		if got.Description != "Huisbezoek" || got.OwnerID != w.police.ID || !got.DueOn.Equal(a.DueOn) {
			t.Errorf("stored action = %+v", got)
		}
	})
}

// actionA agrees an action for the case with the owner, due on the day.
func actionA(t *testing.T, c *contract, cs casus.Case, ownerID, description string, due time.Time) casus.Action {
	t.Helper()
	a := casus.Action{CaseID: cs.ID, StudentID: cs.StudentID, OwnerID: ownerID, Description: description, DueOn: due,
		CreatedBy: c.w.coordinator.ID}
	update(t, c.db, func(ctx context.Context, tx *storage.Tx) error { return tx.CreateAction(ctx, &a) })
	return a
}

func actionIDsA(as []casus.Action) []string {
	return idsA(as, func(a casus.Action) string { return a.ID })
}

func init() {
	contracts.add("StudentActions", func(t *testing.T, c *contract) {
		w := c.w
		late := actionA(t, c, w.sanneCase, w.police.ID, "Huisbezoek", date(2026, 12, 1))
		soon := actionA(t, c, w.sanneCase, w.nurse.ID, "Gesprek JGZ", date(2026, 11, 10))
		done := actionA(t, c, w.sanneCase, w.mentor.ID, "Rooster aanpassen", date(2026, 11, 20))
		update(t, c.db, func(ctx context.Context, tx *storage.Tx) error {
			return tx.UpdateAction(ctx, &done, 1, casus.ActionDone, "klaar", w.mentor.ID)
		})
		actionA(t, c, w.sanneInternCaseLater, w.careContact.ID, "Van een gesloten casus", date(2026, 11, 5))
		actionA(t, c, w.bramCase, w.police.ID, "Bram", date(2026, 11, 5))
		got := viewValue(t, c.db, func(ctx context.Context, tx *storage.Tx) ([]casus.Action, error) {
			return tx.StudentActions(ctx, w.sanne.ID)
		})
		if ids, want := actionIDsA(got), []string{soon.ID, done.ID, late.ID}; !slices.Equal(ids, want) {
			t.Fatalf("Sanne's actions = %v, want those of her open case, soonest due first, whatever their state: %v", ids, want)
		}
		if a := got[0]; a.OwnerName != w.nurse.Name || a.TeamName != w.zat.Name || a.StudentName != "Sanne Visser" ||
			a.Status != casus.ActionOpen || !a.DueOn.Equal(date(2026, 11, 10)) || a.CaseID != w.sanneCase.ID {
			t.Errorf("first action = %+v", a)
		}
		if got[1].Status != casus.ActionDone || got[1].Version != 2 {
			t.Errorf("done action = %+v", got[1])
		}
		if bram := viewValue(t, c.db, func(ctx context.Context, tx *storage.Tx) ([]casus.Action, error) {
			return tx.StudentActions(ctx, w.bram.ID)
		}); len(bram) != 0 {
			t.Errorf("actions of Bram's closed case listed: %+v", bram)
		}
	})

	contracts.add("MeetingActions", func(t *testing.T, c *contract) {
		w := c.w
		m := meetingA(t, c, w.zat.ID, c.clock.Now())
		it := itemA(t, c, m, w.sanneCase.ID)
		d := discussionA(t, c, it, w.sanne.ID, casus.DiscussionRecord{Question: "Hoe verder?"})
		var agreed []casus.Action
		for _, due := range []time.Time{date(2026, 12, 1), date(2026, 11, 1)} {
			a := casus.Action{CaseID: w.sanneCase.ID, StudentID: w.sanne.ID, OwnerID: w.nurse.ID, Description: "Gesprek",
				DueOn: due, CreatedBy: w.coordinator.ID, DiscussionID: d.ID}
			update(t, c.db, func(ctx context.Context, tx *storage.Tx) error { return tx.CreateAction(ctx, &a) })
			agreed = append(agreed, a)
		}
		actionA(t, c, w.sanneCase, w.police.ID, "Los van het overleg", date(2026, 11, 20))
		got := viewValue(t, c.db, func(ctx context.Context, tx *storage.Tx) (map[string][]casus.Action, error) {
			return tx.MeetingActions(ctx, m.ID)
		})
		want := viewValue(t, c.db, func(ctx context.Context, tx *storage.Tx) ([]casus.Action, error) {
			return tx.DiscussionActions(ctx, d.ID)
		})
		if len(got) != 1 || len(got[d.ID]) != 2 || got[d.ID][0].ID != agreed[1].ID || got[d.ID][1].ID != want[1].ID {
			t.Errorf("MeetingActions = %+v, want the discussion's two, soonest due first", got)
		}
		if none := viewValue(t, c.db, func(ctx context.Context, tx *storage.Tx) (map[string][]casus.Action, error) {
			return tx.MeetingActions(ctx, casus.NewID())
		}); len(none) != 0 {
			t.Errorf("actions of an unknown meeting = %+v", none)
		}
	})

	contracts.add("DiscussionActions", func(t *testing.T, c *contract) {
		w := c.w
		m := meetingA(t, c, w.zat.ID, c.clock.Now())
		it := itemA(t, c, m, w.sanneCase.ID)
		d := discussionA(t, c, it, w.sanne.ID, casus.DiscussionRecord{Question: "Hoe verder?", Goals: []casus.Goal{
			{Description: "Naar school", Criterion: "Aanwezig", DueOn: date(2027, 1, 1)}}})
		agreed := casus.Action{CaseID: w.sanneCase.ID, StudentID: w.sanne.ID, OwnerID: w.nurse.ID, Description: "Gesprek",
			DueOn: date(2026, 12, 1), CreatedBy: w.coordinator.ID, DiscussionID: d.ID, GoalID: d.Record.Goals[0].ID}
		update(t, c.db, func(ctx context.Context, tx *storage.Tx) error { return tx.CreateAction(ctx, &agreed) })
		update(t, c.db, func(ctx context.Context, tx *storage.Tx) error {
			return tx.UpdateAction(ctx, &agreed, 1, casus.ActionCancelled, "niet nodig", w.coordinator.ID)
		})
		actionA(t, c, w.sanneCase, w.police.ID, "Los van het overleg", date(2026, 11, 20))
		got := viewValue(t, c.db, func(ctx context.Context, tx *storage.Tx) ([]casus.Action, error) {
			return tx.DiscussionActions(ctx, d.ID)
		})
		if len(got) != 1 || got[0].ID != agreed.ID || got[0].DiscussionID != d.ID || got[0].GoalID != d.Record.Goals[0].ID ||
			got[0].Status != casus.ActionCancelled {
			t.Errorf("the discussion's actions = %+v, want the cancelled one it agreed", got)
		}
		if none := viewValue(t, c.db, func(ctx context.Context, tx *storage.Tx) ([]casus.Action, error) {
			return tx.DiscussionActions(ctx, casus.NewID())
		}); len(none) != 0 {
			t.Errorf("actions of an unknown discussion = %+v", none)
		}
	})

	contracts.add("OwnedActions", func(t *testing.T, c *contract) {
		w := c.w
		later := actionA(t, c, w.sanneCase, w.police.ID, "Huisbezoek", date(2026, 12, 1))
		sooner := actionA(t, c, w.sanneCase, w.police.ID, "Melding", date(2026, 11, 3))
		update(t, c.db, func(ctx context.Context, tx *storage.Tx) error {
			return tx.UpdateAction(ctx, &later, 1, casus.ActionInProgress, "bezig", w.police.ID)
		})
		done := actionA(t, c, w.sanneCase, w.police.ID, "Klaar", date(2026, 11, 4))
		update(t, c.db, func(ctx context.Context, tx *storage.Tx) error {
			return tx.UpdateAction(ctx, &done, 1, casus.ActionDone, "", w.police.ID)
		})
		actionA(t, c, w.bramCase, w.police.ID, "Gesloten casus", date(2026, 11, 4))
		actionA(t, c, w.sanneCase, w.nurse.ID, "Van een ander", date(2026, 11, 4))
		got := viewValue(t, c.db, func(ctx context.Context, tx *storage.Tx) ([]casus.Action, error) {
			return tx.OwnedActions(ctx, w.police.ID)
		})
		if ids, want := actionIDsA(got), []string{sooner.ID, later.ID}; !slices.Equal(ids, want) {
			t.Errorf("task list = %v, want the open and in-progress actions of open cases, soonest first: %v", ids, want)
		}
		if len(got) == 2 && (got[1].Status != casus.ActionInProgress || got[1].OwnerName != w.police.Name) {
			t.Errorf("in-progress action = %+v", got[1])
		}
	})

	contracts.add("Action", func(t *testing.T, c *contract) {
		w := c.w
		a := actionA(t, c, w.sanneCase, w.police.ID, "Huisbezoek", date(2026, 12, 1))
		got := viewValue(t, c.db, func(ctx context.Context, tx *storage.Tx) (casus.Action, error) { return tx.Action(ctx, a.ID) })
		if got.ID != a.ID || got.CaseID != w.sanneCase.ID || got.StudentID != w.sanne.ID || got.OwnerID != w.police.ID ||
			got.Description != "Huisbezoek" || !got.DueOn.Equal(date(2026, 12, 1)) || got.Status != casus.ActionOpen ||
			got.Version != 1 || got.CreatedBy != w.coordinator.ID || !got.CreatedAt.Equal(contractEpoch) ||
			got.DiscussionID != "" || got.GoalID != "" || got.OwnerName != w.police.Name || got.TeamName != w.zat.Name ||
			got.StudentName != "Sanne Visser" {
			t.Errorf("Action = %+v", got)
		}
		t.Run("Unknown/NotFound", func(t *testing.T) {
			for _, id := range []string{casus.NewID(), "not-an-id"} {
				err := viewErrA(c, func(ctx context.Context, tx *storage.Tx) error { _, err := tx.Action(ctx, id); return err })
				wantCode(t, err, casus.ENOTFOUND)
			}
		})
	})

	contracts.add("CaseOpenActions", func(t *testing.T, c *contract) {
		w := c.w
		later := actionA(t, c, w.sanneCase, w.police.ID, "Huisbezoek", date(2026, 12, 8))
		sooner := actionA(t, c, w.sanneCase, w.police.ID, "Gesprek", date(2026, 12, 1))
		done := actionA(t, c, w.sanneCase, w.police.ID, "Klaar", date(2026, 11, 20))
		update(t, c.db, func(ctx context.Context, tx *storage.Tx) error {
			return tx.UpdateAction(ctx, &done, 1, casus.ActionDone, "", w.police.ID)
		})
		actionA(t, c, w.bramCase, w.police.ID, "Van Bram", date(2026, 12, 1))
		got := viewValue(t, c.db, func(ctx context.Context, tx *storage.Tx) ([]casus.Action, error) {
			return tx.CaseOpenActions(ctx, w.sanneCase.ID)
		})
		if len(got) != 2 || got[0].ID != sooner.ID || got[1].ID != later.ID {
			t.Errorf("CaseOpenActions = %+v, want Sanne's two open actions, soonest first", got)
		}
	})

	contracts.add("TransferAction", func(t *testing.T, c *contract) {
		w := c.w
		a := actionA(t, c, w.sanneCase, w.police.ID, "Huisbezoek", date(2026, 12, 1))
		update(t, c.db, func(ctx context.Context, tx *storage.Tx) error {
			return tx.TransferAction(ctx, &a, 1, w.sanneInternCaseLater.ID, "overgedragen", w.coordinator.ID)
		})
		got := viewValue(t, c.db, func(ctx context.Context, tx *storage.Tx) (casus.Action, error) { return tx.Action(ctx, a.ID) })
		if got.CaseID != w.sanneInternCaseLater.ID || got.Version != 2 || got.Status != casus.ActionOpen {
			t.Errorf("stored: %+v, want the action in the other case at version 2, still open", got)
		}
		us := viewValue(t, c.db, func(ctx context.Context, tx *storage.Tx) ([]casus.ActionUpdate, error) {
			return tx.ActionUpdates(ctx, a.ID)
		})
		if len(us) != 2 || us[1].Note != "overgedragen" || us[1].ActorID != w.coordinator.ID {
			t.Errorf("updates = %+v, want the transfer noted", us)
		}
		t.Run("StaleVersion/Conflict", func(t *testing.T) {
			stale := casus.Action{ID: a.ID}
			wantCode(t, tryA(c, func(ctx context.Context, tx *storage.Tx) error {
				return tx.TransferAction(ctx, &stale, 1, w.sanneCase.ID, "", w.coordinator.ID)
			}), casus.ECONFLICT)
		})
		t.Run("OtherStudentsCase/Conflict", func(t *testing.T) {
			wantCode(t, tryA(c, func(ctx context.Context, tx *storage.Tx) error {
				return tx.TransferAction(ctx, &got, 2, w.bramCase.ID, "", w.coordinator.ID)
			}), casus.ECONFLICT)
		})
	})

	contracts.add("UpdateAction", func(t *testing.T, c *contract) {
		w := c.w
		a := actionA(t, c, w.sanneCase, w.police.ID, "Huisbezoek", date(2026, 12, 1))
		c.clock.Add(time.Hour)
		update(t, c.db, func(ctx context.Context, tx *storage.Tx) error {
			return tx.UpdateAction(ctx, &a, 1, casus.ActionInProgress, "afspraak gemaakt", w.police.ID)
		})
		if a.Status != casus.ActionInProgress || a.Version != 2 {
			t.Errorf("after the update: status %s version %d, want in_progress 2", a.Status, a.Version)
		}
		got := viewValue(t, c.db, func(ctx context.Context, tx *storage.Tx) (casus.Action, error) { return tx.Action(ctx, a.ID) })
		if got.Status != casus.ActionInProgress || got.Version != 2 {
			t.Errorf("stored: status %s version %d", got.Status, got.Version)
		}
		updates := func() []casus.ActionUpdate {
			return viewValue(t, c.db, func(ctx context.Context, tx *storage.Tx) ([]casus.ActionUpdate, error) {
				return tx.ActionUpdates(ctx, a.ID)
			})
		}
		if us := updates(); len(us) != 2 || us[1].Note != "afspraak gemaakt" || us[1].ActorID != w.police.ID ||
			!us[1].At.Equal(contractEpoch.Add(time.Hour)) {
			t.Errorf("updates = %+v", us)
		}
		t.Run("StaleVersion/Conflict", func(t *testing.T) {
			stale := casus.Action{ID: a.ID}
			err := tryA(c, func(ctx context.Context, tx *storage.Tx) error {
				return tx.UpdateAction(ctx, &stale, 1, casus.ActionDone, "te laat", w.coordinator.ID)
			})
			wantCode(t, err, casus.ECONFLICT)
			if stale.Status != "" || stale.Version != 0 {
				t.Errorf("a refused update changed the action value: %+v", stale)
			}
			if got := viewValue(t, c.db, func(ctx context.Context, tx *storage.Tx) (casus.Action, error) { return tx.Action(ctx, a.ID) }); got.Status != casus.ActionInProgress || got.Version != 2 {
				t.Errorf("a stale update was stored: %+v", got)
			}
			if us := updates(); len(us) != 2 {
				t.Errorf("a stale update left a note: %+v", us)
			}
		})
		t.Run("Unknown/Conflict", func(t *testing.T) {
			err := tryA(c, func(ctx context.Context, tx *storage.Tx) error {
				return tx.UpdateAction(ctx, &casus.Action{ID: casus.NewID()}, 1, casus.ActionDone, "", w.coordinator.ID)
			})
			wantCode(t, err, casus.ECONFLICT)
		})
	})

	contracts.add("ActionUpdates", func(t *testing.T, c *contract) {
		w := c.w
		a := actionA(t, c, w.sanneCase, w.police.ID, "Huisbezoek", date(2026, 12, 1))
		c.clock.Add(time.Hour)
		update(t, c.db, func(ctx context.Context, tx *storage.Tx) error {
			return tx.UpdateAction(ctx, &a, 1, casus.ActionInProgress, "gebeld", w.police.ID)
		})
		c.clock.Add(time.Hour)
		update(t, c.db, func(ctx context.Context, tx *storage.Tx) error {
			return tx.UpdateAction(ctx, &a, 2, casus.ActionDone, "uitgevoerd", w.coordinator.ID)
		})
		us := viewValue(t, c.db, func(ctx context.Context, tx *storage.Tx) ([]casus.ActionUpdate, error) {
			return tx.ActionUpdates(ctx, a.ID)
		})
		type row struct {
			status casus.ActionStatus
			note   string
			actor  string
			at     time.Time
		}
		want := []row{
			{casus.ActionOpen, "", w.coordinator.Name, contractEpoch},
			{casus.ActionInProgress, "gebeld", w.police.Name, contractEpoch.Add(time.Hour)},
			{casus.ActionDone, "uitgevoerd", w.coordinator.Name, contractEpoch.Add(2 * time.Hour)},
		}
		if len(us) != len(want) {
			t.Fatalf("updates = %+v, want %d", us, len(want))
		}
		for i, u := range us {
			if got := (row{u.Status, u.Note, u.ActorName, u.At}); got.status != want[i].status || got.note != want[i].note ||
				got.actor != want[i].actor || !got.at.Equal(want[i].at) || u.ActionID != a.ID || u.ID == "" {
				t.Errorf("update %d = %+v, want %+v", i, u, want[i])
			}
		}
		if none := viewValue(t, c.db, func(ctx context.Context, tx *storage.Tx) ([]casus.ActionUpdate, error) {
			return tx.ActionUpdates(ctx, casus.NewID())
		}); len(none) != 0 {
			t.Errorf("updates of an unknown action = %+v", none)
		}
	})

	contracts.add("ActionOwnerCandidates", func(t *testing.T, c *contract) {
		w := c.w
		names := func(studentID string) []string {
			t.Helper()
			us := viewValue(t, c.db, func(ctx context.Context, tx *storage.Tx) ([]casus.User, error) {
				return tx.ActionOwnerCandidates(ctx, studentID)
			})
			return idsA(us, func(u casus.User) string { return u.Name })
		}
		// Sanne: the ZAT's members (her open case), her mentor and her group's care contact.
		want := []string{"Carla Coördinator", "Janneke JGZ", "Mirjam Mentor", "Olga Orthopedagoog", "Peter Politie", "Sam SMW", "Tom Taakdocent"}
		if got := names(w.sanne.ID); !slices.Equal(got, want) {
			t.Errorf("candidates for Sanne = %q, want %q", got, want)
		}
		// Bram: his case is closed and he has no mentor.
		if got := names(w.bram.ID); !slices.Equal(got, []string{"Tom Taakdocent"}) {
			t.Errorf("candidates for Bram = %q, want the care contact", got)
		}
		update(t, c.db, func(ctx context.Context, tx *storage.Tx) error { return tx.Deactivate(ctx, w.police.ID) })
		if got := names(w.sanne.ID); slices.Contains(got, "Peter Politie") || len(got) != len(want)-1 {
			t.Errorf("candidates after deactivating the police = %q", got)
		}
	})

	contracts.add("OverdueActions", func(t *testing.T, c *contract) {
		w := c.w
		overdue := actionA(t, c, w.sanneCase, w.police.ID, "Te laat", date(2026, 10, 20))
		older := actionA(t, c, w.sanneCase, w.nurse.ID, "Nog later", date(2026, 10, 1))
		dueToday := actionA(t, c, w.sanneCase, w.police.ID, "Vandaag", date(2026, 11, 2))
		done := actionA(t, c, w.sanneCase, w.police.ID, "Gedaan", date(2026, 10, 1))
		update(t, c.db, func(ctx context.Context, tx *storage.Tx) error {
			return tx.UpdateAction(ctx, &done, 1, casus.ActionDone, "", w.police.ID)
		})
		closedCase := actionA(t, c, w.bramCase, w.police.ID, "Gesloten", date(2026, 10, 1))
		mine := []string{overdue.ID, older.ID, dueToday.ID, done.ID, closedCase.ID}
		got := viewValue(t, c.db, func(ctx context.Context, tx *storage.Tx) ([]casus.Action, error) {
			return tx.OverdueActions(ctx, date(2026, 11, 2))
		})
		if ids, want := actionIDsA(ofA(got, func(a casus.Action) string { return a.ID }, mine...)), []string{older.ID, overdue.ID}; !slices.Equal(ids, want) {
			t.Errorf("overdue on 2 November = %v, want the active actions of open cases due before the day, oldest first: %v", ids, want)
		}
	})

	contracts.add("MarkReminded", func(t *testing.T, c *contract) {
		subject := casus.NewID()
		mark := func(subjectID, kind string) bool {
			t.Helper()
			return updateValue(t, c.db, func(ctx context.Context, tx *storage.Tx) (bool, error) {
				return tx.MarkReminded(ctx, subjectID, kind)
			})
		}
		if !mark(subject, "action_overdue") {
			t.Error("first mark reported the reminder sent already")
		}
		if mark(subject, "action_overdue") {
			t.Error("second mark of the same reminder reported it not sent: it would go out twice")
		}
		if !mark(subject, "action_due_soon") {
			t.Error("another kind about the same subject reported sent")
		}
		if !mark(casus.NewID(), "action_overdue") {
			t.Error("the same kind about another subject reported sent")
		}
		// A mark rolled back with its transaction was not sent.
		other := casus.NewID()
		_ = tryA(c, func(ctx context.Context, tx *storage.Tx) error {
			if _, err := tx.MarkReminded(ctx, other, "action_overdue"); err != nil {
				return err
			}
			return casus.ErrNotFound
		})
		if !mark(other, "action_overdue") {
			t.Error("a mark rolled back still counts")
		}
	})
}

func init() {
	contracts.add("ChairedTeamActions", func(t *testing.T, c *contract) {
		w := c.w
		now := c.clock.Now()
		late := actionA(t, c, w.sanneCase, w.police.ID, "Huisbezoek", now.AddDate(0, 0, -2))
		soon := actionA(t, c, w.sanneCase, w.nurse.ID, "Gesprek JGZ", now.AddDate(0, 0, 4))
		list := func(userID string, before time.Time) []storage.TeamAction {
			return viewValue(t, c.db, func(ctx context.Context, tx *storage.Tx) ([]storage.TeamAction, error) {
				return tx.ChairedTeamActions(ctx, userID, before)
			})
		}
		ids := func(xs []storage.TeamAction) []string {
			return idsA(xs, func(x storage.TeamAction) string { return x.Action.ID })
		}
		all := list(w.coordinator.ID, time.Time{})
		if got := ids(all); !slices.Equal(got, []string{late.ID, soon.ID}) || !all[0].Relations.Coordinator || all[0].Action.OwnerName != w.police.Name {
			t.Errorf("the chair's team actions = %v, want the late then the coming one, with the relation and the owner", got)
		}
		if got := ids(list(w.coordinator.ID, now)); !slices.Equal(got, []string{late.ID}) {
			t.Errorf("the chair's overdue team actions = %v, want the late one", got)
		}
		if got := list(w.nurse.ID, time.Time{}); len(got) != 0 {
			t.Errorf("a member who chairs nothing has team actions: %v", ids(got))
		}
	})
}
