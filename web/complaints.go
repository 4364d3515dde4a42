package web

import (
	"context"
	"net/http"
	"net/url"
	"time"

	"casus"
	"casus/storage"
)

// Limits of the complaint forms' fields, in characters.
const (
	complaintTextMax = 4000
	complaintNameMax = 200
)

type complaintsPage struct {
	Handles    bool // the user handles complaints (lists them, registers them)
	Complaints []casus.Complaint
	Counts     []casus.ComplaintCount
}

// complaintTeams returns the ids of the teams whose complaints the user
// handles (the teams they chair) or, for management, whose figures they
// see (the teams serving their school).
func complaintTeams(ctx context.Context, tx *storage.Tx, u casus.User) ([]string, error) {
	if casus.CanHandleComplaints(u) {
		teams, err := tx.ChairedTeams(ctx, u.ID)
		return idsOf(teams, func(t casus.CareTeam) string { return t.ID }), err
	}
	if u.SchoolID == "" {
		return nil, nil
	}
	teams, err := tx.TeamsServing(ctx, u.SchoolID)
	return idsOf(teams, func(t casus.CareTeam) string { return t.ID }), err
}

// handleComplaints lists the complaints of the teams the zorgcoördinator
// chairs, with the monitoring figures; management sees the figures only,
// which name nobody.
func (s *Server) handleComplaints(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	u := *state(r).user
	if !casus.CanSeeComplaintFigures(u) {
		s.renderError(w, r, &casus.Error{Code: casus.EFORBIDDEN, Key: "error.forbidden"})
		return
	}
	page := complaintsPage{Handles: casus.CanHandleComplaints(u)}
	err := s.db.Update(ctx, func(tx *storage.Tx) error {
		teams, err := complaintTeams(ctx, tx, u)
		if err != nil {
			return err
		}
		if page.Counts, err = tx.ComplaintCounts(ctx, teams); err != nil || !page.Handles {
			return err
		}
		if page.Complaints, err = tx.Complaints(ctx, teams); err != nil {
			return err
		}
		e := s.accessEntry(r, casus.ActRead, "complaints list")
		e.ObjectKind = "complaints"
		return logAccess(ctx, tx, e, casus.Access{Allowed: true, Relation: casus.RelCoordinator})
	})
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	v := s.newView(r, "complaints.title", page)
	if r.URL.Query().Get("saved") == "1" {
		v.Notice = "complaints.saved"
	}
	s.render(w, r, http.StatusOK, "complaints", v)
}

type complaintNewPage struct {
	Abouts  []casus.ComplaintAbout
	Teams   []casus.CareTeam
	Members []complaintMember
}

// complaintMember is a member of a chaired team, who can be complained
// about.
type complaintMember struct {
	TeamID, TeamName, UserID, Name, Org string
}

func (s *Server) complaintNewPage(ctx context.Context, tx *storage.Tx, u casus.User) (complaintNewPage, error) {
	page := complaintNewPage{Abouts: []casus.ComplaintAbout{casus.AboutTeam, casus.AboutMember}}
	var err error
	if page.Teams, err = tx.ChairedTeams(ctx, u.ID); err != nil {
		return page, err
	}
	for _, t := range page.Teams {
		ms, err := tx.TeamMembers(ctx, t.ID)
		if err != nil {
			return page, err
		}
		for _, m := range ms {
			page.Members = append(page.Members, complaintMember{TeamID: t.ID, TeamName: t.Name, UserID: m.User.ID, Name: m.User.Name, Org: m.User.OrgName})
		}
	}
	return page, nil
}

func (s *Server) handlesComplaints(w http.ResponseWriter, r *http.Request) bool {
	if !casus.CanHandleComplaints(*state(r).user) {
		s.renderError(w, r, &casus.Error{Code: casus.EFORBIDDEN, Key: "error.forbidden"})
		return false
	}
	return true
}

// handleComplaintNew shows the form that registers a complaint.
func (s *Server) handleComplaintNew(w http.ResponseWriter, r *http.Request) {
	if !s.handlesComplaints(w, r) {
		return
	}
	var page complaintNewPage
	err := s.db.View(r.Context(), func(tx *storage.Tx) (err error) {
		page, err = s.complaintNewPage(r.Context(), tx, *state(r).user)
		return err
	})
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	f := &form{Values: url.Values{"about": {string(casus.AboutTeam)}, "received_on": {s.today().Format(time.DateOnly)}}}
	if len(page.Teams) > 0 {
		f.Values.Set("team", page.Teams[len(page.Teams)-1].ID)
	}
	v := s.newView(r, "complaints.new", page)
	v.Form = f
	s.render(w, r, http.StatusOK, "complaint_new", v)
}

// handleComplaintCreate registers a complaint. One about a member is
// referred to the procedure of the member's own institution, recorded with
// the institution and the day.
func (s *Server) handleComplaintCreate(w http.ResponseWriter, r *http.Request) {
	if !s.handlesComplaints(w, r) {
		return
	}
	f, err := parseForm(w, r)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	ctx := r.Context()
	u := *state(r).user
	var page complaintNewPage
	var c casus.Complaint
	invalid := false
	err = s.db.Update(ctx, func(tx *storage.Tx) error {
		if page, err = s.complaintNewPage(ctx, tx, u); err != nil {
			return err
		}
		c = casus.Complaint{HandlerID: u.ID, Status: casus.ComplaintFirstStep,
			TeamID:      f.choice("team", true, idsOf(page.Teams, func(t casus.CareTeam) string { return t.ID })...),
			About:       casus.ComplaintAbout(f.choice("about", true, string(casus.AboutTeam), string(casus.AboutMember))),
			Complainant: f.text("complainant", textRule{required: true, max: complaintNameMax}),
			Summary:     f.paragraphs("summary", textRule{required: true, max: complaintTextMax}),
			ReceivedOn:  s.careDateField(f, "received_on"),
		}
		if c.About == casus.AboutMember {
			var ids []string
			for _, m := range page.Members {
				if m.TeamID == c.TeamID {
					ids = append(ids, m.UserID)
				}
			}
			c.MemberID = f.choice("member", true, ids...)
			for _, m := range page.Members {
				if m.UserID == c.MemberID && m.TeamID == c.TeamID {
					c.ReferredTo, c.ReferredOn, c.Status = m.Org, s.today(), casus.ComplaintReferred
				}
			}
		}
		if f.Errs != nil {
			invalid = true
			return nil
		}
		if err := tx.AddComplaint(ctx, &c); err != nil {
			return err
		}
		e := s.accessEntry(r, casus.ActCreate, "complaint")
		e.ObjectKind, e.ObjectID = "complaint", c.ID
		return logAccess(ctx, tx, e, casus.Access{Allowed: true, Relation: casus.RelCoordinator})
	})
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	if invalid {
		v := s.newView(r, "complaints.new", page)
		v.Form = f
		s.render(w, r, http.StatusBadRequest, "complaint_new", v)
		return
	}
	http.Redirect(w, r, "/complaints/"+c.ID+"?saved=1", http.StatusSeeOther)
}

type complaintPage struct {
	YesNo     []string
	Complaint casus.Complaint
	Decisions []casus.FormalDecision
}

// complaintTx runs fn on one complaint of the teams the user chairs, in one
// transaction with its access-log entry; a complaint of another team, an
// unknown one and a malformed id are all not found.
func (s *Server) complaintTx(w http.ResponseWriter, r *http.Request, action casus.AccessAction, purpose string, f *form,
	fn func(tx *storage.Tx, c *casus.Complaint) error) (casus.Complaint, bool) {
	ctx := r.Context()
	u := *state(r).user
	id := r.PathValue("id")
	var c casus.Complaint
	err := s.updateLogged(ctx, func(tx *storage.Tx) error {
		e := s.accessEntry(r, action, purpose)
		e.ObjectKind, e.ObjectID = "complaint", truncate(id, 64)
		if !casus.ValidID(id) {
			return logDenied(ctx, tx, e, casus.ErrNotFound)
		}
		teams, err := complaintTeams(ctx, tx, u)
		if err != nil {
			return err
		}
		if c, err = tx.Complaint(ctx, id, teams); err != nil {
			if casus.ErrorCode(err) == casus.ENOTFOUND {
				return logDenied(ctx, tx, e, err)
			}
			return err
		}
		if err := fn(tx, &c); err != nil {
			if casus.ErrorCode(err) == casus.EINVALID || casus.ErrorCode(err) == casus.ECONFLICT {
				e.Action, e.Purpose = casus.ActRead, purpose+" (refused)"
				return &denial{err: err, entry: e, access: casus.Access{Allowed: true, Relation: casus.RelCoordinator}}
			}
			return err
		}
		return logAccess(ctx, tx, e, casus.Access{Allowed: true, Relation: casus.RelCoordinator})
	})
	if err != nil {
		if casus.ErrorCode(err) == casus.EINVALID {
			// The page again, with the form's messages beside the fields.
			return c, s.renderComplaint(w, r, c, f, http.StatusBadRequest)
		}
		s.renderError(w, r, err)
		return c, false
	}
	return c, true
}

func (s *Server) renderComplaint(w http.ResponseWriter, r *http.Request, c casus.Complaint, f *form, status int) bool {
	v := s.newView(r, "complaint.title", complaintPage{Complaint: c, Decisions: casus.FormalDecisions, YesNo: []string{"yes", "no"}})
	v.Form = f
	switch r.URL.Query().Get("saved") {
	case "1":
		v.Notice = "complaints.saved"
	case "step":
		v.Notice = "complaint.step_saved"
	}
	s.render(w, r, status, "complaint", v)
	return false
}

// handleComplaint shows a complaint and the forms of its next steps.
func (s *Server) handleComplaint(w http.ResponseWriter, r *http.Request) {
	if !s.handlesComplaints(w, r) {
		return
	}
	c, ok := s.complaintTx(w, r, casus.ActRead, "complaint", nil, func(*storage.Tx, *casus.Complaint) error { return nil })
	if ok {
		s.renderComplaint(w, r, c, nil, http.StatusOK)
	}
}

// complaintStep handles the form of one step of the procedure: apply
// validates the form into the complaint, or fails.
func (s *Server) complaintStep(w http.ResponseWriter, r *http.Request, purpose string, apply func(f *form, c *casus.Complaint)) {
	if !s.handlesComplaints(w, r) {
		return
	}
	f, err := parseForm(w, r)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	c, ok := s.complaintTx(w, r, casus.ActChange, purpose, f, func(tx *storage.Tx, c *casus.Complaint) error {
		before := *c
		apply(f, c)
		if f.Errs != nil {
			*c = before
			return f.Errs
		}
		return tx.UpdateComplaint(r.Context(), c)
	})
	if !ok {
		return
	}
	http.Redirect(w, r, "/complaints/"+c.ID+"?saved=step", http.StatusSeeOther)
}

// handleComplaintFirst records the first step with the zorgcoördinator:
// the day, the outcome, and whether it resolved the complaint; if not, the
// formal procedure starts.
func (s *Server) handleComplaintFirst(w http.ResponseWriter, r *http.Request) {
	s.complaintStep(w, r, "complaint first step", func(f *form, c *casus.Complaint) {
		if c.Status != casus.ComplaintFirstStep {
			f.fail("first_on", "complaint.not_this_step", nil)
			return
		}
		c.FirstOn = s.careDateField(f, "first_on")
		c.FirstResult = f.paragraphs("first_outcome", textRule{required: true, max: complaintTextMax})
		resolved := f.choice("resolved", true, "yes", "no")
		if !c.FirstOn.IsZero() && c.FirstOn.Before(c.ReceivedOn) {
			f.fail("first_on", "complaint.before_received", nil)
		}
		yes := resolved == "yes"
		c.Resolved = &yes
		c.Status = casus.ComplaintFormal
		if yes {
			c.Status = casus.ComplaintResolved
		}
	})
}

// handleComplaintFormal records the formal procedure's decision.
func (s *Server) handleComplaintFormal(w http.ResponseWriter, r *http.Request) {
	s.complaintStep(w, r, "complaint formal procedure", func(f *form, c *casus.Complaint) {
		if c.Status != casus.ComplaintFormal {
			f.fail("formal_on", "complaint.not_this_step", nil)
			return
		}
		c.FormalOn = s.careDateField(f, "formal_on")
		c.FormalText = f.paragraphs("formal_outcome", textRule{required: true, max: complaintTextMax})
		c.Decision = casus.FormalDecision(f.choice("decision", true, stringsOf(casus.FormalDecisions)...))
		if !c.FormalOn.IsZero() && c.FormalOn.Before(c.FirstOn) {
			f.fail("formal_on", "complaint.before_first", nil)
		}
		c.Status = casus.ComplaintDecided
	})
}

// handleComplaintInformed records that the complainant was told of their
// rights: to complain, and to a copy of the full procedure.
func (s *Server) handleComplaintInformed(w http.ResponseWriter, r *http.Request) {
	s.complaintStep(w, r, "complaint complainant informed", func(f *form, c *casus.Complaint) {
		if !c.InformedOn.IsZero() {
			f.fail("informed_on", "complaint.not_this_step", nil)
			return
		}
		c.InformedOn = s.careDateField(f, "informed_on")
		c.InformedHow = f.text("informed_how", textRule{required: true, max: complaintNameMax})
	})
}
