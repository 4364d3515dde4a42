package storage_test

import (
	"context"
	"maps"
	"slices"
	"testing"
	"time"

	"casus"
	"casus/storage"
)

func init() {
	contracts.add("SetRecurrence", func(t *testing.T, c *contract) {
		w := c.w
		setRhythmC(t, c, w.intern.ID)
		upcoming := func() []casus.Meeting {
			return viewValue(t, c.db, func(ctx context.Context, tx *storage.Tx) ([]casus.Meeting, error) {
				return tx.UpcomingMeetings(ctx, w.intern.ID, c.clock.Now(), 10)
			})
		}
		ms := upcoming()
		want := []time.Time{amsterdam(2026, 11, 10, 14, 0), amsterdam(2026, 11, 24, 14, 0), amsterdam(2026, 12, 8, 14, 0),
			amsterdam(2026, 12, 22, 14, 0)}
		if len(ms) != storage.MeetingsAhead || len(ms) != len(want) {
			t.Fatalf("stored meetings after SetRecurrence = %+v, want %d", ms, storage.MeetingsAhead)
		}
		for i, m := range ms {
			if !m.StartsAt.Equal(want[i]) || m.Location != "Lokaal B1.12" || m.Duration != 90*time.Minute ||
				m.Status != casus.MeetingPlanned || m.TeamID != w.intern.ID {
				t.Errorf("meeting %d = %+v, want %v in B1.12 for 90 minutes", i, m, want[i])
			}
		}

		t.Run("NewRhythmKeepsMeetingsWithItems", func(t *testing.T) {
			empty, withItem := ms[0], ms[1]
			addItemC(t, c, withItem.ID, w.sanneCase.ID)
			weekly := casus.Recurrence{First: amsterdam(2026, 11, 4, 10, 0), EveryWeeks: 1, Duration: time.Hour}
			update(t, c.db, func(ctx context.Context, tx *storage.Tx) error {
				return tx.SetRecurrence(ctx, w.intern.ID, weekly, "")
			})
			// Off the new rhythm and empty: cancelled, its id and link kept.
			if m := viewValue(t, c.db, func(ctx context.Context, tx *storage.Tx) (casus.Meeting, error) { return tx.Meeting(ctx, empty.ID) }); m.Status != casus.MeetingCancelled {
				t.Errorf("empty meeting off the new rhythm = %+v, want it cancelled", m)
			}
			kept := viewValue(t, c.db, func(ctx context.Context, tx *storage.Tx) (casus.Meeting, error) { return tx.Meeting(ctx, withItem.ID) })
			if kept.Status != casus.MeetingPlanned || !kept.StartsAt.Equal(withItem.StartsAt) {
				t.Errorf("meeting with an agenda item after the new rhythm = %+v, want it kept", kept)
			}
			r, loc, ok := recurrenceC(t, c, w.intern.ID)
			if !ok || r.EveryWeeks != 1 || !r.First.Equal(weekly.First) || r.Duration != time.Hour || loc != "" {
				t.Errorf("Recurrence after the change = %+v %q %v", r, loc, ok)
			}
			now := upcoming()
			if len(now) < storage.MeetingsAhead || !now[0].StartsAt.Equal(amsterdam(2026, 11, 4, 10, 0)) || now[0].Duration != time.Hour {
				t.Errorf("upcoming after the new rhythm = %+v, want Wednesday 4 November 10:00 first", now)
			}
			if !slices.ContainsFunc(now, func(m casus.Meeting) bool { return m.ID == withItem.ID }) {
				t.Errorf("upcoming after the new rhythm lacks the kept meeting %s: %+v", withItem.ID, now)
			}
		})

		t.Run("Invalid/ErrInvalid", func(t *testing.T) {
			err := updateErrC(t, c, func(ctx context.Context, tx *storage.Tx) error {
				return tx.SetRecurrence(ctx, w.zat.ID, casus.Recurrence{First: c.clock.Now(), Duration: time.Hour}, "")
			})
			wantCode(t, err, casus.EINVALID)
			if _, _, ok := recurrenceC(t, c, w.zat.ID); ok {
				t.Error("an invalid rhythm was stored")
			}
		})
	})

	contracts.add("Recurrence", func(t *testing.T, c *contract) {
		w := c.w
		if r, loc, ok := recurrenceC(t, c, w.zat.ID); ok || loc != "" || r.EveryWeeks != 0 {
			t.Errorf("Recurrence of a team without a rhythm = %+v %q %v, want ok false", r, loc, ok)
		}
		setRhythmC(t, c, w.zat.ID)
		var r casus.Recurrence
		var loc string
		var ok bool
		view(t, c.db, func(ctx context.Context, tx *storage.Tx) (err error) {
			r, loc, ok, err = tx.Recurrence(ctx, w.zat.ID)
			return err
		})
		if !ok || loc != "Lokaal B1.12" || r.EveryWeeks != 2 || r.MonthWeek != 0 || r.Duration != 90*time.Minute ||
			!r.First.Equal(fortnightC.First) || r.First.Location() != time.UTC {
			t.Errorf("Recurrence = %+v %q %v, want the fortnight in B1.12 (First in UTC)", r, loc, ok)
		}
		if _, _, ok := recurrenceC(t, c, w.intern.ID); ok {
			t.Error("the rhythm of the ZAT shows at the intern team")
		}
	})

	contracts.add("NextMeeting", func(t *testing.T, c *contract) {
		w := c.w
		t.Run("NoRhythm/ErrNotFound", func(t *testing.T) {
			err := updateErrC(t, c, func(ctx context.Context, tx *storage.Tx) error {
				_, err := tx.NextMeeting(ctx, w.zat.ID, c.clock.Now())
				return err
			})
			wantCode(t, err, casus.ENOTFOUND)
		})
		setRhythmC(t, c, w.intern.ID)
		m := nextMeetingC(t, c, w.intern.ID, c.clock.Now())
		if !m.StartsAt.Equal(amsterdam(2026, 11, 10, 14, 0)) || m.Location != "Lokaal B1.12" || m.Duration != 90*time.Minute ||
			m.TeamID != w.intern.ID || m.Status != casus.MeetingPlanned || m.ID == "" {
			t.Fatalf("NextMeeting = %+v, want Tuesday 10 November 14:00", m)
		}
		if again := nextMeetingC(t, c, w.intern.ID, c.clock.Now()); again.ID != m.ID {
			t.Errorf("asking twice gave two meetings: %s, %s", m.ID, again.ID)
		}
		// Beyond the meetings planned ahead the slot is stored on the way.
		far := nextMeetingC(t, c, w.intern.ID, amsterdam(2027, 3, 1, 0, 0))
		if !far.StartsAt.Equal(amsterdam(2027, 3, 2, 14, 0)) {
			t.Errorf("NextMeeting in March = %v, want Tuesday 2 March 14:00", far.StartsAt.In(casus.Amsterdam))
		}
		if got := viewValue(t, c.db, func(ctx context.Context, tx *storage.Tx) (casus.Meeting, error) { return tx.Meeting(ctx, far.ID) }); got.ID != far.ID {
			t.Errorf("the slot NextMeeting returned is not stored: %+v", got)
		}
		if next := nextMeetingC(t, c, w.intern.ID, m.StartsAt); !next.StartsAt.Equal(amsterdam(2026, 11, 24, 14, 0)) {
			t.Errorf("NextMeeting after 10 November = %v, want 24 November", next.StartsAt.In(casus.Amsterdam))
		}
		t.Run("SkipsCancelledAndFollowsMoved", func(t *testing.T) {
			update(t, c.db, func(ctx context.Context, tx *storage.Tx) error { return tx.CancelMeeting(ctx, m.ID) })
			nov24 := nextMeetingC(t, c, w.intern.ID, c.clock.Now())
			if !nov24.StartsAt.Equal(amsterdam(2026, 11, 24, 14, 0)) {
				t.Fatalf("NextMeeting after cancelling 10 November = %v, want 24 November", nov24.StartsAt.In(casus.Amsterdam))
			}
			moved := amsterdam(2026, 11, 26, 9, 0)
			update(t, c.db, func(ctx context.Context, tx *storage.Tx) error { return tx.MoveMeeting(ctx, nov24.ID, moved) })
			if got := nextMeetingC(t, c, w.intern.ID, c.clock.Now()); got.ID != nov24.ID || !got.StartsAt.Equal(moved) {
				t.Errorf("NextMeeting after moving = %+v, want %s at 26 November 9:00", got, nov24.ID)
			}
			if got := nextMeetingC(t, c, w.intern.ID, moved); !got.StartsAt.Equal(amsterdam(2026, 12, 8, 14, 0)) {
				t.Errorf("NextMeeting after the moved one = %v, want 8 December (the moved slot is not made again)",
					got.StartsAt.In(casus.Amsterdam))
			}
		})
	})

	contracts.add("Meeting", func(t *testing.T, c *contract) {
		w := c.w
		setRhythmC(t, c, w.zat.ID)
		m := nextMeetingC(t, c, w.zat.ID, c.clock.Now())
		got := viewValue(t, c.db, func(ctx context.Context, tx *storage.Tx) (casus.Meeting, error) { return tx.Meeting(ctx, m.ID) })
		if got != m || got.TeamID != w.zat.ID || got.StartsAt.Location() != time.UTC {
			t.Errorf("Meeting = %+v, want %+v in UTC", got, m)
		}
		for _, id := range []string{casus.NewID(), "not-an-id"} {
			err := viewErrC(t, c, func(ctx context.Context, tx *storage.Tx) error { _, err := tx.Meeting(ctx, id); return err })
			wantCode(t, err, casus.ENOTFOUND)
		}
	})

	contracts.add("CancelMeeting", func(t *testing.T, c *contract) {
		w := c.w
		setRhythmC(t, c, w.zat.ID)
		m := nextMeetingC(t, c, w.zat.ID, c.clock.Now())
		it := addItemC(t, c, m.ID, w.sanneCase.ID)
		update(t, c.db, func(ctx context.Context, tx *storage.Tx) error { return tx.CancelMeeting(ctx, m.ID) })
		got := viewValue(t, c.db, func(ctx context.Context, tx *storage.Tx) (casus.Meeting, error) { return tx.Meeting(ctx, m.ID) })
		if got.Status != casus.MeetingCancelled || !got.StartsAt.Equal(m.StartsAt) {
			t.Errorf("cancelled meeting = %+v", got)
		}
		if items := agendaC(t, c, m.ID); len(items) != 1 || items[0].ID != it.ID {
			t.Errorf("agenda of the cancelled meeting = %+v, want it kept", items)
		}
		up := viewValue(t, c.db, func(ctx context.Context, tx *storage.Tx) ([]casus.Meeting, error) {
			return tx.UpcomingMeetings(ctx, w.zat.ID, c.clock.Now(), 10)
		})
		if slices.ContainsFunc(up, func(u casus.Meeting) bool { return u.ID == m.ID }) {
			t.Errorf("a cancelled meeting is upcoming: %+v", up)
		}
		t.Run("Again/ErrNotFound", func(t *testing.T) {
			err := updateErrC(t, c, func(ctx context.Context, tx *storage.Tx) error { return tx.CancelMeeting(ctx, m.ID) })
			wantCode(t, err, casus.ENOTFOUND)
		})
		t.Run("Unknown/ErrNotFound", func(t *testing.T) {
			err := updateErrC(t, c, func(ctx context.Context, tx *storage.Tx) error { return tx.CancelMeeting(ctx, casus.NewID()) })
			wantCode(t, err, casus.ENOTFOUND)
		})
	})

	contracts.add("MoveMeeting", func(t *testing.T, c *contract) {
		w := c.w
		setRhythmC(t, c, w.zat.ID)
		m := nextMeetingC(t, c, w.zat.ID, c.clock.Now())
		to := time.Date(2026, 11, 12, 9, 30, 0, 123456789, casus.Amsterdam)
		update(t, c.db, func(ctx context.Context, tx *storage.Tx) error { return tx.MoveMeeting(ctx, m.ID, to) })
		got := viewValue(t, c.db, func(ctx context.Context, tx *storage.Tx) (casus.Meeting, error) { return tx.Meeting(ctx, m.ID) })
		if !got.StartsAt.Equal(to.Truncate(time.Microsecond)) || got.Status != casus.MeetingPlanned || got.Duration != m.Duration ||
			got.Location != m.Location {
			t.Errorf("moved meeting = %+v, want it at %v (to the µs), otherwise unchanged", got, to)
		}
		t.Run("Cancelled/ErrNotFound", func(t *testing.T) {
			update(t, c.db, func(ctx context.Context, tx *storage.Tx) error { return tx.CancelMeeting(ctx, m.ID) })
			err := updateErrC(t, c, func(ctx context.Context, tx *storage.Tx) error {
				return tx.MoveMeeting(ctx, m.ID, amsterdam(2026, 11, 13, 9, 0))
			})
			wantCode(t, err, casus.ENOTFOUND)
			if got := viewValue(t, c.db, func(ctx context.Context, tx *storage.Tx) (casus.Meeting, error) { return tx.Meeting(ctx, m.ID) }); !got.StartsAt.Equal(to.Truncate(time.Microsecond)) {
				t.Errorf("moving a cancelled meeting changed it: %+v", got)
			}
		})
		t.Run("Unknown/ErrNotFound", func(t *testing.T) {
			err := updateErrC(t, c, func(ctx context.Context, tx *storage.Tx) error { return tx.MoveMeeting(ctx, casus.NewID(), to) })
			wantCode(t, err, casus.ENOTFOUND)
		})
	})

	contracts.add("AddAgendaItem", func(t *testing.T, c *contract) {
		w := c.w
		setRhythmC(t, c, w.zat.ID)
		m := nextMeetingC(t, c, w.zat.ID, c.clock.Now())
		first := casus.AgendaItem{MeetingID: m.ID, CaseID: w.sanneCase.ID, Kind: casus.AgendaChair, SourceID: w.sanneCase.ID,
			AddedBy: w.coordinator.ID}
		update(t, c.db, func(ctx context.Context, tx *storage.Tx) error { return tx.AddAgendaItem(ctx, &first) })
		if first.ID == "" || first.Position != 1 || !first.AddedAt.Equal(contractEpoch) {
			t.Errorf("added item = %+v, want an id, position 1 and the clock's time", first)
		}
		c.clock.Add(time.Minute)
		second := casus.AgendaItem{MeetingID: m.ID, CaseID: w.bramCase.ID, Kind: casus.AgendaChair, SourceID: w.bramCase.ID, Late: true}
		update(t, c.db, func(ctx context.Context, tx *storage.Tx) error { return tx.AddAgendaItem(ctx, &second) })
		if second.Position != 2 {
			t.Errorf("second item position = %d, want 2 (the end of the agenda)", second.Position)
		}
		items := agendaC(t, c, m.ID)
		if len(items) != 2 || items[0].ID != first.ID || items[0].StudentID != w.sanne.ID || items[0].AddedBy != w.coordinator.ID ||
			items[0].SourceID != w.sanneCase.ID || items[0].Late || items[1].ID != second.ID || !items[1].Late || items[1].AddedBy != "" {
			t.Errorf("agenda = %+v", items)
		}
		t.Run("SameSource/ErrConflict", func(t *testing.T) {
			dup := casus.AgendaItem{MeetingID: m.ID, CaseID: w.sanneCase.ID, Kind: casus.AgendaChair, SourceID: w.sanneCase.ID}
			err := updateErrC(t, c, func(ctx context.Context, tx *storage.Tx) error { return tx.AddAgendaItem(ctx, &dup) })
			wantCode(t, err, casus.ECONFLICT)
			if n := len(agendaC(t, c, m.ID)); n != 2 {
				t.Errorf("agenda has %d items after the duplicate, want 2", n)
			}
		})
		t.Run("SameSourceOtherMeeting", func(t *testing.T) {
			later := nextMeetingC(t, c, w.zat.ID, m.StartsAt)
			it := casus.AgendaItem{MeetingID: later.ID, CaseID: w.sanneCase.ID, Kind: casus.AgendaChair, SourceID: w.sanneCase.ID}
			update(t, c.db, func(ctx context.Context, tx *storage.Tx) error { return tx.AddAgendaItem(ctx, &it) })
			if it.Position != 1 {
				t.Errorf("first item of another meeting at position %d, want 1", it.Position)
			}
		})
	})

	contracts.add("Agenda", func(t *testing.T, c *contract) {
		w := c.w
		setRhythmC(t, c, w.zat.ID)
		m := nextMeetingC(t, c, w.zat.ID, c.clock.Now())
		if items := agendaC(t, c, m.ID); len(items) != 0 {
			t.Errorf("agenda of a new meeting = %+v, want none", items)
		}
		a := addItemC(t, c, m.ID, w.bramCase.ID)
		b := addItemC(t, c, m.ID, w.sanneCase.ID)
		items := viewValue(t, c.db, func(ctx context.Context, tx *storage.Tx) ([]casus.AgendaItem, error) { return tx.Agenda(ctx, m.ID) })
		if len(items) != 2 {
			t.Fatalf("agenda = %+v, want 2 items", items)
		}
		for i, want := range []struct {
			it      casus.AgendaItem
			student string
		}{{a, w.bram.ID}, {b, w.sanne.ID}} {
			got := items[i]
			if got.ID != want.it.ID || got.MeetingID != m.ID || got.CaseID != want.it.CaseID || got.StudentID != want.student ||
				got.Kind != casus.AgendaChair || got.SourceID != want.it.SourceID || got.Position != i+1 || got.Minutes != 15 ||
				got.AddedBy != w.coordinator.ID || !got.AddedAt.Equal(contractEpoch) {
				t.Errorf("item %d = %+v, want %+v of student %s with 15 minutes", i, got, want.it, want.student)
			}
		}
		if other := agendaC(t, c, casus.NewID()); len(other) != 0 {
			t.Errorf("agenda of an unknown meeting = %+v", other)
		}
	})

	contracts.add("MoveItemOn", func(t *testing.T, c *contract) {
		w := c.w
		setRhythmC(t, c, w.zat.ID)
		m := nextMeetingC(t, c, w.zat.ID, c.clock.Now())
		next := nextMeetingC(t, c, w.zat.ID, m.StartsAt)
		a := addItemC(t, c, m.ID, w.bramCase.ID)
		move := func(it casus.AgendaItem) (casus.AgendaItem, error) {
			var moved casus.AgendaItem
			err := updateErrC(t, c, func(ctx context.Context, tx *storage.Tx) error {
				var err error
				moved, err = tx.MoveItemOn(ctx, it, next, w.coordinator.ID)
				return err
			})
			return moved, err
		}
		a.Minutes = 30
		moved, err := move(a)
		if err != nil {
			t.Fatal(err)
		}
		items := agendaC(t, c, next.ID)
		if len(items) != 1 || items[0].ID != moved.ID || items[0].MovedFrom != a.ID || !items[0].MovedFromStart.Equal(m.StartsAt) ||
			items[0].CaseID != w.bramCase.ID || items[0].SourceID != a.SourceID || items[0].Minutes != 30 {
			t.Errorf("next agenda = %+v, want Bram's item moved from %s with 30 minutes", items, a.ID)
		}
		old := agendaC(t, c, m.ID)
		if len(old) != 1 || !old[0].Moved() || old[0].MovedTo != moved.ID || !old[0].MovedToStart.Equal(next.StartsAt) {
			t.Errorf("old agenda = %+v, want Bram's item marked as moved to %s", old, moved.ID)
		}
		t.Run("Again/ErrConflict", func(t *testing.T) {
			if _, err := move(a); casus.ErrorCode(err) != casus.ECONFLICT {
				t.Errorf("MoveItemOn twice = %v, want ECONFLICT", err)
			}
		})
		t.Run("SourceThereAlready/BecomesTheMovedItem", func(t *testing.T) {
			b := addItemC(t, c, m.ID, w.sanneCase.ID)
			there := casus.AgendaItem{MeetingID: next.ID, CaseID: b.CaseID, Kind: b.Kind, SourceID: b.SourceID}
			update(t, c.db, func(ctx context.Context, tx *storage.Tx) error { return tx.AddAgendaItem(ctx, &there) })
			got, err := move(b)
			if err != nil || got.ID != there.ID {
				t.Fatalf("MoveItemOn = %+v, %v; want the item already there (%s)", got, err, there.ID)
			}
			if items := agendaC(t, c, next.ID); len(items) != 2 || items[1].MovedFrom != b.ID {
				t.Errorf("next agenda = %+v, want Sanne's item once, moved from %s", items, b.ID)
			}
		})
	})

	contracts.add("ChairMeetingsAhead", func(t *testing.T, c *contract) {
		w := c.w
		setRhythmC(t, c, w.zat.ID)
		m1 := nextMeetingC(t, c, w.zat.ID, c.clock.Now())
		m2 := nextMeetingC(t, c, w.zat.ID, m1.StartsAt)
		ahead := func(userID, studentID string, n int) map[string][]casus.Meeting {
			return viewValue(t, c.db, func(ctx context.Context, tx *storage.Tx) (map[string][]casus.Meeting, error) {
				return tx.ChairMeetingsAhead(ctx, userID, studentID, c.clock.Now(), n)
			})
		}
		got := ahead(w.coordinator.ID, w.sanne.ID, 6)
		if ms := got[w.sanneCase.ID]; len(ms) < 2 || ms[0].ID != m1.ID || ms[1].ID != m2.ID || ms[0].TeamID != w.zat.ID {
			t.Errorf("ChairMeetingsAhead = %+v, want the ZAT's stored meetings, soonest first, for Sanne's open case", got)
		}
		if ms := ahead(w.coordinator.ID, w.sanne.ID, 1)[w.sanneCase.ID]; len(ms) != 1 || ms[0].ID != m1.ID {
			t.Errorf("with n = 1: %+v, want the first meeting only", ms)
		}
		if got := ahead(w.specialist.ID, w.sanne.ID, 6); len(got) != 0 {
			t.Errorf("a member who does not chair: %+v, want nothing", got)
		}
		if got := ahead(w.coordinator.ID, w.bram.ID, 6); len(got) != 0 {
			t.Errorf("Bram's case is closed: %+v, want nothing", got)
		}
	})

	contracts.add("Crisis", func(t *testing.T, c *contract) {
		w := c.w
		setRhythmC(t, c, w.intern.ID)
		cr := casus.Crisis{StudentID: w.sanne.ID, TeamID: w.intern.ID, Kind: casus.CrisisUrgent,
			OccurredAt: amsterdam(2026, 11, 1, 22, 15), Happened: "Sanne durfde niet naar huis", Called: "Veilig Thuis",
			Agreed: "Sanne slaapt bij haar tante", AgreedBy: "zorgcoördinator", RecordedBy: w.coordinator.ID}
		updateValue(t, c.db, func(ctx context.Context, tx *storage.Tx) (casus.Meeting, error) { return tx.RecordCrisis(ctx, &cr) })
		got := viewValue(t, c.db, func(ctx context.Context, tx *storage.Tx) (casus.Crisis, error) { return tx.Crisis(ctx, cr.ID) })
		if got.ID != cr.ID || got.Happened != cr.Happened || got.Called != cr.Called || got.Agreed != cr.Agreed ||
			got.AgreedBy != cr.AgreedBy || got.Kind != cr.Kind || got.CaseID != cr.CaseID || !got.OccurredAt.Equal(cr.OccurredAt) ||
			got.RecordedBy != cr.RecordedBy {
			t.Errorf("crisis read back = %+v, want %+v", got, cr)
		}
		err := c.db.View(context.Background(), func(tx *storage.Tx) error {
			_, err := tx.Crisis(context.Background(), w.sanne.ID)
			return err
		})
		if casus.ErrorCode(err) != casus.ENOTFOUND {
			t.Errorf("crisis of an unknown id: %v, want not found", err)
		}
	})

	contracts.add("RecordCrisis", func(t *testing.T, c *contract) {
		w := c.w
		setRhythmC(t, c, w.intern.ID)
		cr := casus.Crisis{StudentID: w.sanne.ID, TeamID: w.intern.ID, Kind: casus.CrisisUrgent,
			OccurredAt: amsterdam(2026, 11, 1, 22, 15), Happened: "Sanne durfde niet naar huis", Called: "Veilig Thuis",
			Agreed: "Sanne slaapt bij haar tante", AgreedBy: "zorgcoördinator", RecordedBy: w.coordinator.ID}
		m := updateValue(t, c.db, func(ctx context.Context, tx *storage.Tx) (casus.Meeting, error) { return tx.RecordCrisis(ctx, &cr) })
		if !m.StartsAt.Equal(amsterdam(2026, 11, 10, 14, 0)) || m.TeamID != w.intern.ID {
			t.Fatalf("crisis meeting = %+v, want the intern team's meeting of 10 November", m)
		}
		if cr.ID == "" || cr.CaseID == "" || !cr.RecordedAt.Equal(contractEpoch) {
			t.Errorf("crisis = %+v, want an id, a case and the clock's time", cr)
		}
		// Sanne's intern case is closed: the crisis opens a new one.
		if cr.CaseID == w.sanneInternCaseLater.ID {
			t.Errorf("crisis put on the closed intern case")
		}
		cases := viewValue(t, c.db, func(ctx context.Context, tx *storage.Tx) ([]casus.Case, error) { return tx.Cases(ctx, w.sanne.ID) })
		if i := slices.IndexFunc(cases, func(x casus.Case) bool { return x.ID == cr.CaseID }); i < 0 ||
			cases[i].Status != casus.CaseOpen || cases[i].TeamID != w.intern.ID {
			t.Errorf("cases = %+v, want an open intern case %s", cases, cr.CaseID)
		}
		items := agendaC(t, c, m.ID)
		if len(items) != 1 || items[0].Kind != casus.AgendaCrisis || items[0].SourceID != cr.ID || items[0].CaseID != cr.CaseID ||
			items[0].StudentID != w.sanne.ID || items[0].Late || items[0].AddedBy != w.coordinator.ID {
			t.Errorf("agenda = %+v, want Sanne's crisis, in time", items)
		}
		t.Run("AfterSendByIsLate", func(t *testing.T) {
			c.clock.Set(amsterdam(2026, 11, 3, 10, 0)) // the agenda of 10 November went out today
			cr := casus.Crisis{StudentID: w.bram.ID, TeamID: w.intern.ID, Kind: casus.CrisisDirectHelp, OccurredAt: c.clock.Now(),
				Called: "SMW", Agreed: "intake", AgreedBy: "taakdocent", RecordedBy: w.careContact.ID}
			got := updateValue(t, c.db, func(ctx context.Context, tx *storage.Tx) (casus.Meeting, error) { return tx.RecordCrisis(ctx, &cr) })
			items := agendaC(t, c, got.ID)
			if got.ID != m.ID || len(items) != 2 || items[1].SourceID != cr.ID || !items[1].Late || items[1].Position != 2 {
				t.Errorf("late crisis: meeting %s, agenda %+v; want a late second item on %s", got.ID, items, m.ID)
			}
		})
		t.Run("NoMeetingAhead", func(t *testing.T) {
			cr := casus.Crisis{StudentID: w.bram.ID, TeamID: w.zat.ID, Kind: casus.CrisisUrgent, OccurredAt: c.clock.Now(),
				Called: "politie", Agreed: "melding", AgreedBy: "coördinator", RecordedBy: w.coordinator.ID}
			got := updateValue(t, c.db, func(ctx context.Context, tx *storage.Tx) (casus.Meeting, error) { return tx.RecordCrisis(ctx, &cr) })
			if got != (casus.Meeting{}) {
				t.Errorf("crisis at a team without meetings gave %+v, want a zero meeting", got)
			}
			if n := countC(t, c, `SELECT COUNT(*) FROM crises WHERE id = $1 AND case_id = $2`, cr.ID, cr.CaseID); n != 1 || cr.CaseID == w.bramCase.ID {
				t.Errorf("crisis without a meeting: %d stored on case %s, want it stored on a new open case", n, cr.CaseID)
			}
		})
	})

	contracts.add("PutOnNextAgenda", func(t *testing.T, c *contract) {
		w := c.w
		setRhythmC(t, c, w.zat.ID)
		put := func(caseID string) casus.Meeting {
			return updateValue(t, c.db, func(ctx context.Context, tx *storage.Tx) (casus.Meeting, error) {
				return tx.PutOnNextAgenda(ctx, w.zat.ID, casus.AgendaItem{CaseID: caseID, Kind: casus.AgendaChair, SourceID: caseID,
					AddedBy: w.coordinator.ID})
			})
		}
		m := put(w.sanneCase.ID)
		if !m.StartsAt.Equal(amsterdam(2026, 11, 10, 14, 0)) {
			t.Fatalf("PutOnNextAgenda = %+v, want the meeting of 10 November", m)
		}
		c.clock.Set(amsterdam(2026, 11, 3, 10, 0)) // the send-by day of 10 November
		if again := put(w.bramCase.ID); again.ID != m.ID {
			t.Errorf("second item on meeting %s, want %s", again.ID, m.ID)
		}
		items := agendaC(t, c, m.ID)
		if len(items) != 2 || items[0].CaseID != w.sanneCase.ID || items[0].Late || items[0].MeetingID != m.ID ||
			items[1].CaseID != w.bramCase.ID || !items[1].Late || items[1].AddedBy != w.coordinator.ID {
			t.Errorf("agenda = %+v, want Sanne in time, then Bram late", items)
		}
		t.Run("SameSource/ErrConflict", func(t *testing.T) {
			err := updateErrC(t, c, func(ctx context.Context, tx *storage.Tx) error {
				_, err := tx.PutOnNextAgenda(ctx, w.zat.ID, casus.AgendaItem{CaseID: w.sanneCase.ID, Kind: casus.AgendaChair,
					SourceID: w.sanneCase.ID})
				return err
			})
			wantCode(t, err, casus.ECONFLICT)
		})
		t.Run("NoMeetingAhead", func(t *testing.T) {
			got := updateValue(t, c.db, func(ctx context.Context, tx *storage.Tx) (casus.Meeting, error) {
				return tx.PutOnNextAgenda(ctx, w.intern.ID, casus.AgendaItem{CaseID: w.sanneInternCaseLater.ID, Kind: casus.AgendaChair,
					SourceID: w.sanneInternCaseLater.ID})
			})
			if got != (casus.Meeting{}) {
				t.Errorf("PutOnNextAgenda at a team without meetings = %+v, want a zero meeting", got)
			}
			if n := countC(t, c, `SELECT COUNT(*) FROM agenda_items WHERE case_id = $1`, w.sanneInternCaseLater.ID); n != 0 {
				t.Errorf("%d items stored without a meeting, want none", n)
			}
		})
	})

	contracts.add("StudentAgenda", func(t *testing.T, c *contract) {
		w := c.w
		setRhythmC(t, c, w.zat.ID)
		m := nextMeetingC(t, c, w.zat.ID, c.clock.Now())
		later := nextMeetingC(t, c, w.zat.ID, m.StartsAt)
		addItemC(t, c, m.ID, w.bramCase.ID)
		second := addItemC(t, c, later.ID, w.sanneCase.ID)
		first := addItemC(t, c, m.ID, w.sanneCase.ID)
		agenda := func(after time.Time) []storage.ScheduledItem {
			return viewValue(t, c.db, func(ctx context.Context, tx *storage.Tx) ([]storage.ScheduledItem, error) {
				return tx.StudentAgenda(ctx, w.sanne.ID, after)
			})
		}
		got := agenda(c.clock.Now())
		if len(got) != 2 {
			t.Fatalf("StudentAgenda = %+v, want Sanne's two items", got)
		}
		s := got[0]
		if s.Item.ID != first.ID || s.Item.StudentID != w.sanne.ID || s.Item.MeetingID != m.ID || s.Item.Position != 2 ||
			s.Item.CaseID != w.sanneCase.ID || s.Item.Kind != casus.AgendaChair || s.Meeting.ID != m.ID ||
			!s.Meeting.StartsAt.Equal(m.StartsAt) || s.Meeting.Duration != 90*time.Minute || s.Meeting.Location != "Lokaal B1.12" ||
			s.TeamName != "ZAT Testrijn" || s.TeamKind != casus.TeamZAT {
			t.Errorf("first scheduled item = %+v", s)
		}
		if got[1].Item.ID != second.ID || got[1].Meeting.ID != later.ID {
			t.Errorf("second scheduled item = %+v, want %s on %s", got[1], second.ID, later.ID)
		}
		if after := agenda(m.StartsAt); len(after) != 1 || after[0].Item.ID != second.ID {
			t.Errorf("StudentAgenda after the first meeting = %+v, want only the later item", after)
		}
		update(t, c.db, func(ctx context.Context, tx *storage.Tx) error { return tx.CancelMeeting(ctx, later.ID) })
		if now := agenda(c.clock.Now()); len(now) != 1 || now[0].Item.ID != first.ID {
			t.Errorf("StudentAgenda with the later meeting cancelled = %+v, want only the first item", now)
		}
	})

	contracts.add("PlanMeetings", func(t *testing.T, c *contract) {
		w := c.w
		plan := func(teamID string, after time.Time, n int) []casus.Meeting {
			return updateValue(t, c.db, func(ctx context.Context, tx *storage.Tx) ([]casus.Meeting, error) {
				return tx.PlanMeetings(ctx, teamID, after, n)
			})
		}
		if ms := plan(w.zat.ID, c.clock.Now(), 3); len(ms) != 0 {
			t.Errorf("PlanMeetings without a rhythm = %+v, want none", ms)
		}
		setRhythmC(t, c, w.zat.ID)
		ms := plan(w.zat.ID, c.clock.Now(), 6)
		if len(ms) != 6 {
			t.Fatalf("PlanMeetings = %d meetings, want 6", len(ms))
		}
		for i, m := range ms {
			if want := amsterdam(2026, 11, 10, 14, 0).AddDate(0, 0, 14*i); !m.StartsAt.Equal(want) || m.Status != casus.MeetingPlanned {
				t.Errorf("meeting %d = %+v, want %v", i, m, want)
			}
		}
		stored := viewValue(t, c.db, func(ctx context.Context, tx *storage.Tx) ([]casus.Meeting, error) {
			return tx.UpcomingMeetings(ctx, w.zat.ID, c.clock.Now(), 10)
		})
		if len(stored) != 6 || stored[5].ID != ms[5].ID {
			t.Errorf("stored after PlanMeetings = %d meetings, want the 6 planned", len(stored))
		}
		if again := plan(w.zat.ID, c.clock.Now(), 6); len(again) != 6 || again[0].ID != ms[0].ID || again[5].ID != ms[5].ID {
			t.Errorf("planning again gave other meetings: %+v", again)
		}
		// A meeting planned on its own (moved here) is among them.
		update(t, c.db, func(ctx context.Context, tx *storage.Tx) error {
			return tx.MoveMeeting(ctx, ms[1].ID, amsterdam(2026, 11, 12, 9, 0))
		})
		if got := plan(w.zat.ID, c.clock.Now(), 2); len(got) != 2 || got[0].ID != ms[0].ID || got[1].ID != ms[1].ID ||
			!got[1].StartsAt.Equal(amsterdam(2026, 11, 12, 9, 0)) {
			t.Errorf("PlanMeetings with a moved meeting = %+v", got)
		}
	})

	contracts.add("PlanAllMeetings", func(t *testing.T, c *contract) {
		w := c.w
		setRhythmC(t, c, w.intern.ID)
		c.clock.Set(amsterdam(2026, 11, 30, 9, 0)) // two of the four planned meetings have passed
		upcoming := func(teamID string) []casus.Meeting {
			return viewValue(t, c.db, func(ctx context.Context, tx *storage.Tx) ([]casus.Meeting, error) {
				return tx.UpcomingMeetings(ctx, teamID, c.clock.Now(), 10)
			})
		}
		if n := len(upcoming(w.intern.ID)); n != 2 {
			t.Fatalf("fixture: %d meetings ahead, want 2", n)
		}
		update(t, c.db, func(ctx context.Context, tx *storage.Tx) error { return tx.PlanAllMeetings(ctx) })
		ms := upcoming(w.intern.ID)
		if len(ms) != storage.MeetingsAhead {
			t.Fatalf("after PlanAllMeetings %d meetings ahead, want %d", len(ms), storage.MeetingsAhead)
		}
		for i, want := range []time.Time{amsterdam(2026, 12, 8, 14, 0), amsterdam(2026, 12, 22, 14, 0), amsterdam(2027, 1, 5, 14, 0),
			amsterdam(2027, 1, 19, 14, 0)} {
			if !ms[i].StartsAt.Equal(want) {
				t.Errorf("meeting %d at %v, want %v", i, ms[i].StartsAt.In(casus.Amsterdam), want)
			}
		}
		if zat := upcoming(w.zat.ID); len(zat) != 0 {
			t.Errorf("PlanAllMeetings planned for a team without a rhythm: %+v", zat)
		}
	})

	contracts.add("UpcomingMeetings", func(t *testing.T, c *contract) {
		w := c.w
		upcoming := func(after time.Time, n int) []casus.Meeting {
			return viewValue(t, c.db, func(ctx context.Context, tx *storage.Tx) ([]casus.Meeting, error) {
				return tx.UpcomingMeetings(ctx, w.zat.ID, after, n)
			})
		}
		if ms := upcoming(c.clock.Now(), 5); len(ms) != 0 {
			t.Errorf("UpcomingMeetings without a rhythm = %+v", ms)
		}
		setRhythmC(t, c, w.zat.ID)
		ms := upcoming(c.clock.Now(), 10)
		if len(ms) != storage.MeetingsAhead || !ms[0].StartsAt.Equal(amsterdam(2026, 11, 10, 14, 0)) ||
			!ms[3].StartsAt.Equal(amsterdam(2026, 12, 22, 14, 0)) || !slices.IsSortedFunc(ms, func(a, b casus.Meeting) int {
			return a.StartsAt.Compare(b.StartsAt)
		}) {
			t.Fatalf("UpcomingMeetings = %+v, want the four stored, soonest first", ms)
		}
		if two := upcoming(c.clock.Now(), 2); len(two) != 2 || two[1].ID != ms[1].ID {
			t.Errorf("UpcomingMeetings(n=2) = %+v", two)
		}
		if after := upcoming(ms[0].StartsAt, 10); len(after) != 3 || after[0].ID != ms[1].ID {
			t.Errorf("UpcomingMeetings after the first = %+v, want the three after it", after)
		}
		// It only reads: far ahead nothing is stored, and nothing gets stored.
		if far := upcoming(amsterdam(2027, 6, 1, 0, 0), 3); len(far) != 0 {
			t.Errorf("UpcomingMeetings far ahead = %+v, want none stored", far)
		}
		update(t, c.db, func(ctx context.Context, tx *storage.Tx) error { return tx.CancelMeeting(ctx, ms[0].ID) })
		if now := upcoming(c.clock.Now(), 10); len(now) != 3 || now[0].ID != ms[1].ID {
			t.Errorf("UpcomingMeetings with the first cancelled = %+v", now)
		}
	})

	contracts.add("MoveAgendaItem", func(t *testing.T, c *contract) {
		w := c.w
		setRhythmC(t, c, w.zat.ID)
		m := nextMeetingC(t, c, w.zat.ID, c.clock.Now())
		a := addItemC(t, c, m.ID, w.sanneCase.ID)
		b := addItemC(t, c, m.ID, w.bramCase.ID)
		x := addItemC(t, c, m.ID, w.sanneInternCaseLater.ID)
		move := func(id string, up bool) {
			t.Helper()
			update(t, c.db, func(ctx context.Context, tx *storage.Tx) error { return tx.MoveAgendaItem(ctx, m.ID, id, up) })
		}
		order := func() []string {
			t.Helper()
			items := agendaC(t, c, m.ID)
			for i, it := range items {
				if it.Position <= 0 || (i > 0 && it.Position <= items[i-1].Position) {
					t.Errorf("positions not increasing: %+v", items)
				}
			}
			return names(items, func(it casus.AgendaItem) string { return it.ID })
		}
		move(x.ID, true)
		if got, want := order(), []string{a.ID, x.ID, b.ID}; !slices.Equal(got, want) {
			t.Errorf("after moving the last up: %v, want %v", got, want)
		}
		move(a.ID, false)
		if got, want := order(), []string{x.ID, a.ID, b.ID}; !slices.Equal(got, want) {
			t.Errorf("after moving the first down: %v, want %v", got, want)
		}
		move(x.ID, true)  // at the top: stays
		move(b.ID, false) // at the bottom: stays
		if got, want := order(), []string{x.ID, a.ID, b.ID}; !slices.Equal(got, want) {
			t.Errorf("after moves past the ends: %v, want %v", got, want)
		}
		t.Run("Unknown/ErrNotFound", func(t *testing.T) {
			for _, ids := range [][2]string{{m.ID, casus.NewID()}, {casus.NewID(), a.ID}} {
				err := updateErrC(t, c, func(ctx context.Context, tx *storage.Tx) error { return tx.MoveAgendaItem(ctx, ids[0], ids[1], true) })
				wantCode(t, err, casus.ENOTFOUND)
			}
		})
	})

	contracts.add("SetItemMinutes", func(t *testing.T, c *contract) {
		w := c.w
		setRhythmC(t, c, w.zat.ID)
		m := nextMeetingC(t, c, w.zat.ID, c.clock.Now())
		a := addItemC(t, c, m.ID, w.sanneCase.ID)
		b := addItemC(t, c, m.ID, w.bramCase.ID)
		update(t, c.db, func(ctx context.Context, tx *storage.Tx) error { return tx.SetItemMinutes(ctx, m.ID, a.ID, 30) })
		items := agendaC(t, c, m.ID)
		if len(items) != 2 || items[0].ID != a.ID || items[0].Minutes != 30 || items[1].ID != b.ID || items[1].Minutes != 15 {
			t.Errorf("agenda after SetItemMinutes = %+v, want 30 minutes for the first only", items)
		}
		t.Run("Unknown/ErrNotFound", func(t *testing.T) {
			for _, ids := range [][2]string{{m.ID, casus.NewID()}, {casus.NewID(), a.ID}} {
				err := updateErrC(t, c, func(ctx context.Context, tx *storage.Tx) error { return tx.SetItemMinutes(ctx, ids[0], ids[1], 10) })
				wantCode(t, err, casus.ENOTFOUND)
			}
			if got := agendaC(t, c, m.ID); got[0].Minutes != 30 {
				t.Errorf("minutes changed by a failed call: %+v", got[0])
			}
		})
	})

	contracts.add("InviteToItem", func(t *testing.T, c *contract) {
		w := c.w
		setRhythmC(t, c, w.zat.ID)
		m := nextMeetingC(t, c, w.zat.ID, c.clock.Now())
		a := addItemC(t, c, m.ID, w.sanneCase.ID)
		invite := func() {
			update(t, c.db, func(ctx context.Context, tx *storage.Tx) error {
				return tx.InviteToItem(ctx, m.ID, a.ID, w.police.ID, w.coordinator.ID)
			})
		}
		invite()
		invite() // again: nothing changes
		ids := viewValue(t, c.db, func(ctx context.Context, tx *storage.Tx) ([]string, error) { return tx.ItemInviteeIDs(ctx, a.ID) })
		if !slices.Equal(ids, []string{w.police.ID}) {
			t.Errorf("invitees = %v, want the police once", ids)
		}
		_, rel := viewValue2(t, c.db, func(ctx context.Context, tx *storage.Tx) (casus.Student, casus.StudentRelations, error) {
			return tx.StudentFor(ctx, w.police.ID, w.sanne.ID)
		})
		if !rel.Invited {
			t.Errorf("the item invitation does not relate the police to Sanne's case: %+v", rel)
		}
		t.Run("Unknown/ErrNotFound", func(t *testing.T) {
			for _, ids := range [][2]string{{m.ID, casus.NewID()}, {casus.NewID(), a.ID}} {
				err := updateErrC(t, c, func(ctx context.Context, tx *storage.Tx) error {
					return tx.InviteToItem(ctx, ids[0], ids[1], w.nurse.ID, w.coordinator.ID)
				})
				wantCode(t, err, casus.ENOTFOUND)
			}
		})
	})

	contracts.add("ItemInvitees", func(t *testing.T, c *contract) {
		w := c.w
		setRhythmC(t, c, w.zat.ID)
		m := nextMeetingC(t, c, w.zat.ID, c.clock.Now())
		a := addItemC(t, c, m.ID, w.sanneCase.ID)
		b := addItemC(t, c, m.ID, w.bramCase.ID)
		invitees := func() map[string][]string {
			return viewValue(t, c.db, func(ctx context.Context, tx *storage.Tx) (map[string][]string, error) {
				return tx.ItemInvitees(ctx, m.ID)
			})
		}
		if inv := invitees(); len(inv) != 0 {
			t.Errorf("invitees of a meeting without invitations = %v", inv)
		}
		for _, u := range []casus.User{w.police, w.nurse} {
			update(t, c.db, func(ctx context.Context, tx *storage.Tx) error {
				return tx.InviteToItem(ctx, m.ID, a.ID, u.ID, w.coordinator.ID)
			})
		}
		inv := invitees()
		if !slices.Equal(inv[a.ID], []string{"Janneke JGZ", "Peter Politie"}) || len(inv[b.ID]) != 0 || len(inv) != 1 {
			t.Errorf("ItemInvitees = %v, want Janneke and Peter by name on %s only", inv, a.ID)
		}
	})

	contracts.add("MeetingInviteeIDs", func(t *testing.T, c *contract) {
		w := c.w
		setRhythmC(t, c, w.zat.ID)
		m := nextMeetingC(t, c, w.zat.ID, c.clock.Now())
		a := addItemC(t, c, m.ID, w.sanneCase.ID)
		b := addItemC(t, c, m.ID, w.bramCase.ID)
		for _, inv := range [][2]string{{a.ID, w.police.ID}, {b.ID, w.police.ID}, {b.ID, w.socialWork.ID}} {
			update(t, c.db, func(ctx context.Context, tx *storage.Tx) error {
				return tx.InviteToItem(ctx, m.ID, inv[0], inv[1], w.coordinator.ID)
			})
		}
		got := viewValue(t, c.db, func(ctx context.Context, tx *storage.Tx) ([]string, error) { return tx.MeetingInviteeIDs(ctx, m.ID) })
		slices.Sort(got)
		want := []string{w.police.ID, w.socialWork.ID}
		slices.Sort(want)
		if !slices.Equal(got, want) {
			t.Errorf("MeetingInviteeIDs = %v, want the police and social work once each", got)
		}
	})

	contracts.add("SetAttendance", func(t *testing.T, c *contract) {
		w := c.w
		setRhythmC(t, c, w.zat.ID)
		m := nextMeetingC(t, c, w.zat.ID, c.clock.Now())
		set := func(att map[string]casus.AttendanceStatus) {
			update(t, c.db, func(ctx context.Context, tx *storage.Tx) error {
				return tx.SetAttendance(ctx, m.ID, att, w.coordinator.ID)
			})
		}
		get := func() map[string]casus.AttendanceStatus {
			return viewValue(t, c.db, func(ctx context.Context, tx *storage.Tx) (map[string]casus.AttendanceStatus, error) {
				return tx.Attendance(ctx, m.ID)
			})
		}
		if got := get(); len(got) != 0 {
			t.Errorf("attendance before any is recorded: %v", got)
		}
		set(map[string]casus.AttendanceStatus{w.coordinator.ID: casus.AttendPresent, w.nurse.ID: casus.AttendExcused})
		set(map[string]casus.AttendanceStatus{w.nurse.ID: casus.AttendPresent, w.specialist.ID: casus.AttendAbsent})
		want := map[string]casus.AttendanceStatus{w.coordinator.ID: casus.AttendPresent, w.nurse.ID: casus.AttendPresent,
			w.specialist.ID: casus.AttendAbsent}
		if got := get(); !maps.Equal(got, want) {
			t.Errorf("Attendance = %v, want %v", got, want)
		}
		if n := countC(t, c, `SELECT COUNT(*) FROM meeting_attendance WHERE meeting_id = $1 AND recorded_by = $2`, m.ID, w.coordinator.ID); n != 3 {
			t.Errorf("%d attendance rows recorded by the chair, want 3", n)
		}
		err := updateErrC(t, c, func(ctx context.Context, tx *storage.Tx) error {
			return tx.SetAttendance(ctx, m.ID, map[string]casus.AttendanceStatus{w.nurse.ID: "asleep"}, w.coordinator.ID)
		})
		if err == nil {
			t.Errorf("an unknown status was stored")
		}
	})

	contracts.add("Attendance", func(t *testing.T, c *contract) {
		w := c.w
		setRhythmC(t, c, w.zat.ID)
		m := nextMeetingC(t, c, w.zat.ID, c.clock.Now())
		update(t, c.db, func(ctx context.Context, tx *storage.Tx) error {
			return tx.SetAttendance(ctx, m.ID, map[string]casus.AttendanceStatus{w.police.ID: casus.AttendExcused}, w.coordinator.ID)
		})
		got := viewValue(t, c.db, func(ctx context.Context, tx *storage.Tx) (map[string]casus.AttendanceStatus, error) {
			return tx.Attendance(ctx, m.ID)
		})
		if len(got) != 1 || got[w.police.ID] != casus.AttendExcused {
			t.Errorf("Attendance = %v, want the police excused", got)
		}
	})

	contracts.add("MeetingItemInviteeIDs", func(t *testing.T, c *contract) {
		w := c.w
		setRhythmC(t, c, w.zat.ID)
		m := nextMeetingC(t, c, w.zat.ID, c.clock.Now())
		a := addItemC(t, c, m.ID, w.sanneCase.ID)
		b := addItemC(t, c, m.ID, w.bramCase.ID)
		for _, u := range []casus.User{w.police, w.nurse} {
			update(t, c.db, func(ctx context.Context, tx *storage.Tx) error {
				return tx.InviteToItem(ctx, m.ID, a.ID, u.ID, w.coordinator.ID)
			})
		}
		got := viewValue(t, c.db, func(ctx context.Context, tx *storage.Tx) (map[string][]string, error) {
			return tx.MeetingItemInviteeIDs(ctx, m.ID)
		})
		inv := got[a.ID]
		slices.Sort(inv)
		want := []string{w.police.ID, w.nurse.ID}
		slices.Sort(want)
		if !slices.Equal(inv, want) || len(got[b.ID]) != 0 || len(got) != 1 {
			t.Errorf("MeetingItemInviteeIDs = %v, want %v for the first item only", got, want)
		}
	})

	contracts.add("ItemInviteeIDs", func(t *testing.T, c *contract) {
		w := c.w
		setRhythmC(t, c, w.zat.ID)
		m := nextMeetingC(t, c, w.zat.ID, c.clock.Now())
		a := addItemC(t, c, m.ID, w.sanneCase.ID)
		b := addItemC(t, c, m.ID, w.bramCase.ID)
		for _, u := range []casus.User{w.police, w.nurse} {
			update(t, c.db, func(ctx context.Context, tx *storage.Tx) error {
				return tx.InviteToItem(ctx, m.ID, a.ID, u.ID, w.coordinator.ID)
			})
		}
		ids := func(itemID string) []string {
			return viewValue(t, c.db, func(ctx context.Context, tx *storage.Tx) ([]string, error) { return tx.ItemInviteeIDs(ctx, itemID) })
		}
		got := ids(a.ID)
		slices.Sort(got)
		want := []string{w.police.ID, w.nurse.ID}
		slices.Sort(want)
		if !slices.Equal(got, want) {
			t.Errorf("ItemInviteeIDs = %v, want %v", got, want)
		}
		if got := ids(b.ID); len(got) != 0 {
			t.Errorf("ItemInviteeIDs of an item without invitations = %v", got)
		}
	})

	contracts.add("CollectAgenda", func(t *testing.T, c *contract) {
		w := c.w
		collect := func(teamID string) (casus.Meeting, []casus.AgendaItem) {
			return updateValue2(t, c.db, func(ctx context.Context, tx *storage.Tx) (casus.Meeting, []casus.AgendaItem, error) {
				return tx.CollectAgenda(ctx, teamID)
			})
		}
		// An accepted referral of Sanne to the ZAT, whose case is open.
		ref := casus.Referral{StudentID: w.sanne.ID, TeamID: w.zat.ID, ReferrerID: w.mentor.ID}
		update(t, c.db, func(ctx context.Context, tx *storage.Tx) error {
			must(t, tx.CreateReferral(ctx, &ref, w.mentor.ID))
			must(t, tx.MoveReferral(ctx, &ref, casus.RefSubmitted, w.mentor.ID, ""))
			must(t, tx.MoveReferral(ctx, &ref, casus.RefAccepted, w.coordinator.ID, ""))
			return tx.LinkReferral(ctx, ref.ID, w.sanneCase.ID, "")
		})
		// A draft of Bram's is not ready.
		draft := casus.Referral{StudentID: w.bram.ID, TeamID: w.zat.ID, ReferrerID: w.mentor.ID}
		update(t, c.db, func(ctx context.Context, tx *storage.Tx) error { return tx.CreateReferral(ctx, &draft, w.mentor.ID) })

		t.Run("NoMeetingAhead", func(t *testing.T) {
			m, items := collect(w.zat.ID)
			if m != (casus.Meeting{}) || len(items) != 0 {
				t.Errorf("CollectAgenda without a rhythm = %+v, %+v; want nothing", m, items)
			}
		})
		setRhythmC(t, c, w.zat.ID)
		m, items := collect(w.zat.ID)
		if !m.StartsAt.Equal(amsterdam(2026, 11, 10, 14, 0)) {
			t.Fatalf("CollectAgenda meeting = %+v, want 10 November", m)
		}
		if len(items) != 1 || items[0].Kind != casus.AgendaReferral || items[0].SourceID != ref.ID || items[0].CaseID != w.sanneCase.ID ||
			items[0].MeetingID != m.ID || items[0].Late || items[0].ID == "" {
			t.Fatalf("collected = %+v, want Sanne's accepted referral", items)
		}
		if stored := agendaC(t, c, m.ID); len(stored) != 1 || stored[0].ID != items[0].ID {
			t.Errorf("agenda = %+v, want the collected item", stored)
		}
		if _, again := collect(w.zat.ID); len(again) != 0 {
			t.Errorf("collecting again added %+v, want nothing", again)
		}
	})
}

// recurrenceC returns the team's rhythm.
func recurrenceC(t *testing.T, c *contract, teamID string) (casus.Recurrence, string, bool) {
	t.Helper()
	var r casus.Recurrence
	var loc string
	var ok bool
	view(t, c.db, func(ctx context.Context, tx *storage.Tx) (err error) {
		r, loc, ok, err = tx.Recurrence(ctx, teamID)
		return err
	})
	return r, loc, ok
}
