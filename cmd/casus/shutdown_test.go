package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptrace"
	"net/url"
	"strings"
	"testing"
	"time"

	"casus"
	"casus/demo"
	"casus/mail/mailtest"
	"casus/storage"
)

// slowWrite starts a care-file write whose body arrives in two halves: it
// returns once the request's headers and first half are on the wire, with
// functions that send the second half or abandon the body, and a channel
// with the response's status (0 when the request failed).
func slowWrite(t *testing.T, c *http.Client, base, student, text string) (finish, abandon func(), status <-chan int) {
	t.Helper()
	today := time.Now().In(casus.Amsterdam).Format(time.DateOnly)
	body := url.Values{"kind": {"signal"}, "occurred_on": {today}, "text": {text}, "visibility": {"guidance"}, "sector": {"mbo"}}.Encode()
	pr, pw := io.Pipe()
	wrote := make(chan struct{})
	req, err := http.NewRequest(http.MethodPost, base+"/students/"+student+"/care", pr)
	if err != nil {
		t.Fatal(err)
	}
	req.ContentLength = int64(len(body))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req = req.WithContext(httptrace.WithClientTrace(context.Background(), &httptrace.ClientTrace{
		WroteHeaders: func() { close(wrote) }}))
	out := make(chan int, 1)
	go func() {
		res, err := c.Do(req)
		if err != nil {
			out <- 0
			return
		}
		res.Body.Close()
		out <- res.StatusCode
	}()
	half := len(body) / 2
	if _, err := io.WriteString(pw, body[:half]); err != nil {
		t.Fatal(err)
	}
	<-wrote
	// The server accepts the connection as soon as it arrives; give its
	// accept loop a moment, so the request counts as in progress.
	time.Sleep(100 * time.Millisecond)
	return func() { io.WriteString(pw, body[half:]); pw.Close() }, func() { pw.CloseWithError(io.ErrUnexpectedEOF) }, out
}

// waitRefused waits until the server no longer accepts connections: it is
// shutting down.
func waitRefused(t *testing.T, base string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		res, err := (&http.Client{Transport: &http.Transport{DisableKeepAlives: true}}).Get(base + "/healthz")
		if err != nil {
			return
		}
		res.Body.Close()
		if time.Now().After(deadline) {
			t.Fatal("serve still accepts connections 10s after it was told to stop")
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// TestServeShutdown: when serve is told to stop (SIGTERM cancels run's
// context), it takes no new connections, a write in progress finishes and
// is committed, no job is left running, the jobs' leadership is given up,
// and serve exits cleanly. A write that does not finish
// within --shutdown-timeout is cut off, leaves nothing behind, and serve
// says so.
func TestServeShutdown(t *testing.T) {
	eachEngine(t, func(t *testing.T, d *testDB) {
		mustSucceed(t, cli(t, nil, joined([]string{"demo"}, d.args())...))
		var lotte string
		if err := d.raw(t).QueryRow(`SELECT CAST(id AS TEXT) FROM students WHERE student_number = $1`, demo.LotteNumber).Scan(&lotte); err != nil {
			t.Fatal(err)
		}
		stored := func(text string) int {
			return d.count(t, fmt.Sprintf(`SELECT COUNT(*) FROM care_entry_versions WHERE body = '%s'`, text))
		}

		t.Run("InFlightFinishes", func(t *testing.T) {
			base, stderr, stop := startServe(t, d, "--demo", "--shutdown-timeout", "20s")
			c := loginClient(t, base, demo.UserMentor)
			c.Transport = &http.Transport{DisableKeepAlives: true}
			text := "Geschreven terwijl de server stopt."
			finish, _, status := slowWrite(t, c, base, lotte, text)
			stopped := make(chan error, 1)
			go func() { stopped <- stop() }()
			waitRefused(t, base)
			select {
			case err := <-stopped:
				t.Fatalf("serve stopped (%v) with a request in progress", err)
			default:
			}
			finish()
			if got := <-status; got != http.StatusSeeOther {
				t.Errorf("the write in progress got %d, want 303", got)
			}
			if err := <-stopped; err != nil {
				t.Fatalf("serve: %v\n%s", err, stderr)
			}
			if !strings.Contains(stderr.String(), "requests in progress finished") {
				t.Errorf("serve did not log its clean stop:\n%s", stderr)
			}
			if n := stored(text); n != 1 {
				t.Errorf("the acknowledged write is stored %d times, want 1", n)
			}
			// The jobs were released: none is left running (it would wait
			// for River's rescuer, an hour), and the leader resigned, so
			// another instance takes over the periodic jobs at once.
			if n := d.count(t, `SELECT COUNT(*) FROM river_job WHERE state = 'running'`); n != 0 {
				t.Errorf("%d jobs left running after the stop", n)
			}
			if n := d.count(t, `SELECT COUNT(*) FROM river_leader`); n != 0 {
				t.Errorf("the stopped instance is still the jobs' leader")
			}
		})

		t.Run("ErrCutOffAfterTimeout", func(t *testing.T) {
			base, _, stop := startServe(t, d, "--demo", "--shutdown-timeout", "500ms")
			c := loginClient(t, base, demo.UserMentor)
			c.Transport = &http.Transport{DisableKeepAlives: true}
			text := "Nooit afgemaakt."
			_, abandon, status := slowWrite(t, c, base, lotte, text)
			start := time.Now()
			err := stop()
			if err == nil || !strings.Contains(err.Error(), "were cut off") {
				t.Errorf("serve: %v, want it to say requests were cut off", err)
			}
			if took := time.Since(start); took > 5*time.Second {
				t.Errorf("serve took %s to stop with a 500ms bound", took)
			}
			abandon() // the client's side of the cut-off connection
			if got := <-status; got != 0 {
				t.Errorf("the cut-off write got %d, want no response", got)
			}
			if n := stored(text); n != 0 {
				t.Errorf("the cut-off write is stored %d times, want 0", n)
			}
		})
	})
}

// TestServeMailsOnceAcrossRestart: serve is stopped while it mails 150
// messages (and the demo's due reminders) and started again; every message
// reaches the SMTP server exactly once over the two runs. River stops
// softly, so the delivery under way usually finishes before the first run
// exits; the stop that cuts a delivery off between a sent mail and its
// commit is jobs.TestDeliverMailStoppedMidway.
func TestServeMailsOnceAcrossRestart(t *testing.T) {
	eachEngine(t, func(t *testing.T, d *testDB) {
		mustSucceed(t, cli(t, nil, joined([]string{"demo"}, d.args())...))
		db := d.open(t)
		if err := db.Update(t.Context(), func(tx *storage.Tx) error {
			rows, err := db.ReadSQL().QueryContext(t.Context(), `SELECT CAST(id AS TEXT) FROM users WHERE email <> '' ORDER BY email`)
			if err != nil {
				return err
			}
			var users []string
			for rows.Next() {
				var id string
				if err := rows.Scan(&id); err != nil {
					return err
				}
				users = append(users, id)
			}
			rows.Close()
			for i := range 150 {
				m := casus.Message{UserID: users[i%len(users)], Key: "message.agenda", Link: "/meetings/x",
					Args: map[string]string{"Team": "ZAT", "N": fmt.Sprint(i + 1)}}
				if err := tx.AddMessage(t.Context(), &m); err != nil {
					return err
				}
			}
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		sink := mailtest.NewSink(t)
		args := []string{"--smtp-url", sink.URL(), "--mail-from", "Casus <casus@school.example>", "--base-url", "https://casus.school.example"}
		_, stderr, stop := startServe(t, d, args...)
		deadline := time.Now().Add(30 * time.Second)
		for len(sink.Mails()) == 0 {
			if time.Now().After(deadline) {
				t.Fatalf("no mail in 30s:\n%s", stderr)
			}
			time.Sleep(2 * time.Millisecond)
		}
		if err := stop(); err != nil {
			t.Fatalf("first run: %v", err)
		}
		first := len(sink.Mails())

		_, stderr, stop = startServe(t, d, args...)
		unhandled := func() int { return d.count(t, `SELECT COUNT(*) FROM messages WHERE mailed_at IS NULL`) }
		for unhandled() > 0 || len(sink.Mails()) < 150 {
			if time.Now().After(deadline.Add(30 * time.Second)) {
				t.Fatalf("%d messages unhandled, %d mailed:\n%s", unhandled(), len(sink.Mails()), stderr)
			}
			time.Sleep(20 * time.Millisecond)
		}
		if err := stop(); err != nil {
			t.Fatalf("second run: %v", err)
		}
		// The messages: the 150 and the reminders the jobs stored.
		messages := map[string]string{}
		rows, err := d.raw(t).Query(`SELECT CAST(m.id AS TEXT), u.email FROM messages m JOIN users u ON u.id = m.user_id WHERE u.email <> ''`)
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
		t.Logf("%s: %d messages; the first run, stopped after its first mail, had mailed %d when it exited, the second %d", d.engine,
			len(messages), first, len(sink.Mails())-first)
	})
}
