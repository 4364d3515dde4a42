package app

import (
	"context"

	"casus"
	"casus/storage"
)

// Messages returns the actor's newest messages, at most limit, such as the
// agenda of a coming meeting. Messages name no student, so reading them is
// not logged; the pages they link to are.
func (s *Service) Messages(ctx context.Context, a Actor, limit int) ([]casus.Message, error) {
	var ms []casus.Message
	err := s.db.View(ctx, func(tx *storage.Tx) (err error) {
		ms, err = tx.Messages(ctx, a.User.ID, limit)
		return err
	})
	return ms, err
}

// OutboxMail is a mail kept in the outbox as the reader may see it.
type OutboxMail struct {
	casus.Mail
	// Withheld: the mail holds a one-time link to someone else; its body
	// is left out.
	Withheld bool
}

// Outbox is the e-mail Casus kept instead of sending it (no SMTP server, or
// demo mode).
type Outbox struct {
	All   bool // the beheerder's view: every mail, not only the reader's
	Mails []OutboxMail
}

// OutboxMails lists the newest kept mails, at most limit: the beheerder
// sees all of them, everyone else the mail to their own address. The
// beheerder sees that a reset link went out, never the link: it would let
// them set the user's password. Mail names no student, so reading it is
// not logged.
func (s *Service) OutboxMails(ctx context.Context, a Actor, limit int) (Outbox, error) {
	u := a.User
	to := u.Email
	if casus.CanAdminister(u) {
		to = ""
	}
	var ms []casus.Mail
	err := s.db.View(ctx, func(tx *storage.Tx) (err error) {
		ms, err = tx.OutboxMails(ctx, to, limit)
		return err
	})
	box := Outbox{All: to == "", Mails: make([]OutboxMail, len(ms))}
	for i, m := range ms {
		box.Mails[i].Mail = m
		if m.Secret && m.To != u.Email {
			box.Mails[i].Body, box.Mails[i].Withheld = "", true
		}
	}
	return box, err
}
