package web

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strings"
	"time"

	"casus"
	"casus/app"
	"casus/i18n"
	"casus/pdf"
)

// The right of access (AVG art. 15): one action produces everything Casus
// holds about a student, as a PDF to read (Dutch) and JSON for machines,
// with the partners who saw it and the retention date. Records a partner
// may not disclose can be withheld with a recorded reason; the export then
// says that something was withheld and why.

// withholdable reports whether records of the table can be withheld; the
// student's own data and the access log cannot.
func withholdable(table string) bool {
	return table != "students" && table != "access_log" && table != "messages"
}

// textColumns are the columns that best say what a record is, in order.
var textColumns = []string{"body", "record", "text", "description", "reason", "note", "called", "agreed", "achieved",
	"experience", "withdrawn_reason", "reason_not", "giver_name", "name", "question_student", "status", "kind"}

// recordSummary is a short line naming a record, for choosing one.
func recordSummary(r app.ExportRecord) string {
	for _, c := range textColumns {
		if v := strings.TrimSpace(r.Field(c)); v != "" {
			v = strings.Join(strings.Fields(v), " ")
			if len([]rune(v)) > 70 {
				v = string([]rune(v)[:70]) + "…"
			}
			return v
		}
	}
	return r.Key
}

type exportChoice struct{ Value, Label string }

type exportSummary struct {
	Table, Title string
	Count        int
}

type exportPage struct {
	Student    casus.Student
	Sections   []exportSummary
	Withheld   []withheldItem
	Recipients []app.Recipient
	Retention  time.Time
	Months     int // the school's rule, for its text
	Choices    []exportChoice
	Meldcode   bool // the file holds a meldcode that is not withheld: warn before sharing
	Requests   []casus.AccessRequest
	RequestID  string // the request the page shows the export of, for the withhold form
}

// withheldItem is a withheld part as the page names it: the coordinator
// reads what it is; everyone else reads it as the export names it, so a
// withheld meldcode is "a part of the file" to the privacy officer too.
type withheldItem struct {
	app.Withholding
	Kind string
}

// exportPageOf lays out the export v for the page, in l's language.
func exportPageOf(l *i18n.Localizer, v app.ExportView) exportPage {
	x := v.Export
	page := exportPage{Student: v.Student, Recipients: x.Recipients, Months: x.Retention.Months, RequestID: v.RequestID, Requests: v.Requests}
	for _, w := range x.Withheld {
		kind := pdf.DisclosedKind(l, w.Table)
		if v.Coordinator {
			kind = l.T("export.table." + w.Table)
		}
		page.Withheld = append(page.Withheld, withheldItem{Withholding: w, Kind: kind})
	}
	if until := x.Retention.Due(); until != nil {
		page.Retention = *until
	}
	for _, sec := range x.Sections {
		title := l.T("export.table." + sec.Table)
		if pdf.Quiet(sec) {
			continue // as the export leaves it out
		}
		page.Sections = append(page.Sections, exportSummary{Table: sec.Table, Title: title, Count: len(sec.Records)})
		page.Meldcode = page.Meldcode || sec.Table == "meldcodes" && len(sec.Records) > 0
		if !withholdable(sec.Table) {
			continue
		}
		for _, rec := range sec.Records {
			page.Choices = append(page.Choices, exportChoice{Value: sec.Table + "|" + rec.Key, Label: title + ": " + recordSummary(rec)})
		}
	}
	return page
}

// handleExport shows what the export holds, who received data, the
// retention date and what is withheld, with the downloads and the form to
// withhold a record.
func (s *Server) handleExport(w http.ResponseWriter, r *http.Request) {
	ev, err := s.app.ExportPage(r.Context(), s.actor(r), r.PathValue("id"))
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	v := s.newView(r, "export.title", exportPageOf(state(r).l, ev))
	if r.URL.Query().Get("saved") == "withheld" {
		v.Notice = "export.withheld_saved"
	}
	s.render(w, r, http.StatusOK, "export", v)
}

// handleExportWithhold records that a record is withheld from the export,
// with the reason (app.WithholdFromExport); from a request's page, the
// answer returns there.
func (s *Server) handleExportWithhold(w http.ResponseWriter, r *http.Request) {
	f, err := parseForm(w, r)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	record := f.text("record", textRule{required: true, max: 200})
	in := app.ExportWithholding{Reason: f.text("reason", textRule{required: true, max: 1000})}
	table, key, okSplit := strings.Cut(record, "|")
	if record != "" && (!okSplit || !withholdable(table)) {
		f.fail("record", "export.withhold.bad_record", nil)
	}
	in.Table, in.Key, in.RequestID = table, key, f.text("request", textRule{max: 64})
	ev, rv, err := s.app.WithholdFromExport(r.Context(), s.actor(r), r.PathValue("id"), in, f.Errs)
	if _, ok := validationErrors(err); ok && f.Errs != nil {
		if rv != nil {
			v := s.newView(r, "access.title", accessRequestPageOf(state(r).l, *rv))
			v.Form = f
			s.render(w, r, http.StatusBadRequest, "access_request", v)
			return
		}
		v := s.newView(r, "export.title", exportPageOf(state(r).l, ev))
		v.Form = f
		s.render(w, r, http.StatusBadRequest, "export", v)
		return
	}
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	if in.RequestID != "" {
		http.Redirect(w, r, "/students/"+r.PathValue("id")+"/access-requests/"+in.RequestID+"?saved=withheld", http.StatusSeeOther)
		return
	}
	http.Redirect(w, r, "/students/"+r.PathValue("id")+"/export?saved=withheld", http.StatusSeeOther)
}

// exportJSON is the machine-readable export.
type exportJSON struct {
	Kind           string             `json:"kind"`
	GeneratedAt    time.Time          `json:"generated_at"`
	StudentID      string             `json:"student_id"`
	RetentionUntil *string            `json:"retention_until"`
	RetentionRule  string             `json:"retention_rule"`
	Recipients     []recipientJSON    `json:"recipients"`
	Request        *requestJSON       `json:"request"`
	Withheld       []withheldJSON     `json:"withheld"`
	Sections       []exportSectionOut `json:"sections"`
	People         map[string]string  `json:"people"`
}

type recipientJSON struct {
	Name         string    `json:"name"`
	Organisation string    `json:"organisation"`
	Role         string    `json:"role"`
	Accesses     int       `json:"accesses"`
	First        time.Time `json:"first"`
	Last         time.Time `json:"last"`
}

type withheldJSON struct {
	Table    string    `json:"table"`
	Title    string    `json:"title"`
	Reason   string    `json:"reason"`
	At       time.Time `json:"at"`
	ByReview bool      `json:"by_review"` // kept back in the review of the request, not one record withheld
}

// requestJSON names the request the export answers.
type requestJSON struct {
	ID            string    `json:"id"`
	Requester     string    `json:"requester"`
	RequesterName string    `json:"requester_name"`
	Relation      string    `json:"relation,omitempty"`
	ReceivedOn    string    `json:"received_on"`
	Identity      string    `json:"identity_check"`
	IdentityTitle string    `json:"identity_check_title"`
	IdentityNote  string    `json:"identity_note,omitempty"`
	RegisteredBy  string    `json:"registered_by"`
	RegisteredAt  time.Time `json:"registered_at"`
	ReviewedBy    string    `json:"reviewed_by"`
	ReviewedAt    time.Time `json:"reviewed_at"`
}

type exportSectionOut struct {
	Table   string           `json:"table"`
	Title   string           `json:"title"`
	Records []map[string]any `json:"records"`
}

func buildExportJSON(l *i18n.Localizer, x *app.StudentExport) exportJSON {
	out := exportJSON{Kind: "casus-avg-art15-export", GeneratedAt: x.GeneratedAt, StudentID: x.StudentID,
		RetentionRule: l.T("export.retention_rule", map[string]any{"Months": x.Retention.Months}),
		Recipients:    []recipientJSON{}, Withheld: []withheldJSON{}, People: map[string]string{}}
	if until := x.Retention.Due(); until != nil {
		d := until.Format(time.DateOnly)
		out.RetentionUntil = &d
	}
	for _, rc := range x.Recipients {
		out.Recipients = append(out.Recipients, recipientJSON{Name: rc.UserName, Organisation: rc.OrgName, Role: string(rc.Role),
			Accesses: rc.Accesses, First: rc.First, Last: rc.Last})
	}
	if q := x.Request; q != nil {
		out.Request = &requestJSON{ID: q.ID, Requester: string(q.Requester), RequesterName: q.RequesterName,
			Relation: q.RequesterRelation, ReceivedOn: q.ReceivedOn.Format(time.DateOnly), Identity: string(q.Identity),
			IdentityTitle: l.T("access.identity." + string(q.Identity)), IdentityNote: q.IdentityNote,
			RegisteredBy: q.RecordedName, RegisteredAt: q.RecordedAt, ReviewedBy: q.ReviewedName, ReviewedAt: q.ReviewedAt}
	}
	for _, w := range x.Withheld {
		out.Withheld = append(out.Withheld, withheldJSON{Table: pdf.DisclosedTable(w.Table), Title: pdf.DisclosedKind(l, w.Table),
			Reason: pdf.WithheldReason(l, w), At: w.CreatedAt, ByReview: w.Review})
	}
	used := map[string]bool{}
	for _, sec := range x.Sections {
		if pdf.Quiet(sec) {
			continue
		}
		so := exportSectionOut{Table: sec.Table, Title: l.T("export.table." + sec.Table), Records: []map[string]any{}}
		for _, rec := range sec.Records {
			m := map[string]any{}
			for _, f := range rec.Fields {
				m[f.Name] = pdf.JSONValue(f.Value)
				if app.ExportBooleans[sec.Table+"."+f.Name] && (f.Value == "true" || f.Value == "false") {
					m[f.Name] = f.Value == "true"
				}
				if _, ok := x.People[f.Value]; ok {
					used[f.Value] = true
				}
			}
			so.Records = append(so.Records, m)
		}
		out.Sections = append(out.Sections, so)
	}
	for id := range used {
		out.People[id] = x.People[id]
	}
	return out
}

// handleExportWithoutRequest answers the student's old download addresses:
// never the data, always what to do instead. The attempt is in the log.
func (s *Server) handleExportWithoutRequest(w http.ResponseWriter, r *http.Request) {
	s.renderError(w, r, s.app.ExportWithoutRequest(r.Context(), s.actor(r), r.PathValue("id")))
}

func (s *Server) handleExportJSON(w http.ResponseWriter, r *http.Request) {
	ev, err := s.app.Export(r.Context(), s.actor(r), r.PathValue("id"), r.PathValue("request"), "JSON")
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	b, err := json.MarshalIndent(buildExportJSON(state(r).l, ev.Export), "", "  ")
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	// No name in the file name: downloads folders and mail subjects leak.
	w.Header().Set("Content-Disposition", `attachment; filename="inzage-leerling.json"`)
	w.Write(b)
}

func (s *Server) handleExportPDF(w http.ResponseWriter, r *http.Request) {
	a := s.actor(r)
	ev, err := s.app.Export(r.Context(), a, r.PathValue("id"), r.PathValue("request"), "PDF")
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	s.sendPDF(w, r, "inzage-leerling.pdf", func(buf *bytes.Buffer) error {
		return pdf.Export(buf, state(r).l, ev.Export, ev.Student, a.User.Name)
	})
}
