package casus

import "time"

// GuestKind is who a guest at an agenda item is: the team talks with the
// student and those around them, not about them (HGW).
type GuestKind string

// Guest kinds.
const (
	GuestGuardian GuestKind = "guardian" // a parent or guardian
	GuestStudent  GuestKind = "student"
	GuestTeacher  GuestKind = "teacher" // the mentor or another teacher
	GuestOther    GuestKind = "other"
)

// GuestKinds lists the kinds in the order of the form.
var GuestKinds = []GuestKind{GuestGuardian, GuestStudent, GuestTeacher, GuestOther}

// AgendaGuest is someone without an account the chair invites to join the
// talk about one agenda item. The name is free text and may stay empty
// (the student is the student).
type AgendaGuest struct {
	ID      string
	ItemID  string
	Kind    GuestKind
	Name    string
	AddedBy string
	AddedAt time.Time
}

// ItemDetails is what the agenda shows of an item besides its case: the
// question in short and the guests.
type ItemDetails struct {
	Question string // set by the chair; empty when not
	Summary  string // the chair's question, else the referral's or the plan's question
	Guests   []AgendaGuest
}

// SummaryMax is the length of an item's summary on the agenda, in
// characters; a longer question is cut off with an ellipsis.
const SummaryMax = 200

// Shorten returns s cut to at most n characters (runes), ending in an
// ellipsis when it was cut.
func Shorten(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}
