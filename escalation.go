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
	if f.State != RefAccepted {
		return Access{Relation: RelNone}
	}
	return chairsInternTeam(u, f)
}

// CanNoteBridging decides whether u may note how the intern zorgteam
// bridges the wait for the ZAT: the chair of the intern team, whatever the
// referral's state (an escalated referral stays accepted; whether it was
// escalated at all is the use case's check, not the policy's).
func CanNoteBridging(u User, f ReferralFacts) Access { return chairsInternTeam(u, f) }

// chairsInternTeam: u chairs the intern zorgteam the referral is addressed
// to, as coordinator or care contact.
func chairsInternTeam(u User, f ReferralFacts) Access {
	if !f.Exists || u.Disabled || f.TeamKind != TeamIntern || !f.TeamChair ||
		!(u.HasRole(RoleCoordinator) || u.HasRole(RoleCareContact)) {
		return Access{Relation: RelNone}
	}
	return Access{Allowed: true, Relation: RelCoordinator}
}
