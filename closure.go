package casus

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
