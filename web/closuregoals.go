package web

import (
	"context"

	"casus"
	"casus/storage"
)

// closureSection is what the student page shows of closing the cases: for
// each open case the goals of its latest plan, whose outcome the
// coordinator chooses when closing it, and each case's history of closings
// and reopenings with the goals' outcomes.
type closureSection struct {
	Goals   map[string][]closeGoal         // by case id, for the close form
	History map[string][]casus.CaseClosure // by case id
	Results []casus.GoalResult
}

// closeGoal is a goal of the close form with its number in the plan.
type closeGoal struct {
	N int
	casus.Goal
}

// loadClosureSection loads the goals for whoever may close the cases and
// the history for whoever may read it.
func loadClosureSection(ctx context.Context, tx *storage.Tx, u casus.User, rel casus.StudentRelations, cases []casus.Case) (closureSection, error) {
	sec := closureSection{Results: casus.GoalResults}
	canClose := casus.CanCloseCase(u, rel).Allowed
	history := casus.CanReadCaseHistory(u, rel).Allowed
	for _, c := range cases {
		if canClose && c.Status == casus.CaseOpen {
			plan, ok, err := tx.LatestPlan(ctx, c.ID)
			if err != nil {
				return sec, err
			}
			if ok {
				if sec.Goals == nil {
					sec.Goals = map[string][]closeGoal{}
				}
				for i, g := range plan.Record.Goals {
					sec.Goals[c.ID] = append(sec.Goals[c.ID], closeGoal{N: i + 1, Goal: g})
				}
			}
		}
		if history {
			h, err := tx.CaseClosures(ctx, c.ID)
			if err != nil {
				return sec, err
			}
			if len(h) > 0 {
				if sec.History == nil {
					sec.History = map[string][]casus.CaseClosure{}
				}
				sec.History[c.ID] = h
			}
		}
	}
	return sec, nil
}
