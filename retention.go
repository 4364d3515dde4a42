package casus

import "time"

// RetentionKind is a kind of record a retention rule covers.
type RetentionKind string

// Retention kinds. The student file is everything Casus holds about one
// student: the care file, referrals, consent, cases, their discussions,
// actions, advice and aftercare, and the messages that point at them.
const RetentionStudentFile RetentionKind = "student_file"

// RetentionKinds lists the kinds in the order of the beheerder's form.
var RetentionKinds = []RetentionKind{RetentionStudentFile}

// DefaultRetentionMonths is the retention of a student file without a rule:
// two years after the student left school or after the last case closed,
// whichever is later (Dutch practice for care files).
const DefaultRetentionMonths = 24

// DefaultAccessLogMonths is how long access-log entries are kept without a
// setting of the beheerder's: five years, longer than the files they are
// about, so the log can still answer who saw a file after it is gone.
const DefaultAccessLogMonths = 60

// MaxRetentionMonths bounds a rule: one hundred years.
const MaxRetentionMonths = 1200

// RetentionRule is how long a school keeps a kind of record.
type RetentionRule struct {
	SchoolID   string
	SchoolName string
	Kind       RetentionKind
	Months     int
	Default    bool // no rule stored: DefaultRetentionMonths
}

// LegalHold keeps a student's file past its retention date until it is
// lifted, for example during a complaint, a court case or an inspection.
type LegalHold struct {
	ID           string
	StudentID    string
	Reason       string
	SetBy        string
	SetByName    string
	SetAt        time.Time
	LiftedAt     *time.Time
	LiftedBy     string
	LiftedByName string
	LiftedReason string
}

// Active reports whether the hold still blocks destruction.
func (h LegalHold) Active() bool { return h.LiftedAt == nil }

// RetentionStatus is where a student's file stands against its rule.
type RetentionStatus struct {
	SchoolID  string
	LeftAt    *time.Time // nil: still at school
	ClosedAt  *time.Time // when the last closed case closed
	OpenCases int        // while a case is open the file is kept
	Months    int        // the school's rule for the student file
	Holds     []LegalHold
}

// Basis is the later of leaving school and the last case closing, from
// which the retention period runs; nil while the student is at school or a
// case is open.
func (r RetentionStatus) Basis() *time.Time {
	if r.LeftAt == nil || r.OpenCases > 0 {
		return nil
	}
	b := *r.LeftAt
	if r.ClosedAt != nil && r.ClosedAt.After(b) {
		b = *r.ClosedAt
	}
	return &b
}

// Due is the day the file may be destroyed, nil when it is not known yet.
func (r RetentionStatus) Due() *time.Time {
	b := r.Basis()
	if b == nil {
		return nil
	}
	d := b.AddDate(0, r.Months, 0)
	return &d
}

// Held reports whether an active legal hold blocks destruction.
func (r RetentionStatus) Held() bool {
	for _, h := range r.Holds {
		if h.Active() {
			return true
		}
	}
	return false
}

// Expired reports whether the file is to be destroyed at now.
func (r RetentionStatus) Expired(now time.Time) bool {
	d := r.Due()
	return d != nil && !d.After(now) && !r.Held()
}

// DestructionCause is why records were destroyed.
type DestructionCause string

// Destruction causes.
const (
	CauseRetention DestructionCause = "retention" // the retention period ended
	CauseErasure   DestructionCause = "erasure"   // erasure on request (AVG art. 17)
)

// ErasureGround is the legal ground of an erasure on request (AVG art. 17
// lid 1). The record of the erasure holds the ground, never free text.
type ErasureGround string

// Erasure grounds.
const (
	GroundNoLongerNeeded   ErasureGround = "no_longer_needed"  // a: no longer needed for the purpose
	GroundConsentWithdrawn ErasureGround = "consent_withdrawn" // b: consent withdrawn, no other basis
	GroundObjection        ErasureGround = "objection"         // c: objection upheld
	GroundUnlawful         ErasureGround = "unlawful"          // d: processed unlawfully
	GroundLegalObligation  ErasureGround = "legal_obligation"  // e: erasure required by law
)

// ErasureGrounds lists the grounds in the order of the form.
var ErasureGrounds = []ErasureGround{GroundNoLongerNeeded, GroundConsentWithdrawn, GroundObjection, GroundUnlawful,
	GroundLegalObligation}

// Destruction is the record kept of destroyed records: what kind, how
// many, which period (months) they covered, when and why. It holds nothing
// that identifies the student.
type Destruction struct {
	ID          string
	Token       string // random, links to nothing
	Kind        string // "student_file" or "access_log"
	Cause       DestructionCause
	Ground      ErasureGround
	Rule        string // e.g. "student_file: 24 months"
	SchoolID    string
	PeriodFrom  *time.Time
	PeriodTo    *time.Time
	Counts      map[string]int // rows per table
	ActorID     string
	DestroyedAt time.Time
}

// Total is the number of rows destroyed.
func (d Destruction) Total() int {
	n := 0
	for _, c := range d.Counts {
		n += c
	}
	return n
}

// CanManageRetention decides whether u may see a student's retention date,
// set and lift legal holds and erase the file on request: the
// zorgcoördinator, who answers for the file.
func CanManageRetention(u User, rel StudentRelations) Access { return CanCloseCase(u, rel) }
