package storage

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"time"

	"casus"
)

// ErrDiscussionStale is returned by SaveDiscussion when someone saved the
// record after the version the caller started from.
var ErrDiscussionStale = &casus.Error{Code: casus.ECONFLICT, Key: "discussion.stale"}

// ErrMinutesFinal is returned when a record of a meeting whose minutes are
// final is to change.
var ErrMinutesFinal = &casus.Error{Code: casus.ECONFLICT, Key: "discussion.final"}

const discussionColumns = `d.id, d.item_id, d.meeting_id, d.case_id, d.student_id, d.version, d.record, d.saved_by, u.name,
	d.saved_at, d.finalised_at`

const discussionFrom = ` FROM discussions d JOIN users u ON u.id = d.saved_by `

// scanDiscussion reads discussionColumns and then extra.
func scanDiscussion(r scanner, extra ...any) (casus.Discussion, error) {
	var d casus.Discussion
	var record string
	var final sql.NullTime
	if err := r.Scan(append([]any{&d.ID, &d.ItemID, &d.MeetingID, &d.CaseID, &d.StudentID, &d.Version, &record, &d.SavedBy,
		&d.SavedByName, &d.SavedAt, &final}, extra...)...); err != nil {
		return d, err
	}
	d.SavedAt = d.SavedAt.UTC()
	if final.Valid {
		d.FinalisedAt = final.Time.UTC()
	}
	return d, json.Unmarshal([]byte(record), &d.Record)
}

// Discussion returns the record of the discussion at an agenda item; ok is
// false when nothing was recorded yet.
func (tx *Tx) Discussion(ctx context.Context, itemID string) (d casus.Discussion, ok bool, err error) {
	d, err = scanDiscussion(tx.queryRow(ctx, `SELECT `+discussionColumns+discussionFrom+`WHERE d.item_id = $1`, itemID))
	if err == sql.ErrNoRows {
		return d, false, nil
	}
	if err != nil {
		return d, false, fmt.Errorf("storage: discussion: %w", err)
	}
	return d, true, nil
}

// MeetingDiscussions returns the records of a meeting's items by item id.
func (tx *Tx) MeetingDiscussions(ctx context.Context, meetingID string) (map[string]casus.Discussion, error) {
	return tx.discussions(ctx, `WHERE d.meeting_id = $1`, meetingID)
}

func (tx *Tx) discussions(ctx context.Context, where string, args ...any) (map[string]casus.Discussion, error) {
	rows, err := tx.query(ctx, `SELECT `+discussionColumns+discussionFrom+where, args...)
	if err != nil {
		return nil, fmt.Errorf("storage: discussions: %w", err)
	}
	defer rows.Close()
	out := map[string]casus.Discussion{}
	for rows.Next() {
		d, err := scanDiscussion(rows)
		if err != nil {
			return nil, err
		}
		out[d.ItemID] = d
	}
	return out, rows.Err()
}

// PreviousDiscussion returns the case's last finalised discussion at a
// meeting that started before t: the plan a follow-up evaluates.
func (tx *Tx) PreviousDiscussion(ctx context.Context, caseID string, t time.Time) (d casus.Discussion, ok bool, err error) {
	d, err = scanDiscussion(tx.queryRow(ctx, `SELECT `+discussionColumns+discussionFrom+`JOIN meetings m ON m.id = d.meeting_id
		WHERE d.case_id = $1 AND d.finalised_at IS NOT NULL AND m.starts_at < $2 ORDER BY m.starts_at DESC LIMIT 1`, caseID, utc(t)))
	if err == sql.ErrNoRows {
		return d, false, nil
	}
	if err != nil {
		return d, false, fmt.Errorf("storage: previous discussion: %w", err)
	}
	return d, true, nil
}

// SaveDiscussion stores d.Record as the next version of the item's record.
// base is the version the author started from (0 for a new record); when
// someone saved since, it returns ErrDiscussionStale and changes nothing.
// Goals get their ids here; a goal without criterion or date is refused.
// The attendees are stored with the minutes spent, for time per partner.
func (tx *Tx) SaveDiscussion(ctx context.Context, d *casus.Discussion, base int) error {
	for i := range d.Record.Goals {
		g := &d.Record.Goals[i]
		if !g.Measurable() {
			return &casus.Error{Code: casus.EINVALID, Key: "discussion.goal_not_measurable"}
		}
		g.DueOn = utc(g.DueOn)
		ensureID(&g.ID)
	}
	d.Record.EvaluateOn = utc(d.Record.EvaluateOn)
	record, err := json.Marshal(d.Record)
	if err != nil {
		return err
	}
	var final bool
	if err := tx.queryRow(ctx, `SELECT minutes_final_at IS NOT NULL FROM meetings WHERE id = $1`, d.MeetingID).Scan(&final); err != nil {
		return notFound(err, "meeting")
	}
	if final {
		return ErrMinutesFinal
	}
	d.SavedAt, d.Version = tx.Now(), base+1
	evaluate := any(nil)
	if !d.Record.EvaluateOn.IsZero() {
		evaluate = d.Record.EvaluateOn
	}
	if base == 0 {
		var taken int
		if err := tx.queryRow(ctx, `SELECT COUNT(*) FROM discussions WHERE item_id = $1`, d.ItemID).Scan(&taken); err != nil {
			return fmt.Errorf("storage: discussion: %w", err)
		}
		if taken > 0 {
			return ErrDiscussionStale
		}
		if err := tx.insert(ctx, "discussion", `INSERT INTO discussions (id, item_id, meeting_id, case_id, student_id, version, record,
			evaluate_on, saved_by, saved_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
			ensureID(&d.ID), d.ItemID, d.MeetingID, d.CaseID, d.StudentID, d.Version, string(record), evaluate, d.SavedBy,
			d.SavedAt); err != nil {
			return err
		}
	} else {
		res, err := tx.exec(ctx, `UPDATE discussions SET version = $1, record = $2, evaluate_on = $3, saved_by = $4, saved_at = $5
			WHERE id = $6 AND version = $7`, d.Version, string(record), evaluate, d.SavedBy, d.SavedAt, d.ID, base)
		if err != nil {
			return fmt.Errorf("storage: save discussion: %w", err)
		}
		if n, err := res.RowsAffected(); err != nil || n != 1 {
			return ErrDiscussionStale
		}
		if _, err := tx.exec(ctx, `DELETE FROM discussion_attendees WHERE discussion_id = $1`, d.ID); err != nil {
			return fmt.Errorf("storage: discussion attendees: %w", err)
		}
	}
	if err := tx.insert(ctx, "discussion version", `INSERT INTO discussion_versions (discussion_id, version, record, saved_by, saved_at)
		VALUES ($1, $2, $3, $4, $5)`, d.ID, d.Version, string(record), d.SavedBy, d.SavedAt); err != nil {
		return err
	}
	for _, id := range d.Record.Attendees {
		if err := tx.insert(ctx, "discussion attendee", `INSERT INTO discussion_attendees (discussion_id, user_id, minutes)
			VALUES ($1, $2, $3)`, d.ID, id, d.Record.MinutesSpent); err != nil {
			return err
		}
	}
	return nil
}

// DiscussionVersion returns one saved version of a record.
func (tx *Tx) DiscussionVersion(ctx context.Context, discussionID string, version int) (casus.DiscussionRecord, error) {
	var record string
	var r casus.DiscussionRecord
	if err := tx.queryRow(ctx, `SELECT record FROM discussion_versions WHERE discussion_id = $1 AND version = $2`,
		discussionID, version).Scan(&record); err != nil {
		return r, notFound(err, "discussion version")
	}
	return r, json.Unmarshal([]byte(record), &r)
}

// FinaliseMinutes makes the meeting's minutes and all its records final. It
// reports false when they were final already.
func (tx *Tx) FinaliseMinutes(ctx context.Context, meetingID string) (bool, error) {
	now := tx.Now()
	res, err := tx.exec(ctx, `UPDATE meetings SET minutes_final_at = $1 WHERE id = $2 AND minutes_final_at IS NULL`, now, meetingID)
	if err != nil {
		return false, fmt.Errorf("storage: finalise minutes: %w", err)
	}
	if n, err := res.RowsAffected(); err != nil || n != 1 {
		return false, err
	}
	if _, err := tx.exec(ctx, `UPDATE discussions SET finalised_at = $1 WHERE meeting_id = $2`, now, meetingID); err != nil {
		return false, fmt.Errorf("storage: finalise records: %w", err)
	}
	return true, nil
}

// MinutesFinal returns when the meeting's minutes became final, or zero.
func (tx *Tx) MinutesFinal(ctx context.Context, meetingID string) (time.Time, error) {
	var t sql.NullTime
	if err := tx.queryRow(ctx, `SELECT minutes_final_at FROM meetings WHERE id = $1`, meetingID).Scan(&t); err != nil {
		return time.Time{}, notFound(err, "meeting")
	}
	return t.Time.UTC(), nil
}

// DueFollowUp is a finalised discussion whose evaluation day has come and
// whose case is not yet on an agenda for it.
type DueFollowUp struct {
	Discussion casus.Discussion
	TeamID     string
}

// DueFollowUps returns the finalised discussions of open cases whose
// evaluation day is on or before t and that no agenda holds as a follow-up
// yet.
func (tx *Tx) DueFollowUps(ctx context.Context, t time.Time) ([]DueFollowUp, error) {
	rows, err := tx.query(ctx, `SELECT `+discussionColumns+`, c.team_id`+discussionFrom+`JOIN cases c ON c.id = d.case_id
		WHERE d.finalised_at IS NOT NULL AND d.evaluate_on IS NOT NULL AND d.evaluate_on <= $1 AND c.status = 'open'
		AND NOT EXISTS (SELECT 1 FROM agenda_items a JOIN meetings m ON m.id = a.meeting_id AND m.status = 'planned'
			WHERE a.kind = 'follow_up' AND a.source_id = d.id)
		ORDER BY d.evaluate_on`, utc(t))
	if err != nil {
		return nil, fmt.Errorf("storage: due follow-ups: %w", err)
	}
	defer rows.Close()
	var out []DueFollowUp
	for rows.Next() {
		var f DueFollowUp
		var err error
		if f.Discussion, err = scanDiscussion(rows, &f.TeamID); err != nil {
			return nil, err
		}
		out = append(out, f)
	}
	return out, rows.Err()
}
