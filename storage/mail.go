package storage

import (
	"context"
	"encoding/json"
	"fmt"

	"casus"
)

// Unmailed is a message the delivery job has not handled yet, with what its
// e-mail needs of the recipient.
type Unmailed struct {
	Message casus.Message
	// Email is the recipient's address; empty when they have none.
	Email string
	// Lang is the language the recipient reads Casus in: "nl" or "en".
	Lang string
	// Disabled recipients get no e-mail.
	Disabled bool
}

// UnmailedMessages returns up to limit messages not yet handled for e-mail,
// oldest first.
func (tx *Tx) UnmailedMessages(ctx context.Context, limit int) ([]Unmailed, error) {
	rows, err := tx.query(ctx, `SELECT m.id, m.user_id, m.msg_key, m.args, m.link, m.created_at, u.email, u.lang, u.disabled
		FROM messages m JOIN users u ON u.id = m.user_id WHERE m.mailed_at IS NULL ORDER BY m.created_at, m.id LIMIT $1`, limit)
	if err != nil {
		return nil, fmt.Errorf("storage: unmailed messages: %w", err)
	}
	defer rows.Close()
	var us []Unmailed
	for rows.Next() {
		var u Unmailed
		var args string
		m := &u.Message
		if err := rows.Scan(&m.ID, &m.UserID, &m.Key, &args, &m.Link, &m.CreatedAt, &u.Email, &u.Lang, &u.Disabled); err != nil {
			return nil, err
		}
		if err := json.Unmarshal([]byte(args), &m.Args); err != nil {
			return nil, fmt.Errorf("storage: message args: %w", err)
		}
		m.CreatedAt = m.CreatedAt.UTC()
		us = append(us, u)
	}
	return us, rows.Err()
}

// ClaimMessage marks the message as handled for e-mail. It reports false
// when it was handled already: whoever claims it mails it, once. On
// PostgreSQL a second claim waits for the first transaction: it finds the
// message handled when that commits, and claims it when that rolls back.
func (tx *Tx) ClaimMessage(ctx context.Context, messageID string) (bool, error) {
	res, err := tx.exec(ctx, `UPDATE messages SET mailed_at = $1 WHERE id = $2 AND mailed_at IS NULL`, tx.Now(), messageID)
	if err != nil {
		return false, fmt.Errorf("storage: claim message: %w", err)
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// SkipMail records that the claimed message was not mailed: its recipient
// has no address or is disabled.
func (tx *Tx) SkipMail(ctx context.Context, messageID string) error {
	if _, err := tx.exec(ctx, `UPDATE messages SET mail_skipped = $1 WHERE id = $2`, true, messageID); err != nil {
		return fmt.Errorf("storage: skip mail: %w", err)
	}
	return nil
}

// MailSkipped reports whether the message was handled without an e-mail.
func (tx *Tx) MailSkipped(ctx context.Context, messageID string) (bool, error) {
	var skipped bool
	err := tx.queryRow(ctx, `SELECT mail_skipped FROM messages WHERE id = $1`, messageID).Scan(&skipped)
	return skipped, notFound(err, "message")
}

// AddOutboxMail keeps m in the outbox instead of sending it. A message has
// one mail at most: a second one for the same message is an error.
func (tx *Tx) AddOutboxMail(ctx context.Context, m *casus.Mail) error {
	m.CreatedAt = tx.Now()
	return tx.insert(ctx, "outbox mail", `INSERT INTO outbox (id, message_id, to_addr, subject, body, created_at)
		VALUES ($1, $2, $3, $4, $5, $6)`, ensureID(&m.ID), m.MessageID, m.To, m.Subject, m.Body, m.CreatedAt)
}

// OutboxMails returns the newest mails in the outbox, up to limit: those to
// the address to, or all of them when to is empty.
func (tx *Tx) OutboxMails(ctx context.Context, to string, limit int) ([]casus.Mail, error) {
	rows, err := tx.query(ctx, `SELECT o.id, o.message_id, o.to_addr, o.subject, o.body, o.created_at, COALESCE(m.msg_key, '')
		FROM outbox o LEFT JOIN messages m ON m.id = o.message_id
		WHERE $1 = '' OR o.to_addr = $1 ORDER BY o.created_at DESC, o.id DESC LIMIT $2`, to, limit)
	if err != nil {
		return nil, fmt.Errorf("storage: outbox: %w", err)
	}
	defer rows.Close()
	var ms []casus.Mail
	for rows.Next() {
		var m casus.Mail
		var key string
		if err := rows.Scan(&m.ID, &m.MessageID, &m.To, &m.Subject, &m.Body, &m.CreatedAt, &key); err != nil {
			return nil, err
		}
		m.Secret = casus.SecretLinkMessage(key)
		m.CreatedAt = m.CreatedAt.UTC()
		ms = append(ms, m)
	}
	return ms, rows.Err()
}

// SetUserLang records the language the user reads Casus in ("nl" or "en"),
// for their e-mail.
func (tx *Tx) SetUserLang(ctx context.Context, userID, lang string) error {
	if _, err := tx.exec(ctx, `UPDATE users SET lang = $1 WHERE id = $2`, lang, userID); err != nil {
		return fmt.Errorf("storage: set language: %w", err)
	}
	return nil
}
