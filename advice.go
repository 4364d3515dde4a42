package casus

import "time"

// Advice is a handelingsadvies: what a care team advises the mentor and the
// teaching team to do with the student. It is the one output of a case
// discussion that the mentor sees, also when the case was discussed
// anonymously.
type Advice struct {
	ID         string
	CaseID     string
	StudentID  string
	Text       string
	AuthorID   string
	AuthorName string // filled by reads
	TeamName   string // filled by reads
	CreatedAt  time.Time
	// ReferralID is set for the advice of a referral redirected back to
	// the basic guidance: the chair's note with that decision, which has no
	// case (CaseID is empty).
	ReferralID string
}

// CanReadAdvice decides whether u may read the student's advice: the mentor
// (for whom it is meant), the care contact who passes it on to the
// teachers, the coordinator, and the fixed members of the teams handling the
// student.
func CanReadAdvice(u User, rel StudentRelations) Access {
	a := CanViewStudent(u, rel)
	switch a.Relation {
	case RelMentor, RelCareContact, RelCoordinator, RelTeamMember:
		return a
	}
	return Access{Relation: RelNone}
}

// CanWriteAdvice decides whether u may record advice: the coordinator, or
// the care contact who brings the team's advice to the teachers.
func CanWriteAdvice(u User, rel StudentRelations) Access { return coordinatorOrCareContact(u, rel) }
