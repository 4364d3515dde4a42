package storage

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"casus"
)

// StudentHistory is what has happened around a student, for the student
// page's history: the referrals, with the facts through which
// casus.CanReadReferral grants each; the meetings that discussed the
// student; and the aftercare of the cases.
type StudentHistory struct {
	Referrals     []casus.Referral
	ReferralFacts []casus.ReferralFacts
	Discussions   []HistoryDiscussion
	Aftercare     []casus.Aftercare
}

// HistoryDiscussion is a meeting that discussed the student: a record was
// saved at the case's agenda item.
type HistoryDiscussion struct {
	MeetingID, ItemID, CaseID string
	TeamName                  string
	TeamKind                  casus.TeamKind
	At                        time.Time // the meeting's start
	// Member: the user is a fixed member of the team, or invited for the
	// case — the people who may read the record (casus.CanReadDiscussion).
	Member bool
}

// StudentHistory returns the history of a student as the user ($1) may
// have a part in it, in three statements, oldest first.
func (tx *Tx) StudentHistory(ctx context.Context, userID, studentID string) (StudentHistory, error) {
	var h StudentHistory
	rows, err := tx.query(ctx, `SELECT `+referralColumns+`, `+referralTextColumns+`, `+relationColumns+`, `+
		referralFactColumns+referralFrom+`WHERE r.student_id = $2 ORDER BY r.created_at`, userID, studentID)
	if err != nil {
		return h, fmt.Errorf("storage: student history referrals: %w", err)
	}
	for rows.Next() {
		r, f, err := scanReferralFacts(rows)
		if err != nil {
			rows.Close()
			return h, err
		}
		h.Referrals, h.ReferralFacts = append(h.Referrals, r), append(h.ReferralFacts, f)
	}
	if err := closeRows(rows); err != nil {
		return h, err
	}
	rows, err = tx.query(ctx, `SELECT CAST(m.id AS TEXT), CAST(d.item_id AS TEXT), CAST(c.id AS TEXT), t.name, t.kind, m.starts_at,
		(`+fixedMemberOf("$1", "m")+` OR `+invitedTo("$1", "c")+`)
		FROM discussions d JOIN meetings m ON m.id = d.meeting_id JOIN cases c ON c.id = d.case_id
		JOIN care_teams t ON t.id = m.team_id
		WHERE d.student_id = $2 ORDER BY m.starts_at`, userID, studentID)
	if err != nil {
		return h, fmt.Errorf("storage: student history discussions: %w", err)
	}
	for rows.Next() {
		var d HistoryDiscussion
		if err := rows.Scan(&d.MeetingID, &d.ItemID, &d.CaseID, &d.TeamName, &d.TeamKind, &d.At, &d.Member); err != nil {
			rows.Close()
			return h, err
		}
		d.At = d.At.UTC()
		h.Discussions = append(h.Discussions, d)
	}
	if err := closeRows(rows); err != nil {
		return h, err
	}
	rows, err = tx.query(ctx, `SELECT id, case_id, student_id, last_discussed_at, created_at FROM aftercare
		WHERE student_id = $1 ORDER BY created_at`, studentID)
	if err != nil {
		return h, fmt.Errorf("storage: student history aftercare: %w", err)
	}
	for rows.Next() {
		var a casus.Aftercare
		if err := rows.Scan(&a.ID, &a.CaseID, &a.StudentID, &a.LastDiscussedAt, &a.CreatedAt); err != nil {
			rows.Close()
			return h, err
		}
		a.LastDiscussedAt, a.CreatedAt = a.LastDiscussedAt.UTC(), a.CreatedAt.UTC()
		h.Aftercare = append(h.Aftercare, a)
	}
	return h, closeRows(rows)
}

// closeRows closes rows read to the end and returns the error that ended
// the reading, if any.
func closeRows(rows *sql.Rows) error {
	err := rows.Err()
	if cerr := rows.Close(); err == nil {
		err = cerr
	}
	return err
}
