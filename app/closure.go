package app

import (
	"context"
	"slices"
	"strconv"
	"strings"

	"casus"
)

// closureCase is the frame of closing and reopening a case: the case of id,
// logged as an object "case", with the coordinator's access to its student
// (casus.CanCloseCase).
func (s *Service) closureCase(ctx context.Context, a Actor, id string, action casus.AccessAction, purpose string,
	fn func(c *Student, cs casus.Case) error) error {
	req := studentReq{action: action, purpose: purpose, objectKind: "case", objectID: id}
	return s.inCase(ctx, a, req, casus.CanCloseCase, func(c *Student, cs casus.Case, _ casus.Access) error {
		return fn(c, cs)
	})
}

// CloseInput is the close form: the reason, a closing note and the outcome
// chosen for each goal of the case's latest plan, by goal id (the form's
// fields outcome_<goal id>, as entered). Errs are the errors the door found
// parsing it.
type CloseInput struct {
	Reason   casus.CloseReason
	Note     string
	Outcomes map[string]string
	Errs     casus.ValidationErrors
}

// CloseCase closes the case with its reason, a closing note and the outcome
// of each goal of its latest plan (the final evaluation); the coordinator
// only. Without an outcome for every goal nothing is written and the field
// errors come back. It returns the student's id.
func (s *Service) CloseCase(ctx context.Context, a Actor, caseID string, in CloseInput) (string, error) {
	var studentID string
	err := s.closureCase(ctx, a, caseID, casus.ActChange, "case closure", func(c *Student, cs casus.Case) error {
		studentID = c.st.ID
		outcomes, errs, err := c.closureOutcomes(cs.ID, in.Outcomes, in.Errs)
		if err != nil {
			return err
		}
		if errs != nil {
			return errs.Err()
		}
		return c.tx.CloseCase(c.ctx, cs.ID, in.Reason, in.Note, c.u.ID, outcomes...)
	})
	return studentID, err
}

// closureOutcomes checks the outcome chosen for each goal of the case's
// latest plan. A missing or unknown outcome is a field error naming the
// goal by its number, not its text: the error page shows no care data. The
// door's errors on fields that are no goal's are dropped: such a field is
// not part of the form.
func (c *Student) closureOutcomes(caseID string, chosen map[string]string, errs casus.ValidationErrors) ([]casus.GoalOutcome, casus.ValidationErrors, error) {
	plan, ok, err := c.tx.LatestPlan(c.ctx, caseID)
	if err != nil {
		return nil, errs, err
	}
	var goals []casus.Goal
	if ok {
		goals = plan.Record.Goals
	}
	errs = slices.DeleteFunc(slices.Clone(errs), func(e *casus.Error) bool {
		id, isOutcome := strings.CutPrefix(e.Field, "outcome_")
		return isOutcome && !slices.ContainsFunc(goals, func(g casus.Goal) bool { return g.ID == id })
	})
	var out []casus.GoalOutcome
	for i, g := range goals {
		name := "outcome_" + g.ID
		if errs.Field(name) != nil {
			continue
		}
		v := chosen[g.ID]
		if !slices.Contains(casus.GoalResults, casus.GoalResult(v)) {
			errs = append(errs, casus.FieldError(name, "closure.outcome_missing", map[string]any{"N": strconv.Itoa(i + 1)}))
			continue
		}
		out = append(out, casus.GoalOutcome{DiscussionID: plan.ID, GoalID: g.ID, Description: g.Description, Outcome: casus.GoalResult(v)})
	}
	if len(errs) == 0 {
		errs = nil
	}
	return out, errs, nil
}

// ReopenCase reopens a closed case with the reason; the coordinator only.
// errs are the errors the door found parsing the form: with any, nothing is
// written. It returns the student's id.
func (s *Service) ReopenCase(ctx context.Context, a Actor, caseID, reason string, errs casus.ValidationErrors) (string, error) {
	var studentID string
	err := s.closureCase(ctx, a, caseID, casus.ActChange, "case reopening", func(c *Student, cs casus.Case) error {
		studentID = c.st.ID
		if errs != nil {
			return errs.Err()
		}
		return c.tx.ReopenCase(c.ctx, cs.ID, reason, c.u.ID)
	})
	return studentID, err
}
