package casus

import "slices"

// Relation is what ties a user to a student or case, and so grants access
// under need to know. The access log records the relation that granted each
// access, or RelNone for a denial.
type Relation string

// Relations, from closest to most distant.
const (
	RelMentor      Relation = "mentor"       // the student's own mentor
	RelCareContact Relation = "care_contact" // taakdocent zorg / IB'er of the student's group
	RelCoordinator Relation = "coordinator"  // chairs a care team serving the student's school
	RelTeamMember  Relation = "team_member"  // fixed member of a team handling an open case
	RelInvited     Relation = "invited"      // partner invited for the student's case
	RelActionOwner Relation = "action_owner" // owns an action in the student's plan
	RelNone        Relation = "none"         // no relation: access denied
)

// StudentRelations is what storage found about one user and one student. The
// policy decides from it; storage never decides.
type StudentRelations struct {
	Exists      bool // the student exists
	Mentor      bool
	CareContact bool
	Coordinator bool // chairs a care team serving the student's school
	TeamMember  bool // fixed member of a team with an open case of the student
	Invited     bool
	ActionOwner bool
}

// Access is the outcome of a policy decision.
type Access struct {
	Allowed  bool
	Relation Relation
}

// CanViewStudent decides whether u may open the student's page (basic data
// and the care data their relation shows). Management and beheerder see no
// student's care data whatever their relations; partners see a student only
// through a case they handle or are invited for.
func CanViewStudent(u User, rel StudentRelations) Access {
	if !rel.Exists || u.Disabled {
		return Access{Relation: RelNone}
	}
	grant := func(ok bool, roles []Role, r Relation) (Access, bool) {
		if !ok {
			return Access{}, false
		}
		for _, role := range roles {
			if u.HasRole(role) {
				return Access{Allowed: true, Relation: r}, true
			}
		}
		return Access{}, false
	}
	steps := []struct {
		ok    bool
		roles []Role
		rel   Relation
	}{
		{rel.Coordinator, []Role{RoleCoordinator}, RelCoordinator},
		{rel.CareContact, []Role{RoleCareContact}, RelCareContact},
		{rel.Mentor, []Role{RoleMentor}, RelMentor},
		{rel.TeamMember, teamMemberRoles, RelTeamMember},
		{rel.Invited, teamMemberRoles, RelInvited},
		{rel.ActionOwner, []Role{RoleCareContact, RoleSpecialist, RolePartner, RoleMentor}, RelActionOwner},
	}
	for _, s := range steps {
		if a, ok := grant(s.ok, s.roles, s.rel); ok {
			return a
		}
	}
	return Access{Relation: RelNone}
}

// StudentView says which parts of a student's page a relation shows.
type StudentView struct {
	Guardians bool // contact details of parents and guardians
	Cases     bool // the care teams handling the student
	Agenda    bool // coming meetings the student is on the agenda of, and why
}

// ViewFor returns what the relation shows on the student page. A mentor sees
// guardians (they talk with parents) but not the care teams' cases; partners
// see the cases but not guardians' contact details, which they get through
// the coordinator.
func ViewFor(r Relation) StudentView {
	switch r {
	case RelCoordinator, RelCareContact:
		return StudentView{Guardians: true, Cases: true, Agenda: true}
	case RelMentor:
		return StudentView{Guardians: true}
	case RelTeamMember, RelInvited:
		return StudentView{Cases: true}
	}
	return StudentView{}
}

// FiguresReach says whose figures a user may see.
type FiguresReach int

// Reaches, from none to widest.
const (
	ReachNone    FiguresReach = iota // no figures
	ReachChaired                     // the teams the user chairs
	ReachSteer                       // every team serving the user's school, or the whole installation without one
)

// CanSeeFigures decides whose steering figures u may see: management (the
// steering group) sees every team serving its school, or the whole
// installation when it belongs to none; a zorgcoördinator sees the teams they
// chair; nobody else sees figures. Figures name no student.
func CanSeeFigures(u User) FiguresReach {
	switch {
	case u.Disabled:
		return ReachNone
	case u.HasRole(RoleManagement):
		return ReachSteer
	case u.HasRole(RoleCoordinator):
		return ReachChaired
	}
	return ReachNone
}

// CanAdminister reports whether u may manage users and settings.
func CanAdminister(u User) bool { return u.HasRole(RoleAdmin) && !u.Disabled }

// CanReadSecurityEvents reports whether u may read the security-event log:
// the privacy officer, who oversees the beheerder. The beheerder, whose own
// actions the log records, may not; neither may care staff, who have no need.
// The log names staff and settings, never a student.
func CanReadSecurityEvents(u User) bool { return u.HasRole(RolePrivacy) && !u.Disabled }

// CanRecordCrisis decides whether u may record a crisis or help started
// outside the meetings for the student: the zorgcoördinator of a team
// serving the student's school, or the student's care contact (taakdocent
// zorg / IB'er), who are the ones called when it happens.
func CanRecordCrisis(u User, rel StudentRelations) Access { return coordinatorOrCareContact(u, rel) }

// coordinatorOrCareContact grants the zorgcoördinator of a team serving the
// student's school and the student's care contact.
func coordinatorOrCareContact(u User, rel StudentRelations) Access {
	a := CanViewStudent(u, rel)
	if a.Allowed && (a.Relation == RelCoordinator || a.Relation == RelCareContact) {
		return a
	}
	return Access{Relation: RelNone}
}

// ViewingRelations says which relations, each on its own, let u open a
// student's page under CanViewStudent: the relations a list of u's students
// may select on, so that its count and pages agree with the policy. It asks
// the policy itself, relation by relation.
func ViewingRelations(u User) StudentRelations {
	one := func(set func(*StudentRelations)) bool {
		rel := StudentRelations{Exists: true}
		set(&rel)
		return CanViewStudent(u, rel).Allowed
	}
	return StudentRelations{Exists: true,
		Mentor:      one(func(r *StudentRelations) { r.Mentor = true }),
		CareContact: one(func(r *StudentRelations) { r.CareContact = true }),
		Coordinator: one(func(r *StudentRelations) { r.Coordinator = true }),
		TeamMember:  one(func(r *StudentRelations) { r.TeamMember = true }),
		Invited:     one(func(r *StudentRelations) { r.Invited = true }),
		ActionOwner: one(func(r *StudentRelations) { r.ActionOwner = true }),
	}
}

// WatchesRequestTerms reports whether u is shown the terms of the access
// and rectification requests of their school on the start page: the
// privacy officer.
func WatchesRequestTerms(u User) bool { return u.HasRole(RolePrivacy) && !u.Disabled }

// ChairsTeams reports whether u's role is the one that chairs care teams
// (the zorgcoördinator): the team-wide action overview is offered to them.
func ChairsTeams(u User) bool { return u.HasRole(RoleCoordinator) && !u.Disabled }

// IsPartner reports whether u works for an external partner (youth health
// care, social work, …): someone whose sight of a student rests on consent
// or a documented exception, not on the school's own team.
func IsPartner(u User) bool { return u.HasRole(RolePartner) }

// ViewsStudents reports whether CanViewStudent can grant u any student: the
// student list and the task list are theirs to open. A privacy officer,
// management or the beheerder, whatever else they are, never is shown a
// student this way.
func ViewsStudents(u User) bool {
	if u.Disabled {
		return false
	}
	for _, roles := range careRoles {
		if slices.ContainsFunc(roles, u.HasRole) {
			return true
		}
	}
	return false
}

// teamMemberRoles are the roles in which a fixed or invited member of a
// care team sees the student of a case and an accepted referral: not a
// mentor's, the privacy officer's or management's.
var teamMemberRoles = []Role{RoleCoordinator, RoleCareContact, RoleSpecialist, RolePartner, RoleMinutes}

// hasAnyRole reports whether u has one of roles.
func hasAnyRole(u User, roles []Role) bool {
	for _, r := range roles {
		if u.HasRole(r) {
			return true
		}
	}
	return false
}
