package casus

import (
	"slices"
	"strings"
	"time"
)

// ReferralState is where an aanmelding (referral of a student to a care
// team) stands in triage.
//
//	draft ──submit──▶ submitted ──preselect──▶ preselected ──accept──▶ accepted
//	  ▲                   │  (intern zorgteam, by the      │
//	  │                   │   taakdocent zorg / IB'er)     ├──return──▶ returned ──edit, resubmit──▶ submitted
//	  └───────────────────┘                                └──redirect─▶ redirected
//
// A ZAT referral skips preselection: the chair triages it from submitted.
// An intern-zorgteam referral submitted by the student's care contact (or
// the coordinator) is preselected by that same act; one submitted by a
// mentor waits for the care contact. Accepted and redirected are final.
type ReferralState string

// Referral states.
const (
	RefDraft       ReferralState = "draft"       // concept: being written, any subset of fields
	RefSubmitted   ReferralState = "submitted"   // ingediend: complete, waiting for preselection or triage
	RefPreselected ReferralState = "preselected" // voorgeselecteerd by the care contact (intern zorgteam)
	RefAccepted    ReferralState = "accepted"    // geaccepteerd: ready to be put on an agenda; a case is open
	RefReturned    ReferralState = "returned"    // teruggestuurd with a question; the referrer edits and resubmits
	RefRedirected  ReferralState = "redirected"  // doorverwezen: to another team, or back to basic guidance with advice
)

// ReferralStates lists the states in the order of the route.
var ReferralStates = []ReferralState{RefDraft, RefSubmitted, RefPreselected, RefAccepted, RefReturned, RefRedirected}

// Editable reports whether the form may still be changed in state s.
func (s ReferralState) Editable() bool { return s == RefDraft || s == RefReturned }

// Open reports whether a referral in state s still needs someone to act.
func (s ReferralState) Open() bool { return s != RefAccepted && s != RefRedirected }

// Urgency says how soon a referral needs the team. Crisis handling between
// meetings is a route of its own and not an urgency here.
type Urgency string

// Urgencies.
const (
	UrgencyNormal Urgency = "normal"
	UrgencyUrgent Urgency = "urgent"
)

// Urgencies lists the urgencies in display order.
var Urgencies = []Urgency{UrgencyNormal, UrgencyUrgent}

// ReferralField names one part of the standard referral form. The names are
// also the database columns, the form field names and, with the prefix
// "referral.field.", the i18n keys of their labels.
type ReferralField string

// The parts of the standard form (seed 000, ch. 5 and appendix): reason and
// situation, needs, the factor grid, what was done, the three questions.
const (
	FieldReason            ReferralField = "reason"             // aanleiding en situatie
	FieldNeedsEducation    ReferralField = "needs_education"    // onderwijsbehoeften
	FieldNeedsCare         ReferralField = "needs_care"         // zorgbehoeften
	FieldStudentHindering  ReferralField = "student_hindering"  // belemmerende factoren, leerling
	FieldStudentProtective ReferralField = "student_protective" // beschermende factoren, leerling
	FieldSchoolHindering   ReferralField = "school_hindering"
	FieldSchoolProtective  ReferralField = "school_protective"
	FieldFamilyHindering   ReferralField = "family_hindering"
	FieldFamilyProtective  ReferralField = "family_protective"
	FieldDoneBefore        ReferralField = "done_before" // wat is al gedaan
	FieldDoneResult        ReferralField = "done_result" // met welk resultaat
	FieldQuestionStudent   ReferralField = "question_student"
	FieldQuestionParents   ReferralField = "question_parents"
	FieldQuestionSchool    ReferralField = "question_school"

	// The seeds ask more than the first form did (seed 001 phase 1, seed
	// 000 ch. 5 and 7): what the teacher and the parents need to support
	// the child, what the child needs in its upbringing, who is already
	// involved and what was already examined (so no research is done
	// twice), and whether the student and the parents know and agree.
	FieldSupportSchool  ReferralField = "support_school"    // ondersteuningsbehoeften van leerkracht en school
	FieldSupportParents ReferralField = "support_parents"   // ondersteuningsbehoeften van de ouders
	FieldParenting      ReferralField = "parenting_needs"   // opvoedingsbehoeften
	FieldAgencies       ReferralField = "agencies_involved" // instanties die al betrokken zijn
	FieldAssessments    ReferralField = "assessments"       // eerder onderzoek en diagnoses
	FieldInformed       ReferralField = "informed"          // zijn leerling en ouders geïnformeerd, en akkoord?
	// FieldProblemCategory is a choice from the installation's list of
	// problem categories (ProblemCategories), counted in the steering
	// figures; stored as the category's name.
	FieldProblemCategory ReferralField = "problem_category"
)

// ParentFields are the parts of the form that ask about the parents: an
// adult student (18 or older) decides for themself, so no configuration
// makes them required for one (RequiredFor).
var ParentFields = []ReferralField{FieldSupportParents, FieldParenting, FieldQuestionParents}

// AdultAge is the age from which a student is an adult.
const AdultAge = 18

// RequiredFor narrows the required parts of a team kind to a student of
// age: no parents' question is forced for an adult.
func RequiredFor(required []ReferralField, age int) []ReferralField {
	if age < AdultAge {
		return required
	}
	return slices.DeleteFunc(slices.Clone(required), func(f ReferralField) bool { return slices.Contains(ParentFields, f) })
}

// DefaultProblemCategories are the problem categories of an installation
// that has not set its own: the areas the seeds name for the signals a
// care team sees.
var DefaultProblemCategories = []string{
	"Verzuim en schooluitval", "Leren en ontwikkeling", "Gedrag", "Psychisch welbevinden",
	"Lichamelijke gezondheid", "Thuissituatie en opvoeding", "Veiligheid (vermoeden van huiselijk geweld of kindermishandeling)",
	"Middelengebruik", "Financiën, wonen en werk", "Politie en justitie", "Overig",
}

// ParseProblemCategories reads a list of categories, one per line: blank
// lines and duplicates are dropped, each name trimmed and at most 100
// characters.
func ParseProblemCategories(s string) []string {
	var out []string
	for _, line := range strings.Split(s, "\n") {
		name := strings.TrimSpace(line)
		if r := []rune(name); len(r) > 100 {
			name = strings.TrimSpace(string(r[:100]))
		}
		if name != "" && !slices.Contains(out, name) {
			out = append(out, name)
		}
	}
	return out
}

// ReferralFields lists the form's text fields in form order.
var ReferralFields = []ReferralField{
	FieldReason, FieldProblemCategory, FieldNeedsEducation, FieldNeedsCare,
	FieldSupportSchool, FieldSupportParents, FieldParenting,
	FieldStudentHindering, FieldStudentProtective, FieldSchoolHindering, FieldSchoolProtective,
	FieldFamilyHindering, FieldFamilyProtective,
	FieldDoneBefore, FieldDoneResult, FieldAgencies, FieldAssessments, FieldInformed,
	FieldQuestionStudent, FieldQuestionParents, FieldQuestionSchool,
}

// Valid reports whether f is a field of the form.
func (f ReferralField) Valid() bool { return slices.Contains(ReferralFields, f) }

// AlwaysRequired are the fields no configuration can make optional: a
// referral without a reason or the school's question gives the team
// nothing to discuss, and one without a problem category is missing from
// the steering figures.
var AlwaysRequired = []ReferralField{FieldReason, FieldProblemCategory, FieldQuestionSchool}

// DefaultRequired returns the fields a submission needs for a team kind
// when the beheerder has not configured them. The ZAT needs the whole form:
// external partners prepare from it, and consent has been asked of the
// family. The intern zorgteam may start before the family and the student
// have been heard in writing, so the family factors, the parents' needs,
// the student's and parents' questions, who is involved, earlier research
// and whether the family agrees are optional there.
func DefaultRequired(kind TeamKind) []ReferralField {
	if kind == TeamZAT {
		return slices.Clone(ReferralFields)
	}
	var req []ReferralField
	for _, f := range ReferralFields {
		switch f {
		case FieldFamilyHindering, FieldFamilyProtective, FieldQuestionStudent, FieldQuestionParents,
			FieldSupportParents, FieldParenting, FieldAgencies, FieldAssessments, FieldInformed:
			continue
		}
		req = append(req, f)
	}
	return req
}

// NormalizeRequired returns the known fields of fs plus AlwaysRequired, in
// form order and without duplicates.
func NormalizeRequired(fs []ReferralField) []ReferralField {
	var out []ReferralField
	for _, f := range ReferralFields {
		if slices.Contains(fs, f) || slices.Contains(AlwaysRequired, f) {
			out = append(out, f)
		}
	}
	return out
}

// ParseRequired reads a stored list ("reason,needs_care,…"); unknown names
// are dropped and AlwaysRequired added.
func ParseRequired(s string) []ReferralField {
	var fs []ReferralField
	for _, p := range strings.Split(s, ",") {
		if f := ReferralField(strings.TrimSpace(p)); f.Valid() {
			fs = append(fs, f)
		}
	}
	return NormalizeRequired(fs)
}

// FormatRequired is the stored form of a list of required fields.
func FormatRequired(fs []ReferralField) string {
	var names []string
	for _, f := range NormalizeRequired(fs) {
		names = append(names, string(f))
	}
	return strings.Join(names, ",")
}

// Referral is an aanmelding: a student referred to a care team with the
// standard form. The referrer (aanmelder) is the user who made it; the
// inbrenger brings the case in at the meeting and defaults to the referrer.
type Referral struct {
	ID          string
	StudentID   string
	TeamID      string
	State       ReferralState
	Version     int // raised by every change; a save names the version it edits
	ReferrerID  string
	InbrengerID string
	Urgency     Urgency
	Text        map[ReferralField]string
	CaseID      string // the case accepting opened or reused
	PreviousID  string // the referral this one was redirected from
	NextID      string // the referral at the team this one was redirected to
	CreatedAt   time.Time
	UpdatedAt   time.Time
	SubmittedAt *time.Time // the last submission

	// Filled by reads that join them, for display.
	TeamName      string
	TeamKind      TeamKind
	StudentName   string
	ReferrerName  string
	InbrengerName string
	// Discussed is set once the team discussed the referral's case at a
	// meeting since it was made: it has had its turn and leaves the queue.
	Discussed bool
}

// Missing returns the required fields that are empty, in form order.
func (r Referral) Missing(required []ReferralField) []ReferralField {
	var out []ReferralField
	for _, f := range NormalizeRequired(required) {
		if strings.TrimSpace(r.Text[f]) == "" {
			out = append(out, f)
		}
	}
	return out
}

// DaysWaiting is the number of whole days since submission, 0 for a draft.
func (r Referral) DaysWaiting(now time.Time) int {
	if r.SubmittedAt == nil {
		return 0
	}
	return int(now.Sub(*r.SubmittedAt) / (24 * time.Hour))
}

// ReferralEvent is one transition of a referral, appended and never changed.
type ReferralEvent struct {
	ID         string
	ReferralID string
	At         time.Time
	ActorID    string
	ActorName  string
	From       ReferralState // "" for the creation
	To         ReferralState
	Note       string // the question on a return, the advice on a redirect
}

// Decision is what someone does with a submitted referral.
type Decision string

// Decisions.
const (
	DecidePreselect Decision = "preselect" // the care contact passes it on to the intern zorgteam's chair
	DecideAccept    Decision = "accept"
	DecideReturn    Decision = "return"   // back to the referrer with a question
	DecideRedirect  Decision = "redirect" // to another team, or back to basic guidance with advice
)

// Decisions lists every decision.
var Decisions = []Decision{DecidePreselect, DecideAccept, DecideReturn, DecideRedirect}

// Relations that only referrals give.
const (
	RelReferrer  Relation = "referrer"  // made the referral
	RelInbrenger Relation = "inbrenger" // brings the case in at the meeting
)

// ReferralFacts is what storage found about one user and one referral. The
// policy decides from it.
type ReferralFacts struct {
	Exists     bool
	Student    StudentRelations // the user's relations to the referred student
	Referrer   bool
	Inbrenger  bool
	TeamChair  bool // chairs the team the referral is addressed to
	TeamMember bool // fixed member of that team
	State      ReferralState
	TeamKind   TeamKind
}

// schoolStaff may refer: the roles that work with the student at school.
func schoolStaff(u User) bool {
	return !u.Disabled && (u.HasRole(RoleMentor) || u.HasRole(RoleCareContact) || u.HasRole(RoleCoordinator))
}

// CanCreateReferral decides whether u may start a referral of the student:
// the mentor (who drafts it with the care contact), the care contact of the
// student's group, and the coordinator of a team serving the school.
// Management, the beheerder and partners never refer.
func CanCreateReferral(u User, rel StudentRelations) Access {
	if !rel.Exists || !schoolStaff(u) {
		return Access{Relation: RelNone}
	}
	switch {
	case rel.Coordinator && u.HasRole(RoleCoordinator):
		return Access{Allowed: true, Relation: RelCoordinator}
	case rel.CareContact && u.HasRole(RoleCareContact):
		return Access{Allowed: true, Relation: RelCareContact}
	case rel.Mentor && u.HasRole(RoleMentor):
		return Access{Allowed: true, Relation: RelMentor}
	}
	return Access{Relation: RelNone}
}

// CanReadReferral decides whether u may read a referral: its referrer and
// inbrenger while they are the student's mentor, care contact or
// coordinator, the care contact of the student, and — once it is submitted —
// the chair of the team it is addressed to; fixed members of that team once
// it is accepted. Drafts stay between the referrer, the inbrenger and the
// care contact. Management and the beheerder never read one.
func CanReadReferral(u User, f ReferralFacts) Access {
	if !f.Exists || u.Disabled || !u.SeesStudentData() {
		return Access{Relation: RelNone}
	}
	submitted := f.State != RefDraft
	// The referrer and the inbrenger read it while they still work with the
	// student: a mentor who hands the class over loses the referral too.
	tied := f.Student.Mentor || f.Student.CareContact || f.Student.Coordinator
	switch {
	case f.Referrer && schoolStaff(u) && tied:
		return Access{Allowed: true, Relation: RelReferrer}
	case f.Inbrenger && schoolStaff(u) && tied:
		return Access{Allowed: true, Relation: RelInbrenger}
	case f.Student.CareContact && u.HasRole(RoleCareContact):
		return Access{Allowed: true, Relation: RelCareContact}
	case submitted && f.TeamChair && (u.HasRole(RoleCoordinator) || u.HasRole(RoleCareContact)):
		return Access{Allowed: true, Relation: RelCoordinator}
	case f.State == RefAccepted && f.TeamMember && hasAnyRole(u, teamMemberRoles):
		return Access{Allowed: true, Relation: RelTeamMember}
	}
	return Access{Relation: RelNone}
}

// ReadsReferrals reports whether CanReadReferral can grant u any referral:
// the referral queue, which lists the referrals CanReadReferral grants, is
// then theirs to open: school staff who refer, and the roles in which a
// fixed member of a team reads the accepted referrals addressed to it.
func ReadsReferrals(u User) bool {
	return !u.Disabled && u.SeesStudentData() && (schoolStaff(u) || hasAnyRole(u, teamMemberRoles))
}

// CanEditReferral decides whether u may change the form: while it is a draft
// or returned, its referrer, inbrenger and the student's care contact.
func CanEditReferral(u User, f ReferralFacts) Access {
	if !f.State.Editable() {
		return Access{Relation: RelNone}
	}
	a := CanReadReferral(u, f)
	if !a.Allowed || a.Relation == RelCoordinator || a.Relation == RelTeamMember {
		return Access{Relation: RelNone}
	}
	return a
}

// CanSubmitReferral decides whether u may submit a referral they may edit.
// A mentor may submit to the intern zorgteam only (the care contact then
// preselects); the ZAT takes referrals from the care contact and the
// coordinator.
func CanSubmitReferral(u User, f ReferralFacts) Access {
	a := CanEditReferral(u, f)
	if !a.Allowed {
		return a
	}
	switch {
	case f.Student.CareContact && u.HasRole(RoleCareContact):
		return Access{Allowed: true, Relation: RelCareContact}
	case f.Student.Coordinator && u.HasRole(RoleCoordinator):
		return Access{Allowed: true, Relation: RelCoordinator}
	case f.TeamKind == TeamIntern && f.Student.Mentor && u.HasRole(RoleMentor):
		return Access{Allowed: true, Relation: RelMentor}
	}
	return Access{Relation: RelNone}
}

// SubmitState is the state a submission by someone with relation rel leads
// to: an intern-zorgteam referral submitted by the care contact or the
// coordinator is preselected by that act.
func SubmitState(kind TeamKind, rel Relation) ReferralState {
	if kind == TeamIntern && (rel == RelCareContact || rel == RelCoordinator) {
		return RefPreselected
	}
	return RefSubmitted
}

// CanDecide decides whether u may take decision d on a referral: the care
// contact of the student preselects (or returns) a mentor's referral to the
// intern zorgteam; the chair of the addressed team accepts, returns or
// redirects a ZAT referral once submitted and an intern one once
// preselected.
func CanDecide(u User, f ReferralFacts, d Decision) Access {
	if !f.Exists || u.Disabled || !slices.Contains(Decisions, d) {
		return Access{Relation: RelNone}
	}
	chair := f.TeamChair && (u.HasRole(RoleCoordinator) || u.HasRole(RoleCareContact))
	careContact := f.Student.CareContact && u.HasRole(RoleCareContact)
	switch {
	case f.TeamKind == TeamIntern && f.State == RefSubmitted:
		if careContact && (d == DecidePreselect || d == DecideReturn) {
			return Access{Allowed: true, Relation: RelCareContact}
		}
	case f.TeamKind == TeamIntern && f.State == RefPreselected, f.TeamKind == TeamZAT && f.State == RefSubmitted:
		if chair && d != DecidePreselect {
			return Access{Allowed: true, Relation: RelCoordinator}
		}
	}
	return Access{Relation: RelNone}
}

// CanDecideOn decides whether u may ask for decision d on a referral. A
// decision the form did not say (d is "") is judged by whether u may take
// any decision at all: a user who may decide gets the form back with its
// error, anyone else a denial.
func CanDecideOn(u User, f ReferralFacts, d Decision) Access {
	if d != "" {
		return CanDecide(u, f, d)
	}
	for _, x := range Decisions {
		if a := CanDecide(u, f, x); a.Allowed {
			return a
		}
	}
	return Access{Relation: RelNone}
}

// DecisionState is the state decision d leads to.
func DecisionState(d Decision) ReferralState {
	switch d {
	case DecidePreselect:
		return RefPreselected
	case DecideAccept:
		return RefAccepted
	case DecideReturn:
		return RefReturned
	}
	return RefRedirected
}
