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

// LogSecurityEvent appends an event to the security-event log inside the
// transaction, so the event exists exactly when the change it records does.
// Like the access log the events form a hash chain with its tip in
// security_events_head.
func (tx *Tx) LogSecurityEvent(ctx context.Context, e *casus.SecurityEvent) error {
	lock := ""
	if tx.db.Engine == Postgres {
		lock = " FOR UPDATE"
	}
	var seq int64
	var prev string
	if err := tx.queryRow(ctx, `SELECT seq, hash FROM security_events_head WHERE id = 1`+lock).Scan(&seq, &prev); err != nil {
		return fmt.Errorf("storage: security events head: %w", err)
	}
	e.Seq, e.PrevHash = seq+1, prev
	if e.At.IsZero() {
		e.At = tx.Now()
	}
	e.At = e.At.UTC().Truncate(time.Microsecond)
	if e.Instance == "" {
		e.Instance = tx.db.Instance
	}
	e.Hash = SecurityEventHash(e)
	if _, err := tx.exec(ctx, `INSERT INTO security_events (seq, at, kind, actor_id, actor_name, target_id, target_name,
		detail, client_addr, user_agent, request_id, instance, prev_hash, hash)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)`,
		e.Seq, e.At, string(e.Kind), e.ActorID, e.ActorName, e.TargetID, e.TargetName, e.Detail, e.ClientAddr,
		e.UserAgent, e.RequestID, e.Instance, e.PrevHash, e.Hash); err != nil {
		return fmt.Errorf("storage: security event insert: %w", err)
	}
	if _, err := tx.exec(ctx, `UPDATE security_events_head SET seq = $1, hash = $2 WHERE id = 1`, e.Seq, e.Hash); err != nil {
		return fmt.Errorf("storage: security events head: %w", err)
	}
	return nil
}

// SecurityEventHash is the chain hash of a security event: SHA-256 over a
// canonical JSON array of its fields and the previous hash.
func SecurityEventHash(e *casus.SecurityEvent) string {
	b, _ := json.Marshal([]any{e.Seq, e.At.UTC().Format(time.RFC3339Nano), e.Kind, e.ActorID, e.ActorName, e.TargetID,
		e.TargetName, e.Detail, e.ClientAddr, e.UserAgent, e.RequestID, e.Instance, e.PrevHash})
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

const securityColumns = `seq, at, kind, actor_id, actor_name, target_id, target_name, detail, client_addr,
	user_agent, request_id, instance, prev_hash, hash`

func scanSecurityEvent(r scanner) (casus.SecurityEvent, error) {
	var e casus.SecurityEvent
	err := r.Scan(&e.Seq, &e.At, &e.Kind, &e.ActorID, &e.ActorName, &e.TargetID, &e.TargetName, &e.Detail,
		&e.ClientAddr, &e.UserAgent, &e.RequestID, &e.Instance, &e.PrevHash, &e.Hash)
	e.At = e.At.UTC()
	return e, err
}

// SecurityFilter selects security events. Empty fields select everything.
type SecurityFilter struct {
	Kind   casus.SecurityEventKind
	UserID string    // the actor or the target
	From   time.Time // inclusive
	Until  time.Time // exclusive
	Limit  int       // default 200
}

// SecurityEvents returns the newest events that match f, newest first.
func (tx *Tx) SecurityEvents(ctx context.Context, f SecurityFilter) ([]casus.SecurityEvent, error) {
	where, args := "1 = 1", []any{}
	if f.Kind != "" {
		args = append(args, string(f.Kind))
		where += fmt.Sprintf(" AND kind = $%d", len(args))
	}
	if f.UserID != "" {
		args = append(args, f.UserID)
		where += fmt.Sprintf(" AND (actor_id = $%d OR target_id = $%d)", len(args), len(args))
	}
	if !f.From.IsZero() {
		args = append(args, f.From.UTC())
		where += fmt.Sprintf(" AND at >= $%d", len(args))
	}
	if !f.Until.IsZero() {
		args = append(args, f.Until.UTC())
		where += fmt.Sprintf(" AND at < $%d", len(args))
	}
	if f.Limit <= 0 {
		f.Limit = 200
	}
	args = append(args, f.Limit)
	return queryAll(ctx, tx, "security events", scanSecurityEvent, `SELECT `+securityColumns+
		` FROM security_events WHERE `+where+fmt.Sprintf(` ORDER BY seq DESC LIMIT $%d`, len(args)), args...)
}

// VerifySecurityEvents walks the security-event chain from its start and
// returns the number of events checked, or a *ChainError at the first event
// that was changed, inserted or removed.
func (db *DB) VerifySecurityEvents(ctx context.Context) (int64, error) {
	var headSeq int64
	var headHash string
	if err := db.read.QueryRowContext(ctx, `SELECT seq, hash FROM security_events_head WHERE id = 1`).Scan(&headSeq, &headHash); err != nil {
		return 0, fmt.Errorf("storage: security events head: %w", err)
	}
	rows, err := db.read.QueryContext(ctx, `SELECT `+securityColumns+` FROM security_events ORDER BY seq`)
	if err != nil {
		return 0, fmt.Errorf("storage: security events: %w", err)
	}
	defer rows.Close()
	var n int64
	prev := ""
	for rows.Next() {
		e, err := scanSecurityEvent(rows)
		if err != nil {
			return n, err
		}
		switch {
		case e.Seq != n+1:
			return n, &ChainError{Seq: n + 1, Reason: "event missing"}
		case e.PrevHash != prev:
			return n, &ChainError{Seq: e.Seq, Reason: "link to the previous event does not match"}
		case SecurityEventHash(&e) != e.Hash:
			return n, &ChainError{Seq: e.Seq, Reason: "event content does not match its hash"}
		}
		prev, n = e.Hash, e.Seq
	}
	if err := rows.Err(); err != nil {
		return n, err
	}
	if n != headSeq || prev != headHash {
		return n, &ChainError{Seq: n + 1, Reason: "events after the last one present are missing"}
	}
	return n, nil
}
