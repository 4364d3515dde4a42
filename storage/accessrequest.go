package storage

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"casus"
)

// ErrAccessRequestReviewed is returned when a request was reviewed already
// (by someone else first, or in another tab).
var ErrAccessRequestReviewed = &casus.Error{Code: casus.ECONFLICT, Key: "error.access_request_reviewed"}

// ErrAccessRequestNotReviewed is returned for an export of a request the
// coordinator has not reviewed yet.
var ErrAccessRequestNotReviewed = &casus.Error{Code: casus.ECONFLICT, Key: "error.access_request_not_reviewed"}

// AddAccessRequest stores a new request awaiting review. It fills in the id
// and the time of recording.
func (tx *Tx) AddAccessRequest(ctx context.Context, r *casus.AccessRequest) error {
	r.RecordedAt = tx.Now()
	return tx.insert(ctx, "access request", `INSERT INTO access_requests (id, student_id, requester, guardian_id,
		requester_name, requester_relation, received_on, identity, identity_note, recorded_by, recorded_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
		ensureID(&r.ID), r.StudentID, string(r.Requester), nullable(r.GuardianID), r.RequesterName, r.RequesterRelation,
		careDay(r.ReceivedOn), string(r.Identity), r.IdentityNote, r.RecordedBy, r.RecordedAt)
}

const accessRequestColumns = `CAST(q.id AS TEXT), CAST(q.student_id AS TEXT), q.requester,
	COALESCE(CAST(q.guardian_id AS TEXT), ''), q.requester_name, q.requester_relation, q.received_on, q.identity,
	q.identity_note, CAST(q.recorded_by AS TEXT), rb.name, q.recorded_at, COALESCE(CAST(q.reviewed_by AS TEXT), ''),
	COALESCE(vb.name, ''), q.reviewed_at, q.release_meldcode, q.meldcode_reason, q.release_confidential, q.confidential_reason`

const accessRequestFrom = ` FROM access_requests q JOIN users rb ON rb.id = q.recorded_by
	LEFT JOIN users vb ON vb.id = q.reviewed_by `

func scanAccessRequest(row scanner) (casus.AccessRequest, error) {
	var r casus.AccessRequest
	var reviewed sql.NullTime
	if err := row.Scan(&r.ID, &r.StudentID, &r.Requester, &r.GuardianID, &r.RequesterName, &r.RequesterRelation,
		&r.ReceivedOn, &r.Identity, &r.IdentityNote, &r.RecordedBy, &r.RecordedName, &r.RecordedAt, &r.ReviewedBy,
		&r.ReviewedName, &reviewed, &r.ReleaseMeldcode, &r.MeldcodeReason, &r.ReleaseConfidential,
		&r.ConfidentialReason); err != nil {
		return r, err
	}
	r.ReceivedOn, r.RecordedAt = careDay(r.ReceivedOn), r.RecordedAt.UTC()
	if reviewed.Valid {
		r.ReviewedAt = reviewed.Time.UTC()
	}
	return r, nil
}

// AccessRequest returns one request about the student, or ENOTFOUND.
func (tx *Tx) AccessRequest(ctx context.Context, studentID, id string) (casus.AccessRequest, error) {
	r, err := scanAccessRequest(tx.queryRow(ctx, `SELECT `+accessRequestColumns+accessRequestFrom+
		`WHERE q.student_id = $1 AND q.id = $2`, studentID, id))
	return r, notFound(err, "access request")
}

// AccessRequests returns the student's requests, newest first.
func (tx *Tx) AccessRequests(ctx context.Context, studentID string) ([]casus.AccessRequest, error) {
	return queryAll(ctx, tx, "access requests", scanAccessRequest, `SELECT `+accessRequestColumns+accessRequestFrom+
		`WHERE q.student_id = $1 ORDER BY q.received_on DESC, q.recorded_at DESC`, studentID)
}

// RecentAccessRequests returns every request awaiting review and every
// request received on or after the day, oldest receipt first. The caller
// finds the students and filters them through the policy.
func (tx *Tx) RecentAccessRequests(ctx context.Context, since time.Time) ([]casus.AccessRequest, error) {
	return queryAll(ctx, tx, "recent access requests", scanAccessRequest, `SELECT `+accessRequestColumns+accessRequestFrom+
		`WHERE q.reviewed_at IS NULL OR q.received_on >= $1 ORDER BY q.received_on, q.recorded_at`, careDay(since))
}

// ReviewAccessRequest records the coordinator's review of a request
// (r.ReviewedBy, the releases and the reasons); it fills in r.ReviewedAt. A
// request reviewed already gives ErrAccessRequestReviewed.
func (tx *Tx) ReviewAccessRequest(ctx context.Context, r *casus.AccessRequest) error {
	r.ReviewedAt = tx.Now()
	res, err := tx.exec(ctx, `UPDATE access_requests SET reviewed_by = $1, reviewed_at = $2, release_meldcode = $3,
		meldcode_reason = $4, release_confidential = $5, confidential_reason = $6 WHERE id = $7 AND reviewed_at IS NULL`,
		r.ReviewedBy, r.ReviewedAt, r.ReleaseMeldcode, r.MeldcodeReason, r.ReleaseConfidential, r.ConfidentialReason, r.ID)
	if err != nil {
		return fmt.Errorf("storage: review access request: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return ErrAccessRequestReviewed
	}
	return nil
}

// WithheldParts says which parts the default withholding of an access
// request concerns for the student: whether the file holds a meldcode, and
// how many care-file entries are or were confidential. The review form asks
// only about what is there.
type WithheldParts struct {
	Meldcode     bool
	Confidential int
}

// AccessRequestParts returns what the review of a request about the student
// decides on.
func (tx *Tx) AccessRequestParts(ctx context.Context, studentID string) (WithheldParts, error) {
	var p WithheldParts
	var meldcodes int
	if err := tx.queryRow(ctx, `SELECT COUNT(*) FROM meldcodes WHERE student_id = $1`, studentID).Scan(&meldcodes); err != nil {
		return p, fmt.Errorf("storage: access request parts: %w", err)
	}
	p.Meldcode = meldcodes > 0
	ids, err := tx.confidentialEntries(ctx, studentID)
	p.Confidential = len(ids)
	return p, err
}

// confidentialEntries returns the ids of the student's care-file entries of
// which any version is confidential: a narrower earlier version still tells
// what was written in confidence.
func (tx *Tx) confidentialEntries(ctx context.Context, studentID string) ([]string, error) {
	return tx.column(ctx, "confidential entries", `SELECT DISTINCT CAST(v.entry_id AS TEXT) FROM care_entry_versions v
		JOIN care_entries e ON e.id = v.entry_id WHERE e.student_id = $1 AND v.visibility = $2 ORDER BY 1`,
		studentID, string(casus.VisConfidential))
}

// LockAccessRequest makes concurrent reviews of one request queue on
// PostgreSQL; SQLite's immediate transaction already holds the write lock.
func (tx *Tx) LockAccessRequest(ctx context.Context, id string) error {
	if tx.db.Engine != Postgres {
		return nil
	}
	_, err := tx.exec(ctx, `SELECT id FROM access_requests WHERE id = $1 FOR UPDATE`, id)
	return notFound(err, "access request lock")
}
