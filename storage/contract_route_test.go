package storage_test

import (
	"context"
	"testing"
	"time"

	"casus"
	"casus/storage"
)

func init() {
	contracts.add("LockStudent", func(t *testing.T, c *contract) {
		w := c.w
		update(t, c.db, func(ctx context.Context, tx *storage.Tx) error {
			must(t, tx.LockStudent(ctx, w.sanne.ID))
			must(t, tx.LockStudent(ctx, w.sanne.ID)) // again in the same transaction: fine
			s, _, err := tx.StudentFor(ctx, w.mentor.ID, w.sanne.ID)
			if err != nil || s.ID != w.sanne.ID {
				t.Errorf("the locked student reads as %+v, %v", s, err)
			}
			return nil
		})
		if c.db.Engine != storage.Postgres {
			return // SQLite's immediate transaction holds the write lock already
		}
		t.Run("SecondWriterQueues", func(t *testing.T) {
			lockWithin := func(d time.Duration, studentID string) error {
				ctx, cancel := context.WithTimeout(context.Background(), d)
				defer cancel()
				return c.db.Update(ctx, func(tx *storage.Tx) error { return tx.LockStudent(ctx, studentID) })
			}
			update(t, c.db, func(ctx context.Context, tx *storage.Tx) error {
				must(t, tx.LockStudent(ctx, w.sanne.ID))
				if err := lockWithin(200*time.Millisecond, w.sanne.ID); err == nil {
					t.Error("a second transaction locked the student while the first held it")
				}
				if err := lockWithin(5*time.Second, w.bram.ID); err != nil {
					t.Errorf("locking another student waited for the first: %v", err)
				}
				return nil
			})
			if err := lockWithin(5*time.Second, w.sanne.ID); err != nil {
				t.Errorf("locking the student after the first transaction ended: %v", err)
			}
		})
	})

	contracts.add("RecordRouteStep", func(t *testing.T, c *contract) {
		w := c.w
		record := func(ev *casus.RouteEvent) error {
			return updateErrC(t, c, func(ctx context.Context, tx *storage.Tx) error { return tx.RecordRouteStep(ctx, ev) })
		}
		first := casus.RouteEvent{StudentID: w.sanne.ID, Seq: 0, From: casus.StepBasic, To: casus.StepCareContact,
			DecidedOn: time.Date(2026, 10, 30, 15, 45, 0, 0, time.UTC), ByID: w.mentor.ID, Reason: "Verzuim."}
		if err := record(&first); err != nil {
			t.Fatal(err)
		}
		if first.Seq != 1 || !first.RecordedAt.Equal(contractEpoch) || !first.DecidedOn.Equal(date(2026, 10, 30)) {
			t.Errorf("recorded = %+v, want seq 1, the clock's time and the day of the decision", first)
		}
		second := casus.RouteEvent{StudentID: w.sanne.ID, Seq: first.Seq, From: casus.StepCareContact, To: casus.StepIntern,
			DecidedOn: date(2026, 11, 2), ByID: w.careContact.ID}
		if err := record(&second); err != nil || second.Seq != 2 {
			t.Fatalf("second step: seq %d, %v; want 2, nil", second.Seq, err)
		}
		t.Run("Stale/ErrConflict", func(t *testing.T) {
			for _, seq := range []int{0, 1, 5} {
				ev := casus.RouteEvent{StudentID: w.sanne.ID, Seq: seq, From: casus.StepCareContact, To: casus.StepZAT,
					DecidedOn: date(2026, 11, 2), ByID: w.coordinator.ID}
				err := record(&ev)
				wantCode(t, err, casus.ECONFLICT)
				if err != storage.ErrRouteConflict {
					t.Errorf("seq %d: %v, want ErrRouteConflict", seq, err)
				}
			}
			evs := viewValue(t, c.db, func(ctx context.Context, tx *storage.Tx) ([]casus.RouteEvent, error) {
				return tx.RouteEvents(ctx, w.sanne.ID)
			})
			if len(evs) != 2 || evs[1].To != casus.StepIntern {
				t.Errorf("route after the conflicts = %+v, want the two steps only", evs)
			}
		})
		t.Run("PerStudent", func(t *testing.T) {
			ev := casus.RouteEvent{StudentID: w.bram.ID, Seq: 0, From: casus.StepBasic, To: casus.StepTeamMeeting,
				DecidedOn: date(2026, 11, 2), ByID: w.mentor.ID}
			if err := record(&ev); err != nil || ev.Seq != 1 {
				t.Errorf("Bram's first step: seq %d, %v; want 1, nil", ev.Seq, err)
			}
		})
	})

	contracts.add("RouteEvents", func(t *testing.T, c *contract) {
		w := c.w
		events := func(studentID string) []casus.RouteEvent {
			return viewValue(t, c.db, func(ctx context.Context, tx *storage.Tx) ([]casus.RouteEvent, error) {
				return tx.RouteEvents(ctx, studentID)
			})
		}
		if evs := events(w.sanne.ID); len(evs) != 0 {
			t.Errorf("RouteEvents of a student without a route = %+v", evs)
		}
		steps := []casus.RouteEvent{
			{StudentID: w.sanne.ID, From: casus.StepBasic, To: casus.StepCareContact, DecidedOn: date(2026, 10, 1), ByID: w.mentor.ID, Reason: "Zorgen."},
			{StudentID: w.sanne.ID, Seq: 1, From: casus.StepCareContact, To: casus.StepIntern, DecidedOn: date(2026, 10, 20), ByID: w.careContact.ID},
		}
		for i := range steps {
			update(t, c.db, func(ctx context.Context, tx *storage.Tx) error { return tx.RecordRouteStep(ctx, &steps[i]) })
			c.clock.Add(time.Hour)
		}
		evs := events(w.sanne.ID)
		if len(evs) != 2 {
			t.Fatalf("RouteEvents = %+v, want 2", evs)
		}
		for i, want := range steps {
			want.ByName = []string{w.mentor.Name, w.careContact.Name}[i]
			if evs[i] != want {
				t.Errorf("event %d = %+v, want %+v", i, evs[i], want)
			}
		}
		if evs[1].RecordedAt.Location() != time.UTC || !evs[1].RecordedAt.Equal(contractEpoch.Add(time.Hour)) {
			t.Errorf("RecordedAt = %v, want the clock's time in UTC", evs[1].RecordedAt)
		}
		if other := events(w.bram.ID); len(other) != 0 {
			t.Errorf("Bram's route = %+v, want none", other)
		}
	})
}
