package web

import (
	"net/http"
	"strconv"
	"time"

	"casus"
	"casus/storage"
)

// actionSection is the actions part of the student page.
type actionSection struct {
	Actions   []casus.Action
	CanCreate bool
	Cases     []casus.Case // open cases an action can belong to
	Owners    []casus.User
	Today     time.Time
}

// Limits of the action form, in characters.
const actionTextMax = 1000

// loadActionSection fills the actions part for a user whose relation shows
// the student's cases.
func (s *Server) loadActionSection(r *http.Request, tx *storage.Tx, u casus.User, st casus.Student, rel casus.StudentRelations, cases []casus.Case) (actionSection, error) {
	ctx := r.Context()
	sec := actionSection{Today: s.today(), CanCreate: casus.CanCreateAction(u, rel).Allowed}
	var err error
	if sec.Actions, err = tx.StudentActions(ctx, st.ID); err != nil {
		return sec, err
	}
	if sec.CanCreate {
		sec.Cases = casus.OpenCases(cases)
		sec.Owners, err = tx.ActionOwnerCandidates(ctx, st.ID)
	}
	return sec, err
}

// handleActionCreate agrees an action for one of the student's open cases.
func (s *Server) handleActionCreate(w http.ResponseWriter, r *http.Request) {
	f, err := parseForm(w, r)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	ok := s.careTx(w, r, casus.ActCreate, "action", "action", func(c *careCtx) (casus.Access, error) {
		a := casus.CanCreateAction(c.u, c.rel)
		if !a.Allowed {
			return a, nil
		}
		cases, err := c.tx.Cases(c.ctx, c.st.ID)
		if err != nil {
			return a, err
		}
		owners, err := c.tx.ActionOwnerCandidates(c.ctx, c.st.ID)
		if err != nil {
			return a, err
		}
		caseIDs, ownerIDs := idsOf(casus.OpenCases(cases), caseID), idsOf(owners, userID)
		act := casus.Action{StudentID: c.st.ID, CreatedBy: c.u.ID,
			CaseID:      f.choice("case", true, caseIDs...),
			OwnerID:     f.choice("owner", true, ownerIDs...),
			Description: f.paragraphs("description", textRule{required: true, max: actionTextMax}),
		}
		act.DueOn = f.day("due_on", true, s.today(), "action.due_past")
		if f.Errs != nil {
			return a, f.Errs.Err()
		}
		c.e.ObjectID = act.CaseID
		return a, c.tx.CreateAction(c.ctx, &act)
	})
	if ok {
		http.Redirect(w, r, "/students/"+r.PathValue("id")+"?saved=action#acties", http.StatusSeeOther)
	}
}

// taskRow is an action on the owner's task list.
type taskRow struct {
	Action    casus.Action
	Anonymous bool
	Overdue   bool
}

// handleTasks lists the user's actions still to be done, soonest due first,
// each with the form to report progress. Every row names a student and is
// logged; a partner without consent sees the row anonymously.
func (s *Server) handleTasks(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	u := *state(r).user
	if !u.SeesStudentData() {
		s.renderError(w, r, &casus.Error{Code: casus.EFORBIDDEN, Key: "error.forbidden"})
		return
	}
	var rows []taskRow
	err := s.db.Update(ctx, func(tx *storage.Tx) error {
		actions, err := tx.OwnedActions(ctx, u.ID)
		if err != nil {
			return err
		}
		for _, act := range actions {
			st, rel, err := tx.StudentFor(ctx, u.ID, act.StudentID)
			if err != nil {
				return err
			}
			a := casus.CanUpdateAction(u, act, rel)
			if !a.Allowed {
				continue
			}
			g, err := identityGrounds(ctx, tx, u, a.Relation, st)
			if err != nil {
				return err
			}
			named := g.Basis != casus.BasisAnonymous
			e := s.accessEntry(r, casus.ActSearch, "task list")
			setGrounds(e, g)
			e.StudentID, e.ObjectKind, e.ObjectID = st.ID, "action", act.ID
			if !named {
				e.Purpose = "task list (anonymous)"
				act.StudentName = ""
			}
			if err := logAccess(ctx, tx, e, a); err != nil {
				return err
			}
			rows = append(rows, taskRow{Action: act, Anonymous: !named, Overdue: act.Overdue(s.today())})
		}
		return nil
	})
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	v := s.newView(r, "tasks.title", map[string]any{"Rows": rows, "Statuses": casus.ActionStatuses})
	if r.URL.Query().Get("saved") == "1" {
		v.Notice = "tasks.saved"
	}
	s.render(w, r, http.StatusOK, "tasks", v)
}

// handleActionUpdate reports progress on an action: a status and a note, by
// its owner or the coordinator, checked against the version shown.
func (s *Server) handleActionUpdate(w http.ResponseWriter, r *http.Request) {
	f, err := parseForm(w, r)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	id := r.PathValue("id")
	var act casus.Action
	student := func(tx *storage.Tx) (string, error) {
		var err error
		act, err = tx.Action(r.Context(), id)
		return act.StudentID, err
	}
	ok := s.studentTx(w, r, casus.ActChange, "action update", "action", id, true, student, func(c *careCtx) (casus.Access, error) {
		a := casus.CanUpdateAction(c.u, act, c.rel)
		if !a.Allowed {
			return a, nil
		}
		status := casus.ActionStatus(f.choice("status", true, stringsOf(casus.ActionStatuses)...))
		note := f.paragraphs("note", textRule{max: actionTextMax})
		version, verr := strconv.Atoi(f.Value("version"))
		if verr != nil {
			f.fail("version", "error.unreadable_form", nil)
		}
		if f.Errs != nil {
			return a, f.Errs.Err()
		}
		return a, c.tx.UpdateAction(c.ctx, &act, version, status, note, c.u.ID)
	})
	if ok {
		http.Redirect(w, r, "/tasks?saved=1", http.StatusSeeOther)
	}
}
