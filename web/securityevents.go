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
	"casus/storage"
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
// until: no personal data) and the events it selects. It refuses anyone but
// the privacy officer (casus.CanReadSecurityEvents).
func (s *Server) securityEvents(r *http.Request, limit int) (*view, int, error) {
	u := *state(r).user
	if !casus.CanReadSecurityEvents(u) {
		return nil, 0, &casus.Error{Code: casus.EFORBIDDEN, Key: "error.forbidden"}
	}
	f := queryForm(r)
	filter := storage.SecurityFilter{Limit: limit}
	filter.Kind = casus.SecurityEventKind(f.choice("kind", false, stringsOf(casus.SecurityEventKinds)...))
	from := f.day("from", false, time.Time{}, "")
	until := f.day("until", false, from, "security.until_before_from")
	page := securityEventsPage{Kinds: casus.SecurityEventKinds}
	err := s.db.View(r.Context(), func(tx *storage.Tx) error {
		var err error
		if page.Users, err = tx.Users(r.Context()); err != nil {
			return err
		}
		ids := make([]string, len(page.Users))
		for i, x := range page.Users {
			ids[i] = x.ID
		}
		filter.UserID = f.choice("account", false, ids...)
		if f.Errs != nil {
			return nil
		}
		if !from.IsZero() {
			filter.From = amsterdamDay(from)
		}
		if !until.IsZero() {
			filter.Until = amsterdamDay(until.AddDate(0, 0, 1))
		}
		page.Events, err = tx.SecurityEvents(r.Context(), filter)
		return err
	})
	if err != nil {
		return nil, 0, err
	}
	v := s.newView(r, "security.title", &page)
	v.Form = f
	status := http.StatusOK
	if f.Errs != nil {
		status = http.StatusBadRequest
		page.Events = nil
	} else {
		keep := url.Values{}
		for _, k := range []string{"kind", "account", "from", "until"} {
			if f.Values.Get(k) != "" {
				keep.Set(k, f.Values.Get(k))
			}
		}
		page.CSVQuery = keep.Encode()
	}
	return v, status, nil
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

// amsterdamDay is the start of the day d (a date at UTC midnight) in Dutch
// time, where the filter's days are meant.
func amsterdamDay(d time.Time) time.Time {
	return time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, casus.Amsterdam)
}

// csvSafe keeps a typed value (a failed login's name) from being read as a
// formula by a spreadsheet.
func csvSafe(v string) string {
	if v != "" && strings.ContainsRune("=+-@\t\r", rune(v[0])) {
		return "'" + v
	}
	return v
}
