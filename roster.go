package casus

// RelAdministration is the relation of whoever keeps the school's student
// administration in step with Casus: the beheerder importing the export of
// the student system (leerlingadministratiesysteem), or the operator at
// the command line.
const RelAdministration Relation = "administration"

// CanImportStudents decides whether u may import the student system's
// export: the beheerder, who keeps the school's organisation in Casus. The
// import reads and writes the students' basic data (names, birth dates,
// groups, mentors, guardians), not their care files, so no care relation
// is asked; the import and its counts are in the access log.
func CanImportStudents(u User) Access {
	if !CanAdminister(u) {
		return Access{Relation: RelNone}
	}
	return Access{Allowed: true, Relation: RelAdministration}
}
