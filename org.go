package casus

import "slices"

// Sector is the kind of education a school gives. Terminology, the care
// route and the consent rules follow the sector of the team's school.
type Sector string

// Sectors.
const (
	SectorPO  Sector = "po"  // primary education, children 4–12: parents decide
	SectorVO  Sector = "vo"  // secondary education
	SectorMBO Sector = "mbo" // vocational education, students 16–23: the student usually decides
)

// Valid reports whether s is a known sector.
func (s Sector) Valid() bool { return s == SectorPO || s == SectorVO || s == SectorMBO }

// Board is a school board (schoolbestuur or mbo institution) that runs schools.
type Board struct {
	ID   string
	Name string
}

// School is one school of a board, identified nationally by its BRIN code.
type School struct {
	ID      string
	BoardID string
	Name    string
	Sector  Sector
	BRIN    string
}

// Location is a building of a school.
type Location struct {
	ID       string
	SchoolID string
	Name     string
	City     string
}

// GroupKind tells a programme (mbo opleiding, with its opleidingsteam) from a
// class or group (po/vo).
type GroupKind string

// Group kinds.
const (
	GroupProgramme GroupKind = "programme"
	GroupClass     GroupKind = "class"
)

// Group is a programme, team of teachers or class that students belong to.
type Group struct {
	ID       string
	SchoolID string
	Name     string
	Kind     GroupKind
	Level    string // mbo level 1–4, po group number, vo year
}

// Discipline is the profession or institution a person brings to a care team.
type Discipline string

// Disciplines of SPEC §1: the internal ones first, then the partners.
const (
	DiscCoordinator   Discipline = "zorgcoordinator"
	DiscCareContact   Discipline = "taakdocent" // taakdocent zorg (mbo) or intern begeleider (po)
	DiscTeacher       Discipline = "docent"     // mentor, loopbaanbegeleider, leerkracht
	DiscSpecialist    Discipline = "specialist" // orthopedagoog, psycholoog, senior loopbaanadviseur
	DiscAdministrator Discipline = "administratie"
	DiscManagement    Discipline = "management"
	DiscJGZ           Discipline = "jgz"             // jeugdgezondheidszorg / GGD
	DiscSMW           Discipline = "smw"             // (school)maatschappelijk werk, AMW
	DiscBJZ           Discipline = "bjz"             // Bureau Jeugdzorg, jeugdbescherming
	DiscGGZ           Discipline = "ggz"             // (jeugd-)GGZ
	DiscLeerplicht    Discipline = "leerplicht"      // leerplichtambtenaar, RMC-consulent
	DiscREC           Discipline = "rec"             // REC cluster 4, SBO/SO expertise
	DiscPolitie       Discipline = "politie"         // police, on call
	DiscVerslaving    Discipline = "verslavingszorg" // addiction care
	DiscMEE           Discipline = "mee"             // disability support
	DiscCJG           Discipline = "cjg"             // CJG, wijkteam
	DiscOther         Discipline = "other"
)

// Disciplines lists every discipline in display order.
var Disciplines = []Discipline{
	DiscCoordinator, DiscCareContact, DiscTeacher, DiscSpecialist, DiscAdministrator, DiscManagement,
	DiscJGZ, DiscSMW, DiscBJZ, DiscGGZ, DiscLeerplicht, DiscREC, DiscPolitie, DiscVerslaving, DiscMEE, DiscCJG, DiscOther,
}

// PartnerDisciplines are the disciplines a partner organisation can have.
var PartnerDisciplines = []Discipline{
	DiscJGZ, DiscSMW, DiscBJZ, DiscGGZ, DiscLeerplicht, DiscREC, DiscPolitie, DiscVerslaving, DiscMEE, DiscCJG, DiscOther,
}

// Valid reports whether d is a known discipline.
func (d Discipline) Valid() bool {
	for _, x := range Disciplines {
		if x == d {
			return true
		}
	}
	return false
}

// PartnerOrg is an external organisation that takes part in care teams.
type PartnerOrg struct {
	ID         string
	Name       string
	Discipline Discipline
}

// TeamKind is the kind of care team.
type TeamKind string

// Team kinds.
const (
	TeamIntern TeamKind = "intern" // intern zorgteam: the school's own care team, ante-room of the ZAT
	TeamZAT    TeamKind = "zat"    // zorg- en adviesteam, with external partners
)

// CareTeam is an intern zorgteam or a ZAT, serving one or more schools.
type CareTeam struct {
	ID        string
	Name      string
	Kind      TeamKind
	Rhythm    string // e.g. "every other Tuesday", shown as entered
	SchoolIDs []string
	SendDays  int // working days before a meeting the agenda goes out (Meeting.AgendaDue)
}

// MemberKind tells fixed members from partners invited per case.
type MemberKind string

// Membership kinds.
const (
	MemberFixed  MemberKind = "fixed"
	MemberOnCall MemberKind = "on_call"
)

// TeamMember is a user's membership of a care team.
type TeamMember struct {
	TeamID      string
	User        User
	Kind        MemberKind
	Chair       bool
	MinuteTaker bool
}

// Requirement is one of the minimum partners a team of a kind must have
// (seed 000, chapter 2). Key is an i18n key naming it.
type Requirement struct {
	Key        string
	Chair      bool
	Role       Role
	Discipline Discipline
}

// MinimumPartners lists, per team kind, the partners a team needs at least.
var MinimumPartners = map[TeamKind][]Requirement{
	TeamIntern: {
		{Key: "team.req.chair", Chair: true},
		{Key: "team.req.caretaker", Role: RoleCareContact},
		{Key: "team.req.smw", Discipline: DiscSMW},
		{Key: "team.req.leerplicht", Discipline: DiscLeerplicht},
		{Key: "team.req.jgz", Discipline: DiscJGZ},
		{Key: "team.req.specialist", Role: RoleSpecialist},
	},
	TeamZAT: {
		{Key: "team.req.chair", Chair: true},
		{Key: "team.req.jgz", Discipline: DiscJGZ},
		{Key: "team.req.smw", Discipline: DiscSMW},
		{Key: "team.req.bjz", Discipline: DiscBJZ},
		{Key: "team.req.ggz", Discipline: DiscGGZ},
		{Key: "team.req.leerplicht", Discipline: DiscLeerplicht},
		{Key: "team.req.rec", Discipline: DiscREC},
		{Key: "team.req.politie", Discipline: DiscPolitie},
	},
}

// Satisfied reports whether one of the members meets r.
func (r Requirement) Satisfied(members []TeamMember) bool {
	for _, m := range members {
		switch {
		case r.Chair && m.Chair,
			r.Role != "" && m.User.HasRole(r.Role),
			r.Discipline != "" && m.User.Discipline == r.Discipline:
			return true
		}
	}
	return false
}

// MissingPartners returns the requirements of the team's kind that no member meets.
func MissingPartners(kind TeamKind, members []TeamMember) []Requirement {
	var missing []Requirement
	for _, r := range MinimumPartners[kind] {
		if !r.Satisfied(members) {
			missing = append(missing, r)
		}
	}
	return missing
}

// CanManageTeam decides whether u may change the team's composition: add
// and remove members and partners on call, and name the chair and the
// minute taker. The beheerder may for every team, the chair for their own.
// Nobody changes their own membership (CheckMemberChange): the composition
// decides who sees the team's students.
func CanManageTeam(u User, members []TeamMember) bool {
	if u.Disabled {
		return false
	}
	return u.HasRole(RoleAdmin) || CanPlanMeetings(u, members)
}

// MemberRoles are the roles whose holders can sit on a care team.
var MemberRoles = []Role{RoleCoordinator, RoleCareContact, RoleSpecialist, RolePartner, RoleMinutes}

// CanBeMember reports whether u can be made a member of a team: an active
// account with one of MemberRoles.
func CanBeMember(u User) bool {
	return !u.Disabled && slices.ContainsFunc(u.Roles, func(r Role) bool { return slices.Contains(MemberRoles, r) })
}

// CheckMemberChange checks a change of m's membership by u against the
// rules every team keeps: nobody changes their own membership, and a chair
// is a fixed member. The error is a ValidationErrors in the user's language.
func CheckMemberChange(u User, m TeamMember) error {
	switch {
	case m.User.ID == u.ID:
		return ValidationErrors{FieldError("user", "teamadmin.not_yourself", nil)}
	case m.Chair && m.Kind != MemberFixed:
		return ValidationErrors{FieldError("chair", "teamadmin.chair_fixed", nil)}
	}
	return nil
}
