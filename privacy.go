package casus

import (
	"slices"
	"sort"
	"time"
)

// RelPrivacyOfficer is the relation through which the privacy officer
// (functionaris gegevensbescherming) of the student's school reads the
// access log and runs the export. It grants no other view of care data.
const RelPrivacyOfficer Relation = "privacy_officer"

// CanReadAccessLog decides whether u may read the access log of a student
// of school studentSchool and run the student's export (AVG art. 15): the
// zorgcoördinator of a team serving the student's school, and the privacy
// officer of that school.
func CanReadAccessLog(u User, rel StudentRelations, studentSchool string) Access {
	if !rel.Exists || u.Disabled {
		return Access{Relation: RelNone}
	}
	if rel.Coordinator && u.HasRole(RoleCoordinator) {
		return Access{Allowed: true, Relation: RelCoordinator}
	}
	if u.HasRole(RolePrivacy) && u.SchoolID != "" && u.SchoolID == studentSchool {
		return Access{Allowed: true, Relation: RelPrivacyOfficer}
	}
	return Access{Relation: RelNone}
}

// ReadsAccessLogs reports whether u's roles may read access logs at all
// (within the schools they serve): the log overview and per-user views.
func ReadsAccessLogs(u User) bool {
	return !u.Disabled && (u.HasRole(RoleCoordinator) || u.HasRole(RolePrivacy))
}

// OnlyPrivacy reports whether the privacy officer role is all u does: such
// an account does no care work (no student list, no tasks).
func OnlyPrivacy(u User) bool {
	for _, r := range u.Roles {
		if r != RolePrivacy {
			return false
		}
	}
	return len(u.Roles) > 0
}

// AnomalyKind names a pattern in the access log worth a second look.
type AnomalyKind string

// Anomaly kinds.
const (
	// AnomalyManyStudents: one account opened many students in one day
	// through a school-wide relation (zorgcoördinator, taakdocent) rather
	// than through a case they work on.
	AnomalyManyStudents AnomalyKind = "many_students"
	// AnomalyOffHours: access outside working hours (weekdays 07:00–19:00,
	// Amsterdam time).
	AnomalyOffHours AnomalyKind = "off_hours"
	// AnomalyDenied: attempts the policy refused.
	AnomalyDenied AnomalyKind = "denied"
)

// ManyStudentsPerDay is the number of distinct students one account may
// open in a day through a school-wide relation before it is flagged.
const ManyStudentsPerDay = 15

// Anomaly is one hint: an account, a kind, how many entries and students,
// and the period they span.
type Anomaly struct {
	Kind     AnomalyKind
	UserID   string
	UserName string
	Role     Role
	Entries  int
	Students int
	First    time.Time
	Last     time.Time
}

// WorkingHours reports whether t falls on a weekday between 07:00 and 19:00
// Amsterdam time.
func WorkingHours(t time.Time) bool {
	l := t.In(Amsterdam)
	if l.Weekday() == time.Saturday || l.Weekday() == time.Sunday {
		return false
	}
	return l.Hour() >= 7 && l.Hour() < 19
}

// AccessAnomalies finds the hints in a set of entries: per account, denied
// attempts, access outside working hours, and days on which it opened more
// than ManyStudentsPerDay students through a school-wide relation. The
// result is ordered by kind, then by number of entries, most first.
func AccessAnomalies(es []AccessEntry) []Anomaly {
	type key struct {
		kind AnomalyKind
		user string
		day  string // only for many_students
	}
	found := map[key]*Anomaly{}
	students := map[key]map[string]bool{}
	add := func(k key, e AccessEntry) {
		a := found[k]
		if a == nil {
			a = &Anomaly{Kind: k.kind, UserID: e.UserID, UserName: e.UserName, Role: e.Role, First: e.At, Last: e.At}
			found[k], students[k] = a, map[string]bool{}
		}
		a.Entries++
		if e.StudentID != "" {
			students[k][e.StudentID] = true
		}
		a.Students = len(students[k])
		if e.At.Before(a.First) {
			a.First = e.At
		}
		if e.At.After(a.Last) {
			a.Last = e.At
		}
	}
	for _, e := range es {
		if e.Outcome == OutcomeDenied {
			add(key{kind: AnomalyDenied, user: e.UserID}, e)
			continue
		}
		if !WorkingHours(e.At) {
			add(key{kind: AnomalyOffHours, user: e.UserID}, e)
		}
		if e.Action == ActRead && e.StudentID != "" && (e.Relation == RelCoordinator || e.Relation == RelCareContact) {
			add(key{kind: AnomalyManyStudents, user: e.UserID, day: e.At.In(Amsterdam).Format(time.DateOnly)}, e)
		}
	}
	var out []Anomaly
	for k, a := range found {
		if k.kind == AnomalyManyStudents && a.Students <= ManyStudentsPerDay {
			continue
		}
		out = append(out, *a)
	}
	order := []AnomalyKind{AnomalyManyStudents, AnomalyOffHours, AnomalyDenied}
	sort.Slice(out, func(i, j int) bool {
		ki, kj := slices.Index(order, out[i].Kind), slices.Index(order, out[j].Kind)
		if ki != kj {
			return ki < kj
		}
		if out[i].Entries != out[j].Entries {
			return out[i].Entries > out[j].Entries
		}
		return out[i].UserID < out[j].UserID
	})
	return out
}

// AccessLogScope is the reach of u's access-log views: the school of which
// they are the privacy officer, whether the schools served by the intern
// zorgteams they chair count too (a ZAT chair from outside the school
// relates to the students of its cases, not to all of them), and the
// relation the views are logged under.
type AccessLogScope struct {
	OwnSchool    string // the privacy officer's school; empty when none
	ChairedTeams bool   // the schools of the intern teams u chairs
	Relation     Relation
}

// AccessLogScopeOf decides the reach of u's access-log views (see
// ReadsAccessLogs for whether u reads them at all): the privacy officer
// reads their own school's, the zorgcoördinator those of the schools their
// intern teams serve, and is logged as coordinator when they are one.
func AccessLogScopeOf(u User) AccessLogScope {
	sc := AccessLogScope{Relation: RelPrivacyOfficer}
	if u.HasRole(RolePrivacy) {
		sc.OwnSchool = u.SchoolID
	}
	if u.HasRole(RoleCoordinator) {
		sc.ChairedTeams, sc.Relation = true, RelCoordinator
	}
	return sc
}
