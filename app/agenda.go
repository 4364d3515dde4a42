package app

import (
	"context"
	"slices"
	"time"

	"casus"
	"casus/storage"
)

// AgendaPage is one meeting's agenda as one member of the team may see it.
type AgendaPage struct {
	Meeting casus.Meeting
	Team    casus.CareTeam
	Rows    []AgendaRow
	CanPlan bool         // the chair: order, time and invitations
	OnCall  []casus.User // on-call members the chair can invite per item
	Minutes int          // the items' time together
	// GuestKinds are the kinds of guest the chair can invite per item.
	GuestKinds []casus.GuestKind
}

// AgendaRow is an item the viewer may see: by name, or anonymously for a
// partner without consent (then no name, age band or group: only the kind
// of item and the school's sector and level).
type AgendaRow struct {
	Item      casus.AgendaItem
	Invited   []string // names of who is invited for the item
	Anonymous bool
	Student   casus.Student // empty but for sector and level when anonymous
	Age       int
	Question  string              // the chair's question for the item (the chair's form)
	Summary   string              // the question in short; empty when anonymous
	Guests    []casus.AgendaGuest // names are blanked when anonymous
	Discussed bool                // its record is saved
}

// Agenda shows a meeting's agenda to the members of its team. Each member
// sees the items their relation to the student allows — an on-call partner
// only the cases they are invited for — and a partner without consent sees
// an item anonymously. Every item shown is logged.
func (s *Service) Agenda(ctx context.Context, a Actor, meetingID string) (AgendaPage, error) {
	u := a.User
	var page AgendaPage
	if !casus.ValidID(meetingID) {
		return page, casus.ErrNotFound
	}
	err := s.list(ctx, a, casus.ActRead, "agenda", func(l *listing) error {
		m, members, err := agendaMeeting(ctx, l.tx, meetingID, u)
		if err != nil {
			return err
		}
		if page.Team, _, err = l.tx.Team(ctx, m.TeamID); err != nil {
			return err
		}
		page.Meeting = m
		page.CanPlan = casus.CanPlanMeetings(u, members)
		if page.CanPlan {
			page.GuestKinds = casus.GuestKinds
			page.OnCall = agendaOnCall(members)
		}
		return agendaRows(l, &page)
	})
	return page, err
}

// agendaOnCall are the team's on-call members.
func agendaOnCall(members []casus.TeamMember) []casus.User {
	var on []casus.User
	for _, tm := range members {
		if tm.Kind == casus.MemberOnCall {
			on = append(on, tm.User)
		}
	}
	return on
}

// agendaRows fills the rows the actor may see and logs each.
func agendaRows(l *listing, page *AgendaPage) error {
	ctx, tx, u, m := l.ctx, l.tx, l.a.User, page.Meeting
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
	records, err := tx.MeetingDiscussions(ctx, m.ID)
	if err != nil {
		return err
	}
	facts, err := tx.StudentsFor(ctx, u.ID, itemStudents(items))
	if err != nil {
		return err
	}
	for _, it := range items {
		f, ok := facts[it.StudentID]
		if !ok {
			return casus.ErrNotFound
		}
		st, rel := f.Student, f.Rel
		// An item not this member's is left out: its existence stays unsaid.
		shown, err := l.row(st, casus.CanViewStudent(u, rel), "agenda_item", it.ID, true)
		if err != nil {
			return err
		}
		if shown == rowHidden {
			continue
		}
		det := details[it.ID]
		row := AgendaRow{Item: it, Anonymous: shown == rowAnonymous, Student: st, Age: st.AgeOn(tx.Now()), Invited: invited[it.ID],
			Question: det.Question, Summary: casus.Shorten(det.Summary, casus.SummaryMax), Guests: det.Guests}
		_, row.Discussed = records[it.ID]
		page.Minutes += it.Minutes
		if row.Anonymous {
			row.Student = casus.Student{Sector: st.Sector, Level: st.Level, SchoolName: st.SchoolName}
			row.anonymous()
		}
		page.Rows = append(page.Rows, row)
	}
	return nil
}

// itemStudents are the ids of the items' students.
func itemStudents(items []casus.AgendaItem) []string {
	ids := make([]string, len(items))
	for i, it := range items {
		ids[i] = it.StudentID
	}
	return ids
}

// anonymous blanks what could tell who the student of an anonymous agenda
// item is: the question in the school's words and the guests' names. The
// kinds of guests stay: the partner knows who joins the talk.
func (row *AgendaRow) anonymous() {
	row.Question, row.Summary = "", ""
	guests := make([]casus.AgendaGuest, len(row.Guests))
	for i, g := range row.Guests {
		guests[i] = casus.AgendaGuest{ID: g.ID, ItemID: g.ItemID, Kind: g.Kind}
	}
	row.Guests = guests
}

// AgendaItemChange is what the chair changes about an agenda item: move it
// up or down, set its time, invite an on-call member, set the question, or
// add or remove a guest.
type AgendaItemChange struct {
	MeetingID, ItemID string
	Action            string // up, down, minutes, invite, question, guest, unguest, next
	Minutes           int
	Invitee           string // an on-call member's id (invite)
	Question          string
	Guest             casus.AgendaGuest // Kind and Name (guest)
	GuestID           string            // unguest
}

// ChangeAgendaItem lets the chair move an item up or down, set its time,
// invite an on-call member for it (which relates them to the item's case),
// set its question, add or remove a guest, or move an item the team did not
// get to on to the team's next meeting. Each change is logged against
// the item's student. errs are the door's errors parsing the form: with
// any, or an invitee who is not on call, nothing is written and they come
// back (after the chair and the item are checked).
func (s *Service) ChangeAgendaItem(ctx context.Context, a Actor, in AgendaItemChange, errs casus.ValidationErrors) error {
	u := a.User
	if !casus.ValidID(in.MeetingID) || !casus.ValidID(in.ItemID) {
		return casus.ErrNotFound
	}
	return s.update(ctx, func(tx *storage.Tx) error {
		m, members, err := agendaMeeting(ctx, tx, in.MeetingID, u)
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
		i := slices.IndexFunc(items, func(it casus.AgendaItem) bool { return it.ID == in.ItemID })
		if i < 0 {
			return casus.ErrNotFound
		}
		_, rel, err := tx.StudentFor(ctx, u.ID, items[i].StudentID)
		if err != nil {
			return err
		}
		e := s.entry(a, casus.ActChange, "agenda: "+in.Action)
		e.StudentID, e.ObjectKind, e.ObjectID = items[i].StudentID, "agenda_item", in.ItemID
		switch in.Action {
		case "invite":
			if in.Invitee != "" && !slices.ContainsFunc(agendaOnCall(members), func(o casus.User) bool { return o.ID == in.Invitee }) {
				errs = append(errs, casus.FieldError("user", "error.choice", nil))
			}
		case "unguest":
			if !casus.ValidID(in.GuestID) {
				return casus.ErrNotFound
			}
		}
		if errs != nil {
			return errs
		}
		acc := casus.CanViewStudent(u, rel)
		if err := logAccess(ctx, tx, e, acc); err != nil {
			return err
		}
		if err := agendaItemChange(ctx, tx, u, m, items[i], in); err != nil {
			return refused(e, acc, err)
		}
		return nil
	})
}

// moveItemOn moves an item the team did not get to on to the team's next
// meeting; a discussed item stays (its record is there), and with no
// meeting ahead the chair plans one first.
func moveItemOn(ctx context.Context, tx *storage.Tx, u casus.User, m casus.Meeting, it casus.AgendaItem) error {
	records, err := tx.MeetingDiscussions(ctx, m.ID)
	if err != nil {
		return err
	}
	if _, done := records[it.ID]; done {
		return &casus.Error{Code: casus.ECONFLICT, Key: "agenda.discussed_stays"}
	}
	next, err := tx.NextMeeting(ctx, m.TeamID, m.StartsAt)
	if casus.ErrorCode(err) == casus.ENOTFOUND {
		return &casus.Error{Code: casus.ECONFLICT, Key: "agenda.no_next_meeting"}
	}
	if err != nil {
		return err
	}
	_, err = tx.MoveItemOn(ctx, it, next, u.ID)
	return err
}

// agendaItemChange stores the change.
func agendaItemChange(ctx context.Context, tx *storage.Tx, u casus.User, m casus.Meeting, it casus.AgendaItem, in AgendaItemChange) error {
	switch in.Action {
	case "next":
		return moveItemOn(ctx, tx, u, m, it)
	case "up", "down":
		return tx.MoveAgendaItem(ctx, m.ID, in.ItemID, in.Action == "up")
	case "minutes":
		return tx.SetItemMinutes(ctx, m.ID, in.ItemID, in.Minutes)
	case "question":
		return tx.SetItemQuestion(ctx, m.ID, in.ItemID, in.Question)
	case "guest":
		g := casus.AgendaGuest{ItemID: in.ItemID, AddedBy: u.ID, Kind: in.Guest.Kind, Name: in.Guest.Name}
		return tx.AddAgendaGuest(ctx, m.ID, &g)
	case "unguest":
		return tx.RemoveAgendaGuest(ctx, m.ID, in.ItemID, in.GuestID)
	}
	return tx.InviteToItem(ctx, m.ID, in.ItemID, in.Invitee, u.ID)
}

// agendaMeeting loads meeting id for u, with its team's members: a meeting
// is no secret, but its agenda and minutes are the team's, so anyone else
// (and a member who sees no student data) gets casus.ErrNotFound.
func agendaMeeting(ctx context.Context, tx *storage.Tx, id string, u casus.User) (casus.Meeting, []casus.TeamMember, error) {
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

// PutOnAgenda puts an open case on the agenda of a coming meeting of its
// team, for the team's chair: an open zorgteam case or an accepted
// referral that sits on no agenda gets its turn. The same case is on a
// meeting's agenda once. An item added after the agenda went out is late,
// and the team's fixed members are told the agenda changed (the message
// names no student). Refusals are logged. It returns the student's id.
func (s *Service) PutOnAgenda(ctx context.Context, a Actor, caseID, meetingID string) (string, error) {
	var studentID string
	req := studentReq{action: casus.ActChange, purpose: "agenda: add", objectKind: "case", objectID: caseID}
	err := s.inCase(ctx, a, req, casus.CanViewStudent, func(c *Student, cs casus.Case, _ casus.Access) error {
		ctx, tx, u := c.ctx, c.tx, c.u
		studentID = c.st.ID
		members, err := tx.TeamMembers(ctx, cs.TeamID)
		if err != nil {
			return err
		}
		if !casus.CanPlanMeetings(u, members) {
			return &casus.Error{Code: casus.EFORBIDDEN, Key: "meetings.not_chair"}
		}
		if cs.Status != casus.CaseOpen {
			return &casus.Error{Code: casus.ECONFLICT, Key: "agenda.case_closed"}
		}
		if !casus.ValidID(meetingID) {
			return casus.FieldError("meeting", "error.choice", nil)
		}
		m, err := tx.Meeting(ctx, meetingID)
		if casus.ErrorCode(err) == casus.ENOTFOUND || err == nil && m.TeamID != cs.TeamID {
			return casus.FieldError("meeting", "error.choice", nil)
		}
		if err != nil {
			return err
		}
		now := tx.Now()
		if m.Status != casus.MeetingPlanned || !m.StartsAt.After(now) {
			return &casus.Error{Code: casus.ECONFLICT, Key: "agenda.meeting_not_ahead"}
		}
		it := casus.AgendaItem{MeetingID: m.ID, CaseID: cs.ID, Kind: casus.AgendaChair, SourceID: cs.ID, AddedBy: u.ID,
			Late: !now.Before(m.AgendaDue())}
		if err := tx.AddAgendaItem(ctx, &it); err != nil {
			return err
		}
		c.e.ObjectKind, c.e.ObjectID = "agenda_item", it.ID
		if !it.Late {
			return nil
		}
		args := map[string]string{"Team": cs.TeamName, "Start": m.StartsAt.UTC().Format(time.RFC3339)}
		for _, tm := range members {
			if tm.Kind == casus.MemberOnCall || tm.User.ID == u.ID {
				continue
			}
			if err := tx.AddMessage(ctx, &casus.Message{UserID: tm.User.ID, Key: "message.agenda_late",
				Link: "/meetings/" + m.ID, Args: args}); err != nil {
				return err
			}
		}
		return nil
	})
	return studentID, err
}
