package web

import (
	"net/http"

	"casus"
	"casus/storage"
)

// outboxShown is how many mails the outbox page lists.
const outboxShown = 100

// outboxPage is the outbox page's data.
type outboxPage struct {
	All   bool // the beheerder's view: every mail, not only the reader's
	Mails []casus.Mail
}

// handleOutbox lists the e-mail Casus kept instead of sending it, when no
// SMTP server is configured (demo mode): the beheerder sees all of it,
// everyone else the mail to their own address. The route exists only then.
// Mail names no student, so reading it is not logged.
func (s *Server) handleOutbox(w http.ResponseWriter, r *http.Request) {
	u := *state(r).user
	to := u.Email
	if casus.CanAdminister(u) {
		to = ""
	}
	var ms []casus.Mail
	err := s.db.View(r.Context(), func(tx *storage.Tx) error {
		var err error
		ms, err = tx.OutboxMails(r.Context(), to, outboxShown)
		return err
	})
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	// The beheerder sees that a reset link went out, never the link: it
	// would let them set the user's password.
	for i := range ms {
		if ms[i].Secret && ms[i].To != u.Email {
			ms[i].Body = state(r).l.T("outbox.secret")
		}
	}
	s.render(w, r, http.StatusOK, "outbox", s.newView(r, "outbox.title", outboxPage{All: to == "", Mails: ms}))
}
