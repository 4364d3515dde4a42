package casus_test

import (
	"errors"
	"testing"
	"time"

	"casus"
)

func at(y int, m time.Month, d, h, min int) time.Time {
	return time.Date(y, m, d, h, min, 0, 0, casus.Amsterdam)
}

func TestRecurrenceNext(t *testing.T) {
	// The mbo intern zorgteam: every other Tuesday at 14:00 from 1 September 2026.
	fortnight := casus.Recurrence{First: at(2026, 9, 1, 14, 0), EveryWeeks: 2, Duration: 90 * time.Minute}
	// The ZAT: the first Thursday of the month at 13:30.
	monthly := casus.Recurrence{First: at(2026, 9, 3, 13, 30), MonthWeek: 1, Duration: 2 * time.Hour}
	lastMonday := casus.Recurrence{First: at(2026, 9, 28, 9, 0), MonthWeek: -1, Duration: time.Hour}
	tests := []struct {
		name string
		r    casus.Recurrence
		t    time.Time
		want time.Time
	}{
		{"BeforeFirst", fortnight, at(2026, 8, 20, 9, 0), at(2026, 9, 1, 14, 0)},
		{"CrisisTuesdayMorningSameDay", fortnight, at(2026, 11, 10, 9, 0), at(2026, 11, 10, 14, 0)},
		{"CrisisTuesdayAfterMeeting", fortnight, at(2026, 11, 10, 16, 0), at(2026, 11, 24, 14, 0)},
		{"CrisisOffWeekTuesday", fortnight, at(2026, 11, 17, 10, 0), at(2026, 11, 24, 14, 0)},
		{"DuringMeetingMeansNext", fortnight, at(2026, 11, 10, 14, 0), at(2026, 11, 24, 14, 0)},
		// Daylight saving time ends on 25 October 2026: still 14:00 local.
		{"AcrossDST", fortnight, at(2026, 10, 21, 12, 0), at(2026, 10, 27, 14, 0)},
		{"MonthlyFirstThursday", monthly, at(2026, 11, 23, 12, 0), at(2026, 12, 3, 13, 30)},
		{"MonthlyAcrossYear", monthly, at(2026, 12, 3, 15, 0), at(2027, 1, 7, 13, 30)},
		{"MonthlyLastMonday", lastMonday, at(2026, 11, 23, 12, 0), at(2026, 11, 30, 9, 0)},
		{"Invalid", casus.Recurrence{First: at(2026, 9, 1, 14, 0), EveryWeeks: 2, MonthWeek: 1, Duration: time.Hour}, at(2026, 9, 2, 0, 0), time.Time{}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.r.Next(tc.t); !got.Equal(tc.want) {
				t.Errorf("Next(%v) = %v, want %v", tc.t, got, tc.want)
			}
		})
	}
}

func TestRecurrenceBetween(t *testing.T) {
	r := casus.Recurrence{First: at(2026, 9, 1, 14, 0), EveryWeeks: 2, Duration: time.Hour}
	got := r.Between(at(2026, 9, 1, 14, 0), at(2026, 10, 1, 0, 0))
	want := []time.Time{at(2026, 9, 1, 14, 0), at(2026, 9, 15, 14, 0), at(2026, 9, 29, 14, 0)}
	if len(got) != len(want) {
		t.Fatalf("Between = %v, want %v", got, want)
	}
	for i := range want {
		if !got[i].Equal(want[i]) {
			t.Errorf("meeting %d = %v, want %v", i, got[i], want[i])
		}
	}
}

func TestRhythmAgainstKind(t *testing.T) {
	tests := []struct {
		name string
		kind casus.TeamKind
		r    casus.Recurrence
		ok   bool
	}{
		{"OK/InternFortnightly", casus.TeamIntern, casus.Recurrence{EveryWeeks: 2}, true},
		{"OK/InternWeekly", casus.TeamIntern, casus.Recurrence{EveryWeeks: 1}, true},
		{"TooRare/InternEveryThreeWeeks", casus.TeamIntern, casus.Recurrence{EveryWeeks: 3}, false},
		{"OK/ZATMonthly", casus.TeamZAT, casus.Recurrence{MonthWeek: 1}, true},
		{"OK/ZATEveryFourWeeks", casus.TeamZAT, casus.Recurrence{EveryWeeks: 4}, true},
		{"TooRare/ZATEverySixWeeks", casus.TeamZAT, casus.Recurrence{EveryWeeks: 6}, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if ok := tc.r.PerFourWeeks() >= casus.MinPerFourWeeks(tc.kind); ok != tc.ok {
				t.Errorf("%v meets %.2f per four weeks; enough for %s = %v, want %v", tc.r, tc.r.PerFourWeeks(), tc.kind, ok, tc.ok)
			}
		})
	}
}

func TestSendBy(t *testing.T) {
	tests := []struct {
		name  string
		start time.Time
		want  time.Time
	}{
		{"TuesdayMeetingPreviousTuesday", at(2026, 11, 24, 14, 0), at(2026, 11, 17, 0, 0)},
		{"MondayMeetingSkipsWeekend", at(2026, 11, 30, 9, 0), at(2026, 11, 23, 0, 0)},
		{"FridayMeeting", at(2026, 11, 27, 9, 0), at(2026, 11, 20, 0, 0)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := casus.SendBy(tc.start, casus.AgendaSendDays); !got.Equal(tc.want) {
				t.Errorf("SendBy(%v) = %v, want %v", tc.start, got, tc.want)
			}
		})
	}
}

// TestAgendaDue: a team that sends its agenda three working days ahead
// sends the agenda of a Tuesday meeting on the Thursday before; a meeting
// read without its team's days keeps the default of five.
func TestAgendaDue(t *testing.T) {
	m := casus.Meeting{StartsAt: at(2026, 11, 24, 14, 0), SendDays: 3}
	if got, want := m.AgendaDue(), at(2026, 11, 19, 0, 0); !got.Equal(want) {
		t.Errorf("three days: AgendaDue = %v, want %v", got, want)
	}
	m.SendDays = 0
	if got, want := m.AgendaDue(), at(2026, 11, 17, 0, 0); !got.Equal(want) {
		t.Errorf("default: AgendaDue = %v, want %v", got, want)
	}
}

func TestMinutesReady(t *testing.T) {
	meeting := time.Date(2027, 1, 7, 14, 0, 0, 0, casus.Amsterdam)
	m := casus.Meeting{ID: "m", StartsAt: meeting}
	items := []casus.AgendaItem{{ID: "a"}, {ID: "b"}, {ID: "c", MovedTo: "c2"}}
	all := map[string]bool{"a": true, "b": true}
	for _, tc := range []struct {
		name      string
		now       time.Time
		discussed map[string]bool
		key       string
	}{
		{"OK/OnTheDayAfterTheMeeting", meeting.Add(2 * time.Hour), all, ""},
		{"OK/MorningOfTheMeetingDay", time.Date(2027, 1, 7, 8, 0, 0, 0, casus.Amsterdam), all, ""},
		{"OK/WeeksLater", meeting.AddDate(0, 1, 0), all, ""},
		{"Refused/BeforeMeetingDay", time.Date(2026, 12, 4, 10, 0, 0, 0, casus.Amsterdam), all, "minutes.before_meeting"},
		{"Refused/EveningBefore", time.Date(2027, 1, 6, 23, 30, 0, 0, casus.Amsterdam), all, "minutes.before_meeting"},
		{"Refused/ItemNotDiscussed", meeting.Add(time.Hour), map[string]bool{"a": true}, "minutes.items_open"},
		{"Refused/NothingDiscussed", meeting.Add(time.Hour), nil, "minutes.items_open"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := casus.MinutesReady(m, tc.now.UTC(), items, tc.discussed)
			if tc.key == "" {
				if err != nil {
					t.Fatalf("MinutesReady = %v, want nil", err)
				}
				return
			}
			var e *casus.Error
			if !errors.As(err, &e) || e.Key != tc.key {
				t.Fatalf("MinutesReady = %v, want %s", err, tc.key)
			}
		})
	}
	var e *casus.Error
	if err := casus.MinutesReady(m, meeting.Add(time.Hour), items, nil); !errors.As(err, &e) || e.Args["Count"] != 2 {
		t.Errorf("open items counted %v, want 2 (the moved item is not open)", err)
	}
}

// TestTimeSpent: each person's time is the minutes of the items they sat
// at; an item without planned minutes counts the default; people who sat
// at none are left out.
func TestTimeSpent(t *testing.T) {
	a, b, c := casus.User{ID: "a"}, casus.User{ID: "b"}, casus.User{ID: "c"}
	items := []casus.AgendaItem{{ID: "1", Minutes: 20}, {ID: "2"}, {ID: "3", Minutes: 10}}
	got := casus.TimeSpent([]casus.User{a, b, c}, items, map[string][]string{"1": {"a", "b"}, "2": {"a"}}, 15)
	if len(got) != 2 || got[0].User.ID != "a" || got[0].Minutes != 35 || got[0].Items != 2 ||
		got[1].User.ID != "b" || got[1].Minutes != 20 || got[1].Items != 1 {
		t.Errorf("TimeSpent = %+v, want a: 2 items, 35 minutes; b: 1 item, 20 minutes", got)
	}
	members := []casus.TeamMember{{User: a, Kind: casus.MemberFixed}, {User: b, Kind: casus.MemberOnCall}, {User: c, Kind: casus.MemberOnCall}}
	if got := casus.ExpectedAttendees(members, []string{"c"}); len(got) != 2 || got[0].ID != "a" || got[1].ID != "c" {
		t.Errorf("ExpectedAttendees = %+v, want a (fixed) and c (invited)", got)
	}
}
