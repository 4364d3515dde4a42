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
