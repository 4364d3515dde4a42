package app

import (
	"context"
	"slices"

	"casus"
	"casus/storage"
)

// Complaints under the klachtenregeling: the zorgcoördinator registers and
// handles the complaints of the teams they chair; management sees the
// monitoring figures, which name nobody.

var errComplaintForbidden = &casus.Error{Code: casus.EFORBIDDEN, Key: "error.forbidden"}

// complaintAccess is how every read and change of a complaint is logged:
// the handler is the chair of the complaint's team.
var complaintAccess = casus.Access{Allowed: true, Relation: casus.RelCoordinator}

// complaintTeams returns the ids of the teams whose complaints u handles
// (the teams they chair) or, for management, whose figures they see (the
// teams serving their school).
func complaintTeams(ctx context.Context, tx *storage.Tx, u casus.User) ([]string, error) {
	var teams []casus.CareTeam
	var err error
	switch {
	case casus.CanHandleComplaints(u):
		teams, err = tx.ChairedTeams(ctx, u.ID)
	case u.SchoolID == "":
		return nil, nil
	default:
		teams, err = tx.TeamsServing(ctx, u.SchoolID)
	}
	ids := make([]string, len(teams))
	for i, t := range teams {
		ids[i] = t.ID
	}
	return ids, err
}

// ComplaintList is the complaints page: the monitoring figures, and for
// the handler the complaints themselves.
type ComplaintList struct {
	Handles    bool // the actor handles complaints (lists them, registers them)
	Complaints []casus.Complaint
	Counts     []casus.ComplaintCount
}

// Complaints lists the complaints of the teams the zorgcoördinator chairs,
// with the monitoring figures; management gets the figures only.
func (s *Service) Complaints(ctx context.Context, a Actor) (ComplaintList, error) {
	u := a.User
	if !casus.CanSeeComplaintFigures(u) {
		return ComplaintList{}, errComplaintForbidden
	}
	page := ComplaintList{Handles: casus.CanHandleComplaints(u)}
	err := s.update(ctx, func(tx *storage.Tx) error {
		teams, err := complaintTeams(ctx, tx, u)
		if err != nil {
			return err
		}
		if page.Counts, err = tx.ComplaintCounts(ctx, teams); err != nil || !page.Handles {
			return err
		}
		if page.Complaints, err = tx.Complaints(ctx, teams); err != nil {
			return err
		}
		e := s.entry(a, casus.ActRead, "complaints list")
		e.ObjectKind = "complaints"
		return logAccess(ctx, tx, e, complaintAccess)
	})
	return page, err
}

// ComplaintForm is the form that registers a complaint: the teams the
// actor chairs and their members, who can be complained about.
type ComplaintForm struct {
	Abouts  []casus.ComplaintAbout
	Teams   []casus.CareTeam
	Members []ComplaintMember
}

// ComplaintMember is a member of a chaired team.
type ComplaintMember struct {
	TeamID, TeamName, UserID, Name, Org string
}

func complaintForm(ctx context.Context, tx *storage.Tx, u casus.User) (ComplaintForm, error) {
	page := ComplaintForm{Abouts: []casus.ComplaintAbout{casus.AboutTeam, casus.AboutMember}}
	var err error
	if page.Teams, err = tx.ChairedTeams(ctx, u.ID); err != nil {
		return page, err
	}
	for _, t := range page.Teams {
		ms, err := tx.TeamMembers(ctx, t.ID)
		if err != nil {
			return page, err
		}
		for _, m := range ms {
			page.Members = append(page.Members, ComplaintMember{TeamID: t.ID, TeamName: t.Name, UserID: m.User.ID, Name: m.User.Name, Org: m.User.OrgName})
		}
	}
	return page, nil
}

// ComplaintFormFor opens the form that registers a complaint.
func (s *Service) ComplaintFormFor(ctx context.Context, a Actor) (ComplaintForm, error) {
	if !casus.CanHandleComplaints(a.User) {
		return ComplaintForm{}, errComplaintForbidden
	}
	var page ComplaintForm
	err := s.db.View(ctx, func(tx *storage.Tx) (err error) {
		page, err = complaintForm(ctx, tx, a.User)
		return err
	})
	return page, err
}

// RegisterComplaint registers a complaint (in.TeamID, in.About,
// in.MemberID, in.Complainant, in.Summary, in.ReceivedOn). One about a
// member is referred to the procedure of the member's own institution,
// recorded with the institution and the day. errs are the errors the door
// found parsing the form; with any, or a team the actor does not chair, or
// a member not of that team, nothing is written and the errors come back
// with the form.
func (s *Service) RegisterComplaint(ctx context.Context, a Actor, in casus.Complaint, errs casus.ValidationErrors) (ComplaintForm, casus.Complaint, error) {
	u := a.User
	if !casus.CanHandleComplaints(u) {
		return ComplaintForm{}, in, errComplaintForbidden
	}
	var page ComplaintForm
	c := casus.Complaint{HandlerID: u.ID, Status: casus.ComplaintFirstStep, TeamID: in.TeamID, About: in.About,
		Complainant: in.Complainant, Summary: in.Summary, ReceivedOn: in.ReceivedOn}
	err := s.update(ctx, func(tx *storage.Tx) error {
		var err error
		if page, err = complaintForm(ctx, tx, u); err != nil {
			return err
		}
		if c.TeamID != "" && !slices.ContainsFunc(page.Teams, func(t casus.CareTeam) bool { return t.ID == c.TeamID }) {
			c.TeamID = ""
			errs = complaintFail(errs, "team", "error.choice")
		}
		if c.About == casus.AboutMember {
			c.MemberID = in.MemberID
			i := slices.IndexFunc(page.Members, func(m ComplaintMember) bool { return m.TeamID == c.TeamID && m.UserID == c.MemberID })
			if i < 0 {
				c.MemberID = ""
				errs = complaintFail(errs, "member", "error.choice")
			} else {
				c.ReferredTo, c.ReferredOn, c.Status = page.Members[i].Org, s.today(a), casus.ComplaintReferred
			}
		}
		if errs != nil {
			return nil
		}
		if err := tx.AddComplaint(ctx, &c); err != nil {
			return err
		}
		e := s.entry(a, casus.ActCreate, "complaint")
		e.ObjectKind, e.ObjectID = "complaint", c.ID
		return logAccess(ctx, tx, e, complaintAccess)
	})
	if err == nil && errs != nil {
		return page, c, errs
	}
	return page, c, err
}

// complaintFail adds the field's error unless it has one already.
func complaintFail(errs casus.ValidationErrors, field, key string) casus.ValidationErrors {
	if errs.Field(field) != nil {
		return errs
	}
	return append(errs, casus.FieldError(field, key, nil))
}

// inComplaint runs fn on one complaint of the teams the actor chairs, in
// the frame with its access-log entry; a complaint of another team, an
// unknown one and a malformed id are all not found (logged as denied). A
// refusal from fn is logged as a read of the complaint shown again; the
// complaint as read is returned with it.
func (s *Service) inComplaint(ctx context.Context, a Actor, action casus.AccessAction, purpose, id string,
	fn func(tx *storage.Tx, c *casus.Complaint) error) (casus.Complaint, error) {
	u := a.User
	if !casus.CanHandleComplaints(u) {
		return casus.Complaint{}, errComplaintForbidden
	}
	var c casus.Complaint
	err := s.update(ctx, func(tx *storage.Tx) error {
		e := s.entry(a, action, purpose)
		e.ObjectKind, e.ObjectID = "complaint", truncate(id, 64)
		if !casus.ValidID(id) {
			return deny(e, casus.ErrNotFound)
		}
		teams, err := complaintTeams(ctx, tx, u)
		if err != nil {
			return err
		}
		if c, err = tx.Complaint(ctx, id, teams); err != nil {
			if casus.ErrorCode(err) == casus.ENOTFOUND {
				return deny(e, err)
			}
			return err
		}
		before := c
		if err := fn(tx, &c); err != nil {
			if code := casus.ErrorCode(err); code == casus.EINVALID || code == casus.ECONFLICT {
				c = before
				e.Action, e.Purpose = casus.ActRead, purpose+" (refused)"
				return &denial{err: err, entry: e, access: complaintAccess}
			}
			return err
		}
		return logAccess(ctx, tx, e, complaintAccess)
	})
	return c, err
}

// Complaint shows a complaint and the forms of its next steps.
func (s *Service) Complaint(ctx context.Context, a Actor, id string) (casus.Complaint, error) {
	return s.inComplaint(ctx, a, casus.ActRead, "complaint", id, func(*storage.Tx, *casus.Complaint) error { return nil })
}

// complaintStepPurpose is each step's access-log purpose.
var complaintStepPurpose = map[casus.ComplaintStep]string{
	casus.StepFirst:    "complaint first step",
	casus.StepFormal:   "complaint formal procedure",
	casus.StepInformed: "complaint complainant informed",
}

// NextComplaintStep records a step of the procedure on the complaint id
// (casus.NextComplaintStep). errs are the errors the door found parsing
// the step's form. A step that is not due, or any error, writes nothing;
// the complaint as it was comes back with the errors.
func (s *Service) NextComplaintStep(ctx context.Context, a Actor, id string, in casus.ComplaintStepInput, errs casus.ValidationErrors) (casus.Complaint, error) {
	return s.inComplaint(ctx, a, casus.ActChange, complaintStepPurpose[in.Step], id, func(tx *storage.Tx, c *casus.Complaint) error {
		next, stepErrs := casus.NextComplaintStep(*c, in)
		if len(stepErrs) == 1 && stepErrs[0].Key == "complaint.not_this_step" {
			return stepErrs // the step's form is not read at all
		}
		for _, e := range stepErrs {
			errs = complaintFail(errs, e.Field, e.Key)
		}
		if errs != nil {
			return errs
		}
		*c = next
		return tx.UpdateComplaint(ctx, c)
	})
}
