package casus

import "time"

// GuestKind is who a guest at an agenda item is: the team talks with the
// student and those around them, not about them (HGW).
type GuestKind string

// Guest kinds.
const (
	GuestGuardian GuestKind = "guardian" // a parent or guardian
	GuestStudent  GuestKind = "student"
	GuestTeacher  GuestKind = "teacher" // the mentor or another teacher
	GuestOther    GuestKind = "other"
)

// GuestKinds lists the kinds in the order of the form.
var GuestKinds = []GuestKind{GuestGuardian, GuestStudent, GuestTeacher, GuestOther}

// AgendaGuest is someone without an account the chair invites to join the
// talk about one agenda item. The name is free text and may stay empty
// (the student is the student).
type AgendaGuest struct {
	ID      string
	ItemID  string
	Kind    GuestKind
	Name    string
	AddedBy string
	AddedAt time.Time
}

// ItemDetails is what the agenda shows of an item besides its case: the
// question in short and the guests.
type ItemDetails struct {
	Question string // set by the chair; empty when not
	Summary  string // the chair's question, else the referral's or the plan's question
	Guests   []AgendaGuest
}

// SummaryMax is the length of an item's summary on the agenda, in
// characters; a longer question is cut off with an ellipsis.
const SummaryMax = 200

// Shorten returns s cut to at most n characters (runes), ending in an
// ellipsis when it was cut.
func Shorten(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
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

// CanAnswerAftercare decides whether u may open a case's aftercare and
// record answers: the zorgcoördinator, who records every respondent's
// answers (students and guardians have no account), and the student's care
// contact (taakdocent zorg / IB'er), who answers their own part.
func CanAnswerAftercare(u User, rel StudentRelations) Access {
	if a := CanCloseCase(u, rel); a.Allowed {
		return a
	}
	a := CanViewStudent(u, rel)
	if a.Allowed && a.Relation == RelCareContact {
		return a
	}
	return Access{Relation: RelNone}
}

// CanReadCaseHistory decides whether u sees a case's closings and
// reopenings, with the final evaluation: the zorgcoördinator and the
// student's care contact.
func CanReadCaseHistory(u User, rel StudentRelations) Access { return coordinatorOrCareContact(u, rel) }
