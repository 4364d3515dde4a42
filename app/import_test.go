package app

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"casus"
	"casus/importer"
	"casus/storage"
	"casus/storage/storagetest"
)

// importDay is the test clock's day: a Monday in term.
var importDay = time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)

// importEnv is a store with one primary school (BRIN 12AB) and one mentor's
// account, and no students.
type importEnv struct {
	t      testing.TB
	db     *storage.DB
	app    *Service
	school casus.School
	mentor casus.User
	admin  Actor
}

func startImport(t testing.TB, engine string) *importEnv {
	t.Helper()
	clock := storagetest.NewClock(importDay)
	db := storagetest.Open(t, engine, clock.Now)
	e := &importEnv{t: t, db: db, app: New(db)}
	e.addSchool("12AB")
	e.mentor = casus.User{Email: "j.jansen@wilgenhoek.example", Name: "Jan Jansen", SchoolID: e.school.ID,
		Discipline: casus.DiscTeacher, Roles: []casus.Role{casus.RoleMentor}}
	admin := casus.User{Email: "beheer@wilgenhoek.example", Name: "Bea Beheer", SchoolID: e.school.ID,
		Discipline: casus.DiscAdministrator, Roles: []casus.Role{casus.RoleAdmin}}
	if err := db.Update(context.Background(), func(tx *storage.Tx) error {
		if err := tx.CreateUser(context.Background(), &e.mentor, ""); err != nil {
			return err
		}
		return tx.CreateUser(context.Background(), &admin, "")
	}); err != nil {
		t.Fatal(err)
	}
	e.admin = Actor{User: admin, RequestID: "test", ClientAddr: "192.0.2.1", UserAgent: "test"}
	return e
}

// addSchool adds a primary school with the BRIN code and makes it the
// school the env imports into.
func (e *importEnv) addSchool(brin string) {
	e.t.Helper()
	if err := e.db.Update(context.Background(), func(tx *storage.Tx) error {
		b := casus.Board{Name: "Stichting " + brin}
		if err := tx.CreateBoard(context.Background(), &b); err != nil {
			return err
		}
		e.school = casus.School{BoardID: b.ID, Name: "Kindcentrum " + brin, Sector: casus.SectorPO, BRIN: brin}
		return tx.CreateSchool(context.Background(), &e.school)
	}); err != nil {
		e.t.Fatal(err)
	}
}

func (e *importEnv) count(q string, args ...any) int {
	e.t.Helper()
	var n int
	if err := e.db.ReadSQL().QueryRow(q, args...).Scan(&n); err != nil {
		e.t.Fatalf("count: %v", err)
	}
	return n
}

func (e *importEnv) run(file string, in ImportInput) ImportReport {
	e.t.Helper()
	in.BRIN, in.File = e.school.BRIN, []byte(file)
	rep, err := e.app.ImportStudentsConsole(context.Background(), Console{Command: "casus import students"}, in)
	if err != nil {
		e.t.Fatalf("import: %v", err)
	}
	return rep
}

// state counts what an import writes, to show that a refused one wrote
// nothing.
func (e *importEnv) state() string {
	return fmt.Sprintf("students %d, left %d, guardians %d, groups %d, users %d, security events %d",
		e.count(`SELECT COUNT(*) FROM students`), e.count(`SELECT COUNT(*) FROM students WHERE left_at IS NOT NULL`),
		e.count(`SELECT COUNT(*) FROM guardians`), e.count(`SELECT COUNT(*) FROM groups`), e.count(`SELECT COUNT(*) FROM users`),
		e.count(`SELECT COUNT(*) FROM security_events`))
}

const importHeader = "Leerlingnummer;Roepnaam;Tussenvoegsel;Achternaam;Geboortedatum;Groep;Leerjaar;E-mail mentor;Naam mentor;" +
	"Ouder1 naam;Ouder1 relatie;Ouder1 gezag;Ouder1 email;Ouder1 telefoon;Ouder2 naam;Ouder2 relatie;Ouder2 gezag;Ouder2 email;Ouder2 telefoon\n"

const importFile = importHeader +
	"1001;Sanne;de;Vries;03-04-2017;Groep 4;4;J.Jansen@wilgenhoek.example;Jan Jansen;Petra de Vries;moeder;ja;petra@example.nl;0612345678;Kees de Vries;vader;nee;;\n" +
	"1002;Bram;;Bos;4-5-18;Groep 3;3;n.nieuw@wilgenhoek.example;Nina Nieuw;Anna Bos;voogd;ja;;;;;;;\n" +
	"1003;Ayla;;Yilmaz;2016-09-30;Groep 4;4;;;;;;;;;;;;\n"

// TestImportStudents: a first import adds the students with their groups,
// mentors (matched by e-mail address, or created inactive) and guardians;
// the same file again changes nothing; a changed file changes field by
// field, and a student no longer in it gets a leaving date; back in the
// file, the leaving date goes. Each import is one access-log entry with
// its counts.
func TestImportStudents(t *testing.T) {
	for _, engine := range storagetest.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			e := startImport(t, engine)
			dry := e.run(importFile, ImportInput{DryRun: true})
			if n, c, u, l := dry.Plan.Counts(); n != 3 || c != 0 || u != 0 || l != 0 || dry.Written {
				t.Fatalf("dry run: %d new, %d changed, %d unchanged, %d left, written %v", n, c, u, l, dry.Written)
			}
			if dry.GroupsCreated != 2 || dry.MentorsCreated != 1 {
				t.Errorf("dry run would create %d groups and %d mentors, want 2 and 1", dry.GroupsCreated, dry.MentorsCreated)
			}
			if got := e.count(`SELECT COUNT(*) FROM students`); got != 0 {
				t.Fatalf("a dry run wrote %d students", got)
			}
			first := e.run(importFile, ImportInput{})
			if !first.Written || len(first.Plan.New) != 3 {
				t.Fatalf("first import: written %v, %d new", first.Written, len(first.Plan.New))
			}
			if got := e.count(`SELECT COUNT(*) FROM students WHERE school_id = $1 AND left_at IS NULL`, e.school.ID); got != 3 {
				t.Errorf("%d students stored, want 3", got)
			}
			if got := e.count(`SELECT COUNT(*) FROM students WHERE student_number = '1001' AND last_name = 'de Vries'
				AND mentor_id = $1`, e.mentor.ID); got != 1 {
				t.Error("Sanne not stored with 'de Vries' and her mentor matched by e-mail address (case ignored)")
			}
			if got := e.count(`SELECT COUNT(*) FROM users WHERE email = 'n.nieuw@wilgenhoek.example' AND name = 'Nina Nieuw'
				AND disabled = $1 AND password_hash = ''`, true); got != 1 {
				t.Error("the unknown mentor was not created as an inactive account without a password")
			}
			if got := e.count(`SELECT COUNT(*) FROM guardians WHERE parental_authority = $1`, true); got != 2 {
				t.Errorf("%d guardians with parental authority, want 2 (Petra de Vries, Anna Bos)", got)
			}
			if got := e.count(`SELECT COUNT(*) FROM guardians WHERE name = 'Kees de Vries' AND parental_authority = $1`, false); got != 1 {
				t.Error("Kees de Vries not stored without parental authority")
			}
			if got := e.count(`SELECT COUNT(*) FROM students WHERE student_number = '1002' AND date_of_birth = $1`,
				time.Date(2018, 5, 4, 0, 0, 0, 0, time.UTC)); got != 1 {
				t.Error("4-5-18 not stored as 4 May 2018")
			}
			again := e.run(importFile, ImportInput{})
			if n, c, u, l := again.Plan.Counts(); n != 0 || c != 0 || u != 3 || l != 0 {
				t.Errorf("second run: %d new, %d changed, %d unchanged, %d left; want 0, 0, 3, 0", n, c, u, l)
			}

			// Bram leaves the file; Sanne moves group and her father gains
			// parental authority; Ayla's last name is corrected.
			changed := importHeader +
				"1001;Sanne;de;Vries;03-04-2017;Groep 5;4;j.jansen@wilgenhoek.example;Jan Jansen;Petra de Vries;moeder;ja;petra@example.nl;0612345678;Kees de Vries;vader;ja;;\n" +
				"1003;Ayla;;Yılmaz;2016-09-30;Groep 4;4;;;;;;;;;;;;\n"
			rep := e.run(changed, ImportInput{})
			if n, c, u, l := rep.Plan.Counts(); n != 0 || c != 2 || u != 0 || l != 1 {
				t.Fatalf("changed file: %d new, %d changed, %d unchanged, %d left; want 0, 2, 0, 1", n, c, u, l)
			}
			var fields []string
			for _, c := range rep.Plan.Changed {
				for _, ch := range c.Changes {
					fields = append(fields, c.Stored.StudentNumber+" "+ch.Field+" "+ch.Old+"→"+ch.New)
				}
			}
			want := "1001 group Groep 4→Groep 5|1001 guardian_authority false→true|1003 last_name Yilmaz→Yılmaz"
			if got := strings.Join(fields, "|"); got != want {
				t.Errorf("changes = %s\nwant %s", got, want)
			}
			if got := e.count(`SELECT COUNT(*) FROM students WHERE student_number = '1002' AND left_at = $1`, casus.CareDay(importDay)); got != 1 {
				t.Error("Bram, no longer in the file, has no leaving date of today")
			}
			if got := e.count(`SELECT COUNT(*) FROM guardians WHERE name = 'Kees de Vries' AND parental_authority = $1`, true); got != 1 {
				t.Error("Kees de Vries's parental authority not updated")
			}
			back := e.run(importFile, ImportInput{DryRun: true})
			var leftChange bool
			for _, c := range back.Plan.Changed {
				for _, ch := range c.Changes {
					leftChange = leftChange || c.Stored.StudentNumber == "1002" && ch.Field == "left" && ch.New == ""
				}
			}
			if !leftChange {
				t.Error("Bram back in the file: his leaving date is not reported as going")
			}
			if got := e.count(`SELECT COUNT(*) FROM access_log WHERE object_kind = 'student_import' AND object_id = $1
				AND purpose LIKE 'student import (written): 3 new, 0 changed, 0 unchanged, 0 left, 0 problems%'`, e.school.ID); got != 1 {
				t.Error("the first import's counts are not in the access log")
			}
			if got := e.count(`SELECT COUNT(*) FROM access_log WHERE object_kind = 'student_import'`); got != 5 {
				t.Errorf("%d access-log entries of imports, want 5 (one per run, dry runs too)", got)
			}
			if got := e.count(`SELECT COUNT(*) FROM security_events WHERE detail LIKE '%created inactive by the student import'`); got != 1 {
				t.Errorf("%d security events for the created mentor account, want 1", got)
			}
		})
	}
}

// TestImportRefusals: a user who is not the beheerder is refused and the
// refusal logged; an unknown BRIN code is a clear error.
func TestImportRefusals(t *testing.T) {
	for _, engine := range storagetest.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			e := startImport(t, engine)
			ctx := context.Background()
			mentor := Actor{User: e.mentor}
			_, err := e.app.ImportStudents(ctx, mentor, ImportInput{BRIN: "12AB", File: []byte(importFile)})
			if casus.ErrorCode(err) != casus.EFORBIDDEN {
				t.Errorf("a mentor's import: %v, want forbidden", err)
			}
			if got := e.count(`SELECT COUNT(*) FROM access_log WHERE object_kind = 'student_import' AND outcome = 'denied'
				AND user_id = $1`, e.mentor.ID); got != 1 {
				t.Errorf("%d denials logged, want 1", got)
			}
			_, err = e.app.ImportStudents(ctx, e.admin, ImportInput{BRIN: "00XX", File: []byte(importFile)})
			if ce := (*casus.Error)(nil); !asError(err, &ce) || ce.Key != "import.school_unknown" {
				t.Errorf("unknown BRIN: %v", err)
			}
			if _, err := e.app.ImportStudents(ctx, e.admin, ImportInput{BRIN: "12ab", File: []byte(importFile)}); err != nil {
				t.Errorf("the beheerder's import (BRIN in lower case): %v", err)
			}
			if got := e.count(`SELECT COUNT(*) FROM students`); got != 3 {
				t.Errorf("%d students after the beheerder's import, want 3", got)
			}
		})
	}
}

func asError(err error, target **casus.Error) bool {
	e, ok := err.(*casus.Error)
	*target = e
	return ok
}

// TestImportMalformedFiles: each malformed file gives a clear report —
// the problem, its line and column — and writes nothing; where the fault
// is on one line, the rest of the file was read right (the encoding, the
// dates).
func TestImportMalformedFiles(t *testing.T) {
	const header = "Leerlingnummer;Roepnaam;Achternaam;Geboortedatum;Groep\n"
	win1252 := func(s string) string {
		return strings.NewReplacer("ë", "\xeb", "é", "\xe9").Replace(s)
	}
	png := "\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00" + strings.Repeat("\x00\x13\x07\xff", 200)
	cases := []struct {
		name string
		file string
		// want is "line:column:key" of the first problem.
		want string
		// names are the first and last names of the valid rows, read right.
		names []string
	}{
		{"WrongDelimiter", "Leerlingnummer\tRoepnaam\tAchternaam\tGeboortedatum\tGroep\n1001\tSanne\tVries\t03-04-2017\tGroep 4\n",
			"1::import.problem.delimiter", nil},
		{"OtherDelimiterInRows", header + "1001,Sanne,Vries,03-04-2017,Groep 4\n", "2::import.problem.field_count", nil},
		{"Windows1252", win1252(header + "1001;Zoë;Hénault;03-04-2017;Groep 4\n1002;Noë;Dubois;31-02-2017;Groep 4\n"),
			"3:Geboortedatum:import.problem.date", []string{"Zoë Hénault"}},
		{"BOM", "\xef\xbb\xbf" + header + "1001;Zoë;Hénault;03-04-2017;Groep 4\n1002;Bram;Bos;;Groep 4\n",
			"3:Geboortedatum:import.problem.required", []string{"Zoë Hénault"}},
		{"MissingColumn", "Leerlingnummer;Roepnaam;Achternaam;Groep\n1001;Sanne;Vries;Groep 4\n",
			"1:birth_date:import.problem.missing_column", nil},
		{"DuplicateNumbers", header + "1001;Sanne;Vries;03-04-2017;Groep 4\n1002;Bram;Bos;04-05-2018;Groep 3\n1001;Saar;Smit;05-06-2017;Groep 4\n",
			"4:Leerlingnummer:import.problem.duplicate_number", []string{"Bram Bos"}},
		{"ThreeDateFormats", header + "1001;Sanne;Vries;03-04-2017;Groep 4\n1002;Bram;Bos;4-5-18;Groep 3\n1003;Ayla;Yilmaz;2016-09-30;Groep 4\n1004;Tim;Kok;2016/30/09;Groep 4\n",
			"5:Geboortedatum:import.problem.date", []string{"Sanne Vries", "Bram Bos", "Ayla Yilmaz"}},
		{"EmptyLine", header + "1001;Sanne;Vries;03-04-2017;Groep 4\n\n1002;Bram;Bos;04-05-2018;Groep 3\n",
			"3::import.problem.empty_line", []string{"Sanne Vries", "Bram Bos"}},
		{"OneMegabyteLine", header + "1001;Sanne;" + strings.Repeat("x", 1<<20) + ";03-04-2017;Groep 4\n1002;Bram;Bos;04-05-2018;Groep 3\n",
			"2::import.problem.line_too_long", []string{"Bram Bos"}},
		{"Binary", png, "0::import.problem.binary", nil},
		{"UTF16", "\xff\xfeL\x00e\x00", "0::import.problem.utf16", nil},
		{"Empty", "\n\n", "0::import.problem.empty_file", nil},
		{"HeaderOnly", header, "0::import.problem.no_rows", nil},
		{"StrayQuote", header + "1001;Sanne \"Sas;Vries;03-04-2017;Groep 4\n", "2::import.problem.quote", nil},
	}
	for _, engine := range storagetest.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			e := startImport(t, engine)
			e.run(importFile, ImportInput{}) // three students to leave, if anything went wrong
			before := e.state()
			for _, tc := range cases {
				t.Run(tc.name, func(t *testing.T) {
					// Numbers the stored students do not have: the valid
					// rows are new.
					rep := e.run(strings.ReplaceAll(tc.file, "\n100", "\n200"), ImportInput{})
					if rep.Written {
						t.Fatal("a malformed file was written")
					}
					if after := e.state(); after != before {
						t.Fatalf("a malformed file wrote: %s, was %s", after, before)
					}
					if len(rep.Read.Problems) == 0 {
						t.Fatal("no problem reported")
					}
					p := rep.Read.Problems[0]
					if got := fmt.Sprintf("%d:%s:%s", p.Row, p.Column, p.Key); got != tc.want {
						t.Errorf("first problem = %s, want %s", got, tc.want)
					}
					var names []string
					for _, s := range rep.Plan.New {
						names = append(names, s.FirstName+" "+s.LastName)
					}
					if strings.Join(names, ",") != strings.Join(tc.names, ",") {
						t.Errorf("valid rows read as %q, want %q", names, tc.names)
					}
				})
			}
			if got := e.count(`SELECT COUNT(*) FROM access_log WHERE purpose LIKE 'student import (not written: problems in the file)%'`); got != len(cases) {
				t.Errorf("%d refused imports in the access log, want %d", got, len(cases))
			}
		})
	}
}

// TestImportAcceptValid: with AcceptValid the valid rows of a file with
// problems are imported; a student on a row with a problem is not taken
// to have left.
func TestImportAcceptValid(t *testing.T) {
	for _, engine := range storagetest.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			e := startImport(t, engine)
			e.run(importFile, ImportInput{})
			bad := strings.Replace(importFile, "4-5-18", "4-5-1x", 1)
			bad = strings.Replace(bad, "1003;Ayla;;Yilmaz;2016-09-30", "1004;Tim;;Kok;2016-10-01", 1)
			rep := e.run(bad, ImportInput{AcceptValid: true})
			if !rep.Written || len(rep.Read.Problems) != 1 {
				t.Fatalf("written %v with %d problems, want written with 1", rep.Written, len(rep.Read.Problems))
			}
			if n, c, u, l := rep.Plan.Counts(); n != 1 || c != 0 || u != 1 || l != 1 {
				t.Errorf("%d new, %d changed, %d unchanged, %d left; want 1, 0, 1, 1 (Ayla left, Bram's row had a problem)", n, c, u, l)
			}
			if got := e.count(`SELECT COUNT(*) FROM students WHERE left_at IS NOT NULL`); got != 1 {
				t.Errorf("%d students left, want 1 (Ayla)", got)
			}
		})
	}
}

// TestImportSavedMapping: a mapping saved with an import is the school's
// own: its next import without one uses it.
func TestImportSavedMapping(t *testing.T) {
	for _, engine := range storagetest.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			e := startImport(t, engine)
			file := "Nr;Roepnaam;Achternaam;Geb;Klas 2026\n1001;Sanne;Vries;03-04-2017;4B\n"
			m := importer.Mapping{importer.FieldNumber: "Nr", importer.FieldBirthDate: "Geb", importer.FieldGroup: "Klas 2026"}
			if rep := e.run(file, ImportInput{}); !rep.Read.Fatal {
				t.Fatal("a file with unknown column names was read without a mapping")
			}
			if rep := e.run(file, ImportInput{Mapping: m, SaveMapping: true, DryRun: true}); rep.MappingSaved || rep.Problems() {
				t.Fatalf("dry run: saved %v, problems %+v", rep.MappingSaved, rep.Read.Problems)
			}
			if rep := e.run(file, ImportInput{Mapping: m, SaveMapping: true}); !rep.Written || !rep.MappingSaved {
				t.Fatalf("import with a mapping to save: written %v, saved %v", rep.Written, rep.MappingSaved)
			}
			rep := e.run(file, ImportInput{})
			if rep.Problems() || rep.Plan.Unchanged != 1 || rep.Mapping[importer.FieldGroup] != "Klas 2026" {
				t.Errorf("next import without a mapping: problems %+v, %d unchanged, mapping %v", rep.Read.Problems, rep.Plan.Unchanged, rep.Mapping)
			}
			if got := e.count(`SELECT COUNT(*) FROM security_events WHERE kind = 'settings.changed' AND detail LIKE '%column mapping of school 12AB%'`); got != 1 {
				t.Errorf("%d security events for the saved mapping, want 1", got)
			}
		})
	}
}

// generateExport writes a student export of n students with two guardians
// each, in 40 groups with 100 mentors: the benchmark's file.
func generateExport(n int) []byte {
	var b bytes.Buffer
	b.WriteString(importHeader)
	for i := range n {
		fmt.Fprintf(&b, "%d;Voornaam%d;van;Achternaam%d;%02d-%02d-%d;Groep %d;%d;mentor%d@school.example;Mentor %d;"+
			"Ouder A%d;moeder;ja;oudera%d@example.nl;06%08d;Ouder B%d;vader;nee;;\n",
			100000+i, i, i, 1+i%28, 1+i%12, 2010+i%8, i%40, 1+i%8, i%100, i%100, i, i, i, i)
	}
	return b.Bytes()
}

// BenchmarkImportStudents imports a 50,000-student export into an empty
// school (first), and the same file again (again), which changes nothing.
// The figures are in docs/import.md.
func BenchmarkImportStudents(b *testing.B) {
	file := generateExport(50000)
	for _, engine := range storagetest.Engines(b) {
		b.Run(engine, func(b *testing.B) {
			e := startImport(b, engine)
			b.Run("first", func(b *testing.B) {
				for i := 0; b.Loop(); i++ {
					b.StopTimer()
					e.addSchool(fmt.Sprintf("B%03d", i))
					b.StartTimer()
					rep := e.run(string(file), ImportInput{})
					if len(rep.Plan.New) != 50000 || !rep.Written {
						b.Fatalf("%d new, written %v", len(rep.Plan.New), rep.Written)
					}
				}
			})
			b.Run("again", func(b *testing.B) {
				for b.Loop() {
					rep := e.run(string(file), ImportInput{})
					if n, c, u, l := rep.Plan.Counts(); n+c+l != 0 || u != 50000 {
						b.Fatalf("second run: %d new, %d changed, %d unchanged, %d left", n, c, u, l)
					}
				}
			})
		})
	}
}
