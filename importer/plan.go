package importer

import (
	"sort"
	"strconv"
	"strings"
	"time"

	"casus"
)

// Change is one field of a stored student that the import changes; Field
// is a key of the report ("first_name", "guardian_authority", "left", …),
// Guardian the guardian's name for a guardian's field.
type Change struct {
	Field    string
	Guardian string
	Old, New string
}

// Changed is a stored student the file changes.
type Changed struct {
	Stored  casus.Student
	Student Student
	Changes []Change
	// GuardianUpdates are stored guardians with the file's values;
	// GuardianAdds the file's guardians not stored yet.
	GuardianUpdates []casus.Guardian
	GuardianAdds    []Guardian
	// Fields that change, for the storage update.
	StudentChanged bool
}

// Plan is what an import does: the students it adds, those it changes
// (field by field), how many it leaves as they are, and those it records as
// having left school.
type Plan struct {
	New       []Student
	Changed   []Changed
	Unchanged int
	Left      []casus.Student
	// LeftUnknown is true when the file had rows without a readable student
	// number: then no student is recorded as having left.
	LeftUnknown bool
	// ManyLeave is true when more than half of the students enrolled now
	// would leave: the file may be one class's export instead of the
	// school's, and the report warns.
	ManyLeave bool
}

// Counts is the summary of a plan, for the access log and the report.
func (p Plan) Counts() (added, changed, unchanged, left int) {
	return len(p.New), len(p.Changed), p.Unchanged, len(p.Left)
}

// MakePlan compares the file with the school's stored students (all of
// them, those who left too) and their guardians. A student in the file is
// matched by student number; one stored and not in the file, and not yet
// recorded as having left, has left. Fields the file has no column for are
// left alone. Stored guardians are matched by name and never removed: a
// guardian may be named in a consent decision.
func MakePlan(stored []casus.Student, guardians []casus.Guardian, res Result) Plan {
	byNumber := make(map[string]casus.Student, len(stored))
	for _, s := range stored {
		byNumber[s.StudentNumber] = s
	}
	guardiansOf := map[string][]casus.Guardian{}
	for _, g := range guardians {
		guardiansOf[g.StudentID] = append(guardiansOf[g.StudentID], g)
	}
	var p Plan
	for _, st := range res.Students {
		old, ok := byNumber[st.Number]
		if !ok {
			p.New = append(p.New, st)
			continue
		}
		c := compare(old, st, res)
		if res.HasGuardians {
			compareGuardians(&c, guardiansOf[old.ID], st.Guardians)
		}
		if len(c.Changes) == 0 {
			p.Unchanged++
			continue
		}
		p.Changed = append(p.Changed, c)
	}
	if !res.NumbersComplete {
		p.LeftUnknown = true
		return p
	}
	enrolled := 0
	for _, s := range stored {
		if s.LeftAt == nil {
			enrolled++
			if !res.Numbers[s.StudentNumber] {
				p.Left = append(p.Left, s)
			}
		}
	}
	p.ManyLeave = len(p.Left)*2 > enrolled
	sort.Slice(p.Left, func(i, j int) bool { return p.Left[i].StudentNumber < p.Left[j].StudentNumber })
	return p
}

func compare(old casus.Student, st Student, res Result) Changed {
	c := Changed{Stored: old, Student: st}
	diff := func(field, was, is string) {
		if was != is {
			c.Changes = append(c.Changes, Change{Field: field, Old: was, New: is})
			c.StudentChanged = true
		}
	}
	diff("first_name", old.FirstName, st.FirstName)
	diff("last_name", old.LastName, st.LastName)
	diff("birth_date", day(old.DateOfBirth), day(st.BirthDate))
	if !strings.EqualFold(old.GroupName, st.Group) {
		diff("group", old.GroupName, st.Group)
	}
	if res.HasLevel {
		diff("level", old.Level, st.Level)
	}
	if res.HasMentor {
		diff("mentor", strings.ToLower(old.MentorEmail), st.MentorEmail)
	}
	if old.LeftAt != nil {
		diff("left", day(*old.LeftAt), "")
	}
	return c
}

func compareGuardians(c *Changed, stored []casus.Guardian, file []Guardian) {
	byName := map[string]casus.Guardian{}
	for _, g := range stored {
		byName[strings.ToLower(g.Name)] = g
	}
	for _, g := range file {
		old, ok := byName[strings.ToLower(g.Name)]
		if !ok {
			c.GuardianAdds = append(c.GuardianAdds, g)
			c.Changes = append(c.Changes, Change{Field: "guardian_added", Guardian: g.Name, New: g.Name})
			continue
		}
		changed := false
		diff := func(field, was, is string) {
			if was != is {
				c.Changes = append(c.Changes, Change{Field: field, Guardian: g.Name, Old: was, New: is})
				changed = true
			}
		}
		diff("guardian_relation", old.Relation, g.Relation)
		diff("guardian_authority", yesNo(old.ParentalAuthority), yesNo(g.Authority))
		diff("guardian_email", old.Email, g.Email)
		diff("guardian_phone", old.Phone, g.Phone)
		if changed {
			old.Relation, old.ParentalAuthority, old.Email, old.Phone = g.Relation, g.Authority, g.Email, g.Phone
			c.GuardianUpdates = append(c.GuardianUpdates, old)
		}
	}
}

func yesNo(b bool) string { return strconv.FormatBool(b) }

func day(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Format("2006-01-02")
}
