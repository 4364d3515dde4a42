package app

import (
	"context"
	"slices"
	"time"

	"casus"
)

// ConsentPage is a case's consent: the default rule, every decision with
// its state, the exception, what each partner discipline sees, and (for an
// intern zorgteam case) whom the team told.
type ConsentPage struct {
	Case        casus.Case
	StudentID   string
	StudentName string
	Sector      casus.Sector
	Age         int
	Band        casus.ConsentBand
	Rule        casus.ConsentRule
	// AsksConsent: the case records consent (a ZAT case, or the primary
	// school's zorgteam); otherwise whom the team told.
	AsksConsent bool
	Standing    casus.ConsentStanding
	// Guardians are the student's guardians with parental authority: the
	// form asks which of them answers.
	Guardians []casus.Guardian
	// TwoParents: the guardians decide and more than one holds parental
	// authority, so one's refusal outweighs the other's consent.
	TwoParents bool
	Decisions  []ConsentRow
	Exception  *casus.ConsentException
	Partners   []PartnerSight
	Informed   []casus.CaseInformed
}

// ConsentRow is one decision with what it means today.
type ConsentRow struct {
	casus.Consent
	// State is in_force, blocked (a guardian's consent while another
	// guardian refuses), withdrawn, expired, ended (at the case's closing),
	// refused, refusal_withdrawn, superseded, or assent (a child's own word
	// below the sector's band: recorded, not consent).
	State string
}

// PartnerSight says whether a partner discipline sees the student by name.
type PartnerSight struct {
	Discipline casus.Discipline
	Named      bool
}

// consentCase runs fn for the case caseID with the access decision for
// managing its consent (casus.CanManageConsent), logged as an object
// "consent" like every student access. An unknown case, one the actor may
// not manage, and a malformed id are all not found.
func (s *Service) consentCase(ctx context.Context, a Actor, caseID string, action casus.AccessAction, purpose string,
	fn func(c *Student, cs casus.Case) error) error {
	req := studentReq{action: action, purpose: purpose, objectKind: "consent", objectID: caseID}
	return s.inCase(ctx, a, req, casus.CanManageConsent, func(c *Student, cs casus.Case, _ casus.Access) error {
		return fn(c, cs)
	})
}

// Consent shows the case's consent page.
func (s *Service) Consent(ctx context.Context, a Actor, caseID string) (ConsentPage, error) {
	var p ConsentPage
	err := s.consentCase(ctx, a, caseID, casus.ActRead, "consent", func(c *Student, cs casus.Case) error {
		var err error
		p, err = c.consentPage(cs)
		return err
	})
	return p, err
}

// consentPage fills the page for the case.
func (c *Student) consentPage(cs casus.Case) (ConsentPage, error) {
	ctx, tx, now := c.ctx, c.tx, c.tx.Now()
	p := ConsentPage{Case: cs, StudentID: c.st.ID, StudentName: c.st.Name(), Sector: c.st.Sector, Age: c.st.AgeOn(now),
		Band: casus.ConsentBandFor(c.st.Sector), Rule: casus.DefaultConsentRule(c.st, now),
		AsksConsent: casus.AsksConsent(cs, c.st.Sector)}
	consents, err := tx.Consents(ctx, cs.ID)
	if err != nil {
		return p, err
	}
	blocked := false // a guardian's refusal or withdrawal blocks the others' consent
	for _, g := range casus.LatestPerGuardian(consents, now) {
		blocked = blocked || g.Blocks(now)
	}
	for i := len(consents) - 1; i >= 0; i-- {
		row := consentRowOf(p.Rule, consents, consents[i], now)
		if blocked && row.State == "in_force" && row.Giver == casus.GiverGuardian {
			row.State = "blocked"
		}
		p.Decisions = append(p.Decisions, row)
	}
	exc, ok, err := tx.ConsentException(ctx, cs.ID)
	if err != nil {
		return p, err
	}
	if ok {
		p.Exception = &exc
	}
	p.Standing = casus.StandingOf(p.Rule, consents, p.Exception, now)
	guardians, err := tx.Guardians(ctx, c.st.ID)
	if err != nil {
		return p, err
	}
	for _, g := range guardians {
		if g.ParentalAuthority {
			p.Guardians = append(p.Guardians, g)
		}
	}
	p.TwoParents = len(p.Guardians) > 1 && slices.Contains(p.Rule.Required, casus.GiverGuardian)
	for _, d := range casus.PartnerDisciplines {
		if d == casus.DiscOther {
			continue
		}
		named := !p.AsksConsent || casus.NamedFor(d, p.Rule, consents, p.Exception, now)
		p.Partners = append(p.Partners, PartnerSight{Discipline: d, Named: named})
	}
	if !p.AsksConsent {
		if p.Informed, err = tx.Informed(ctx, cs.ID); err != nil {
			return p, err
		}
	}
	return p, nil
}

// consentRowOf is the decision cn among all the case's consents, with its
// state at now under the rule.
func consentRowOf(rule casus.ConsentRule, consents []casus.Consent, cn casus.Consent, now time.Time) ConsentRow {
	row := ConsentRow{Consent: cn, State: "in_force"}
	withdrawn := cn.Withdrawn != nil && !now.Before(*cn.Withdrawn)
	switch {
	case cn.Refused && withdrawn:
		row.State = "refusal_withdrawn"
	case cn.EndedByClosure(now):
		row.State = "ended"
	case cn.Refused && !casus.IsLatest(consents, cn, now):
		row.State = "superseded"
	case cn.Refused:
		row.State = "refused"
	case withdrawn:
		row.State = "withdrawn"
	case cn.ExpiresAt != nil && !now.Before(*cn.ExpiresAt):
		row.State = "expired"
	case !casus.IsLatest(consents, cn, now):
		row.State = "superseded"
	case !rule.Counts(cn.Giver):
		row.State = "assent"
	}
	return row
}

// consentChange is the frame of the consent page's forms. errs are the
// errors the door found parsing the form; fn is told whether there are any
// (invalid) and writes only when there are none. With errors the request
// is logged as a read, "<purpose> (invalid)", nothing is written, and the
// page comes back with them; an error from fn is a refusal.
func (s *Service) consentChange(ctx context.Context, a Actor, caseID string, action casus.AccessAction, purpose string,
	errs casus.ValidationErrors, fn func(c *Student, cs casus.Case, invalid bool) error) (ConsentPage, error) {
	return s.consentChangeChecked(ctx, a, caseID, action, purpose, errs, nil, fn)
}

// consentChangeChecked is consentChange with check, which adds the field
// errors only the case and the student can tell (nil: none) to errs.
func (s *Service) consentChangeChecked(ctx context.Context, a Actor, caseID string, action casus.AccessAction, purpose string,
	errs casus.ValidationErrors, check func(c *Student, cs casus.Case) (casus.ValidationErrors, error),
	fn func(c *Student, cs casus.Case, invalid bool) error) (ConsentPage, error) {
	var p ConsentPage
	err := s.consentCase(ctx, a, caseID, action, purpose, func(c *Student, cs casus.Case) error {
		if check != nil {
			more, err := check(c, cs)
			if err != nil {
				return err
			}
			errs = append(errs, more...)
		}
		sight, err := c.namedSight(cs)
		if err != nil {
			return err
		}
		if err := fn(c, cs, errs != nil); err != nil {
			return err
		}
		if errs == nil {
			// Partners who lose sight of the student's name are told.
			return c.tellWhoLostSight(cs, sight)
		}
		c.e.Action, c.e.Purpose = casus.ActRead, purpose+" (invalid)"
		p, err = c.consentPage(cs)
		return err
	})
	if err == nil && errs != nil {
		return p, errs
	}
	return p, err
}

// RecordConsent records one decision of a student or guardian on a case
// that asks consent (casus.TakesConsent). A guardian's decision names which
// guardian answers (in.GuardianID, one of the student's guardians with
// parental authority; its name is recorded with the relation), unless the
// student has none on record, then in.GiverName. A child's own "yes" below
// the sector's band is recorded as assent (instemming), not consent.
// in.CaseID, StudentID and RecordedBy are set here. With errs, the page
// comes back with them (see consentChange).
func (s *Service) RecordConsent(ctx context.Context, a Actor, caseID string, in casus.Consent, errs casus.ValidationErrors) (ConsentPage, error) {
	check := func(c *Student, cs casus.Case) (casus.ValidationErrors, error) {
		if in.Giver != casus.GiverGuardian {
			in.GuardianID = ""
			return nil, nil
		}
		guardians, err := c.tx.Guardians(c.ctx, c.st.ID)
		if err != nil {
			return nil, err
		}
		var holders []casus.Guardian
		for _, g := range guardians {
			if g.ParentalAuthority {
				holders = append(holders, g)
			}
		}
		switch {
		case in.GuardianID == "" && len(holders) > 0:
			return casus.ValidationErrors{casus.FieldError("guardian", "consent.guardian_required", nil)}, nil
		case in.GuardianID == "" && in.GiverName == "":
			return casus.ValidationErrors{casus.FieldError("giver_name", "error.required", nil)}, nil
		case in.GuardianID == "":
			return nil, nil
		}
		i := slices.IndexFunc(holders, func(g casus.Guardian) bool { return g.ID == in.GuardianID })
		if i < 0 {
			return casus.ValidationErrors{casus.FieldError("guardian", "error.choice", nil)}, nil
		}
		in.GiverName = holders[i].Name
		if holders[i].Relation != "" {
			in.GiverName += " (" + holders[i].Relation + ")"
		}
		return nil, nil
	}
	return s.consentChangeChecked(ctx, a, caseID, casus.ActCreate, "consent decision", errs, check, func(c *Student, cs casus.Case, invalid bool) error {
		if invalid {
			return nil
		}
		if err := casus.TakesConsent(cs, c.st.Sector); err != nil {
			return err
		}
		if rule := casus.DefaultConsentRule(c.st, c.tx.Now()); !rule.Counts(in.Giver) && !in.Refused && in.Mode.Named() {
			in.Mode = casus.ConsentAssent // a child's own word below its band
		}
		in.CaseID, in.StudentID, in.RecordedBy = cs.ID, c.st.ID, c.u.ID
		return c.tx.RecordConsent(c.ctx, &in)
	})
}

// WithdrawConsent withdraws the case's consent consentID at once, with the
// reason; a refusal withdrawn stops blocking. A consent that is not the
// case's is not found.
func (s *Service) WithdrawConsent(ctx context.Context, a Actor, caseID, consentID, reason string, errs casus.ValidationErrors) (ConsentPage, error) {
	return s.consentChange(ctx, a, caseID, casus.ActChange, "consent withdrawal", errs, func(c *Student, cs casus.Case, invalid bool) error {
		consents, err := c.tx.Consents(c.ctx, cs.ID)
		if err != nil {
			return err
		}
		if !slices.ContainsFunc(consents, func(x casus.Consent) bool { return x.ID == consentID }) {
			return casus.ErrNotFound
		}
		if invalid {
			return nil
		}
		return c.tx.WithdrawConsent(c.ctx, consentID, c.tx.Now(), reason)
	})
}

// RecordConsentException records a documented exception on a case that
// asks consent: acute safety or the meldcode, with the reason, who decided
// and the partner disciplines it opens the case to (in.Scope; none: only
// the team's intern members). in.CaseID, RecordedBy and At are set here.
func (s *Service) RecordConsentException(ctx context.Context, a Actor, caseID string, in casus.ConsentException, errs casus.ValidationErrors) (ConsentPage, error) {
	return s.consentChange(ctx, a, caseID, casus.ActCreate, "consent exception", errs, func(c *Student, cs casus.Case, invalid bool) error {
		if invalid {
			return nil
		}
		if err := casus.TakesConsent(cs, c.st.Sector); err != nil {
			return err
		}
		in.CaseID, in.RecordedBy, in.At = cs.ID, c.u.ID, c.tx.Now()
		return c.tx.RecordConsentException(c.ctx, &in)
	})
}

// EndConsentException ends the case's exception exceptionID once its
// reason has gone: from that moment partners without consent see the case
// anonymously.
func (s *Service) EndConsentException(ctx context.Context, a Actor, caseID, exceptionID, reason string, errs casus.ValidationErrors) (ConsentPage, error) {
	return s.consentChange(ctx, a, caseID, casus.ActChange, "consent exception end", errs, func(c *Student, cs casus.Case, invalid bool) error {
		if !casus.ValidID(exceptionID) {
			return casus.ErrNotFound
		}
		if invalid {
			return nil
		}
		return c.tx.EndConsentException(c.ctx, cs.ID, exceptionID, c.tx.Now(), reason)
	})
}

// RecordInformed records, for an intern zorgteam case, whether the student
// and parents were told, or why not. in.CaseID and RecordedBy are set here.
func (s *Service) RecordInformed(ctx context.Context, a Actor, caseID string, in casus.CaseInformed, errs casus.ValidationErrors) (ConsentPage, error) {
	return s.consentChange(ctx, a, caseID, casus.ActCreate, "informed", errs, func(c *Student, cs casus.Case, invalid bool) error {
		if invalid {
			return nil
		}
		if cs.TeamKind != casus.TeamIntern || casus.AsksConsent(cs, c.st.Sector) {
			return &casus.Error{Code: casus.EINVALID, Key: "consent.intern_only"}
		}
		in.CaseID, in.RecordedBy = cs.ID, c.u.ID
		return c.tx.RecordInformed(c.ctx, &in)
	})
}

// ConsentDocFacts is what the consent form of a ZAT case says: the case,
// the student, the chair, the team's external partners and the default
// rule of who decides, at the store's now.
type ConsentDocFacts struct {
	Case      casus.Case
	Student   casus.Student
	Chair     string // "—" when the team has none
	Partners  []casus.TeamMember
	Rule      casus.ConsentRule
	Guardians []casus.Guardian // with parental authority: each signs by name
	Now       time.Time
}

// ConsentDocument gives the facts of the case's consent form, logged with
// action (printed, or exported as a PDF) and purpose. Only a ZAT case has a
// consent form (casus.TakesConsent).
func (s *Service) ConsentDocument(ctx context.Context, a Actor, caseID string, action casus.AccessAction, purpose string) (ConsentDocFacts, error) {
	var d ConsentDocFacts
	err := s.consentCase(ctx, a, caseID, action, purpose, func(c *Student, cs casus.Case) error {
		if err := casus.TakesConsent(cs, c.st.Sector); err != nil {
			return err
		}
		members, err := c.tx.TeamMembers(c.ctx, cs.TeamID)
		if err != nil {
			return err
		}
		guardians, err := c.tx.Guardians(c.ctx, c.st.ID)
		if err != nil {
			return err
		}
		now := c.tx.Now()
		d = ConsentDocFacts{Case: cs, Student: c.st, Chair: "—", Rule: casus.DefaultConsentRule(c.st, now), Now: now}
		for _, g := range guardians {
			if g.ParentalAuthority {
				d.Guardians = append(d.Guardians, g)
			}
		}
		for _, m := range members {
			if m.Chair {
				d.Chair = m.User.Name
			}
			if casus.IsPartner(m.User) {
				d.Partners = append(d.Partners, m)
			}
		}
		return nil
	})
	return d, err
}
