package main

import (
	"context"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"casus"
	"casus/auth"
	"casus/demo"
	"casus/mail"
	"casus/mail/mailtest"
	"casus/storage"
	"casus/storage/storagetest"
)

// TestServeMailsOnce: two `casus serve` instances on one PostgreSQL
// database send to one SMTP server. The data is dated so that the present
// is past its due dates: the demo was loaded five months ago (Milan's
// crisis discussion is due for aftercare), an action was due ten days ago,
// a consent ends in ten days, and a meeting with Lotte on its agenda starts
// tomorrow. Each reminder reaches the server exactly once and names no
// student.
func TestServeMailsOnce(t *testing.T) {
	for _, engine := range storagetest.PostgresOnly(t) { // one process owns a SQLite file
		t.Run(engine, func(t *testing.T) {
			d := newTestDB(t, engine)
			makeDue(t, d)
			sink := mailtest.NewSink(t)

			ctx, cancel := context.WithCancel(context.Background())
			var wg sync.WaitGroup
			t.Cleanup(func() { cancel(); wg.Wait() })
			var stderrs []*syncBuffer
			for range 2 {
				stdout, stderr := &syncBuffer{}, &syncBuffer{}
				stderrs = append(stderrs, stderr)
				done := make(chan error, 1)
				args := joined([]string{"serve", "--addr", "127.0.0.1:0", "--smtp-url", sink.URL(),
					"--mail-from", "Casus <casus@school.example>", "--base-url", "https://casus.school.example"}, d.serveArgs())
				wg.Go(func() { done <- run(ctx, args, stdout, stderr, func(string) string { return "" }) })
				waitServing(t, stdout, stderr, done)
			}

			raw := d.raw(t)
			count := func(q string) int {
				var n int
				if err := raw.QueryRow(q).Scan(&n); err != nil {
					t.Fatal(err)
				}
				return n
			}
			// Each kind of reminder comes from its own job, in no fixed order:
			// wait until every kind has arrived and every message is mailed.
			wanted := []string{"Casus: agenda van ", "Casus: je actie voor ", "Casus: een actie voor ",
				"Casus: een toestemming in ", "Casus: tijd voor nazorg in "}
			allKinds := func() bool {
				mails := sink.Mails()
				for _, want := range wanted {
					if !slices.ContainsFunc(mails, func(m mailtest.Received) bool { return strings.HasPrefix(m.Subject, want) }) {
						return false
					}
				}
				return true
			}
			deadline := time.Now().Add(30 * time.Second)
			for {
				messages := count(`SELECT COUNT(*) FROM messages`)
				if messages >= 5 && count(`SELECT COUNT(*) FROM messages WHERE mailed_at IS NULL`) == 0 && len(sink.Mails()) >= messages && allKinds() {
					break
				}
				if time.Now().After(deadline) {
					t.Fatalf("after 30s: %d messages, %d mails\n%s\n%s", messages, len(sink.Mails()), stderrs[0], stderrs[1])
				}
				time.Sleep(50 * time.Millisecond)
			}
			// Both instances shut down, finishing what they were sending: a
			// stray second send would be in the sink now.
			cancel()
			wg.Wait()

			messages := map[string]string{}
			rows, err := raw.Query(`SELECT CAST(m.id AS TEXT), u.email FROM messages m JOIN users u ON u.id = m.user_id WHERE u.email <> ''`)
			if err != nil {
				t.Fatal(err)
			}
			for rows.Next() {
				var id, email string
				if err := rows.Scan(&id, &email); err != nil {
					t.Fatal(err)
				}
				messages[id] = email
			}
			rows.Close()
			sink.CheckEachOnce(t, messages, "school.example")
			perSubject := map[string]int{}
			for _, r := range sink.Mails() {
				perSubject[strings.Join(r.To, ",")+" | "+r.Subject]++
				for _, name := range []string{"Lotte", "Verhagen", "Milan", "Ridder", "Noor", "Bakker"} {
					if strings.Contains(r.Subject+r.Body, name) {
						t.Errorf("a mail names the student: %s\n%s", r.Subject, r.Body)
					}
				}
				if !strings.Contains(r.Body, "\nhttps://casus.school.example/") {
					t.Errorf("no absolute link: %s", r.Body)
				}
			}
			for key, n := range perSubject {
				t.Logf("%d× %s", n, key)
			}
			for _, want := range wanted {
				found := false
				for key := range perSubject {
					found = found || strings.Contains(key, "| "+want)
				}
				if !found {
					t.Errorf("no mail %q…", want)
				}
			}
			for _, s := range stderrs {
				if strings.Contains(s.String(), `"level":"ERROR"`) {
					t.Errorf("serve logged an error:\n%s", s)
				}
			}
		})
	}
}

// makeDue loads the demo data as of five months ago into d and adds, dated
// in the past, what makes a reminder of each kind due now (see
// TestServeMailsOnce).
func makeDue(t *testing.T, d *testDB) {
	t.Helper()
	now := time.Now()
	clock := storagetest.NewClock(now.AddDate(0, -5, 0))
	ctx := context.Background()
	db, err := storage.Open(ctx, storage.Config{URL: d.url, Now: clock.Now, Instance: "setup", AuditKey: d.auditKey(t)})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	hash, err := auth.HashPassword(demo.Password)
	if err != nil {
		t.Fatal(err)
	}
	if err := demo.Load(ctx, db, func(string) (string, error) { return hash, nil }, clock.Now()); err != nil {
		t.Fatal(err)
	}
	var chair, ggz casus.User
	var lotte casus.Case
	step := func(at time.Time, fn func(tx *storage.Tx) error) {
		t.Helper()
		clock.Set(at)
		if err := db.Update(ctx, fn); err != nil {
			t.Fatal(err)
		}
	}
	step(now.AddDate(0, 0, -30), func(tx *storage.Tx) error {
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
		ends := now.AddDate(0, 0, 10)
		return tx.RecordConsent(ctx, &casus.Consent{CaseID: lotte.ID, StudentID: lotte.StudentID, Giver: casus.GiverStudent,
			GiverName: "Lotte", Mode: casus.ConsentGiven, How: casus.HowConversation, GivenAt: clock.Now(), ExpiresAt: &ends,
			Scope: []casus.Discipline{casus.DiscGGZ}, RecordedBy: chair.ID})
	})
	step(now.AddDate(0, 0, -20), func(tx *storage.Tx) error {
		return tx.CreateAction(ctx, &casus.Action{CaseID: lotte.ID, StudentID: lotte.StudentID, OwnerID: ggz.ID,
			Description: "Intake", DueOn: now.UTC().Truncate(24*time.Hour).AddDate(0, 0, -10), CreatedBy: chair.ID})
	})
	step(now.Add(-time.Hour), func(tx *storage.Tx) error {
		m, err := tx.NextMeeting(ctx, lotte.TeamID, now)
		if err != nil {
			return err
		}
		if err := tx.MoveMeeting(ctx, m.ID, now.Add(26*time.Hour)); err != nil {
			return err
		}
		return tx.AddAgendaItem(ctx, &casus.AgendaItem{MeetingID: m.ID, CaseID: lotte.ID, Kind: casus.AgendaChair, AddedBy: chair.ID})
	})
}

// TestMailConfig: where mail goes for the serve flags.
func TestMailConfig(t *testing.T) {
	const smtpURL, from = "smtp://mail.school.example:587", "casus@school.example"
	for _, tc := range []struct {
		name                      string
		smtpURL, from, base, addr string
		demo                      bool
		smtp                      bool
		wantBase, wantErr         string
	}{
		{"NoSMTP/Outbox", "", "", "", "127.0.0.1:8080", false, false, "http://127.0.0.1:8080", ""},
		{"SMTP", smtpURL, from, "https://casus.school.example", "127.0.0.1:8080", false, true, "https://casus.school.example", ""},
		{"Demo/OutboxDespiteSMTP", smtpURL, from, "", ":8080", true, false, "http://localhost:8080", ""},
		{"AllInterfaces", "", "", "", "0.0.0.0:80", false, false, "http://localhost:80", ""},
		{"ErrNoFrom", smtpURL, "", "", "127.0.0.1:8080", false, false, "", "--mail-from"},
		{"ErrBadURL", "smtp://user:pw@mail.school.example?tls=none", from, "", "127.0.0.1:8080", false, false, "", "--smtp-url"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			mc, err := mailConfig(tc.smtpURL, tc.from, tc.base, tc.addr, tc.demo)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Errorf("error %v, want one about %s", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			_, outbox := mc.Mailer.(mail.Outbox)
			if outbox == tc.smtp || mc.BaseURL != tc.wantBase {
				t.Errorf("mailer %T, base %q; want SMTP %v and base %q", mc.Mailer, mc.BaseURL, tc.smtp, tc.wantBase)
			}
		})
	}
}
