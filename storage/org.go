package storage

import (
	"context"
	"fmt"

	"casus"
)

func (tx *Tx) insert(ctx context.Context, what, q string, args ...any) error {
	if _, err := tx.exec(ctx, q, args...); err != nil {
		return fmt.Errorf("storage: create %s: %w", what, err)
	}
	return nil
}

func ensureID(id *string) string {
	if *id == "" {
		*id = casus.NewID()
	}
	return *id
}

// CreateBoard stores a school board.
func (tx *Tx) CreateBoard(ctx context.Context, b *casus.Board) error {
	return tx.insert(ctx, "board", `INSERT INTO boards (id, name) VALUES ($1, $2)`, ensureID(&b.ID), b.Name)
}

// CreateSchool stores a school.
func (tx *Tx) CreateSchool(ctx context.Context, s *casus.School) error {
	return tx.insert(ctx, "school", `INSERT INTO schools (id, board_id, name, sector, brin) VALUES ($1, $2, $3, $4, $5)`,
		ensureID(&s.ID), s.BoardID, s.Name, string(s.Sector), s.BRIN)
}

// CreateLocation stores a location of a school.
func (tx *Tx) CreateLocation(ctx context.Context, l *casus.Location) error {
	return tx.insert(ctx, "location", `INSERT INTO locations (id, school_id, name, city) VALUES ($1, $2, $3, $4)`,
		ensureID(&l.ID), l.SchoolID, l.Name, l.City)
}

// CreateGroup stores a programme or class.
func (tx *Tx) CreateGroup(ctx context.Context, g *casus.Group) error {
	return tx.insert(ctx, "group", `INSERT INTO groups (id, school_id, name, kind, level) VALUES ($1, $2, $3, $4, $5)`,
		ensureID(&g.ID), g.SchoolID, g.Name, string(g.Kind), g.Level)
}

// CreatePartnerOrg stores a partner organisation.
func (tx *Tx) CreatePartnerOrg(ctx context.Context, p *casus.PartnerOrg) error {
	return tx.insert(ctx, "partner organisation", `INSERT INTO partner_orgs (id, name, discipline) VALUES ($1, $2, $3)`,
		ensureID(&p.ID), p.Name, string(p.Discipline))
}

// AddCareContact makes a taakdocent zorg / IB'er the care contact of a group.
func (tx *Tx) AddCareContact(ctx context.Context, userID, groupID string) error {
	return tx.insert(ctx, "care contact", `INSERT INTO care_contacts (user_id, group_id) VALUES ($1, $2)`, userID, groupID)
}

// CreateTeam stores a care team and the schools it serves.
func (tx *Tx) CreateTeam(ctx context.Context, t *casus.CareTeam) error {
	if err := tx.insert(ctx, "care team", `INSERT INTO care_teams (id, name, kind, rhythm) VALUES ($1, $2, $3, $4)`,
		ensureID(&t.ID), t.Name, string(t.Kind), t.Rhythm); err != nil {
		return err
	}
	for _, s := range t.SchoolIDs {
		if err := tx.insert(ctx, "team school", `INSERT INTO care_team_schools (team_id, school_id) VALUES ($1, $2)`, t.ID, s); err != nil {
			return err
		}
	}
	return nil
}

// AddMember adds a user to a care team.
func (tx *Tx) AddMember(ctx context.Context, m casus.TeamMember) error {
	return tx.insert(ctx, "team member", `INSERT INTO team_members (team_id, user_id, kind, chair, minute_taker) VALUES ($1, $2, $3, $4, $5)`,
		m.TeamID, m.User.ID, string(m.Kind), m.Chair, m.MinuteTaker)
}

// SetMember makes m's user a member of the team as m says: added when not
// a member yet, changed otherwise. A team has one chair and one minute
// taker: naming one takes the task from whoever had it. It reports whether
// the user was a member before.
func (tx *Tx) SetMember(ctx context.Context, m casus.TeamMember) (existed bool, err error) {
	if m.Chair {
		if _, err := tx.exec(ctx, `UPDATE team_members SET chair = FALSE WHERE team_id = $1 AND user_id <> $2 AND chair`, m.TeamID, m.User.ID); err != nil {
			return false, fmt.Errorf("storage: team chair: %w", err)
		}
	}
	if m.MinuteTaker {
		if _, err := tx.exec(ctx, `UPDATE team_members SET minute_taker = FALSE WHERE team_id = $1 AND user_id <> $2 AND minute_taker`,
			m.TeamID, m.User.ID); err != nil {
			return false, fmt.Errorf("storage: team minute taker: %w", err)
		}
	}
	res, err := tx.exec(ctx, `UPDATE team_members SET kind = $3, chair = $4, minute_taker = $5 WHERE team_id = $1 AND user_id = $2`,
		m.TeamID, m.User.ID, string(m.Kind), m.Chair, m.MinuteTaker)
	if err != nil {
		return false, fmt.Errorf("storage: team member: %w", err)
	}
	if n, _ := res.RowsAffected(); n > 0 {
		return true, nil
	}
	return false, tx.AddMember(ctx, m)
}

// SetSendDays sets how many working days before a meeting the team's
// agenda goes out (1 to casus.MaxSendDays).
func (tx *Tx) SetSendDays(ctx context.Context, teamID string, days int) error {
	res, err := tx.exec(ctx, `UPDATE care_teams SET send_days = $2 WHERE id = $1`, teamID, days)
	if err != nil {
		return fmt.Errorf("storage: send days: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return casus.ErrNotFound
	}
	return nil
}

// RemoveMember takes the user off the team; not a member is not found.
func (tx *Tx) RemoveMember(ctx context.Context, teamID, userID string) error {
	res, err := tx.exec(ctx, `DELETE FROM team_members WHERE team_id = $1 AND user_id = $2`, teamID, userID)
	if err != nil {
		return fmt.Errorf("storage: remove team member: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return casus.ErrNotFound
	}
	return nil
}

// MemberCandidates lists who can be added to the team, by name: active
// accounts with one of roles that are not members yet, of the schools the
// team serves or of a partner organisation. Roles come with each account,
// in one statement.
func (tx *Tx) MemberCandidates(ctx context.Context, teamID string, roles []casus.Role) ([]casus.User, error) {
	args := []any{teamID}
	names := make([]string, len(roles))
	for i, r := range roles {
		names[i] = string(r)
	}
	in := placeholders(&args, names)
	rows, err := tx.query(ctx, `SELECT `+userColumns+`, ur.role`+userFrom+`JOIN user_roles ur ON ur.user_id = u.id
		WHERE NOT u.disabled AND NOT EXISTS (SELECT 1 FROM team_members tm WHERE tm.team_id = $1 AND tm.user_id = u.id)
		AND (u.partner_org_id IS NOT NULL OR u.school_id IN (SELECT school_id FROM care_team_schools WHERE team_id = $1))
		AND EXISTS (SELECT 1 FROM user_roles r2 WHERE r2.user_id = u.id AND r2.role IN (`+in+`))
		ORDER BY u.name, u.id, ur.role`, args...)
	if err != nil {
		return nil, fmt.Errorf("storage: member candidates: %w", err)
	}
	defer rows.Close()
	var users []casus.User
	for rows.Next() {
		var u casus.User
		var role casus.Role
		if err := rows.Scan(&u.ID, &u.Email, &u.Username, &u.Name, &u.SchoolID, &u.PartnerOrgID, &u.OrgName, &u.Discipline,
			&u.TOTPEnabled, &u.Demo, &u.SessionEpoch, &u.Disabled, &role); err != nil {
			return nil, err
		}
		if n := len(users); n > 0 && users[n-1].ID == u.ID {
			users[n-1].Roles = append(users[n-1].Roles, role)
			continue
		}
		u.Roles = []casus.Role{role}
		users = append(users, u)
	}
	return users, rows.Err()
}

// Teams lists the care teams by kind and name.
func (tx *Tx) Teams(ctx context.Context) ([]casus.CareTeam, error) {
	return tx.teams(ctx, `SELECT id, name, kind, rhythm, send_days FROM care_teams ORDER BY kind, name`)
}

// teams runs a query for team id, name, kind and rhythm.
func (tx *Tx) teams(ctx context.Context, q string, args ...any) ([]casus.CareTeam, error) {
	rows, err := tx.query(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("storage: teams: %w", err)
	}
	defer rows.Close()
	var teams []casus.CareTeam
	for rows.Next() {
		var t casus.CareTeam
		if err := rows.Scan(&t.ID, &t.Name, &t.Kind, &t.Rhythm, &t.SendDays); err != nil {
			return nil, err
		}
		teams = append(teams, t)
	}
	return teams, rows.Err()
}

// Team returns one care team with the names of the schools it serves.
func (tx *Tx) Team(ctx context.Context, id string) (casus.CareTeam, []string, error) {
	var t casus.CareTeam
	if err := tx.queryRow(ctx, `SELECT id, name, kind, rhythm, send_days FROM care_teams WHERE id = $1`, id).
		Scan(&t.ID, &t.Name, &t.Kind, &t.Rhythm, &t.SendDays); err != nil {
		return t, nil, notFound(err, "team")
	}
	rows, err := tx.query(ctx, `SELECT s.id, s.name FROM care_team_schools ts JOIN schools s ON s.id = ts.school_id
		WHERE ts.team_id = $1 ORDER BY s.name`, id)
	if err != nil {
		return t, nil, fmt.Errorf("storage: team schools: %w", err)
	}
	defer rows.Close()
	var names []string
	for rows.Next() {
		var sid, name string
		if err := rows.Scan(&sid, &name); err != nil {
			return t, nil, err
		}
		t.SchoolIDs = append(t.SchoolIDs, sid)
		names = append(names, name)
	}
	return t, names, rows.Err()
}

// TeamMembers lists a team's members: chair first, then fixed, then on call.
func (tx *Tx) TeamMembers(ctx context.Context, teamID string) ([]casus.TeamMember, error) {
	rows, err := tx.query(ctx, `SELECT tm.kind, tm.chair, tm.minute_taker, `+userColumns+userFrom+`
		JOIN team_members tm ON tm.user_id = u.id WHERE tm.team_id = $1
		ORDER BY tm.chair DESC, tm.kind, u.name`, teamID)
	if err != nil {
		return nil, fmt.Errorf("storage: team members: %w", err)
	}
	var members []casus.TeamMember
	for rows.Next() {
		m := casus.TeamMember{TeamID: teamID}
		u := &m.User
		if err := rows.Scan(&m.Kind, &m.Chair, &m.MinuteTaker, &u.ID, &u.Email, &u.Username, &u.Name, &u.SchoolID,
			&u.PartnerOrgID, &u.OrgName, &u.Discipline, &u.TOTPEnabled, &u.Demo, &u.SessionEpoch, &u.Disabled); err != nil {
			rows.Close()
			return nil, err
		}
		members = append(members, m)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	// The members' roles in one query, not one per member.
	type userRole struct {
		user string
		role casus.Role
	}
	roles, err := queryAll(ctx, tx, "team member roles", func(r scanner) (userRole, error) {
		var ur userRole
		err := r.Scan(&ur.user, &ur.role)
		return ur, err
	}, `SELECT CAST(ur.user_id AS TEXT), ur.role FROM user_roles ur JOIN team_members tm ON tm.user_id = ur.user_id
		WHERE tm.team_id = $1 ORDER BY ur.role`, teamID)
	if err != nil {
		return nil, err
	}
	byUser := map[string][]casus.Role{}
	for _, ur := range roles {
		byUser[ur.user] = append(byUser[ur.user], ur.role)
	}
	for i := range members {
		members[i].User.Roles = byUser[members[i].User.ID]
	}
	return members, nil
}
