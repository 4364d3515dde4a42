package main

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"casus"
	"casus/demo"
	"casus/storage"
	"casus/storage/storagetest"
)

// checkpoint runs `casus audit checkpoint` into dir and returns the file.
func checkpoint(t *testing.T, d *testDB, dir string) string {
	t.Helper()
	o := mustSucceed(t, cli(t, nil, joined([]string{"audit", "checkpoint"}, d.args(), []string{"--audit-checkpoint-dir", dir})...))
	m := regexp.MustCompile(`^checkpoint written to (\S+) \(`).FindStringSubmatch(o.stdout)
	if m == nil {
		t.Fatalf("audit checkpoint printed %q", o.stdout)
	}
	return m[1]
}

func verifyWith(t *testing.T, d *testDB, cp string) outcome {
	t.Helper()
	return cli(t, nil, joined([]string{"audit", "verify"}, d.args(), []string{"--checkpoint", cp})...)
}

// entries reads the access log in order, as someone with database access
// would before rewriting it.
func entries(t *testing.T, d *testDB) []casus.AccessEntry {
	t.Helper()
	db := d.open(t)
	var es []casus.AccessEntry
	if err := db.View(t.Context(), func(tx *storage.Tx) (err error) {
		es, err = tx.AccessEntries(t.Context(), storage.AccessFilter{Limit: 1000})
		return err
	}); err != nil {
		t.Fatal(err)
	}
	db.Close()
	slices.Reverse(es)
	return es
}

// unkeyedHash is the best an attacker without the key can compute: the
// chain's old plain SHA-256.
func unkeyedHash(e *casus.AccessEntry) string {
	b, _ := json.Marshal([]any{e.Seq, e.At.UTC().Format(time.RFC3339Nano), e.UserID, e.UserName, e.Role, e.OrgName,
		e.Relation, e.StudentID, e.ObjectKind, e.ObjectID, e.Action, e.Purpose, e.RequestID, e.Instance, e.Outcome,
		e.PrevHash})
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// TestHashChainResistsWhoeverHoldsTheDatabase is issue 9's finding "the hash
// chain does not resist whoever holds the database": with SQL access and the
// guard triggers dropped, (a) changing an entry and recomputing every later
// hash and the head, (b) cutting the tail and moving the head back, and (c)
// cutting the start and moving the anchor must each make `casus audit
// verify` fail (against a checkpoint where the chain alone cannot tell),
// while an untampered log verifies, also after pruning.
func TestHashChainResistsWhoeverHoldsTheDatabase(t *testing.T) {
	const n = 5
	for _, engine := range storagetest.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			t.Parallel()

			t.Run("UntamperedVerifiesAlsoAfterPruning", func(t *testing.T) {
				t.Parallel()
				d := newTestDB(t, engine)
				mustSucceed(t, cli(t, nil, append([]string{"demo"}, d.args()...)...))
				mentor := checkLogin(t, d, demo.UserMentor, demo.Password, true)
				db := d.open(t)
				var early string
				// Three entries past the access log's retention (60 months),
				// two recent ones.
				old := time.Now().UTC().AddDate(-6, 0, 0)
				for i := range n {
					at := time.Time{}
					if i < 3 {
						at = old.Add(time.Duration(i) * time.Minute)
					}
					e := &casus.AccessEntry{At: at, UserID: mentor.ID, UserName: mentor.Name, Role: mentor.PrimaryRole(),
						Relation: casus.RelMentor, StudentID: casus.NewID(), ObjectKind: "student", Action: casus.ActRead,
						Purpose: "student page", Outcome: casus.OutcomeGranted}
					if err := db.Update(t.Context(), func(tx *storage.Tx) error { return tx.LogAccess(t.Context(), e) }); err != nil {
						t.Fatal(err)
					}
					if i == 1 {
						db.Close()
						early = checkpoint(t, d, t.TempDir())
						db = d.open(t)
					}
				}
				db.Close()
				dir := t.TempDir()
				cp := checkpoint(t, d, dir)
				o := mustSucceed(t, verifyWith(t, d, cp))
				if !strings.Contains(o.stdout, fmt.Sprintf("access log intact: %d entries verified\n", n)) ||
					!strings.Contains(o.stdout, "consistent with the checkpoint of") {
					t.Errorf("audit verify printed %q", o.stdout)
				}
				// The checkpoint's directory names its newest file.
				mustSucceed(t, verifyWith(t, d, dir))

				o = mustSucceed(t, cli(t, nil, append([]string{"retention"}, d.args()...)...))
				if !strings.Contains(o.stdout, "3 access-log entries destroyed") {
					t.Fatalf("retention printed %q", o.stdout)
				}
				verifyOK(t, d, n-3)
				mustSucceed(t, verifyWith(t, d, cp))
				// A checkpoint from before the pruning, whose entry is gone
				// with the signed prune, still verifies.
				o = mustSucceed(t, verifyWith(t, d, early))
				if !strings.Contains(o.stdout, "up to entry 2") {
					t.Errorf("audit verify against the early checkpoint printed %q", o.stdout)
				}
			})

			t.Run("ChangedEntryRehashed", func(t *testing.T) {
				t.Parallel()
				d := auditDB(t, engine, n)
				dropTriggers(t, d)
				// (a) Change entry 3 and recompute its hash, every later hash
				// and link, and the head, as an attacker without the key can.
				es := entries(t, d)
				raw := d.raw(t)
				prev := es[1].Hash
				for i := 2; i < n; i++ {
					e := es[i]
					if e.Seq == 3 {
						e.Purpose = "tampered"
					}
					e.PrevHash = prev
					e.Hash = unkeyedHash(&e)
					if _, err := raw.Exec(`UPDATE access_log SET purpose = $1, prev_hash = $2, hash = $3 WHERE seq = $4`,
						e.Purpose, e.PrevHash, e.Hash, e.Seq); err != nil {
						t.Fatal(err)
					}
					prev = e.Hash
				}
				if _, err := raw.Exec(`UPDATE access_log_head SET seq = $1, hash = $2`, n, prev); err != nil {
					t.Fatal(err)
				}
				verifyFails(t, d, "access log chain broken at entry 3: entry content does not match its hash (the 2 entries before it verified)")

				// Declaring the rewritten entries to be from before the keyed
				// chain breaks the seal of its start.
				if _, err := raw.Exec(`UPDATE audit_chains SET legacy_seq = $1, legacy_hash = $2 WHERE name = 'access_log'`, n, prev); err != nil {
					t.Fatal(err)
				}
				verifyFails(t, d, "access log chain broken at entry 6: the boundary between entries from before the keyed chain and keyed entries was moved")
			})

			t.Run("CutTailHeadMovedBack", func(t *testing.T) {
				t.Parallel()
				d := auditDB(t, engine, n)
				cp := checkpoint(t, d, t.TempDir())
				dropTriggers(t, d)
				// (b) Cut entries 4 and 5 and move the head back to entry 3.
				es := entries(t, d)
				execSQL(t, d, `DELETE FROM access_log WHERE seq >= 4`,
					`UPDATE access_log_head SET seq = 3, hash = '`+es[2].Hash+`'`)
				// The chain alone is consistent again; the checkpoint is not.
				o := verifyWith(t, d, cp)
				mustFail(t, o, "access log chain broken at entry 5: recorded in the checkpoint of")
				mustFail(t, o, "but the log now ends at entry 3: entries were removed from the end")
				if strings.Contains(o.stdout, "intact") && strings.Contains(o.stdout, "consistent") {
					t.Errorf("audit verify printed %q on a cut log", o.stdout)
				}
			})

			t.Run("CutStartAnchorMoved", func(t *testing.T) {
				t.Parallel()
				d := auditDB(t, engine, n)
				dropTriggers(t, d)
				// (c) Cut entries 1 and 2 and move the anchor after them.
				es := entries(t, d)
				execSQL(t, d, `DELETE FROM access_log WHERE seq <= 2`,
					`UPDATE access_log_anchor SET seq = 2, hash = '`+es[1].Hash+`'`)
				verifyFails(t, d, "access log chain broken at entry 3: the start of the log was moved to entry 3 without a signed prune record")
				// Copying the signature of another anchor does not help.
				execSQL(t, d, `UPDATE access_log_anchor SET mac = '`+strings.Repeat("ab", 32)+`'`)
				verifyFails(t, d, "without a signed prune record")
			})

			t.Run("SecurityEventsCutTail", func(t *testing.T) {
				t.Parallel()
				d := newTestDB(t, engine)
				mustSucceed(t, cli(t, nil, append([]string{"migrate"}, d.args()...)...))
				db := d.open(t)
				for _, kind := range []casus.SecurityEventKind{casus.SecLoginFailed, casus.SecLoginSucceeded, casus.Sec2FARemoved} {
					e := &casus.SecurityEvent{Kind: kind, ActorName: "Jeroen", TargetName: "Marieke", ClientAddr: "192.0.2.7"}
					if err := db.Update(t.Context(), func(tx *storage.Tx) error { return tx.LogSecurityEvent(t.Context(), e) }); err != nil {
						t.Fatal(err)
					}
				}
				db.Close()
				cp := checkpoint(t, d, t.TempDir())
				// Whoever removed two-factor from an account hides it: the
				// last event goes and the head moves back.
				stmts := []string{`DROP TRIGGER security_events_no_update`, `DROP TRIGGER security_events_no_delete`}
				if d.engine == storage.Postgres {
					stmts = []string{`DROP TRIGGER security_events_no_update ON security_events`}
				}
				execSQL(t, d, append(stmts, `DELETE FROM security_events WHERE seq = 3`,
					`UPDATE security_events_head SET seq = 2, hash = (SELECT hash FROM security_events WHERE seq = 2)`)...)
				// The chain alone cannot tell.
				if o := mustSucceed(t, cli(t, nil, append([]string{"audit", "verify"}, d.args()...)...)); !strings.Contains(o.stdout, "security-event log intact: 2 events verified") {
					t.Errorf("audit verify printed %q", o.stdout)
				}
				o := verifyWith(t, d, cp)
				mustFail(t, o, "audit verification FAILED against the checkpoint of")
				mustFail(t, o, "security-event log chain broken at entry 3: recorded in the checkpoint of")
				mustFail(t, o, "but the log now ends at entry 2: events were removed from the end")
			})

			t.Run("ForgedCheckpoint", func(t *testing.T) {
				t.Parallel()
				d := auditDB(t, engine, n)
				cp := checkpoint(t, d, t.TempDir())
				b, err := os.ReadFile(cp)
				if err != nil {
					t.Fatal(err)
				}
				forged := strings.Replace(string(b), fmt.Sprintf(`"seq": %d`, n), `"seq": 3`, 1)
				if forged == string(b) {
					t.Fatalf("checkpoint lacks the access log's seq:\n%s", b)
				}
				if err := os.WriteFile(cp, []byte(forged), 0o600); err != nil {
					t.Fatal(err)
				}
				mustFail(t, verifyWith(t, d, cp), "the checkpoint's signature does not match")
			})
		})
	}
}
