package casus

import "time"

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
