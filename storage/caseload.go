package storage

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"casus"
)

// CaseloadRow is an open case of a team's caseload: the case, its student
// and the user's relations to them, the care-route step, the consent state
// ("exception", "in_force", "refused" or "none"), the case coordinator of the
// latest final discussion record, the next evaluation day (zero for none),
// and the case's open and overdue actions.
type CaseloadRow struct {
	Case           casus.Case
	Student        casus.Student
	Relations      casus.StudentRelations
	Step           casus.RouteStep
	Consent        string
	CoordinatorID  string
	NextEvaluation time.Time
	OpenActions    int
	OverdueActions int
}

// TeamCaseload returns the open cases of a team, by student name, in one
// statement; the caller decides each row through the policy.
func (tx *Tx) TeamCaseload(ctx context.Context, userID, teamID string, today time.Time) ([]CaseloadRow, error) {
	now := tx.Now()
	rows, err := tx.query(ctx, `SELECT CAST(c.id AS TEXT), CAST(c.team_id AS TEXT), t.name, t.kind, c.status, c.opened_at, `+studentColumns+`, `+relationColumns+`,
		COALESCE((SELECT re.to_step FROM route_events re WHERE re.student_id = st.id ORDER BY re.seq DESC LIMIT 1),
			CASE WHEN sc.sector = 'po' THEN 'teacher' ELSE 'basic' END),
		CASE WHEN EXISTS (SELECT 1 FROM consent_exceptions ce WHERE ce.case_id = c.id AND ce.ended_at IS NULL) THEN 'exception'
			WHEN EXISTS (SELECT 1 FROM consents co WHERE co.case_id = c.id AND co.refused = FALSE AND co.mode IN ('toestemming', 'instemming')
				AND co.withdrawn_at IS NULL AND (co.expires_at IS NULL OR co.expires_at > $4)) THEN 'in_force'
			WHEN EXISTS (SELECT 1 FROM consents co WHERE co.case_id = c.id AND co.refused = TRUE AND co.withdrawn_at IS NULL) THEN 'refused'
			ELSE 'none' END,
		COALESCE((SELECT d.record FROM discussions d WHERE d.case_id = c.id AND d.finalised_at IS NOT NULL ORDER BY d.saved_at DESC LIMIT 1), ''),
		(SELECT d.evaluate_on FROM discussions d WHERE d.case_id = c.id AND d.finalised_at IS NOT NULL ORDER BY d.saved_at DESC LIMIT 1),
		(SELECT COUNT(*) FROM actions a WHERE a.case_id = c.id AND a.status IN ('open', 'in_progress')),
		(SELECT COUNT(*) FROM actions a WHERE a.case_id = c.id AND a.status IN ('open', 'in_progress') AND a.due_on < $3)
		FROM cases c JOIN care_teams t ON t.id = c.team_id JOIN students st ON st.id = c.student_id
		JOIN schools sc ON sc.id = st.school_id JOIN groups g ON g.id = st.group_id LEFT JOIN users m ON m.id = st.mentor_id
		WHERE c.team_id = $2 AND c.status = 'open' ORDER BY st.last_name, st.first_name, st.id`, userID, teamID, utc(today), now)
	if err != nil {
		return nil, fmt.Errorf("storage: team caseload: %w", err)
	}
	defer rows.Close()
	var out []CaseloadRow
	for rows.Next() {
		var r CaseloadRow
		var record string
		var eval any
		s, rel, cs := &r.Student, &r.Relations, &r.Case
		rel.Exists = true
		if err := rows.Scan(&cs.ID, &cs.TeamID, &cs.TeamName, &cs.TeamKind, &cs.Status, &cs.OpenedAt,
			&s.ID, &s.SchoolID, &s.GroupID, &s.FirstName, &s.LastName, &s.DateOfBirth, &s.StudentNumber,
			&s.Level, &s.MentorID, &s.LeftAt, &s.SchoolName, &s.Sector, &s.GroupName, &s.MentorName,
			&rel.Mentor, &rel.CareContact, &rel.Coordinator, &rel.TeamMember, &rel.Invited, &rel.ActionOwner,
			&r.Step, &r.Consent, &record, &eval, &r.OpenActions, &r.OverdueActions); err != nil {
			return nil, err
		}
		cs.StudentID = s.ID
		if record != "" {
			var rec casus.DiscussionRecord
			if err := json.Unmarshal([]byte(record), &rec); err != nil {
				return nil, fmt.Errorf("storage: team caseload: record: %w", err)
			}
			r.CoordinatorID = rec.CoordinatorID
		}
		if eval != nil {
			if r.NextEvaluation, err = asTime(eval); err != nil {
				return nil, err
			}
		}
		out = append(out, r)
	}
	return out, rows.Err()
}
