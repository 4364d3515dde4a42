package web

import (
	"net/http"
	"net/url"
	"slices"
	"time"

	"casus"
	"casus/app"
)

// consentPage is a case's consent (app.ConsentPage) with the options of
// the decision form.
type consentPage struct {
	app.ConsentPage
	Choices consentChoices
}

// consentChoices are the options of the decision form.
type consentChoices struct {
	Givers      []casus.ConsentGiver
	Decisions   []string
	Hows        []casus.ConsentHow
	Disciplines []casus.Discipline
	Informed    []string
}

var theConsentChoices = consentChoices{
	Givers:      []casus.ConsentGiver{casus.GiverStudent, casus.GiverGuardian},
	Decisions:   []string{string(casus.ConsentGiven), string(casus.ConsentAssent), string(casus.ConsentAnonymous), decisionRefused},
	Hows:        []casus.ConsentHow{casus.HowSignedForm, casus.HowConversation},
	Disciplines: casus.PartnerDisciplines,
	Informed:    []string{"yes", "no"},
}

// decisionRefused is the form's value for a refusal.
const decisionRefused = "refused"

func (s *Server) consentView(r *http.Request, p app.ConsentPage, f *form) *view {
	v := s.newView(r, "consent.title", consentPage{ConsentPage: p, Choices: theConsentChoices})
	v.Form = f
	return v
}

// consentForm is the decision form with the default giver preselected;
// which guardian answers is left to choose.
func (s *Server) consentForm(p app.ConsentPage) *form {
	f := &form{Values: url.Values{"giver": {string(p.Rule.Required[0])}, "how": {string(casus.HowSignedForm)},
		"given_on": {s.today().Format(time.DateOnly)}}}
	if p.Rule.Required[0] == casus.GiverStudent {
		f.Values.Set("giver_name", p.StudentName)
	}
	return f
}

func (s *Server) handleConsent(w http.ResponseWriter, r *http.Request) {
	p, err := s.app.Consent(r.Context(), s.actor(r), r.PathValue("id"))
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	v := s.consentView(r, p, s.consentForm(p))
	if n := r.URL.Query().Get("saved"); n != "" && slices.Contains([]string{"consent", "withdrawn", "exception", "exception_ended", "informed"}, n) {
		v.Notice = "consent.saved." + n
	}
	s.render(w, r, http.StatusOK, "consent", v)
}

// Limits of the consent forms' fields, in characters.
const (
	consentNameMax   = 200
	consentReasonMax = 2000
)

// consentPost parses one of the consent page's forms, lets change call the
// use case with it, and answers: with field errors the page comes back with
// the messages (400), without them the user goes back to the page with the
// notice saved.
func (s *Server) consentPost(w http.ResponseWriter, r *http.Request, saved string,
	change func(f *form) (app.ConsentPage, error)) {
	f, err := parseForm(w, r)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	p, err := change(f)
	if errs, ok := validationErrors(err); ok {
		f.Errs = errs
		s.render(w, r, http.StatusBadRequest, "consent", s.consentView(r, p, f))
		return
	}
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	http.Redirect(w, r, "/cases/"+r.PathValue("id")+"/consent?saved="+saved, http.StatusSeeOther)
}

// handleConsentRecord records one decision of a student or guardian
// (app.RecordConsent).
func (s *Server) handleConsentRecord(w http.ResponseWriter, r *http.Request) {
	s.consentPost(w, r, "consent", func(f *form) (app.ConsentPage, error) {
		cn := s.parseConsent(f)
		return s.app.RecordConsent(r.Context(), s.actor(r), r.PathValue("id"), cn, f.Errs)
	})
}

// parseConsent reads the decision form.
func (s *Server) parseConsent(f *form) casus.Consent {
	cn := casus.Consent{
		Giver: casus.ConsentGiver(f.choice("giver", true, stringsOf(theConsentChoices.Givers)...)),
		How:   casus.ConsentHow(f.choice("how", true, stringsOf(theConsentChoices.Hows)...)),
	}
	// Which guardian answers: one of the student's, checked by the use
	// case, which records the guardian's name; without one, the name typed.
	if g := f.Value("guardian"); cn.Giver == casus.GiverGuardian && g != "" {
		if casus.ValidID(g) {
			cn.GuardianID = g
		} else {
			f.fail("guardian", "error.choice", nil)
		}
	}
	cn.GiverName = f.text("giver_name", textRule{required: cn.Giver == casus.GiverStudent, max: consentNameMax})
	cn.GivenAt = s.careDateField(f, "given_on")
	switch d := f.choice("decision", true, theConsentChoices.Decisions...); d {
	case decisionRefused:
		cn.Mode, cn.Refused = casus.ConsentAnonymous, true
	default:
		cn.Mode = casus.ConsentMode(d)
	}
	for _, d := range f.Values["scope"] {
		if !slices.Contains(casus.PartnerDisciplines, casus.Discipline(d)) || slices.Contains(cn.Scope, casus.Discipline(d)) {
			f.fail("scope", "error.choice", nil)
			break
		}
		cn.Scope = append(cn.Scope, casus.Discipline(d))
	}
	if cn.Mode.Named() && !cn.Refused && len(cn.Scope) == 0 && f.Error("decision") == nil {
		f.fail("scope", "consent.scope_required", nil)
	}
	if !cn.Mode.Named() {
		cn.Scope = nil
	}
	if v := f.Value("expires_on"); v != "" {
		t, err := time.Parse(time.DateOnly, v)
		switch {
		case err != nil:
			f.fail("expires_on", "error.date", nil)
		case !f.dayInRange("expires_on", t):
		case !t.After(cn.GivenAt) || !t.After(s.today()):
			f.fail("expires_on", "consent.expiry_past", nil)
		default:
			cn.ExpiresAt = &t
		}
	}
	return cn
}

// handleConsentWithdraw withdraws a consent at once, with the reason
// (app.WithdrawConsent).
func (s *Server) handleConsentWithdraw(w http.ResponseWriter, r *http.Request) {
	s.consentPost(w, r, "withdrawn", func(f *form) (app.ConsentPage, error) {
		reason := f.paragraphs("reason", textRule{required: true, max: consentReasonMax})
		return s.app.WithdrawConsent(r.Context(), s.actor(r), r.PathValue("id"), r.PathValue("consent"), reason, f.Errs)
	})
}

// handleConsentException records a documented exception: acute safety or
// the meldcode, with the reason and who decided (app.RecordConsentException).
func (s *Server) handleConsentException(w http.ResponseWriter, r *http.Request) {
	s.consentPost(w, r, "exception", func(f *form) (app.ConsentPage, error) {
		e := casus.ConsentException{
			Reason:    f.paragraphs("exception_reason", textRule{required: true, max: consentReasonMax}),
			DecidedBy: f.text("decided_by", textRule{required: true, max: consentNameMax}),
		}
		// The partners it opens the case to: only those named, none by default.
		for _, d := range f.Values["exception_scope"] {
			if !slices.Contains(casus.PartnerDisciplines, casus.Discipline(d)) || slices.Contains(e.Scope, casus.Discipline(d)) {
				f.fail("exception_scope", "error.choice", nil)
				break
			}
			e.Scope = append(e.Scope, casus.Discipline(d))
		}
		return s.app.RecordConsentException(r.Context(), s.actor(r), r.PathValue("id"), e, f.Errs)
	})
}

// handleConsentExceptionEnd ends the case's exception once its reason has
// gone (app.EndConsentException).
func (s *Server) handleConsentExceptionEnd(w http.ResponseWriter, r *http.Request) {
	s.consentPost(w, r, "exception_ended", func(f *form) (app.ConsentPage, error) {
		reason := f.paragraphs("end_reason", textRule{required: true, max: consentReasonMax})
		return s.app.EndConsentException(r.Context(), s.actor(r), r.PathValue("id"), r.PathValue("exception"), reason, f.Errs)
	})
}

// handleInformed records, for an intern zorgteam case, whether the student
// and parents were told, or why not (app.RecordInformed).
func (s *Server) handleInformed(w http.ResponseWriter, r *http.Request) {
	s.consentPost(w, r, "informed", func(f *form) (app.ConsentPage, error) {
		i := casus.CaseInformed{Informed: f.choice("informed", true, "yes", "no") == "yes"}
		if i.Informed {
			i.Who = f.text("who", textRule{required: true, max: consentNameMax})
		} else if f.Error("informed") == nil {
			i.ReasonNot = f.paragraphs("reason_not", textRule{required: true, max: consentReasonMax})
		}
		return s.app.RecordInformed(r.Context(), s.actor(r), r.PathValue("id"), i, f.Errs)
	})
}
