package casus_test

import (
	"math/rand/v2"
	"testing"
	"time"

	"casus"
)

// TestSuppress: a steering group member who reads the figures cannot
// compute a hidden count back from the shown ones, whatever the table.
func TestSuppress(t *testing.T) {
	check := func(t *testing.T, cells [][]int, threshold int) {
		t.Helper()
		s := casus.Suppress(cells, threshold)
		for r, row := range cells {
			for c, v := range row {
				if v > 0 && v < threshold && !s.Cells[r][c] {
					t.Fatalf("cell %d,%d = %d under %d shown in %v", r, c, v, threshold, cells)
				}
			}
		}
		if got := casus.Recoverable(cells, s); len(got) > 0 {
			t.Fatalf("hidden values %v can be recomputed in %v (suppression %+v)", got, cells, s)
		}
	}
	t.Run("OK/RandomTables", func(t *testing.T) {
		rng := rand.New(rand.NewPCG(13, 5))
		for range 400 {
			rows, cols := 1+rng.IntN(7), 1+rng.IntN(4)
			cells := make([][]int, rows)
			for r := range cells {
				cells[r] = make([]int, cols)
				for c := range cells[r] {
					if rng.IntN(3) == 0 {
						cells[r][c] = rng.IntN(5) // small: under the threshold
					} else {
						cells[r][c] = rng.IntN(40)
					}
				}
			}
			check(t, cells, 3+rng.IntN(5))
		}
	})
	t.Run("OK/OneSmallCellTakesAPartner", func(t *testing.T) {
		cells := [][]int{{20}, {3}, {9}, {30}}
		s := casus.Suppress(cells, 5)
		if !s.Cells[1][0] || !s.Cells[2][0] || s.Cells[0][0] || s.Cells[3][0] || s.Total {
			t.Errorf("suppression %+v, want the 3 and the next smallest (9) hidden, the total shown", s)
		}
		check(t, cells, 5)
	})
	t.Run("OK/NothingSmallHidesNothing", func(t *testing.T) {
		s := casus.Suppress([][]int{{10, 12}, {8, 30}}, 5)
		for _, row := range s.Cells {
			for _, h := range row {
				if h {
					t.Fatalf("suppression %+v hides a large cell", s)
				}
			}
		}
	})
	t.Run("Refused/NaiveSuppressionIsRecoverable", func(t *testing.T) {
		cells := [][]int{{20, 3}, {15, 30}}
		naive := casus.Suppression{Cells: [][]bool{{false, true}, {false, false}}, RowTotal: make([]bool, 2), ColTotal: make([]bool, 2)}
		if got := casus.Recoverable(cells, naive); len(got) != 1 {
			t.Errorf("Recoverable(only the 3 hidden) = %v, want the 3 found", got)
		}
	})
}

func TestQuantile(t *testing.T) {
	xs := []float64{9, 1, 5, 3, 7, 2, 8, 4, 6, 10}
	for _, tc := range []struct {
		q    float64
		want float64
	}{{0.5, 5}, {0.9, 9}, {1, 10}, {0, 1}} {
		if got := casus.Quantile(xs, tc.q); got != tc.want {
			t.Errorf("Quantile(%v) = %v, want %v", tc.q, got, tc.want)
		}
	}
	if got := casus.Quantile(nil, 0.5); got != 0 {
		t.Errorf("Quantile(nil) = %v", got)
	}
}

func TestSchoolYear(t *testing.T) {
	p := casus.SchoolYear(time.Date(2026, 12, 5, 12, 0, 0, 0, time.UTC))
	if p.From.Year() != 2026 || p.From.Month() != time.August || p.To.Year() != 2027 {
		t.Errorf("SchoolYear(Dec 2026) = %v", p)
	}
	if n := len(p.Months()); n != 12 {
		t.Errorf("months = %d, want 12", n)
	}
	p = casus.SchoolYear(time.Date(2027, 3, 1, 0, 0, 0, 0, time.UTC))
	if p.From.Year() != 2026 {
		t.Errorf("SchoolYear(Mar 2027) = %v", p)
	}
}

func TestAgeBand(t *testing.T) {
	birth := time.Date(2010, 6, 15, 0, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		at   time.Time
		want string
	}{
		{time.Date(2026, 6, 14, 12, 0, 0, 0, time.UTC), "12-15"},
		{time.Date(2026, 6, 15, 12, 0, 0, 0, time.UTC), "16-17"},
		{time.Date(2031, 6, 15, 12, 0, 0, 0, time.UTC), "21+"},
	} {
		if got := casus.AgeBand(birth, tc.at); got != tc.want {
			t.Errorf("AgeBand(%v) = %s, want %s", tc.at, got, tc.want)
		}
	}
}
