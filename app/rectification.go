package app

import (
	"context"
	"slices"
	"time"

	"casus"
	"casus/storage"
)

// Rectification (verzoek tot rectificatie) and the student's own word
// (eigen inbreng). Students and parents have no accounts: the
// zorgcoördinator records their requests and decides them; the
// coordinator, the student's IB'er / taakdocent zorg and the student's
// mentor record their comments on entries. Every page and change runs in
// the student frame, so each is in the access log, granted or denied.

// ErrRectificationDecided is the refusal of a change to a request that was
// decided (or its requester told) already.
var ErrRectificationDecided = storage.ErrRectificationDecided

// inRectification runs fn in the student frame for the student's request
// requestID when the actor handles the student's requests. An unknown
// request answers "not found", as a denial does.
func (s *Service) inRectification(ctx context.Context, a Actor, action casus.AccessAction, purpose, studentID, requestID string,
	fn func(c *Student, req casus.RectificationRequest) error) error {
	req := studentReq{action: action, purpose: purpose, objectKind: "rectification_request", objectID: studentID}
	return s.student(ctx, a, req, func(c *Student) (casus.Access, error) {
		c.e.ObjectID = truncate(requestID, 64)
		req, found, err := studentRecord(c, requestID, c.tx.RectificationRequest)
		if err != nil || !found {
			return casus.Access{}, err
		}
		acc := casus.CanHandleRectification(c.u, c.rel)
		if !acc.Allowed {
			return acc, nil
		}
		return acc, fn(c, req)
	})
}

// lockOpenRectification locks the request against a concurrent decision or
// extension and reads it again: it must still be open.
func (c *Student) lockOpenRectification(id string) (casus.RectificationRequest, error) {
	if err := c.tx.LockRectificationRequest(c.ctx, id); err != nil {
		return casus.RectificationRequest{}, err
	}
	req, err := c.tx.RectificationRequest(c.ctx, c.st.ID, id)
	if err == nil && req.Status != casus.RectificationOpen {
		err = storage.ErrRectificationDecided
	}
	return req, err
}

// RectificationForm is the form that records a request.
type RectificationForm struct {
	StudentID   string
	StudentName string
	Sector      casus.Sector
	Entry       *casus.CareEntry // the entry the request concerns, as read when the form opened
}

// RectificationFormFor opens the form to record a request about the
// student; entryID, when set, names the care-file entry it concerns.
func (s *Service) RectificationFormFor(ctx context.Context, a Actor, studentID, entryID string) (RectificationForm, error) {
	var page RectificationForm
	req := studentReq{action: casus.ActRead, purpose: "rectification request form", objectKind: "rectification_request", objectID: studentID}
	err := s.student(ctx, a, req, func(c *Student) (casus.Access, error) {
		acc := casus.CanHandleRectification(c.u, c.rel)
		if !acc.Allowed {
			return acc, nil
		}
		page = RectificationForm{StudentID: c.st.ID, StudentName: c.st.Name(), Sector: c.st.Sector}
		if entryID != "" {
			e, found, err := studentRecord(c, entryID, c.tx.CareEntry)
			if err != nil || !found {
				return casus.Access{}, err
			}
			page.Entry = &e
		}
		return acc, nil
	})
	return page, err
}

// RecordRectificationRequest records a request about the student
// in.StudentID. It concerns a care-file entry of the student (in.EntryID)
// or, described in words, another record.
func (s *Service) RecordRectificationRequest(ctx context.Context, a Actor, in casus.RectificationRequest) (casus.RectificationRequest, error) {
	req := studentReq{action: casus.ActCreate, purpose: "rectification request", objectKind: "rectification_request", objectID: in.StudentID}
	err := s.student(ctx, a, req, func(c *Student) (casus.Access, error) {
		acc := casus.CanHandleRectification(c.u, c.rel)
		if !acc.Allowed {
			return acc, nil
		}
		if in.EntryID != "" {
			_, found, err := studentRecord(c, in.EntryID, c.tx.CareEntry)
			if err != nil {
				return acc, err
			}
			if !found {
				return casus.Access{}, nil
			}
		}
		in.StudentID, in.RecordedBy = c.st.ID, c.u.ID
		if err := c.tx.AddRectificationRequest(c.ctx, &in); err != nil {
			return acc, err
		}
		c.e.ObjectID = in.ID
		return acc, nil
	})
	return in, err
}

// RectificationView is one request and what the coordinator can do next:
// decide it, then record that the requester was told.
type RectificationView struct {
	StudentID   string
	StudentName string
	Sector      casus.Sector
	Request     casus.RectificationRequest
	Entry       *casus.CareEntry // the entry it concerns, when it is one
	Overdue     bool
	DaysLeft    int
	CanExtend   bool // the term may still be extended
}

// Rectification shows a request: who asked what and when, the term, the
// decision and whether the requester was told.
func (s *Service) Rectification(ctx context.Context, a Actor, studentID, requestID string) (RectificationView, error) {
	var page RectificationView
	err := s.inRectification(ctx, a, casus.ActRead, "rectification request", studentID, requestID, func(c *Student, req casus.RectificationRequest) error {
		today := s.today(a)
		page = RectificationView{StudentID: c.st.ID, StudentName: c.st.Name(), Sector: c.st.Sector, Request: req,
			Overdue: req.Overdue(today), DaysLeft: req.DaysLeft(today), CanExtend: req.CanExtend(today)}
		if req.EntryID != "" {
			e, err := c.tx.CareEntry(c.ctx, c.st.ID, req.EntryID)
			if err != nil {
				return err
			}
			page.Entry = &e
		}
		return nil
	})
	return page, err
}

// RectificationDecision grants or refuses a request: the decision, its
// note or reason, and the day.
type RectificationDecision struct {
	Decision casus.RectificationStatus
	Text     string
	On       time.Time
}

// DecideRectification grants or refuses the request. A request about a
// care-file entry is granted by correcting the entry, not here; the day
// cannot be before the request was received.
func (s *Service) DecideRectification(ctx context.Context, a Actor, studentID, requestID string, in RectificationDecision) error {
	return s.inRectification(ctx, a, casus.ActChange, "rectification decision", studentID, requestID, func(c *Student, req casus.RectificationRequest) error {
		req, err := c.lockOpenRectification(req.ID)
		if err != nil {
			return err
		}
		switch {
		case in.Decision == casus.RectificationGranted && req.EntryID != "":
			return &casus.Error{Code: casus.EINVALID, Key: "error.rectification_grant_by_correction"}
		case in.On.Before(req.ReceivedOn):
			return &casus.Error{Code: casus.EINVALID, Key: "error.rectification_before_received"}
		}
		req.Status, req.DecidedOn, req.DecidedBy, req.Decision = in.Decision, in.On, c.u.ID, in.Text
		return c.tx.DecideRectification(c.ctx, &req)
	})
}

// RecordRectificationInformed records the day the requester was told the
// decision, which closes the request.
func (s *Service) RecordRectificationInformed(ctx context.Context, a Actor, studentID, requestID string, on time.Time) error {
	return s.inRectification(ctx, a, casus.ActChange, "rectification requester informed", studentID, requestID, func(c *Student, req casus.RectificationRequest) error {
		switch {
		case req.Status == casus.RectificationOpen:
			return &casus.Error{Code: casus.ECONFLICT, Key: "error.rectification_not_decided"}
		case req.Informed():
			return storage.ErrRectificationDecided
		case on.Before(req.DecidedOn):
			return &casus.Error{Code: casus.EINVALID, Key: "error.rectification_informed_before_decision"}
		}
		return c.tx.MarkRectificationInformed(c.ctx, req.ID, on, c.u.ID)
	})
}

// ExtendRectification extends the term of an open request by two further
// months (AVG art. 12(3)), once, within the first month, with the reasons
// and the day the requester was told, which cannot be before the request
// came in nor after the first month (casus.ValidationErrors on
// "extended_on").
func (s *Service) ExtendRectification(ctx context.Context, a Actor, studentID, requestID, reason string, on time.Time) error {
	again := func(key string) error {
		return casus.ValidationErrors{casus.FieldError("extended_on", key, nil)}
	}
	return s.inRectification(ctx, a, casus.ActChange, "rectification extension", studentID, requestID, func(c *Student, req casus.RectificationRequest) error {
		req, err := c.lockOpenRectification(req.ID)
		if err != nil {
			return err
		}
		switch {
		case req.Extended():
			return storage.ErrRectificationExtended
		case s.today(a).After(req.FirstDeadline()):
			return &casus.Error{Code: casus.ECONFLICT, Key: "error.rectification_extension_late"}
		case on.Before(req.ReceivedOn):
			return again("error.rectification_extension_before_received")
		case on.After(req.FirstDeadline()):
			return again("error.rectification_extension_told_late")
		}
		req.ExtendedOn, req.ExtensionReason, req.ExtendedBy = on, reason, c.u.ID
		return c.tx.ExtendRectification(c.ctx, &req)
	})
}

// RectificationRow is one line of a list of requests, with its term as it
// stands on the day.
type RectificationRow struct {
	Request     casus.RectificationRequest
	StudentID   string
	StudentName string // empty where the page names the student already
	Overdue     bool
	DaysLeft    int
}

// NewRectificationRow is the line of request q about the student.
func NewRectificationRow(q casus.RectificationRequest, studentID, name string, today time.Time) RectificationRow {
	return RectificationRow{Request: q, StudentID: studentID, StudentName: name, Overdue: q.Overdue(today), DaysLeft: q.DaysLeft(today)}
}

// RectificationQueue lists the requests the actor still has to answer,
// overdue ones first, then by deadline. Each line is a search hit in the
// access log, as in the referral queue.
func (s *Service) RectificationQueue(ctx context.Context, a Actor) ([]RectificationRow, error) {
	u := a.User
	if !u.SeesStudentData() {
		return nil, &casus.Error{Code: casus.EFORBIDDEN, Key: "error.forbidden"}
	}
	today := s.today(a)
	var rows []RectificationRow
	err := s.update(ctx, func(tx *storage.Tx) error {
		pending, err := tx.PendingRectifications(ctx, u.ID)
		if err != nil {
			return err
		}
		for _, p := range pending {
			acc := casus.CanHandleRectification(u, p.Relations)
			if !acc.Allowed {
				continue
			}
			e := s.entry(a, casus.ActSearch, "rectification queue")
			e.StudentID, e.ObjectKind, e.ObjectID = p.Student.ID, "rectification_request", p.Request.ID
			if err := logAccess(ctx, tx, e, acc); err != nil {
				return err
			}
			rows = append(rows, NewRectificationRow(p.Request, p.Student.ID, p.Student.Name(), today))
		}
		return nil
	})
	slices.SortStableFunc(rows, func(a, b RectificationRow) int {
		if a.Overdue != b.Overdue {
			if a.Overdue {
				return -1
			}
			return 1
		}
		return a.Request.Deadline().Compare(b.Request.Deadline())
	})
	return rows, err
}

// inOwnWordEntry runs fn in the student frame for the student's care entry
// entryID when policy allows the actor that entry. An unknown entry answers
// "not found", as a denial does.
func (s *Service) inOwnWordEntry(ctx context.Context, a Actor, action casus.AccessAction, purpose, objectKind, studentID, entryID string,
	policy func(casus.User, casus.StudentRelations, casus.CareEntry) casus.Access, fn func(c *Student, e casus.CareEntry) error) error {
	req := studentReq{action: action, purpose: purpose, objectKind: objectKind, objectID: studentID}
	return s.inCareEntry(ctx, a, req, entryID, policy, fn)
}

// OwnWordForm is the form for a comment in the student's or parents' own
// words on an entry, with the entry beside it.
type OwnWordForm struct {
	StudentID   string
	StudentName string
	Sector      casus.Sector
	Entry       casus.CareEntry
}

// OwnWordFormFor opens the form for a comment on the entry, so the
// recorder reads back to the student or parent what it is about.
func (s *Service) OwnWordFormFor(ctx context.Context, a Actor, studentID, entryID string) (OwnWordForm, error) {
	var page OwnWordForm
	err := s.inOwnWordEntry(ctx, a, casus.ActRead, "own word form", "care_entry", studentID, entryID, casus.CanRecordOwnWord,
		func(c *Student, e casus.CareEntry) error {
			page = OwnWordForm{StudentID: c.st.ID, StudentName: c.st.Name(), Sector: c.st.Sector, Entry: e}
			return nil
		})
	return page, err
}

// RecordOwnWord stores a comment on the entry in.EntryID of the student
// in.StudentID as given: who gave it, when, and their words. Staff cannot
// change it afterwards.
func (s *Service) RecordOwnWord(ctx context.Context, a Actor, in casus.OwnWord) (casus.OwnWord, error) {
	err := s.inOwnWordEntry(ctx, a, casus.ActCreate, "own word", "own_word", in.StudentID, in.EntryID, casus.CanRecordOwnWord,
		func(c *Student, e casus.CareEntry) error {
			in.StudentID, in.EntryID, in.RecordedBy = c.st.ID, e.ID, c.u.ID
			if err := c.tx.AddOwnWord(c.ctx, &in); err != nil {
				return err
			}
			c.e.ObjectID = in.ID
			return nil
		})
	return in, err
}

// WithdrawOwnWord records, at the giver's request, that the comment wordID
// on the student's entry is withdrawn. It stays in the entry's history,
// marked withdrawn.
func (s *Service) WithdrawOwnWord(ctx context.Context, a Actor, studentID, entryID, wordID string, wd casus.OwnWordWithdrawal) error {
	req := studentReq{action: casus.ActChange, purpose: "own word withdrawal", objectKind: "own_word", objectID: studentID}
	return s.student(ctx, a, req, func(c *Student) (casus.Access, error) {
		e, found, err := studentRecord(c, entryID, c.tx.CareEntry)
		c.e.ObjectID = truncate(wordID, 64)
		if err != nil || !found || !casus.ValidID(wordID) {
			return casus.Access{}, err
		}
		words, err := c.tx.OwnWords(c.ctx, c.st.ID, e.ID)
		if err != nil {
			return casus.Access{}, err
		}
		i := slices.IndexFunc(words, func(o casus.OwnWord) bool { return o.ID == wordID })
		if i < 0 {
			return casus.Access{}, nil
		}
		acc := casus.CanWithdrawOwnWord(c.u, c.rel, e, words[i])
		switch {
		case !acc.Allowed:
			return acc, nil
		case words[i].Withdrawal != nil:
			return acc, storage.ErrOwnWordWithdrawn
		case wd.RequestedOn.Before(words[i].GivenOn):
			return acc, &casus.Error{Code: casus.EINVALID, Key: "error.own_word_withdrawn_before_given"}
		}
		wd.OwnWordID, wd.RecordedBy = wordID, c.u.ID
		return acc, c.tx.WithdrawOwnWord(c.ctx, &wd)
	})
}
