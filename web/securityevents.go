package web

import (
	"bytes"
	"encoding/csv"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"casus"
	"casus/app"
)

// securityEventsShown bounds the page; the CSV holds more.
const (
	securityEventsShown = 200
	securityEventsCSV   = 10000
)

// securityEventsPage is the data of the security-event log.
type securityEventsPage struct {
	Kinds    []casus.SecurityEventKind
	Users    []casus.User
	Events   []casus.SecurityEvent
	CSVQuery string // the filter, for the download link
}

// securityEvents reads the filter from the query (kind, account, from,
// until: no personal data) and the events it selects. The use case refuses
// anyone but the privacy officer (casus.CanReadSecurityEvents).
func (s *Server) securityEvents(r *http.Request, limit int) (*view, int, error) {
	users, err := s.app.SecurityEventAccounts(r.Context(), s.actor(r))
	if err != nil {
		return nil, 0, err
	}
	f := queryForm(r)
	q := app.SecurityEventQuery{Limit: limit}
	q.Kind = casus.SecurityEventKind(f.choice("kind", false, stringsOf(casus.SecurityEventKinds)...))
	q.First = f.day("from", false, time.Time{}, "")
	q.Last = f.day("until", false, q.First, "security.until_before_from")
	ids := make([]string, len(users))
	for i, x := range users {
		ids[i] = x.ID
	}
	q.UserID = f.choice("account", false, ids...)
	page := securityEventsPage{Kinds: casus.SecurityEventKinds, Users: users}
	v := s.newView(r, "security.title", &page)
	v.Form = f
	if f.Errs != nil {
		return v, http.StatusBadRequest, nil
	}
	if page.Events, err = s.app.SecurityEvents(r.Context(), s.actor(r), q); err != nil {
		return nil, 0, err
	}
	keep := url.Values{}
	for _, k := range []string{"kind", "account", "from", "until"} {
		if f.Values.Get(k) != "" {
			keep.Set(k, f.Values.Get(k))
		}
	}
	page.CSVQuery = keep.Encode()
	return v, http.StatusOK, nil
}

// handleSecurityEvents shows the security-event log to the privacy officer,
// filtered by kind, account and period. It names staff, never a student, so
// reading it is not in the access log.
func (s *Server) handleSecurityEvents(w http.ResponseWriter, r *http.Request) {
	v, status, err := s.securityEvents(r, securityEventsShown)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	s.render(w, r, status, "security_events", v)
}

// handleSecurityEventsCSV downloads the filtered security-event log, in the
// Dutch CSV dialect of the other downloads (UTF-8 with BOM, semicolons).
func (s *Server) handleSecurityEventsCSV(w http.ResponseWriter, r *http.Request) {
	v, status, err := s.securityEvents(r, securityEventsCSV)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	if status != http.StatusOK {
		s.render(w, r, status, "security_events", v)
		return
	}
	l := state(r).l
	var buf bytes.Buffer
	buf.WriteString("\ufeff")
	cw := csv.NewWriter(&buf)
	cw.Comma = ';'
	cw.Write([]string{l.T("security.col.seq"), l.T("security.col.at"), l.T("security.col.kind"), l.T("security.col.actor"),
		l.T("security.col.target"), l.T("security.col.detail"), l.T("security.col.addr"), l.T("security.col.client")})
	for _, e := range v.Data.(*securityEventsPage).Events {
		cw.Write([]string{strconv.FormatInt(e.Seq, 10), e.At.In(casus.Amsterdam).Format("2006-01-02 15:04:05"), l.T("security.kind." + string(e.Kind)),
			csvSafe(e.ActorName), csvSafe(e.TargetName), csvSafe(e.Detail), e.ClientAddr, csvSafe(e.UserAgent)})
	}
	cw.Flush()
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="beveiligingslog.csv"`)
	w.Write(buf.Bytes())
}

// csvSafe keeps a typed value (a failed login's name) from being read as a
// formula by a spreadsheet.
func csvSafe(v string) string {
	if v != "" && strings.ContainsRune("=+-@\t\r", rune(v[0])) {
		return "'" + v
	}
	return v
}
