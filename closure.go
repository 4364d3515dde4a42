package casus

import (
	"slices"
	"time"
)

// CloseReason is why a case ends (SPEC §3, process 6).
type CloseReason string

// Closure reasons.
const (
	CloseSolved   CloseReason = "solved"   // the goals are met
	CloseExternal CloseReason = "external" // taken over by an external institution
	CloseZAT      CloseReason = "zat"      // intern case taken over by the ZAT
	CloseLeft     CloseReason = "left"     // the student left school; Jongerenloket informed
	CloseOther    CloseReason = "other"
)

// CloseReasons lists the reasons in the order of the form.
var CloseReasons = []CloseReason{CloseSolved, CloseExternal, CloseZAT, CloseLeft, CloseOther}

// CanCloseCase decides whether u may close or reopen a case of the student:
// the zorgcoördinator, who answers for the team's cases. Closing ends the
// access that the case gave team members, invited partners and action
// owners.
func CanCloseCase(u User, rel StudentRelations) Access {
	a := CanViewStudent(u, rel)
	if a.Allowed && a.Relation == RelCoordinator {
		return a
	}
	return Access{Relation: RelNone}
}

// GoalResult is how far a goal was reached when its case closed.
type GoalResult string

// Results of a goal.
const (
	GoalAchieved    GoalResult = "achieved"
	GoalPartly      GoalResult = "partly"
	GoalNotAchieved GoalResult = "not_achieved"
)

// GoalResults lists the outcomes in the order of the form.
var GoalResults = []GoalResult{GoalAchieved, GoalPartly, GoalNotAchieved}

// GoalOutcome is the final evaluation of one goal of a case's latest plan,
// recorded when the case closes.
type GoalOutcome struct {
	DiscussionID string
	GoalID       string
	Description  string // the goal as it was written
	Outcome      GoalResult
}

// CaseClosure is one closing or reopening of a case, with the goals'
// outcomes of a closing.
type CaseClosure struct {
	ID        string
	Kind      string // "closed" or "reopened"
	Reason    string
	Note      string
	At        time.Time
	ActorName string
	Outcomes  []GoalOutcome
}

// ActionEnd is what becomes of an action still to be done when its case
// closes: nothing may vanish from the task lists unsaid.
type ActionEnd string

// What becomes of an open action at closing.
const (
	ActionTransfer ActionEnd = "transfer" // goes on in the student's ZAT case (a hand-over to the ZAT)
	ActionEndDone  ActionEnd = "done"     // it was done after all
	ActionEndStop  ActionEnd = "stop"     // no longer needed: stopped
)

// ActionEnds lists the choices in the order of the form.
var ActionEnds = []ActionEnd{ActionTransfer, ActionEndDone, ActionEndStop}

// NeedsGoalOutcomes reports whether closing for reason asks the outcome of
// every goal of the latest plan: a hand-over to the ZAT ends no plan — the
// ZAT goes on with it — so it asks none.
func NeedsGoalOutcomes(reason CloseReason) bool { return reason != CloseZAT }

// ActionEndField is the close form's field for an open action.
func ActionEndField(actionID string) string { return "action_" + actionID }

// CheckActionEnds checks the choice made for each open action of a case
// that closes for reason, by action id: every one needs a choice, and only
// a hand-over to the ZAT, with the student's ZAT case open, can carry an
// action over. It returns a field error per action, naming it by its
// number on the form, and nil when all is well.
func CheckActionEnds(reason CloseReason, zatCaseOpen bool, open []Action, chosen map[string]ActionEnd) ValidationErrors {
	var errs ValidationErrors
	for i, a := range open {
		n := map[string]any{"N": i + 1}
		switch c := chosen[a.ID]; {
		case !slices.Contains(ActionEnds, c):
			errs = append(errs, FieldError(ActionEndField(a.ID), "closure.action_choose", n))
		case c == ActionTransfer && reason != CloseZAT:
			errs = append(errs, FieldError(ActionEndField(a.ID), "closure.action_transfer_zat_only", n))
		case c == ActionTransfer && !zatCaseOpen:
			errs = append(errs, FieldError(ActionEndField(a.ID), "closure.action_no_zat_case", n))
		}
	}
	return errs
}
