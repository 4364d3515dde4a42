package storage

import (
	"context"
	"fmt"
	"strings"
	"time"

	"casus"
)

// StudentFilter selects a page of a user's students: those the relations
// in Grant relate the user to (casus.ViewingRelations), whose name or
// student number contains Query, narrowed by an open case at TeamID, the
// care-route step Step, CaseState ("open": some open case, "none": none)
// and Overdue (an open action past its day), sorted by name (Desc for Z–A).
// After or Before is the id of the student the page starts after or ends
// before (keyset paging, never an offset); Limit is the page size.
type StudentFilter struct {
	UserID    string
	Grant     casus.StudentRelations
	Query     string
	TeamID    string
	Step      casus.RouteStep
	CaseState string
	Overdue   bool
	Today     time.Time
	Desc      bool
	After     string
	Before    string
	Limit     int
}

// ListedStudent is a row of the student list: the student, the user's
// relations, the student's open cases (how many, and the first team by
// name), the care-route step and whether an open action is overdue.
type ListedStudent struct {
	Student   casus.Student
	Relations casus.StudentRelations
	OpenCases int
	TeamName  string
	Step      casus.RouteStep
	Overdue   bool
}

// StudentPage is one page of the student list and the count of all
// matches; More says whether a page follows in the direction read (after
// After, or before Before).
type StudentPage struct {
	Rows  []ListedStudent
	Total int
	More  bool
}

// studentListColumns are the list's columns beyond the student's and the
// relations: open cases, the first open case's team, the step (the route's
// first when none was recorded) and overdue.
const studentListColumns = `(SELECT COUNT(*) FROM cases lc WHERE lc.student_id = st.id AND lc.status = 'open') AS open_cases,
	COALESCE((SELECT MIN(lt.name) FROM cases lc JOIN care_teams lt ON lt.id = lc.team_id WHERE lc.student_id = st.id AND lc.status = 'open'), '') AS team_name,
	COALESCE((SELECT re.to_step FROM route_events re WHERE re.student_id = st.id ORDER BY re.seq DESC LIMIT 1),
		CASE WHEN sc.sector = 'po' THEN 'teacher' ELSE 'basic' END) AS step,
	EXISTS (SELECT 1 FROM actions la JOIN cases lc ON lc.id = la.case_id WHERE la.student_id = st.id AND lc.status = 'open'
		AND la.status IN ('open', 'in_progress') AND la.due_on < $3) AS overdue`

// StudentPage returns a page of the user's students and the count of all
// that match, in two statements. The caller still decides each row through
// the policy (and logs it).
func (tx *Tx) StudentPage(ctx context.Context, f StudentFilter) (StudentPage, error) {
	var page StudentPage
	args := []any{f.UserID, "%" + strings.ToLower(f.Query) + "%", utc(f.Today)}
	arg := func(v any) string {
		args = append(args, v)
		return fmt.Sprintf("$%d", len(args))
	}
	var grant []string
	for _, g := range []struct {
		ok  bool
		col string
	}{{f.Grant.Mentor, "mentor_rel"}, {f.Grant.CareContact, "care_rel"}, {f.Grant.Coordinator, "coord_rel"},
		{f.Grant.TeamMember, "team_rel"}, {f.Grant.Invited, "invited_rel"}, {f.Grant.ActionOwner, "action_rel"}} {
		if g.ok {
			grant = append(grant, "x."+g.col)
		}
	}
	if len(grant) == 0 {
		return page, nil
	}
	where := []string{"(" + strings.Join(grant, " OR ") + ")"}
	if f.TeamID != "" {
		where = append(where, `EXISTS (SELECT 1 FROM cases fc WHERE fc.student_id = x.id AND fc.status = 'open' AND CAST(fc.team_id AS TEXT) = `+arg(f.TeamID)+`)`)
	}
	if f.Step != "" {
		where = append(where, "x.step = "+arg(string(f.Step)))
	}
	switch f.CaseState {
	case "open":
		where = append(where, "x.open_cases > 0")
	case "none":
		where = append(where, "x.open_cases = 0")
	}
	if f.Overdue {
		where = append(where, "x.overdue")
	}
	inner := `SELECT ` + studentColumns + `, ` + relationColumns + `, ` + studentListColumns + studentFrom + `
		WHERE (LOWER(st.first_name || ' ' || st.last_name) LIKE $2 OR LOWER(st.student_number) LIKE $2)`
	countArgs := append([]any(nil), args...)
	if err := tx.queryRow(ctx, `SELECT COUNT(*) FROM (`+inner+`) x WHERE `+strings.Join(where, " AND "), countArgs...).Scan(&page.Total); err != nil {
		return page, fmt.Errorf("storage: count students: %w", err)
	}
	// Reading backwards (before a cursor) flips the order; the caller
	// gets the page in list order all the same.
	back := f.Before != ""
	desc := f.Desc != back
	cmp, order := ">", "ASC"
	if desc {
		cmp, order = "<", "DESC"
	}
	if cursor := f.After + f.Before; cursor != "" {
		where = append(where, `(x.last_name, x.first_name, x.id) `+cmp+` (SELECT ks.last_name, ks.first_name, ks.id FROM students ks WHERE ks.id = `+arg(cursor)+`)`)
	}
	limit := f.Limit
	rows, err := tx.query(ctx, `SELECT * FROM (`+inner+`) x WHERE `+strings.Join(where, " AND ")+`
		ORDER BY x.last_name `+order+`, x.first_name `+order+`, x.id `+order+` LIMIT `+arg(limit+1), args...)
	if err != nil {
		return page, fmt.Errorf("storage: student page: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var r ListedStudent
		s, rel := &r.Student, &r.Relations
		rel.Exists = true
		if err := rows.Scan(&s.ID, &s.SchoolID, &s.GroupID, &s.FirstName, &s.LastName, &s.DateOfBirth, &s.StudentNumber,
			&s.Level, &s.MentorID, &s.LeftAt, &s.SchoolName, &s.Sector, &s.GroupName, &s.MentorName,
			&rel.Mentor, &rel.CareContact, &rel.Coordinator, &rel.TeamMember, &rel.Invited, &rel.ActionOwner,
			&r.OpenCases, &r.TeamName, &r.Step, &r.Overdue); err != nil {
			return page, err
		}
		page.Rows = append(page.Rows, r)
	}
	if err := rows.Err(); err != nil {
		return page, err
	}
	if len(page.Rows) > limit {
		page.Rows, page.More = page.Rows[:limit], true
	}
	if back {
		for i, j := 0, len(page.Rows)-1; i < j; i, j = i+1, j-1 {
			page.Rows[i], page.Rows[j] = page.Rows[j], page.Rows[i]
		}
	}
	return page, nil
}
