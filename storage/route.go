package storage

import (
	"context"
	"fmt"

	"casus"
)

// LockStudent makes writers that read a student's state and then decide
// on it queue per student until the transaction ends: on PostgreSQL by
// locking the student's row; SQLite's immediate transaction already holds
// the write lock.
func (tx *Tx) LockStudent(ctx context.Context, studentID string) error {
	if tx.db.Engine != Postgres {
		return nil
	}
	if _, err := tx.exec(ctx, `SELECT id FROM students WHERE id = $1 FOR UPDATE`, studentID); err != nil {
		return notFound(err, "student lock")
	}
	return nil
}

// RecordRouteStep appends a decision to the student's care route. ev.Seq
// must be the number of the event the decision was taken on (0 when none
// was recorded yet) and ev.From its step; when another decision came in
// between it returns ErrRouteConflict (ECONFLICT) and writes nothing. On
// success ev.Seq is the new event's number.
func (tx *Tx) RecordRouteStep(ctx context.Context, ev *casus.RouteEvent) error {
	if err := tx.LockStudent(ctx, ev.StudentID); err != nil {
		return err
	}
	var latest int
	if err := tx.queryRow(ctx, `SELECT COALESCE(MAX(seq), 0) FROM route_events WHERE student_id = $1`,
		ev.StudentID).Scan(&latest); err != nil {
		return notFound(err, "route events")
	}
	if latest != ev.Seq {
		return ErrRouteConflict
	}
	ev.Seq = latest + 1
	ev.RecordedAt = tx.Now()
	ev.DecidedOn = careDay(ev.DecidedOn)
	_, err := tx.exec(ctx, `INSERT INTO route_events (student_id, seq, from_step, to_step, decided_on, by_id, recorded_at, reason)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
		ev.StudentID, ev.Seq, string(ev.From), string(ev.To), ev.DecidedOn, ev.ByID, ev.RecordedAt, ev.Reason)
	if isCareDuplicate(err) {
		return ErrRouteConflict
	}
	if err != nil {
		return fmt.Errorf("storage: route event: %w", err)
	}
	return nil
}

// RouteEvents returns the student's care-route decisions, oldest first; the
// last one holds the current step.
func (tx *Tx) RouteEvents(ctx context.Context, studentID string) ([]casus.RouteEvent, error) {
	rows, err := tx.query(ctx, `SELECT r.student_id, r.seq, r.from_step, r.to_step, r.decided_on, r.by_id, u.name, r.recorded_at, r.reason
		FROM route_events r JOIN users u ON u.id = r.by_id WHERE r.student_id = $1 ORDER BY r.seq`, studentID)
	if err != nil {
		return nil, fmt.Errorf("storage: route events: %w", err)
	}
	defer rows.Close()
	var evs []casus.RouteEvent
	for rows.Next() {
		var ev casus.RouteEvent
		if err := rows.Scan(&ev.StudentID, &ev.Seq, &ev.From, &ev.To, &ev.DecidedOn, &ev.ByID, &ev.ByName,
			&ev.RecordedAt, &ev.Reason); err != nil {
			return nil, err
		}
		ev.DecidedOn, ev.RecordedAt = careDay(ev.DecidedOn), ev.RecordedAt.UTC()
		evs = append(evs, ev)
	}
	return evs, rows.Err()
}
