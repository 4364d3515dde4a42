package casus_test

import (
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"casus"
)

func TestValidValues(t *testing.T) {
	for _, tc := range []struct {
		name    string
		valid   []func() bool
		invalid func() bool
	}{
		{"RequesterKind", []func() bool{casus.RequesterStudent.Valid, casus.RequesterGuardian.Valid, casus.RequesterOther.Valid}, casus.RequesterKind("x").Valid},
		{"IdentityCheck", []func() bool{casus.IdentityDocument.Valid, casus.IdentityOther.Valid}, casus.IdentityCheck("x").Valid},
		{"ConsentMode", []func() bool{casus.ConsentGiven.Valid, casus.ConsentAssent.Valid, casus.ConsentAnonymous.Valid}, casus.ConsentMode("x").Valid},
		{"ConsentHow", []func() bool{casus.HowSignedForm.Valid, casus.HowConversation.Valid}, casus.ConsentHow("x").Valid},
		{"Sector", []func() bool{casus.SectorPO.Valid, casus.SectorVO.Valid, casus.SectorMBO.Valid}, casus.Sector("hbo").Valid},
		{"Discipline", []func() bool{casus.DiscJGZ.Valid, casus.DiscOther.Valid}, casus.Discipline("x").Valid},
		{"Party", []func() bool{casus.PartyStudent.Valid, casus.PartyParent.Valid, casus.PartyGuardian.Valid}, casus.Party("x").Valid},
		{"Role", []func() bool{casus.RoleAdmin.Valid, casus.RolePrivacy.Valid}, casus.Role("x").Valid},
	} {
		for i, v := range tc.valid {
			if !v() {
				t.Errorf("%s #%d not valid", tc.name, i)
			}
		}
		if tc.invalid() {
			t.Errorf("%s: an unknown value is valid", tc.name)
		}
	}
}

func TestStatesAndDeadlines(t *testing.T) {
	day := func(m time.Month, d int) time.Time { return time.Date(2026, m, d, 0, 0, 0, 0, time.UTC) }

	req := casus.AccessRequest{ReceivedOn: day(1, 31)}
	if !req.Overdue(day(3, 1)) || req.Overdue(day(2, 28)) {
		t.Error("access request: overdue after the month, not on its last day")
	}
	req.ReviewedAt = day(2, 1)
	if req.Overdue(day(6, 1)) {
		t.Error("a reviewed access request is overdue")
	}

	a := casus.Action{Status: casus.ActionOpen, DueOn: day(3, 1)}
	if !a.Overdue(day(3, 2)) || a.Overdue(day(3, 1)) {
		t.Error("open action: overdue the day after its due day only")
	}
	for s, active := range map[casus.ActionStatus]bool{casus.ActionOpen: true, casus.ActionInProgress: true, casus.ActionDone: false, casus.ActionCancelled: false} {
		a.Status = s
		if s.Active() != active || a.Overdue(day(12, 1)) != active {
			t.Errorf("action status %s: active %v", s, s.Active())
		}
	}

	for s, open := range map[casus.ReferralState]bool{casus.RefDraft: true, casus.RefSubmitted: true, casus.RefPreselected: true, casus.RefReturned: true, casus.RefAccepted: false, casus.RefRedirected: false} {
		if s.Open() != open {
			t.Errorf("%s.Open() = %v", s, !open)
		}
	}
	for d, s := range map[casus.Decision]casus.ReferralState{casus.DecidePreselect: casus.RefPreselected, casus.DecideAccept: casus.RefAccepted, casus.DecideReturn: casus.RefReturned, casus.DecideRedirect: casus.RefRedirected} {
		if got := casus.DecisionState(d); got != s {
			t.Errorf("DecisionState(%s) = %s, want %s", d, got, s)
		}
	}
}

func TestIDsAndDays(t *testing.T) {
	id := casus.NewID()
	if !casus.ValidID(id) || id == casus.NewID() {
		t.Errorf("NewID %q not valid or not unique", id)
	}
	for _, bad := range []string{"", "x", "{" + id + "}", id[:35]} {
		if casus.ValidID(bad) {
			t.Errorf("ValidID(%q) = true", bad)
		}
	}
	today := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	if got := casus.LatestDay(today); !got.Equal(time.Date(2036, 3, 1, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("LatestDay = %v", got)
	}
	for d, ok := range map[time.Time]bool{
		today: true, casus.EarliestDay: true, casus.LatestDay(today): true,
		casus.EarliestDay.AddDate(0, 0, -1): false, casus.LatestDay(today).AddDate(0, 0, 1): false,
	} {
		if casus.DayInRange(d, today) != ok {
			t.Errorf("DayInRange(%v) = %v", d, !ok)
		}
	}
	if now := casus.SystemClock(); now.Location() != time.UTC || time.Since(now) > time.Minute {
		t.Errorf("SystemClock = %v, want now in UTC", now)
	}
}

func TestComplaintOutcome(t *testing.T) {
	yes, no := true, false
	for _, tc := range []struct {
		c        casus.Complaint
		outcome  string
		resolved bool
	}{
		{casus.Complaint{Status: casus.ComplaintFirstStep}, "first_step", false},
		{casus.Complaint{Status: casus.ComplaintResolved, Resolved: &yes}, "resolved", true},
		{casus.Complaint{Status: casus.ComplaintFormal, Resolved: &no}, "formal", false},
		{casus.Complaint{Status: casus.ComplaintDecided, Decision: casus.DecisionPartly, Resolved: &no}, "partly_founded", false},
	} {
		if got := tc.c.Outcome(); got != tc.outcome {
			t.Errorf("Outcome = %s, want %s", got, tc.outcome)
		}
		if got := tc.c.ResolvedInFirstStep(); got != tc.resolved {
			t.Errorf("%s: ResolvedInFirstStep = %v", tc.outcome, got)
		}
	}
}

func TestDiscussionHelpers(t *testing.T) {
	mbo := casus.ArrangementsFor(casus.SectorMBO)
	po := casus.ArrangementsFor(casus.SectorPO)
	if !slices.Contains(mbo, casus.ArrJongerenloket) || slices.Contains(po, casus.ArrJongerenloket) {
		t.Errorf("Jongerenloket: mbo %v, po %v", mbo, po)
	}
	if !slices.Contains(po, casus.ArrSpecialPlacement) || slices.Contains(mbo, casus.ArrSpecialPlacement) {
		t.Errorf("special placement: mbo %v, po %v", mbo, po)
	}
	due := time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)
	if !(casus.Goal{Criterion: "c", DueOn: due}).Measurable() || (casus.Goal{DueOn: due}).Measurable() || (casus.Goal{Criterion: "c"}).Measurable() {
		t.Error("Measurable needs a criterion and a due day")
	}
	if (casus.Discussion{}).Finalised() || !(casus.Discussion{FinalisedAt: due}).Finalised() {
		t.Error("Finalised wrong")
	}
	a := casus.DiscussionRecord{Guests: "moeder"}
	b := a
	if got := casus.ChangedFields(a, b); len(got) != 0 {
		t.Errorf("ChangedFields of equal records = %v", got)
	}
	b.Guests = "vader"
	b.Attendees = []string{"u1"}
	if got := casus.ChangedFields(a, b); !slices.Equal(got, []string{"attendees", "guests"}) {
		t.Errorf("ChangedFields = %v, want [attendees guests]", got)
	}
}

func TestErrors(t *testing.T) {
	field := casus.FieldError("name", "form.required", nil)
	plain := casus.Errorf(casus.ECONFLICT, "error.conflict")
	if got := field.Error(); got != "casus: invalid: form.required (name)" {
		t.Errorf("field error = %q", got)
	}
	if got := plain.Error(); got != "casus: conflict: error.conflict" {
		t.Errorf("error = %q", got)
	}
	var none casus.ValidationErrors
	errs := casus.ValidationErrors{field}
	for _, tc := range []struct {
		err  error
		code string
	}{
		{nil, ""},
		{plain, casus.ECONFLICT},
		{fmt.Errorf("wrapped: %w", casus.ErrNotFound), casus.ENOTFOUND},
		{errs, casus.EINVALID},
		{errors.New("disk full"), casus.EINTERNAL},
	} {
		if got := casus.ErrorCode(tc.err); got != tc.code {
			t.Errorf("ErrorCode(%v) = %q, want %q", tc.err, got, tc.code)
		}
	}
	if none.Err() != nil || none.Error() != "casus: no validation errors" {
		t.Error("empty ValidationErrors is an error")
	}
	if errs.Err() == nil || errs.Error() != "casus: 1 invalid fields, first: casus: invalid: form.required (name)" {
		t.Errorf("ValidationErrors = %v", errs.Err())
	}
	if errs.Field("name") != field || errs.Field("other") != nil {
		t.Error("Field finds the wrong error")
	}
}

func TestMeldcodeSteps(t *testing.T) {
	m := casus.Meldcode{Steps: []casus.MeldcodeStep{{Step: 1}, {Step: 2, VeiligThuis: true}}}
	if m.Next() != 3 || m.Step(2) == nil || !m.Step(2).VeiligThuis || m.Step(4) != nil {
		t.Errorf("Next %d, Step(2) %v, Step(4) %v", m.Next(), m.Step(2), m.Step(4))
	}
	m.ClosedAt = time.Now()
	if m.Next() != 0 {
		t.Error("a closed trajectory has a next step")
	}
	qa := casus.MeldcodeStep{Answers: []string{"yes", "no"}}.QA()
	if !slices.Equal(qa, []casus.MeldAnswer{{Question: 1, Answer: "yes"}, {Question: 2, Answer: "no"}}) {
		t.Errorf("QA = %v", qa)
	}
}

func TestSecretLinkMessage(t *testing.T) {
	for key, secret := range map[string]bool{casus.MsgPasswordResetStarted: true, casus.MsgAccountInvited: true, casus.MsgPasswordChanged: false} {
		if casus.SecretLinkMessage(key) != secret {
			t.Errorf("SecretLinkMessage(%s) = %v", key, !secret)
		}
	}
}

func TestMissingPartners(t *testing.T) {
	m := func(chair bool, role casus.Role, d casus.Discipline) casus.TeamMember {
		return casus.TeamMember{Chair: chair, User: casus.User{Roles: []casus.Role{role}, Discipline: d}}
	}
	full := []casus.TeamMember{
		m(true, casus.RoleCoordinator, casus.DiscCoordinator), m(false, casus.RoleCareContact, casus.DiscCareContact),
		m(false, casus.RolePartner, casus.DiscSMW), m(false, casus.RolePartner, casus.DiscLeerplicht),
		m(false, casus.RolePartner, casus.DiscJGZ), m(false, casus.RoleSpecialist, casus.DiscSpecialist),
	}
	if got := casus.MissingPartners(casus.TeamIntern, full); len(got) != 0 {
		t.Errorf("full intern team misses %v", got)
	}
	got := casus.MissingPartners(casus.TeamIntern, full[1:4])
	var keys []string
	for _, r := range got {
		keys = append(keys, r.Key)
	}
	if !slices.Equal(keys, []string{"team.req.chair", "team.req.jgz", "team.req.specialist"}) {
		t.Errorf("missing = %v", keys)
	}
	if got := casus.MissingPartners(casus.TeamZAT, nil); len(got) != len(casus.MinimumPartners[casus.TeamZAT]) {
		t.Errorf("empty ZAT misses %d, want all", len(got))
	}
}

func TestRetentionStatus(t *testing.T) {
	day := func(y int, m time.Month) time.Time { return time.Date(y, m, 1, 0, 0, 0, 0, time.UTC) }
	left, closed := day(2024, 1), day(2024, 6)
	lifted := day(2025, 1)
	for _, tc := range []struct {
		name    string
		r       casus.RetentionStatus
		now     time.Time
		held    bool
		expired bool
	}{
		{"AtSchool", casus.RetentionStatus{Months: 24}, day(2040, 1), false, false},
		{"OpenCase", casus.RetentionStatus{LeftAt: &left, OpenCases: 1, Months: 24}, day(2040, 1), false, false},
		{"DueFromLeaving", casus.RetentionStatus{LeftAt: &left, Months: 24}, day(2026, 1), false, true},
		{"NotYetDue", casus.RetentionStatus{LeftAt: &left, Months: 24}, day(2025, 12), false, false},
		{"LaterClosingCounts", casus.RetentionStatus{LeftAt: &left, ClosedAt: &closed, Months: 24}, day(2026, 1), false, false},
		{"HeldByLegalHold", casus.RetentionStatus{LeftAt: &left, Months: 24, Holds: []casus.LegalHold{{ID: "h"}}}, day(2030, 1), true, false},
		{"LiftedHold", casus.RetentionStatus{LeftAt: &left, Months: 24, Holds: []casus.LegalHold{{ID: "h", LiftedAt: &lifted}}}, day(2030, 1), false, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.r.Held() != tc.held || tc.r.Expired(tc.now) != tc.expired {
				t.Errorf("Held %v Expired %v, want %v %v", tc.r.Held(), tc.r.Expired(tc.now), tc.held, tc.expired)
			}
		})
	}
	if got := (casus.Destruction{Counts: map[string]int{"a": 2, "b": 3}}).Total(); got != 5 {
		t.Errorf("Total = %d", got)
	}
}

func TestStudentHelpers(t *testing.T) {
	s := casus.Student{FirstName: "Sanne", LastName: "de Vries", DateOfBirth: time.Date(2010, 5, 20, 0, 0, 0, 0, time.UTC)}
	if s.Name() != "Sanne de Vries" {
		t.Errorf("Name = %q", s.Name())
	}
	for on, band := range map[time.Time]string{
		time.Date(2016, 1, 1, 0, 0, 0, 0, time.UTC):  "4–8",
		time.Date(2018, 5, 20, 0, 0, 0, 0, time.UTC): "8–12",
		time.Date(2022, 5, 19, 0, 0, 0, 0, time.UTC): "8–12",
		time.Date(2022, 5, 20, 0, 0, 0, 0, time.UTC): "12–16",
		time.Date(2026, 5, 20, 0, 0, 0, 0, time.UTC): "16+",
	} {
		if got := s.AgeBand(on); got != band {
			t.Errorf("AgeBand(%v) = %s, want %s", on, got, band)
		}
	}
	cs := []casus.Case{{ID: "a", Status: casus.CaseOpen}, {ID: "b", Status: casus.CaseClosed}, {ID: "c", Status: casus.CaseOpen}}
	open := casus.OpenCases(cs)
	if len(open) != 2 || open[0].ID != "a" || open[1].ID != "c" {
		t.Errorf("OpenCases = %v", open)
	}
}

func TestPrimaryRole(t *testing.T) {
	for _, tc := range []struct {
		roles []casus.Role
		want  casus.Role
	}{
		{[]casus.Role{casus.RoleMentor, casus.RoleCoordinator}, casus.RoleCoordinator},
		{[]casus.Role{casus.RolePrivacy, casus.RolePartner}, casus.RolePartner},
		{[]casus.Role{casus.RoleAdmin}, casus.RoleAdmin},
		{nil, ""},
	} {
		if got := (casus.User{Roles: tc.roles}).PrimaryRole(); got != tc.want {
			t.Errorf("PrimaryRole(%v) = %q, want %q", tc.roles, got, tc.want)
		}
	}
}
