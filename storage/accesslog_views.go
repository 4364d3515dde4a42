package storage

import (
	"context"
	"fmt"
	"strings"
	"time"

	"casus"
)

// ChairedInternSchools returns the schools whose own (intern) zorgteam the
// user chairs: a ZAT chair from outside the school relates to the students
// of its cases, not to all of them (relations.go: schoolWideChair).
func (tx *Tx) ChairedInternSchools(ctx context.Context, userID string) ([]string, error) {
	rows, err := tx.query(ctx, `SELECT DISTINCT CAST(rel_ts.school_id AS TEXT) FROM `+chairedTeams("$1")+
		` AND `+schoolWideChair, userID)
	if err != nil {
		return nil, fmt.Errorf("storage: chaired intern schools: %w", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		out = append(out, id)
	}
	return out, rows.Err()
}

// ScopedEntry is an access-log entry with the name of the student it is
// about, for the views of the log.
type ScopedEntry struct {
	casus.AccessEntry
	StudentName string
}

// ScopedFilter selects entries about students of some schools.
type ScopedFilter struct {
	Schools []string // required: entries about students of these schools
	UserID  string   // only this account's entries
	Since   time.Time
	Limit   int
}

// ScopedAccessEntries returns the newest entries about students of the
// given schools that match f. Without schools it returns nothing.
func (tx *Tx) ScopedAccessEntries(ctx context.Context, f ScopedFilter) ([]ScopedEntry, error) {
	if len(f.Schools) == 0 {
		return nil, nil
	}
	var args []any
	var marks []string
	for _, s := range f.Schools {
		args = append(args, s)
		marks = append(marks, fmt.Sprintf("$%d", len(args)))
	}
	where := `CAST(st.school_id AS TEXT) IN (` + strings.Join(marks, ", ") + `)`
	if f.UserID != "" {
		args = append(args, f.UserID)
		where += fmt.Sprintf(" AND a.user_id = $%d", len(args))
	}
	if !f.Since.IsZero() {
		args = append(args, f.Since.UTC())
		where += fmt.Sprintf(" AND a.at >= $%d", len(args))
	}
	if f.Limit <= 0 {
		f.Limit = 500
	}
	args = append(args, f.Limit)
	cols := strings.ReplaceAll("a."+strings.Join(strings.Fields(strings.ReplaceAll(accessColumns, ",", " ")), ", a."), "a.a.", "a.")
	rows, err := tx.query(ctx, `SELECT `+cols+`, st.first_name || ' ' || st.last_name FROM access_log a
		JOIN students st ON CAST(st.id AS TEXT) = a.student_id WHERE `+where+
		fmt.Sprintf(` ORDER BY a.seq DESC LIMIT $%d`, len(args)), args...)
	if err != nil {
		return nil, fmt.Errorf("storage: scoped access entries: %w", err)
	}
	defer rows.Close()
	var es []ScopedEntry
	for rows.Next() {
		var e ScopedEntry
		err := rows.Scan(&e.Seq, &e.At, &e.UserID, &e.UserName, &e.Role, &e.OrgName, &e.Relation, &e.StudentID,
			&e.ObjectKind, &e.ObjectID, &e.Action, &e.Purpose, &e.RequestID, &e.Instance, &e.Outcome,
			&e.ClientAddr, &e.UserAgent, &e.Basis, &e.BasisRef, &e.Processing, &e.PrevHash, &e.Hash, &e.StudentName)
		if err != nil {
			return nil, err
		}
		e.At = e.At.UTC()
		es = append(es, e)
	}
	return es, rows.Err()
}

// LoggedUser is an account with entries in a scope, for choosing a per-user
// view.
type LoggedUser struct {
	UserID, UserName, OrgName string
	Entries                   int
}

// ScopedLogUsers lists the accounts with entries about students of the
// schools since a moment, most active first.
func (tx *Tx) ScopedLogUsers(ctx context.Context, schools []string, since time.Time) ([]LoggedUser, error) {
	if len(schools) == 0 {
		return nil, nil
	}
	args := []any{since.UTC()}
	var marks []string
	for _, s := range schools {
		args = append(args, s)
		marks = append(marks, fmt.Sprintf("$%d", len(args)))
	}
	rows, err := tx.query(ctx, `SELECT a.user_id, MAX(a.user_name), MAX(a.org_name), COUNT(*) FROM access_log a
		JOIN students st ON CAST(st.id AS TEXT) = a.student_id
		WHERE a.at >= $1 AND CAST(st.school_id AS TEXT) IN (`+strings.Join(marks, ", ")+`)
		GROUP BY a.user_id ORDER BY COUNT(*) DESC, MAX(a.user_name) LIMIT 200`, args...)
	if err != nil {
		return nil, fmt.Errorf("storage: logged users: %w", err)
	}
	defer rows.Close()
	var us []LoggedUser
	for rows.Next() {
		var u LoggedUser
		if err := rows.Scan(&u.UserID, &u.UserName, &u.OrgName, &u.Entries); err != nil {
			return nil, err
		}
		us = append(us, u)
	}
	return us, rows.Err()
}

// StudentByNumber finds a student of one of the schools by student number,
// for the privacy officer's lookup. ENOTFOUND when there is none.
func (tx *Tx) StudentByNumber(ctx context.Context, schools []string, number string) (string, error) {
	for _, s := range schools {
		var id string
		err := tx.queryRow(ctx, `SELECT CAST(id AS TEXT) FROM students WHERE CAST(school_id AS TEXT) = $1 AND student_number = $2`,
			s, number).Scan(&id)
		if err == nil {
			return id, nil
		}
		if err := notFound(err, "student by number"); err != casus.ErrNotFound {
			return "", err
		}
	}
	return "", casus.ErrNotFound
}
