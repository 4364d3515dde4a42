package storage_test

import (
	"context"
	"slices"
	"testing"

	"casus"
	"casus/storage"
)

func init() {
	categories := func(t *testing.T, c *contract) []string {
		return viewValue(t, c.db, func(ctx context.Context, tx *storage.Tx) ([]string, error) { return tx.ProblemCategories(ctx) })
	}
	contracts.add("ProblemCategories", func(t *testing.T, c *contract) {
		got := viewValue(t, c.db, func(ctx context.Context, tx *storage.Tx) ([]string, error) { return tx.ProblemCategories(ctx) })
		if !slices.Equal(got, casus.DefaultProblemCategories) {
			t.Errorf("ProblemCategories unset = %q, want the defaults", got)
		}
	})
	contracts.add("SetProblemCategories", func(t *testing.T, c *contract) {
		update(t, c.db, func(ctx context.Context, tx *storage.Tx) error {
			return tx.SetProblemCategories(ctx, []string{"Verzuim", "Pesten op school"})
		})
		if got := categories(t, c); !slices.Equal(got, []string{"Verzuim", "Pesten op school"}) {
			t.Errorf("ProblemCategories after setting = %q", got)
		}
		// Setting none falls back to the defaults rather than an empty list.
		update(t, c.db, func(ctx context.Context, tx *storage.Tx) error { return tx.SetProblemCategories(ctx, nil) })
		if got := categories(t, c); !slices.Equal(got, casus.DefaultProblemCategories) {
			t.Errorf("ProblemCategories after setting none = %q", got)
		}
	})
}
