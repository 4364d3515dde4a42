package storage_test

import (
	"context"
	"testing"
	"time"

	"casus"
	"casus/storage"
)

// meetingB gives the team a fortnightly Thursday rhythm (13:30 Amsterdam,
// from 3 September 2026) and returns its next meeting after the clock: on
// the contract's epoch, Thursday 12 November 2026.
func meetingB(t *testing.T, c *contract, teamID string) casus.Meeting {
	t.Helper()
	update(t, c.db, func(ctx context.Context, tx *storage.Tx) error {
		return tx.SetRecurrence(ctx, teamID, casus.Recurrence{First: amsterdam(2026, 9, 3, 13, 30), EveryWeeks: 2,
			Duration: 2 * time.Hour}, "Zaal B")
	})
	return updateValue(t, c.db, func(ctx context.Context, tx *storage.Tx) (casus.Meeting, error) {
		return tx.NextMeeting(ctx, teamID, c.clock.Now())
	})
}

// discussedB puts Sanne's case on the ZAT's next agenda and saves the first
// version of its record there, with one measurable goal.
func discussedB(t *testing.T, c *contract) (casus.Meeting, casus.AgendaItem, casus.Discussion) {
	t.Helper()
	w := c.w
	m := meetingB(t, c, w.zat.ID)
	it := casus.AgendaItem{MeetingID: m.ID, CaseID: w.sanneCase.ID, Kind: casus.AgendaChair, AddedBy: w.coordinator.ID}
	update(t, c.db, func(ctx context.Context, tx *storage.Tx) error { return tx.AddAgendaItem(ctx, &it) })
	d := casus.Discussion{ItemID: it.ID, MeetingID: m.ID, CaseID: w.sanneCase.ID, StudentID: w.sanne.ID, SavedBy: w.coordinator.ID,
		Record: casus.DiscussionRecord{Attendees: []string{w.coordinator.ID, w.nurse.ID}, Question: "Hoe houden we Sanne op school?",
			MinutesSpent: 25, Goals: []casus.Goal{{Description: "Verzuim omlaag", Criterion: "Verzuim onder 5 %", DueOn: date(2027, 1, 14)}}}}
	update(t, c.db, func(ctx context.Context, tx *storage.Tx) error { return tx.SaveDiscussion(ctx, &d, 0) })
	return m, it, d
}

// countB runs a COUNT query on the read pool.
func countB(t *testing.T, c *contract, q string, args ...any) int {
	t.Helper()
	var n int
	must(t, c.db.ReadSQL().QueryRowContext(t.Context(), q, args...).Scan(&n))
	return n
}
