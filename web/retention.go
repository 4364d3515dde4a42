package web

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"casus"
	"casus/storage"
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

func (s *Server) loadRetentionPage(c *careCtx) (retentionPage, error) {
	st, err := c.tx.RetentionStatus(c.ctx, c.st.ID)
	if err != nil {
		return retentionPage{}, err
	}
	return retentionPage{StudentID: c.st.ID, StudentName: c.st.Name(), Status: st, Basis: st.Basis(), Due: st.Due(),
		Held: st.Held(), Grounds: casus.ErasureGrounds}, nil
}

// handleRetention shows the retention page.
func (s *Server) handleRetention(w http.ResponseWriter, r *http.Request) {
	var page retentionPage
	ok := s.careTx(w, r, casus.ActRead, "retention", "retention", func(c *careCtx) (casus.Access, error) {
		a := casus.CanManageRetention(c.u, c.rel)
		if !a.Allowed {
			return a, nil
		}
		var err error
		page, err = s.loadRetentionPage(c)
		return a, err
	})
	if !ok {
		return
	}
	v := s.newView(r, "retention.title", page)
	switch r.URL.Query().Get("saved") {
	case "hold":
		v.Notice = "retention.hold_saved"
	case "lifted":
		v.Notice = "retention.hold_lifted"
	case "left":
		v.Notice = "retention.left_saved"
	}
	s.render(w, r, http.StatusOK, "retention", v)
}

// retentionChange runs a change on the retention page of the student in the
// path: validate checks the form and returns what to do. A form with errors
// shows the page again with them (400), logged as a refused read; nothing is
// written.
func (s *Server) retentionChange(w http.ResponseWriter, r *http.Request, purpose, which string,
	validate func(c *careCtx, f *form) func(c *careCtx) error) (bool, *careCtx) {
	f, err := parseForm(w, r)
	if err != nil {
		s.renderError(w, r, err)
		return false, nil
	}
	var page retentionPage
	var invalid bool
	var done *careCtx
	ok := s.careTx(w, r, casus.ActChange, purpose, "retention", func(c *careCtx) (casus.Access, error) {
		a := casus.CanManageRetention(c.u, c.rel)
		if !a.Allowed {
			return a, nil
		}
		do := validate(c, f)
		if f.Errs != nil {
			invalid = true
			c.e.Action, c.e.Purpose = casus.ActRead, purpose+" (refused)"
			var err error
			page, err = s.loadRetentionPage(c)
			page.Form = which
			return a, err
		}
		done = c
		return a, do(c)
	})
	if !ok {
		return false, nil
	}
	if invalid {
		v := s.newView(r, "retention.title", page)
		v.Form = f
		s.render(w, r, http.StatusBadRequest, "retention", v)
		return false, nil
	}
	return true, done
}

// handleHoldCreate sets a legal hold on the student's file with a reason.
func (s *Server) handleHoldCreate(w http.ResponseWriter, r *http.Request) {
	ok, _ := s.retentionChange(w, r, "legal hold", "hold", func(_ *careCtx, f *form) func(c *careCtx) error {
		reason := f.paragraphs("hold_reason", textRule{required: true, max: holdReasonMax})
		return func(c *careCtx) error {
			return c.tx.AddLegalHold(c.ctx, &casus.LegalHold{StudentID: c.st.ID, Reason: reason, SetBy: c.u.ID})
		}
	})
	if ok {
		http.Redirect(w, r, "/students/"+r.PathValue("id")+"/retention?saved=hold", http.StatusSeeOther)
	}
}

// handleHoldLift lifts a legal hold of the student with a reason.
func (s *Server) handleHoldLift(w http.ResponseWriter, r *http.Request) {
	hold := r.PathValue("hold")
	if !casus.ValidID(hold) {
		s.renderError(w, r, casus.ErrNotFound)
		return
	}
	ok, _ := s.retentionChange(w, r, "legal hold lifted", "lift:"+hold, func(_ *careCtx, f *form) func(c *careCtx) error {
		reason := f.paragraphs("lift_reason", textRule{required: true, max: holdReasonMax})
		return func(c *careCtx) error { return c.tx.LiftLegalHold(c.ctx, c.st.ID, hold, c.u.ID, reason) }
	})
	if ok {
		http.Redirect(w, r, "/students/"+r.PathValue("id")+"/retention?saved=lifted", http.StatusSeeOther)
	}
}

// handleStudentLeft records the day the student left school (the retention
// period runs from it), or, with enrolled=yes, that the student is enrolled
// after all. The day may not lie in the future.
func (s *Server) handleStudentLeft(w http.ResponseWriter, r *http.Request) {
	ok, _ := s.retentionChange(w, r, "student left school", "left", func(c *careCtx, f *form) func(c *careCtx) error {
		if f.Values.Get("enrolled") == "yes" {
			return func(c *careCtx) error { return c.tx.SetStudentLeft(c.ctx, c.st.ID, nil) }
		}
		// Not before the file began (nor the student was born): a slip of
		// the year would otherwise have the file destroyed the next night.
		notBefore := c.st.DateOfBirth
		start, err := c.tx.FileStart(c.ctx, c.st.ID)
		if err != nil {
			return func(*careCtx) error { return err }
		}
		if start != nil {
			notBefore = *start
		}
		day := f.day("left_on", true, notBefore, "retention.left_before_file")
		if day.After(s.today()) {
			f.fail("left_on", "retention.left_future", nil)
		}
		return func(c *careCtx) error { return c.tx.SetStudentLeft(c.ctx, c.st.ID, &day) }
	})
	if ok {
		http.Redirect(w, r, "/students/"+r.PathValue("id")+"/retention?saved=left", http.StatusSeeOther)
	}
}

// handleErase erases the student's file on request (AVG art. 17) through
// the destruction path of the retention job, with the legal ground
// recorded. The form asks for an explicit confirmation. A file under a
// legal hold is not erased.
func (s *Server) handleErase(w http.ResponseWriter, r *http.Request) {
	ok, _ := s.retentionChange(w, r, "erasure", "erase", func(_ *careCtx, f *form) func(c *careCtx) error {
		ground := casus.ErasureGround(f.choice("ground", true, stringsOf(casus.ErasureGrounds)...))
		if f.Values.Get("confirm") != "yes" {
			f.fail("confirm", "retention.erase_confirm_required", nil)
		}
		return func(c *careCtx) error {
			_, err := c.tx.DestroyStudent(c.ctx, c.st.ID, storage.DestroyOptions{Cause: casus.CauseErasure, Ground: ground,
				ActorID: c.u.ID})
			return err
		}
	})
	if ok {
		http.Redirect(w, r, "/students?erased=1", http.StatusSeeOther)
	}
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
	var page adminRetentionPage
	err := s.db.View(r.Context(), func(tx *storage.Tx) error {
		var err error
		if page.Rules, err = tx.RetentionRules(r.Context()); err != nil {
			return err
		}
		page.AccessLogMonths, err = tx.AccessLogMonths(r.Context())
		return err
	})
	return page, err
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
	ctx := r.Context()
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
	u := state(r).user
	err = s.db.Update(ctx, func(tx *storage.Tx) error {
		var changes []string
		for i, rule := range page.Rules {
			if months[i] == rule.Months && rule.Default {
				continue // the default stays the default
			}
			if err := tx.SetRetentionRule(ctx, rule.SchoolID, rule.Kind, months[i], u.ID); err != nil {
				return err
			}
			if months[i] != rule.Months {
				changes = append(changes, fmt.Sprintf("%s, %s: %d → %d months", rule.SchoolName, rule.Kind, rule.Months, months[i]))
			}
		}
		if logMonths != page.AccessLogMonths {
			changes = append(changes, fmt.Sprintf("access log: %d → %d months", page.AccessLogMonths, logMonths))
		}
		if err := tx.SetAccessLogMonths(ctx, logMonths); err != nil {
			return err
		}
		if len(changes) == 0 {
			return nil // saved as it was: nothing to record
		}
		e := s.securityEvent(r, casus.SecRetentionChanged)
		e.Detail = strings.Join(changes, "; ")
		return tx.LogSecurityEvent(ctx, e)
	})
	if err != nil {
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
