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

// TestRemindHandbookReviews: a document's owner hears once, on its review
// day, that it is due; not before, not twice, and nobody else.
func TestRemindHandbookReviews(t *testing.T) {
	hash := demoHash(t)
	for _, engine := range storagetest.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			db, clock, _ := demoDB(t, engine, hash)
			n0 := clock.Now().In(casus.Amsterdam)
			review := time.Date(n0.Year(), n0.Month(), n0.Day(), 0, 0, 0, 0, time.UTC).AddDate(0, 2, 0)
			var owner casus.User
			update(t, db, func(ctx context.Context, tx *storage.Tx) error {
				coord, _, err := tx.UserForLogin(ctx, demo.UserCoordinator)
				if err != nil {
					return err
				}
				if owner, _, err = tx.UserForLogin(ctx, demo.UserCareContact); err != nil {
					return err
				}
				teams, err := tx.ChairedTeams(ctx, coord.ID)
				if err != nil || len(teams) == 0 {
					t.Fatalf("the coordinator chairs no team: %v", err)
				}
				if err := tx.AddDocument(ctx, &casus.Document{TeamID: teams[0].ID, Kind: casus.DocMeldcode, Title: "Meldcode ZAT",
					OwnerID: owner.ID, Version: "3", ReviewOn: review, FileName: "meldcode.pdf", ContentType: "application/pdf",
					UploadedBy: coord.ID}, []byte("%PDF-1.4\n")); err != nil {
					return err
				}
				// A document due the same day but replaced by a newer version
				// is not reminded of.
				old := casus.Document{TeamID: teams[0].ID, Kind: casus.DocCrisis, Title: "Crisisprotocol oud", OwnerID: owner.ID,
					Version: "1", ReviewOn: review, FileName: "crisis.pdf", ContentType: "application/pdf", UploadedBy: coord.ID}
				if err := tx.AddDocument(ctx, &old, []byte("%PDF-1.4\n")); err != nil {
					return err
				}
				return tx.AddVersion(ctx, old, &casus.Document{OwnerID: owner.ID, Version: "2", ReviewOn: review.AddDate(1, 0, 0),
					FileName: "crisis-2.pdf", ContentType: "application/pdf", UploadedBy: coord.ID}, []byte("%PDF-1.4\n"))
			})
			run := func() int {
				n, err := jobs.RemindHandbookReviews(context.Background(), db)
				must(t, err)
				return n
			}
			if n := run(); n != 0 {
				t.Errorf("two months before: %d reminders", n)
			}
			clock.Set(review.Add(-2 * time.Hour)) // the evening before, Dutch time
			if n := run(); n != 0 {
				t.Errorf("the day before: %d reminders", n)
			}
			clock.Set(review.Add(9 * time.Hour))
			if n := run(); n != 1 {
				t.Errorf("on the review day: %d reminders, want 1 (the owner)", n)
			}
			if n := run(); n != 0 {
				t.Errorf("again: %d reminders, want none", n)
			}
			var msgs []casus.Message
			if err := db.View(context.Background(), func(tx *storage.Tx) (err error) {
				msgs, err = tx.Messages(context.Background(), owner.ID, 10)
				return err
			}); err != nil {
				t.Fatal(err)
			}
			found := false
			for _, m := range msgs {
				if m.Key == "message.handbook_review" {
					found = true
					if m.Link != "/handbook" || m.Args["Title"] != "Meldcode ZAT" || !strings.HasPrefix(m.Args["Due"], review.Format("2006-01-02")) {
						t.Errorf("message %+v", m)
					}
				}
			}
			if !found {
				t.Errorf("the owner has no review message")
			}
		})
	}
}
