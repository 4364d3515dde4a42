package casus

import "time"

// AftercareAfter is how long after the last ZAT discussion of a case the
// aftercare contact is due (SPEC §3, process 6: three months).
const AftercareAfterMonths = 3

// Aftercare is the task, three months after a case's last ZAT discussion,
// to ask the care contact and the student (or guardians) what the approach
// achieved and how they experienced the ZAT.
type Aftercare struct {
	ID              string
	CaseID          string
	StudentID       string
	LastDiscussedAt time.Time
	CreatedAt       time.Time
	Answers         []AftercareAnswer
}

// Respondent is who answered the aftercare questions.
type Respondent string

// Respondents.
const (
	RespondentCareContact Respondent = "care_contact"
	RespondentStudent     Respondent = "student"
	RespondentGuardian    Respondent = "guardian"
)

// Respondents lists them in the order of the form.
var Respondents = []Respondent{RespondentCareContact, RespondentStudent, RespondentGuardian}

// GoalsMet answers whether the goals were met.
var GoalsMet = []string{"yes", "partly", "no"}

// AftercareAnswer is one respondent's answers, recorded by the coordinator.
type AftercareAnswer struct {
	ID         string
	Respondent Respondent
	Achieved   string // what the approach achieved
	GoalsMet   string // yes, partly, no
	Experience string // how they experienced the ZAT
	RecordedBy string
	RecordedAt time.Time
}
