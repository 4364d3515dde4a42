package web

import (
	"net/http"

	"casus"
	"casus/app"
)

// handleAgenda shows a meeting's agenda to the members of its team, each
// item as the member's relation to its student allows (app.Agenda).
func (s *Server) handleAgenda(w http.ResponseWriter, r *http.Request) {
	page, err := s.app.Agenda(r.Context(), s.actor(r), r.PathValue("id"))
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "agenda", s.newView(r, "agenda.page_title", page))
}

// Limits of an item's time, in minutes.
const (
	itemMinutesMin = 5
	itemMinutesMax = 180
)

// agendaActions are what the chair can do to an agenda item.
var agendaActions = []string{"up", "down", "minutes", "invite", "question", "guest", "unguest", "next"}

// handleAgendaItem lets the chair move an item up or down, set its time,
// invite an on-call member for it, set its question or add or remove a
// guest (app.ChangeAgendaItem).
func (s *Server) handleAgendaItem(w http.ResponseWriter, r *http.Request) {
	f, err := parseForm(w, r)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	in := app.AgendaItemChange{MeetingID: r.PathValue("id"), ItemID: r.PathValue("item"),
		Action: f.choice("action", true, agendaActions...)}
	switch in.Action {
	case "minutes":
		in.Minutes = wholeNumber(f, "minutes", itemMinutesMin, itemMinutesMax)
	case "invite":
		in.Invitee = f.chosen("user")
	case "question":
		in.Question = f.paragraphs("question", textRule{max: itemQuestionMax})
	case "guest":
		in.Guest = casus.AgendaGuest{Kind: casus.GuestKind(f.choice("guest_kind", true, stringsOf(casus.GuestKinds)...)),
			Name: f.text("guest_name", textRule{max: guestNameMax})}
	case "unguest":
		in.GuestID = f.Value("guest")
	}
	if err := s.app.ChangeAgendaItem(r.Context(), s.actor(r), in, f.Errs); err != nil {
		s.renderError(w, r, err)
		return
	}
	http.Redirect(w, r, "/meetings/"+in.MeetingID+"#item-"+in.ItemID, http.StatusSeeOther)
}

// handleCaseAgenda puts a case on the agenda of a coming meeting of its
// team, for the chair (app.PutOnAgenda).
func (s *Server) handleCaseAgenda(w http.ResponseWriter, r *http.Request) {
	f, err := parseForm(w, r)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	studentID, err := s.app.PutOnAgenda(r.Context(), s.actor(r), r.PathValue("id"), f.Value("meeting"))
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	http.Redirect(w, r, "/students/"+studentID+"?saved=agenda#agenda", http.StatusSeeOther)
}
