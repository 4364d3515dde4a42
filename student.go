package casus

import "time"

// Student is a deelnemer (mbo) or leerling (po, vo).
type Student struct {
	ID            string
	SchoolID      string
	GroupID       string
	FirstName     string
	LastName      string
	DateOfBirth   time.Time
	StudentNumber string
	Level         string
	MentorID      string
	LeftAt        *time.Time

	// Filled by reads that join them, for display.
	SchoolName string
	Sector     Sector
	GroupName  string
	MentorName string
}

// Name is the student's full name.
func (s Student) Name() string { return s.FirstName + " " + s.LastName }

// AgeOn returns the student's age in whole years on day t.
func (s Student) AgeOn(t time.Time) int {
	dob := s.DateOfBirth
	y := t.Year() - dob.Year()
	if t.Month() < dob.Month() || t.Month() == dob.Month() && t.Day() < dob.Day() {
		y--
	}
	return y
}

// Guardian is a parent or carer (ouder/verzorger) of a student.
type Guardian struct {
	ID                string
	StudentID         string
	Name              string
	Relation          string // e.g. moeder, vader, voogd
	ParentalAuthority bool   // holds gezag: must consent for a child under 16
	Email             string
	Phone             string
}

// CaseStatus is where a student's case with a care team stands.
type CaseStatus string

// Case states; the referral and meeting work adds more.
const (
	CaseOpen   CaseStatus = "open"
	CaseClosed CaseStatus = "closed"
)

// OpenCases returns the cases that are open.
func OpenCases(cs []Case) []Case {
	var open []Case
	for _, c := range cs {
		if c.Status == CaseOpen {
			open = append(open, c)
		}
	}
	return open
}

// Case is a student's case at a care team: what makes the team (and partners
// invited for it) "the team handling it" in the access policy.
type Case struct {
	ID        string
	StudentID string
	TeamID    string
	TeamName  string
	TeamKind  TeamKind
	Status    CaseStatus
	OpenedAt  time.Time
}
