package casus

import (
	"testing"
	"time"
)

func TestCareDay(t *testing.T) {
	utc := func(s string) time.Time {
		t.Helper()
		v, err := time.Parse("2006-01-02 15:04:05", s)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	newYork, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		at   time.Time
		want string
	}{
		{"WinterJustBeforeMidnight", utc("2026-01-15 22:59:59"), "2026-01-15"}, // 23:59:59 CET
		{"WinterMidnight", utc("2026-01-15 23:00:00"), "2026-01-16"},           // 00:00 CET
		{"SummerJustBeforeMidnight", utc("2026-07-01 21:59:59"), "2026-07-01"}, // 23:59:59 CEST
		{"SummerMidnight", utc("2026-07-01 22:00:00"), "2026-07-02"},           // 00:00 CEST
		{"UTCMidnightIsThatDay", utc("2026-03-29 00:00:00"), "2026-03-29"},     // a stored date keeps its day
		{"NewYearInAmsterdamFirst", utc("2026-12-31 23:00:00"), "2027-01-01"},  // still 2026 in UTC
		{"OtherZoneCountsInAmsterdam", time.Date(2026, 5, 4, 19, 30, 0, 0, newYork), "2026-05-05"},
		// Spring forward: 29 March 2026, 02:00 CET becomes 03:00 CEST (01:00 UTC).
		{"SpringEveJustBeforeMidnight", utc("2026-03-28 22:59:59"), "2026-03-28"},
		{"SpringDayMidnight", utc("2026-03-28 23:00:00"), "2026-03-29"},
		{"SpringJustBeforeTheJump", utc("2026-03-29 00:59:59"), "2026-03-29"},     // 01:59:59 CET
		{"SpringJustAfterTheJump", utc("2026-03-29 01:00:00"), "2026-03-29"},      // 03:00 CEST
		{"SpringDayJustBeforeMidnight", utc("2026-03-29 21:59:59"), "2026-03-29"}, // 23:59:59 CEST
		{"SpringNextMidnight", utc("2026-03-29 22:00:00"), "2026-03-30"},
		// Fall back: 25 October 2026, 03:00 CEST becomes 02:00 CET (01:00 UTC).
		{"AutumnEveJustBeforeMidnight", utc("2026-10-24 21:59:59"), "2026-10-24"}, // 23:59:59 CEST
		{"AutumnDayMidnight", utc("2026-10-24 22:00:00"), "2026-10-25"},
		{"AutumnFirstTwoThirty", utc("2026-10-25 00:30:00"), "2026-10-25"},        // 02:30 CEST
		{"AutumnSecondTwoThirty", utc("2026-10-25 01:30:00"), "2026-10-25"},       // 02:30 CET
		{"AutumnDayJustBeforeMidnight", utc("2026-10-25 22:59:59"), "2026-10-25"}, // 23:59:59 CET
		{"AutumnNextMidnight", utc("2026-10-25 23:00:00"), "2026-10-26"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := CareDay(tt.at)
			want, _ := time.Parse(time.DateOnly, tt.want)
			if !got.Equal(want) || got.Location() != time.UTC {
				t.Errorf("CareDay(%s) = %s, want %s at UTC midnight", tt.at.Format(time.RFC3339), got, want)
			}
		})
	}
}
