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
	discussion := func(t *testing.T, c *contract, itemID string) (casus.Discussion, bool) {
		t.Helper()
		return viewValue2(t, c.db, func(ctx context.Context, tx *storage.Tx) (casus.Discussion, bool, error) {
			return tx.Discussion(ctx, itemID)
		})
	}
	save := func(c *contract, d *casus.Discussion, base int) error {
		return c.db.Update(context.Background(), func(tx *storage.Tx) error { return tx.SaveDiscussion(context.Background(), d, base) })
	}
	finalise := func(t *testing.T, c *contract, meetingID string) bool {
		t.Helper()
		return updateValue(t, c.db, func(ctx context.Context, tx *storage.Tx) (bool, error) { return tx.FinaliseMinutes(ctx, meetingID) })
	}
	// nextItemB puts a case on the agenda of the team's meeting after m.
	nextItemB := func(t *testing.T, c *contract, m casus.Meeting, caseID string) (casus.Meeting, casus.AgendaItem) {
		t.Helper()
		next := updateValue(t, c.db, func(ctx context.Context, tx *storage.Tx) (casus.Meeting, error) {
			return tx.NextMeeting(ctx, m.TeamID, m.StartsAt)
		})
		it := casus.AgendaItem{MeetingID: next.ID, CaseID: caseID, Kind: casus.AgendaChair, AddedBy: c.w.coordinator.ID}
		update(t, c.db, func(ctx context.Context, tx *storage.Tx) error { return tx.AddAgendaItem(ctx, &it) })
		return next, it
	}
	recordB := func(t *testing.T, c *contract, m casus.Meeting, it casus.AgendaItem, studentID, question string) casus.Discussion {
		t.Helper()
		d := casus.Discussion{ItemID: it.ID, MeetingID: m.ID, CaseID: it.CaseID, StudentID: studentID, SavedBy: c.w.specialist.ID,
			Record: casus.DiscussionRecord{Question: question}}
		must(t, save(c, &d, 0))
		return d
	}

	contracts.add("Discussion", func(t *testing.T, c *contract) {
		w := c.w
		m, it, d := discussedB(t, c)
		got, ok := viewValue2(t, c.db, func(ctx context.Context, tx *storage.Tx) (casus.Discussion, bool, error) {
			return tx.Discussion(ctx, it.ID)
		})
		if !ok {
			t.Fatal("Discussion of a recorded item: ok is false")
		}
		if got.ID != d.ID || got.ItemID != it.ID || got.MeetingID != m.ID || got.CaseID != w.sanneCase.ID ||
			got.StudentID != w.sanne.ID || got.Version != 1 || got.SavedBy != w.coordinator.ID ||
			got.SavedByName != "Carla Coördinator" || !got.SavedAt.Equal(contractEpoch) || got.Finalised() {
			t.Errorf("Discussion = %+v", got)
		}
		if got.Record.Question != d.Record.Question || len(got.Record.Goals) != 1 || got.Record.Goals[0] != d.Record.Goals[0] ||
			!slices.Equal(got.Record.Attendees, d.Record.Attendees) || got.Record.MinutesSpent != 25 {
			t.Errorf("Discussion record = %+v, want %+v", got.Record, d.Record)
		}
		if _, ok := discussion(t, c, casus.NewID()); ok {
			t.Error("Discussion of an item without a record: ok is true")
		}
	})

	contracts.add("MeetingDiscussions", func(t *testing.T, c *contract) {
		w := c.w
		m, it, d := discussedB(t, c)
		bramItem := casus.AgendaItem{MeetingID: m.ID, CaseID: w.bramCase.ID, Kind: casus.AgendaChair, AddedBy: w.coordinator.ID}
		update(t, c.db, func(ctx context.Context, tx *storage.Tx) error { return tx.AddAgendaItem(ctx, &bramItem) })
		bram := recordB(t, c, m, bramItem, w.bram.ID, "Hoe gaat het met Bram?")
		next, nextItem := nextItemB(t, c, m, w.sanneCase.ID)
		recordB(t, c, next, nextItem, w.sanne.ID, "Later")

		got := viewValue(t, c.db, func(ctx context.Context, tx *storage.Tx) (map[string]casus.Discussion, error) {
			return tx.MeetingDiscussions(ctx, m.ID)
		})
		if len(got) != 2 || got[it.ID].ID != d.ID || got[bramItem.ID].ID != bram.ID || got[bramItem.ID].Record.Question != "Hoe gaat het met Bram?" ||
			got[it.ID].SavedByName != "Carla Coördinator" {
			t.Errorf("MeetingDiscussions = %+v, want Sanne's and Bram's records by item id", got)
		}
		other := meetingB(t, c, w.intern.ID)
		none := viewValue(t, c.db, func(ctx context.Context, tx *storage.Tx) (map[string]casus.Discussion, error) {
			return tx.MeetingDiscussions(ctx, other.ID)
		})
		if len(none) != 0 {
			t.Errorf("MeetingDiscussions of a meeting without records = %+v", none)
		}
	})

	contracts.add("PreviousDiscussion", func(t *testing.T, c *contract) {
		w := c.w
		m, _, d := discussedB(t, c)
		previous := func(caseID string, at time.Time) (casus.Discussion, bool) {
			t.Helper()
			return viewValue2(t, c.db, func(ctx context.Context, tx *storage.Tx) (casus.Discussion, bool, error) {
				return tx.PreviousDiscussion(ctx, caseID, at)
			})
		}
		if _, ok := previous(w.sanneCase.ID, m.StartsAt.Add(time.Hour)); ok {
			t.Error("a discussion whose minutes are not final is a previous discussion")
		}
		finalise(t, c, m.ID)
		if p, ok := previous(w.sanneCase.ID, m.StartsAt.Add(time.Hour)); !ok || p.ID != d.ID || !p.Finalised() {
			t.Errorf("PreviousDiscussion after the meeting = %+v, %v; want the finalised record", p, ok)
		}
		if _, ok := previous(w.sanneCase.ID, m.StartsAt); ok {
			t.Error("a discussion at a meeting starting at t is previous to t")
		}
		if _, ok := previous(w.bramCase.ID, m.StartsAt.Add(time.Hour)); ok {
			t.Error("PreviousDiscussion of another case found Sanne's")
		}
		// A later finalised meeting's record is the previous one after it.
		next, it := nextItemB(t, c, m, w.sanneCase.ID)
		later := recordB(t, c, next, it, w.sanne.ID, "Evaluatie")
		finalise(t, c, next.ID)
		if p, ok := previous(w.sanneCase.ID, next.StartsAt.Add(time.Hour)); !ok || p.ID != later.ID {
			t.Errorf("PreviousDiscussion after two meetings = %+v, %v; want the later one", p, ok)
		}
		if p, ok := previous(w.sanneCase.ID, next.StartsAt); !ok || p.ID != d.ID {
			t.Errorf("PreviousDiscussion at the second meeting = %+v, %v; want the first", p, ok)
		}
	})

	contracts.add("SaveDiscussion", func(t *testing.T, c *contract) {
		w := c.w
		m, it, d := discussedB(t, c)
		attendees := func() int {
			t.Helper()
			return countB(t, c, `SELECT COUNT(*) FROM discussion_attendees WHERE discussion_id = $1`, d.ID)
		}
		t.Run("New", func(t *testing.T) {
			if d.ID == "" || d.Version != 1 || !d.SavedAt.Equal(contractEpoch) || d.Record.Goals[0].ID == "" {
				t.Errorf("first save: %+v, want an id, version 1, the clock's time and a goal id", d)
			}
			if n := attendees(); n != 2 {
				t.Errorf("%d attendees stored, want 2", n)
			}
		})
		t.Run("NextVersion", func(t *testing.T) {
			c.clock.Add(time.Hour)
			goalID := d.Record.Goals[0].ID
			d.Record.Balance, d.Record.Attendees = "Draaglast groter dan draagkracht", []string{w.coordinator.ID}
			update(t, c.db, func(ctx context.Context, tx *storage.Tx) error { return tx.SaveDiscussion(ctx, &d, 1) })
			got, _ := discussion(t, c, it.ID)
			if d.Version != 2 || got.Version != 2 || got.Record.Balance != d.Record.Balance || !got.SavedAt.Equal(contractEpoch.Add(time.Hour)) ||
				got.Record.Goals[0].ID != goalID {
				t.Errorf("second save stored %+v", got)
			}
			if n := attendees(); n != 1 {
				t.Errorf("%d attendees after the second save, want its 1", n)
			}
		})
		t.Run("StaleVersion/Conflict", func(t *testing.T) {
			stale := d
			stale.Record.Question = "Overschreven?"
			err := save(c, &stale, 1)
			wantCode(t, err, casus.ECONFLICT)
			if !errors.Is(err, storage.ErrDiscussionStale) {
				t.Errorf("stale save = %v, want ErrDiscussionStale", err)
			}
			if got, _ := discussion(t, c, it.ID); got.Version != 2 || got.Record.Question != d.Record.Question {
				t.Errorf("a stale save changed the record: %+v", got)
			}
		})
		t.Run("SecondNewRecord/Conflict", func(t *testing.T) {
			again := casus.Discussion{ItemID: it.ID, MeetingID: m.ID, CaseID: w.sanneCase.ID, StudentID: w.sanne.ID, SavedBy: w.nurse.ID}
			wantCode(t, save(c, &again, 0), casus.ECONFLICT)
			if got, _ := discussion(t, c, it.ID); got.ID != d.ID || got.Version != 2 {
				t.Errorf("record after a second new record: %+v", got)
			}
		})
		t.Run("GoalNotMeasurable/Invalid", func(t *testing.T) {
			bad := d
			bad.Record.Goals = []casus.Goal{{Description: "Beter slapen", DueOn: date(2027, 1, 1)}}
			wantCode(t, save(c, &bad, 2), casus.EINVALID)
			bad.Record.Goals = []casus.Goal{{Description: "Beter slapen", Criterion: "Slaapdagboek"}}
			wantCode(t, save(c, &bad, 2), casus.EINVALID)
			if got, _ := discussion(t, c, it.ID); got.Version != 2 || len(got.Record.Goals) != 1 || got.Record.Goals[0].Description != "Verzuim omlaag" {
				t.Errorf("a refused save changed the record: %+v", got)
			}
		})
		t.Run("UnknownMeeting/NotFound", func(t *testing.T) {
			lost := casus.Discussion{ItemID: casus.NewID(), MeetingID: casus.NewID(), CaseID: w.sanneCase.ID, StudentID: w.sanne.ID, SavedBy: w.nurse.ID}
			wantCode(t, save(c, &lost, 0), casus.ENOTFOUND)
		})
		t.Run("FinalMinutes/Conflict", func(t *testing.T) {
			finalise(t, c, m.ID)
			d.Record.Evaluation = "Na de notulen"
			err := save(c, &d, 2)
			wantCode(t, err, casus.ECONFLICT)
			if !errors.Is(err, storage.ErrMinutesFinal) {
				t.Errorf("save after final minutes = %v, want ErrMinutesFinal", err)
			}
			if got, _ := discussion(t, c, it.ID); got.Version != 2 || got.Record.Evaluation != "" {
				t.Errorf("a save after final minutes changed the record: %+v", got)
			}
		})
	})

	contracts.add("DiscussionVersion", func(t *testing.T, c *contract) {
		_, _, d := discussedB(t, c)
		first := d.Record
		d.Record.Question = "Wat heeft Sanne nodig?"
		must(t, save(c, &d, 1))
		version := func(id string, v int) (casus.DiscussionRecord, error) {
			var r casus.DiscussionRecord
			err := c.db.View(t.Context(), func(tx *storage.Tx) (err error) { r, err = tx.DiscussionVersion(t.Context(), id, v); return err })
			return r, err
		}
		v1, err1 := version(d.ID, 1)
		v2, err2 := version(d.ID, 2)
		if err1 != nil || err2 != nil {
			t.Fatalf("DiscussionVersion: %v, %v", err1, err2)
		}
		if v1.Question != first.Question || v2.Question != "Wat heeft Sanne nodig?" || len(v1.Goals) != 1 || v1.Goals[0] != first.Goals[0] {
			t.Errorf("versions 1 and 2 = %+v / %+v", v1, v2)
		}
		if changed := casus.ChangedFields(v1, v2); !slices.Equal(changed, []string{"question"}) {
			t.Errorf("changed fields = %v, want [question]", changed)
		}
		for _, tc := range []struct {
			id string
			v  int
		}{{d.ID, 3}, {d.ID, 0}, {casus.NewID(), 1}, {"not-an-id", 1}} {
			_, err := version(tc.id, tc.v)
			wantCode(t, err, casus.ENOTFOUND)
		}
	})

	contracts.add("FinaliseMinutes", func(t *testing.T, c *contract) {
		w := c.w
		m, it, _ := discussedB(t, c)
		next, nextItem := nextItemB(t, c, m, w.sanneCase.ID)
		recordB(t, c, next, nextItem, w.sanne.ID, "Volgende keer")
		at := m.StartsAt.Add(3 * time.Hour)
		c.clock.Set(at)
		if !updateValue(t, c.db, func(ctx context.Context, tx *storage.Tx) (bool, error) { return tx.FinaliseMinutes(ctx, m.ID) }) {
			t.Fatal("first FinaliseMinutes reported false")
		}
		got, _ := discussion(t, c, it.ID)
		final := viewValue(t, c.db, func(ctx context.Context, tx *storage.Tx) (time.Time, error) { return tx.MinutesFinal(ctx, m.ID) })
		if !got.FinalisedAt.Equal(at) || !final.Equal(at) {
			t.Errorf("finalised at %v, minutes final at %v; want %v", got.FinalisedAt, final, at)
		}
		if other, _ := discussion(t, c, nextItem.ID); other.Finalised() {
			t.Error("finalising one meeting finalised another meeting's record")
		}
		t.Run("Again/Idempotent", func(t *testing.T) {
			c.clock.Add(time.Hour)
			if finalise(t, c, m.ID) {
				t.Error("a second FinaliseMinutes reported true")
			}
			final := viewValue(t, c.db, func(ctx context.Context, tx *storage.Tx) (time.Time, error) { return tx.MinutesFinal(ctx, m.ID) })
			if got, _ := discussion(t, c, it.ID); !final.Equal(at) || !got.FinalisedAt.Equal(at) {
				t.Errorf("a second FinaliseMinutes moved the time to %v / %v, want %v", final, got.FinalisedAt, at)
			}
		})
	})

	contracts.add("MinutesFinal", func(t *testing.T, c *contract) {
		m := meetingB(t, c, c.w.zat.ID)
		final := func(id string) (time.Time, error) {
			var at time.Time
			err := c.db.View(t.Context(), func(tx *storage.Tx) (err error) { at, err = tx.MinutesFinal(t.Context(), id); return err })
			return at, err
		}
		if at, err := final(m.ID); err != nil || !at.IsZero() {
			t.Errorf("MinutesFinal of an open meeting = %v, %v; want zero", at, err)
		}
		c.clock.Add(90 * time.Minute)
		finalise(t, c, m.ID)
		if at, err := final(m.ID); err != nil || !at.Equal(contractEpoch.Add(90*time.Minute)) || at.Location() != time.UTC {
			t.Errorf("MinutesFinal = %v, %v; want %v", at, err, contractEpoch.Add(90*time.Minute))
		}
		for _, id := range []string{casus.NewID(), "not-an-id"} {
			_, err := final(id)
			wantCode(t, err, casus.ENOTFOUND)
		}
	})

	contracts.add("DueFollowUps", func(t *testing.T, c *contract) {
		w := c.w
		m, _, d := discussedB(t, c)
		d.Record.EvaluateOn = date(2026, 11, 25)
		must(t, save(c, &d, 1))
		due := func(at time.Time) (storage.DueFollowUp, bool) {
			t.Helper()
			fs := viewValue(t, c.db, func(ctx context.Context, tx *storage.Tx) ([]storage.DueFollowUp, error) {
				return tx.DueFollowUps(ctx, at)
			})
			for _, f := range fs {
				if f.Discussion.ID == d.ID {
					return f, true
				}
			}
			return storage.DueFollowUp{}, false
		}
		if _, ok := due(date(2027, 1, 1)); ok {
			t.Error("a record whose minutes are not final is due")
		}
		finalise(t, c, m.ID)
		if _, ok := due(date(2026, 11, 24).Add(23 * time.Hour)); ok {
			t.Error("a follow-up is due before its evaluation day")
		}
		f, ok := due(date(2026, 11, 25))
		if !ok || f.TeamID != w.zat.ID || f.Discussion.CaseID != w.sanneCase.ID || !f.Discussion.Record.EvaluateOn.Equal(date(2026, 11, 25)) ||
			!f.Discussion.Finalised() {
			t.Errorf("DueFollowUps on the evaluation day = %+v, %v; want the ZAT's record", f, ok)
		}
		// On a planned meeting's agenda as a follow-up, it is no longer due;
		// when that meeting is cancelled it is due again.
		next := updateValue(t, c.db, func(ctx context.Context, tx *storage.Tx) (casus.Meeting, error) {
			return tx.NextMeeting(ctx, w.zat.ID, m.StartsAt)
		})
		update(t, c.db, func(ctx context.Context, tx *storage.Tx) error {
			return tx.AddAgendaItem(ctx, &casus.AgendaItem{MeetingID: next.ID, CaseID: w.sanneCase.ID, Kind: casus.AgendaFollowUp,
				SourceID: d.ID})
		})
		if _, ok := due(date(2026, 12, 1)); ok {
			t.Error("a follow-up on a planned agenda is still due")
		}
		update(t, c.db, func(ctx context.Context, tx *storage.Tx) error { return tx.CancelMeeting(ctx, next.ID) })
		if _, ok := due(date(2026, 12, 1)); !ok {
			t.Error("a follow-up on a cancelled meeting's agenda is not due")
		}
		// A closed case has no follow-ups.
		update(t, c.db, func(ctx context.Context, tx *storage.Tx) error {
			return tx.CloseCase(ctx, w.sanneCase.ID, casus.CloseSolved, "", w.coordinator.ID)
		})
		if _, ok := due(date(2026, 12, 1)); ok {
			t.Error("a follow-up of a closed case is due")
		}
	})
}
