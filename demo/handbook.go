package demo

import (
	"bytes"
	"fmt"

	"codeberg.org/go-pdf/fpdf"

	"casus"
)

// handbook puts the mbo ZAT's handbook documents and the school's consent
// form in place, each a short PDF with an owner, a version and a review day
// more than a year ahead (the reminders of the demo stay quiet).
func (l *loader) handbook() {
	coord := l.users[UserCoordinator]
	care := l.users[UserCareContact]
	docs := []struct {
		team   *casus.CareTeam
		school *casus.School
		kind   casus.DocKind
		title  string
		owner  *casus.User
		months int
		body   []string
	}{
		{l.teams.mboZAT, nil, casus.DocPrivacy, "Privacyreglement en -protocol ZAT", coord, 14, []string{
			"Dit reglement legt vast welke persoonsgegevens het ZAT verwerkt, met welk doel en hoe lang.",
			"Het protocol beschrijft wie toestemming vraagt, wat met toestemming, met instemming of anoniem besproken wordt, en wie gegevens bewaart.",
		}},
		{l.teams.mboZAT, nil, casus.DocComplaints, "Klachtenregeling ZAT", coord, 15, []string{
			"Een klacht over het ZAT bespreekt de zorgcoördinator eerst met de indiener.",
			"Lost dat de klacht niet op, dan volgt de formele klachtenprocedure. Een klacht over één lid valt onder de regeling van diens eigen instelling.",
		}},
		{l.teams.mboZAT, nil, casus.DocLeaflet, "Folder voor ouders en studenten over het ZAT", care, 16, []string{
			"Wat het ZAT is, wie erin zitten, wanneer het ingeschakeld wordt en hoe je erbij betrokken bent.",
			"Hoe je privacy beschermd wordt en waar je terecht kunt met een klacht.",
		}},
		{l.teams.mboZAT, nil, casus.DocMeldcode, "Meldcode huiselijk geweld en kindermishandeling", coord, 13, []string{
			"Stap 1: signalen in kaart brengen. Stap 2: collegiale consultatie en zo nodig Veilig Thuis raadplegen.",
			"Stap 3: gesprek met de student. Stap 4: wegen met het afwegingskader. Stap 5: beslissen over hulp en/of een melding.",
		}},
		{l.teams.mboZAT, nil, casus.DocCrisis, "Crisisprotocol", coord, 17, []string{
			"Wie gebeld wordt bij acute zorgen, wie beslist en hoe de crisis op de volgende agenda komt.",
		}},
		{nil, l.mbo, casus.DocConsent, "Toestemmingsformulier bespreking in het ZAT", care, 18, []string{
			"Met dit formulier geeft de student (of de ouder) toestemming om de situatie in het ZAT te bespreken.",
		}},
	}
	for _, d := range docs {
		if l.err != nil {
			return
		}
		content, err := demoPDF(d.title, d.body)
		if err != nil {
			l.fail("handbook pdf", err)
			return
		}
		doc := casus.Document{Kind: d.kind, Title: d.title, OwnerID: d.owner.ID, Version: "1.0",
			ReviewOn: l.today.AddDate(0, d.months, 0), FileName: d.title + ".pdf", ContentType: "application/pdf",
			UploadedBy: coord.ID}
		if d.team != nil {
			doc.TeamID = d.team.ID
		} else {
			doc.SchoolID = d.school.ID
		}
		l.fail("handbook", l.tx.AddDocument(l.ctx, &doc, content))
	}
}

// demoPDF is a one-page PDF with a title and paragraphs, in a core font.
func demoPDF(title string, paras []string) ([]byte, error) {
	pdf := fpdf.New("P", "mm", "A4", "")
	tr := pdf.UnicodeTranslatorFromDescriptor("")
	pdf.SetTitle(title, true)
	pdf.SetMargins(20, 20, 20)
	pdf.AddPage()
	pdf.SetFont("Helvetica", "B", 16)
	pdf.MultiCell(0, 8, tr(title), "", "L", false)
	pdf.Ln(4)
	pdf.SetFont("Helvetica", "", 11)
	for _, p := range paras {
		pdf.MultiCell(0, 6, tr(p), "", "L", false)
		pdf.Ln(2)
	}
	pdf.Ln(4)
	pdf.SetFont("Helvetica", "I", 9)
	pdf.MultiCell(0, 5, tr("Voorbeelddocument van de demo van Casus."), "", "L", false)
	var buf bytes.Buffer
	if err := pdf.Output(&buf); err != nil {
		return nil, fmt.Errorf("demo: pdf: %w", err)
	}
	return buf.Bytes(), nil
}
