package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"casus"
	"casus/app"
	"casus/i18n"
	"casus/importer"
)

// cmdImportStudents imports a student system's export into one school:
// casus import students FILE --school BRIN [--dry-run] [--preset P]
// [--accept-valid] [--map field=Column,…]. The report is in Dutch; it
// names students only on the operator's own screen, never in a log.
func cmdImportStudents(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) error {
	f := newFlags("import students", stderr, getenv)
	db := f.database()
	school := f.String("school", "", "the school's BRIN code")
	dryRun := f.Bool("dry-run", false, "report what the import would do; save nothing")
	preset := f.String("preset", "", "column names of a student system: "+strings.Join(importer.Presets, ", ")+" (see docs/import.md)")
	acceptValid := f.Bool("accept-valid", false, "import the valid lines of a file with problems (without it such a file saves nothing)")
	mapping := f.String("map", "", "the file's own column names: field=Column,field=Column (fields in docs/import.md)")
	saveMap := f.Bool("save-map", false, "keep --map as the school's own column names, for its later imports without --map (saved with a written import)")
	full := f.Bool("full", false, "list every new student (by default the first 100 of each list)")
	lang := f.String("lang", "nl", "language of the report: nl or en")
	// The file may come before or after the flags.
	var file string
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		file, args = args[0], args[1:]
	}
	if err := f.Parse(args); err != nil {
		return err
	}
	if file == "" && f.NArg() == 1 {
		file = f.Arg(0)
	} else if f.NArg() > 0 {
		return usageError{"import students takes one FILE"}
	}
	if file == "" || *school == "" {
		return usageError{"import students needs FILE and --school BRIN"}
	}
	m, err := importer.ParseMapping(*mapping)
	if err != nil {
		return fmt.Errorf("--map: %w", err)
	}
	raw, err := readLimited(file)
	if err != nil {
		return err
	}
	b, err := i18n.New()
	if err != nil {
		return err
	}
	l := b.For(*lang)
	store, err := db.open(ctx)
	if err != nil {
		return err
	}
	defer store.Close()
	rep, err := app.New(store).ImportStudentsConsole(ctx, app.Console{Command: "casus import students"}, app.ImportInput{
		BRIN: *school, File: raw, Preset: *preset, Mapping: m, DryRun: *dryRun, AcceptValid: *acceptValid,
		SaveMapping: *saveMap})
	if e := (*casus.Error)(nil); errors.As(err, &e) {
		return errors.New(l.T(e.Key, e.Args))
	}
	if err != nil {
		return err
	}
	limit := 100
	if *full {
		limit = -1
	}
	printImport(stdout, l, rep, limit, *dryRun)
	switch {
	case rep.Read.Fatal:
		return errors.New(l.T("import.result.fatal"))
	case rep.Problems() && !rep.Written && !*dryRun:
		return errors.New(l.T("import.result.refused"))
	}
	return nil
}

// readLimited reads the file, refusing one larger than the importer takes.
func readLimited(path string) ([]byte, error) {
	fh, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer fh.Close()
	raw, err := io.ReadAll(io.LimitReader(fh, importer.MaxFileSize+1))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return raw, nil
}

// printImport writes the report: what was read, new, changed field by
// field, left, the problems line by line, and the counts.
func printImport(w io.Writer, l *i18n.Localizer, rep app.ImportReport, limit int, dryRun bool) {
	r, p := rep.Read, rep.Plan
	if r.Encoding != "" {
		fmt.Fprintln(w, l.T("import.detected", map[string]any{"Encoding": r.Encoding, "Delimiter": string(r.Delimiter), "Rows": r.Rows}))
	}
	if rep.School.ID != "" {
		fmt.Fprintln(w, l.T("import.school", map[string]any{"Name": rep.School.Name, "BRIN": rep.School.BRIN}))
	}
	if len(rep.Mapping) > 0 {
		fmt.Fprintln(w, l.T("import.mapping", map[string]any{"Mapping": mappingText(rep.Mapping)}))
	}
	section := func(key string, n int, line func(i int)) {
		if n == 0 {
			return
		}
		fmt.Fprintf(w, "\n%s (%d)\n", l.T(key), n)
		for i := range n {
			if limit >= 0 && i == limit {
				fmt.Fprintln(w, "  "+l.T("import.more", map[string]any{"N": n - limit}))
				return
			}
			line(i)
		}
	}
	section("import.heading.new", len(p.New), func(i int) {
		s := p.New[i]
		fmt.Fprintf(w, "  %-10s %s %s, %s\n", s.Number, s.FirstName, s.LastName, s.Group)
	})
	section("import.heading.changed", len(p.Changed), func(i int) {
		c := p.Changed[i]
		for j, ch := range c.Changes {
			num := ""
			if j == 0 {
				num = c.Stored.StudentNumber
			}
			fmt.Fprintf(w, "  %-10s %s\n", num, importer.ChangeText(l.T, ch))
		}
	})
	section("import.heading.left", len(p.Left), func(i int) {
		s := p.Left[i]
		fmt.Fprintf(w, "  %-10s %s %s, %s\n", s.StudentNumber, s.FirstName, s.LastName, s.GroupName)
	})
	if p.ManyLeave {
		fmt.Fprintln(w, "\n"+l.T("import.many_leave", map[string]any{"N": len(p.Left)}))
	}
	if p.LeftUnknown && !r.Fatal {
		fmt.Fprintln(w, "\n"+l.T("import.left_unknown"))
	}
	section("import.heading.problems", len(r.Problems), func(i int) {
		fmt.Fprintln(w, "  "+importer.ProblemText(l.T, r.Problems[i]))
	})
	added, changed, unchanged, left := p.Counts()
	fmt.Fprintln(w)
	fmt.Fprintln(w, l.T("import.summary", map[string]any{"New": added, "Changed": changed, "Unchanged": unchanged,
		"Left": left, "Problems": len(r.Problems)}))
	if rep.GroupsCreated+rep.MentorsCreated > 0 {
		fmt.Fprintln(w, l.T("import.created", map[string]any{"Groups": rep.GroupsCreated, "Mentors": rep.MentorsCreated}))
	}
	if rep.MappingSaved {
		fmt.Fprintln(w, l.T("import.mapping_saved"))
	}
	switch {
	case rep.Written:
		fmt.Fprintln(w, l.T("import.result.written"))
	case dryRun && !r.Fatal:
		fmt.Fprintln(w, l.T("import.result.dry_run"))
	}
}

// mappingText lists a mapping as --map takes it, by field.
func mappingText(m importer.Mapping) string {
	var parts []string
	for _, f := range importer.Fields() {
		if c, ok := m[f]; ok {
			parts = append(parts, string(f)+"="+c)
		}
	}
	return strings.Join(parts, ",")
}
