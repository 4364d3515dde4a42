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
