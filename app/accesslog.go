package app

import (
	"context"
	"strings"
	"time"

	"casus"
	"casus/storage"
)

// The access-log views: per student, per user, and the anomaly hints, each
// with a CSV export. Readers are the zorgcoördinator (for the schools their
// teams serve) and the privacy officer (for their school). Every view of
// the log is itself logged, per student it shows.

// AccessLogWindow is how far back the overview and per-user views look.
const AccessLogWindow = 30 * 24 * time.Hour

// StudentLogLimit bounds the entries on the student's log page; the CSV
// has them all.
const StudentLogLimit = 500

// accessLogStudent runs fn for a student whose log or export the actor may
// read (casus.CanReadAccessLog), and logs the access: granted when fn
// succeeds, a refusal when fn refuses bad input, a denial (shown as not
// found) when the policy says no.
func (s *Service) accessLogStudent(ctx context.Context, a Actor, action casus.AccessAction, purpose, objectKind, id string,
	fn func(tx *storage.Tx, st casus.Student, acc casus.Access, e *casus.AccessEntry) error) error {
	u := a.User
	return s.update(ctx, func(tx *storage.Tx) error {
		e := s.entry(a, action, purpose)
		e.ObjectKind, e.ObjectID = objectKind, truncate(id, 64)
		if !casus.ValidID(id) {
			return deny(e, casus.ErrNotFound)
		}
		st, rel, err := tx.StudentFor(ctx, u.ID, id)
		if err != nil && casus.ErrorCode(err) != casus.ENOTFOUND {
			return err
		}
		if rel.Exists {
			e.StudentID = st.ID
		}
		acc := casus.CanReadAccessLog(u, rel, st.SchoolID)
		if !acc.Allowed {
			return deny(e, casus.ErrNotFound)
		}
		if err := fn(tx, st, acc, e); err != nil {
			return refused(e, acc, err)
		}
		return logAccess(ctx, tx, e, acc)
	})
}

// accessLogScope runs fn with the schools whose log the actor reads, and
// logs the view (kind, object) without a student; fn logs each student it
// shows. An actor whose roles read no logs is refused (403), and that
// refusal is logged too.
func (s *Service) accessLogScope(ctx context.Context, a Actor, action casus.AccessAction, purpose, objectKind, objectID string,
	fn func(tx *storage.Tx, schools []string, acc casus.Access, e *casus.AccessEntry) error) error {
	u := a.User
	return s.update(ctx, func(tx *storage.Tx) error {
		e := s.entry(a, action, purpose)
		e.ObjectKind, e.ObjectID = objectKind, truncate(objectID, 64)
		if !casus.ReadsAccessLogs(u) {
			return deny(e, &casus.Error{Code: casus.EFORBIDDEN, Key: "error.forbidden"})
		}
		scope := casus.AccessLogScopeOf(u)
		acc := casus.Access{Allowed: true, Relation: scope.Relation}
		schools, err := accessLogSchools(ctx, tx, u.ID, scope)
		if err != nil {
			return err
		}
		if err := fn(tx, schools, acc, e); err != nil {
			return refused(e, acc, err)
		}
		return logAccess(ctx, tx, e, acc)
	})
}

// accessLogSchools lists the schools of the scope, each once.
func accessLogSchools(ctx context.Context, tx *storage.Tx, userID string, scope casus.AccessLogScope) ([]string, error) {
	seen := map[string]bool{}
	var out []string
	add := func(id string) {
		if id != "" && !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	add(scope.OwnSchool)
	if scope.ChairedTeams {
		ids, err := tx.ChairedInternSchools(ctx, userID)
		if err != nil {
			return nil, err
		}
		for _, id := range ids {
			add(id)
		}
	}
	return out, nil
}

// StudentLog is one student's access log.
type StudentLog struct {
	Student casus.Student
	Entries []casus.AccessEntry
}

// StudentAccessLog reads who saw or changed what of the student; csv asks
// for all of it, as an export.
func (s *Service) StudentAccessLog(ctx context.Context, a Actor, studentID string, csv bool) (StudentLog, error) {
	var page StudentLog
	action, purpose, limit := casus.ActRead, "access log (student)", StudentLogLimit
	if csv {
		action, purpose, limit = casus.ActExport, "access log (student) CSV", 1_000_000
	}
	err := s.accessLogStudent(ctx, a, action, purpose, "access_log", studentID,
		func(tx *storage.Tx, st casus.Student, _ casus.Access, _ *casus.AccessEntry) error {
			es, err := tx.AccessEntries(ctx, storage.AccessFilter{StudentID: st.ID, Limit: limit})
			page.Student, page.Entries = st, es
			return err
		})
	return page, err
}

// LogEntry is an access-log entry with the name of the student it is about.
type LogEntry struct {
	casus.AccessEntry
	StudentName string
}

// UserLog is what one account opened of the students in the reader's scope.
type UserLog struct {
	UserName, OrgName string
	Since             time.Time
	Entries           []LogEntry
}

// UserAccessLog reads what the account userID opened of the students of
// the actor's schools in the last AccessLogWindow; each student shown has
// the view in their own log.
func (s *Service) UserAccessLog(ctx context.Context, a Actor, userID string, csv bool) (UserLog, error) {
	var page UserLog
	action, purpose, limit := casus.ActRead, "access log (user)", 500
	if csv {
		action, purpose, limit = casus.ActExport, "access log (user) CSV", 1_000_000
	}
	err := s.accessLogScope(ctx, a, action, purpose, "access_log_user", userID, func(tx *storage.Tx, schools []string, acc casus.Access, _ *casus.AccessEntry) error {
		if !casus.ValidID(userID) {
			return casus.ErrNotFound
		}
		target, err := tx.User(ctx, userID)
		if err != nil {
			return err
		}
		page.UserName, page.OrgName = target.Name, target.OrgName
		page.Since = tx.Now().Add(-AccessLogWindow)
		es, err := tx.ScopedAccessEntries(ctx, storage.ScopedFilter{Schools: schools, UserID: userID, Since: page.Since, Limit: limit})
		if err != nil {
			return err
		}
		shown := map[string]bool{}
		for _, x := range es {
			page.Entries = append(page.Entries, LogEntry{AccessEntry: x.AccessEntry, StudentName: x.StudentName})
			if shown[x.StudentID] {
				continue
			}
			// The student's own log says that their name was seen here.
			shown[x.StudentID] = true
			se := s.entry(a, action, purpose)
			se.StudentID, se.ObjectKind, se.ObjectID = x.StudentID, "access_log", userID
			if err := logAccess(ctx, tx, se, acc); err != nil {
				return err
			}
		}
		return nil
	})
	return page, err
}

// LoggedUser is an account with entries in the reader's scope.
type LoggedUser = storage.LoggedUser

// LogOverview is the anomaly hints of the last AccessLogWindow and the
// accounts to open a per-user view of.
type LogOverview struct {
	Since     time.Time
	Anomalies []casus.Anomaly
	Users     []LoggedUser
	Threshold int
}

// AccessLogOverview reads the anomaly hints of the actor's schools; csv
// asks for them as an export.
func (s *Service) AccessLogOverview(ctx context.Context, a Actor, csv bool) (LogOverview, error) {
	action, purpose := casus.ActRead, "access log (anomalies)"
	if csv {
		action, purpose = casus.ActExport, "access log (anomalies) CSV"
	}
	var page LogOverview
	err := s.accessLogScope(ctx, a, action, purpose, "access_log_anomalies", "", func(tx *storage.Tx, schools []string, _ casus.Access, _ *casus.AccessEntry) error {
		page.Since, page.Threshold = tx.Now().Add(-AccessLogWindow), casus.ManyStudentsPerDay
		es, err := tx.ScopedAccessEntries(ctx, storage.ScopedFilter{Schools: schools, Since: page.Since, Limit: 100_000})
		if err != nil {
			return err
		}
		plain := make([]casus.AccessEntry, len(es))
		for i, x := range es {
			plain[i] = x.AccessEntry
		}
		page.Anomalies = casus.AccessAnomalies(plain)
		page.Users, err = tx.ScopedLogUsers(ctx, schools, page.Since)
		return err
	})
	return page, err
}

// FindStudentForLog finds a student of the actor's schools by student
// number and returns their id; none found is a validation error
// ("log.find.none").
func (s *Service) FindStudentForLog(ctx context.Context, a Actor, number string) (string, error) {
	var id string
	err := s.accessLogScope(ctx, a, casus.ActSearch, "access log (find student)", "student", "", func(tx *storage.Tx, schools []string, _ casus.Access, e *casus.AccessEntry) error {
		var err error
		id, err = tx.StudentByNumber(ctx, schools, strings.TrimSpace(number))
		if casus.ErrorCode(err) == casus.ENOTFOUND {
			return &casus.Error{Code: casus.EINVALID, Key: "log.find.none"}
		}
		// The lookup is in the found student's own log, even when their
		// log is then not opened.
		e.StudentID, e.ObjectID = id, id
		return err
	})
	return id, err
}
