package storage_test

import (
	"context"
	"testing"
	"time"

	"casus"
	"casus/storage"
	"casus/storage/storagetest"
)

func TestActions(t *testing.T) {
	storagetest.Run(t, conformance, func(t *testing.T, db *storage.DB) {
		w := seed(t, db)
		due := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
		a := casus.Action{CaseID: w.sanneCase.ID, StudentID: w.sanne.ID, OwnerID: w.police.ID, Description: "Huisbezoek",
			DueOn: due, CreatedBy: w.coordinator.ID}
		relation := func() casus.StudentRelations {
			_, rel := viewValue2(t, db, func(ctx context.Context, tx *storage.Tx) (casus.Student, casus.StudentRelations, error) {
				return tx.StudentFor(ctx, w.police.ID, w.sanne.ID)
			})
			return rel
		}
		if relation().ActionOwner {
			t.Fatal("the police owns no action yet but is related as owner")
		}
		update(t, db, func(ctx context.Context, tx *storage.Tx) error { return tx.CreateAction(ctx, &a) })

		t.Run("OwnerRelated", func(t *testing.T) {
			if !relation().ActionOwner {
				t.Error("owning an open action does not relate the owner to the student")
			}
			owned := viewValue(t, db, func(ctx context.Context, tx *storage.Tx) ([]casus.Action, error) {
				return tx.OwnedActions(ctx, w.police.ID)
			})
			if len(owned) != 1 || owned[0].ID != a.ID || owned[0].StudentName != "Sanne Visser" || !owned[0].DueOn.Equal(due) {
				t.Errorf("task list = %+v", owned)
			}
		})

		t.Run("StaleUpdate/ErrConflict", func(t *testing.T) {
			update(t, db, func(ctx context.Context, tx *storage.Tx) error {
				return tx.UpdateAction(ctx, &a, 1, casus.ActionInProgress, "afspraak gemaakt", w.police.ID)
			})
			err := db.Update(t.Context(), func(tx *storage.Tx) error {
				return tx.UpdateAction(t.Context(), &casus.Action{ID: a.ID}, 1, casus.ActionDone, "te laat", w.police.ID)
			})
			wantCode(t, err, casus.ECONFLICT)
			us := viewValue(t, db, func(ctx context.Context, tx *storage.Tx) ([]casus.ActionUpdate, error) {
				return tx.ActionUpdates(ctx, a.ID)
			})
			if len(us) != 2 || us[1].Status != casus.ActionInProgress || us[1].Note != "afspraak gemaakt" {
				t.Errorf("updates = %+v", us)
			}
		})

		t.Run("DoneEndsRelation", func(t *testing.T) {
			update(t, db, func(ctx context.Context, tx *storage.Tx) error {
				return tx.UpdateAction(ctx, &a, 2, casus.ActionDone, "uitgevoerd", w.police.ID)
			})
			if relation().ActionOwner {
				t.Error("a done action still relates its owner to the student")
			}
			if owned := viewValue(t, db, func(ctx context.Context, tx *storage.Tx) ([]casus.Action, error) {
				return tx.OwnedActions(ctx, w.police.ID)
			}); len(owned) != 0 {
				t.Errorf("done action still on the task list: %+v", owned)
			}
		})
	})
}
