package app

import (
	"context"
	"slices"
	"strconv"

	"casus"
	"casus/storage"
)

// SignalsPage is the register of policy signals (beleidssignalen) as a
// reader sees it: the chair the signals of the teams they chair, the
// steering group every team's. The page names no student: of the cases a
// signal touches only their number, and to the steering group a number
// under the figures' threshold only as "< threshold".
type SignalsPage struct {
	Signals    []SignalRow
	Teams      []casus.CareTeam // the teams the reader may report a signal for
	CanRespond bool
}

// SignalRow is a signal with its number of cases as the reader may see it.
type SignalRow struct {
	casus.PolicySignal
	CasesShown string
	CanClose   bool
}

// SignalForm is what the chair needs to report a signal: the team, its open
// cases to link (named: the chair sees them on the caseload), and the
// partner organisations.
type SignalForm struct {
	Team     casus.CareTeam
	Cases    []CaseloadRow
	Partners []casus.PartnerOrg
}

var errSignalsForbidden = &casus.Error{Code: casus.EFORBIDDEN, Key: "signal.forbidden"}

// Signals shows the register: to the chair of a team and to the steering
// group (casus.CanSeeFigures), logged as a read without a student.
func (s *Service) Signals(ctx context.Context, a Actor) (SignalsPage, error) {
	u := a.User
	reach := casus.CanSeeFigures(u)
	if reach == casus.ReachNone {
		return SignalsPage{}, errSignalsForbidden
	}
	page := SignalsPage{CanRespond: casus.CanRespondSignal(u)}
	err := s.update(ctx, func(tx *storage.Tx) error {
		// The teams as the figures take them: the chair's own, the teams
		// serving a school-bound steering member's school, else every team.
		var ids []string // nil: every team
		var teams []casus.CareTeam
		var err error
		switch {
		case reach == casus.ReachChaired:
			teams, err = tx.ChairedTeams(ctx, u.ID)
			page.Teams = teams
		case u.SchoolID != "":
			teams, err = tx.TeamsServing(ctx, u.SchoolID)
		}
		if err != nil {
			return err
		}
		if reach == casus.ReachChaired || u.SchoolID != "" {
			ids = make([]string, len(teams))
			for i, t := range teams {
				ids[i] = t.ID
			}
		}
		signals, err := tx.Signals(ctx, ids)
		if err != nil {
			return err
		}
		threshold, err := tx.FigureThreshold(ctx)
		if err != nil {
			return err
		}
		for _, sg := range signals {
			row := SignalRow{PolicySignal: sg, CasesShown: strconv.Itoa(sg.Cases),
				CanClose: sg.Status != casus.SignalClosed && reach == casus.ReachChaired}
			if reach == casus.ReachSteer && sg.Cases > 0 && sg.Cases < threshold {
				row.CasesShown = "< " + strconv.Itoa(threshold)
			}
			page.Signals = append(page.Signals, row)
		}
		e := s.entry(a, casus.ActRead, "signals view")
		e.ObjectKind = "policy_signal"
		return logAccess(ctx, tx, e, casus.Access{Allowed: true, Relation: casus.RelSteering})
	})
	return page, err
}

// SignalFormFor opens the form to report a signal for the team, to its
// chair (casus.CanRecordSignal); the team's open cases are listed as on
// the caseload, each row logged.
func (s *Service) SignalFormFor(ctx context.Context, a Actor, teamID string) (SignalForm, error) {
	var form SignalForm
	if err := s.signalChair(ctx, a, teamID); err != nil {
		return form, err
	}
	load, err := s.Caseload(ctx, a, teamID)
	if err != nil {
		return form, err
	}
	form.Team = load.Team
	for _, r := range load.Rows {
		if !r.Anonymous {
			form.Cases = append(form.Cases, r)
		}
	}
	err = s.db.View(ctx, func(tx *storage.Tx) error {
		var err error
		form.Partners, err = tx.PartnerOrgs(ctx)
		return err
	})
	return form, err
}

// signalChair refuses everyone but the team's chair.
func (s *Service) signalChair(ctx context.Context, a Actor, teamID string) error {
	if !casus.ValidID(teamID) {
		return casus.ErrNotFound
	}
	return s.db.View(ctx, func(tx *storage.Tx) error {
		if _, _, err := tx.Team(ctx, teamID); err != nil {
			return err
		}
		members, err := tx.TeamMembers(ctx, teamID)
		if err != nil {
			return err
		}
		if !casus.CanRecordSignal(a.User, members) {
			return errSignalsForbidden
		}
		return nil
	})
}

// RecordSignal reports a signal of the team to the steering group, linked
// to the chosen open cases of the team; each link is logged as a change of
// that case. errs are the errors the door found; with any, or a case or a
// partner that is not on offer, nothing is stored.
func (s *Service) RecordSignal(ctx context.Context, a Actor, sg casus.PolicySignal, caseIDs []string, errs casus.ValidationErrors) (SignalForm, error) {
	form, err := s.SignalFormFor(ctx, a, sg.TeamID)
	if err != nil {
		return form, err
	}
	for _, id := range caseIDs {
		if !slices.ContainsFunc(form.Cases, func(r CaseloadRow) bool { return r.Case.ID == id }) {
			errs = append(errs, casus.FieldError("cases", "error.choice", nil))
			break
		}
	}
	if sg.PartnerOrgID != "" && !slices.ContainsFunc(form.Partners, func(p casus.PartnerOrg) bool { return p.ID == sg.PartnerOrgID }) {
		errs = append(errs, casus.FieldError("partner", "error.choice", nil))
	}
	if errs != nil {
		return form, errs
	}
	sg.CreatedBy = a.User.ID
	err = s.list(ctx, a, casus.ActChange, "policy signal: link case", func(l *listing) error {
		if err := l.tx.CreateSignal(ctx, &sg, caseIDs); err != nil {
			return err
		}
		for _, id := range caseIDs {
			r := form.Cases[slices.IndexFunc(form.Cases, func(r CaseloadRow) bool { return r.Case.ID == id })]
			if _, err := l.row(r.Student, casus.CanViewStudent(a.User, r.Relations), "case", id, false); err != nil {
				return err
			}
		}
		e := s.entry(a, casus.ActCreate, "policy signal")
		e.ObjectKind, e.ObjectID = "policy_signal", sg.ID
		return logAccess(ctx, l.tx, e, casus.Access{Allowed: true, Relation: casus.RelSteering})
	})
	return form, err
}

// RespondToSignal records the steering group's response (casus.CanRespondSignal).
func (s *Service) RespondToSignal(ctx context.Context, a Actor, id, response string, errs casus.ValidationErrors) error {
	if !casus.CanRespondSignal(a.User) {
		return errSignalsForbidden
	}
	if !casus.ValidID(id) {
		return casus.ErrNotFound
	}
	if errs != nil {
		return errs
	}
	return s.update(ctx, func(tx *storage.Tx) error {
		if err := tx.RespondSignal(ctx, id, response, a.User.ID); err != nil {
			return err
		}
		e := s.entry(a, casus.ActChange, "signals response")
		e.ObjectKind, e.ObjectID = "policy_signal", id
		return logAccess(ctx, tx, e, casus.Access{Allowed: true, Relation: casus.RelSteering})
	})
}

// CloseSignal closes a signal, for the chair of its team.
func (s *Service) CloseSignal(ctx context.Context, a Actor, id string) error {
	if !casus.ValidID(id) {
		return casus.ErrNotFound
	}
	return s.update(ctx, func(tx *storage.Tx) error {
		sg, err := tx.Signal(ctx, id)
		if err != nil {
			return err
		}
		members, err := tx.TeamMembers(ctx, sg.TeamID)
		if err != nil {
			return err
		}
		if !casus.CanRecordSignal(a.User, members) {
			return errSignalsForbidden
		}
		return tx.CloseSignal(ctx, id)
	})
}
