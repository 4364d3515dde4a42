package app

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"time"

	"casus"
	"casus/storage"
)

// DiscussionPage is the record of one case discussion at an agenda item,
// in the phases of SPEC §5, with the plan's actions; for a follow-up also
// the plan it evaluates.
type DiscussionPage struct {
	Meeting  casus.Meeting
	Team     casus.CareTeam
	Item     casus.AgendaItem
	Student  casus.Student
	Record   casus.Discussion // zero Version: nothing recorded yet
	CanWrite bool             // chair or minute taker, while the minutes are not final
	Final    bool
	Members  []casus.User // who can be at the table: the team and the item's invitees
	Arrange  []casus.Arrangement
	Levels   []casus.Level
	VIRs     []casus.VIRDecision
	Actions  []casus.Action
	Owners   []casus.User // who can own an action of this plan
	Previous *casus.Discussion
	PrevActs []casus.Action
	Crisis   *casus.Crisis // the crisis the item discusses afterwards
	Recorder string        // who recorded the crisis
	Conflict *DiscussionConflict
	Names    map[string]string // user id → name, for the read-only record
}

// DiscussionConflict tells an author whose save was refused what someone
// else saved meanwhile: who, when, and the fields that changed, with their
// value now. The author's own input stays in the form.
type DiscussionConflict struct {
	By      string
	At      time.Time
	Changed []ChangedField
}

// ChangedField is one field someone else changed.
type ChangedField struct {
	Field string // json name of the record field, also the label key's suffix
	Now   string
}

// DiscussionAt names the agenda item whose discussion a use case touches.
type DiscussionAt struct {
	MeetingID, ItemID string
}

// discussionAt is what every discussion use case has loaded: the meeting,
// the item and the team's members.
type discussionAt struct {
	meeting casus.Meeting
	item    casus.AgendaItem
	members []casus.TeamMember
	final   bool
}

// discussion runs fn for the agenda item in the student frame: the item's
// student, the actor's relations, one access-log entry. Only members of the
// meeting's team who may see the student named get further
// (casus.CanReadDiscussion); fn decides the rest.
func (s *Service) discussion(ctx context.Context, a Actor, at DiscussionAt, action casus.AccessAction, purpose string,
	fn func(c *Student, d *discussionAt, acc casus.Access) error) error {
	var d discussionAt
	req := studentReq{action: action, purpose: purpose, objectKind: "agenda_item", objectID: at.ItemID,
		studentOf: func(tx *storage.Tx) (string, error) { return d.load(ctx, tx, at) }}
	return s.student(ctx, a, req, func(c *Student) (casus.Access, error) {
		acc := casus.CanReadDiscussion(c.u, c.rel, d.members)
		if !acc.Allowed {
			return acc, nil
		}
		return acc, fn(c, &d, acc)
	})
}

// load finds the meeting, the item on its agenda and the team's members,
// and returns the item's student.
func (d *discussionAt) load(ctx context.Context, tx *storage.Tx, at DiscussionAt) (string, error) {
	if !casus.ValidID(at.MeetingID) {
		return "", casus.ErrNotFound
	}
	var err error
	if d.meeting, err = tx.Meeting(ctx, at.MeetingID); err != nil {
		return "", err
	}
	items, err := tx.Agenda(ctx, at.MeetingID)
	if err != nil {
		return "", err
	}
	i := slices.IndexFunc(items, func(it casus.AgendaItem) bool { return it.ID == at.ItemID })
	if i < 0 {
		return "", casus.ErrNotFound
	}
	d.item = items[i]
	if d.members, err = tx.TeamMembers(ctx, d.meeting.TeamID); err != nil {
		return "", err
	}
	final, err := tx.MinutesFinal(ctx, at.MeetingID)
	d.final = !final.IsZero()
	return d.item.StudentID, err
}

// Discussion shows the record of the discussion at an agenda item: the form
// for the chair and the minute taker, the record for the others.
func (s *Service) Discussion(ctx context.Context, a Actor, at DiscussionAt) (DiscussionPage, error) {
	var page DiscussionPage
	err := s.discussion(ctx, a, at, casus.ActRead, "discussion", func(c *Student, d *discussionAt, _ casus.Access) error {
		return c.discussionPage(d, &page)
	})
	return page, err
}

// discussionPage fills the page for the item.
func (c *Student) discussionPage(d *discussionAt, page *DiscussionPage) error {
	ctx, tx := c.ctx, c.tx
	page.Meeting, page.Item, page.Student, page.Final = d.meeting, d.item, c.st, d.final
	page.CanWrite = casus.CanWriteDiscussion(c.u, d.members) && !d.final
	var err error
	if page.Team, _, err = tx.Team(ctx, d.meeting.TeamID); err != nil {
		return err
	}
	rec, ok, err := tx.Discussion(ctx, d.item.ID)
	if err != nil {
		return err
	}
	if ok {
		page.Record = rec
		if page.Actions, err = tx.DiscussionActions(ctx, rec.ID); err != nil {
			return err
		}
	}
	invited, err := tx.ItemInviteeIDs(ctx, d.item.ID)
	if err != nil {
		return err
	}
	page.Names = map[string]string{}
	for _, m := range d.members {
		if m.Kind == casus.MemberFixed || slices.Contains(invited, m.User.ID) {
			page.Members = append(page.Members, m.User)
		}
		page.Names[m.User.ID] = m.User.Name
	}
	page.Arrange, page.Levels, page.VIRs = casus.ArrangementsFor(c.st.Sector), casus.Levels, casus.VIRDecisions
	if page.Owners, err = tx.ActionOwnerCandidates(ctx, c.st.ID); err != nil {
		return err
	}
	for _, o := range page.Owners {
		page.Names[o.ID] = o.Name
	}
	if d.item.Kind == casus.AgendaCrisis && d.item.SourceID != "" {
		cr, err := tx.Crisis(ctx, d.item.SourceID)
		if err != nil {
			return err
		}
		page.Crisis = &cr
		if page.Recorder = page.Names[cr.RecordedBy]; page.Recorder == "" {
			u, err := tx.User(ctx, cr.RecordedBy)
			if err != nil && casus.ErrorCode(err) != casus.ENOTFOUND {
				return err
			}
			page.Recorder = u.Name
		}
	}
	if d.item.Kind == casus.AgendaFollowUp {
		prev, ok, err := tx.PreviousDiscussion(ctx, d.item.CaseID, d.meeting.StartsAt)
		if err != nil || !ok {
			return err
		}
		page.Previous = &prev
		if page.PrevActs, err = tx.DiscussionActions(ctx, prev.ID); err != nil {
			return err
		}
	}
	return nil
}

// RecordDiscussion stores the record as its next version, on top of
// version base, the one the author opened. parse reads the record's fields
// against the page (who can attend, which arrangements, the goals so far)
// and returns the errors it found; a goal that actions serve cannot be
// removed. With errors nothing is stored, the request is logged as a read
// and the errors come back with the page. When someone saved since base,
// nothing is stored either: the page comes back with its Conflict — who,
// when, what changed — and an ECONFLICT error.
func (s *Service) RecordDiscussion(ctx context.Context, a Actor, at DiscussionAt, base int,
	parse func(page *DiscussionPage) (casus.DiscussionRecord, casus.ValidationErrors)) (DiscussionPage, error) {
	var page DiscussionPage
	var errs casus.ValidationErrors
	err := s.discussion(ctx, a, at, casus.ActChange, "discussion: save", func(c *Student, d *discussionAt, _ casus.Access) error {
		if !casus.CanWriteDiscussion(c.u, d.members) {
			return &casus.Error{Code: casus.EFORBIDDEN, Key: "discussion.not_writer"}
		}
		if d.final {
			return storage.ErrMinutesFinal
		}
		// Two saves at once: the second waits here, then finds the first
		// one's version and gets the conflict page.
		if err := c.tx.LockStudent(c.ctx, c.st.ID); err != nil {
			return err
		}
		if err := c.discussionPage(d, &page); err != nil {
			return err
		}
		var rec casus.DiscussionRecord
		rec, errs = parse(&page)
		errs = discussionGoalsKept(page, rec, errs)
		if errs != nil {
			c.e.Action, c.e.Purpose = casus.ActRead, "discussion: save (refused)"
			return nil
		}
		disc := casus.Discussion{ID: page.Record.ID, ItemID: d.item.ID, MeetingID: d.meeting.ID, CaseID: d.item.CaseID,
			StudentID: c.st.ID, SavedBy: c.u.ID, Record: rec}
		if base != page.Record.Version {
			c.e.Action, c.e.Purpose = casus.ActRead, "discussion: save (stale)"
			var err error
			page.Conflict, err = c.discussionConflict(page, base)
			return err
		}
		c.e.ObjectKind, c.e.ObjectID = "discussion", page.Record.ID
		return c.tx.SaveDiscussion(c.ctx, &disc, base)
	})
	switch {
	case err != nil:
		return page, err
	case errs != nil:
		return page, errs
	case page.Conflict != nil:
		return page, &casus.Error{Code: casus.ECONFLICT, Key: "discussion.stale"}
	}
	return page, nil
}

// discussionGoalsKept refuses a record that drops a goal the plan's
// actions serve.
func discussionGoalsKept(page DiscussionPage, rec casus.DiscussionRecord, errs casus.ValidationErrors) casus.ValidationErrors {
	for _, act := range page.Actions {
		if act.GoalID != "" && errs.Field("goals") == nil && !slices.ContainsFunc(rec.Goals, func(g casus.Goal) bool { return g.ID == act.GoalID }) {
			return append(errs, casus.FieldError("goals", "discussion.goal_has_actions", nil))
		}
	}
	return errs
}

// discussionConflict compares the version the author started from with
// the stored one.
func (c *Student) discussionConflict(page DiscussionPage, base int) (*DiscussionConflict, error) {
	cur := page.Record
	var was casus.DiscussionRecord
	if base > 0 && base < cur.Version {
		var err error
		if was, err = c.tx.DiscussionVersion(c.ctx, cur.ID, base); err != nil && casus.ErrorCode(err) != casus.ENOTFOUND {
			return nil, err
		}
	}
	cf := &DiscussionConflict{By: cur.SavedByName, At: cur.SavedAt}
	for _, name := range casus.ChangedFields(was, cur.Record) {
		cf.Changed = append(cf.Changed, ChangedField{Field: name, Now: discussionText(cur.Record, name, page.Names)})
	}
	return cf, nil
}

// discussionText renders one field of a record as text, for the conflict
// notice.
func discussionText(rec casus.DiscussionRecord, field string, names map[string]string) string {
	if p := rec.TextField(field); p != nil {
		return *p
	}
	switch field {
	case "attendees":
		var ns []string
		for _, id := range rec.Attendees {
			ns = append(ns, names[id])
		}
		return strings.Join(ns, ", ")
	case "goals":
		var gs []string
		for _, g := range rec.Goals {
			gs = append(gs, g.Description+" — "+g.Criterion+" — "+g.DueOn.Format("02-01-2006"))
		}
		return strings.Join(gs, "\n")
	case "severity":
		return string(rec.Severity)
	case "urgency":
		return string(rec.Urgency)
	case "arrangement":
		return string(rec.Arrangement)
	case "coordinator_id":
		return names[rec.CoordinatorID]
	case "vir":
		return string(rec.VIR)
	case "evaluate_on":
		if rec.EvaluateOn.IsZero() {
			return ""
		}
		return rec.EvaluateOn.Format("02-01-2006")
	case "minutes_spent":
		return strconv.Itoa(rec.MinutesSpent)
	}
	return ""
}

// AgreeDiscussionAction agrees an action of the plan: an owner, what, by
// when, and the goal it serves. The record must have been saved first.
// parse reads the action against the page (who can own it, which goals);
// with errors nothing is stored, the request is logged as a read and the
// errors come back with the page.
func (s *Service) AgreeDiscussionAction(ctx context.Context, a Actor, at DiscussionAt,
	parse func(page *DiscussionPage) (casus.Action, casus.ValidationErrors)) (DiscussionPage, error) {
	var page DiscussionPage
	var errs casus.ValidationErrors
	err := s.discussion(ctx, a, at, casus.ActCreate, "discussion: action", func(c *Student, d *discussionAt, _ casus.Access) error {
		if !casus.CanWriteDiscussion(c.u, d.members) {
			return &casus.Error{Code: casus.EFORBIDDEN, Key: "discussion.not_writer"}
		}
		if err := c.discussionPage(d, &page); err != nil {
			return err
		}
		if page.Record.Version == 0 {
			return &casus.Error{Code: casus.ECONFLICT, Key: "discussion.save_first"}
		}
		var act casus.Action
		if act, errs = parse(&page); errs != nil {
			c.e.Action, c.e.Purpose = casus.ActRead, "discussion: action (refused)"
			return nil
		}
		act.CaseID, act.StudentID, act.CreatedBy, act.DiscussionID = d.item.CaseID, c.st.ID, c.u.ID, page.Record.ID
		if err := c.tx.CreateAction(c.ctx, &act); err != nil {
			return err
		}
		c.e.ObjectKind, c.e.ObjectID = "action", act.ID
		return notifyAction(c, act)
	})
	if err == nil && errs != nil {
		return page, errs
	}
	return page, err
}
