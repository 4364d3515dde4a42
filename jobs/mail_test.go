package jobs_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"casus"
	"casus/demo"
	"casus/jobs"
	"casus/mail"
	"casus/mail/mailtest"
	"casus/storage"
	"casus/storage/storagetest"
)

// dueSubjects are the subjects, in Dutch, of the mails of every kind of
// reminder dueDemo makes due (ZAT is the mbo ZAT's name).
var dueSubjects = []string{
	"Casus: agenda van " + zat + " voor",
	"Casus: je actie voor " + zat + " staat over de datum",
	"Casus: een actie voor " + zat + " staat een week over de datum",
	"Casus: een toestemming in " + zat + " verloopt op",
	"Casus: tijd voor nazorg in " + zat,
}

const zat = demo.TeamMBOZAT

// dueDemo loads the demo data into db as it was five months before the
// clock's time and sets up, as of the returned moment T, one reminder of
// each kind on the mbo ZAT: Milan's crisis was discussed over three months
// ago (aftercare); an action of ggz for Lotte was due ten days ago (owner
// and chair); Lotte's consent ends in ten days; and the agenda of the ZAT's
// next meeting, with Lotte on it, is due out. The clock is left at T.
func dueDemo(t *testing.T, db *storage.DB, clock *storagetest.Clock, hash string) time.Time {
	t.Helper()
	now := clock.Now()
	clock.Set(now.AddDate(0, -5, 0))
	must(t, demo.Load(context.Background(), db, func(string) (string, error) { return hash, nil }, clock.Now()))
	clock.Set(now)
	var chair, ggz casus.User
	var lotte casus.Case
	var next casus.Meeting
	update(t, db, func(ctx context.Context, tx *storage.Tx) error {
		var err error
		if chair, _, err = tx.UserForLogin(ctx, demo.UserCoordinator); err != nil {
			return err
		}
		if ggz, _, err = tx.UserForLogin(ctx, "ggz"); err != nil {
			return err
		}
		if lotte, err = storagetest.OpenCase(ctx, tx, chair.ID, demo.LotteNumber, casus.TeamZAT); err != nil {
			return err
		}
		if lotte.TeamName != zat {
			t.Fatalf("Lotte's open ZAT case is at %s, want %s", lotte.TeamName, zat)
		}
		next, err = tx.NextMeeting(ctx, lotte.TeamID, now)
		return err
	})
	at := casus.SendBy(next.StartsAt, casus.AgendaSendDays).Add(time.Hour)
	update(t, db, func(ctx context.Context, tx *storage.Tx) error {
		return tx.AddAgendaItem(ctx, &casus.AgendaItem{MeetingID: next.ID, CaseID: lotte.ID, Kind: casus.AgendaChair, AddedBy: chair.ID})
	})
	clock.Set(at.AddDate(0, 0, -30))
	ends := at.AddDate(0, 0, 10)
	update(t, db, func(ctx context.Context, tx *storage.Tx) error {
		return tx.RecordConsent(ctx, &casus.Consent{CaseID: lotte.ID, StudentID: lotte.StudentID, Giver: casus.GiverStudent,
			GiverName: "Lotte", Mode: casus.ConsentGiven, How: casus.HowConversation, GivenAt: clock.Now(), ExpiresAt: &ends,
			Scope: []casus.Discipline{casus.DiscGGZ}, RecordedBy: chair.ID})
	})
	clock.Set(at.AddDate(0, 0, -20))
	update(t, db, func(ctx context.Context, tx *storage.Tx) error {
		return tx.CreateAction(ctx, &casus.Action{CaseID: lotte.ID, StudentID: lotte.StudentID, OwnerID: ggz.ID,
			Description: "Intake", DueOn: at.UTC().Truncate(24*time.Hour).AddDate(0, 0, -10), CreatedBy: chair.ID})
	})
	clock.Set(at)
	return at
}

// makeDue stores the reminders dueDemo set up, as the leader's jobs do.
func makeDue(t *testing.T, db *storage.DB) {
	t.Helper()
	ctx := context.Background()
	for _, run := range []func(context.Context, *storage.DB) (int, error){
		jobs.DispatchAgendas, jobs.RemindOverdueActions, jobs.RemindExpiringConsent, jobs.CreateAftercareTasks,
	} {
		if n, err := run(ctx, db); err != nil || n == 0 {
			t.Fatalf("nothing due: %d, %v", n, err)
		}
	}
}

// mailed is what the messages table says about e-mail: the messages whose
// recipient has an address, and how many of all messages are not handled.
func mailed(t *testing.T, db *storage.DB) (withAddress map[string]string, unhandled int) {
	t.Helper()
	rows, err := db.ReadSQL().QueryContext(t.Context(), `SELECT CAST(m.id AS TEXT), u.email, m.mailed_at IS NULL
		FROM messages m JOIN users u ON u.id = m.user_id`)
	must(t, err)
	defer rows.Close()
	withAddress = map[string]string{}
	for rows.Next() {
		var id, email string
		var open bool
		must(t, rows.Scan(&id, &email, &open))
		if open {
			unhandled++
		}
		if email != "" {
			withAddress[id] = email
		}
	}
	must(t, rows.Err())
	return withAddress, unhandled
}

// checkSink checks that the sink holds exactly one mail per message with an
// address (by Message-ID), to that address; one per recipient and subject;
// a mail of every kind in dueSubjects; absolute links; and no student's
// name.
func checkSink(t *testing.T, sink *mailtest.Sink, messages map[string]string) {
	t.Helper()
	sink.CheckEachOnce(t, messages, "school.example")
	perSubject := map[string]int{}
	for _, r := range sink.Mails() {
		perSubject[strings.Join(r.To, ",")+" | "+r.Subject]++
		for _, name := range []string{"Lotte", "Verhagen", "Milan", "de Ridder", "Noor", "Bakker"} {
			if strings.Contains(r.Subject, name) || strings.Contains(r.Body, name) {
				t.Errorf("a mail names the student (%s): %s\n%s", name, r.Subject, r.Body)
			}
		}
		if !strings.Contains(r.Body, "\n"+baseURL+"/") {
			t.Errorf("mail without an absolute link: %s", r.Body)
		}
	}
	for key, n := range perSubject {
		t.Logf("%d× %s", n, key)
	}
	for _, want := range dueSubjects {
		found := false
		for key := range perSubject {
			found = found || strings.Contains(key, want)
		}
		if !found {
			t.Errorf("no mail %q…", want)
		}
	}
}

// TestDeliverMail: with the clock past the due dates, every reminder's mail
// reaches the SMTP sink once, in the recipient's language; a second run
// sends nothing; a refused mail is sent on the next run; a recipient without
// an address is skipped; the outbox keeps mail instead of sending it.
func TestDeliverMail(t *testing.T) {
	hash := demoHash(t)
	for _, engine := range storagetest.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			clock := storagetest.NewClock(time.Now())
			db := storagetest.Open(t, engine, clock.Now)
			dueDemo(t, db, clock, hash)
			var police casus.User
			update(t, db, func(ctx context.Context, tx *storage.Tx) error {
				var err error
				if police, _, err = tx.UserForLogin(ctx, demo.UserPolice); err != nil {
					return err
				}
				ggd, _, err := tx.UserForLogin(ctx, demo.UserGGD)
				if err != nil {
					return err
				}
				return tx.SetUserLang(ctx, ggd.ID, "en")
			})
			makeDue(t, db)
			sink := mailtest.NewSink(t)
			smtp, err := mail.NewSMTP(sink.URL(), "Casus <casus@school.example>")
			must(t, err)
			composer, err := mail.NewComposer(baseURL)
			must(t, err)
			deliver := func() (int, error) { return jobs.DeliverMail(context.Background(), db, smtp, composer) }

			t.Run("ErrServerRefuses", func(t *testing.T) {
				sink.FailNext(1)
				if n, err := deliver(); err == nil || n != 0 {
					t.Errorf("with the server refusing: %d sent, %v; want 0 and the error", n, err)
				}
				if _, unhandled := mailed(t, db); unhandled == 0 {
					t.Error("the refused message is marked as mailed")
				}
			})

			messages, _ := mailed(t, db)
			n, err := deliver()
			must(t, err)
			if n != len(messages) {
				t.Errorf("sent %d mails, want %d", n, len(messages))
			}
			checkSink(t, sink, messages)
			english := 0
			for _, r := range sink.Mails() {
				if r.To[0] == demo.UserGGD+"@"+demo.EmailDomain {
					english++
					if !strings.HasPrefix(r.Subject, "Casus: agenda of ") || !strings.HasPrefix(r.Body, "Hello,") {
						t.Errorf("ggd reads English, got %q\n%s", r.Subject, r.Body)
					}
				}
			}
			if english == 0 {
				t.Error("no mail to ggd")
			}
			if n, err := deliver(); err != nil || n != 0 {
				t.Errorf("second run: %d sent, %v; want none", n, err)
			}

			t.Run("NoAddress", func(t *testing.T) {
				_, err := db.SQL().ExecContext(t.Context(), `UPDATE users SET email = '' WHERE id = $1`, police.ID)
				must(t, err)
				m := casus.Message{UserID: police.ID, Key: "message.agenda", Link: "/meetings/x", Args: map[string]string{"Team": zat, "N": "1"}}
				update(t, db, func(ctx context.Context, tx *storage.Tx) error { return tx.AddMessage(ctx, &m) })
				before := len(sink.Mails())
				if n, err := deliver(); err != nil || n != 0 || len(sink.Mails()) != before {
					t.Errorf("a recipient without an address: %d sent, %v", n, err)
				}
				view(t, db, func(ctx context.Context, tx *storage.Tx) error {
					skipped, err := tx.MailSkipped(ctx, m.ID)
					if !skipped {
						t.Error("the message is not marked skipped")
					}
					return err
				})
				if _, unhandled := mailed(t, db); unhandled != 0 {
					t.Errorf("%d messages left unhandled", unhandled)
				}
			})

			t.Run("Outbox", func(t *testing.T) {
				var coordinator casus.User
				update(t, db, func(ctx context.Context, tx *storage.Tx) error {
					var err error
					coordinator, _, err = tx.UserForLogin(ctx, demo.UserCoordinator)
					if err != nil {
						return err
					}
					return tx.AddMessage(ctx, &casus.Message{UserID: coordinator.ID, Key: "message.aftercare", Link: "/cases/x/aftercare",
						Args: map[string]string{"Team": zat}})
				})
				before := len(sink.Mails())
				if n, err := jobs.DeliverMail(context.Background(), db, mail.Outbox{}, composer); err != nil || n != 1 {
					t.Fatalf("outbox: %d kept, %v; want 1", n, err)
				}
				var ms []casus.Mail
				view(t, db, func(ctx context.Context, tx *storage.Tx) error {
					var err error
					ms, err = tx.OutboxMails(ctx, "", 10)
					return err
				})
				if len(ms) != 1 || ms[0].To != coordinator.Email || ms[0].Subject != "Casus: tijd voor nazorg in "+zat ||
					!strings.Contains(ms[0].Body, baseURL+"/cases/x/aftercare") || len(sink.Mails()) != before {
					t.Errorf("outbox %+v; the sink got %d more", ms, len(sink.Mails())-before)
				}
			})
		})
	}
}

// TestMailExactlyOnceTwoInstances runs two instances on one PostgreSQL
// database, as two application servers do, both sending to one SMTP server,
// with the clock past the due dates. The leader's jobs store the reminders;
// the delivery jobs of both instances mail them; each reaches the server
// exactly once. Then both instances deliver a batch of messages at once.
func TestMailExactlyOnceTwoInstances(t *testing.T) {
	for _, engine := range storagetest.PostgresOnly(t) { // one process owns a SQLite file
		t.Run(engine, func(t *testing.T) {
			url := storagetest.DatabaseURL(t)
			clock := storagetest.NewClock(time.Now())
			dbs := [2]*storage.DB{open(t, url, clock, "a"), open(t, url, clock, "b")}
			dueDemo(t, dbs[0], clock, demoHash(t))
			sink := mailtest.NewSink(t)
			var mailers [2]mail.Mailer
			var counted [2]*countingMailer
			for i := range mailers {
				s, err := mail.NewSMTP(sink.URL(), "Casus <casus@school.example>")
				must(t, err)
				counted[i] = &countingMailer{Mailer: s}
				mailers[i] = counted[i]
			}
			runners := [2]*jobs.Runner{startMailing(t, dbs[0], nil, mailers[0]), startMailing(t, dbs[1], nil, mailers[1])}

			// The leader's reminder jobs run on start; each enqueues a
			// delivery, and the periodic delivery runs too.
			kinds := func() int {
				n := 0
				for _, want := range dueSubjects {
					for _, r := range sink.Mails() {
						if strings.HasPrefix(r.Subject, want) {
							n++
							break
						}
					}
				}
				return n
			}
			waitFor(t, "a mail of every kind", func() bool { return kinds() == len(dueSubjects) })
			waitFor(t, "every message handled", func() bool {
				messages, unhandled := mailed(t, dbs[0])
				return unhandled == 0 && len(sink.Mails()) >= len(messages)
			})
			// Both instances stop, finishing what they were sending: a stray
			// second send would be in the sink now.
			for _, r := range runners {
				must(t, r.Stop(context.Background()))
			}
			messages, _ := mailed(t, dbs[0])
			checkSink(t, sink, messages)
			t.Logf("%d reminders mailed once each by two instances (a sent %d, b %d)", len(sink.Mails()),
				counted[0].n.Load(), counted[1].n.Load())

			t.Run("ConcurrentDelivery", func(t *testing.T) {
				// Both instances deliver the same 40 messages at the same
				// time, bypassing the queue (the runners have stopped): the
				// claims alone keep each mail single.
				const n = 40
				update(t, dbs[0], func(ctx context.Context, tx *storage.Tx) error {
					members, err := tx.TeamMembers(ctx, teamOf(t, tx, zat))
					if err != nil {
						return err
					}
					for i := range n {
						// Every other one is a notification, written by a use case.
						key := "message.agenda"
						if i%2 == 1 {
							key = casus.MsgReferralSubmitted
						}
						m := casus.Message{UserID: members[i%len(members)].User.ID, Key: key, Link: "/meetings/x",
							Args: map[string]string{"Team": zat, "N": fmt.Sprint(i + 1)}}
						if err := tx.AddMessage(ctx, &m); err != nil {
							return err
						}
					}
					return nil
				})
				composer, err := mail.NewComposer(baseURL)
				must(t, err)
				before := len(sink.Mails())
				var wg sync.WaitGroup
				var sent [2]int
				for i := range dbs {
					wg.Go(func() {
						var err error
						sent[i], err = jobs.DeliverMail(context.Background(), dbs[i], mailers[i], composer)
						if err != nil {
							t.Errorf("instance %d: %v", i, err)
						}
					})
				}
				wg.Wait()
				t.Logf("instance a sent %d, instance b %d", sent[0], sent[1])
				messages, unhandled := mailed(t, dbs[0])
				if unhandled != 0 || len(sink.Mails()) != before+n {
					t.Errorf("%d unhandled, %d mails for %d messages", unhandled, len(sink.Mails())-before, n)
				}
				perMessage := map[string]int{}
				for _, r := range sink.Mails() {
					perMessage[r.Header.Get("Message-Id")]++
				}
				for id, k := range perMessage {
					if k != 1 {
						t.Errorf("%s sent %d times", id, k)
					}
				}
				if len(perMessage) != len(messages) {
					t.Errorf("%d distinct mails for %d messages", len(perMessage), len(messages))
				}
				notifications := 0
				for _, r := range sink.Mails()[before:] {
					if r.Subject == "Casus: er staat iets voor je klaar" || r.Subject == "Casus: something is waiting for you" {
						notifications++
						if strings.Contains(r.Body, zat) || !strings.Contains(r.Body, baseURL+"/messages\n") {
							t.Errorf("a notification's mail names the team or lacks the messages link: %s", r.Body)
						}
					}
				}
				if notifications != n/2 {
					t.Errorf("%d notification mails, want %d", notifications, n/2)
				}
			})
		})
	}
}

// countingMailer counts the mails its Mailer sent.
type countingMailer struct {
	mail.Mailer
	n atomic.Int64
}

func (c *countingMailer) Send(ctx context.Context, tx *storage.Tx, m casus.Mail) error {
	err := c.Mailer.Send(ctx, tx, m)
	if err == nil {
		c.n.Add(1)
	}
	return err
}

// teamOf finds a care team's id by name.
func teamOf(t *testing.T, tx *storage.Tx, name string) string {
	t.Helper()
	teams, err := tx.Teams(context.Background())
	must(t, err)
	for _, team := range teams {
		if team.Name == name {
			return team.ID
		}
	}
	t.Fatalf("no team %q", name)
	return ""
}
