package casus

import "time"

// SecurityEventKind names what happened to an account or a setting. The
// kinds are the events NEN 7513 and ASVS ask an installation to keep: who
// logged in or failed to, who changed whose account, and which settings.
type SecurityEventKind string

// Security-event kinds. Their Dutch and English names are in the catalog
// under "security.kind.<kind>".
const (
	SecLoginSucceeded         SecurityEventKind = "login.succeeded"
	SecLoginFailed            SecurityEventKind = "login.failed"
	SecLoginLocked            SecurityEventKind = "login.locked" // refused by throttling
	Sec2FAEnrolled            SecurityEventKind = "2fa.enrolled"
	Sec2FARemoved             SecurityEventKind = "2fa.removed"
	SecAccountCreated         SecurityEventKind = "account.created"
	SecRolesChanged           SecurityEventKind = "account.roles_changed"
	SecAccountDeactivated     SecurityEventKind = "account.deactivated"
	SecAccountActivated       SecurityEventKind = "account.activated" // an inactive account (e.g. a mentor the student import created) switched on
	SecPasswordResetStarted   SecurityEventKind = "password.reset_started"
	SecPasswordResetCompleted SecurityEventKind = "password.reset_completed"
	SecPasswordChanged        SecurityEventKind = "password.changed"
	SecSessionsEnded          SecurityEventKind = "sessions.ended" // "log out everywhere"
	SecSettingsChanged        SecurityEventKind = "settings.changed"
	SecRetentionChanged       SecurityEventKind = "retention.changed"
	// A team's composition decides who sees its students: every change is
	// kept here, where the person who made it cannot erase it.
	SecTeamMemberAdded   SecurityEventKind = "team.member_added"
	SecTeamMemberChanged SecurityEventKind = "team.member_changed"
	SecTeamMemberRemoved SecurityEventKind = "team.member_removed"
	// An API token acts with an account's sight: issuing and revoking one
	// is kept here too.
	SecAPITokenIssued  SecurityEventKind = "api_token.issued"
	SecAPITokenRevoked SecurityEventKind = "api_token.revoked"
)

// SecurityEventKinds lists every kind, in the order the security-event log
// offers them as a filter.
var SecurityEventKinds = []SecurityEventKind{
	SecLoginSucceeded, SecLoginFailed, SecLoginLocked, Sec2FAEnrolled, Sec2FARemoved,
	SecAccountCreated, SecRolesChanged, SecAccountDeactivated, SecAccountActivated,
	SecPasswordResetStarted, SecPasswordResetCompleted, SecPasswordChanged,
	SecSessionsEnded, SecSettingsChanged, SecRetentionChanged,
	SecTeamMemberAdded, SecTeamMemberChanged, SecTeamMemberRemoved,
	SecAPITokenIssued, SecAPITokenRevoked,
}

// SecurityEvent is one line of the security-event log: who (the actor) did
// what to which account or setting (the target), from where. Like the access
// log it is append-only and chained. It holds no student data: Detail names
// roles, settings or a reason, never a student.
type SecurityEvent struct {
	Seq        int64
	At         time.Time // UTC
	Kind       SecurityEventKind
	ActorID    string // empty when nobody was logged in (a failed login)
	ActorName  string
	TargetID   string // the account acted on; empty for a setting
	TargetName string // for a failed login of an unknown account: the login name typed
	Detail     string
	ClientAddr string
	UserAgent  string // the class of the client, e.g. "Chrome on Windows"
	RequestID  string
	Instance   string
	PrevHash   string
	Hash       string
}
