package casus

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

func TestCareDay(t *testing.T) {
	utc := func(s string) time.Time {
		t.Helper()
		v, err := time.Parse("2006-01-02 15:04:05", s)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	newYork, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		at   time.Time
		want string
	}{
		{"WinterJustBeforeMidnight", utc("2026-01-15 22:59:59"), "2026-01-15"}, // 23:59:59 CET
		{"WinterMidnight", utc("2026-01-15 23:00:00"), "2026-01-16"},           // 00:00 CET
		{"SummerJustBeforeMidnight", utc("2026-07-01 21:59:59"), "2026-07-01"}, // 23:59:59 CEST
		{"SummerMidnight", utc("2026-07-01 22:00:00"), "2026-07-02"},           // 00:00 CEST
		{"UTCMidnightIsThatDay", utc("2026-03-29 00:00:00"), "2026-03-29"},     // a stored date keeps its day
		{"NewYearInAmsterdamFirst", utc("2026-12-31 23:00:00"), "2027-01-01"},  // still 2026 in UTC
		{"OtherZoneCountsInAmsterdam", time.Date(2026, 5, 4, 19, 30, 0, 0, newYork), "2026-05-05"},
		// Spring forward: 29 March 2026, 02:00 CET becomes 03:00 CEST (01:00 UTC).
		{"SpringEveJustBeforeMidnight", utc("2026-03-28 22:59:59"), "2026-03-28"},
		{"SpringDayMidnight", utc("2026-03-28 23:00:00"), "2026-03-29"},
		{"SpringJustBeforeTheJump", utc("2026-03-29 00:59:59"), "2026-03-29"},     // 01:59:59 CET
		{"SpringJustAfterTheJump", utc("2026-03-29 01:00:00"), "2026-03-29"},      // 03:00 CEST
		{"SpringDayJustBeforeMidnight", utc("2026-03-29 21:59:59"), "2026-03-29"}, // 23:59:59 CEST
		{"SpringNextMidnight", utc("2026-03-29 22:00:00"), "2026-03-30"},
		// Fall back: 25 October 2026, 03:00 CEST becomes 02:00 CET (01:00 UTC).
		{"AutumnEveJustBeforeMidnight", utc("2026-10-24 21:59:59"), "2026-10-24"}, // 23:59:59 CEST
		{"AutumnDayMidnight", utc("2026-10-24 22:00:00"), "2026-10-25"},
		{"AutumnFirstTwoThirty", utc("2026-10-25 00:30:00"), "2026-10-25"},        // 02:30 CEST
		{"AutumnSecondTwoThirty", utc("2026-10-25 01:30:00"), "2026-10-25"},       // 02:30 CET
		{"AutumnDayJustBeforeMidnight", utc("2026-10-25 22:59:59"), "2026-10-25"}, // 23:59:59 CET
		{"AutumnNextMidnight", utc("2026-10-25 23:00:00"), "2026-10-26"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := CareDay(tt.at)
			want, _ := time.Parse(time.DateOnly, tt.want)
			if !got.Equal(want) || got.Location() != time.UTC {
				t.Errorf("CareDay(%s) = %s, want %s at UTC midnight", tt.at.Format(time.RFC3339), got, want)
			}
		})
	}
}

// amsterdamDayCopies are the ways a file can work out the Amsterdam day
// itself instead of calling CareDay: the date of a time moved into the zone,
// a time moved into the zone and then cut to a UTC midnight a few lines on,
// or a zone of its own.
var (
	amsterdamDate = regexp.MustCompile(`\.In\(([\w.]*\.)?Amsterdam\)\.Date\(\)`)
	intoAmsterdam = regexp.MustCompile(`\.In\(([\w.]*\.)?Amsterdam\)`)
	utcMidnight   = regexp.MustCompile(`0, 0, 0, 0, time\.UTC\)`)
	ownZone       = regexp.MustCompile(`LoadLocation\("Europe/Amsterdam"\)`)
)

// TestOneCareDayFunction fails when a non-test file outside package casus
// computes the day in Amsterdam itself: "today" has one definition,
// CareDay, so the jobs, the pages and the demo cannot disagree about it.
func TestOneCareDayFunction(t *testing.T) {
	var copies []string
	err := filepath.WalkDir(".", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if name := d.Name(); path != "." && (strings.HasPrefix(name, ".") || name == "testdata" || name == "node_modules") {
				return filepath.SkipDir
			}
			return nil
		}
		if filepath.Dir(path) == "." || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil // package casus itself, and tests, may
		}
		src, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		copies = append(copies, careDayCopies(path, string(src))...)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(copies) > 0 {
		t.Errorf("the Amsterdam day is computed outside casus.CareDay; call casus.CareDay(t) instead:\n%s", strings.Join(copies, "\n"))
	}
}

// careDayCopies returns "path:line" for every place in src that computes the
// Amsterdam day itself.
func careDayCopies(path, src string) []string {
	var found []string
	lines := strings.Split(src, "\n")
	for i, line := range lines {
		copied := amsterdamDate.MatchString(line) || ownZone.MatchString(line)
		if !copied && intoAmsterdam.MatchString(line) {
			for _, next := range lines[i:min(i+4, len(lines))] {
				copied = copied || utcMidnight.MatchString(next)
			}
		}
		if copied {
			found = append(found, fmt.Sprintf("%s:%d: %s", path, i+1, strings.TrimSpace(line)))
		}
	}
	return found
}

func TestCareDayCopiesAreFound(t *testing.T) {
	tests := []struct {
		name string
		src  string
		want int
	}{
		{"DateInZone", "y, m, d := s.now().In(i18n.Amsterdam).Date()\nreturn time.Date(y, m, d, 0, 0, 0, 0, time.UTC)", 1},
		{"FieldsInZone", "now := tx.Now().In(casus.Amsterdam)\ntoday := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC)", 1},
		{"OwnZone", `loc, _ := time.LoadLocation("Europe/Amsterdam")`, 1},
		{"CareDay", "today := casus.CareDay(tx.Now())", 0},
		{"ClockShown", `return t.In(casus.Amsterdam).Format("15:04")`, 0},
		{"StartOfDayInZone", "return time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, casus.Amsterdam)", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := careDayCopies("x.go", tt.src); len(got) != tt.want {
				t.Errorf("found %d copies, want %d: %v", len(got), tt.want, got)
			}
		})
	}
}
