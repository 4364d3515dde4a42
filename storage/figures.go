package storage

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"casus"
)

// Steering figures: four statements whatever the period or scope. They
// return facts without students (ages as bands, no names, no ids); the
// figures are computed from them in Go.

// figureScope builds the WHERE clause shared by the statements: cases or
// referrals of the filter's teams (column team) whose student (column
// student) is at the filter's school, and the arguments $1 (from), $2 (to).
func figureScope(f casus.FigureFilter, team, student string) (string, []any) {
	args := []any{utc(f.Period.From), utc(f.Period.To)}
	w := team + " IN (" + placeholders(&args, f.TeamIDs) + ")"
	if f.SchoolID != "" {
		args = append(args, f.SchoolID)
		w += fmt.Sprintf(" AND %s IN (SELECT id FROM students WHERE CAST(school_id AS TEXT) = $%d)", student, len(args))
	}
	return w, args
}

// FigureFacts returns the facts behind the steering figures of f: the
// referrals submitted in the period, the actions agreed in it, and the
// counts of closures, escalations, crises and consent decisions in it.
func (tx *Tx) FigureFacts(ctx context.Context, f casus.FigureFilter) (casus.FigureFacts, error) {
	facts := casus.FigureFacts{Closures: map[casus.CloseReason]int{}}
	if len(f.TeamIDs) == 0 {
		return facts, nil
	}
	students := map[string]bool{}

	w, args := figureScope(f, "r.team_id", "r.student_id")
	rows, err := tx.query(ctx, `SELECT CAST(r.student_id AS TEXT), t.kind, sc.name, st.date_of_birth, u.discipline, r.state, r.submitted_at,
		(SELECT MIN(e.at) FROM referral_events e WHERE e.referral_id = r.id AND e.to_state IN ('accepted', 'returned', 'redirected')),
		(SELECT MIN(m.starts_at) FROM agenda_items a JOIN meetings m ON m.id = a.meeting_id AND m.status = 'planned'
			WHERE a.kind = 'referral' AND a.source_id = r.id AND m.starts_at <= $`+fmt.Sprint(len(args)+1)+`),
		(SELECT MAX(cc.at) FROM case_closures cc JOIN cases c ON c.id = cc.case_id AND c.status = 'closed'
			WHERE cc.case_id = r.case_id AND cc.kind = 'closed')
		FROM referrals r JOIN care_teams t ON t.id = r.team_id JOIN students st ON st.id = r.student_id
		JOIN schools sc ON sc.id = st.school_id JOIN users u ON u.id = r.referrer_id
		WHERE r.submitted_at >= $1 AND r.submitted_at < $2 AND `+w+` ORDER BY r.submitted_at`, append(args, tx.Now())...)
	if err != nil {
		return facts, fmt.Errorf("storage: figure referrals: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var r casus.ReferralFact
		var student string
		var birth, submitted, decided, discussed, closed any
		if err := rows.Scan(&student, &r.TeamKind, &r.School, &birth, &r.Referrer, &r.State, &submitted, &decided, &discussed, &closed); err != nil {
			return facts, err
		}
		students[student] = true
		b, err := asTime(birth)
		if err != nil {
			return facts, err
		}
		if r.SubmittedAt, err = asTime(submitted); err != nil {
			return facts, err
		}
		r.AgeBand = casus.AgeBand(b, r.SubmittedAt)
		for _, p := range []struct {
			v   any
			dst *time.Time
		}{{decided, &r.DecidedAt}, {discussed, &r.DiscussedAt}, {closed, &r.ClosedAt}} {
			if p.v == nil {
				continue
			}
			if *p.dst, err = asTime(p.v); err != nil {
				return facts, err
			}
		}
		facts.Referrals = append(facts.Referrals, r)
	}
	if err := rows.Err(); err != nil {
		return facts, err
	}
	rows.Close()

	w, args = figureScope(f, "c.team_id", "a.student_id")
	rows, err = tx.query(ctx, `SELECT CAST(a.student_id AS TEXT), a.status, a.due_on,
		(SELECT MAX(u.at) FROM action_updates u WHERE u.action_id = a.id AND u.status = 'done')
		FROM actions a JOIN cases c ON c.id = a.case_id WHERE a.created_at >= $1 AND a.created_at < $2 AND `+w, args...)
	if err != nil {
		return facts, fmt.Errorf("storage: figure actions: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var a casus.ActionFact
		var student string
		var due, done any
		if err := rows.Scan(&student, &a.Status, &due, &done); err != nil {
			return facts, err
		}
		students[student] = true
		if a.DueOn, err = asTime(due); err != nil {
			return facts, err
		}
		if done != nil {
			if a.DoneAt, err = asTime(done); err != nil {
				return facts, err
			}
		}
		facts.Actions = append(facts.Actions, a)
	}
	if err := rows.Err(); err != nil {
		return facts, err
	}
	rows.Close()
	facts.Students = len(students)

	w, args = figureScope(f, "c.team_id", "c.student_id")
	rows, err = tx.query(ctx, `SELECT cc.reason, COUNT(*) FROM case_closures cc JOIN cases c ON c.id = cc.case_id
		WHERE cc.kind = 'closed' AND cc.at >= $1 AND cc.at < $2 AND `+w+` GROUP BY cc.reason`, args...)
	if err != nil {
		return facts, fmt.Errorf("storage: figure closures: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var reason string
		var n int
		if err := rows.Scan(&reason, &n); err != nil {
			return facts, err
		}
		facts.Closures[casus.CloseReason(reason)] += n
	}
	if err := rows.Err(); err != nil {
		return facts, err
	}
	rows.Close()

	w, args = figureScope(f, "c.team_id", "c.student_id")
	wc, _ := figureScope(f, "cr.team_id", "cr.student_id")
	err = tx.queryRow(ctx, `SELECT
		(SELECT COUNT(*) FROM case_events e JOIN cases c ON c.id = e.case_id WHERE e.kind = 'escalated' AND e.at >= $1 AND e.at < $2 AND `+w+`),
		(SELECT COUNT(*) FROM crises cr WHERE cr.kind = 'crisis' AND cr.occurred_at >= $1 AND cr.occurred_at < $2 AND `+wc+`),
		(SELECT COUNT(*) FROM crises cr WHERE cr.kind = 'direct_help' AND cr.occurred_at >= $1 AND cr.occurred_at < $2 AND `+wc+`),
		(SELECT COUNT(*) FROM consents k JOIN cases c ON c.id = k.case_id WHERE k.refused AND k.given_at >= $1 AND k.given_at < $2 AND `+w+`),
		(SELECT COUNT(*) FROM consents k JOIN cases c ON c.id = k.case_id WHERE k.withdrawn_at >= $1 AND k.withdrawn_at < $2 AND `+w+`)`,
		args...).Scan(&facts.Escalations, &facts.Crises, &facts.DirectHelp, &facts.ConsentRefused, &facts.ConsentWithdrawn)
	if err != nil {
		return facts, fmt.Errorf("storage: figure counts: %w", err)
	}
	return facts, nil
}

// SchoolsServedBy returns the schools the teams serve, by name.
func (tx *Tx) SchoolsServedBy(ctx context.Context, teamIDs []string) ([]casus.School, error) {
	if len(teamIDs) == 0 {
		return nil, nil
	}
	var args []any
	return queryAll(ctx, tx, "schools served", func(r scanner) (casus.School, error) {
		var s casus.School
		err := r.Scan(&s.ID, &s.Name, &s.Sector)
		return s, err
	}, `SELECT DISTINCT CAST(s.id AS TEXT), s.name, s.sector FROM schools s JOIN care_team_schools ts ON ts.school_id = s.id
		WHERE ts.team_id IN (`+placeholders(&args, teamIDs)+`) ORDER BY s.name, 1`, args...)
}

// FigureThreshold returns the installation's threshold under which counts
// of figures are hidden.
func (tx *Tx) FigureThreshold(ctx context.Context) (int, error) {
	v, err := tx.Setting(ctx, "figures_threshold", "")
	if err != nil || v == "" {
		return casus.DefaultFigureThreshold, err
	}
	n, err := strconv.Atoi(v)
	if err != nil || !casus.ValidFigureThreshold(n) {
		return casus.DefaultFigureThreshold, nil
	}
	return n, nil
}

// SetFigureThreshold stores the installation's threshold; EINVALID outside
// its bounds.
func (tx *Tx) SetFigureThreshold(ctx context.Context, n int) error {
	if !casus.ValidFigureThreshold(n) {
		return &casus.Error{Code: casus.EINVALID, Key: "figures.error.threshold"}
	}
	return tx.SetSetting(ctx, "figures_threshold", strconv.Itoa(n))
}
