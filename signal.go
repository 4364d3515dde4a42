package casus

import "time"

// SignalStatus is where a policy signal stands.
type SignalStatus string

// Signal statuses: sent to the steering group, answered by it, closed by
// the chair.
const (
	SignalSent     SignalStatus = "sent"
	SignalAnswered SignalStatus = "answered"
	SignalClosed   SignalStatus = "closed"
)

// PolicySignal is a beleidssignaal: a gap or a waiting list in the care
// offer ("wachttijd GGZ 14 weken") that a team's chair reports to the
// steering group, with the number of cases it touches, counted from the
// cases linked to it and never named to the steering group (seed 000,
// function 11; SPEC §6).
type PolicySignal struct {
	ID             string
	TeamID         string
	TeamName       string
	Title          string
	Description    string
	PartnerOrgID   string // the partner organisation concerned; "" for none
	PartnerOrgName string
	Status         SignalStatus
	Cases          int // cases linked
	CreatedBy      string
	CreatedByName  string
	CreatedAt      time.Time
	Response       string // the steering group's
	RespondedBy    string
	RespondedName  string
	RespondedAt    time.Time
}

// CanRecordSignal decides whether u may report a policy signal for the
// team: its chair, who sees the team's cases.
func CanRecordSignal(u User, members []TeamMember) bool { return CanPlanMeetings(u, members) }

// CanRespondSignal decides whether u may record the steering group's
// response to a signal: a member of the steering group (management).
func CanRespondSignal(u User) bool { return !u.Disabled && u.HasRole(RoleManagement) }
