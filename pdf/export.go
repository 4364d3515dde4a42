package pdf

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"time"

	"casus"
	"casus/i18n"
	"casus/storage"
)

// The export of the right of access (AVG art. 15) as a PDF to read.

// Export lays out the export: the student, the retention date, the
// recipients, what was withheld and why, then every record per kind.
func Export(buf *bytes.Buffer, l *i18n.Localizer, x *storage.StudentExport, st casus.Student, by string) error {
	title := l.T("export.pdf.title")
	footer := l.T("export.pdf.footer", map[string]any{"At": l.DateTime(x.GeneratedAt), "By": by})
	pdf := newDoc(title, l.Lang, func(page int) string { return footer + " · " + fmt.Sprint(page) })
	heading := func(size float64, text string) {
		pdf.Ln(2)
		pdf.SetFont("go", "B", size)
		pdf.MultiCell(0, size/2+1, text, "", "L", false)
		pdf.SetFont("go", "", 10)
	}
	para := func(text string) { pdf.MultiCell(0, 5, text, "", "L", false) }
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
	if until := x.Retention.Due(); until == nil || until.IsZero() {
		para(l.T("export.retention_open"))
	} else {
		para(l.T("export.retention_until", map[string]any{"Date": l.Date(*until)}))
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
		para("• " + l.T(line, map[string]any{"Kind": DisclosedKind(l, w.Table), "Reason": WithheldReason(l, w),
			"At": l.Date(w.CreatedAt)}))
	}
	for _, sec := range x.Sections {
		if Quiet(sec) {
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
	if raw, ok := JSONValue(v).(json.RawMessage); ok {
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

// exportDisclosedKind is the kind of a withheld record as the export
// names it: that a meldcode was withheld would itself tell the family a
// meldcode exists, so its parts are named as "a part of the file".
func DisclosedKind(l *i18n.Localizer, table string) string {
	return l.T("export.table." + DisclosedTable(table))
}

// DisclosedTable is the table a record is disclosed as: the meldcode's
// tables as "file".
func DisclosedTable(table string) string {
	if strings.HasPrefix(table, "meldcode") {
		return "file"
	}
	return table
}

// Quiet reports whether the export leaves a section out: an empty
// meldcode section in every export would only alarm, and when the meldcode
// is withheld its absence must look like any other file's.
func Quiet(sec storage.ExportSection) bool {
	return strings.HasPrefix(sec.Table, "meldcode") && len(sec.Records) == 0
}

// WithheldReason is the reason a notice gives: a part the review
// kept back that came into the file after the review has none of its own.
func WithheldReason(l *i18n.Localizer, w storage.Withholding) string {
	if w.Reason == "" {
		return l.T("export.withheld_after_review")
	}
	return w.Reason
}

// JSONValue is a column holding JSON (a discussion record) as JSON.
func JSONValue(v string) any {
	t := strings.TrimSpace(v)
	if (strings.HasPrefix(t, "{") || strings.HasPrefix(t, "[")) && json.Valid([]byte(t)) {
		return json.RawMessage(t)
	}
	return v
}
