package storage_test

import (
	"context"
	"testing"
	"time"

	"casus"
	"casus/storage"
)

func init() {
	contracts.add("AddAdvice", func(t *testing.T, c *contract) {
		w := c.w
		a := casus.Advice{CaseID: w.sanneCase.ID, StudentID: w.sanne.ID, Text: "Vaste plek in de klas", AuthorID: w.specialist.ID}
		update(t, c.db, func(ctx context.Context, tx *storage.Tx) error { return tx.AddAdvice(ctx, &a) })
		if a.ID == "" || !a.CreatedAt.Equal(contractEpoch) {
			t.Errorf("added advice: id %q created %v, want an id and the clock", a.ID, a.CreatedAt)
		}
		got := viewValue(t, c.db, func(ctx context.Context, tx *storage.Tx) ([]casus.Advice, error) {
			return tx.StudentAdvice(ctx, w.sanne.ID)
		})
		want := casus.Advice{ID: a.ID, CaseID: w.sanneCase.ID, StudentID: w.sanne.ID, Text: "Vaste plek in de klas",
			AuthorID: w.specialist.ID, AuthorName: w.specialist.Name, TeamName: w.zat.Name, CreatedAt: contractEpoch}
		if len(got) != 1 || !got[0].CreatedAt.Equal(want.CreatedAt) {
			t.Fatalf("stored advice = %+v, want %+v", got, want)
		}
		got[0].CreatedAt = want.CreatedAt
		if got[0] != want {
			t.Errorf("stored advice = %+v, want %+v", got[0], want)
		}
	})

	contracts.add("StudentAdvice", func(t *testing.T, c *contract) {
		w := c.w
		add := func(caseID, studentID, text string) casus.Advice {
			a := casus.Advice{CaseID: caseID, StudentID: studentID, Text: text, AuthorID: w.coordinator.ID}
			update(t, c.db, func(ctx context.Context, tx *storage.Tx) error { return tx.AddAdvice(ctx, &a) })
			return a
		}
		first := add(w.sanneCase.ID, w.sanne.ID, "eerste")
		c.clock.Add(time.Hour)
		second := add(w.sanneInternCaseLater.ID, w.sanne.ID, "tweede")
		add(w.bramCase.ID, w.bram.ID, "van Bram")
		got := viewValue(t, c.db, func(ctx context.Context, tx *storage.Tx) ([]casus.Advice, error) {
			return tx.StudentAdvice(ctx, w.sanne.ID)
		})
		if len(got) != 2 || got[0].ID != second.ID || got[1].ID != first.ID {
			t.Fatalf("Sanne's advice = %+v, want newest first", got)
		}
		if got[0].TeamName != w.intern.Name || got[1].TeamName != w.zat.Name || got[0].AuthorName != w.coordinator.Name ||
			!got[0].CreatedAt.Equal(contractEpoch.Add(time.Hour)) {
			t.Errorf("advice read back as %+v", got)
		}
		if none := viewValue(t, c.db, func(ctx context.Context, tx *storage.Tx) ([]casus.Advice, error) {
			return tx.StudentAdvice(ctx, w.ayla.ID)
		}); len(none) != 0 {
			t.Errorf("Ayla's advice = %+v, want none", none)
		}
	})
}
