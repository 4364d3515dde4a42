package web

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"time"

	"casus"
	"casus/app"
)

// discussionPage is the discussion page: the use case's, with the goal
// slots of the form and whether the action form below failed.
type discussionPage struct {
	app.DiscussionPage
	Goals     []int // the goal slots of the form, numbered from 1
	ActionErr bool  // the action form below failed: its fields carry the messages
}

// newDiscussionPage adds the form's goal slots to the use case's page: one
// more than the record has, at least two, at most maxGoals.
func newDiscussionPage(p app.DiscussionPage) discussionPage {
	page := discussionPage{DiscussionPage: p}
	n := max(len(p.Record.Record.Goals)+1, 2)
	for i := range min(n, maxGoals) {
		page.Goals = append(page.Goals, i+1)
	}
	return page
}

// Limits of the record's fields.
const (
	discussionTextMax = 4000
	goalTextMax       = 500
	maxGoals          = 8
	minutesSpentMax   = 600
)

// discussionFields are the free-text fields of the record in form order,
// by their json names.
var discussionFields = casus.DiscussionTextFields

func textField(r *casus.DiscussionRecord, name string) *string { return r.TextField(name) }

// discussionAt is the agenda item of the path.
func discussionAt(r *http.Request) app.DiscussionAt {
	return app.DiscussionAt{MeetingID: r.PathValue("id"), ItemID: r.PathValue("item")}
}

// handleDiscussion shows the record of the discussion at an agenda item:
// the form for the chair and the minute taker, the record for the others
// (app.Discussion).
func (s *Server) handleDiscussion(w http.ResponseWriter, r *http.Request) {
	p, err := s.app.Discussion(r.Context(), s.actor(r), discussionAt(r))
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	s.renderDiscussion(w, r, http.StatusOK, newDiscussionPage(p), recordForm(p.Record), r.URL.Query().Get("saved"))
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

// handleDiscussionSave stores the record as its next version
// (app.RecordDiscussion). A goal without a measurable criterion or a date
// is refused beside the goal. When someone saved since the author opened
// the record, nothing is stored: the page shows what changed, keeps the
// author's input and lets them save again on top of the new version.
func (s *Server) handleDiscussionSave(w http.ResponseWriter, r *http.Request) {
	f, err := parseForm(w, r)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	base := wholeNumberOr(f, "version", 0, 1<<30)
	p, err := s.app.RecordDiscussion(r.Context(), s.actor(r), discussionAt(r), base,
		func(page *app.DiscussionPage) (casus.DiscussionRecord, casus.ValidationErrors) {
			return s.parseRecord(f, *page), f.Errs
		})
	if errs, ok := validationErrors(err); ok {
		f.Errs = errs
		s.renderDiscussion(w, r, http.StatusBadRequest, newDiscussionPage(p), f, "")
		return
	}
	if casus.ErrorCode(err) == casus.ECONFLICT && p.Conflict != nil {
		f.Values.Set("version", strconv.Itoa(p.Record.Version))
		s.renderDiscussion(w, r, http.StatusConflict, newDiscussionPage(p), f, "")
		return
	}
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	http.Redirect(w, r, "/meetings/"+r.PathValue("id")+"/items/"+r.PathValue("item")+"?saved=record", http.StatusSeeOther)
}

// parseRecord reads and checks the record's fields; errors land in f.
func (s *Server) parseRecord(f *form, page app.DiscussionPage) casus.DiscussionRecord {
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
	meetingDay := casus.CareDay(page.Meeting.StartsAt)
	rec.EvaluateOn = f.day("evaluate_on", false, meetingDay, "discussion.evaluate_past")
	rec.Goals = parseGoals(f, page, meetingDay)
	return rec
}

// parseGoals reads the goal slots. A goal is written SMARTI: with a
// description, a measurable criterion and a day by which it is reached.
// That a goal that actions serve is kept is the use case's to check.
func parseGoals(f *form, page app.DiscussionPage, meetingDay time.Time) []casus.Goal {
	var goals []casus.Goal
	known := map[string]bool{}
	for _, g := range page.Record.Record.Goals {
		known[g.ID] = true
	}
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
		goals = append(goals, g)
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
// when, and the goal it serves (app.AgreeDiscussionAction).
func (s *Server) handleDiscussionAction(w http.ResponseWriter, r *http.Request) {
	f, err := parseForm(w, r)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	p, err := s.app.AgreeDiscussionAction(r.Context(), s.actor(r), discussionAt(r),
		func(page *app.DiscussionPage) (casus.Action, casus.ValidationErrors) {
			goalIDs := make([]string, len(page.Record.Record.Goals))
			for i, g := range page.Record.Record.Goals {
				goalIDs[i] = g.ID
			}
			return casus.Action{
				OwnerID:     f.choice("owner", true, idsOf(page.Owners, userID)...),
				Description: f.paragraphs("description", textRule{required: true, max: actionTextMax}),
				GoalID:      f.choice("goal", false, goalIDs...),
				DueOn:       f.day("due_on", true, s.today(), "action.due_past"),
			}, f.Errs
		})
	if errs, ok := validationErrors(err); ok {
		page := newDiscussionPage(p)
		page.ActionErr = true
		rf := recordForm(p.Record)
		for k, v := range f.Values {
			rf.Values[k] = v
		}
		rf.Errs = errs
		s.renderDiscussion(w, r, http.StatusBadRequest, page, rf, "")
		return
	}
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	http.Redirect(w, r, "/meetings/"+r.PathValue("id")+"/items/"+r.PathValue("item")+"?saved=action#plan-acties", http.StatusSeeOther)
}
