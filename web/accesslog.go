package web

import (
	"bytes"
	"encoding/csv"
	"net/http"
	"strconv"
	"strings"
	"time"

	"casus"
	"casus/i18n"
	"casus/storage"
)

// The access-log views: per student, per user, and the anomaly hints, each
// with a CSV export. Readers are the zorgcoördinator (for the schools their
// teams serve) and the privacy officer (for their school). Every view of
// the log is itself logged, per student it shows.

// logWindow is how far back the overview and per-user views look.
const logWindow = 30 * 24 * time.Hour

// logRow is one access-log line as the views and the CSV show it.
type logRow struct {
	At          time.Time
	UserID      string
	UserName    string
	Role        string
	OrgName     string
	Relation    string
	StudentID   string
	StudentName string
	What        string
	ObjectID    string
	Action      string
	Purpose     string
	Processing  string // the purpose of processing, translated
	Basis       string // translated
	BasisRef    string // the consent decision(s) or exception
	ClientAddr  string
	Workstation string // the class of browser and system
	Outcome     string
	Denied      bool
	OffHours    bool
}

func logRowOf(l *i18n.Localizer, e casus.AccessEntry, studentName string) logRow {
	// Every object kind with a text of its own is shown in words; an
	// unknown one as stored.
	what := e.ObjectKind
	if t := l.T("log.object." + what); what != "" && t != "log.object."+what {
		what = t
	}
	role := string(e.Role)
	if role != "" {
		role = l.T("role." + role)
	}
	return logRow{At: e.At, UserID: e.UserID, UserName: e.UserName, Role: role, OrgName: e.OrgName,
		Relation: l.T("relation." + string(e.Relation)), StudentID: e.StudentID, StudentName: studentName, What: what,
		ObjectID: e.ObjectID, Action: l.T("log.action." + string(e.Action)), Purpose: e.Purpose,
		Processing: coded(l, "log.processing.", string(e.Processing)), Basis: coded(l, "log.basis.", string(e.Basis)),
		BasisRef: e.BasisRef, ClientAddr: e.ClientAddr, Workstation: e.UserAgent,
		Outcome: l.T("log.outcome." + string(e.Outcome)), Denied: e.Outcome == casus.OutcomeDenied,
		OffHours: !casus.WorkingHours(e.At)}
}

// coded translates a coded value; entries from before a field existed have
// none and show empty.
func coded(l *i18n.Localizer, prefix, v string) string {
	if v == "" {
		return ""
	}
	return l.T(prefix + v)
}

// writeLogCSV sends rows as a Dutch spreadsheet: UTF-8 with a BOM, ';'.
func writeLogCSV(w http.ResponseWriter, l *i18n.Localizer, filename string, withStudent bool, rows []logRow) {
	var buf bytes.Buffer
	buf.WriteString("\ufeff")
	cw := csv.NewWriter(&buf)
	cw.Comma = ';'
	head := []string{l.T("log.col.at"), l.T("log.col.user"), l.T("log.col.role"), l.T("log.col.org"), l.T("log.col.relation")}
	if withStudent {
		head = append(head, l.T("log.col.student"))
	}
	head = append(head, l.T("log.col.what"), l.T("log.col.object"), l.T("log.col.action"), l.T("log.col.purpose"),
		l.T("log.col.processing"), l.T("log.col.basis"), l.T("log.col.basis_ref"), l.T("log.col.client_addr"),
		l.T("log.col.workstation"), l.T("log.col.outcome"))
	cw.Write(head)
	for _, r := range rows {
		line := []string{r.At.In(casus.Amsterdam).Format("2006-01-02 15:04:05"), r.UserName, r.Role, r.OrgName, r.Relation}
		if withStudent {
			line = append(line, r.StudentName)
		}
		line = append(line, r.What, r.ObjectID, r.Action, r.Purpose, r.Processing, r.Basis, r.BasisRef, r.ClientAddr,
			r.Workstation, r.Outcome)
		cw.Write(line)
	}
	cw.Flush()
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="`+filename+`"`)
	w.Write(buf.Bytes())
}

// privacyStudentTx runs fn for a student whose log or export the user may
// read (casus.CanReadAccessLog), and logs the access: granted when fn
// succeeds, a refusal when fn refuses bad input, a denial (shown as not
// found) when the policy says no.
func (s *Server) privacyStudentTx(r *http.Request, action casus.AccessAction, purpose, objectKind string,
	fn func(tx *storage.Tx, st casus.Student, a casus.Access, e *casus.AccessEntry) error) error {
	ctx := r.Context()
	u := *state(r).user
	id := r.PathValue("id")
	return s.updateLogged(ctx, func(tx *storage.Tx) error {
		e := s.accessEntry(r, action, purpose)
		e.ObjectKind, e.ObjectID = objectKind, truncate(id, 64)
		if !casus.ValidID(id) {
			return logDenied(ctx, tx, e, casus.ErrNotFound)
		}
		st, rel, err := tx.StudentFor(ctx, u.ID, id)
		if err != nil && casus.ErrorCode(err) != casus.ENOTFOUND {
			return err
		}
		if rel.Exists {
			e.StudentID = st.ID
		}
		a := casus.CanReadAccessLog(u, rel, st.SchoolID)
		if !a.Allowed {
			return logDenied(ctx, tx, e, casus.ErrNotFound)
		}
		if err := fn(tx, st, a, e); err != nil {
			return refused(ctx, tx, e, a, err)
		}
		return logAccess(ctx, tx, e, a)
	})
}

type studentLogPage struct {
	Student   casus.Student
	Rows      []logRow
	Limit     int
	CanExport bool
}

// studentLogLimit bounds the entries on the page; the CSV has them all.
const studentLogLimit = 500

func (s *Server) studentLog(r *http.Request, csv bool) (studentLogPage, error) {
	var page studentLogPage
	l := state(r).l
	action, purpose, limit := casus.ActRead, "access log (student)", studentLogLimit
	if csv {
		action, purpose, limit = casus.ActExport, "access log (student) CSV", 1_000_000
	}
	err := s.privacyStudentTx(r, action, purpose, "access_log", func(tx *storage.Tx, st casus.Student, a casus.Access, e *casus.AccessEntry) error {
		es, err := tx.AccessEntries(r.Context(), storage.AccessFilter{StudentID: st.ID, Limit: limit})
		if err != nil {
			return err
		}
		page.Student, page.Limit, page.CanExport = st, studentLogLimit, true
		for _, x := range es {
			page.Rows = append(page.Rows, logRowOf(l, x, ""))
		}
		return nil
	})
	return page, err
}

// handleStudentLog shows who saw or changed what of the student, when, in
// which role and on what grounds.
func (s *Server) handleStudentLog(w http.ResponseWriter, r *http.Request) {
	page, err := s.studentLog(r, false)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "log_student", s.newView(r, "log.student.title", page))
}

func (s *Server) handleStudentLogCSV(w http.ResponseWriter, r *http.Request) {
	page, err := s.studentLog(r, true)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	writeLogCSV(w, state(r).l, "toegangslog-leerling.csv", false, page.Rows)
}

// privacyScopeTx runs fn with the schools whose log the user reads, and
// logs the view (kind, object) without a student; fn logs each student it
// shows. A user whose roles read no logs is refused (403), and that
// refusal is logged too.
func (s *Server) privacyScopeTx(r *http.Request, action casus.AccessAction, purpose, objectKind, objectID string,
	fn func(tx *storage.Tx, schools []string, a casus.Access, e *casus.AccessEntry) error) error {
	ctx := r.Context()
	u := *state(r).user
	return s.updateLogged(ctx, func(tx *storage.Tx) error {
		e := s.accessEntry(r, action, purpose)
		e.ObjectKind, e.ObjectID = objectKind, truncate(objectID, 64)
		if !casus.ReadsAccessLogs(u) {
			return logDenied(ctx, tx, e, &casus.Error{Code: casus.EFORBIDDEN, Key: "error.forbidden"})
		}
		a := casus.Access{Allowed: true, Relation: casus.RelPrivacyOfficer}
		if u.HasRole(casus.RoleCoordinator) {
			a.Relation = casus.RelCoordinator
		}
		schools, err := tx.AccessLogSchools(ctx, u)
		if err != nil {
			return err
		}
		if err := fn(tx, schools, a, e); err != nil {
			return refused(ctx, tx, e, a, err)
		}
		return logAccess(ctx, tx, e, a)
	})
}

type userLogPage struct {
	UserID   string
	UserName string
	OrgName  string
	Rows     []logRow
	Since    time.Time
}

func (s *Server) userLog(r *http.Request, csv bool) (userLogPage, error) {
	ctx := r.Context()
	l := state(r).l
	id := r.PathValue("id")
	page := userLogPage{UserID: id}
	action, purpose, limit := casus.ActRead, "access log (user)", 500
	if csv {
		action, purpose, limit = casus.ActExport, "access log (user) CSV", 1_000_000
	}
	err := s.privacyScopeTx(r, action, purpose, "access_log_user", id, func(tx *storage.Tx, schools []string, a casus.Access, _ *casus.AccessEntry) error {
		if !casus.ValidID(id) {
			return casus.ErrNotFound
		}
		target, err := tx.User(ctx, id)
		if err != nil {
			return err
		}
		page.UserName, page.OrgName = target.Name, target.OrgName
		page.Since = tx.Now().Add(-logWindow)
		es, err := tx.ScopedAccessEntries(ctx, storage.ScopedFilter{Schools: schools, UserID: id, Since: page.Since, Limit: limit})
		if err != nil {
			return err
		}
		shown := map[string]bool{}
		for _, x := range es {
			page.Rows = append(page.Rows, logRowOf(l, x.AccessEntry, x.StudentName))
			if shown[x.StudentID] {
				continue
			}
			// The student's own log says that their name was seen here.
			shown[x.StudentID] = true
			se := s.accessEntry(r, action, purpose)
			se.StudentID, se.ObjectKind, se.ObjectID = x.StudentID, "access_log", id
			if err := logAccess(ctx, tx, se, a); err != nil {
				return err
			}
		}
		return nil
	})
	return page, err
}

// handleUserLog shows what one account opened of the students in the
// reader's scope.
func (s *Server) handleUserLog(w http.ResponseWriter, r *http.Request) {
	page, err := s.userLog(r, false)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "log_user", s.newView(r, "log.user.title", page))
}

func (s *Server) handleUserLogCSV(w http.ResponseWriter, r *http.Request) {
	page, err := s.userLog(r, true)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	writeLogCSV(w, state(r).l, "toegangslog-gebruiker.csv", true, page.Rows)
}

type logOverviewPage struct {
	Since     time.Time
	Anomalies []casus.Anomaly
	Users     []storage.LoggedUser
	Threshold int
}

func (s *Server) logOverview(r *http.Request, action casus.AccessAction, purpose string) (logOverviewPage, error) {
	ctx := r.Context()
	var page logOverviewPage
	err := s.privacyScopeTx(r, action, purpose, "access_log_anomalies", "", func(tx *storage.Tx, schools []string, a casus.Access, _ *casus.AccessEntry) error {
		page.Since, page.Threshold = tx.Now().Add(-logWindow), casus.ManyStudentsPerDay
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

// handleLogOverview shows the anomaly hints of the last thirty days, the
// accounts to open a per-user view of, and a lookup by student number.
func (s *Server) handleLogOverview(w http.ResponseWriter, r *http.Request) {
	page, err := s.logOverview(r, casus.ActRead, "access log (anomalies)")
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "log", s.newView(r, "log.title", page))
}

func (s *Server) handleLogAnomaliesCSV(w http.ResponseWriter, r *http.Request) {
	page, err := s.logOverview(r, casus.ActExport, "access log (anomalies) CSV")
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	l := state(r).l
	var buf bytes.Buffer
	buf.WriteString("\ufeff")
	cw := csv.NewWriter(&buf)
	cw.Comma = ';'
	cw.Write([]string{l.T("log.col.hint"), l.T("log.col.user"), l.T("log.col.role"), l.T("log.col.entries"),
		l.T("log.col.students"), l.T("log.col.first"), l.T("log.col.last")})
	for _, a := range page.Anomalies {
		cw.Write([]string{l.T("log.anomaly." + string(a.Kind)), a.UserName, l.T("role." + string(a.Role)), strconv.Itoa(a.Entries),
			strconv.Itoa(a.Students), a.First.In(casus.Amsterdam).Format("2006-01-02 15:04"), a.Last.In(casus.Amsterdam).Format("2006-01-02 15:04")})
	}
	cw.Flush()
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="toegangslog-signalen.csv"`)
	w.Write(buf.Bytes())
}

// handleLogFind finds a student of the reader's schools by student number
// (the number travels in the body, never the URL) and opens their log.
func (s *Server) handleLogFind(w http.ResponseWriter, r *http.Request) {
	f, err := parseForm(w, r)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	number := f.text("number", textRule{required: true, max: 20})
	if f.Errs != nil {
		page, err := s.logOverview(r, casus.ActRead, "access log (anomalies)")
		if err != nil {
			s.renderError(w, r, err)
			return
		}
		v := s.newView(r, "log.title", page)
		v.Form = f
		s.render(w, r, http.StatusBadRequest, "log", v)
		return
	}
	var id string
	err = s.privacyScopeTx(r, casus.ActSearch, "access log (find student)", "student", "", func(tx *storage.Tx, schools []string, a casus.Access, e *casus.AccessEntry) error {
		var err error
		id, err = tx.StudentByNumber(r.Context(), schools, strings.TrimSpace(number))
		if casus.ErrorCode(err) == casus.ENOTFOUND {
			return &casus.Error{Code: casus.EINVALID, Key: "log.find.none"}
		}
		// The lookup is in the found student's own log, even when their
		// log is then not opened.
		e.StudentID, e.ObjectID = id, id
		return err
	})
	if err != nil {
		if casus.ErrorCode(err) == casus.EINVALID {
			f.fail("number", "log.find.none", nil)
			page, perr := s.logOverview(r, casus.ActRead, "access log (anomalies)")
			if perr != nil {
				s.renderError(w, r, perr)
				return
			}
			v := s.newView(r, "log.title", page)
			v.Form = f
			s.render(w, r, http.StatusBadRequest, "log", v)
			return
		}
		s.renderError(w, r, err)
		return
	}
	http.Redirect(w, r, "/students/"+id+"/log", http.StatusSeeOther)
}
