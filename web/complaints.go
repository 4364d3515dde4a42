package web

import (
	"net/http"
	"net/url"
	"time"

	"casus"
	"casus/app"
)

// Limits of the complaint forms' fields, in characters.
const (
	complaintTextMax = 4000
	complaintNameMax = 200
)

type complaintsPage = app.ComplaintList

// handleComplaints lists the complaints of the teams the zorgcoördinator
// chairs, with the monitoring figures; management sees the figures only,
// which name nobody.
func (s *Server) handleComplaints(w http.ResponseWriter, r *http.Request) {
	page, err := s.app.Complaints(r.Context(), s.actor(r))
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

type complaintNewPage = app.ComplaintForm

// handleComplaintNew shows the form that registers a complaint.
func (s *Server) handleComplaintNew(w http.ResponseWriter, r *http.Request) {
	page, err := s.app.ComplaintFormFor(r.Context(), s.actor(r))
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

// handleComplaintCreate registers a complaint (app.RegisterComplaint). One
// about a member is referred to the procedure of the member's own
// institution.
func (s *Server) handleComplaintCreate(w http.ResponseWriter, r *http.Request) {
	f, err := parseForm(w, r)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	in := casus.Complaint{
		TeamID:      f.chosen("team"),
		About:       casus.ComplaintAbout(f.choice("about", true, string(casus.AboutTeam), string(casus.AboutMember))),
		Complainant: f.text("complainant", textRule{required: true, max: complaintNameMax}),
		Summary:     f.paragraphs("summary", textRule{required: true, max: complaintTextMax}),
		ReceivedOn:  s.careDateField(f, "received_on"),
	}
	if in.About == casus.AboutMember {
		in.MemberID = f.chosen("member")
	}
	page, c, err := s.app.RegisterComplaint(r.Context(), s.actor(r), in, f.Errs)
	if errs, ok := validationErrors(err); ok {
		f.Errs = errs
		v := s.newView(r, "complaints.new", page)
		v.Form = f
		s.render(w, r, http.StatusBadRequest, "complaint_new", v)
		return
	}
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	http.Redirect(w, r, "/complaints/"+c.ID+"?saved=1", http.StatusSeeOther)
}

type complaintPage struct {
	YesNo     []string
	Complaint casus.Complaint
	Decisions []casus.FormalDecision
}

func (s *Server) renderComplaint(w http.ResponseWriter, r *http.Request, c casus.Complaint, f *form, status int) {
	v := s.newView(r, "complaint.title", complaintPage{Complaint: c, Decisions: casus.FormalDecisions, YesNo: []string{"yes", "no"}})
	v.Form = f
	switch r.URL.Query().Get("saved") {
	case "1":
		v.Notice = "complaints.saved"
	case "step":
		v.Notice = "complaint.step_saved"
	}
	s.render(w, r, status, "complaint", v)
}

// handleComplaint shows a complaint and the forms of its next steps.
func (s *Server) handleComplaint(w http.ResponseWriter, r *http.Request) {
	c, err := s.app.Complaint(r.Context(), s.actor(r), r.PathValue("id"))
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	s.renderComplaint(w, r, c, nil, http.StatusOK)
}

// complaintStep handles the form of one step of the procedure: parse reads
// the step's fields, the use case decides whether the step is due
// (app.NextComplaintStep).
func (s *Server) complaintStep(w http.ResponseWriter, r *http.Request, step casus.ComplaintStep, parse func(f *form) casus.ComplaintStepInput) {
	f, err := parseForm(w, r)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	in := parse(f)
	in.Step = step
	c, err := s.app.NextComplaintStep(r.Context(), s.actor(r), r.PathValue("id"), in, f.Errs)
	if errs, ok := validationErrors(err); ok {
		// The page again, with the form's messages beside the fields.
		f.Errs = errs
		s.renderComplaint(w, r, c, f, http.StatusBadRequest)
		return
	}
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	http.Redirect(w, r, "/complaints/"+c.ID+"?saved=step", http.StatusSeeOther)
}

// handleComplaintFirst records the first step with the zorgcoördinator:
// the day, the outcome, and whether it resolved the complaint; if not, the
// formal procedure starts.
func (s *Server) handleComplaintFirst(w http.ResponseWriter, r *http.Request) {
	s.complaintStep(w, r, casus.StepFirst, func(f *form) casus.ComplaintStepInput {
		return casus.ComplaintStepInput{On: s.careDateField(f, "first_on"),
			Text:     f.paragraphs("first_outcome", textRule{required: true, max: complaintTextMax}),
			Resolved: f.choice("resolved", true, "yes", "no") == "yes"}
	})
}

// handleComplaintFormal records the formal procedure's decision.
func (s *Server) handleComplaintFormal(w http.ResponseWriter, r *http.Request) {
	s.complaintStep(w, r, casus.StepFormal, func(f *form) casus.ComplaintStepInput {
		return casus.ComplaintStepInput{On: s.careDateField(f, "formal_on"),
			Text:     f.paragraphs("formal_outcome", textRule{required: true, max: complaintTextMax}),
			Decision: casus.FormalDecision(f.choice("decision", true, stringsOf(casus.FormalDecisions)...))}
	})
}

// handleComplaintInformed records that the complainant was told of their
// rights: to complain, and to a copy of the full procedure.
func (s *Server) handleComplaintInformed(w http.ResponseWriter, r *http.Request) {
	s.complaintStep(w, r, casus.StepInformed, func(f *form) casus.ComplaintStepInput {
		return casus.ComplaintStepInput{On: s.careDateField(f, "informed_on"),
			How: f.text("informed_how", textRule{required: true, max: complaintNameMax})}
	})
}
