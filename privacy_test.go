package casus

import (
	"testing"
	"time"
)

// TestRetentionDue: the file may go the school's number of months (by
// default two years) after the student left or the last case closed,
// whichever is later; not while the student is at school or a case is open.
func TestRetentionDue(t *testing.T) {
	day := func(y int, m time.Month, d int) *time.Time { x := time.Date(y, m, d, 12, 0, 0, 0, time.UTC); return &x }
	for _, tc := range []struct {
		name string
		f    RetentionStatus
		want *time.Time
	}{
		{"still at school", RetentionStatus{ClosedAt: day(2024, 3, 1), Months: DefaultRetentionMonths}, nil},
		{"left, case still open", RetentionStatus{LeftAt: day(2024, 7, 1), OpenCases: 1, Months: DefaultRetentionMonths}, nil},
		{"left, never a case", RetentionStatus{LeftAt: day(2024, 7, 1), Months: DefaultRetentionMonths}, day(2026, 7, 1)},
		{"left after the closure", RetentionStatus{LeftAt: day(2024, 7, 1), ClosedAt: day(2024, 3, 1), Months: DefaultRetentionMonths}, day(2026, 7, 1)},
		{"closed after leaving", RetentionStatus{LeftAt: day(2024, 7, 1), ClosedAt: day(2025, 1, 15), Months: DefaultRetentionMonths}, day(2027, 1, 15)},
	} {
		got := tc.f.Due()
		if (got == nil) != (tc.want == nil) || (got != nil && !got.Equal(*tc.want)) {
			t.Errorf("%s: %v, want %v", tc.name, got, tc.want)
		}
	}
}

func TestAccessAnomalies(t *testing.T) {
	// Tuesday 1 December 2026, 10:00 Amsterdam.
	base := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	var es []AccessEntry
	for i := range ManyStudentsPerDay + 1 {
		es = append(es, AccessEntry{UserID: "wide", Role: RoleCoordinator, Relation: RelCoordinator, Action: ActRead, Outcome: OutcomeGranted,
			StudentID: string(rune('a' + i)), At: base.Add(time.Duration(i) * time.Minute)})
	}
	for i := range ManyStudentsPerDay {
		es = append(es, AccessEntry{UserID: "narrow", Role: RoleCoordinator, Relation: RelCoordinator, Action: ActRead, Outcome: OutcomeGranted,
			StudentID: string(rune('a' + i)), At: base})
		// Through a case: never counts as "without a relation".
		es = append(es, AccessEntry{UserID: "team", Role: RolePartner, Relation: RelTeamMember, Action: ActRead, Outcome: OutcomeGranted,
			StudentID: string(rune('a' + i)), At: base})
		es = append(es, AccessEntry{UserID: "team", Role: RolePartner, Relation: RelTeamMember, Action: ActRead, Outcome: OutcomeGranted,
			StudentID: string(rune('A' + i)), At: base})
	}
	es = append(es,
		AccessEntry{UserID: "night", Relation: RelMentor, Action: ActRead, Outcome: OutcomeGranted, StudentID: "x", At: base.Add(13 * time.Hour)},
		AccessEntry{UserID: "weekend", Relation: RelMentor, Action: ActRead, Outcome: OutcomeGranted, StudentID: "x", At: base.AddDate(0, 0, 4)},
		AccessEntry{UserID: "snoop", Relation: RelNone, Action: ActRead, Outcome: OutcomeDenied, StudentID: "x", At: base},
		AccessEntry{UserID: "snoop", Relation: RelNone, Action: ActRead, Outcome: OutcomeDenied, StudentID: "y", At: base},
	)
	got := map[string]Anomaly{}
	for _, a := range AccessAnomalies(es) {
		got[string(a.Kind)+":"+a.UserID] = a
	}
	want := map[string]int{"many_students:wide": ManyStudentsPerDay + 1, "off_hours:night": 1, "off_hours:weekend": 1, "denied:snoop": 2}
	for k, students := range want {
		if a, ok := got[k]; !ok || a.Students != students {
			t.Errorf("%s: %+v, want %d students", k, a, students)
		}
	}
	if len(got) != len(want) {
		t.Errorf("hints %v, want only %v", got, want)
	}
}
