package casus

import "slices"

// Role is what a user does in Casus. A user can hold several roles.
type Role string

// Roles.
const (
	RoleAdmin       Role = "beheerder"       // functional administrator: organisations, teams, users; no case content
	RoleCoordinator Role = "zorgcoordinator" // chairs the care teams, plans, triages
	RoleCareContact Role = "taakdocent"      // taakdocent zorg (mbo) or IB'er (po): care contact of a team of teachers
	RoleMentor      Role = "mentor"          // the student's own mentor, loopbaanbegeleider or teacher
	RoleSpecialist  Role = "specialist"      // internal specialist: orthopedagoog, psycholoog, SMW
	RolePartner     Role = "partner"         // external partner of a care team
	RoleMinutes     Role = "notulist"        // minute taker, administratief medewerker
	RoleManagement  Role = "management"      // steering group: aggregated figures only
	RolePrivacy     Role = "privacy"         // functionaris gegevensbescherming / privacy officer: access logs and exports, no care work
)

// Roles lists every role in display order.
var Roles = []Role{RoleAdmin, RoleCoordinator, RoleCareContact, RoleMentor, RoleSpecialist, RolePartner, RoleMinutes, RoleManagement,
	RolePrivacy}

// Valid reports whether r is a known role.
func (r Role) Valid() bool { return slices.Contains(Roles, r) }

// SeesStudentData reports whether the role can ever see a student's data;
// accounts with such a role need two-factor authentication.
func (r Role) SeesStudentData() bool { return r != RoleAdmin && r != RoleManagement }

// User is a person who logs in to Casus.
type User struct {
	ID           string
	Email        string
	Username     string // optional short login name
	Name         string
	SchoolID     string // set for school staff
	PartnerOrgID string // set for external partners
	OrgName      string // school or partner organisation, for display and the access log
	Discipline   Discipline
	Roles        []Role
	TOTPEnabled  bool
	Demo         bool // a demo account: no two-factor in demo mode
	SessionEpoch int  // raised by "log out everywhere"; sessions of an older epoch end
	Disabled     bool
}

// HasRole reports whether u holds r.
func (u User) HasRole(r Role) bool { return slices.Contains(u.Roles, r) }

// SeesStudentData reports whether any of u's roles can see student data.
func (u User) SeesStudentData() bool {
	for _, r := range u.Roles {
		if r.SeesStudentData() {
			return true
		}
	}
	return false
}

// PrimaryRole is the role recorded in the access log and used for
// navigation: the first of u's roles in the order of Roles.
func (u User) PrimaryRole() Role {
	for _, r := range Roles {
		if u.HasRole(r) {
			return r
		}
	}
	return ""
}
