package app

import (
	"context"
	"slices"
	"strings"

	"casus"
	"casus/storage"
)

// TeamComposition is the page on which the beheerder, or the team's chair,
// changes who sits on the team: its members with their tasks, what the
// team's kind still lacks, and who can be added.
type TeamComposition struct {
	Team       casus.CareTeam
	Members    []casus.TeamMember
	Missing    []casus.Requirement
	Candidates []casus.User
}

// teamAdmin runs fn for a team whose composition a may change
// (casus.CanManageTeam); anyone else is forbidden (the team is no secret:
// its page is open to all staff). A malformed or unknown team is not found.
func (s *Service) teamAdmin(ctx context.Context, a Actor, teamID string, write bool,
	fn func(tx *storage.Tx, page *TeamComposition) error) (TeamComposition, error) {
	var page TeamComposition
	if !casus.ValidID(teamID) {
		return page, casus.ErrNotFound
	}
	run := s.db.View
	if write {
		run = s.db.Update
	}
	err := run(ctx, func(tx *storage.Tx) error {
		var err error
		if page.Team, _, err = tx.Team(ctx, teamID); err != nil {
			return err
		}
		if page.Members, err = tx.TeamMembers(ctx, teamID); err != nil {
			return err
		}
		if !casus.CanManageTeam(a.User, page.Members) {
			return &casus.Error{Code: casus.EFORBIDDEN, Key: "teamadmin.not_allowed"}
		}
		if page.Candidates, err = tx.MemberCandidates(ctx, teamID, casus.MemberRoles); err != nil {
			return err
		}
		if fn != nil {
			return fn(tx, &page)
		}
		return nil
	})
	page.Missing = casus.MissingPartners(page.Team.Kind, page.Members)
	return page, err
}

// TeamComposition opens the composition page of the team.
func (s *Service) TeamComposition(ctx context.Context, a Actor, teamID string) (TeamComposition, error) {
	return s.teamAdmin(ctx, a, teamID, false, nil)
}

// SetTeamMember adds m's user to the team or changes their membership, as
// a security event naming the team and the membership before and after.
// The user must be a member or one of the candidates, and nobody changes
// their own membership (casus.CheckMemberChange). The page comes back with
// the composition as it is now, or as it was with the errors.
func (s *Service) SetTeamMember(ctx context.Context, a Actor, m casus.TeamMember) (TeamComposition, error) {
	return s.teamAdmin(ctx, a, m.TeamID, true, func(tx *storage.Tx, page *TeamComposition) error {
		kind := casus.SecTeamMemberChanged
		var before string
		if i := slices.IndexFunc(page.Members, func(x casus.TeamMember) bool { return x.User.ID == m.User.ID }); i >= 0 {
			m.User, before = page.Members[i].User, membership(page.Members[i])
		} else if i := slices.IndexFunc(page.Candidates, func(u casus.User) bool { return u.ID == m.User.ID }); i >= 0 {
			m.User, kind = page.Candidates[i], casus.SecTeamMemberAdded
		} else {
			return casus.ValidationErrors{casus.FieldError("user", "error.choice", nil)}
		}
		if m.Kind != casus.MemberFixed && m.Kind != casus.MemberOnCall {
			return casus.ValidationErrors{casus.FieldError("kind", "error.choice", nil)}
		}
		if err := casus.CheckMemberChange(a.User, m); err != nil {
			return err
		}
		after := membership(m)
		if before == after {
			return nil // saved as it was: nothing to record
		}
		if _, err := tx.SetMember(ctx, m); err != nil {
			return err
		}
		e := s.securityEventOn(a, kind, m.User)
		e.Detail = page.Team.Name + ": " + strings.TrimPrefix(before+" → "+after, " → ")
		if err := tx.LogSecurityEvent(ctx, e); err != nil {
			return err
		}
		var err error
		if page.Members, err = tx.TeamMembers(ctx, m.TeamID); err != nil {
			return err
		}
		page.Candidates, err = tx.MemberCandidates(ctx, m.TeamID, casus.MemberRoles)
		return err
	})
}

// RemoveTeamMember takes the user off the team, as a security event. The
// user's sight of the team's students ends with it.
func (s *Service) RemoveTeamMember(ctx context.Context, a Actor, teamID, userID string) (TeamComposition, error) {
	return s.teamAdmin(ctx, a, teamID, true, func(tx *storage.Tx, page *TeamComposition) error {
		i := slices.IndexFunc(page.Members, func(x casus.TeamMember) bool { return x.User.ID == userID })
		if i < 0 {
			return casus.ErrNotFound
		}
		m := page.Members[i]
		if err := casus.CheckMemberChange(a.User, casus.TeamMember{User: m.User, Kind: casus.MemberFixed}); err != nil {
			return err
		}
		if err := tx.RemoveMember(ctx, teamID, userID); err != nil {
			return err
		}
		e := s.securityEventOn(a, casus.SecTeamMemberRemoved, m.User)
		e.Detail = page.Team.Name + ": " + membership(m) + " → —"
		if err := tx.LogSecurityEvent(ctx, e); err != nil {
			return err
		}
		page.Members = slices.Delete(page.Members, i, i+1)
		var err error
		page.Candidates, err = tx.MemberCandidates(ctx, teamID, casus.MemberRoles)
		return err
	})
}

// membership names a membership in the security-event log's detail, in
// codes as roles are: "fixed", "on_call", with "chair" and "minutes".
func membership(m casus.TeamMember) string {
	s := string(m.Kind)
	if m.Chair {
		s += ", chair"
	}
	if m.MinuteTaker {
		s += ", minutes"
	}
	return s
}
