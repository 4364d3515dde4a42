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

// Clock returns the current time. Everything time-dependent takes a Clock so
// tests move time instead of sleeping.
type Clock func() time.Time

// SystemClock is the wall clock in UTC.
func SystemClock() time.Time { return time.Now().UTC() }
