package jobs

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/riverqueue/river"

	"casus"
	"casus/mail"
	"casus/storage"
)

// MailConfig says how messages go out by e-mail.
type MailConfig struct {
	// Mailer sends the mail: mail.SMTP, or mail.Outbox when no SMTP server
	// is configured.
	Mailer mail.Mailer
	// BaseURL is where users reach Casus, such as https://casus.school.nl;
	// the links in the mail start with it.
	BaseURL string
}

// DeliverMailArgs mails the messages not mailed yet. It runs every minute on
// the leader, and right after a job stored messages. Runs need not be
// unique: each message is claimed by one run only.
type DeliverMailArgs struct{}

// Kind names the job in the queue.
func (DeliverMailArgs) Kind() string { return "deliver_mail" }

// InsertOpts: a failed run is retried, and the next minute's run tries too.
func (DeliverMailArgs) InsertOpts() river.InsertOpts { return river.InsertOpts{MaxAttempts: 3} }

const (
	deliverEvery = time.Minute
	// deliverBatch is how many messages one query fetches.
	deliverBatch = 100
)

func deliverMailPeriodic() *river.PeriodicJob {
	return river.NewPeriodicJob(river.PeriodicInterval(deliverEvery),
		func() (river.JobArgs, *river.InsertOpts) { return DeliverMailArgs{}, nil },
		&river.PeriodicJobOpts{ID: DeliverMailArgs{}.Kind(), RunOnStart: true})
}

type deliverMailWorker struct {
	river.WorkerDefaults[DeliverMailArgs]
	db       *storage.DB
	mailer   mail.Mailer
	composer *mail.Composer
}

func (w *deliverMailWorker) Work(ctx context.Context, _ *river.Job[DeliverMailArgs]) error {
	_, err := DeliverMail(ctx, w.db, w.mailer, w.composer)
	return err
}

// DeliverMail mails every message not mailed yet, oldest first, each in a
// transaction of its own: it claims the message (storage.Tx.ClaimMessage),
// sends its mail and commits. A message another instance claimed first is
// left to it, so each mail goes out once however many instances run the job.
// When sending fails the claim rolls back and DeliverMail stops with the
// error: the server is likely down, and a later run sends the message.
// Recipients without an address, disabled ones, and messages without e-mail
// text are marked and skipped; the last is reported as an error after the
// others went out. It returns how many mails it sent.
func DeliverMail(ctx context.Context, db *storage.DB, mailer mail.Mailer, c *mail.Composer) (int, error) {
	sent := 0
	var errs []error
	for {
		var pending []storage.Unmailed
		err := db.View(ctx, func(tx *storage.Tx) error {
			var err error
			pending, err = tx.UnmailedMessages(ctx, deliverBatch)
			return err
		})
		if err != nil {
			return sent, err
		}
		claimed := 0
		for _, p := range pending {
			// A stop (ctx done) is honoured between messages only. Once a
			// mail went out its claim must commit, so the transaction runs
			// on a context the stop does not cancel: database/sql rolls a
			// transaction back when its context ends, and the restarted
			// process would send the mail again. Only the sending itself
			// is cut off by the stop; then the claim rolls back and the
			// mail goes out once, later.
			if err := ctx.Err(); err != nil {
				return sent, err
			}
			tctx := context.WithoutCancel(ctx)
			var first, mailed bool
			err := db.Update(tctx, func(tx *storage.Tx) error {
				var err error
				if first, err = tx.ClaimMessage(tctx, p.Message.ID); err != nil || !first {
					return err
				}
				if p.Email == "" || p.Disabled {
					return tx.SkipMail(tctx, p.Message.ID)
				}
				m, err := c.Compose(p.Message, p.Email, p.Lang)
				if err != nil {
					errs = append(errs, err)
					return tx.SkipMail(tctx, p.Message.ID)
				}
				m.CreatedAt = tx.Now()
				if err := mailer.Send(ctx, tx, m); err != nil {
					return err
				}
				if casus.SecretLinkMessage(p.Message.Key) {
					// The one-time link is out; keep it nowhere in the clear.
					if err := tx.ForgetMessageLink(tctx, p.Message.ID); err != nil {
						return err
					}
				}
				mailed = true
				return nil
			})
			if err != nil {
				return sent, fmt.Errorf("mail message %s: %w", p.Message.ID, err)
			}
			if first {
				claimed++
			}
			if mailed {
				sent++
			}
		}
		// A full batch may have more behind it; one in which every message
		// was someone else's leaves them to that instance.
		if len(pending) < deliverBatch || claimed == 0 {
			return sent, errors.Join(errs...)
		}
	}
}
