package main

import (
	"strings"
	"testing"
	"time"

	"casus/demo"
)

// TestRetention: on the demo, with Lotte gone from school three years ago
// and her cases closed, `casus retention --dry-run` says her file would go
// and changes nothing; `casus retention` destroys it; a second run destroys
// nothing more. Neither prints a name.
func TestRetention(t *testing.T) {
	eachEngine(t, func(t *testing.T, d *testDB) {
		mustSucceed(t, cli(t, nil, append([]string{"demo"}, d.args()...)...))
		db := d.open(t)
		left := time.Now().UTC().AddDate(-3, 0, 0)
		for _, q := range []string{
			`UPDATE students SET left_at = $1 WHERE student_number = $2`,
			`UPDATE cases SET status = 'closed', opened_at = $1 WHERE student_id IN (SELECT id FROM students WHERE student_number = $2)`,
		} {
			if _, err := db.SQL().ExecContext(t.Context(), q, left, demo.LotteNumber); err != nil {
				t.Fatal(err)
			}
		}
		db.Close()
		students := d.count(t, "SELECT COUNT(*) FROM students")
		noName := func(out string) {
			t.Helper()
			for _, name := range []string{"Lotte", "Verhagen", demo.LotteNumber} {
				if strings.Contains(out, name) {
					t.Errorf("output names %q:\n%s", name, out)
				}
			}
		}

		o := mustSucceed(t, cli(t, nil, append([]string{"retention", "--dry-run"}, d.args()...)...))
		noName(o.stdout)
		if strings.Count(o.stdout, "would destroy student_file (student_file: 24 months") != 1 ||
			!strings.Contains(o.stdout, "students 1") || !strings.Contains(o.stdout, "cases 2") ||
			!strings.Contains(o.stdout, "dry run: 1 student files and 0 access-log entries would be destroyed; nothing was changed") {
			t.Errorf("dry run printed:\n%s", o.stdout)
		}
		if n := d.count(t, "SELECT COUNT(*) FROM students"); n != students {
			t.Errorf("the dry run changed the students: %d, want %d", n, students)
		}
		if n := d.count(t, "SELECT COUNT(*) FROM destructions"); n != 0 {
			t.Errorf("the dry run stored %d destruction records", n)
		}

		o = mustSucceed(t, cli(t, nil, append([]string{"retention"}, d.args()...)...))
		noName(o.stdout)
		if !strings.Contains(o.stdout, "destroyed student_file (student_file: 24 months") ||
			!strings.HasSuffix(o.stdout, "1 student files and 0 access-log entries destroyed\n") {
			t.Errorf("retention printed:\n%s", o.stdout)
		}
		if n := d.count(t, "SELECT COUNT(*) FROM students"); n != students-1 {
			t.Errorf("%d students after retention, want %d", n, students-1)
		}
		if n := d.count(t, "SELECT COUNT(*) FROM destructions"); n != 1 {
			t.Errorf("%d destruction records, want 1", n)
		}

		o = mustSucceed(t, cli(t, nil, append([]string{"retention"}, d.args()...)...))
		if o.stdout != "0 student files and 0 access-log entries destroyed\n" {
			t.Errorf("second run printed:\n%s", o.stdout)
		}
	})
}
