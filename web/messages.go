package web

import (
	"net/http"
	"time"
)

// messagesShown is how many messages the page lists.
const messagesShown = 50

// messageRow is a message with its text in the reader's language.
type messageRow struct {
	Text string
	Link string
	At   time.Time
}

// messagesPage is the messages page's data.
type messagesPage struct {
	Rows   []messageRow
	Outbox bool // mail is kept in the outbox: link to it
}

// handleMessages lists the user's messages, such as the agenda of a coming
// meeting. Messages name no student, so reading them is not logged; the
// pages they link to are.
func (s *Server) handleMessages(w http.ResponseWriter, r *http.Request) {
	l := state(r).l
	ms, err := s.app.Messages(r.Context(), s.actor(r), messagesShown)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	page := messagesPage{Outbox: s.cfg.Outbox}
	for _, m := range ms {
		page.Rows = append(page.Rows, messageRow{Text: l.Message(m), Link: localPath(m.Link), At: m.CreatedAt})
	}
	s.render(w, r, http.StatusOK, "messages", s.newView(r, "messages.title", page))
}
