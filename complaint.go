package casus

import "time"

// ComplaintAbout says what a complaint is about: the care team as a whole,
// which falls under the team's own complaints procedure, or one member, who
// falls under the procedure of their own institution.
type ComplaintAbout string

// What a complaint can be about.
const (
	AboutTeam   ComplaintAbout = "team"
	AboutMember ComplaintAbout = "member"
)

// ComplaintStatus is where a complaint stands in the procedure.
type ComplaintStatus string

// Complaint statuses: the first step with the zorgcoördinator; the formal
// procedure when that did not resolve it; resolved in the first step;
// decided in the formal procedure; referred to the member's institution.
const (
	ComplaintFirstStep ComplaintStatus = "first_step"
	ComplaintFormal    ComplaintStatus = "formal"
	ComplaintResolved  ComplaintStatus = "resolved"
	ComplaintDecided   ComplaintStatus = "decided"
	ComplaintReferred  ComplaintStatus = "referred"
)

// FormalDecision is the outcome of the formal procedure.
type FormalDecision string

// Decisions of the formal procedure.
const (
	DecisionFounded   FormalDecision = "founded"
	DecisionPartly    FormalDecision = "partly_founded"
	DecisionUnfounded FormalDecision = "unfounded"
	DecisionWithdrawn FormalDecision = "withdrawn"
)

// FormalDecisions lists the decisions in display order.
var FormalDecisions = []FormalDecision{DecisionFounded, DecisionPartly, DecisionUnfounded, DecisionWithdrawn}

// Complaint is a complaint under the klachtenregeling.
type Complaint struct {
	ID          string
	TeamID      string
	TeamName    string // filled by reads
	About       ComplaintAbout
	MemberID    string // the member complained about, when About is AboutMember
	MemberName  string // filled by reads
	ReferredTo  string // the member's institution, whose procedure applies
	ReferredOn  time.Time
	Complainant string // who complains: a student, a parent
	Summary     string
	ReceivedOn  time.Time
	InformedOn  time.Time // the complainant was told of their rights
	InformedHow string
	FirstOn     time.Time // the first step with the zorgcoördinator
	FirstResult string
	Resolved    *bool // the first step's outcome; nil until it is recorded
	FormalOn    time.Time
	FormalText  string
	Decision    FormalDecision
	Status      ComplaintStatus
	HandlerID   string
	HandlerName string // filled by reads
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

// Outcome is the complaint's outcome for the monitoring figures: its status,
// or for a decided complaint the decision.
func (c Complaint) Outcome() string {
	if c.Status == ComplaintDecided {
		return string(c.Decision)
	}
	return string(c.Status)
}

// ResolvedInFirstStep reports whether the first step resolved the
// complaint.
func (c Complaint) ResolvedInFirstStep() bool { return c.Resolved != nil && *c.Resolved }

// ComplaintCount is one cell of the monitoring figures: how many complaints
// received in a year have an outcome. It holds no names.
type ComplaintCount struct {
	Year    int
	Outcome string
	Count   int
}

// CanHandleComplaints reports whether u handles complaints: the
// zorgcoördinator, for the teams they chair.
func CanHandleComplaints(u User) bool { return u.HasRole(RoleCoordinator) && !u.Disabled }

// CanSeeComplaintFigures reports whether u may see the monitoring figures
// of complaints, which name nobody: the zorgcoördinator and management.
func CanSeeComplaintFigures(u User) bool {
	return !u.Disabled && (u.HasRole(RoleCoordinator) || u.HasRole(RoleManagement))
}
