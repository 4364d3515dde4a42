package storage

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"casus"
)

// ChairedTeams returns the teams the user chairs: the teams whose
// complaints they handle.
func (tx *Tx) ChairedTeams(ctx context.Context, userID string) ([]casus.CareTeam, error) {
	return tx.teams(ctx, `SELECT t.id, t.name, t.kind, t.rhythm, t.send_days FROM care_teams t JOIN team_members tm ON tm.team_id = t.id
		WHERE tm.user_id = $1 AND tm.chair ORDER BY t.kind, t.name`, userID)
}

// AddComplaint stores a new complaint.
func (tx *Tx) AddComplaint(ctx context.Context, c *casus.Complaint) error {
	c.CreatedAt = tx.Now()
	c.UpdatedAt = c.CreatedAt
	return tx.insert(ctx, "complaint", `INSERT INTO complaints (id, team_id, about, member_id, referred_to, referred_on,
		complainant, summary, received_on, informed_on, informed_how, status, handler_id, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)`,
		ensureID(&c.ID), c.TeamID, string(c.About), nullable(c.MemberID), c.ReferredTo, nullTime(c.ReferredOn),
		c.Complainant, c.Summary, utc(c.ReceivedOn), nullTime(c.InformedOn), c.InformedHow, string(c.Status),
		c.HandlerID, c.CreatedAt, c.UpdatedAt)
}

func nullTime(t interface{ IsZero() bool }) any {
	if t.IsZero() {
		return nil
	}
	return t
}

const complaintColumns = `c.id, c.team_id, t.name, c.about, COALESCE(CAST(c.member_id AS TEXT), ''), COALESCE(m.name, ''), c.referred_to,
	c.referred_on, c.complainant, c.summary, c.received_on, c.informed_on, c.informed_how, c.first_on, c.first_outcome,
	c.first_resolved, c.formal_on, c.formal_outcome, c.formal_decision, c.status, c.handler_id, h.name, c.created_at, c.updated_at`

const complaintFrom = ` FROM complaints c JOIN care_teams t ON t.id = c.team_id JOIN users h ON h.id = c.handler_id
	LEFT JOIN users m ON m.id = c.member_id`

func scanComplaint(r scanner) (casus.Complaint, error) {
	var c casus.Complaint
	var referred, informed, first, formal sql.NullTime
	var resolved sql.NullBool
	err := r.Scan(&c.ID, &c.TeamID, &c.TeamName, &c.About, &c.MemberID, &c.MemberName, &c.ReferredTo, &referred,
		&c.Complainant, &c.Summary, &c.ReceivedOn, &informed, &c.InformedHow, &first, &c.FirstResult, &resolved,
		&formal, &c.FormalText, &c.Decision, &c.Status, &c.HandlerID, &c.HandlerName, &c.CreatedAt, &c.UpdatedAt)
	c.ReceivedOn, c.CreatedAt, c.UpdatedAt = c.ReceivedOn.UTC(), c.CreatedAt.UTC(), c.UpdatedAt.UTC()
	c.ReferredOn, c.InformedOn, c.FirstOn, c.FormalOn = day(referred), day(informed), day(first), day(formal)
	if resolved.Valid {
		c.Resolved = &resolved.Bool
	}
	return c, err
}

// day returns a nullable day, zero when NULL.
func day(t sql.NullTime) time.Time {
	if t.Valid {
		return t.Time.UTC()
	}
	return time.Time{}
}

// Complaint returns one complaint of one of the teams, or ENOTFOUND.
func (tx *Tx) Complaint(ctx context.Context, id string, teamIDs []string) (casus.Complaint, error) {
	if len(teamIDs) == 0 {
		return casus.Complaint{}, casus.ErrNotFound
	}
	args := []any{id}
	c, err := scanComplaint(tx.queryRow(ctx, `SELECT `+complaintColumns+complaintFrom+` WHERE c.id = $1 AND c.team_id IN (`+
		placeholders(&args, teamIDs)+`)`, args...))
	return c, notFound(err, "complaint")
}

// Complaints returns the complaints of the teams, newest first.
func (tx *Tx) Complaints(ctx context.Context, teamIDs []string) ([]casus.Complaint, error) {
	if len(teamIDs) == 0 {
		return nil, nil
	}
	var args []any
	rows, err := tx.query(ctx, `SELECT `+complaintColumns+complaintFrom+` WHERE c.team_id IN (`+placeholders(&args, teamIDs)+
		`) ORDER BY c.received_on DESC, c.created_at DESC`, args...)
	if err != nil {
		return nil, fmt.Errorf("storage: complaints: %w", err)
	}
	defer rows.Close()
	var cs []casus.Complaint
	for rows.Next() {
		c, err := scanComplaint(rows)
		if err != nil {
			return nil, err
		}
		cs = append(cs, c)
	}
	return cs, rows.Err()
}

// placeholders appends ids to args and returns their placeholders.
func placeholders(args *[]any, ids []string) string {
	ps := make([]string, len(ids))
	for i, id := range ids {
		*args = append(*args, id)
		ps[i] = fmt.Sprintf("$%d", len(*args))
	}
	return strings.Join(ps, ", ")
}

// UpdateComplaint stores the procedure's fields of a complaint: the first
// step, the formal procedure, the complainant informed, and the status.
func (tx *Tx) UpdateComplaint(ctx context.Context, c *casus.Complaint) error {
	c.UpdatedAt = tx.Now()
	var resolved any
	if c.Resolved != nil {
		resolved = *c.Resolved
	}
	_, err := tx.exec(ctx, `UPDATE complaints SET informed_on = $2, informed_how = $3, first_on = $4, first_outcome = $5,
		first_resolved = $6, formal_on = $7, formal_outcome = $8, formal_decision = $9, status = $10, updated_at = $11
		WHERE id = $1`, c.ID, nullTime(c.InformedOn), c.InformedHow, nullTime(c.FirstOn), c.FirstResult, resolved,
		nullTime(c.FormalOn), c.FormalText, string(c.Decision), string(c.Status), c.UpdatedAt)
	if err != nil {
		return fmt.Errorf("storage: update complaint: %w", err)
	}
	return nil
}

// ComplaintCounts returns the monitoring figures of the teams' complaints:
// how many per year received and outcome. The figures name nobody.
func (tx *Tx) ComplaintCounts(ctx context.Context, teamIDs []string) ([]casus.ComplaintCount, error) {
	cs, err := tx.Complaints(ctx, teamIDs)
	if err != nil {
		return nil, err
	}
	type key struct {
		year    int
		outcome string
	}
	n := map[key]int{}
	var order []key
	for _, c := range cs {
		k := key{c.ReceivedOn.In(casus.Amsterdam).Year(), c.Outcome()}
		if n[k] == 0 {
			order = append(order, k)
		}
		n[k]++
	}
	counts := make([]casus.ComplaintCount, len(order))
	for i, k := range order {
		counts[i] = casus.ComplaintCount{Year: k.year, Outcome: k.outcome, Count: n[k]}
	}
	return counts, nil
}
