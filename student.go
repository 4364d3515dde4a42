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
	// MentorEmail is filled by the import's read of a school's students
	// (storage SchoolRoster): the mentor is matched by e-mail address.
	MentorEmail string
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

// AgeBand is the band of the student's age on day t that an anonymous page
// shows instead of the age: "4–8", "8–12", "12–16" or "16+" (the lower
// bound included). With the school and the year group an exact age can
// point to one pupil of a primary-school class; a band of four years cannot.
func (s Student) AgeBand(t time.Time) string {
	switch age := s.AgeOn(t); {
	case age < 8:
		return "4–8"
	case age < 12:
		return "8–12"
	case age < 16:
		return "12–16"
	default:
		return "16+"
	}
}
