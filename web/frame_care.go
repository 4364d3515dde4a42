package web

import (
	"context"
	"errors"
	"net/http"
	"strings"

	"casus"
	"casus/storage"
)

// The old frame of the handlers that touch one student's data, kept for the
// files not yet moved to package app (issue "One door for every workflow");
// the use cases have theirs in app/frame.go.

// accessEntry starts an access-log entry for the request's user.
func (s *Server) accessEntry(r *http.Request, action casus.AccessAction, purpose string) *casus.AccessEntry {
	st := state(r)
	u := st.user
	return &casus.AccessEntry{UserID: u.ID, UserName: u.Name, Role: u.PrimaryRole(), OrgName: u.OrgName,
		Action: action, Purpose: purpose, RequestID: st.id, Instance: s.db.Instance,
		ClientAddr: s.clientAddr(r), UserAgent: userAgentClass(r.UserAgent()), Processing: processingOf(purpose)}
}

// processingOf maps a page label to its purpose of processing (NEN 7513):
// the label's first word or words decide, so "referral: new (refused)"
// still serves triage. Anything not listed is the student's care.
func processingOf(page string) casus.ProcessingPurpose {
	for _, p := range []struct {
		prefix  string
		purpose casus.ProcessingPurpose
	}{
		{"referral", casus.ProcessTriage},
		{"agenda", casus.ProcessDiscussion}, {"discussion", casus.ProcessDiscussion}, {"minutes", casus.ProcessDiscussion},
		{"access log", casus.ProcessAccountability}, {"complaint", casus.ProcessAccountability},
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
// privacy officer's legal duty, else the one the handler found (consent,
// an exception, anonymous), else the school's own team; a denial has none.
func logAccess(ctx context.Context, tx *storage.Tx, e *casus.AccessEntry, a casus.Access) error {
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
	return tx.LogAccess(ctx, e)
}

// setGrounds records on e the ground a partner's access rests on.
func setGrounds(e *casus.AccessEntry, g casus.Grounds) { e.Basis, e.BasisRef = g.Basis, g.Ref }

// refused records a request the policy allowed but the handler then
// refused — bad input, a stale version, an id that is not this student's —
// and returns it as a denial: updateLogged undoes what the request wrote
// and records the entry. An id that is not found is logged as denied, the
// rest as a read of the page shown again.
func refused(ctx context.Context, tx *storage.Tx, e *casus.AccessEntry, a casus.Access, err error) error {
	switch casus.ErrorCode(err) {
	case casus.ENOTFOUND:
		return logDenied(ctx, tx, e, err)
	case casus.EINVALID, casus.ECONFLICT, casus.EFORBIDDEN:
		e.Action, e.Purpose = casus.ActRead, e.Purpose+" (refused)"
		return &denial{err: err, entry: e, access: a}
	}
	return err
}

func truncate(s string, n int) string {
	if len(s) > n {
		return s[:n]
	}
	return s
}

// careCtx is what a care-file handler works with inside its transaction:
// the student, the user's relations to them and the access-log entry that
// will record the request.
type careCtx struct {
	ctx context.Context
	tx  *storage.Tx
	u   casus.User
	st  casus.Student
	rel casus.StudentRelations
	e   *casus.AccessEntry
}

// careTx runs fn for the student of the path in one transaction and logs the
// request with fn's policy decision, granted or denied, in that transaction.
// fn decides first and writes only when it allows (see refused for what an
// error from fn does). A malformed id, an unknown student and a denial all
// answer "not found". careTx reports whether the request was allowed; when
// not, it has written the response.
func (s *Server) careTx(w http.ResponseWriter, r *http.Request, action casus.AccessAction, purpose, objectKind string,
	fn func(c *careCtx) (casus.Access, error)) bool {
	id := r.PathValue("id")
	return s.studentTx(w, r, action, purpose, objectKind, id, false, func(*storage.Tx) (string, error) { return id, nil }, fn)
}

// studentTx is the frame of every handler that touches one student's data:
// in one transaction it finds the student (student maps the object of the
// path to the student's id, or fails with ENOTFOUND), gathers the user's
// relations, lets fn decide and act, and writes the access-log entry with
// the decision. A partner without consent is denied before fn runs — these
// pages name and describe the student — unless anonymousOK says the request
// shows nothing of the student (such as an action owner's progress report).
func (s *Server) studentTx(w http.ResponseWriter, r *http.Request, action casus.AccessAction, purpose, objectKind, objectID string,
	anonymousOK bool, student func(tx *storage.Tx) (string, error), fn func(c *careCtx) (casus.Access, error)) bool {
	ctx := r.Context()
	u := *state(r).user
	allowed := false
	err := s.updateLogged(ctx, func(tx *storage.Tx) error {
		e := s.accessEntry(r, action, purpose)
		e.ObjectKind, e.ObjectID = objectKind, truncate(objectID, 64)
		if !casus.ValidID(objectID) {
			return logAccess(ctx, tx, e, casus.Access{})
		}
		var a casus.Access
		var st casus.Student
		var rel casus.StudentRelations
		id, err := student(tx)
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
			if named := g.Basis != casus.BasisAnonymous; named || anonymousOK {
				if a, err = fn(&careCtx{ctx: ctx, tx: tx, u: u, st: st, rel: rel, e: e}); err != nil {
					return refused(ctx, tx, e, a, err)
				}
			}
		}
		if err := logAccess(ctx, tx, e, a); err != nil {
			return err
		}
		allowed = a.Allowed
		return nil
	})
	if err != nil {
		var fr *formRefusal
		if errors.As(err, &fr) {
			fr.render(fr.errs)
		} else {
			s.renderError(w, r, err)
		}
		return false
	}
	if !allowed {
		s.renderError(w, r, casus.ErrNotFound)
		return false
	}
	return true
}

// careEntryFor looks up the entry of the path in the student's file. A
// malformed or unknown id, or one of another student, gives found false.
func careEntryFor(c *careCtx, r *http.Request) (casus.CareEntry, bool, error) {
	return pathRecord(c, r, "entry", c.tx.CareEntry)
}

// pathRecord reads, with get, the student's record that the path value
// name gives the id of, and makes that id the object of the access-log
// entry. A malformed or unknown id, or one of another student, gives found
// false.
func pathRecord[T any](c *careCtx, r *http.Request, name string,
	get func(ctx context.Context, studentID, id string) (T, error)) (T, bool, error) {
	id := r.PathValue(name)
	c.e.ObjectID = truncate(id, 64)
	return studentRecord(c, id, get)
}

// studentRecord reads the student's record id with get; found is false for
// a malformed, unknown or other student's id.
func studentRecord[T any](c *careCtx, id string, get func(ctx context.Context, studentID, id string) (T, error)) (T, bool, error) {
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

// entryTx runs fn in careTx for the entry of the path when policy allows
// the user that entry. An unknown entry answers "not found", as a denial
// does.
func (s *Server) entryTx(w http.ResponseWriter, r *http.Request, action casus.AccessAction, purpose, objectKind string,
	policy func(casus.User, casus.StudentRelations, casus.CareEntry) casus.Access,
	fn func(c *careCtx, e casus.CareEntry) error) bool {
	return s.careTx(w, r, action, purpose, objectKind, func(c *careCtx) (casus.Access, error) {
		e, found, err := careEntryFor(c, r)
		if err != nil || !found {
			return casus.Access{}, err
		}
		a := policy(c.u, c.rel, e)
		if !a.Allowed {
			return a, nil
		}
		return a, fn(c, e)
	})
}

// historyVersion is a version of an entry as loadEntryExtras marks it; the
// entry page now reads it from app.CareEntryHistory.
type historyVersion struct {
	casus.EntryVersion
	Visible bool              // the user may read this version's content
	Request *rectificationRef // the request for rectification this version answered
}
