package pdf

import (
	"io"
	"strings"

	"casus"
	"casus/app"
	"casus/i18n"
)

// Minutes lays the minutes out on A4 with the Go fonts and writes them to w.
func Minutes(w io.Writer, page app.MinutesPage, l *i18n.Localizer) error {
	title := l.T("minutes.heading", map[string]any{"Team": page.Team.Name, "When": l.DateTime(page.Meeting.StartsAt)})
	pdf := newDoc(title, l.Lang, func(int) string { return l.T("minutes.confidential") })
	pdf.SetFont("go", "B", 16)
	pdf.MultiCell(0, 8, title, "", "L", false)
	pdf.SetFont("go", "", 10)
	if page.Final.IsZero() {
		pdf.MultiCell(0, 6, l.T("minutes.draft"), "", "L", false)
	}
	field := func(label, value string) {
		if value == "" {
			return
		}
		pdf.SetFont("go", "B", 10)
		pdf.MultiCell(0, 5, label, "", "L", false)
		pdf.SetFont("go", "", 10)
		pdf.MultiCell(0, 5, value, "", "L", false)
		pdf.Ln(1)
	}
	for _, it := range page.Items {
		rec := it.Record.Record
		pdf.Ln(4)
		pdf.SetFont("go", "B", 13)
		pdf.MultiCell(0, 7, it.Student.Name()+" — "+l.T("agenda.kind."+string(it.Item.Kind)), "", "L", false)
		pdf.SetFont("go", "", 10)
		var present []string
		for _, id := range rec.Attendees {
			present = append(present, page.Names[id])
		}
		field(l.T("discussion.field.attendees"), strings.Join(present, ", "))
		for _, name := range casus.DiscussionTextFields {
			field(l.T("discussion.field."+name), *rec.TextField(name))
		}
		if rec.Severity != "" {
			field(l.T("discussion.field.severity"), l.T("discussion.level."+string(rec.Severity)))
		}
		if rec.Urgency != "" {
			field(l.T("discussion.field.urgency"), l.T("discussion.level."+string(rec.Urgency)))
		}
		var goals []string
		for _, g := range rec.Goals {
			goals = append(goals, "• "+g.Description+" — "+g.Criterion+" ("+l.T("discussion.goal_by", map[string]any{"Day": l.Date(g.DueOn)})+")")
		}
		field(l.T("discussion.field.goals"), strings.Join(goals, "\n"))
		if rec.Arrangement != "" {
			field(l.T("discussion.field.arrangement"), l.T("discussion.arrangement."+string(rec.Arrangement)))
		}
		field(l.T("discussion.field.coordinator_id"), page.Names[rec.CoordinatorID])
		if rec.VIR != "" {
			field(l.T("discussion.field.vir"), l.T("discussion.vir."+string(rec.VIR)))
		}
		if !rec.EvaluateOn.IsZero() {
			field(l.T("discussion.field.evaluate_on"), l.Date(rec.EvaluateOn))
		}
		var acts []string
		for _, a := range it.Actions {
			acts = append(acts, "• "+a.Description+" — "+a.OwnerName+", "+l.Date(a.DueOn)+" ("+l.T("action.status."+string(a.Status))+")")
		}
		field(l.T("discussion.actions"), strings.Join(acts, "\n"))
	}
	if len(page.Items) == 0 {
		pdf.MultiCell(0, 6, l.T("minutes.none"), "", "L", false)
	}
	return pdf.Output(w)
}
