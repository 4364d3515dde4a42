package casus

import "time"

// Message is a notice to one user inside Casus: an i18n key with its
// arguments and a link into Casus. It carries no student's personal data —
// names and details stay behind the link, where access is checked and
// logged — so it can also go out by e-mail.
type Message struct {
	ID        string
	UserID    string
	Key       string
	Args      map[string]string
	Link      string
	CreatedAt time.Time
}

// Account message keys: an account was made and its owner is invited to
// choose a password, a reset of the password was started (both links carry
// a one-time token and go by mail), and the password was changed.
const (
	MsgAccountInvited       = "message.account_invited"
	MsgPasswordResetStarted = "message.password_reset_started"
	MsgPasswordChanged      = "message.password_changed"
)

// SecretLinkMessage reports whether a message's link is a secret: a
// one-time token only its recipient may see. Its link is blanked once the
// mail is out, and the outbox shows that mail to its recipient only.
func SecretLinkMessage(key string) bool {
	return key == MsgPasswordResetStarted || key == MsgAccountInvited
}
