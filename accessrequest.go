package casus

import "time"

// AccessRequest is a verzoek om inzage (AVG art. 15): the student, a
// parent or guardian, or someone else with a relation to the student asks
// for what the school holds about the student. The privacy officer
// registers it — who asked, the day it came in, how their identity was
// checked — and the student's zorgcoördinator reviews it before anything
// leaves the school: the meldcode and the confidential care-file entries
// stay withheld unless she releases them, each kept back with a reason the
// export states. Only a reviewed request gives an export, and the export
// names the request.
type AccessRequest struct {
	ID                string
	StudentID         string
	Requester         RequesterKind
	GuardianID        string // the guardian who asked, when Requester is RequesterGuardian
	RequesterName     string
	RequesterRelation string // e.g. moeder, voogd, the student; free text for another requester
	ReceivedOn        time.Time
	Identity          IdentityCheck
	IdentityNote      string // how, for IdentityOther; a precision otherwise
	RecordedBy        string
	RecordedName      string
	RecordedAt        time.Time

	// The coordinator's review: zero ReviewedAt while open.
	ReviewedBy          string
	ReviewedName        string
	ReviewedAt          time.Time
	ReleaseMeldcode     bool
	MeldcodeReason      string // why the meldcode stays withheld; empty when released or there is none
	ReleaseConfidential bool
	ConfidentialReason  string // why confidential entries stay withheld; empty when released or there are none
}

// RequesterKind is who asked for access.
type RequesterKind string

// Requester kinds: the student, one of the student's guardians as the file
// knows them, or another person named with their relation.
const (
	RequesterStudent  RequesterKind = "student"
	RequesterGuardian RequesterKind = "guardian"
	RequesterOther    RequesterKind = "other"
)

// Valid reports whether k is a known requester kind.
func (k RequesterKind) Valid() bool {
	return k == RequesterStudent || k == RequesterGuardian || k == RequesterOther
}

// IdentityCheck is how the school made sure the requester is who they say
// they are, and may ask for this student's data (AVG art. 12(6)).
type IdentityCheck string

// Identity checks, in display order.
const (
	IdentityDocument    IdentityCheck = "id_document"  // ID document shown in person
	IdentityKnownParent IdentityCheck = "known_parent" // a parent the school knows, verified by the school
	IdentityDigiD       IdentityCheck = "digid_letter" // a letter signed with DigiD
	IdentityOther       IdentityCheck = "other"        // another way, described in the note
)

// IdentityChecks lists the identity checks in display order.
var IdentityChecks = []IdentityCheck{IdentityDocument, IdentityKnownParent, IdentityDigiD, IdentityOther}

// Valid reports whether c is a known identity check.
func (c IdentityCheck) Valid() bool {
	for _, x := range IdentityChecks {
		if c == x {
			return true
		}
	}
	return false
}

// Access-request limits.
const (
	MaxIdentityNote  = 500  // characters describing the identity check
	MaxRelationText  = 100  // characters of a requester's relation to the student
	MaxWithholdingBy = 1000 // characters of a reason to keep a part withheld
)

// Reviewed reports whether the coordinator has reviewed the request: only
// then may its export be made.
func (r AccessRequest) Reviewed() bool { return !r.ReviewedAt.IsZero() }

// Deadline is the last day of the legal term: one month after receipt
// (AVG art. 12(3)), counted as for rectification.
func (r AccessRequest) Deadline() time.Time { return AddMonth(r.ReceivedOn) }

// Overdue reports whether the request still waits for its review after the
// last day of the term; today is a calendar day.
func (r AccessRequest) Overdue(today time.Time) bool {
	return !r.Reviewed() && today.After(r.Deadline())
}

// ExportScope is what the review released: it decides which parts of the
// file an export for the request holds.
type ExportScope struct {
	Meldcode     bool // the meldcode trajectory: its steps, the people named, the visits to its page
	Confidential bool // care-file entries that are or were confidential, with what hangs off them
}

// FullScope is everything: what the coordinator sees while she reviews.
var FullScope = ExportScope{Meldcode: true, Confidential: true}

// Scope is what an export for the request may hold: nothing withheld by
// default is released until the coordinator has reviewed it.
func (r AccessRequest) Scope() ExportScope {
	if !r.Reviewed() {
		return ExportScope{}
	}
	return ExportScope{Meldcode: r.ReleaseMeldcode, Confidential: r.ReleaseConfidential}
}

// CanReviewAccessRequest decides whether u may review the student's
// requests for access: the zorgcoördinator, who answers for the care file
// and the meldcode and knows what telling the family may do to the student.
func CanReviewAccessRequest(u User, rel StudentRelations) Access {
	if careRel(u, rel, RelCoordinator) {
		return Access{Allowed: true, Relation: RelCoordinator}
	}
	return Access{Relation: RelNone}
}
