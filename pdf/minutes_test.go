package pdf_test

import (
	"bytes"
	"testing"
	"time"

	"casus"
	"casus/app"
	"casus/i18n"
	"casus/pdf"
)

// TestMinutesBeyondTheFont: a record with characters the fonts cannot hold
// (an emoji) still lays out, as does minutes without items.
func TestMinutesBeyondTheFont(t *testing.T) {
	b, err := i18n.New()
	if err != nil {
		t.Fatal(err)
	}
	l := b.For("nl")
	day := time.Date(2026, 3, 10, 13, 0, 0, 0, time.UTC)
	rec := casus.DiscussionRecord{Attendees: []string{"u1"}, Question: "Gaat het goed? 🙂", Severity: casus.Levels[0],
		Goals: []casus.Goal{{Description: "Naar school 🏫", Criterion: "4 van 5 dagen", DueOn: day}}}
	page := app.MinutesPage{Team: casus.CareTeam{Name: "ZAT 🙂"}, Meeting: casus.Meeting{StartsAt: day},
		Names: map[string]string{"u1": "Anna"},
		Items: []app.MinutesItem{{Student: casus.Student{FirstName: "Milan"}, Record: casus.Discussion{Record: rec},
			Actions: []casus.Action{{Description: "Bellen 📞", OwnerName: "Anna", DueOn: day}}}}}
	for _, p := range []app.MinutesPage{page, {Meeting: page.Meeting}} {
		var buf bytes.Buffer
		if err := pdf.Minutes(&buf, p, l); err != nil {
			t.Fatal(err)
		}
		if !bytes.HasPrefix(buf.Bytes(), []byte("%PDF")) {
			t.Errorf("not a PDF: %.20q", buf.Bytes())
		}
	}
}
