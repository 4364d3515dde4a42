package web

import (
	"net/http"
	"net/url"
	"time"

	"casus"
	"casus/app"
	"casus/i18n"
)

// Requests for access (verzoek om inzage, AVG art. 15): the privacy
// officer registers a request, the student's zorgcoördinator reviews it,
// and only then is there an export (app.RegisterAccessRequest,
// app.ReviewAccessRequest).

// accessRequestNewPage is the form that registers a request.
type accessRequestNewPage struct {
	Student    casus.Student
	Guardians  []casus.Guardian
	Identities []casus.IdentityCheck
}

func accessRequestNewPageOf(f app.AccessRequestForm) accessRequestNewPage {
	return accessRequestNewPage{Student: f.Student, Guardians: f.Guardians, Identities: casus.IdentityChecks}
}

// accessRequestPage shows one request: who asked and how they were
// identified, the review (or its form, for the coordinator), and once
// reviewed the export it gives.
type accessRequestPage struct {
	exportPage
	Request   casus.AccessRequest
	Overdue   bool
	CanReview bool              // the reader is the student's zorgcoördinator and the request awaits review
	Parts     app.WithheldParts // what the review decides on
	// ReviewChoices are the answers per part, withheld first: the default.
	ReviewChoices []string
}

// accessRequestPageOf lays out the request page in l's language.
func accessRequestPageOf(l *i18n.Localizer, v app.AccessRequestView) accessRequestPage {
	page := accessRequestPage{exportPage: exportPageOf(l, v.ExportView), Request: v.Request, Overdue: v.Overdue,
		CanReview: v.CanReview, Parts: v.Parts, ReviewChoices: []string{"withhold", "release"}}
	// The warning to consult the coordinator is for the others: her review
	// form asks about the meldcode itself.
	page.Meldcode = page.Meldcode && !page.CanReview
	return page
}

// handleAccessRequestNew shows the form to register a request, with the
// student's guardians to choose from.
func (s *Server) handleAccessRequestNew(w http.ResponseWriter, r *http.Request) {
	rf, err := s.app.AccessRequestFormFor(r.Context(), s.actor(r), r.PathValue("id"))
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	v := s.newView(r, "access.new_title", accessRequestNewPageOf(rf))
	v.Form = &form{Values: url.Values{"received_on": {s.today().Format(time.DateOnly)}}}
	s.render(w, r, http.StatusOK, "access_request_new", v)
}

// handleAccessRequestCreate registers a request. The requester is the
// student, one of the student's guardians, or another person named with
// their relation; an identity check of the kind "other" needs its note.
func (s *Server) handleAccessRequestCreate(w http.ResponseWriter, r *http.Request) {
	f, err := parseForm(w, r)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	q := s.accessRequestOfForm(f)
	rf, q, err := s.app.RegisterAccessRequest(r.Context(), s.actor(r), r.PathValue("id"), q, f.Errs)
	if errs, ok := validationErrors(err); ok {
		f.Errs = errs
		v := s.newView(r, "access.new_title", accessRequestNewPageOf(rf))
		v.Form = f
		s.render(w, r, http.StatusBadRequest, "access_request_new", v)
		return
	}
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	http.Redirect(w, r, "/students/"+r.PathValue("id")+"/access-requests/"+q.ID+"?saved=registered", http.StatusSeeOther)
}

// accessRequestOfForm reads the request's form: when it came in, how the
// requester's identity was checked, and who asked.
func (s *Server) accessRequestOfForm(f *form) casus.AccessRequest {
	who := f.text("who", textRule{required: true, max: 64})
	q := casus.AccessRequest{
		ReceivedOn:   s.careDateField(f, "received_on"),
		Identity:     casus.IdentityCheck(f.choice("identity", true, stringsOf(casus.IdentityChecks)...)),
		IdentityNote: f.paragraphs("identity_note", textRule{max: casus.MaxIdentityNote}),
	}
	if q.Identity == casus.IdentityOther && q.IdentityNote == "" && f.Error("identity_note") == nil {
		f.fail("identity_note", "access.identity_note_required", nil)
	}
	if q.ReceivedOn.After(s.today()) {
		f.fail("received_on", "access.received_future", nil)
	}
	switch who {
	case "", string(casus.RequesterStudent):
		q.Requester = casus.RequesterStudent
	case string(casus.RequesterOther):
		q.Requester = casus.RequesterOther
		q.RequesterName = f.text("requester_name", textRule{required: true, max: casus.MaxPartyName})
		q.RequesterRelation = f.text("requester_relation", textRule{required: true, max: casus.MaxRelationText})
	default:
		q.Requester, q.GuardianID = casus.RequesterGuardian, who
		if !casus.ValidID(who) {
			f.fail("who", "error.choice", nil)
		}
	}
	return q
}

// accessRequestNotices are the notices of the request's page after a
// change, by the redirect's ?saved=.
var accessRequestNotices = map[string]string{
	"registered": "access.registered", "reviewed": "access.reviewed_notice", "withheld": "export.withheld_saved",
}

// handleAccessRequest shows a request, its review, and once reviewed the
// export it gives with the downloads.
func (s *Server) handleAccessRequest(w http.ResponseWriter, r *http.Request) {
	rv, err := s.app.AccessRequest(r.Context(), s.actor(r), r.PathValue("id"), r.PathValue("request"))
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	v := s.newView(r, "access.title", accessRequestPageOf(state(r).l, rv))
	v.Form = &form{Values: url.Values{"meldcode": {"withhold"}, "confidential": {"withhold"}}}
	v.Notice = accessRequestNotices[r.URL.Query().Get("saved")]
	s.render(w, r, http.StatusOK, "access_request", v)
}

// reviewPart reads the coordinator's decision on one part of the file:
// released, or kept withheld with the reason the export states. Its errors
// count only when the file holds the part (app.ReviewAccessRequest).
func reviewPart(f *form, name string) app.AccessReviewPart {
	sub := &form{Values: f.Values, today: f.today}
	var p app.AccessReviewPart
	switch sub.choice(name, true, "release", "withhold") {
	case "release":
		p.Release = true
	case "withhold":
		p.Reason = sub.paragraphs(name+"_reason", textRule{required: true, max: casus.MaxWithholdingBy})
	}
	p.Errs = sub.Errs
	return p
}

// handleAccessRequestReview records the coordinator's review: for the
// meldcode and the confidential entries the file holds, released or kept
// withheld with a reason. A request is reviewed once.
func (s *Server) handleAccessRequestReview(w http.ResponseWriter, r *http.Request) {
	f, err := parseForm(w, r)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	in := app.AccessReview{Meldcode: reviewPart(f, "meldcode"), Confidential: reviewPart(f, "confidential")}
	rv, err := s.app.ReviewAccessRequest(r.Context(), s.actor(r), r.PathValue("id"), r.PathValue("request"), in)
	if errs, ok := validationErrors(err); ok {
		f.Errs = errs
		v := s.newView(r, "access.title", accessRequestPageOf(state(r).l, rv))
		v.Form = f
		s.render(w, r, http.StatusBadRequest, "access_request", v)
		return
	}
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	http.Redirect(w, r, "/students/"+r.PathValue("id")+"/access-requests/"+rv.Request.ID+"?saved=reviewed", http.StatusSeeOther)
}

// handleAccessRequests lists the requests awaiting review and those of
// the last months, of the students whose export the reader may see
// (app.AccessRequests).
func (s *Server) handleAccessRequests(w http.ResponseWriter, r *http.Request) {
	rows, err := s.app.AccessRequests(r.Context(), s.actor(r))
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "access_requests", s.newView(r, "access.list_title", rows))
}
