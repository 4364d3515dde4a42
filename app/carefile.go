package app

import (
	"context"
	"fmt"
	"slices"
	"time"

	"casus"
	"casus/storage"
)

// CareSection is the zorgdossier part of the student page.
type CareSection struct {
	Entries   []casus.CareEntry // the entries the actor may read, newest first
	CanWrite  bool
	Route     RouteSummary
	RouteEdit bool // the actor may change the step
	// OwnWords are the standing comments in the student's or parents' own
	// words, per entry id, shown beside the entries.
	OwnWords      map[string][]casus.OwnWord
	Rectification CareRectification
}

// CareRectification is the part of the care file about requests for
// rectification: shown to the coordinator only.
type CareRectification struct {
	Show     bool
	Requests []CareRectificationRow
}

// CareRectificationRow is a request with its term as it stands today.
type CareRectificationRow struct {
	Request  casus.RectificationRequest
	Overdue  bool
	DaysLeft int
}

// RouteSummary is where a student stands on the care route.
type RouteSummary struct {
	Sector  casus.Sector
	Current casus.RouteStep
	Last    *casus.RouteEvent // the decision that set it; nil when none was recorded
}

// careSection reads what the student page shows of the care file. The
// page's own access-log entry covers it: the page shows exactly what the
// actor's relations allow, so one read is one entry.
func (c *Student) careSection(today time.Time) (CareSection, error) {
	var cs CareSection
	if len(casus.ReadableVisibilities(c.u, c.rel)) == 0 {
		return cs, nil
	}
	all, err := c.tx.CareEntries(c.ctx, c.st.ID)
	if err != nil {
		return cs, err
	}
	for _, e := range all {
		if casus.CanReadEntry(c.u, c.rel, e.Current.Visibility) {
			cs.Entries = append(cs.Entries, e)
		}
	}
	cs.CanWrite = casus.CanWriteCareFile(c.u, c.rel).Allowed
	if cs.OwnWords, err = c.careOwnWords(); err != nil {
		return cs, err
	}
	if cs.Rectification, err = c.careRectification(today); err != nil {
		return cs, err
	}
	events, err := c.tx.RouteEvents(c.ctx, c.st.ID)
	if err != nil {
		return cs, err
	}
	route := casus.RouteFor(c.st.Sector)
	cs.Route = careRouteSummary(c.st.Sector, route, events)
	cs.RouteEdit = len(route.RouteChoices(c.u, c.rel, cs.Route.Current)) > 0
	return cs, nil
}

func careRouteSummary(sector casus.Sector, route casus.CareRoute, events []casus.RouteEvent) RouteSummary {
	rs := RouteSummary{Sector: sector, Current: route.CurrentStep(events)}
	if len(events) > 0 {
		rs.Last = &events[len(events)-1]
	}
	return rs
}

// careOwnWords returns the standing comments per entry for the student
// page's care file.
func (c *Student) careOwnWords() (map[string][]casus.OwnWord, error) {
	words, err := c.tx.OwnWords(c.ctx, c.st.ID, "")
	if err != nil {
		return nil, err
	}
	m := map[string][]casus.OwnWord{}
	for _, w := range words {
		if w.Withdrawal == nil {
			m[w.EntryID] = append(m[w.EntryID], w)
		}
	}
	return m, nil
}

// careRectification reads the student's requests for the student page,
// whose own access-log entry covers them.
func (c *Student) careRectification(today time.Time) (CareRectification, error) {
	var rs CareRectification
	if !casus.CanHandleRectification(c.u, c.rel).Allowed {
		return rs, nil
	}
	rs.Show = true
	reqs, err := c.tx.RectificationRequests(c.ctx, c.st.ID)
	if err != nil {
		return rs, err
	}
	for _, q := range reqs {
		rs.Requests = append(rs.Requests, CareRectificationRow{Request: q, Overdue: q.Overdue(today), DaysLeft: q.DaysLeft(today)})
	}
	return rs, nil
}

// CareEntryForm is the form for a new entry or a correction.
type CareEntryForm struct {
	StudentID   string
	StudentName string // empty when the form is shown again after an error: nothing was read
	Sector      casus.Sector
	Correct     bool
	EntryID     string
	Request     *casus.RectificationRequest // the request the correction answers, when it does
	RequestID   string
	Visibility  []casus.Visibility
	// Current is the entry's newest version, which fills the correction
	// form.
	Current casus.EntryVersion
}

// CareEntryFormFor opens the form for a new entry in the student's care
// file, offering the visibilities the actor may give (casus.CanWriteCareFile).
func (s *Service) CareEntryFormFor(ctx context.Context, a Actor, studentID string) (CareEntryForm, error) {
	var page CareEntryForm
	err := s.student(ctx, a, careReq(casus.ActRead, "care entry form", "care_file", studentID), func(c *Student) (casus.Access, error) {
		acc := casus.CanWriteCareFile(c.u, c.rel)
		if acc.Allowed {
			page = CareEntryForm{StudentID: c.st.ID, StudentName: c.st.Name(), Sector: c.st.Sector,
				Visibility: casus.WritableVisibilities(c.u, c.rel)}
		}
		return acc, nil
	})
	return page, err
}

// careReq is the request of a care-file use case on the student.
func careReq(action casus.AccessAction, purpose, objectKind, studentID string) studentReq {
	return studentReq{action: action, purpose: purpose, objectKind: objectKind, objectID: studentID}
}

// PossibleCareVisibilities are the visibilities a user could give in any
// student's file, judged from their roles alone. A form shown again after a
// validation error offers these: it reads nothing, so it knows no
// relations. The policy decides on the real relations when the form is
// valid.
func PossibleCareVisibilities(u casus.User) []casus.Visibility {
	all := casus.StudentRelations{Exists: true, Mentor: true, CareContact: true, Coordinator: true, TeamMember: true,
		Invited: true, ActionOwner: true}
	vs := casus.WritableVisibilities(u, all)
	if len(vs) == 0 {
		return []casus.Visibility{casus.VisGuidance}
	}
	return vs
}

// AddCareEntry adds an entry to the student's care file, when the actor may
// write it with the visibility asked for; it returns the entry's id.
func (s *Service) AddCareEntry(ctx context.Context, a Actor, studentID string, v casus.EntryVersion) (string, error) {
	var id string
	err := s.student(ctx, a, careReq(casus.ActCreate, "care entry", "care_entry", studentID), func(c *Student) (casus.Access, error) {
		acc := casus.CanWriteCareFile(c.u, c.rel)
		if !acc.Allowed || !slices.Contains(casus.WritableVisibilities(c.u, c.rel), v.Visibility) {
			return casus.Access{Relation: casus.RelNone}, nil
		}
		e := casus.CareEntry{StudentID: c.st.ID, AuthorID: c.u.ID, Current: v}
		if err := c.tx.AddCareEntry(c.ctx, &e); err != nil {
			return acc, err
		}
		c.e.ObjectID, id = e.ID, e.ID
		return acc, nil
	})
	return id, err
}

// careRecord reads the student's record id with get and makes id the
// object of the access-log entry; found is false for a malformed, unknown
// or other student's id.
func careRecord[T any](c *Student, id string, get func(ctx context.Context, studentID, id string) (T, error)) (T, bool, error) {
	c.e.ObjectID = truncate(id, 64)
	return studentRecord(c, id, get)
}

// inCareEntry runs fn in the student frame for the entry entryID of the
// student when policy allows the actor that entry. An unknown entry
// returns casus.ErrNotFound, as a denial does.
func (s *Service) inCareEntry(ctx context.Context, a Actor, req studentReq, entryID string,
	policy func(casus.User, casus.StudentRelations, casus.CareEntry) casus.Access, fn func(c *Student, e casus.CareEntry) error) error {
	return s.student(ctx, a, req, func(c *Student) (casus.Access, error) {
		e, found, err := careRecord(c, entryID, c.tx.CareEntry)
		if err != nil || !found {
			return casus.Access{}, err
		}
		acc := policy(c.u, c.rel, e)
		if !acc.Allowed {
			return acc, nil
		}
		return acc, fn(c, e)
	})
}

// CareHistory is one entry with all its versions.
type CareHistory struct {
	Student    casus.Student
	Entry      casus.CareEntry
	Versions   []CareHistoryVersion // newest first
	CanCorrect bool
	Extras     CareEntryExtras
}

// CareHistoryVersion is a version of an entry as the reader may see it.
type CareHistoryVersion struct {
	casus.EntryVersion
	Visible bool                  // the reader may read this version's content
	Request *CareRectificationRef // the request for rectification this version answered
}

// CareRectificationRef marks a version made on a request: every reader of
// the version sees who asked (student, parent, guardian — not the name) and
// when; the coordinator gets the link.
type CareRectificationRef struct {
	ID         string
	Requester  casus.Party
	ReceivedOn time.Time
	Link       bool
}

// CareOwnWordItem is a comment as the entry page shows it, with whether the
// reader may record its withdrawal.
type CareOwnWordItem struct {
	casus.OwnWord
	CanWithdraw bool
}

// CareEntryExtras is what the entry page shows beside the entry: the
// comments in the student's or parents' own words, and, for the
// coordinator, the requests for rectification about it.
type CareEntryExtras struct {
	OwnWords   []CareOwnWordItem
	CanOwnWord bool
	Requests   []CareRectificationRow // nil unless the reader handles requests
	CanRequest bool
}

// CareEntryHistory shows an entry of the student's care file and its
// history: every version, who wrote it, when and why it was corrected
// (casus.CanReadEntryOf).
func (s *Service) CareEntryHistory(ctx context.Context, a Actor, studentID, entryID string) (CareHistory, error) {
	var page CareHistory
	err := s.inCareEntry(ctx, a, careReq(casus.ActRead, "care entry history", "care_entry", studentID), entryID, casus.CanReadEntryOf,
		func(c *Student, e casus.CareEntry) error {
			vs, err := c.tx.CareEntryVersions(c.ctx, e.ID)
			if err != nil {
				return err
			}
			page = CareHistory{Student: c.st, Entry: e, CanCorrect: casus.CanCorrectEntry(c.u, c.rel, e).Allowed}
			for i := len(vs) - 1; i >= 0; i-- {
				page.Versions = append(page.Versions, CareHistoryVersion{EntryVersion: vs[i], Visible: casus.VersionVisible(c.u, c.rel, vs[i])})
			}
			page.Extras, err = c.careEntryExtras(e, page.Versions, s.Today())
			return err
		})
	return page, err
}

// careEntryExtras reads the comments and requests of an entry the reader
// may read, and marks the versions made on a request. The entry page's own
// access-log entry covers them.
func (c *Student) careEntryExtras(e casus.CareEntry, versions []CareHistoryVersion, today time.Time) (CareEntryExtras, error) {
	var x CareEntryExtras
	words, err := c.tx.OwnWords(c.ctx, c.st.ID, e.ID)
	if err != nil {
		return x, err
	}
	for _, w := range words {
		x.OwnWords = append(x.OwnWords, CareOwnWordItem{OwnWord: w, CanWithdraw: w.Withdrawal == nil && casus.CanWithdrawOwnWord(c.u, c.rel, e, w).Allowed})
	}
	x.CanOwnWord = casus.CanRecordOwnWord(c.u, c.rel, e).Allowed
	reqs, err := c.tx.RectificationRequests(c.ctx, c.st.ID)
	if err != nil {
		return x, err
	}
	handles := casus.CanHandleRectification(c.u, c.rel).Allowed
	x.CanRequest = handles
	for _, q := range reqs {
		if q.EntryID != e.ID {
			continue
		}
		for i := range versions {
			if q.CorrectionVersion == versions[i].Version {
				versions[i].Request = &CareRectificationRef{Requester: q.Requester, ReceivedOn: q.ReceivedOn, ID: q.ID, Link: handles}
			}
		}
		if handles {
			x.Requests = append(x.Requests, CareRectificationRow{Request: q, Overdue: q.Overdue(today), DaysLeft: q.DaysLeft(today)})
		}
	}
	return x, nil
}

// CareCorrectionFormFor opens the correction form of an entry, filled with
// its newest version (casus.CanCorrectEntry). With requestID, the
// correction grants that open request for rectification about the entry.
func (s *Service) CareCorrectionFormFor(ctx context.Context, a Actor, studentID, entryID, requestID string) (CareEntryForm, error) {
	var page CareEntryForm
	req := careReq(casus.ActRead, "care entry correction form", "care_entry", studentID)
	err := s.inCareEntry(ctx, a, req, entryID, casus.CanCorrectEntry, func(c *Student, e casus.CareEntry) error {
		page = CareEntryForm{StudentID: c.st.ID, StudentName: c.st.Name(), Sector: c.st.Sector, Correct: true,
			EntryID: e.ID, Visibility: careCorrectionVisibilities(c.u, c.rel, e), Current: e.Current}
		if requestID != "" {
			// A correction that grants a request for rectification.
			var err error
			if page.Request, err = c.careCorrectionRequest(e, requestID); err != nil {
				return err
			}
			page.RequestID = requestID
		}
		return nil
	})
	return page, err
}

// careCorrectionVisibilities are the visibilities a correction may give:
// those the corrector may write, and always the entry's own.
func careCorrectionVisibilities(u casus.User, rel casus.StudentRelations, e casus.CareEntry) []casus.Visibility {
	vs := casus.WritableVisibilities(u, rel)
	if !slices.Contains(vs, e.Current.Visibility) {
		vs = append(vs, e.Current.Visibility)
	}
	return vs
}

// careCorrectionRequest reads the open request a correction answers; the
// request must be about the entry and the actor must handle requests.
func (c *Student) careCorrectionRequest(e casus.CareEntry, id string) (*casus.RectificationRequest, error) {
	if !casus.ValidID(id) {
		return nil, casus.ErrNotFound
	}
	if !casus.CanHandleRectification(c.u, c.rel).Allowed {
		return nil, casus.ErrNotFound
	}
	if err := c.tx.LockRectificationRequest(c.ctx, id); err != nil {
		return nil, err
	}
	q, err := c.tx.RectificationRequest(c.ctx, c.st.ID, id)
	if err != nil {
		return nil, err
	}
	if q.EntryID != e.ID {
		return nil, casus.ErrNotFound
	}
	if q.Status != casus.RectificationOpen {
		return nil, storage.ErrRectificationDecided
	}
	return &q, nil
}

// CareCorrection is a correction of an entry: its next version (with the
// version it was made on and the reason) and the request it grants, if any.
type CareCorrection struct {
	StudentID string
	EntryID   string
	RequestID string
	Version   casus.EntryVersion
}

// CorrectCareEntry stores a correction as the entry's next version
// (casus.CanCorrectEntry, with a visibility the corrector may give). When
// someone else corrected the entry after the form was opened, nothing is
// written and a conflict is returned. With a request, the correction grants
// it; a request decided meanwhile takes the correction back with it.
func (s *Service) CorrectCareEntry(ctx context.Context, a Actor, in CareCorrection) error {
	req := careReq(casus.ActChange, "care entry correction", "care_entry", in.StudentID)
	return s.student(ctx, a, req, func(c *Student) (casus.Access, error) {
		e, found, err := careRecord(c, in.EntryID, c.tx.CareEntry)
		if err != nil || !found {
			return casus.Access{}, err
		}
		acc := casus.CanCorrectEntry(c.u, c.rel, e)
		if !acc.Allowed || !slices.Contains(careCorrectionVisibilities(c.u, c.rel, e), in.Version.Visibility) {
			return casus.Access{Relation: casus.RelNone}, nil
		}
		var q *casus.RectificationRequest
		if in.RequestID != "" {
			if q, err = c.careCorrectionRequest(e, in.RequestID); err != nil {
				return acc, err
			}
		}
		v := in.Version
		v.EntryID, v.ByID = e.ID, c.u.ID
		if err := c.tx.CorrectCareEntry(c.ctx, &v); err != nil || q == nil {
			return acc, err
		}
		return acc, c.careGrantByCorrection(q, v, s.Today())
	})
}

// careGrantByCorrection records the grant of the request the correction v
// answered. It runs after the correction was written; a refusal here (the
// request decided meanwhile) takes the correction back with it, since the
// frame undoes everything a refused request wrote.
func (c *Student) careGrantByCorrection(q *casus.RectificationRequest, v casus.EntryVersion, today time.Time) error {
	q.Status, q.DecidedOn, q.DecidedBy, q.Decision, q.CorrectionVersion = casus.RectificationGranted, today, c.u.ID, v.Reason, v.Version
	if err := c.tx.DecideRectification(c.ctx, q); err != nil {
		return fmt.Errorf("app: grant by correction: %w", err)
	}
	return nil
}

// CareRoute is the care route of a student: the current step, its history
// and the steps the actor may move the student to.
type CareRoute struct {
	StudentID   string
	StudentName string
	Sector      casus.Sector
	Summary     RouteSummary
	Steps       []casus.RouteStep // the route, for its overview
	Events      []CareRouteEvent  // newest first
	Choices     []casus.RouteStep // steps the actor may move the student to
	Seq         int
}

// CareRouteEvent is a decision on the route with its direction.
type CareRouteEvent struct {
	casus.RouteEvent
	Direction casus.RouteDirection
}

// CareRouteOf is the route of a student with the given events; name may be
// empty (a form shown again after an error reads nothing).
func CareRouteOf(studentID, name string, sector casus.Sector, events []casus.RouteEvent) CareRoute {
	route := casus.RouteFor(sector)
	p := CareRoute{StudentID: studentID, StudentName: name, Sector: sector, Steps: route.Steps,
		Summary: careRouteSummary(sector, route, events), Seq: len(events)}
	for i := len(events) - 1; i >= 0; i-- {
		ev := events[i]
		dir := casus.RouteDirection("")
		if ev.From != "" {
			dir = route.DirectionOf(ev.From, ev.To)
		}
		p.Events = append(p.Events, CareRouteEvent{RouteEvent: ev, Direction: dir})
	}
	return p
}

// CareRouteFor shows the student's care route to whoever may see the
// student.
func (s *Service) CareRouteFor(ctx context.Context, a Actor, studentID string) (CareRoute, error) {
	var page CareRoute
	err := s.student(ctx, a, careReq(casus.ActRead, "care route", "care_route", studentID), func(c *Student) (casus.Access, error) {
		acc := casus.CanViewStudent(c.u, c.rel)
		if !acc.Allowed {
			return acc, nil
		}
		events, err := c.tx.RouteEvents(c.ctx, c.st.ID)
		if err != nil {
			return acc, err
		}
		page = CareRouteOf(c.st.ID, c.st.Name(), c.st.Sector, events)
		page.Choices = casus.RouteFor(c.st.Sector).RouteChoices(c.u, c.rel, page.Summary.Current)
		return acc, nil
	})
	return page, err
}

// ChangeCareRoute records a decision to scale up or down. ev carries the
// step and event number the form was made on: when another decision came
// in between, nothing is written and a conflict is returned. Whoever may
// see the route learns of the conflict before the policy judges the step.
func (s *Service) ChangeCareRoute(ctx context.Context, a Actor, studentID string, ev casus.RouteEvent) error {
	return s.student(ctx, a, careReq(casus.ActChange, "care route step", "care_route", studentID), func(c *Student) (casus.Access, error) {
		if !casus.CanViewStudent(c.u, c.rel).Allowed {
			return casus.Access{Relation: casus.RelNone}, nil
		}
		events, err := c.tx.RouteEvents(c.ctx, c.st.ID)
		if err != nil {
			return casus.Access{}, err
		}
		route := casus.RouteFor(c.st.Sector)
		// Someone who may see the route may learn it changed: check the
		// conflict before the reach, so a stale form says so.
		if route.CurrentStep(events) != ev.From || len(events) != ev.Seq {
			return casus.Access{}, storage.ErrRouteConflict
		}
		acc := route.CanChangeRoute(c.u, c.rel, ev.From, ev.To)
		if !acc.Allowed {
			return acc, nil
		}
		e := ev
		e.StudentID, e.ByID = c.st.ID, c.u.ID
		if len(events) == 0 {
			e.From = route.First()
		}
		return acc, c.tx.RecordRouteStep(c.ctx, &e)
	})
}
