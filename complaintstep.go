package casus

import "time"

// ComplaintStep is a step of the complaints procedure the handler records.
type ComplaintStep string

// The steps: the first step with the zorgcoördinator, the formal
// procedure's decision, and telling the complainant of their rights.
const (
	StepFirst    ComplaintStep = "first"
	StepFormal   ComplaintStep = "formal"
	StepInformed ComplaintStep = "informed"
)

// ComplaintStepInput is what the handler records at a step, as the form
// gave it (the form's own field checks done).
type ComplaintStepInput struct {
	Step     ComplaintStep
	On       time.Time // the day of the step; zero when the form's day was not valid
	Text     string    // the outcome (first, formal)
	Resolved bool      // the first step resolved the complaint
	Decision FormalDecision
	How      string // how the complainant was told (informed)
}

// complaintStepField is the form field of each step's day, beside which
// the step's errors show.
var complaintStepField = map[ComplaintStep]string{StepFirst: "first_on", StepFormal: "formal_on", StepInformed: "informed_on"}

// NextComplaintStep is the complaints procedure's state machine: it
// applies the step in to c and returns the complaint after it. The first
// step is recorded once, on a complaint just registered, no earlier than
// the day it was received; it either resolves the complaint or starts the
// formal procedure, whose decision is recorded once, no earlier than the
// first step. That the complainant was told of their rights is recorded
// once, at any stage. A step that is not due fails with only
// "complaint.not_this_step"; a day out of order with its field error.
func NextComplaintStep(c Complaint, in ComplaintStepInput) (Complaint, ValidationErrors) {
	field, ok := complaintStepField[in.Step]
	due := false
	switch in.Step {
	case StepFirst:
		due = c.Status == ComplaintFirstStep
	case StepFormal:
		due = c.Status == ComplaintFormal
	case StepInformed:
		due = c.InformedOn.IsZero()
	}
	if !ok || !due {
		return c, ValidationErrors{FieldError(field, "complaint.not_this_step", nil)}
	}
	var errs ValidationErrors
	switch in.Step {
	case StepFirst:
		if !in.On.IsZero() && in.On.Before(c.ReceivedOn) {
			errs = append(errs, FieldError(field, "complaint.before_received", nil))
		}
		resolved := in.Resolved
		c.FirstOn, c.FirstResult, c.Resolved, c.Status = in.On, in.Text, &resolved, ComplaintFormal
		if resolved {
			c.Status = ComplaintResolved
		}
	case StepFormal:
		if !in.On.IsZero() && in.On.Before(c.FirstOn) {
			errs = append(errs, FieldError(field, "complaint.before_first", nil))
		}
		c.FormalOn, c.FormalText, c.Decision, c.Status = in.On, in.Text, in.Decision, ComplaintDecided
	case StepInformed:
		c.InformedOn, c.InformedHow = in.On, in.How
	}
	return c, errs
}
