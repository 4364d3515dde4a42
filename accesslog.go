package casus

import "time"

// AccessAction is what was done with personal data.
type AccessAction string

// Access-log actions (NEN 7513).
const (
	ActRead   AccessAction = "read"
	ActCreate AccessAction = "create"
	ActChange AccessAction = "change"
	ActExport AccessAction = "export"
	ActPrint  AccessAction = "print"
	ActSearch AccessAction = "search"
)

// Outcome tells a granted access from a denied one.
type Outcome string

// Outcomes.
const (
	OutcomeGranted Outcome = "granted"
	OutcomeDenied  Outcome = "denied"
)

// AccessEntry is one line of the access log: who touched which student's
// data, how, on what grounds and with what result. Entries are written in
// the same transaction as the read or change they record and are never
// changed; a hash chain over them makes tampering detectable.
type AccessEntry struct {
	Seq        int64
	At         time.Time // UTC
	UserID     string
	UserName   string
	Role       Role
	OrgName    string
	Relation   Relation
	StudentID  string // empty when no student was identified (e.g. a denied unknown id)
	ObjectKind string // e.g. "student", "access_log"
	ObjectID   string
	Action     AccessAction
	Purpose    string // the context, e.g. "student page"
	RequestID  string
	Instance   string
	Outcome    Outcome
	PrevHash   string
	Hash       string
}
