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

// ChangeFeed is a page of the change feed: the changes of students the
// actor may see, and the cursor to ask from next time.
type ChangeFeed struct {
	Changes []storage.Change
	Next    int64
}

// changeScan is how many access-log entries one call of the feed looks at.
const changeScan = 2000

// Changes returns the changes to students' data after the cursor after (an
// access-log sequence number), at most limit, of the students the actor may
// open by name now (casus.CanViewStudent and the partner's grounds): each
// row shown is logged as a search hit ("change feed"); the rest are left
// out and logged nowhere. Next is where to go on from; it moves past the
// entries looked at, also when none was shown.
func (s *Service) Changes(ctx context.Context, a Actor, after int64, limit int) (ChangeFeed, error) {
	u := a.User
	feed := ChangeFeed{Next: after}
	if !u.SeesStudentData() {
		return feed, &casus.Error{Code: casus.EFORBIDDEN, Key: "error.forbidden"}
	}
	err := s.list(ctx, a, casus.ActSearch, "change feed", func(l *listing) error {
		changes, last, err := l.tx.ChangesSince(ctx, after, changeScan)
		if err != nil {
			return err
		}
		feed.Next = last
		type facts struct {
			st  casus.Student
			acc casus.Access
		}
		seen := map[string]facts{}
		for _, ch := range changes {
			f, ok := seen[ch.StudentID]
			if !ok {
				st, rel, err := l.tx.StudentFor(ctx, u.ID, ch.StudentID)
				if err != nil && casus.ErrorCode(err) != casus.ENOTFOUND {
					return err
				}
				f = facts{st: st, acc: casus.CanViewStudent(u, rel)} // an erased student: not Exists, denied
				seen[ch.StudentID] = f
			}
			shown, err := l.row(f.st, f.acc, ch.ObjectKind, ch.ObjectID, false)
			if err != nil {
				return err
			}
			if shown == rowHidden {
				continue
			}
			feed.Changes = append(feed.Changes, ch)
			if len(feed.Changes) == limit {
				feed.Next = ch.Seq
				break
			}
		}
		return nil
	})
	return feed, err
}
