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
	// Actions is what becomes of each action still to be done, by action
	// id (the fields action_<id>).
	Actions map[string]casus.ActionEnd
	Errs    casus.ValidationErrors
}

// CloseCase closes the case with its reason, a closing note, the outcome
// of each goal of its latest plan (the final evaluation; a hand-over to the
// ZAT asks none) and what becomes of each action still to be done: carried
// over to the student's ZAT case, or ended as done or stopped with the
// closing note as its reason — none vanishes from a task list unsaid
// (casus.CheckActionEnds). The coordinator only. With any error nothing is
// written and the field errors come back. It returns the student's id.
func (s *Service) CloseCase(ctx context.Context, a Actor, caseID string, in CloseInput) (string, error) {
	var studentID string
	err := s.closureCase(ctx, a, caseID, casus.ActChange, "case closure", func(c *Student, cs casus.Case) error {
		studentID = c.st.ID
		errs := in.Errs
		var outcomes []casus.GoalOutcome
		if casus.NeedsGoalOutcomes(in.Reason) {
			var err error
			if outcomes, errs, err = c.closureOutcomes(cs.ID, in.Outcomes, errs); err != nil {
				return err
			}
		} else {
			errs = withoutFields(errs, "outcome_")
		}
		open, err := c.tx.CaseOpenActions(c.ctx, cs.ID)
		if err != nil {
			return err
		}
		zat, err := c.openZATCase(cs.ID)
		if err != nil {
			return err
		}
		errs = append(withoutFields(errs, "action_"), casus.CheckActionEnds(in.Reason, zat.ID != "", open, in.Actions)...)
		if len(errs) > 0 {
			return errs.Err()
		}
		if err := c.tx.CloseCase(c.ctx, cs.ID, in.Reason, in.Note, c.u.ID, outcomes...); err != nil {
			return err
		}
		if err := c.endActions(open, in, zat); err != nil {
			return err
		}
		return followRoute(c.ctx, c.tx, c.u, c.st.ID, casus.RouteClosed, cs.TeamKind, in.Reason)
	})
	return studentID, err
}

// withoutFields drops the door's errors on fields named prefix…: the use
// case checks those itself, against what the case holds.
func withoutFields(errs casus.ValidationErrors, prefix string) casus.ValidationErrors {
	return slices.DeleteFunc(slices.Clone(errs), func(e *casus.Error) bool { return strings.HasPrefix(e.Field, prefix) })
}

// openZATCase is the student's open ZAT case other than caseID, the zero
// Case when there is none.
func (c *Student) openZATCase(caseID string) (casus.Case, error) {
	cases, err := c.tx.Cases(c.ctx, c.st.ID)
	for _, cs := range cases {
		if cs.ID != caseID && cs.TeamKind == casus.TeamZAT && cs.Status == casus.CaseOpen {
			return cs, err
		}
	}
	return casus.Case{}, err
}

// endActions carries each open action over to the ZAT case or ends it, as
// chosen, with the closing note in its updates.
func (c *Student) endActions(open []casus.Action, in CloseInput, zat casus.Case) error {
	for i := range open {
		a := &open[i]
		var err error
		switch in.Actions[a.ID] {
		case casus.ActionTransfer:
			err = c.tx.TransferAction(c.ctx, a, a.Version, zat.ID, in.Note, c.u.ID)
		case casus.ActionEndDone:
			err = c.tx.UpdateAction(c.ctx, a, a.Version, casus.ActionDone, in.Note, c.u.ID)
		default:
			err = c.tx.UpdateAction(c.ctx, a, a.Version, casus.ActionCancelled, in.Note, c.u.ID)
		}
		if err != nil {
			return err
		}
	}
	return nil
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
