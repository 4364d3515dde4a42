package storage

import (
	"context"
	"database/sql"
	"fmt"
	"maps"
	"slices"
	"time"

	"casus"
)

// utc is how every time is stored: UTC to the microsecond, so both engines
// compare and return it alike.
func utc(t time.Time) time.Time { return t.UTC().Truncate(time.Microsecond) }

// SetRecurrence makes r the team's meeting rhythm from now on, ending the
// series it had. The coming meetings of earlier rhythms stay, with their
// ids, agendas and links (see settleMeetings).
func (tx *Tx) SetRecurrence(ctx context.Context, teamID string, r casus.Recurrence, location string) error {
	if !r.Valid() {
		return &casus.Error{Code: casus.EINVALID, Key: "error.recurrence", Field: "recurrence"}
	}
	now := tx.Now()
	if _, err := tx.exec(ctx, `UPDATE meeting_series SET ended_at = $1 WHERE team_id = $2 AND ended_at IS NULL`, now, teamID); err != nil {
		return fmt.Errorf("storage: end meeting series: %w", err)
	}
	id := casus.NewID()
	if err := tx.insert(ctx, "meeting series", `INSERT INTO meeting_series (id, team_id, first_at, every_weeks, month_week,
		duration_minutes, location, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
		id, teamID, utc(r.First), r.EveryWeeks, r.MonthWeek, int(r.Duration/time.Minute), location, now); err != nil {
		return err
	}
	if err := tx.settleMeetings(ctx, teamID, id, r, now); err != nil {
		return err
	}
	_, err := tx.PlanMeetings(ctx, teamID, now, MeetingsAhead)
	return err
}

// settleMeetings settles the coming meetings of the team's earlier rhythms
// under the new rhythm r (series seriesID): they all stay, with their ids,
// agendas and the links sent out to them. One at a moment of r becomes r's
// meeting there — also one an earlier rhythm change left out, which comes
// back; one with agenda items stays for the chair to move or hold; an empty
// one off r is cancelled "for the rhythm", so its link says so and a later
// rhythm may bring it back. The chair's own cancellations and moves stand.
func (tx *Tx) settleMeetings(ctx context.Context, teamID, seriesID string, r casus.Recurrence, now time.Time) error {
	type meeting struct {
		id, status string
		starts     time.Time
		empty      bool
	}
	ms, err := queryAll(ctx, tx, "meetings of earlier rhythms", func(s scanner) (meeting, error) {
		var m meeting
		var items int
		err := s.Scan(&m.id, &m.status, &m.starts, &items)
		m.empty = items == 0
		return m, err
	}, `SELECT CAST(id AS TEXT), status, starts_at, (SELECT COUNT(*) FROM agenda_items a WHERE a.meeting_id = meetings.id)
		FROM meetings WHERE team_id = $1 AND starts_at > $2 AND series_id IS NOT NULL AND series_id <> $3
		AND (status = 'planned' OR cancelled_for = 'rhythm')`, teamID, utc(now), seriesID)
	if err != nil {
		return err
	}
	for _, m := range ms {
		onRhythm := r.Next(m.starts.Add(-time.Second)).Equal(m.starts)
		var q string
		switch {
		case onRhythm:
			q = `UPDATE meetings SET series_id = $2, occurrence_at = starts_at, status = 'planned', cancelled_for = '' WHERE id = $1`
		case m.status == string(casus.MeetingPlanned) && m.empty:
			q = `UPDATE meetings SET status = 'cancelled', cancelled_for = 'rhythm' WHERE id = $1 AND $2 <> ''`
		default:
			continue
		}
		if _, err := tx.exec(ctx, q, m.id, seriesID); err != nil {
			return fmt.Errorf("storage: meeting under the new rhythm: %w", err)
		}
	}
	return nil
}

type series struct {
	id       string
	r        casus.Recurrence
	location string
}

// currentSeries returns the team's rhythm; ok is false when it has none.
func (tx *Tx) currentSeries(ctx context.Context, teamID string) (s series, ok bool, err error) {
	var minutes int
	err = tx.queryRow(ctx, `SELECT id, first_at, every_weeks, month_week, duration_minutes, location FROM meeting_series
		WHERE team_id = $1 AND ended_at IS NULL`, teamID).
		Scan(&s.id, &s.r.First, &s.r.EveryWeeks, &s.r.MonthWeek, &minutes, &s.location)
	if err == sql.ErrNoRows {
		return s, false, nil
	}
	if err != nil {
		return s, false, fmt.Errorf("storage: meeting series: %w", err)
	}
	s.r.Duration = time.Duration(minutes) * time.Minute
	return s, true, nil
}

// maxSlotsAhead bounds the search for a slot that is neither cancelled nor
// moved away: a year of weekly meetings.
const maxSlotsAhead = 53

// NextMeeting returns the team's first planned meeting that starts after t:
// a stored meeting (moved, or added on its own), or the next slot of its
// series, which is stored on the way so items can be put on its agenda.
// It returns ENOTFOUND when the team has no rhythm and no meeting ahead.
func (tx *Tx) NextMeeting(ctx context.Context, teamID string, t time.Time) (casus.Meeting, error) {
	s, ok, err := tx.currentSeries(ctx, teamID)
	if err != nil {
		return casus.Meeting{}, err
	}
	if ok {
		slot := t
		for range maxSlotsAhead {
			if slot = s.r.Next(slot); slot.IsZero() {
				break
			}
			var status string
			var starts time.Time
			err := tx.queryRow(ctx, `SELECT status, starts_at FROM meetings WHERE series_id = $1 AND occurrence_at = $2`,
				s.id, utc(slot)).Scan(&status, &starts)
			if err == sql.ErrNoRows {
				// A meeting kept from an earlier rhythm may stand at this very
				// moment: that one is the slot's meeting, or, cancelled, the
				// slot is.
				var kept, keptPlanned int
				if err := tx.queryRow(ctx, `SELECT COUNT(*), COUNT(CASE WHEN status = 'planned' THEN 1 END) FROM meetings
					WHERE team_id = $1 AND starts_at = $2`, teamID, utc(slot)).Scan(&kept, &keptPlanned); err != nil {
					return casus.Meeting{}, fmt.Errorf("storage: meeting slot: %w", err)
				}
				if keptPlanned > 0 {
					break
				}
				if kept > 0 {
					continue // cancelled at this moment: the next slot
				}
				if err := tx.insert(ctx, "meeting", `INSERT INTO meetings (id, team_id, series_id, occurrence_at, starts_at,
					duration_minutes, location, status, created_at) VALUES ($1, $2, $3, $4, $4, $5, $6, 'planned', $7)`,
					casus.NewID(), teamID, s.id, utc(slot), int(s.r.Duration/time.Minute), s.location, tx.Now()); err != nil {
					return casus.Meeting{}, err
				}
				break
			}
			if err != nil {
				return casus.Meeting{}, fmt.Errorf("storage: meeting slot: %w", err)
			}
			if status == string(casus.MeetingPlanned) && starts.Equal(utc(slot)) {
				break
			}
			// Cancelled, or moved to another time (found below): next slot.
		}
	}
	m, err := scanMeeting(tx.queryRow(ctx, `SELECT `+meetingColumns+` FROM meetings
		WHERE team_id = $1 AND status = 'planned' AND starts_at > $2 ORDER BY starts_at LIMIT 1`, teamID, utc(t)))
	return m, notFound(err, "meeting")
}

// meetingColumns are a meeting's columns, with its team's send-ahead days;
// the queries read them FROM meetings without an alias.
const meetingColumns = `id, team_id, starts_at, duration_minutes, location, status,
	(SELECT ct.send_days FROM care_teams ct WHERE ct.id = meetings.team_id)`

func scanMeeting(r scanner) (casus.Meeting, error) {
	var m casus.Meeting
	var minutes int
	err := r.Scan(&m.ID, &m.TeamID, &m.StartsAt, &minutes, &m.Location, &m.Status, &m.SendDays)
	m.Duration = time.Duration(minutes) * time.Minute
	m.StartsAt = m.StartsAt.UTC()
	return m, err
}

// Meeting returns one meeting.
func (tx *Tx) Meeting(ctx context.Context, id string) (casus.Meeting, error) {
	m, err := scanMeeting(tx.queryRow(ctx, `SELECT `+meetingColumns+` FROM meetings WHERE id = $1`, id))
	return m, notFound(err, "meeting")
}

// CancelMeeting cancels a planned meeting. Its agenda stays, for the chair
// to move to another meeting.
func (tx *Tx) CancelMeeting(ctx context.Context, id string) error {
	res, err := tx.exec(ctx, `UPDATE meetings SET status = 'cancelled', version = version + 1 WHERE id = $1 AND status = 'planned'`, id)
	if err != nil {
		return fmt.Errorf("storage: cancel meeting: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return casus.ErrNotFound
	}
	return nil
}

// MoveMeeting moves a planned meeting to another start.
func (tx *Tx) MoveMeeting(ctx context.Context, id string, start time.Time) error {
	res, err := tx.exec(ctx, `UPDATE meetings SET starts_at = $1, version = version + 1 WHERE id = $2 AND status = 'planned'`, utc(start), id)
	if err != nil {
		return fmt.Errorf("storage: move meeting: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return casus.ErrNotFound
	}
	return nil
}

// AddAgendaItem puts a case at the end of a meeting's agenda. An item from
// the same source is on a meeting's agenda only once: adding it again
// returns ECONFLICT.
func (tx *Tx) AddAgendaItem(ctx context.Context, it *casus.AgendaItem) error {
	var taken int
	if err := tx.queryRow(ctx, `SELECT COUNT(*) FROM agenda_items WHERE meeting_id = $1 AND kind = $2 AND source_id = $3`,
		it.MeetingID, string(it.Kind), nullable(it.SourceID)).Scan(&taken); err != nil {
		return fmt.Errorf("storage: agenda item: %w", err)
	}
	if taken > 0 {
		return &casus.Error{Code: casus.ECONFLICT, Key: "error.agenda_duplicate"}
	}
	if err := tx.queryRow(ctx, `SELECT COALESCE(MAX(position), 0) + 1 FROM agenda_items WHERE meeting_id = $1`,
		it.MeetingID).Scan(&it.Position); err != nil {
		return fmt.Errorf("storage: agenda position: %w", err)
	}
	it.AddedAt = tx.Now()
	return tx.insert(ctx, "agenda item", `INSERT INTO agenda_items (id, meeting_id, case_id, kind, source_id, position, late,
		added_by, added_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
		ensureID(&it.ID), it.MeetingID, it.CaseID, string(it.Kind), nullable(it.SourceID), it.Position, it.Late,
		nullable(it.AddedBy), it.AddedAt)
}

// Agenda returns a meeting's items in order, each with where it moved from
// and to.
func (tx *Tx) Agenda(ctx context.Context, meetingID string) ([]casus.AgendaItem, error) {
	rows, err := tx.query(ctx, `SELECT a.id, a.meeting_id, a.case_id, c.student_id, a.kind, COALESCE(CAST(a.source_id AS TEXT), ''),
		a.position, a.minutes, a.late, COALESCE(CAST(a.added_by AS TEXT), ''), a.added_at,
		COALESCE(CAST(a.moved_from AS TEXT), ''), pm.starts_at, COALESCE(CAST(nx.id AS TEXT), ''), nm.starts_at
		FROM agenda_items a JOIN cases c ON c.id = a.case_id
		LEFT JOIN agenda_items pf ON pf.id = a.moved_from LEFT JOIN meetings pm ON pm.id = pf.meeting_id
		LEFT JOIN agenda_items nx ON nx.moved_from = a.id LEFT JOIN meetings nm ON nm.id = nx.meeting_id
		WHERE a.meeting_id = $1 ORDER BY a.position`, meetingID)
	if err != nil {
		return nil, fmt.Errorf("storage: agenda: %w", err)
	}
	defer rows.Close()
	var items []casus.AgendaItem
	for rows.Next() {
		var it casus.AgendaItem
		var from, to *time.Time
		if err := rows.Scan(&it.ID, &it.MeetingID, &it.CaseID, &it.StudentID, &it.Kind, &it.SourceID, &it.Position,
			&it.Minutes, &it.Late, &it.AddedBy, &it.AddedAt, &it.MovedFrom, &from, &it.MovedTo, &to); err != nil {
			return nil, err
		}
		if from != nil {
			it.MovedFromStart = from.UTC()
		}
		if to != nil {
			it.MovedToStart = to.UTC()
		}
		items = append(items, it)
	}
	return items, rows.Err()
}

// MoveItemOn moves an agenda item the team did not get to on to the
// agenda of meeting to, with its time and question; the item stays where
// it was, marked as moved. When that agenda has the item's source already
// (collected there since), that item becomes the moved one. An item moves
// on once: again gives ECONFLICT.
func (tx *Tx) MoveItemOn(ctx context.Context, it casus.AgendaItem, to casus.Meeting, by string) (casus.AgendaItem, error) {
	var moved int
	if err := tx.queryRow(ctx, `SELECT COUNT(*) FROM agenda_items WHERE moved_from = $1`, it.ID).Scan(&moved); err != nil {
		return it, fmt.Errorf("storage: moved item: %w", err)
	}
	if moved > 0 {
		return it, &casus.Error{Code: casus.ECONFLICT, Key: "agenda.already_moved"}
	}
	next := casus.AgendaItem{MeetingID: to.ID, CaseID: it.CaseID, StudentID: it.StudentID, Kind: it.Kind, SourceID: it.SourceID,
		Minutes: it.Minutes, AddedBy: by, MovedFrom: it.ID, Late: !tx.Now().Before(to.AgendaDue())}
	if it.SourceID != "" {
		var there string
		err := tx.queryRow(ctx, `SELECT CAST(id AS TEXT) FROM agenda_items WHERE meeting_id = $1 AND kind = $2 AND source_id = $3
			AND moved_from IS NULL`, to.ID, string(it.Kind), it.SourceID).Scan(&there)
		if err == nil {
			next.ID = there
			_, err = tx.exec(ctx, `UPDATE agenda_items SET moved_from = $1 WHERE id = $2`, it.ID, there)
			return next, err
		}
		if err != sql.ErrNoRows {
			return it, fmt.Errorf("storage: item on next agenda: %w", err)
		}
	}
	if err := tx.AddAgendaItem(ctx, &next); err != nil {
		return it, err
	}
	_, err := tx.exec(ctx, `UPDATE agenda_items SET moved_from = $1, minutes = $2,
		question = (SELECT question FROM agenda_items WHERE id = $1) WHERE id = $3`, it.ID, it.Minutes, next.ID)
	return next, err
}

// RecordCrisis stores a crisis for the student at the team, opening the
// team's case when needed, and puts it on the agenda of the team's next
// meeting. The item is late when that agenda was due out already. It
// returns the meeting, or a zero Meeting when the team has no meeting ahead:
// the crisis is stored all the same and waits for the chair to plan one.
func (tx *Tx) RecordCrisis(ctx context.Context, cr *casus.Crisis) (casus.Meeting, error) {
	c, err := tx.EnsureOpenCase(ctx, cr.StudentID, cr.TeamID)
	if err != nil {
		return casus.Meeting{}, err
	}
	cr.CaseID, cr.RecordedAt = c.ID, tx.Now()
	if err := tx.insert(ctx, "crisis", `INSERT INTO crises (id, student_id, team_id, case_id, kind, occurred_at, happened, called, agreed,
		agreed_by, recorded_by, recorded_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
		ensureID(&cr.ID), cr.StudentID, cr.TeamID, cr.CaseID, string(cr.Kind), utc(cr.OccurredAt), cr.Happened, cr.Called, cr.Agreed,
		cr.AgreedBy, cr.RecordedBy, cr.RecordedAt); err != nil {
		return casus.Meeting{}, err
	}
	return tx.PutOnNextAgenda(ctx, cr.TeamID, casus.AgendaItem{CaseID: c.ID, Kind: casus.AgendaCrisis, SourceID: cr.ID,
		AddedBy: cr.RecordedBy})
}

// Crisis returns the crisis recorded with id: what the team reads when it
// discusses the crisis afterwards.
func (tx *Tx) Crisis(ctx context.Context, id string) (casus.Crisis, error) {
	var cr casus.Crisis
	var kind string
	err := tx.queryRow(ctx, `SELECT id, student_id, team_id, case_id, kind, occurred_at, happened, called, agreed, agreed_by,
		recorded_by, recorded_at FROM crises WHERE id = $1`, id).Scan(&cr.ID, &cr.StudentID, &cr.TeamID, &cr.CaseID, &kind,
		&cr.OccurredAt, &cr.Happened, &cr.Called, &cr.Agreed, &cr.AgreedBy, &cr.RecordedBy, &cr.RecordedAt)
	cr.Kind = casus.CrisisKind(kind)
	return cr, notFound(err, "crisis")
}

// PutOnNextAgenda puts the item on the agenda of the team's next meeting,
// late when that agenda was due out already, and returns the meeting. With
// no meeting ahead it returns a zero Meeting and puts nothing anywhere: the
// chair plans one and adds the item.
func (tx *Tx) PutOnNextAgenda(ctx context.Context, teamID string, it casus.AgendaItem) (casus.Meeting, error) {
	now := tx.Now()
	m, err := tx.NextMeeting(ctx, teamID, now)
	if casus.ErrorCode(err) == casus.ENOTFOUND {
		return casus.Meeting{}, nil
	}
	if err != nil {
		return m, err
	}
	it.MeetingID = m.ID
	it.Late = !now.Before(m.AgendaDue())
	return m, tx.AddAgendaItem(ctx, &it)
}

// ScheduledItem is an agenda item of a student with its meeting and team.
type ScheduledItem struct {
	Item     casus.AgendaItem
	Meeting  casus.Meeting
	TeamName string
	TeamKind casus.TeamKind
}

// StudentAgenda returns the student's items on the agendas of planned
// meetings that start after t, soonest first.
func (tx *Tx) StudentAgenda(ctx context.Context, studentID string, t time.Time) ([]ScheduledItem, error) {
	rows, err := tx.query(ctx, `SELECT a.id, a.case_id, a.kind, a.late, a.position, m.id, m.team_id, m.starts_at,
		m.duration_minutes, m.location, m.status, tm.name, tm.kind
		FROM agenda_items a JOIN cases c ON c.id = a.case_id JOIN meetings m ON m.id = a.meeting_id
		JOIN care_teams tm ON tm.id = m.team_id
		WHERE c.student_id = $1 AND m.status = 'planned' AND m.starts_at > $2 ORDER BY m.starts_at, a.position`,
		studentID, utc(t))
	if err != nil {
		return nil, fmt.Errorf("storage: student agenda: %w", err)
	}
	defer rows.Close()
	var out []ScheduledItem
	for rows.Next() {
		var s ScheduledItem
		var minutes int
		if err := rows.Scan(&s.Item.ID, &s.Item.CaseID, &s.Item.Kind, &s.Item.Late, &s.Item.Position, &s.Meeting.ID,
			&s.Meeting.TeamID, &s.Meeting.StartsAt, &minutes, &s.Meeting.Location, &s.Meeting.Status, &s.TeamName, &s.TeamKind); err != nil {
			return nil, err
		}
		s.Item.StudentID, s.Item.MeetingID = studentID, s.Meeting.ID
		s.Meeting.Duration = time.Duration(minutes) * time.Minute
		s.Meeting.StartsAt = s.Meeting.StartsAt.UTC()
		out = append(out, s)
	}
	return out, rows.Err()
}

// Recurrence returns the team's current rhythm and meeting place; ok is
// false when the team has none.
func (tx *Tx) Recurrence(ctx context.Context, teamID string) (r casus.Recurrence, location string, ok bool, err error) {
	s, ok, err := tx.currentSeries(ctx, teamID)
	s.r.First = s.r.First.UTC()
	return s.r, s.location, ok, err
}

// MeetingsAhead is how many coming meetings of a team's rhythm are kept
// stored, so pages can show and link them without writing: a change of the
// rhythm or of a meeting stores them at once (PlanMeetings), and the hourly
// agenda job tops them up as meetings pass (PlanAllMeetings).
const MeetingsAhead = 4

// PlanMeetings stores the team's next n meetings after t that its rhythm
// brings and returns them, with the meetings planned on their own.
func (tx *Tx) PlanMeetings(ctx context.Context, teamID string, t time.Time, n int) ([]casus.Meeting, error) {
	var ms []casus.Meeting
	for len(ms) < n {
		m, err := tx.NextMeeting(ctx, teamID, t)
		if casus.ErrorCode(err) == casus.ENOTFOUND {
			break
		}
		if err != nil {
			return nil, err
		}
		ms = append(ms, m)
		t = m.StartsAt
	}
	return ms, nil
}

// PlanAllMeetings runs PlanMeetings with MeetingsAhead for every team that
// has a rhythm.
func (tx *Tx) PlanAllMeetings(ctx context.Context) error {
	teams, err := tx.column(ctx, "teams with a rhythm", `SELECT DISTINCT CAST(team_id AS TEXT) FROM meeting_series WHERE ended_at IS NULL`)
	if err != nil {
		return err
	}
	now := tx.Now()
	for _, id := range teams {
		if _, err := tx.PlanMeetings(ctx, id, now, MeetingsAhead); err != nil {
			return err
		}
	}
	return nil
}

// UpcomingMeetings returns the team's next n stored, planned meetings after
// t. It only reads: see MeetingsAhead for how they come to be stored.
func (tx *Tx) UpcomingMeetings(ctx context.Context, teamID string, t time.Time, n int) ([]casus.Meeting, error) {
	return queryAll(ctx, tx, "upcoming meetings", scanMeeting, `SELECT `+meetingColumns+` FROM meetings
		WHERE team_id = $1 AND status = 'planned' AND starts_at > $2 ORDER BY starts_at LIMIT $3`, teamID, utc(t), n)
}

// ChairMeetingsAhead returns, for each open case of the student at a team
// the user chairs, the team's next n stored, planned meetings after t
// (by case id): where the chair can put the case on an agenda. One
// statement, whatever the number of cases.
func (tx *Tx) ChairMeetingsAhead(ctx context.Context, userID, studentID string, t time.Time, n int) (map[string][]casus.Meeting, error) {
	rows, err := tx.query(ctx, `SELECT CAST(c.id AS TEXT), m.id, m.team_id, m.starts_at, m.duration_minutes, m.location, m.status
		FROM cases c JOIN team_members tm ON tm.team_id = c.team_id AND tm.user_id = $1 AND tm.chair
		JOIN (SELECT id, team_id, starts_at, duration_minutes, location, status,
			ROW_NUMBER() OVER (PARTITION BY team_id ORDER BY starts_at) AS n
			FROM meetings WHERE status = 'planned' AND starts_at > $3) m ON m.team_id = c.team_id AND m.n <= $4
		WHERE c.student_id = $2 AND c.status = 'open' ORDER BY c.opened_at, m.starts_at`, userID, studentID, utc(t), n)
	if err != nil {
		return nil, fmt.Errorf("storage: chair meetings ahead: %w", err)
	}
	defer rows.Close()
	out := map[string][]casus.Meeting{}
	for rows.Next() {
		var caseID string
		var m casus.Meeting
		var minutes int
		if err := rows.Scan(&caseID, &m.ID, &m.TeamID, &m.StartsAt, &minutes, &m.Location, &m.Status); err != nil {
			return nil, err
		}
		m.Duration, m.StartsAt = time.Duration(minutes)*time.Minute, m.StartsAt.UTC()
		out[caseID] = append(out[caseID], m)
	}
	return out, rows.Err()
}

// MoveAgendaItem swaps the item with its neighbour above (up) or below; at
// the top or bottom it stays.
func (tx *Tx) MoveAgendaItem(ctx context.Context, meetingID, itemID string, up bool) error {
	var pos int
	if err := tx.queryRow(ctx, `SELECT position FROM agenda_items WHERE id = $1 AND meeting_id = $2`, itemID, meetingID).Scan(&pos); err != nil {
		return notFound(err, "agenda item")
	}
	q := `SELECT id, position FROM agenda_items WHERE meeting_id = $1 AND position > $2 ORDER BY position LIMIT 1`
	if up {
		q = `SELECT id, position FROM agenda_items WHERE meeting_id = $1 AND position < $2 ORDER BY position DESC LIMIT 1`
	}
	var other string
	var otherPos int
	err := tx.queryRow(ctx, q, meetingID, pos).Scan(&other, &otherPos)
	if err == sql.ErrNoRows {
		return nil
	}
	if err != nil {
		return fmt.Errorf("storage: agenda neighbour: %w", err)
	}
	for _, u := range [][2]any{{itemID, otherPos}, {other, pos}} {
		if _, err := tx.exec(ctx, `UPDATE agenda_items SET position = $1 WHERE id = $2`, u[1], u[0]); err != nil {
			return fmt.Errorf("storage: move agenda item: %w", err)
		}
	}
	return nil
}

// SetItemMinutes sets the time reserved for an item of the meeting.
func (tx *Tx) SetItemMinutes(ctx context.Context, meetingID, itemID string, minutes int) error {
	res, err := tx.exec(ctx, `UPDATE agenda_items SET minutes = $1 WHERE id = $2 AND meeting_id = $3`, minutes, itemID, meetingID)
	if err != nil {
		return fmt.Errorf("storage: item minutes: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return casus.ErrNotFound
	}
	return nil
}

// InviteToItem invites a user for one item of the meeting; the invitation
// also relates them to the item's case, which is what lets an on-call
// partner open the student. Inviting again changes nothing.
func (tx *Tx) InviteToItem(ctx context.Context, meetingID, itemID, userID, by string) error {
	var caseID string
	if err := tx.queryRow(ctx, `SELECT case_id FROM agenda_items WHERE id = $1 AND meeting_id = $2`, itemID, meetingID).Scan(&caseID); err != nil {
		return notFound(err, "agenda item")
	}
	now := tx.Now()
	if _, err := tx.exec(ctx, `INSERT INTO agenda_invitations (item_id, user_id, invited_by, invited_at) VALUES ($1, $2, $3, $4)
		ON CONFLICT (item_id, user_id) DO NOTHING`, itemID, userID, by, now); err != nil {
		return fmt.Errorf("storage: invite to item: %w", err)
	}
	if _, err := tx.exec(ctx, `INSERT INTO case_invitations (case_id, user_id, created_at) VALUES ($1, $2, $3)
		ON CONFLICT (case_id, user_id) DO NOTHING`, caseID, userID, now); err != nil {
		return fmt.Errorf("storage: invite to case: %w", err)
	}
	return nil
}

// ItemInvitees returns, per item of the meeting, the names of who is invited.
func (tx *Tx) ItemInvitees(ctx context.Context, meetingID string) (map[string][]string, error) {
	rows, err := tx.query(ctx, `SELECT CAST(ai.item_id AS TEXT), u.name FROM agenda_invitations ai JOIN agenda_items a ON a.id = ai.item_id
		JOIN users u ON u.id = ai.user_id WHERE a.meeting_id = $1 ORDER BY u.name`, meetingID)
	if err != nil {
		return nil, fmt.Errorf("storage: item invitees: %w", err)
	}
	defer rows.Close()
	out := map[string][]string{}
	for rows.Next() {
		var item, name string
		if err := rows.Scan(&item, &name); err != nil {
			return nil, err
		}
		out[item] = append(out[item], name)
	}
	return out, rows.Err()
}

// MeetingItemInviteeIDs returns, per agenda item of the meeting, the ids of
// who is invited for it: ItemInviteeIDs for every item in one query.
func (tx *Tx) MeetingItemInviteeIDs(ctx context.Context, meetingID string) (map[string][]string, error) {
	type pair struct{ item, user string }
	ps, err := queryAll(ctx, tx, "item invitees", func(r scanner) (pair, error) {
		var p pair
		err := r.Scan(&p.item, &p.user)
		return p, err
	}, `SELECT CAST(ai.item_id AS TEXT), CAST(ai.user_id AS TEXT) FROM agenda_invitations ai
		JOIN agenda_items a ON a.id = ai.item_id WHERE a.meeting_id = $1`, meetingID)
	if err != nil {
		return nil, err
	}
	out := map[string][]string{}
	for _, p := range ps {
		out[p.item] = append(out[p.item], p.user)
	}
	return out, nil
}

// ItemInviteeIDs returns the ids of who is invited for one agenda item.
func (tx *Tx) ItemInviteeIDs(ctx context.Context, itemID string) ([]string, error) {
	return tx.column(ctx, "item invitees", `SELECT CAST(user_id AS TEXT) FROM agenda_invitations WHERE item_id = $1`, itemID)
}

// CollectAgenda puts on the agenda of the team's next meeting what is ready
// and on no agenda yet: accepted referrals to the team whose case is open,
// and follow-ups whose evaluation day comes by the meeting's day. It returns
// the meeting (zero when the team has none ahead) and the items it added.
func (tx *Tx) CollectAgenda(ctx context.Context, teamID string) (casus.Meeting, []casus.AgendaItem, error) {
	now := tx.Now()
	m, err := tx.NextMeeting(ctx, teamID, now)
	if casus.ErrorCode(err) == casus.ENOTFOUND {
		return casus.Meeting{}, nil, nil
	}
	if err != nil {
		return m, nil, err
	}
	// Accepted referrals not yet on an agenda, nor discussed since (at an
	// item the chair added for the case, say): never twice.
	var ready []casus.AgendaItem
	rows, err := tx.query(ctx, `SELECT CAST(r.id AS TEXT), CAST(r.case_id AS TEXT) FROM referrals r JOIN cases c ON c.id = r.case_id
		WHERE r.team_id = $1 AND r.state = 'accepted' AND c.status = 'open'
		AND NOT EXISTS (SELECT 1 FROM agenda_items a JOIN meetings m ON m.id = a.meeting_id AND m.status <> 'cancelled'
			WHERE a.kind = 'referral' AND a.source_id = r.id)
		AND NOT `+referralDiscussed+`
		ORDER BY r.created_at`, teamID)
	if err != nil {
		return m, nil, fmt.Errorf("storage: ready referrals: %w", err)
	}
	for rows.Next() {
		it := casus.AgendaItem{Kind: casus.AgendaReferral}
		if err := rows.Scan(&it.SourceID, &it.CaseID); err != nil {
			rows.Close()
			return m, nil, err
		}
		ready = append(ready, it)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return m, nil, err
	}
	// Due by the meeting's day: the evaluation day is a day, the meeting a moment in it.
	due, err := tx.DueFollowUps(ctx, casus.CareDay(m.StartsAt))
	if err != nil {
		return m, nil, err
	}
	for _, f := range due {
		if f.TeamID == teamID {
			ready = append(ready, casus.AgendaItem{Kind: casus.AgendaFollowUp, CaseID: f.Discussion.CaseID, SourceID: f.Discussion.ID})
		}
	}
	late := !now.Before(m.AgendaDue())
	for i := range ready {
		ready[i].MeetingID, ready[i].Late = m.ID, late
		if err := tx.AddAgendaItem(ctx, &ready[i]); err != nil {
			return m, nil, err
		}
	}
	return m, ready, nil
}

// MeetingInviteeIDs returns the ids of everyone invited for one of the
// meeting's items.
func (tx *Tx) MeetingInviteeIDs(ctx context.Context, meetingID string) ([]string, error) {
	return tx.column(ctx, "meeting invitees", `SELECT DISTINCT CAST(ai.user_id AS TEXT) FROM agenda_invitations ai
		JOIN agenda_items a ON a.id = ai.item_id WHERE a.meeting_id = $1`, meetingID)
}

// SetAttendance records who was at the meeting, replacing what was
// recorded for those people before.
func (tx *Tx) SetAttendance(ctx context.Context, meetingID string, att map[string]casus.AttendanceStatus, by string) error {
	now := tx.Now()
	ids := slices.Sorted(maps.Keys(att))
	for _, userID := range ids {
		if _, err := tx.exec(ctx, `DELETE FROM meeting_attendance WHERE meeting_id = $1 AND user_id = $2`, meetingID, userID); err != nil {
			return fmt.Errorf("storage: attendance: %w", err)
		}
		if err := tx.insert(ctx, "attendance", `INSERT INTO meeting_attendance (meeting_id, user_id, status, recorded_by, recorded_at)
			VALUES ($1, $2, $3, $4, $5)`, meetingID, userID, string(att[userID]), by, now); err != nil {
			return err
		}
	}
	return nil
}

// Attendance returns who was at the meeting as recorded: user id → status.
func (tx *Tx) Attendance(ctx context.Context, meetingID string) (map[string]casus.AttendanceStatus, error) {
	rows, err := tx.query(ctx, `SELECT CAST(user_id AS TEXT), status FROM meeting_attendance WHERE meeting_id = $1`, meetingID)
	if err != nil {
		return nil, fmt.Errorf("storage: attendance: %w", err)
	}
	defer rows.Close()
	att := map[string]casus.AttendanceStatus{}
	for rows.Next() {
		var id string
		var st casus.AttendanceStatus
		if err := rows.Scan(&id, &st); err != nil {
			return nil, err
		}
		att[id] = st
	}
	return att, rows.Err()
}
