package app

import (
	"context"
	"slices"
	"strings"
	"time"

	"casus"
	"casus/storage"
)

// Referrals (aanmeldingen): a mentor, care contact or coordinator starts one
// from the student's page, fills in the standard form as a draft, and
// submits it when it is complete; the care contact preselects mentors'
// referrals to the intern zorgteam and the chair of the team triages. Every
// use case that shows a referral writes the access log in its transaction;
// a referral the actor may not read is not found, logged as a denial.

// referralReq says which referral a use case touches, how it is logged and
// which decision lets the actor in.
type referralReq struct {
	id      string
	action  casus.AccessAction
	purpose string
	policy  func(casus.User, casus.ReferralFacts) casus.Access
}

// inReferral is what a use case on one referral works with inside the
// frame: the referral, the actor's facts about it, the policy's grant and
// the access-log entry, unwritten until the use case knows what it did.
type inReferral struct {
	ctx   context.Context
	tx    *storage.Tx
	u     casus.User
	ref   casus.Referral
	facts casus.ReferralFacts
	acc   casus.Access
	e     *casus.AccessEntry
}

// referral runs fn in the frame for one referral, once req.policy allows
// the actor in. A denial is logged and returned as the error to show: not
// found when the actor may not read the referral (or is a partner who may
// not know the student), forbidden when they may read it but not do this.
// fn writes the granted entry (log, logAs) once it knows what it did; an
// error fn returns undoes everything, the entry too.
func (s *Service) referral(ctx context.Context, a Actor, req referralReq, fn func(r *inReferral) error) error {
	return s.update(ctx, func(tx *storage.Tx) error {
		r, err := s.referralAccess(ctx, tx, a, req)
		if err != nil {
			return err
		}
		if err := fn(r); err != nil {
			// A stale version, an escalation already made, a note the
			// referral cannot take: undone, and logged as refused.
			return refused(r.e, r.acc, err)
		}
		return nil
	})
}

func (s *Service) referralAccess(ctx context.Context, tx *storage.Tx, a Actor, req referralReq) (*inReferral, error) {
	u := a.User
	e := s.entry(a, req.action, req.purpose)
	e.ObjectKind, e.ObjectID = "referral", truncate(req.id, 64)
	if !casus.ValidID(req.id) {
		return nil, deny(e, casus.ErrNotFound)
	}
	ref, f, err := tx.ReferralFor(ctx, u.ID, req.id)
	if err != nil && casus.ErrorCode(err) != casus.ENOTFOUND {
		return nil, err
	}
	e.StudentID = ref.StudentID
	acc := req.policy(u, f)
	if acc.Allowed && f.Exists {
		g, err := partnerGrounds(ctx, tx, u, ref.StudentID)
		if err != nil {
			return nil, err
		}
		if g.Basis == casus.BasisAnonymous {
			return nil, deny(e, casus.ErrNotFound)
		}
		setGrounds(e, g)
	}
	if !acc.Allowed {
		show := error(casus.ErrNotFound)
		if casus.CanReadReferral(u, f).Allowed {
			show = &casus.Error{Code: casus.EFORBIDDEN, Key: "referral.error.forbidden"}
		}
		return nil, deny(e, show)
	}
	return &inReferral{ctx: ctx, tx: tx, u: u, ref: ref, facts: f, acc: acc, e: e}, nil
}

// log writes the granted entry.
func (r *inReferral) log() error { return logAccess(r.ctx, r.tx, r.e, r.acc) }

// logAs writes the granted entry as action with purpose: a refused change
// that shows the form again is a read of it.
func (r *inReferral) logAs(action casus.AccessAction, purpose string) error {
	r.e.Action, r.e.Purpose = action, purpose
	return r.log()
}

// student is the referred student, for display.
func (r *inReferral) student() (casus.Student, error) {
	st, _, err := r.tx.StudentFor(r.ctx, r.u.ID, r.ref.StudentID)
	return st, err
}

// readableEntries returns the student's care-file entries the actor may
// read, newest first: the ones they can attach to a referral or see
// attached.
func (r *inReferral) readableEntries() ([]casus.CareEntry, error) {
	all, err := r.tx.CareEntries(r.ctx, r.ref.StudentID)
	if err != nil {
		return nil, err
	}
	var out []casus.CareEntry
	for _, e := range all {
		if casus.CanReadEntryOf(r.u, r.facts.Student, e).Allowed {
			out = append(out, e)
		}
	}
	return out, nil
}

// attachedReadable returns the attached entries the actor may read.
func (r *inReferral) attachedReadable() ([]casus.CareEntry, error) {
	ids, err := r.tx.ReferralEntryIDs(r.ctx, r.ref.ID)
	if err != nil || len(ids) == 0 {
		return nil, err
	}
	readable, err := r.readableEntries()
	var out []casus.CareEntry
	for _, e := range readable {
		if slices.Contains(ids, e.ID) {
			out = append(out, e)
		}
	}
	return out, err
}

// inbrengers lists who may bring the case in: the candidates of the student
// plus the referrer and the current inbrenger.
func (r *inReferral) inbrengers() ([]casus.User, error) {
	ref := r.ref
	us, err := r.tx.Inbrengers(r.ctx, ref.StudentID)
	if err != nil {
		return nil, err
	}
	for _, extra := range []casus.User{{ID: ref.ReferrerID, Name: ref.ReferrerName}, {ID: ref.InbrengerID, Name: ref.InbrengerName}} {
		if !slices.ContainsFunc(us, func(u casus.User) bool { return u.ID == extra.ID }) {
			us = append(us, extra)
		}
	}
	return us, nil
}

// ReferralStart is the start of a referral: the student's facts and the
// teams serving their school.
type ReferralStart struct {
	Student casus.Student
	Age     int
	Teams   []casus.CareTeam
}

func (c *Student) referralStart() (ReferralStart, error) {
	teams, err := c.tx.TeamsServing(c.ctx, c.st.SchoolID)
	return ReferralStart{Student: c.st, Age: c.st.AgeOn(c.tx.Now()), Teams: teams}, err
}

// StartReferral opens the start of a referral of the student: allowed to
// their mentor, care contact and coordinator (casus.CanCreateReferral).
func (s *Service) StartReferral(ctx context.Context, a Actor, studentID string) (ReferralStart, error) {
	var page ReferralStart
	err := s.student(ctx, a, studentReq{action: casus.ActRead, purpose: "referral: new", objectKind: "student", objectID: studentID},
		func(c *Student) (casus.Access, error) {
			acc := casus.CanCreateReferral(c.u, c.rel)
			if !acc.Allowed {
				return acc, nil
			}
			var err error
			page, err = c.referralStart()
			return acc, err
		})
	return page, err
}

// NewReferral is a referral to start: the student, the team it goes to and
// how urgent it is.
type NewReferral struct {
	StudentID string
	TeamID    string
	Urgency   casus.Urgency
}

// CreateReferral starts a draft referral of the student to the chosen team,
// with the actor as referrer and inbrenger. errs are the errors the door
// found parsing the form; with any, or when the team does not serve the
// student's school, nothing is written, the request is logged as a read of
// the start shown again, and the errors come back with it.
func (s *Service) CreateReferral(ctx context.Context, a Actor, in NewReferral, errs casus.ValidationErrors) (casus.Referral, ReferralStart, error) {
	var page ReferralStart
	var ref casus.Referral
	err := s.student(ctx, a, studentReq{action: casus.ActCreate, purpose: "referral: create", objectKind: "student", objectID: in.StudentID},
		func(c *Student) (casus.Access, error) {
			acc := casus.CanCreateReferral(c.u, c.rel)
			if !acc.Allowed {
				return acc, nil
			}
			var err error
			if page, err = c.referralStart(); err != nil {
				return acc, err
			}
			if in.TeamID != "" && errs.Field("team") == nil && !slices.ContainsFunc(page.Teams, func(t casus.CareTeam) bool { return t.ID == in.TeamID }) {
				errs = referralErrs(append(errs, casus.FieldError("team", "error.choice", nil)))
			}
			if errs != nil {
				c.e.Action, c.e.Purpose = casus.ActRead, "referral: new"
				return acc, nil
			}
			ref = casus.Referral{StudentID: c.st.ID, TeamID: in.TeamID, ReferrerID: c.u.ID, InbrengerID: c.u.ID, Urgency: in.Urgency}
			if err := c.tx.CreateReferral(c.ctx, &ref, c.u.ID); err != nil {
				return acc, err
			}
			c.e.ObjectKind, c.e.ObjectID = "referral", ref.ID
			return acc, nil
		})
	if err == nil && errs != nil {
		return ref, page, errs
	}
	return ref, page, err
}

// ReferralForm is the form of a draft or returned referral.
type ReferralForm struct {
	Referral   casus.Referral
	Student    casus.Student
	Age        int
	Required   map[casus.ReferralField]bool
	Categories []string              // the installation's problem categories
	Missing    []casus.ReferralField // on a refused submission: the summary
	Inbrengers []casus.User
	Urgencies  []casus.Urgency
	CanSubmit  bool
	Stale      bool              // a save of a version someone else changed in between
	Entries    []casus.CareEntry // care-file entries the actor may attach
	Attached   map[string]bool   // ids of the attached entries, as stored or entered
	// Question is the step that returned the referral, with its note (the
	// question the form answers); zero unless the referral is returned.
	Question casus.ReferralEvent
}

func (r *inReferral) referralForm() (ReferralForm, error) {
	page := ReferralForm{Referral: r.ref, Urgencies: casus.Urgencies, CanSubmit: casus.CanSubmitReferral(r.u, r.facts).Allowed}
	var err error
	if page.Student, err = r.student(); err != nil {
		return page, err
	}
	page.Age = page.Student.AgeOn(r.tx.Now())
	if page.Question, err = r.question(); err != nil {
		return page, err
	}
	required, err := r.tx.ReferralRequired(r.ctx, r.ref.TeamKind)
	if err != nil {
		return page, err
	}
	if page.Categories, err = r.tx.ProblemCategories(r.ctx); err != nil {
		return page, err
	}
	page.Required = map[casus.ReferralField]bool{}
	for _, fl := range casus.RequiredFor(required, page.Age) {
		page.Required[fl] = true
	}
	if page.Inbrengers, err = r.inbrengers(); err != nil {
		return page, err
	}
	if page.Entries, err = r.readableEntries(); err != nil {
		return page, err
	}
	ids, err := r.tx.ReferralEntryIDs(r.ctx, r.ref.ID)
	page.Attached = map[string]bool{}
	for _, id := range ids {
		page.Attached[id] = true
	}
	return page, err
}

// EditReferral opens the form of a referral the actor may edit.
func (s *Service) EditReferral(ctx context.Context, a Actor, id string) (ReferralForm, error) {
	var page ReferralForm
	err := s.referral(ctx, a, referralReq{id: id, action: casus.ActRead, purpose: "referral: form", policy: casus.CanEditReferral},
		func(r *inReferral) error {
			if err := r.log(); err != nil {
				return err
			}
			var err error
			page, err = r.referralForm()
			return err
		})
	return page, err
}

// ReferralEdit is the form of a referral as entered.
type ReferralEdit struct {
	ID string
	// Action is "save" or "submit"; "" when the form did not say (the
	// door's errors say so).
	Action      string
	Version     int
	Text        map[casus.ReferralField]string
	Urgency     casus.Urgency
	InbrengerID string
	Entries     []string // the care-file entries to attach, as entered
	// Answer answers the question of a returned referral; it goes with the
	// resubmission to whoever triages.
	Answer string
}

// SaveReferral saves the form (Action "save") or submits it ("submit"). A
// submission that lacks a required part is refused with every missing part
// named, and nothing changes; so is a save of a version that someone else
// changed in between (ECONFLICT, with page.Stale). errs are the errors the
// door found parsing the form. A refused request is logged as a read of
// the form shown again, which comes back with the refusal.
func (s *Service) SaveReferral(ctx context.Context, a Actor, in ReferralEdit, errs casus.ValidationErrors) (ReferralForm, error) {
	policy := casus.CanEditReferral
	if in.Action == "submit" {
		policy = casus.CanSubmitReferral
	}
	var page ReferralForm
	var refusal error
	err := s.referral(ctx, a, referralReq{id: in.ID, action: casus.ActChange, purpose: "referral: " + in.Action, policy: policy},
		func(r *inReferral) error {
			var err error
			page, refusal, err = r.save(in, errs)
			return err
		})
	if err == nil && refusal != nil {
		return page, refusal
	}
	return page, err
}

func (r *inReferral) save(in ReferralEdit, errs casus.ValidationErrors) (ReferralForm, error, error) {
	edited := r.ref
	edited.Text, edited.Urgency, edited.InbrengerID = in.Text, in.Urgency, in.InbrengerID
	candidates, err := r.inbrengers()
	if err != nil {
		return ReferralForm{}, nil, err
	}
	if in.InbrengerID != "" && errs.Field("inbrenger") == nil && !slices.ContainsFunc(candidates, func(u casus.User) bool { return u.ID == in.InbrengerID }) {
		errs = append(errs, casus.FieldError("inbrenger", "error.choice", nil))
	}
	page, err := r.referralForm()
	if err != nil {
		return page, nil, err
	}
	if c := in.Text[casus.FieldProblemCategory]; c != "" && !slices.Contains(page.Categories, c) {
		errs = append(errs, casus.FieldError(string(casus.FieldProblemCategory), "error.choice", nil))
	}
	entries, ok := referralAttachments(in.Entries, page)
	if !ok {
		errs = append(errs, casus.FieldError("entries", "error.choice", nil))
	}
	page.Attached = map[string]bool{}
	for _, id := range in.Entries {
		page.Attached[id] = true
	}
	var refusal error
	switch {
	case errs != nil:
		refusal = referralErrs(errs)
	case in.Version != r.ref.Version:
		refusal, page.Stale = &casus.Error{Code: casus.ECONFLICT, Key: "referral.error.stale"}, true
	case in.Action == "submit":
		required, err := r.tx.ReferralRequired(r.ctx, r.ref.TeamKind)
		if err != nil {
			return page, nil, err
		}
		page.Missing = edited.Missing(casus.RequiredFor(required, page.Age))
		for _, fl := range page.Missing {
			if errs.Field(string(fl)) == nil {
				errs = append(errs, casus.FieldError(string(fl), "referral.error.missing", nil))
			}
		}
		if errs != nil {
			refusal = errs
		}
	}
	if refusal != nil {
		// Nothing changes; the form is shown again as entered, which reads
		// the student's data: log that read.
		return page, refusal, r.logAs(casus.ActRead, "referral: "+in.Action+" refused")
	}
	if err := r.log(); err != nil {
		return page, nil, err
	}
	edited.Version = in.Version
	if err := r.tx.UpdateReferral(r.ctx, &edited); err != nil {
		return page, nil, err
	}
	if err := r.tx.SetReferralEntries(r.ctx, r.ref.ID, entries); err != nil {
		return page, nil, err
	}
	if in.Action == "submit" {
		to := casus.SubmitState(r.ref.TeamKind, r.acc.Relation)
		if err := r.tx.MoveReferral(r.ctx, &edited, casus.RefSubmitted, r.u.ID, r.answer(in)); err != nil {
			return page, nil, err
		}
		if to == casus.RefPreselected {
			// The care contact (or coordinator) submitting is the preselection.
			if err := r.tx.MoveReferral(r.ctx, &edited, casus.RefPreselected, r.u.ID, ""); err != nil {
				return page, nil, err
			}
		}
		if err := r.announce(edited, ""); err != nil {
			return page, nil, err
		}
	}
	page.Referral = edited
	return page, nil, nil
}

// referralAttachments validates the entries the form attaches: each must be
// one the actor may read. Attached entries the actor may not read (another
// editor attached them) stay attached.
func referralAttachments(entered []string, page ReferralForm) ([]string, bool) {
	readable := map[string]bool{}
	for _, e := range page.Entries {
		readable[e.ID] = true
	}
	var ids []string
	for _, id := range entered {
		if !readable[id] {
			return nil, false
		}
		if !slices.Contains(ids, id) {
			ids = append(ids, id)
		}
	}
	for id := range page.Attached {
		if !readable[id] {
			ids = append(ids, id)
		}
	}
	slices.Sort(ids)
	return ids, true
}

// referralErrs orders a form's errors as its fields stand on the page (the
// form's summary lists them in this order): the door's and the use case's
// errors interleave.
func referralErrs(errs casus.ValidationErrors) casus.ValidationErrors {
	order := []string{"action", "team"}
	for _, fl := range casus.ReferralFields {
		order = append(order, string(fl))
	}
	order = append(order, "urgency", "inbrenger", "version", "entries")
	at := func(e *casus.Error) int {
		if i := slices.Index(order, e.Field); i >= 0 {
			return i
		}
		return len(order)
	}
	slices.SortStableFunc(errs, func(a, b *casus.Error) int { return at(a) - at(b) })
	return errs
}

// ReferralView is a referral with its history and, for whoever may decide
// on it, what they may decide.
type ReferralView struct {
	Referral  casus.Referral
	Student   casus.Student
	Age       int
	Relation  casus.Relation
	Events    []casus.ReferralEvent
	CanEdit   bool
	Decisions []casus.Decision  // what the actor may decide now
	Teams     []casus.CareTeam  // redirect targets
	Attached  []casus.CareEntry // attached care-file entries the reader may read
	// CanEscalate: the actor may escalate this accepted intern referral to
	// the ZAT (or note the bridging once it is escalated).
	CanEscalate bool
	CaseEvents  []casus.CaseEvent // of the intern case: escalation, bridging
	// Intern is what the intern zorgteam did before it handed the case to
	// the ZAT, beside a ZAT referral that came from it; nil otherwise.
	Intern *InternWork
}

// InternWork is the intern zorgteam's work on a case, read-only beside the
// ZAT referral it escalated: its latest plan (analysis and goals, with its
// date), the case's actions still running and those the plan agreed, and
// its advice to the mentor.
type InternWork struct {
	TeamName string
	Plan     casus.Discussion
	HasPlan  bool
	Actions  []casus.Action
	Advice   []casus.Advice
	Names    map[string]string // the intern team's members by id, for the plan's attendees
}

// ViewReferral shows a referral to whoever may read it.
func (s *Service) ViewReferral(ctx context.Context, a Actor, id string) (ReferralView, error) {
	var page ReferralView
	err := s.referral(ctx, a, referralReq{id: id, action: casus.ActRead, purpose: "referral", policy: casus.CanReadReferral},
		func(r *inReferral) error {
			if err := r.log(); err != nil {
				return err
			}
			var err error
			page, err = r.view()
			page.Relation = r.acc.Relation
			return err
		})
	return page, err
}

func (r *inReferral) view() (ReferralView, error) {
	ref, u, f := r.ref, r.u, r.facts
	page := ReferralView{Referral: ref, CanEdit: casus.CanEditReferral(u, f).Allowed, CanEscalate: casus.CanEscalate(u, f).Allowed}
	var err error
	if page.Student, err = r.student(); err != nil {
		return page, err
	}
	page.Age = page.Student.AgeOn(r.tx.Now())
	if page.Events, err = r.tx.ReferralEvents(r.ctx, ref.ID); err != nil {
		return page, err
	}
	if page.Attached, err = r.attachedReadable(); err != nil {
		return page, err
	}
	if ref.TeamKind == casus.TeamIntern && ref.CaseID != "" && ref.NextID != "" {
		if page.CaseEvents, err = r.tx.CaseEvents(r.ctx, ref.CaseID); err != nil {
			return page, err
		}
	}
	if ref.TeamKind == casus.TeamZAT && ref.PreviousID != "" {
		if page.Intern, err = r.internWork(); err != nil {
			return page, err
		}
	}
	for _, d := range casus.Decisions {
		if casus.CanDecide(u, f, d).Allowed {
			page.Decisions = append(page.Decisions, d)
		}
	}
	if slices.Contains(page.Decisions, casus.DecideRedirect) {
		page.Teams, err = r.redirectTargets(page.Student.SchoolID)
	}
	return page, err
}

// internWork reads what the intern zorgteam did on the case it escalated
// to this ZAT referral; nil when the referral came from elsewhere.
func (r *inReferral) internWork() (*InternWork, error) {
	ctx, tx := r.ctx, r.tx
	prev, _, err := tx.ReferralFor(ctx, r.u.ID, r.ref.PreviousID)
	if err != nil || prev.TeamKind != casus.TeamIntern || prev.CaseID == "" {
		return nil, err
	}
	w := &InternWork{TeamName: prev.TeamName}
	if w.Plan, w.HasPlan, err = tx.LatestPlan(ctx, prev.CaseID); err != nil {
		return nil, err
	}
	// The intern case's actions still running, and those its plan agreed
	// (some may run at the ZAT now).
	if w.Actions, err = tx.CaseOpenActions(ctx, prev.CaseID); err != nil {
		return nil, err
	}
	if w.HasPlan {
		agreed, err := tx.DiscussionActions(ctx, w.Plan.ID)
		if err != nil {
			return nil, err
		}
		for _, a := range agreed {
			if !slices.ContainsFunc(w.Actions, func(b casus.Action) bool { return b.ID == a.ID }) {
				w.Actions = append(w.Actions, a)
			}
		}
		members, err := tx.TeamMembers(ctx, prev.TeamID)
		if err != nil {
			return nil, err
		}
		w.Names = map[string]string{}
		for _, tm := range members {
			w.Names[tm.User.ID] = tm.User.Name
		}
	}
	advice, err := tx.StudentAdvice(ctx, r.ref.StudentID)
	for _, a := range advice {
		if a.CaseID == prev.CaseID {
			w.Advice = append(w.Advice, a)
		}
	}
	return w, err
}

// redirectTargets are the other teams serving the student's school.
func (r *inReferral) redirectTargets(schoolID string) ([]casus.CareTeam, error) {
	teams, err := r.tx.TeamsServing(r.ctx, schoolID)
	var out []casus.CareTeam
	for _, t := range teams {
		if t.ID != r.ref.TeamID {
			out = append(out, t)
		}
	}
	return out, err
}

// BasicGuidance is the redirect target that sends a referral back to the
// basic guidance by the mentor, with advice, and closes it.
const BasicGuidance = "basic"

// ReferralDecision is a triage decision as entered.
type ReferralDecision struct {
	ID       string
	Decision casus.Decision // "" when the form did not say (the door's errors say so)
	Note     string
	Target   string // of a redirect: a team's id or BasicGuidance
	Version  int
}

// DecideReferral takes a triage decision: preselect (care contact), accept,
// return with a question, or redirect to another team or back to basic
// guidance with advice (the chair of the team). Accepting opens the
// student's case at the team, or reuses the open one, and puts the referral
// on the next meeting's agenda. errs are the errors the door found parsing
// the form; with any, nothing changes and the referral is shown again (a
// read, logged as such) with the errors.
func (s *Service) DecideReferral(ctx context.Context, a Actor, in ReferralDecision, errs casus.ValidationErrors) (ReferralView, error) {
	policy := func(u casus.User, f casus.ReferralFacts) casus.Access { return casus.CanDecideOn(u, f, in.Decision) }
	invalid := false
	err := s.referral(ctx, a, referralReq{id: in.ID, action: casus.ActChange, purpose: "referral: " + string(in.Decision), policy: policy},
		func(r *inReferral) error {
			var err error
			if errs, err = r.decisionErrs(in, errs); err != nil {
				return err
			}
			if errs != nil {
				invalid = true
				return nil
			}
			return r.decide(in)
		})
	if err != nil || !invalid {
		return ReferralView{}, err
	}
	page, err := s.ViewReferral(ctx, a, in.ID)
	if err != nil {
		return page, err
	}
	return page, errs
}

// decisionErrs adds to errs what the decision lacks: a redirect's target
// among the teams, a note with a return or a redirect to basic guidance.
func (r *inReferral) decisionErrs(in ReferralDecision, errs casus.ValidationErrors) (casus.ValidationErrors, error) {
	target := in.Target
	if in.Decision == casus.DecideRedirect && target != "" && target != BasicGuidance && errs.Field("target") == nil {
		st, err := r.student()
		if err != nil {
			return errs, err
		}
		teams, err := r.redirectTargets(st.SchoolID)
		if err != nil {
			return errs, err
		}
		if !slices.ContainsFunc(teams, func(t casus.CareTeam) bool { return t.ID == target }) {
			errs, target = append(errs, casus.FieldError("target", "error.choice", nil)), ""
		}
	}
	if errs.Field("target") != nil {
		target = ""
	}
	needsNote := in.Decision == casus.DecideReturn || in.Decision == casus.DecideRedirect && target == BasicGuidance
	if needsNote && in.Note == "" && errs.Field("note") == nil {
		errs = append(errs, casus.FieldError("note", "referral.error.note_required", nil))
	}
	return errs, nil
}

func (r *inReferral) decide(in ReferralDecision) error {
	if in.Version != r.ref.Version {
		return &casus.Error{Code: casus.ECONFLICT, Key: "referral.error.stale"}
	}
	if err := r.log(); err != nil {
		return err
	}
	ref, ctx, tx := r.ref, r.ctx, r.tx
	if err := tx.MoveReferral(ctx, &ref, casus.DecisionState(in.Decision), r.u.ID, in.Note); err != nil {
		return err
	}
	if err := r.announce(ref, in.Target); err != nil {
		return err
	}
	switch {
	case in.Decision == casus.DecideAccept:
		c, err := tx.EnsureOpenCase(ctx, ref.StudentID, ref.TeamID)
		if err != nil {
			return err
		}
		if err := tx.LinkReferral(ctx, ref.ID, c.ID, ""); err != nil {
			return err
		}
		if err := followRoute(ctx, tx, r.u, ref.StudentID, casus.RouteAccepted, ref.TeamKind, ""); err != nil {
			return err
		}
		// Ready for the agenda: on the next meeting's, at once.
		_, err = tx.PutOnNextAgenda(ctx, ref.TeamID, casus.AgendaItem{CaseID: c.ID, Kind: casus.AgendaReferral,
			SourceID: ref.ID, AddedBy: r.u.ID})
		return err
	case in.Decision == casus.DecideRedirect && in.Target != BasicGuidance:
		return r.redirect(ref, in.Target, in.Note)
	}
	return nil
}

// redirect continues a redirected referral at the target team: a copy of
// the form with the same referrer and inbrenger, submitted there when it is
// complete for that team's kind, else returned to the referrer to complete
// it.
func (r *inReferral) redirect(ref casus.Referral, teamID, note string) error {
	ctx, tx := r.ctx, r.tx
	team, _, err := tx.Team(ctx, teamID)
	if err != nil {
		return err
	}
	required, err := tx.ReferralRequired(ctx, team.Kind)
	if err != nil {
		return err
	}
	next := casus.Referral{StudentID: ref.StudentID, TeamID: teamID, ReferrerID: ref.ReferrerID, InbrengerID: ref.InbrengerID,
		Urgency: ref.Urgency, Text: ref.Text, PreviousID: ref.ID, State: casus.RefDraft}
	if err := tx.CreateReferral(ctx, &next, r.u.ID); err != nil {
		return err
	}
	next.TeamKind = team.Kind
	st, err := r.student()
	if err != nil {
		return err
	}
	to := casus.RefSubmitted
	if len(next.Missing(casus.RequiredFor(required, st.AgeOn(tx.Now())))) > 0 {
		to = casus.RefReturned
	}
	if err := tx.MoveReferral(ctx, &next, to, r.u.ID, note); err != nil {
		return err
	}
	entries, err := tx.ReferralEntryIDs(ctx, ref.ID)
	if err != nil {
		return err
	}
	if err := tx.SetReferralEntries(ctx, next.ID, entries); err != nil {
		return err
	}
	if err := r.announce(next, ""); err != nil {
		return err
	}
	return tx.LinkReferral(ctx, ref.ID, "", next.ID)
}

// ReferralQueueTeam is one team's part of the referral queue.
type ReferralQueueTeam struct {
	Name   string
	Kind   casus.TeamKind
	Groups []ReferralQueueGroup
}

// ReferralQueueGroup is the team's referrals in one state.
type ReferralQueueGroup struct {
	State casus.ReferralState
	Rows  []ReferralQueueRow
}

// ReferralQueueRow is one referral of the queue and how long it has waited.
type ReferralQueueRow struct {
	Referral casus.Referral
	Days     int
}

// referralQueueStates are the states the queue shows, in order: what needs
// a decision first, then what waits for the referrer, then what is ready
// for the agenda. Redirected referrals are done and left out.
var referralQueueStates = []casus.ReferralState{casus.RefSubmitted, casus.RefPreselected, casus.RefReturned, casus.RefDraft, casus.RefAccepted}

// ReferralQueue lists the referrals the actor has a part in, per team (by
// kind and name) and state, oldest first. Every row names a student and is
// logged as a search.
func (s *Service) ReferralQueue(ctx context.Context, a Actor) ([]ReferralQueueTeam, error) {
	u := a.User
	if !u.SeesStudentData() {
		return nil, &casus.Error{Code: casus.EFORBIDDEN, Key: "error.forbidden"}
	}
	var teams []ReferralQueueTeam
	err := s.update(ctx, func(tx *storage.Tx) error {
		refs, facts, err := tx.ReferralCandidates(ctx, u.ID)
		if err != nil {
			return err
		}
		now := tx.Now()
		byTeam := map[string]int{}
		for i, ref := range refs {
			acc := casus.CanReadReferral(u, facts[i])
			if !acc.Allowed || !slices.Contains(referralQueueStates, ref.State) {
				continue
			}
			if named, err := partnerNamed(ctx, tx, u, ref.StudentID); err != nil || !named {
				if err != nil {
					return err
				}
				continue
			}
			e := s.entry(a, casus.ActSearch, "referral queue")
			e.StudentID, e.ObjectKind, e.ObjectID = ref.StudentID, "referral", ref.ID
			if err := logAccess(ctx, tx, e, acc); err != nil {
				return err
			}
			ti, ok := byTeam[ref.TeamID]
			if !ok {
				ti = len(teams)
				byTeam[ref.TeamID] = ti
				teams = append(teams, ReferralQueueTeam{Name: ref.TeamName, Kind: ref.TeamKind})
			}
			teams[ti].add(ref, now)
		}
		return nil
	})
	sortReferralQueue(teams)
	return teams, err
}

func (t *ReferralQueueTeam) add(ref casus.Referral, now time.Time) {
	gi := slices.IndexFunc(t.Groups, func(g ReferralQueueGroup) bool { return g.State == ref.State })
	if gi < 0 {
		gi = len(t.Groups)
		t.Groups = append(t.Groups, ReferralQueueGroup{State: ref.State})
	}
	t.Groups[gi].Rows = append(t.Groups[gi].Rows, ReferralQueueRow{Referral: ref, Days: ref.DaysWaiting(now)})
}

func sortReferralQueue(teams []ReferralQueueTeam) {
	slices.SortStableFunc(teams, func(a, b ReferralQueueTeam) int {
		return strings.Compare(string(a.Kind)+a.Name, string(b.Kind)+b.Name)
	})
	for _, t := range teams {
		slices.SortStableFunc(t.Groups, func(a, b ReferralQueueGroup) int {
			return slices.Index(referralQueueStates, a.State) - slices.Index(referralQueueStates, b.State)
		})
		for _, g := range t.Groups {
			// Oldest first: by submission, or by creation for what was never submitted.
			slices.SortStableFunc(g.Rows, func(a, b ReferralQueueRow) int {
				return referralSince(a.Referral).Compare(referralSince(b.Referral))
			})
		}
	}
}

// referralSince is when a referral started waiting: its submission, or its
// creation when it was never submitted.
func referralSince(r casus.Referral) time.Time {
	if r.SubmittedAt != nil {
		return *r.SubmittedAt
	}
	return r.CreatedAt
}
