package casus

import "time"

// Clock returns the current time. Everything time-dependent takes a Clock so
// tests move time instead of sleeping. A process has one: cmd/casus builds
// it and gives it to storage.Open; the web server and the background jobs
// read it from the store (storage.DB.Now), so they cannot disagree.
type Clock func() time.Time

// SystemClock is the wall clock in UTC.
func SystemClock() time.Time { return time.Now().UTC() }

// CareDay is the calendar day of t in Europe/Amsterdam, where the care team
// works, as a UTC midnight: the form every day is stored and compared in
// (DATE columns hold no time or zone). So at 00:30 on 1 March in Amsterdam,
// while it is still 28 February in UTC, CareDay is 1 March. Every "today"
// comes from here: CareDay(now).
func CareDay(t time.Time) time.Time {
	y, m, d := t.In(Amsterdam).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}
