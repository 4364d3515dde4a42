package jobs

import (
	"context"
	"time"

	"github.com/riverqueue/river"

	"casus"
	"casus/storage"
)

// HandbookReviewArgs reminds the owners of handbook documents whose review
// day has come. It runs every hour on the leader; Hour makes one run per
// hour unique.
type HandbookReviewArgs struct {
	Hour time.Time `json:"hour" river:"unique"`
}

// Kind names the job in the queue.
func (HandbookReviewArgs) Kind() string { return "handbook_review" }

// InsertOpts makes the job unique per hour.
func (HandbookReviewArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{MaxAttempts: 5, UniqueOpts: river.UniqueOpts{ByArgs: true}}
}

func handbookReviewPeriodic(db *storage.DB) *river.PeriodicJob {
	return periodic(db, time.Hour, func(hour time.Time) river.JobArgs { return HandbookReviewArgs{Hour: hour} })
}

type handbookReviewWorker struct {
	river.WorkerDefaults[HandbookReviewArgs]
	db      *storage.DB
	deliver func(context.Context) error // enqueues mail delivery
}

func (w *handbookReviewWorker) Work(ctx context.Context, _ *river.Job[HandbookReviewArgs]) error {
	n, err := RemindHandbookReviews(ctx, w.db)
	if err != nil || n == 0 {
		return err
	}
	return w.deliver(ctx)
}

// RemindHandbookReviews tells the owner of each handbook document whose
// review day has come, once per document, that it is due. It returns how
// many messages it stored.
func RemindHandbookReviews(ctx context.Context, db *storage.DB) (int, error) {
	sent := 0
	err := db.Update(ctx, func(tx *storage.Tx) error {
		today := casus.CareDay(tx.Now())
		docs, err := tx.DocumentsDue(ctx, today)
		if err != nil {
			return err
		}
		for _, d := range docs {
			first, err := tx.MarkReminded(ctx, d.ID, "handbook_review")
			if err != nil {
				return err
			}
			if !first {
				continue
			}
			msg := casus.Message{UserID: d.OwnerID, Key: "message.handbook_review", Link: "/handbook",
				Args: map[string]string{"Title": d.Title, "Version": d.Version, "Due": d.ReviewOn.Format(time.RFC3339)}}
			if err := tx.AddMessage(ctx, &msg); err != nil {
				return err
			}
			sent++
		}
		return nil
	})
	return sent, err
}
