package jobs

import (
	"context"
	"time"

	"github.com/riverqueue/river"

	"casus"
	"casus/storage"
)

// ChairGraceDays is how long after an action's due day the chair hears of
// it: the owner is reminded the day after; the chair, who holds partners to
// their actions, a week later.
const ChairGraceDays = 7

// RemindersArgs sends the reminders that have come due. It runs every hour
// on the leader; Hour makes one run per hour unique.
type RemindersArgs struct {
	Hour time.Time `json:"hour" river:"unique"`
}

// Kind names the job in the queue.
func (RemindersArgs) Kind() string { return "reminders" }

// InsertOpts makes the job unique per hour.
func (RemindersArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{MaxAttempts: 5, UniqueOpts: river.UniqueOpts{ByArgs: true}}
}

func remindersPeriodic(db *storage.DB) *river.PeriodicJob {
	return periodic(db, time.Hour, func(hour time.Time) river.JobArgs { return RemindersArgs{Hour: hour} })
}

type remindersWorker struct {
	river.WorkerDefaults[RemindersArgs]
	db      *storage.DB
	deliver func(context.Context) error // enqueues mail delivery
}

func (w *remindersWorker) Work(ctx context.Context, _ *river.Job[RemindersArgs]) error {
	overdue, err := RemindOverdueActions(ctx, w.db)
	if err != nil {
		return err
	}
	followUps, err := ScheduleFollowUps(ctx, w.db)
	if err != nil {
		return err
	}
	expiring, err := RemindExpiringConsent(ctx, w.db)
	if err != nil {
		return err
	}
	rectification, err := RemindOverdueRectifications(ctx, w.db)
	if err != nil || overdue+followUps+expiring+rectification == 0 {
		return err
	}
	return w.deliver(ctx)
}

// ConsentWarnDays is how long before consent ends the chair is told, so
// there is time to ask for it again.
const ConsentWarnDays = 14

// RemindExpiringConsent tells the chair of the case's team, once per
// consent, that it ends within two weeks. The message links to the case's
// consent page and names no student. It returns how many messages it
// stored.
func RemindExpiringConsent(ctx context.Context, db *storage.DB) (int, error) {
	sent := 0
	err := db.Update(ctx, func(tx *storage.Tx) error {
		now := tx.Now()
		consents, err := tx.ExpiringConsents(ctx, now, now.AddDate(0, 0, ConsentWarnDays))
		if err != nil {
			return err
		}
		for _, cn := range consents {
			first, err := tx.MarkReminded(ctx, cn.ID, "consent_expiring")
			if err != nil {
				return err
			}
			if !first {
				continue
			}
			c, err := tx.Case(ctx, cn.CaseID)
			if err != nil {
				return err
			}
			members, err := tx.TeamMembers(ctx, c.TeamID)
			if err != nil {
				return err
			}
			for _, m := range members {
				if !m.Chair {
					continue
				}
				msg := casus.Message{UserID: m.User.ID, Key: "message.consent_expiring", Link: "/cases/" + c.ID + "/consent",
					Args: map[string]string{"Team": c.TeamName, "Due": cn.ExpiresAt.Format(time.RFC3339)}}
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

// RemindOverdueActions tells the owner of each overdue action, once, and
// the chair of its team, once, when it is still open a week after its day.
// The messages name the team and the owner, never the student. It returns
// how many messages it stored.
func RemindOverdueActions(ctx context.Context, db *storage.DB) (int, error) {
	sent := 0
	err := db.Update(ctx, func(tx *storage.Tx) error {
		today := casus.CareDay(tx.Now())
		actions, err := tx.OverdueActions(ctx, today)
		if err != nil {
			return err
		}
		send := func(userID, key string, a casus.Action, link string) error {
			msg := casus.Message{UserID: userID, Key: key, Link: link,
				Args: map[string]string{"Team": a.TeamName, "Owner": a.OwnerName, "Due": a.DueOn.Format(time.RFC3339)}}
			sent++
			return tx.AddMessage(ctx, &msg)
		}
		for _, a := range actions {
			if first, err := tx.MarkReminded(ctx, a.ID, "action_overdue"); err != nil {
				return err
			} else if first {
				if err := send(a.OwnerID, "message.action_overdue", a, "/tasks"); err != nil {
					return err
				}
			}
			if today.Before(a.DueOn.AddDate(0, 0, ChairGraceDays+1)) {
				continue
			}
			first, err := tx.MarkReminded(ctx, a.ID, "action_overdue_chair")
			if err != nil || !first {
				if err != nil {
					return err
				}
				continue
			}
			c, err := tx.Case(ctx, a.CaseID)
			if err != nil {
				return err
			}
			members, err := tx.TeamMembers(ctx, c.TeamID)
			if err != nil {
				return err
			}
			for _, m := range members {
				if m.Chair {
					if err := send(m.User.ID, "message.action_overdue_chair", a, "/students/"+a.StudentID+"#acties"); err != nil {
						return err
					}
				}
			}
		}
		return nil
	})
	return sent, err
}

// ScheduleFollowUps puts each follow-up whose evaluation day has come on
// the agenda of its team's next meeting, and tells the team's chair and the
// case coordinator, once per discussion, that the evaluation is due. The
// message links to the meeting and names no student. It returns how many
// messages it stored.
func ScheduleFollowUps(ctx context.Context, db *storage.DB) (int, error) {
	sent := 0
	err := db.Update(ctx, func(tx *storage.Tx) error {
		today := casus.CareDay(tx.Now())
		due, err := tx.DueFollowUps(ctx, today)
		if err != nil {
			return err
		}
		meetings := map[string]casus.Meeting{}
		for _, f := range due {
			if _, done := meetings[f.TeamID]; !done {
				if meetings[f.TeamID], _, err = tx.CollectAgenda(ctx, f.TeamID); err != nil {
					return err
				}
			}
		}
		for _, f := range due {
			first, err := tx.MarkReminded(ctx, f.Discussion.ID, "evaluation_due")
			if err != nil || !first {
				if err != nil {
					return err
				}
				continue
			}
			members, err := tx.TeamMembers(ctx, f.TeamID)
			if err != nil {
				return err
			}
			team, _, err := tx.Team(ctx, f.TeamID)
			if err != nil {
				return err
			}
			link := "/teams/" + f.TeamID
			if m := meetings[f.TeamID]; m.ID != "" {
				link = "/meetings/" + m.ID
			}
			told := map[string]bool{}
			for _, m := range members {
				if (m.Chair || m.User.ID == f.Discussion.Record.CoordinatorID) && !told[m.User.ID] {
					told[m.User.ID] = true
					msg := casus.Message{UserID: m.User.ID, Key: "message.evaluation_due", Link: link,
						Args: map[string]string{"Team": team.Name, "Due": f.Discussion.Record.EvaluateOn.Format(time.RFC3339)}}
					if err := tx.AddMessage(ctx, &msg); err != nil {
						return err
					}
					sent++
				}
			}
		}
		return nil
	})
	return sent, err
}
