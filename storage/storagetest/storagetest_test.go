package storagetest_test

import (
	"context"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"casus/storage"
	"casus/storage/storagetest"
)

func TestClock(t *testing.T) {
	t.Run("ZeroValueStartsAtEpoch", func(t *testing.T) {
		var c storagetest.Clock
		if got := c.Now(); !got.Equal(storagetest.Epoch) {
			t.Errorf("Now = %v, want %v", got, storagetest.Epoch)
		}
	})

	t.Run("SetAndAddInUTC", func(t *testing.T) {
		ams := time.FixedZone("CEST", 2*60*60)
		c := storagetest.NewClock(time.Date(2025, 10, 6, 11, 0, 0, 0, ams))
		if got := c.Now(); got.Location() != time.UTC || got.Hour() != 9 {
			t.Errorf("Now = %v, want 09:00 UTC", got)
		}
		if got := c.Add(90 * time.Minute); got.Hour() != 10 || got.Minute() != 30 || !c.Now().Equal(got) {
			t.Errorf("Add = %v, Now = %v, want 10:30", got, c.Now())
		}
		c.Set(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
		if got := c.Now(); got.Year() != 2026 {
			t.Errorf("Now after Set = %v", got)
		}
	})

	t.Run("ConcurrentAdd", func(t *testing.T) {
		var c storagetest.Clock
		var wg sync.WaitGroup
		for range 50 {
			wg.Go(func() { c.Add(time.Second); c.Now() })
		}
		wg.Wait()
		if got := c.Now().Sub(storagetest.Epoch); got != 50*time.Second {
			t.Errorf("after 50 concurrent Add(1s) the clock moved %v", got)
		}
	})
}

func TestEngines(t *testing.T) {
	engines := storagetest.Engines(t)
	if engines[0] != storage.SQLite {
		t.Errorf("Engines = %q, want sqlite first", engines)
	}
	wantPG := os.Getenv(storagetest.EnvDatabaseURL) != ""
	if got := len(engines) == 2 && engines[1] == storage.Postgres; got != wantPG {
		t.Errorf("Engines = %q with %s set: %v", engines, storagetest.EnvDatabaseURL, wantPG)
	}
}

func TestOpen(t *testing.T) {
	storagetest.Run(t, "storagetest", func(t *testing.T, db *storage.DB) {
		if err := db.Ping(t.Context()); err != nil {
			t.Fatal(err)
		}
		// Each Open is a database of its own.
		other := storagetest.Open(t, db.Engine, nil)
		if err := db.Update(t.Context(), func(tx *storage.Tx) error { return tx.SetSetting(t.Context(), "k", "mine") }); err != nil {
			t.Fatal(err)
		}
		var v string
		if err := other.View(t.Context(), func(tx *storage.Tx) (err error) { v, err = tx.Setting(t.Context(), "k", "unset"); return err }); err != nil {
			t.Fatal(err)
		}
		if v != "unset" {
			t.Errorf("a setting of one test database shows in another: %q", v)
		}
	})
}

func TestDatabaseURL(t *testing.T) {
	admin := os.Getenv(storagetest.EnvDatabaseURL)
	if admin == "" {
		t.Logf("postgres: %s not set; nothing to check", storagetest.EnvDatabaseURL)
		return
	}
	var url string
	t.Run("CreatedEmpty", func(t *testing.T) {
		url = storagetest.DatabaseURL(t)
		if !strings.Contains(url, "/casus_test_") {
			t.Errorf("URL = %q, want a casus_test_ database", url)
		}
		// Two instances on one database, as multi-instance tests start them.
		a, err := storage.Open(t.Context(), storage.Config{URL: url, Instance: "a", AuditKey: storagetest.AuditKey})
		if err != nil {
			t.Fatal(err)
		}
		defer a.Close()
		b, err := storage.Open(t.Context(), storage.Config{URL: url, Instance: "b", AuditKey: storagetest.AuditKey})
		if err != nil {
			t.Fatal(err)
		}
		defer b.Close()
		if err := a.Update(t.Context(), func(tx *storage.Tx) error { return tx.SetSetting(t.Context(), "k", "from a") }); err != nil {
			t.Fatal(err)
		}
		var v string
		if err := b.View(t.Context(), func(tx *storage.Tx) (err error) { v, err = tx.Setting(t.Context(), "k", ""); return err }); err != nil {
			t.Fatal(err)
		}
		if v != "from a" {
			t.Errorf("instance b reads %q, want the setting instance a wrote", v)
		}
	})
	t.Run("DroppedAfterTest", func(t *testing.T) {
		name := url[strings.LastIndex(url, "/")+1:]
		name = strings.SplitN(name, "?", 2)[0]
		ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
		defer cancel()
		conn, err := pgx.Connect(ctx, admin)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close(ctx)
		var n int
		if err := conn.QueryRow(ctx, `SELECT COUNT(*) FROM pg_database WHERE datname = $1`, name).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n != 0 {
			t.Errorf("database %s still exists after its test ended", name)
		}
	})
}
