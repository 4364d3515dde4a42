package storage_test

import (
	"context"
	"testing"

	"casus"
	"casus/storage"
)

func init() {
	contracts.add("TeamCaseload", func(t *testing.T, c *contract) {
		w := c.w
		now := c.clock.Now()
		actionA(t, c, w.sanneCase, w.nurse.ID, "Te laat", now.AddDate(0, 0, -1))
		actionA(t, c, w.sanneCase, w.nurse.ID, "Nog niet", now.AddDate(0, 0, 3))
		m := meetingA(t, c, w.zat.ID, now)
		it := itemA(t, c, m, w.sanneCase.ID)
		discussionA(t, c, it, w.sanne.ID, casus.DiscussionRecord{Question: "Hoe verder?", CoordinatorID: w.socialWork.ID,
			EvaluateOn: date(2027, 2, 1)})
		update(t, c.db, func(ctx context.Context, tx *storage.Tx) error {
			_, err := tx.FinaliseMinutes(ctx, m.ID)
			return err
		})
		rows := viewValue(t, c.db, func(ctx context.Context, tx *storage.Tx) ([]storage.CaseloadRow, error) {
			return tx.TeamCaseload(ctx, w.coordinator.ID, w.zat.ID, now)
		})
		if len(rows) != 1 {
			t.Fatalf("the ZAT's caseload = %+v, want Sanne's open case alone (Bram's is closed)", rows)
		}
		r := rows[0]
		if r.Case.ID != w.sanneCase.ID || r.Student.ID != w.sanne.ID || !r.Relations.Coordinator || r.Step != casus.StepBasic ||
			r.Consent != "none" || r.CoordinatorID != w.socialWork.ID || !r.NextEvaluation.Equal(date(2027, 2, 1)) ||
			r.OpenActions != 2 || r.OverdueActions != 1 {
			t.Errorf("Sanne's caseload row = %+v", r)
		}
		if rows := viewValue(t, c.db, func(ctx context.Context, tx *storage.Tx) ([]storage.CaseloadRow, error) {
			return tx.TeamCaseload(ctx, w.coordinator.ID, w.intern.ID, now)
		}); len(rows) != 0 {
			t.Errorf("the intern team, with only a closed case, has a caseload: %+v", rows)
		}
	})
}
