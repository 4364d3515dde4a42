package importer

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

var today = time.Date(2026, 11, 2, 0, 0, 0, 0, time.UTC)

func TestParseDate(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want string // "" when refused
	}{
		{"03-04-2012", "2012-04-03"},
		{"3-4-2012", "2012-04-03"},
		{"4-5-18", "2018-05-04"},
		{"4-5-26", "2026-05-04"},
		{"4-5-27", "1927-05-04"}, // a two-digit year is never in the future
		{"2016-09-30", "2016-09-30"},
		{"30/09/2016", "2016-09-30"},
		{"30.09.2016", "2016-09-30"},
		{"31-02-2012", ""},
		{"2016/30/09", ""},
		{"12-2012", ""},
		{"1-1-1-2012", ""},
		{"aa-bb-cccc", ""},
		{"3--4-2012", ""},
		{"", ""},
	} {
		t.Run(tc.in, func(t *testing.T) {
			d, ok := ParseDate(tc.in, today)
			got := ""
			if ok {
				got = d.Format("2006-01-02")
			}
			if got != tc.want {
				t.Errorf("ParseDate(%q) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
}

func TestDecode(t *testing.T) {
	for _, tc := range []struct {
		name    string
		raw     string
		enc     Encoding
		text    string
		problem string
	}{
		{"OK/UTF8", "Zoë;é", UTF8, "Zoë;é", ""},
		{"OK/BOM", "\xef\xbb\xbfZoë", UTF8BOM, "Zoë", ""},
		{"OK/Windows1252", "Zo\xeb;\xe9;\x80", Windows1252, "Zoë;é;€", ""},
		{"ErrEmpty", " \r\n", "", "", "import.problem.empty_file"},
		{"ErrUTF16", "\xff\xfea\x00", "", "", "import.problem.utf16"},
		{"ErrNUL", "a;b\x00c", "", "", "import.problem.binary"},
		{"ErrControls", strings.Repeat("\x01\x02\x03ab", 10), "", "", "import.problem.binary"},
		{"ErrBOMThenInvalid", "\xef\xbb\xbfZo\xeb", "", "", "import.problem.binary"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			text, enc, p := decode([]byte(tc.raw))
			key := ""
			if p != nil {
				key = p.Key
			}
			if text != tc.text || enc != tc.enc || key != tc.problem {
				t.Errorf("decode = %q %q %q, want %q %q %q", text, enc, key, tc.text, tc.enc, tc.problem)
			}
		})
	}
}

func TestDetectDelimiter(t *testing.T) {
	for in, want := range map[string]rune{
		"a;b;c\n1,2;3":        ';',
		"a,b,c\n1;2;3":        ',',
		`"x;y",b,c` + "\n1;2": ',',
		"a\tb\tc":             0,
		"abc":                 0,
	} {
		if got := detectDelimiter(in); got != want {
			t.Errorf("detectDelimiter(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestPresetsAndMapping(t *testing.T) {
	file := "Stamnr,Roepnaam,Achternaam,Geb. datum,Klas,Mentor mail\n1,Sanne,Vries,03-04-2012,1A,M@School.example\n"
	res := Read([]byte(file), Options{Preset: "magister", Mapping: Mapping{FieldMentorEmail: "Mentor mail"}, Today: today})
	if len(res.Problems) > 0 || len(res.Students) != 1 {
		t.Fatalf("problems %+v, students %d", res.Problems, len(res.Students))
	}
	if s := res.Students[0]; s.Number != "1" || s.MentorEmail != "m@school.example" || s.Group != "1A" || res.Delimiter != ',' {
		t.Errorf("student = %+v", s)
	}
	// Without the preset, Stamnr is no known column.
	res = Read([]byte(file), Options{Today: today})
	if len(res.Problems) != 1 || res.Problems[0].Key != "import.problem.missing_column" || res.Problems[0].Field != FieldNumber {
		t.Errorf("without preset: %+v", res.Problems)
	}
	if res := Read([]byte(file), Options{Preset: "onbekend", Today: today}); !res.Fatal || res.Problems[0].Key != "import.problem.preset" {
		t.Errorf("unknown preset: %+v", res.Problems)
	}
	if _, err := ParseMapping("number=Nr, first_name = Voornaam"); err != nil {
		t.Error(err)
	}
	for _, bad := range []string{"nummer=Nr", "number", "number="} {
		if _, err := ParseMapping(bad); err == nil {
			t.Errorf("ParseMapping(%q) accepted", bad)
		}
	}
}

func TestGuardianProblems(t *testing.T) {
	file := "Leerlingnummer;Roepnaam;Achternaam;Geboortedatum;Klas;Ouder1 naam;Ouder1 gezag;Ouder1 email\n" +
		"1;Sanne;Vries;03-04-2012;1A;Els Vries;misschien;els@@x\n" +
		"2;Bram;Bos;03-04-1899;1A;;;\n" +
		"3;Tim;" + strings.Repeat("k", 201) + ";03-04-2012;1A;;;\n"
	res := Read([]byte(file), Options{Today: today})
	var got []string
	for _, p := range res.Problems {
		got = append(got, p.Column+" "+p.Key)
	}
	want := "Ouder1 gezag import.problem.authority|Ouder1 email import.problem.email|Geboortedatum import.problem.date_range|" +
		"Achternaam import.problem.too_long|Achternaam import.problem.required"
	if strings.Join(got, "|") != want {
		t.Errorf("problems = %s\nwant %s", strings.Join(got, "|"), want)
	}
	noAuthority := "Leerlingnummer;Roepnaam;Achternaam;Geboortedatum;Klas;Ouder1 naam\n1;Sanne;Vries;03-04-2012;1A;Els Vries\n"
	if res := Read([]byte(noAuthority), Options{Today: today}); !res.Fatal || res.Problems[0].Field != GuardianField(1, "authority") {
		t.Errorf("guardians without a parental-authority column: %+v", res.Problems)
	}
}

// TestExcelSeparatorLine: Excel's "sep=;" line names the delimiter and
// moves the line numbers one down.
func TestExcelSeparatorLine(t *testing.T) {
	file := "sep=,\r\nLeerlingnummer,Roepnaam,Achternaam,Geboortedatum,Klas\r\n1,Sanne,Vries,03-04-2012,1A\r\n2,Bram,Bos,31-02-2012,1A\r\n"
	res := Read([]byte(file), Options{Today: today})
	if res.Delimiter != ',' || len(res.Students) != 1 || len(res.Problems) != 1 || res.Problems[0].Row != 4 {
		t.Errorf("delimiter %q, %d students, problems %+v", res.Delimiter, len(res.Students), res.Problems)
	}
}

// TestEmptyRows: an empty line or a row of delimiters only between students
// is a problem of its line; at the end of the file it is ignored, and it
// never stops students from being recorded as having left.
func TestEmptyRows(t *testing.T) {
	const header = "Leerlingnummer;Roepnaam;Achternaam;Geboortedatum;Klas\n"
	for _, tc := range []struct {
		name, file string
		problems   []int // lines with import.problem.empty_line
	}{
		{"OK/TrailingDelimiterRows", header + "1;Sanne;Vries;03-04-2012;1A\n;;;;\n;;;;\n\n", nil},
		{"EmptyLineBetween", header + "1;Sanne;Vries;03-04-2012;1A\n\n2;Bram;Bos;03-04-2012;1A\n", []int{3}},
		{"DelimiterRowBetween", header + "1;Sanne;Vries;03-04-2012;1A\n; ;;;\n\r\n2;Bram;Bos;03-04-2012;1A\n", []int{3, 4}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res := Read([]byte(tc.file), Options{Today: today})
			var lines []int
			for _, p := range res.Problems {
				if p.Key != "import.problem.empty_line" {
					t.Errorf("problem %+v", p)
				}
				lines = append(lines, p.Row)
			}
			if fmt.Sprint(lines) != fmt.Sprint(tc.problems) || !res.NumbersComplete || res.Rows != len(res.Students) {
				t.Errorf("empty lines %v, want %v; numbers complete %v; %d rows, %d students", lines, tc.problems,
					res.NumbersComplete, res.Rows, len(res.Students))
			}
		})
	}
}
