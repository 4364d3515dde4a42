package main

import (
	"context"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"casus"
)

// cmdRetention destroys, now, the student files whose retention has ended
// and the access-log entries past theirs, as the daily job does; with
// --dry-run it only says what would go. It prints kinds, periods and counts,
// never a name.
func cmdRetention(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) error {
	f := newFlags("retention", stderr, getenv)
	db := f.database()
	dryRun := f.boolean("dry-run", false, "show what would be destroyed without destroying anything")
	if err := f.Parse(args); err != nil {
		return err
	}
	store, err := db.open(ctx)
	if err != nil {
		return err
	}
	defer store.Close()
	ds, err := store.DestroyExpired(ctx, store.Now(), *dryRun)
	if err != nil {
		return err
	}
	printDestructions(stdout, ds, *dryRun)
	return nil
}

// printDestructions writes one line per destruction and a summary.
func printDestructions(w io.Writer, ds []casus.Destruction, dryRun bool) {
	verb := "destroyed"
	if dryRun {
		verb = "would destroy"
	}
	files, entries := 0, 0
	for _, d := range ds {
		switch d.Kind {
		case string(casus.RetentionStudentFile):
			files++
		case "access_log":
			entries += d.Counts["access_log"]
		}
		fmt.Fprintf(w, "%s %s (%s, %s): %s\n", verb, d.Kind, d.Rule, period(d), countsText(d.Counts))
	}
	if dryRun {
		fmt.Fprintf(w, "dry run: %d student files and %d access-log entries would be destroyed; nothing was changed\n", files, entries)
		return
	}
	fmt.Fprintf(w, "%d student files and %d access-log entries destroyed\n", files, entries)
}

func period(d casus.Destruction) string {
	month := func(t *time.Time) string {
		if t == nil {
			return "?"
		}
		return t.Format("2006-01")
	}
	return month(d.PeriodFrom) + " – " + month(d.PeriodTo)
}

// countsText lists the rows per table, sorted by table.
func countsText(counts map[string]int) string {
	tables := make([]string, 0, len(counts))
	for t := range counts {
		tables = append(tables, t)
	}
	slices.Sort(tables)
	parts := make([]string, len(tables))
	for i, t := range tables {
		parts[i] = fmt.Sprintf("%s %d", t, counts[t])
	}
	return strings.Join(parts, ", ")
}
