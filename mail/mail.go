// Package mail sends Casus's messages (casus.Message) by e-mail: through an
// SMTP server, or into the outbox in the database when none is configured,
// as in demo mode. The mail is written from the message in the recipient's
// language and, like the message, names no student: it says what happened
// and links into Casus, where access is checked and logged.
package mail

import (
	"context"

	"casus"
	"casus/storage"
)

// Mailer delivers mail. Send gets the transaction that claimed m's message
// (storage.Tx.ClaimMessage): the outbox stores m in it, so the mail is kept
// exactly when the claim commits; SMTP ignores it. An error rolls the claim
// back, so the message is tried again later.
type Mailer interface {
	Send(ctx context.Context, tx *storage.Tx, m casus.Mail) error
}

// Outbox is the Mailer that keeps mail in the database instead of sending
// it; the outbox page shows it.
type Outbox struct{}

// Send stores m in the outbox.
func (Outbox) Send(ctx context.Context, tx *storage.Tx, m casus.Mail) error {
	return tx.AddOutboxMail(ctx, &m)
}
