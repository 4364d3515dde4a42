package jobs_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"casus"
	"casus/jobs"
	"casus/mail"
	"casus/mail/mailtest"
	"casus/storage"
	"casus/storage/storagetest"
)

// stopAfter is a Mailer whose process is told to stop (its context
// cancelled) right after the SMTP server accepted the after-th mail: the
// moment between the send and the commit of the message's claim.
type stopAfter struct {
	mail.Mailer
	after, sent int
	stop        context.CancelFunc
}

func (s *stopAfter) Send(ctx context.Context, tx *storage.Tx, m casus.Mail) error {
	if err := s.Mailer.Send(ctx, tx, m); err != nil {
		return err
	}
	if s.sent++; s.sent == s.after {
		s.stop()
	}
	return nil
}

// TestDeliverMailStoppedMidway: a shutdown that arrives right after a mail
// went out still records it as mailed, delivery stops before the next one,
// and the run after the restart sends each remaining message: every message
// reaches the server exactly once.
func TestDeliverMailStoppedMidway(t *testing.T) {
	hash := demoHash(t)
	for _, engine := range storagetest.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			clock := storagetest.NewClock(time.Now())
			db := storagetest.Open(t, engine, clock.Now)
			dueDemo(t, db, clock, hash)
			makeDue(t, db)
			messages, _ := mailed(t, db)
			if len(messages) < 3 {
				t.Fatalf("%d messages, want at least 3", len(messages))
			}
			sink := mailtest.NewSink(t)
			smtp, err := mail.NewSMTP(sink.URL(), "Casus <casus@school.example>")
			must(t, err)
			composer, err := mail.NewComposer(baseURL)
			must(t, err)

			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			n, err := jobs.DeliverMail(ctx, db, &stopAfter{Mailer: smtp, after: 2, stop: cancel}, composer)
			if n != 2 || !errors.Is(err, context.Canceled) {
				t.Errorf("the stopped run sent %d and returned %v; want 2 and context.Canceled", n, err)
			}
			if _, unhandled := mailed(t, db); unhandled != len(messages)-2 {
				t.Errorf("after the stop %d messages wait, want %d: the two sent ones are recorded as mailed", unhandled, len(messages)-2)
			}

			// The restarted process delivers the rest.
			n, err = jobs.DeliverMail(context.Background(), db, smtp, composer)
			must(t, err)
			if n != len(messages)-2 {
				t.Errorf("after the restart %d sent, want %d", n, len(messages)-2)
			}
			sink.CheckEachOnce(t, messages, "school.example")
		})
	}
}
