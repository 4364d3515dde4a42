package web

import (
	"net/http"
	"slices"

	"casus"
	"casus/app"
	"casus/pdf"
)

// consentDoc is the consent form for one case, in one language: the same
// content for the printable page and the PDF (pdf.ConsentForm).
type consentDoc struct {
	pdf.ConsentForm
	CaseID    string
	StudentID string
}

// consentDocLabels are the keys of the form's headings and field names.
var consentDocLabels = []string{"consentform.details", "consentform.partners", "consentform.partners_intro",
	"consentform.choices", "consentform.rights", "consentform.sign", "consentform.sign.name", "consentform.sign.date",
	"consentform.sign.signature"}

// consentDocFor words the form of the case in language lang.
func (s *Server) consentDocFor(f app.ConsentDocFacts, lang string) consentDoc {
	l := s.i18n.For(lang)
	var partners []string
	for _, m := range f.Partners {
		line := l.T("discipline."+string(m.User.Discipline)) + ": " + m.User.OrgName
		if m.Kind == casus.MemberOnCall {
			line += " " + l.T("consentform.on_call")
		}
		if !slices.Contains(partners, line) {
			partners = append(partners, line)
		}
	}
	st := f.Student
	title, refused := "consentform.title", "consentform.choice.refused"
	if f.Case.TeamKind == casus.TeamIntern { // the primary school's zorgteam
		title, refused = "consentform.title.intern", "consentform.choice.refused.intern"
	}
	d := consentDoc{CaseID: f.Case.ID, StudentID: st.ID, ConsentForm: pdf.ConsentForm{Lang: lang,
		Title: l.T(title),
		Intro: []string{l.T("consentform.intro1", map[string]any{"Team": f.Case.TeamName}), l.T("consentform.intro2")},
		Details: [][2]string{
			{l.T("student.noun." + string(st.Sector)), st.Name()},
			{l.T("student.dob"), l.Date(st.DateOfBirth)},
			{l.T("student.school"), st.SchoolName},
			{l.T("consentform.team"), f.Case.TeamName},
			{l.T("consentform.chair"), f.Chair},
		},
		Partners: partners,
		Choices: []string{l.T("consentform.choice.toestemming"), l.T("consentform.choice.instemming"),
			l.T("consentform.choice.anoniem"), l.T(refused)},
		Rights: []string{l.T("consentform.right.withdraw"), l.T("consentform.right.access"), l.T("consentform.right.complain"),
			l.T("consentform.right.retention")},
		Footer: l.T("consentform.footer", map[string]any{"Date": l.Date(f.Now)}),
		Labels: map[string]string{},
	}}
	for _, k := range consentDocLabels {
		d.Labels[k] = l.T(k)
	}
	for _, g := range f.Rule.Required {
		switch {
		case g == casus.GiverGuardian && len(f.Guardians) > 0:
			// Each parent with parental authority answers for themself.
			for _, gd := range f.Guardians {
				d.Signers = append(d.Signers, l.T("consentform.signer.guardian_named", map[string]any{"Name": gd.Name, "Relation": gd.Relation}))
			}
		case g == casus.GiverGuardian:
			d.Signers = append(d.Signers, l.T("consentform.signer.guardian"), l.T("consentform.signer.guardian"))
		default:
			d.Signers = append(d.Signers, l.T("consentform.signer."+string(g)))
		}
	}
	for _, g := range f.Rule.AlsoAsk {
		d.Signers = append(d.Signers, l.T("consentform.signer.also."+string(g)))
	}
	return d
}

// consentFormLang is the language the form is asked in: Dutch unless
// English is asked for; the form goes to families in either.
func consentFormLang(r *http.Request) string {
	if r.URL.Query().Get("lang") == "en" {
		return "en"
	}
	return "nl"
}

// handleConsentForm shows the printable consent form.
func (s *Server) handleConsentForm(w http.ResponseWriter, r *http.Request) {
	f, err := s.app.ConsentDocument(r.Context(), s.actor(r), r.PathValue("id"), casus.ActPrint, "consent form")
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "consent_form", s.newView(r, "consentform.page_title", s.consentDocFor(f, consentFormLang(r))))
}

// handleConsentFormPDF sends the consent form as a PDF download.
func (s *Server) handleConsentFormPDF(w http.ResponseWriter, r *http.Request) {
	f, err := s.app.ConsentDocument(r.Context(), s.actor(r), r.PathValue("id"), casus.ActExport, "consent form PDF")
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	// No name in the file name: downloads folders and mail subjects leak.
	s.sendPDF(w, r, "toestemmingsformulier.pdf", s.consentDocFor(f, consentFormLang(r)).Write)
}
