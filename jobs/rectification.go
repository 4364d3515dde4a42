package jobs

import (
	"context"
	"time"

	"casus"
	"casus/storage"
)

// RemindOverdueRectifications tells the zorgcoördinator of each request for
// rectification whose legal month has passed without the requester being
// told the outcome, once per request. The recipients are the chairs of the
// student's school whom the policy lets handle the student's requests. The
// message links to the request and names neither the student nor the
// requester. It returns how many messages it stored.
func RemindOverdueRectifications(ctx context.Context, db *storage.DB) (int, error) {
	sent := 0
	err := db.Update(ctx, func(tx *storage.Tx) error {
		today := casus.CareDay(tx.Now())
		// A month is at least 28 days: nothing younger can be overdue.
		reqs, err := tx.UnansweredRectifications(ctx, today.AddDate(0, 0, -28))
		if err != nil {
			return err
		}
		for _, r := range reqs {
			if !r.Overdue(today) {
				continue
			}
			first, err := tx.MarkReminded(ctx, r.ID, "rectification_overdue")
			if err != nil || !first {
				if err != nil {
					return err
				}
				continue
			}
			chairs, err := tx.SchoolChairs(ctx, r.StudentID)
			if err != nil {
				return err
			}
			for _, c := range chairs {
				if !casus.CanHandleRectification(c.User, c.Relation).Allowed {
					continue
				}
				msg := casus.Message{UserID: c.User.ID, Key: "message.rectification_overdue",
					Link: "/students/" + r.StudentID + "/rectification/" + r.ID,
					Args: map[string]string{"Due": r.Deadline().Format(time.RFC3339)}}
				if err := tx.AddMessage(ctx, &msg); err != nil {
					return err
				}
				sent++
			}
		}
		return nil
	})
	return sent, err
}
