package storage

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
)

// The access log and the security-event log are keyed hash chains. Each
// entry's hash is an HMAC-SHA256, under a key that is not in the database
// (Config.AuditKey), of the entry's fields and the hash before it; the head
// row holds the tip. Whoever holds only the database can drop the guard
// triggers and change rows, but cannot compute a hash that verifies: a
// changed entry breaks the chain at that entry (finding (a) of issue 9).
// Cutting the tail and moving the head back, or cutting the start and moving
// the anchor, leaves a chain that is consistent in itself; the signed
// checkpoints (checkpoint.go) catch the first and the keyed anchor (a prune
// record only the key can sign, see PruneAccessLog) the second.
//
// Entries written before the keyed chain (migration 00040) were hashed with
// plain SHA-256. The migration records, per chain, the last such entry in
// audit_chains (legacy_seq, legacy_hash), and the Open that applied it seals
// that boundary with the key (sealLegacy); no later Open seals again, so a
// cleared or moved seal stays broken. Entries up to legacy_seq verify with
// SHA-256 and must end exactly at the sealed legacy_hash, so they cannot be
// changed afterwards either; every entry after it must carry an HMAC.
// Whoever holds the database could still stage the state before the upgrade
// (undo the migration's bookkeeping so it runs again) to have a rewritten
// chain sealed as old: the checkpoints record the boundary, verification
// against one fails when it moved, and verify prints how many entries are
// from before the keyed chain.

// chain describes one keyed hash chain and the tables that hold it.
type chain struct {
	name   string // the name in audit_chains and in checkpoints
	label  string // for messages: "access log"
	unit   string // for messages: "entry"
	units  string // for messages: "entries"
	table  string
	head   string
	anchor string // the table with the start after pruning; "" when the chain is never pruned
}

var (
	accessChain   = chain{name: "access_log", label: "access log", unit: "entry", units: "entries", table: "access_log", head: "access_log_head", anchor: "access_log_anchor"}
	securityChain = chain{name: "security_events", label: "security-event log", unit: "event", units: "events", table: "security_events", head: "security_events_head"}
)

// auditKeys are the keys derived from Config.AuditKey, one per use, so a
// checkpoint signature can never pass for a chain hash.
type auditKeys struct {
	chain, checkpoint []byte
}

func deriveAuditKeys(key []byte) auditKeys {
	derive := func(purpose string) []byte {
		m := hmac.New(sha256.New, key)
		m.Write([]byte("casus audit " + purpose))
		return m.Sum(nil)
	}
	return auditKeys{chain: derive("chain"), checkpoint: derive("checkpoint")}
}

// mac is the hex HMAC-SHA256 under key of a canonical JSON array of parts.
func mac(key []byte, parts ...any) string {
	b, _ := json.Marshal(parts)
	m := hmac.New(sha256.New, key)
	m.Write(b)
	return hex.EncodeToString(m.Sum(nil))
}

// legacyHash is the unkeyed SHA-256 of the chain before migration 00040.
func legacyHash(fields []any) string {
	b, _ := json.Marshal(fields)
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// link is the keyed hash of an entry of c with the given fields, the
// previous hash last among them. The chain's name goes in first, so an entry
// of one chain never verifies in the other.
func (db *DB) link(c chain, fields []any) string {
	return mac(db.keys.chain, append([]any{c.name}, fields...)...)
}

// anchorMAC signs a chain's start after pruning: the sequence number and
// hash of the last entry removed.
func (db *DB) anchorMAC(c chain, seq int64, hash string) string {
	return mac(db.keys.chain, "anchor", c.name, seq, hash)
}

// sealMAC signs the boundary between a chain's unkeyed and keyed entries.
func (db *DB) sealMAC(c chain, seq int64, hash string) string {
	return mac(db.keys.chain, "legacy", c.name, seq, hash)
}

// nextLink reserves the next place in c inside the transaction: it
// returns the new entry's sequence number and the hash before it, locking
// the head on PostgreSQL (on SQLite the immediate transaction already holds
// the write lock). setHead moves the head once the entry is written.
func (tx *Tx) nextLink(ctx context.Context, c chain) (int64, string, error) {
	lock := ""
	if tx.db.Engine == Postgres {
		lock = " FOR UPDATE"
	}
	var seq int64
	var prev string
	if err := tx.queryRow(ctx, `SELECT seq, hash FROM `+c.head+` WHERE id = 1`+lock).Scan(&seq, &prev); err != nil {
		return 0, "", fmt.Errorf("storage: %s head: %w", c.label, err)
	}
	return seq + 1, prev, nil
}

func (tx *Tx) setHead(ctx context.Context, c chain, seq int64, hash string) error {
	if _, err := tx.exec(ctx, `UPDATE `+c.head+` SET seq = $1, hash = $2 WHERE id = 1`, seq, hash); err != nil {
		return fmt.Errorf("storage: %s head: %w", c.label, err)
	}
	return nil
}

// ChainError says where a chain breaks, in words a privacy officer can act
// on: which log, which entry and what is wrong.
type ChainError struct {
	Log    string // "access log" or "security-event log"
	Seq    int64
	Reason string
}

func (e *ChainError) Error() string {
	log := e.Log
	if log == "" {
		log = accessChain.label
	}
	return fmt.Sprintf("%s chain broken at entry %d: %s", log, e.Seq, e.Reason)
}

// chainState is what a chain's bookkeeping rows say.
type chainState struct {
	headSeq, anchorSeq, legacySeq int64
	headHash, anchorHash          string
	anchorMAC                     string
	legacyHash, seal              string
}

func (db *DB) readChainState(ctx context.Context, q querier, c chain) (chainState, error) {
	var s chainState
	if err := q.QueryRowContext(ctx, `SELECT seq, hash FROM `+c.head+` WHERE id = 1`).Scan(&s.headSeq, &s.headHash); err != nil {
		return s, fmt.Errorf("storage: %s head: %w", c.label, err)
	}
	if c.anchor != "" {
		if err := q.QueryRowContext(ctx, `SELECT seq, hash, mac FROM `+c.anchor+` WHERE id = 1`).Scan(&s.anchorSeq, &s.anchorHash, &s.anchorMAC); err != nil {
			return s, fmt.Errorf("storage: %s anchor: %w", c.label, err)
		}
	}
	err := q.QueryRowContext(ctx, `SELECT legacy_seq, legacy_hash, seal FROM audit_chains WHERE name = $1`, c.name).
		Scan(&s.legacySeq, &s.legacyHash, &s.seal)
	if errors.Is(err, sql.ErrNoRows) {
		return s, &ChainError{Log: c.label, Seq: 1, Reason: "the record of where the keyed chain starts (audit_chains) is missing"}
	}
	if err != nil {
		return s, fmt.Errorf("storage: %s start: %w", c.label, err)
	}
	return s, nil
}

// querier is a *sql.Tx or *sql.DB.
type querier interface {
	QueryRowContext(ctx context.Context, q string, args ...any) *sql.Row
	QueryContext(ctx context.Context, q string, args ...any) (*sql.Rows, error)
}

// chainRow is what verification needs of one entry: its place, its hashes
// and the fields its hash covers, the previous hash last: all of them for the
// keyed hash, and those the unkeyed hash covered for an entry from before it.
type chainRow struct {
	seq            int64
	prevHash, hash string
	fields, legacy []any
}

// verifyChain walks c from its anchor to its head within one read
// transaction and returns the number of entries checked, or a *ChainError
// at the first entry that was changed, inserted or removed, or at a start or
// boundary that was moved without the key.
func verifyChain(ctx context.Context, db *DB, c chain, columns string, row func(scanner) (chainRow, error)) (int64, chainState, error) {
	var s chainState
	q, done, err := db.snapshot(ctx)
	if err != nil {
		return 0, s, err
	}
	defer done()
	if s, err = db.readChainState(ctx, q, c); err != nil {
		return 0, s, err
	}
	fail := func(seq int64, reason string, args ...any) *ChainError {
		return &ChainError{Log: c.label, Seq: seq, Reason: fmt.Sprintf(reason, args...)}
	}
	if s.seal != db.sealMAC(c, s.legacySeq, s.legacyHash) {
		return 0, s, fail(s.legacySeq+1, "the boundary between entries from before the keyed chain and keyed entries was moved (its seal does not match the key)")
	}
	if (s.anchorSeq != 0 || s.anchorHash != "") && s.anchorMAC != db.anchorMAC(c, s.anchorSeq, s.anchorHash) {
		return 0, s, fail(s.anchorSeq+1, "the start of the log was moved to entry %d without a signed prune record: entries before it were removed", s.anchorSeq+1)
	}
	rows, err := q.QueryContext(ctx, `SELECT `+columns+` FROM `+c.table+` ORDER BY seq`)
	if err != nil {
		return 0, s, fmt.Errorf("storage: %s: %w", c.label, err)
	}
	defer rows.Close()
	n, prev := s.anchorSeq, s.anchorHash
	count := func() int64 { return n - s.anchorSeq }
	for rows.Next() {
		r, err := row(rows)
		if err != nil {
			return count(), s, err
		}
		want := ""
		if r.seq <= s.legacySeq {
			want = legacyHash(r.legacy)
		} else {
			want = db.link(c, r.fields)
		}
		switch {
		case r.seq < n+1:
			return count(), s, fail(r.seq, "%s before the start of the log (entry %d): a removed entry was put back or the start moved", c.unit, n+1)
		case r.seq != n+1:
			return count(), s, fail(n+1, "%s missing", c.unit)
		case r.prevHash != prev:
			return count(), s, fail(r.seq, "link to the previous %s does not match", c.unit)
		case want != r.hash:
			return count(), s, fail(r.seq, "%s content does not match its hash", c.unit)
		case r.seq == s.legacySeq && r.hash != s.legacyHash:
			return count(), s, fail(r.seq, "the entries from before the keyed chain were changed (they end in another hash than the sealed one)")
		}
		prev, n = r.hash, r.seq
	}
	if err := rows.Err(); err != nil {
		return count(), s, err
	}
	if n != s.headSeq || prev != s.headHash {
		return count(), s, fail(n+1, "%s after the last one present are missing: the head says the log reaches entry %d", c.units, s.headSeq)
	}
	return count(), s, nil
}

// snapshot opens a read-only transaction that sees one state of the
// database throughout, so a verification run by a live instance does not
// see a head that moved after its rows were read.
func (db *DB) snapshot(ctx context.Context) (*sql.Tx, func(), error) {
	opts := &sql.TxOptions{}
	if db.Engine == Postgres {
		opts = &sql.TxOptions{Isolation: sql.LevelRepeatableRead, ReadOnly: true}
	}
	tx, err := db.read.BeginTx(ctx, opts)
	if err != nil {
		return nil, nil, fmt.Errorf("storage: begin: %w", err)
	}
	return tx, func() { tx.Rollback() }, nil
}

// keyedChainMigration is the migration that starts the keyed chains.
const keyedChainMigration = 40

// sealLegacy seals, with the key, the boundary the keyed-chain migration
// recorded for each chain, and signs an anchor left by a pruning from
// before it. Open runs it only right after applying that migration.
func (db *DB) sealLegacy(ctx context.Context) error {
	return db.Update(ctx, func(tx *Tx) error {
		for _, c := range []chain{accessChain, securityChain} {
			var seq int64
			var hash, seal string
			err := tx.queryRow(ctx, `SELECT legacy_seq, legacy_hash, seal FROM audit_chains WHERE name = $1`, c.name).Scan(&seq, &hash, &seal)
			if errors.Is(err, sql.ErrNoRows) {
				continue // removed by someone: verification says so
			}
			if err != nil {
				return fmt.Errorf("storage: %s start: %w", c.label, err)
			}
			if seal != "" {
				continue
			}
			if _, err := tx.exec(ctx, `UPDATE audit_chains SET seal = $1 WHERE name = $2`, db.sealMAC(c, seq, hash), c.name); err != nil {
				return fmt.Errorf("storage: %s seal: %w", c.label, err)
			}
			if c.anchor == "" {
				continue
			}
			var aseq int64
			var ahash, amac string
			if err := tx.queryRow(ctx, `SELECT seq, hash, mac FROM `+c.anchor+` WHERE id = 1`).Scan(&aseq, &ahash, &amac); err != nil {
				return fmt.Errorf("storage: %s anchor: %w", c.label, err)
			}
			if amac != "" || (aseq == 0 && ahash == "") {
				continue
			}
			if _, err := tx.exec(ctx, `UPDATE `+c.anchor+` SET mac = $1 WHERE id = 1`, db.anchorMAC(c, aseq, ahash)); err != nil {
				return fmt.Errorf("storage: %s anchor: %w", c.label, err)
			}
		}
		return nil
	})
}
