package storage

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"time"

	"casus"
)

// LogAccess appends an entry to the access log inside the transaction, so the
// entry exists exactly when the read or change it records does. Entries form
// a hash chain: each hash covers the entry and the hash before it, and
// access_log_head holds the tip, so a changed, inserted or deleted row breaks
// verification.
func (tx *Tx) LogAccess(ctx context.Context, e *casus.AccessEntry) error {
	lock := ""
	if tx.db.Engine == Postgres {
		// Serialises writers on the chain tip across instances; on SQLite the
		// immediate transaction already holds the write lock.
		lock = " FOR UPDATE"
	}
	var seq int64
	var prev string
	if err := tx.queryRow(ctx, `SELECT seq, hash FROM access_log_head WHERE id = 1`+lock).Scan(&seq, &prev); err != nil {
		return fmt.Errorf("storage: access log head: %w", err)
	}
	e.Seq, e.PrevHash = seq+1, prev
	if e.At.IsZero() {
		e.At = tx.Now()
	}
	e.At = e.At.UTC().Truncate(time.Microsecond)
	e.Hash = EntryHash(e)
	if _, err := tx.exec(ctx, `INSERT INTO access_log (seq, at, user_id, user_name, role, org_name, relation, student_id,
		object_kind, object_id, action, purpose, request_id, instance, outcome, prev_hash, hash)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)`,
		e.Seq, e.At, e.UserID, e.UserName, string(e.Role), e.OrgName, string(e.Relation), e.StudentID,
		e.ObjectKind, e.ObjectID, string(e.Action), e.Purpose, e.RequestID, e.Instance, string(e.Outcome),
		e.PrevHash, e.Hash); err != nil {
		return fmt.Errorf("storage: access log insert: %w", err)
	}
	if _, err := tx.exec(ctx, `UPDATE access_log_head SET seq = $1, hash = $2 WHERE id = 1`, e.Seq, e.Hash); err != nil {
		return fmt.Errorf("storage: access log head: %w", err)
	}
	return nil
}

// EntryHash is the chain hash of an entry: SHA-256 over a canonical JSON
// array of its fields and the previous hash.
func EntryHash(e *casus.AccessEntry) string {
	b, _ := json.Marshal([]any{e.Seq, e.At.UTC().Format(time.RFC3339Nano), e.UserID, e.UserName, e.Role, e.OrgName,
		e.Relation, e.StudentID, e.ObjectKind, e.ObjectID, e.Action, e.Purpose, e.RequestID, e.Instance, e.Outcome,
		e.PrevHash})
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

const accessColumns = `seq, at, user_id, user_name, role, org_name, relation, student_id, object_kind, object_id,
	action, purpose, request_id, instance, outcome, prev_hash, hash`

func scanAccess(r scanner) (casus.AccessEntry, error) {
	var e casus.AccessEntry
	err := r.Scan(&e.Seq, &e.At, &e.UserID, &e.UserName, &e.Role, &e.OrgName, &e.Relation, &e.StudentID,
		&e.ObjectKind, &e.ObjectID, &e.Action, &e.Purpose, &e.RequestID, &e.Instance, &e.Outcome, &e.PrevHash, &e.Hash)
	e.At = e.At.UTC()
	return e, err
}

// AccessFilter selects access-log entries.
type AccessFilter struct {
	StudentID string
	UserID    string
	Limit     int
}

// AccessEntries returns the newest entries that match f.
func (tx *Tx) AccessEntries(ctx context.Context, f AccessFilter) ([]casus.AccessEntry, error) {
	where, args := "1 = 1", []any{}
	if f.StudentID != "" {
		args = append(args, f.StudentID)
		where += fmt.Sprintf(" AND student_id = $%d", len(args))
	}
	if f.UserID != "" {
		args = append(args, f.UserID)
		where += fmt.Sprintf(" AND user_id = $%d", len(args))
	}
	if f.Limit <= 0 {
		f.Limit = 100
	}
	args = append(args, f.Limit)
	rows, err := tx.query(ctx, `SELECT `+accessColumns+` FROM access_log WHERE `+where+
		fmt.Sprintf(` ORDER BY seq DESC LIMIT $%d`, len(args)), args...)
	if err != nil {
		return nil, fmt.Errorf("storage: access entries: %w", err)
	}
	defer rows.Close()
	var es []casus.AccessEntry
	for rows.Next() {
		e, err := scanAccess(rows)
		if err != nil {
			return nil, err
		}
		es = append(es, e)
	}
	return es, rows.Err()
}

// ChainError says where the access-log chain breaks.
type ChainError struct {
	Seq    int64
	Reason string
}

func (e *ChainError) Error() string {
	return fmt.Sprintf("access log chain broken at entry %d: %s", e.Seq, e.Reason)
}

// VerifyAccessLog walks the whole chain from its anchor and returns the
// number of entries checked, or a *ChainError at the first entry that was
// changed, inserted or removed.
func (db *DB) VerifyAccessLog(ctx context.Context) (int64, error) {
	var headSeq int64
	var headHash string
	if err := db.read.QueryRowContext(ctx, `SELECT seq, hash FROM access_log_head WHERE id = 1`).Scan(&headSeq, &headHash); err != nil {
		return 0, fmt.Errorf("storage: access log head: %w", err)
	}
	// Entries pruned past their retention (PruneAccessLog) leave the anchor:
	// the chain starts after it.
	var n, anchor int64
	var prev string
	if err := db.read.QueryRowContext(ctx, `SELECT seq, hash FROM access_log_anchor WHERE id = 1`).Scan(&anchor, &prev); err != nil {
		return 0, fmt.Errorf("storage: access log anchor: %w", err)
	}
	n = anchor
	rows, err := db.read.QueryContext(ctx, `SELECT `+accessColumns+` FROM access_log ORDER BY seq`)
	if err != nil {
		return 0, fmt.Errorf("storage: access log: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		e, err := scanAccess(rows)
		if err != nil {
			return n - anchor, err
		}
		switch {
		case e.Seq != n+1:
			return n - anchor, &ChainError{Seq: n + 1, Reason: "entry missing"}
		case e.PrevHash != prev:
			return n - anchor, &ChainError{Seq: e.Seq, Reason: "link to the previous entry does not match"}
		case EntryHash(&e) != e.Hash:
			return n - anchor, &ChainError{Seq: e.Seq, Reason: "entry content does not match its hash"}
		}
		prev, n = e.Hash, e.Seq
	}
	if err := rows.Err(); err != nil {
		return n - anchor, err
	}
	if n != headSeq || prev != headHash {
		return n - anchor, &ChainError{Seq: n + 1, Reason: "entries after the last one present are missing"}
	}
	return n - anchor, nil
}
