package app

import (
	"context"
	"errors"
	"strings"

	"casus"
	"casus/storage"
)

// The one frame. Every use case that reads or changes a student's data runs
// in update (or student, on top of it): one write transaction whose business
// step runs under a savepoint. A refusal — not found, invalid, conflict,
// forbidden — returns to the savepoint, so nothing the refused request wrote
// survives, then records the refusal's access-log entry and commits. Every
// read of a student's data therefore has its entry in the same transaction,
// and a failed log write fails the read.

// entry starts an access-log entry for the actor's request.
func (s *Service) entry(a Actor, action casus.AccessAction, purpose string) *casus.AccessEntry {
	u := a.User
	name := u.Name
	if a.Token != "" {
		name = "API: " + a.Token
	}
	return &casus.AccessEntry{UserID: u.ID, UserName: name, Role: u.PrimaryRole(), OrgName: u.OrgName,
		Action: action, Purpose: purpose, RequestID: a.RequestID, Instance: s.db.Instance,
		ClientAddr: a.ClientAddr, UserAgent: a.UserAgent, Processing: ProcessingOf(purpose)}
}

// ProcessingOf maps a page label to its purpose of processing (NEN 7513):
// the label's first word or words decide, so "referral: new (refused)"
// still serves triage. Anything not listed is the student's care.
func ProcessingOf(page string) casus.ProcessingPurpose {
	for _, p := range []struct {
		prefix  string
		purpose casus.ProcessingPurpose
	}{
		{"referral", casus.ProcessTriage},
		{"agenda", casus.ProcessDiscussion}, {"discussion", casus.ProcessDiscussion}, {"minutes", casus.ProcessDiscussion},
		{"access log", casus.ProcessAccountability}, {"complaint", casus.ProcessAccountability},
		{"figures", casus.ProcessAccountability}, {"signals", casus.ProcessAccountability}, {"policy signal", casus.ProcessAccountability},
		{"export", casus.ProcessPrivacyRequest}, {"rectification", casus.ProcessPrivacyRequest},
		{"access request", casus.ProcessPrivacyRequest},
		{"retention", casus.ProcessRetention}, {"legal hold", casus.ProcessRetention},
		{"student left school", casus.ProcessRetention}, {"erasure", casus.ProcessRetention},
	} {
		if strings.HasPrefix(page, p.prefix) {
			return p.purpose
		}
	}
	return casus.ProcessCare
}

// logAccess writes the entry with the policy's decision. The basis is the
// privacy officer's legal duty, else the one the use case found (consent,
// an exception, anonymous), else the school's own team; a denial has none.
func logAccess(ctx context.Context, tx *storage.Tx, e *casus.AccessEntry, a casus.Access) error {
	decided(e, a)
	return tx.LogAccess(ctx, e)
}

// decided records on e the policy's decision a: relation, outcome and
// basis (see logAccess).
func decided(e *casus.AccessEntry, a casus.Access) {
	e.Relation, e.Outcome = a.Relation, casus.OutcomeGranted
	switch {
	case !a.Allowed:
		e.Relation, e.Outcome, e.Basis, e.BasisRef = casus.RelNone, casus.OutcomeDenied, casus.BasisNone, ""
	case a.Relation == casus.RelPrivacyOfficer:
		e.Basis, e.BasisRef = casus.BasisLegalDuty, ""
	case e.Basis != "":
	default:
		e.Basis = casus.BasisTeam
	}
}

// setGrounds records on e the ground a partner's access rests on.
func setGrounds(e *casus.AccessEntry, g casus.Grounds) { e.Basis, e.BasisRef = g.Basis, g.Ref }

// denial marks an access that was refused: update undoes what the request
// wrote, records the entry with the decision and commits, and returns err.
type denial struct {
	err    error
	entry  *casus.AccessEntry
	access casus.Access
}

func (d *denial) Error() string { return "denied: " + d.err.Error() }

// deny refuses the request as denied, showing show (usually not found);
// update records e once what the request wrote is undone.
func deny(e *casus.AccessEntry, show error) error {
	return &denial{err: show, entry: e}
}

// refused records a request the policy allowed but the use case then
// refused — bad input, a stale version, an id that is not this student's —
// and returns it as a denial: update undoes what the request wrote and
// records the entry. An id that is not found is logged as denied, the rest
// as a read of the page shown again.
func refused(e *casus.AccessEntry, a casus.Access, err error) error {
	switch casus.ErrorCode(err) {
	case casus.ENOTFOUND:
		return deny(e, err)
	case casus.EINVALID, casus.ECONFLICT, casus.EFORBIDDEN:
		e.Action, e.Purpose = casus.ActRead, e.Purpose+" (refused)"
		return &denial{err: err, entry: e, access: a}
	}
	return err
}

// update runs fn in a transaction, its business step under a savepoint. A
// denial returns to the savepoint — nothing the refused request wrote
// survives — then records the denial's access-log entry and commits; it is
// returned as the error to show.
func (s *Service) update(ctx context.Context, fn func(tx *storage.Tx) error) error {
	var d *denial
	err := s.db.Update(ctx, func(tx *storage.Tx) error {
		step, err := tx.Step(ctx)
		if err != nil {
			return err
		}
		err = fn(tx)
		if !errors.As(err, &d) {
			return err
		}
		if err := step.Undo(ctx); err != nil {
			return err
		}
		if d.entry == nil {
			return nil
		}
		return logAccess(ctx, tx, d.entry, d.access)
	})
	if err == nil && d != nil {
		return d.err
	}
	return err
}

// Student is what a use case on one student's data works with inside the
// frame: the student, the actor's relations to them and the access-log
// entry that will record the request.
type Student struct {
	ctx   context.Context
	tx    *storage.Tx
	actor Actor
	u     casus.User
	st    casus.Student
	rel   casus.StudentRelations
	e     *casus.AccessEntry
}

// studentReq says which student a use case touches and how it is logged.
type studentReq struct {
	action     casus.AccessAction
	purpose    string
	objectKind string
	objectID   string
	// anonymousOK lets a partner without consent through when the request
	// shows nothing of who the student is (an action owner's report).
	anonymousOK bool
	// studentOf maps the object to the student's id; nil when the object is
	// the student.
	studentOf func(tx *storage.Tx) (string, error)
}

// student is the frame of every use case that touches one student's data:
// in one transaction it finds the student, gathers the actor's relations,
// lets fn decide and act, and writes the access-log entry with the
// decision. A partner without consent is denied before fn runs — these
// pages name and describe the student — unless req.anonymousOK. A malformed
// id, an unknown student and a denial all return casus.ErrNotFound (logged
// as denied). fn returns the policy's decision; an error from fn is a
// refusal (see refused).
func (s *Service) student(ctx context.Context, a Actor, req studentReq, fn func(c *Student) (casus.Access, error)) error {
	u := a.User
	allowed := false
	err := s.update(ctx, func(tx *storage.Tx) error {
		e := s.entry(a, req.action, req.purpose)
		e.ObjectKind, e.ObjectID = req.objectKind, truncate(req.objectID, 64)
		if !casus.ValidID(req.objectID) {
			return logAccess(ctx, tx, e, casus.Access{})
		}
		var acc casus.Access
		var st casus.Student
		var rel casus.StudentRelations
		id, err := req.objectID, error(nil)
		if req.studentOf != nil {
			id, err = req.studentOf(tx)
		}
		if err == nil {
			// An unknown object leaves rel empty: no query with an id that is
			// no student's (on PostgreSQL a failed statement spoils the
			// transaction the denial is logged in).
			st, rel, err = tx.StudentFor(ctx, u.ID, id)
		}
		if err != nil && casus.ErrorCode(err) != casus.ENOTFOUND {
			return err
		}
		if rel.Exists {
			e.StudentID = st.ID
			g, err := partnerGrounds(ctx, tx, u, st.ID)
			if err != nil {
				return err
			}
			setGrounds(e, g)
			if named := g.Basis != casus.BasisAnonymous; named || req.anonymousOK {
				if acc, err = fn(&Student{ctx: ctx, tx: tx, actor: a, u: u, st: st, rel: rel, e: e}); err != nil {
					return refused(e, acc, err)
				}
			}
		}
		if err := logAccess(ctx, tx, e, acc); err != nil {
			return err
		}
		allowed = acc.Allowed
		return nil
	})
	if err == nil && !allowed {
		return casus.ErrNotFound
	}
	return err
}

// partnerNamed reports whether u, if an external partner, may know who the
// student is; for everyone else it is true without a lookup.
func partnerNamed(ctx context.Context, tx *storage.Tx, u casus.User, studentID string) (bool, error) {
	g, err := partnerGrounds(ctx, tx, u, studentID)
	return g.Basis != casus.BasisAnonymous, err
}

// partnerGrounds is the ground u sees the student on: for school staff the
// team, for a partner the policy's (identityGrounds), anonymous when the
// partner may not see the student at all.
func partnerGrounds(ctx context.Context, tx *storage.Tx, u casus.User, studentID string) (casus.Grounds, error) {
	if !casus.IsPartner(u) {
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
		if pc.Case.TeamKind == casus.TeamIntern && pc.Member && !casus.AsksConsent(pc.Case, st.Sector) {
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

func truncate(s string, n int) string {
	if len(s) > n {
		return s[:n]
	}
	return s
}

// inCase runs fn in the student frame for the case caseID, logged as an
// object of req.objectKind, when policy allows the actor the case's
// student; fn gets the case and the granted access. An unknown case, a
// denial and a malformed id all return casus.ErrNotFound.
func (s *Service) inCase(ctx context.Context, a Actor, req studentReq, policy func(casus.User, casus.StudentRelations) casus.Access,
	fn func(c *Student, cs casus.Case, acc casus.Access) error) error {
	var cs casus.Case
	req.studentOf = func(tx *storage.Tx) (string, error) {
		var err error
		cs, err = tx.Case(ctx, req.objectID)
		return cs.StudentID, err
	}
	return s.student(ctx, a, req, func(c *Student) (casus.Access, error) {
		acc := policy(c.u, c.rel)
		if !acc.Allowed {
			return acc, nil
		}
		return acc, fn(c, cs, acc)
	})
}

// studentRecord reads the student's record id with get; found is false for
// a malformed, unknown or other student's id.
func studentRecord[T any](c *Student, id string, get func(ctx context.Context, studentID, id string) (T, error)) (T, bool, error) {
	if !casus.ValidID(id) {
		var zero T
		return zero, false, nil
	}
	v, err := get(c.ctx, c.st.ID, id)
	if casus.ErrorCode(err) == casus.ENOTFOUND {
		return v, false, nil
	}
	return v, err == nil, err
}

// listing is the frame of a list that names students — the student list,
// the task list, an agenda, the minutes: one transaction (update's, so a
// refusal is undone as anywhere else) in which every row passes through row,
// which takes the policy's decision, finds whether the actor may know who
// the student is, and makes the row's access-log entry. A row the actor
// may not see is left out and logged nowhere: its existence stays unsaid.
// The entries are written in one batch at the end of the list, in its
// transaction, before the commit: the page's reads and their entries commit
// together, and the log costs the page a fixed number of statements
// (storage.LogAccessBatch) however many rows it shows.
type listing struct {
	ctx     context.Context
	tx      *storage.Tx
	s       *Service
	a       Actor
	action  casus.AccessAction
	purpose string
	entries []*casus.AccessEntry
}

// list runs fn in the frame of a list whose rows are logged as action with
// purpose, and writes the rows' entries when fn succeeds. A refused list
// writes none: update returns to the savepoint as for any refusal.
func (s *Service) list(ctx context.Context, a Actor, action casus.AccessAction, purpose string, fn func(l *listing) error) error {
	return s.update(ctx, func(tx *storage.Tx) error {
		l := &listing{ctx: ctx, tx: tx, s: s, a: a, action: action, purpose: purpose}
		if err := fn(l); err != nil {
			return err
		}
		return tx.LogAccessBatch(ctx, l.entries)
	})
}

// rowShown says how a row is shown.
type rowShown int

const (
	rowHidden    rowShown = iota // left out, not logged
	rowNamed                     // shown with who the student is
	rowAnonymous                 // shown without (a partner without consent)
)

// row decides one row about student st, shown as the object kind/id, on the
// policy's decision acc, and logs it. An anonymous row is logged with the
// purpose's "(anonymous)" variant; with anonymousOK false it is left out
// instead (a page that describes the student, or a name search that would
// confirm who an anonymous case is).
func (l *listing) row(st casus.Student, acc casus.Access, kind, id string, anonymousOK bool) (rowShown, error) {
	if !acc.Allowed {
		return rowHidden, nil
	}
	g, err := identityGrounds(l.ctx, l.tx, l.a.User, acc.Relation, st)
	if err != nil {
		return rowHidden, err
	}
	shown, purpose := rowNamed, l.purpose
	if g.Basis == casus.BasisAnonymous {
		if !anonymousOK {
			return rowHidden, nil
		}
		shown, purpose = rowAnonymous, l.purpose+" (anonymous)"
	}
	e := l.s.entry(l.a, l.action, purpose)
	setGrounds(e, g)
	e.StudentID, e.ObjectKind, e.ObjectID = st.ID, kind, id
	decided(e, acc)
	l.entries = append(l.entries, e)
	return shown, nil
}
