package web

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"casus"
	"casus/app"
)

// holdReasonMax is the longest reason for setting or lifting a legal hold.
const holdReasonMax = 1000

// retentionPage shows a student's retention date and legal holds, and the
// erasure form, to the zorgcoördinator.
type retentionPage struct {
	StudentID   string
	StudentName string
	Status      casus.RetentionStatus
	Basis       *time.Time
	Due         *time.Time
	Held        bool
	Grounds     []casus.ErasureGround
	Form        string // which form the errors belong to: hold, lift:<id>, erase
}

func retentionPageOf(v app.RetentionView, which string) retentionPage {
	st := v.Status
	return retentionPage{StudentID: v.StudentID, StudentName: v.StudentName, Status: st, Basis: st.Basis(), Due: st.Due(),
		Held: st.Held(), Grounds: casus.ErasureGrounds, Form: which}
}

// retentionNotices are the page's notices after a change, by ?saved=.
var retentionNotices = map[string]string{"hold": "retention.hold_saved", "lifted": "retention.hold_lifted", "left": "retention.left_saved"}

// handleRetention shows the retention page.
func (s *Server) handleRetention(w http.ResponseWriter, r *http.Request) {
	rv, err := s.app.Retention(r.Context(), s.actor(r), r.PathValue("id"))
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	v := s.newView(r, "retention.title", retentionPageOf(rv, ""))
	v.Notice = retentionNotices[r.URL.Query().Get("saved")]
	s.render(w, r, http.StatusOK, "retention", v)
}

// retentionChanged answers a change on the retention page: a form the use
// case refused shows the page again with its errors (400) beside the form
// which; success goes to next.
func (s *Server) retentionChanged(w http.ResponseWriter, r *http.Request, f *form, which string, page app.RetentionView, err error, next string) {
	if errs, ok := validationErrors(err); ok {
		f.Errs = errs
		v := s.newView(r, "retention.title", retentionPageOf(page, which))
		v.Form = f
		s.render(w, r, http.StatusBadRequest, "retention", v)
		return
	}
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	http.Redirect(w, r, next, http.StatusSeeOther)
}

// handleHoldCreate sets a legal hold on the student's file with a reason.
func (s *Server) handleHoldCreate(w http.ResponseWriter, r *http.Request) {
	f, err := parseForm(w, r)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	reason := f.paragraphs("hold_reason", textRule{required: true, max: holdReasonMax})
	page, err := s.app.SetLegalHold(r.Context(), s.actor(r), r.PathValue("id"), reason, f.Errs)
	s.retentionChanged(w, r, f, "hold", page, err, "/students/"+r.PathValue("id")+"/retention?saved=hold")
}

// handleHoldLift lifts a legal hold of the student with a reason.
func (s *Server) handleHoldLift(w http.ResponseWriter, r *http.Request) {
	hold := r.PathValue("hold")
	if !casus.ValidID(hold) {
		s.renderError(w, r, casus.ErrNotFound)
		return
	}
	f, err := parseForm(w, r)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	reason := f.paragraphs("lift_reason", textRule{required: true, max: holdReasonMax})
	page, err := s.app.LiftLegalHold(r.Context(), s.actor(r), r.PathValue("id"), hold, reason, f.Errs)
	s.retentionChanged(w, r, f, "lift:"+hold, page, err, "/students/"+r.PathValue("id")+"/retention?saved=lifted")
}

// handleStudentLeft records the day the student left school (the retention
// period runs from it), or, with enrolled=yes, that the student is enrolled
// after all (app.RecordStudentLeft checks the day).
func (s *Server) handleStudentLeft(w http.ResponseWriter, r *http.Request) {
	f, err := parseForm(w, r)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	enrolled := f.Values.Get("enrolled") == "yes"
	var day time.Time
	if !enrolled {
		day = retentionDay(f, "left_on")
	}
	page, err := s.app.RecordStudentLeft(r.Context(), s.actor(r), r.PathValue("id"), enrolled, day, f.Errs)
	s.retentionChanged(w, r, f, "left", page, err, "/students/"+r.PathValue("id")+"/retention?saved=left")
}

// retentionDay reads a required day as typed (YYYY-MM-DD), leaving its bounds
// to the use case; zero when it is missing or malformed.
func retentionDay(f *form, name string) time.Time {
	v := f.text(name, textRule{required: true, max: 10})
	if v == "" || f.Error(name) != nil {
		return time.Time{}
	}
	d, err := time.Parse(time.DateOnly, v)
	if err != nil {
		f.fail(name, "error.date", nil)
		return time.Time{}
	}
	return d
}

// handleErase erases the student's file on request (AVG art. 17) through
// the destruction path of the retention job, with the legal ground
// recorded. The form asks for an explicit confirmation. A file under a
// legal hold is not erased.
func (s *Server) handleErase(w http.ResponseWriter, r *http.Request) {
	f, err := parseForm(w, r)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	ground := casus.ErasureGround(f.choice("ground", true, stringsOf(casus.ErasureGrounds)...))
	if f.Values.Get("confirm") != "yes" {
		f.fail("confirm", "retention.erase_confirm_required", nil)
	}
	page, err := s.app.EraseStudent(r.Context(), s.actor(r), r.PathValue("id"), ground, f.Errs)
	s.retentionChanged(w, r, f, "erase", page, err, "/students?erased=1")
}

// adminRetentionPage is the beheerder's page of retention rules.
type adminRetentionPage struct {
	Rules           []casus.RetentionRule
	AccessLogMonths int
	Saved           bool
}

// ruleField names a rule's form field.
func ruleField(r casus.RetentionRule) string { return "months_" + string(r.Kind) + "_" + r.SchoolID }

func (s *Server) adminRetentionPage(r *http.Request) (adminRetentionPage, error) {
	rules, err := s.app.RetentionRulesNow(r.Context())
	return adminRetentionPage{Rules: rules.Rules, AccessLogMonths: rules.AccessLogMonths}, err
}

// handleAdminRetention shows the retention rules per school and the access
// log's retention.
func (s *Server) handleAdminRetention(w http.ResponseWriter, r *http.Request) {
	page, err := s.adminRetentionPage(r)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	page.Saved = r.URL.Query().Get("done") == "1"
	f := &form{Values: map[string][]string{"access_log_months": {strconv.Itoa(page.AccessLogMonths)}}}
	for _, rule := range page.Rules {
		f.Values.Set(ruleField(rule), strconv.Itoa(rule.Months))
	}
	v := s.newView(r, "retention.admin_title", page)
	v.Form = f
	s.render(w, r, http.StatusOK, "retention_admin", v)
}

// handleAdminSaveRetention stores the rules; any bad number refuses the
// whole form and stores nothing.
func (s *Server) handleAdminSaveRetention(w http.ResponseWriter, r *http.Request) {
	f, err := parseForm(w, r)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	page, err := s.adminRetentionPage(r)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	months := make([]int, len(page.Rules))
	for i, rule := range page.Rules {
		months[i] = monthsField(f, ruleField(rule))
	}
	logMonths := monthsField(f, "access_log_months")
	if f.Errs != nil {
		v := s.newView(r, "retention.admin_title", page)
		v.Form = f
		s.render(w, r, http.StatusBadRequest, "retention_admin", v)
		return
	}
	was := app.RetentionRules{Rules: page.Rules, AccessLogMonths: page.AccessLogMonths}
	if err := s.app.SaveRetentionRules(r.Context(), s.actor(r), was, months, logMonths); err != nil {
		s.renderError(w, r, err)
		return
	}
	http.Redirect(w, r, "/admin/retention?done=1", http.StatusSeeOther)
}

// monthsField reads a whole number of months between 1 and
// casus.MaxRetentionMonths.
func monthsField(f *form, name string) int {
	v := strings.TrimSpace(f.Values.Get(name))
	n, err := strconv.Atoi(v)
	switch {
	case v == "":
		f.fail(name, "error.required", nil)
	case err != nil || n < 1 || n > casus.MaxRetentionMonths:
		f.fail(name, "retention.months_invalid", map[string]any{"Max": casus.MaxRetentionMonths})
	}
	return n
}
