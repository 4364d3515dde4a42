package jobs_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"casus"
	"casus/auth"
	"casus/demo"
	"casus/jobs"
	"casus/storage"
	"casus/storage/storagetest"
)

// TestDispatchAgendas: with the demo data, Milan's crisis stands on the mbo
// ZAT's next meeting. Before the send-by day nothing goes out; after it every
// member who may see the item gets one message — the police too, invited
// for Milan — and nobody outside the team does; the messages name no
// student; a second run sends nothing.
func TestDispatchAgendas(t *testing.T) {
	hash := demoHash(t)
	for _, engine := range storagetest.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			db, clock, meeting := demoDB(t, engine, hash)
			sendBy := casus.SendBy(meeting.StartsAt, casus.AgendaSendDays)
			if clock.Now().Before(sendBy) {
				clock.Set(sendBy.Add(-time.Hour))
				if n, err := jobs.DispatchAgendas(context.Background(), db); err != nil || n != 0 {
					t.Fatalf("an hour before the send-by moment: %d messages, %v", n, err)
				}
			}
			clock.Set(sendBy.Add(time.Hour))
			n, err := jobs.DispatchAgendas(context.Background(), db)
			if err != nil || n == 0 {
				t.Fatalf("after the send-by moment: %d messages, %v", n, err)
			}
			messages := func(username string) []casus.Message {
				var ms []casus.Message
				view(t, db, func(ctx context.Context, tx *storage.Tx) error {
					u, _, err := tx.UserForLogin(ctx, username)
					if err != nil {
						return err
					}
					ms, err = tx.Messages(ctx, u.ID, 10)
					return err
				})
				return ms
			}
			for _, user := range []string{demo.UserCoordinator, demo.UserGGD, demo.UserPolice} {
				ms := messages(user)
				if len(ms) != 1 || ms[0].Link != "/meetings/"+meeting.ID || ms[0].Args["N"] == "" {
					t.Errorf("%s: messages %+v, want one for the meeting", user, ms)
				}
				for _, m := range ms {
					for _, v := range m.Args {
						if strings.Contains(v, "Milan") || strings.Contains(v, "Ridder") {
							t.Errorf("%s: a message names the student: %+v", user, m)
						}
					}
				}
			}
			for _, user := range []string{demo.UserMentor, demo.UserManagement, demo.UserIB} {
				if ms := messages(user); len(ms) != 0 {
					t.Errorf("%s, outside the team, got %+v", user, ms)
				}
			}
			if n, err := jobs.DispatchAgendas(context.Background(), db); err != nil || n != 0 {
				t.Errorf("second run: %d messages, %v; want none", n, err)
			}
		})
	}
}

// TestAftercare: three months after the ZAT discussed Milan's crisis, the
// aftercare task exists once and the chair has a message about it; not a
// day before.
func TestAftercare(t *testing.T) {
	hash := demoHash(t)
	for _, engine := range storagetest.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			db, clock, meeting := demoDB(t, engine, hash)
			clock.Set(meeting.StartsAt.AddDate(0, 3, -1))
			// Noor (demo E) was discussed weeks before the coming meeting.
			if n, err := jobs.CreateAftercareTasks(context.Background(), db); err != nil || n != 1 {
				t.Fatalf("a day before three months: %d tasks, %v; want 1 (Noor)", n, err)
			}
			clock.Set(meeting.StartsAt.AddDate(0, 3, 0).Add(time.Hour))
			if n, err := jobs.CreateAftercareTasks(context.Background(), db); err != nil || n != 1 {
				t.Fatalf("three months after: %d tasks, %v; want 1 (Milan)", n, err)
			}
			if n, err := jobs.CreateAftercareTasks(context.Background(), db); err != nil || n != 0 {
				t.Errorf("second run: %d tasks, %v; want none", n, err)
			}
			var ms []casus.Message
			view(t, db, func(ctx context.Context, tx *storage.Tx) error {
				u, _, err := tx.UserForLogin(ctx, demo.UserCoordinator)
				if err != nil {
					return err
				}
				ms, err = tx.Messages(ctx, u.ID, 10)
				return err
			})
			if len(ms) == 0 || ms[0].Key != "message.aftercare" || !strings.HasSuffix(ms[0].Link, "/aftercare") {
				t.Errorf("the chair's messages: %+v", ms)
			}
		})
	}
}

// demoHash hashes the demo password once per test.
func demoHash(t *testing.T) string {
	t.Helper()
	hash, err := auth.HashPassword(demo.Password)
	must(t, err)
	return hash
}

// demoDB opens a database of the engine with the demo data and returns it,
// its clock and the first stored meeting ahead: the mbo ZAT's, with Milan's
// crisis on its agenda.
func demoDB(t *testing.T, engine, hash string) (*storage.DB, *storagetest.Clock, casus.Meeting) {
	t.Helper()
	clock := storagetest.NewClock(time.Now())
	db := storagetest.Open(t, engine, clock.Now)
	must(t, demo.Load(context.Background(), db, func(string) (string, error) { return hash, nil }, clock.Now()))
	var meeting casus.Meeting
	view(t, db, func(ctx context.Context, tx *storage.Tx) error {
		ms, err := tx.UndispatchedMeetings(ctx, clock.Now(), clock.Now().AddDate(0, 2, 0))
		if err != nil {
			return err
		}
		// Meetings are stored ahead (storage.MeetingsAhead): the first one
		// with something on its agenda.
		for _, m := range ms {
			items, err := tx.Agenda(ctx, m.ID)
			if err != nil {
				return err
			}
			if len(items) > 0 {
				meeting = m
				return nil
			}
		}
		t.Fatalf("no stored meeting ahead with an agenda")
		return nil
	})
	return db, clock, meeting
}

// TestRemindOverdueActions: the day after an action's due day its owner is
// reminded, once; a week later the chair too, once; the messages name no
// student.
func TestRemindOverdueActions(t *testing.T) {
	hash := demoHash(t)
	for _, engine := range storagetest.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			db, clock, _ := demoDB(t, engine, hash)
			var owner, chair string
			view(t, db, func(ctx context.Context, tx *storage.Tx) error {
				o, _, err := tx.UserForLogin(ctx, "ggz")
				if err != nil {
					return err
				}
				c, _, err := tx.UserForLogin(ctx, demo.UserCoordinator)
				owner, chair = o.ID, c.ID
				return err
			})
			today := clock.Now().UTC().Truncate(24 * time.Hour)
			update(t, db, func(ctx context.Context, tx *storage.Tx) error {
				students, rels, err := tx.StudentCandidates(ctx, chair, demo.LotteNumber, 1)
				if err != nil || len(students) != 1 || !rels[0].Coordinator {
					t.Fatalf("Lotte: %v", err)
				}
				cases, err := tx.Cases(ctx, students[0].ID)
				if err != nil {
					return err
				}
				for _, c := range cases {
					if c.TeamKind == casus.TeamZAT && c.Status == casus.CaseOpen {
						return tx.CreateAction(ctx, &casus.Action{CaseID: c.ID, StudentID: students[0].ID, OwnerID: owner,
							Description: "Intake", DueOn: today.AddDate(0, 0, 1), CreatedBy: chair})
					}
				}
				t.Fatal("Lotte has no open ZAT case")
				return nil
			})
			run := func() int {
				n, err := jobs.RemindOverdueActions(context.Background(), db)
				must(t, err)
				return n
			}
			// The demo's overdue actions (Noor's plan, E): their owners and the chair.
			if n := run(); n != 4 {
				t.Errorf("the demo's overdue actions: %d reminders, want 4", n)
			}
			if n := run(); n != 0 {
				t.Errorf("before the due day: %d reminders", n)
			}
			clock.Add(48 * time.Hour)
			if n := run(); n != 1 {
				t.Errorf("the day after the due day: %d reminders, want 1 (the owner)", n)
			}
			if n := run(); n != 0 {
				t.Errorf("again: %d reminders, want none", n)
			}
			clock.Add(7 * 24 * time.Hour)
			if n := run(); n != 1 {
				t.Errorf("a week later: %d reminders, want 1 (the chair)", n)
			}
			var ms []casus.Message
			view(t, db, func(ctx context.Context, tx *storage.Tx) error {
				var err error
				ms, err = tx.Messages(ctx, chair, 10)
				return err
			})
			if len(ms) == 0 || ms[0].Key != "message.action_overdue_chair" {
				t.Fatalf("chair's messages: %+v", ms)
			}
			for _, v := range ms[0].Args {
				if strings.Contains(v, "Lotte") || strings.Contains(v, "Verhagen") {
					t.Errorf("the reminder names the student: %+v", ms[0])
				}
			}
		})
	}
}

// TestRemindExpiringConsent: two weeks before Lotte's consent ends the chair
// is told, once, in a message that names no student.
func TestRemindExpiringConsent(t *testing.T) {
	hash := demoHash(t)
	for _, engine := range storagetest.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			db, clock, _ := demoDB(t, engine, hash)
			ends := clock.Now().AddDate(0, 1, 0)
			update(t, db, func(ctx context.Context, tx *storage.Tx) error {
				chair, _, err := tx.UserForLogin(ctx, demo.UserCoordinator)
				if err != nil {
					return err
				}
				c, err := storagetest.OpenCase(ctx, tx, chair.ID, demo.LotteNumber, casus.TeamZAT)
				if err != nil {
					return err
				}
				return tx.RecordConsent(ctx, &casus.Consent{CaseID: c.ID, StudentID: c.StudentID, Giver: casus.GiverStudent,
					GiverName: "Lotte", Mode: casus.ConsentGiven, How: casus.HowConversation, GivenAt: clock.Now(), ExpiresAt: &ends,
					Scope: []casus.Discipline{casus.DiscGGZ}, RecordedBy: chair.ID})
			})
			run := func() int {
				n, err := jobs.RemindExpiringConsent(context.Background(), db)
				must(t, err)
				return n
			}
			if n := run(); n != 0 {
				t.Errorf("a month before: %d reminders", n)
			}
			clock.Set(ends.AddDate(0, 0, -13))
			if n := run(); n != 1 {
				t.Errorf("13 days before: %d reminders, want 1 (the chair)", n)
			}
			if n := run(); n != 0 {
				t.Errorf("again: %d reminders, want none", n)
			}
		})
	}
}

// TestScheduleFollowUps: Noor's evaluation day (demo E) was yesterday. The
// job puts her follow-up on the ZAT's next agenda and tells the chair and
// her case coordinator (school social work), once; the message names no
// student. A second run does nothing.
func TestScheduleFollowUps(t *testing.T) {
	hash := demoHash(t)
	for _, engine := range storagetest.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			db, _, _ := demoDB(t, engine, hash)
			n, err := jobs.ScheduleFollowUps(context.Background(), db)
			if err != nil || n != 2 {
				t.Fatalf("first run: %d messages, %v; want 2", n, err)
			}
			if again, err := jobs.ScheduleFollowUps(context.Background(), db); err != nil || again != 0 {
				t.Errorf("second run: %d messages, %v; want 0", again, err)
			}
			var items int
			var link, args string
			if err := db.ReadSQL().QueryRow(`SELECT COUNT(*) FROM agenda_items a JOIN cases c ON c.id = a.case_id
				JOIN students s ON s.id = c.student_id WHERE a.kind = 'follow_up' AND s.student_number = $1`, demo.FollowUpNumber).Scan(&items); err != nil {
				t.Fatal(err)
			}
			if err := db.ReadSQL().QueryRow(`SELECT m.link, m.args FROM messages m JOIN users u ON u.id = m.user_id
				WHERE u.username = 'smw' AND m.msg_key = 'message.evaluation_due'`).Scan(&link, &args); err != nil {
				t.Fatal(err)
			}
			if items != 1 {
				t.Errorf("Noor's follow-up is on %d agendas, want 1", items)
			}
			if !strings.HasPrefix(link, "/meetings/") || strings.Contains(args, "Noor") {
				t.Errorf("case coordinator's message: link %q, args %q", link, args)
			}
		})
	}
}
