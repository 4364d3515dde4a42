package storage

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"casus"
)

// RecordConsent stores one decision with its scope.
func (tx *Tx) RecordConsent(ctx context.Context, c *casus.Consent) error {
	c.RecordedAt = tx.Now()
	var expires any
	if c.ExpiresAt != nil {
		expires = utc(*c.ExpiresAt)
	}
	if err := tx.insert(ctx, "consent", `INSERT INTO consents (id, case_id, student_id, giver, guardian_id, giver_name, mode,
		refused, how, given_at, expires_at, recorded_by, recorded_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`,
		ensureID(&c.ID), c.CaseID, c.StudentID, string(c.Giver), nullable(c.GuardianID), c.GiverName, string(c.Mode),
		c.Refused, string(c.How), utc(c.GivenAt), expires, c.RecordedBy, c.RecordedAt); err != nil {
		return err
	}
	for _, d := range c.Scope {
		if err := tx.insert(ctx, "consent scope", `INSERT INTO consent_scope (consent_id, discipline) VALUES ($1, $2)`,
			c.ID, string(d)); err != nil {
			return err
		}
	}
	return nil
}

// WithdrawConsent ends a consent at t, with the reason. A consent is
// withdrawn once: withdrawing it again returns ECONFLICT.
func (tx *Tx) WithdrawConsent(ctx context.Context, id string, t time.Time, reason string) error {
	res, err := tx.exec(ctx, `UPDATE consents SET withdrawn_at = $1, withdrawn_reason = $2 WHERE id = $3 AND withdrawn_at IS NULL`,
		utc(t), reason, id)
	if err != nil {
		return fmt.Errorf("storage: withdraw consent: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		var exists int
		if err := tx.queryRow(ctx, `SELECT COUNT(*) FROM consents WHERE id = $1`, id).Scan(&exists); err != nil || exists == 0 {
			return notFound(sql.ErrNoRows, "consent")
		}
		return &casus.Error{Code: casus.ECONFLICT, Key: "consent.already_withdrawn"}
	}
	return nil
}

// Consents returns the decisions recorded for a case, oldest first, each
// with its scope and, for a decision without an end date, when the case
// closed after it was recorded (casus.Consent.EndedAt).
func (tx *Tx) Consents(ctx context.Context, caseID string) ([]casus.Consent, error) {
	return tx.consentsWhere(ctx, `c.case_id = $1`, caseID)
}

// ConsentsOfStudent returns the decisions recorded for all the student's
// cases, oldest first, like Consents: for the student's page, in a constant
// number of statements.
func (tx *Tx) ConsentsOfStudent(ctx context.Context, studentID string) ([]casus.Consent, error) {
	return tx.consentsWhere(ctx, `c.student_id = $1`, studentID)
}

// consentsWhere reads the consents matching where (on the alias c, with
// one argument $1) and their scopes, in two statements.
func (tx *Tx) consentsWhere(ctx context.Context, where string, arg string) ([]casus.Consent, error) {
	rows, err := tx.query(ctx, `SELECT c.id, c.case_id, c.student_id, c.giver, COALESCE(CAST(c.guardian_id AS TEXT), ''), c.giver_name, c.mode,
		c.refused, c.how, c.given_at, c.expires_at, c.withdrawn_at, c.withdrawn_reason, c.recorded_by, c.recorded_at
		FROM consents c WHERE `+where+` ORDER BY c.given_at, c.recorded_at`, arg)
	if err != nil {
		return nil, fmt.Errorf("storage: consents: %w", err)
	}
	var cs []casus.Consent
	at := map[string]int{}
	for rows.Next() {
		var c casus.Consent
		var expires, withdrawn sql.NullTime
		if err := rows.Scan(&c.ID, &c.CaseID, &c.StudentID, &c.Giver, &c.GuardianID, &c.GiverName, &c.Mode, &c.Refused,
			&c.How, &c.GivenAt, &expires, &withdrawn, &c.WithdrawnReason, &c.RecordedBy, &c.RecordedAt); err != nil {
			rows.Close()
			return nil, err
		}
		c.GivenAt, c.RecordedAt = c.GivenAt.UTC(), c.RecordedAt.UTC()
		c.ExpiresAt, c.Withdrawn = utcPtr(expires), utcPtr(withdrawn)
		at[c.ID] = len(cs)
		cs = append(cs, c)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if len(cs) == 0 {
		return cs, nil
	}
	srows, err := tx.query(ctx, `SELECT s.consent_id, s.discipline FROM consent_scope s JOIN consents c ON c.id = s.consent_id
		WHERE `+where+` ORDER BY s.consent_id, s.discipline`, arg)
	if err != nil {
		return nil, fmt.Errorf("storage: consent scope: %w", err)
	}
	for srows.Next() {
		var id string
		var d casus.Discipline
		if err := srows.Scan(&id, &d); err != nil {
			srows.Close()
			return nil, err
		}
		if i, ok := at[id]; ok {
			cs[i].Scope = append(cs[i].Scope, d)
		}
	}
	srows.Close()
	if err := srows.Err(); err != nil {
		return nil, err
	}
	// A decision without an end date ends when its case closes after it
	// was recorded: the first closing since.
	krows, err := tx.query(ctx, `SELECT k.case_id, k.at FROM case_closures k WHERE k.kind = 'closed'
		AND k.case_id IN (SELECT c.case_id FROM consents c WHERE `+where+`) ORDER BY k.at`, arg)
	if err != nil {
		return nil, fmt.Errorf("storage: consent closures: %w", err)
	}
	defer krows.Close()
	for krows.Next() {
		var caseID string
		var closed time.Time
		if err := krows.Scan(&caseID, &closed); err != nil {
			return nil, err
		}
		closed = closed.UTC()
		for i := range cs {
			if cs[i].CaseID == caseID && cs[i].EndedAt == nil && !closed.Before(cs[i].RecordedAt) {
				cs[i].EndedAt = &closed
			}
		}
	}
	return cs, krows.Err()
}

// utcPtr is the time of a nullable column in UTC, or nil.
func utcPtr(t sql.NullTime) *time.Time {
	if !t.Valid {
		return nil
	}
	u := t.Time.UTC()
	return &u
}

// RecordConsentException stores a documented exception for a case with
// the partner disciplines it names.
func (tx *Tx) RecordConsentException(ctx context.Context, e *casus.ConsentException) error {
	if err := tx.insert(ctx, "consent exception", `INSERT INTO consent_exceptions (id, case_id, reason, decided_by, at, recorded_by,
		recorded_at) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
		ensureID(&e.ID), e.CaseID, e.Reason, e.DecidedBy, utc(e.At), e.RecordedBy, tx.Now()); err != nil {
		return err
	}
	for _, d := range e.Scope {
		if err := tx.insert(ctx, "consent exception scope", `INSERT INTO consent_exception_scope (exception_id, discipline) VALUES ($1, $2)`,
			e.ID, string(d)); err != nil {
			return err
		}
	}
	return nil
}

// ConsentException returns the case's exception that has not ended, the
// latest when there are several, with the disciplines it names; ok is false
// when it has none.
func (tx *Tx) ConsentException(ctx context.Context, caseID string) (e casus.ConsentException, ok bool, err error) {
	es, err := tx.exceptionsWhere(ctx, `x.case_id = $1`, caseID)
	if err != nil || len(es) == 0 {
		return e, false, err
	}
	return es[0], true, nil
}

// ConsentExceptionsOfStudent returns, for each of the student's cases that
// has one, its exception that has not ended (the latest), with the
// disciplines it names.
func (tx *Tx) ConsentExceptionsOfStudent(ctx context.Context, studentID string) ([]casus.ConsentException, error) {
	return tx.exceptionsWhere(ctx, `x.case_id IN (SELECT id FROM cases WHERE student_id = $1)`, studentID)
}

// exceptionsWhere reads the exceptions not ended matching where (on the
// alias x, one argument $1), the latest per case only, newest first, with
// their scopes, in one statement.
func (tx *Tx) exceptionsWhere(ctx context.Context, where, arg string) ([]casus.ConsentException, error) {
	rows, err := tx.query(ctx, `SELECT x.id, x.case_id, x.reason, x.decided_by, x.at, x.recorded_by, COALESCE(s.discipline, '')
		FROM consent_exceptions x LEFT JOIN consent_exception_scope s ON s.exception_id = x.id
		WHERE `+where+` AND x.ended_at IS NULL ORDER BY x.at DESC, x.id, s.discipline`, arg)
	if err != nil {
		return nil, fmt.Errorf("storage: consent exception: %w", err)
	}
	defer rows.Close()
	var out []casus.ConsentException
	seen := map[string]bool{} // cases with their latest exception read
	for rows.Next() {
		var e casus.ConsentException
		var d string
		if err := rows.Scan(&e.ID, &e.CaseID, &e.Reason, &e.DecidedBy, &e.At, &e.RecordedBy, &d); err != nil {
			return nil, err
		}
		if n := len(out); n > 0 && out[n-1].ID == e.ID {
			if d != "" {
				out[n-1].Scope = append(out[n-1].Scope, casus.Discipline(d))
			}
			continue
		}
		if seen[e.CaseID] {
			continue
		}
		seen[e.CaseID] = true
		e.At = e.At.UTC()
		if d != "" {
			e.Scope = []casus.Discipline{casus.Discipline(d)}
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// EndConsentException ends the case's exception at t with the reason. An
// exception ends once: ending it again, or one of another case, is not found.
func (tx *Tx) EndConsentException(ctx context.Context, caseID, id string, t time.Time, reason string) error {
	res, err := tx.exec(ctx, `UPDATE consent_exceptions SET ended_at = $1, ended_reason = $2
		WHERE id = $3 AND case_id = $4 AND ended_at IS NULL`, utc(t), reason, id, caseID)
	if err != nil {
		return fmt.Errorf("storage: end consent exception: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return casus.ErrNotFound
	}
	return nil
}

// RecordInformed stores whether the student and parents were told of an
// intern zorgteam case.
func (tx *Tx) RecordInformed(ctx context.Context, i *casus.CaseInformed) error {
	i.At = tx.Now()
	return tx.insert(ctx, "case informed", `INSERT INTO case_informed (id, case_id, informed, who, reason_not, at, recorded_by)
		VALUES ($1, $2, $3, $4, $5, $6, $7)`, ensureID(&i.ID), i.CaseID, i.Informed, i.Who, i.ReasonNot, i.At, i.RecordedBy)
}

// PartnerCase is an open case through which a user is related to a student,
// as a fixed member of its team or invited for it.
type PartnerCase struct {
	Case    casus.Case
	Member  bool
	Invited bool
}

// PartnerCases returns the student's open cases the user is a fixed member
// of the team of, or invited for.
func (tx *Tx) PartnerCases(ctx context.Context, userID, studentID string) ([]PartnerCase, error) {
	rows, err := tx.query(ctx, `SELECT c.id, c.student_id, c.team_id, t.name, t.kind, c.status, c.opened_at,
		`+fixedMemberOf("$1", "c")+`, `+invitedTo("$1", "c")+`
		FROM cases c JOIN care_teams t ON t.id = c.team_id WHERE c.student_id = $2 AND c.status = 'open' ORDER BY c.opened_at`,
		userID, studentID)
	if err != nil {
		return nil, fmt.Errorf("storage: partner cases: %w", err)
	}
	defer rows.Close()
	var out []PartnerCase
	for rows.Next() {
		var p PartnerCase
		if err := rows.Scan(&p.Case.ID, &p.Case.StudentID, &p.Case.TeamID, &p.Case.TeamName, &p.Case.TeamKind, &p.Case.Status,
			&p.Case.OpenedAt, &p.Member, &p.Invited); err != nil {
			return nil, err
		}
		if p.Member || p.Invited {
			out = append(out, p)
		}
	}
	return out, rows.Err()
}

// Case returns one case with its team's name and kind.
func (tx *Tx) Case(ctx context.Context, id string) (casus.Case, error) {
	var c casus.Case
	err := tx.queryRow(ctx, `SELECT c.id, c.student_id, c.team_id, t.name, t.kind, c.status, c.opened_at
		FROM cases c JOIN care_teams t ON t.id = c.team_id WHERE c.id = $1`, id).
		Scan(&c.ID, &c.StudentID, &c.TeamID, &c.TeamName, &c.TeamKind, &c.Status, &c.OpenedAt)
	c.OpenedAt = c.OpenedAt.UTC()
	return c, notFound(err, "case")
}

// Informed returns what was recorded about informing the student and parents
// of a case, newest first.
func (tx *Tx) Informed(ctx context.Context, caseID string) ([]casus.CaseInformed, error) {
	rows, err := tx.query(ctx, `SELECT id, case_id, informed, who, reason_not, at, recorded_by FROM case_informed
		WHERE case_id = $1 ORDER BY at DESC`, caseID)
	if err != nil {
		return nil, fmt.Errorf("storage: informed: %w", err)
	}
	defer rows.Close()
	var out []casus.CaseInformed
	for rows.Next() {
		var i casus.CaseInformed
		if err := rows.Scan(&i.ID, &i.CaseID, &i.Informed, &i.Who, &i.ReasonNot, &i.At, &i.RecordedBy); err != nil {
			return nil, err
		}
		i.At = i.At.UTC()
		out = append(out, i)
	}
	return out, rows.Err()
}

// ExpiringConsents returns the consents in force at t whose end date falls
// before until, with their case, for a reminder to the case's team chair.
// A consent the giver decided on again by t (renewed or refused: the later
// decision overrides, casus.LatestConsent) ends nothing and is left out.
func (tx *Tx) ExpiringConsents(ctx context.Context, t, until time.Time) ([]casus.Consent, error) {
	rows, err := tx.query(ctx, `SELECT CAST(c.id AS TEXT), CAST(c.case_id AS TEXT), c.expires_at FROM consents c
		JOIN cases cs ON cs.id = c.case_id AND cs.status = 'open'
		WHERE NOT c.refused AND c.withdrawn_at IS NULL AND c.expires_at IS NOT NULL AND c.expires_at > $1 AND c.expires_at <= $2
		AND NOT EXISTS (SELECT 1 FROM consents l WHERE l.case_id = c.case_id AND l.giver = c.giver AND l.id <> c.id
			AND l.given_at <= $1 AND (l.given_at > c.given_at OR (l.given_at = c.given_at AND l.recorded_at > c.recorded_at)))`,
		utc(t), utc(until))
	if err != nil {
		return nil, fmt.Errorf("storage: expiring consents: %w", err)
	}
	defer rows.Close()
	var cs []casus.Consent
	for rows.Next() {
		var c casus.Consent
		var exp time.Time
		if err := rows.Scan(&c.ID, &c.CaseID, &exp); err != nil {
			return nil, err
		}
		exp = exp.UTC()
		c.ExpiresAt = &exp
		cs = append(cs, c)
	}
	return cs, rows.Err()
}
