package pdf

import (
	"io"
	"strings"

	"casus"
	"casus/app"
	"casus/i18n"
)

// Minutes lays the minutes out on A4 with the Go fonts and writes them to
// w: a heading, "draft" until they are final, then each item the reader
// received (app.PrintMinutes decides which).
func Minutes(w io.Writer, page app.MinutesPage, l *i18n.Localizer) error {
	title := l.T("minutes.heading", map[string]any{"Team": page.Team.Name, "When": l.DateTime(page.Meeting.StartsAt)})
	pdf := newDoc(title, l.Lang, func(int) string { return l.T("minutes.confidential") })
	pdf.SetFont("go", "B", 16)
	pdf.MultiCell(0, 8, title, "", "L", false)
	pdf.SetFont("go", "", 10)
	if page.Final.IsZero() {
		pdf.MultiCell(0, 6, l.T("minutes.draft"), "", "L", false)
	}
	pdf.attendance(page, l)
	for _, it := range page.Items {
		pdf.minutesItem(it, page.Names, l)
	}
	if len(page.Items) == 0 {
		pdf.MultiCell(0, 6, l.T("minutes.none"), "", "L", false)
	}
	return pdf.Output(w)
}

// attendance writes who was present, excused and absent, and the time each
// person spent on the items they attended, as the minutes page shows it.
func (pdf doc) attendance(page app.MinutesPage, l *i18n.Localizer) {
	pdf.Ln(3)
	pdf.SetFont("go", "B", 13)
	pdf.MultiCell(0, 7, l.T("attendance.heading"), "", "L", false)
	pdf.SetFont("go", "", 10)
	if len(page.Attendance) == 0 {
		pdf.MultiCell(0, 5, l.T("attendance.none"), "", "L", false)
	}
	for _, st := range page.Statuses {
		var names []string
		for _, u := range page.Expected {
			if page.Attendance[u.ID] == st {
				names = append(names, u.Name)
			}
		}
		pdf.field(l.T("attendance."+string(st)), strings.Join(names, ", "))
	}
	if len(page.Time) > 0 {
		lines := make([]string, len(page.Time))
		for i, pt := range page.Time {
			lines[i] = pt.User.Name + ": " + l.T("attendance.time_line", map[string]any{"Items": pt.Items, "Minutes": pt.Minutes})
		}
		pdf.field(l.T("attendance.time"), strings.Join(lines, "\n"))
	}
}

// field writes a label and its value; an empty value is left out.
func (pdf doc) field(label, value string) {
	if value == "" {
		return
	}
	pdf.SetFont("go", "B", 10)
	pdf.MultiCell(0, 5, label, "", "L", false)
	pdf.SetFont("go", "", 10)
	pdf.MultiCell(0, 5, value, "", "L", false)
	pdf.Ln(1)
}

// minutesItem writes one discussed item: the student and the kind of item,
// who was there, the record's fields in form order, the plan and its
// actions.
func (pdf doc) minutesItem(it app.MinutesItem, names map[string]string, l *i18n.Localizer) {
	rec := it.Record.Record
	pdf.Ln(4)
	pdf.SetFont("go", "B", 13)
	pdf.MultiCell(0, 7, it.Student.Name()+" — "+l.T("agenda.kind."+string(it.Item.Kind)), "", "L", false)
	pdf.SetFont("go", "", 10)
	var present []string
	for _, id := range rec.Attendees {
		present = append(present, names[id])
	}
	pdf.field(l.T("discussion.field.attendees"), strings.Join(present, ", "))
	for _, name := range casus.DiscussionTextFields {
		pdf.field(l.T("discussion.field."+name), *rec.TextField(name))
	}
	if rec.Severity != "" {
		pdf.field(l.T("discussion.field.severity"), l.T("discussion.level."+string(rec.Severity)))
	}
	if rec.Urgency != "" {
		pdf.field(l.T("discussion.field.urgency"), l.T("discussion.level."+string(rec.Urgency)))
	}
	var goals []string
	for _, g := range rec.Goals {
		goals = append(goals, "• "+g.Description+" — "+g.Criterion+" ("+l.T("discussion.goal_by", map[string]any{"Day": l.Date(g.DueOn)})+")")
	}
	pdf.field(l.T("discussion.field.goals"), strings.Join(goals, "\n"))
	if rec.Arrangement != "" {
		pdf.field(l.T("discussion.field.arrangement"), l.T("discussion.arrangement."+string(rec.Arrangement)))
	}
	pdf.field(l.T("discussion.field.coordinator_id"), names[rec.CoordinatorID])
	if rec.VIR != "" {
		pdf.field(l.T("discussion.field.vir"), l.T("discussion.vir."+string(rec.VIR)))
	}
	if !rec.EvaluateOn.IsZero() {
		pdf.field(l.T("discussion.field.evaluate_on"), l.Date(rec.EvaluateOn))
	}
	var acts []string
	for _, a := range it.Actions {
		acts = append(acts, "• "+a.Description+" — "+a.OwnerName+", "+l.Date(a.DueOn)+" ("+l.T("action.status."+string(a.Status))+")")
	}
	pdf.field(l.T("discussion.actions"), strings.Join(acts, "\n"))
}
