package web

import (
	"net/http"
	"time"
)

// messagesShown is how many messages the page lists.
const messagesShown = 50

// messageRow is a message with its text in the reader's language.
type messageRow struct {
	ID     string
	Text   string
	Link   string
	At     time.Time
	Unread bool
}

// messagesPage is the messages page's data.
type messagesPage struct {
	Rows   []messageRow
	Unread int
	Outbox bool // mail is kept in the outbox: link to it
}

// handleMessages lists the user's messages — their notifications, such as
// a referral waiting for them or the agenda of a coming meeting — newest
// first, the unread ones marked. Messages name no student, so reading them
// is not logged; the pages they link to are.
func (s *Server) handleMessages(w http.ResponseWriter, r *http.Request) {
	l := state(r).l
	ms, err := s.app.Messages(r.Context(), s.actor(r), messagesShown)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	page := messagesPage{Outbox: s.cfg.Outbox}
	for _, m := range ms {
		page.Rows = append(page.Rows, messageRow{ID: m.ID, Text: l.Message(m), Link: localPath(m.Link), At: m.CreatedAt, Unread: m.Unread()})
	}
	// All unread ones, also those older than the page shows.
	if page.Unread, err = s.app.UnreadMessages(r.Context(), s.actor(r)); err != nil {
		s.renderError(w, r, err)
		return
	}
	v := s.newView(r, "messages.title", page)
	if r.URL.Query().Get("done") == "all" {
		v.Notice = "messages.marked_all"
	}
	s.render(w, r, http.StatusOK, "messages", v)
}

// handleNotifications: the notifications are the messages page.
func (s *Server) handleNotifications(w http.ResponseWriter, r *http.Request) {
	http.Redirect(w, r, "/messages", http.StatusSeeOther)
}

// handleMessageRead marks one of the user's messages read. Someone else's
// message is not found.
func (s *Server) handleMessageRead(w http.ResponseWriter, r *http.Request) {
	if err := s.app.MarkMessageRead(r.Context(), s.actor(r), r.PathValue("id")); err != nil {
		s.renderError(w, r, err)
		return
	}
	http.Redirect(w, r, "/messages", http.StatusSeeOther)
}

// handleMessagesRead marks all of the user's messages read.
func (s *Server) handleMessagesRead(w http.ResponseWriter, r *http.Request) {
	if err := s.app.MarkAllMessagesRead(r.Context(), s.actor(r)); err != nil {
		s.renderError(w, r, err)
		return
	}
	http.Redirect(w, r, "/messages?done=all", http.StatusSeeOther)
}
