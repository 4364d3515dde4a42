package web

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"time"

	"casus"
	"casus/storage"
)

// partnerNamed reports whether u, if an external partner, may know who the
// student is (see seesIdentity); for everyone else it is true without a
// lookup. Referrals name the student in every part, so a partner without
// consent does not get them at all.
func partnerNamed(ctx context.Context, tx *storage.Tx, u casus.User, studentID string) (bool, error) {
	g, err := partnerGrounds(ctx, tx, u, studentID)
	return g.Basis != casus.BasisAnonymous, err
}

// partnerGrounds is partnerNamed with the ground: for school staff the
// team, for a partner the policy's (identityGrounds), anonymous when the
// partner may not see the student at all.
func partnerGrounds(ctx context.Context, tx *storage.Tx, u casus.User, studentID string) (casus.Grounds, error) {
	if !u.HasRole(casus.RolePartner) {
		return casus.Grounds{Basis: casus.BasisTeam}, nil
	}
	st, rel, err := tx.StudentFor(ctx, u.ID, studentID)
	if err != nil {
		return casus.Grounds{}, err
	}
	a := casus.CanViewStudent(u, rel)
	if !a.Allowed {
		return casus.Grounds{Basis: casus.BasisAnonymous}, nil
	}
	return identityGrounds(ctx, tx, u, a.Relation, st)
}

// identityGrounds asks the policy on what ground u, let in with relation
// rel, sees who the student is (casus.IdentityGrounds), gathering the
// consent of the cases that relate an external partner to the student.
func identityGrounds(ctx context.Context, tx *storage.Tx, u casus.User, rel casus.Relation, st casus.Student) (casus.Grounds, error) {
	if g := casus.IdentityGrounds(u, rel, st, nil, tx.Now()); g.Basis == casus.BasisTeam {
		return g, nil // nothing to look up: school staff, or no partner relation
	}
	pcs, err := tx.PartnerCases(ctx, u.ID, st.ID)
	if err != nil {
		return casus.Grounds{}, err
	}
	cases := make([]casus.CaseConsent, len(pcs))
	for i, pc := range pcs {
		cases[i].Kind, cases[i].Member = pc.Case.TeamKind, pc.Member
		if pc.Case.TeamKind == casus.TeamIntern && pc.Member {
			continue
		}
		if cases[i].Consents, err = tx.Consents(ctx, pc.Case.ID); err != nil {
			return casus.Grounds{}, err
		}
		exc, ok, err := tx.ConsentException(ctx, pc.Case.ID)
		if err != nil {
			return casus.Grounds{}, err
		}
		if ok {
			cases[i].Exception = &exc
		}
	}
	return casus.IdentityGrounds(u, rel, st, cases, tx.Now()), nil
}

// consentPage is a case's consent: the default rule, every decision with its
// state, the exception, what each partner discipline sees, and the forms.
type consentPage struct {
	Case        casus.Case
	StudentID   string
	StudentName string
	Age         int
	Rule        casus.ConsentRule
	Decisions   []consentRow
	Exception   *casus.ConsentException
	Partners    []partnerSight
	Informed    []casus.CaseInformed
	Choices     consentChoices
}

// consentRow is one decision with what it means today.
type consentRow struct {
	casus.Consent
	State string // in_force, withdrawn, expired, refused, superseded
}

// partnerSight says whether a partner discipline sees the student by name.
type partnerSight struct {
	Discipline casus.Discipline
	Named      bool
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

// consentCtx is a consent handler's transaction state.
type consentCtx struct {
	careCtx
	c casus.Case
}

// consentTx runs fn for the case of the path in one transaction, with the
// access decision for managing its consent, logged like every student
// access. An unknown case, one the user may not manage, and a malformed id
// all answer "not found".
func (s *Server) consentTx(w http.ResponseWriter, r *http.Request, action casus.AccessAction, purpose string,
	fn func(c *consentCtx) error) bool {
	return s.caseTx(w, r, action, purpose, "consent", casus.CanManageConsent, func(cc *careCtx, c casus.Case, _ casus.Access) error {
		return fn(&consentCtx{careCtx: *cc, c: c})
	})
}

// loadConsentPage fills the page for the case.
func (s *Server) loadConsentPage(c *consentCtx) (consentPage, error) {
	ctx, tx, now := c.ctx, c.tx, c.tx.Now()
	p := consentPage{Case: c.c, StudentID: c.st.ID, StudentName: c.st.Name(), Age: c.st.AgeOn(now),
		Rule: casus.DefaultConsentRule(c.st, now), Choices: theConsentChoices}
	consents, err := tx.Consents(ctx, c.c.ID)
	if err != nil {
		return p, err
	}
	for i := len(consents) - 1; i >= 0; i-- {
		cn := consents[i]
		row := consentRow{Consent: cn, State: "in_force"}
		latest, _ := casus.LatestConsent(consents, cn.Giver, now)
		switch {
		case cn.Refused:
			row.State = "refused"
		case cn.Withdrawn != nil && !now.Before(*cn.Withdrawn):
			row.State = "withdrawn"
		case cn.ExpiresAt != nil && !now.Before(*cn.ExpiresAt):
			row.State = "expired"
		case latest.ID != cn.ID:
			row.State = "superseded"
		}
		p.Decisions = append(p.Decisions, row)
	}
	exc, ok, err := tx.ConsentException(ctx, c.c.ID)
	if err != nil {
		return p, err
	}
	if ok {
		p.Exception = &exc
	}
	for _, d := range casus.PartnerDisciplines {
		if d == casus.DiscOther {
			continue
		}
		named := c.c.TeamKind == casus.TeamIntern || casus.NamedFor(d, p.Rule, consents, p.Exception, now)
		p.Partners = append(p.Partners, partnerSight{Discipline: d, Named: named})
	}
	if c.c.TeamKind == casus.TeamIntern {
		if p.Informed, err = tx.Informed(ctx, c.c.ID); err != nil {
			return p, err
		}
	}
	return p, nil
}

func (s *Server) consentView(r *http.Request, p consentPage, f *form) *view {
	v := s.newView(r, "consent.title", p)
	v.Form = f
	return v
}

// consentForm is the decision form with the default giver preselected.
func (s *Server) consentForm(p consentPage) *form {
	f := &form{Values: url.Values{"giver": {string(p.Rule.Required[0])}, "how": {string(casus.HowSignedForm)},
		"given_on": {s.today().Format(time.DateOnly)}}}
	if p.Rule.Required[0] == casus.GiverStudent {
		f.Values.Set("giver_name", p.StudentName)
	}
	return f
}

func (s *Server) handleConsent(w http.ResponseWriter, r *http.Request) {
	var p consentPage
	ok := s.consentTx(w, r, casus.ActRead, "consent", func(c *consentCtx) error {
		var err error
		p, err = s.loadConsentPage(c)
		return err
	})
	if !ok {
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

// consentPost handles one of the consent page's forms: it reads the body
// and runs fn in the consent transaction. fn validates into f and writes
// only when f has no errors; with errors the page comes back with the
// messages (the request logged as a read, nothing else written), without
// them the user goes back to the page with the notice saved.
func (s *Server) consentPost(w http.ResponseWriter, r *http.Request, action casus.AccessAction, purpose, saved string,
	fn func(c *consentCtx, f *form) error) {
	f, err := parseForm(w, r)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	var p consentPage
	ok := s.consentTx(w, r, action, purpose, func(c *consentCtx) error {
		if err := fn(c, f); err != nil || f.Errs == nil {
			return err
		}
		c.e.Action, c.e.Purpose = casus.ActRead, purpose+" (invalid)"
		var err error
		p, err = s.loadConsentPage(c)
		return err
	})
	switch {
	case !ok:
	case f.Errs != nil:
		s.render(w, r, http.StatusBadRequest, "consent", s.consentView(r, p, f))
	default:
		http.Redirect(w, r, "/cases/"+r.PathValue("id")+"/consent?saved="+saved, http.StatusSeeOther)
	}
}

// handleConsentRecord records one decision of a student or guardian.
func (s *Server) handleConsentRecord(w http.ResponseWriter, r *http.Request) {
	s.consentPost(w, r, casus.ActCreate, "consent decision", "consent", func(c *consentCtx, f *form) error {
		cn := casus.Consent{CaseID: c.c.ID, StudentID: c.st.ID, RecordedBy: c.u.ID,
			Giver:     casus.ConsentGiver(f.choice("giver", true, stringsOf(theConsentChoices.Givers)...)),
			GiverName: f.text("giver_name", textRule{required: true, max: consentNameMax}),
			How:       casus.ConsentHow(f.choice("how", true, stringsOf(theConsentChoices.Hows)...)),
			GivenAt:   s.careDateField(f, "given_on"),
		}
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
		if f.Errs != nil {
			return nil
		}
		if c.c.TeamKind != casus.TeamZAT {
			return &casus.Error{Code: casus.EINVALID, Key: "consent.zat_only"}
		}
		return c.tx.RecordConsent(c.ctx, &cn)
	})
}

// handleConsentWithdraw withdraws a consent at once, with the reason.
func (s *Server) handleConsentWithdraw(w http.ResponseWriter, r *http.Request) {
	s.consentPost(w, r, casus.ActChange, "consent withdrawal", "withdrawn", func(c *consentCtx, f *form) error {
		reason := f.paragraphs("reason", textRule{required: true, max: consentReasonMax})
		id := r.PathValue("consent")
		consents, err := c.tx.Consents(c.ctx, c.c.ID)
		if err != nil {
			return err
		}
		if !slices.ContainsFunc(consents, func(x casus.Consent) bool { return x.ID == id }) {
			return casus.ErrNotFound
		}
		if f.Errs != nil {
			return nil
		}
		return c.tx.WithdrawConsent(c.ctx, id, c.tx.Now(), reason)
	})
}

// handleConsentException records a documented exception: acute safety or
// the meldcode, with the reason and who decided.
func (s *Server) handleConsentException(w http.ResponseWriter, r *http.Request) {
	s.consentPost(w, r, casus.ActCreate, "consent exception", "exception", func(c *consentCtx, f *form) error {
		e := casus.ConsentException{CaseID: c.c.ID, RecordedBy: c.u.ID, At: c.tx.Now(),
			Reason:    f.paragraphs("exception_reason", textRule{required: true, max: consentReasonMax}),
			DecidedBy: f.text("decided_by", textRule{required: true, max: consentNameMax}),
		}
		if f.Errs != nil {
			return nil
		}
		if c.c.TeamKind != casus.TeamZAT {
			return &casus.Error{Code: casus.EINVALID, Key: "consent.zat_only"}
		}
		return c.tx.RecordConsentException(c.ctx, &e)
	})
}

// handleConsentExceptionEnd ends the case's exception once its reason has
// gone: from that moment partners without consent see the case anonymously.
func (s *Server) handleConsentExceptionEnd(w http.ResponseWriter, r *http.Request) {
	s.consentPost(w, r, casus.ActChange, "consent exception end", "exception_ended", func(c *consentCtx, f *form) error {
		reason := f.paragraphs("end_reason", textRule{required: true, max: consentReasonMax})
		id := r.PathValue("exception")
		if !casus.ValidID(id) {
			return casus.ErrNotFound
		}
		if f.Errs != nil {
			return nil
		}
		return c.tx.EndConsentException(c.ctx, c.c.ID, id, c.tx.Now(), reason)
	})
}

// handleInformed records, for an intern zorgteam case, whether the student
// and parents were told, or why not.
func (s *Server) handleInformed(w http.ResponseWriter, r *http.Request) {
	s.consentPost(w, r, casus.ActCreate, "informed", "informed", func(c *consentCtx, f *form) error {
		i := casus.CaseInformed{CaseID: c.c.ID, RecordedBy: c.u.ID,
			Informed: f.choice("informed", true, "yes", "no") == "yes"}
		if i.Informed {
			i.Who = f.text("who", textRule{required: true, max: consentNameMax})
		} else if f.Error("informed") == nil {
			i.ReasonNot = f.paragraphs("reason_not", textRule{required: true, max: consentReasonMax})
		}
		if f.Errs != nil {
			return nil
		}
		if c.c.TeamKind != casus.TeamIntern {
			return &casus.Error{Code: casus.EINVALID, Key: "consent.intern_only"}
		}
		return c.tx.RecordInformed(c.ctx, &i)
	})
}
