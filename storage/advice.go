package storage

import (
	"context"
	"fmt"

	"casus"
)

// AddAdvice stores a handelingsadvies for a case.
func (tx *Tx) AddAdvice(ctx context.Context, a *casus.Advice) error {
	a.CreatedAt = tx.Now()
	return tx.insert(ctx, "advice", `INSERT INTO advice (id, case_id, student_id, text, author_id, created_at) VALUES ($1, $2, $3, $4, $5, $6)`,
		ensureID(&a.ID), a.CaseID, a.StudentID, a.Text, a.AuthorID, a.CreatedAt)
}

// StudentAdvice returns the student's advice, newest first.
func (tx *Tx) StudentAdvice(ctx context.Context, studentID string) ([]casus.Advice, error) {
	rows, err := tx.query(ctx, `SELECT a.id, a.case_id, a.student_id, a.text, a.author_id, u.name, t.name, a.created_at
		FROM advice a JOIN users u ON u.id = a.author_id JOIN cases c ON c.id = a.case_id JOIN care_teams t ON t.id = c.team_id
		WHERE a.student_id = $1 ORDER BY a.created_at DESC, a.id DESC`, studentID)
	if err != nil {
		return nil, fmt.Errorf("storage: advice: %w", err)
	}
	defer rows.Close()
	var as []casus.Advice
	for rows.Next() {
		var a casus.Advice
		if err := rows.Scan(&a.ID, &a.CaseID, &a.StudentID, &a.Text, &a.AuthorID, &a.AuthorName, &a.TeamName, &a.CreatedAt); err != nil {
			return nil, err
		}
		a.CreatedAt = a.CreatedAt.UTC()
		as = append(as, a)
	}
	return as, rows.Err()
}

// GuidanceAdvice returns the advice given with the student's referrals that
// were redirected back to the basic guidance (the note of that decision),
// newest first. Such advice has no case; its team is the referral's.
func (tx *Tx) GuidanceAdvice(ctx context.Context, studentID string) ([]casus.Advice, error) {
	rows, err := tx.query(ctx, `SELECT e.id, r.id, r.student_id, e.note, e.actor_id, u.name, t.name, e.at
		FROM referral_events e JOIN referrals r ON r.id = e.referral_id JOIN users u ON u.id = e.actor_id
		JOIN care_teams t ON t.id = r.team_id
		WHERE r.student_id = $1 AND e.to_state = $2 AND r.next_id IS NULL AND e.note <> ''
		ORDER BY e.at DESC, e.id DESC`, studentID, string(casus.RefRedirected))
	if err != nil {
		return nil, fmt.Errorf("storage: guidance advice: %w", err)
	}
	defer rows.Close()
	var as []casus.Advice
	for rows.Next() {
		var a casus.Advice
		if err := rows.Scan(&a.ID, &a.ReferralID, &a.StudentID, &a.Text, &a.AuthorID, &a.AuthorName, &a.TeamName, &a.CreatedAt); err != nil {
			return nil, err
		}
		a.CreatedAt = a.CreatedAt.UTC()
		as = append(as, a)
	}
	return as, rows.Err()
}
