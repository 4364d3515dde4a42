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

// CanAnswerAftercare decides whether u may open a case's aftercare and
// record answers: the zorgcoördinator, who records every respondent's
// answers (students and guardians have no account), and the student's care
// contact (taakdocent zorg / IB'er), who answers their own part.
func CanAnswerAftercare(u User, rel StudentRelations) Access {
	if a := CanCloseCase(u, rel); a.Allowed {
		return a
	}
	a := CanViewStudent(u, rel)
	if a.Allowed && a.Relation == RelCareContact {
		return a
	}
	return Access{Relation: RelNone}
}

// CanReadCaseHistory decides whether u sees a case's closings and
// reopenings, with the final evaluation: the zorgcoördinator and the
// student's care contact.
func CanReadCaseHistory(u User, rel StudentRelations) Access { return coordinatorOrCareContact(u, rel) }
