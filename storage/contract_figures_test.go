package storage_test

import (
	"context"
	"testing"

	"casus"
	"casus/storage"
)

func init() {
	contracts.add("FigureFacts", func(t *testing.T, c *contract) {
		w := c.w
		figureFixture(t, c.db, c.clock, w)
		period := casus.SchoolYear(contractEpoch)
		facts := viewValue(t, c.db, func(ctx context.Context, tx *storage.Tx) (casus.FigureFacts, error) {
			return tx.FigureFacts(ctx, casus.FigureFilter{Period: period, TeamIDs: []string{w.intern.ID, w.zat.ID}})
		})
		if len(facts.Referrals) != 4 || len(facts.Actions) != 4 || facts.Students != 3 || facts.Closures[casus.CloseSolved] != 1 {
			t.Errorf("FigureFacts = %+v, want the fixture's 4 referrals, 4 actions, 3 students, 1 closure", facts)
		}
		t.Run("NoTeams/Empty", func(t *testing.T) {
			none := viewValue(t, c.db, func(ctx context.Context, tx *storage.Tx) (casus.FigureFacts, error) {
				return tx.FigureFacts(ctx, casus.FigureFilter{Period: period})
			})
			if len(none.Referrals) != 0 || none.Students != 0 {
				t.Errorf("FigureFacts without teams = %+v", none)
			}
		})
	})

	contracts.add("SchoolsServedBy", func(t *testing.T, c *contract) {
		w := c.w
		schools := viewValue(t, c.db, func(ctx context.Context, tx *storage.Tx) ([]casus.School, error) {
			return tx.SchoolsServedBy(ctx, []string{w.intern.ID, w.zat.ID})
		})
		if len(schools) == 0 || schools[0].ID == "" || schools[0].Name == "" {
			t.Fatalf("SchoolsServedBy = %+v, want the world's schools", schools)
		}
		for _, s := range schools {
			if s.ID != w.school.ID && s.ID != w.otherSchool.ID {
				t.Errorf("SchoolsServedBy names %+v, a school of another world", s)
			}
		}
		if none := viewValue(t, c.db, func(ctx context.Context, tx *storage.Tx) ([]casus.School, error) {
			return tx.SchoolsServedBy(ctx, nil)
		}); len(none) != 0 {
			t.Errorf("SchoolsServedBy(no teams) = %+v", none)
		}
	})

	contracts.add("FigureThreshold", func(t *testing.T, c *contract) {
		got := viewValue(t, c.db, func(ctx context.Context, tx *storage.Tx) (int, error) { return tx.FigureThreshold(ctx) })
		if got != casus.DefaultFigureThreshold {
			t.Errorf("FigureThreshold unset = %d, want %d", got, casus.DefaultFigureThreshold)
		}
		update(t, c.db, func(ctx context.Context, tx *storage.Tx) error { return tx.SetSetting(ctx, "figures_threshold", "2") })
		if got := viewValue(t, c.db, func(ctx context.Context, tx *storage.Tx) (int, error) { return tx.FigureThreshold(ctx) }); got != casus.DefaultFigureThreshold {
			t.Errorf("FigureThreshold of an out-of-bounds setting = %d, want the default", got)
		}
		update(t, c.db, func(ctx context.Context, tx *storage.Tx) error { return tx.SetSetting(ctx, "figures_threshold", "5") })
	})

	contracts.add("SetFigureThreshold", func(t *testing.T, c *contract) {
		defer update(t, c.db, func(ctx context.Context, tx *storage.Tx) error {
			return tx.SetFigureThreshold(ctx, casus.DefaultFigureThreshold)
		})
		update(t, c.db, func(ctx context.Context, tx *storage.Tx) error { return tx.SetFigureThreshold(ctx, 10) })
		if got := viewValue(t, c.db, func(ctx context.Context, tx *storage.Tx) (int, error) { return tx.FigureThreshold(ctx) }); got != 10 {
			t.Errorf("FigureThreshold after setting 10 = %d", got)
		}
		err := c.db.Update(t.Context(), func(tx *storage.Tx) error { return tx.SetFigureThreshold(t.Context(), 51) })
		if casus.ErrorCode(err) != casus.EINVALID {
			t.Errorf("SetFigureThreshold(51) = %v, want EINVALID", err)
		}
	})
}
