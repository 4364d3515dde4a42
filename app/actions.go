package app

import (
	"cmp"
	"context"
	"slices"
	"strconv"
	"strings"
	"time"

	"casus"
	"casus/storage"
)

// ActionSection is the actions part of the student page.
type ActionSection struct {
	Actions   []casus.Action
	CanCreate bool
	Cases     []casus.Case // open cases an action can belong to
	Owners    []casus.User
	Today     time.Time
}

// actionSection fills the actions part for a user whose relation shows the
// student's cases.
func (c *Student) actionSection(today time.Time, cases []casus.Case) (ActionSection, error) {
	sec := ActionSection{Today: today, CanCreate: casus.CanCreateAction(c.u, c.rel).Allowed}
	var err error
	if sec.Actions, err = c.tx.StudentActions(c.ctx, c.st.ID); err != nil {
		return sec, err
	}
	if sec.CanCreate {
		sec.Cases = casus.OpenCases(cases)
		sec.Owners, err = c.tx.ActionOwnerCandidates(c.ctx, c.st.ID)
	}
	return sec, err
}

// NewAction is an action as the form gives it: the case and owner are
// checked against the student's open cases and owner candidates here.
type NewAction struct {
	StudentID   string
	CaseID      string
	OwnerID     string
	Description string
	DueOn       time.Time
}

// CreateAction agrees an action for one of the student's open cases
// (casus.CanCreateAction). errs are the errors the door found parsing the
// form; with any, or with a case or owner that is not the student's, nothing
// is written and the request is logged as refused.
func (s *Service) CreateAction(ctx context.Context, a Actor, in NewAction, errs casus.ValidationErrors) error {
	return s.student(ctx, a, studentReq{action: casus.ActCreate, purpose: "action", objectKind: "action", objectID: in.StudentID},
		func(c *Student) (casus.Access, error) {
			acc := casus.CanCreateAction(c.u, c.rel)
			if !acc.Allowed {
				return acc, nil
			}
			cases, err := c.tx.Cases(c.ctx, c.st.ID)
			if err != nil {
				return acc, err
			}
			owners, err := c.tx.ActionOwnerCandidates(c.ctx, c.st.ID)
			if err != nil {
				return acc, err
			}
			var choiceErrs casus.ValidationErrors
			if !actionChoiceOK(in.CaseID, errs, "case", casus.OpenCases(cases), func(x casus.Case) string { return x.ID }) {
				choiceErrs = append(choiceErrs, casus.FieldError("case", "error.choice", nil))
				in.CaseID = ""
			}
			if !actionChoiceOK(in.OwnerID, errs, "owner", owners, func(x casus.User) string { return x.ID }) {
				choiceErrs = append(choiceErrs, casus.FieldError("owner", "error.choice", nil))
				in.OwnerID = ""
			}
			if errs = append(choiceErrs, errs...); len(errs) > 0 {
				return acc, errs.Err()
			}
			act := casus.Action{StudentID: c.st.ID, CreatedBy: c.u.ID, CaseID: in.CaseID, OwnerID: in.OwnerID,
				Description: in.Description, DueOn: in.DueOn}
			c.e.ObjectID = act.CaseID
			if err := c.tx.CreateAction(c.ctx, &act); err != nil {
				return acc, err
			}
			return acc, notifyAction(c, act)
		})
}

// actionChoiceOK reports whether v is one of the options, or the door
// already failed the field.
func actionChoiceOK[T any](v string, errs casus.ValidationErrors, field string, options []T, id func(T) string) bool {
	if errs.Field(field) != nil {
		return true
	}
	return slices.ContainsFunc(options, func(x T) bool { return id(x) == v })
}

// TaskRow is an action on the owner's task list.
type TaskRow struct {
	Action    casus.Action
	Anonymous bool
	Overdue   bool
}

// TaskList lists the actor's actions still to be done, soonest due first.
// Every row names a student and is logged; a partner without consent sees
// the row anonymously.
func (s *Service) TaskList(ctx context.Context, a Actor) ([]TaskRow, error) {
	rows, _, err := s.TaskPage(ctx, a, "", 0)
	return rows, err
}

// TaskPage is a page of the task list (TaskList): the rows after the
// cursor after ("" from the start), at most limit (0: all). Only the rows
// on the page are decided and logged. next is the cursor of the page after
// it, "" on the last page. A malformed cursor is EINVALID on the field
// "cursor".
func (s *Service) TaskPage(ctx context.Context, a Actor, after string, limit int) ([]TaskRow, string, error) {
	u := a.User
	if !u.SeesStudentData() {
		return nil, "", &casus.Error{Code: casus.EFORBIDDEN, Key: "error.forbidden"}
	}
	from, err := parseTaskCursor(after)
	if err != nil {
		return nil, "", err
	}
	var rows []TaskRow
	next := ""
	err = s.list(ctx, a, casus.ActSearch, "task list", func(l *listing) error {
		actions, err := l.tx.OwnedActions(ctx, u.ID)
		if err != nil {
			return err
		}
		slices.SortStableFunc(actions, func(x, y casus.Action) int { return taskKeyOf(x).compare(taskKeyOf(y)) })
		var ids []string
		for _, act := range actions {
			if after == "" || taskKeyOf(act).compare(from) > 0 {
				ids = append(ids, act.StudentID)
			}
		}
		facts, err := l.tx.StudentsFor(ctx, u.ID, ids)
		if err != nil {
			return err
		}
		for _, act := range actions {
			if after != "" && taskKeyOf(act).compare(from) <= 0 {
				continue
			}
			if limit > 0 && len(rows) == limit {
				next = taskKeyOf(rows[len(rows)-1].Action).String()
				break
			}
			f, ok := facts[act.StudentID]
			if !ok {
				return casus.ErrNotFound
			}
			shown, err := l.row(f.Student, casus.CanUpdateAction(u, act, f.Rel), "action", act.ID, true)
			if err != nil {
				return err
			}
			if shown == rowHidden {
				continue
			}
			if shown == rowAnonymous {
				act.StudentName = ""
			}
			rows = append(rows, TaskRow{Action: act, Anonymous: shown == rowAnonymous, Overdue: act.Overdue(s.Today())})
		}
		return nil
	})
	return rows, next, err
}

// taskKey is where an action stands in the task list: soonest due first,
// then oldest, then by id, so a cursor keeps its place when actions before
// it are done.
type taskKey struct {
	due, created int64 // Unix seconds of the due day, Unix microseconds of the creation
	id           string
}

func taskKeyOf(a casus.Action) taskKey {
	return taskKey{due: a.DueOn.Unix(), created: a.CreatedAt.UnixMicro(), id: a.ID}
}

func (k taskKey) compare(o taskKey) int {
	switch {
	case k.due != o.due:
		return cmp.Compare(k.due, o.due)
	case k.created != o.created:
		return cmp.Compare(k.created, o.created)
	}
	return strings.Compare(k.id, o.id)
}

// String is the cursor: the due day's and the creation's numbers and the id.
func (k taskKey) String() string {
	return strconv.FormatInt(k.due, 10) + "." + strconv.FormatInt(k.created, 10) + "." + k.id
}

func parseTaskCursor(c string) (taskKey, error) {
	if c == "" {
		return taskKey{}, nil
	}
	bad := casus.FieldError("cursor", "api.error.cursor", nil)
	parts := strings.Split(c, ".")
	if len(parts) != 3 || !casus.ValidID(parts[2]) {
		return taskKey{}, bad
	}
	due, err1 := strconv.ParseInt(parts[0], 10, 64)
	created, err2 := strconv.ParseInt(parts[1], 10, 64)
	if err1 != nil || err2 != nil {
		return taskKey{}, bad
	}
	return taskKey{due: due, created: created, id: parts[2]}, nil
}

// TeamTaskList lists the actions still to be done of the open cases of the
// teams the actor chairs, soonest due first; overdueOnly keeps those past
// their day. One statement; every row is decided by the policy and logged
// ("team task list").
func (s *Service) TeamTaskList(ctx context.Context, a Actor, overdueOnly bool) ([]TaskRow, error) {
	u := a.User
	if !u.SeesStudentData() {
		return nil, &casus.Error{Code: casus.EFORBIDDEN, Key: "error.forbidden"}
	}
	today := s.today(a)
	var before time.Time
	if overdueOnly {
		before = today
	}
	var rows []TaskRow
	err := s.list(ctx, a, casus.ActSearch, "team task list", func(l *listing) error {
		actions, err := l.tx.ChairedTeamActions(ctx, u.ID, before)
		if err != nil {
			return err
		}
		for _, x := range actions {
			act := x.Action
			st := casus.Student{ID: act.StudentID}
			shown, err := l.row(st, casus.CanUpdateAction(u, act, x.Relations), "action", act.ID, true)
			if err != nil {
				return err
			}
			if shown == rowHidden {
				continue
			}
			if shown == rowAnonymous {
				act.StudentName = ""
			}
			rows = append(rows, TaskRow{Action: act, Anonymous: shown == rowAnonymous, Overdue: act.Overdue(today)})
		}
		return nil
	})
	return rows, err
}

// ActionProgress is a report on an action: its new status and a note,
// against the version the owner saw.
type ActionProgress struct {
	ActionID string
	Status   casus.ActionStatus
	Note     string
	Version  int
}

// UpdateAction reports progress on an action, by its owner or the
// coordinator (casus.CanUpdateAction); the report shows nothing of who the
// student is, so a partner without consent may make it. errs are the
// errors the door found parsing the form.
func (s *Service) UpdateAction(ctx context.Context, a Actor, in ActionProgress, errs casus.ValidationErrors) error {
	var act casus.Action
	req := studentReq{action: casus.ActChange, purpose: "action update", objectKind: "action", objectID: in.ActionID, anonymousOK: true,
		studentOf: func(tx *storage.Tx) (string, error) {
			var err error
			act, err = tx.Action(ctx, in.ActionID)
			return act.StudentID, err
		}}
	return s.student(ctx, a, req, func(c *Student) (casus.Access, error) {
		acc := casus.CanUpdateAction(c.u, act, c.rel)
		if !acc.Allowed {
			return acc, nil
		}
		if errs != nil {
			return acc, errs.Err()
		}
		return acc, c.tx.UpdateAction(c.ctx, &act, in.Version, in.Status, in.Note, c.u.ID)
	})
}

// notifyAction tells the owner of a new action that it is theirs; the task
// list shows it.
func notifyAction(c *Student, act casus.Action) error {
	team, err := caseTeam(c.ctx, c.tx, act.CaseID)
	if err != nil {
		return err
	}
	return notify(c.ctx, c.tx, c.u, casus.MsgActionAssigned, team, "/tasks", act.OwnerID)
}
