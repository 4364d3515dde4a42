package storage

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"casus"
)

// DueAftercare returns the ZAT cases whose last discussion — the latest
// past meeting with the case on its agenda — was at least three months
// before t and that have no aftercare yet, with that meeting's time.
func (tx *Tx) DueAftercare(ctx context.Context, t time.Time) ([]casus.Aftercare, error) {
	rows, err := tx.query(ctx, `SELECT CAST(c.id AS TEXT), CAST(c.student_id AS TEXT), MAX(m.starts_at) FROM cases c
		JOIN care_teams ct ON ct.id = c.team_id AND ct.kind = 'zat'
		JOIN agenda_items a ON a.case_id = c.id JOIN meetings m ON m.id = a.meeting_id AND m.status = 'planned'
		WHERE m.starts_at < $1 AND NOT EXISTS (SELECT 1 FROM aftercare ac WHERE ac.case_id = c.id)
		GROUP BY c.id, c.student_id`, utc(t))
	if err != nil {
		return nil, fmt.Errorf("storage: due aftercare: %w", err)
	}
	defer rows.Close()
	var out []casus.Aftercare
	for rows.Next() {
		var a casus.Aftercare
		var last any
		if err := rows.Scan(&a.CaseID, &a.StudentID, &last); err != nil {
			return nil, err
		}
		if a.LastDiscussedAt, err = asTime(last); err != nil {
			return nil, err
		}
		if !a.LastDiscussedAt.AddDate(0, casus.AftercareAfterMonths, 0).After(t) {
			out = append(out, a)
		}
	}
	return out, rows.Err()
}

// asTime reads an aggregate time: PostgreSQL returns a time, SQLite the
// stored text.
func asTime(v any) (time.Time, error) {
	switch x := v.(type) {
	case time.Time:
		return x.UTC(), nil
	case string:
		for _, layout := range []string{"2006-01-02 15:04:05.999999999-07:00", time.RFC3339Nano, "2006-01-02 15:04:05.999999999"} {
			if t, err := time.Parse(layout, x); err == nil {
				return t.UTC(), nil
			}
		}
	case []byte:
		return asTime(string(x))
	}
	return time.Time{}, fmt.Errorf("storage: unexpected time %T %v", v, v)
}

// CreateAftercare stores the aftercare task of a case, once: it reports
// false when the case has one already.
func (tx *Tx) CreateAftercare(ctx context.Context, a *casus.Aftercare) (bool, error) {
	a.CreatedAt = tx.Now()
	res, err := tx.exec(ctx, `INSERT INTO aftercare (id, case_id, student_id, last_discussed_at, created_at) VALUES ($1, $2, $3, $4, $5)
		ON CONFLICT (case_id) DO NOTHING`, ensureID(&a.ID), a.CaseID, a.StudentID, utc(a.LastDiscussedAt), a.CreatedAt)
	if err != nil {
		return false, fmt.Errorf("storage: create aftercare: %w", err)
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// CaseAftercare returns the case's aftercare with its answers; ok is false
// when there is none.
func (tx *Tx) CaseAftercare(ctx context.Context, caseID string) (a casus.Aftercare, ok bool, err error) {
	err = tx.queryRow(ctx, `SELECT id, case_id, student_id, last_discussed_at, created_at FROM aftercare WHERE case_id = $1`, caseID).
		Scan(&a.ID, &a.CaseID, &a.StudentID, &a.LastDiscussedAt, &a.CreatedAt)
	if err == sql.ErrNoRows {
		return a, false, nil
	}
	if err != nil {
		return a, false, fmt.Errorf("storage: aftercare: %w", err)
	}
	a.LastDiscussedAt, a.CreatedAt = a.LastDiscussedAt.UTC(), a.CreatedAt.UTC()
	rows, err := tx.query(ctx, `SELECT id, respondent, achieved, goals_met, experience, recorded_by, recorded_at FROM aftercare_answers
		WHERE aftercare_id = $1 ORDER BY recorded_at`, a.ID)
	if err != nil {
		return a, false, fmt.Errorf("storage: aftercare answers: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var an casus.AftercareAnswer
		if err := rows.Scan(&an.ID, &an.Respondent, &an.Achieved, &an.GoalsMet, &an.Experience, &an.RecordedBy, &an.RecordedAt); err != nil {
			return a, false, err
		}
		an.RecordedAt = an.RecordedAt.UTC()
		a.Answers = append(a.Answers, an)
	}
	return a, true, rows.Err()
}

// AddAftercareAnswer stores one respondent's answers.
func (tx *Tx) AddAftercareAnswer(ctx context.Context, aftercareID string, an *casus.AftercareAnswer) error {
	an.RecordedAt = tx.Now()
	return tx.insert(ctx, "aftercare answer", `INSERT INTO aftercare_answers (id, aftercare_id, respondent, achieved, goals_met, experience,
		recorded_by, recorded_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`, ensureID(&an.ID), aftercareID, string(an.Respondent),
		an.Achieved, an.GoalsMet, an.Experience, an.RecordedBy, an.RecordedAt)
}
