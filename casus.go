// Package casus holds the domain of Casus: the people, organisations and care
// teams of Dutch school care (intern zorgteam and zorg- en adviesteam), the
// access policy that decides who may see what, and the domain error type.
//
// The package uses the standard library only. Storage, HTTP and
// authentication live in their own packages and depend on this one.
package casus

import (
	"time"

	"github.com/google/uuid"
)

// NewID returns a new random, time-ordered identifier (UUIDv7). Identifiers
// are never sequential so that URLs reveal nothing about volumes or order.
func NewID() string {
	return uuid.Must(uuid.NewV7()).String()
}

// ValidID reports whether s looks like an identifier made by NewID. Handlers
// use it to refuse malformed path values before any query runs.
func ValidID(s string) bool {
	_, err := uuid.Parse(s)
	return err == nil && len(s) == 36
}

// EarliestDay and MaxYearsAhead bound every day a person types: nothing in
// a care file lies before 1900, and no plan reaches further than ten years
// ahead. A slip of the year (9999 for 2025) is refused with a message
// instead of being stored, where it would break dates computed from it.
var EarliestDay = time.Date(1900, 1, 1, 0, 0, 0, 0, time.UTC)

// MaxYearsAhead is how far ahead a typed day may lie; see EarliestDay.
const MaxYearsAhead = 10

// LatestDay is the last day a person may type on the given day.
func LatestDay(today time.Time) time.Time { return today.AddDate(MaxYearsAhead, 0, 0) }

// DayInRange reports whether d lies between EarliestDay and LatestDay(today).
func DayInRange(d, today time.Time) bool {
	return !d.Before(EarliestDay) && !d.After(LatestDay(today))
}
