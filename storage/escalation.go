package storage

import (
	"context"
	"fmt"

	"casus"
)

// AddCaseEvent records an event of a case.
func (tx *Tx) AddCaseEvent(ctx context.Context, e *casus.CaseEvent) error {
	e.At = tx.Now()
	return tx.insert(ctx, "case event", `INSERT INTO case_events (id, case_id, kind, note, referral_id, at, actor_id)
		VALUES ($1, $2, $3, $4, $5, $6, $7)`, ensureID(&e.ID), e.CaseID, string(e.Kind), e.Note, nullable(e.ReferralID), e.At, e.ActorID)
}

// CaseEvents returns a case's events, oldest first.
func (tx *Tx) CaseEvents(ctx context.Context, caseID string) ([]casus.CaseEvent, error) {
	rows, err := tx.query(ctx, `SELECT e.id, e.case_id, e.kind, e.note, COALESCE(CAST(e.referral_id AS TEXT), ''), e.at,
		e.actor_id, u.name FROM case_events e JOIN users u ON u.id = e.actor_id WHERE e.case_id = $1 ORDER BY e.at, e.id`, caseID)
	if err != nil {
		return nil, fmt.Errorf("storage: case events: %w", err)
	}
	defer rows.Close()
	var es []casus.CaseEvent
	for rows.Next() {
		var e casus.CaseEvent
		if err := rows.Scan(&e.ID, &e.CaseID, &e.Kind, &e.Note, &e.ReferralID, &e.At, &e.ActorID, &e.ActorName); err != nil {
			return nil, err
		}
		e.At = e.At.UTC()
		es = append(es, e)
	}
	return es, rows.Err()
}

// CloseCase closes an open case with its reason and the outcomes of its
// latest plan's goals; ECONFLICT when it is not open.
func (tx *Tx) CloseCase(ctx context.Context, caseID string, reason casus.CloseReason, note, actorID string, outcomes ...casus.GoalOutcome) error {
	id, err := tx.setCaseStatus(ctx, caseID, casus.CaseOpen, casus.CaseClosed, "closed", string(reason), note, actorID)
	if err != nil {
		return err
	}
	return tx.addGoalOutcomes(ctx, id, caseID, outcomes)
}

// ReopenCase reopens a closed case with its reason; ECONFLICT when it is
// not closed, or when the student has another open case at the team.
func (tx *Tx) ReopenCase(ctx context.Context, caseID, reason, actorID string) error {
	var other int
	if err := tx.queryRow(ctx, `SELECT COUNT(*) FROM cases o JOIN cases c ON c.student_id = o.student_id AND c.team_id = o.team_id
		WHERE c.id = $1 AND o.id <> c.id AND o.status = 'open'`, caseID).Scan(&other); err != nil {
		return fmt.Errorf("storage: reopen case: %w", err)
	}
	if other > 0 {
		return &casus.Error{Code: casus.ECONFLICT, Key: "closure.other_open"}
	}
	_, err := tx.setCaseStatus(ctx, caseID, casus.CaseClosed, casus.CaseOpen, "reopened", reason, "", actorID)
	return err
}

// setCaseStatus changes the case's status and records it; it returns the
// record's id.
func (tx *Tx) setCaseStatus(ctx context.Context, caseID string, from, to casus.CaseStatus, kind, reason, note, actorID string) (string, error) {
	res, err := tx.exec(ctx, `UPDATE cases SET status = $1 WHERE id = $2 AND status = $3`, string(to), caseID, string(from))
	if err != nil {
		return "", fmt.Errorf("storage: case status: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return "", &casus.Error{Code: casus.ECONFLICT, Key: "closure.stale"}
	}
	id := casus.NewID()
	return id, tx.insert(ctx, "case closure", `INSERT INTO case_closures (id, case_id, kind, reason, note, at, actor_id)
		VALUES ($1, $2, $3, $4, $5, $6, $7)`, id, caseID, kind, reason, note, tx.Now(), actorID)
}
