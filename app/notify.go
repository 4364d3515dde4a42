package app

import (
	"context"
	"slices"

	"casus"
	"casus/storage"
)

// Notifications are messages (casus.Message) that the use cases write in the
// transaction of the change they announce: a referral submitted, returned,
// accepted or redirected, an action assigned, new advice, a crisis, a case
// escalated to the ZAT, a partner's sight of a student taken by a change of
// consent (casus.Notification lists the keys). They name the team at most,
// never the student, and link to the page, which decides access and logs
// the read. The delivery job mails each once
// (jobs.DeliverMail); the mail only says that something waits in Casus.

// notify tells each of users, once, of a change the actor made: a message
// with key and link, naming the team. The actor is not told of their own
// change; empty ids (no mentor, say) are skipped.
func notify(ctx context.Context, tx *storage.Tx, actor casus.User, key, team, link string, users ...string) error {
	var told []string
	for _, id := range users {
		if id == "" || id == actor.ID || slices.Contains(told, id) {
			continue
		}
		told = append(told, id)
		if err := tx.AddMessage(ctx, &casus.Message{UserID: id, Key: key, Args: map[string]string{"Team": team}, Link: link}); err != nil {
			return err
		}
	}
	return nil
}

// caseTeam is the name of the team that handles the case, for the text.
func caseTeam(ctx context.Context, tx *storage.Tx, caseID string) (string, error) {
	c, err := tx.Case(ctx, caseID)
	return c.TeamName, err
}

// teamChairs returns the ids of the team's chairs.
func teamChairs(ctx context.Context, tx *storage.Tx, teamID string) ([]string, error) {
	return teamMemberIDs(ctx, tx, teamID, func(m casus.TeamMember) bool { return m.Chair })
}

// teamMemberIDs returns the ids of the team's active members that keep.
func teamMemberIDs(ctx context.Context, tx *storage.Tx, teamID string, keep func(casus.TeamMember) bool) ([]string, error) {
	members, err := tx.TeamMembers(ctx, teamID)
	var ids []string
	for _, m := range members {
		if !m.User.Disabled && keep(m) {
			ids = append(ids, m.User.ID)
		}
	}
	return ids, err
}

// UnreadMessages returns how many of the actor's messages are unread, for
// the menu. Messages name no student, so counting them is not logged.
func (s *Service) UnreadMessages(ctx context.Context, a Actor) (int, error) {
	var n int
	err := s.db.View(ctx, func(tx *storage.Tx) (err error) {
		n, err = tx.UnreadMessageCount(ctx, a.User.ID)
		return err
	})
	return n, err
}

// MarkMessageRead marks one of the actor's messages read. Someone else's
// message, or none, is not found.
func (s *Service) MarkMessageRead(ctx context.Context, a Actor, id string) error {
	if !casus.ValidID(id) {
		return casus.ErrNotFound
	}
	return s.db.Update(ctx, func(tx *storage.Tx) error { return tx.MarkMessageRead(ctx, a.User.ID, id) })
}

// MarkAllMessagesRead marks every unread message of the actor read.
func (s *Service) MarkAllMessagesRead(ctx context.Context, a Actor) error {
	return s.db.Update(ctx, func(tx *storage.Tx) error {
		_, err := tx.MarkAllMessagesRead(ctx, a.User.ID)
		return err
	})
}
