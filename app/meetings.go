package app

import (
	"context"
	"time"

	"casus"
	"casus/storage"
)

// teamPlanning runs fn for the team teamID, with its members, in a write
// transaction; only its chair may plan. A malformed or unknown team is not
// found; someone other than the chair is forbidden (the team page is open
// to all staff, so its existence is no secret). Afterwards the rhythm's
// coming meetings are planned again: a moved or cancelled meeting leaves
// room for the next one.
func (s *Service) teamPlanning(ctx context.Context, a Actor, teamID string, fn func(tx *storage.Tx, team casus.CareTeam) error) error {
	if !casus.ValidID(teamID) {
		return casus.ErrNotFound
	}
	return s.db.Update(ctx, func(tx *storage.Tx) error {
		team, _, err := tx.Team(ctx, teamID)
		if err != nil {
			return err
		}
		members, err := tx.TeamMembers(ctx, teamID)
		if err != nil {
			return err
		}
		if !casus.CanPlanMeetings(a.User, members) {
			return &casus.Error{Code: casus.EFORBIDDEN, Key: "meetings.not_chair"}
		}
		if err := fn(tx, team); err != nil {
			return err
		}
		_, err = tx.PlanMeetings(ctx, team.ID, tx.Now(), storage.MeetingsAhead)
		return err
	})
}

// SaveMeetingRhythm sets the team's meeting rhythm, its location and how
// many working days ahead its agendas go out (0: as they were); what is
// ready for discussion goes onto the first meeting of the new rhythm. errs
// are the errors the door found parsing the form: with any, nothing is
// stored and they come back (after the chair check).
func (s *Service) SaveMeetingRhythm(ctx context.Context, a Actor, teamID string, rec casus.Recurrence, location string, sendDays int,
	errs casus.ValidationErrors) error {
	return s.teamPlanning(ctx, a, teamID, func(tx *storage.Tx, team casus.CareTeam) error {
		if errs != nil {
			return errs
		}
		if sendDays != 0 && sendDays != team.SendDays {
			if err := tx.SetSendDays(ctx, team.ID, sendDays); err != nil {
				return err
			}
		}
		if err := tx.SetRecurrence(ctx, team.ID, rec, location); err != nil {
			return err
		}
		_, _, err := tx.CollectAgenda(ctx, team.ID)
		return err
	})
}

// CancelMeeting cancels one meeting of the team.
func (s *Service) CancelMeeting(ctx context.Context, a Actor, teamID, meetingID string) error {
	return s.teamPlanning(ctx, a, teamID, func(tx *storage.Tx, team casus.CareTeam) error {
		m, err := meetingOfTeam(ctx, tx, team, meetingID)
		if err != nil {
			return err
		}
		return tx.CancelMeeting(ctx, m.ID)
	})
}

// MoveMeeting moves one meeting of the team to another moment; errs are
// the door's errors parsing it (see SaveMeetingRhythm).
func (s *Service) MoveMeeting(ctx context.Context, a Actor, teamID, meetingID string, to time.Time, errs casus.ValidationErrors) error {
	return s.teamPlanning(ctx, a, teamID, func(tx *storage.Tx, team casus.CareTeam) error {
		m, err := meetingOfTeam(ctx, tx, team, meetingID)
		if err != nil {
			return err
		}
		if errs != nil {
			return errs
		}
		if err := tx.MoveMeeting(ctx, m.ID, to); err != nil {
			return err
		}
		_, _, err = tx.CollectAgenda(ctx, team.ID)
		return err
	})
}

// meetingOfTeam loads meeting id, which must be the team's.
func meetingOfTeam(ctx context.Context, tx *storage.Tx, team casus.CareTeam, id string) (casus.Meeting, error) {
	if !casus.ValidID(id) {
		return casus.Meeting{}, casus.ErrNotFound
	}
	m, err := tx.Meeting(ctx, id)
	if err == nil && m.TeamID != team.ID {
		err = casus.ErrNotFound
	}
	return m, err
}
