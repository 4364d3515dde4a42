package app

import (
	"context"
	"slices"
	"time"

	"casus"
	"casus/storage"
)

// MinutesPage is a meeting's minutes as one member receives them: only the
// items they were at, invited for, or — the chair and the minute taker —
// recorded (casus.ReceivesMinutesItem); and only those of students they may
// see by name.
type MinutesPage struct {
	Meeting  casus.Meeting
	Team     casus.CareTeam
	Final    time.Time
	CanClose bool // chair or minute taker, before the minutes are final
	// NotReady says why the minutes cannot be made final yet (before the
	// meeting's day, items neither discussed nor moved on); nil when they can.
	NotReady *casus.Error
	Items    []MinutesItem
	Names    map[string]string
	// Expected are the fixed members and the partners invited for an item;
	// Attendance is what was recorded of them (user id → status).
	Expected   []casus.User
	Attendance map[string]casus.AttendanceStatus
	// Time is, per person, the minutes of the discussed items they attended.
	Time []casus.PartnerTime
	// Statuses are the attendance statuses, in the order offered.
	Statuses []casus.AttendanceStatus
}

// MinutesItem is one discussed item of the minutes.
type MinutesItem struct {
	Item    casus.AgendaItem
	Student casus.Student
	Record  casus.Discussion
	Actions []casus.Action
}

// PrintMinutes shows the minutes as a print view; each item shown is
// logged as printed.
func (s *Service) PrintMinutes(ctx context.Context, a Actor, meetingID string) (MinutesPage, error) {
	return s.minutes(ctx, a, meetingID, casus.ActPrint)
}

// ExportMinutes gives the minutes for a download, with the same items;
// each is logged as exported.
func (s *Service) ExportMinutes(ctx context.Context, a Actor, meetingID string) (MinutesPage, error) {
	return s.minutes(ctx, a, meetingID, casus.ActExport)
}

func (s *Service) minutes(ctx context.Context, a Actor, meetingID string, action casus.AccessAction) (MinutesPage, error) {
	var page MinutesPage
	err := s.list(ctx, a, action, "minutes", func(l *listing) error {
		tx := l.tx
		m, members, err := agendaMeeting(ctx, tx, meetingID, a.User)
		if err != nil {
			return err
		}
		page.Meeting = m
		if page.Team, _, err = tx.Team(ctx, m.TeamID); err != nil {
			return err
		}
		if page.Final, err = tx.MinutesFinal(ctx, m.ID); err != nil {
			return err
		}
		page.CanClose = casus.CanWriteDiscussion(a.User, members) && page.Final.IsZero()
		page.Names = map[string]string{}
		for _, tm := range members {
			page.Names[tm.User.ID] = tm.User.Name
		}
		items, err := tx.Agenda(ctx, m.ID)
		if err != nil {
			return err
		}
		records, err := tx.MeetingDiscussions(ctx, m.ID)
		if err != nil {
			return err
		}
		if page.CanClose {
			if err := casus.MinutesReady(m, tx.Now(), items, discussedItems(records)); err != nil {
				page.NotReady, _ = err.(*casus.Error)
			}
		}
		if err := attendance(ctx, tx, m, members, items, records, &page); err != nil {
			return err
		}
		return minutesItems(l, members, items, records, &page)
	})
	return page, err
}

// itemMinutesDefault is an item's time when none was planned: the agenda's
// default.
const itemMinutesDefault = 15

// attendance fills who the meeting expected, who was there and the time
// each person spent on the items they attended. It names no student.
func attendance(ctx context.Context, tx *storage.Tx, m casus.Meeting, members []casus.TeamMember, items []casus.AgendaItem,
	records map[string]casus.Discussion, page *MinutesPage) error {
	invited, err := tx.MeetingInviteeIDs(ctx, m.ID)
	if err != nil {
		return err
	}
	page.Expected, page.Statuses = casus.ExpectedAttendees(members, invited), casus.AttendanceStatuses
	if page.Attendance, err = tx.Attendance(ctx, m.ID); err != nil {
		return err
	}
	attendees := make(map[string][]string, len(records))
	for id, rec := range records {
		attendees[id] = rec.Record.Attendees
	}
	people := make([]casus.User, len(members))
	for i, tm := range members {
		people[i] = tm.User
	}
	page.Time = casus.TimeSpent(people, items, attendees, itemMinutesDefault)
	return nil
}

// SaveAttendance records who was at the meeting, for its chair or minute
// taker while the minutes are not final. Everyone named must be expected
// (casus.ExpectedAttendees) and each status one of
// casus.AttendanceStatuses; otherwise nothing is stored. errs are the
// errors the door found parsing the form: they come back after the checks
// of who may record.
func (s *Service) SaveAttendance(ctx context.Context, a Actor, meetingID string, att map[string]casus.AttendanceStatus,
	errs casus.ValidationErrors) error {
	u := a.User
	return s.db.Update(ctx, func(tx *storage.Tx) error {
		m, members, final, err := minutesWriter(ctx, tx, meetingID, u)
		if err != nil {
			return err
		}
		if !final.IsZero() {
			return storage.ErrMinutesFinal
		}
		if errs != nil {
			return errs
		}
		invited, err := tx.MeetingInviteeIDs(ctx, m.ID)
		if err != nil {
			return err
		}
		expected := casus.ExpectedAttendees(members, invited)
		for id, st := range att {
			if !slices.ContainsFunc(expected, func(x casus.User) bool { return x.ID == id }) {
				return casus.ValidationErrors{casus.FieldError("attendance", "error.choice", nil)}
			}
			if !slices.Contains(casus.AttendanceStatuses, st) {
				return casus.ValidationErrors{casus.FieldError("attendance-"+id, "error.choice", nil)}
			}
		}
		return tx.SetAttendance(ctx, m.ID, att, u.ID)
	})
}

// discussedItems are the agenda items with a saved record.
func discussedItems(records map[string]casus.Discussion) map[string]bool {
	done := make(map[string]bool, len(records))
	for id := range records {
		done[id] = true
	}
	return done
}

// minutesItems fills the items the actor receives and logs each.
func minutesItems(l *listing, members []casus.TeamMember, items []casus.AgendaItem, records map[string]casus.Discussion,
	page *MinutesPage) error {
	ctx, tx, u := l.ctx, l.tx, l.a.User
	if len(records) == 0 {
		return nil
	}
	invited, err := tx.MeetingItemInviteeIDs(ctx, page.Meeting.ID)
	if err != nil {
		return err
	}
	// Only the items this member receives are read further.
	var received []casus.AgendaItem
	for _, it := range items {
		rec, ok := records[it.ID]
		if ok && casus.ReceivesMinutesItem(u, members, rec.Record.Attendees, invited[it.ID]) {
			received = append(received, it)
		}
	}
	facts, err := tx.StudentsFor(ctx, u.ID, itemStudents(received))
	if err != nil {
		return err
	}
	actions, err := tx.MeetingActions(ctx, page.Meeting.ID)
	if err != nil {
		return err
	}
	for _, it := range received {
		rec := records[it.ID]
		f, ok := facts[it.StudentID]
		if !ok {
			return casus.ErrNotFound
		}
		st, rel := f.Student, f.Rel
		// Minutes describe the student: none without consent.
		shown, err := l.row(st, casus.CanReadDiscussion(u, rel, members), "discussion", rec.ID, false)
		if err != nil {
			return err
		}
		if shown == rowHidden {
			continue
		}
		acts := actions[rec.ID]
		for _, act := range acts {
			page.Names[act.OwnerID] = act.OwnerName
		}
		page.Items = append(page.Items, MinutesItem{Item: it, Student: st, Record: rec, Actions: acts})
	}
	return nil
}

// minutesWriter opens the meeting for one who writes its minutes: a
// member who is its chair or minute taker (else forbidden), with the
// team's members and when the minutes were made final (zero: not yet).
func minutesWriter(ctx context.Context, tx *storage.Tx, meetingID string, u casus.User) (casus.Meeting, []casus.TeamMember, time.Time, error) {
	m, members, err := agendaMeeting(ctx, tx, meetingID, u)
	if err != nil {
		return m, nil, time.Time{}, err
	}
	if !casus.CanWriteDiscussion(u, members) {
		return m, nil, time.Time{}, &casus.Error{Code: casus.EFORBIDDEN, Key: "discussion.not_writer"}
	}
	final, err := tx.MinutesFinal(ctx, m.ID)
	return m, members, final, err
}

// FinaliseMinutes makes the minutes final, for the chair or the minute
// taker, and tells each attendee once that they are ready; the message
// names no student. Not before the meeting's day, and not while an item is
// neither discussed nor moved on (casus.MinutesReady): the refusal is
// logged. Finalising again changes nothing.
func (s *Service) FinaliseMinutes(ctx context.Context, a Actor, meetingID string) error {
	u := a.User
	return s.db.Update(ctx, func(tx *storage.Tx) error {
		m, _, final, err := minutesWriter(ctx, tx, meetingID, u)
		if err != nil || !final.IsZero() {
			return err
		}
		items, err := tx.Agenda(ctx, m.ID)
		if err != nil {
			return err
		}
		records, err := tx.MeetingDiscussions(ctx, m.ID)
		if err != nil {
			return err
		}
		if err := casus.MinutesReady(m, tx.Now(), items, discussedItems(records)); err != nil {
			return err
		}
		if _, err := tx.FinaliseMinutes(ctx, m.ID); err != nil {
			return err
		}
		team, _, err := tx.Team(ctx, m.TeamID)
		if err != nil {
			return err
		}
		told := map[string]bool{u.ID: true}
		for _, rec := range records {
			for _, who := range rec.Record.Attendees {
				if told[who] {
					continue
				}
				told[who] = true
				if err := tx.AddMessage(ctx, &casus.Message{UserID: who, Key: "message.minutes", Link: "/meetings/" + m.ID + "/minutes",
					Args: map[string]string{"Team": team.Name, "Start": m.StartsAt.UTC().Format(time.RFC3339)}}); err != nil {
					return err
				}
			}
		}
		return nil
	})
}
