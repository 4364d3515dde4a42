package app

import (
	"context"
	"slices"

	"casus"
)

// EscalationForm is what escalating an accepted intern zorgteam referral to
// the ZAT offers: which ZAT, and which attached care-file entries can go
// along (the escalating user reviews each).
type EscalationForm struct {
	Referral casus.Referral
	Student  casus.Student
	Teams    []casus.CareTeam  // the ZATs serving the student's school
	Entries  []casus.CareEntry // attached entries the actor may read
}

func (r *inReferral) escalationForm() (EscalationForm, error) {
	p := EscalationForm{Referral: r.ref}
	var err error
	if p.Student, err = r.student(); err != nil {
		return p, err
	}
	teams, err := r.tx.TeamsServing(r.ctx, p.Student.SchoolID)
	if err != nil {
		return p, err
	}
	for _, t := range teams {
		if t.Kind == casus.TeamZAT {
			p.Teams = append(p.Teams, t)
		}
	}
	p.Entries, err = r.attachedReadable()
	return p, err
}

// errEscalated refuses to escalate a referral twice, or one that changed
// since the form was shown.
func errEscalated() error { return &casus.Error{Code: casus.ECONFLICT, Key: "escalation.already"} }

// OpenEscalation opens the escalation of a referral the actor may escalate
// (casus.CanEscalate) and that was not escalated yet.
func (s *Service) OpenEscalation(ctx context.Context, a Actor, referralID string) (EscalationForm, error) {
	var p EscalationForm
	err := s.referral(ctx, a, referralReq{id: referralID, action: casus.ActRead, purpose: "escalation form", policy: casus.CanEscalate},
		func(r *inReferral) error {
			if err := r.log(); err != nil {
				return err
			}
			if r.ref.NextID != "" {
				return errEscalated()
			}
			var err error
			p, err = r.escalationForm()
			return err
		})
	return p, err
}

// Escalation is an escalation as entered: the ZAT, the parts of the form
// and the attached entries that go along, and how the intern team bridges
// the wait.
type Escalation struct {
	ReferralID string
	TeamID     string
	Fields     []casus.ReferralField
	Entries    []string
	Bridging   string
	Version    int
}

// Escalate creates the ZAT referral from the intern one with what the actor
// chose to carry along, opens the student's case at the ZAT (so consent
// can be recorded before the ZAT accepts), and records on the intern case
// that the ZAT takes over, with the bridging note. The intern referral and
// case stay as they were: the intern team keeps the student until the ZAT
// has taken the case up. errs are the errors the door found parsing the
// form; with any, or a team or entry not offered, nothing is written, the
// request is logged as a read of the form shown again, and the errors come
// back with it.
func (s *Service) Escalate(ctx context.Context, a Actor, in Escalation, errs casus.ValidationErrors) (EscalationForm, casus.Referral, error) {
	var p EscalationForm
	var next casus.Referral
	err := s.referral(ctx, a, referralReq{id: in.ReferralID, action: casus.ActCreate, purpose: "escalation to the ZAT", policy: casus.CanEscalate},
		func(r *inReferral) error {
			var err error
			if p, err = r.escalationForm(); err != nil {
				return err
			}
			if in.TeamID != "" && errs.Field("team") == nil && !slices.ContainsFunc(p.Teams, func(t casus.CareTeam) bool { return t.ID == in.TeamID }) {
				errs = append(errs, casus.FieldError("team", "error.choice", nil))
			}
			for _, id := range in.Entries {
				if !slices.ContainsFunc(p.Entries, func(e casus.CareEntry) bool { return e.ID == id }) {
					errs = append(errs, casus.FieldError("entry", "error.choice", nil))
					break
				}
			}
			if errs != nil {
				return r.logAs(casus.ActRead, "escalation form (invalid)")
			}
			next, err = r.escalate(in)
			return err
		})
	if err == nil && errs != nil {
		return p, next, errs
	}
	return p, next, err
}

func (r *inReferral) escalate(in Escalation) (casus.Referral, error) {
	ref, ctx, tx, u := r.ref, r.ctx, r.tx, r.u
	if in.Version != ref.Version || ref.NextID != "" {
		return casus.Referral{}, errEscalated()
	}
	if err := r.log(); err != nil {
		return casus.Referral{}, err
	}
	text := map[casus.ReferralField]string{}
	for _, fl := range in.Fields {
		text[fl] = ref.Text[fl]
	}
	next := casus.Referral{StudentID: ref.StudentID, TeamID: in.TeamID, ReferrerID: u.ID, InbrengerID: ref.InbrengerID,
		Urgency: ref.Urgency, Text: text, PreviousID: ref.ID, State: casus.RefDraft, TeamKind: casus.TeamZAT}
	if err := tx.CreateReferral(ctx, &next, u.ID); err != nil {
		return next, err
	}
	required, err := tx.ReferralRequired(ctx, casus.TeamZAT)
	if err != nil {
		return next, err
	}
	st, err := r.student()
	if err != nil {
		return next, err
	}
	// Complete for the ZAT: submitted at once. Otherwise it waits, as a
	// draft of the escalating user, for the parts the ZAT needs.
	if len(next.Missing(casus.RequiredFor(required, st.AgeOn(tx.Now())))) == 0 {
		if err := tx.MoveReferral(ctx, &next, casus.RefSubmitted, u.ID, in.Bridging); err != nil {
			return next, err
		}
	}
	if err := tx.SetReferralEntries(ctx, next.ID, in.Entries); err != nil {
		return next, err
	}
	zat, err := tx.EnsureOpenCase(ctx, ref.StudentID, in.TeamID)
	if err != nil {
		return next, err
	}
	if err := tx.LinkReferral(ctx, next.ID, zat.ID, ""); err != nil {
		return next, err
	}
	if err := tx.LinkReferral(ctx, ref.ID, "", next.ID); err != nil {
		return next, err
	}
	if err := followRoute(ctx, tx, u, ref.StudentID, casus.RouteEscalated, casus.TeamZAT, ""); err != nil {
		return next, err
	}
	if err := r.announceEscalation(ref, next); err != nil {
		return next, err
	}
	if ref.CaseID == "" {
		return next, nil
	}
	if err := tx.AddCaseEvent(ctx, &casus.CaseEvent{CaseID: ref.CaseID, Kind: casus.CaseEscalated, ReferralID: next.ID,
		ActorID: u.ID}); err != nil {
		return next, err
	}
	if in.Bridging == "" {
		return next, nil
	}
	return next, tx.AddCaseEvent(ctx, &casus.CaseEvent{CaseID: ref.CaseID, Kind: casus.CaseBridging, Note: in.Bridging, ActorID: u.ID})
}

// NoteBridging adds a note on how the intern team bridges the wait for the
// ZAT to the intern case of an escalated referral (casus.CanNoteBridging).
// errs are the errors the door found parsing the note: with any, nothing is
// written.
func (s *Service) NoteBridging(ctx context.Context, a Actor, referralID, note string, errs casus.ValidationErrors) error {
	return s.referral(ctx, a, referralReq{id: referralID, action: casus.ActChange, purpose: "bridging note", policy: casus.CanNoteBridging},
		func(r *inReferral) error {
			if errs != nil {
				return errs.Err()
			}
			if r.ref.NextID == "" || r.ref.CaseID == "" {
				return &casus.Error{Code: casus.EINVALID, Key: "escalation.not_yet"}
			}
			if err := r.log(); err != nil {
				return err
			}
			return r.tx.AddCaseEvent(r.ctx, &casus.CaseEvent{CaseID: r.ref.CaseID, Kind: casus.CaseBridging, Note: note, ActorID: r.u.ID})
		})
}
