package web

import (
	"context"
	"net/http"
	"slices"

	"casus"
	"casus/storage"
)

// agendaPage is one meeting's agenda as one member of the team may see it.
type agendaPage struct {
	Meeting casus.Meeting
	Team    casus.CareTeam
	Rows    []agendaRow
	CanPlan bool         // the chair: order, time and invitations
	OnCall  []casus.User // on-call members the chair can invite per item
	Minutes int          // the items' time together
	// GuestKinds are the kinds of guest the chair can invite per item.
	GuestKinds []casus.GuestKind
}

// agendaRow is an item the viewer may see: by name, or anonymously for a
// partner without consent (then no name, age band or group: only the kind
// of item and the school's sector and level).
type agendaRow struct {
	Item      casus.AgendaItem
	Invited   []string // names of who is invited for the item
	Anonymous bool
	Student   casus.Student // empty but for sector and level when anonymous
	Age       int
	Question  string              // the chair's question for the item (the chair's form)
	Summary   string              // the question in short; empty when anonymous
	Guests    []casus.AgendaGuest // names are blanked when anonymous
}

// handleAgenda shows a meeting's agenda to the members of its team. Each
// member sees the items their relation to the student allows — an on-call
// partner only the cases they are invited for — and a partner without
// consent sees an item anonymously. Every item shown is logged.
func (s *Server) handleAgenda(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	u := *state(r).user
	id := r.PathValue("id")
	if !casus.ValidID(id) {
		s.renderError(w, r, casus.ErrNotFound)
		return
	}
	var page agendaPage
	err := s.db.Update(ctx, func(tx *storage.Tx) error {
		m, members, err := teamMeeting(ctx, tx, id, u)
		if err != nil {
			return err
		}
		if page.Team, _, err = tx.Team(ctx, m.TeamID); err != nil {
			return err
		}
		page.Meeting = m
		page.CanPlan = casus.CanPlanMeetings(u, members)
		if page.CanPlan {
			page.GuestKinds = casus.GuestKinds
			for _, tm := range members {
				if tm.Kind == casus.MemberOnCall {
					page.OnCall = append(page.OnCall, tm.User)
				}
			}
		}
		items, err := tx.Agenda(ctx, m.ID)
		if err != nil {
			return err
		}
		invited, err := tx.ItemInvitees(ctx, m.ID)
		if err != nil {
			return err
		}
		details, err := tx.ItemDetails(ctx, m.ID)
		if err != nil {
			return err
		}
		for _, it := range items {
			st, rel, err := tx.StudentFor(ctx, u.ID, it.StudentID)
			if err != nil {
				return err
			}
			a := casus.CanViewStudent(u, rel)
			if !a.Allowed {
				continue // not this member's item; its existence stays unsaid
			}
			g, err := identityGrounds(ctx, tx, u, a.Relation, st)
			if err != nil {
				return err
			}
			named := g.Basis != casus.BasisAnonymous
			det := details[it.ID]
			row := agendaRow{Item: it, Anonymous: !named, Student: st, Age: st.AgeOn(tx.Now()), Invited: invited[it.ID],
				Question: det.Question, Summary: casus.Shorten(det.Summary, casus.SummaryMax), Guests: det.Guests}
			page.Minutes += it.Minutes
			e := s.accessEntry(r, casus.ActRead, "agenda")
			setGrounds(e, g)
			if row.Anonymous {
				row.Student = casus.Student{Sector: st.Sector, Level: st.Level, SchoolName: st.SchoolName}
				e.Purpose = "agenda (anonymous)"
				anonymousItem(&row)
			}
			e.StudentID, e.ObjectKind, e.ObjectID = st.ID, "agenda_item", it.ID
			if err := logAccess(ctx, tx, e, a); err != nil {
				return err
			}
			page.Rows = append(page.Rows, row)
		}
		return nil
	})
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

// handleAgendaItem lets the chair move an item up or down, set its time, or
// invite an on-call member for it (which relates them to the item's case).
// Each change is logged against the item's student.
func (s *Server) handleAgendaItem(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	u := *state(r).user
	f, err := parseForm(w, r)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	id, itemID := r.PathValue("id"), r.PathValue("item")
	if !casus.ValidID(id) || !casus.ValidID(itemID) {
		s.renderError(w, r, casus.ErrNotFound)
		return
	}
	err = s.updateLogged(ctx, func(tx *storage.Tx) error {
		m, members, err := teamMeeting(ctx, tx, id, u)
		if err != nil {
			return err
		}
		if !casus.CanPlanMeetings(u, members) {
			return &casus.Error{Code: casus.EFORBIDDEN, Key: "meetings.not_chair"}
		}
		items, err := tx.Agenda(ctx, m.ID)
		if err != nil {
			return err
		}
		i := slices.IndexFunc(items, func(it casus.AgendaItem) bool { return it.ID == itemID })
		if i < 0 {
			return casus.ErrNotFound
		}
		_, rel, err := tx.StudentFor(ctx, u.ID, items[i].StudentID)
		if err != nil {
			return err
		}
		action := f.choice("action", true, "up", "down", "minutes", "invite", "question", "guest", "unguest")
		e := s.accessEntry(r, casus.ActChange, "agenda: "+action)
		e.StudentID, e.ObjectKind, e.ObjectID = items[i].StudentID, "agenda_item", itemID
		var onCall []string
		for _, tm := range members {
			if tm.Kind == casus.MemberOnCall {
				onCall = append(onCall, tm.User.ID)
			}
		}
		var minutes int
		var invitee, question, guestID string
		var guest casus.AgendaGuest
		switch action {
		case "minutes":
			minutes = wholeNumber(f, "minutes", itemMinutesMin, itemMinutesMax)
		case "invite":
			invitee = f.choice("user", true, onCall...)
		case "question":
			question = f.paragraphs("question", textRule{max: itemQuestionMax})
		case "guest":
			guest = casus.AgendaGuest{ItemID: itemID, AddedBy: u.ID,
				Kind: casus.GuestKind(f.choice("guest_kind", true, stringsOf(casus.GuestKinds)...)),
				Name: f.text("guest_name", textRule{max: guestNameMax})}
		case "unguest":
			if guestID = f.Value("guest"); !casus.ValidID(guestID) {
				return casus.ErrNotFound
			}
		}
		if f.Errs != nil {
			return f.Errs.Err()
		}
		if err := logAccess(ctx, tx, e, casus.CanViewStudent(u, rel)); err != nil {
			return err
		}
		switch action {
		case "up", "down":
			return tx.MoveAgendaItem(ctx, m.ID, itemID, action == "up")
		case "minutes":
			return tx.SetItemMinutes(ctx, m.ID, itemID, minutes)
		case "question":
			return tx.SetItemQuestion(ctx, m.ID, itemID, question)
		case "guest":
			return tx.AddAgendaGuest(ctx, m.ID, &guest)
		case "unguest":
			return tx.RemoveAgendaGuest(ctx, m.ID, itemID, guestID)
		}
		return tx.InviteToItem(ctx, m.ID, itemID, invitee, u.ID)
	})
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	http.Redirect(w, r, "/meetings/"+id+"#item-"+itemID, http.StatusSeeOther)
}

// teamMeeting loads meeting id for u, with its team's members: a meeting is
// no secret, but its agenda and minutes are the team's, so anyone else (and
// a member who sees no student data) gets casus.ErrNotFound.
func teamMeeting(ctx context.Context, tx *storage.Tx, id string, u casus.User) (casus.Meeting, []casus.TeamMember, error) {
	if !casus.ValidID(id) {
		return casus.Meeting{}, nil, casus.ErrNotFound
	}
	m, err := tx.Meeting(ctx, id)
	if err != nil {
		return m, nil, err
	}
	members, err := tx.TeamMembers(ctx, m.TeamID)
	if err != nil {
		return m, nil, err
	}
	if !slices.ContainsFunc(members, func(tm casus.TeamMember) bool { return tm.User.ID == u.ID }) || !u.SeesStudentData() {
		return m, nil, casus.ErrNotFound
	}
	return m, members, nil
}
