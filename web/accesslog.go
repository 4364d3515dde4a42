package web

import (
	"bytes"
	"encoding/csv"
	"net/http"
	"strconv"
	"time"

	"casus"
	"casus/app"
	"casus/i18n"
)

// The access-log views: per student, per user, and the anomaly hints, each
// with a CSV export. Readers are the zorgcoördinator (for the schools their
// teams serve) and the privacy officer (for their school). Every view of
// the log is itself logged, per student it shows.

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

type studentLogPage struct {
	Student   casus.Student
	Rows      []logRow
	Limit     int
	CanExport bool
}

func (s *Server) studentLog(r *http.Request, csv bool) (studentLogPage, error) {
	l := state(r).l
	log, err := s.app.StudentAccessLog(r.Context(), s.actor(r), r.PathValue("id"), csv)
	if err != nil {
		return studentLogPage{}, err
	}
	page := studentLogPage{Student: log.Student, Limit: app.StudentLogLimit, CanExport: true}
	for _, x := range log.Entries {
		page.Rows = append(page.Rows, logRowOf(l, x, ""))
	}
	return page, nil
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

type userLogPage struct {
	UserID   string
	UserName string
	OrgName  string
	Rows     []logRow
	Since    time.Time
}

func (s *Server) userLog(r *http.Request, csv bool) (userLogPage, error) {
	l := state(r).l
	id := r.PathValue("id")
	log, err := s.app.UserAccessLog(r.Context(), s.actor(r), id, csv)
	if err != nil {
		return userLogPage{UserID: id}, err
	}
	page := userLogPage{UserID: id, UserName: log.UserName, OrgName: log.OrgName, Since: log.Since}
	for _, x := range log.Entries {
		page.Rows = append(page.Rows, logRowOf(l, x.AccessEntry, x.StudentName))
	}
	return page, nil
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

type logOverviewPage = app.LogOverview

func (s *Server) logOverview(r *http.Request, csv bool) (logOverviewPage, error) {
	return s.app.AccessLogOverview(r.Context(), s.actor(r), csv)
}

// handleLogOverview shows the anomaly hints of the last thirty days, the
// accounts to open a per-user view of, and a lookup by student number.
func (s *Server) handleLogOverview(w http.ResponseWriter, r *http.Request) {
	page, err := s.logOverview(r, false)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "log", s.newView(r, "log.title", page))
}

func (s *Server) handleLogAnomaliesCSV(w http.ResponseWriter, r *http.Request) {
	page, err := s.logOverview(r, true)
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
		page, err := s.logOverview(r, false)
		if err != nil {
			s.renderError(w, r, err)
			return
		}
		v := s.newView(r, "log.title", page)
		v.Form = f
		s.render(w, r, http.StatusBadRequest, "log", v)
		return
	}
	id, err := s.app.FindStudentForLog(r.Context(), s.actor(r), number)
	if err != nil {
		if casus.ErrorCode(err) == casus.EINVALID {
			f.fail("number", "log.find.none", nil)
			page, perr := s.logOverview(r, false)
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
