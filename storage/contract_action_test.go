package storage_test

import (
	"context"
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
