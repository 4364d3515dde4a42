package importer

import (
	"fmt"
	"slices"
	"strings"
)

// Field is a piece of a student's data Casus imports; a column of the file
// maps to it by name.
type Field string

// Fields. A guardian's fields are numbered: "guardian1_name", "guardian2_name".
const (
	FieldNumber      Field = "number"       // leerlingnummer / studentnummer: the key, per school
	FieldFirstName   Field = "first_name"   // roepnaam
	FieldPrefix      Field = "prefix"       // tussenvoegsel, put before the last name
	FieldLastName    Field = "last_name"    // achternaam
	FieldBirthDate   Field = "birth_date"   // geboortedatum
	FieldGroup       Field = "group"        // klas, groep or opleiding
	FieldLevel       Field = "level"        // niveau or leerjaar
	FieldMentorEmail Field = "mentor_email" // the mentor's e-mail address: how the mentor is matched to an account
	FieldMentorName  Field = "mentor_name"  // the mentor's name, for an account created inactive
)

// MaxGuardians is how many guardians one row can name.
const MaxGuardians = 2

// guardianParts are the fields of each numbered guardian.
var guardianParts = []string{"name", "relation", "authority", "email", "phone"}

// GuardianField returns the field of guardian n (1-based) for part: name,
// relation, authority (gezag), email or phone.
func GuardianField(n int, part string) Field { return Field(fmt.Sprintf("guardian%d_%s", n, part)) }

// Fields lists every field in the order of a report.
func Fields() []Field {
	fs := []Field{FieldNumber, FieldFirstName, FieldPrefix, FieldLastName, FieldBirthDate, FieldGroup, FieldLevel,
		FieldMentorEmail, FieldMentorName}
	for n := 1; n <= MaxGuardians; n++ {
		for _, p := range guardianParts {
			fs = append(fs, GuardianField(n, p))
		}
	}
	return fs
}

var required = []Field{FieldNumber, FieldFirstName, FieldLastName, FieldBirthDate, FieldGroup}

// generic are the column names every preset accepts: the plain Dutch names
// and the field names themselves. Header matching ignores case, spaces,
// dots, hyphens and underscores.
var generic = map[Field][]string{
	FieldNumber:      {"leerlingnummer", "studentnummer", "llnr", "leerling nr", "student nr", "stamnummer"},
	FieldFirstName:   {"roepnaam", "voornaam"},
	FieldPrefix:      {"tussenvoegsel", "tussenvoegsels", "voorvoegsel"},
	FieldLastName:    {"achternaam"},
	FieldBirthDate:   {"geboortedatum", "geb datum", "geboorte datum"},
	FieldGroup:       {"klas", "groep", "stamgroep", "basisgroep", "opleiding"},
	FieldLevel:       {"niveau", "leerjaar", "jaarlaag"},
	FieldMentorEmail: {"mentor email", "mentor e-mail", "e-mail mentor", "email mentor", "emailadres mentor"},
	FieldMentorName:  {"mentor", "naam mentor", "mentor naam"},
}

func init() {
	for n := 1; n <= MaxGuardians; n++ {
		for _, p := range []struct{ part, dutch string }{
			{"name", "naam"}, {"relation", "relatie"}, {"authority", "gezag"}, {"email", "email"}, {"phone", "telefoon"},
		} {
			f := GuardianField(n, p.part)
			generic[f] = []string{fmt.Sprintf("ouder%d %s", n, p.dutch), fmt.Sprintf("verzorger%d %s", n, p.dutch),
				fmt.Sprintf("%s ouder%d", p.dutch, n), fmt.Sprintf("%s verzorger%d", p.dutch, n)}
		}
	}
}

// Presets are the names of the student systems --preset accepts. Each
// accepts the generic names and adds the aliases in presetAliases.
//
// Honesty note: the aliases below are column names seen in or expected from
// each system's student exports; they are not checked against the vendors'
// documentation, which is not public for all of them, and an export's
// columns depend on how the school set it up. Always run a dry run first,
// and name any other column with a mapping (Mapping).
var Presets = []string{"magister", "parnassys", "somtoday", "eduarte", "esis"}

var presetAliases = map[string]map[Field][]string{
	"magister":  {FieldNumber: {"stamnr", "stamnummer"}, FieldGroup: {"klas"}, FieldLevel: {"studie", "leerjaar"}},
	"parnassys": {FieldNumber: {"leerlingnummer"}, FieldGroup: {"groep"}, FieldLevel: {"jaargroep"}},
	"somtoday":  {FieldNumber: {"leerlingnummer"}, FieldGroup: {"stamgroep"}, FieldLevel: {"leerjaar"}},
	"eduarte":   {FieldNumber: {"deelnemernummer", "studentnummer"}, FieldGroup: {"groep", "opleiding"}, FieldLevel: {"niveau"}},
	"esis":      {FieldNumber: {"leerlingnummer"}, FieldGroup: {"klas", "basisgroep"}, FieldLevel: {"leerjaar"}},
}

// Mapping names, per field, the column of the file that holds it: it goes
// before the preset's names. A school keeps its own for an export set up
// its own way.
type Mapping map[Field]string

// ParseMapping reads "field=Column name,field=Column name".
func ParseMapping(s string) (Mapping, error) {
	m := Mapping{}
	for _, pair := range strings.Split(s, ",") {
		if strings.TrimSpace(pair) == "" {
			continue
		}
		f, col, ok := strings.Cut(pair, "=")
		f, col = strings.TrimSpace(f), strings.TrimSpace(col)
		if !ok || col == "" || !slices.Contains(Fields(), Field(f)) {
			return nil, fmt.Errorf("mapping %q: want field=column with a field of %s", pair, fieldList())
		}
		m[Field(f)] = col
	}
	return m, nil
}

func fieldList() string {
	var out []string
	for _, f := range Fields() {
		out = append(out, string(f))
	}
	return strings.Join(out, ", ")
}

// normalize makes header names comparable.
func normalize(s string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(strings.TrimSpace(s)) {
		switch r {
		case ' ', '.', '-', '_', '\u00a0':
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// matchColumns maps each field to its column index in header, by the
// mapping first, then the preset's names, then the generic ones; and lists
// the header problems.
func matchColumns(header []string, preset string, m Mapping) (map[Field]int, []Problem) {
	index := map[string]int{}
	var problems []Problem
	for i, h := range header {
		n := normalize(h)
		if n == "" {
			continue
		}
		if _, dup := index[n]; dup {
			problems = append(problems, Problem{Row: 1, Column: h, Key: "import.problem.duplicate_column", Args: map[string]any{"Column": h}})
			continue
		}
		index[n] = i
	}
	cols := map[Field]int{}
	for _, f := range Fields() {
		names := []string{string(f)}
		if c, ok := m[f]; ok {
			names = []string{c}
		} else {
			names = append(names, presetAliases[preset][f]...)
			names = append(names, generic[f]...)
		}
		for _, name := range names {
			if i, ok := index[normalize(name)]; ok {
				cols[f] = i
				break
			}
		}
	}
	need := slices.Clone(required)
	for n := 1; n <= MaxGuardians; n++ {
		if _, ok := cols[GuardianField(n, "name")]; ok {
			// Parental authority decides who must consent: never guessed.
			need = append(need, GuardianField(n, "authority"))
		}
	}
	for _, f := range need {
		if _, ok := cols[f]; !ok {
			col := string(f)
			if c, ok := m[f]; ok {
				col = c
			}
			problems = append(problems, Problem{Row: 1, Column: col, Field: f, Key: "import.problem.missing_column"})
		}
	}
	return cols, problems
}
