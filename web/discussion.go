package web

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"casus"
	"casus/storage"
)

// discussionPage is the record of one case discussion at an agenda item,
// in the phases of SPEC §5, with the plan's actions; for a follow-up also
// the plan it evaluates.
type discussionPage struct {
	Meeting   casus.Meeting
	Team      casus.CareTeam
	Item      casus.AgendaItem
	Student   casus.Student
	Record    casus.Discussion // zero Version: nothing recorded yet
	CanWrite  bool             // chair or minute taker, while the minutes are not final
	Final     bool
	Members   []casus.User // who can be at the table: the team and the item's invitees
	Goals     []int        // the goal slots of the form, numbered from 1
	Arrange   []casus.Arrangement
	Levels    []casus.Level
	VIRs      []casus.VIRDecision
	Actions   []casus.Action
	Owners    []casus.User // who can own an action of this plan
	Previous  *casus.Discussion
	PrevActs  []casus.Action
	Conflict  *discussionConflict
	Names     map[string]string // user id → name, for the read-only record
	ActionErr bool              // the action form below failed: its fields carry the messages
}

// discussionConflict tells an author whose save was refused what someone
// else saved meanwhile: who, when, and the fields that changed, with their
// value now. The author's own input stays in the form.
type discussionConflict struct {
	By      string
	At      time.Time
	Changed []changedField
}

type changedField struct {
	Field string // json name of the record field, also the label key's suffix
	Now   string
}

// Limits of the record's fields.
const (
	discussionTextMax = 4000
	goalTextMax       = 500
	maxGoals          = 8
	minutesSpentMax   = 600
)

// discussionFields are the free-text fields of the record in form order,
// with the json name each maps to.
var discussionFields = []string{"guests", "question", "partner_input", "hindering", "protective", "balance", "problem_owner",
	"needs_education", "needs_parenting", "needs_support", "contact_person", "feedback_by", "inform_referrer", "vir_by",
	"vir_reason", "evaluation"}

func textField(r *casus.DiscussionRecord, name string) *string {
	switch name {
	case "guests":
		return &r.Guests
	case "question":
		return &r.Question
	case "partner_input":
		return &r.PartnerInput
	case "hindering":
		return &r.Hindering
	case "protective":
		return &r.Protective
	case "balance":
		return &r.Balance
	case "problem_owner":
		return &r.ProblemOwner
	case "needs_education":
		return &r.NeedsEducation
	case "needs_parenting":
		return &r.NeedsParenting
	case "needs_support":
		return &r.NeedsSupport
	case "contact_person":
		return &r.ContactPerson
	case "feedback_by":
		return &r.FeedbackBy
	case "inform_referrer":
		return &r.InformReferrer
	case "vir_by":
		return &r.VIRBy
	case "vir_reason":
		return &r.VIRReason
	case "evaluation":
		return &r.Evaluation
	}
	return nil
}

// discCtx is what every discussion handler has loaded: the meeting, the
// item and the team's members.
type discCtx struct {
	meeting casus.Meeting
	item    casus.AgendaItem
	members []casus.TeamMember
	final   bool
}

// discussionTx runs fn for the agenda item of the path in the frame of
// studentTx: the item's student, the user's relations, one access-log
// entry. Only members of the meeting's team who may see the student named
// get further; fn decides the rest.
func (s *Server) discussionTx(w http.ResponseWriter, r *http.Request, action casus.AccessAction, purpose string,
	fn func(c *careCtx, d *discCtx) (casus.Access, error)) bool {
	var d discCtx
	meetingID, itemID := r.PathValue("id"), r.PathValue("item")
	return s.studentTx(w, r, action, purpose, "agenda_item", itemID, false, func(tx *storage.Tx) (string, error) {
		if !casus.ValidID(meetingID) {
			return "", casus.ErrNotFound
		}
		var err error
		if d.meeting, err = tx.Meeting(r.Context(), meetingID); err != nil {
			return "", err
		}
		items, err := tx.Agenda(r.Context(), meetingID)
		if err != nil {
			return "", err
		}
		i := slices.IndexFunc(items, func(it casus.AgendaItem) bool { return it.ID == itemID })
		if i < 0 {
			return "", casus.ErrNotFound
		}
		d.item = items[i]
		if d.members, err = tx.TeamMembers(r.Context(), d.meeting.TeamID); err != nil {
			return "", err
		}
		final, err := tx.MinutesFinal(r.Context(), meetingID)
		d.final = !final.IsZero()
		return d.item.StudentID, err
	}, func(c *careCtx) (casus.Access, error) {
		a := casus.CanReadDiscussion(c.u, c.rel, d.members)
		if !a.Allowed {
			return a, nil
		}
		return fn(c, &d)
	})
}

// handleDiscussion shows the record of the discussion at an agenda item:
// the form for the chair and the minute taker, the record for the others.
func (s *Server) handleDiscussion(w http.ResponseWriter, r *http.Request) {
	var page discussionPage
	var f *form
	ok := s.discussionTx(w, r, casus.ActRead, "discussion", func(c *careCtx, d *discCtx) (casus.Access, error) {
		a := casus.CanReadDiscussion(c.u, c.rel, d.members)
		if err := s.loadDiscussion(c, d, &page); err != nil {
			return a, err
		}
		f = recordForm(page.Record)
		return a, nil
	})
	if ok {
		s.renderDiscussion(w, r, http.StatusOK, page, f, r.URL.Query().Get("saved"))
	}
}

func (s *Server) renderDiscussion(w http.ResponseWriter, r *http.Request, status int, page discussionPage, f *form, saved string) {
	v := s.newView(r, "discussion.page_title", page)
	v.Form = f
	switch saved {
	case "record":
		v.Notice = "discussion.saved"
	case "action":
		v.Notice = "action.saved"
	}
	if status == http.StatusBadRequest {
		v.Error = "error.invalid_form"
	}
	s.render(w, r, status, "discussion", v)
}

// loadDiscussion fills the page for the item.
func (s *Server) loadDiscussion(c *careCtx, d *discCtx, page *discussionPage) error {
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
	n := max(len(page.Record.Record.Goals)+1, 2)
	for i := range min(n, maxGoals) {
		page.Goals = append(page.Goals, i+1)
	}
	page.Arrange, page.Levels, page.VIRs = casus.ArrangementsFor(c.st.Sector), casus.Levels, casus.VIRDecisions
	if page.Owners, err = tx.ActionOwnerCandidates(ctx, c.st.ID); err != nil {
		return err
	}
	for _, o := range page.Owners {
		page.Names[o.ID] = o.Name
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

// recordForm fills the form with a stored record.
func recordForm(d casus.Discussion) *form {
	v := url.Values{"version": {strconv.Itoa(d.Version)}}
	rec := d.Record
	for _, name := range discussionFields {
		v.Set(name, *textField(&rec, name))
	}
	v["attendees"] = rec.Attendees
	v.Set("severity", string(rec.Severity))
	v.Set("urgency", string(rec.Urgency))
	v.Set("arrangement", string(rec.Arrangement))
	v.Set("coordinator", rec.CoordinatorID)
	v.Set("vir", string(rec.VIR))
	if rec.MinutesSpent > 0 {
		v.Set("minutes_spent", strconv.Itoa(rec.MinutesSpent))
	}
	if !rec.EvaluateOn.IsZero() {
		v.Set("evaluate_on", rec.EvaluateOn.Format(time.DateOnly))
	}
	for i, g := range rec.Goals {
		p := "goal_" + strconv.Itoa(i+1)
		v.Set(p+"_id", g.ID)
		v.Set(p, g.Description)
		v.Set(p+"_criterion", g.Criterion)
		v.Set(p+"_due", g.DueOn.Format(time.DateOnly))
	}
	return &form{Values: v}
}

// handleDiscussionSave stores the record as its next version. A goal
// without a measurable criterion or a date is refused beside the goal.
// When someone saved since the author opened the record, nothing is
// stored: the page shows what changed, keeps the author's input and lets
// them save again on top of the new version.
func (s *Server) handleDiscussionSave(w http.ResponseWriter, r *http.Request) {
	f, err := parseForm(w, r)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	var page discussionPage
	status := http.StatusSeeOther
	ok := s.discussionTx(w, r, casus.ActChange, "discussion: save", func(c *careCtx, d *discCtx) (casus.Access, error) {
		a := casus.CanReadDiscussion(c.u, c.rel, d.members)
		if !casus.CanWriteDiscussion(c.u, d.members) {
			return a, &casus.Error{Code: casus.EFORBIDDEN, Key: "discussion.not_writer"}
		}
		if d.final {
			return a, storage.ErrMinutesFinal
		}
		// Two saves at once: the second waits here, then finds the first
		// one's version and gets the conflict page.
		if err := c.tx.LockStudent(c.ctx, c.st.ID); err != nil {
			return a, err
		}
		if err := s.loadDiscussion(c, d, &page); err != nil {
			return a, err
		}
		base := wholeNumberOr(f, "version", 0, 1<<30)
		rec := s.parseRecord(f, page, d.meeting)
		if f.Errs != nil {
			status = http.StatusBadRequest
			c.e.Action, c.e.Purpose = casus.ActRead, "discussion: save (refused)"
			return a, nil
		}
		disc := casus.Discussion{ID: page.Record.ID, ItemID: d.item.ID, MeetingID: d.meeting.ID, CaseID: d.item.CaseID,
			StudentID: c.st.ID, SavedBy: c.u.ID, Record: rec}
		if base != page.Record.Version {
			status = http.StatusConflict
			c.e.Action, c.e.Purpose = casus.ActRead, "discussion: save (stale)"
			page.Conflict, err = s.conflict(c, page, base)
			f.Values.Set("version", strconv.Itoa(page.Record.Version))
			return a, err
		}
		c.e.ObjectKind, c.e.ObjectID = "discussion", page.Record.ID
		return a, c.tx.SaveDiscussion(c.ctx, &disc, base)
	})
	if !ok {
		return
	}
	if status != http.StatusSeeOther {
		s.renderDiscussion(w, r, status, page, f, "")
		return
	}
	http.Redirect(w, r, "/meetings/"+r.PathValue("id")+"/items/"+r.PathValue("item")+"?saved=record", http.StatusSeeOther)
}

// conflict compares the version the author started from with the stored one.
func (s *Server) conflict(c *careCtx, page discussionPage, base int) (*discussionConflict, error) {
	cur := page.Record
	var was casus.DiscussionRecord
	if base > 0 && base < cur.Version {
		var err error
		if was, err = c.tx.DiscussionVersion(c.ctx, cur.ID, base); err != nil && casus.ErrorCode(err) != casus.ENOTFOUND {
			return nil, err
		}
	}
	cf := &discussionConflict{By: cur.SavedByName, At: cur.SavedAt}
	for _, name := range casus.ChangedFields(was, cur.Record) {
		cf.Changed = append(cf.Changed, changedField{Field: name, Now: recordText(cur.Record, name, page.Names)})
	}
	return cf, nil
}

// recordText renders one field of a record as text, for the conflict notice.
func recordText(rec casus.DiscussionRecord, field string, names map[string]string) string {
	if p := textField(&rec, field); p != nil {
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

// parseRecord reads and checks the record's fields; errors land in f.
func (s *Server) parseRecord(f *form, page discussionPage, m casus.Meeting) casus.DiscussionRecord {
	var rec casus.DiscussionRecord
	for _, name := range discussionFields {
		*textField(&rec, name) = f.paragraphs(name, textRule{max: discussionTextMax})
	}
	memberIDs := idsOf(page.Members, userID)
	for _, id := range f.Values["attendees"] {
		if !slices.Contains(memberIDs, id) {
			f.fail("attendees", "error.choice", nil)
			break
		}
		if !slices.Contains(rec.Attendees, id) {
			rec.Attendees = append(rec.Attendees, id)
		}
	}
	levels := make([]string, len(casus.Levels))
	for i, l := range casus.Levels {
		levels[i] = string(l)
	}
	rec.Severity = casus.Level(f.choice("severity", false, levels...))
	rec.Urgency = casus.Level(f.choice("urgency", false, levels...))
	arr := make([]string, len(page.Arrange))
	for i, a := range page.Arrange {
		arr[i] = string(a)
	}
	rec.Arrangement = casus.Arrangement(f.choice("arrangement", false, arr...))
	rec.CoordinatorID = f.choice("coordinator", false, memberIDs...)
	rec.VIR = casus.VIRDecision(f.choice("vir", false, string(casus.VIRNoReport), string(casus.VIRReport)))
	if rec.VIR == casus.VIRReport && rec.VIRBy == "" && f.Error("vir_by") == nil {
		f.fail("vir_by", "discussion.vir_by_missing", nil)
	}
	if rec.VIR != "" && rec.VIRReason == "" && f.Error("vir_reason") == nil {
		f.fail("vir_reason", "discussion.vir_reason_missing", nil)
	}
	if f.Value("minutes_spent") != "" {
		rec.MinutesSpent = wholeNumber(f, "minutes_spent", 0, minutesSpentMax)
	}
	meetingDay := casus.CareDay(m.StartsAt)
	rec.EvaluateOn = f.day("evaluate_on", false, meetingDay, "discussion.evaluate_past")
	rec.Goals = parseGoals(f, page, meetingDay)
	return rec
}

// parseGoals reads the goal slots. A goal is written SMARTI: with a
// description, a measurable criterion and a day by which it is reached.
// A goal that actions serve cannot be removed.
func parseGoals(f *form, page discussionPage, meetingDay time.Time) []casus.Goal {
	var goals []casus.Goal
	known := map[string]bool{}
	for _, g := range page.Record.Record.Goals {
		known[g.ID] = true
	}
	kept := map[string]bool{}
	for i := 1; i <= maxGoals; i++ {
		p := "goal_" + strconv.Itoa(i)
		id := f.Value(p + "_id")
		if id != "" && !known[id] {
			f.fail(p, "error.choice", nil)
			continue
		}
		g := casus.Goal{ID: id, Description: f.paragraphs(p, textRule{max: goalTextMax}),
			Criterion: f.paragraphs(p+"_criterion", textRule{max: goalTextMax})}
		g.DueOn = f.day(p+"_due", false, meetingDay, "discussion.goal_due_past")
		if g.Description == "" {
			if g.Criterion != "" || !g.DueOn.IsZero() {
				f.fail(p, "discussion.goal_description_missing", nil)
			}
			continue
		}
		if g.Criterion == "" {
			f.fail(p+"_criterion", "discussion.goal_criterion_missing", nil)
		}
		if g.DueOn.IsZero() && f.Error(p+"_due") == nil {
			f.fail(p+"_due", "discussion.goal_due_missing", nil)
		}
		kept[id] = true
		goals = append(goals, g)
	}
	for _, a := range page.Actions {
		if a.GoalID != "" && !kept[a.GoalID] {
			f.fail("goals", "discussion.goal_has_actions", nil)
			break
		}
	}
	return goals
}

// wholeNumberOr reads an optional whole number; a malformed one counts as def.
func wholeNumberOr(f *form, name string, def, max int) int {
	n, err := strconv.Atoi(f.Value(name))
	if err != nil || n < 0 || n > max {
		return def
	}
	return n
}

// handleDiscussionAction agrees an action of the plan: an owner, what, by
// when, and the goal it serves.
func (s *Server) handleDiscussionAction(w http.ResponseWriter, r *http.Request) {
	f, err := parseForm(w, r)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	var page discussionPage
	invalid := false
	ok := s.discussionTx(w, r, casus.ActCreate, "discussion: action", func(c *careCtx, d *discCtx) (casus.Access, error) {
		a := casus.CanReadDiscussion(c.u, c.rel, d.members)
		if !casus.CanWriteDiscussion(c.u, d.members) {
			return a, &casus.Error{Code: casus.EFORBIDDEN, Key: "discussion.not_writer"}
		}
		if err := s.loadDiscussion(c, d, &page); err != nil {
			return a, err
		}
		if page.Record.Version == 0 {
			return a, &casus.Error{Code: casus.ECONFLICT, Key: "discussion.save_first"}
		}
		goalIDs := make([]string, len(page.Record.Record.Goals))
		for i, g := range page.Record.Record.Goals {
			goalIDs[i] = g.ID
		}
		act := casus.Action{CaseID: d.item.CaseID, StudentID: c.st.ID, CreatedBy: c.u.ID, DiscussionID: page.Record.ID,
			OwnerID:     f.choice("owner", true, idsOf(page.Owners, userID)...),
			Description: f.paragraphs("description", textRule{required: true, max: actionTextMax}),
			GoalID:      f.choice("goal", false, goalIDs...),
			DueOn:       f.day("due_on", true, s.today(), "action.due_past"),
		}
		if f.Errs != nil {
			invalid, page.ActionErr = true, true
			c.e.Action, c.e.Purpose = casus.ActRead, "discussion: action (refused)"
			return a, nil
		}
		err := c.tx.CreateAction(c.ctx, &act)
		c.e.ObjectKind, c.e.ObjectID = "action", act.ID
		return a, err
	})
	if !ok {
		return
	}
	if invalid {
		rf := recordForm(page.Record)
		for k, v := range f.Values {
			rf.Values[k] = v
		}
		rf.Errs = f.Errs
		s.renderDiscussion(w, r, http.StatusBadRequest, page, rf, "")
		return
	}
	http.Redirect(w, r, "/meetings/"+r.PathValue("id")+"/items/"+r.PathValue("item")+"?saved=action#plan-acties", http.StatusSeeOther)
}
