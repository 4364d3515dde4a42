package storage_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"casus/storage"
)

// accessLogA is the access log's state in a checkpoint.
func accessLogA(t *testing.T, cp storage.Checkpoint) storage.CheckpointLog {
	t.Helper()
	for _, l := range cp.Logs {
		if l.Log == "access_log" {
			return l
		}
	}
	t.Fatalf("checkpoint %+v has no access log", cp)
	return storage.CheckpointLog{}
}

func init() {
	contracts.add("Checkpoint", func(t *testing.T, c *contract) {
		c.clock.Set(contractEpoch.Add(1500 * time.Millisecond))
		e := logA(t, c, c.w.coordinator, c.w.sanne.ID, "checkpoint")
		cp, err := c.db.Checkpoint(t.Context())
		if err != nil {
			t.Fatalf("Checkpoint = %v", err)
		}
		if cp.Version != 1 || !cp.At.Equal(contractEpoch.Add(time.Second)) || cp.Instance != c.db.Instance || cp.Signature == "" {
			t.Errorf("checkpoint = %+v, want version 1 at the clock to the second, this instance, signed", cp)
		}
		if len(cp.Logs) != 2 || cp.Logs[1].Log != "security_events" {
			t.Errorf("logs = %+v, want the access log and the security events", cp.Logs)
		}
		if l := accessLogA(t, cp); l.Seq != e.Seq || l.Hash != e.Hash {
			t.Errorf("access log in the checkpoint = %+v, want the head: entry %d %s", l, e.Seq, e.Hash)
		}
		if r, err := c.db.VerifyAudit(t.Context(), &cp); err != nil || !r.ChainsIntact {
			t.Errorf("VerifyAudit against the fresh checkpoint = %+v, %v", r, err)
		}
		if !strings.Contains(cp.Summary(), "access log up to entry ") {
			t.Errorf("Summary = %q", cp.Summary())
		}
	})

	contracts.add("WriteCheckpoint", func(t *testing.T, c *contract) {
		dir := filepath.Join(t.TempDir(), "checkpoints")
		logA(t, c, c.w.coordinator, c.w.sanne.ID, "one")
		path, cp, err := c.db.WriteCheckpoint(t.Context(), dir)
		if err != nil {
			t.Fatalf("WriteCheckpoint = %v", err)
		}
		if want := filepath.Join(dir, "casus-checkpoint-20261102T090000Z.json"); path != want {
			t.Errorf("path = %s, want %s", path, want)
		}
		if fi, err := os.Stat(path); err != nil || fi.Mode().Perm()&0o077 != 0 {
			t.Errorf("checkpoint file: %v, %v; want readable by the owner only", fi.Mode(), err)
		}
		read, err := c.db.ReadCheckpoint(path)
		if err != nil || read.Signature != cp.Signature || accessLogA(t, read) != accessLogA(t, cp) {
			t.Errorf("ReadCheckpoint = %+v, %v; want %+v", read, err, cp)
		}

		// An hour later, with a newer entry: the newest checkpoint matches, a second one is written.
		c.clock.Add(time.Hour)
		e := logA(t, c, c.w.mentor, c.w.sanne.ID, "two")
		path2, cp2, err := c.db.WriteCheckpoint(t.Context(), dir)
		if err != nil || path2 == path || accessLogA(t, cp2).Seq != e.Seq {
			t.Fatalf("second WriteCheckpoint = %s, %+v, %v", path2, cp2, err)
		}
		if newest, err := c.db.ReadCheckpoint(dir); err != nil || newest.Signature != cp2.Signature {
			t.Errorf("the newest checkpoint in the directory = %+v, %v; want the second", newest, err)
		}

		t.Run("AlteredNewest/Refused", func(t *testing.T) {
			b, err := os.ReadFile(path2)
			must(t, err)
			must(t, os.WriteFile(path2, []byte(strings.Replace(string(b), `"instance": "`, `"instance": "x`, 1)), 0o600))
			c.clock.Add(time.Hour)
			p, _, err := c.db.WriteCheckpoint(t.Context(), dir)
			if !errors.Is(err, storage.ErrCheckpointSignature) || p != "" {
				t.Errorf("WriteCheckpoint after an altered checkpoint = %q, %v; want ErrCheckpointSignature", p, err)
			}
			if names, _ := filepath.Glob(filepath.Join(dir, "*")); len(names) != 2 {
				t.Errorf("files in the directory = %v, want the two checkpoints only", names)
			}
		})
	})

	contracts.add("ReadCheckpoint", func(t *testing.T, c *contract) {
		dir := t.TempDir()
		logA(t, c, c.w.coordinator, c.w.sanne.ID, "one")
		first, cp1, err := c.db.WriteCheckpoint(t.Context(), dir)
		must(t, err)
		c.clock.Add(24 * time.Hour)
		logA(t, c, c.w.coordinator, c.w.sanne.ID, "two")
		_, cp2, err := c.db.WriteCheckpoint(t.Context(), dir)
		must(t, err)
		if got, err := c.db.ReadCheckpoint(first); err != nil || got.Signature != cp1.Signature || !got.At.Equal(cp1.At) ||
			got.Instance != cp1.Instance || len(got.Logs) != 2 || got.Logs[0] != cp1.Logs[0] || got.Logs[1] != cp1.Logs[1] {
			t.Errorf("ReadCheckpoint(file) = %+v, %v; want %+v", got, err, cp1)
		}
		if got, err := c.db.ReadCheckpoint(dir); err != nil || got.Signature != cp2.Signature {
			t.Errorf("ReadCheckpoint(dir) = %+v, %v; want the newest, %+v", got, err, cp2)
		}
		t.Run("Altered/ErrSignature", func(t *testing.T) {
			b, err := os.ReadFile(first)
			must(t, err)
			altered := filepath.Join(t.TempDir(), "altered.json")
			must(t, os.WriteFile(altered, []byte(strings.Replace(string(b), `"seq": `, `"seq": 1`, 1)), 0o600))
			if _, err := c.db.ReadCheckpoint(altered); !errors.Is(err, storage.ErrCheckpointSignature) {
				t.Errorf("ReadCheckpoint(altered) = %v, want ErrCheckpointSignature", err)
			}
		})
		t.Run("NotACheckpoint/Err", func(t *testing.T) {
			other := t.TempDir()
			if _, err := c.db.ReadCheckpoint(other); err == nil {
				t.Error("ReadCheckpoint of an empty directory succeeded")
			}
			junk := filepath.Join(other, "junk.json")
			must(t, os.WriteFile(junk, []byte(`{"hello": "world"}`), 0o600))
			if _, err := c.db.ReadCheckpoint(junk); err == nil || errors.Is(err, storage.ErrCheckpointSignature) {
				t.Errorf("ReadCheckpoint(junk) = %v, want an error that it is no checkpoint", err)
			}
			if _, err := c.db.ReadCheckpoint(filepath.Join(other, "missing.json")); err == nil {
				t.Error("ReadCheckpoint of a missing file succeeded")
			}
		})
	})

	contracts.add("VerifyAudit", func(t *testing.T, c *contract) {
		logA(t, c, c.w.coordinator, c.w.sanne.ID, "one")
		r, err := c.db.VerifyAudit(t.Context(), nil)
		if err != nil || !r.ChainsIntact || r.Checkpoint != nil || r.AccessEntries == 0 {
			t.Fatalf("VerifyAudit(nil) = %+v, %v", r, err)
		}
		if n, err := c.db.VerifyAccessLog(t.Context()); err != nil || n != r.AccessEntries {
			t.Errorf("VerifyAccessLog = %d, %v; VerifyAudit counted %d", n, err, r.AccessEntries)
		}
		cp, err := c.db.Checkpoint(t.Context())
		must(t, err)
		logA(t, c, c.w.coordinator, c.w.sanne.ID, "two")
		if r, err := c.db.VerifyAudit(t.Context(), &cp); err != nil || r.Checkpoint != &cp || r.AccessEntries == 0 {
			t.Errorf("VerifyAudit against an earlier checkpoint = %+v, %v", r, err)
		}
		t.Run("CheckpointAhead/ChainError", func(t *testing.T) {
			// A checkpoint that recorded more entries than the log now has:
			// entries were cut from the end.
			ahead := cp
			ahead.Logs = append([]storage.CheckpointLog(nil), cp.Logs...)
			for i := range ahead.Logs {
				if ahead.Logs[i].Log == "access_log" {
					ahead.Logs[i].Seq += 1000
				}
			}
			r, err := c.db.VerifyAudit(t.Context(), &ahead)
			var ce *storage.ChainError
			if !errors.As(err, &ce) || ce.Seq != accessLogA(t, ahead).Seq || !strings.Contains(ce.Reason, "removed from the end") {
				t.Errorf("VerifyAudit(ahead) = %v, want a ChainError at %d", err, accessLogA(t, ahead).Seq)
			}
			if !r.ChainsIntact {
				t.Error("a mismatch with the checkpoint reported the chains broken")
			}
		})
		t.Run("CheckpointWithoutLog/Err", func(t *testing.T) {
			partial := cp
			partial.Logs = []storage.CheckpointLog{accessLogA(t, cp)}
			if _, err := c.db.VerifyAudit(t.Context(), &partial); err == nil {
				t.Error("VerifyAudit against a checkpoint without the security events succeeded")
			}
		})
	})
}
