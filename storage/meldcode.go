package storage

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"casus"
)

// MeldcodeNamed reports whether the coordinator named the user for the
// student's meldcode.
func (tx *Tx) MeldcodeNamed(ctx context.Context, studentID, userID string) (bool, error) {
	var n int
	if err := tx.queryRow(ctx, `SELECT COUNT(*) FROM meldcode_people WHERE student_id = $1 AND user_id = $2`,
		studentID, userID).Scan(&n); err != nil {
		return false, fmt.Errorf("storage: meldcode named: %w", err)
	}
	return n > 0, nil
}

// MeldcodePeople returns the people named for the student's meldcode.
func (tx *Tx) MeldcodePeople(ctx context.Context, studentID string) ([]casus.User, error) {
	rows, err := tx.query(ctx, `SELECT u.id, u.name, u.discipline FROM meldcode_people p JOIN users u ON u.id = p.user_id
		WHERE p.student_id = $1 ORDER BY u.name`, studentID)
	if err != nil {
		return nil, fmt.Errorf("storage: meldcode people: %w", err)
	}
	defer rows.Close()
	var us []casus.User
	for rows.Next() {
		var u casus.User
		if err := rows.Scan(&u.ID, &u.Name, &u.Discipline); err != nil {
			return nil, err
		}
		us = append(us, u)
	}
	return us, rows.Err()
}

// NameForMeldcode names a person for the student's meldcode; naming them
// again changes nothing.
func (tx *Tx) NameForMeldcode(ctx context.Context, studentID, userID, by string) error {
	_, err := tx.exec(ctx, `INSERT INTO meldcode_people (student_id, user_id, named_by, named_at) VALUES ($1, $2, $3, $4)
		ON CONFLICT (student_id, user_id) DO NOTHING`, studentID, userID, by, tx.Now())
	if err != nil {
		return fmt.Errorf("storage: name for meldcode: %w", err)
	}
	return nil
}

// UnnameForMeldcode removes a named person; it reports whether they were
// named.
func (tx *Tx) UnnameForMeldcode(ctx context.Context, studentID, userID string) (bool, error) {
	res, err := tx.exec(ctx, `DELETE FROM meldcode_people WHERE student_id = $1 AND user_id = $2`, studentID, userID)
	if err != nil {
		return false, fmt.Errorf("storage: unname for meldcode: %w", err)
	}
	n, err := res.RowsAffected()
	return n > 0, err
}

// Meldcodes returns the student's meldcode trajectories with their steps,
// newest first.
func (tx *Tx) Meldcodes(ctx context.Context, studentID string) ([]casus.Meldcode, error) {
	rows, err := tx.query(ctx, `SELECT id, student_id, started_by, started_at, closed_at FROM meldcodes
		WHERE student_id = $1 ORDER BY started_at DESC, id DESC`, studentID)
	if err != nil {
		return nil, fmt.Errorf("storage: meldcodes: %w", err)
	}
	var ms []casus.Meldcode
	for rows.Next() {
		var m casus.Meldcode
		var closed sql.NullTime
		if err := rows.Scan(&m.ID, &m.StudentID, &m.StartedBy, &m.StartedAt, &closed); err != nil {
			rows.Close()
			return nil, err
		}
		m.StartedAt, m.ClosedAt = m.StartedAt.UTC(), day(closed)
		ms = append(ms, m)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for i := range ms {
		if ms[i].Steps, err = tx.meldcodeSteps(ctx, ms[i].ID); err != nil {
			return nil, err
		}
	}
	return ms, nil
}

func (tx *Tx) meldcodeSteps(ctx context.Context, meldcodeID string) ([]casus.MeldcodeStep, error) {
	rows, err := tx.query(ctx, `SELECT s.id, s.meldcode_id, s.step, s.done_on, s.by_id, u.name, s.notes, s.veilig_thuis,
		s.answers, s.decision, s.created_at FROM meldcode_steps s JOIN users u ON u.id = s.by_id
		WHERE s.meldcode_id = $1 ORDER BY s.step`, meldcodeID)
	if err != nil {
		return nil, fmt.Errorf("storage: meldcode steps: %w", err)
	}
	defer rows.Close()
	var ss []casus.MeldcodeStep
	for rows.Next() {
		var s casus.MeldcodeStep
		var answers string
		if err := rows.Scan(&s.ID, &s.MeldcodeID, &s.Step, &s.DoneOn, &s.ByID, &s.ByName, &s.Notes, &s.VeiligThuis,
			&answers, &s.Decision, &s.CreatedAt); err != nil {
			return nil, err
		}
		s.DoneOn, s.CreatedAt = s.DoneOn.UTC(), s.CreatedAt.UTC()
		if answers != "" {
			s.Answers = strings.Split(answers, ",")
		}
		ss = append(ss, s)
	}
	return ss, rows.Err()
}

// RecordMeldcodeStep records the next step of the student's open
// trajectory; step 1 starts a new trajectory, step 5 closes it. The caller
// checked that s.Step is the next step.
func (tx *Tx) RecordMeldcodeStep(ctx context.Context, studentID string, s *casus.MeldcodeStep) error {
	now := tx.Now()
	if s.Step == 1 {
		s.MeldcodeID = casus.NewID()
		if err := tx.insert(ctx, "meldcode", `INSERT INTO meldcodes (id, student_id, started_by, started_at) VALUES ($1, $2, $3, $4)`,
			s.MeldcodeID, studentID, s.ByID, now); err != nil {
			return err
		}
	}
	s.CreatedAt = now
	if err := tx.insert(ctx, "meldcode step", `INSERT INTO meldcode_steps (id, meldcode_id, step, done_on, by_id, notes,
		veilig_thuis, answers, decision, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
		ensureID(&s.ID), s.MeldcodeID, s.Step, utc(s.DoneOn), s.ByID, s.Notes, s.VeiligThuis,
		strings.Join(s.Answers, ","), s.Decision, now); err != nil {
		return err
	}
	if s.Step == casus.MeldcodeSteps {
		if _, err := tx.exec(ctx, `UPDATE meldcodes SET closed_at = $2 WHERE id = $1`, s.MeldcodeID, now); err != nil {
			return fmt.Errorf("storage: close meldcode: %w", err)
		}
	}
	return nil
}
