package demo_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"casus"
	"casus/demo"
	"casus/storage"
	"casus/storage/storagetest"
)

// now is the load date of the tests: fixed, so a failure reproduces.
var now = time.Date(2026, time.September, 15, 9, 30, 0, 0, time.UTC)

// load loads the demo data with a fast fake hash and checks that the hash is
// asked once, for the demo password.
func load(t *testing.T, db *storage.DB, at time.Time) {
	t.Helper()
	calls := 0
	hash := func(pw string) (string, error) {
		calls++
		if pw != demo.Password {
			t.Errorf("hash(%q), want hash(%q)", pw, demo.Password)
		}
		return "x", nil
	}
	if err := demo.Load(context.Background(), db, hash, at); err != nil {
		t.Fatalf("Load: %v", err)
	}
	if calls != 1 {
		t.Errorf("hash called %d times, want 1", calls)
	}
}

func count(t *testing.T, db *storage.DB, q string, args ...any) int {
	t.Helper()
	var n int
	if err := db.SQL().QueryRowContext(context.Background(), q, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return n
}

func studentID(t *testing.T, db *storage.DB, number string) string {
	t.Helper()
	var id string
	if err := db.SQL().QueryRowContext(context.Background(),
		`SELECT CAST(id AS TEXT) FROM students WHERE student_number = $1`, number).Scan(&id); err != nil {
		t.Fatalf("student %s: %v", number, err)
	}
	return id
}

func TestLoad(t *testing.T) {
	storagetest.Run(t, "demo.Load", func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		load(t, db, now)

		if n := count(t, db, `SELECT COUNT(*) FROM students`); n != 200 {
			t.Errorf("%d students, want 200", n)
		}
		if n := count(t, db, `SELECT COUNT(*) FROM students st JOIN schools s ON s.id = st.school_id WHERE s.sector = 'mbo'`); n != 150 {
			t.Errorf("%d mbo students, want 150", n)
		}

		lotte, daan, milan, yara := studentID(t, db, demo.LotteNumber), studentID(t, db, demo.DaanNumber),
			studentID(t, db, demo.CrisisNumber), studentID(t, db, demo.RefusalNumber)

		err := db.View(ctx, func(tx *storage.Tx) error {
			users, err := tx.Users(ctx)
			if err != nil {
				return err
			}
			byName := map[string]casus.User{}
			for _, u := range users {
				if !u.Demo {
					t.Errorf("user %s is no demo account", u.Username)
				}
				byName[u.Username] = u
			}

			t.Run("Accounts", func(t *testing.T) {
				for _, c := range []struct {
					username   string
					role       casus.Role
					discipline casus.Discipline
					partner    bool
				}{
					{demo.UserAdmin, casus.RoleAdmin, casus.DiscAdministrator, false},
					{demo.UserCoordinator, casus.RoleCoordinator, casus.DiscCoordinator, false},
					{demo.UserIB, casus.RoleCareContact, casus.DiscCareContact, false},
					{demo.UserCareContact, casus.RoleCareContact, casus.DiscCareContact, false},
					{demo.UserMentor, casus.RoleMentor, casus.DiscTeacher, false},
					{demo.UserGGD, casus.RolePartner, casus.DiscJGZ, true},
					{demo.UserPolice, casus.RolePartner, casus.DiscPolitie, true},
					{demo.UserManagement, casus.RoleManagement, casus.DiscManagement, false},
				} {
					u, ok := byName[c.username]
					switch {
					case !ok:
						t.Errorf("no user %q", c.username)
					case !slices.Equal(u.Roles, []casus.Role{c.role}):
						t.Errorf("%s has roles %v, want [%s]", c.username, u.Roles, c.role)
					case u.Discipline != c.discipline:
						t.Errorf("%s has discipline %s, want %s", c.username, u.Discipline, c.discipline)
					case c.partner != (u.PartnerOrgID != ""), c.partner == (u.SchoolID != ""):
						t.Errorf("%s: school %q, partner org %q; want partner=%v", c.username, u.SchoolID, u.PartnerOrgID, c.partner)
					case u.Email != c.username+"@"+demo.EmailDomain:
						t.Errorf("%s has e-mail %q", c.username, u.Email)
					}
				}
			})

			t.Run("MentorCandidates", func(t *testing.T) {
				students, rels, err := tx.StudentCandidates(ctx, byName[demo.UserMentor].ID, "", 1000)
				if err != nil {
					t.Fatal(err)
				}
				if len(students) != demo.MentorStudents {
					t.Errorf("mentor has %d candidates, want %d", len(students), demo.MentorStudents)
				}
				var hasLotte bool
				for i, s := range students {
					hasLotte = hasLotte || s.ID == lotte
					if a := casus.CanViewStudent(byName[demo.UserMentor], rels[i]); a.Relation != casus.RelMentor {
						t.Errorf("mentor's relation to %s is %s, want mentor", s.Name(), a.Relation)
					}
					if s.GroupName != "Zorg en welzijn" {
						t.Errorf("mentor's student %s is in %q", s.Name(), s.GroupName)
					}
				}
				if !hasLotte {
					t.Error("Lotte is not among the mentor's students")
				}
			})

			t.Run("Police", func(t *testing.T) {
				police := byName[demo.UserPolice]
				_, rel, err := tx.StudentFor(ctx, police.ID, milan)
				if err != nil {
					t.Fatal(err)
				}
				if a := casus.CanViewStudent(police, rel); !rel.Invited || a.Relation != casus.RelInvited {
					t.Errorf("police to scenario C: %+v, %+v; want invited", rel, a)
				}
				_, rel, err = tx.StudentFor(ctx, police.ID, lotte)
				if err != nil {
					t.Fatal(err)
				}
				if a := casus.CanViewStudent(police, rel); rel.Invited || rel.TeamMember || a.Allowed || a.Relation != casus.RelNone {
					t.Errorf("police to Lotte: %+v, %+v; want none", rel, a)
				}
			})

			t.Run("GGDSeesZATStudents", func(t *testing.T) {
				ggd := byName[demo.UserGGD]
				students, rels, err := tx.StudentCandidates(ctx, ggd.ID, "", 1000)
				if err != nil {
					t.Fatal(err)
				}
				var seen []string
				for i, s := range students {
					if casus.CanViewStudent(ggd, rels[i]).Allowed {
						seen = append(seen, s.ID)
					}
				}
				if len(seen) < 5 || len(seen) > 30 || !slices.Contains(seen, lotte) || !slices.Contains(seen, milan) {
					t.Errorf("ggd sees %d students (Lotte: %v, Milan: %v); want a handful with both",
						len(seen), slices.Contains(seen, lotte), slices.Contains(seen, milan))
				}
			})

			t.Run("Scenarios", func(t *testing.T) {
				for _, c := range []struct {
					id, number, user, group string
					age, guardians          int
					teams                   []string
				}{
					{lotte, demo.LotteNumber, demo.UserCoordinator, "Zorg en welzijn", 17, 2, []string{demo.TeamMBOIntern, demo.TeamMBOZAT}},
					{milan, demo.CrisisNumber, demo.UserCoordinator, "Techniek", 16, 1, []string{demo.TeamMBOZAT}},
					{daan, demo.DaanNumber, demo.UserIB, "Groep 5", 9, 2, []string{demo.TeamPOIntern}},
					{yara, demo.RefusalNumber, demo.UserIB, "Groep 6", 10, 2, []string{demo.TeamPOZAT}},
				} {
					s, _, err := tx.StudentFor(ctx, byName[c.user].ID, c.id)
					if err != nil {
						t.Fatal(err)
					}
					if s.AgeOn(now) != c.age || s.GroupName != c.group {
						t.Errorf("%s: %d years in %q, want %d in %q", c.number, s.AgeOn(now), s.GroupName, c.age, c.group)
					}
					gs, err := tx.Guardians(ctx, c.id)
					if err != nil {
						t.Fatal(err)
					}
					if len(gs) != c.guardians {
						t.Errorf("%s has %d guardians, want %d", c.number, len(gs), c.guardians)
					}
					cases, err := tx.Cases(ctx, c.id)
					if err != nil {
						t.Fatal(err)
					}
					var open []string
					for _, k := range cases {
						if k.Status == casus.CaseOpen {
							open = append(open, k.TeamName)
						}
					}
					slices.Sort(open)
					want := slices.Sorted(slices.Values(c.teams))
					if !slices.Equal(open, want) {
						t.Errorf("%s has open cases at %v, want %v", c.number, open, want)
					}
				}
			})

			t.Run("AgesAndGuardians", func(t *testing.T) {
				for _, c := range []struct {
					user     string
					sector   casus.Sector
					n        int
					min, max int
				}{
					{demo.UserCoordinator, casus.SectorMBO, 150, 16, 20},
					{demo.UserIB, casus.SectorPO, 50, 4, 12},
				} {
					students, _, err := tx.StudentCandidates(ctx, byName[c.user].ID, "", 1000)
					if err != nil {
						t.Fatal(err)
					}
					if len(students) != c.n {
						t.Errorf("%s has %d candidates, want %d", c.user, len(students), c.n)
					}
					for _, s := range students {
						age := s.AgeOn(now)
						if s.Sector != c.sector || age < c.min || age > c.max {
							t.Errorf("%s (%s): %s, %d years", s.Name(), s.StudentNumber, s.Sector, age)
						}
						gs, err := tx.Guardians(ctx, s.ID)
						if err != nil {
							t.Fatal(err)
						}
						if err := checkGuardians(s, age, gs); err != nil {
							t.Errorf("%s (%s, %d): %v", s.Name(), s.StudentNumber, age, err)
						}
					}
				}
			})

			t.Run("MinimumPartners", func(t *testing.T) {
				teams, err := tx.Teams(ctx)
				if err != nil {
					t.Fatal(err)
				}
				missing := map[string][]string{}
				for _, team := range teams {
					members, err := tx.TeamMembers(ctx, team.ID)
					if err != nil {
						t.Fatal(err)
					}
					missing[team.Name] = []string{}
					for _, r := range casus.MissingPartners(team.Kind, members) {
						missing[team.Name] = append(missing[team.Name], r.Key)
					}
				}
				for name, want := range map[string][]string{
					demo.TeamMBOIntern: {},
					demo.TeamMBOZAT:    {},
					demo.TeamPOZAT:     {"team.req.rec"},
				} {
					if got, ok := missing[name]; !ok || !slices.Equal(got, want) {
						t.Errorf("team %q misses %v (exists: %v), want %v", name, got, ok, want)
					}
				}
			})
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}

		t.Run("ErrNotEmpty", func(t *testing.T) {
			hash := func(string) (string, error) {
				t.Error("hash called for a database that is not empty")
				return "x", nil
			}
			if err := demo.Load(ctx, db, hash, now); !errors.Is(err, demo.ErrNotEmpty) {
				t.Errorf("second Load: %v, want ErrNotEmpty", err)
			}
			if n := count(t, db, `SELECT COUNT(*) FROM students`); n != 200 {
				t.Errorf("%d students after the second Load, want 200", n)
			}
		})
	})
}

// checkGuardians checks the guardian rules: in po both parents with parental
// authority; in mbo at least one with authority under 18, none with it from 18.
func checkGuardians(s casus.Student, age int, gs []casus.Guardian) error {
	authority := 0
	for _, g := range gs {
		if g.ParentalAuthority {
			authority++
		}
	}
	switch {
	case s.Sector == casus.SectorPO && (len(gs) != 2 || authority != 2):
		return fmt.Errorf("%d guardians, %d with authority; want 2 and 2", len(gs), authority)
	case s.Sector == casus.SectorMBO && age < 18 && (authority < 1 || authority != len(gs)):
		return fmt.Errorf("%d guardians, %d with authority; want all, at least 1", len(gs), authority)
	case s.Sector == casus.SectorMBO && age >= 18 && (authority != 0 || len(gs) > 1):
		return fmt.Errorf("%d guardians, %d with authority; want at most 1 without", len(gs), authority)
	}
	return nil
}

// TestLoadDeterministic loads twice into fresh databases and compares the
// students: the same data on every run, whatever the storage identifiers.
func TestLoadDeterministic(t *testing.T) {
	dump := func() []string {
		db := storagetest.Open(t, storage.SQLite, nil)
		load(t, db, now)
		rows, err := db.SQL().QueryContext(context.Background(), `SELECT st.student_number, st.first_name, st.last_name,
			st.date_of_birth, g.name, COALESCE(m.username, ''),
			(SELECT COUNT(*) FROM guardians gu WHERE gu.student_id = st.id),
			(SELECT COUNT(*) FROM cases c WHERE c.student_id = st.id)
			FROM students st JOIN groups g ON g.id = st.group_id LEFT JOIN users m ON m.id = st.mentor_id
			ORDER BY st.school_id, st.student_number`)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		var out []string
		for rows.Next() {
			var number, first, last, group, mentor string
			var dob time.Time
			var guardians, cases int
			if err := rows.Scan(&number, &first, &last, &dob, &group, &mentor, &guardians, &cases); err != nil {
				t.Fatal(err)
			}
			out = append(out, fmt.Sprint(number, first, last, dob.Format(time.DateOnly), group, mentor, guardians, cases))
		}
		if err := rows.Err(); err != nil {
			t.Fatal(err)
		}
		return out
	}
	a, b := dump(), dump()
	if len(a) != 200 || !slices.Equal(a, b) {
		t.Errorf("two loads differ (%d and %d students)", len(a), len(b))
	}
}

// TestAges loads on awkward days (leap days, the turn of the year) and checks
// every student's age against the sector's range and the scenario ages.
func TestAges(t *testing.T) {
	for _, at := range []time.Time{
		time.Date(2028, time.February, 29, 12, 0, 0, 0, time.UTC),
		time.Date(2027, time.March, 1, 0, 0, 0, 0, time.UTC),
		time.Date(2026, time.December, 31, 23, 59, 59, 0, time.UTC),
		time.Date(2027, time.January, 1, 0, 0, 0, 0, time.UTC),
	} {
		t.Run(at.Format(time.DateOnly), func(t *testing.T) {
			db := storagetest.Open(t, storage.SQLite, nil)
			load(t, db, at)
			rows, err := db.SQL().QueryContext(context.Background(), `SELECT st.student_number, st.date_of_birth, s.sector
				FROM students st JOIN schools s ON s.id = st.school_id`)
			if err != nil {
				t.Fatal(err)
			}
			defer rows.Close()
			scenario := map[string]int{demo.LotteNumber: 17, demo.DaanNumber: 9, demo.CrisisNumber: 16, demo.RefusalNumber: 10}
			for rows.Next() {
				var s casus.Student
				if err := rows.Scan(&s.StudentNumber, &s.DateOfBirth, &s.Sector); err != nil {
					t.Fatal(err)
				}
				age := s.AgeOn(at)
				want, ok := scenario[s.StudentNumber]
				switch {
				case ok && age != want:
					t.Errorf("scenario student %s is %d, want %d", s.StudentNumber, age, want)
				case s.Sector == casus.SectorMBO && (age < 16 || age > 20),
					s.Sector == casus.SectorPO && (age < 4 || age > 12):
					t.Errorf("%s student %s is %d (born %s)", s.Sector, s.StudentNumber, age, s.DateOfBirth.Format(time.DateOnly))
				}
			}
			if err := rows.Err(); err != nil {
				t.Fatal(err)
			}
		})
	}
}
