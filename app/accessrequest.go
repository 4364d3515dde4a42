package app

import (
	"context"
	"slices"

	"casus"
	"casus/storage"
)

// Requests for access (verzoek om inzage, AVG art. 15). The privacy
// officer registers who asked, when, and how their identity was checked;
// the student's zorgcoördinator reviews the request and releases the
// meldcode and the confidential entries or keeps them withheld (the
// default); only then is there an export, made for that request and naming
// it. Every page and change runs in accessLogStudent, so each is in the
// access log, granted, refused or denied.

// accessRequestOf reads the student's request id; a malformed or unknown
// id, or one of another student, is not found.
func accessRequestOf(ctx context.Context, tx *storage.Tx, st casus.Student, id string) (casus.AccessRequest, error) {
	if !casus.ValidID(id) {
		return casus.AccessRequest{}, casus.ErrNotFound
	}
	return tx.AccessRequest(ctx, st.ID, id)
}

// AccessRequestForm is the form that registers a request, with the
// student's guardians to choose from.
type AccessRequestForm struct {
	Student   casus.Student
	Guardians []casus.Guardian
}

// AccessRequestFormFor opens the form to register a request about the
// student.
func (s *Service) AccessRequestFormFor(ctx context.Context, a Actor, studentID string) (AccessRequestForm, error) {
	var page AccessRequestForm
	err := s.accessLogStudent(ctx, a, casus.ActRead, "access request form", "access_request", studentID,
		func(tx *storage.Tx, st casus.Student, _ casus.Access, _ *casus.AccessEntry) error {
			gs, err := tx.Guardians(ctx, st.ID)
			page = AccessRequestForm{Student: st, Guardians: gs}
			return err
		})
	return page, err
}

// RegisterAccessRequest registers a request about the student. The
// requester is the student (named as the student), one of the student's
// guardians (q.GuardianID, named as the guardian) or another person named
// with their relation. errs are the errors the door found parsing the form;
// with any, or a guardian not the student's, nothing is written and the
// errors come back with the form. The student's zorgcoördinator(s) hear
// that the request awaits their review.
func (s *Service) RegisterAccessRequest(ctx context.Context, a Actor, studentID string, q casus.AccessRequest, errs casus.ValidationErrors) (AccessRequestForm, casus.AccessRequest, error) {
	var page AccessRequestForm
	err := s.accessLogStudent(ctx, a, casus.ActCreate, "access request", "access_request", studentID,
		func(tx *storage.Tx, st casus.Student, _ casus.Access, e *casus.AccessEntry) error {
			gs, err := tx.Guardians(ctx, st.ID)
			if err != nil {
				return err
			}
			page = AccessRequestForm{Student: st, Guardians: gs}
			switch q.Requester {
			case casus.RequesterStudent:
				q.RequesterName, q.RequesterRelation = st.Name(), ""
			case casus.RequesterGuardian:
				i := slices.IndexFunc(gs, func(g casus.Guardian) bool { return g.ID == q.GuardianID })
				if i < 0 {
					if errs.Field("who") == nil {
						errs = append(errs, casus.FieldError("who", "error.choice", nil))
					}
					break
				}
				q.RequesterName, q.RequesterRelation = gs[i].Name, gs[i].Relation
			}
			if errs != nil {
				return errs
			}
			q.StudentID, q.RecordedBy = st.ID, a.User.ID
			if err := tx.AddAccessRequest(ctx, &q); err != nil {
				return err
			}
			e.ObjectID = q.ID
			return accessRequestNotify(ctx, tx, q)
		})
	return page, q, err
}

// accessRequestNotify tells the student's zorgcoördinator(s) that a request
// awaits their review, in the same transaction; the message names no
// student, the link does.
func accessRequestNotify(ctx context.Context, tx *storage.Tx, q casus.AccessRequest) error {
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

// AccessRequestView is one request: who asked and how they were
// identified, the review (or what it decides on, for the coordinator), and
// the export it gives.
type AccessRequestView struct {
	ExportView
	Request   casus.AccessRequest
	Overdue   bool
	CanReview bool          // the reader is the student's zorgcoördinator and the request awaits review
	Parts     WithheldParts // what the review decides on
}

// accessRequestView reads the request page. The coordinator reviewing a
// request sees the whole file, to decide what to release; everyone else
// sees the export as the request's scope gives it.
func (s *Service) accessRequestView(ctx context.Context, a Actor, tx *storage.Tx, st casus.Student, q casus.AccessRequest) (AccessRequestView, error) {
	u := a.User
	_, rel, err := tx.StudentFor(ctx, u.ID, st.ID)
	if err != nil {
		return AccessRequestView{}, err
	}
	page := AccessRequestView{Request: q, Overdue: q.Overdue(s.today(a)), CanReview: !q.Reviewed() && casus.CanReviewAccessRequest(u, rel).Allowed}
	scope, req := q.Scope(), &q
	if page.CanReview {
		scope = casus.FullScope
		if page.Parts, err = tx.AccessRequestParts(ctx, st.ID); err != nil {
			return page, err
		}
	}
	page.ExportView, err = exportViewOf(ctx, tx, u, st, scope, req)
	return page, err
}

// AccessRequest shows a request, its review, and once reviewed the export
// it gives.
func (s *Service) AccessRequest(ctx context.Context, a Actor, studentID, requestID string) (AccessRequestView, error) {
	var page AccessRequestView
	err := s.accessLogStudent(ctx, a, casus.ActRead, "access request", "access_request", studentID,
		func(tx *storage.Tx, st casus.Student, _ casus.Access, e *casus.AccessEntry) error {
			q, err := accessRequestOf(ctx, tx, st, requestID)
			if err != nil {
				return err
			}
			e.ObjectID = q.ID
			page, err = s.accessRequestView(ctx, a, tx, st, q)
			return err
		})
	return page, err
}

// AccessReviewPart is the coordinator's decision on one part of the file:
// released, or kept withheld with the reason the export states, with the
// errors the door found reading it.
type AccessReviewPart struct {
	Release bool
	Reason  string
	Errs    casus.ValidationErrors
}

// AccessReview decides on the meldcode and the confidential entries.
type AccessReview struct {
	Meldcode, Confidential AccessReviewPart
}

// ReviewAccessRequest records the coordinator's review: for the meldcode
// and the confidential entries the file holds, released or kept withheld
// with a reason; a part the file does not hold is neither asked nor
// released. A request is reviewed once. With errors in the parts asked,
// nothing is written and the request's page comes back with them.
func (s *Service) ReviewAccessRequest(ctx context.Context, a Actor, studentID, requestID string, in AccessReview) (AccessRequestView, error) {
	u := a.User
	var page AccessRequestView
	err := s.accessLogStudent(ctx, a, casus.ActChange, "access request review", "access_request", studentID,
		func(tx *storage.Tx, st casus.Student, _ casus.Access, e *casus.AccessEntry) error {
			q, err := accessRequestOf(ctx, tx, st, requestID)
			if err != nil {
				return err
			}
			e.ObjectID = q.ID
			_, rel, err := tx.StudentFor(ctx, u.ID, st.ID)
			if err != nil {
				return err
			}
			if !casus.CanReviewAccessRequest(u, rel).Allowed {
				return casus.ErrNotFound
			}
			if err := tx.LockAccessRequest(ctx, q.ID); err != nil {
				return err
			}
			if q, err = tx.AccessRequest(ctx, st.ID, q.ID); err != nil {
				return err
			}
			if q.Reviewed() {
				return storage.ErrAccessRequestReviewed
			}
			parts, err := tx.AccessRequestParts(ctx, st.ID)
			if err != nil {
				return err
			}
			var errs casus.ValidationErrors
			q.ReleaseMeldcode, q.MeldcodeReason, q.ReleaseConfidential, q.ConfidentialReason = false, "", false, ""
			if parts.Meldcode {
				q.ReleaseMeldcode, q.MeldcodeReason = in.Meldcode.Release, in.Meldcode.Reason
				errs = append(errs, in.Meldcode.Errs...)
			}
			if parts.Confidential > 0 {
				q.ReleaseConfidential, q.ConfidentialReason = in.Confidential.Release, in.Confidential.Reason
				errs = append(errs, in.Confidential.Errs...)
			}
			if errs != nil {
				if page, err = s.accessRequestView(ctx, a, tx, st, q); err != nil {
					return err
				}
				return errs
			}
			q.ReviewedBy = u.ID
			if err := tx.ReviewAccessRequest(ctx, &q); err != nil {
				return err
			}
			page.Request = q
			// Whoever registered it hears that the export can be made.
			if q.RecordedBy == u.ID {
				return nil
			}
			return tx.AddMessage(ctx, &casus.Message{UserID: q.RecordedBy, Key: "message.access_request_reviewed",
				Link: "/students/" + st.ID + "/access-requests/" + q.ID})
		})
	return page, err
}

// AccessRequestRow is one line of the list of requests.
type AccessRequestRow struct {
	Request     casus.AccessRequest
	StudentName string
	Overdue     bool
	CanReview   bool
}

// accessRequestMonths is how far back the list shows reviewed requests:
// long enough to send the export and answer questions about it.
const accessRequestMonths = 3

// AccessRequests lists the requests awaiting review and those of the last
// months, of the students whose export the actor may see: the
// coordinator's queue of reviews, the privacy officer's view of what is
// ready. Each line is a search hit in the access log. Awaiting review
// come first, by deadline; then the reviewed, newest first.
func (s *Service) AccessRequests(ctx context.Context, a Actor) ([]AccessRequestRow, error) {
	u := a.User
	today := s.today(a)
	var rows []AccessRequestRow
	err := s.accessLogScope(ctx, a, casus.ActRead, "access requests", "access_request", "", func(tx *storage.Tx, _ []string, _ casus.Access, _ *casus.AccessEntry) error {
		qs, err := tx.RecentAccessRequests(ctx, today.AddDate(0, -accessRequestMonths, 0))
		if err != nil {
			return err
		}
		for _, q := range qs {
			st, rel, err := tx.StudentFor(ctx, u.ID, q.StudentID)
			if err != nil {
				return err
			}
			acc := casus.CanReadAccessLog(u, rel, st.SchoolID)
			if !acc.Allowed {
				continue
			}
			e := s.entry(a, casus.ActSearch, "access requests")
			e.StudentID, e.ObjectKind, e.ObjectID = st.ID, "access_request", q.ID
			if err := logAccess(ctx, tx, e, acc); err != nil {
				return err
			}
			rows = append(rows, AccessRequestRow{Request: q, StudentName: st.Name(), Overdue: q.Overdue(today),
				CanReview: !q.Reviewed() && casus.CanReviewAccessRequest(u, rel).Allowed})
		}
		return nil
	})
	slices.SortStableFunc(rows, func(a, b AccessRequestRow) int {
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
	return rows, err
}
