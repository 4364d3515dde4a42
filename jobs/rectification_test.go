package jobs_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"casus"
	"casus/demo"
	"casus/jobs"
	"casus/storage"
	"casus/storage/storagetest"
)

// TestRemindOverdueRectifications: a parent's request for rectification of
// Lotte's file is told to her zorgcoördinator the day after its month ran
// out, once, in a message that names neither Lotte nor the parent; nobody
// else hears of it, and an answered request is never reminded.
func TestRemindOverdueRectifications(t *testing.T) {
	hash := demoHash(t)
	for _, engine := range storagetest.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			db, clock, _ := demoDB(t, engine, hash)
			received := clock.Now().In(casus.Amsterdam)
			received = time.Date(received.Year(), received.Month(), received.Day(), 0, 0, 0, 0, time.UTC)
			var open, answered, extended string
			update(t, db, func(ctx context.Context, tx *storage.Tx) error {
				chair, _, err := tx.UserForLogin(ctx, demo.UserCoordinator)
				if err != nil {
					return err
				}
				students, _, err := tx.StudentCandidates(ctx, chair.ID, demo.LotteNumber, 1)
				if err != nil || len(students) != 1 {
					t.Fatalf("Lotte: %v", err)
				}
				add := func(name string) (casus.RectificationRequest, error) {
					r := casus.RectificationRequest{StudentID: students[0].ID, Concerns: "Aanmelding", Requester: casus.PartyParent,
						RequesterName: name, ReceivedOn: received, Request: "Adres klopt niet.", RecordedBy: chair.ID}
					return r, tx.AddRectificationRequest(ctx, &r)
				}
				a, err := add("Marieke de Vries")
				if err != nil {
					return err
				}
				b, err := add("Jan de Vries")
				if err != nil {
					return err
				}
				b.Status, b.DecidedOn, b.DecidedBy, b.Decision = casus.RectificationRefused, received, chair.ID, "Klopt wel."
				if err := tx.DecideRectification(ctx, &b); err != nil {
					return err
				}
				x, err := add("Piet de Vries")
				if err != nil {
					return err
				}
				x.ExtendedOn, x.ExtensionReason, x.ExtendedBy = received, "Veel verzoeken tegelijk.", chair.ID
				if err := tx.ExtendRectification(ctx, &x); err != nil {
					return err
				}
				open, answered, extended = a.ID, b.ID, x.ID
				return tx.MarkRectificationInformed(ctx, b.ID, received, chair.ID)
			})
			run := func() int {
				n, err := jobs.RemindOverdueRectifications(context.Background(), db)
				must(t, err)
				return n
			}
			deadline := casus.AddMonth(received)
			clock.Set(deadline.Add(12 * time.Hour))
			if n := run(); n != 0 {
				t.Errorf("on the last day of the term: %d reminders, want none", n)
			}
			clock.Set(deadline.AddDate(0, 0, 1).Add(12 * time.Hour))
			if n := run(); n != 1 {
				t.Errorf("the day after the term: %d reminders, want 1 (the coordinator)", n)
			}
			if n := run(); n != 0 {
				t.Errorf("again: %d reminders, want none", n)
			}
			var user, link, args string
			if err := db.ReadSQL().QueryRow(`SELECT u.username, m.link, m.args FROM messages m JOIN users u ON u.id = m.user_id
				WHERE m.msg_key = 'message.rectification_overdue'`).Scan(&user, &link, &args); err != nil {
				t.Fatal(err)
			}
			if user != demo.UserCoordinator || !strings.HasSuffix(link, "/rectification/"+open) || strings.Contains(link, answered) {
				t.Errorf("reminder to %s linking %q, want the coordinator and the open request", user, link)
			}
			for _, name := range []string{"Lotte", "Vries", "Marieke"} {
				if strings.Contains(args, name) {
					t.Errorf("the reminder names %s: %s", name, args)
				}
			}
			// The extended request follows its term of three months.
			last := casus.AddMonths(received, 3)
			clock.Set(last.Add(12 * time.Hour))
			if n := run(); n != 0 {
				t.Errorf("on the last day of the extended term: %d reminders, want none", n)
			}
			clock.Set(last.AddDate(0, 0, 1).Add(12 * time.Hour))
			if n := run(); n != 1 {
				t.Errorf("the day after the extended term: %d reminders, want 1", n)
			}
			var n int
			if err := db.ReadSQL().QueryRow(`SELECT COUNT(*) FROM messages WHERE msg_key = 'message.rectification_overdue'
				AND link LIKE $1`, "%/rectification/"+extended).Scan(&n); err != nil || n != 1 {
				t.Errorf("reminders of the extended request: %d (%v), want 1", n, err)
			}
		})
	}
}
