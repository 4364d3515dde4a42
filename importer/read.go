package importer

import (
	"encoding/csv"
	"errors"
	"io"
	"net/mail"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// Problem is one thing wrong with the file. Row is the line in the file (1
// is the header; 0 is the file as a whole), Column the column's name in the
// file (or the field's, when the column is missing), Key an i18n message key
// with Args.
type Problem struct {
	Row    int
	Column string
	Field  Field
	Key    string
	Args   map[string]any
}

func fileProblem(key string, args map[string]any) *Problem { return &Problem{Key: key, Args: args} }

// Guardian is a parent or carer named on a row.
type Guardian struct {
	Name      string
	Relation  string
	Authority bool // holds parental authority (gezag)
	Email     string
	Phone     string
}

// Student is one valid row of the file.
type Student struct {
	Row         int
	Number      string
	FirstName   string
	LastName    string // with the tussenvoegsel before it
	BirthDate   time.Time
	Group       string
	Level       string
	MentorEmail string // lower case
	MentorName  string
	Guardians   []Guardian
}

// Options say how to read a file.
type Options struct {
	Preset  string  // one of Presets, or empty for the generic names only
	Mapping Mapping // columns named by the school, before the preset's
	Today   time.Time
}

// Result is what Read found: the valid students, every problem, and which
// optional fields the file has (a field the file lacks is left alone).
type Result struct {
	Encoding  Encoding
	Delimiter rune
	Students  []Student
	Problems  []Problem
	// Rows counts the data rows read, valid or not.
	Rows int
	// Has tells which optional fields the file has columns for.
	HasLevel, HasMentor, HasGuardians bool
	// Numbers holds every student number on a row, valid or not, so a
	// student on a row with a problem is not taken to have left.
	Numbers map[string]bool
	// NumbersComplete is false when a row could not be read or had no
	// student number: then no one can be said to have left.
	NumbersComplete bool
	// Fatal is true when the file cannot be imported at all (empty, binary,
	// no delimiter, a missing column).
	Fatal bool
}

// Limits of a row and a value.
const (
	MaxLineLength = 64 << 10
	MaxValueLen   = 200
	maxProblems   = 1000
)

// Read reads an export. It never fails: what it cannot read is a problem.
func Read(raw []byte, opt Options) Result {
	res := Result{Numbers: map[string]bool{}, NumbersComplete: true}
	fatal := func(p *Problem) Result {
		res.Problems, res.Fatal, res.NumbersComplete = append(res.Problems, *p), true, false
		return res
	}
	if opt.Preset != "" && !slices.Contains(Presets, opt.Preset) {
		return fatal(fileProblem("import.problem.preset", map[string]any{"Preset": opt.Preset}))
	}
	text, enc, p := decode(raw)
	if p != nil {
		return fatal(p)
	}
	res.Encoding = enc
	// Excel may write its delimiter on a line of its own before the header.
	firstLine := 1
	if line, rest, ok := strings.Cut(text, "\n"); ok && strings.HasPrefix(strings.ToLower(line), "sep=") {
		if d := strings.TrimSpace(line[4:]); d == ";" || d == "," {
			text, firstLine, res.Delimiter = rest, 2, rune(d[0])
		}
	}
	if res.Delimiter == 0 {
		res.Delimiter = detectDelimiter(text)
	}
	if res.Delimiter == 0 {
		return fatal(&Problem{Row: firstLine, Key: "import.problem.delimiter"})
	}
	offset := firstLine - 1 // csv counts lines from the header
	r := csv.NewReader(strings.NewReader(text))
	r.Comma, r.FieldsPerRecord, r.TrimLeadingSpace = res.Delimiter, -1, true
	header, err := r.Read()
	if err != nil {
		return fatal(&Problem{Row: firstLine, Key: "import.problem.unreadable"})
	}
	if len(header) == 1 {
		return fatal(&Problem{Row: firstLine, Key: "import.problem.delimiter"})
	}
	cols, hp := matchColumns(header, opt.Preset, opt.Mapping)
	for i := range hp {
		hp[i].Row += offset
	}
	if len(hp) > 0 {
		res.Problems, res.Fatal, res.NumbersComplete = hp, true, false
		return res
	}
	_, res.HasLevel = cols[FieldLevel]
	_, res.HasMentor = cols[FieldMentorEmail]
	_, res.HasGuardians = cols[GuardianField(1, "name")]
	rd := rowReader{opt: opt, cols: cols, header: header, res: &res, seen: map[string]int{}}
	lastLine := 1
	var empty []int // lines without a student since the last one
	for len(res.Problems) < maxProblems {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		var pe *csv.ParseError
		if errors.As(err, &pe) {
			res.Rows++
			res.NumbersComplete = false
			key := "import.problem.unreadable"
			if errors.Is(pe.Err, csv.ErrQuote) || errors.Is(pe.Err, csv.ErrBareQuote) {
				key = "import.problem.quote"
			}
			res.Problems = append(res.Problems, Problem{Row: pe.StartLine + offset, Key: key})
			lastLine = pe.Line
			continue
		}
		line, _ := r.FieldPos(0)
		endLine, _ := r.FieldPos(len(rec) - 1)
		// An empty line, or a line of delimiters only (";;;;", as
		// spreadsheets write an empty row), is a problem between students
		// and ignored at the end of the file.
		for l := lastLine + 1; l < line; l++ {
			empty = append(empty, l)
		}
		lastLine = endLine + strings.Count(rec[len(rec)-1], "\n")
		if blankRecord(rec) {
			empty = append(empty, line)
			continue
		}
		for _, l := range empty {
			res.Problems = append(res.Problems, Problem{Row: l + offset, Key: "import.problem.empty_line"})
		}
		empty = empty[:0]
		res.Rows++
		rd.row(line+offset, rec)
	}
	if res.Rows == 0 {
		res.Problems, res.Fatal = append(res.Problems, Problem{Key: "import.problem.no_rows"}), true
	}
	return res
}

// blankRecord reports whether every field of rec is empty or spaces.
func blankRecord(rec []string) bool {
	for _, v := range rec {
		if strings.TrimSpace(v) != "" {
			return false
		}
	}
	return true
}

type rowReader struct {
	opt    Options
	cols   map[Field]int
	header []string
	res    *Result
	seen   map[string]int // student number → line
}

// row validates one record and adds its student, or its problems.
func (rd *rowReader) row(line int, rec []string) {
	res := rd.res
	problem := func(f Field, key string, args map[string]any) {
		col := string(f)
		if i, ok := rd.cols[f]; ok {
			col = rd.header[i]
		}
		res.Problems = append(res.Problems, Problem{Row: line, Column: col, Field: f, Key: key, Args: args})
	}
	n := len(res.Problems)
	length := len(rec)
	for _, v := range rec {
		length += len(v)
	}
	if length > MaxLineLength {
		res.NumbersComplete = false
		res.Problems = append(res.Problems, Problem{Row: line, Key: "import.problem.line_too_long", Args: map[string]any{"Max": MaxLineLength >> 10}})
		return
	}
	if len(rec) != len(rd.header) {
		res.Problems = append(res.Problems, Problem{Row: line, Key: "import.problem.field_count",
			Args: map[string]any{"Got": len(rec), "Want": len(rd.header)}})
	}
	get := func(f Field) string {
		i, ok := rd.cols[f]
		if !ok || i >= len(rec) {
			return ""
		}
		v := strings.Join(strings.Fields(rec[i]), " ")
		if utf8.RuneCountInString(v) > MaxValueLen {
			problem(f, "import.problem.too_long", map[string]any{"Max": MaxValueLen})
			return ""
		}
		return v
	}
	st := Student{Row: line, Number: get(FieldNumber), FirstName: get(FieldFirstName), Group: get(FieldGroup),
		Level: get(FieldLevel), MentorName: get(FieldMentorName)}
	for _, f := range required {
		if f != FieldLastName && f != FieldBirthDate && get(f) == "" {
			problem(f, "import.problem.required", nil)
		}
	}
	if st.Number == "" {
		res.NumbersComplete = false
	} else {
		res.Numbers[st.Number] = true
		if other, dup := rd.seen[st.Number]; dup {
			problem(FieldNumber, "import.problem.duplicate_number", map[string]any{"Value": st.Number, "Other": other})
			rd.markDuplicate(other)
		} else {
			rd.seen[st.Number] = line
		}
	}
	last := get(FieldLastName)
	if last == "" {
		problem(FieldLastName, "import.problem.required", nil)
	}
	if prefix := get(FieldPrefix); prefix != "" && last != "" {
		last = prefix + " " + last
	}
	st.LastName = last
	if v := get(FieldBirthDate); v == "" {
		problem(FieldBirthDate, "import.problem.required", nil)
	} else if d, ok := ParseDate(v, rd.opt.Today); !ok {
		problem(FieldBirthDate, "import.problem.date", map[string]any{"Value": v})
	} else if d.Before(time.Date(1900, 1, 1, 0, 0, 0, 0, time.UTC)) || d.After(rd.opt.Today) {
		problem(FieldBirthDate, "import.problem.date_range", map[string]any{"Value": v})
	} else {
		st.BirthDate = d
	}
	if v := get(FieldMentorEmail); v != "" {
		if !validEmail(v) {
			problem(FieldMentorEmail, "import.problem.email", map[string]any{"Value": v})
		}
		st.MentorEmail = strings.ToLower(v)
	}
	for g := 1; g <= MaxGuardians; g++ {
		name := get(GuardianField(g, "name"))
		if name == "" {
			continue
		}
		gd := Guardian{Name: name, Relation: get(GuardianField(g, "relation")), Email: get(GuardianField(g, "email")),
			Phone: get(GuardianField(g, "phone"))}
		auth := get(GuardianField(g, "authority"))
		yes, ok := parseYesNo(auth)
		if !ok {
			problem(GuardianField(g, "authority"), "import.problem.authority", map[string]any{"Value": auth})
		}
		gd.Authority = yes
		if gd.Email != "" && !validEmail(gd.Email) {
			problem(GuardianField(g, "email"), "import.problem.email", map[string]any{"Value": gd.Email})
		}
		st.Guardians = append(st.Guardians, gd)
	}
	if len(res.Problems) == n {
		res.Students = append(res.Students, st)
	}
}

// markDuplicate drops the valid student first seen on line, now that its
// number turns up again: neither row says which student is meant.
func (rd *rowReader) markDuplicate(line int) {
	rd.res.Students = slices.DeleteFunc(rd.res.Students, func(s Student) bool { return s.Row == line })
}

func validEmail(s string) bool {
	a, err := mail.ParseAddress(s)
	return err == nil && a.Address == s && strings.Contains(s[strings.LastIndex(s, "@"):], ".")
}

// parseYesNo reads a yes/no cell: ja, nee, j, n, 1, 0, true, false, waar,
// onwaar, x (yes). An empty cell is no answer.
func parseYesNo(s string) (bool, bool) {
	switch strings.ToLower(s) {
	case "ja", "j", "1", "true", "waar", "x", "yes", "y":
		return true, true
	case "nee", "n", "0", "false", "onwaar", "no":
		return false, true
	}
	return false, false
}
