package storage

import (
	"context"
	"fmt"
	"time"

	"casus"
)

// CreateAction stores a new action with its first update.
func (tx *Tx) CreateAction(ctx context.Context, a *casus.Action) error {
	a.Status, a.Version, a.CreatedAt = casus.ActionOpen, 1, tx.Now()
	if err := tx.insert(ctx, "action", `INSERT INTO actions (id, case_id, student_id, owner_id, description, due_on, status, version,
		created_by, created_at, discussion_id, goal_id) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
		ensureID(&a.ID), a.CaseID, a.StudentID, a.OwnerID, a.Description, utc(a.DueOn), string(a.Status), a.Version,
		a.CreatedBy, a.CreatedAt, nullable(a.DiscussionID), nullable(a.GoalID)); err != nil {
		return err
	}
	return tx.insert(ctx, "action update", `INSERT INTO action_updates (id, action_id, at, actor_id, status, note)
		VALUES ($1, $2, $3, $4, $5, '')`, casus.NewID(), a.ID, a.CreatedAt, a.CreatedBy, string(a.Status))
}

const actionColumns = `a.id, a.case_id, a.student_id, a.owner_id, a.description, a.due_on, a.status, a.version, a.created_by,
	a.created_at, COALESCE(CAST(a.discussion_id AS TEXT), ''), COALESCE(CAST(a.goal_id AS TEXT), ''), o.name, t.name,
	s.first_name || ' ' || s.last_name`

const actionFrom = ` FROM actions a JOIN users o ON o.id = a.owner_id JOIN cases c ON c.id = a.case_id
	JOIN care_teams t ON t.id = c.team_id JOIN students s ON s.id = a.student_id `

func scanAction(r scanner) (casus.Action, error) {
	var a casus.Action
	err := r.Scan(&a.ID, &a.CaseID, &a.StudentID, &a.OwnerID, &a.Description, &a.DueOn, &a.Status, &a.Version, &a.CreatedBy,
		&a.CreatedAt, &a.DiscussionID, &a.GoalID, &a.OwnerName, &a.TeamName, &a.StudentName)
	a.DueOn, a.CreatedAt = a.DueOn.UTC(), a.CreatedAt.UTC()
	return a, err
}

func (tx *Tx) actions(ctx context.Context, where string, args ...any) ([]casus.Action, error) {
	rows, err := tx.query(ctx, `SELECT `+actionColumns+actionFrom+where+` ORDER BY a.due_on, a.created_at`, args...)
	if err != nil {
		return nil, fmt.Errorf("storage: actions: %w", err)
	}
	defer rows.Close()
	var as []casus.Action
	for rows.Next() {
		a, err := scanAction(rows)
		if err != nil {
			return nil, err
		}
		as = append(as, a)
	}
	return as, rows.Err()
}

// StudentActions returns the actions of the student's open cases, soonest
// due first.
func (tx *Tx) StudentActions(ctx context.Context, studentID string) ([]casus.Action, error) {
	return tx.actions(ctx, `WHERE a.student_id = $1 AND c.status = 'open'`, studentID)
}

// DiscussionActions returns the actions a discussion agreed, whatever
// their state.
func (tx *Tx) DiscussionActions(ctx context.Context, discussionID string) ([]casus.Action, error) {
	return tx.actions(ctx, `WHERE a.discussion_id = $1`, discussionID)
}

// MeetingActions returns the actions agreed at the meeting's discussions,
// by discussion id, each list ordered as DiscussionActions orders it.
func (tx *Tx) MeetingActions(ctx context.Context, meetingID string) (map[string][]casus.Action, error) {
	as, err := tx.actions(ctx, `WHERE a.discussion_id IN (SELECT id FROM discussions WHERE meeting_id = $1)`, meetingID)
	if err != nil {
		return nil, err
	}
	out := map[string][]casus.Action{}
	for _, a := range as {
		out[a.DiscussionID] = append(out[a.DiscussionID], a)
	}
	return out, nil
}

// OwnedActions returns the user's actions still to be done, soonest due
// first: their task list.
func (tx *Tx) OwnedActions(ctx context.Context, userID string) ([]casus.Action, error) {
	return tx.actions(ctx, `WHERE a.owner_id = $1 AND a.status IN ('open', 'in_progress') AND c.status = 'open'`, userID)
}

// CaseOpenActions returns the case's actions still to be done, soonest due
// first: what its closing must carry over or end.
func (tx *Tx) CaseOpenActions(ctx context.Context, caseID string) ([]casus.Action, error) {
	return tx.actions(ctx, `WHERE a.case_id = $1 AND a.status IN ('open', 'in_progress')`, caseID)
}

// TransferAction moves an action still to be done to another case of its
// student (a hand-over to the ZAT), with a note in its updates, if it is
// still at version; otherwise ECONFLICT.
func (tx *Tx) TransferAction(ctx context.Context, a *casus.Action, version int, toCaseID, note, actorID string) error {
	res, err := tx.exec(ctx, `UPDATE actions SET case_id = $1, version = version + 1 WHERE id = $2 AND version = $3
		AND student_id = (SELECT student_id FROM cases WHERE id = $1)`, toCaseID, a.ID, version)
	if err != nil {
		return fmt.Errorf("storage: transfer action: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return &casus.Error{Code: casus.ECONFLICT, Key: "action.stale"}
	}
	a.CaseID, a.Version = toCaseID, version+1
	return tx.insert(ctx, "action update", `INSERT INTO action_updates (id, action_id, at, actor_id, status, note)
		VALUES ($1, $2, $3, $4, $5, $6)`, casus.NewID(), a.ID, tx.Now(), actorID, string(a.Status), note)
}

// Action returns one action.
func (tx *Tx) Action(ctx context.Context, id string) (casus.Action, error) {
	a, err := scanAction(tx.queryRow(ctx, `SELECT `+actionColumns+actionFrom+`WHERE a.id = $1`, id))
	return a, notFound(err, "action")
}

// UpdateAction sets the action's status, with a note, if it is still at
// version; otherwise someone changed it meanwhile: ECONFLICT.
func (tx *Tx) UpdateAction(ctx context.Context, a *casus.Action, version int, status casus.ActionStatus, note, actorID string) error {
	res, err := tx.exec(ctx, `UPDATE actions SET status = $1, version = version + 1 WHERE id = $2 AND version = $3`,
		string(status), a.ID, version)
	if err != nil {
		return fmt.Errorf("storage: update action: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return &casus.Error{Code: casus.ECONFLICT, Key: "action.stale"}
	}
	a.Status, a.Version = status, version+1
	return tx.insert(ctx, "action update", `INSERT INTO action_updates (id, action_id, at, actor_id, status, note)
		VALUES ($1, $2, $3, $4, $5, $6)`, casus.NewID(), a.ID, tx.Now(), actorID, string(status), note)
}

// ActionUpdates returns an action's updates, oldest first.
func (tx *Tx) ActionUpdates(ctx context.Context, actionID string) ([]casus.ActionUpdate, error) {
	rows, err := tx.query(ctx, `SELECT au.id, au.action_id, au.at, au.actor_id, u.name, au.status, au.note FROM action_updates au
		JOIN users u ON u.id = au.actor_id WHERE au.action_id = $1 ORDER BY au.at, au.id`, actionID)
	if err != nil {
		return nil, fmt.Errorf("storage: action updates: %w", err)
	}
	defer rows.Close()
	var us []casus.ActionUpdate
	for rows.Next() {
		var u casus.ActionUpdate
		if err := rows.Scan(&u.ID, &u.ActionID, &u.At, &u.ActorID, &u.ActorName, &u.Status, &u.Note); err != nil {
			return nil, err
		}
		u.At = u.At.UTC()
		us = append(us, u)
	}
	return us, rows.Err()
}

// ActionOwnerCandidates returns who can own an action for the student: the
// members of the teams with an open case of the student, the mentor and the
// care contacts, by name.
func (tx *Tx) ActionOwnerCandidates(ctx context.Context, studentID string) ([]casus.User, error) {
	rows, err := tx.query(ctx, `SELECT CAST(u.id AS TEXT), u.name FROM users u WHERE NOT u.disabled AND u.id IN (
			SELECT tm.user_id FROM team_members tm JOIN cases c ON c.team_id = tm.team_id WHERE c.student_id = $1 AND c.status = 'open'
			UNION SELECT u2.id FROM users u2 JOIN students st ON st.id = $1
				WHERE `+mentorOf("u2.id", "st")+` OR `+careContactOf("u2.id", "st")+`)
		ORDER BY u.name`, studentID)
	return tx.userList("action owner candidates", rows, err)
}

// OverdueActions returns the actions still to be done of open cases whose
// due day is before day, oldest due first.
func (tx *Tx) OverdueActions(ctx context.Context, day time.Time) ([]casus.Action, error) {
	return tx.actions(ctx, `WHERE a.status IN ('open', 'in_progress') AND c.status = 'open' AND a.due_on < $1`, utc(day))
}

// MarkReminded records that the reminder of kind about subject went out. It
// reports false when it had gone out already: whoever marks it sends it.
func (tx *Tx) MarkReminded(ctx context.Context, subjectID, kind string) (bool, error) {
	res, err := tx.exec(ctx, `INSERT INTO reminders (subject_id, kind, sent_at) VALUES ($1, $2, $3)
		ON CONFLICT (subject_id, kind) DO NOTHING`, subjectID, kind, tx.Now())
	if err != nil {
		return false, fmt.Errorf("storage: reminder: %w", err)
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// TeamAction is an action of a team the user chairs, with the user's
// relations to its student for the policy.
type TeamAction struct {
	Action    casus.Action
	Relations casus.StudentRelations
}

// ChairedTeamActions returns the actions still to be done of the open cases
// of the teams the user chairs, soonest due first, in one statement; with
// dueBefore not zero only those due before it (overdue).
func (tx *Tx) ChairedTeamActions(ctx context.Context, userID string, dueBefore time.Time) ([]TeamAction, error) {
	cond := ""
	args := []any{userID}
	if !dueBefore.IsZero() {
		cond, args = ` AND a.due_on < $2`, append(args, utc(dueBefore))
	}
	return queryAll(ctx, tx, "chaired team actions", func(r scanner) (TeamAction, error) {
		var x TeamAction
		a, rel := &x.Action, &x.Relations
		rel.Exists = true
		err := r.Scan(&a.ID, &a.CaseID, &a.StudentID, &a.OwnerID, &a.Description, &a.DueOn, &a.Status, &a.Version, &a.CreatedBy,
			&a.CreatedAt, &a.DiscussionID, &a.GoalID, &a.OwnerName, &a.TeamName, &a.StudentName,
			&rel.Mentor, &rel.CareContact, &rel.Coordinator, &rel.TeamMember, &rel.Invited, &rel.ActionOwner)
		a.DueOn, a.CreatedAt = a.DueOn.UTC(), a.CreatedAt.UTC()
		return x, err
	}, `SELECT `+actionColumns+`, `+relationColumns+actionFrom+` JOIN students st ON st.id = a.student_id
		WHERE a.status IN ('open', 'in_progress') AND c.status = 'open' AND `+chairOf("$1", "c")+cond+`
		ORDER BY a.due_on, t.name, a.id`, args...)
}
