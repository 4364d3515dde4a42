package storage

import (
	"context"
	"fmt"
	"strings"
	"time"

	"casus"
)

// LogAccess appends an entry to the access log inside the transaction, so the
// entry exists exactly when the read or change it records does. Entries form
// a keyed hash chain (chain.go): each hash covers the entry and the hash
// before it, and access_log_head holds the tip, so a changed, inserted or
// deleted row breaks verification.
func (tx *Tx) LogAccess(ctx context.Context, e *casus.AccessEntry) error {
	return tx.LogAccessBatch(ctx, []*casus.AccessEntry{e})
}

// accessBatchRows is the most entries one INSERT carries: 22 parameters
// each stays well under both engines' limit on parameters per statement.
const accessBatchRows = 500

// LogAccessBatch appends the entries, in order, to the access log inside the
// transaction, as LogAccess does one: one read of the chain's head (locked on
// PostgreSQL only from here to the commit), one multi-row INSERT per 500
// entries and one update of the head, whatever the number of entries. Each
// entry gets its sequence number, previous hash and hash. A list page logs
// its rows with it, so the log costs the page a constant number of
// statements.
func (tx *Tx) LogAccessBatch(ctx context.Context, es []*casus.AccessEntry) error {
	if len(es) == 0 {
		return nil
	}
	seq, prev, err := tx.nextLink(ctx, accessChain)
	if err != nil {
		return err
	}
	for _, e := range es {
		e.Seq, e.PrevHash = seq, prev
		if e.At.IsZero() {
			e.At = tx.Now()
		}
		e.At = e.At.UTC().Truncate(time.Microsecond)
		e.Hash = tx.db.EntryHash(e)
		seq, prev = seq+1, e.Hash
	}
	for start := 0; start < len(es); start += accessBatchRows {
		chunk := es[start:min(start+accessBatchRows, len(es))]
		var q strings.Builder
		q.WriteString(`INSERT INTO access_log (seq, at, user_id, user_name, role, org_name, relation, student_id,
		object_kind, object_id, action, purpose, request_id, instance, outcome, client_addr, user_agent, basis, basis_ref,
		processing, prev_hash, hash) VALUES `)
		args := make([]any, 0, 22*len(chunk))
		for i, e := range chunk {
			if i > 0 {
				q.WriteString(", ")
			}
			q.WriteString("(")
			for j := range 22 {
				if j > 0 {
					q.WriteString(", ")
				}
				fmt.Fprintf(&q, "$%d", len(args)+j+1)
			}
			q.WriteString(")")
			args = append(args, e.Seq, e.At, e.UserID, e.UserName, string(e.Role), e.OrgName, string(e.Relation), e.StudentID,
				e.ObjectKind, e.ObjectID, string(e.Action), e.Purpose, e.RequestID, e.Instance, string(e.Outcome),
				e.ClientAddr, e.UserAgent, string(e.Basis), e.BasisRef, string(e.Processing), e.PrevHash, e.Hash)
		}
		if _, err := tx.exec(ctx, q.String(), args...); err != nil {
			return fmt.Errorf("storage: access log insert: %w", err)
		}
	}
	last := es[len(es)-1]
	return tx.setHead(ctx, accessChain, last.Seq, last.Hash)
}

// EntryHash is the chain hash of an entry: an HMAC-SHA256 under the audit
// key of its fields and the previous hash.
func (db *DB) EntryHash(e *casus.AccessEntry) string {
	return db.link(accessChain, accessFields(e))
}

// accessFields are the fields of an entry its keyed hash covers, the
// previous hash last.
func accessFields(e *casus.AccessEntry) []any {
	return []any{e.Seq, e.At.UTC().Format(time.RFC3339Nano), e.UserID, e.UserName, e.Role, e.OrgName,
		e.Relation, e.StudentID, e.ObjectKind, e.ObjectID, e.Action, e.Purpose, e.RequestID, e.Instance, e.Outcome,
		e.ClientAddr, e.UserAgent, e.Basis, e.BasisRef, e.Processing, e.PrevHash}
}

// accessLegacyFields are the fields the unkeyed SHA-256 of entries from
// before the keyed chain covered; keep it as it was.
func accessLegacyFields(e *casus.AccessEntry) []any {
	return []any{e.Seq, e.At.UTC().Format(time.RFC3339Nano), e.UserID, e.UserName, e.Role, e.OrgName,
		e.Relation, e.StudentID, e.ObjectKind, e.ObjectID, e.Action, e.Purpose, e.RequestID, e.Instance, e.Outcome,
		e.PrevHash}
}

const accessColumns = `seq, at, user_id, user_name, role, org_name, relation, student_id, object_kind, object_id,
	action, purpose, request_id, instance, outcome, client_addr, user_agent, basis, basis_ref, processing, prev_hash, hash`

func scanAccess(r scanner) (casus.AccessEntry, error) {
	var e casus.AccessEntry
	err := r.Scan(&e.Seq, &e.At, &e.UserID, &e.UserName, &e.Role, &e.OrgName, &e.Relation, &e.StudentID,
		&e.ObjectKind, &e.ObjectID, &e.Action, &e.Purpose, &e.RequestID, &e.Instance, &e.Outcome,
		&e.ClientAddr, &e.UserAgent, &e.Basis, &e.BasisRef, &e.Processing, &e.PrevHash, &e.Hash)
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

// VerifyAccessLog walks the whole chain from its anchor and returns the
// number of entries checked, or a *ChainError at the first entry that was
// changed, inserted or removed, or at a start moved without a signed prune
// record.
func (db *DB) VerifyAccessLog(ctx context.Context) (int64, error) {
	n, _, err := db.verifyAccess(ctx)
	return n, err
}

func (db *DB) verifyAccess(ctx context.Context) (int64, chainState, error) {
	return verifyChain(ctx, db, accessChain, accessColumns, func(r scanner) (chainRow, error) {
		e, err := scanAccess(r)
		return chainRow{seq: e.Seq, prevHash: e.PrevHash, hash: e.Hash, fields: accessFields(&e), legacy: accessLegacyFields(&e)}, err
	})
}

// Change is one granted create or change of a student's data as the access
// log records it: a row of the API's change feed. The access log is a
// total order: its sequence numbers are handed out under the chain's head
// (nextLink), so they commit in order and a poller that asks for what came
// after the last number it saw misses nothing.
type Change struct {
	Seq        int64
	At         time.Time
	StudentID  string
	ObjectKind string
	ObjectID   string
	Action     casus.AccessAction
}

// ChangesSince looks at the at most scan entries of the access log after
// seq after, oldest first, and returns the granted creates and changes of
// a student's data among them, with the sequence number of the last entry
// looked at (after itself when there is none), so a poller moves on past
// entries that are no changes.
func (tx *Tx) ChangesSince(ctx context.Context, after int64, scan int) ([]Change, int64, error) {
	rows, err := tx.query(ctx, `SELECT seq, at, student_id, object_kind, object_id, action, outcome FROM access_log
		WHERE seq > $1 ORDER BY seq LIMIT $2`, after, scan)
	if err != nil {
		return nil, after, fmt.Errorf("storage: changes: %w", err)
	}
	defer rows.Close()
	var out []Change
	last := after
	for rows.Next() {
		var c Change
		var outcome string
		if err := rows.Scan(&c.Seq, &c.At, &c.StudentID, &c.ObjectKind, &c.ObjectID, &c.Action, &outcome); err != nil {
			return nil, after, err
		}
		last = c.Seq
		if outcome == string(casus.OutcomeGranted) && c.StudentID != "" && (c.Action == casus.ActCreate || c.Action == casus.ActChange) {
			c.At = c.At.UTC()
			out = append(out, c)
		}
	}
	return out, last, rows.Err()
}
