package casus

import (
	"slices"
	"time"
)

// RelNamed is the relation of a person the zorgcoördinator named for a
// student's meldcode trajectory.
const RelNamed Relation = "meldcode_named"

// MeldcodeSteps are the five steps of the meldcode huiselijk geweld en
// kindermishandeling.
const MeldcodeSteps = 5

// Meldcode decisions in step 5.
const (
	MeldDecisionHelp       = "help"        // organise help
	MeldDecisionReport     = "report"      // report to Veilig Thuis
	MeldDecisionHelpReport = "help_report" // both
)

// MeldDecisions lists the step 5 decisions in display order.
var MeldDecisions = []string{MeldDecisionHelp, MeldDecisionReport, MeldDecisionHelpReport}

// MeldQuestions is the number of questions of the afwegingskader in step 4.
const MeldQuestions = 5

// Meldcode is one trajectory of the meldcode for a student.
type Meldcode struct {
	ID        string
	StudentID string
	StartedBy string
	StartedAt time.Time
	ClosedAt  time.Time // set by step 5
	Steps     []MeldcodeStep
}

// Step returns the recorded step n, or nil.
func (m Meldcode) Step(n int) *MeldcodeStep {
	for i := range m.Steps {
		if m.Steps[i].Step == n {
			return &m.Steps[i]
		}
	}
	return nil
}

// Next is the step to record next, or 0 when the trajectory is closed.
func (m Meldcode) Next() int {
	if !m.ClosedAt.IsZero() {
		return 0
	}
	return len(m.Steps) + 1
}

// MeldcodeStep is one recorded step: when, by whom, what.
type MeldcodeStep struct {
	ID          string
	MeldcodeID  string
	Step        int
	DoneOn      time.Time
	ByID        string
	ByName      string // filled by reads
	Notes       string
	VeiligThuis bool     // step 2: Veilig Thuis was consulted
	Answers     []string // step 4: "yes" or "no" per question of the afwegingskader
	Decision    string   // step 5
	CreatedAt   time.Time
}

// CanViewMeldcode decides whether u may see and add to the student's
// meldcode trajectory: the zorgcoördinator of a team serving the student's
// school, and the people the coordinator named. Nobody else — not the
// mentor, management or partners not named — however close to the student.
func CanViewMeldcode(u User, rel StudentRelations, named bool) Access {
	if u.Disabled || !rel.Exists {
		return Access{Relation: RelNone}
	}
	if a := CanViewStudent(u, rel); a.Allowed && a.Relation == RelCoordinator {
		return a
	}
	if named && u.SeesStudentData() {
		return Access{Allowed: true, Relation: RelNamed}
	}
	return Access{Relation: RelNone}
}

// CanManageMeldcode decides whether u may name and remove the people who see
// the student's meldcode: the zorgcoördinator only.
func CanManageMeldcode(u User, rel StudentRelations) Access {
	if a := CanViewStudent(u, rel); a.Allowed && a.Relation == RelCoordinator && !u.Disabled {
		return a
	}
	return Access{Relation: RelNone}
}

// MayBeNamed reports whether u can be named for a meldcode: someone who can
// ever see student data (not the beheerder or management).
func MayBeNamed(u User) bool {
	return !u.Disabled && u.SeesStudentData() && !slices.Contains(u.Roles, RoleManagement) && !OnlyPrivacy(u)
}

// MeldAnswer is one answered question of the afwegingskader.
type MeldAnswer struct {
	Question int
	Answer   string
}

// QA returns step 4's answers with their question numbers.
func (s MeldcodeStep) QA() []MeldAnswer {
	qa := make([]MeldAnswer, len(s.Answers))
	for i, a := range s.Answers {
		qa[i] = MeldAnswer{Question: i + 1, Answer: a}
	}
	return qa
}
