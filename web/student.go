package web

import (
	"context"
	"net/http"
	"slices"
	"strings"

	"casus"
	"casus/storage"
)

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

type studentPage struct {
	Student      casus.Student
	Age          int
	AgeBand      string // instead of the age on an anonymous page
	Relation     casus.Relation
	View         casus.StudentView
	Guardians    []casus.Guardian
	Cases        []casus.Case
	CanRefer     bool // may start a referral (aanmelding) of the student
	Care         careSection
	Anonymous    bool // a partner without consent: no name, date of birth, number or group
	Actions      actionSection
	Advice       adviceSection
	Agenda       []storage.ScheduledItem // coming meetings that will discuss the student
	CanCrisis    bool                    // may record a crisis
	CanConsent   bool                    // may record consent for the student's cases
	CanClose     bool                    // may close and reopen the cases
	CloseReasons []casus.CloseReason
	Closure      closureSection // goals to evaluate on closing, and the cases' history
	CanReadLog   bool           // may read the student's access log and run the export
	CanRetention bool           // may see the retention date, set legal holds, erase
	CanMeldcode  bool           // may open the meldcode: the zorgcoördinator and the people named
}

// handleStudent shows a student's page with what the user's relation allows.
// A denied request and an unknown student look the same: not found.
func (s *Server) handleStudent(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	u := *state(r).user
	id := r.PathValue("id")
	var page studentPage
	allowed := false
	err := s.db.Update(ctx, func(tx *storage.Tx) error {
		e := s.accessEntry(r, casus.ActRead, "student page")
		e.ObjectKind, e.ObjectID = "student", truncate(id, 64)
		if !casus.ValidID(id) {
			return logAccess(ctx, tx, e, casus.Access{})
		}
		st, rel, err := tx.StudentFor(ctx, u.ID, id)
		if err != nil && casus.ErrorCode(err) != casus.ENOTFOUND {
			return err
		}
		if rel.Exists {
			e.StudentID = st.ID
		}
		a := casus.CanViewStudent(u, rel)
		named := true
		if a.Allowed {
			g, err := identityGrounds(ctx, tx, u, a.Relation, st)
			if err != nil {
				return err
			}
			setGrounds(e, g)
			if named = g.Basis != casus.BasisAnonymous; !named {
				e.Purpose = "student page (anonymous)"
			}
		}
		if err := logAccess(ctx, tx, e, a); err != nil || !a.Allowed {
			return err
		}
		allowed = true
		referAccess := casus.CanCreateReferral(u, rel)
		page = studentPage{Student: st, Age: st.AgeOn(tx.Now()), Relation: a.Relation, View: casus.ViewFor(a.Relation),
			Anonymous: !named}
		if page.Anonymous {
			// What a partner without consent may know: the case, not the person.
			page.Student = casus.Student{ID: st.ID, SchoolID: st.SchoolID, SchoolName: st.SchoolName, Sector: st.Sector, Level: st.Level}
			page.Age, page.AgeBand = 0, st.AgeBand(tx.Now())
			page.View = casus.StudentView{Cases: page.View.Cases}
		}
		page.CanRefer = referAccess.Allowed
		if page.View.Guardians {
			if page.Guardians, err = tx.Guardians(ctx, st.ID); err != nil {
				return err
			}
		}
		if page.View.Cases {
			if page.Cases, err = tx.Cases(ctx, st.ID); err != nil {
				return err
			}
		}
		if page.View.Agenda {
			if page.Agenda, err = tx.StudentAgenda(ctx, st.ID, tx.Now()); err != nil {
				return err
			}
		}
		page.CanCrisis = casus.CanRecordCrisis(u, rel).Allowed
		page.CanConsent = casus.CanManageConsent(u, rel).Allowed
		page.CanClose, page.CloseReasons = casus.CanCloseCase(u, rel).Allowed, casus.CloseReasons
		page.CanReadLog = casus.CanReadAccessLog(u, rel, st.SchoolID).Allowed && !page.Anonymous
		page.CanRetention = casus.CanManageRetention(u, rel).Allowed
		if page.CanMeldcode, err = canMeldcode(ctx, tx, u, rel, st.ID); err != nil {
			return err
		}
		if page.Anonymous {
			return nil // the care file would tell who it is
		}
		if page.View.Cases {
			if page.Actions, err = s.loadActionSection(r, tx, u, st, rel, page.Cases); err != nil {
				return err
			}
		}
		if page.Closure, err = loadClosureSection(ctx, tx, u, rel, page.Cases); err != nil {
			return err
		}
		if page.Advice, err = s.loadAdviceSection(r, tx, u, st, rel, page.Cases); err != nil {
			return err
		}
		if page.Care, err = s.careSection(ctx, tx, u, st, rel); err != nil {
			return err
		}
		return nil
	})
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	if !allowed {
		s.renderError(w, r, casus.ErrNotFound)
		return
	}
	v := s.newView(r, "student.title", page)
	switch {
	case r.URL.Query().Get("saved") == "care":
		v.Notice = "care.saved"
	case r.URL.Query().Get("crisis") == "1":
		v.Notice = "crisis.saved"
	case r.URL.Query().Get("saved") == "action":
		v.Notice = "action.saved"
	case r.URL.Query().Get("saved") == "advice":
		v.Notice = "advice.saved"
	case r.URL.Query().Get("saved") == "closed":
		v.Notice = "closure.closed"
	case r.URL.Query().Get("saved") == "reopened":
		v.Notice = "closure.reopened"
	}
	s.render(w, r, http.StatusOK, "student", v)
}

type studentsPage struct {
	Query    string
	Searched bool
	Students []listedStudent
}

// listedStudent is a row of the student list; an anonymous one shows no
// name, number or group.
type listedStudent struct {
	casus.Student
	Anonymous bool
}

// studentListLimit bounds one list or search result.
const studentListLimit = 50

// handleStudents lists the students the user has a relation to; POST
// searches them. The query travels in the body, never the URL, because it is
// a name. Every student shown is logged.
func (s *Server) handleStudents(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	u := *state(r).user
	if !u.SeesStudentData() {
		s.renderError(w, r, &casus.Error{Code: casus.EFORBIDDEN, Key: "error.forbidden"})
		return
	}
	var page studentsPage
	var f *form
	if r.Method == http.MethodPost {
		var err error
		if f, err = parseForm(w, r); err != nil {
			s.renderError(w, r, err)
			return
		}
		page.Query = f.text("q", textRule{max: 100})
		page.Searched = true
		if f.Errs != nil {
			v := s.newView(r, "students.title", page)
			v.Form = f
			s.render(w, r, http.StatusBadRequest, "students", v)
			return
		}
	}
	err := s.db.Update(ctx, func(tx *storage.Tx) error {
		candidates, rels, err := tx.StudentCandidates(ctx, u.ID, page.Query, studentListLimit)
		if err != nil {
			return err
		}
		for i, st := range candidates {
			a := casus.CanViewStudent(u, rels[i])
			if !a.Allowed {
				continue
			}
			g, err := identityGrounds(ctx, tx, u, a.Relation, st)
			if err != nil {
				return err
			}
			named := g.Basis != casus.BasisAnonymous
			if !named && page.Query != "" {
				continue // a name search must not confirm who an anonymous case is
			}
			row := listedStudent{Student: st, Anonymous: !named}
			if row.Anonymous {
				row.Student = casus.Student{ID: st.ID, SchoolName: st.SchoolName, Sector: st.Sector, Level: st.Level}
			}
			e := s.accessEntry(r, casus.ActSearch, "student list")
			setGrounds(e, g)
			if row.Anonymous {
				e.Purpose = "student list (anonymous)"
			}
			e.StudentID, e.ObjectKind, e.ObjectID = st.ID, "student", st.ID
			if err := logAccess(ctx, tx, e, a); err != nil {
				return err
			}
			page.Students = append(page.Students, row)
		}
		// Anonymous rows last: among named rows sorted by surname, their
		// place would hint at the name.
		slices.SortStableFunc(page.Students, func(a, b listedStudent) int {
			switch {
			case a.Anonymous == b.Anonymous:
				return 0
			case a.Anonymous:
				return 1
			}
			return -1
		})
		return nil
	})
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	v := s.newView(r, "students.title", page)
	v.Form = f
	if r.URL.Query().Get("erased") == "1" {
		v.Notice = "retention.erased"
	}
	s.render(w, r, http.StatusOK, "students", v)
}

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
