package web

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"strconv"

	"casus"
	"casus/storage"
)

// escalationPage is the form that escalates an accepted intern zorgteam
// referral to the ZAT: which ZAT, which parts of the form and which attached
// care-file entries go along (the escalating user reviews each), and how
// the intern team bridges the wait.
type escalationPage struct {
	Referral casus.Referral
	Student  casus.Student
	Teams    []casus.CareTeam // the ZATs serving the student's school
	Sections []referralSection
	Entries  []casus.CareEntry // attached entries the user may read
}

// Limit of the bridging note, in characters.
const maxBridgingNote = 2000

// escalationData loads the page for an accepted intern referral the user
// may escalate.
func (s *Server) escalationData(ctx context.Context, tx *storage.Tx, u casus.User, ref casus.Referral, f casus.ReferralFacts) (escalationPage, error) {
	p := escalationPage{Referral: ref, Sections: referralSections}
	var err error
	if p.Student, err = referralStudent(ctx, tx, u.ID, ref.StudentID); err != nil {
		return p, err
	}
	teams, err := tx.TeamsServing(ctx, p.Student.SchoolID)
	if err != nil {
		return p, err
	}
	for _, t := range teams {
		if t.Kind == casus.TeamZAT {
			p.Teams = append(p.Teams, t)
		}
	}
	ids, err := tx.ReferralEntryIDs(ctx, ref.ID)
	if err != nil || len(ids) == 0 {
		return p, err
	}
	readable, err := readableEntries(ctx, tx, u, f.Student, ref.StudentID)
	for _, e := range readable {
		if slices.Contains(ids, e.ID) {
			p.Entries = append(p.Entries, e)
		}
	}
	return p, err
}

// escalationForm proposes everything to go along, to the only ZAT if there
// is one.
func escalationForm(p escalationPage) *form {
	f := &form{Values: url.Values{"version": {strconv.Itoa(p.Referral.Version)}}}
	for i := range p.Sections {
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
	ctx := r.Context()
	u := *state(r).user
	var p escalationPage
	err := s.updateLogged(ctx, func(tx *storage.Tx) error {
		ref, f, _, err := s.referralRead(ctx, tx, r, "escalation form", casus.CanEscalate)
		if err != nil {
			return err
		}
		if ref.NextID != "" {
			return &casus.Error{Code: casus.ECONFLICT, Key: "escalation.already"}
		}
		p, err = s.escalationData(ctx, tx, u, ref, f)
		return err
	})
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	v := s.newView(r, "escalation.title", p)
	v.Form = escalationForm(p)
	s.render(w, r, http.StatusOK, "escalation", v)
}

// handleEscalate creates the ZAT referral from the intern one with what the
// user chose to carry along, opens the student's case at the ZAT (so consent
// can be recorded before the ZAT accepts), and records on the intern case
// that the ZAT takes over, with the bridging note. The intern referral and
// case stay as they were: the intern team keeps the student until the ZAT
// has taken the case up.
func (s *Server) handleEscalate(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	u := *state(r).user
	fm, err := parseForm(w, r)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	var p escalationPage
	var next casus.Referral
	invalid := false
	err = s.updateLogged(ctx, func(tx *storage.Tx) error {
		ref, f, a, e, err := s.referralAccess(ctx, tx, r, r.PathValue("id"), casus.ActCreate, "escalation to the ZAT", casus.CanEscalate)
		if err != nil {
			return err
		}
		if p, err = s.escalationData(ctx, tx, u, ref, f); err != nil {
			return err
		}
		team := fm.choice("team", true, idsOf(p.Teams, teamID)...)
		bridging := fm.paragraphs("bridging", textRule{max: maxBridgingNote})
		text := map[casus.ReferralField]string{}
		for _, v := range fm.Values["section"] {
			i, err := strconv.Atoi(v)
			if err != nil || i < 0 || i >= len(p.Sections) {
				fm.fail("section", "error.choice", nil)
				break
			}
			for _, fl := range p.Sections[i].Fields {
				text[fl] = ref.Text[fl]
			}
		}
		var entries []string
		for _, id := range fm.Values["entry"] {
			if !slices.ContainsFunc(p.Entries, func(e casus.CareEntry) bool { return e.ID == id }) {
				fm.fail("entry", "error.choice", nil)
				break
			}
			entries = append(entries, id)
		}
		version, verr := strconv.Atoi(fm.Values.Get("version"))
		if verr != nil {
			fm.fail("version", "error.unreadable_form", nil)
		}
		if fm.Errs != nil {
			invalid = true
			e.Action, e.Purpose = casus.ActRead, "escalation form (invalid)"
			return logAccess(ctx, tx, e, a)
		}
		if version != ref.Version || ref.NextID != "" {
			return &casus.Error{Code: casus.ECONFLICT, Key: "escalation.already"}
		}
		if err := logAccess(ctx, tx, e, a); err != nil {
			return err
		}
		next = casus.Referral{StudentID: ref.StudentID, TeamID: team, ReferrerID: u.ID, InbrengerID: ref.InbrengerID,
			Urgency: ref.Urgency, Text: text, PreviousID: ref.ID, State: casus.RefDraft, TeamKind: casus.TeamZAT}
		if err := tx.CreateReferral(ctx, &next, u.ID); err != nil {
			return err
		}
		required, err := tx.ReferralRequired(ctx, casus.TeamZAT)
		if err != nil {
			return err
		}
		// Complete for the ZAT: submitted at once. Otherwise it waits, as a
		// draft of the escalating user, for the parts the ZAT needs.
		if len(next.Missing(required)) == 0 {
			if err := tx.MoveReferral(ctx, &next, casus.RefSubmitted, u.ID, bridging); err != nil {
				return err
			}
		}
		if err := tx.SetReferralEntries(ctx, next.ID, entries); err != nil {
			return err
		}
		zat, err := tx.EnsureOpenCase(ctx, ref.StudentID, team)
		if err != nil {
			return err
		}
		if err := tx.LinkReferral(ctx, next.ID, zat.ID, ""); err != nil {
			return err
		}
		if err := tx.LinkReferral(ctx, ref.ID, "", next.ID); err != nil {
			return err
		}
		if ref.CaseID == "" {
			return nil
		}
		if err := tx.AddCaseEvent(ctx, &casus.CaseEvent{CaseID: ref.CaseID, Kind: casus.CaseEscalated, ReferralID: next.ID,
			ActorID: u.ID}); err != nil {
			return err
		}
		if bridging == "" {
			return nil
		}
		return tx.AddCaseEvent(ctx, &casus.CaseEvent{CaseID: ref.CaseID, Kind: casus.CaseBridging, Note: bridging, ActorID: u.ID})
	})
	if invalid {
		v := s.newView(r, "escalation.title", p)
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

// handleBridging adds a note on how the intern team bridges the wait for
// the ZAT, to the intern case of an escalated referral.
func (s *Server) handleBridging(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	u := *state(r).user
	fm, err := parseForm(w, r)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	id := r.PathValue("id")
	err = s.updateLogged(ctx, func(tx *storage.Tx) error {
		ref, _, a, e, err := s.referralAccess(ctx, tx, r, id, casus.ActChange, "bridging note",
			func(u casus.User, f casus.ReferralFacts) casus.Access {
				f.State = casus.RefAccepted // escalated referrals stay accepted
				return casus.CanEscalate(u, f)
			})
		if err != nil {
			return err
		}
		note := fm.paragraphs("bridging", textRule{required: true, max: maxBridgingNote})
		if fm.Errs != nil {
			return fm.Errs.Err()
		}
		if ref.NextID == "" || ref.CaseID == "" {
			return &casus.Error{Code: casus.EINVALID, Key: "escalation.not_yet"}
		}
		if err := logAccess(ctx, tx, e, a); err != nil {
			return err
		}
		return tx.AddCaseEvent(ctx, &casus.CaseEvent{CaseID: ref.CaseID, Kind: casus.CaseBridging, Note: note, ActorID: u.ID})
	})
	if err != nil {
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

func teamID(t casus.CareTeam) string { return t.ID }
func caseID(c casus.Case) string     { return c.ID }
func userID(u casus.User) string     { return u.ID }
