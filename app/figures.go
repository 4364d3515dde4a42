package app

import (
	"context"
	"slices"
	"strings"
	"time"

	"casus"
	"casus/storage"
)

// Steering figures: the basic registration counted for the steering group
// and the zorgcoördinator, with small counts hidden. The figures name no
// student; every view and export is in the access log all the same.

var errFiguresForbidden = &casus.Error{Code: casus.EFORBIDDEN, Key: "error.forbidden"}

// FigureQuery is what the reader chose: a period ("year" this school year,
// "last" the one before, "two" both) and a scope ("" every team the reader
// sees, "team:ID", "school:ID"). Neither names a student.
type FigureQuery struct {
	Period string
	Scope  string
}

// FigurePeriods lists the periods a reader can choose.
var FigurePeriods = []string{"year", "last", "two"}

// FiguresPage is the steering view.
type FiguresPage struct {
	Query   FigureQuery
	Period  casus.Period
	Teams   []casus.CareTeam // the teams the reader may see
	Schools []casus.School   // the schools those teams serve
	Figures casus.Figures
	Empty   bool // nothing was registered in the selection
}

// period resolves the chosen period against today.
func (q FigureQuery) period(now time.Time) casus.Period {
	this := casus.SchoolYear(now)
	last := casus.SchoolYear(this.From.AddDate(0, 0, -1))
	switch q.Period {
	case "last":
		return last
	case "two":
		return casus.Period{From: last.From, To: this.To}
	}
	return this
}

// Figures computes the steering figures of the query for the reader, and
// logs the view (what: "figures view" or "figures export"; no student).
func (s *Service) Figures(ctx context.Context, a Actor, q FigureQuery, export bool) (FiguresPage, error) {
	reach := casus.CanSeeFigures(a.User)
	if reach == casus.ReachNone {
		return FiguresPage{}, errFiguresForbidden
	}
	if !slices.Contains(FigurePeriods, q.Period) {
		q.Period = "year"
	}
	page := FiguresPage{Query: q, Period: q.period(s.Now())}
	err := s.update(ctx, func(tx *storage.Tx) error {
		var err error
		switch {
		case reach == casus.ReachChaired:
			page.Teams, err = tx.ChairedTeams(ctx, a.User.ID)
		case a.User.SchoolID != "":
			page.Teams, err = tx.TeamsServing(ctx, a.User.SchoolID)
		default:
			page.Teams, err = tx.Teams(ctx)
		}
		if err != nil {
			return err
		}
		ids := make([]string, len(page.Teams))
		for i, t := range page.Teams {
			ids[i] = t.ID
		}
		if page.Schools, err = tx.SchoolsServedBy(ctx, ids); err != nil {
			return err
		}
		filter := casus.FigureFilter{Period: page.Period, TeamIDs: ids}
		kind, id, _ := strings.Cut(q.Scope, ":")
		switch {
		case q.Scope == "":
		case kind == "team" && slices.Contains(ids, id):
			filter.TeamIDs = []string{id}
		case kind == "school" && slices.ContainsFunc(page.Schools, func(s casus.School) bool { return s.ID == id }):
			filter.SchoolID = id
		default:
			return &casus.Error{Code: casus.EINVALID, Key: "figures.error.scope"}
		}
		threshold, err := tx.FigureThreshold(ctx)
		if err != nil {
			return err
		}
		facts, err := tx.FigureFacts(ctx, filter)
		if err != nil {
			return err
		}
		if facts.Students == 1 {
			return &casus.Error{Code: casus.EINVALID, Key: "figures.error.one_student"}
		}
		page.Empty = len(facts.Referrals) == 0 && len(facts.Actions) == 0
		page.Figures = casus.ComputeFigures(facts, page.Period, threshold, s.Now())
		act, what := casus.ActRead, "figures view"
		if export {
			act, what = casus.ActExport, "figures export"
		}
		e := s.entry(a, act, what)
		e.ObjectKind = "figures"
		return logAccess(ctx, tx, e, casus.Access{Allowed: true, Relation: casus.RelSteering})
	})
	return page, err
}
