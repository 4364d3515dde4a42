package storage_test

import (
	"context"
	"testing"
	"time"

	"casus"
	"casus/storage"
)

// fortnightC is a team rhythm for the contract cases: every other Tuesday at
// 14:00 (Amsterdam) for 90 minutes. From contractEpoch (Monday 2 November
// 2026) its next meetings are on 10 and 24 November, 8 and 22 December.
var fortnightC = casus.Recurrence{First: amsterdam(2026, 9, 1, 14, 0), EveryWeeks: 2, Duration: 90 * time.Minute}

// setRhythmC gives the team the fortnightly rhythm, meeting in B1.12.
func setRhythmC(t *testing.T, c *contract, teamID string) {
	t.Helper()
	update(t, c.db, func(ctx context.Context, tx *storage.Tx) error {
		return tx.SetRecurrence(ctx, teamID, fortnightC, "Lokaal B1.12")
	})
}

// nextMeetingC returns (and stores) the team's next meeting after t.
func nextMeetingC(t *testing.T, c *contract, teamID string, after time.Time) casus.Meeting {
	t.Helper()
	return updateValue(t, c.db, func(ctx context.Context, tx *storage.Tx) (casus.Meeting, error) {
		return tx.NextMeeting(ctx, teamID, after)
	})
}

// agendaC returns a meeting's agenda.
func agendaC(t *testing.T, c *contract, meetingID string) []casus.AgendaItem {
	t.Helper()
	return viewValue(t, c.db, func(ctx context.Context, tx *storage.Tx) ([]casus.AgendaItem, error) {
		return tx.Agenda(ctx, meetingID)
	})
}

// addItemC puts the case on the meeting's agenda as a chair's item.
func addItemC(t *testing.T, c *contract, meetingID, caseID string) casus.AgendaItem {
	t.Helper()
	it := casus.AgendaItem{MeetingID: meetingID, CaseID: caseID, Kind: casus.AgendaChair, SourceID: casus.NewID(),
		AddedBy: c.w.coordinator.ID}
	update(t, c.db, func(ctx context.Context, tx *storage.Tx) error { return tx.AddAgendaItem(ctx, &it) })
	return it
}

// updateErrC runs fn in a write transaction and returns its error.
func updateErrC(t *testing.T, c *contract, fn func(ctx context.Context, tx *storage.Tx) error) error {
	t.Helper()
	ctx := t.Context()
	return c.db.Update(ctx, func(tx *storage.Tx) error { return fn(ctx, tx) })
}

// viewErrC runs fn in a read transaction and returns its error.
func viewErrC(t *testing.T, c *contract, fn func(ctx context.Context, tx *storage.Tx) error) error {
	t.Helper()
	ctx := t.Context()
	return c.db.View(ctx, func(tx *storage.Tx) error { return fn(ctx, tx) })
}

// countC counts rows with a raw query on the read pool ($1, $2 … work on
// both engines).
func countC(t *testing.T, c *contract, q string, args ...any) int {
	t.Helper()
	var n int
	if err := c.db.ReadSQL().QueryRowContext(t.Context(), q, args...).Scan(&n); err != nil {
		t.Fatalf("count %q: %v", q, err)
	}
	return n
}
