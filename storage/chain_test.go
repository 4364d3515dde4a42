package storage_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"casus"
	"casus/storage"
	"casus/storage/storagetest"
)

// dropGuards drops the append-only triggers of the audit tables, as someone
// with full database access could.
func dropGuards(t *testing.T, db *storage.DB) {
	t.Helper()
	stmts := []string{`DROP TRIGGER access_log_no_update`, `DROP TRIGGER access_log_no_delete`,
		`DROP TRIGGER security_events_no_update`, `DROP TRIGGER security_events_no_delete`}
	if db.Engine == storage.Postgres {
		stmts = []string{`DROP TRIGGER access_log_no_update ON access_log`, `DROP TRIGGER security_events_no_update ON security_events`}
	}
	execAll(t, db, stmts...)
}

func execAll(t *testing.T, db *storage.DB, stmts ...string) {
	t.Helper()
	for _, s := range stmts {
		if _, err := db.SQL().ExecContext(t.Context(), s); err != nil {
			t.Fatalf("%s: %v", s, err)
		}
	}
}

// wantBroken checks that VerifyAudit fails with a *ChainError of log at seq
// whose reason contains reason.
func wantBroken(t *testing.T, db *storage.DB, cp *storage.Checkpoint, log string, seq int64, reason string) {
	t.Helper()
	_, err := db.VerifyAudit(t.Context(), cp)
	var ce *storage.ChainError
	if !errors.As(err, &ce) {
		t.Fatalf("VerifyAudit = %v, want a *storage.ChainError", err)
	}
	if ce.Log != log || ce.Seq != seq || !strings.Contains(ce.Reason, reason) {
		t.Errorf("VerifyAudit = %q, want %s broken at %d: …%s…", err, log, seq, reason)
	}
}

// auditLogs writes n access-log entries and n security events.
func auditLogs(t *testing.T, db *storage.DB, n int) {
	t.Helper()
	for i := range n {
		a := &casus.AccessEntry{UserID: "u1", UserName: "Marieke", Role: casus.RoleMentor, StudentID: casus.NewID(),
			ObjectKind: "student", Action: casus.ActRead, Purpose: "student page", Outcome: casus.OutcomeGranted}
		s := &casus.SecurityEvent{Kind: casus.SecLoginSucceeded, ActorID: "u1", ActorName: "Marieke", ClientAddr: "192.0.2.7"}
		if err := db.Update(t.Context(), func(tx *storage.Tx) error {
			if err := tx.LogAccess(t.Context(), a); err != nil {
				return err
			}
			return tx.LogSecurityEvent(t.Context(), s)
		}); err != nil {
			t.Fatalf("entry %d: %v", i, err)
		}
	}
}

func mustVerify(t *testing.T, db *storage.DB, cp *storage.Checkpoint, access, security int64) {
	t.Helper()
	r, err := db.VerifyAudit(t.Context(), cp)
	if err != nil || r.AccessEntries != access || r.SecurityEvents != security {
		t.Fatalf("VerifyAudit = %d entries, %d events, %v; want %d, %d, nil", r.AccessEntries, r.SecurityEvents, err, access, security)
	}
}

// TestHashChainResistsWhoeverHoldsTheDatabase is issue 9's finding "the hash
// chain does not resist whoever holds the database", on the storage API and
// on both chains: with the guard triggers dropped, an entry changed with
// every later hash and the head recomputed (without the key), a tail cut with
// the head moved back (against a checkpoint), and a start cut with the
// anchor moved all fail verification; an untampered log verifies, also after
// pruning.
func TestHashChainResistsWhoeverHoldsTheDatabase(t *testing.T) {
	t.Run("Tamperings", func(t *testing.T) { tamperings(t) })
	// Two storagetest.Run in one test would share the subtest name "sqlite",
	// and the second one's name ("sqlite#01") is not a usable SQLite file URI.
	t.Run("Pruning", func(t *testing.T) { pruning(t) })
}

func tamperings(t *testing.T) {
	const n = 5
	storagetest.Run(t, conformance+" keyed audit chain", func(t *testing.T, db *storage.DB) {
		ctx := t.Context()
		t.Run("HashesNeedTheKey", func(t *testing.T) {
			auditLogs(t, db, 1)
			var es []casus.AccessEntry
			if err := db.View(ctx, func(tx *storage.Tx) (err error) {
				es, err = tx.AccessEntries(ctx, storage.AccessFilter{Limit: 1})
				return err
			}); err != nil {
				t.Fatal(err)
			}
			if e := es[0]; e.Hash != db.EntryHash(&e) || e.Hash == storage.LegacyEntryHash(&e) {
				t.Errorf("stored hash %s: keyed %s, unkeyed %s", e.Hash, db.EntryHash(&e), storage.LegacyEntryHash(&e))
			}
			auditLogs(t, db, n-1)
		})
		mustVerify(t, db, nil, n, n)
		cp, err := db.Checkpoint(ctx)
		if err != nil {
			t.Fatal(err)
		}
		mustVerify(t, db, &cp, n, n)
		dropGuards(t, db)

		for _, c := range []struct{ table, log, column, was string }{
			{"access_log", "access log", "purpose", "student page"}, {"security_events", "security-event log", "detail", ""},
			// The NEN 7513 fields are covered too.
			{"access_log", "access log", "client_addr", ""}, {"access_log", "access log", "basis", ""},
		} {
			t.Run("ChangedAndRehashed/"+c.table+"."+c.column, func(t *testing.T) {
				// Change entry 3, give it the unkeyed hash an attacker can
				// compute and relink entry 4 to it: entry 3 breaks.
				var h3 string
				if err := db.ReadSQL().QueryRowContext(ctx, `SELECT hash FROM `+c.table+` WHERE seq = 3`).Scan(&h3); err != nil {
					t.Fatal(err)
				}
				forged := strings.Repeat("0", 64)
				execAll(t, db, `UPDATE `+c.table+` SET `+c.column+` = 'tampered', hash = '`+forged+`' WHERE seq = 3`,
					`UPDATE `+c.table+` SET prev_hash = '`+forged+`' WHERE seq = 4`)
				wantBroken(t, db, nil, c.log, 3, "content does not match its hash")
				execAll(t, db, `UPDATE `+c.table+` SET `+c.column+` = '`+c.was+`', hash = '`+h3+`' WHERE seq = 3`,
					`UPDATE `+c.table+` SET prev_hash = '`+h3+`' WHERE seq = 4`)
			})
		}
		// The repairs above restored the logs exactly.
		mustVerify(t, db, &cp, n, n)

		// The security-event log first: verification reports the access
		// log first.
		for _, c := range []struct{ table, head, log string }{
			{"security_events", "security_events_head", "security-event log"}, {"access_log", "access_log_head", "access log"},
		} {
			t.Run("CutTail/"+c.table, func(t *testing.T) {
				tx, err := db.SQL().BeginTx(ctx, nil)
				if err != nil {
					t.Fatal(err)
				}
				defer tx.Rollback()
				for _, s := range []string{`DELETE FROM ` + c.table + ` WHERE seq >= 4`,
					`UPDATE ` + c.head + ` SET seq = 3, hash = (SELECT hash FROM ` + c.table + ` WHERE seq = 3)`} {
					if _, err := tx.ExecContext(ctx, s); err != nil {
						t.Fatal(err)
					}
				}
				if err := tx.Commit(); err != nil {
					t.Fatal(err)
				}
				wantBroken(t, db, &cp, c.log, n, "were removed from the end")
				wantBroken(t, db, &cp, c.log, n, "but the log now ends at entry 3")
			})
		}
	})

}

func pruning(t *testing.T) {
	const n = 5
	storagetest.Run(t, conformance+" keyed audit chain start", func(t *testing.T, db *storage.DB) {
		ctx := t.Context()
		auditLogs(t, db, n)
		cp, err := db.Checkpoint(ctx)
		if err != nil {
			t.Fatal(err)
		}
		// A signed prune moves the start: the log still verifies, against
		// the checkpoint too.
		if err := db.Update(ctx, func(tx *storage.Tx) error {
			_, err := tx.PruneAccessLog(ctx, time.Now().Add(time.Hour))
			return err
		}); err != nil {
			t.Fatal(err)
		}
		mustVerify(t, db, &cp, 0, n)
		auditLogs(t, db, 2)
		mustVerify(t, db, &cp, 2, n+2)

		dropGuards(t, db)
		execAll(t, db, `DELETE FROM access_log WHERE seq = 6`,
			`UPDATE access_log_anchor SET seq = 6, hash = (SELECT hash FROM access_log_head)`)
		wantBroken(t, db, nil, "access log", 7, "without a signed prune record")
	})
}

// TestAuditChainKeepsEntriesFromBeforeTheUpgrade: entries hashed with plain
// SHA-256 before the keyed chain still verify after the upgrade, up to the
// boundary sealed at the upgrade; changing one of them, or moving the
// boundary, breaks verification.
func TestAuditChainKeepsEntriesFromBeforeTheUpgrade(t *testing.T) {
	for _, engine := range storagetest.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			ctx := t.Context()
			cfg := storage.Config{Instance: "upgrade", AuditKey: storagetest.AuditKey, Now: time.Now}
			if engine == storage.Postgres {
				cfg.URL = storagetest.DatabaseURL(t)
			} else {
				cfg.Dir = t.TempDir()
			}
			old, err := storage.OpenBefore(ctx, cfg, 39)
			if err != nil {
				t.Fatal(err)
			}
			// Four entries hashed the old way, the first pruned the old way:
			// deleted under a permit, the anchor moved without a signature.
			prev := ""
			at := time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC)
			legacy := func(seq int64, userName, prev string) casus.AccessEntry {
				e := casus.AccessEntry{Seq: seq, At: at, UserID: "u1", UserName: userName, Role: casus.RoleMentor,
					StudentID: "s1", ObjectKind: "student", Action: casus.ActRead, Purpose: "student page",
					Outcome: casus.OutcomeGranted, PrevHash: prev}
				e.Hash = storage.LegacyEntryHash(&e)
				return e
			}
			var hashes []string
			for seq := int64(1); seq <= 4; seq++ {
				e := legacy(seq, "Marieke", prev)
				if _, err := old.SQL().ExecContext(ctx, `INSERT INTO access_log (seq, at, user_id, user_name, role, org_name,
					relation, student_id, object_kind, object_id, action, purpose, request_id, instance, outcome, prev_hash, hash)
					VALUES ($1, $2, $3, $4, $5, '', '', $6, $7, '', $8, $9, '', '', $10, $11, $12)`,
					e.Seq, e.At, e.UserID, e.UserName, string(e.Role), e.StudentID, e.ObjectKind, string(e.Action), e.Purpose,
					string(e.Outcome), e.PrevHash, e.Hash); err != nil {
					t.Fatal(err)
				}
				prev = e.Hash
				hashes = append(hashes, e.Hash)
			}
			for _, q := range []string{`UPDATE access_log_head SET seq = 4, hash = '` + prev + `'`,
				`INSERT INTO destruction_permits (token, kind) VALUES ('t', 'access_log')`,
				`DELETE FROM access_log WHERE seq = 1`,
				`DELETE FROM destruction_permits`,
				`UPDATE access_log_anchor SET seq = 1, hash = '` + hashes[0] + `'`} {
				if _, err := old.SQL().ExecContext(ctx, q); err != nil {
					t.Fatalf("%s: %v", q, err)
				}
			}
			old.Close()

			db, err := storage.Open(ctx, cfg)
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			auditLogs(t, db, 2)
			r, err := db.VerifyAudit(ctx, nil)
			if err != nil || r.AccessEntries != 5 || r.AccessLegacy != 3 {
				t.Fatalf("VerifyAudit = %+v, %v; want 5 entries, 3 from before the keyed chain", r, err)
			}
			cp, err := db.Checkpoint(ctx)
			if err != nil {
				t.Fatal(err)
			}
			// A second start does not seal again.
			db2, err := storage.Open(ctx, cfg)
			if err != nil {
				t.Fatal(err)
			}
			db2.Close()
			mustVerify(t, db, &cp, 5, 2)
			// The anchor the old pruning left was signed at the upgrade:
			// moving it now breaks verification.
			execAll(t, db, `UPDATE access_log_anchor SET seq = 2, hash = '`+hashes[1]+`'`)
			wantBroken(t, db, nil, "access log", 3, "without a signed prune record")
			execAll(t, db, `UPDATE access_log_anchor SET seq = 1, hash = '`+hashes[0]+`'`)
			mustVerify(t, db, &cp, 5, 2)

			dropGuards(t, db)
			// The last old entry changed and rehashed the old way, the first
			// keyed one relinked to it: the old entries no longer end in the
			// sealed hash.
			e := legacy(4, "Someone else", hashes[2])
			execAll(t, db, `UPDATE access_log SET user_name = 'Someone else', hash = '`+e.Hash+`' WHERE seq = 4`,
				`UPDATE access_log SET prev_hash = '`+e.Hash+`' WHERE seq = 5`)
			wantBroken(t, db, nil, "access log", 4, "entries from before the keyed chain were changed")
			// Moving the boundary over the keyed entries breaks its seal.
			execAll(t, db, `UPDATE audit_chains SET legacy_seq = 6 WHERE name = 'access_log'`)
			wantBroken(t, db, nil, "access log", 7, "its seal does not match the key")
			// Clearing the seal to have it set again: a restart does not.
			execAll(t, db, `UPDATE audit_chains SET seal = '' WHERE name = 'access_log'`)
			db3, err := storage.Open(ctx, cfg)
			if err != nil {
				t.Fatal(err)
			}
			db3.Close()
			wantBroken(t, db, nil, "access log", 7, "its seal does not match the key")
		})
	}
}

// TestCheckpointRefusesALogCutBack: the hourly checkpoint compares the logs
// with the previous checkpoint first; after the tail was cut and the head
// moved back it writes nothing and says so.
func TestCheckpointRefusesALogCutBack(t *testing.T) {
	storagetest.Run(t, conformance+" checkpoint files", func(t *testing.T, db *storage.DB) {
		ctx := t.Context()
		dir := t.TempDir()
		auditLogs(t, db, 3)
		if _, _, err := db.WriteCheckpoint(ctx, dir); err != nil {
			t.Fatal(err)
		}
		auditLogs(t, db, 2)
		if _, _, err := db.WriteCheckpoint(ctx, dir); err != nil {
			t.Fatalf("second checkpoint: %v", err)
		}
		dropGuards(t, db)
		execAll(t, db, `DELETE FROM access_log WHERE seq = 5`,
			`UPDATE access_log_head SET seq = 4, hash = (SELECT hash FROM access_log WHERE seq = 4)`)
		if _, err := db.VerifyAudit(ctx, nil); err != nil {
			t.Fatalf("the cut chain is consistent in itself, VerifyAudit = %v", err)
		}
		_, _, err := db.WriteCheckpoint(ctx, dir)
		if err == nil || !strings.Contains(err.Error(), "no longer match the previous checkpoint") ||
			!strings.Contains(err.Error(), "access log chain broken at entry 5") {
			t.Errorf("WriteCheckpoint after the cut = %v, want a refusal naming entry 5", err)
		}
	})
}
