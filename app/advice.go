package app

import (
	"context"
	"slices"

	"casus"
)

// AdviceSection is the handelingsadvies part of the student page.
type AdviceSection struct {
	Advice   []casus.Advice // newest first
	CanRead  bool
	CanWrite bool
	Cases    []casus.Case // open cases advice can come from
}

// adviceSection fills the advice part; cases are the student's cases,
// loaded for every relation that may write advice.
func (c *Student) adviceSection(cases []casus.Case) (AdviceSection, error) {
	sec := AdviceSection{CanRead: casus.CanReadAdvice(c.u, c.rel).Allowed, CanWrite: casus.CanWriteAdvice(c.u, c.rel).Allowed}
	if !sec.CanRead {
		return sec, nil
	}
	var err error
	if sec.Advice, err = c.tx.StudentAdvice(c.ctx, c.st.ID); err != nil {
		return sec, err
	}
	// The advice of a referral sent back to the basic guidance stands
	// beside the teams' advice, where the mentor looks for it.
	guidance, err := c.tx.GuidanceAdvice(c.ctx, c.st.ID)
	if err != nil || len(guidance) == 0 && !sec.CanWrite {
		return sec, err
	}
	if len(guidance) > 0 {
		sec.Advice = append(sec.Advice, guidance...)
		slices.SortStableFunc(sec.Advice, func(a, b casus.Advice) int { return b.CreatedAt.Compare(a.CreatedAt) })
	}
	if !sec.CanWrite {
		return sec, nil
	}
	sec.Cases = casus.OpenCases(cases)
	return sec, nil
}

// NewAdvice is a handelingsadvies as the form gives it; the case is
// checked against the student's open cases here.
type NewAdvice struct {
	StudentID string
	CaseID    string
	Text      string
}

// AddAdvice records a handelingsadvies from one of the student's open
// cases, for the mentor and the teaching team (casus.CanWriteAdvice). errs
// are the errors the door found parsing the form; with any, or a case that
// is not one of the student's open cases, nothing is written.
func (s *Service) AddAdvice(ctx context.Context, a Actor, in NewAdvice, errs casus.ValidationErrors) error {
	return s.student(ctx, a, studentReq{action: casus.ActCreate, purpose: "advice", objectKind: "advice", objectID: in.StudentID},
		func(c *Student) (casus.Access, error) {
			acc := casus.CanWriteAdvice(c.u, c.rel)
			if !acc.Allowed {
				return acc, nil
			}
			cases, err := c.tx.Cases(c.ctx, c.st.ID)
			if err != nil {
				return acc, err
			}
			if !actionChoiceOK(in.CaseID, errs, "advice_case", casus.OpenCases(cases), func(x casus.Case) string { return x.ID }) {
				errs = append(casus.ValidationErrors{casus.FieldError("advice_case", "error.choice", nil)}, errs...)
			}
			if len(errs) > 0 {
				return acc, errs.Err()
			}
			adv := casus.Advice{StudentID: c.st.ID, AuthorID: c.u.ID, CaseID: in.CaseID, Text: in.Text}
			if err := c.tx.AddAdvice(c.ctx, &adv); err != nil {
				return acc, err
			}
			team, err := caseTeam(c.ctx, c.tx, in.CaseID)
			if err != nil {
				return acc, err
			}
			return acc, notify(c.ctx, c.tx, c.u, casus.MsgAdviceAdded, team, "/students/"+c.st.ID+"#handelingsadvies", c.st.MentorID)
		})
}
