package storage_test

import (
	"context"
	"testing"
	"time"

	"casus"
	"casus/storage"
	"casus/storage/storagetest"
)

// TestDiscussions records Sanne's discussion at the ZAT: versions, the stale
// save, the goals check, final minutes, and the follow-up that comes back
// on the agenda when its evaluation day has come.
func TestDiscussions(t *testing.T) {
	for _, engine := range storagetest.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			t.Logf("%s on %s", conformance, engine)
			// Monday 2 November 2026; the ZAT meets every other Thursday.
			clock := storagetest.NewClock(amsterdam(2026, 11, 2, 9, 0))
			db := storagetest.Open(t, engine, clock.Now)
			w := seed(t, db)
			update(t, db, func(ctx context.Context, tx *storage.Tx) error {
				return tx.SetRecurrence(ctx, w.zat.ID, casus.Recurrence{First: amsterdam(2026, 9, 3, 13, 30), EveryWeeks: 2,
					Duration: 2 * time.Hour}, "Vergaderzaal 2")
			})
			item := casus.AgendaItem{CaseID: w.sanneCase.ID, Kind: casus.AgendaChair, AddedBy: w.coordinator.ID}
			m := updateValue(t, db, func(ctx context.Context, tx *storage.Tx) (casus.Meeting, error) {
				return tx.PutOnNextAgenda(ctx, w.zat.ID, item)
			})
			items := viewValue(t, db, func(ctx context.Context, tx *storage.Tx) ([]casus.AgendaItem, error) { return tx.Agenda(ctx, m.ID) })
			if len(items) != 1 {
				t.Fatalf("agenda = %+v", items)
			}
			day := func(y int, mo time.Month, d int) time.Time { return time.Date(y, mo, d, 0, 0, 0, 0, time.UTC) }
			d := casus.Discussion{ItemID: items[0].ID, MeetingID: m.ID, CaseID: w.sanneCase.ID, StudentID: w.sanne.ID,
				SavedBy: w.coordinator.ID, Record: casus.DiscussionRecord{
					Attendees: []string{w.coordinator.ID, w.nurse.ID}, Question: "Hoe houden we Sanne op school?", MinutesSpent: 25,
					Goals: []casus.Goal{{Description: "Verzuim omlaag", Criterion: "Verzuim onder 5 % in het absentieregister", DueOn: day(2027, 1, 14)}},
				}}
			update(t, db, func(ctx context.Context, tx *storage.Tx) error { return tx.SaveDiscussion(ctx, &d, 0) })
			if d.Version != 1 || d.Record.Goals[0].ID == "" {
				t.Fatalf("first save: version %d, goal id %q", d.Version, d.Record.Goals[0].ID)
			}

			t.Run("SecondVersionKeepsFirst", func(t *testing.T) {
				d.Record.Balance = "Draaglast groter dan draagkracht"
				update(t, db, func(ctx context.Context, tx *storage.Tx) error { return tx.SaveDiscussion(ctx, &d, 1) })
				got, ok := viewValue2(t, db, func(ctx context.Context, tx *storage.Tx) (casus.Discussion, bool, error) {
					return tx.Discussion(ctx, items[0].ID)
				})
				if !ok || got.Version != 2 || got.Record.Balance != d.Record.Balance || got.Record.Goals[0] != d.Record.Goals[0] {
					t.Errorf("stored = %+v", got)
				}
				first := viewValue(t, db, func(ctx context.Context, tx *storage.Tx) (casus.DiscussionRecord, error) {
					return tx.DiscussionVersion(ctx, d.ID, 1)
				})
				if first.Balance != "" || first.Question != d.Record.Question {
					t.Errorf("version 1 = %+v", first)
				}
				if changed := casus.ChangedFields(first, got.Record); len(changed) != 1 || changed[0] != "balance" {
					t.Errorf("changed fields = %v, want [balance]", changed)
				}
			})

			t.Run("StaleSave/ErrConflict", func(t *testing.T) {
				stale := d
				stale.Record.Question = "Overschreven?"
				err := db.Update(t.Context(), func(tx *storage.Tx) error { return tx.SaveDiscussion(t.Context(), &stale, 1) })
				wantCode(t, err, casus.ECONFLICT)
				err = db.Update(t.Context(), func(tx *storage.Tx) error {
					again := casus.Discussion{ItemID: d.ItemID, MeetingID: m.ID, CaseID: d.CaseID, StudentID: d.StudentID, SavedBy: w.nurse.ID}
					return tx.SaveDiscussion(t.Context(), &again, 0)
				})
				wantCode(t, err, casus.ECONFLICT)
			})

			t.Run("GoalWithoutCriterion/ErrInvalid", func(t *testing.T) {
				bad := d
				bad.Record.Goals = append([]casus.Goal{}, casus.Goal{Description: "Beter slapen", DueOn: day(2027, 1, 1)})
				err := db.Update(t.Context(), func(tx *storage.Tx) error { return tx.SaveDiscussion(t.Context(), &bad, 2) })
				wantCode(t, err, casus.EINVALID)
			})

			t.Run("ActionsServeGoals", func(t *testing.T) {
				a := casus.Action{CaseID: w.sanneCase.ID, StudentID: w.sanne.ID, OwnerID: w.nurse.ID, Description: "Gesprek JGZ",
					DueOn: day(2026, 11, 20), CreatedBy: w.coordinator.ID, DiscussionID: d.ID, GoalID: d.Record.Goals[0].ID}
				update(t, db, func(ctx context.Context, tx *storage.Tx) error { return tx.CreateAction(ctx, &a) })
				got := viewValue(t, db, func(ctx context.Context, tx *storage.Tx) ([]casus.Action, error) {
					return tx.DiscussionActions(ctx, d.ID)
				})
				if len(got) != 1 || got[0].GoalID != a.GoalID || got[0].DiscussionID != d.ID {
					t.Errorf("discussion actions = %+v", got)
				}
			})

			t.Run("FinalMinutesFreezeRecords", func(t *testing.T) {
				d.Record.EvaluateOn = day(2026, 11, 25)
				update(t, db, func(ctx context.Context, tx *storage.Tx) error { return tx.SaveDiscussion(ctx, &d, 2) })
				first := updateValue(t, db, func(ctx context.Context, tx *storage.Tx) (bool, error) { return tx.FinaliseMinutes(ctx, m.ID) })
				again := updateValue(t, db, func(ctx context.Context, tx *storage.Tx) (bool, error) { return tx.FinaliseMinutes(ctx, m.ID) })
				if !first || again {
					t.Errorf("finalise: first %v, again %v", first, again)
				}
				err := db.Update(t.Context(), func(tx *storage.Tx) error { return tx.SaveDiscussion(t.Context(), &d, 3) })
				wantCode(t, err, casus.ECONFLICT)
			})

			t.Run("FollowUpOnTheAgendaOnce", func(t *testing.T) {
				collect := func() (casus.Meeting, []casus.AgendaItem) {
					return updateValue2(t, db, func(ctx context.Context, tx *storage.Tx) (casus.Meeting, []casus.AgendaItem, error) {
						return tx.CollectAgenda(ctx, w.zat.ID)
					})
				}
				// Thursday 12 November, after the meeting: the next one (26 November) comes after the evaluation day.
				clock.Set(m.StartsAt.Add(3 * time.Hour))
				next, added := collect()
				if len(added) != 1 || added[0].Kind != casus.AgendaFollowUp || added[0].SourceID != d.ID || added[0].MeetingID != next.ID {
					t.Fatalf("collected %+v on %+v", added, next)
				}
				if _, again := collect(); len(again) != 0 {
					t.Errorf("collected again: %+v", again)
				}
				prev, ok := viewValue2(t, db, func(ctx context.Context, tx *storage.Tx) (casus.Discussion, bool, error) {
					return tx.PreviousDiscussion(ctx, w.sanneCase.ID, next.StartsAt)
				})
				if !ok || prev.ID != d.ID || !prev.Finalised() {
					t.Errorf("previous discussion = %+v, %v", prev, ok)
				}
			})
		})
	}
}
