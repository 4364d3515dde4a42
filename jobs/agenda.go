package jobs

import (
	"context"
	"fmt"
	"time"

	"github.com/riverqueue/river"

	"casus"
	"casus/storage"
)

// DispatchAgendasArgs sends out the agendas whose send-by moment has come
// (casus.Meeting.AgendaDue: by default five working days before the meeting). It runs every
// quarter of an hour on the leader; Slot makes one run per quarter unique.
type DispatchAgendasArgs struct {
	Slot time.Time `json:"slot" river:"unique"`
}

// Kind names the job in the queue.
func (DispatchAgendasArgs) Kind() string { return "dispatch_agendas" }

// InsertOpts makes the job unique per slot.
func (DispatchAgendasArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{MaxAttempts: 5, UniqueOpts: river.UniqueOpts{ByArgs: true}}
}

const dispatchEvery = 15 * time.Minute

func dispatchAgendasPeriodic(db *storage.DB) *river.PeriodicJob {
	return periodic(db, dispatchEvery, func(slot time.Time) river.JobArgs { return DispatchAgendasArgs{Slot: slot} })
}

type dispatchAgendasWorker struct {
	river.WorkerDefaults[DispatchAgendasArgs]
	db      *storage.DB
	deliver func(context.Context) error // enqueues mail delivery
}

func (w *dispatchAgendasWorker) Work(ctx context.Context, _ *river.Job[DispatchAgendasArgs]) error {
	n, err := DispatchAgendas(ctx, w.db)
	if err != nil || n == 0 {
		return err
	}
	return w.deliver(ctx)
}

// dispatchHorizon bounds how far ahead a meeting's agenda can be due:
// casus.MaxSendDays working days are at most sixteen calendar days.
const dispatchHorizon = 17 * 24 * time.Hour

// DispatchAgendas sends every agenda that is due and has not gone out: each
// member of the team, fixed or on call, who may see at least one item (an
// on-call partner only the cases they are invited for) gets a message with
// the number of their items and a link; the message names no student. Each
// meeting is marked in the same transaction, so an agenda goes out once
// however many instances run the job. It returns how many messages it
// stored.
func DispatchAgendas(ctx context.Context, db *storage.DB) (int, error) {
	sent := 0
	err := db.Update(ctx, func(tx *storage.Tx) error {
		now := tx.Now()
		// Meetings are stored ahead, so pages read them without writing
		// and their agendas go out on time.
		if err := tx.PlanAllMeetings(ctx); err != nil {
			return err
		}
		meetings, err := tx.UndispatchedMeetings(ctx, now, now.Add(dispatchHorizon))
		if err != nil {
			return err
		}
		for _, m := range meetings {
			if now.Before(m.AgendaDue()) {
				continue
			}
			first, err := tx.MarkDispatched(ctx, m.ID)
			if err != nil || !first {
				return err
			}
			n, err := sendAgenda(ctx, tx, m)
			if err != nil {
				return fmt.Errorf("agenda of meeting %s: %w", m.ID, err)
			}
			sent += n
		}
		return nil
	})
	return sent, err
}

// sendAgenda stores one message per member with items they may see.
func sendAgenda(ctx context.Context, tx *storage.Tx, m casus.Meeting) (int, error) {
	team, _, err := tx.Team(ctx, m.TeamID)
	if err != nil {
		return 0, err
	}
	members, err := tx.TeamMembers(ctx, m.TeamID)
	if err != nil {
		return 0, err
	}
	items, err := tx.Agenda(ctx, m.ID)
	if err != nil || len(items) == 0 {
		return 0, err
	}
	sent := 0
	for _, member := range members {
		u := member.User
		if u.Disabled || !u.SeesStudentData() {
			continue
		}
		visible := 0
		for _, it := range items {
			_, rel, err := tx.StudentFor(ctx, u.ID, it.StudentID)
			if err != nil {
				return sent, err
			}
			if casus.CanViewStudent(u, rel).Allowed {
				visible++
			}
		}
		if visible == 0 {
			continue
		}
		msg := casus.Message{UserID: u.ID, Key: "message.agenda", Link: "/meetings/" + m.ID,
			Args: map[string]string{"Team": team.Name, "Start": m.StartsAt.UTC().Format(time.RFC3339), "N": fmt.Sprint(visible)}}
		if err := tx.AddMessage(ctx, &msg); err != nil {
			return sent, err
		}
		sent++
	}
	return sent, nil
}
