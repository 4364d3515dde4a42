package app

import (
	"context"
	"slices"

	"casus"
	"casus/storage"
)

// StudentView is a student's page as the actor's relation allows it.
type StudentView struct {
	Student   casus.Student
	Age       int
	AgeBand   string // instead of the age on an anonymous page
	Relation  casus.Relation
	View      casus.StudentView
	Guardians []casus.Guardian
	Cases     []casus.Case
	CanRefer  bool // may start a referral (aanmelding) of the student
	Care      CareSection
	Anonymous bool // a partner without consent: no name, date of birth, number or group
	Actions   ActionSection
	Advice    AdviceSection
	Agenda    []storage.ScheduledItem // coming meetings that will discuss the student
	// Schedulable are, by case id, the coming meetings of the teams the
	// actor chairs where they can put the student's open case on the agenda.
	Schedulable map[string][]casus.Meeting
	CanCrisis   bool // may record a crisis
	CanConsent  bool // may record consent for the student's cases
	// Consent is, for whoever may record it, where consent stands on each
	// open case that asks it.
	Consent      []CaseConsentLine
	CanClose     bool // may close and reopen the cases
	CloseReasons []casus.CloseReason
	Closure      StudentClosure // goals to evaluate on closing, and the cases' history
	CanReadLog   bool           // may read the student's access log and run the export
	CanRetention bool           // may see the retention date, set legal holds, erase
	CanMeldcode  bool           // may open the meldcode: the zorgcoördinator and the people named
	History      StudentHistory // the referrals, discussions and aftercare, for the coordinator and the care contact
}

// StudentHistory is the student page's way back to what happened: each
// referral, discussion and aftercare of the student, linked where the
// reader may open it (casus.CanReadReferral, casus.CanReadDiscussion,
// casus.CanAnswerAftercare) and named without a link where not. Only the
// coordinator and the care contact see it (casus.CanReadCaseHistory).
type StudentHistory struct {
	Shown       bool
	Referrals   []HistoryReferral
	Discussions []HistoryDiscussion
	Aftercare   []HistoryAftercare
}

// HistoryReferral is a referral of the student; Link: the reader may open it.
type HistoryReferral struct {
	casus.Referral
	Link bool
}

// HistoryDiscussion is a meeting that discussed the student; Link: the
// reader may read its record.
type HistoryDiscussion struct {
	storage.HistoryDiscussion
	Link bool
}

// HistoryAftercare is the aftercare of a case; Link: the reader may open it.
type HistoryAftercare struct {
	casus.Aftercare
	Link bool
}

// StudentClosure is the student page's part about closing: the goals of
// each open case's latest plan for whoever may close it, and each case's
// history of closings and reopenings with the goals' outcomes.
type StudentClosure struct {
	Goals   map[string][]StudentCloseGoal  // by case id, for the close form
	History map[string][]casus.CaseClosure // by case id
	Results []casus.GoalResult
	// Actions are, by case id, the actions still to be done that closing
	// the case must carry over or end; Ends the choices, Transfer the
	// default one (carry over when the student has an open ZAT case).
	Actions  map[string][]StudentCloseAction
	Ends     []casus.ActionEnd
	Transfer bool
}

// StudentCloseAction is an open action of the close form with its number
// on the form.
type StudentCloseAction struct {
	N int
	casus.Action
}

// StudentCloseGoal is a goal of the close form with its number in the plan.
type StudentCloseGoal struct {
	N int
	casus.Goal
}

// ViewStudent shows a student's page with what the actor's relation
// allows. A denied request, a malformed id and an unknown student all
// return casus.ErrNotFound. The request is logged, as read of the page
// ("student page", or "student page (anonymous)" for a partner without
// consent), before the page's data is read, in the same transaction.
func (s *Service) ViewStudent(ctx context.Context, a Actor, id string) (StudentView, error) {
	u := a.User
	var page StudentView
	allowed := false
	err := s.db.Update(ctx, func(tx *storage.Tx) error {
		e := s.entry(a, casus.ActRead, "student page")
		e.ObjectKind, e.ObjectID = "student", truncate(id, 64)
		if !casus.ValidID(id) {
			return logAccess(ctx, tx, e, casus.Access{})
		}
		st, rel, err := tx.StudentFor(ctx, u.ID, id)
		if err != nil && casus.ErrorCode(err) != casus.ENOTFOUND {
			return err
		}
		if rel.Exists {
			e.StudentID = st.ID
		}
		acc := casus.CanViewStudent(u, rel)
		named := true
		if acc.Allowed {
			g, err := identityGrounds(ctx, tx, u, acc.Relation, st)
			if err != nil {
				return err
			}
			setGrounds(e, g)
			if named = g.Basis != casus.BasisAnonymous; !named {
				e.Purpose = "student page (anonymous)"
			}
		}
		if err := logAccess(ctx, tx, e, acc); err != nil || !acc.Allowed {
			return err
		}
		allowed = true
		c := &Student{ctx: ctx, tx: tx, actor: a, u: u, st: st, rel: rel, e: e}
		page, err = s.studentView(c, acc, named)
		return err
	})
	if err == nil && !allowed {
		return page, casus.ErrNotFound
	}
	return page, err
}

// studentView reads the page of a student the actor may see; named says
// whether they may know who it is.
func (s *Service) studentView(c *Student, acc casus.Access, named bool) (StudentView, error) {
	u, st, rel, tx, ctx := c.u, c.st, c.rel, c.tx, c.ctx
	page := StudentView{Student: st, Age: st.AgeOn(tx.Now()), Relation: acc.Relation, View: casus.ViewFor(acc.Relation),
		Anonymous: !named}
	if page.Anonymous {
		// What a partner without consent may know: the case, not the person.
		page.Student = casus.Student{ID: st.ID, SchoolID: st.SchoolID, SchoolName: st.SchoolName, Sector: st.Sector, Level: st.Level}
		page.Age, page.AgeBand = 0, st.AgeBand(tx.Now())
		page.View = casus.StudentView{Cases: page.View.Cases}
	}
	page.CanRefer = casus.CanCreateReferral(u, rel).Allowed
	var err error
	if page.View.Guardians {
		if page.Guardians, err = tx.Guardians(ctx, st.ID); err != nil {
			return page, err
		}
	}
	if page.View.Cases {
		if page.Cases, err = tx.Cases(ctx, st.ID); err != nil {
			return page, err
		}
	}
	if page.View.Agenda {
		if page.Agenda, err = tx.StudentAgenda(ctx, st.ID, tx.Now()); err != nil {
			return page, err
		}
		if !page.Anonymous {
			if page.Schedulable, err = tx.ChairMeetingsAhead(ctx, u.ID, st.ID, tx.Now(), schedulableMeetings); err != nil {
				return page, err
			}
		}
	}
	page.CanCrisis = casus.CanRecordCrisis(u, rel).Allowed
	page.CanConsent = casus.CanManageConsent(u, rel).Allowed
	page.CanClose, page.CloseReasons = casus.CanCloseCase(u, rel).Allowed, casus.CloseReasons
	page.CanReadLog = casus.CanReadAccessLog(u, rel, st.SchoolID).Allowed && !page.Anonymous
	page.CanRetention = casus.CanManageRetention(u, rel).Allowed
	inMeldcode, err := tx.MeldcodeNamed(ctx, st.ID, u.ID)
	if page.CanMeldcode = casus.CanViewMeldcode(u, rel, inMeldcode).Allowed; err != nil {
		return page, err
	}
	if page.Anonymous {
		return page, nil // the care file would tell who it is
	}
	today := s.Today()
	if page.View.Cases {
		if page.Actions, err = c.actionSection(today, page.Cases); err != nil {
			return page, err
		}
	}
	if page.Closure, err = c.studentClosure(page.Cases, page.Actions.Actions); err != nil {
		return page, err
	}
	if page.CanConsent && page.View.Cases {
		if page.Consent, err = c.consentSection(page.Cases); err != nil {
			return page, err
		}
	}
	if page.Advice, err = c.adviceSection(page.Cases); err != nil {
		return page, err
	}
	if page.History, err = c.studentHistory(); err != nil {
		return page, err
	}
	page.Care, err = c.careSection(today)
	return page, err
}

// studentHistory reads the history for whoever may read the case history,
// each line decided by the policy that guards the page it links to.
func (c *Student) studentHistory() (StudentHistory, error) {
	var sec StudentHistory
	if !casus.CanReadCaseHistory(c.u, c.rel).Allowed {
		return sec, nil
	}
	h, err := c.tx.StudentHistory(c.ctx, c.u.ID, c.st.ID)
	if err != nil {
		return sec, err
	}
	sec.Shown = true
	for i, r := range h.Referrals {
		link := casus.CanReadReferral(c.u, h.ReferralFacts[i]).Allowed
		if r.State == casus.RefDraft && !link {
			continue // someone else's draft is not yet part of the history
		}
		sec.Referrals = append(sec.Referrals, HistoryReferral{Referral: r, Link: link})
	}
	view := casus.CanViewStudent(c.u, c.rel).Allowed
	for _, d := range h.Discussions {
		sec.Discussions = append(sec.Discussions, HistoryDiscussion{HistoryDiscussion: d, Link: d.Member && view})
	}
	answer := casus.CanAnswerAftercare(c.u, c.rel).Allowed
	for _, a := range h.Aftercare {
		sec.Aftercare = append(sec.Aftercare, HistoryAftercare{Aftercare: a, Link: answer})
	}
	return sec, nil
}

// schedulableMeetings is how many coming meetings the student page offers
// to put a case on.
const schedulableMeetings = 6

// studentClosure loads the goals for whoever may close the cases and the
// history for whoever may read it.
func (c *Student) studentClosure(cases []casus.Case, actions []casus.Action) (StudentClosure, error) {
	sec := StudentClosure{Results: casus.GoalResults, Ends: casus.ActionEnds}
	canClose := casus.CanCloseCase(c.u, c.rel).Allowed
	if canClose {
		for _, a := range actions {
			if a.Status.Active() {
				if sec.Actions == nil {
					sec.Actions = map[string][]StudentCloseAction{}
				}
				sec.Actions[a.CaseID] = append(sec.Actions[a.CaseID], StudentCloseAction{N: len(sec.Actions[a.CaseID]) + 1, Action: a})
			}
		}
		sec.Transfer = slices.ContainsFunc(cases, func(cs casus.Case) bool {
			return cs.TeamKind == casus.TeamZAT && cs.Status == casus.CaseOpen
		})
	}
	history := casus.CanReadCaseHistory(c.u, c.rel).Allowed
	for _, cs := range cases {
		if canClose && cs.Status == casus.CaseOpen {
			plan, ok, err := c.tx.LatestPlan(c.ctx, cs.ID)
			if err != nil {
				return sec, err
			}
			if ok {
				if sec.Goals == nil {
					sec.Goals = map[string][]StudentCloseGoal{}
				}
				for i, g := range plan.Record.Goals {
					sec.Goals[cs.ID] = append(sec.Goals[cs.ID], StudentCloseGoal{N: i + 1, Goal: g})
				}
			}
		}
		if history {
			h, err := c.tx.CaseClosures(c.ctx, cs.ID)
			if err != nil {
				return sec, err
			}
			if len(h) > 0 {
				if sec.History == nil {
					sec.History = map[string][]casus.CaseClosure{}
				}
				sec.History[cs.ID] = h
			}
		}
	}
	return sec, nil
}

// ListedStudent is a row of the student list; an anonymous one shows no
// name, number or group. OpenCases, TeamName, Step and Overdue are the
// list's columns about the student's care.
type ListedStudent struct {
	casus.Student
	Anonymous bool
	OpenCases int
	TeamName  string
	Step      casus.RouteStep
	Overdue   bool
}

// StudentPageSize is how many students one page of the list shows.
const StudentPageSize = 50

// StudentQuery is what the student list is asked: a name or number to
// search, filters, the order and the page's cursor (a student's id, never
// a name).
type StudentQuery struct {
	Query     string
	TeamID    string
	Step      casus.RouteStep
	CaseState string // "", "open" or "none"
	Overdue   bool
	Desc      bool
	After     string
	Before    string
	Limit     int // StudentPageSize when 0
}

// StudentList is a page of the student list: its rows, the count of all
// students that match, and the cursors of the pages before and after
// ("" when there is none).
type StudentList struct {
	Rows       []ListedStudent
	Total      int
	Prev, Next string
	Teams      []casus.CareTeam // the teams to filter on
}

// StepOption is a care-route step to filter on, with the sector whose
// route names it.
type StepOption struct {
	Step   casus.RouteStep
	Sector casus.Sector
}

// StudentSteps are the steps the student list filters on: the mbo route's
// (vo shares its codes), then the primary route's own, each once.
func StudentSteps() []StepOption {
	var out []StepOption
	seen := map[casus.RouteStep]bool{}
	for _, sec := range []casus.Sector{casus.SectorMBO, casus.SectorPO} {
		for _, st := range casus.RouteFor(sec).Steps {
			if !seen[st] {
				seen[st] = true
				out = append(out, StepOption{Step: st, Sector: sec})
			}
		}
	}
	return out
}

// listTeams are the teams the actor's student list can filter on: those
// serving their school, or for a partner those they are a member of.
func listTeams(ctx context.Context, tx *storage.Tx, u casus.User) ([]casus.CareTeam, error) {
	if u.SchoolID != "" {
		return tx.TeamsServing(ctx, u.SchoolID)
	}
	ids, err := tx.MemberTeams(ctx, u.ID)
	if err != nil || len(ids) == 0 {
		return nil, err
	}
	all, err := tx.Teams(ctx)
	return slices.DeleteFunc(all, func(t casus.CareTeam) bool { return !slices.Contains(ids, t.ID) }), err
}

// StudentList lists a page of the students the actor may open (the policy's
// relations, casus.ViewingRelations), those whose name matches the query
// when it is not empty, narrowed by the filters, with the count of all
// matches. Every student listed is logged as a search hit; a name search
// leaves out anonymous rows, which would confirm who an anonymous case is,
// and anonymous rows come last on their page.
func (s *Service) StudentList(ctx context.Context, a Actor, q StudentQuery) (StudentList, error) {
	u := a.User
	var out StudentList
	if !u.SeesStudentData() {
		return out, &casus.Error{Code: casus.EFORBIDDEN, Key: "error.forbidden"}
	}
	if q.After != "" && !casus.ValidID(q.After) || q.Before != "" && !casus.ValidID(q.Before) ||
		q.TeamID != "" && !casus.ValidID(q.TeamID) {
		return out, casus.ErrNotFound
	}
	if q.Limit <= 0 {
		q.Limit = StudentPageSize
	}
	today := s.today(a)
	err := s.list(ctx, a, casus.ActSearch, "student list", func(l *listing) error {
		page, err := l.tx.StudentPage(ctx, storage.StudentFilter{UserID: u.ID, Grant: casus.ViewingRelations(u), Query: q.Query,
			TeamID: q.TeamID, Step: q.Step, CaseState: q.CaseState, Overdue: q.Overdue, Today: today, Desc: q.Desc,
			After: q.After, Before: q.Before, Limit: q.Limit})
		if err != nil {
			return err
		}
		out.Total = page.Total
		if out.Teams, err = listTeams(ctx, l.tx, u); err != nil {
			return err
		}
		for _, r := range page.Rows {
			st := r.Student
			// A name search must not confirm who an anonymous case is.
			shown, err := l.row(st, casus.CanViewStudent(u, r.Relations), "student", st.ID, q.Query == "")
			if err != nil {
				return err
			}
			row := ListedStudent{Student: st, OpenCases: r.OpenCases, TeamName: r.TeamName, Step: r.Step, Overdue: r.Overdue}
			switch shown {
			case rowNamed:
				out.Rows = append(out.Rows, row)
			case rowAnonymous:
				row.Anonymous = true
				row.Student = casus.Student{ID: st.ID, SchoolName: st.SchoolName, Sector: st.Sector, Level: st.Level}
				out.Rows = append(out.Rows, row)
			}
		}
		if n := len(page.Rows); n > 0 {
			first, last := page.Rows[0].Student.ID, page.Rows[n-1].Student.ID
			if q.Before != "" {
				out.Next = last
				if page.More {
					out.Prev = first
				}
			} else {
				if page.More {
					out.Next = last
				}
				if q.After != "" {
					out.Prev = first
				}
			}
		}
		return nil
	})
	// Anonymous rows last: among named rows sorted by surname, their place
	// would hint at the name.
	slices.SortStableFunc(out.Rows, func(a, b ListedStudent) int {
		switch {
		case a.Anonymous == b.Anonymous:
			return 0
		case a.Anonymous:
			return 1
		}
		return -1
	})
	return out, err
}

// CaseConsentLine is where consent stands on one open case that asks it
// (casus.AsksConsent), for the student's page.
type CaseConsentLine struct {
	Case     casus.Case
	Rule     casus.ConsentRule
	Standing casus.ConsentStanding
	// Assent is a child's own word below the sector's band: recorded as
	// instemming, never as consent.
	Assent *casus.Consent
}

// consentSection sums up the consent of the student's open cases that ask
// it, in a constant number of statements.
func (c *Student) consentSection(cases []casus.Case) ([]CaseConsentLine, error) {
	var asking []casus.Case
	for _, cs := range cases {
		if cs.Status == casus.CaseOpen && casus.AsksConsent(cs, c.st.Sector) {
			asking = append(asking, cs)
		}
	}
	if len(asking) == 0 {
		return nil, nil
	}
	consents, err := c.tx.ConsentsOfStudent(c.ctx, c.st.ID)
	if err != nil {
		return nil, err
	}
	excs, err := c.tx.ConsentExceptionsOfStudent(c.ctx, c.st.ID)
	if err != nil {
		return nil, err
	}
	now := c.tx.Now()
	rule := casus.DefaultConsentRule(c.st, now)
	var out []CaseConsentLine
	for _, cs := range asking {
		var own []casus.Consent
		for _, x := range consents {
			if x.CaseID == cs.ID {
				own = append(own, x)
			}
		}
		var exc *casus.ConsentException
		if i := slices.IndexFunc(excs, func(e casus.ConsentException) bool { return e.CaseID == cs.ID }); i >= 0 {
			exc = &excs[i]
		}
		line := CaseConsentLine{Case: cs, Rule: rule, Standing: casus.StandingOf(rule, own, exc, now)}
		if !rule.Counts(casus.GiverStudent) {
			if x, ok := casus.LatestConsent(own, casus.GiverStudent, now); ok && x.InForce(now) {
				line.Assent = &x
			}
		}
		out = append(out, line)
	}
	return out, nil
}
