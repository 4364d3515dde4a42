package storage

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"casus"
)

// ErrRectificationDecided is returned when a request was decided (or its
// requester informed) by someone else first.
var ErrRectificationDecided = &casus.Error{Code: casus.ECONFLICT, Key: "error.rectification_decided"}

// ErrRectificationExtended is returned when a request's term was extended
// already, or the request decided, so it can no longer be extended.
var ErrRectificationExtended = &casus.Error{Code: casus.ECONFLICT, Key: "error.rectification_extended"}

// ErrOwnWordWithdrawn is returned when a comment was withdrawn already.
var ErrOwnWordWithdrawn = &casus.Error{Code: casus.ECONFLICT, Key: "error.own_word_withdrawn"}

// AddRectificationRequest stores a new, open request. It fills in the id
// and the time of recording.
func (tx *Tx) AddRectificationRequest(ctx context.Context, r *casus.RectificationRequest) error {
	r.RecordedAt, r.Status = tx.Now(), casus.RectificationOpen
	return tx.insert(ctx, "rectification request", `INSERT INTO rectification_requests (id, student_id, entry_id, concerns,
		requester, requester_name, received_on, request, recorded_by, recorded_at, status)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 'open')`,
		ensureID(&r.ID), r.StudentID, nullable(r.EntryID), r.Concerns, string(r.Requester), r.RequesterName,
		careDay(r.ReceivedOn), r.Request, r.RecordedBy, r.RecordedAt)
}

const rectificationColumns = `r.id, r.student_id, COALESCE(CAST(r.entry_id AS TEXT), ''), r.concerns, r.requester,
	r.requester_name, r.received_on, r.request, r.recorded_by, rb.name, r.recorded_at, r.status, r.decided_on,
	COALESCE(CAST(r.decided_by AS TEXT), ''), COALESCE(db.name, ''), r.decision, COALESCE(r.correction_version, 0),
	r.informed_on, COALESCE(CAST(r.informed_by AS TEXT), ''), COALESCE(ib.name, ''), r.extended_on, r.extension_reason,
	COALESCE(CAST(r.extended_by AS TEXT), ''), COALESCE(xb.name, ''), r.extended_at`

const rectificationFrom = ` FROM rectification_requests r JOIN users rb ON rb.id = r.recorded_by
	LEFT JOIN users db ON db.id = r.decided_by LEFT JOIN users ib ON ib.id = r.informed_by
	LEFT JOIN users xb ON xb.id = r.extended_by `

func scanRectification(row scanner, extra ...any) (casus.RectificationRequest, error) {
	var r casus.RectificationRequest
	var decided, informed, extended, extendedAt sql.NullTime
	dest := append([]any{&r.ID, &r.StudentID, &r.EntryID, &r.Concerns, &r.Requester, &r.RequesterName, &r.ReceivedOn,
		&r.Request, &r.RecordedBy, &r.RecordedName, &r.RecordedAt, &r.Status, &decided, &r.DecidedBy, &r.DecidedName,
		&r.Decision, &r.CorrectionVersion, &informed, &r.InformedBy, &r.InformedName, &extended, &r.ExtensionReason,
		&r.ExtendedBy, &r.ExtendedName, &extendedAt}, extra...)
	if err := row.Scan(dest...); err != nil {
		return r, err
	}
	r.ReceivedOn, r.RecordedAt = careDay(r.ReceivedOn), r.RecordedAt.UTC()
	if decided.Valid {
		r.DecidedOn = careDay(decided.Time)
	}
	if informed.Valid {
		r.InformedOn = careDay(informed.Time)
	}
	if extended.Valid {
		r.ExtendedOn = careDay(extended.Time)
	}
	if extendedAt.Valid {
		r.ExtendedAt = extendedAt.Time.UTC()
	}
	return r, nil
}

// RectificationRequest returns one request about the student, or ENOTFOUND.
func (tx *Tx) RectificationRequest(ctx context.Context, studentID, id string) (casus.RectificationRequest, error) {
	r, err := scanRectification(tx.queryRow(ctx, `SELECT `+rectificationColumns+rectificationFrom+
		`WHERE r.student_id = $1 AND r.id = $2`, studentID, id))
	return r, notFound(err, "rectification request")
}

// RectificationRequests returns the student's requests, newest first.
func (tx *Tx) RectificationRequests(ctx context.Context, studentID string) ([]casus.RectificationRequest, error) {
	return tx.rectifications(ctx, "rectification requests", `WHERE r.student_id = $1
		ORDER BY r.received_on DESC, r.recorded_at DESC`, studentID)
}

// rectifications returns the requests the rest of the query (its WHERE and
// ORDER BY) selects; what names the query in an error.
func (tx *Tx) rectifications(ctx context.Context, what, rest string, args ...any) ([]casus.RectificationRequest, error) {
	return queryAll(ctx, tx, what, func(r scanner) (casus.RectificationRequest, error) { return scanRectification(r) },
		`SELECT `+rectificationColumns+rectificationFrom+rest, args...)
}

// PendingRectification is a request whose requester has not been informed
// yet, with the student it is about and the relations of the user who asks.
type PendingRectification struct {
	Request   casus.RectificationRequest
	Student   casus.Student
	Relations casus.StudentRelations
}

// PendingRectifications returns the requests not yet answered of the
// students the user ($1) chairs a care team for, oldest receipt first. The
// caller filters them through the policy.
func (tx *Tx) PendingRectifications(ctx context.Context, userID string) ([]PendingRectification, error) {
	rows, err := tx.query(ctx, `SELECT * FROM (SELECT `+rectificationColumns+`, `+studentColumns+`, `+relationColumns+
		rectificationFrom+` JOIN students st ON st.id = r.student_id JOIN schools sc ON sc.id = st.school_id
		JOIN groups g ON g.id = st.group_id LEFT JOIN users m ON m.id = st.mentor_id
		WHERE r.informed_on IS NULL) x WHERE x.coord_rel ORDER BY 7, 11`, userID)
	if err != nil {
		return nil, fmt.Errorf("storage: pending rectifications: %w", err)
	}
	defer rows.Close()
	var ps []PendingRectification
	for rows.Next() {
		var p PendingRectification
		s, rel := &p.Student, &p.Relations
		rel.Exists = true
		r, err := scanRectification(rows, &s.ID, &s.SchoolID, &s.GroupID, &s.FirstName, &s.LastName, &s.DateOfBirth,
			&s.StudentNumber, &s.Level, &s.MentorID, &s.LeftAt, &s.SchoolName, &s.Sector, &s.GroupName, &s.MentorName,
			&rel.Mentor, &rel.CareContact, &rel.Coordinator, &rel.TeamMember, &rel.Invited, &rel.ActionOwner)
		if err != nil {
			return nil, err
		}
		p.Request = r
		ps = append(ps, p)
	}
	return ps, rows.Err()
}

// DecideRectification records the decision on an open request: granted or
// refused, on the day, by the user, with the decision's text and, for a
// grant by correction, the entry version it created (0 for none). A request
// decided already gives ErrRectificationDecided.
func (tx *Tx) DecideRectification(ctx context.Context, r *casus.RectificationRequest) error {
	var version any
	if r.CorrectionVersion > 0 {
		version = r.CorrectionVersion
	}
	res, err := tx.exec(ctx, `UPDATE rectification_requests SET status = $1, decided_on = $2, decided_by = $3,
		decided_at = $4, decision = $5, correction_version = $6 WHERE id = $7 AND status = 'open'`,
		string(r.Status), careDay(r.DecidedOn), r.DecidedBy, tx.Now(), r.Decision, version, r.ID)
	if err != nil {
		return fmt.Errorf("storage: decide rectification: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return ErrRectificationDecided
	}
	return nil
}

// ExtendRectification records the extension of an open request's term by
// two further months: the day the requester was told, the reasons and who
// recorded it (r.ExtendedOn, r.ExtensionReason, r.ExtendedBy); it fills in
// r.ExtendedAt. A request decided or extended already gives
// ErrRectificationExtended; the caller checks the first month.
func (tx *Tx) ExtendRectification(ctx context.Context, r *casus.RectificationRequest) error {
	r.ExtendedAt = tx.Now()
	res, err := tx.exec(ctx, `UPDATE rectification_requests SET extended_on = $1, extension_reason = $2, extended_by = $3,
		extended_at = $4 WHERE id = $5 AND status = 'open' AND extended_on IS NULL`,
		careDay(r.ExtendedOn), r.ExtensionReason, r.ExtendedBy, r.ExtendedAt, r.ID)
	if err != nil {
		return fmt.Errorf("storage: extend rectification: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return ErrRectificationExtended
	}
	return nil
}

// MarkRectificationInformed records the day the requester was told the
// decision. Only a decided request whose requester was not informed yet
// can be marked; otherwise ErrRectificationDecided.
func (tx *Tx) MarkRectificationInformed(ctx context.Context, id string, on time.Time, by string) error {
	res, err := tx.exec(ctx, `UPDATE rectification_requests SET informed_on = $1, informed_by = $2
		WHERE id = $3 AND status <> 'open' AND informed_on IS NULL`, careDay(on), by, id)
	if err != nil {
		return fmt.Errorf("storage: rectification informed: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return ErrRectificationDecided
	}
	return nil
}

// AddOwnWord stores a comment of the student or a parent on an entry.
func (tx *Tx) AddOwnWord(ctx context.Context, w *casus.OwnWord) error {
	w.RecordedAt = tx.Now()
	return tx.insert(ctx, "own word", `INSERT INTO own_words (id, student_id, entry_id, giver, giver_name, given_on, body,
		recorded_by, recorded_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
		ensureID(&w.ID), w.StudentID, w.EntryID, string(w.Giver), w.GiverName, careDay(w.GivenOn), w.Text, w.RecordedBy,
		w.RecordedAt)
}

// WithdrawOwnWord records the giver's withdrawal of a comment. A comment is
// withdrawn once: again gives ErrOwnWordWithdrawn.
func (tx *Tx) WithdrawOwnWord(ctx context.Context, w *casus.OwnWordWithdrawal) error {
	w.RecordedAt = tx.Now()
	_, err := tx.exec(ctx, `INSERT INTO own_word_withdrawals (own_word_id, requested_on, note, recorded_by, recorded_at)
		VALUES ($1, $2, $3, $4, $5)`, w.OwnWordID, careDay(w.RequestedOn), w.Note, w.RecordedBy, w.RecordedAt)
	if isCareDuplicate(err) {
		return ErrOwnWordWithdrawn
	}
	if err != nil {
		return fmt.Errorf("storage: withdraw own word: %w", err)
	}
	return nil
}

// OwnWords returns the comments on the student's care file, withdrawn ones
// included, oldest first; with entryID only those on that entry.
func (tx *Tx) OwnWords(ctx context.Context, studentID, entryID string) ([]casus.OwnWord, error) {
	q := `SELECT o.id, o.student_id, o.entry_id, o.giver, o.giver_name, o.given_on, o.body, o.recorded_by, rb.name,
		o.recorded_at, w.requested_on, COALESCE(w.note, ''), COALESCE(CAST(w.recorded_by AS TEXT), ''), COALESCE(wb.name, ''),
		w.recorded_at
		FROM own_words o JOIN users rb ON rb.id = o.recorded_by
		LEFT JOIN own_word_withdrawals w ON w.own_word_id = o.id LEFT JOIN users wb ON wb.id = w.recorded_by
		WHERE o.student_id = $1`
	args := []any{studentID}
	if entryID != "" {
		q += ` AND o.entry_id = $2`
		args = append(args, entryID)
	}
	rows, err := tx.query(ctx, q+` ORDER BY o.given_on, o.recorded_at`, args...)
	if err != nil {
		return nil, fmt.Errorf("storage: own words: %w", err)
	}
	defer rows.Close()
	var ws []casus.OwnWord
	for rows.Next() {
		var o casus.OwnWord
		var wd casus.OwnWordWithdrawal
		var requested, at sql.NullTime
		if err := rows.Scan(&o.ID, &o.StudentID, &o.EntryID, &o.Giver, &o.GiverName, &o.GivenOn, &o.Text, &o.RecordedBy,
			&o.RecordedName, &o.RecordedAt, &requested, &wd.Note, &wd.RecordedBy, &wd.RecordedName, &at); err != nil {
			return nil, err
		}
		o.GivenOn, o.RecordedAt = careDay(o.GivenOn), o.RecordedAt.UTC()
		if requested.Valid {
			wd.OwnWordID, wd.RequestedOn, wd.RecordedAt = o.ID, careDay(requested.Time), at.Time.UTC()
			o.Withdrawal = &wd
		}
		ws = append(ws, o)
	}
	return ws, rows.Err()
}

// LockRectificationRequest makes concurrent decisions on one request queue
// on PostgreSQL, so a decision checked as open stays open until the
// transaction ends; SQLite's immediate transaction already holds the write
// lock.
func (tx *Tx) LockRectificationRequest(ctx context.Context, id string) error {
	if tx.db.Engine != Postgres {
		return nil
	}
	_, err := tx.exec(ctx, `SELECT id FROM rectification_requests WHERE id = $1 FOR UPDATE`, id)
	return notFound(err, "rectification request lock")
}

// UnansweredRectifications returns every request whose requester has not
// been told the outcome and that came in before the day, oldest first: the
// candidates for the overdue reminder, which checks the term itself.
func (tx *Tx) UnansweredRectifications(ctx context.Context, receivedBefore time.Time) ([]casus.RectificationRequest, error) {
	return tx.rectifications(ctx, "unanswered rectifications", `WHERE r.informed_on IS NULL
		AND r.received_on < $1 ORDER BY r.received_on, r.recorded_at`, careDay(receivedBefore))
}

// ChairFact is a user who chairs a care team serving a student's school,
// with their relation to the student: what the policy needs to decide
// whether they are the student's zorgcoördinator for some task.
type ChairFact struct {
	User     casus.User
	Relation casus.StudentRelations
}

// SchoolChairs returns the users who chair a care team serving the
// student's school that relates them to the student (the coordinator
// relation of relationColumns), with their relations to the student: the
// people who may be the student's zorgcoördinator. The policy decides who of
// them is.
func (tx *Tx) SchoolChairs(ctx context.Context, studentID string) ([]ChairFact, error) {
	ids, err := tx.column(ctx, "school chairs", `SELECT CAST(u.id AS TEXT) FROM users u JOIN students st ON st.id = $1
		WHERE `+coordinatorOf("u.id", "st")+` ORDER BY 1`, studentID)
	if err != nil {
		return nil, err
	}
	chairs := make([]ChairFact, 0, len(ids))
	for _, id := range ids {
		u, err := tx.User(ctx, id)
		if err != nil {
			return nil, err
		}
		_, rel, err := tx.StudentFor(ctx, id, studentID)
		if err != nil {
			return nil, err
		}
		chairs = append(chairs, ChairFact{User: u, Relation: rel})
	}
	return chairs, nil
}
