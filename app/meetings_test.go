package app

import (
	"context"
	"slices"
	"testing"
	"time"

	"casus"
	"casus/demo"
	"casus/storage"
	"casus/storage/storagetest"
)

// TestMeetingRhythm: the chair of an mbo team saves the team's meeting
// rhythm, saves it again as it stands, and then changes it. Saving it again changes
// nothing — the coming meetings keep their ids (the agenda links sent out
// keep working) and no referral already on an agenda, discussed or not, is
// put on one again. A new rhythm keeps every meeting that has items and
// cancels, not deletes, the empty ones off the new rhythm. On both engines,
// for the intern zorgteam and the ZAT.
func TestMeetingRhythm(t *testing.T) {
	for _, engine := range storagetest.Engines(t) {
		for _, teamName := range []string{demo.TeamMBOIntern, demo.TeamMBOZAT} {
			t.Run(engine+"/"+teamName, func(t *testing.T) { testMeetingRhythm(t, engine, teamName) })
		}
	}
}

func testMeetingRhythm(t *testing.T, engine, teamName string) {
	e := start(t, engine)
	ctx := context.Background()
	chair := e.actor(demo.UserCoordinator)
	team := e.id(`SELECT CAST(id AS TEXT) FROM care_teams WHERE name = $1`, teamName)
	upcoming := func() []casus.Meeting {
		var ms []casus.Meeting
		if err := e.db.View(ctx, func(tx *storage.Tx) (err error) {
			ms, err = tx.UpcomingMeetings(ctx, team, tx.Now(), 10)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		return ms
	}
	ids := func(ms []casus.Meeting) []string {
		var out []string
		for _, m := range ms {
			out = append(out, m.ID)
		}
		return out
	}
	// items counts the team's agenda items that came from a referral
	// or a crisis: an evaluation that falls due goes on the next
	// agenda by itself, saving a rhythm or not.
	items := func() int {
		return e.count(`SELECT COUNT(*) FROM agenda_items a JOIN meetings m ON m.id = a.meeting_id
					WHERE m.team_id = $1 AND a.kind IN ('referral', 'crisis')`, team)
	}
	var rec casus.Recurrence
	var minutes int
	var location string
	if err := e.db.ReadSQL().QueryRow(`SELECT first_at, every_weeks, month_week, duration_minutes, location
				FROM meeting_series WHERE team_id = $1 AND ended_at IS NULL`, team).
		Scan(&rec.First, &rec.EveryWeeks, &rec.MonthWeek, &minutes, &location); err != nil {
		t.Fatal(err)
	}
	rec.Duration = time.Duration(minutes) * time.Minute
	// Saved once: what is ready for discussion goes on the agenda (Lotte's
	// accepted referral to the intern zorgteam sits on none).
	if err := e.app.SaveMeetingRhythm(ctx, chair, team, rec, location, 0, nil); err != nil {
		t.Fatal(err)
	}
	before, itemsBefore := upcoming(), items()
	if len(before) == 0 {
		t.Fatal("fixture: the ZAT has no coming meetings")
	}

	t.Run("SavedAgain/NothingChanges", func(t *testing.T) {
		if err := e.app.SaveMeetingRhythm(ctx, chair, team, rec, location, 0, nil); err != nil {
			t.Fatal(err)
		}
		if after := upcoming(); !slices.Equal(ids(after), ids(before)) {
			t.Errorf("meetings after saving the same rhythm: %v, want the same ids %v", ids(after), ids(before))
		}
		if n := items(); n != itemsBefore {
			t.Errorf("%d agenda items after saving the same rhythm, want %d: a case went on an agenda again", n, itemsBefore)
		}
	})

	t.Run("NewRhythm/KeepsOrCancels", func(t *testing.T) {
		withItems := map[string]bool{}
		for _, m := range before {
			if e.count(`SELECT COUNT(*) FROM agenda_items WHERE meeting_id = $1`, m.ID) > 0 {
				withItems[m.ID] = true
			}
		}
		other := rec
		other.First = rec.First.Add(26 * time.Hour) // the next day, two hours later
		if err := e.app.SaveMeetingRhythm(ctx, chair, team, other, location, 0, nil); err != nil {
			t.Fatal(err)
		}
		for _, m := range before {
			var status string
			if err := e.db.ReadSQL().QueryRow(`SELECT status FROM meetings WHERE id = $1`, m.ID).Scan(&status); err != nil {
				t.Errorf("meeting %s of the old rhythm is gone: %v", m.ID, err)
				continue
			}
			want := string(casus.MeetingCancelled)
			if withItems[m.ID] {
				want = string(casus.MeetingPlanned)
			}
			if status != want {
				t.Errorf("meeting of %v (items: %v) is %s, want %s", m.StartsAt, withItems[m.ID], status, want)
			}
		}
		if n := items(); n != itemsBefore {
			t.Errorf("%d agenda items after a new rhythm, want %d", n, itemsBefore)
		}
	})
}
