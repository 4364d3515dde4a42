package storage

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"casus"
)

// The student import (casus import students, /admin/import) reads a
// school's students in bulk and writes them in batches: one statement per
// batch of rows rather than per row, so 50,000 students fit in seconds on
// both engines.

// batchRows bounds the rows of one multi-row statement: 500 rows of at most
// ten values stay far below SQLite's and PostgreSQL's limits on parameters.
const batchRows = 500

// SchoolsByBRIN returns the schools with the BRIN code (case-insensitive):
// the code is not unique in the database, so there may be none, one or
// more; the caller decides.
func (tx *Tx) SchoolsByBRIN(ctx context.Context, brin string) ([]casus.School, error) {
	return queryAll(ctx, tx, "schools by brin", func(r scanner) (casus.School, error) {
		var s casus.School
		err := r.Scan(&s.ID, &s.BoardID, &s.Name, &s.Sector, &s.BRIN)
		return s, err
	}, `SELECT CAST(id AS TEXT), CAST(board_id AS TEXT), name, sector, brin FROM schools WHERE UPPER(brin) = UPPER($1) ORDER BY name`, brin)
}

// SchoolRoster returns every student of the school, those who left too,
// with their group's name and their mentor's e-mail address, by student
// number.
func (tx *Tx) SchoolRoster(ctx context.Context, schoolID string) ([]casus.Student, error) {
	return queryAll(ctx, tx, "school roster", func(r scanner) (casus.Student, error) {
		var s casus.Student
		err := r.Scan(&s.ID, &s.SchoolID, &s.GroupID, &s.FirstName, &s.LastName, &s.DateOfBirth, &s.StudentNumber,
			&s.Level, &s.MentorID, &s.LeftAt, &s.GroupName, &s.MentorName, &s.MentorEmail)
		s.DateOfBirth = s.DateOfBirth.UTC()
		return s, err
	}, `SELECT CAST(st.id AS TEXT), CAST(st.school_id AS TEXT), CAST(st.group_id AS TEXT), st.first_name, st.last_name,
		st.date_of_birth, st.student_number, st.level, COALESCE(CAST(st.mentor_id AS TEXT), ''), st.left_at, g.name,
		COALESCE(m.name, ''), COALESCE(m.email, '')
		FROM students st JOIN groups g ON g.id = st.group_id LEFT JOIN users m ON m.id = st.mentor_id
		WHERE st.school_id = $1 ORDER BY st.student_number`, schoolID)
}

// SchoolGuardians returns the guardians of every student of the school.
func (tx *Tx) SchoolGuardians(ctx context.Context, schoolID string) ([]casus.Guardian, error) {
	return queryAll(ctx, tx, "school guardians", func(r scanner) (casus.Guardian, error) {
		var g casus.Guardian
		err := r.Scan(&g.ID, &g.StudentID, &g.Name, &g.Relation, &g.ParentalAuthority, &g.Email, &g.Phone)
		return g, err
	}, `SELECT CAST(g.id AS TEXT), CAST(g.student_id AS TEXT), g.name, g.relation, g.parental_authority, g.email, g.phone
		FROM guardians g JOIN students st ON st.id = g.student_id WHERE st.school_id = $1 ORDER BY g.student_id, g.name`, schoolID)
}

// SchoolGroups returns the school's groups, by name.
func (tx *Tx) SchoolGroups(ctx context.Context, schoolID string) ([]casus.Group, error) {
	return queryAll(ctx, tx, "school groups", func(r scanner) (casus.Group, error) {
		var g casus.Group
		err := r.Scan(&g.ID, &g.SchoolID, &g.Name, &g.Kind, &g.Level)
		return g, err
	}, `SELECT CAST(id AS TEXT), CAST(school_id AS TEXT), name, kind, level FROM groups WHERE school_id = $1 ORDER BY name`, schoolID)
}

// UserIDsByEmail returns the ids of the accounts with the e-mail addresses
// (stored in lower case), by address; an address without an account is
// absent.
func (tx *Tx) UserIDsByEmail(ctx context.Context, emails []string) (map[string]string, error) {
	out := map[string]string{}
	for start := 0; start < len(emails); start += batchRows {
		chunk := emails[start:min(start+batchRows, len(emails))]
		args := make([]any, len(chunk))
		for i, e := range chunk {
			args[i] = strings.ToLower(e)
		}
		rows, err := tx.query(ctx, `SELECT CAST(id AS TEXT), email FROM users WHERE email IN (`+tx.params(len(chunk), 1)+`)`, args...)
		if err != nil {
			return nil, fmt.Errorf("storage: users by email: %w", err)
		}
		for rows.Next() {
			var id, email string
			if err := rows.Scan(&id, &email); err != nil {
				rows.Close()
				return nil, err
			}
			out[email] = id
		}
		if err := rows.Close(); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// CreateStudents stores students in batches; each gets an id when it has
// none. A student number already used at the school is an error that fails
// the transaction.
func (tx *Tx) CreateStudents(ctx context.Context, students []*casus.Student) error {
	return insertBatches(ctx, tx, "students", `INSERT INTO students (id, school_id, group_id, first_name, last_name,
		date_of_birth, student_number, level, mentor_id, left_at) VALUES `, 10, students, func(s *casus.Student) []any {
		return []any{ensureID(&s.ID), s.SchoolID, s.GroupID, s.FirstName, s.LastName, s.DateOfBirth.UTC(), s.StudentNumber,
			s.Level, nullable(s.MentorID), s.LeftAt}
	})
}

// AddGuardians stores guardians in batches; each gets an id when it has
// none.
func (tx *Tx) AddGuardians(ctx context.Context, guardians []*casus.Guardian) error {
	return insertBatches(ctx, tx, "guardians", `INSERT INTO guardians (id, student_id, name, relation, parental_authority,
		email, phone) VALUES `, 7, guardians, func(g *casus.Guardian) []any {
		return []any{ensureID(&g.ID), g.StudentID, g.Name, g.Relation, g.ParentalAuthority, g.Email, g.Phone}
	})
}

// UpdateRosterStudent stores what the student administration says of a
// student: names, birth date, group, level, mentor and leaving date. It
// returns ENOTFOUND for an unknown id.
func (tx *Tx) UpdateRosterStudent(ctx context.Context, s casus.Student) error {
	res, err := tx.exec(ctx, `UPDATE students SET first_name = $2, last_name = $3, date_of_birth = $4, group_id = $5,
		level = $6, mentor_id = $7, left_at = $8 WHERE id = $1`,
		s.ID, s.FirstName, s.LastName, s.DateOfBirth.UTC(), s.GroupID, s.Level, nullable(s.MentorID), s.LeftAt)
	return affected(res, err, "update student")
}

// UpdateGuardian stores a guardian's relation, parental authority, e-mail
// address and phone number. It returns ENOTFOUND for an unknown id.
func (tx *Tx) UpdateGuardian(ctx context.Context, g casus.Guardian) error {
	res, err := tx.exec(ctx, `UPDATE guardians SET relation = $2, parental_authority = $3, email = $4, phone = $5 WHERE id = $1`,
		g.ID, g.Relation, g.ParentalAuthority, g.Email, g.Phone)
	return affected(res, err, "update guardian")
}

// SetStudentsLeft records for each student that they left school on day,
// in batches.
func (tx *Tx) SetStudentsLeft(ctx context.Context, studentIDs []string, day time.Time) error {
	for start := 0; start < len(studentIDs); start += batchRows {
		chunk := studentIDs[start:min(start+batchRows, len(studentIDs))]
		args := []any{day.UTC()}
		for _, id := range chunk {
			args = append(args, id)
		}
		if _, err := tx.exec(ctx, `UPDATE students SET left_at = `+tx.params(1, 1)+` WHERE id IN (`+tx.params(len(chunk), 2)+`)`, args...); err != nil {
			return fmt.Errorf("storage: students left: %w", err)
		}
	}
	return nil
}

func affected(res interface{ RowsAffected() (int64, error) }, err error, what string) error {
	if err != nil {
		return fmt.Errorf("storage: %s: %w", what, err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return fmt.Errorf("storage: %s: %w", what, err)
	} else if n == 0 {
		return casus.ErrNotFound
	}
	return nil
}

// insertBatches inserts rows with one multi-row statement per batch.
func insertBatches[T any](ctx context.Context, tx *Tx, what, head string, width int, rows []T, values func(T) []any) error {
	for start := 0; start < len(rows); start += batchRows {
		chunk := rows[start:min(start+batchRows, len(rows))]
		var q strings.Builder
		q.WriteString(head)
		args := make([]any, 0, len(chunk)*width)
		for i, r := range chunk {
			if i > 0 {
				q.WriteString(", ")
			}
			q.WriteString("(" + tx.params(width, len(args)+1) + ")")
			args = append(args, values(r)...)
		}
		if _, err := tx.exec(ctx, q.String(), args...); err != nil {
			return fmt.Errorf("storage: create %s: %w", what, err)
		}
	}
	return nil
}

// params returns n placeholders from $first on: "$3, $4, $5". On SQLite
// they are plain "?": SQLite looks each numbered name up in a list of the
// names before it, which makes a statement of thousands of them take
// seconds to prepare.
func (tx *Tx) params(n, first int) string {
	var b strings.Builder
	for i := range n {
		if i > 0 {
			b.WriteString(", ")
		}
		if tx.db.Engine == SQLite {
			b.WriteString("?")
		} else {
			b.WriteString("$" + strconv.Itoa(first+i))
		}
	}
	return b.String()
}
