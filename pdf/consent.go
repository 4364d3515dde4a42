package pdf

import (
	"bytes"
	"strings"
)

// ConsentForm is the consent form of one case, in one language, with every
// text already translated: the same content as the printable page.
type ConsentForm struct {
	Lang     string
	Title    string
	Intro    []string
	Details  [][2]string // label, value
	Partners []string    // one line per partner organisation in the team
	Choices  []string
	Rights   []string
	Signers  []string // one signature block per person who decides or is asked
	Footer   string
	// Labels are the form's headings and field names in its language, by
	// i18n key: the page around it may be in the other language.
	Labels map[string]string
}

// Write lays the form out on A4 and writes it to buf.
func (d ConsentForm) Write(buf *bytes.Buffer) error {
	pdf := newDoc(d.Title, d.Lang, func(int) string { return d.Footer })
	pdf.SetFont("go", "B", 16)
	pdf.MultiCell(0, 8, d.Title, "", "L", false)
	pdf.SetFont("go", "", 10)
	pdf.Ln(2)
	for _, p := range d.Intro {
		pdf.para(p)
	}
	pdf.heading(d.Labels["consentform.details"])
	for _, kv := range d.Details {
		pdf.SetFont("go", "B", 10)
		pdf.CellFormat(50, 6, kv[0], "", 0, "L", false, 0, "")
		pdf.SetFont("go", "", 10)
		pdf.MultiCell(0, 6, kv[1], "", "L", false)
	}
	pdf.heading(d.Labels["consentform.partners"])
	pdf.para(d.Labels["consentform.partners_intro"])
	for _, p := range d.Partners {
		pdf.box(p)
	}
	pdf.heading(d.Labels["consentform.choices"])
	for _, c := range d.Choices {
		pdf.box(c)
	}
	pdf.heading(d.Labels["consentform.rights"])
	for _, r := range d.Rights {
		pdf.para("• " + r)
	}
	pdf.heading(d.Labels["consentform.sign"])
	for _, who := range d.Signers {
		d.signature(pdf, who)
	}
	return pdf.Output(buf)
}

// signature is one signer's block: name, date and signature lines, kept on
// one page.
func (d ConsentForm) signature(pdf doc, who string) {
	if _, h := pdf.GetPageSize(); pdf.GetY() > h-20-36 {
		pdf.AddPage()
	}
	pdf.SetFont("go", "B", 10)
	pdf.MultiCell(0, 6, who, "", "L", false)
	pdf.SetFont("go", "", 10)
	for _, f := range []string{"consentform.sign.name", "consentform.sign.date", "consentform.sign.signature"} {
		pdf.CellFormat(50, 9, d.Labels[f], "", 0, "L", false, 0, "")
		pdf.CellFormat(0, 9, strings.Repeat("_", 45), "", 1, "L", false, 0, "")
	}
	pdf.Ln(2)
}

// heading starts a section.
func (p doc) heading(text string) {
	p.Ln(3)
	p.SetFont("go", "B", 12)
	p.MultiCell(0, 6, text, "", "L", false)
	p.SetFont("go", "", 10)
}

// para is a paragraph of body text.
func (p doc) para(text string) { p.MultiCell(0, 5, text, "", "L", false); p.Ln(1) }

// box is a line with a drawn box to tick: the Go fonts have no ballot-box
// glyph.
func (p doc) box(text string) {
	x, y := p.GetXY()
	p.Rect(x, y+1, 4, 4, "D")
	p.SetX(x + 7)
	p.MultiCell(0, 6, text, "", "L", false)
}
