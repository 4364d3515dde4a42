package app

import (
	"context"
	"fmt"
	"slices"
	"time"

	"casus"
)

// MeldcodePage is a student's meldcode: the trajectories, the step to
// record next and, for the zorgcoördinator, the people named and who may be
// named.
type MeldcodePage struct {
	StudentID    string
	StudentName  string
	Trajectories []casus.Meldcode // newest first
	Next         int              // the step to record next (1 starts a new trajectory)
	CanManage    bool             // the zorgcoördinator: names and removes people
	People       []casus.User
	Candidates   []casus.User // who may be named
	Steps        []int
	Questions    []int
	YesNo        []string
	Decisions    []string
}

// meldcodePage decides with casus.CanViewMeldcode and, when allowed, fills
// the page.
func (c *Student) meldcodePage(page *MeldcodePage) (casus.Access, error) {
	named, err := c.tx.MeldcodeNamed(c.ctx, c.st.ID, c.u.ID)
	if err != nil {
		return casus.Access{}, err
	}
	a := casus.CanViewMeldcode(c.u, c.rel, named)
	if !a.Allowed {
		return a, nil
	}
	*page = MeldcodePage{StudentID: c.st.ID, StudentName: c.st.Name(), Next: 1,
		CanManage: casus.CanManageMeldcode(c.u, c.rel).Allowed, Steps: []int{1, 2, 3, 4, 5}, Questions: []int{1, 2, 3, 4, 5},
		YesNo: []string{"yes", "no"}, Decisions: casus.MeldDecisions}
	if page.Trajectories, err = c.tx.Meldcodes(c.ctx, c.st.ID); err != nil {
		return a, err
	}
	if len(page.Trajectories) > 0 && page.Trajectories[0].Next() != 0 {
		page.Next = page.Trajectories[0].Next()
	}
	if page.People, err = c.tx.MeldcodePeople(c.ctx, c.st.ID); err != nil || !page.CanManage {
		return a, err
	}
	page.Candidates, err = c.meldcodeCandidates(page.People)
	return a, err
}

// meldcodeCandidates are the users the zorgcoördinator may name for the
// student's meldcode, people being those named already.
func (c *Student) meldcodeCandidates(people []casus.User) ([]casus.User, error) {
	users, err := c.tx.Users(c.ctx)
	if err != nil {
		return nil, err
	}
	var out []casus.User
	for _, u := range users {
		if !casus.MayBeNamed(u) || u.ID == c.u.ID || (u.SchoolID != c.st.SchoolID && u.PartnerOrgID == "") ||
			slices.ContainsFunc(people, func(p casus.User) bool { return p.ID == u.ID }) {
			continue
		}
		// A partner can only be named who may see the student by name
		// (invited or a team member, with consent): anyone else would be
		// told of a meldcode they cannot open.
		if ok, err := partnerNamed(c.ctx, c.tx, u, c.st.ID); err != nil || !ok {
			if err != nil {
				return nil, err
			}
			continue
		}
		out = append(out, u)
	}
	return out, nil
}

// Meldcode shows the student's meldcode trajectories to the
// zorgcoördinator and the people named; to anyone else the page does not
// exist. The read is logged like any read of the student's data.
func (s *Service) Meldcode(ctx context.Context, a Actor, studentID string) (MeldcodePage, error) {
	var page MeldcodePage
	req := studentReq{action: casus.ActRead, purpose: "meldcode", objectKind: "meldcode", objectID: studentID}
	err := s.student(ctx, a, req, func(c *Student) (casus.Access, error) {
		return c.meldcodePage(&page)
	})
	return page, err
}

// meldcodeChange is the frame of a change to the student's meldcode: it
// loads the page (with manage, only for who may manage the meldcode; to
// anyone else it does not exist) and lets change check the input and, when
// it finds no errors, write. change returns the field errors; with any the
// request is logged as a read, "meldcode (invalid <what>)", nothing is
// written, and the page comes back with them.
func (s *Service) meldcodeChange(ctx context.Context, a Actor, studentID string, action casus.AccessAction, purpose, what string,
	manage bool, change func(c *Student, page MeldcodePage) (casus.ValidationErrors, error)) (MeldcodePage, error) {
	var page MeldcodePage
	var errs casus.ValidationErrors
	req := studentReq{action: action, purpose: purpose, objectKind: "meldcode", objectID: studentID}
	err := s.student(ctx, a, req, func(c *Student) (casus.Access, error) {
		// Two people changing the meldcode at once (the same step, say):
		// the second waits here, then finds the first one's change.
		if err := c.tx.LockStudent(c.ctx, c.st.ID); err != nil {
			return casus.Access{}, err
		}
		acc, err := c.meldcodePage(&page)
		if err != nil || !acc.Allowed {
			return acc, err
		}
		if manage && !page.CanManage {
			return casus.Access{Relation: casus.RelNone}, nil
		}
		if errs, err = change(c, page); err != nil || errs == nil {
			return acc, err
		}
		c.e.Action, c.e.Purpose = casus.ActRead, "meldcode (invalid "+what+")"
		return acc, nil
	})
	if err == nil && errs != nil {
		return page, errs
	}
	return page, err
}

// MeldcodeStepInput is the step form: the step it was filled in for (as
// chosen, "" when the door found it missing or unknown), when it was done,
// the notes, and the errors the door found parsing these. Fields reads the
// fields step next asks for (Veilig Thuis consulted; the answers of the
// afwegingskader; the decision) into st and returns their errors: only the
// use case knows which step is next.
type MeldcodeStepInput struct {
	Step   string
	DoneOn time.Time
	Notes  string
	Errs   casus.ValidationErrors
	Fields func(next int, st *casus.MeldcodeStep) casus.ValidationErrors
}

// RecordMeldcodeStep records the student's next meldcode step: dated, by
// the actor, with what the step asks. A form filled in for another step
// (someone recorded it meanwhile) or dated before the previous step is
// refused with a field error.
func (s *Service) RecordMeldcodeStep(ctx context.Context, a Actor, studentID string, in MeldcodeStepInput) (MeldcodePage, error) {
	return s.meldcodeChange(ctx, a, studentID, casus.ActCreate, "meldcode step", "step", false, func(c *Student, page MeldcodePage) (casus.ValidationErrors, error) {
		errs := slices.Clone(in.Errs)
		st := casus.MeldcodeStep{ByID: c.u.ID, Step: page.Next, DoneOn: in.DoneOn, Notes: in.Notes}
		if in.Step != "" && in.Step != fmt.Sprint(page.Next) && errs.Field("step") == nil {
			errs = append(errs, casus.FieldError("step", "meldcode.stale_step", nil))
		}
		if page.Next > 1 {
			st.MeldcodeID = page.Trajectories[0].ID
			prev := page.Trajectories[0].Step(page.Next - 1)
			if prev != nil && !st.DoneOn.IsZero() && st.DoneOn.Before(prev.DoneOn) && errs.Field("done_on") == nil {
				errs = append(errs, casus.FieldError("done_on", "meldcode.before_previous", nil))
			}
		}
		if in.Fields != nil {
			errs = append(errs, in.Fields(page.Next, &st)...)
		}
		if len(errs) > 0 {
			return errs, nil
		}
		err := c.tx.RecordMeldcodeStep(c.ctx, c.st.ID, &st)
		c.e.ObjectID = st.ID
		return nil, err
	})
}

// NameForMeldcode names a person who may see the student's meldcode; the
// zorgcoördinator only. personID must be one of the page's candidates
// (errs are the door's errors on the field). The named person hears of it
// in a message that names no student.
func (s *Service) NameForMeldcode(ctx context.Context, a Actor, studentID, personID string, errs casus.ValidationErrors) (MeldcodePage, error) {
	return s.meldcodeChange(ctx, a, studentID, casus.ActChange, "meldcode people", "person", true, func(c *Student, page MeldcodePage) (casus.ValidationErrors, error) {
		errs := slices.Clone(errs)
		candidate := slices.ContainsFunc(page.Candidates, func(u casus.User) bool { return u.ID == personID })
		if !candidate && errs.Field("person") == nil {
			errs = append(errs, casus.FieldError("person", "error.choice", nil))
		}
		if len(errs) > 0 {
			return errs, nil
		}
		c.e.ObjectID = personID
		if err := c.tx.NameForMeldcode(c.ctx, c.st.ID, personID, c.u.ID); err != nil {
			return nil, err
		}
		return nil, c.tx.AddMessage(c.ctx, &casus.Message{UserID: personID, Key: "message.meldcode_named",
			Link: "/students/" + c.st.ID + "/meldcode"})
	})
}

// UnnameForMeldcode removes a named person; from then on the meldcode does
// not exist for them. The zorgcoördinator only; a malformed id is not
// found.
func (s *Service) UnnameForMeldcode(ctx context.Context, a Actor, studentID, personID string) (MeldcodePage, error) {
	return s.meldcodeChange(ctx, a, studentID, casus.ActChange, "meldcode people", "", true, func(c *Student, _ MeldcodePage) (casus.ValidationErrors, error) {
		c.e.ObjectID = truncate(personID, 64)
		if !casus.ValidID(personID) {
			return nil, casus.ErrNotFound
		}
		_, err := c.tx.UnnameForMeldcode(c.ctx, c.st.ID, personID)
		return nil, err
	})
}
