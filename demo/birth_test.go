package demo

import (
	"testing"
	"time"

	"casus"
)

// TestBirthDate checks every day of a leap year and the turn of the next,
// with every allowed distance to the last birthday: the age always holds.
func TestBirthDate(t *testing.T) {
	start := time.Date(2027, time.December, 1, 0, 0, 0, 0, time.UTC)
	for today := start; today.Before(start.AddDate(1, 3, 0)); today = today.AddDate(0, 0, 1) {
		for _, age := range []int{4, 9, 16, 17, 18} {
			for days := 0; days <= 360; days++ {
				s := casus.Student{DateOfBirth: birthDate(today, age, days)}
				if got := s.AgeOn(today); got != age {
					t.Fatalf("birthDate(%s, %d, %d) = %s: %d years old", today.Format(time.DateOnly), age, days,
						s.DateOfBirth.Format(time.DateOnly), got)
				}
			}
		}
	}
}
