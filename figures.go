package casus

import (
	"math"
	"slices"
	"time"
)

// Steering figures (SPEC §6): counts and lead times of the care teams'
// basic registration for the steering group, which sees aggregates only.
// Every count under a threshold is shown as "< threshold", and so many
// other cells are hidden with it that no total, difference or percentage
// gives it away (complementary suppression).

// RelSteering is the relation recorded in the access log when someone reads
// figures: they concern no student, so no student is named.
const RelSteering Relation = "steering"

// Threshold bounds: the installation setting stays within them.
const (
	DefaultFigureThreshold = 5
	MinFigureThreshold     = 3
	MaxFigureThreshold     = 50
)

// ValidFigureThreshold reports whether n may be the installation's threshold.
func ValidFigureThreshold(n int) bool { return n >= MinFigureThreshold && n <= MaxFigureThreshold }

// Period is a span of time [From, To) for figures.
type Period struct {
	From, To time.Time
}

// SchoolYear is the school year (1 August to 1 August, Amsterdam time) that
// holds t.
func SchoolYear(t time.Time) Period {
	t = t.In(Amsterdam)
	y := t.Year()
	if t.Month() < time.August {
		y--
	}
	return Period{From: time.Date(y, time.August, 1, 0, 0, 0, 0, Amsterdam), To: time.Date(y+1, time.August, 1, 0, 0, 0, 0, Amsterdam)}
}

// Months lists the first instants of the calendar months (Amsterdam time)
// the period touches, at most 60.
func (p Period) Months() []time.Time {
	var ms []time.Time
	f := p.From.In(Amsterdam)
	m := time.Date(f.Year(), f.Month(), 1, 0, 0, 0, 0, Amsterdam)
	for m.Before(p.To) && len(ms) < 60 {
		ms = append(ms, m)
		m = m.AddDate(0, 1, 0)
	}
	return ms
}

// Valid reports whether the period is a usable span: From before To, at
// most five years.
func (p Period) Valid() bool {
	return p.From.Before(p.To) && !p.To.After(p.From.AddDate(5, 0, 1))
}

// AgeBand is the age band of a student at a moment.
func AgeBand(birth, at time.Time) string {
	b, a := birth.UTC(), at.In(Amsterdam)
	age := a.Year() - b.Year()
	if a.Month() < b.Month() || a.Month() == b.Month() && a.Day() < b.Day() {
		age--
	}
	switch {
	case age < 12:
		return "0-11"
	case age < 16:
		return "12-15"
	case age < 18:
		return "16-17"
	case age < 21:
		return "18-20"
	}
	return "21+"
}

// AgeBands lists the age bands in order.
var AgeBands = []string{"0-11", "12-15", "16-17", "18-20", "21+"}

// Quantile returns the q-quantile (0 ≤ q ≤ 1) of xs by the nearest-rank
// method: the smallest value with at least q of the values at or below it.
// It returns 0 for no values.
func Quantile(xs []float64, q float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	k := int(math.Ceil(q*float64(len(s)))) - 1
	k = max(0, min(k, len(s)-1))
	return s[k]
}

// Suppression is which cells of a table with margins are hidden. The table
// is Cells (rows × columns); with more than one column the row totals are
// shown, and always the column totals and the grand total.
type Suppression struct {
	Cells    [][]bool
	RowTotal []bool // only meaningful with more than one column
	ColTotal []bool
	Total    bool
}

// Suppress decides which cells of cells (rows × cols, every row the same
// length) are hidden when the row totals (with more than one column), the
// column totals and the grand total are shown: every count under threshold
// (primary), and then more cells until no hidden count can be computed back
// from the shown ones by sums and differences (complementary). The extra
// cells are chosen smallest first, so as little as possible is hidden.
func Suppress(cells [][]int, threshold int) Suppression {
	g := newGrid(cells)
	hidden := make([]bool, len(g.vals))
	for i, v := range g.vals {
		hidden[i] = v < threshold
	}
	for {
		k := g.determined(hidden)
		if k < 0 {
			break
		}
		// Hide the smallest shown value on a line through k: that puts a
		// second unknown on it.
		best := -1
		for _, line := range g.lines {
			if !slices.Contains(line, k) {
				continue
			}
			for _, j := range line {
				if !hidden[j] && (best < 0 || g.vals[j] < g.vals[best]) {
					best = j
				}
			}
		}
		if best < 0 { // every line through k is hidden: hide everything
			for j := range hidden {
				hidden[j] = true
			}
			break
		}
		hidden[best] = true
	}
	return g.suppression(hidden)
}

// Recoverable returns, for a table and its suppression, which hidden cells
// are determined by the shown ones (sums along rows and columns): none,
// when the suppression is sound. Tests use it as the attacker.
func Recoverable(cells [][]int, s Suppression) []int {
	g := newGrid(cells)
	hidden := g.hiddenOf(s)
	var out []int
	for k := range g.vals {
		if hidden[k] && g.isDetermined(hidden, k) {
			out = append(out, k)
		}
	}
	return out
}

// grid is a table with its margins as one vector of values, and the lines
// (each a set of indices whose interior cells add up to its total, stored
// with the total last).
type grid struct {
	rows, cols int
	vals       []int
	lines      [][]int
	rowTotals  bool
}

// Index layout: interior r*cols+c, then row totals (if shown), then column
// totals, then the grand total.
func newGrid(cells [][]int) grid {
	g := grid{rows: len(cells)}
	if g.rows > 0 {
		g.cols = len(cells[0])
	}
	g.rowTotals = g.cols > 1
	for _, row := range cells {
		g.vals = append(g.vals, row...)
	}
	rt := len(g.vals)
	if g.rowTotals {
		for _, row := range cells {
			n := 0
			for _, v := range row {
				n += v
			}
			g.vals = append(g.vals, n)
		}
	}
	ct := len(g.vals)
	total := 0
	for c := 0; c < g.cols; c++ {
		n := 0
		for r := 0; r < g.rows; r++ {
			n += cells[r][c]
		}
		g.vals = append(g.vals, n)
		total += n
	}
	gt := len(g.vals)
	g.vals = append(g.vals, total)
	if g.rowTotals {
		for r := 0; r < g.rows; r++ {
			line := make([]int, 0, g.cols+1)
			for c := 0; c < g.cols; c++ {
				line = append(line, r*g.cols+c)
			}
			g.lines = append(g.lines, append(line, rt+r))
		}
		line := make([]int, 0, g.rows+1)
		for r := 0; r < g.rows; r++ {
			line = append(line, rt+r)
		}
		g.lines = append(g.lines, append(line, gt))
	}
	for c := 0; c < g.cols; c++ {
		line := make([]int, 0, g.rows+1)
		for r := 0; r < g.rows; r++ {
			line = append(line, r*g.cols+c)
		}
		g.lines = append(g.lines, append(line, ct+c))
	}
	line := make([]int, 0, g.cols+1)
	for c := 0; c < g.cols; c++ {
		line = append(line, ct+c)
	}
	g.lines = append(g.lines, append(line, gt))
	return g
}

func (g grid) suppression(hidden []bool) Suppression {
	s := Suppression{Cells: make([][]bool, g.rows), ColTotal: make([]bool, g.cols), RowTotal: make([]bool, g.rows)}
	i := 0
	for r := range s.Cells {
		s.Cells[r] = hidden[i : i+g.cols : i+g.cols]
		i += g.cols
	}
	if g.rowTotals {
		copy(s.RowTotal, hidden[i:i+g.rows])
		i += g.rows
	} else {
		for r := range s.RowTotal {
			s.RowTotal[r] = s.Cells[r][0]
		}
	}
	copy(s.ColTotal, hidden[i:i+g.cols])
	s.Total = hidden[i+g.cols]
	return s
}

func (g grid) hiddenOf(s Suppression) []bool {
	var h []bool
	for _, row := range s.Cells {
		h = append(h, row...)
	}
	if g.rowTotals {
		h = append(h, s.RowTotal...)
	}
	h = append(h, s.ColTotal...)
	return append(h, s.Total)
}

// determined returns the first hidden index the shown values determine, or
// -1.
func (g grid) determined(hidden []bool) int {
	m, unknown := g.equations(hidden)
	full := rank(m)
	for pos, k := range unknown {
		if rank(dropColumn(m, pos)) < full {
			return k
		}
	}
	return -1
}

// isDetermined reports whether hidden value k follows from the shown ones.
func (g grid) isDetermined(hidden []bool, k int) bool {
	m, unknown := g.equations(hidden)
	pos := slices.Index(unknown, k)
	return rank(dropColumn(m, pos)) < rank(m)
}

// equations writes the lines as linear equations in the hidden values (one
// column each, in the order of unknown): a hidden value is fixed by them
// exactly when dropping its column lowers the rank of the matrix.
func (g grid) equations(hidden []bool) (m [][]float64, unknown []int) {
	for j, h := range hidden {
		if h {
			unknown = append(unknown, j)
		}
	}
	for _, line := range g.lines {
		row := make([]float64, len(unknown))
		used := false
		for i, j := range line {
			if p := slices.Index(unknown, j); p >= 0 {
				used = true
				if i == len(line)-1 {
					row[p] = -1 // the total
				} else {
					row[p] = 1
				}
			}
		}
		if used {
			m = append(m, row)
		}
	}
	return m, unknown
}

func dropColumn(m [][]float64, pos int) [][]float64 {
	out := make([][]float64, len(m))
	for i, row := range m {
		out[i] = append(slices.Clone(row[:pos]), row[pos+1:]...)
	}
	return out
}

// rank is the rank of a small matrix by Gaussian elimination.
func rank(m [][]float64) int {
	a := make([][]float64, len(m))
	for i := range m {
		a[i] = slices.Clone(m[i])
	}
	r := 0
	if len(a) == 0 {
		return 0
	}
	for c := 0; c < len(a[0]) && r < len(a); c++ {
		p := -1
		for i := r; i < len(a); i++ {
			if math.Abs(a[i][c]) > 1e-9 && (p < 0 || math.Abs(a[i][c]) > math.Abs(a[p][c])) {
				p = i
			}
		}
		if p < 0 {
			continue
		}
		a[r], a[p] = a[p], a[r]
		for i := range a {
			if i != r && math.Abs(a[i][c]) > 1e-9 {
				f := a[i][c] / a[r][c]
				for j := c; j < len(a[i]); j++ {
					a[i][j] -= f * a[r][j]
				}
			}
		}
		r++
	}
	return r
}
