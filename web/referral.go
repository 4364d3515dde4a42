package web

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"casus"
	"casus/storage"
)

// Referrals (aanmeldingen): a mentor, care contact or coordinator starts one
// from the student's page, fills in the standard form as a draft, and submits
// it when it is complete; the care contact preselects mentors' referrals to
// the intern zorgteam and the chair of the team triages. Every page that
// shows a referral writes the access log in the same transaction; a
// referral the user may not read answers 404, logged as a denial.

// maxReferralFormBytes bounds a referral form: fourteen free-text parts.
const maxReferralFormBytes = 256 << 10

// maxReferralText bounds one part of the form, in characters.
const maxReferralText = 4000

// maxReferralNote bounds a triage note (a question or an advice).
const maxReferralNote = 2000

// referralSection is one fieldset of the form: a legend and its parts.
type referralSection struct {
	Key    string // i18n key of the legend
	Hint   string // i18n key of a description, or ""
	Fields []casus.ReferralField
	Factor bool // one row of the factor grid (hindering, protective)
}

// referralSections lays the standard form out: reason, needs, the factor
// grid (student, school, family × hindering, protective), what was done,
// and the three questions to the team.
var referralSections = []referralSection{
	{Key: "referral.section.reason", Fields: []casus.ReferralField{casus.FieldReason}},
	{Key: "referral.section.needs", Hint: "referral.section.needs_hint",
		Fields: []casus.ReferralField{casus.FieldNeedsEducation, casus.FieldNeedsCare}},
	{Key: "referral.section.factors.student", Factor: true,
		Fields: []casus.ReferralField{casus.FieldStudentHindering, casus.FieldStudentProtective}},
	{Key: "referral.section.factors.school", Factor: true,
		Fields: []casus.ReferralField{casus.FieldSchoolHindering, casus.FieldSchoolProtective}},
	{Key: "referral.section.factors.family", Factor: true,
		Fields: []casus.ReferralField{casus.FieldFamilyHindering, casus.FieldFamilyProtective}},
	{Key: "referral.section.done", Fields: []casus.ReferralField{casus.FieldDoneBefore, casus.FieldDoneResult}},
	{Key: "referral.section.questions", Hint: "referral.section.questions_hint",
		Fields: []casus.ReferralField{casus.FieldQuestionStudent, casus.FieldQuestionParents, casus.FieldQuestionSchool}},
}

// referralAccess loads a referral with the user's facts and asks check. A
// denial is written to the access log in tx and returned as the error to
// show: not found when the user may not read the referral, forbidden when
// they may read it but not do this. A granted access returns the entry
// unwritten: the caller writes it once it knows what it did.
func (s *Server) referralAccess(ctx context.Context, tx *storage.Tx, r *http.Request, id string, action casus.AccessAction,
	purpose string, check func(casus.User, casus.ReferralFacts) casus.Access) (casus.Referral, casus.ReferralFacts, casus.Access, *casus.AccessEntry, error) {
	u := *state(r).user
	e := s.accessEntry(r, action, purpose)
	e.ObjectKind, e.ObjectID = "referral", truncate(id, 64)
	if !casus.ValidID(id) {
		return casus.Referral{}, casus.ReferralFacts{}, casus.Access{}, e, logDenied(ctx, tx, e, casus.ErrNotFound)
	}
	ref, f, err := tx.ReferralFor(ctx, u.ID, id)
	if err != nil && casus.ErrorCode(err) != casus.ENOTFOUND {
		return ref, f, casus.Access{}, e, err
	}
	e.StudentID = ref.StudentID
	a := check(u, f)
	if a.Allowed && f.Exists {
		g, err := partnerGrounds(ctx, tx, u, ref.StudentID)
		if err != nil {
			return ref, f, a, e, err
		}
		if g.Basis == casus.BasisAnonymous {
			return ref, f, casus.Access{Relation: casus.RelNone}, e, logDenied(ctx, tx, e, casus.ErrNotFound)
		}
		setGrounds(e, g)
	}
	if a.Allowed {
		return ref, f, a, e, nil
	}
	deny := error(casus.ErrNotFound)
	if casus.CanReadReferral(u, f).Allowed {
		deny = &casus.Error{Code: casus.EFORBIDDEN, Key: "referral.error.forbidden"}
	}
	return ref, f, a, e, logDenied(ctx, tx, e, deny)
}

// referralRead is referralAccess for a read: the granted access is logged.
func (s *Server) referralRead(ctx context.Context, tx *storage.Tx, r *http.Request, purpose string,
	check func(casus.User, casus.ReferralFacts) casus.Access) (casus.Referral, casus.ReferralFacts, casus.Access, error) {
	ref, f, a, e, err := s.referralAccess(ctx, tx, r, r.PathValue("id"), casus.ActRead, purpose, check)
	if err != nil {
		return ref, f, a, err
	}
	return ref, f, a, logAccess(ctx, tx, e, a)
}

// denial marks an access that was refused: updateLogged undoes what the
// request wrote, records the entry with the decision and commits, and the
// handler shows the error.
type denial struct {
	err    error
	entry  *casus.AccessEntry
	access casus.Access
}

func (d *denial) Error() string { return "denied: " + d.err.Error() }

// logDenied refuses the request as denied; the entry is recorded by
// updateLogged once what the request wrote is undone.
func logDenied(_ context.Context, _ *storage.Tx, e *casus.AccessEntry, show error) error {
	return &denial{err: show, entry: e}
}

// updateLogged runs fn in a transaction, its business step under a
// savepoint. A denial returns to the savepoint — nothing the refused request
// wrote survives — then records the denial's access-log entry and commits;
// it is returned as the error to show.
func (s *Server) updateLogged(ctx context.Context, fn func(tx *storage.Tx) error) error {
	var d *denial
	err := s.db.Update(ctx, func(tx *storage.Tx) error {
		step, err := tx.Step(ctx)
		if err != nil {
			return err
		}
		err = fn(tx)
		if !errors.As(err, &d) {
			return err
		}
		if err := step.Undo(ctx); err != nil {
			return err
		}
		if d.entry == nil {
			return nil
		}
		return logAccess(ctx, tx, d.entry, d.access)
	})
	if err == nil && d != nil {
		return d.err
	}
	return err
}

// referralStudent returns the referred student for display, pre-filling the
// form's read-only facts.
func referralStudent(ctx context.Context, tx *storage.Tx, userID, studentID string) (casus.Student, error) {
	st, _, err := tx.StudentFor(ctx, userID, studentID)
	return st, err
}

type referralNewPage struct {
	Student casus.Student
	Age     int
	Teams   []casus.CareTeam
}

// handleReferralNew shows the start of a referral: the student's facts and
// the teams serving their school.
func (s *Server) handleReferralNew(w http.ResponseWriter, r *http.Request) {
	s.referralNew(w, r, nil)
}

func (s *Server) referralNew(w http.ResponseWriter, r *http.Request, f *form) {
	ctx := r.Context()
	u := *state(r).user
	id := r.PathValue("id")
	var page referralNewPage
	err := s.updateLogged(ctx, func(tx *storage.Tx) error {
		e := s.accessEntry(r, casus.ActRead, "referral: new")
		e.ObjectKind, e.ObjectID = "student", truncate(id, 64)
		if !casus.ValidID(id) {
			return logDenied(ctx, tx, e, casus.ErrNotFound)
		}
		st, rel, err := tx.StudentFor(ctx, u.ID, id)
		if err != nil && casus.ErrorCode(err) != casus.ENOTFOUND {
			return err
		}
		e.StudentID = st.ID
		a := casus.CanCreateReferral(u, rel)
		if !a.Allowed {
			return logDenied(ctx, tx, e, casus.ErrNotFound)
		}
		if err := logAccess(ctx, tx, e, a); err != nil {
			return err
		}
		page.Student, page.Age = st, st.AgeOn(tx.Now())
		page.Teams, err = tx.TeamsServing(ctx, st.SchoolID)
		return err
	})
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	v := s.newView(r, "referral.new.title", page)
	status := http.StatusOK
	if f != nil {
		v.Form, status = f, http.StatusBadRequest
	}
	s.render(w, r, status, "referral_new", v)
}

// handleReferralCreate starts a draft referral of the student to the chosen
// team, with the user as referrer and inbrenger.
func (s *Server) handleReferralCreate(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	u := *state(r).user
	id := r.PathValue("id")
	f, err := parseForm(w, r)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	var ref casus.Referral
	err = s.updateLogged(ctx, func(tx *storage.Tx) error {
		e := s.accessEntry(r, casus.ActCreate, "referral: create")
		e.ObjectKind, e.ObjectID = "student", truncate(id, 64)
		if !casus.ValidID(id) {
			return logDenied(ctx, tx, e, casus.ErrNotFound)
		}
		st, rel, err := tx.StudentFor(ctx, u.ID, id)
		if err != nil && casus.ErrorCode(err) != casus.ENOTFOUND {
			return err
		}
		e.StudentID = st.ID
		a := casus.CanCreateReferral(u, rel)
		if !a.Allowed {
			return logDenied(ctx, tx, e, casus.ErrNotFound)
		}
		teams, err := tx.TeamsServing(ctx, st.SchoolID)
		if err != nil {
			return err
		}
		ids := make([]string, len(teams))
		for i, t := range teams {
			ids[i] = t.ID
		}
		team := f.choice("team", true, ids...)
		urgency := f.choice("urgency", false, stringsOf(casus.Urgencies)...)
		if f.Errs != nil {
			return f.Errs
		}
		ref = casus.Referral{StudentID: st.ID, TeamID: team, ReferrerID: u.ID, InbrengerID: u.ID, Urgency: casus.Urgency(urgency)}
		if err := tx.CreateReferral(ctx, &ref, u.ID); err != nil {
			return err
		}
		e.ObjectKind, e.ObjectID = "referral", ref.ID
		return logAccess(ctx, tx, e, a)
	})
	if casus.ErrorCode(err) == casus.EINVALID && f.Errs != nil {
		s.referralNew(w, r, f)
		return
	}
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	http.Redirect(w, r, "/referrals/"+ref.ID+"/edit", http.StatusSeeOther)
}

type referralFormPage struct {
	Referral   casus.Referral
	Student    casus.Student
	Age        int
	Sections   []referralSection
	Required   map[casus.ReferralField]bool
	Missing    []casus.ReferralField // on a refused submission: the summary
	Inbrengers []casus.User
	Urgencies  []casus.Urgency
	CanSubmit  bool
	Stale      bool
	Saved      bool
	Entries    []casus.CareEntry // care-file entries the user may attach
	Attached   map[string]bool   // ids of the attached entries, as stored or entered
}

// referralFormValues is the stored referral as form values.
func referralFormValues(ref casus.Referral) url.Values {
	vs := url.Values{"version": {strconv.Itoa(ref.Version)}, "inbrenger": {ref.InbrengerID}, "urgency": {string(ref.Urgency)}}
	for _, fl := range casus.ReferralFields {
		vs.Set(string(fl), ref.Text[fl])
	}
	return vs
}

// referralFormData fills the form page of a referral the user may edit.
func (s *Server) referralFormData(ctx context.Context, tx *storage.Tx, u casus.User, ref casus.Referral, f casus.ReferralFacts) (referralFormPage, error) {
	page := referralFormPage{Referral: ref, Sections: referralSections, Urgencies: casus.Urgencies,
		CanSubmit: casus.CanSubmitReferral(u, f).Allowed}
	var err error
	if page.Student, err = referralStudent(ctx, tx, u.ID, ref.StudentID); err != nil {
		return page, err
	}
	page.Age = page.Student.AgeOn(tx.Now())
	required, err := tx.ReferralRequired(ctx, ref.TeamKind)
	if err != nil {
		return page, err
	}
	page.Required = map[casus.ReferralField]bool{}
	for _, fl := range required {
		page.Required[fl] = true
	}
	if page.Inbrengers, err = s.inbrengers(ctx, tx, ref); err != nil {
		return page, err
	}
	if page.Entries, err = readableEntries(ctx, tx, u, f.Student, ref.StudentID); err != nil {
		return page, err
	}
	ids, err := tx.ReferralEntryIDs(ctx, ref.ID)
	page.Attached = map[string]bool{}
	for _, id := range ids {
		page.Attached[id] = true
	}
	return page, err
}

// readableEntries returns the student's care-file entries the user may read,
// newest first: the ones they can attach to a referral or see attached.
func readableEntries(ctx context.Context, tx *storage.Tx, u casus.User, rel casus.StudentRelations, studentID string) ([]casus.CareEntry, error) {
	all, err := tx.CareEntries(ctx, studentID)
	if err != nil {
		return nil, err
	}
	var out []casus.CareEntry
	for _, e := range all {
		if casus.CanReadEntryOf(u, rel, e).Allowed {
			out = append(out, e)
		}
	}
	return out, nil
}

// attachedEntries validates the entries the form attaches: each must be one
// the user may read. Attached entries the user may not read (another
// editor attached them) stay attached.
func attachedEntries(fm *form, page referralFormPage) []string {
	readable := map[string]bool{}
	for _, e := range page.Entries {
		readable[e.ID] = true
	}
	var ids []string
	for _, id := range fm.Values["entries"] {
		if !readable[id] {
			fm.fail("entries", "error.choice", nil)
			return nil
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
	return ids
}

// inbrengers lists who may bring the case in: the candidates of the student
// plus the referrer and the current inbrenger.
func (s *Server) inbrengers(ctx context.Context, tx *storage.Tx, ref casus.Referral) ([]casus.User, error) {
	us, err := tx.Inbrengers(ctx, ref.StudentID)
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

// handleReferralEdit shows the form of a draft or returned referral.
func (s *Server) handleReferralEdit(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	u := *state(r).user
	var page referralFormPage
	err := s.updateLogged(ctx, func(tx *storage.Tx) error {
		ref, f, _, err := s.referralRead(ctx, tx, r, "referral: form", casus.CanEditReferral)
		if err != nil {
			return err
		}
		page, err = s.referralFormData(ctx, tx, u, ref, f)
		return err
	})
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	page.Saved = r.URL.Query().Get("saved") == "1"
	v := s.newView(r, "referral.edit.title", page)
	v.Form = &form{Values: referralFormValues(page.Referral)}
	s.render(w, r, http.StatusOK, "referral_form", v)
}

// handleReferralSave saves the form (action "save") or submits it (action
// "submit"). A submission that lacks a required part is refused with every
// missing part named, and nothing changes; so is a save of a version that
// someone else changed in between (409).
func (s *Server) handleReferralSave(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	u := *state(r).user
	fm, err := parseFormMax(w, r, maxReferralFormBytes)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	var page referralFormPage
	var refused error // shown with the form as entered
	id := r.PathValue("id")
	err = s.updateLogged(ctx, func(tx *storage.Tx) error {
		action := fm.choice("action", true, "save", "submit")
		check := casus.CanEditReferral
		if action == "submit" {
			check = casus.CanSubmitReferral
		}
		ref, f, a, e, err := s.referralAccess(ctx, tx, r, id, casus.ActChange, "referral: "+action, check)
		if err != nil {
			return err
		}
		version, verr := strconv.Atoi(fm.Values.Get("version"))
		edited := ref
		edited.Text = map[casus.ReferralField]string{}
		for _, fl := range casus.ReferralFields {
			edited.Text[fl] = fm.paragraphs(string(fl), textRule{max: maxReferralText})
		}
		edited.Urgency = casus.Urgency(fm.choice("urgency", true, stringsOf(casus.Urgencies)...))
		candidates, err := s.inbrengers(ctx, tx, ref)
		if err != nil {
			return err
		}
		ids := make([]string, len(candidates))
		for i, c := range candidates {
			ids[i] = c.ID
		}
		edited.InbrengerID = fm.choice("inbrenger", true, ids...)
		if verr != nil {
			fm.fail("version", "error.unreadable_form", nil)
		}
		if page, err = s.referralFormData(ctx, tx, u, ref, f); err != nil {
			return err
		}
		entries := attachedEntries(fm, page)
		page.Attached = map[string]bool{}
		for _, id := range fm.Values["entries"] {
			page.Attached[id] = true
		}
		switch {
		case fm.Errs != nil:
			refused = fm.Errs
		case version != ref.Version:
			refused, page.Stale = &casus.Error{Code: casus.ECONFLICT, Key: "referral.error.stale"}, true
		case action == "submit":
			required, err := tx.ReferralRequired(ctx, ref.TeamKind)
			if err != nil {
				return err
			}
			page.Missing = edited.Missing(required)
			for _, fl := range page.Missing {
				fm.fail(string(fl), "referral.error.missing", nil)
			}
			if fm.Errs != nil {
				refused = fm.Errs
			}
		}
		if refused != nil {
			// Nothing changes; the form is shown again as entered, which
			// reads the student's data: log that read.
			e.Action, e.Purpose = casus.ActRead, "referral: "+action+" refused"
			return logAccess(ctx, tx, e, a)
		}
		if err := logAccess(ctx, tx, e, a); err != nil {
			return err
		}
		edited.Version = version
		if err := tx.UpdateReferral(ctx, &edited); err != nil {
			return err
		}
		if err := tx.SetReferralEntries(ctx, ref.ID, entries); err != nil {
			return err
		}
		if action == "submit" {
			to := casus.SubmitState(ref.TeamKind, a.Relation)
			if err := tx.MoveReferral(ctx, &edited, casus.RefSubmitted, u.ID, ""); err != nil {
				return err
			}
			if to == casus.RefPreselected {
				// The care contact (or coordinator) submitting is the preselection.
				if err := tx.MoveReferral(ctx, &edited, casus.RefPreselected, u.ID, ""); err != nil {
					return err
				}
			}
		}
		page.Referral = edited
		return nil
	})
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	if refused != nil {
		v := s.newView(r, "referral.edit.title", page)
		v.Form = fm
		if page.Stale {
			v.Error = "referral.error.stale"
		}
		s.render(w, r, statusFor(casus.ErrorCode(refused)), "referral_form", v)
		return
	}
	if fm.Values.Get("action") == "submit" {
		http.Redirect(w, r, "/referrals/"+id+"?done=submitted", http.StatusSeeOther)
		return
	}
	http.Redirect(w, r, "/referrals/"+id+"/edit?saved=1", http.StatusSeeOther)
}

type referralPage struct {
	Referral  casus.Referral
	Student   casus.Student
	Age       int
	Relation  casus.Relation
	Sections  []referralSection
	Events    []casus.ReferralEvent
	CanEdit   bool
	Decisions []casus.Decision // what the user may decide now
	Teams     []casus.CareTeam // redirect targets
	Done      string
	Attached  []casus.CareEntry // attached care-file entries the reader may read
	// CanEscalate: the user may escalate this accepted intern referral to
	// the ZAT (or note the bridging once it is escalated).
	CanEscalate bool
	CaseEvents  []casus.CaseEvent // of the intern case: escalation, bridging
}

// handleReferral shows a referral with its history and, to whoever may
// decide on it, the triage form.
func (s *Server) handleReferral(w http.ResponseWriter, r *http.Request) {
	s.referral(w, r, nil, http.StatusOK)
}

func (s *Server) referral(w http.ResponseWriter, r *http.Request, fm *form, status int) {
	ctx := r.Context()
	u := *state(r).user
	var page referralPage
	err := s.updateLogged(ctx, func(tx *storage.Tx) error {
		ref, f, a, err := s.referralRead(ctx, tx, r, "referral", casus.CanReadReferral)
		if err != nil {
			return err
		}
		page, err = s.referralPageData(ctx, tx, u, ref, f)
		page.Relation = a.Relation
		return err
	})
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	if d := r.URL.Query().Get("done"); slices.Contains([]string{"submitted", "decided", "escalated", "bridging"}, d) {
		page.Done = "referral.done." + d
	}
	v := s.newView(r, "referral.title", page)
	v.Form = fm
	if fm != nil && fm.Errs != nil {
		v.Error = "error.invalid_form"
	}
	s.render(w, r, status, "referral", v)
}

func (s *Server) referralPageData(ctx context.Context, tx *storage.Tx, u casus.User, ref casus.Referral, f casus.ReferralFacts) (referralPage, error) {
	page := referralPage{Referral: ref, Sections: referralSections, CanEdit: casus.CanEditReferral(u, f).Allowed}
	var err error
	if page.Student, err = referralStudent(ctx, tx, u.ID, ref.StudentID); err != nil {
		return page, err
	}
	page.Age = page.Student.AgeOn(tx.Now())
	if page.Events, err = tx.ReferralEvents(ctx, ref.ID); err != nil {
		return page, err
	}
	ids, err := tx.ReferralEntryIDs(ctx, ref.ID)
	if err != nil {
		return page, err
	}
	if len(ids) > 0 {
		readable, err := readableEntries(ctx, tx, u, f.Student, ref.StudentID)
		if err != nil {
			return page, err
		}
		for _, e := range readable {
			if slices.Contains(ids, e.ID) {
				page.Attached = append(page.Attached, e)
			}
		}
	}
	page.CanEscalate = casus.CanEscalate(u, f).Allowed
	if ref.TeamKind == casus.TeamIntern && ref.CaseID != "" && ref.NextID != "" {
		if page.CaseEvents, err = tx.CaseEvents(ctx, ref.CaseID); err != nil {
			return page, err
		}
	}
	for _, d := range casus.Decisions {
		if casus.CanDecide(u, f, d).Allowed {
			page.Decisions = append(page.Decisions, d)
		}
	}
	if slices.Contains(page.Decisions, casus.DecideRedirect) {
		teams, err := tx.TeamsServing(ctx, page.Student.SchoolID)
		if err != nil {
			return page, err
		}
		for _, t := range teams {
			if t.ID != ref.TeamID {
				page.Teams = append(page.Teams, t)
			}
		}
	}
	return page, nil
}

// basicGuidance is the redirect target that sends a referral back to the
// basic guidance by the mentor, with advice, and closes it.
const basicGuidance = "basic"

// handleReferralDecide takes a triage decision: preselect (care contact),
// accept, return with a question, or redirect to another team or back to
// basic guidance with advice (the chair of the team). Accepting opens the
// student's case at the team, or reuses the open one.
func (s *Server) handleReferralDecide(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	u := *state(r).user
	fm, err := parseForm(w, r)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	id := r.PathValue("id")
	var invalid bool
	err = s.updateLogged(ctx, func(tx *storage.Tx) error {
		d := casus.Decision(fm.choice("decision", true, stringsOf(casus.Decisions)...))
		ref, f, a, e, err := s.referralAccess(ctx, tx, r, id, casus.ActChange, "referral: "+string(d),
			func(u casus.User, f casus.ReferralFacts) casus.Access {
				if d == "" {
					// An unreadable decision is judged by whether the user may
					// decide anything at all.
					for _, x := range casus.Decisions {
						if a := casus.CanDecide(u, f, x); a.Allowed {
							return a
						}
					}
					return casus.Access{Relation: casus.RelNone}
				}
				return casus.CanDecide(u, f, d)
			})
		if err != nil {
			return err
		}
		note := fm.paragraphs("note", textRule{max: maxReferralNote})
		target := ""
		if d == casus.DecideRedirect {
			page, err := s.referralPageData(ctx, tx, u, ref, f)
			if err != nil {
				return err
			}
			ids := []string{basicGuidance}
			for _, t := range page.Teams {
				ids = append(ids, t.ID)
			}
			target = fm.choice("target", true, ids...)
		}
		if (d == casus.DecideReturn || d == casus.DecideRedirect && target == basicGuidance) && note == "" {
			fm.fail("note", "referral.error.note_required", nil)
		}
		version, verr := strconv.Atoi(fm.Values.Get("version"))
		if verr != nil {
			fm.fail("version", "error.unreadable_form", nil)
		}
		if fm.Errs != nil {
			// Nothing changes; the referral is shown again with the errors
			// (that read is logged by the page).
			invalid = true
			return nil
		}
		if version != ref.Version {
			return &casus.Error{Code: casus.ECONFLICT, Key: "referral.error.stale"}
		}
		if err := logAccess(ctx, tx, e, a); err != nil {
			return err
		}
		if err := tx.MoveReferral(ctx, &ref, casus.DecisionState(d), u.ID, note); err != nil {
			return err
		}
		switch {
		case d == casus.DecideAccept:
			c, err := tx.EnsureOpenCase(ctx, ref.StudentID, ref.TeamID)
			if err != nil {
				return err
			}
			if err := tx.LinkReferral(ctx, ref.ID, c.ID, ""); err != nil {
				return err
			}
			// Ready for the agenda: on the next meeting's, at once.
			_, err = tx.PutOnNextAgenda(ctx, ref.TeamID, casus.AgendaItem{CaseID: c.ID, Kind: casus.AgendaReferral,
				SourceID: ref.ID, AddedBy: u.ID})
			return err
		case d == casus.DecideRedirect && target != basicGuidance:
			return s.redirectReferral(ctx, tx, u, ref, target, note)
		}
		return nil
	})
	if invalid {
		s.referral(w, r, fm, http.StatusBadRequest)
		return
	}
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	http.Redirect(w, r, "/referrals/"+id+"?done=decided", http.StatusSeeOther)
}

// redirectReferral continues a redirected referral at the target team: a
// copy of the form with the same referrer and inbrenger, submitted there
// when it is complete for that team's kind, else returned to the referrer
// to complete it.
func (s *Server) redirectReferral(ctx context.Context, tx *storage.Tx, u casus.User, ref casus.Referral, teamID, note string) error {
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
	if err := tx.CreateReferral(ctx, &next, u.ID); err != nil {
		return err
	}
	next.TeamKind = team.Kind
	to := casus.RefSubmitted
	if len(next.Missing(required)) > 0 {
		to = casus.RefReturned
	}
	if err := tx.MoveReferral(ctx, &next, to, u.ID, note); err != nil {
		return err
	}
	entries, err := tx.ReferralEntryIDs(ctx, ref.ID)
	if err != nil {
		return err
	}
	if err := tx.SetReferralEntries(ctx, next.ID, entries); err != nil {
		return err
	}
	return tx.LinkReferral(ctx, ref.ID, "", next.ID)
}

type referralQueueTeam struct {
	Name   string
	Kind   casus.TeamKind
	Groups []referralQueueGroup
}

type referralQueueGroup struct {
	State casus.ReferralState
	Rows  []referralQueueRow
}

type referralQueueRow struct {
	Referral casus.Referral
	Days     int
}

// queueStates are the states the queue shows, in order: what needs a
// decision first, then what waits for the referrer, then what is ready for
// the agenda. Redirected referrals are done and left out.
var queueStates = []casus.ReferralState{casus.RefSubmitted, casus.RefPreselected, casus.RefReturned, casus.RefDraft, casus.RefAccepted}

// handleReferralQueue lists the referrals the user has a part in, per team
// and state, oldest submission first. Every row names a student and is
// logged.
func (s *Server) handleReferralQueue(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	u := *state(r).user
	if !u.SeesStudentData() {
		s.renderError(w, r, &casus.Error{Code: casus.EFORBIDDEN, Key: "error.forbidden"})
		return
	}
	var teams []referralQueueTeam
	err := s.db.Update(ctx, func(tx *storage.Tx) error {
		refs, facts, err := tx.ReferralCandidates(ctx, u.ID)
		if err != nil {
			return err
		}
		now := tx.Now()
		byTeam := map[string]int{}
		for i, ref := range refs {
			a := casus.CanReadReferral(u, facts[i])
			if !a.Allowed || !slices.Contains(queueStates, ref.State) {
				continue
			}
			if named, err := partnerNamed(ctx, tx, u, ref.StudentID); err != nil || !named {
				if err != nil {
					return err
				}
				continue
			}
			e := s.accessEntry(r, casus.ActSearch, "referral queue")
			e.StudentID, e.ObjectKind, e.ObjectID = ref.StudentID, "referral", ref.ID
			if err := logAccess(ctx, tx, e, a); err != nil {
				return err
			}
			ti, ok := byTeam[ref.TeamID]
			if !ok {
				ti = len(teams)
				byTeam[ref.TeamID] = ti
				teams = append(teams, referralQueueTeam{Name: ref.TeamName, Kind: ref.TeamKind})
			}
			t := &teams[ti]
			gi := slices.IndexFunc(t.Groups, func(g referralQueueGroup) bool { return g.State == ref.State })
			if gi < 0 {
				gi = len(t.Groups)
				t.Groups = append(t.Groups, referralQueueGroup{State: ref.State})
			}
			t.Groups[gi].Rows = append(t.Groups[gi].Rows, referralQueueRow{Referral: ref, Days: ref.DaysWaiting(now)})
		}
		return nil
	})
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	slices.SortStableFunc(teams, func(a, b referralQueueTeam) int {
		return strings.Compare(string(a.Kind)+a.Name, string(b.Kind)+b.Name)
	})
	for _, t := range teams {
		slices.SortStableFunc(t.Groups, func(a, b referralQueueGroup) int {
			return slices.Index(queueStates, a.State) - slices.Index(queueStates, b.State)
		})
		for _, g := range t.Groups {
			// Oldest first: by submission, or by creation for what was never submitted.
			slices.SortStableFunc(g.Rows, func(a, b referralQueueRow) int {
				return referralSince(a.Referral).Compare(referralSince(b.Referral))
			})
		}
	}
	s.render(w, r, http.StatusOK, "referral_queue", s.newView(r, "referral.queue.title", teams))
}

// referralSince is when a referral started waiting: its submission, or its
// creation when it was never submitted.
func referralSince(r casus.Referral) time.Time {
	if r.SubmittedAt != nil {
		return *r.SubmittedAt
	}
	return r.CreatedAt
}
