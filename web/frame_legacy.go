package web

import (
	"context"
	"errors"

	"casus"
	"casus/storage"
)

// The frame of the handlers not yet moved to package app (issue "One door
// for every workflow"); app/frame.go is its successor.

// denial marks an access that was refused: updateLogged undoes what the
// request wrote, records the entry with the decision and commits, and the
// handler shows the error.
type denial struct {
	err    error
	entry  *casus.AccessEntry
	access casus.Access
}

func (d *denial) Error() string { return "denied: " + d.err.Error() }

// logDenied refuses the request as denied; the entry is recorded by
// updateLogged once what the request wrote is undone.
func logDenied(_ context.Context, _ *storage.Tx, e *casus.AccessEntry, show error) error {
	return &denial{err: show, entry: e}
}

// updateLogged runs fn in a transaction, its business step under a
// savepoint. A denial returns to the savepoint — nothing the refused request
// wrote survives — then records the denial's access-log entry and commits;
// it is returned as the error to show.
func (s *Server) updateLogged(ctx context.Context, fn func(tx *storage.Tx) error) error {
	var d *denial
	err := s.db.Update(ctx, func(tx *storage.Tx) error {
		step, err := tx.Step(ctx)
		if err != nil {
			return err
		}
		err = fn(tx)
		if !errors.As(err, &d) {
			return err
		}
		if err := step.Undo(ctx); err != nil {
			return err
		}
		if d.entry == nil {
			return nil
		}
		return logAccess(ctx, tx, d.entry, d.access)
	})
	if err == nil && d != nil {
		return d.err
	}
	return err
}
