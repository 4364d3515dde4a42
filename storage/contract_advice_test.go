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

	contracts.add("GuidanceAdvice", func(t *testing.T, c *contract) {
		w := c.w
		guidance := func(studentID string) []casus.Advice {
			t.Helper()
			return viewValue(t, c.db, func(ctx context.Context, tx *storage.Tx) ([]casus.Advice, error) {
				return tx.GuidanceAdvice(ctx, studentID)
			})
		}
		// Back to basic guidance with advice: the note is the advice.
		back := referralC(t, c, w.sanne.ID, w.intern.ID)
		c.clock.Add(time.Hour)
		update(t, c.db, func(ctx context.Context, tx *storage.Tx) error {
			must(t, tx.MoveReferral(ctx, &back, casus.RefSubmitted, w.mentor.ID, ""))
			return tx.MoveReferral(ctx, &back, casus.RefRedirected, w.coordinator.ID, "Oefen de planning met de mentor.")
		})
		// Redirected to another team: the note is no advice to the mentor.
		onward := referralC(t, c, w.sanne.ID, w.intern.ID)
		update(t, c.db, func(ctx context.Context, tx *storage.Tx) error {
			must(t, tx.MoveReferral(ctx, &onward, casus.RefSubmitted, w.mentor.ID, ""))
			must(t, tx.MoveReferral(ctx, &onward, casus.RefRedirected, w.coordinator.ID, "Past beter bij het ZAT."))
			next := casus.Referral{StudentID: w.sanne.ID, TeamID: w.zat.ID, ReferrerID: w.mentor.ID}
			must(t, tx.CreateReferral(ctx, &next, w.coordinator.ID))
			return tx.LinkReferral(ctx, onward.ID, "", next.ID)
		})
		// A return's question is no advice either.
		returned := referralC(t, c, w.sanne.ID, w.intern.ID)
		update(t, c.db, func(ctx context.Context, tx *storage.Tx) error {
			must(t, tx.MoveReferral(ctx, &returned, casus.RefSubmitted, w.mentor.ID, ""))
			return tx.MoveReferral(ctx, &returned, casus.RefReturned, w.coordinator.ID, "Wat is al geprobeerd?")
		})
		got := guidance(w.sanne.ID)
		if len(got) != 1 || got[0].ReferralID != back.ID || got[0].Text != "Oefen de planning met de mentor." || got[0].CaseID != "" ||
			got[0].AuthorName != w.coordinator.Name || got[0].TeamName != w.intern.Name || !got[0].CreatedAt.Equal(contractEpoch.Add(time.Hour)) {
			t.Errorf("Sanne's guidance advice = %+v, want the one note of the redirect back", got)
		}
		if none := guidance(w.bram.ID); len(none) != 0 {
			t.Errorf("Bram's guidance advice = %+v, want none", none)
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
