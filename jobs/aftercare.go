package jobs

import (
	"context"
	"time"

	"github.com/riverqueue/river"

	"casus"
	"casus/storage"
)

// AftercareArgs creates the aftercare tasks that have come due. It runs
// every hour on the leader; Hour makes one run per hour unique.
type AftercareArgs struct {
	Hour time.Time `json:"hour" river:"unique"`
}

// Kind names the job in the queue.
func (AftercareArgs) Kind() string { return "aftercare" }

// InsertOpts makes the job unique per hour.
func (AftercareArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{MaxAttempts: 5, UniqueOpts: river.UniqueOpts{ByArgs: true}}
}

func aftercarePeriodic(db *storage.DB) *river.PeriodicJob {
	return periodic(db, time.Hour, func(hour time.Time) river.JobArgs { return AftercareArgs{Hour: hour} })
}

type aftercareWorker struct {
	river.WorkerDefaults[AftercareArgs]
	db      *storage.DB
	deliver func(context.Context) error // enqueues mail delivery
}

func (w *aftercareWorker) Work(ctx context.Context, _ *river.Job[AftercareArgs]) error {
	n, err := CreateAftercareTasks(ctx, w.db)
	if err != nil || n == 0 {
		return err
	}
	return w.deliver(ctx)
}

// CreateAftercareTasks creates the aftercare task of every ZAT case whose
// last discussion was three months ago or more, once per case, and tells
// the team's chair in a message that names no student; the student's care
// contacts get the questionnaire (askCareContacts). It returns how many
// tasks it created.
func CreateAftercareTasks(ctx context.Context, db *storage.DB) (int, error) {
	created := 0
	err := db.Update(ctx, func(tx *storage.Tx) error {
		due, err := tx.DueAftercare(ctx, tx.Now())
		if err != nil {
			return err
		}
		for _, a := range due {
			first, err := tx.CreateAftercare(ctx, &a)
			if err != nil || !first {
				return err
			}
			created++
			c, err := tx.Case(ctx, a.CaseID)
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
				msg := casus.Message{UserID: m.User.ID, Key: "message.aftercare", Link: "/cases/" + c.ID + "/aftercare",
					Args: map[string]string{"Team": c.TeamName}}
				if err := tx.AddMessage(ctx, &msg); err != nil {
					return err
				}
			}
			if err := askCareContacts(ctx, tx, c); err != nil {
				return err
			}
		}
		return nil
	})
	return created, err
}

// askCareContacts asks the student's care contacts (the taakdocent zorg or
// IB'er of the student's group) for their answers to the aftercare
// questionnaire, in a message that names no student. It runs with the
// task's creation, so once per case.
func askCareContacts(ctx context.Context, tx *storage.Tx, c casus.Case) error {
	ids, err := tx.CareContactsOf(ctx, c.StudentID)
	if err != nil {
		return err
	}
	for _, id := range ids {
		msg := casus.Message{UserID: id, Key: "message.aftercare_questionnaire", Link: "/cases/" + c.ID + "/aftercare",
			Args: map[string]string{"Team": c.TeamName}}
		if err := tx.AddMessage(ctx, &msg); err != nil {
			return err
		}
	}
	return nil
}
