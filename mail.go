package casus

import "time"

// Mail is the e-mail of a Message: to the recipient's address, with a
// subject and a plain-text body in their language and an absolute link into
// Casus. Like the message it names no student, and it carries no personal
// data beyond the address it goes to.
type Mail struct {
	ID        string // set when it is kept in the outbox
	MessageID string
	To        string
	Subject   string
	Body      string
	CreatedAt time.Time
	// Secret says the mail holds a one-time link (SecretLinkMessage): only
	// its recipient may read it.
	Secret bool
}
