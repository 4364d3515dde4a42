package web

import (
	"bytes"
	"net/http"
	"slices"
	"strings"

	"casus"
)

// consentDoc is the consent form for one case, in one language: the same
// content for the printable page and the PDF.
type consentDoc struct {
	Lang      string
	CaseID    string
	StudentID string
	Title     string
	Intro     []string
	Details   [][2]string // label, value
	Partners  []string    // one line per partner organisation in the team
	Choices   []string
	Rights    []string
	Signers   []string // one signature block per person who decides or is asked
	Footer    string
	// Labels are the form's headings and field names in its language, by
	// i18n key: the page around it may be in the other language.
	Labels map[string]string
}

// consentDocLabels are the keys of the form's headings and field names.
var consentDocLabels = []string{"consentform.details", "consentform.partners", "consentform.partners_intro",
	"consentform.choices", "consentform.rights", "consentform.sign", "consentform.sign.name", "consentform.sign.date",
	"consentform.sign.signature"}

// consentDocFor fills the form for the case in language lang.
func (s *Server) consentDocFor(c *consentCtx, lang string) (consentDoc, error) {
	l := s.i18n.For(lang)
	now := c.tx.Now()
	members, err := c.tx.TeamMembers(c.ctx, c.c.TeamID)
	if err != nil {
		return consentDoc{}, err
	}
	chair := "—"
	var partners []string
	for _, m := range members {
		if m.Chair {
			chair = m.User.Name
		}
		if m.User.HasRole(casus.RolePartner) {
			line := l.T("discipline."+string(m.User.Discipline)) + ": " + m.User.OrgName
			if m.Kind == casus.MemberOnCall {
				line += " " + l.T("consentform.on_call")
			}
			if !slices.Contains(partners, line) {
				partners = append(partners, line)
			}
		}
	}
	rule := casus.DefaultConsentRule(c.st, now)
	noun := l.T("student.noun." + string(c.st.Sector))
	d := consentDoc{Lang: lang, CaseID: c.c.ID, StudentID: c.st.ID,
		Title: l.T("consentform.title"),
		Intro: []string{l.T("consentform.intro1", map[string]any{"Team": c.c.TeamName}), l.T("consentform.intro2")},
		Details: [][2]string{
			{noun, c.st.Name()},
			{l.T("student.dob"), l.Date(c.st.DateOfBirth)},
			{l.T("student.school"), c.st.SchoolName},
			{l.T("consentform.team"), c.c.TeamName},
			{l.T("consentform.chair"), chair},
		},
		Partners: partners,
		Choices: []string{l.T("consentform.choice.toestemming"), l.T("consentform.choice.instemming"),
			l.T("consentform.choice.anoniem"), l.T("consentform.choice.refused")},
		Rights: []string{l.T("consentform.right.withdraw"), l.T("consentform.right.access"), l.T("consentform.right.complain"),
			l.T("consentform.right.retention")},
		Footer: l.T("consentform.footer", map[string]any{"Date": l.Date(now)}),
		Labels: map[string]string{},
	}
	for _, k := range consentDocLabels {
		d.Labels[k] = l.T(k)
	}
	for _, g := range rule.Required {
		d.Signers = append(d.Signers, l.T("consentform.signer."+string(g)))
		if g == casus.GiverGuardian {
			d.Signers = append(d.Signers, l.T("consentform.signer.guardian"))
		}
	}
	for _, g := range rule.AlsoAsk {
		d.Signers = append(d.Signers, l.T("consentform.signer.also."+string(g)))
	}
	return d, nil
}

// consentFormLang is the language the form is asked in: Dutch unless
// English is asked for; the form goes to families in either.
func consentFormLang(r *http.Request) string {
	if r.URL.Query().Get("lang") == "en" {
		return "en"
	}
	return "nl"
}

// consentDocTx loads the consent form of the case of the path, logged with
// action; ok is false when the response has been written.
func (s *Server) consentDocTx(w http.ResponseWriter, r *http.Request, action casus.AccessAction, purpose string) (consentDoc, bool) {
	var d consentDoc
	ok := s.consentTx(w, r, action, purpose, func(c *consentCtx) error {
		if c.c.TeamKind != casus.TeamZAT {
			return &casus.Error{Code: casus.EINVALID, Key: "consent.zat_only"}
		}
		var err error
		d, err = s.consentDocFor(c, consentFormLang(r))
		return err
	})
	return d, ok
}

// handleConsentForm shows the printable consent form.
func (s *Server) handleConsentForm(w http.ResponseWriter, r *http.Request) {
	if d, ok := s.consentDocTx(w, r, casus.ActPrint, "consent form"); ok {
		s.render(w, r, http.StatusOK, "consent_form", s.newView(r, "consentform.page_title", d))
	}
}

// handleConsentFormPDF sends the consent form as a PDF download.
func (s *Server) handleConsentFormPDF(w http.ResponseWriter, r *http.Request) {
	d, ok := s.consentDocTx(w, r, casus.ActExport, "consent form PDF")
	if !ok {
		return
	}
	// No name in the file name: downloads folders and mail subjects leak.
	s.sendPDF(w, r, "toestemmingsformulier.pdf", d.writePDF)
}

// writePDF lays the form out on A4 with the Go fonts, which cover the
// accented letters of Dutch names.
func (d consentDoc) writePDF(buf *bytes.Buffer) error {
	pdf := newPDF(d.Title, d.Lang, func(int) string { return d.Footer })
	heading := func(text string) {
		pdf.Ln(3)
		pdf.SetFont("go", "B", 12)
		pdf.MultiCell(0, 6, text, "", "L", false)
		pdf.SetFont("go", "", 10)
	}
	para := func(text string) { pdf.MultiCell(0, 5, text, "", "L", false); pdf.Ln(1) }
	// A drawn box to tick: the Go fonts have no ballot-box glyph.
	box := func(text string) {
		x, y := pdf.GetXY()
		pdf.Rect(x, y+1, 4, 4, "D")
		pdf.SetX(x + 7)
		pdf.MultiCell(0, 6, text, "", "L", false)
	}

	pdf.SetFont("go", "B", 16)
	pdf.MultiCell(0, 8, d.Title, "", "L", false)
	pdf.SetFont("go", "", 10)
	pdf.Ln(2)
	for _, p := range d.Intro {
		para(p)
	}
	heading(d.Labels["consentform.details"])
	for _, kv := range d.Details {
		pdf.SetFont("go", "B", 10)
		pdf.CellFormat(50, 6, kv[0], "", 0, "L", false, 0, "")
		pdf.SetFont("go", "", 10)
		pdf.MultiCell(0, 6, kv[1], "", "L", false)
	}
	heading(d.Labels["consentform.partners"])
	para(d.Labels["consentform.partners_intro"])
	for _, p := range d.Partners {
		box(p)
	}
	heading(d.Labels["consentform.choices"])
	for _, c := range d.Choices {
		box(c)
	}
	heading(d.Labels["consentform.rights"])
	for _, r := range d.Rights {
		para("• " + r)
	}
	heading(d.Labels["consentform.sign"])
	for _, who := range d.Signers {
		// Keep a signature block on one page.
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
	return pdf.Output(buf)
}
