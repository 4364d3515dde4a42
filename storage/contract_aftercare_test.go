package storage_test

import (
	"context"
	"testing"
	"time"

	"casus"
	"casus/storage"
)

func init() {
	contracts.add("DueAftercare", func(t *testing.T, c *contract) {
		w := c.w
		// Sanne's ZAT case was discussed on 8 January and 5 February 2026;
		// Bram's on 8 January; Sanne's intern case at the intern team's
		// meeting, and Bram's on a cancelled meeting of 12 February.
		jan := meetingA(t, c, w.zat.ID, time.Date(2026, 1, 5, 0, 0, 0, 0, time.UTC))
		feb := meetingA(t, c, w.zat.ID, time.Date(2026, 2, 2, 0, 0, 0, 0, time.UTC))
		cancelled := meetingA(t, c, w.zat.ID, feb.StartsAt)
		intern := meetingA(t, c, w.intern.ID, time.Date(2026, 1, 5, 0, 0, 0, 0, time.UTC))
		itemA(t, c, jan, w.sanneCase.ID)
		itemA(t, c, feb, w.sanneCase.ID)
		itemA(t, c, jan, w.bramCase.ID)
		itemA(t, c, cancelled, w.bramCase.ID)
		itemA(t, c, intern, w.sanneInternCaseLater.ID)
		update(t, c.db, func(ctx context.Context, tx *storage.Tx) error { return tx.CancelMeeting(ctx, cancelled.ID) })
		mine := []string{w.sanneCase.ID, w.bramCase.ID, w.sanneInternCaseLater.ID}
		due := func(at time.Time) map[string]casus.Aftercare {
			t.Helper()
			as := viewValue(t, c.db, func(ctx context.Context, tx *storage.Tx) ([]casus.Aftercare, error) {
				return tx.DueAftercare(ctx, at)
			})
			out := map[string]casus.Aftercare{}
			for _, a := range ofA(as, func(a casus.Aftercare) string { return a.CaseID }, mine...) {
				out[a.CaseID] = a
			}
			return out
		}
		if got := due(jan.StartsAt.AddDate(0, 3, 0).Add(-time.Second)); len(got) != 0 {
			t.Errorf("due a second before three months = %+v, want none", got)
		}
		got := due(jan.StartsAt.AddDate(0, 3, 0))
		if len(got) != 1 || !got[w.bramCase.ID].LastDiscussedAt.Equal(jan.StartsAt) || got[w.bramCase.ID].StudentID != w.bram.ID {
			t.Errorf("due three months after 8 January = %+v, want Bram's case, last discussed then (not at the cancelled meeting)", got)
		}
		got = due(feb.StartsAt.AddDate(0, 3, 0))
		if len(got) != 2 || !got[w.sanneCase.ID].LastDiscussedAt.Equal(feb.StartsAt) || got[w.sanneCase.ID].StudentID != w.sanne.ID {
			t.Errorf("due three months after 5 February = %+v, want Sanne's ZAT case, last discussed in February, and Bram's", got)
		}
		update(t, c.db, func(ctx context.Context, tx *storage.Tx) error {
			a := got[w.bramCase.ID]
			_, err := tx.CreateAftercare(ctx, &a)
			return err
		})
		if got := due(feb.StartsAt.AddDate(0, 3, 0)); len(got) != 1 || got[w.sanneCase.ID].CaseID == "" {
			t.Errorf("due after Bram's aftercare was created = %+v, want only Sanne's", got)
		}
	})

	contracts.add("CreateAftercare", func(t *testing.T, c *contract) {
		w := c.w
		last := time.Date(2026, 8, 1, 11, 30, 0, 0, time.UTC)
		a := casus.Aftercare{CaseID: w.sanneCase.ID, StudentID: w.sanne.ID, LastDiscussedAt: last}
		created := updateValue(t, c.db, func(ctx context.Context, tx *storage.Tx) (bool, error) { return tx.CreateAftercare(ctx, &a) })
		if !created || a.ID == "" || !a.CreatedAt.Equal(contractEpoch) {
			t.Errorf("CreateAftercare = %v, id %q created %v; want true, an id and the clock", created, a.ID, a.CreatedAt)
		}
		t.Run("Again/Once", func(t *testing.T) {
			c.clock.Add(time.Hour)
			again := casus.Aftercare{CaseID: w.sanneCase.ID, StudentID: w.sanne.ID, LastDiscussedAt: last.Add(time.Hour)}
			if created := updateValue(t, c.db, func(ctx context.Context, tx *storage.Tx) (bool, error) {
				return tx.CreateAftercare(ctx, &again)
			}); created {
				t.Error("a second aftercare of the case reported created")
			}
			got, ok := viewValue2(t, c.db, func(ctx context.Context, tx *storage.Tx) (casus.Aftercare, bool, error) {
				return tx.CaseAftercare(ctx, w.sanneCase.ID)
			})
			if !ok || got.ID != a.ID || !got.LastDiscussedAt.Equal(last) || !got.CreatedAt.Equal(contractEpoch) {
				t.Errorf("the case's aftercare = %+v (%v), want the first", got, ok)
			}
		})
	})

	contracts.add("CaseAftercare", func(t *testing.T, c *contract) {
		w := c.w
		get := func(caseID string) (casus.Aftercare, bool) {
			t.Helper()
			return viewValue2(t, c.db, func(ctx context.Context, tx *storage.Tx) (casus.Aftercare, bool, error) {
				return tx.CaseAftercare(ctx, caseID)
			})
		}
		if _, ok := get(w.sanneCase.ID); ok {
			t.Error("aftercare of a case without one")
		}
		last := time.Date(2026, 8, 1, 11, 30, 0, 0, time.UTC)
		a := casus.Aftercare{CaseID: w.sanneCase.ID, StudentID: w.sanne.ID, LastDiscussedAt: last}
		update(t, c.db, func(ctx context.Context, tx *storage.Tx) error { _, err := tx.CreateAftercare(ctx, &a); return err })
		got, ok := get(w.sanneCase.ID)
		if !ok || got.ID != a.ID || got.CaseID != w.sanneCase.ID || got.StudentID != w.sanne.ID || !got.LastDiscussedAt.Equal(last) ||
			!got.CreatedAt.Equal(contractEpoch) || len(got.Answers) != 0 {
			t.Errorf("CaseAftercare = %+v (%v)", got, ok)
		}
		c.clock.Add(time.Hour)
		second := casus.AftercareAnswer{Respondent: casus.RespondentStudent, GoalsMet: "partly", RecordedBy: w.coordinator.ID}
		update(t, c.db, func(ctx context.Context, tx *storage.Tx) error { return tx.AddAftercareAnswer(ctx, a.ID, &second) })
		c.clock.Add(-30 * time.Minute)
		first := casus.AftercareAnswer{Respondent: casus.RespondentCareContact, GoalsMet: "yes", RecordedBy: w.careContact.ID}
		update(t, c.db, func(ctx context.Context, tx *storage.Tx) error { return tx.AddAftercareAnswer(ctx, a.ID, &first) })
		got, _ = get(w.sanneCase.ID)
		if len(got.Answers) != 2 || got.Answers[0].ID != first.ID || got.Answers[1].ID != second.ID {
			t.Errorf("answers = %+v, want by time of recording", got.Answers)
		}
		if _, ok := get(w.bramCase.ID); ok {
			t.Error("Bram's case has Sanne's aftercare")
		}
	})

	contracts.add("AddAftercareAnswer", func(t *testing.T, c *contract) {
		w := c.w
		a := casus.Aftercare{CaseID: w.sanneCase.ID, StudentID: w.sanne.ID, LastDiscussedAt: time.Date(2026, 8, 1, 0, 0, 0, 0, time.UTC)}
		update(t, c.db, func(ctx context.Context, tx *storage.Tx) error { _, err := tx.CreateAftercare(ctx, &a); return err })
		c.clock.Add(time.Hour)
		an := casus.AftercareAnswer{Respondent: casus.RespondentGuardian, Achieved: "Ze gaat weer naar school", GoalsMet: "yes",
			Experience: "Prettig", RecordedBy: w.coordinator.ID}
		update(t, c.db, func(ctx context.Context, tx *storage.Tx) error { return tx.AddAftercareAnswer(ctx, a.ID, &an) })
		if an.ID == "" || !an.RecordedAt.Equal(contractEpoch.Add(time.Hour)) {
			t.Errorf("added answer: id %q at %v, want an id and the clock", an.ID, an.RecordedAt)
		}
		got, _ := viewValue2(t, c.db, func(ctx context.Context, tx *storage.Tx) (casus.Aftercare, bool, error) {
			return tx.CaseAftercare(ctx, w.sanneCase.ID)
		})
		if len(got.Answers) != 1 || !got.Answers[0].RecordedAt.Equal(an.RecordedAt) {
			t.Fatalf("answers = %+v", got.Answers)
		}
		got.Answers[0].RecordedAt = an.RecordedAt
		if got.Answers[0] != an {
			t.Errorf("answer read back as %+v, want %+v", got.Answers[0], an)
		}
		t.Run("UnknownAftercare/Err", func(t *testing.T) {
			err := tryA(c, func(ctx context.Context, tx *storage.Tx) error {
				return tx.AddAftercareAnswer(ctx, casus.NewID(), &casus.AftercareAnswer{Respondent: casus.RespondentStudent,
					GoalsMet: "no", RecordedBy: w.coordinator.ID})
			})
			if err == nil {
				t.Error("an answer to an unknown aftercare was stored")
			}
		})
	})
}
