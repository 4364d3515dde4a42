package storage

import "strings"

// Who is related to a student, and how, is written here once, in SQL built
// from Go. The policy (package casus) decides what a relation grants; every
// query that reads relations, or lists the candidates the policy then
// filters, uses these predicates, so a list cannot find other people or
// other students than the facts the policy decides on.
//
// A predicate takes the user as an SQL expression (a parameter such as "$1"
// or a column such as "u.id") and the row it is about by its alias. The
// aliases inside start with rel_, so they never shadow the caller's.

// relation is one way a user relates to a student: the column it is read
// into and the predicate that computes it.
type relation struct {
	column string
	pred   string
}

// studentRelations returns the user's relations to the student row st, in
// the order of casus.StudentRelations (and scanStudentRel).
func studentRelations(user, st string) []relation {
	return []relation{
		{"mentor_rel", mentorOf(user, st)},
		{"care_rel", careContactOf(user, st)},
		{"coord_rel", coordinatorOf(user, st)},
		{"team_rel", `EXISTS (SELECT 1 FROM cases rel_c WHERE rel_c.student_id = ` + st + `.id AND rel_c.status = 'open' AND ` +
			fixedMemberOf(user, "rel_c") + `)`},
		{"invited_rel", `EXISTS (SELECT 1 FROM cases rel_c WHERE rel_c.student_id = ` + st + `.id AND rel_c.status = 'open' AND ` +
			invitedTo(user, "rel_c") + `)`},
		{"action_rel", `EXISTS (SELECT 1 FROM actions rel_ac JOIN cases rel_c ON rel_c.id = rel_ac.case_id
		WHERE rel_ac.student_id = ` + st + `.id AND rel_ac.owner_id = ` + user + ` AND rel_ac.status IN ('open', 'in_progress')
		AND rel_c.status = 'open')`},
	}
}

// relationColumns computes a user's ($1) relations to the student st in one
// pass, as columns named after the relations.
var relationColumns = columns(studentRelations("$1", "st"))

// anyRelation is true when a user ($1) has some relation to the student in
// a row of relationColumns, selected as x.
var anyRelation = func() string {
	var ors []string
	for _, r := range studentRelations("$1", "st") {
		ors = append(ors, "x."+r.column)
	}
	return strings.Join(ors, " OR ")
}()

func columns(rs []relation) string {
	cols := make([]string, len(rs))
	for i, r := range rs {
		cols[i] = r.pred + " AS " + r.column
	}
	return strings.Join(cols, ",\n\t")
}

// mentorOf: the user is the student's mentor.
func mentorOf(user, st string) string { return `COALESCE(` + st + `.mentor_id = ` + user + `, FALSE)` }

// careContactOf: the user is care contact (taakdocent zorg / IB'er) of the
// student's group.
func careContactOf(user, st string) string {
	return `EXISTS (SELECT 1 FROM care_contacts rel_cc WHERE rel_cc.user_id = ` + user + ` AND rel_cc.group_id = ` + st + `.group_id)`
}

// chairedTeams is the FROM and WHERE of the teams the user chairs, one row
// per school they serve (rel_ts.school_id), with the team as rel_ct.
func chairedTeams(user string) string {
	return `team_members rel_tm JOIN care_team_schools rel_ts ON rel_ts.team_id = rel_tm.team_id
		JOIN care_teams rel_ct ON rel_ct.id = rel_tm.team_id WHERE rel_tm.user_id = ` + user + ` AND rel_tm.chair`
}

// schoolWideChair: the chaired team rel_ct relates its chair to every
// student of the schools it serves. That is the intern zorgteam, the
// school's own care structure; the chair of a ZAT, often from outside the
// school, relates only to the students the ZAT has an open case or a
// submitted referral of.
const schoolWideChair = `rel_ct.kind = 'intern'`

// coordinatorOf: the user chairs a care team serving the student's school
// that relates them to the student.
func coordinatorOf(user, st string) string {
	return `EXISTS (SELECT 1 FROM ` + chairedTeams(user) + ` AND rel_ts.school_id = ` + st + `.school_id AND (` + schoolWideChair + `
			OR EXISTS (SELECT 1 FROM cases rel_cz WHERE rel_cz.student_id = ` + st + `.id AND rel_cz.team_id = rel_ct.id AND rel_cz.status = 'open')
			OR EXISTS (SELECT 1 FROM referrals rel_rz WHERE rel_rz.student_id = ` + st + `.id AND rel_rz.team_id = rel_ct.id AND rel_rz.state <> 'draft')))`
}

// fixedMemberOf: the user is a fixed member of the team of row x (a case or
// a referral: anything with a team_id).
func fixedMemberOf(user, x string) string {
	return `EXISTS (SELECT 1 FROM team_members rel_fm WHERE rel_fm.team_id = ` + x + `.team_id AND rel_fm.user_id = ` + user +
		` AND rel_fm.kind = 'fixed')`
}

// chairOf: the user chairs the team of row x.
func chairOf(user, x string) string {
	return `EXISTS (SELECT 1 FROM team_members rel_ch WHERE rel_ch.team_id = ` + x + `.team_id AND rel_ch.user_id = ` + user +
		` AND rel_ch.chair)`
}

// invitedTo: the user is invited for the case c.
func invitedTo(user, c string) string {
	return `EXISTS (SELECT 1 FROM case_invitations rel_ci WHERE rel_ci.case_id = ` + c + `.id AND rel_ci.user_id = ` + user + `)`
}
