package storage_test

import (
	"context"
	"testing"
	"time"

	"casus"
	"casus/storage"
	"casus/storage/storagetest"
)

func amsterdam(y int, m time.Month, d, h, min int) time.Time {
	return time.Date(y, m, d, h, min, 0, 0, casus.Amsterdam)
}

// TestMeetings: a team's rhythm yields its next meeting; moved and cancelled
// meetings are respected; a crisis goes on the next meeting's agenda, late
// when the agenda was due out already.
func TestMeetings(t *testing.T) {
	for _, engine := range storagetest.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			t.Logf("%s on %s", conformance, engine)
			// Monday 2 November 2026, before the intern zorgteam's fortnightly
			// Tuesday meetings of 10 and 24 November.
			clock := storagetest.NewClock(amsterdam(2026, 11, 2, 9, 0))
			db := storagetest.Open(t, engine, clock.Now)
			w := seed(t, db)
			fortnight := casus.Recurrence{First: amsterdam(2026, 9, 1, 14, 0), EveryWeeks: 2, Duration: 90 * time.Minute}
			update(t, db, func(ctx context.Context, tx *storage.Tx) error {
				return tx.SetRecurrence(ctx, w.intern.ID, fortnight, "Lokaal B1.12")
			})
			next := func(after time.Time) casus.Meeting {
				t.Helper()
				return updateValue(t, db, func(ctx context.Context, tx *storage.Tx) (casus.Meeting, error) {
					return tx.NextMeeting(ctx, w.intern.ID, after)
				})
			}

			t.Run("NextFromRhythm", func(t *testing.T) {
				m := next(clock.Now())
				if !m.StartsAt.Equal(amsterdam(2026, 11, 10, 14, 0)) || m.Location != "Lokaal B1.12" || m.Duration != 90*time.Minute {
					t.Errorf("next meeting = %+v, want Tuesday 10 November 14:00 in B1.12 for 90 minutes", m)
				}
				if again := next(clock.Now()); again.ID != m.ID {
					t.Errorf("asking twice stored the slot twice: %s, %s", m.ID, again.ID)
				}
			})

			t.Run("NoRhythm/ErrNotFound", func(t *testing.T) {
				err := db.Update(t.Context(), func(tx *storage.Tx) error {
					_, err := tx.NextMeeting(t.Context(), w.zat.ID, clock.Now())
					return err
				})
				wantCode(t, err, casus.ENOTFOUND)
			})

			t.Run("CrisisOnTuesdayGoesToNextMeeting", func(t *testing.T) {
				// Tuesday 17 November, 11:00: the week between two meetings.
				clock.Set(amsterdam(2026, 11, 17, 11, 0))
				cr := casus.Crisis{StudentID: w.sanne.ID, TeamID: w.intern.ID, Kind: casus.CrisisUrgent,
					OccurredAt: amsterdam(2026, 11, 17, 8, 30), Called: "Veilig Thuis; moeder", Agreed: "Sanne slaapt bij haar tante",
					AgreedBy: "zorgcoördinator met Veilig Thuis", RecordedBy: w.coordinator.ID}
				m := updateValue(t, db, func(ctx context.Context, tx *storage.Tx) (casus.Meeting, error) {
					return tx.RecordCrisis(ctx, &cr)
				})
				if !m.StartsAt.Equal(amsterdam(2026, 11, 24, 14, 0)) {
					t.Fatalf("crisis put on the meeting of %v, want Tuesday 24 November 14:00", m.StartsAt.In(casus.Amsterdam))
				}
				items := viewValue(t, db, func(ctx context.Context, tx *storage.Tx) ([]casus.AgendaItem, error) { return tx.Agenda(ctx, m.ID) })
				if len(items) != 1 || items[0].Kind != casus.AgendaCrisis || items[0].SourceID != cr.ID ||
					items[0].StudentID != w.sanne.ID || items[0].CaseID != cr.CaseID || items[0].Position != 1 {
					t.Fatalf("agenda = %+v, want the crisis of Sanne", items)
				}
				// The agenda of 24 November went out on Tuesday 17 November
				// (five working days before): the item is late.
				if !items[0].Late {
					t.Errorf("crisis added on the send-by day is not marked late")
				}
				if cr.CaseID == "" || cr.RecordedAt.IsZero() {
					t.Errorf("crisis not linked to a case or time: %+v", cr)
				}
			})

			t.Run("EarlyItemNotLate", func(t *testing.T) {
				clock.Set(amsterdam(2026, 11, 25, 9, 0)) // Wednesday after the meeting
				cr := casus.Crisis{StudentID: w.bram.ID, TeamID: w.intern.ID, Kind: casus.CrisisDirectHelp,
					OccurredAt: clock.Now(), Called: "SMW", Agreed: "intake", AgreedBy: "taakdocent", RecordedBy: w.careContact.ID}
				m := updateValue(t, db, func(ctx context.Context, tx *storage.Tx) (casus.Meeting, error) {
					return tx.RecordCrisis(ctx, &cr)
				})
				items := viewValue(t, db, func(ctx context.Context, tx *storage.Tx) ([]casus.AgendaItem, error) { return tx.Agenda(ctx, m.ID) })
				if !m.StartsAt.Equal(amsterdam(2026, 12, 8, 14, 0)) || len(items) != 1 || items[0].Late {
					t.Errorf("meeting %v with %+v, want 8 December with one item in time", m.StartsAt, items)
				}
			})

			t.Run("CancelledAndMovedMeetings", func(t *testing.T) {
				clock.Set(amsterdam(2026, 12, 9, 9, 0))
				dec22 := next(clock.Now())
				update(t, db, func(ctx context.Context, tx *storage.Tx) error { return tx.CancelMeeting(ctx, dec22.ID) })
				jan5 := next(clock.Now())
				if !jan5.StartsAt.Equal(amsterdam(2027, 1, 5, 14, 0)) {
					t.Fatalf("after cancelling 22 December: next %v, want 5 January", jan5.StartsAt.In(casus.Amsterdam))
				}
				update(t, db, func(ctx context.Context, tx *storage.Tx) error {
					return tx.MoveMeeting(ctx, jan5.ID, amsterdam(2027, 1, 7, 10, 0))
				})
				if m := next(clock.Now()); m.ID != jan5.ID || !m.StartsAt.Equal(amsterdam(2027, 1, 7, 10, 0)) {
					t.Errorf("moved meeting: next %+v, want the 5 January meeting on 7 January 10:00", m)
				}
				if m := next(amsterdam(2027, 1, 7, 10, 0)); !m.StartsAt.Equal(amsterdam(2027, 1, 19, 14, 0)) {
					t.Errorf("after the moved meeting: %v, want 19 January (the moved slot is not produced again)", m.StartsAt.In(casus.Amsterdam))
				}
				err := db.Update(t.Context(), func(tx *storage.Tx) error { return tx.CancelMeeting(t.Context(), dec22.ID) })
				wantCode(t, err, casus.ENOTFOUND)
			})

			t.Run("DuplicateAgendaItem/ErrConflict", func(t *testing.T) {
				m := next(clock.Now())
				c := updateValue(t, db, func(ctx context.Context, tx *storage.Tx) (casus.Case, error) {
					return tx.EnsureOpenCase(ctx, w.sanne.ID, w.intern.ID)
				})
				src := casus.NewID()
				update(t, db, func(ctx context.Context, tx *storage.Tx) error {
					return tx.AddAgendaItem(ctx, &casus.AgendaItem{MeetingID: m.ID, CaseID: c.ID, Kind: casus.AgendaChair, SourceID: src})
				})
				err := db.Update(t.Context(), func(tx *storage.Tx) error {
					return tx.AddAgendaItem(t.Context(), &casus.AgendaItem{MeetingID: m.ID, CaseID: c.ID, Kind: casus.AgendaChair, SourceID: src})
				})
				wantCode(t, err, casus.ECONFLICT)
			})

			t.Run("NewRhythmCancelsEmptyMeetingsOffIt", func(t *testing.T) {
				// 8 December holds Bram's item; 19 January is stored but empty.
				clock.Set(amsterdam(2026, 11, 26, 9, 0))
				empty := next(amsterdam(2027, 1, 8, 0, 0))
				if !empty.StartsAt.Equal(amsterdam(2027, 1, 19, 14, 0)) {
					t.Fatalf("fixture: %v, want the empty meeting of 19 January", empty.StartsAt.In(casus.Amsterdam))
				}
				withItem := next(amsterdam(2026, 12, 1, 0, 0))
				update(t, db, func(ctx context.Context, tx *storage.Tx) error {
					return tx.SetRecurrence(ctx, w.intern.ID, casus.Recurrence{First: amsterdam(2026, 12, 2, 10, 0), EveryWeeks: 1, Duration: time.Hour}, "")
				})
				// Its id and link stay: the meeting is cancelled, not gone.
				if m := viewValue(t, db, func(ctx context.Context, tx *storage.Tx) (casus.Meeting, error) { return tx.Meeting(ctx, empty.ID) }); m.Status != casus.MeetingCancelled || !m.StartsAt.Equal(empty.StartsAt) {
					t.Errorf("the empty meeting off the new rhythm = %+v, want it cancelled", m)
				}
				if m := viewValue(t, db, func(ctx context.Context, tx *storage.Tx) (casus.Meeting, error) { return tx.Meeting(ctx, withItem.ID) }); !m.StartsAt.Equal(amsterdam(2026, 12, 8, 14, 0)) {
					t.Errorf("the meeting with an agenda item was changed: %+v", m)
				}
				if m := next(clock.Now()); !m.StartsAt.Equal(amsterdam(2026, 12, 2, 10, 0)) {
					t.Errorf("next after the new rhythm: %v, want Wednesday 2 December 10:00", m.StartsAt.In(casus.Amsterdam))
				}
			})

			t.Run("InvalidRecurrence/ErrInvalid", func(t *testing.T) {
				err := db.Update(t.Context(), func(tx *storage.Tx) error {
					return tx.SetRecurrence(t.Context(), w.zat.ID, casus.Recurrence{First: clock.Now(), Duration: time.Hour}, "")
				})
				wantCode(t, err, casus.EINVALID)
			})
		})
	}
}

func TestAgendaManagement(t *testing.T) {
	for _, engine := range storagetest.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			t.Logf("%s on %s", conformance, engine)
			clock := storagetest.NewClock(amsterdam(2026, 11, 2, 9, 0))
			db := storagetest.Open(t, engine, clock.Now)
			w := seed(t, db)
			update(t, db, func(ctx context.Context, tx *storage.Tx) error {
				return tx.SetRecurrence(ctx, w.zat.ID, casus.Recurrence{First: amsterdam(2026, 9, 3, 13, 30), MonthWeek: 1, Duration: 2 * time.Hour}, "")
			})
			var m casus.Meeting
			for _, c := range []casus.Case{w.sanneCase, w.bramCase} {
				m = updateValue(t, db, func(ctx context.Context, tx *storage.Tx) (casus.Meeting, error) {
					return tx.PutOnNextAgenda(ctx, w.zat.ID, casus.AgendaItem{CaseID: c.ID, Kind: casus.AgendaChair, SourceID: c.ID, AddedBy: w.coordinator.ID})
				})
			}
			agenda := func() []casus.AgendaItem {
				return viewValue(t, db, func(ctx context.Context, tx *storage.Tx) ([]casus.AgendaItem, error) { return tx.Agenda(ctx, m.ID) })
			}
			items := agenda()
			if len(items) != 2 || items[0].CaseID != w.sanneCase.ID || items[0].Minutes != 15 {
				t.Fatalf("agenda = %+v, want Sanne then Bram, 15 minutes each", items)
			}
			update(t, db, func(ctx context.Context, tx *storage.Tx) error {
				return tx.MoveAgendaItem(ctx, m.ID, items[1].ID, true)
			})
			update(t, db, func(ctx context.Context, tx *storage.Tx) error {
				return tx.MoveAgendaItem(ctx, m.ID, items[1].ID, true)
			}) // at the top: stays
			update(t, db, func(ctx context.Context, tx *storage.Tx) error { return tx.SetItemMinutes(ctx, m.ID, items[0].ID, 30) })
			got := agenda()
			if got[0].CaseID != w.bramCase.ID || got[1].CaseID != w.sanneCase.ID || got[1].Minutes != 30 {
				t.Errorf("after moving Bram up and giving Sanne 30 minutes: %+v", got)
			}
			update(t, db, func(ctx context.Context, tx *storage.Tx) error {
				return tx.InviteToItem(ctx, m.ID, items[0].ID, w.police.ID, w.coordinator.ID) // Sanne's item
			})
			update(t, db, func(ctx context.Context, tx *storage.Tx) error {
				return tx.InviteToItem(ctx, m.ID, items[0].ID, w.police.ID, w.coordinator.ID) // again: nothing changes
			})
			inv := viewValue(t, db, func(ctx context.Context, tx *storage.Tx) (map[string][]string, error) {
				return tx.ItemInvitees(ctx, m.ID)
			})
			if len(inv[items[0].ID]) != 1 || len(inv[items[1].ID]) != 0 {
				t.Errorf("invitees = %v, want the police on Sanne's item only", inv)
			}
			_, rel := viewValue2(t, db, func(ctx context.Context, tx *storage.Tx) (casus.Student, casus.StudentRelations, error) {
				return tx.StudentFor(ctx, w.police.ID, w.sanne.ID)
			})
			if !rel.Invited {
				t.Errorf("the item invitation does not relate the police to Sanne's case")
			}
			err := db.Update(t.Context(), func(tx *storage.Tx) error { return tx.SetItemMinutes(t.Context(), casus.NewID(), items[0].ID, 10) })
			wantCode(t, err, casus.ENOTFOUND)
		})
	}
}

func viewValue2[A, B any](t testing.TB, db *storage.DB, fn func(context.Context, *storage.Tx) (A, B, error)) (A, B) {
	t.Helper()
	var a A
	var b B
	if err := db.View(context.Background(), func(tx *storage.Tx) error {
		var err error
		a, b, err = fn(context.Background(), tx)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	return a, b
}

func updateValue2[A, B any](t testing.TB, db *storage.DB, fn func(context.Context, *storage.Tx) (A, B, error)) (A, B) {
	t.Helper()
	var a A
	var b B
	if err := db.Update(context.Background(), func(tx *storage.Tx) error {
		var err error
		a, b, err = fn(context.Background(), tx)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	return a, b
}
