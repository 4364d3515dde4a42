package app

import (
	"context"
	"time"

	"casus"
	"casus/storage"
)

// securityEventOf starts a security event of the actor's request: the
// logged-in user (if any) as the actor, the client's address and the class
// of its browser. The event is written in the transaction of the change it
// records.
func (s *Service) securityEventOf(a Actor, kind casus.SecurityEventKind) *casus.SecurityEvent {
	return &casus.SecurityEvent{Kind: kind, ClientAddr: a.ClientAddr, UserAgent: a.UserAgent,
		RequestID: a.RequestID, Instance: s.db.Instance, ActorID: a.User.ID, ActorName: a.User.Name}
}

// securityEventOn starts a security event of the actor's request about the
// account u.
func (s *Service) securityEventOn(a Actor, kind casus.SecurityEventKind, u casus.User) *casus.SecurityEvent {
	e := s.securityEventOf(a, kind)
	e.TargetID, e.TargetName = u.ID, u.Name
	return e
}

// SecurityEventQuery selects security events: a kind, an account (the
// actor or the target), and the first and last day (dates at UTC midnight,
// meant in Dutch time). Zero fields select everything.
type SecurityEventQuery struct {
	Kind        casus.SecurityEventKind
	UserID      string
	First, Last time.Time
	Limit       int
}

// SecurityEventAccounts lists the accounts the security-event log can be
// filtered by. Only the privacy officer reads the log
// (casus.CanReadSecurityEvents).
func (s *Service) SecurityEventAccounts(ctx context.Context, a Actor) ([]casus.User, error) {
	if !casus.CanReadSecurityEvents(a.User) {
		return nil, &casus.Error{Code: casus.EFORBIDDEN, Key: "error.forbidden"}
	}
	var users []casus.User
	err := s.db.View(ctx, func(tx *storage.Tx) (err error) {
		users, err = tx.Users(ctx)
		return err
	})
	return users, err
}

// SecurityEvents returns the newest security events q selects, newest
// first, to the privacy officer. The log names staff, never a student, so
// reading it is not in the access log.
func (s *Service) SecurityEvents(ctx context.Context, a Actor, q SecurityEventQuery) ([]casus.SecurityEvent, error) {
	if !casus.CanReadSecurityEvents(a.User) {
		return nil, &casus.Error{Code: casus.EFORBIDDEN, Key: "error.forbidden"}
	}
	f := storage.SecurityFilter{Kind: q.Kind, UserID: q.UserID, Limit: q.Limit}
	if !q.First.IsZero() {
		f.From = securityDayStart(q.First)
	}
	if !q.Last.IsZero() {
		f.Until = securityDayStart(q.Last.AddDate(0, 0, 1))
	}
	var events []casus.SecurityEvent
	err := s.db.View(ctx, func(tx *storage.Tx) (err error) {
		events, err = tx.SecurityEvents(ctx, f)
		return err
	})
	return events, err
}

// securityDayStart is the start of the day d (a date at UTC midnight) in
// Dutch time, where the filter's days are meant.
func securityDayStart(d time.Time) time.Time {
	return time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, casus.Amsterdam)
}
