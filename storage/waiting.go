package storage

import (
	"context"
	"fmt"
	"time"

	"casus"
)

// WaitKind is a kind of thing waiting for a user on their start page.
type WaitKind string

// The kinds of waiting things, in the order the start page shows them.
const (
	WaitTriage        WaitKind = "triage"         // a submitted referral to a team the user chairs
	WaitReturned      WaitKind = "returned"       // a referral returned to the user who filed it
	WaitDraft         WaitKind = "draft"          // the user's own draft referral
	WaitTeamOverdue   WaitKind = "team_overdue"   // an overdue action of someone else in a team the user chairs
	WaitEvaluation    WaitKind = "evaluation"     // an evaluation due, or on a coming agenda, of a case of a team the user chairs
	WaitAftercare     WaitKind = "aftercare"      // aftercare of a case of a team the user chairs, not yet answered
	WaitOwnAction     WaitKind = "own_action"     // an action the user owns, still to be done
	WaitAdvice        WaitKind = "advice"         // new advice for a student the user mentors
	WaitInvited       WaitKind = "invited"        // a coming agenda item the user is invited to
	WaitAccessReq     WaitKind = "access_request" // an access request not yet reviewed (privacy officer)
	WaitRectification WaitKind = "rectification"  // a rectification request not yet answered (privacy officer)
)

// WaitKinds is the order of the start page's lines.
var WaitKinds = []WaitKind{WaitTriage, WaitReturned, WaitDraft, WaitTeamOverdue, WaitEvaluation, WaitAftercare,
	WaitOwnAction, WaitAdvice, WaitInvited, WaitAccessReq, WaitRectification}

// Waiting is one thing waiting for a user: its kind, the object it is
// (a referral, an action, a case, a meeting, a request), a second object
// where the link needs it (the meeting of an agenda item), the day it is
// due or happened, and the student it is about with the user's relations
// to them, for the caller to filter through the policy.
type Waiting struct {
	Kind      WaitKind
	ObjectID  string
	OtherID   string
	At        time.Time
	Urgent    bool
	Student   casus.Student
	Relations casus.StudentRelations
}

// WaitingFor says whom the start page is for: the user, the day, the
// moment from which advice counts as new, and the school of a privacy
// officer ("" for anyone else).
type WaitingFor struct {
	UserID        string
	Today         time.Time
	AdviceSince   time.Time
	PrivacySchool string
}

// waitingLimit bounds the start page's lines: it lists, it does not page.
const waitingLimit = 200

// Waiting returns, in one statement, everything waiting for the user:
// referrals to triage, returned referrals and drafts, actions, evaluations
// and aftercare, advice, agenda invitations and, for a privacy officer,
// open requests. Each row carries the student and the user's relations;
// the caller filters them through the policy and logs what it shows.
func (tx *Tx) Waiting(ctx context.Context, w WaitingFor) ([]Waiting, error) {
	now := tx.Now()
	active := `('open', 'in_progress')`
	q := `SELECT w.kind, CAST(w.obj AS TEXT), COALESCE(w.other, ''), w.at, w.urgent, ` + studentColumns + `, ` + relationColumns + `
	FROM (
		SELECT 'triage' AS kind, r.id AS obj, CAST(NULL AS TEXT) AS other, r.submitted_at AS at, CASE WHEN r.urgency = 'urgent' THEN 1 ELSE 0 END AS urgent,
			r.student_id AS sid, 1 AS ord
		FROM referrals r WHERE r.state IN ('submitted', 'preselected') AND ` + chairOf("$1", "r") + `
		UNION ALL
		SELECT 'returned', r.id, NULL, r.updated_at, 0, r.student_id, 2
		FROM referrals r WHERE r.state = 'returned' AND (r.referrer_id = $1 OR r.inbrenger_id = $1)
		UNION ALL
		SELECT 'draft', r.id, NULL, r.updated_at, 0, r.student_id, 3
		FROM referrals r WHERE r.state = 'draft' AND r.referrer_id = $1
		UNION ALL
		SELECT 'team_overdue', a.id, NULL, a.due_on, 0, a.student_id, 4
		FROM actions a JOIN cases c ON c.id = a.case_id
		WHERE a.status IN ` + active + ` AND c.status = 'open' AND a.due_on < $2 AND a.owner_id <> $1 AND ` + chairOf("$1", "c") + `
		UNION ALL
		SELECT 'evaluation', it.id, CAST(m.id AS TEXT), m.starts_at, 0, c.student_id, 5
		FROM agenda_items it JOIN meetings m ON m.id = it.meeting_id JOIN cases c ON c.id = it.case_id
		WHERE it.kind = 'follow_up' AND m.status = 'planned' AND m.starts_at > $3 AND m.minutes_final_at IS NULL AND ` + chairOf("$1", "m") + `
		UNION ALL
		SELECT 'evaluation', d.item_id, CAST(d.meeting_id AS TEXT), d.evaluate_on, 0, c.student_id, 5
		FROM discussions d JOIN cases c ON c.id = d.case_id
		WHERE d.finalised_at IS NOT NULL AND d.evaluate_on IS NOT NULL AND d.evaluate_on <= $3 AND c.status = 'open'
		AND d.saved_at = (SELECT MAX(d2.saved_at) FROM discussions d2 WHERE d2.case_id = c.id AND d2.finalised_at IS NOT NULL)
		AND NOT EXISTS (SELECT 1 FROM agenda_items fa JOIN meetings fm ON fm.id = fa.meeting_id AND fm.status = 'planned'
			WHERE fa.kind = 'follow_up' AND fa.source_id = d.id)
		AND ` + chairOf("$1", "c") + `
		UNION ALL
		SELECT 'aftercare', c.id, NULL, af.created_at, 0, c.student_id, 6
		FROM aftercare af JOIN cases c ON c.id = af.case_id
		WHERE NOT EXISTS (SELECT 1 FROM aftercare_answers an WHERE an.aftercare_id = af.id) AND ` + chairOf("$1", "c") + `
		UNION ALL
		SELECT 'own_action', a.id, NULL, a.due_on, 0, a.student_id, 7
		FROM actions a JOIN cases c ON c.id = a.case_id
		WHERE a.owner_id = $1 AND a.status IN ` + active + ` AND c.status = 'open'
		UNION ALL
		SELECT 'advice', adv.id, NULL, adv.created_at, 0, adv.student_id, 8
		FROM advice adv JOIN students ms ON ms.id = adv.student_id
		WHERE ms.mentor_id = $1 AND adv.created_at >= $4
		UNION ALL
		SELECT 'invited', it.id, CAST(m.id AS TEXT), m.starts_at, 0, c.student_id, 9
		FROM agenda_invitations ai JOIN agenda_items it ON it.id = ai.item_id JOIN meetings m ON m.id = it.meeting_id
		JOIN cases c ON c.id = it.case_id
		WHERE ai.user_id = $1 AND m.status = 'planned' AND m.starts_at > $3
		UNION ALL
		SELECT 'access_request', ar.id, NULL, ar.received_on, 0, ar.student_id, 10
		FROM access_requests ar JOIN students ps ON ps.id = ar.student_id
		WHERE ar.reviewed_at IS NULL AND CAST(ps.school_id AS TEXT) = $5
		UNION ALL
		SELECT 'rectification', rr.id, NULL, rr.received_on, 0, rr.student_id, 11
		FROM rectification_requests rr JOIN students ps ON ps.id = rr.student_id
		WHERE rr.informed_on IS NULL AND CAST(ps.school_id AS TEXT) = $5
	) w JOIN students st ON st.id = w.sid JOIN schools sc ON sc.id = st.school_id JOIN groups g ON g.id = st.group_id
	LEFT JOIN users m ON m.id = st.mentor_id
	ORDER BY w.ord, w.at, w.obj LIMIT ` + fmt.Sprint(waitingLimit)
	rows, err := tx.query(ctx, q, w.UserID, utc(w.Today), now, utc(w.AdviceSince), w.PrivacySchool)
	if err != nil {
		return nil, fmt.Errorf("storage: waiting: %w", err)
	}
	defer rows.Close()
	var out []Waiting
	for rows.Next() {
		var x Waiting
		var at any
		var urgent int
		s, rel := &x.Student, &x.Relations
		rel.Exists = true
		if err := rows.Scan(&x.Kind, &x.ObjectID, &x.OtherID, &at, &urgent, &s.ID, &s.SchoolID, &s.GroupID, &s.FirstName, &s.LastName,
			&s.DateOfBirth, &s.StudentNumber, &s.Level, &s.MentorID, &s.LeftAt, &s.SchoolName, &s.Sector, &s.GroupName, &s.MentorName,
			&rel.Mentor, &rel.CareContact, &rel.Coordinator, &rel.TeamMember, &rel.Invited, &rel.ActionOwner); err != nil {
			return nil, err
		}
		if at != nil {
			if x.At, err = asTime(at); err != nil {
				return nil, err
			}
		}
		x.Urgent = urgent == 1
		out = append(out, x)
	}
	return out, rows.Err()
}

// ComingMeeting is a coming meeting of a team the user belongs to, with
// how many items its agenda has.
type ComingMeeting struct {
	casus.Meeting
	TeamName string
	Chair    bool
	Items    int
}

// ComingMeetings returns the next n planned meetings after t of the teams
// the user is a member of, soonest first, with their number of agenda
// items, in one statement.
func (tx *Tx) ComingMeetings(ctx context.Context, userID string, t time.Time, n int) ([]ComingMeeting, error) {
	rows, err := tx.query(ctx, `SELECT CAST(m.id AS TEXT), CAST(m.team_id AS TEXT), m.starts_at, m.duration_minutes, m.location, t.name, tm.chair,
		(SELECT COUNT(*) FROM agenda_items it WHERE it.meeting_id = m.id)
		FROM meetings m JOIN team_members tm ON tm.team_id = m.team_id AND tm.user_id = $1 JOIN care_teams t ON t.id = m.team_id
		WHERE m.status = 'planned' AND m.starts_at > $2 ORDER BY m.starts_at, t.name LIMIT $3`, userID, utc(t), n)
	if err != nil {
		return nil, fmt.Errorf("storage: coming meetings: %w", err)
	}
	defer rows.Close()
	var out []ComingMeeting
	for rows.Next() {
		var c ComingMeeting
		var minutes int
		if err := rows.Scan(&c.ID, &c.TeamID, &c.StartsAt, &minutes, &c.Location, &c.TeamName, &c.Chair, &c.Items); err != nil {
			return nil, err
		}
		c.StartsAt, c.Duration, c.Status = c.StartsAt.UTC(), time.Duration(minutes)*time.Minute, casus.MeetingPlanned
		out = append(out, c)
	}
	return out, rows.Err()
}
