package storage

import (
	"context"
	"encoding/json"
	"fmt"

	"casus"
)

// ItemDetails returns, per item of the meeting, its question, its summary
// and its guests. The summary is the chair's question for the item; without
// one, the school's question of a referral item or the question of the plan
// a follow-up evaluates. It is not shortened here.
func (tx *Tx) ItemDetails(ctx context.Context, meetingID string) (map[string]casus.ItemDetails, error) {
	rows, err := tx.query(ctx, `SELECT CAST(a.id AS TEXT), a.question, COALESCE(r.question_school, ''), COALESCE(d.record, '')
		FROM agenda_items a
		LEFT JOIN referrals r ON a.kind = 'referral' AND r.id = a.source_id
		LEFT JOIN discussions d ON a.kind = 'follow_up' AND d.id = a.source_id
		WHERE a.meeting_id = $1`, meetingID)
	if err != nil {
		return nil, fmt.Errorf("storage: item details: %w", err)
	}
	out := map[string]casus.ItemDetails{}
	for rows.Next() {
		var id, referral, record string
		var det casus.ItemDetails
		if err := rows.Scan(&id, &det.Question, &referral, &record); err != nil {
			rows.Close()
			return nil, err
		}
		det.Summary = det.Question
		if det.Summary == "" {
			det.Summary = referral
		}
		if det.Summary == "" && record != "" {
			var rec casus.DiscussionRecord
			if err := json.Unmarshal([]byte(record), &rec); err != nil {
				rows.Close()
				return nil, fmt.Errorf("storage: item details: %w", err)
			}
			det.Summary = rec.Question
		}
		out[id] = det
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	guests, err := tx.query(ctx, `SELECT CAST(g.id AS TEXT), CAST(g.item_id AS TEXT), g.kind, g.name, CAST(g.added_by AS TEXT), g.added_at
		FROM agenda_guests g JOIN agenda_items a ON a.id = g.item_id WHERE a.meeting_id = $1 ORDER BY g.added_at, g.id`, meetingID)
	if err != nil {
		return nil, fmt.Errorf("storage: agenda guests: %w", err)
	}
	defer guests.Close()
	for guests.Next() {
		var g casus.AgendaGuest
		if err := guests.Scan(&g.ID, &g.ItemID, &g.Kind, &g.Name, &g.AddedBy, &g.AddedAt); err != nil {
			return nil, err
		}
		g.AddedAt = g.AddedAt.UTC()
		det := out[g.ItemID]
		det.Guests = append(det.Guests, g)
		out[g.ItemID] = det
	}
	return out, guests.Err()
}

// SetItemQuestion sets the question of one item of the meeting.
func (tx *Tx) SetItemQuestion(ctx context.Context, meetingID, itemID, question string) error {
	res, err := tx.exec(ctx, `UPDATE agenda_items SET question = $1 WHERE id = $2 AND meeting_id = $3`, question, itemID, meetingID)
	if err != nil {
		return fmt.Errorf("storage: item question: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return casus.ErrNotFound
	}
	return nil
}

// AddAgendaGuest invites a guest for one item of the meeting.
func (tx *Tx) AddAgendaGuest(ctx context.Context, meetingID string, g *casus.AgendaGuest) error {
	var n int
	if err := tx.queryRow(ctx, `SELECT COUNT(*) FROM agenda_items WHERE id = $1 AND meeting_id = $2`, g.ItemID, meetingID).Scan(&n); err != nil {
		return fmt.Errorf("storage: agenda guest: %w", err)
	}
	if n == 0 {
		return casus.ErrNotFound
	}
	g.AddedAt = tx.Now()
	return tx.insert(ctx, "agenda guest", `INSERT INTO agenda_guests (id, item_id, kind, name, added_by, added_at) VALUES ($1, $2, $3, $4, $5, $6)`,
		ensureID(&g.ID), g.ItemID, string(g.Kind), g.Name, g.AddedBy, g.AddedAt)
}

// RemoveAgendaGuest takes a guest off one item of the meeting.
func (tx *Tx) RemoveAgendaGuest(ctx context.Context, meetingID, itemID, guestID string) error {
	res, err := tx.exec(ctx, `DELETE FROM agenda_guests WHERE id = $1 AND item_id = $2
		AND item_id IN (SELECT id FROM agenda_items WHERE meeting_id = $3)`, guestID, itemID, meetingID)
	if err != nil {
		return fmt.Errorf("storage: remove agenda guest: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return casus.ErrNotFound
	}
	return nil
}

// LatestPlan returns the case's latest discussion whose record has goals —
// the plan whose goals are evaluated when the case closes; ok is false when
// no discussion of the case set goals.
func (tx *Tx) LatestPlan(ctx context.Context, caseID string) (d casus.Discussion, ok bool, err error) {
	rows, err := tx.query(ctx, `SELECT `+discussionColumns+discussionFrom+`JOIN meetings m ON m.id = d.meeting_id
		WHERE d.case_id = $1 ORDER BY m.starts_at DESC, d.saved_at DESC`, caseID)
	if err != nil {
		return d, false, fmt.Errorf("storage: latest plan: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		if d, err = scanDiscussion(rows); err != nil {
			return d, false, err
		}
		if len(d.Record.Goals) > 0 {
			return d, true, nil
		}
	}
	return casus.Discussion{}, false, rows.Err()
}

// addGoalOutcomes stores the goals' outcomes of one closing.
func (tx *Tx) addGoalOutcomes(ctx context.Context, closureID, caseID string, outcomes []casus.GoalOutcome) error {
	for i, o := range outcomes {
		if err := tx.insert(ctx, "goal outcome", `INSERT INTO goal_outcomes (closure_id, case_id, discussion_id, goal_id, position,
			description, outcome) VALUES ($1, $2, $3, $4, $5, $6, $7)`, closureID, caseID, o.DiscussionID, o.GoalID, i+1,
			o.Description, string(o.Outcome)); err != nil {
			return err
		}
	}
	return nil
}

// CaseClosures returns the case's closings and reopenings, oldest first,
// each closing with its goals' outcomes.
func (tx *Tx) CaseClosures(ctx context.Context, caseID string) ([]casus.CaseClosure, error) {
	rows, err := tx.query(ctx, `SELECT CAST(c.id AS TEXT), c.kind, c.reason, c.note, c.at, u.name FROM case_closures c
		JOIN users u ON u.id = c.actor_id WHERE c.case_id = $1 ORDER BY c.at, c.id`, caseID)
	if err != nil {
		return nil, fmt.Errorf("storage: case closures: %w", err)
	}
	var out []casus.CaseClosure
	index := map[string]int{}
	for rows.Next() {
		var c casus.CaseClosure
		if err := rows.Scan(&c.ID, &c.Kind, &c.Reason, &c.Note, &c.At, &c.ActorName); err != nil {
			rows.Close()
			return nil, err
		}
		c.At = c.At.UTC()
		index[c.ID] = len(out)
		out = append(out, c)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if len(out) == 0 {
		return nil, nil
	}
	orows, err := tx.query(ctx, `SELECT CAST(closure_id AS TEXT), CAST(discussion_id AS TEXT), goal_id, description, outcome
		FROM goal_outcomes WHERE case_id = $1 ORDER BY position`, caseID)
	if err != nil {
		return nil, fmt.Errorf("storage: goal outcomes: %w", err)
	}
	defer orows.Close()
	for orows.Next() {
		var closure string
		var o casus.GoalOutcome
		if err := orows.Scan(&closure, &o.DiscussionID, &o.GoalID, &o.Description, &o.Outcome); err != nil {
			return nil, err
		}
		if i, ok := index[closure]; ok {
			out[i].Outcomes = append(out[i].Outcomes, o)
		}
	}
	return out, orows.Err()
}

// CareContactsOf returns the ids of the student's care contacts (the
// taakdocent zorg or IB'er of the student's group) whose account is active.
func (tx *Tx) CareContactsOf(ctx context.Context, studentID string) ([]string, error) {
	return tx.column(ctx, "care contacts", `SELECT CAST(u.id AS TEXT) FROM users u JOIN students st ON st.id = $1
		WHERE `+careContactOf("u.id", "st")+` AND NOT u.disabled ORDER BY u.name`, studentID)
}
