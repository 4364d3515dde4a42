package casus

import "time"

// CaseEventKind is what happened to a case between meetings.
type CaseEventKind string

// Case event kinds.
const (
	// CaseEscalated: the intern zorgteam handed the case to the ZAT; the
	// event names the ZAT referral. The intern case stays open until the
	// ZAT has taken it up.
	CaseEscalated CaseEventKind = "escalated"
	// CaseBridging: how the intern team bridges the wait for the ZAT.
	CaseBridging CaseEventKind = "bridging"
)

// CaseEvent is one such event.
type CaseEvent struct {
	ID         string
	CaseID     string
	Kind       CaseEventKind
	Note       string
	ReferralID string
	At         time.Time
	ActorID    string
	ActorName  string // filled by reads, for display
}

// CanEscalate decides whether u may escalate an accepted intern zorgteam
// referral to the ZAT: the chair of the intern team (the zorgcoördinator,
// or in primary education the IB'er who chairs it).
func CanEscalate(u User, f ReferralFacts) Access {
	if !f.Exists || u.Disabled || f.TeamKind != TeamIntern || f.State != RefAccepted || !f.TeamChair ||
		!(u.HasRole(RoleCoordinator) || u.HasRole(RoleCareContact)) {
		return Access{Relation: RelNone}
	}
	return Access{Allowed: true, Relation: RelCoordinator}
}
