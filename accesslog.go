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
	// ClientAddr is the address the request came from (behind trusted
	// proxies, the client's), and UserAgent the class of its browser and
	// system, e.g. "Firefox on Windows": the workstation NEN 7513 asks for.
	ClientAddr string
	UserAgent  string
	// Basis is the ground the access rests on, and BasisRef the consent
	// decision(s) or the exception it rests on, when it is one of those.
	Basis    Basis
	BasisRef string
	// Processing is the purpose of processing the access served.
	Processing ProcessingPurpose
	PrevHash   string
	Hash       string
}

// Basis is the ground an access to a student's data rests on (NEN 7513).
// Their Dutch and English names are in the catalog under "log.basis.<basis>".
type Basis string

// Bases.
const (
	// BasisTeam: the school's own care structure — the mentor, the care
	// contact, the zorgcoördinator, a fixed member of the team handling the
	// case — whose task is the student's care; no consent needed.
	BasisTeam Basis = "team"
	// BasisConsent: a partner sees who the student is through a consent
	// decision in force (BasisRef names it).
	BasisConsent Basis = "consent"
	// BasisException: a documented exception to consent — acute safety or
	// the meldcode, the break-the-glass case (BasisRef names it).
	BasisException Basis = "exception"
	// BasisAnonymous: the case was seen without who the student is.
	BasisAnonymous Basis = "anonymous"
	// BasisLegalDuty: a task the law gives, such as the privacy officer's
	// supervision, a data subject's request or destruction at the end of the
	// retention.
	BasisLegalDuty Basis = "legal_duty"
	// BasisNone: no ground; the access was denied.
	BasisNone Basis = "none"
)

// Bases lists every basis, in the order the log explains them.
var Bases = []Basis{BasisTeam, BasisConsent, BasisException, BasisAnonymous, BasisLegalDuty, BasisNone}

// Grounds is a basis with the record it rests on.
type Grounds struct {
	Basis Basis
	Ref   string // the consent decision ids (comma-separated) or the exception id
}

// ProcessingPurpose is why the data was processed, from a fixed list (the
// purposes the school's privacy statement names). Their Dutch and English
// names are in the catalog under "log.processing.<purpose>".
type ProcessingPurpose string

// Purposes of processing.
const (
	ProcessCare           ProcessingPurpose = "care"            // guidance and care of the student
	ProcessTriage         ProcessingPurpose = "triage"          // referral: deciding whether and where the case goes
	ProcessDiscussion     ProcessingPurpose = "discussion"      // preparing and holding the team's meetings
	ProcessAccountability ProcessingPurpose = "accountability"  // supervision: access logs, complaints
	ProcessPrivacyRequest ProcessingPurpose = "privacy_request" // a data subject's request: access, rectification
	ProcessRetention      ProcessingPurpose = "retention"       // retention, legal holds and erasure
)

// ProcessingPurposes lists every purpose of processing.
var ProcessingPurposes = []ProcessingPurpose{ProcessCare, ProcessTriage, ProcessDiscussion, ProcessAccountability,
	ProcessPrivacyRequest, ProcessRetention}
