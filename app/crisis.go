package app

import (
	"context"
	"slices"

	"casus"
)

// CrisisForm is what the crisis form shows: the student and the teams
// whose next meeting can discuss the crisis.
type CrisisForm struct {
	StudentID   string
	StudentName string
	Teams       []casus.CareTeam
}

// CrisisFormFor opens the crisis form for the student: allowed to the
// coordinator and the student's care contact (casus.CanRecordCrisis).
func (s *Service) CrisisFormFor(ctx context.Context, a Actor, studentID string) (CrisisForm, error) {
	var page CrisisForm
	err := s.student(ctx, a, studentReq{action: casus.ActRead, purpose: "crisis form", objectKind: "crisis", objectID: studentID},
		func(c *Student) (casus.Access, error) {
			acc := casus.CanRecordCrisis(c.u, c.rel)
			if !acc.Allowed {
				return acc, nil
			}
			var err error
			page, err = c.crisisForm()
			return acc, err
		})
	return page, err
}

func (c *Student) crisisForm() (CrisisForm, error) {
	teams, err := c.tx.TeamsServing(c.ctx, c.st.SchoolID)
	return CrisisForm{StudentID: c.st.ID, StudentName: c.st.Name(), Teams: teams}, err
}

// RecordCrisis records a crisis, or help started outside the team's
// meetings, at once and puts it on the agenda of the chosen team's next
// meeting. in.Errs are the errors the door found parsing the form; with
// any, or when the team does not serve the student's school, nothing is
// written, the request is logged as a read of the form shown again, and the
// errors come back with the form.
func (s *Service) RecordCrisis(ctx context.Context, a Actor, in casus.Crisis, errs casus.ValidationErrors) (CrisisForm, error) {
	var page CrisisForm
	err := s.student(ctx, a, studentReq{action: casus.ActCreate, purpose: "crisis", objectKind: "crisis", objectID: in.StudentID},
		func(c *Student) (casus.Access, error) {
			acc := casus.CanRecordCrisis(c.u, c.rel)
			if !acc.Allowed {
				return acc, nil
			}
			var err error
			if page, err = c.crisisForm(); err != nil {
				return acc, err
			}
			if in.TeamID != "" && !slices.ContainsFunc(page.Teams, func(t casus.CareTeam) bool { return t.ID == in.TeamID }) {
				errs = append(errs, casus.FieldError("team", "error.choice", nil))
			}
			if errs != nil {
				// Still a read of the student: the form is shown again.
				c.e.Action, c.e.Purpose = casus.ActRead, "crisis form (invalid)"
				return acc, nil
			}
			in.StudentID, in.RecordedBy = c.st.ID, c.u.ID
			m, err := c.tx.RecordCrisis(c.ctx, &in)
			if err != nil {
				return acc, err
			}
			c.e.ObjectID = in.ID
			// The team's fixed members are told; partners on call hear of it
			// only when invited for the item.
			members, err := teamMemberIDs(c.ctx, c.tx, in.TeamID, func(m casus.TeamMember) bool { return m.Kind == casus.MemberFixed || m.Chair })
			if err != nil {
				return acc, err
			}
			team := ""
			if i := slices.IndexFunc(page.Teams, func(t casus.CareTeam) bool { return t.ID == in.TeamID }); i >= 0 {
				team = page.Teams[i].Name
			}
			link := "/meetings/" + m.ID
			if m.ID == "" {
				link = "/teams/" + in.TeamID // no meeting ahead: the chair plans one
			}
			return acc, notify(c.ctx, c.tx, c.u, casus.MsgCrisisRecorded, team, link, members...)
		})
	if err == nil && errs != nil {
		return page, errs
	}
	return page, err
}
