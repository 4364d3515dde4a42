package app

import (
	"context"
	"fmt"
	"strings"
	"time"

	"casus"
	"casus/storage"
)

// Retention: the zorgcoördinator sees a student's retention date and legal
// holds, sets and lifts holds, records that the student left school, and
// erases the file on request (AVG art. 17); the beheerder sets the rules.

// RetentionView is a student's retention date and legal holds.
type RetentionView struct {
	StudentID   string
	StudentName string
	Status      casus.RetentionStatus
}

func retentionViewOf(c *Student) (RetentionView, error) {
	st, err := c.tx.RetentionStatus(c.ctx, c.st.ID)
	if err != nil {
		return RetentionView{}, err
	}
	return RetentionView{StudentID: c.st.ID, StudentName: c.st.Name(), Status: st}, nil
}

// Retention shows the student's retention page.
func (s *Service) Retention(ctx context.Context, a Actor, studentID string) (RetentionView, error) {
	var page RetentionView
	req := studentReq{action: casus.ActRead, purpose: "retention", objectKind: "retention", objectID: studentID}
	err := s.student(ctx, a, req, func(c *Student) (casus.Access, error) {
		acc := casus.CanManageRetention(c.u, c.rel)
		if !acc.Allowed {
			return acc, nil
		}
		var err error
		page, err = retentionViewOf(c)
		return acc, err
	})
	return page, err
}

// retentionChange runs a change on the student's retention: check may
// find more errors in the form (errs are the door's); with any, nothing is
// written, the request is logged as a refused read of the page shown
// again, and the page comes back with the errors. Otherwise do changes.
func (s *Service) retentionChange(ctx context.Context, a Actor, studentID, purpose string, errs casus.ValidationErrors,
	check func(c *Student, errs casus.ValidationErrors) (casus.ValidationErrors, error), do func(c *Student) error) (RetentionView, error) {
	var page RetentionView
	req := studentReq{action: casus.ActChange, purpose: purpose, objectKind: "retention", objectID: studentID}
	err := s.student(ctx, a, req, func(c *Student) (casus.Access, error) {
		acc := casus.CanManageRetention(c.u, c.rel)
		if !acc.Allowed {
			return acc, nil
		}
		if check != nil {
			var err error
			if errs, err = check(c, errs); err != nil {
				return acc, err
			}
		}
		if errs != nil {
			c.e.Action, c.e.Purpose = casus.ActRead, purpose+" (refused)"
			var err error
			page, err = retentionViewOf(c)
			return acc, err
		}
		return acc, do(c)
	})
	if err == nil && errs != nil {
		return page, errs
	}
	return page, err
}

// SetLegalHold sets a legal hold on the student's file with a reason.
func (s *Service) SetLegalHold(ctx context.Context, a Actor, studentID, reason string, errs casus.ValidationErrors) (RetentionView, error) {
	return s.retentionChange(ctx, a, studentID, "legal hold", errs, nil, func(c *Student) error {
		return c.tx.AddLegalHold(c.ctx, &casus.LegalHold{StudentID: c.st.ID, Reason: reason, SetBy: c.u.ID})
	})
}

// LiftLegalHold lifts the student's legal hold holdID with a reason.
func (s *Service) LiftLegalHold(ctx context.Context, a Actor, studentID, holdID, reason string, errs casus.ValidationErrors) (RetentionView, error) {
	return s.retentionChange(ctx, a, studentID, "legal hold lifted", errs, nil, func(c *Student) error {
		return c.tx.LiftLegalHold(c.ctx, c.st.ID, holdID, c.u.ID, reason)
	})
}

// RecordStudentLeft records the day the student left school (the
// retention period runs from it), or, with enrolled, that the student is
// enrolled after all. The day may not lie in the future, nor before the
// file began (nor the student was born): a slip of the year would
// otherwise have the file destroyed the next night. left is the day as
// typed (zero when the door found it malformed, with its error in errs).
func (s *Service) RecordStudentLeft(ctx context.Context, a Actor, studentID string, enrolled bool, left time.Time, errs casus.ValidationErrors) (RetentionView, error) {
	check := func(c *Student, errs casus.ValidationErrors) (casus.ValidationErrors, error) {
		if enrolled {
			return errs, nil
		}
		notBefore := c.st.DateOfBirth
		start, err := c.tx.FileStart(c.ctx, c.st.ID)
		if err != nil {
			return errs, err
		}
		if start != nil {
			notBefore = *start
		}
		today := s.today(a)
		if errs.Field("left_on") == nil && !left.IsZero() {
			switch {
			case !notBefore.IsZero() && left.Before(notBefore):
				errs = append(errs, casus.FieldError("left_on", "retention.left_before_file", nil))
			case !casus.DayInRange(left, today):
				errs = append(errs, casus.FieldError("left_on", "error.date_range",
					map[string]any{"From": casus.EarliestDay.Year(), "Until": casus.LatestDay(today).Year()}))
			case left.After(today):
				errs = append(errs, casus.FieldError("left_on", "retention.left_future", nil))
			}
		}
		return errs, nil
	}
	return s.retentionChange(ctx, a, studentID, "student left school", errs, check, func(c *Student) error {
		if enrolled {
			return c.tx.SetStudentLeft(c.ctx, c.st.ID, nil)
		}
		return c.tx.SetStudentLeft(c.ctx, c.st.ID, &left)
	})
}

// EraseStudent erases the student's file on request (AVG art. 17) through
// the destruction path of the retention job, with the legal ground
// recorded. A file under a legal hold is not erased.
func (s *Service) EraseStudent(ctx context.Context, a Actor, studentID string, ground casus.ErasureGround, errs casus.ValidationErrors) (RetentionView, error) {
	return s.retentionChange(ctx, a, studentID, "erasure", errs, nil, func(c *Student) error {
		_, err := c.tx.DestroyStudent(c.ctx, c.st.ID, storage.DestroyOptions{Cause: casus.CauseErasure, Ground: ground, ActorID: c.u.ID})
		return err
	})
}

// RetentionRules are the retention rules per school and the access log's
// retention, for the beheerder.
type RetentionRules struct {
	Rules           []casus.RetentionRule
	AccessLogMonths int
}

// RetentionRulesNow reads the retention rules.
func (s *Service) RetentionRulesNow(ctx context.Context) (RetentionRules, error) {
	var page RetentionRules
	err := s.db.View(ctx, func(tx *storage.Tx) error {
		var err error
		if page.Rules, err = tx.RetentionRules(ctx); err != nil {
			return err
		}
		page.AccessLogMonths, err = tx.AccessLogMonths(ctx)
		return err
	})
	return page, err
}

// SaveRetentionRules stores months[i] for the rule was.Rules[i] (a default
// left as it is stays the default) and logMonths for the access log, and
// records what changed as a security event.
func (s *Service) SaveRetentionRules(ctx context.Context, a Actor, was RetentionRules, months []int, logMonths int) error {
	return s.db.Update(ctx, func(tx *storage.Tx) error {
		var changes []string
		for i, rule := range was.Rules {
			if months[i] == rule.Months && rule.Default {
				continue // the default stays the default
			}
			if err := tx.SetRetentionRule(ctx, rule.SchoolID, rule.Kind, months[i], a.User.ID); err != nil {
				return err
			}
			if months[i] != rule.Months {
				changes = append(changes, fmt.Sprintf("%s, %s: %d → %d months", rule.SchoolName, rule.Kind, rule.Months, months[i]))
			}
		}
		if logMonths != was.AccessLogMonths {
			changes = append(changes, fmt.Sprintf("access log: %d → %d months", was.AccessLogMonths, logMonths))
		}
		if err := tx.SetAccessLogMonths(ctx, logMonths); err != nil {
			return err
		}
		if len(changes) == 0 {
			return nil // saved as it was: nothing to record
		}
		e := &casus.SecurityEvent{Kind: casus.SecRetentionChanged, ClientAddr: a.ClientAddr, UserAgent: a.UserAgent,
			RequestID: a.RequestID, Instance: s.db.Instance, ActorID: a.User.ID, ActorName: a.User.Name, Detail: strings.Join(changes, "; ")}
		return tx.LogSecurityEvent(ctx, e)
	})
}
