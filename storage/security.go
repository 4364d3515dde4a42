package storage

import (
	"context"
	"fmt"
	"time"

	"casus"
)

// LogSecurityEvent appends an event to the security-event log inside the
// transaction, so the event exists exactly when the change it records does.
// Like the access log the events form a hash chain with its tip in
// security_events_head.
func (tx *Tx) LogSecurityEvent(ctx context.Context, e *casus.SecurityEvent) error {
	var err error
	if e.Seq, e.PrevHash, err = tx.nextLink(ctx, securityChain); err != nil {
		return err
	}
	if e.At.IsZero() {
		e.At = tx.Now()
	}
	e.At = e.At.UTC().Truncate(time.Microsecond)
	if e.Instance == "" {
		e.Instance = tx.db.Instance
	}
	e.Hash = tx.db.SecurityEventHash(e)
	if _, err := tx.exec(ctx, `INSERT INTO security_events (seq, at, kind, actor_id, actor_name, target_id, target_name,
		detail, client_addr, user_agent, request_id, instance, prev_hash, hash)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)`,
		e.Seq, e.At, string(e.Kind), e.ActorID, e.ActorName, e.TargetID, e.TargetName, e.Detail, e.ClientAddr,
		e.UserAgent, e.RequestID, e.Instance, e.PrevHash, e.Hash); err != nil {
		return fmt.Errorf("storage: security event insert: %w", err)
	}
	return tx.setHead(ctx, securityChain, e.Seq, e.Hash)
}

// SecurityEventHash is the chain hash of a security event: an HMAC-SHA256
// under the audit key of its fields and the previous hash.
func (db *DB) SecurityEventHash(e *casus.SecurityEvent) string {
	return db.link(securityChain, securityFields(e))
}

// securityFields are the fields of an event its hash covers, the previous
// hash last. Events from before the keyed chain were hashed over the same
// fields with SHA-256.
func securityFields(e *casus.SecurityEvent) []any {
	return []any{e.Seq, e.At.UTC().Format(time.RFC3339Nano), e.Kind, e.ActorID, e.ActorName, e.TargetID,
		e.TargetName, e.Detail, e.ClientAddr, e.UserAgent, e.RequestID, e.Instance, e.PrevHash}
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
	n, _, err := db.verifySecurity(ctx)
	return n, err
}

func (db *DB) verifySecurity(ctx context.Context) (int64, chainState, error) {
	return verifyChain(ctx, db, securityChain, securityColumns, func(r scanner) (chainRow, error) {
		e, err := scanSecurityEvent(r)
		f := securityFields(&e)
		return chainRow{seq: e.Seq, prevHash: e.PrevHash, hash: e.Hash, fields: f, legacy: f}, err
	})
}
