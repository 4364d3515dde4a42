package storage

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"casus"
)

// CreateStudent stores a student.
func (tx *Tx) CreateStudent(ctx context.Context, s *casus.Student) error {
	return tx.insert(ctx, "student", `INSERT INTO students (id, school_id, group_id, first_name, last_name, date_of_birth,
		student_number, level, mentor_id, left_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
		ensureID(&s.ID), s.SchoolID, s.GroupID, s.FirstName, s.LastName, s.DateOfBirth.UTC(), s.StudentNumber, s.Level,
		nullable(s.MentorID), s.LeftAt)
}

// AddGuardian stores a parent or guardian of a student.
func (tx *Tx) AddGuardian(ctx context.Context, g *casus.Guardian) error {
	return tx.insert(ctx, "guardian", `INSERT INTO guardians (id, student_id, name, relation, parental_authority, email, phone)
		VALUES ($1, $2, $3, $4, $5, $6, $7)`,
		ensureID(&g.ID), g.StudentID, g.Name, g.Relation, g.ParentalAuthority, g.Email, g.Phone)
}

// OpenCase opens a student's case at a care team.
func (tx *Tx) OpenCase(ctx context.Context, c *casus.Case) error {
	if c.Status == "" {
		c.Status = casus.CaseOpen
	}
	if c.OpenedAt.IsZero() {
		c.OpenedAt = tx.Now()
	}
	return tx.insert(ctx, "case", `INSERT INTO cases (id, student_id, team_id, status, opened_at) VALUES ($1, $2, $3, $4, $5)`,
		ensureID(&c.ID), c.StudentID, c.TeamID, string(c.Status), c.OpenedAt)
}

// Invite gives a user access to one case, as a partner invited for it.
func (tx *Tx) Invite(ctx context.Context, caseID, userID string) error {
	return tx.insert(ctx, "invitation", `INSERT INTO case_invitations (case_id, user_id, created_at) VALUES ($1, $2, $3)`,
		caseID, userID, tx.Now())
}

const studentColumns = `st.id, st.school_id, st.group_id, st.first_name, st.last_name, st.date_of_birth, st.student_number,
	st.level, COALESCE(CAST(st.mentor_id AS TEXT), '') AS mentor_id, st.left_at, sc.name AS school_name, sc.sector, g.name AS group_name,
	COALESCE(m.name, '') AS mentor_name`

const studentFrom = ` FROM students st JOIN schools sc ON sc.id = st.school_id JOIN groups g ON g.id = st.group_id
	LEFT JOIN users m ON m.id = st.mentor_id `

func scanStudentRel(r scanner) (casus.Student, casus.StudentRelations, error) {
	var s casus.Student
	rel := casus.StudentRelations{Exists: true}
	err := r.Scan(&s.ID, &s.SchoolID, &s.GroupID, &s.FirstName, &s.LastName, &s.DateOfBirth, &s.StudentNumber,
		&s.Level, &s.MentorID, &s.LeftAt, &s.SchoolName, &s.Sector, &s.GroupName, &s.MentorName,
		&rel.Mentor, &rel.CareContact, &rel.Coordinator, &rel.TeamMember, &rel.Invited, &rel.ActionOwner)
	return s, rel, err
}

// StudentFor returns a student and the relations the user has to them. A
// missing student gives ENOTFOUND; the caller then logs a denial, exactly as
// for a student the user may not see.
func (tx *Tx) StudentFor(ctx context.Context, userID, studentID string) (casus.Student, casus.StudentRelations, error) {
	s, rel, err := scanStudentRel(tx.queryRow(ctx, `SELECT `+studentColumns+`, `+relationColumns+studentFrom+`WHERE st.id = $2`,
		userID, studentID))
	if err != nil {
		return s, casus.StudentRelations{}, notFound(err, "student")
	}
	return s, rel, nil
}

// StudentsFor returns the students with the given ids and the relations the
// user has to each, by id, in one query per 500 ids: what StudentFor gives
// for one, for the rows of a list. An id of no student is missing from the
// map.
func (tx *Tx) StudentsFor(ctx context.Context, userID string, studentIDs []string) (map[string]StudentFacts, error) {
	out := make(map[string]StudentFacts, len(studentIDs))
	ids := slices.Compact(slices.Sorted(slices.Values(studentIDs)))
	for start := 0; start < len(ids); start += 500 {
		chunk := ids[start:min(start+500, len(ids))]
		args := []any{userID}
		marks := make([]string, len(chunk))
		for i, id := range chunk {
			args = append(args, id)
			marks[i] = fmt.Sprintf("$%d", i+2)
		}
		rows, err := tx.query(ctx, `SELECT `+studentColumns+`, `+relationColumns+studentFrom+
			`WHERE st.id IN (`+strings.Join(marks, ", ")+`)`, args...)
		if err != nil {
			return nil, fmt.Errorf("storage: students for: %w", err)
		}
		for rows.Next() {
			st, rel, err := scanStudentRel(rows)
			if err != nil {
				rows.Close()
				return nil, err
			}
			out[st.ID] = StudentFacts{Student: st, Rel: rel}
		}
		err = rows.Err()
		rows.Close()
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}

// StudentFacts is a student with the relations a user has to them.
type StudentFacts struct {
	Student casus.Student
	Rel     casus.StudentRelations
}

// StudentCandidates returns up to limit students the user has any relation
// to, whose name or student number contains query (all when it is empty),
// ordered by name. The caller filters them through the policy.
func (tx *Tx) StudentCandidates(ctx context.Context, userID, query string, limit int) ([]casus.Student, []casus.StudentRelations, error) {
	pattern := "%" + strings.ToLower(query) + "%"
	rows, err := tx.query(ctx, `SELECT * FROM (SELECT `+studentColumns+`, `+relationColumns+studentFrom+`
		WHERE (LOWER(st.first_name || ' ' || st.last_name) LIKE $2 OR LOWER(st.student_number) LIKE $2)) x
		WHERE `+anyRelation+`
		ORDER BY x.last_name, x.first_name LIMIT $3`, userID, pattern, limit)
	if err != nil {
		return nil, nil, fmt.Errorf("storage: student candidates: %w", err)
	}
	defer rows.Close()
	var students []casus.Student
	var rels []casus.StudentRelations
	for rows.Next() {
		s, rel, err := scanStudentRel(rows)
		if err != nil {
			return nil, nil, err
		}
		students = append(students, s)
		rels = append(rels, rel)
	}
	return students, rels, rows.Err()
}

// Guardians lists a student's parents and guardians.
func (tx *Tx) Guardians(ctx context.Context, studentID string) ([]casus.Guardian, error) {
	rows, err := tx.query(ctx, `SELECT id, student_id, name, relation, parental_authority, email, phone
		FROM guardians WHERE student_id = $1 ORDER BY name`, studentID)
	if err != nil {
		return nil, fmt.Errorf("storage: guardians: %w", err)
	}
	defer rows.Close()
	var gs []casus.Guardian
	for rows.Next() {
		var g casus.Guardian
		if err := rows.Scan(&g.ID, &g.StudentID, &g.Name, &g.Relation, &g.ParentalAuthority, &g.Email, &g.Phone); err != nil {
			return nil, err
		}
		gs = append(gs, g)
	}
	return gs, rows.Err()
}

// Cases lists a student's cases at care teams, newest first.
func (tx *Tx) Cases(ctx context.Context, studentID string) ([]casus.Case, error) {
	rows, err := tx.query(ctx, `SELECT c.id, c.student_id, c.team_id, t.name, t.kind, c.status, c.opened_at
		FROM cases c JOIN care_teams t ON t.id = c.team_id WHERE c.student_id = $1 ORDER BY c.opened_at DESC`, studentID)
	if err != nil {
		return nil, fmt.Errorf("storage: cases: %w", err)
	}
	defer rows.Close()
	var cs []casus.Case
	for rows.Next() {
		var c casus.Case
		if err := rows.Scan(&c.ID, &c.StudentID, &c.TeamID, &c.TeamName, &c.TeamKind, &c.Status, &c.OpenedAt); err != nil {
			return nil, err
		}
		cs = append(cs, c)
	}
	return cs, rows.Err()
}
