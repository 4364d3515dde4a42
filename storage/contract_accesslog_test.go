package storage_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"casus"
	"casus/storage"
)

func init() {
	contracts.add("LogAccessBatch", func(t *testing.T, c *contract) {
		w := c.w
		entry := func(purpose string) *casus.AccessEntry {
			return &casus.AccessEntry{UserID: w.coordinator.ID, UserName: w.coordinator.Name, Role: casus.RoleCoordinator,
				Relation: casus.RelCoordinator, StudentID: w.sanne.ID, ObjectKind: "student", ObjectID: w.sanne.ID,
				Action: casus.ActRead, Purpose: purpose, Outcome: casus.OutcomeGranted, Basis: casus.BasisTeam}
		}
		first := entry("single")
		update(t, c.db, func(ctx context.Context, tx *storage.Tx) error { return tx.LogAccess(ctx, first) })
		// 501 entries: two INSERTs, one chain.
		batch := make([]*casus.AccessEntry, 501)
		for i := range batch {
			batch[i] = entry("student list")
		}
		update(t, c.db, func(ctx context.Context, tx *storage.Tx) error {
			if err := tx.LogAccessBatch(ctx, nil); err != nil {
				return err
			}
			return tx.LogAccessBatch(ctx, batch)
		})
		prev := first
		for i, e := range batch {
			if e.Seq != prev.Seq+1 || e.PrevHash != prev.Hash || e.Hash != c.db.EntryHash(e) {
				t.Fatalf("batch entry %d: seq %d prev %q, want %d after %q with its keyed hash", i, e.Seq, e.PrevHash, prev.Seq+1, prev.Hash)
			}
			prev = e
		}
		if n, err := c.db.VerifyAccessLog(t.Context()); err != nil || n < 502 {
			t.Errorf("verify after a batch: %d entries, %v", n, err)
		}
		got := viewValue(t, c.db, func(ctx context.Context, tx *storage.Tx) ([]casus.AccessEntry, error) {
			return tx.AccessEntries(ctx, storage.AccessFilter{StudentID: w.sanne.ID, Limit: 1})
		})
		if len(got) != 1 || !sameEntryA(got[0], *batch[500]) {
			t.Errorf("newest entry read back: %+v, want the batch's last", got)
		}
	})
	contracts.add("LogAccess", func(t *testing.T, c *contract) {
		w := c.w
		c.clock.Set(contractEpoch.Add(1234 * time.Nanosecond))
		e := casus.AccessEntry{UserID: w.coordinator.ID, UserName: w.coordinator.Name, Role: casus.RoleCoordinator,
			OrgName: "ROC Testrijn", Relation: casus.RelCoordinator, StudentID: w.sanne.ID, ObjectKind: "student",
			ObjectID: w.sanne.ID, Action: casus.ActRead, Purpose: "student page", RequestID: "req-1", Instance: c.db.Instance,
			Outcome: casus.OutcomeGranted, ClientAddr: "192.0.2.7", UserAgent: "Firefox on Linux", Basis: casus.BasisTeam}
		update(t, c.db, func(ctx context.Context, tx *storage.Tx) error { return tx.LogAccess(ctx, &e) })
		if e.Seq <= 0 || e.Hash == "" || e.Hash != c.db.EntryHash(&e) {
			t.Errorf("logged entry: seq %d hash %q, want a sequence number and its keyed hash", e.Seq, e.Hash)
		}
		if want := contractEpoch.Add(time.Microsecond); !e.At.Equal(want) || e.At.Location() != time.UTC {
			t.Errorf("At = %v, want the clock in UTC truncated to µs, %v", e.At, want)
		}

		// An explicit time is kept (in UTC); the next entry links to the first.
		at := time.Date(2026, 10, 1, 12, 0, 0, 0, casus.Amsterdam)
		next := e
		next.At, next.Purpose, next.Seq, next.Hash, next.PrevHash = at, "care file", 0, "", ""
		update(t, c.db, func(ctx context.Context, tx *storage.Tx) error { return tx.LogAccess(ctx, &next) })
		if next.Seq != e.Seq+1 || next.PrevHash != e.Hash || !next.At.Equal(at) || next.At.Location() != time.UTC {
			t.Errorf("second entry: seq %d prev %q at %v; want %d, %q, %v in UTC", next.Seq, next.PrevHash, next.At, e.Seq+1, e.Hash, at)
		}

		got := viewValue(t, c.db, func(ctx context.Context, tx *storage.Tx) ([]casus.AccessEntry, error) {
			return tx.AccessEntries(ctx, storage.AccessFilter{StudentID: w.sanne.ID})
		})
		if len(got) != 2 || !sameEntryA(got[0], next) || !sameEntryA(got[1], e) {
			t.Errorf("read back:\n%+v\nwant\n%+v\n%+v", got, next, e)
		}

		t.Run("RolledBack/NoTrace", func(t *testing.T) {
			boom := errors.New("boom")
			err := tryA(c, func(ctx context.Context, tx *storage.Tx) error {
				r := e
				r.Purpose, r.StudentID = "rolled back", w.bram.ID
				must(t, tx.LogAccess(ctx, &r))
				return boom
			})
			if !errors.Is(err, boom) {
				t.Fatalf("Update = %v, want boom", err)
			}
			if es := viewValue(t, c.db, func(ctx context.Context, tx *storage.Tx) ([]casus.AccessEntry, error) {
				return tx.AccessEntries(ctx, storage.AccessFilter{StudentID: w.bram.ID})
			}); len(es) != 0 {
				t.Errorf("a rolled-back entry was kept: %+v", es)
			}
			if n, err := c.db.VerifyAccessLog(t.Context()); err != nil || n == 0 {
				t.Errorf("VerifyAccessLog after the rollback = %d, %v", n, err)
			}
		})
	})

	contracts.add("EntryHash", func(t *testing.T, c *contract) {
		e := logA(t, c, c.w.coordinator, c.w.sanne.ID, "student page")
		stored := viewValue(t, c.db, func(ctx context.Context, tx *storage.Tx) ([]casus.AccessEntry, error) {
			return tx.AccessEntries(ctx, storage.AccessFilter{StudentID: c.w.sanne.ID, Limit: 1})
		})
		if len(stored) != 1 || c.db.EntryHash(&stored[0]) != stored[0].Hash || c.db.EntryHash(&e) != e.Hash {
			t.Fatalf("EntryHash of the stored entry %+v does not match its hash", stored)
		}
		if len(e.Hash) != 64 {
			t.Errorf("hash %q, want 64 hex digits", e.Hash)
		}
		for name, change := range map[string]func(*casus.AccessEntry){
			"Purpose":  func(x *casus.AccessEntry) { x.Purpose = "tampered" },
			"PrevHash": func(x *casus.AccessEntry) { x.PrevHash = "00" },
			"At":       func(x *casus.AccessEntry) { x.At = x.At.Add(time.Microsecond) },
			"Seq":      func(x *casus.AccessEntry) { x.Seq++ },
			"Basis":    func(x *casus.AccessEntry) { x.Basis = casus.BasisConsent },
		} {
			x := e
			change(&x)
			if c.db.EntryHash(&x) == e.Hash {
				t.Errorf("changing %s leaves the hash the same", name)
			}
		}
	})

	contracts.add("AccessEntries", func(t *testing.T, c *contract) {
		w := c.w
		a := logA(t, c, w.coordinator, w.sanne.ID, "one")
		c.clock.Add(time.Second)
		b := logA(t, c, w.mentor, w.sanne.ID, "two")
		c.clock.Add(time.Second)
		d := logA(t, c, w.coordinator, w.bram.ID, "three")
		c.clock.Add(time.Second)
		e := logA(t, c, w.coordinator, w.sanne.ID, "four")
		seqs := func(f storage.AccessFilter) []int64 {
			t.Helper()
			es := viewValue(t, c.db, func(ctx context.Context, tx *storage.Tx) ([]casus.AccessEntry, error) {
				return tx.AccessEntries(ctx, f)
			})
			var out []int64
			for _, x := range es {
				out = append(out, x.Seq)
			}
			return out
		}
		eq := func(got []int64, want ...int64) bool {
			if len(got) != len(want) {
				return false
			}
			for i := range got {
				if got[i] != want[i] {
					return false
				}
			}
			return true
		}
		if got := seqs(storage.AccessFilter{StudentID: w.sanne.ID}); !eq(got, e.Seq, b.Seq, a.Seq) {
			t.Errorf("by student = %v, want newest first %v", got, []int64{e.Seq, b.Seq, a.Seq})
		}
		if got := seqs(storage.AccessFilter{UserID: w.coordinator.ID}); !eq(got, e.Seq, d.Seq, a.Seq) {
			t.Errorf("by user = %v, want %v", got, []int64{e.Seq, d.Seq, a.Seq})
		}
		if got := seqs(storage.AccessFilter{UserID: w.coordinator.ID, StudentID: w.sanne.ID, Limit: 1}); !eq(got, e.Seq) {
			t.Errorf("by user and student, limit 1 = %v, want %v", got, []int64{e.Seq})
		}
		if got := seqs(storage.AccessFilter{StudentID: w.ayla.ID}); len(got) != 0 {
			t.Errorf("entries of a student nobody read = %v", got)
		}
		if got := seqs(storage.AccessFilter{Limit: 2}); len(got) != 2 || got[0] != e.Seq {
			t.Errorf("unfiltered, limit 2 = %v, want the newest two starting with %d", got, e.Seq)
		}
	})

	contracts.add("VerifyAccessLog", func(t *testing.T, c *contract) {
		before, err := c.db.VerifyAccessLog(t.Context())
		if err != nil {
			t.Fatalf("VerifyAccessLog = %v", err)
		}
		logA(t, c, c.w.coordinator, c.w.sanne.ID, "one")
		logA(t, c, c.w.mentor, c.w.sanne.ID, "two")
		after, err := c.db.VerifyAccessLog(t.Context())
		if err != nil || after != before+2 {
			t.Errorf("VerifyAccessLog after two entries = %d, %v; want %d, nil", after, err, before+2)
		}
	})
}
