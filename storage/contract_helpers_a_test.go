package storage_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"casus"
	"casus/storage"
)

// tryA runs fn in a write transaction and returns its error, for the cases
// that expect one.
func tryA(c *contract, fn func(context.Context, *storage.Tx) error) error {
	ctx := context.Background()
	return c.db.Update(ctx, func(tx *storage.Tx) error { return fn(ctx, tx) })
}

// viewErrA runs fn in a read transaction and returns its error.
func viewErrA(c *contract, fn func(context.Context, *storage.Tx) error) error {
	ctx := context.Background()
	return c.db.View(ctx, func(tx *storage.Tx) error { return fn(ctx, tx) })
}

// weeklyA is the rhythm meetingA gives a team: Thursdays 13:30, from
// 4 September 2025.
var weeklyA = casus.Recurrence{First: time.Date(2025, 9, 4, 13, 30, 0, 0, casus.Amsterdam), EveryWeeks: 1,
	Duration: 2 * time.Hour}

// meetingA returns the team's first meeting after the moment, giving the team
// a weekly rhythm first when it has none.
func meetingA(t *testing.T, c *contract, teamID string, after time.Time) casus.Meeting {
	t.Helper()
	return updateValue(t, c.db, func(ctx context.Context, tx *storage.Tx) (casus.Meeting, error) {
		if _, _, ok, err := tx.Recurrence(ctx, teamID); err != nil {
			return casus.Meeting{}, err
		} else if !ok {
			if err := tx.SetRecurrence(ctx, teamID, weeklyA, "Zaal A"); err != nil {
				return casus.Meeting{}, err
			}
		}
		return tx.NextMeeting(ctx, teamID, after)
	})
}

// itemA puts the case on the meeting's agenda as the chair's item.
func itemA(t *testing.T, c *contract, m casus.Meeting, caseID string) casus.AgendaItem {
	t.Helper()
	it := casus.AgendaItem{MeetingID: m.ID, CaseID: caseID, Kind: casus.AgendaChair, AddedBy: c.w.coordinator.ID}
	update(t, c.db, func(ctx context.Context, tx *storage.Tx) error { return tx.AddAgendaItem(ctx, &it) })
	return it
}

// discussionA saves a first record of the item's discussion.
func discussionA(t *testing.T, c *contract, it casus.AgendaItem, studentID string, rec casus.DiscussionRecord) casus.Discussion {
	t.Helper()
	d := casus.Discussion{ItemID: it.ID, MeetingID: it.MeetingID, CaseID: it.CaseID, StudentID: studentID,
		SavedBy: c.w.coordinator.ID, Record: rec}
	update(t, c.db, func(ctx context.Context, tx *storage.Tx) error { return tx.SaveDiscussion(ctx, &d, 0) })
	return d
}

// logA appends an access-log entry by the user about the student, with the
// purpose, and returns it.
func logA(t *testing.T, c *contract, u casus.User, studentID, purpose string) casus.AccessEntry {
	t.Helper()
	e := casus.AccessEntry{UserID: u.ID, UserName: u.Name, Role: casus.RoleCoordinator, OrgName: "ROC Testrijn",
		Relation: casus.RelCoordinator, StudentID: studentID, ObjectKind: "student", ObjectID: studentID,
		Action: casus.ActRead, Purpose: purpose, RequestID: "req-" + purpose, Instance: c.db.Instance,
		Outcome: casus.OutcomeGranted}
	update(t, c.db, func(ctx context.Context, tx *storage.Tx) error { return tx.LogAccess(ctx, &e) })
	return e
}

// idsA returns the ids of xs.
func idsA[T any](xs []T, id func(T) string) []string {
	out := []string{}
	for _, x := range xs {
		out = append(out, id(x))
	}
	return out
}

// ofA keeps the xs whose id is one of ids, in their order: for global lists
// in the database all cases share.
func ofA[T any](xs []T, id func(T) string, ids ...string) []T {
	var out []T
	for _, x := range xs {
		if slices.Contains(ids, id(x)) {
			out = append(out, x)
		}
	}
	return out
}

// sameEntryA reports whether two access-log entries are the same, their
// times compared as instants.
func sameEntryA(a, b casus.AccessEntry) bool {
	same := a.At.Equal(b.At)
	a.At, b.At = time.Time{}, time.Time{}
	return same && a == b
}

// freshCaseA opens a ZAT case for a new student of the world's school, for
// cases that need many cases without history.
func freshCaseA(t *testing.T, c *contract) casus.Case {
	t.Helper()
	w := c.w
	s := casus.Student{SchoolID: w.school.ID, GroupID: w.group.ID, FirstName: "Nieuw", LastName: "Leerling",
		DateOfBirth: date(2008, 1, 1), StudentNumber: uniqueA("n"), Level: "3"}
	cs := casus.Case{TeamID: w.zat.ID, OpenedAt: contractEpoch.AddDate(0, -2, 0)}
	update(t, c.db, func(ctx context.Context, tx *storage.Tx) error {
		if err := tx.CreateStudent(ctx, &s); err != nil {
			return err
		}
		cs.StudentID = s.ID
		return tx.OpenCase(ctx, &cs)
	})
	return cs
}
