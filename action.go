package casus

import "time"

// ActionStatus is where an action stands.
type ActionStatus string

// Action states.
const (
	ActionOpen       ActionStatus = "open"
	ActionInProgress ActionStatus = "in_progress"
	ActionDone       ActionStatus = "done"
	ActionCancelled  ActionStatus = "cancelled"
)

// ActionStatuses lists the states in the order of the form.
var ActionStatuses = []ActionStatus{ActionOpen, ActionInProgress, ActionDone, ActionCancelled}

// Active reports whether the action still has to be carried out.
func (s ActionStatus) Active() bool { return s == ActionOpen || s == ActionInProgress }

// Action is an agreement with an owner and a due date, for a student's case
// (SPEC §3, process 4: carrying out the actions).
type Action struct {
	ID          string
	CaseID      string
	StudentID   string
	OwnerID     string
	Description string
	DueOn       time.Time // a day, as UTC midnight
	Status      ActionStatus
	Version     int
	CreatedBy   string
	CreatedAt   time.Time

	DiscussionID string // the discussion that agreed it, if any
	GoalID       string // the goal of that discussion's plan it serves, if any

	// Filled by reads that join them, for display.
	OwnerName   string
	TeamName    string
	StudentName string
}

// Overdue reports whether the action is still to be done after its due day.
func (a Action) Overdue(today time.Time) bool { return a.Status.Active() && today.After(a.DueOn) }

// ActionUpdate is one status change or progress note by the owner or the
// coordinator.
type ActionUpdate struct {
	ID        string
	ActionID  string
	At        time.Time
	ActorID   string
	ActorName string
	Status    ActionStatus
	Note      string
}

// CanCreateAction decides whether u may agree an action for the student
// between meetings: the zorgcoördinator or the student's care contact.
func CanCreateAction(u User, rel StudentRelations) Access { return coordinatorOrCareContact(u, rel) }

// CanUpdateAction decides whether u may change the action's status and add
// progress: its owner while it relates them to the student, or the
// coordinator, who holds partners to their actions.
func CanUpdateAction(u User, a Action, rel StudentRelations) Access {
	if v := CanViewStudent(u, rel); v.Allowed && (u.ID == a.OwnerID || v.Relation == RelCoordinator) {
		return v
	}
	return Access{Relation: RelNone}
}
