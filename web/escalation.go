package web

import (
	"net/http"
	"net/url"
	"strconv"

	"casus"
	"casus/app"
)

// escalationPage is the form that escalates an accepted intern zorgteam
// referral to the ZAT: which ZAT, which parts of the form and which attached
// care-file entries go along (the escalating user reviews each), and how
// the intern team bridges the wait.
type escalationPage struct {
	app.EscalationForm
	Sections []referralSection
}

// Limit of the bridging note, in characters.
const maxBridgingNote = 2000

// escalationForm proposes everything to go along, to the only ZAT if there
// is one.
func escalationForm(p app.EscalationForm) *form {
	f := &form{Values: url.Values{"version": {strconv.Itoa(p.Referral.Version)}}}
	for i := range referralSections {
		f.Values.Add("section", strconv.Itoa(i))
	}
	for _, e := range p.Entries {
		f.Values.Add("entry", e.ID)
	}
	if len(p.Teams) == 1 {
		f.Values.Set("team", p.Teams[0].ID)
	}
	return f
}

func (s *Server) handleEscalateForm(w http.ResponseWriter, r *http.Request) {
	p, err := s.app.OpenEscalation(r.Context(), s.actor(r), r.PathValue("id"))
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	v := s.newView(r, "escalation.title", escalationPage{EscalationForm: p, Sections: referralSections})
	v.Form = escalationForm(p)
	s.render(w, r, http.StatusOK, "escalation", v)
}

// handleEscalate escalates the intern referral to the chosen ZAT with what
// the user chose to carry along (app.Escalate).
func (s *Server) handleEscalate(w http.ResponseWriter, r *http.Request) {
	fm, err := parseForm(w, r)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	in := app.Escalation{ReferralID: r.PathValue("id"), TeamID: fm.chosen("team"),
		Bridging: fm.paragraphs("bridging", textRule{max: maxBridgingNote})}
	in.Fields = escalationFields(fm)
	in.Entries = fm.Values["entry"]
	in.Version = referralVersion(fm)
	p, next, err := s.app.Escalate(r.Context(), s.actor(r), in, fm.Errs)
	if errs, ok := validationErrors(err); ok {
		fm.Errs = errs
		v := s.newView(r, "escalation.title", escalationPage{EscalationForm: p, Sections: referralSections})
		v.Form = fm
		s.render(w, r, http.StatusBadRequest, "escalation", v)
		return
	}
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	http.Redirect(w, r, "/referrals/"+next.ID+"?done=escalated", http.StatusSeeOther)
}

// escalationFields are the parts of the form in the sections chosen to go
// along.
func escalationFields(fm *form) []casus.ReferralField {
	var fields []casus.ReferralField
	for _, v := range fm.Values["section"] {
		i, err := strconv.Atoi(v)
		if err != nil || i < 0 || i >= len(referralSections) {
			fm.fail("section", "error.choice", nil)
			break
		}
		fields = append(fields, referralSections[i].Fields...)
	}
	return fields
}

// handleBridging adds a note on how the intern team bridges the wait for
// the ZAT, to the intern case of an escalated referral (app.NoteBridging).
func (s *Server) handleBridging(w http.ResponseWriter, r *http.Request) {
	fm, err := parseForm(w, r)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	id := r.PathValue("id")
	note := fm.paragraphs("bridging", textRule{required: true, max: maxBridgingNote})
	if err := s.app.NoteBridging(r.Context(), s.actor(r), id, note, fm.Errs); err != nil {
		s.renderError(w, r, err)
		return
	}
	http.Redirect(w, r, "/referrals/"+id+"?done=bridging", http.StatusSeeOther)
}

// idsOf returns the ids of xs, for a choice field's allowed values.
func idsOf[T any](xs []T, id func(T) string) []string {
	ids := make([]string, len(xs))
	for i, x := range xs {
		ids[i] = id(x)
	}
	return ids
}

func userID(u casus.User) string { return u.ID }
