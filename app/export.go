package app

import (
	"context"

	"casus"
	"casus/storage"
)

// The right of access (AVG art. 15): one action produces everything Casus
// holds about a student, with the partners who saw it and the retention
// date. Records a partner may not disclose can be withheld with a recorded
// reason; the export then says that something was withheld and why.

// The export as storage reads it, for the doors that lay it out.
type (
	StudentExport = storage.StudentExport
	ExportSection = storage.ExportSection
	ExportRecord  = storage.ExportRecord
	Withholding   = storage.Withholding
	Recipient     = storage.Recipient
	WithheldParts = storage.WithheldParts
)

// ExportBooleans are the export's yes/no columns, by "table.column".
var ExportBooleans = storage.ExportBooleans

// ExportView is a student's export as the reader sees it.
type ExportView struct {
	Student   casus.Student
	Export    *StudentExport
	RequestID string // the request it answers; empty for a preview
	// Coordinator: the reader reviews the student's access requests, and
	// reads a withheld part by its own kind.
	Coordinator bool
	Requests    []casus.AccessRequest // the student's requests, on the export page
}

// exportViewOf reads the export within the scope; req is the request it
// answers, if any.
func exportViewOf(ctx context.Context, tx *storage.Tx, u casus.User, st casus.Student, scope casus.ExportScope, req *casus.AccessRequest) (ExportView, error) {
	x, err := tx.StudentExport(ctx, st.ID, scope, req)
	if err != nil {
		return ExportView{}, err
	}
	v := ExportView{Student: st, Export: x}
	if req != nil {
		v.RequestID = req.ID
	}
	_, rel, err := tx.StudentFor(ctx, u.ID, st.ID)
	v.Coordinator = casus.CanReviewAccessRequest(u, rel).Allowed
	return v, err
}

// exportPageOf is the export page: the whole file and the student's
// requests.
func exportPageOf(ctx context.Context, tx *storage.Tx, u casus.User, st casus.Student) (ExportView, error) {
	v, err := exportViewOf(ctx, tx, u, st, casus.ExportScope{}, nil)
	if err != nil {
		return v, err
	}
	v.Requests, err = tx.AccessRequests(ctx, st.ID)
	return v, err
}

// ExportPage shows what the export holds, who received data, the
// retention date and what is withheld.
func (s *Service) ExportPage(ctx context.Context, a Actor, studentID string) (ExportView, error) {
	var v ExportView
	err := s.accessLogStudent(ctx, a, casus.ActRead, "export page", "export", studentID,
		func(tx *storage.Tx, st casus.Student, _ casus.Access, _ *casus.AccessEntry) (err error) {
			v, err = exportPageOf(ctx, tx, a.User, st)
			return err
		})
	return v, err
}

// ExportWithholding withholds one record from the export, with the reason
// (e.g. the police may not disclose it); RequestID is the request whose
// page it was asked from, if any.
type ExportWithholding struct {
	Table, Key, Reason, RequestID string
}

// WithholdFromExport records that a record is withheld from the export.
// errs are the errors the door found parsing the form; with any, nothing
// is written and the page the form was on comes back with them: the
// request's (req non-nil) or the export's.
func (s *Service) WithholdFromExport(ctx context.Context, a Actor, studentID string, in ExportWithholding, errs casus.ValidationErrors) (ExportView, *AccessRequestView, error) {
	var page ExportView
	var reqPage *AccessRequestView
	err := s.accessLogStudent(ctx, a, casus.ActChange, "export withholding", "export", studentID,
		func(tx *storage.Tx, st casus.Student, _ casus.Access, _ *casus.AccessEntry) error {
			if in.RequestID != "" {
				if !casus.ValidID(in.RequestID) {
					return casus.ErrNotFound
				}
				q, err := tx.AccessRequest(ctx, st.ID, in.RequestID)
				if err != nil {
					return err
				}
				if errs != nil {
					p, err := s.accessRequestView(ctx, a, tx, st, q)
					if err != nil {
						return err
					}
					reqPage = &p
					return errs
				}
			}
			if errs != nil {
				var err error
				if page, err = exportPageOf(ctx, tx, a.User, st); err != nil {
					return err
				}
				return errs
			}
			err := tx.AddWithholding(ctx, &storage.Withholding{StudentID: st.ID, Table: in.Table, RecordKey: in.Key, Reason: in.Reason,
				ByID: a.User.ID})
			if casus.ErrorCode(err) == casus.ENOTFOUND {
				return &casus.Error{Code: casus.EINVALID, Key: "export.withhold.bad_record"}
			}
			return err
		})
	return page, reqPage, err
}

// errExportNeedsRequest answers a download that names no request: an
// export is made only for a registered request the coordinator reviewed.
var errExportNeedsRequest = &casus.Error{Code: casus.ECONFLICT, Key: "error.export_needs_request"}

// ExportWithoutRequest answers the student's old download addresses: never
// the data, always what to do instead. The attempt is in the log.
func (s *Service) ExportWithoutRequest(ctx context.Context, a Actor, studentID string) error {
	return s.accessLogStudent(ctx, a, casus.ActExport, "export (AVG art. 15) without a request", "export", studentID,
		func(*storage.Tx, casus.Student, casus.Access, *casus.AccessEntry) error { return errExportNeedsRequest })
}

// Export makes the export for the student's request requestID, in format
// ("JSON", "PDF", for the log): a reviewed request of the student, within
// what its review released.
func (s *Service) Export(ctx context.Context, a Actor, studentID, requestID, format string) (ExportView, error) {
	var v ExportView
	err := s.accessLogStudent(ctx, a, casus.ActExport, "export (AVG art. 15) "+format, "export", studentID,
		func(tx *storage.Tx, st casus.Student, _ casus.Access, e *casus.AccessEntry) error {
			q, err := accessRequestOf(ctx, tx, st, requestID)
			if err != nil {
				return err
			}
			e.ObjectID = q.ID
			if !q.Reviewed() {
				return storage.ErrAccessRequestNotReviewed
			}
			v, err = exportViewOf(ctx, tx, a.User, st, q.Scope(), &q)
			return err
		})
	return v, err
}
