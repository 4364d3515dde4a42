package web

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"sort"
	"strings"
	"time"

	"casus"
	"casus/i18n"
	"casus/storage"
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

// disclosedKind is the kind of a withheld record as the export names it:
// that a meldcode was withheld would itself tell the family a meldcode
// exists, so its parts are named as "a part of the file".
func disclosedKind(l *i18n.Localizer, table string) string {
	return l.T("export.table." + disclosedTable(table))
}

// quiet reports whether the export leaves a section out: an empty meldcode
// section in every export would only alarm, and when the meldcode is
// withheld its absence must look like any other file's.
func quiet(sec storage.ExportSection) bool {
	return strings.HasPrefix(sec.Table, "meldcode") && len(sec.Records) == 0
}

func disclosedTable(table string) string {
	if strings.HasPrefix(table, "meldcode") {
		return "file"
	}
	return table
}

// textColumns are the columns that best say what a record is, in order.
var textColumns = []string{"body", "record", "text", "description", "reason", "note", "called", "agreed", "achieved",
	"experience", "withdrawn_reason", "reason_not", "giver_name", "name", "question_student", "status", "kind"}

// recordSummary is a short line naming a record, for choosing one.
func recordSummary(r storage.ExportRecord) string {
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
	Recipients []storage.Recipient
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
	storage.Withholding
	Kind string
}

// loadExport reads the export within the scope inside the transaction and
// fills the page; req is the request it answers, if any.
func loadExport(r *http.Request, tx *storage.Tx, st casus.Student, scope casus.ExportScope, req *casus.AccessRequest) (*storage.StudentExport, exportPage, error) {
	l := state(r).l
	x, err := tx.StudentExport(r.Context(), st.ID, scope, req)
	if err != nil {
		return nil, exportPage{}, err
	}
	page := exportPage{Student: st, Recipients: x.Recipients, Months: x.Retention.Months}
	if req != nil {
		page.RequestID = req.ID
	}
	_, rel, err := tx.StudentFor(r.Context(), state(r).user.ID, st.ID)
	if err != nil {
		return nil, page, err
	}
	coordinator := casus.CanReviewAccessRequest(*state(r).user, rel).Allowed
	for _, w := range x.Withheld {
		kind := disclosedKind(l, w.Table)
		if coordinator {
			kind = l.T("export.table." + w.Table)
		}
		page.Withheld = append(page.Withheld, withheldItem{Withholding: w, Kind: kind})
	}
	if until := x.Retention.Due(); until != nil {
		page.Retention = *until
	}
	for _, sec := range x.Sections {
		title := l.T("export.table." + sec.Table)
		if quiet(sec) {
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
	return x, page, nil
}

// handleExport shows what the export holds, who received data, the
// retention date and what is withheld, with the downloads and the form to
// withhold a record.
func (s *Server) handleExport(w http.ResponseWriter, r *http.Request) {
	var page exportPage
	err := s.privacyStudentTx(r, casus.ActRead, "export page", "export", func(tx *storage.Tx, st casus.Student, a casus.Access, e *casus.AccessEntry) error {
		var err error
		if _, page, err = loadExport(r, tx, st, casus.ExportScope{}, nil); err != nil {
			return err
		}
		page.Requests, err = tx.AccessRequests(r.Context(), st.ID)
		return err
	})
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	v := s.newView(r, "export.title", page)
	if r.URL.Query().Get("saved") == "withheld" {
		v.Notice = "export.withheld_saved"
	}
	s.render(w, r, http.StatusOK, "export", v)
}

// handleExportWithhold records that a record is withheld from the export,
// with the reason (e.g. the police may not disclose it).
func (s *Server) handleExportWithhold(w http.ResponseWriter, r *http.Request) {
	f, err := parseForm(w, r)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	record := f.text("record", textRule{required: true, max: 200})
	reason := f.text("reason", textRule{required: true, max: 1000})
	table, key, okSplit := strings.Cut(record, "|")
	if record != "" && (!okSplit || !withholdable(table)) {
		f.fail("record", "export.withhold.bad_record", nil)
	}
	// From a request's page, the answer returns there.
	reqID := f.text("request", textRule{max: 64})
	var page exportPage
	var reqPage *accessRequestPage
	err = s.privacyStudentTx(r, casus.ActChange, "export withholding", "export", func(tx *storage.Tx, st casus.Student, a casus.Access, e *casus.AccessEntry) error {
		if reqID != "" {
			if !casus.ValidID(reqID) {
				return casus.ErrNotFound
			}
			q, err := tx.AccessRequest(r.Context(), st.ID, reqID)
			if err != nil {
				return err
			}
			if f.Errs != nil {
				p, err := s.loadAccessRequest(r, tx, st, q)
				if err != nil {
					return err
				}
				reqPage = &p
				return f.Errs
			}
		}
		if f.Errs != nil {
			var err error
			if _, page, err = loadExport(r, tx, st, casus.ExportScope{}, nil); err != nil {
				return err
			}
			if page.Requests, err = tx.AccessRequests(r.Context(), st.ID); err != nil {
				return err
			}
			return f.Errs
		}
		err := tx.AddWithholding(r.Context(), &storage.Withholding{StudentID: st.ID, Table: table, RecordKey: key, Reason: reason,
			ByID: state(r).user.ID})
		if casus.ErrorCode(err) == casus.ENOTFOUND {
			return &casus.Error{Code: casus.EINVALID, Key: "export.withhold.bad_record"}
		}
		return err
	})
	if f.Errs != nil && casus.ErrorCode(err) == casus.EINVALID {
		if reqPage != nil {
			v := s.newView(r, "access.title", *reqPage)
			v.Form = f
			s.render(w, r, http.StatusBadRequest, "access_request", v)
			return
		}
		v := s.newView(r, "export.title", page)
		v.Form = f
		s.render(w, r, http.StatusBadRequest, "export", v)
		return
	}
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	if reqID != "" {
		http.Redirect(w, r, "/students/"+r.PathValue("id")+"/access-requests/"+reqID+"?saved=withheld", http.StatusSeeOther)
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

// withheldReason is the reason a notice gives: a part the review kept back
// that came into the file after the review has none of its own.
func withheldReason(l *i18n.Localizer, w storage.Withholding) string {
	if w.Reason == "" {
		return l.T("export.withheld_after_review")
	}
	return w.Reason
}

type exportSectionOut struct {
	Table   string           `json:"table"`
	Title   string           `json:"title"`
	Records []map[string]any `json:"records"`
}

// jsonValue embeds a column holding JSON (a discussion record) as JSON.
func jsonValue(v string) any {
	t := strings.TrimSpace(v)
	if (strings.HasPrefix(t, "{") || strings.HasPrefix(t, "[")) && json.Valid([]byte(t)) {
		return json.RawMessage(t)
	}
	return v
}

func buildExportJSON(l *i18n.Localizer, x *storage.StudentExport) exportJSON {
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
		out.Withheld = append(out.Withheld, withheldJSON{Table: disclosedTable(w.Table), Title: disclosedKind(l, w.Table),
			Reason: withheldReason(l, w), At: w.CreatedAt, ByReview: w.Review})
	}
	used := map[string]bool{}
	for _, sec := range x.Sections {
		if quiet(sec) {
			continue
		}
		so := exportSectionOut{Table: sec.Table, Title: l.T("export.table." + sec.Table), Records: []map[string]any{}}
		for _, rec := range sec.Records {
			m := map[string]any{}
			for _, f := range rec.Fields {
				m[f.Name] = jsonValue(f.Value)
				if storage.ExportBooleans[sec.Table+"."+f.Name] && (f.Value == "true" || f.Value == "false") {
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

// errExportNeedsRequest answers a download that names no request: an
// export is made only for a registered request the coordinator reviewed.
var errExportNeedsRequest = &casus.Error{Code: casus.ECONFLICT, Key: "error.export_needs_request"}

// handleExportWithoutRequest answers the student's old download addresses:
// never the data, always what to do instead. The attempt is in the log.
func (s *Server) handleExportWithoutRequest(w http.ResponseWriter, r *http.Request) {
	err := s.privacyStudentTx(r, casus.ActExport, "export (AVG art. 15) without a request", "export", func(*storage.Tx, casus.Student, casus.Access, *casus.AccessEntry) error {
		return errExportNeedsRequest
	})
	s.renderError(w, r, err)
}

// exportTx makes the export for the request of the path: a reviewed
// request of the student, within what its review released.
func (s *Server) exportTx(r *http.Request, format string) (*storage.StudentExport, exportPage, *casus.User, error) {
	var x *storage.StudentExport
	var page exportPage
	err := s.privacyStudentTx(r, casus.ActExport, "export (AVG art. 15) "+format, "export", func(tx *storage.Tx, st casus.Student, a casus.Access, e *casus.AccessEntry) error {
		q, err := accessRequestFor(r, tx, st)
		if err != nil {
			return err
		}
		e.ObjectID = q.ID
		if !q.Reviewed() {
			return storage.ErrAccessRequestNotReviewed
		}
		x, page, err = loadExport(r, tx, st, q.Scope(), &q)
		return err
	})
	return x, page, state(r).user, err
}

func (s *Server) handleExportJSON(w http.ResponseWriter, r *http.Request) {
	x, _, _, err := s.exportTx(r, "JSON")
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	b, err := json.MarshalIndent(buildExportJSON(state(r).l, x), "", "  ")
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
	x, page, u, err := s.exportTx(r, "PDF")
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	s.sendPDF(w, r, "inzage-leerling.pdf", func(buf *bytes.Buffer) error {
		return writeExportPDF(buf, state(r).l, x, page, u.Name)
	})
}

// columnLabel is a column's name in the language, or the column itself
// with spaces when it has none.
func columnLabel(l *i18n.Localizer, col string) string {
	key := "export.col." + col
	if t := l.T(key); t != key {
		return t
	}
	return strings.ReplaceAll(col, "_", " ")
}

// valueKeys name the i18n prefix of coded values, per table and column:
// the PDF shows "signaal" where the JSON keeps "signal".
var valueKeys = map[string]string{
	"care_entry_versions.kind": "care.kind.", "care_entry_versions.visibility": "care.vis_short.",
	"cases.status": "case.status.", "actions.status": "action.status.", "action_updates.status": "action.status.",
	"referrals.state": "referral.state.", "referral_events.from_state": "referral.state.", "referral_events.to_state": "referral.state.",
	"referrals.urgency": "referral.urgency.", "consents.giver": "consent.giver.", "consents.how": "consent.how.",
	"consents.mode": "consent.decision.", "case_closures.reason": "closure.reason.", "aftercare_answers.respondent": "aftercare.respondent.",
	"aftercare_answers.goals_met": "aftercare.goals.", "agenda_items.kind": "agenda.kind.", "crises.kind": "crisis.kind.",
	"access_log.action": "log.action.", "access_log.outcome": "log.outcome.", "access_log.relation": "relation.",
	"access_log.role": "role.", "access_log.object_kind": "log.object.", "access_log.processing": "log.processing.",
	"access_log.basis":          "log.basis.",
	"access_requests.requester": "access.requester_kind.", "access_requests.identity": "access.identity.",
}

// readableValue translates a coded value for the PDF when the catalog has it.
func readableValue(l *i18n.Localizer, table, col, v string) string {
	if storage.ExportBooleans[table+"."+col] {
		switch v {
		case "true":
			return l.T("common.yes")
		case "false":
			return l.T("common.no")
		}
	}
	if prefix, ok := valueKeys[table+"."+col]; ok && v != "" {
		if t := l.T(prefix + v); t != prefix+v {
			return t
		}
	}
	return v
}

// pdfValue makes a value readable: user ids become names, moments Dutch
// dates, JSON records lines of their own.
func pdfValue(l *i18n.Localizer, people map[string]string, v string) []string {
	if name, ok := people[v]; ok {
		return []string{name}
	}
	if t, err := time.Parse(time.RFC3339, v); err == nil {
		return []string{l.DateTime(t)}
	}
	if t, err := time.Parse(time.DateOnly, v); err == nil {
		return []string{l.Date(t)}
	}
	if raw, ok := jsonValue(v).(json.RawMessage); ok {
		var m any
		if json.Unmarshal(raw, &m) == nil {
			var lines []string
			flattenJSON(l, people, "", m, &lines)
			return lines
		}
	}
	return []string{v}
}

func flattenJSON(l *i18n.Localizer, people map[string]string, prefix string, v any, out *[]string) {
	switch x := v.(type) {
	case map[string]any:
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			p := columnLabel(l, k)
			if t := l.T("discussion.field." + k); t != "discussion.field."+k {
				p = t // a discussion record's field, as the record page names it
			}
			if prefix != "" {
				p = prefix + " › " + p
			}
			flattenJSON(l, people, p, x[k], out)
		}
	case []any:
		for i, e := range x {
			flattenJSON(l, people, fmt.Sprintf("%s %d", prefix, i+1), e, out)
		}
	case nil:
	default:
		s := fmt.Sprint(x)
		if s == "" || s == "false" || s == "0" {
			return
		}
		if name, ok := people[s]; ok {
			s = name
		}
		*out = append(*out, prefix+": "+s)
	}
}

// writeExportPDF lays out the export: the student, the retention date, the
// recipients, what was withheld and why, then every record per kind.
func writeExportPDF(buf *bytes.Buffer, l *i18n.Localizer, x *storage.StudentExport, page exportPage, by string) error {
	title := l.T("export.pdf.title")
	footer := l.T("export.pdf.footer", map[string]any{"At": l.DateTime(x.GeneratedAt), "By": by})
	pdf := newPDF(title, l.Lang, func(page int) string { return footer + " · " + fmt.Sprint(page) })
	heading := func(size float64, text string) {
		pdf.Ln(2)
		pdf.SetFont("go", "B", size)
		pdf.MultiCell(0, size/2+1, text, "", "L", false)
		pdf.SetFont("go", "", 10)
	}
	para := func(text string) { pdf.MultiCell(0, 5, text, "", "L", false) }
	st := page.Student
	heading(16, title)
	para(l.T("export.pdf.intro"))
	heading(12, l.T("export.pdf.student"))
	for _, kv := range [][2]string{
		{l.T("student.name"), st.Name()}, {l.T("export.col.date_of_birth"), l.Date(st.DateOfBirth)},
		{l.T("student.number"), st.StudentNumber}, {l.T("student.school"), st.SchoolName}, {l.T("student.group"), st.GroupName},
	} {
		para(kv[0] + ": " + kv[1])
	}
	if q := x.Request; q != nil {
		heading(12, l.T("export.pdf.request"))
		who := q.RequesterName
		if q.RequesterRelation != "" {
			who += " (" + q.RequesterRelation + ")"
		}
		identity := l.T("access.identity." + string(q.Identity))
		if q.IdentityNote != "" {
			identity += ": " + q.IdentityNote
		}
		for _, kv := range [][2]string{
			{l.T("access.requester"), who}, {l.T("access.received_on"), l.Date(q.ReceivedOn)},
			{l.T("access.identity"), identity}, {l.T("access.registered_by"), q.RecordedName + ", " + l.Date(q.RecordedAt)},
			{l.T("access.reviewed_by"), q.ReviewedName + ", " + l.Date(q.ReviewedAt)}, {l.T("access.request_id"), q.ID},
		} {
			para(kv[0] + ": " + kv[1])
		}
	}
	heading(12, l.T("export.retention"))
	if page.Retention.IsZero() {
		para(l.T("export.retention_open"))
	} else {
		para(l.T("export.retention_until", map[string]any{"Date": l.Date(page.Retention)}))
	}
	para(l.T("export.retention_rule", map[string]any{"Months": x.Retention.Months}))
	heading(12, l.T("export.recipients"))
	if len(x.Recipients) == 0 {
		para(l.T("export.recipients_none"))
	}
	for _, rc := range x.Recipients {
		para("• " + l.T("export.recipient", map[string]any{"Name": rc.UserName, "Org": rc.OrgName, "Count": rc.Accesses,
			"First": l.Date(rc.First), "Last": l.Date(rc.Last)}))
	}
	heading(12, l.T("export.withheld"))
	if len(x.Withheld) == 0 {
		para(l.T("export.withheld_none"))
	}
	for _, w := range x.Withheld {
		line := "export.withheld_line"
		if w.Review {
			line = "export.withheld_review_line"
		}
		para("• " + l.T(line, map[string]any{"Kind": disclosedKind(l, w.Table), "Reason": withheldReason(l, w),
			"At": l.Date(w.CreatedAt)}))
	}
	for _, sec := range x.Sections {
		if quiet(sec) {
			continue
		}
		heading(13, fmt.Sprintf("%s (%d)", l.T("export.table."+sec.Table), len(sec.Records)))
		if len(sec.Records) == 0 {
			para(l.T("export.none"))
			continue
		}
		for _, rec := range sec.Records {
			pdf.SetFont("go", "B", 9)
			pdf.MultiCell(0, 5, l.T("export.pdf.record")+" "+rec.Key, "", "L", false)
			pdf.SetFont("go", "", 9)
			for _, f := range rec.Fields {
				if f.Value == "" || f.Name == "student_id" {
					continue
				}
				for _, line := range pdfValue(l, x.People, readableValue(l, sec.Table, f.Name, f.Value)) {
					pdf.MultiCell(0, 4.5, columnLabel(l, f.Name)+": "+line, "", "L", false)
				}
			}
			pdf.Ln(1.5)
		}
	}
	return pdf.Output(buf)
}
