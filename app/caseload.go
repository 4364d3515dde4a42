package app

import (
	"context"
	"slices"
	"time"

	"casus"
	"casus/storage"
)

// CaseloadRow is a line of a team's caseload page; an anonymous one (a
// partner without consent) names no student.
type CaseloadRow struct {
	storage.CaseloadRow
	Anonymous   bool
	Coordinator string // the case coordinator's name, "" when none was named
	Overdue     bool   // the next evaluation's day has passed
}

// Caseload is a team's caseload: its open cases.
type Caseload struct {
	Team  casus.CareTeam
	Rows  []CaseloadRow
	Today time.Time
}

// Caseload lists a team's open cases to its chair and members: the
// student, the care-route step, the consent state, the case coordinator and
// the next evaluation. Each row is decided by the policy and logged as a
// search hit ("team caseload"). Someone outside the team is refused; an
// unknown team is not found.
func (s *Service) Caseload(ctx context.Context, a Actor, teamID string) (Caseload, error) {
	u := a.User
	var page Caseload
	if !casus.ValidID(teamID) {
		return page, casus.ErrNotFound
	}
	if !u.SeesStudentData() {
		return page, &casus.Error{Code: casus.EFORBIDDEN, Key: "error.forbidden"}
	}
	page.Today = s.today(a)
	err := s.list(ctx, a, casus.ActSearch, "team caseload", func(l *listing) error {
		tx := l.tx
		var err error
		if page.Team, _, err = tx.Team(ctx, teamID); err != nil {
			return err
		}
		members, err := tx.TeamMembers(ctx, teamID)
		if err != nil {
			return err
		}
		if !slices.ContainsFunc(members, func(m casus.TeamMember) bool { return m.User.ID == u.ID }) {
			return &casus.Error{Code: casus.EFORBIDDEN, Key: "caseload.not_member"}
		}
		names := map[string]string{}
		for _, m := range members {
			names[m.User.ID] = m.User.Name
		}
		rows, err := tx.TeamCaseload(ctx, u.ID, teamID, page.Today)
		if err != nil {
			return err
		}
		for _, r := range rows {
			shown, err := l.row(r.Student, casus.CanViewStudent(u, r.Relations), "case", r.Case.ID, true)
			if err != nil {
				return err
			}
			row := CaseloadRow{CaseloadRow: r, Coordinator: names[r.CoordinatorID],
				Overdue: !r.NextEvaluation.IsZero() && r.NextEvaluation.Before(page.Today)}
			switch shown {
			case rowHidden:
				continue
			case rowAnonymous:
				row.Anonymous = true
				row.Student = casus.Student{ID: r.Student.ID, SchoolName: r.Student.SchoolName, Sector: r.Student.Sector}
			}
			page.Rows = append(page.Rows, row)
		}
		// Anonymous rows last, as on the student list.
		slices.SortStableFunc(page.Rows, func(a, b CaseloadRow) int {
			switch {
			case a.Anonymous == b.Anonymous:
				return 0
			case a.Anonymous:
				return 1
			}
			return -1
		})
		return nil
	})
	return page, err
}
