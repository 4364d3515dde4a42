package storage

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"time"

	"casus"
)

// AddMessage stores a message for a user.
func (tx *Tx) AddMessage(ctx context.Context, m *casus.Message) error {
	args, err := json.Marshal(m.Args)
	if err != nil {
		return err
	}
	m.CreatedAt = tx.Now()
	return tx.insert(ctx, "message", `INSERT INTO messages (id, user_id, msg_key, args, link, created_at) VALUES ($1, $2, $3, $4, $5, $6)`,
		ensureID(&m.ID), m.UserID, m.Key, string(args), m.Link, m.CreatedAt)
}

// Messages returns the user's newest messages.
func (tx *Tx) Messages(ctx context.Context, userID string, limit int) ([]casus.Message, error) {
	rows, err := tx.query(ctx, `SELECT id, user_id, msg_key, args, link, created_at, read_at FROM messages WHERE user_id = $1
		ORDER BY created_at DESC, id DESC LIMIT $2`, userID, limit)
	if err != nil {
		return nil, fmt.Errorf("storage: messages: %w", err)
	}
	defer rows.Close()
	var ms []casus.Message
	for rows.Next() {
		var m casus.Message
		var args string
		var read sql.NullTime
		if err := rows.Scan(&m.ID, &m.UserID, &m.Key, &args, &m.Link, &m.CreatedAt, &read); err != nil {
			return nil, err
		}
		if read.Valid {
			m.ReadAt = read.Time.UTC()
		}
		if err := json.Unmarshal([]byte(args), &m.Args); err != nil {
			return nil, fmt.Errorf("storage: message args: %w", err)
		}
		m.CreatedAt = m.CreatedAt.UTC()
		ms = append(ms, m)
	}
	return ms, rows.Err()
}

// UnreadMessageCount returns how many of the user's messages are unread.
func (tx *Tx) UnreadMessageCount(ctx context.Context, userID string) (int, error) {
	var n int
	if err := tx.queryRow(ctx, `SELECT COUNT(*) FROM messages WHERE user_id = $1 AND read_at IS NULL`, userID).Scan(&n); err != nil {
		return 0, fmt.Errorf("storage: unread messages: %w", err)
	}
	return n, nil
}

// MarkMessageRead marks the user's message read; one read before keeps the
// moment it was first read. A message that is not the user's is ENOTFOUND.
func (tx *Tx) MarkMessageRead(ctx context.Context, userID, messageID string) error {
	res, err := tx.exec(ctx, `UPDATE messages SET read_at = COALESCE(read_at, $1) WHERE id = $2 AND user_id = $3`, tx.Now(), messageID, userID)
	if err != nil {
		return notFound(err, "mark message read")
	}
	n, err := res.RowsAffected()
	if err == nil && n == 0 {
		return casus.ErrNotFound
	}
	return err
}

// MarkAllMessagesRead marks every unread message of the user read and
// returns how many it marked.
func (tx *Tx) MarkAllMessagesRead(ctx context.Context, userID string) (int, error) {
	res, err := tx.exec(ctx, `UPDATE messages SET read_at = $1 WHERE user_id = $2 AND read_at IS NULL`, tx.Now(), userID)
	if err != nil {
		return 0, fmt.Errorf("storage: mark messages read: %w", err)
	}
	n, err := res.RowsAffected()
	return int(n), err
}

// UndispatchedMeetings returns the planned meetings whose agenda has not gone
// out and that start after t and before until, soonest first.
func (tx *Tx) UndispatchedMeetings(ctx context.Context, t, until time.Time) ([]casus.Meeting, error) {
	rows, err := tx.query(ctx, `SELECT `+meetingColumns+` FROM meetings WHERE status = 'planned' AND dispatched_at IS NULL
		AND starts_at > $1 AND starts_at < $2 ORDER BY starts_at`, utc(t), utc(until))
	if err != nil {
		return nil, fmt.Errorf("storage: undispatched meetings: %w", err)
	}
	defer rows.Close()
	var ms []casus.Meeting
	for rows.Next() {
		m, err := scanMeeting(rows)
		if err != nil {
			return nil, err
		}
		ms = append(ms, m)
	}
	return ms, rows.Err()
}

// MarkDispatched records that the meeting's agenda went out. It reports
// false when it had gone out already: whoever marks it sends it, once.
func (tx *Tx) MarkDispatched(ctx context.Context, meetingID string) (bool, error) {
	res, err := tx.exec(ctx, `UPDATE meetings SET dispatched_at = $1 WHERE id = $2 AND dispatched_at IS NULL`, tx.Now(), meetingID)
	if err != nil {
		return false, fmt.Errorf("storage: mark dispatched: %w", err)
	}
	n, err := res.RowsAffected()
	return n == 1, err
}
