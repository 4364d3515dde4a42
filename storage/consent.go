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

// Consents returns the decisions recorded for a case, oldest first.
func (tx *Tx) Consents(ctx context.Context, caseID string) ([]casus.Consent, error) {
	rows, err := tx.query(ctx, `SELECT id, case_id, student_id, giver, COALESCE(CAST(guardian_id AS TEXT), ''), giver_name, mode,
		refused, how, given_at, expires_at, withdrawn_at, withdrawn_reason, recorded_by, recorded_at
		FROM consents WHERE case_id = $1 ORDER BY given_at, recorded_at`, caseID)
	if err != nil {
		return nil, fmt.Errorf("storage: consents: %w", err)
	}
	var cs []casus.Consent
	for rows.Next() {
		var c casus.Consent
		var expires, withdrawn sql.NullTime
		if err := rows.Scan(&c.ID, &c.CaseID, &c.StudentID, &c.Giver, &c.GuardianID, &c.GiverName, &c.Mode, &c.Refused,
			&c.How, &c.GivenAt, &expires, &withdrawn, &c.WithdrawnReason, &c.RecordedBy, &c.RecordedAt); err != nil {
			rows.Close()
			return nil, err
		}
		c.GivenAt, c.RecordedAt = c.GivenAt.UTC(), c.RecordedAt.UTC()
		if expires.Valid {
			t := expires.Time.UTC()
			c.ExpiresAt = &t
		}
		if withdrawn.Valid {
			t := withdrawn.Time.UTC()
			c.Withdrawn = &t
		}
		cs = append(cs, c)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for i := range cs {
		if cs[i].Scope, err = tx.consentScope(ctx, cs[i].ID); err != nil {
			return nil, err
		}
	}
	return cs, nil
}

func (tx *Tx) consentScope(ctx context.Context, id string) ([]casus.Discipline, error) {
	rows, err := tx.query(ctx, `SELECT discipline FROM consent_scope WHERE consent_id = $1 ORDER BY discipline`, id)
	if err != nil {
		return nil, fmt.Errorf("storage: consent scope: %w", err)
	}
	defer rows.Close()
	var ds []casus.Discipline
	for rows.Next() {
		var d casus.Discipline
		if err := rows.Scan(&d); err != nil {
			return nil, err
		}
		ds = append(ds, d)
	}
	return ds, rows.Err()
}

// RecordConsentException stores a documented exception for a case.
func (tx *Tx) RecordConsentException(ctx context.Context, e *casus.ConsentException) error {
	return tx.insert(ctx, "consent exception", `INSERT INTO consent_exceptions (id, case_id, reason, decided_by, at, recorded_by,
		recorded_at) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
		ensureID(&e.ID), e.CaseID, e.Reason, e.DecidedBy, utc(e.At), e.RecordedBy, tx.Now())
}

// ConsentException returns the case's exception that has not ended, the
// latest when there are several; ok is false when it has none.
func (tx *Tx) ConsentException(ctx context.Context, caseID string) (e casus.ConsentException, ok bool, err error) {
	err = tx.queryRow(ctx, `SELECT id, case_id, reason, decided_by, at, recorded_by FROM consent_exceptions
		WHERE case_id = $1 AND ended_at IS NULL ORDER BY at DESC LIMIT 1`, caseID).Scan(&e.ID, &e.CaseID, &e.Reason, &e.DecidedBy, &e.At, &e.RecordedBy)
	if err == sql.ErrNoRows {
		return e, false, nil
	}
	if err != nil {
		return e, false, fmt.Errorf("storage: consent exception: %w", err)
	}
	e.At = e.At.UTC()
	return e, true, nil
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
