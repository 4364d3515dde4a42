package app

import (
	"context"

	"casus"
	"casus/storage"
)

// ViewAction shows one action to whoever may report on it — its owner or
// the coordinator (casus.CanUpdateAction) — logged as a read of the action.
// A partner without consent gets it without the student's name. A
// malformed, unknown or denied action is casus.ErrNotFound.
func (s *Service) ViewAction(ctx context.Context, a Actor, id string) (casus.Action, error) {
	var act casus.Action
	req := studentReq{action: casus.ActRead, purpose: "action", objectKind: "action", objectID: id, anonymousOK: true,
		studentOf: func(tx *storage.Tx) (string, error) {
			var err error
			act, err = tx.Action(ctx, id)
			return act.StudentID, err
		}}
	err := s.student(ctx, a, req, func(c *Student) (casus.Access, error) {
		acc := casus.CanUpdateAction(c.u, act, c.rel)
		if c.e.Basis == casus.BasisAnonymous {
			act.StudentName = ""
		}
		return acc, nil
	})
	if err != nil {
		return casus.Action{}, err
	}
	return act, nil
}
