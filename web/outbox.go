package web

import (
	"net/http"
)

// outboxShown is how many mails the outbox page lists.
const outboxShown = 100

// handleOutbox lists the e-mail Casus kept instead of sending it, when no
// SMTP server is configured (demo mode): the beheerder sees all of it,
// everyone else the mail to their own address (app.OutboxMails). The route
// exists only then. Mail names no student, so reading it is not logged.
func (s *Server) handleOutbox(w http.ResponseWriter, r *http.Request) {
	box, err := s.app.OutboxMails(r.Context(), s.actor(r), outboxShown)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	// The beheerder sees that a reset link went out, never the link.
	for i := range box.Mails {
		if box.Mails[i].Withheld {
			box.Mails[i].Body = state(r).l.T("outbox.secret")
		}
	}
	s.render(w, r, http.StatusOK, "outbox", s.newView(r, "outbox.title", box))
}
