package storage

import (
	"context"
	"database/sql"
	"fmt"

	"casus"
)

// PartnerOrgs lists the partner organisations by name.
func (tx *Tx) PartnerOrgs(ctx context.Context) ([]casus.PartnerOrg, error) {
	rows, err := tx.query(ctx, `SELECT CAST(id AS TEXT), name, discipline FROM partner_orgs ORDER BY name, id`)
	if err != nil {
		return nil, fmt.Errorf("storage: partner organisations: %w", err)
	}
	defer rows.Close()
	var orgs []casus.PartnerOrg
	for rows.Next() {
		var o casus.PartnerOrg
		if err := rows.Scan(&o.ID, &o.Name, &o.Discipline); err != nil {
			return nil, err
		}
		orgs = append(orgs, o)
	}
	return orgs, rows.Err()
}

// CreateSignal stores a policy signal as sent, with the cases it touches:
// the caller has checked that they are open cases of the signal's team.
func (tx *Tx) CreateSignal(ctx context.Context, sg *casus.PolicySignal, caseIDs []string) error {
	sg.Status, sg.CreatedAt, sg.Cases = casus.SignalSent, tx.Now(), len(caseIDs)
	if err := tx.insert(ctx, "policy signal", `INSERT INTO policy_signals (id, team_id, title, description, partner_org_id, status,
		created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`, ensureID(&sg.ID), sg.TeamID, sg.Title, sg.Description,
		nullable(sg.PartnerOrgID), string(sg.Status), sg.CreatedBy, sg.CreatedAt); err != nil {
		return err
	}
	for _, id := range caseIDs {
		if err := tx.insert(ctx, "policy signal case", `INSERT INTO policy_signal_cases (signal_id, case_id) VALUES ($1, $2)`,
			sg.ID, id); err != nil {
			return err
		}
	}
	return nil
}

const signalSelect = `SELECT CAST(sg.id AS TEXT), CAST(sg.team_id AS TEXT), t.name, sg.title, sg.description,
	COALESCE(CAST(sg.partner_org_id AS TEXT), ''), COALESCE(p.name, ''), sg.status,
	(SELECT COUNT(*) FROM policy_signal_cases sc WHERE sc.signal_id = sg.id),
	CAST(sg.created_by AS TEXT), cu.name, sg.created_at, sg.response, COALESCE(CAST(sg.responded_by AS TEXT), ''),
	COALESCE(ru.name, ''), sg.responded_at
	FROM policy_signals sg JOIN care_teams t ON t.id = sg.team_id JOIN users cu ON cu.id = sg.created_by
	LEFT JOIN partner_orgs p ON p.id = sg.partner_org_id LEFT JOIN users ru ON ru.id = sg.responded_by `

func scanSignal(r scanner) (casus.PolicySignal, error) {
	var sg casus.PolicySignal
	var responded sql.NullTime
	err := r.Scan(&sg.ID, &sg.TeamID, &sg.TeamName, &sg.Title, &sg.Description, &sg.PartnerOrgID, &sg.PartnerOrgName, &sg.Status,
		&sg.Cases, &sg.CreatedBy, &sg.CreatedByName, &sg.CreatedAt, &sg.Response, &sg.RespondedBy, &sg.RespondedName, &responded)
	sg.CreatedAt = sg.CreatedAt.UTC()
	if responded.Valid {
		sg.RespondedAt = responded.Time.UTC()
	}
	return sg, err
}

// Signals lists the policy signals of the teams (nil: of every team), the
// newest first, in one statement. They name no student: of the cases only
// the count.
func (tx *Tx) Signals(ctx context.Context, teamIDs []string) ([]casus.PolicySignal, error) {
	q, args := signalSelect, []any{}
	if teamIDs != nil {
		if len(teamIDs) == 0 {
			return nil, nil
		}
		q += `WHERE sg.team_id IN (` + placeholders(&args, teamIDs) + `) `
	}
	return queryAll(ctx, tx, "policy signals", scanSignal, q+`ORDER BY sg.created_at DESC, sg.id`, args...)
}

// Signal returns one policy signal.
func (tx *Tx) Signal(ctx context.Context, id string) (casus.PolicySignal, error) {
	sg, err := scanSignal(tx.queryRow(ctx, signalSelect+`WHERE sg.id = $1`, id))
	return sg, notFound(err, "policy signal")
}

// RespondSignal records the steering group's response to a sent signal. A
// signal answered or closed meanwhile is a conflict: the response that
// came first stands.
func (tx *Tx) RespondSignal(ctx context.Context, id, response, by string) error {
	return tx.signalStep(ctx, `UPDATE policy_signals SET status = 'answered', response = $2, responded_by = $3, responded_at = $4
		WHERE id = $1 AND status = 'sent'`, id, response, by, tx.Now())
}

// CloseSignal closes a signal that is not closed yet.
func (tx *Tx) CloseSignal(ctx context.Context, id string) error {
	return tx.signalStep(ctx, `UPDATE policy_signals SET status = 'closed' WHERE id = $1 AND status <> 'closed'`, id)
}

// signalStep runs a status change of a signal: nothing changed is a
// conflict when the signal exists, else not found.
func (tx *Tx) signalStep(ctx context.Context, q string, args ...any) error {
	res, err := tx.exec(ctx, q, args...)
	if err != nil {
		return fmt.Errorf("storage: policy signal: %w", err)
	}
	if n, _ := res.RowsAffected(); n > 0 {
		return nil
	}
	var one int
	if err := tx.queryRow(ctx, `SELECT 1 FROM policy_signals WHERE id = $1`, args[0]).Scan(&one); err != nil {
		return notFound(err, "policy signal")
	}
	return &casus.Error{Code: casus.ECONFLICT, Key: "signal.conflict"}
}
