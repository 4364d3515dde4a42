package app

import (
	"context"

	"casus"
	"casus/storage"
)

// followRoute moves the student's care-route step after a team's decision
// d (casus.StepAfterDecision): acceptance by a team of kind team,
// escalation to the ZAT, or a case closing for reason. The step is
// recorded as made by that decision, by the actor who took it; the care
// contact or coordinator can still set another by hand.
func followRoute(ctx context.Context, tx *storage.Tx, u casus.User, studentID string, d casus.RouteDecision, team casus.TeamKind,
	reason casus.CloseReason) error {
	st, _, err := tx.StudentFor(ctx, u.ID, studentID)
	if err != nil {
		return err
	}
	events, err := tx.RouteEvents(ctx, studentID)
	if err != nil {
		return err
	}
	route := casus.RouteFor(st.Sector)
	current, seq := route.CurrentStep(events), 0
	if len(events) > 0 {
		seq = events[len(events)-1].Seq
	}
	var open []casus.TeamKind
	if d == casus.RouteClosed {
		cases, err := tx.Cases(ctx, studentID)
		if err != nil {
			return err
		}
		for _, c := range casus.OpenCases(cases) {
			open = append(open, c.TeamKind)
		}
	}
	to, move := casus.StepAfterDecision(st.Sector, current, d, team, reason, open)
	if !move {
		return nil
	}
	return tx.RecordRouteStep(ctx, &casus.RouteEvent{StudentID: studentID, Seq: seq, From: current, To: to, DecidedOn: tx.Now(),
		ByID: u.ID, Reason: string(d)})
}
