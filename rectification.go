package casus

import (
	"slices"
	"time"
)

// Party is who exercises the student's rights: the student, a parent, or a
// guardian (voogd, or another person with parental authority). Students and
// guardians have no accounts: staff record what they ask or say on their
// behalf, and the record names both.
type Party string

// Parties.
const (
	PartyStudent  Party = "student"
	PartyParent   Party = "parent"
	PartyGuardian Party = "guardian"
)

// Parties lists the parties in display order.
var Parties = []Party{PartyStudent, PartyParent, PartyGuardian}

// Valid reports whether p is a known party.
func (p Party) Valid() bool { return p == PartyStudent || p == PartyParent || p == PartyGuardian }

// RectificationStatus is where a request for rectification stands.
type RectificationStatus string

// Statuses of a request for rectification.
const (
	RectificationOpen    RectificationStatus = "open"
	RectificationGranted RectificationStatus = "granted"
	RectificationRefused RectificationStatus = "refused"
)

// RectificationRequest is a verzoek tot rectificatie (AVG art. 16): a
// student, parent or guardian asks the school to correct what the file
// holds about the student. The zorgcoördinator decides: granted — for a
// care-file entry through a correction, which keeps every earlier version
// and names the request — or refused with a reason, and records the day the
// requester was told. The answer is due within a month of receipt (AVG art.
// 12(3)).
type RectificationRequest struct {
	ID            string
	StudentID     string
	EntryID       string // the care-file entry it concerns; empty for another record
	Concerns      string // the record in words when it is no care-file entry, or a precision
	Requester     Party
	RequesterName string
	ReceivedOn    time.Time // the day the request came in: the term runs from here
	Request       string    // what they ask to be corrected, in their words
	RecordedBy    string
	RecordedName  string
	RecordedAt    time.Time

	Status            RectificationStatus
	DecidedOn         time.Time // zero while open
	DecidedBy         string
	DecidedName       string
	Decision          string // the reason of a refusal; what was corrected for a grant
	CorrectionVersion int    // the entry's version the grant created; 0 when none
	InformedOn        time.Time
	InformedBy        string
	InformedName      string

	// The extension of the term by two further months (AVG art. 12(3)):
	// zero while not extended.
	ExtendedOn      time.Time // the day the requester was told of the extension, with its reasons
	ExtensionReason string
	ExtendedBy      string
	ExtendedName    string
	ExtendedAt      time.Time
}

// Rectification limits.
const (
	MaxPartyName      = 200  // characters of a requester's or giver's name
	MaxRequestText    = 4000 // characters of what is asked, and of an own-word comment
	MaxDecisionText   = 2000 // characters of a decision's reason
	MaxConcernsText   = 300  // characters naming the record a request concerns
	MaxWithdrawalNote = 500
	MaxExtensionText  = MaxDecisionText // characters of the reasons for an extension
)

// Deadline is the last day of the legal term: one month after receipt,
// the same day of the next month, or that month's last day when it has no
// such day (31 January → 28 or 29 February), as EU time limits are counted.
// An extended term ends three months after receipt, counted the same way
// (31 January → 30 April).
func (r RectificationRequest) Deadline() time.Time {
	if r.Extended() {
		return AddMonths(r.ReceivedOn, 3)
	}
	return r.FirstDeadline()
}

// FirstDeadline is the last day of the first month, by which an extension
// must be decided and told.
func (r RectificationRequest) FirstDeadline() time.Time { return AddMonth(r.ReceivedOn) }

// Extended reports whether the term was extended by two further months.
func (r RectificationRequest) Extended() bool { return !r.ExtendedOn.IsZero() }

// CanExtend reports whether the term may still be extended today: the
// request is open, not extended yet, and its first month has not passed.
func (r RectificationRequest) CanExtend(today time.Time) bool {
	return r.Status == RectificationOpen && !r.Extended() && !today.After(r.FirstDeadline())
}

// Informed reports whether the requester has been told the outcome: the
// request is then done.
func (r RectificationRequest) Informed() bool { return !r.InformedOn.IsZero() }

// Overdue reports whether the requester still waits for an answer after
// the last day of the term; today is a calendar day.
func (r RectificationRequest) Overdue(today time.Time) bool {
	return !r.Informed() && today.After(r.Deadline())
}

// DaysLeft is the number of days until the deadline (negative when past).
func (r RectificationRequest) DaysLeft(today time.Time) int {
	return int(r.Deadline().Sub(today).Hours() / 24)
}

// AddMonth returns the same calendar day one month after t, or the last day
// of that month when it is shorter.
func AddMonth(t time.Time) time.Time { return AddMonths(t, 1) }

// AddMonths returns the same calendar day n months after t, or the last day
// of that month when it is shorter.
func AddMonths(t time.Time, n int) time.Time {
	y, m, d := t.Date()
	first := time.Date(y, m+time.Month(n), 1, 0, 0, 0, 0, t.Location())
	last := first.AddDate(0, 1, -1).Day()
	return time.Date(first.Year(), first.Month(), min(d, last), 0, 0, 0, 0, t.Location())
}

// OwnWord is the student's own word (eigen inbreng): a comment of the
// student or a parent or guardian on an entry of the care file, their view
// beside the school's. Staff enter it on their behalf and cannot change it;
// at the giver's request it can be withdrawn, and stays in the history as
// withdrawn.
type OwnWord struct {
	ID           string
	StudentID    string
	EntryID      string
	Giver        Party
	GiverName    string
	GivenOn      time.Time // the day they gave it
	Text         string
	RecordedBy   string
	RecordedName string
	RecordedAt   time.Time
	Withdrawal   *OwnWordWithdrawal // nil while it stands
}

// OwnWordWithdrawal records that the giver asked to take their comment
// back.
type OwnWordWithdrawal struct {
	OwnWordID    string
	RequestedOn  time.Time // the day the giver asked
	Note         string
	RecordedBy   string
	RecordedName string
	RecordedAt   time.Time
}

// CanHandleRectification decides whether u may record, read and decide the
// student's requests for rectification: the zorgcoördinator, who answers
// for the care file (seed 000) and for the school's reply within the term.
// A mentor or IB'er who receives a request passes it on; they do not see
// the requests of the file.
func CanHandleRectification(u User, rel StudentRelations) Access {
	if careRel(u, rel, RelCoordinator) {
		return Access{Allowed: true, Relation: RelCoordinator}
	}
	return Access{Relation: RelNone}
}

// HandlesRectifications reports whether CanHandleRectification can grant u
// any request: the queue of requests to answer is then theirs to open.
func HandlesRectifications(u User) bool {
	return !u.Disabled && slices.ContainsFunc(careRoles[RelCoordinator], u.HasRole)
}

// CanRecordOwnWord decides whether u may enter a student's or parent's own
// comment on the entry: the people they talk to — the zorgcoördinator, the
// student's taakdocent zorg / IB'er and the student's own mentor — when
// they may read the entry. Specialists and partners of a care team do not:
// the school keeps the file and hears the family.
func CanRecordOwnWord(u User, rel StudentRelations, e CareEntry) Access {
	if !CanReadEntry(u, rel, e.Current.Visibility) {
		return Access{Relation: RelNone}
	}
	for _, r := range []Relation{RelCoordinator, RelCareContact, RelMentor} {
		if careRel(u, rel, r) {
			return Access{Allowed: true, Relation: r}
		}
	}
	return Access{Relation: RelNone}
}

// CanWithdrawOwnWord decides whether u may record that the giver withdrew
// their comment: the zorgcoördinator, or whoever entered it while they may
// still enter comments on the entry.
func CanWithdrawOwnWord(u User, rel StudentRelations, e CareEntry, w OwnWord) Access {
	a := CanRecordOwnWord(u, rel, e)
	if !a.Allowed || (a.Relation != RelCoordinator && w.RecordedBy != u.ID) {
		return Access{Relation: RelNone}
	}
	return a
}
