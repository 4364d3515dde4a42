package casus

import (
	"reflect"
	"slices"
	"time"
)

// Level grades how serious or how urgent a situation is (SPEC §5, phase 2).
type Level string

// Levels, mildest first.
const (
	LevelLow    Level = "low"
	LevelMedium Level = "medium"
	LevelHigh   Level = "high"
)

// Levels lists the grades in the order of the form.
var Levels = []Level{LevelLow, LevelMedium, LevelHigh}

// Arrangement is the support a team chooses for a student (SPEC §5: the
// arrangements of primary education's step 6 and of mbo).
type Arrangement string

// Arrangements.
const (
	ArrCurrentSchool     Arrangement = "current_school"      // advice for the current school, with extra support
	ArrOtherSchool       Arrangement = "other_school"        // another regular school
	ArrSpecialPlacement  Arrangement = "special_placement"   // (temporary) SBO/SO placement
	ArrParentingSupport  Arrangement = "parenting_support"   // parenting support from external care (CJG)
	ArrCombinedSpecial   Arrangement = "combined_special"    // regular and special education combined
	ArrEducationCare     Arrangement = "education_care"      // education and care combined (OZA)
	ArrRebound           Arrangement = "rebound"             // mbo: rebound or plus facility
	ArrEducationCareWork Arrangement = "education_care_work" // mbo: education, care and work combined
	ArrJongerenloket     Arrangement = "jongerenloket"       // mbo: to the Jongerenloket
)

// ArrangementsFor lists the arrangements a team can choose for a student of
// the sector: primary and secondary schools place within education, mbo
// also towards work and the Jongerenloket.
func ArrangementsFor(s Sector) []Arrangement {
	if s == SectorMBO {
		return []Arrangement{ArrCurrentSchool, ArrEducationCare, ArrRebound, ArrEducationCareWork, ArrParentingSupport, ArrJongerenloket}
	}
	return []Arrangement{ArrCurrentSchool, ArrOtherSchool, ArrSpecialPlacement, ArrParentingSupport, ArrCombinedSpecial, ArrEducationCare}
}

// VIRDecision is whether the student is reported to the verwijsindex
// risicojongeren.
type VIRDecision string

// VIR decisions.
const (
	VIRReport   VIRDecision = "report"
	VIRNoReport VIRDecision = "no_report"
)

// VIRDecisions lists the decisions in the order of the form.
var VIRDecisions = []VIRDecision{VIRNoReport, VIRReport}

// Goal is one goal of a plan, written SMARTI: besides what is to be reached,
// how it is measured and by when. Casus checks that both are there.
type Goal struct {
	ID          string    `json:"id"`
	Description string    `json:"description"`
	Criterion   string    `json:"criterion"` // what shows it is reached
	DueOn       time.Time `json:"due_on"`    // a day, as UTC midnight
}

// Measurable reports whether the goal says how it is measured and by when.
func (g Goal) Measurable() bool { return g.Criterion != "" && !g.DueOn.IsZero() }

// DiscussionRecord is what the team records of one case discussion, in the
// phases of SPEC §5. Phase 4 (realise) is the actions, kept on their own.
type DiscussionRecord struct {
	// Phase 0, opening: who is at the table.
	Attendees []string `json:"attendees"` // user ids of the members present
	Guests    string   `json:"guests"`    // guardians, student, teacher: who joined the talk

	// Phase 1, observe.
	Question     string `json:"question"`      // the question to the team
	PartnerInput string `json:"partner_input"` // what partners add from their own files

	// Phase 2, understand and analyse.
	Hindering      string `json:"hindering"`
	Protective     string `json:"protective"`
	Balance        string `json:"balance"` // draagkracht against draaglast
	Severity       Level  `json:"severity"`
	Urgency        Level  `json:"urgency"`
	ProblemOwner   string `json:"problem_owner"` // whose problem it is, as each sees it
	NeedsEducation string `json:"needs_education"`
	NeedsParenting string `json:"needs_parenting"`
	NeedsSupport   string `json:"needs_support"`

	// Phase 3, plan.
	Goals          []Goal      `json:"goals"`
	Arrangement    Arrangement `json:"arrangement"`
	CoordinatorID  string      `json:"coordinator_id"` // the case coordinator (casusregie)
	ContactPerson  string      `json:"contact_person"` // for student and parents
	FeedbackBy     string      `json:"feedback_by"`    // who tells the student
	InformReferrer string      `json:"inform_referrer"`
	VIR            VIRDecision `json:"vir"`
	VIRBy          string      `json:"vir_by"`
	VIRReason      string      `json:"vir_reason"`

	// Phase 5, evaluate.
	Evaluation   string    `json:"evaluation"`
	EvaluateOn   time.Time `json:"evaluate_on"` // the follow-up's day
	MinutesSpent int       `json:"minutes_spent"`
}

// Discussion is the record of a case's discussion at one agenda item. Every
// save is a new version; all versions are kept. Once the minutes are
// finalised the record no longer changes: a revised plan is the next
// discussion's.
type Discussion struct {
	ID          string
	ItemID      string
	MeetingID   string
	CaseID      string
	StudentID   string
	Version     int
	Record      DiscussionRecord
	SavedBy     string
	SavedByName string // filled by reads
	SavedAt     time.Time
	FinalisedAt time.Time // zero while it may change
}

// Finalised reports whether the minutes are final.
func (d Discussion) Finalised() bool { return !d.FinalisedAt.IsZero() }

// ChangedFields lists the json names of the record's fields that differ
// between a and b, in the order of the record: what someone else changed
// since the user opened it.
func ChangedFields(a, b DiscussionRecord) []string {
	va, vb := reflect.ValueOf(a), reflect.ValueOf(b)
	t := va.Type()
	var out []string
	for i := range t.NumField() {
		if !reflect.DeepEqual(va.Field(i).Interface(), vb.Field(i).Interface()) {
			out = append(out, t.Field(i).Tag.Get("json"))
		}
	}
	return out
}

// CanWriteDiscussion decides whether u records the discussions of a team's
// meetings: its chair or its minute taker.
func CanWriteDiscussion(u User, members []TeamMember) bool {
	if u.Disabled {
		return false
	}
	return slices.ContainsFunc(members, func(m TeamMember) bool { return m.User.ID == u.ID && (m.Chair || m.MinuteTaker) })
}

// CanReadDiscussion decides whether u may read the record of a case
// discussed by a team: a member of that team (fixed, or on call and invited
// for the case) whose relation to the student lets them see it.
func CanReadDiscussion(u User, rel StudentRelations, members []TeamMember) Access {
	if !slices.ContainsFunc(members, func(m TeamMember) bool { return m.User.ID == u.ID }) {
		return Access{Relation: RelNone}
	}
	return CanViewStudent(u, rel)
}
