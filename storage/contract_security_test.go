package storage_test

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"casus"
	"casus/storage"
	"casus/storage/storagetest"
)

func init() {
	contracts.add("LogSecurityEvent", func(t *testing.T, c *contract) {
		w := c.w
		first := casus.SecurityEvent{Kind: casus.SecLoginSucceeded, ActorID: w.mentor.ID, ActorName: w.mentor.Name,
			TargetID: w.mentor.ID, TargetName: w.mentor.Name, ClientAddr: "192.0.2.7", UserAgent: "Firefox on Linux", RequestID: "req-1"}
		at := time.Date(2026, 11, 2, 8, 30, 0, 123456789, casus.Amsterdam)
		second := casus.SecurityEvent{At: at, Kind: casus.SecPasswordResetStarted, ActorID: w.admin.ID, ActorName: w.admin.Name,
			TargetID: w.mentor.ID, TargetName: w.mentor.Name, Detail: "2fa", Instance: "other-instance"}
		update(t, c.db, func(ctx context.Context, tx *storage.Tx) error {
			must(t, tx.LogSecurityEvent(ctx, &first))
			return tx.LogSecurityEvent(ctx, &second)
		})
		if first.Seq <= 0 || !first.At.Equal(contractEpoch) || first.Instance != c.db.Instance || first.Hash == "" ||
			first.Hash != c.db.SecurityEventHash(&first) {
			t.Errorf("first event = %+v, want a seq, the clock's time, this instance and its hash", first)
		}
		if second.Seq != first.Seq+1 || second.PrevHash != first.Hash || !second.At.Equal(at.Truncate(time.Microsecond)) ||
			second.At.Location() != time.UTC || second.Instance != "other-instance" {
			t.Errorf("second event = %+v, want it chained after the first, its own time in UTC and its instance", second)
		}
		got := viewValue(t, c.db, func(ctx context.Context, tx *storage.Tx) ([]casus.SecurityEvent, error) {
			return tx.SecurityEvents(ctx, storage.SecurityFilter{UserID: w.mentor.ID})
		})
		if len(got) != 2 || got[0] != second || got[1] != first {
			t.Errorf("stored events = %+v, want %+v and %+v", got, second, first)
		}
		t.Run("RolledBackLeavesNoTrace", func(t *testing.T) {
			boom := errors.New("boom")
			err := updateErrC(t, c, func(ctx context.Context, tx *storage.Tx) error {
				must(t, tx.LogSecurityEvent(ctx, &casus.SecurityEvent{Kind: casus.SecLoginFailed, TargetID: w.nurse.ID}))
				return boom
			})
			if !errors.Is(err, boom) {
				t.Fatalf("Update = %v", err)
			}
			if evs := viewValue(t, c.db, func(ctx context.Context, tx *storage.Tx) ([]casus.SecurityEvent, error) {
				return tx.SecurityEvents(ctx, storage.SecurityFilter{UserID: w.nurse.ID})
			}); len(evs) != 0 {
				t.Errorf("a rolled-back event is stored: %+v", evs)
			}
			next := casus.SecurityEvent{Kind: casus.SecLoginFailed, TargetID: w.nurse.ID}
			update(t, c.db, func(ctx context.Context, tx *storage.Tx) error { return tx.LogSecurityEvent(ctx, &next) })
			if next.Seq != second.Seq+1 || next.PrevHash != second.Hash {
				t.Errorf("event after a rollback = %+v, want it chained after seq %d", next, second.Seq)
			}
		})
	})

	contracts.add("SecurityEventHash", func(t *testing.T, c *contract) {
		e := casus.SecurityEvent{Seq: 7, At: contractEpoch, Kind: casus.SecLoginFailed, TargetName: "iemand", ClientAddr: "192.0.2.1",
			Instance: "a", PrevHash: "abc"}
		h := c.db.SecurityEventHash(&e)
		if h == "" || h != c.db.SecurityEventHash(&e) {
			t.Fatalf("SecurityEventHash = %q, want a stable non-empty hash", h)
		}
		same := e
		same.At = contractEpoch.In(casus.Amsterdam)
		same.Hash = "ignored"
		if c.db.SecurityEventHash(&same) != h {
			t.Error("the hash depends on the time zone of At or on the Hash field")
		}
		for name, change := range map[string]func(*casus.SecurityEvent){
			"Seq":        func(e *casus.SecurityEvent) { e.Seq++ },
			"At":         func(e *casus.SecurityEvent) { e.At = e.At.Add(time.Microsecond) },
			"Kind":       func(e *casus.SecurityEvent) { e.Kind = casus.SecLoginSucceeded },
			"ActorID":    func(e *casus.SecurityEvent) { e.ActorID = "u" },
			"ActorName":  func(e *casus.SecurityEvent) { e.ActorName = "u" },
			"TargetID":   func(e *casus.SecurityEvent) { e.TargetID = "u" },
			"TargetName": func(e *casus.SecurityEvent) { e.TargetName = "iemand anders" },
			"Detail":     func(e *casus.SecurityEvent) { e.Detail = "d" },
			"ClientAddr": func(e *casus.SecurityEvent) { e.ClientAddr = "192.0.2.2" },
			"UserAgent":  func(e *casus.SecurityEvent) { e.UserAgent = "x" },
			"RequestID":  func(e *casus.SecurityEvent) { e.RequestID = "r" },
			"Instance":   func(e *casus.SecurityEvent) { e.Instance = "b" },
			"PrevHash":   func(e *casus.SecurityEvent) { e.PrevHash = "abd" },
		} {
			x := e
			change(&x)
			if c.db.SecurityEventHash(&x) == h {
				t.Errorf("changing %s leaves the hash as it was", name)
			}
		}
		logged := casus.SecurityEvent{Kind: casus.SecLoginFailed, TargetID: c.w.mentor.ID}
		update(t, c.db, func(ctx context.Context, tx *storage.Tx) error { return tx.LogSecurityEvent(ctx, &logged) })
		stored := viewValue(t, c.db, func(ctx context.Context, tx *storage.Tx) ([]casus.SecurityEvent, error) {
			return tx.SecurityEvents(ctx, storage.SecurityFilter{UserID: c.w.mentor.ID})
		})
		if len(stored) != 1 || c.db.SecurityEventHash(&stored[0]) != stored[0].Hash {
			t.Errorf("the stored event's hash is not SecurityEventHash of it: %+v", stored)
		}
	})

	contracts.add("SecurityEvents", func(t *testing.T, c *contract) {
		w := c.w
		at := time.Date(2026, 3, 2, 8, 0, 0, 0, time.UTC)
		events := []casus.SecurityEvent{
			{At: at, Kind: casus.SecLoginFailed, TargetID: w.mentor.ID, TargetName: "mirjam", ClientAddr: "192.0.2.7"},
			{At: at.Add(time.Minute), Kind: casus.SecLoginSucceeded, ActorID: w.mentor.ID, ActorName: w.mentor.Name, TargetID: w.mentor.ID},
			{At: at.Add(2 * time.Minute), Kind: casus.SecPasswordResetStarted, ActorID: w.admin.ID, ActorName: w.admin.Name,
				TargetID: w.nurse.ID},
			{At: at.Add(3 * time.Minute), Kind: casus.SecLoginSucceeded, ActorID: w.nurse.ID, TargetID: w.nurse.ID},
		}
		update(t, c.db, func(ctx context.Context, tx *storage.Tx) error {
			for i := range events {
				must(t, tx.LogSecurityEvent(ctx, &events[i]))
			}
			return nil
		})
		seqs := func(f storage.SecurityFilter) []int64 {
			t.Helper()
			got := viewValue(t, c.db, func(ctx context.Context, tx *storage.Tx) ([]casus.SecurityEvent, error) {
				return tx.SecurityEvents(ctx, f)
			})
			var out []int64
			for _, e := range got {
				out = append(out, e.Seq)
			}
			return out
		}
		s := func(i ...int) []int64 {
			var out []int64
			for _, j := range i {
				out = append(out, events[j].Seq)
			}
			return out
		}
		for _, tc := range []struct {
			name string
			f    storage.SecurityFilter
			want []int64
		}{
			{"ActorOrTargetNewestFirst", storage.SecurityFilter{UserID: w.mentor.ID}, s(1, 0)},
			{"Target", storage.SecurityFilter{UserID: w.nurse.ID}, s(3, 2)},
			{"Actor", storage.SecurityFilter{UserID: w.admin.ID}, s(2)},
			{"Kind", storage.SecurityFilter{UserID: w.nurse.ID, Kind: casus.SecLoginSucceeded}, s(3)},
			{"FromInclusive", storage.SecurityFilter{UserID: w.nurse.ID, From: at.Add(3 * time.Minute)}, s(3)},
			{"UntilExclusive", storage.SecurityFilter{UserID: w.nurse.ID, Until: at.Add(3 * time.Minute)}, s(2)},
			{"PeriodInOtherZone", storage.SecurityFilter{UserID: w.mentor.ID, From: at.In(casus.Amsterdam),
				Until: at.Add(time.Minute).In(casus.Amsterdam)}, s(0)},
			{"Limit", storage.SecurityFilter{UserID: w.nurse.ID, Limit: 1}, s(3)},
			{"None", storage.SecurityFilter{UserID: w.specialist.ID}, nil},
		} {
			t.Run(tc.name, func(t *testing.T) {
				if got := seqs(tc.f); !slices.Equal(got, tc.want) {
					t.Errorf("SecurityEvents(%+v) = %v, want %v", tc.f, got, tc.want)
				}
			})
		}
		t.Run("AllWithKind", func(t *testing.T) {
			got := seqs(storage.SecurityFilter{Kind: casus.SecPasswordResetStarted, Limit: 10000})
			if !slices.Contains(got, events[2].Seq) || slices.Contains(got, events[1].Seq) ||
				!slices.IsSortedFunc(got, func(a, b int64) int { return int(b - a) }) {
				t.Errorf("SecurityEvents(kind) = %v, want the reset of this world among them, newest first", got)
			}
		})
	})

	contracts.add("VerifySecurityEvents", func(t *testing.T, c *contract) {
		before, err := c.db.VerifySecurityEvents(t.Context())
		if err != nil {
			t.Fatalf("VerifySecurityEvents = %d, %v", before, err)
		}
		update(t, c.db, func(ctx context.Context, tx *storage.Tx) error {
			return tx.LogSecurityEvent(ctx, &casus.SecurityEvent{Kind: casus.SecLoginFailed, TargetID: c.w.mentor.ID})
		})
		if n, err := c.db.VerifySecurityEvents(t.Context()); err != nil || n != before+1 {
			t.Errorf("VerifySecurityEvents after one more event = %d, %v; want %d, nil", n, err, before+1)
		}
		// A changed event can only be made in a database of its own: the
		// shared one must stay verifiable for the other cases.
		t.Run("ChangedEvent/ChainError", func(t *testing.T) {
			db := storagetest.Open(t, c.engine, c.clock.Now)
			if n, err := db.VerifySecurityEvents(t.Context()); err != nil || n != 0 {
				t.Errorf("VerifySecurityEvents of an empty log = %d, %v; want 0, nil", n, err)
			}
			for _, name := range []string{"a", "b", "c"} {
				update(t, db, func(ctx context.Context, tx *storage.Tx) error {
					return tx.LogSecurityEvent(ctx, &casus.SecurityEvent{Kind: casus.SecLoginFailed, TargetName: name})
				})
			}
			if n, err := db.VerifySecurityEvents(t.Context()); err != nil || n != 3 {
				t.Fatalf("VerifySecurityEvents = %d, %v; want 3, nil", n, err)
			}
			drop := []string{`DROP TRIGGER security_events_no_update`, `DROP TRIGGER security_events_no_delete`}
			if db.Engine == storage.Postgres {
				drop = []string{`DROP TRIGGER security_events_no_update ON security_events`}
			}
			for _, s := range append(drop, `UPDATE security_events SET target_name = 'x' WHERE seq = 2`) {
				if _, err := db.SQL().ExecContext(t.Context(), s); err != nil {
					t.Fatal(err)
				}
			}
			var ce *storage.ChainError
			if _, err := db.VerifySecurityEvents(t.Context()); !errors.As(err, &ce) || ce.Seq != 2 {
				t.Errorf("VerifySecurityEvents after a change = %v, want a chain error at 2", err)
			}
		})
	})
}
