package storage_test

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"casus"
	"casus/storage"
)

func init() {
	events := func(t *testing.T, c *contract, caseID string) []casus.CaseEvent {
		t.Helper()
		return viewValue(t, c.db, func(ctx context.Context, tx *storage.Tx) ([]casus.CaseEvent, error) {
			return tx.CaseEvents(ctx, caseID)
		})
	}
	closures := func(t *testing.T, c *contract, caseID string) []casus.CaseClosure {
		t.Helper()
		return viewValue(t, c.db, func(ctx context.Context, tx *storage.Tx) ([]casus.CaseClosure, error) {
			return tx.CaseClosures(ctx, caseID)
		})
	}
	status := func(t *testing.T, c *contract, caseID string) casus.CaseStatus {
		t.Helper()
		return viewValue(t, c.db, func(ctx context.Context, tx *storage.Tx) (casus.Case, error) { return tx.Case(ctx, caseID) }).Status
	}

	contracts.add("AddCaseEvent", func(t *testing.T, c *contract) {
		w := c.w
		c.clock.Add(time.Hour)
		e := casus.CaseEvent{CaseID: w.sanneCase.ID, Kind: casus.CaseBridging, Note: "Wekelijks gesprek met de mentor", ActorID: w.coordinator.ID}
		update(t, c.db, func(ctx context.Context, tx *storage.Tx) error { return tx.AddCaseEvent(ctx, &e) })
		if e.ID == "" || !e.At.Equal(contractEpoch.Add(time.Hour)) {
			t.Errorf("added event %+v, want an id and the clock's time", e)
		}
		es := events(t, c, w.sanneCase.ID)
		want := e
		want.ActorName = "Carla Coördinator"
		if len(es) != 1 || es[0] != want {
			t.Errorf("CaseEvents = %+v, want %+v", es, want)
		}
		t.Run("UnknownCase/Err", func(t *testing.T) {
			err := c.db.Update(t.Context(), func(tx *storage.Tx) error {
				return tx.AddCaseEvent(t.Context(), &casus.CaseEvent{CaseID: casus.NewID(), Kind: casus.CaseBridging, ActorID: w.coordinator.ID})
			})
			if err == nil {
				t.Error("an event of an unknown case was stored")
			}
		})
	})

	contracts.add("CaseEvents", func(t *testing.T, c *contract) {
		w := c.w
		add := func(caseID, note string, at time.Time) casus.CaseEvent {
			c.clock.Set(at)
			e := casus.CaseEvent{CaseID: caseID, Kind: casus.CaseBridging, Note: note, ActorID: w.careContact.ID}
			update(t, c.db, func(ctx context.Context, tx *storage.Tx) error { return tx.AddCaseEvent(ctx, &e) })
			return e
		}
		later := add(w.sanneCase.ID, "later", contractEpoch.Add(2*time.Hour))
		earlier := add(w.sanneCase.ID, "earlier", contractEpoch.Add(time.Hour))
		add(w.bramCase.ID, "Bram's", contractEpoch)
		es := viewValue(t, c.db, func(ctx context.Context, tx *storage.Tx) ([]casus.CaseEvent, error) {
			return tx.CaseEvents(ctx, w.sanneCase.ID)
		})
		if got := names(es, func(e casus.CaseEvent) string { return e.ID }); !slices.Equal(got, []string{earlier.ID, later.ID}) {
			t.Errorf("CaseEvents = %+v, want Sanne's two oldest first", es)
		}
		if len(es) == 2 && (es[0].ActorName != "Tom Taakdocent" || es[0].Note != "earlier" || es[0].CaseID != w.sanneCase.ID) {
			t.Errorf("CaseEvents[0] = %+v", es[0])
		}
		if none := events(t, c, w.sanneInternCaseLater.ID); len(none) != 0 {
			t.Errorf("CaseEvents of a case without events = %+v", none)
		}
	})

	contracts.add("CloseCase", func(t *testing.T, c *contract) {
		w := c.w
		_, _, d := discussedB(t, c)
		c.clock.Add(time.Hour)
		o := casus.GoalOutcome{DiscussionID: d.ID, GoalID: d.Record.Goals[0].ID, Description: "Verzuim omlaag", Outcome: casus.GoalAchieved}
		update(t, c.db, func(ctx context.Context, tx *storage.Tx) error {
			return tx.CloseCase(ctx, w.sanneCase.ID, casus.CloseSolved, "Doelen gehaald", w.coordinator.ID, o)
		})
		if s := status(t, c, w.sanneCase.ID); s != casus.CaseClosed {
			t.Errorf("status after CloseCase = %q", s)
		}
		cs := closures(t, c, w.sanneCase.ID)
		if len(cs) != 1 || cs[0].Kind != "closed" || cs[0].Reason != string(casus.CloseSolved) || cs[0].Note != "Doelen gehaald" ||
			!cs[0].At.Equal(contractEpoch.Add(time.Hour)) || cs[0].ActorName != "Carla Coördinator" || !slices.Equal(cs[0].Outcomes, []casus.GoalOutcome{o}) {
			t.Errorf("CaseClosures = %+v", cs)
		}
		t.Run("NotOpen/Conflict", func(t *testing.T) {
			for _, id := range []string{w.sanneCase.ID, w.bramCase.ID} {
				err := c.db.Update(t.Context(), func(tx *storage.Tx) error {
					return tx.CloseCase(t.Context(), id, casus.CloseOther, "again", w.coordinator.ID)
				})
				wantCode(t, err, casus.ECONFLICT)
			}
			if cs := closures(t, c, w.sanneCase.ID); len(cs) != 1 {
				t.Errorf("a refused closing was recorded: %+v", cs)
			}
		})
	})

	contracts.add("ReopenCase", func(t *testing.T, c *contract) {
		w := c.w
		c.clock.Add(time.Hour)
		update(t, c.db, func(ctx context.Context, tx *storage.Tx) error {
			return tx.ReopenCase(ctx, w.bramCase.ID, "Terugval na de zomer", w.coordinator.ID)
		})
		if s := status(t, c, w.bramCase.ID); s != casus.CaseOpen {
			t.Errorf("status after ReopenCase = %q", s)
		}
		cs := closures(t, c, w.bramCase.ID)
		if len(cs) != 1 || cs[0].Kind != "reopened" || cs[0].Reason != "Terugval na de zomer" || !cs[0].At.Equal(contractEpoch.Add(time.Hour)) ||
			cs[0].ActorName != "Carla Coördinator" || len(cs[0].Outcomes) != 0 {
			t.Errorf("CaseClosures = %+v", cs)
		}
		t.Run("NotClosed/Conflict", func(t *testing.T) {
			for _, id := range []string{w.bramCase.ID, w.sanneCase.ID} {
				err := c.db.Update(t.Context(), func(tx *storage.Tx) error { return tx.ReopenCase(t.Context(), id, "again", w.coordinator.ID) })
				wantCode(t, err, casus.ECONFLICT)
			}
			if cs := closures(t, c, w.bramCase.ID); len(cs) != 1 {
				t.Errorf("a refused reopening was recorded: %+v", cs)
			}
		})
		t.Run("OtherOpenCase/Conflict", func(t *testing.T) {
			// Sanne's ZAT case is open: an earlier, closed ZAT case of hers
			// cannot be reopened beside it.
			old := casus.Case{StudentID: w.sanne.ID, TeamID: w.zat.ID, Status: casus.CaseClosed, OpenedAt: date(2024, 9, 1)}
			update(t, c.db, func(ctx context.Context, tx *storage.Tx) error { return tx.OpenCase(ctx, &old) })
			err := c.db.Update(t.Context(), func(tx *storage.Tx) error { return tx.ReopenCase(t.Context(), old.ID, "x", w.coordinator.ID) })
			wantCode(t, err, casus.ECONFLICT)
			var e *casus.Error
			if errors.As(err, &e) && e.Key != "closure.other_open" {
				t.Errorf("key = %q, want closure.other_open", e.Key)
			}
			if s := status(t, c, old.ID); s != casus.CaseClosed {
				t.Errorf("status after a refused reopening = %q", s)
			}
		})
	})
}
