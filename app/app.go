// Package app holds Casus's use cases: one exported method per thing a user
// does (view a student, save a referral, decide it, record consent, close a
// case, …). Each takes the Actor and a typed input and returns a typed result
// or a *casus.Error, and runs in the one frame (frame.go): transaction →
// facts → policy → change under a savepoint → access-log entries → outbox
// messages → commit. The web handlers, the background jobs and cmd/casus are
// doors onto these methods; none of them opens a transaction of its own.
package app

import (
	"context"
	"time"

	"casus"
	"casus/storage"
)

// Service runs the use cases against one store. Its clock is the store's.
type Service struct {
	db *storage.DB
}

// New returns the use cases over db.
func New(db *storage.DB) *Service { return &Service{db: db} }

// Now is the store's clock.
func (s *Service) Now() time.Time { return s.db.Now() }

// Today is the care day in Europe/Amsterdam, as a UTC midnight.
func (s *Service) Today() time.Time { return casus.CareDay(s.db.Now()) }

// Actor is who asks, and what the access log records of the request: the
// user, the request's id, the client's address and browser class, and the
// care day the request came in (so a page and its checks agree on "today"
// even across midnight).
type Actor struct {
	User       casus.User
	RequestID  string
	ClientAddr string
	UserAgent  string // the browser class, not the raw header (see web.userAgentClass)
	Day        time.Time
	// Token is the name of the API token the request came with, empty for
	// a page: the access log names it as the actor (with User, the account
	// whose sight it acts with).
	Token string
}

// Today is the care day of the actor's request, or the store's when unset.
func (s *Service) today(a Actor) time.Time {
	if a.Day.IsZero() {
		return s.Today()
	}
	return a.Day
}

// Healthy reports whether the store answers: the health check's use case.
func (s *Service) Healthy(ctx context.Context) error { return s.db.Ping(ctx) }
