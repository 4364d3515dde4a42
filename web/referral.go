package web

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"

	"casus"
	"casus/app"
)

// Referrals (aanmeldingen): a mentor, care contact or coordinator starts one
// from the student's page, fills in the standard form as a draft, and submits
// it when it is complete; the care contact preselects mentors' referrals to
// the intern zorgteam and the chair of the team triages. The workflow is in
// app/referral.go; a referral the user may not read answers 404, logged
// there as a denial.

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
	{Key: "referral.section.reason", Fields: []casus.ReferralField{casus.FieldReason, casus.FieldProblemCategory}},
	{Key: "referral.section.needs", Hint: "referral.section.needs_hint",
		Fields: []casus.ReferralField{casus.FieldNeedsEducation, casus.FieldNeedsCare}},
	{Key: "referral.section.support", Hint: "referral.section.support_hint",
		Fields: []casus.ReferralField{casus.FieldSupportSchool, casus.FieldSupportParents, casus.FieldParenting}},
	{Key: "referral.section.factors.student", Factor: true,
		Fields: []casus.ReferralField{casus.FieldStudentHindering, casus.FieldStudentProtective}},
	{Key: "referral.section.factors.school", Factor: true,
		Fields: []casus.ReferralField{casus.FieldSchoolHindering, casus.FieldSchoolProtective}},
	{Key: "referral.section.factors.family", Factor: true,
		Fields: []casus.ReferralField{casus.FieldFamilyHindering, casus.FieldFamilyProtective}},
	{Key: "referral.section.done", Fields: []casus.ReferralField{casus.FieldDoneBefore, casus.FieldDoneResult}},
	{Key: "referral.section.involved", Hint: "referral.section.involved_hint",
		Fields: []casus.ReferralField{casus.FieldAgencies, casus.FieldAssessments, casus.FieldInformed}},
	{Key: "referral.section.questions", Hint: "referral.section.questions_hint",
		Fields: []casus.ReferralField{casus.FieldQuestionStudent, casus.FieldQuestionParents, casus.FieldQuestionSchool}},
}

// handleReferralNew shows the start of a referral: the student's facts and
// the teams serving their school.
func (s *Server) handleReferralNew(w http.ResponseWriter, r *http.Request) {
	page, err := s.app.StartReferral(r.Context(), s.actor(r), r.PathValue("id"))
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	s.renderReferralNew(w, r, page, nil)
}

// renderReferralNew shows the start of a referral; with f, again with its
// errors.
func (s *Server) renderReferralNew(w http.ResponseWriter, r *http.Request, page app.ReferralStart, f *form) {
	v := s.newView(r, "referral.new.title", page)
	status := http.StatusOK
	if f != nil {
		v.Form, status = f, http.StatusBadRequest
	}
	s.render(w, r, status, "referral_new", v)
}

// handleReferralCreate starts a draft referral of the student to the chosen
// team, with the user as referrer and inbrenger (app.CreateReferral).
func (s *Server) handleReferralCreate(w http.ResponseWriter, r *http.Request) {
	f, err := parseForm(w, r)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	in := app.NewReferral{StudentID: r.PathValue("id"), TeamID: f.chosen("team"),
		Urgency: casus.Urgency(f.choice("urgency", false, stringsOf(casus.Urgencies)...))}
	ref, page, err := s.app.CreateReferral(r.Context(), s.actor(r), in, f.Errs)
	if errs, ok := validationErrors(err); ok {
		f.Errs = errs
		s.renderReferralNew(w, r, page, f)
		return
	}
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	http.Redirect(w, r, "/referrals/"+ref.ID+"/edit", http.StatusSeeOther)
}

// referralFormPage is the form of a draft or returned referral.
type referralFormPage struct {
	app.ReferralForm
	Sections []referralSection
	Saved    bool
}

// referralFormValues is the stored referral as form values.
func referralFormValues(ref casus.Referral) url.Values {
	vs := url.Values{"version": {strconv.Itoa(ref.Version)}, "inbrenger": {ref.InbrengerID}, "urgency": {string(ref.Urgency)}}
	for _, fl := range casus.ReferralFields {
		vs.Set(string(fl), ref.Text[fl])
	}
	return vs
}

// handleReferralEdit shows the form of a draft or returned referral.
func (s *Server) handleReferralEdit(w http.ResponseWriter, r *http.Request) {
	page, err := s.app.EditReferral(r.Context(), s.actor(r), r.PathValue("id"))
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	v := s.newView(r, "referral.edit.title", referralFormPage{ReferralForm: page, Sections: referralSections,
		Saved: r.URL.Query().Get("saved") == "1"})
	v.Form = &form{Values: referralFormValues(page.Referral)}
	s.render(w, r, http.StatusOK, "referral_form", v)
}

// handleReferralSave saves the form (action "save") or submits it (action
// "submit"): app.SaveReferral. A refused submission or a stale save shows
// the form again as entered, with what is missing or that someone else
// changed it in between (409).
func (s *Server) handleReferralSave(w http.ResponseWriter, r *http.Request) {
	fm, err := parseFormMax(w, r, maxReferralFormBytes)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	in := app.ReferralEdit{ID: r.PathValue("id"), Action: fm.choice("action", true, "save", "submit"),
		Text: map[casus.ReferralField]string{}}
	for _, fl := range casus.ReferralFields {
		if fl == casus.FieldProblemCategory {
			in.Text[fl] = fm.text(string(fl), textRule{max: 100}) // checked against the list by the use case
			continue
		}
		in.Text[fl] = fm.paragraphs(string(fl), textRule{max: maxReferralText})
	}
	in.Urgency = casus.Urgency(fm.choice("urgency", true, stringsOf(casus.Urgencies)...))
	in.InbrengerID = fm.chosen("inbrenger")
	in.Version = referralVersion(fm)
	in.Entries = fm.Values["entries"]
	in.Answer = fm.paragraphs("answer", textRule{max: maxReferralText})
	page, err := s.app.SaveReferral(r.Context(), s.actor(r), in, fm.Errs)
	errs, invalid := validationErrors(err)
	if stale := page.Stale && casus.ErrorCode(err) == casus.ECONFLICT; invalid || stale {
		fm.Errs = errs
		v := s.newView(r, "referral.edit.title", referralFormPage{ReferralForm: page, Sections: referralSections})
		v.Form = fm
		if stale {
			v.Error = "referral.error.stale"
		}
		s.render(w, r, statusFor(casus.ErrorCode(err)), "referral_form", v)
		return
	}
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	if in.Action == "submit" {
		http.Redirect(w, r, "/referrals/"+in.ID+"?done=submitted", http.StatusSeeOther)
		return
	}
	http.Redirect(w, r, "/referrals/"+in.ID+"/edit?saved=1", http.StatusSeeOther)
}

// referralVersion reads the hidden version field of a referral form: the
// version the user saw, which someone else may have changed in between.
func referralVersion(f *form) int {
	v, err := strconv.Atoi(f.Values.Get("version"))
	if err != nil {
		f.fail("version", "error.unreadable_form", nil)
	}
	return v
}

// referralPage is a referral with its history and, to whoever may decide on
// it, the triage form.
type referralPage struct {
	app.ReferralView
	Sections []referralSection
	Done     string
}

// handleReferral shows a referral with its history and, to whoever may
// decide on it, the triage form.
func (s *Server) handleReferral(w http.ResponseWriter, r *http.Request) {
	page, err := s.app.ViewReferral(r.Context(), s.actor(r), r.PathValue("id"))
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	s.renderReferral(w, r, page, nil, http.StatusOK)
}

// renderReferral shows a referral; with fm, the triage form again with its
// errors.
func (s *Server) renderReferral(w http.ResponseWriter, r *http.Request, page app.ReferralView, fm *form, status int) {
	p := referralPage{ReferralView: page, Sections: referralSections}
	if d := r.URL.Query().Get("done"); slices.Contains([]string{"submitted", "decided", "escalated", "bridging"}, d) {
		p.Done = "referral.done." + d
	}
	v := s.newView(r, "referral.title", p)
	v.Form = fm
	if fm != nil && fm.Errs != nil {
		v.Error = "error.invalid_form"
	}
	s.render(w, r, status, "referral", v)
}

// handleReferralDecide takes a triage decision (app.DecideReferral):
// preselect, accept, return with a question, or redirect to another team
// or back to basic guidance with advice.
func (s *Server) handleReferralDecide(w http.ResponseWriter, r *http.Request) {
	fm, err := parseForm(w, r)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	in := app.ReferralDecision{ID: r.PathValue("id"),
		Decision: casus.Decision(fm.choice("decision", true, stringsOf(casus.Decisions)...)),
		Note:     fm.paragraphs("note", textRule{max: maxReferralNote})}
	if in.Decision == casus.DecideRedirect {
		in.Target = fm.chosen("target")
	}
	in.Version = referralVersion(fm)
	page, err := s.app.DecideReferral(r.Context(), s.actor(r), in, fm.Errs)
	if errs, ok := validationErrors(err); ok {
		fm.Errs = errs
		s.renderReferral(w, r, page, fm, http.StatusBadRequest)
		return
	}
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	http.Redirect(w, r, "/referrals/"+in.ID+"?done=decided", http.StatusSeeOther)
}

// handleReferralQueue lists the referrals the user has a part in, per team
// and state, oldest submission first (app.ReferralQueue).
func (s *Server) handleReferralQueue(w http.ResponseWriter, r *http.Request) {
	teams, err := s.app.ReferralQueue(r.Context(), s.actor(r))
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "referral_queue", s.newView(r, "referral.queue.title", teams))
}
