package app

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"casus"
	"casus/importer"
	"casus/storage"
)

// ImportInput is a student system's export to import into one school.
type ImportInput struct {
	BRIN    string // the school's BRIN code
	File    []byte
	Preset  string           // importer.Presets, or empty
	Mapping importer.Mapping // the school's own column names
	// DryRun only reports what the import would do.
	DryRun bool
	// AcceptValid imports the valid rows of a file with problems; without
	// it a file with any problem writes nothing.
	AcceptValid bool
	// SaveMapping keeps Mapping as the school's own, used by its later
	// imports that name no mapping; it is saved with a written import.
	SaveMapping bool
}

// ImportReport is what an import found and did.
type ImportReport struct {
	School casus.School
	Read   importer.Result
	Plan   importer.Plan
	// Written is true when the plan was stored; false for a dry run, a
	// file that cannot be read, and a file with problems not accepted.
	Written bool
	// GroupsCreated and MentorsCreated count the groups and the inactive
	// mentor accounts the import created (or would create).
	GroupsCreated, MentorsCreated int
	// Mapping is the column mapping used: the input's, else the school's
	// saved one; MappingSaved says the input's was saved as the school's.
	Mapping      importer.Mapping
	MappingSaved bool
}

// Problems reports whether the file had any problem.
func (r ImportReport) Problems() bool { return len(r.Read.Problems) > 0 }

// ImportStudents imports a student system's export for the beheerder
// (casus.CanImportStudents): students by student number per school,
// their groups, mentors and guardians, in one transaction; see
// importStudents.
func (s *Service) ImportStudents(ctx context.Context, a Actor, in ImportInput) (ImportReport, error) {
	return s.importStudents(ctx, a, in, casus.CanImportStudents(a.User))
}

// ImportStudentsConsole imports a student system's export from the
// command line (casus import students), whose operator runs the server.
func (s *Service) ImportStudentsConsole(ctx context.Context, c Console, in ImportInput) (ImportReport, error) {
	a := Actor{User: casus.User{Name: "command line (" + c.Command + ")"}, ClientAddr: "local", UserAgent: "command line"}
	return s.importStudents(ctx, a, in, casus.Access{Allowed: true, Relation: casus.RelAdministration})
}

// importStudents reads the file, compares it with the school's stored
// students and, unless it is a dry run or the file has problems not
// accepted, stores the plan: new students, changed fields, guardians added
// or changed (never removed), groups created by name, mentors matched by
// e-mail address or created as inactive accounts, and a leaving date (the
// care day) for students no longer in the file. One access-log entry
// records the import and its counts, written or not; a refusal is logged
// as denied.
func (s *Service) importStudents(ctx context.Context, a Actor, in ImportInput, acc casus.Access) (ImportReport, error) {
	today := s.today(a)
	var rep ImportReport
	err := s.update(ctx, func(tx *storage.Tx) error {
		e := s.entry(a, casus.ActRead, "student import")
		e.ObjectKind = "student_import"
		if !acc.Allowed {
			return deny(e, &casus.Error{Code: casus.EFORBIDDEN, Key: "error.forbidden"})
		}
		school, err := importSchool(ctx, tx, in.BRIN)
		if err != nil {
			return refused(e, acc, err)
		}
		rep.School = school
		e.ObjectID = rep.School.ID
		if rep.Mapping, err = schoolMapping(ctx, tx, rep.School.ID, in.Mapping); err != nil {
			return err
		}
		rep.Read = importer.Read(in.File, importer.Options{Preset: in.Preset, Mapping: rep.Mapping, Today: today})
		if rep.Read.Fatal {
			e.Purpose = importPurpose(rep, in.DryRun)
			return logAccess(ctx, tx, e, acc)
		}
		stored, err := tx.SchoolRoster(ctx, rep.School.ID)
		if err != nil {
			return err
		}
		guardians, err := tx.SchoolGuardians(ctx, rep.School.ID)
		if err != nil {
			return err
		}
		rep.Plan = importer.MakePlan(stored, guardians, rep.Read)
		write := !in.DryRun && !rep.Read.Fatal && (!rep.Problems() || in.AcceptValid)
		ap := applier{ctx: ctx, tx: tx, s: s, a: a, school: rep.School, dry: !write}
		if err := ap.apply(rep.Plan, rep.Read, today); err != nil {
			return err
		}
		rep.GroupsCreated, rep.MentorsCreated, rep.Written = ap.groupsCreated, ap.mentorsCreated, write
		if write && in.SaveMapping && len(in.Mapping) > 0 {
			if err := s.saveMapping(ctx, tx, a, rep.School, in.Mapping); err != nil {
				return err
			}
			rep.MappingSaved = true
		}
		e.Purpose = importPurpose(rep, in.DryRun)
		if write {
			e.Action = casus.ActChange
		}
		return logAccess(ctx, tx, e, acc)
	})
	return rep, err
}

// importSchool finds the school by its BRIN code: one, or a refusal the
// user can act on.
func importSchool(ctx context.Context, tx *storage.Tx, brin string) (casus.School, error) {
	schools, err := tx.SchoolsByBRIN(ctx, strings.TrimSpace(brin))
	switch {
	case err != nil:
		return casus.School{}, err
	case len(schools) == 0:
		return casus.School{}, &casus.Error{Code: casus.EINVALID, Key: "import.school_unknown", Field: "school", Args: map[string]any{"BRIN": brin}}
	case len(schools) > 1:
		return casus.School{}, &casus.Error{Code: casus.EINVALID, Key: "import.school_ambiguous", Field: "school", Args: map[string]any{"BRIN": brin}}
	}
	return schools[0], nil
}

// importPurpose is the access-log line of an import: what it did and its
// counts, never a name.
func importPurpose(rep ImportReport, dryRun bool) string {
	state := "written"
	switch {
	case dryRun:
		state = "dry run"
	case !rep.Written:
		state = "not written: problems in the file"
	}
	added, changed, unchanged, left := rep.Plan.Counts()
	return fmt.Sprintf("student import (%s): %d new, %d changed, %d unchanged, %d left, %d problems, %d new groups, %d new inactive mentor accounts",
		state, added, changed, unchanged, left, len(rep.Read.Problems), rep.GroupsCreated, rep.MentorsCreated)
}

// applier stores a plan; with dry set it only counts the groups and
// mentor accounts it would create.
type applier struct {
	ctx    context.Context
	tx     *storage.Tx
	s      *Service
	a      Actor
	school casus.School
	dry    bool

	groups         map[string]string // lower-case name → id
	mentors        map[string]string // e-mail address → user id
	groupsCreated  int
	mentorsCreated int
}

func (ap *applier) apply(p importer.Plan, res importer.Result, today time.Time) error {
	if err := ap.loadGroupsAndMentors(p, res); err != nil {
		return err
	}
	var students []*casus.Student
	var guardians []*casus.Guardian
	addGuardians := func(studentID string, gs []importer.Guardian) {
		for _, g := range gs {
			guardians = append(guardians, &casus.Guardian{StudentID: studentID, Name: g.Name, Relation: g.Relation,
				ParentalAuthority: g.Authority, Email: g.Email, Phone: g.Phone})
		}
	}
	for _, st := range p.New {
		groupID, err := ap.group(st)
		if err != nil {
			return err
		}
		mentorID, err := ap.mentor(st)
		if err != nil {
			return err
		}
		cs := &casus.Student{ID: casus.NewID(), SchoolID: ap.school.ID, GroupID: groupID, FirstName: st.FirstName,
			LastName: st.LastName, DateOfBirth: st.BirthDate, StudentNumber: st.Number, Level: st.Level, MentorID: mentorID}
		students = append(students, cs)
		addGuardians(cs.ID, st.Guardians)
	}
	if !ap.dry {
		if err := ap.tx.CreateStudents(ap.ctx, students); err != nil {
			return err
		}
	}
	for _, c := range p.Changed {
		if err := ap.change(c, res); err != nil {
			return err
		}
		addGuardians(c.Stored.ID, c.GuardianAdds)
	}
	if ap.dry {
		return nil
	}
	if err := ap.tx.AddGuardians(ap.ctx, guardians); err != nil {
		return err
	}
	left := make([]string, len(p.Left))
	for i, st := range p.Left {
		left[i] = st.ID
	}
	return ap.tx.SetStudentsLeft(ap.ctx, left, today)
}

// change stores one changed student and their changed guardians; dry, it
// only finds (and counts) the groups and mentors the change would create.
func (ap *applier) change(c importer.Changed, res importer.Result) error {
	if c.StudentChanged {
		st := c.Stored
		st.FirstName, st.LastName, st.DateOfBirth, st.LeftAt = c.Student.FirstName, c.Student.LastName, c.Student.BirthDate, nil
		if !strings.EqualFold(st.GroupName, c.Student.Group) {
			id, err := ap.group(c.Student)
			if err != nil {
				return err
			}
			st.GroupID = id
		}
		if res.HasLevel {
			st.Level = c.Student.Level
		}
		if res.HasMentor {
			id, err := ap.mentor(c.Student)
			if err != nil {
				return err
			}
			st.MentorID = id
		}
		if ap.dry {
			return nil
		}
		if err := ap.tx.UpdateRosterStudent(ap.ctx, st); err != nil {
			return err
		}
	}
	if ap.dry {
		return nil
	}
	for _, g := range c.GuardianUpdates {
		if err := ap.tx.UpdateGuardian(ap.ctx, g); err != nil {
			return err
		}
	}
	return nil
}

// loadGroupsAndMentors reads the school's groups and the accounts of the
// mentors the plan names.
func (ap *applier) loadGroupsAndMentors(p importer.Plan, res importer.Result) error {
	groups, err := ap.tx.SchoolGroups(ap.ctx, ap.school.ID)
	if err != nil {
		return err
	}
	ap.groups = map[string]string{}
	for _, g := range groups {
		ap.groups[strings.ToLower(g.Name)] = g.ID
	}
	ap.mentors = map[string]string{}
	if !res.HasMentor {
		return nil
	}
	seen := map[string]bool{}
	var emails []string
	for _, st := range p.New {
		if st.MentorEmail != "" && !seen[st.MentorEmail] {
			seen[st.MentorEmail] = true
			emails = append(emails, st.MentorEmail)
		}
	}
	for _, c := range p.Changed {
		if e := c.Student.MentorEmail; e != "" && !seen[e] {
			seen[e] = true
			emails = append(emails, e)
		}
	}
	ap.mentors, err = ap.tx.UserIDsByEmail(ap.ctx, emails)
	return err
}

// group returns the id of the student's group, created when the school has
// none of that name: a programme at an mbo school, else a class.
func (ap *applier) group(st importer.Student) (string, error) {
	if id, ok := ap.groups[strings.ToLower(st.Group)]; ok {
		return id, nil
	}
	kind := casus.GroupClass
	if ap.school.Sector == casus.SectorMBO {
		kind = casus.GroupProgramme
	}
	g := casus.Group{ID: casus.NewID(), SchoolID: ap.school.ID, Name: st.Group, Kind: kind, Level: st.Level}
	ap.groups[strings.ToLower(st.Group)] = g.ID
	ap.groupsCreated++
	if ap.dry {
		return g.ID, nil
	}
	return g.ID, ap.tx.CreateGroup(ap.ctx, &g)
}

// mentor returns the id of the student's mentor's account: matched by
// e-mail address, else created as an inactive account of the school with
// the mentor role, which the beheerder activates (and which can log in only
// after its owner chose a password through an invitation).
func (ap *applier) mentor(st importer.Student) (string, error) {
	if st.MentorEmail == "" {
		return "", nil
	}
	if id, ok := ap.mentors[st.MentorEmail]; ok {
		return id, nil
	}
	name := st.MentorName
	if name == "" {
		name = st.MentorEmail[:strings.Index(st.MentorEmail, "@")]
	}
	u := casus.User{ID: casus.NewID(), Email: st.MentorEmail, Name: name, SchoolID: ap.school.ID,
		Discipline: casus.DiscTeacher, Roles: []casus.Role{casus.RoleMentor}}
	ap.mentors[st.MentorEmail] = u.ID
	ap.mentorsCreated++
	if ap.dry {
		return u.ID, nil
	}
	if err := ap.tx.CreateUser(ap.ctx, &u, ""); err != nil {
		return "", err
	}
	if err := ap.tx.Deactivate(ap.ctx, u.ID); err != nil {
		return "", err
	}
	e := ap.s.securityEventOn(ap.a, casus.SecAccountCreated, u)
	e.Detail = "roles: mentor; created inactive by the student import"
	return u.ID, ap.tx.LogSecurityEvent(ap.ctx, e)
}

// mappingKey is the setting that holds a school's own column mapping.
func mappingKey(schoolID string) string { return "import.mapping." + schoolID }

// schoolMapping is the mapping given, else the school's saved one.
func schoolMapping(ctx context.Context, tx *storage.Tx, schoolID string, given importer.Mapping) (importer.Mapping, error) {
	if len(given) > 0 {
		return given, nil
	}
	v, err := tx.Setting(ctx, mappingKey(schoolID), "")
	if err != nil || v == "" {
		return nil, err
	}
	var m importer.Mapping
	if err := json.Unmarshal([]byte(v), &m); err != nil {
		return nil, fmt.Errorf("app: saved import mapping: %w", err)
	}
	return m, nil
}

// saveMapping keeps m as the school's column mapping, as a security event
// (a settings change).
func (s *Service) saveMapping(ctx context.Context, tx *storage.Tx, a Actor, school casus.School, m importer.Mapping) error {
	b, err := json.Marshal(m)
	if err != nil {
		return err
	}
	if err := tx.SetSetting(ctx, mappingKey(school.ID), string(b)); err != nil {
		return err
	}
	e := s.securityEventOf(a, casus.SecSettingsChanged)
	e.Detail = "student import column mapping of school " + school.BRIN + ": " + string(b)
	return tx.LogSecurityEvent(ctx, e)
}
