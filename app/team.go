package app

import (
	"context"
	"slices"

	"casus"
	"casus/storage"
)

// Teams lists the care teams; the list shows no student data.
func (s *Service) Teams(ctx context.Context, a Actor) ([]casus.CareTeam, error) {
	var teams []casus.CareTeam
	err := s.db.View(ctx, func(tx *storage.Tx) error {
		var err error
		teams, err = tx.Teams(ctx)
		return err
	})
	return teams, err
}

// TeamPage is a care team as its page shows it: its members, which of the
// minimum partners for its kind it lacks, its rhythm and coming meetings.
type TeamPage struct {
	Team     casus.CareTeam
	Schools  []string
	Members  []casus.TeamMember
	Missing  []casus.Requirement
	Meetings TeamMeetings
	// CanManage: the actor may change the composition (casus.CanManageTeam).
	CanManage bool
}

// TeamMeetings is the meetings part of a team page.
type TeamMeetings struct {
	Rhythm   *casus.Recurrence
	Location string
	TooRare  bool // the rhythm is below what the team's kind needs
	Upcoming []casus.Meeting
	CanPlan  bool
	IsMember bool // may open the agendas
}

// MeetingsShown is how many coming meetings the team page lists.
const MeetingsShown = storage.MeetingsAhead

// Team opens a care team's page for the actor. It shows no student data. A
// malformed or unknown team is not found.
func (s *Service) Team(ctx context.Context, a Actor, teamID string) (TeamPage, error) {
	var page TeamPage
	if !casus.ValidID(teamID) {
		return page, casus.ErrNotFound
	}
	err := s.db.View(ctx, func(tx *storage.Tx) error {
		var err error
		if page.Team, page.Schools, err = tx.Team(ctx, teamID); err != nil {
			return err
		}
		if page.Members, err = tx.TeamMembers(ctx, teamID); err != nil {
			return err
		}
		page.Meetings, err = teamMeetingsFor(ctx, tx, a.User, page.Team, page.Members)
		return err
	})
	if err != nil {
		return page, err
	}
	page.Missing = casus.MissingPartners(page.Team.Kind, page.Members)
	page.CanManage = casus.CanManageTeam(a.User, page.Members)
	return page, nil
}

// teamMeetingsFor fills the meetings part of a team page for u.
func teamMeetingsFor(ctx context.Context, tx *storage.Tx, u casus.User, team casus.CareTeam, members []casus.TeamMember) (TeamMeetings, error) {
	tm := TeamMeetings{CanPlan: casus.CanPlanMeetings(u, members),
		IsMember: u.SeesStudentData() && slices.ContainsFunc(members, func(m casus.TeamMember) bool { return m.User.ID == u.ID })}
	rec, loc, ok, err := tx.Recurrence(ctx, team.ID)
	if err != nil {
		return tm, err
	}
	if ok {
		tm.Rhythm, tm.Location = &rec, loc
		tm.TooRare = rec.PerFourWeeks() < casus.MinPerFourWeeks(team.Kind)
	}
	tm.Upcoming, err = tx.UpcomingMeetings(ctx, team.ID, tx.Now(), MeetingsShown)
	return tm, err
}
