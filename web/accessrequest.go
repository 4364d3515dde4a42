package web

import (
	"net/http"
	"net/url"
	"slices"
	"time"

	"casus"
	"casus/storage"
)

// Requests for access (verzoek om inzage, AVG art. 15). The privacy
// officer registers who asked, when, and how their identity was checked;
// the student's zorgcoördinator reviews the request and releases the
// meldcode and the confidential entries or keeps them withheld (the
// default); only then is there an export, made for that request and naming
// it. Every page and change runs in privacyStudentTx, so each is in the
// access log, granted, refused or denied.

// accessRequestNewPage is the form that registers a request.
type accessRequestNewPage struct {
	Student    casus.Student
	Guardians  []casus.Guardian
	Identities []casus.IdentityCheck
}

// accessRequestPage shows one request: who asked and how they were
// identified, the review (or its form, for the coordinator), and once
// reviewed the export it gives.
type accessRequestPage struct {
	exportPage
	Request   casus.AccessRequest
	Overdue   bool
	CanReview bool                  // the reader is the student's zorgcoördinator and the request awaits review
	Parts     storage.WithheldParts // what the review decides on
	// ReviewChoices are the answers per part, withheld first: the default.
	ReviewChoices []string
}

// accessRequestFor reads the request of the path among the student's; a
// malformed or unknown id, or one of another student, is not found.
func accessRequestFor(r *http.Request, tx *storage.Tx, st casus.Student) (casus.AccessRequest, error) {
	id := r.PathValue("request")
	if !casus.ValidID(id) {
		return casus.AccessRequest{}, casus.ErrNotFound
	}
	return tx.AccessRequest(r.Context(), st.ID, id)
}

// loadAccessRequest fills the request page. The coordinator reviewing a
// request sees the whole file, to decide what to release; everyone else
// sees the export as the request's scope gives it.
func (s *Server) loadAccessRequest(r *http.Request, tx *storage.Tx, st casus.Student, q casus.AccessRequest) (accessRequestPage, error) {
	u := *state(r).user
	rel := casus.StudentRelations{}
	var err error
	if _, rel, err = tx.StudentFor(r.Context(), u.ID, st.ID); err != nil {
		return accessRequestPage{}, err
	}
	page := accessRequestPage{Request: q, Overdue: q.Overdue(s.today()),
		CanReview: !q.Reviewed() && casus.CanReviewAccessRequest(u, rel).Allowed, ReviewChoices: []string{"withhold", "release"}}
	scope, req := q.Scope(), &q
	if page.CanReview {
		scope = casus.FullScope
		if page.Parts, err = tx.AccessRequestParts(r.Context(), st.ID); err != nil {
			return page, err
		}
	}
	_, page.exportPage, err = loadExport(r, tx, st, scope, req)
	// The warning to consult the coordinator is for the others: her review
	// form asks about the meldcode itself.
	page.Meldcode = page.Meldcode && !page.CanReview
	return page, err
}

// handleAccessRequestNew shows the form to register a request, with the
// student's guardians to choose from.
func (s *Server) handleAccessRequestNew(w http.ResponseWriter, r *http.Request) {
	var page accessRequestNewPage
	err := s.privacyStudentTx(r, casus.ActRead, "access request form", "access_request", func(tx *storage.Tx, st casus.Student, a casus.Access, e *casus.AccessEntry) error {
		gs, err := tx.Guardians(r.Context(), st.ID)
		page = accessRequestNewPage{Student: st, Guardians: gs, Identities: casus.IdentityChecks}
		return err
	})
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	v := s.newView(r, "access.new_title", page)
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
	var page accessRequestNewPage
	err = s.privacyStudentTx(r, casus.ActCreate, "access request", "access_request", func(tx *storage.Tx, st casus.Student, a casus.Access, e *casus.AccessEntry) error {
		gs, err := tx.Guardians(r.Context(), st.ID)
		if err != nil {
			return err
		}
		page = accessRequestNewPage{Student: st, Guardians: gs, Identities: casus.IdentityChecks}
		switch q.Requester {
		case casus.RequesterStudent:
			q.RequesterName, q.RequesterRelation = st.Name(), ""
		case casus.RequesterGuardian:
			i := slices.IndexFunc(gs, func(g casus.Guardian) bool { return g.ID == q.GuardianID })
			if i < 0 {
				f.fail("who", "error.choice", nil)
				break
			}
			q.RequesterName, q.RequesterRelation = gs[i].Name, gs[i].Relation
		}
		if f.Errs != nil {
			return f.Errs
		}
		q.StudentID, q.RecordedBy = st.ID, state(r).user.ID
		if err := tx.AddAccessRequest(r.Context(), &q); err != nil {
			return err
		}
		e.ObjectID = q.ID
		return notifyReviewers(r, tx, q)
	})
	if f.Errs != nil && casus.ErrorCode(err) == casus.EINVALID {
		v := s.newView(r, "access.new_title", page)
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

// notifyReviewers tells the student's zorgcoördinator(s) that a request
// awaits their review, in the same transaction; the message names no
// student, the link does.
func notifyReviewers(r *http.Request, tx *storage.Tx, q casus.AccessRequest) error {
	ctx := r.Context()
	chairs, err := tx.SchoolChairs(ctx, q.StudentID)
	if err != nil {
		return err
	}
	for _, c := range chairs {
		if c.User.ID == q.RecordedBy || !casus.CanReviewAccessRequest(c.User, c.Relation).Allowed {
			continue
		}
		if err := tx.AddMessage(ctx, &casus.Message{UserID: c.User.ID, Key: "message.access_request_registered",
			Link: "/students/" + q.StudentID + "/access-requests/" + q.ID}); err != nil {
			return err
		}
	}
	return nil
}

// handleAccessRequest shows a request, its review, and once reviewed the
// export it gives with the downloads.
func (s *Server) handleAccessRequest(w http.ResponseWriter, r *http.Request) {
	var page accessRequestPage
	err := s.privacyStudentTx(r, casus.ActRead, "access request", "access_request", func(tx *storage.Tx, st casus.Student, a casus.Access, e *casus.AccessEntry) error {
		q, err := accessRequestFor(r, tx, st)
		if err != nil {
			return err
		}
		e.ObjectID = q.ID
		page, err = s.loadAccessRequest(r, tx, st, q)
		return err
	})
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	v := s.newView(r, "access.title", page)
	v.Form = &form{Values: url.Values{"meldcode": {"withhold"}, "confidential": {"withhold"}}}
	switch r.URL.Query().Get("saved") {
	case "registered":
		v.Notice = "access.registered"
	case "reviewed":
		v.Notice = "access.reviewed_notice"
	case "withheld":
		v.Notice = "export.withheld_saved"
	}
	s.render(w, r, http.StatusOK, "access_request", v)
}

// reviewPart reads the coordinator's decision on one part of the file:
// released, or kept withheld with the reason the export states. A part the
// file does not hold is neither asked nor released.
func reviewPart(f *form, present bool, name string) (release bool, reason string) {
	if !present {
		return false, ""
	}
	switch f.choice(name, true, "release", "withhold") {
	case "release":
		return true, ""
	case "withhold":
		return false, f.paragraphs(name+"_reason", textRule{required: true, max: casus.MaxWithholdingBy})
	}
	return false, ""
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
	var page accessRequestPage
	var id string
	err = s.privacyStudentTx(r, casus.ActChange, "access request review", "access_request", func(tx *storage.Tx, st casus.Student, a casus.Access, e *casus.AccessEntry) error {
		q, err := accessRequestFor(r, tx, st)
		if err != nil {
			return err
		}
		e.ObjectID = q.ID
		u := *state(r).user
		_, rel, err := tx.StudentFor(r.Context(), u.ID, st.ID)
		if err != nil {
			return err
		}
		if !casus.CanReviewAccessRequest(u, rel).Allowed {
			return casus.ErrNotFound
		}
		if err := tx.LockAccessRequest(r.Context(), q.ID); err != nil {
			return err
		}
		if q, err = tx.AccessRequest(r.Context(), st.ID, q.ID); err != nil {
			return err
		}
		if q.Reviewed() {
			return storage.ErrAccessRequestReviewed
		}
		parts, err := tx.AccessRequestParts(r.Context(), st.ID)
		if err != nil {
			return err
		}
		q.ReleaseMeldcode, q.MeldcodeReason = reviewPart(f, parts.Meldcode, "meldcode")
		q.ReleaseConfidential, q.ConfidentialReason = reviewPart(f, parts.Confidential > 0, "confidential")
		if f.Errs != nil {
			if page, err = s.loadAccessRequest(r, tx, st, q); err != nil {
				return err
			}
			return f.Errs
		}
		q.ReviewedBy, id = u.ID, q.ID
		if err := tx.ReviewAccessRequest(r.Context(), &q); err != nil {
			return err
		}
		// Whoever registered it hears that the export can be made.
		if q.RecordedBy == u.ID {
			return nil
		}
		return tx.AddMessage(r.Context(), &casus.Message{UserID: q.RecordedBy, Key: "message.access_request_reviewed",
			Link: "/students/" + st.ID + "/access-requests/" + q.ID})
	})
	if f.Errs != nil && casus.ErrorCode(err) == casus.EINVALID {
		v := s.newView(r, "access.title", page)
		v.Form = f
		s.render(w, r, http.StatusBadRequest, "access_request", v)
		return
	}
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	http.Redirect(w, r, "/students/"+r.PathValue("id")+"/access-requests/"+id+"?saved=reviewed", http.StatusSeeOther)
}

// accessRequestRow is one line of the list of requests.
type accessRequestRow struct {
	Request     casus.AccessRequest
	StudentName string
	Overdue     bool
	CanReview   bool
}

// accessRequestWindow is how far back the list shows reviewed requests:
// long enough to send the export and answer questions about it.
const accessRequestWindow = 3 // months

// handleAccessRequests lists the requests awaiting review and those of
// the last months, of the students whose export the reader may see: the
// coordinator's queue of reviews, the privacy officer's view of what is
// ready. Each line shown is a search hit in the access log.
func (s *Server) handleAccessRequests(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	u := *state(r).user
	today := s.today()
	var rows []accessRequestRow
	err := s.privacyScopeTx(r, casus.ActRead, "access requests", "access_request", "", func(tx *storage.Tx, _ []string, _ casus.Access, _ *casus.AccessEntry) error {
		qs, err := tx.RecentAccessRequests(ctx, today.AddDate(0, -accessRequestWindow, 0))
		if err != nil {
			return err
		}
		for _, q := range qs {
			st, rel, err := tx.StudentFor(ctx, u.ID, q.StudentID)
			if err != nil {
				return err
			}
			a := casus.CanReadAccessLog(u, rel, st.SchoolID)
			if !a.Allowed {
				continue
			}
			e := s.accessEntry(r, casus.ActSearch, "access requests")
			e.StudentID, e.ObjectKind, e.ObjectID = st.ID, "access_request", q.ID
			if err := logAccess(ctx, tx, e, a); err != nil {
				return err
			}
			rows = append(rows, accessRequestRow{Request: q, StudentName: st.Name(), Overdue: q.Overdue(today),
				CanReview: !q.Reviewed() && casus.CanReviewAccessRequest(u, rel).Allowed})
		}
		return nil
	})
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	// Awaiting review first, by deadline; then the reviewed, newest first.
	slices.SortStableFunc(rows, func(a, b accessRequestRow) int {
		ra, rb := a.Request.Reviewed(), b.Request.Reviewed()
		switch {
		case ra != rb && !ra:
			return -1
		case ra != rb:
			return 1
		case !ra:
			return a.Request.Deadline().Compare(b.Request.Deadline())
		}
		return b.Request.ReviewedAt.Compare(a.Request.ReviewedAt)
	})
	s.render(w, r, http.StatusOK, "access_requests", s.newView(r, "access.list_title", rows))
}

// privacyStudentTx runs fn for a student whose log or export the user may
// read (casus.CanReadAccessLog), and logs the access: granted when fn
// succeeds, a refusal when fn refuses bad input, a denial (shown as not
// found) when the policy says no.
func (s *Server) privacyStudentTx(r *http.Request, action casus.AccessAction, purpose, objectKind string,
	fn func(tx *storage.Tx, st casus.Student, a casus.Access, e *casus.AccessEntry) error) error {
	ctx := r.Context()
	u := *state(r).user
	id := r.PathValue("id")
	return s.updateLogged(ctx, func(tx *storage.Tx) error {
		e := s.accessEntry(r, action, purpose)
		e.ObjectKind, e.ObjectID = objectKind, truncate(id, 64)
		if !casus.ValidID(id) {
			return logDenied(ctx, tx, e, casus.ErrNotFound)
		}
		st, rel, err := tx.StudentFor(ctx, u.ID, id)
		if err != nil && casus.ErrorCode(err) != casus.ENOTFOUND {
			return err
		}
		if rel.Exists {
			e.StudentID = st.ID
		}
		a := casus.CanReadAccessLog(u, rel, st.SchoolID)
		if !a.Allowed {
			return logDenied(ctx, tx, e, casus.ErrNotFound)
		}
		if err := fn(tx, st, a, e); err != nil {
			return refused(ctx, tx, e, a, err)
		}
		return logAccess(ctx, tx, e, a)
	})
}

// privacyScopeTx runs fn with the schools whose log the user reads, and
// logs the view (kind, object) without a student; fn logs each student it
// shows. A user whose roles read no logs is refused (403), and that
// refusal is logged too.
func (s *Server) privacyScopeTx(r *http.Request, action casus.AccessAction, purpose, objectKind, objectID string,
	fn func(tx *storage.Tx, schools []string, a casus.Access, e *casus.AccessEntry) error) error {
	ctx := r.Context()
	u := *state(r).user
	return s.updateLogged(ctx, func(tx *storage.Tx) error {
		e := s.accessEntry(r, action, purpose)
		e.ObjectKind, e.ObjectID = objectKind, truncate(objectID, 64)
		if !casus.ReadsAccessLogs(u) {
			return logDenied(ctx, tx, e, &casus.Error{Code: casus.EFORBIDDEN, Key: "error.forbidden"})
		}
		scope := casus.AccessLogScopeOf(u)
		a := casus.Access{Allowed: true, Relation: scope.Relation}
		schools, err := tx.ChairedInternSchools(ctx, u.ID)
		if err != nil || !scope.ChairedTeams {
			schools = nil
		}
		if err != nil {
			return err
		}
		if scope.OwnSchool != "" && !slices.Contains(schools, scope.OwnSchool) {
			schools = append([]string{scope.OwnSchool}, schools...)
		}
		if err := fn(tx, schools, a, e); err != nil {
			return refused(ctx, tx, e, a, err)
		}
		return logAccess(ctx, tx, e, a)
	})
}
