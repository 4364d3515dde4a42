package app

import (
	"context"
	"slices"

	"casus"
)

// aftercareCase runs fn for the case caseID when the actor may answer its
// aftercare (casus.CanAnswerAftercare: the coordinator or the student's
// care contact), logged with action; fn gets the granted access.
func (s *Service) aftercareCase(ctx context.Context, a Actor, caseID string, action casus.AccessAction, purpose string,
	fn func(c *Student, cs casus.Case, acc casus.Access) error) error {
	req := studentReq{action: action, purpose: purpose, objectKind: "case", objectID: caseID}
	return s.inCase(ctx, a, req, casus.CanAnswerAftercare, fn)
}

// AftercarePage is a case's aftercare task with the answers recorded.
type AftercarePage struct {
	Case        casus.Case
	StudentID   string
	StudentName string
	Aftercare   casus.Aftercare
	Respondents []casus.Respondent
	GoalsMet    []string
	CareContact bool // the care contact answers their own part
}

// Aftercare shows the case's aftercare task: the coordinator records
// anyone's answers, the care contact their own. A case without aftercare
// is not found.
func (s *Service) Aftercare(ctx context.Context, a Actor, caseID string) (AftercarePage, error) {
	var p AftercarePage
	err := s.aftercareCase(ctx, a, caseID, casus.ActRead, "aftercare", func(c *Student, cs casus.Case, acc casus.Access) error {
		af, found, err := c.tx.CaseAftercare(c.ctx, cs.ID)
		if err == nil && !found {
			err = casus.ErrNotFound
		}
		p = AftercarePage{Case: cs, StudentID: c.st.ID, StudentName: c.st.Name(), Aftercare: af,
			Respondents: casus.Respondents, GoalsMet: casus.GoalsMet, CareContact: acc.Relation == casus.RelCareContact}
		return err
	})
	return p, err
}

// AnswerAftercare records one respondent's answers. in.RecordedBy is set
// here; errs are the errors the door found parsing the form. The care
// contact records only their own part: another respondent is a field error.
// With any error nothing is written.
func (s *Service) AnswerAftercare(ctx context.Context, a Actor, caseID string, in casus.AftercareAnswer, errs casus.ValidationErrors) error {
	return s.aftercareCase(ctx, a, caseID, casus.ActCreate, "aftercare answer", func(c *Student, cs casus.Case, acc casus.Access) error {
		af, found, err := c.tx.CaseAftercare(c.ctx, cs.ID)
		if err != nil {
			return err
		}
		if !found {
			return casus.ErrNotFound
		}
		if acc.Relation == casus.RelCareContact && in.Respondent != casus.RespondentCareContact && errs.Field("respondent") == nil {
			errs = aftercareRespondentErr(errs)
		}
		if errs != nil {
			return errs.Err()
		}
		in.RecordedBy = c.u.ID
		return c.tx.AddAftercareAnswer(c.ctx, af.ID, &in)
	})
}

// aftercareRespondentErr adds the error of a respondent the actor may not
// answer for, in the place the form's own check would have put it.
func aftercareRespondentErr(errs casus.ValidationErrors) casus.ValidationErrors {
	e := casus.FieldError("respondent", "error.choice", nil)
	return slices.Insert(slices.Clone(errs), 0, e)
}
