package web

import (
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
}

// agendaRow is an item the viewer may see: by name, or anonymously for a
// partner without consent (then no name, age band or group: only the kind
// of item and the school's sector and level).
type agendaRow struct {
	Item      casus.AgendaItem
	Anonymous bool
	Student   casus.Student // empty but for sector and level when anonymous
	Age       int
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
		m, err := tx.Meeting(ctx, id)
		if err != nil {
			return err
		}
		members, err := tx.TeamMembers(ctx, m.TeamID)
		if err != nil {
			return err
		}
		if !slices.ContainsFunc(members, func(tm casus.TeamMember) bool { return tm.User.ID == u.ID }) || !u.SeesStudentData() {
			return casus.ErrNotFound // a meeting is no secret, but its agenda is the team's
		}
		if page.Team, _, err = tx.Team(ctx, m.TeamID); err != nil {
			return err
		}
		page.Meeting = m
		items, err := tx.Agenda(ctx, m.ID)
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
			named, err := seesIdentity(ctx, tx, u, a.Relation, st)
			if err != nil {
				return err
			}
			row := agendaRow{Item: it, Anonymous: !named, Student: st, Age: st.AgeOn(tx.Now())}
			e := s.accessEntry(r, casus.ActRead, "agenda")
			if row.Anonymous {
				row.Student = casus.Student{Sector: st.Sector, Level: st.Level, SchoolName: st.SchoolName}
				e.Purpose = "agenda (anonymous)"
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
