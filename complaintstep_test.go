package casus

import (
	"testing"
	"time"
)

func TestNextComplaintStep(t *testing.T) {
	day := func(d int) time.Time { return time.Date(2026, 3, d, 0, 0, 0, 0, time.UTC) }
	received := Complaint{Status: ComplaintFirstStep, ReceivedOn: day(10)}
	formal := Complaint{Status: ComplaintFormal, ReceivedOn: day(10), FirstOn: day(12)}
	informed := Complaint{Status: ComplaintFormal, ReceivedOn: day(10), InformedOn: day(11)}
	for _, c := range []struct {
		name       string
		c          Complaint
		in         ComplaintStepInput
		wantStatus ComplaintStatus
		wantErr    string // the key of the one error, or ""
	}{
		{"first, resolved", received, ComplaintStepInput{Step: StepFirst, On: day(11), Text: "ok", Resolved: true}, ComplaintResolved, ""},
		{"first, not resolved", received, ComplaintStepInput{Step: StepFirst, On: day(11), Text: "no"}, ComplaintFormal, ""},
		{"first, the day it came in", received, ComplaintStepInput{Step: StepFirst, On: day(10)}, ComplaintFormal, ""},
		{"first, before received", received, ComplaintStepInput{Step: StepFirst, On: day(9)}, ComplaintFormal, "complaint.before_received"},
		{"first, no valid day", received, ComplaintStepInput{Step: StepFirst}, ComplaintFormal, ""},
		{"first twice", formal, ComplaintStepInput{Step: StepFirst, On: day(13)}, ComplaintFormal, "complaint.not_this_step"},
		{"first on a referred one", Complaint{Status: ComplaintReferred}, ComplaintStepInput{Step: StepFirst, On: day(13)}, ComplaintReferred, "complaint.not_this_step"},
		{"formal", formal, ComplaintStepInput{Step: StepFormal, On: day(20), Decision: DecisionFounded}, ComplaintDecided, ""},
		{"formal before the first step", formal, ComplaintStepInput{Step: StepFormal, On: day(11)}, ComplaintDecided, "complaint.before_first"},
		{"formal before the first step is done", received, ComplaintStepInput{Step: StepFormal, On: day(20)}, ComplaintFirstStep, "complaint.not_this_step"},
		{"formal twice", Complaint{Status: ComplaintDecided}, ComplaintStepInput{Step: StepFormal, On: day(20)}, ComplaintDecided, "complaint.not_this_step"},
		{"informed", received, ComplaintStepInput{Step: StepInformed, On: day(11), How: "letter"}, ComplaintFirstStep, ""},
		{"informed twice", informed, ComplaintStepInput{Step: StepInformed, On: day(12), How: "letter"}, ComplaintFormal, "complaint.not_this_step"},
		{"unknown step", received, ComplaintStepInput{Step: "other"}, ComplaintFirstStep, "complaint.not_this_step"},
	} {
		got, errs := NextComplaintStep(c.c, c.in)
		if got.Status != c.wantStatus {
			t.Errorf("%s: status %s, want %s", c.name, got.Status, c.wantStatus)
		}
		switch {
		case c.wantErr == "" && errs != nil:
			t.Errorf("%s: errors %v", c.name, errs)
		case c.wantErr != "" && (len(errs) != 1 || errs[0].Key != c.wantErr):
			t.Errorf("%s: errors %v, want %s", c.name, errs, c.wantErr)
		}
		if c.wantErr == "complaint.not_this_step" && got != c.c {
			t.Errorf("%s: a step not due changed the complaint", c.name)
		}
	}
}
