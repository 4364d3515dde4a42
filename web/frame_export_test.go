package web

import (
	"context"

	"casus"
	"casus/storage"
)

// RefuseAfterWriting runs, in the frame every handler of a student's data
// uses (updateLogged), a request step that writes and then refuses with
// refusal, as a handler that found a problem late would. For tests of the
// frame only.
func (s *Server) RefuseAfterWriting(ctx context.Context, e *casus.AccessEntry, write func(tx *storage.Tx) error, refusal error) error {
	return s.updateLogged(ctx, func(tx *storage.Tx) error {
		if err := write(tx); err != nil {
			return err
		}
		return refused(ctx, tx, e, casus.Access{Allowed: true, Relation: casus.RelCoordinator}, refusal)
	})
}
