package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestImportStudents: the command reports in Dutch — what is new, what
// changes field by field, who left, the problems by line and column — and
// saves only a clean file (or the valid lines, with --accept-valid).
func TestImportStudents(t *testing.T) {
	eachEngine(t, func(t *testing.T, d *testDB) {
		mustSucceed(t, cli(t, nil, append([]string{"demo"}, d.args()...)...))
		dir := t.TempDir()
		write := func(name, body string) string {
			p := filepath.Join(dir, name)
			if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
				t.Fatal(err)
			}
			return p
		}
		imp := func(file string, flags ...string) outcome {
			return cli(t, nil, append(append([]string{"import", "students", file, "--school", "25AB"}, flags...), d.args()...)...)
		}
		header := "Leerlingnummer;Roepnaam;Achternaam;Geboortedatum;Groep;E-mail mentor;Ouder1 naam;Ouder1 gezag\n"
		// A Windows-1252 file with a BOM-less header, as Excel saves it.
		file := write("export.csv", header+"900001;Zo\xeb;H\xe9nault;03-04-2008;Techniek 1A;;Els H\xe9nault;ja\n")
		students := d.count(t, "SELECT COUNT(*) FROM students WHERE left_at IS NULL")

		o := mustSucceed(t, imp(file, "--dry-run"))
		for _, want := range []string{"Bestand gelezen als Windows-1252", "Nieuw (1)", "900001     Zoë Hénault, Techniek 1A",
			"meer dan de helft van de ingeschreven leerlingen, staan niet in het bestand",
			"Uitgeschreven (", "Proefimport: er is niets opgeslagen."} {
			if !strings.Contains(o.stdout, want) {
				t.Errorf("dry run lacks %q:\n%s", want, o.stdout)
			}
		}
		if got := d.count(t, "SELECT COUNT(*) FROM students WHERE left_at IS NULL"); got != students {
			t.Fatalf("the dry run changed the students: %d, was %d", got, students)
		}

		bad := write("bad.csv", header+"900001;Zoë;Hénault;31-02-2008;Techniek 1A;;;\n900002;Bram;Bos;4-5-08;Techniek 1A;;;\n")
		o = imp(bad)
		mustFail(t, o, "Er is niets opgeslagen: het bestand heeft problemen")
		if want := `regel 2, kolom "Geboortedatum": "31-02-2008" is geen datum.`; !strings.Contains(o.stdout, want) {
			t.Errorf("report lacks %q:\n%s", want, o.stdout)
		}
		if got := d.count(t, "SELECT COUNT(*) FROM students WHERE student_number LIKE '9000%'"); got != 0 {
			t.Fatalf("a file with problems wrote %d students", got)
		}
		o = mustSucceed(t, imp(bad, "--accept-valid"))
		if !strings.Contains(o.stdout, "De import is opgeslagen.") {
			t.Errorf("--accept-valid did not save:\n%s", o.stdout)
		}
		if got := d.count(t, "SELECT COUNT(*) FROM students WHERE student_number = '900002'"); got != 1 {
			t.Errorf("the valid line was not imported")
		}

		o = mustSucceed(t, imp(file))
		for _, want := range []string{"Nieuw (1)", "Uitgeschreven (niet meer in het bestand; krijgen vandaag een uitschrijfdatum) (1)\n  900002", "1 nieuw, 0 gewijzigd, 0 ongewijzigd, 1 uitgeschreven", "De import is opgeslagen."} {
			if !strings.Contains(o.stdout, want) {
				t.Errorf("import lacks %q:\n%s", want, o.stdout)
			}
		}
		o = mustSucceed(t, imp(file))
		if !strings.Contains(o.stdout, "0 nieuw, 0 gewijzigd, 1 ongewijzigd, 0 uitgeschreven, 0 problemen.") {
			t.Errorf("second run:\n%s", o.stdout)
		}
		mustFail(t, imp(file, "--school", "00XX"), "Er is geen school met BRIN-code 00XX.")
		mustFail(t, imp(write("bin.csv", "\x00\x01\x02")), "dit bestand kan niet worden ingelezen")
	})
}
