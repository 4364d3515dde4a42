package web

import (
	"bytes"
	"net/http"
	"slices"
	"strings"
	"time"

	"casus"
	"casus/i18n"
	"casus/storage"
)

// minutesPage is a meeting's minutes as one member receives them: only the
// items they were at, invited for, or — the chair and the minute taker —
// recorded; and only those of students they may see by name.
type minutesPage struct {
	Meeting  casus.Meeting
	Team     casus.CareTeam
	Final    time.Time
	CanClose bool // chair or minute taker, before the minutes are final
	Items    []minutesItem
	Names    map[string]string
}

type minutesItem struct {
	Item    casus.AgendaItem
	Student casus.Student
	Record  casus.Discussion
	Actions []casus.Action
}

// loadMinutes gathers the minutes for u in tx and logs each item shown with
// action.
func (s *Server) loadMinutes(r *http.Request, tx *storage.Tx, u casus.User, action casus.AccessAction) (minutesPage, error) {
	ctx := r.Context()
	var page minutesPage
	id := r.PathValue("id")
	m, members, err := teamMeeting(ctx, tx, id, u)
	if err != nil {
		return page, err
	}
	page.Meeting = m
	if page.Team, _, err = tx.Team(ctx, m.TeamID); err != nil {
		return page, err
	}
	if page.Final, err = tx.MinutesFinal(ctx, m.ID); err != nil {
		return page, err
	}
	writer := casus.CanWriteDiscussion(u, members)
	page.CanClose = writer && page.Final.IsZero()
	page.Names = map[string]string{}
	for _, tm := range members {
		page.Names[tm.User.ID] = tm.User.Name
	}
	items, err := tx.Agenda(ctx, m.ID)
	if err != nil {
		return page, err
	}
	records, err := tx.MeetingDiscussions(ctx, m.ID)
	if err != nil {
		return page, err
	}
	for _, it := range items {
		rec, ok := records[it.ID]
		if !ok {
			continue
		}
		invited, err := tx.ItemInviteeIDs(ctx, it.ID)
		if err != nil {
			return page, err
		}
		if !writer && !slices.Contains(rec.Record.Attendees, u.ID) && !slices.Contains(invited, u.ID) {
			continue // not this member's item
		}
		st, rel, err := tx.StudentFor(ctx, u.ID, it.StudentID)
		if err != nil {
			return page, err
		}
		a := casus.CanReadDiscussion(u, rel, members)
		if !a.Allowed {
			continue
		}
		g, err := identityGrounds(ctx, tx, u, a.Relation, st)
		if err != nil {
			return page, err
		}
		if g.Basis == casus.BasisAnonymous {
			continue // minutes describe the student: none without consent
		}
		acts, err := tx.DiscussionActions(ctx, rec.ID)
		if err != nil {
			return page, err
		}
		for _, act := range acts {
			page.Names[act.OwnerID] = act.OwnerName
		}
		e := s.accessEntry(r, action, "minutes")
		setGrounds(e, g)
		e.StudentID, e.ObjectKind, e.ObjectID = st.ID, "discussion", rec.ID
		if err := logAccess(ctx, tx, e, a); err != nil {
			return page, err
		}
		page.Items = append(page.Items, minutesItem{Item: it, Student: st, Record: rec, Actions: acts})
	}
	return page, nil
}

// handleMinutes shows the minutes as a print view.
func (s *Server) handleMinutes(w http.ResponseWriter, r *http.Request) {
	u := *state(r).user
	var page minutesPage
	err := s.db.Update(r.Context(), func(tx *storage.Tx) (err error) {
		page, err = s.loadMinutes(r, tx, u, casus.ActPrint)
		return err
	})
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	v := s.newView(r, "minutes.page_title", page)
	if r.URL.Query().Get("done") == "final" {
		v.Notice = "minutes.finalised"
	}
	s.render(w, r, http.StatusOK, "minutes", v)
}

// handleMinutesPDF sends the minutes as a PDF download, with the same items.
func (s *Server) handleMinutesPDF(w http.ResponseWriter, r *http.Request) {
	u := *state(r).user
	var page minutesPage
	err := s.db.Update(r.Context(), func(tx *storage.Tx) (err error) {
		page, err = s.loadMinutes(r, tx, u, casus.ActExport)
		return err
	})
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	s.sendPDF(w, r, "notulen.pdf", func(buf *bytes.Buffer) error { return minutesPDF(buf, page, state(r).l) })
}

// handleMinutesFinal makes the minutes final and tells each attendee they
// are ready; the message names no student.
func (s *Server) handleMinutesFinal(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	u := *state(r).user
	if _, err := parseForm(w, r); err != nil {
		s.renderError(w, r, err)
		return
	}
	id := r.PathValue("id")
	err := s.db.Update(ctx, func(tx *storage.Tx) error {
		m, members, err := teamMeeting(ctx, tx, id, u)
		if err != nil {
			return err
		}
		if !casus.CanWriteDiscussion(u, members) {
			return &casus.Error{Code: casus.EFORBIDDEN, Key: "discussion.not_writer"}
		}
		first, err := tx.FinaliseMinutes(ctx, m.ID)
		if err != nil || !first {
			return err
		}
		team, _, err := tx.Team(ctx, m.TeamID)
		if err != nil {
			return err
		}
		records, err := tx.MeetingDiscussions(ctx, m.ID)
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
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	http.Redirect(w, r, "/meetings/"+id+"/minutes?done=final", http.StatusSeeOther)
}

// minutesPDF lays the minutes out on A4 with the Go fonts.
func minutesPDF(buf *bytes.Buffer, page minutesPage, l *i18n.Localizer) error {
	title := l.T("minutes.heading", map[string]any{"Team": page.Team.Name, "When": l.DateTime(page.Meeting.StartsAt)})
	pdf := newPDF(title, l.Lang, func(int) string { return l.T("minutes.confidential") })
	pdf.SetFont("go", "B", 16)
	pdf.MultiCell(0, 8, title, "", "L", false)
	pdf.SetFont("go", "", 10)
	if page.Final.IsZero() {
		pdf.MultiCell(0, 6, l.T("minutes.draft"), "", "L", false)
	}
	field := func(label, value string) {
		if value == "" {
			return
		}
		pdf.SetFont("go", "B", 10)
		pdf.MultiCell(0, 5, label, "", "L", false)
		pdf.SetFont("go", "", 10)
		pdf.MultiCell(0, 5, value, "", "L", false)
		pdf.Ln(1)
	}
	for _, it := range page.Items {
		rec := it.Record.Record
		pdf.Ln(4)
		pdf.SetFont("go", "B", 13)
		pdf.MultiCell(0, 7, it.Student.Name()+" — "+l.T("agenda.kind."+string(it.Item.Kind)), "", "L", false)
		pdf.SetFont("go", "", 10)
		var present []string
		for _, id := range rec.Attendees {
			present = append(present, page.Names[id])
		}
		field(l.T("discussion.field.attendees"), strings.Join(present, ", "))
		for _, name := range discussionFields {
			field(l.T("discussion.field."+name), *textField(&rec, name))
		}
		if rec.Severity != "" {
			field(l.T("discussion.field.severity"), l.T("discussion.level."+string(rec.Severity)))
		}
		if rec.Urgency != "" {
			field(l.T("discussion.field.urgency"), l.T("discussion.level."+string(rec.Urgency)))
		}
		var goals []string
		for _, g := range rec.Goals {
			goals = append(goals, "• "+g.Description+" — "+g.Criterion+" ("+l.T("discussion.goal_by", map[string]any{"Day": l.Date(g.DueOn)})+")")
		}
		field(l.T("discussion.field.goals"), strings.Join(goals, "\n"))
		if rec.Arrangement != "" {
			field(l.T("discussion.field.arrangement"), l.T("discussion.arrangement."+string(rec.Arrangement)))
		}
		field(l.T("discussion.field.coordinator_id"), page.Names[rec.CoordinatorID])
		if rec.VIR != "" {
			field(l.T("discussion.field.vir"), l.T("discussion.vir."+string(rec.VIR)))
		}
		if !rec.EvaluateOn.IsZero() {
			field(l.T("discussion.field.evaluate_on"), l.Date(rec.EvaluateOn))
		}
		var acts []string
		for _, a := range it.Actions {
			acts = append(acts, "• "+a.Description+" — "+a.OwnerName+", "+l.Date(a.DueOn)+" ("+l.T("action.status."+string(a.Status))+")")
		}
		field(l.T("discussion.actions"), strings.Join(acts, "\n"))
	}
	if len(page.Items) == 0 {
		pdf.MultiCell(0, 6, l.T("minutes.none"), "", "L", false)
	}
	return pdf.Output(buf)
}
