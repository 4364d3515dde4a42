package main

import (
	"context"
	"fmt"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"casus"
	"casus/demo"
	"casus/storage"
)

// startServe runs `casus serve` with extra flags on d until the test ends
// and returns its address and a function that stops it and returns its
// error.
func startServe(t *testing.T, d *testDB, extra ...string) (base string, stderr *syncBuffer, stop func() error) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	stdout, stderr := &syncBuffer{}, &syncBuffer{}
	done := make(chan error, 1)
	args := joined([]string{"serve", "--addr", "127.0.0.1:0"}, extra, d.serveArgs())
	go func() { done <- run(ctx, args, stdout, stderr, func(string) string { return "" }) }()
	var once sync.Once
	var err error
	stop = func() error {
		once.Do(func() {
			cancel()
			select {
			case err = <-done:
			case <-time.After(30 * time.Second):
				err = fmt.Errorf("serve did not stop within 30s")
			}
		})
		return err
	}
	t.Cleanup(func() { stop() })
	base = waitServing(t, stdout, stderr, done)
	waitHealthy(t, base)
	return base, stderr, stop
}

// loginClient logs a demo account in and returns a client that does not
// follow redirects, so a write's 303 is seen as its acknowledgement.
func loginClient(t *testing.T, base, login string) *http.Client {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, Timeout: 20 * time.Second}
	res, err := c.PostForm(base+"/login", url.Values{"login": {login}, "password": {demo.Password}})
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusOK || res.Request.URL.Path != "/" {
		t.Fatalf("login %s ended at %s with %d", login, res.Request.URL.Path, res.StatusCode)
	}
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	return c
}

var backupWritten = regexp.MustCompile(`^backup written to (\S+): (\d+) tables, (\d+) rows, in \S+\n$`)

// TestBackupDuringWrites: `casus backup` runs while four mentors write care
// entries over HTTP (each write also writes the access log and its hash
// chain). The backup, restored into a fresh place by `casus restore`,
// equals its manifest table by table, its audit chains verify, and it holds
// every entry acknowledged before the backup began and none that did not
// exist when it ended.
func TestBackupDuringWrites(t *testing.T) {
	eachEngine(t, func(t *testing.T, d *testDB) {
		base, stderr, stop := startServe(t, d, "--demo")
		var lotte string
		if err := d.raw(t).QueryRow(`SELECT CAST(id AS TEXT) FROM students WHERE student_number = $1`, demo.LotteNumber).Scan(&lotte); err != nil {
			t.Fatal(err)
		}
		count := func() int { return d.count(t, `SELECT COUNT(*) FROM care_entries`) }
		demoEntries := count()

		var acked atomic.Int64
		var mu sync.Mutex
		var ackedTexts []string
		var failures []string
		quit := make(chan struct{})
		var writers sync.WaitGroup
		today := time.Now().In(casus.Amsterdam).Format(time.DateOnly)
		for w := range 4 {
			c := loginClient(t, base, demo.UserMentor)
			writers.Go(func() {
				for i := 0; ; i++ {
					select {
					case <-quit:
						return
					default:
					}
					text := fmt.Sprintf("Schrijver %d, notitie %d tijdens de back-up.", w, i)
					res, err := c.PostForm(base+"/students/"+lotte+"/care", url.Values{"kind": {"signal"}, "occurred_on": {today},
						"text": {text}, "visibility": {"guidance"}, "sector": {"mbo"}})
					if err != nil {
						mu.Lock()
						failures = append(failures, err.Error())
						mu.Unlock()
						return
					}
					res.Body.Close()
					if res.StatusCode != http.StatusSeeOther {
						mu.Lock()
						failures = append(failures, fmt.Sprintf("write %q: %d", text, res.StatusCode))
						mu.Unlock()
						return
					}
					mu.Lock()
					ackedTexts = append(ackedTexts, text)
					mu.Unlock()
					acked.Add(1)
				}
			})
		}
		waitFor := func(n int64) {
			t.Helper()
			deadline := time.Now().Add(60 * time.Second)
			for acked.Load() < n {
				if time.Now().After(deadline) {
					t.Fatalf("only %d writes acknowledged in 60s", acked.Load())
				}
				time.Sleep(5 * time.Millisecond)
			}
		}
		waitFor(20)

		backups := t.TempDir()
		mu.Lock()
		before := append([]string(nil), ackedTexts...)
		mu.Unlock()
		ackedBefore := acked.Load()
		o := mustSucceed(t, cli(t, nil, joined([]string{"backup", "--backup-dir", backups}, d.args())...))
		ackedAfter := acked.Load()
		m := backupWritten.FindStringSubmatch(o.stdout)
		if m == nil {
			t.Fatalf("backup printed %q", o.stdout)
		}
		path := m[1]
		waitFor(ackedAfter + 20) // writes go on after the backup
		close(quit)
		writers.Wait()
		if len(failures) > 0 {
			t.Fatalf("writes failed: %v", failures)
		}
		if err := stop(); err != nil {
			t.Fatalf("serve: %v\n%s", err, stderr)
		}
		t.Logf("%s: %d writes acknowledged, %d before the backup began, %d while it ran", d.engine, acked.Load(), ackedBefore, ackedAfter-ackedBefore)

		manifest, err := storage.ReadManifest(path)
		if err != nil {
			t.Fatal(err)
		}
		inBackup := manifest.Tables["care_entries"].Rows
		if min, max := int64(demoEntries)+ackedBefore, int64(count()); inBackup < min || inBackup >= max {
			t.Errorf("the backup holds %d care entries, want at least the %d acknowledged before it and fewer than the %d at the end", inBackup, min, max)
		}
		if manifest.Tables["access_log"].Rows == 0 {
			t.Error("the manifest counts no access-log rows")
		}

		// Restore into a fresh place, with the installation's key.
		fresh := &testDB{engine: d.engine, key: d.key}
		if d.engine == storage.SQLite {
			fresh.dir = t.TempDir()
			key, err := os.ReadFile(filepath.Join(d.dir, "secret.key"))
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(fresh.dir, "secret.key"), key, 0o600); err != nil {
				t.Fatal(err)
			}
		} else {
			fresh.url = newTestDB(t, d.engine).url
		}
		start := time.Now()
		o = mustSucceed(t, cli(t, nil, joined([]string{"restore", "--from", path}, fresh.args())...))
		t.Logf("%s: restore of %d tables, %d rows took %s:\n%s", d.engine, len(manifest.Tables), manifest.Rows(), time.Since(start).Round(time.Millisecond), o.stdout)
		for _, want := range []string{"every table's row count and checksum match the manifest", "access log intact: ", "security-event log intact: "} {
			if !strings.Contains(o.stdout, want) {
				t.Errorf("restore output lacks %q:\n%s", want, o.stdout)
			}
		}
		if got := fresh.count(t, `SELECT COUNT(*) FROM care_entries`); int64(got) != inBackup {
			t.Errorf("restored %d care entries, the manifest says %d", got, inBackup)
		}
		restored := map[string]bool{}
		rows, err := fresh.raw(t).Query(`SELECT body FROM care_entry_versions`)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var body string
			if err := rows.Scan(&body); err != nil {
				t.Fatal(err)
			}
			restored[body] = true
		}
		rows.Close()
		for _, text := range before {
			if !restored[text] {
				t.Errorf("acknowledged before the backup, missing after the restore: %q", text)
			}
		}
		mustSucceed(t, cli(t, nil, joined([]string{"audit", "verify"}, fresh.args())...))

		// A second restore into the now filled database is refused.
		mustFail(t, cli(t, nil, joined([]string{"restore", "--from", path}, fresh.args())...), "give --force to replace it")
	})
}

// TestServeScheduledBackups: serve with --backup-every writes backups on
// its own and keeps the newest --backup-keep, each with its manifest. It
// stops cleanly, leaving no partial backup.
func TestServeScheduledBackups(t *testing.T) {
	eachEngine(t, func(t *testing.T, d *testDB) {
		dir := t.TempDir()
		_, stderr, stop := startServe(t, d, "--demo", "--backup-dir", dir, "--backup-every", "200ms", "--backup-keep", "2")
		written := regexp.MustCompile(`"msg":"backup written","path":"([^"]+)"`)
		deadline := time.Now().Add(60 * time.Second)
		for len(written.FindAllStringSubmatch(stderr.String(), -1)) < 4 {
			if time.Now().After(deadline) {
				t.Fatalf("fewer than 4 scheduled backups in 60s:\n%s", stderr)
			}
			time.Sleep(20 * time.Millisecond)
		}
		if err := stop(); err != nil {
			t.Fatalf("serve: %v", err)
		}
		if strings.Contains(stderr.String(), "scheduled backup failed") {
			t.Errorf("a scheduled backup failed:\n%s", stderr)
		}
		all := written.FindAllStringSubmatch(stderr.String(), -1)
		kept, err := listBackups(dir)
		if err != nil {
			t.Fatal(err)
		}
		want := []string{filepath.Base(all[len(all)-2][1]), filepath.Base(all[len(all)-1][1])}
		if fmt.Sprint(kept) != fmt.Sprint(want) {
			t.Errorf("after %d backups the directory keeps %v, want the newest two %v", len(all), kept, want)
		}
		entries, _ := os.ReadDir(dir)
		if len(entries) != len(kept) {
			t.Errorf("the backup directory holds %d entries, want only the %d backups", len(entries), len(kept))
		}
		for _, b := range kept {
			m, err := storage.ReadManifest(filepath.Join(dir, b))
			if err != nil || m.Tables["students"].Rows == 0 {
				t.Errorf("backup %s: manifest %v, %d students", b, err, m.Tables["students"].Rows)
			}
		}
		t.Logf("%s: %d scheduled backups written, %d kept", d.engine, len(all), len(kept))
	})
}

// TestFirstBackupDue: after a restart the first scheduled backup is due one
// interval after the newest complete backup, not at once and not a full
// interval after the start; partial or foreign directories do not count.
func TestFirstBackupDue(t *testing.T) {
	now := time.Date(2026, 12, 6, 12, 0, 0, 0, time.UTC)
	dir := t.TempDir()
	if got := firstBackupDue(filepath.Join(dir, "missing"), time.Hour, now); !got.Equal(now) {
		t.Errorf("without a backup directory: due %v, want now", got)
	}
	mk := func(name string, complete bool) {
		t.Helper()
		if err := os.MkdirAll(filepath.Join(dir, name), 0o700); err != nil {
			t.Fatal(err)
		}
		if complete {
			if err := os.WriteFile(filepath.Join(dir, name, storage.ManifestFile), []byte("{}"), 0o600); err != nil {
				t.Fatal(err)
			}
		}
	}
	mk(backupPrefix+now.Add(-3*time.Hour).Format(backupStamp), true)
	mk(backupPrefix+now.Add(-30*time.Minute).Format(backupStamp), true)
	mk(backupPrefix+now.Add(-time.Minute).Format(backupStamp), false) // cut off: no manifest
	mk(backupPrefix+"latest", true)
	mk("."+backupPrefix+now.Format(backupStamp)+".partial", false)
	if got, want := firstBackupDue(dir, time.Hour, now), now.Add(30*time.Minute); !got.Equal(want) {
		t.Errorf("due %v, want %v (an hour after the newest complete backup)", got, want)
	}
	if got, want := firstBackupDue(dir, 10*time.Minute, now), now.Add(-20*time.Minute); !got.Equal(want) {
		t.Errorf("overdue: due %v, want %v (in the past: at once)", got, want)
	}
}
