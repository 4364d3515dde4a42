package casus

import (
	"fmt"
	"math"
	"slices"
	"strconv"
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
// column totals and the grand total are shown: every count from 1 to under threshold
// (primary; zero is shown), and then more cells until no hidden count can be computed back
// from the shown ones by sums and differences (complementary). The extra
// cells are chosen smallest first, so as little as possible is hidden.
func Suppress(cells [][]int, threshold int) Suppression {
	return SuppressCols(cells, colsOf(cells), threshold)
}

// SuppressCols is Suppress for a table of cols columns that may have no rows.
func SuppressCols(cells [][]int, cols, threshold int) Suppression {
	g := newGrid(cells, cols)
	hidden := make([]bool, len(g.vals))
	for i, v := range g.vals {
		hidden[i] = small(v, threshold)
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
				if !hidden[j] && (best < 0 || rankOf(g.vals[j]) < rankOf(g.vals[best])) {
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
	g := newGrid(cells, colsOf(cells))
	hidden := g.hiddenOf(s)
	var out []int
	for k := range g.vals {
		if hidden[k] && g.isDetermined(hidden, k) {
			out = append(out, k)
		}
	}
	return out
}

// small reports whether a count is hidden for itself: from 1 to under the
// threshold. Zero is shown: it names nobody.
func small(n, threshold int) bool { return n > 0 && n < threshold }

// rankOf orders candidates for complementary hiding: the smallest count
// first, a zero last (hiding a zero that is plainly zero protects little).
func rankOf(n int) int {
	if n == 0 {
		return math.MaxInt
	}
	return n
}

func colsOf(cells [][]int) int {
	if len(cells) == 0 {
		return 1
	}
	return len(cells[0])
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
func newGrid(cells [][]int, cols int) grid {
	g := grid{rows: len(cells), cols: cols}
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

// FigureFilter selects what steering figures count: the period, the teams
// (never empty), and optionally one school.
type FigureFilter struct {
	Period   Period
	TeamIDs  []string
	SchoolID string
}

// ReferralFact is one referral submitted in the period, as far as figures
// need it: no student, no text.
type ReferralFact struct {
	TeamKind    TeamKind
	School      string
	AgeBand     string
	Referrer    Discipline // the referrer's discipline
	State       ReferralState
	SubmittedAt time.Time
	DecidedAt   time.Time // zero: not decided yet
	DiscussedAt time.Time // first meeting that discussed it; zero: none yet
	ClosedAt    time.Time // the case's closure; zero: not closed
}

// ActionFact is one action agreed in the period.
type ActionFact struct {
	Status ActionStatus
	DueOn  time.Time
	DoneAt time.Time // zero: not done
}

// FigureFacts is what storage finds for a filter: the rows the figures are
// computed from, and counts.
type FigureFacts struct {
	Referrals        []ReferralFact
	Actions          []ActionFact
	Students         int // distinct students behind the referrals and actions
	Closures         map[CloseReason]int
	Escalations      int // intern cases taken to the ZAT
	Crises           int
	DirectHelp       int
	ConsentRefused   int
	ConsentWithdrawn int
}

// FigureTable is one table of figures: counts per row (and column), with
// what is hidden. Labels are i18n keys unless Literal says they are shown as
// they are (school names, months).
type FigureTable struct {
	ID        string // stable name, also the key of its title and definition
	Rows      []string
	Cols      []string // i18n keys of the columns; one column for a list
	Literal   bool     // the row labels are shown as they are
	Cells     [][]int
	Hide      Suppression
	NoTotal   bool // the rows are separate counts, not parts of a whole
	Threshold int
}

// Show returns how cell r, c is shown: the count or "< threshold".
func (t FigureTable) Show(r, c int) string { return t.show(t.Cells[r][c], t.Hide.Cells[r][c]) }

// RowTotal returns how row r's total is shown.
func (t FigureTable) RowTotal(r int) string {
	n := 0
	for _, v := range t.Cells[r] {
		n += v
	}
	return t.show(n, t.Hide.RowTotal[r])
}

// ColTotal returns how column c's total is shown.
func (t FigureTable) ColTotal(c int) string {
	n := 0
	for r := range t.Cells {
		n += t.Cells[r][c]
	}
	return t.show(n, t.Hide.ColTotal[c])
}

// Total returns how the grand total is shown.
func (t FigureTable) Total() string { return t.show(t.total(), t.Hide.Total) }

func (t FigureTable) total() int {
	n := 0
	for _, row := range t.Cells {
		for _, v := range row {
			n += v
		}
	}
	return n
}

// Share returns cell r, c as a percentage of its column's total, or "" when
// either is hidden (a percentage of a hidden count would give it away).
func (t FigureTable) Share(r, c int) string {
	if t.Hide.Cells[r][c] || t.Hide.ColTotal[c] || t.NoTotal {
		return ""
	}
	n := 0
	for i := range t.Cells {
		n += t.Cells[i][c]
	}
	if n == 0 {
		return ""
	}
	return fmt.Sprintf("%d%%", int(math.Round(100*float64(t.Cells[r][c])/float64(n))))
}

// Value returns cell r, c for a chart: the count, or -1 when hidden.
func (t FigureTable) Value(r, c int) int {
	if t.Hide.Cells[r][c] {
		return -1
	}
	return t.Cells[r][c]
}

func (t FigureTable) show(n int, hidden bool) string {
	if hidden {
		return fmt.Sprintf("< %d", t.Threshold)
	}
	return fmt.Sprint(n)
}

// LeadTime is a lead time in days over the referrals that reached both
// moments: median and 90th percentile, hidden when fewer than the threshold.
type LeadTime struct {
	ID          string
	N           int
	Median, P90 float64
	Hidden      bool
	Threshold   int
}

// Figures is the steering view of one filter.
type Figures struct {
	Threshold int
	Tables    []FigureTable
	Trend     FigureTable
	LeadTimes []LeadTime
}

// Table returns the table with the id, or a zero table.
func (f Figures) Table(id string) FigureTable {
	for _, t := range f.Tables {
		if t.ID == id {
			return t
		}
	}
	if f.Trend.ID == id {
		return f.Trend
	}
	return FigureTable{}
}

// ComputeFigures turns the facts of a filter into the figures shown:
// counts per category with small ones hidden and their complements, the
// trend per month and the lead times. now decides which open actions are
// overdue.
func ComputeFigures(facts FigureFacts, p Period, threshold int, now time.Time) Figures {
	f := Figures{Threshold: threshold}
	table := func(id string, rows, cols []string, literal bool, cells [][]int) FigureTable {
		return FigureTable{ID: id, Rows: rows, Cols: cols, Literal: literal, Cells: cells, Hide: SuppressCols(cells, len(cols), threshold), Threshold: threshold}
	}
	list := func(id, prefix string, keys []string, count func(key string) int) FigureTable {
		rows := make([]string, len(keys))
		cells := make([][]int, len(keys))
		for i, k := range keys {
			rows[i], cells[i] = prefix+k, []int{count(k)}
		}
		return table(id, rows, []string{"figures.count"}, false, cells)
	}
	refs := facts.Referrals

	// Referrals by school and team kind.
	var schools []string
	for _, r := range refs {
		if !slices.Contains(schools, r.School) {
			schools = append(schools, r.School)
		}
	}
	slices.Sort(schools)
	kinds := []TeamKind{TeamIntern, TeamZAT}
	cells := make([][]int, len(schools))
	for i := range cells {
		cells[i] = make([]int, len(kinds))
	}
	for _, r := range refs {
		cells[slices.Index(schools, r.School)][slices.Index(kinds, r.TeamKind)]++
	}
	f.Tables = append(f.Tables, table("by_school", schools, []string{"figures.kind.intern", "figures.kind.zat"}, true, cells))

	countRefs := func(match func(ReferralFact) bool) int {
		n := 0
		for _, r := range refs {
			if match(r) {
				n++
			}
		}
		return n
	}
	f.Tables = append(f.Tables, list("by_age", "figures.age.", AgeBands, func(k string) int {
		return countRefs(func(r ReferralFact) bool { return r.AgeBand == k })
	}))
	var discs []string
	for _, r := range refs {
		if !slices.Contains(discs, string(r.Referrer)) {
			discs = append(discs, string(r.Referrer))
		}
	}
	slices.Sort(discs)
	f.Tables = append(f.Tables, list("by_referrer", "discipline.", discs, func(k string) int {
		return countRefs(func(r ReferralFact) bool { return string(r.Referrer) == k })
	}))
	outcome := func(r ReferralFact) string {
		switch r.State {
		case RefAccepted, RefReturned, RefRedirected:
			return string(r.State)
		}
		return "pending"
	}
	f.Tables = append(f.Tables, list("triage", "figures.triage.", []string{"accepted", "returned", "redirected", "pending"}, func(k string) int {
		return countRefs(func(r ReferralFact) bool { return outcome(r) == k })
	}))

	// Actions: a partition by where they stand.
	today := CareDay(now)
	actionState := func(a ActionFact) string {
		due := CareDay(a.DueOn).AddDate(0, 0, 1) // done on the due day is on time
		switch {
		case a.Status == ActionDone && !a.DoneAt.IsZero() && a.DoneAt.Before(due):
			return "on_time"
		case a.Status == ActionDone:
			return "late"
		case a.Status == ActionCancelled:
			return "cancelled"
		case CareDay(a.DueOn).Before(today):
			return "overdue"
		}
		return "running"
	}
	f.Tables = append(f.Tables, list("actions", "figures.action.", []string{"on_time", "late", "overdue", "running", "cancelled"}, func(k string) int {
		n := 0
		for _, a := range facts.Actions {
			if actionState(a) == k {
				n++
			}
		}
		return n
	}))
	reasons := make([]string, len(CloseReasons))
	for i, r := range CloseReasons {
		reasons[i] = string(r)
	}
	f.Tables = append(f.Tables, list("closures", "closure.reason.", reasons, func(k string) int { return facts.Closures[CloseReason(k)] }))

	// Separate counts: each hidden on its own, no total.
	events := []struct {
		key string
		n   int
	}{{"escalations", facts.Escalations}, {"crises", facts.Crises}, {"direct_help", facts.DirectHelp},
		{"consent_refused", facts.ConsentRefused}, {"consent_withdrawn", facts.ConsentWithdrawn}}
	ev := FigureTable{ID: "events", Cols: []string{"figures.count"}, NoTotal: true, Threshold: threshold}
	for _, e := range events {
		ev.Rows = append(ev.Rows, "figures.event."+e.key)
		ev.Cells = append(ev.Cells, []int{e.n})
		ev.Hide.Cells = append(ev.Hide.Cells, []bool{small(e.n, threshold)})
		ev.Hide.RowTotal = append(ev.Hide.RowTotal, small(e.n, threshold))
	}
	ev.Hide.ColTotal, ev.Hide.Total = []bool{true}, true
	f.Tables = append(f.Tables, ev)

	// Trend: referrals per month of the period.
	months := p.Months()
	labels := make([]string, len(months))
	cells = make([][]int, len(months))
	for i, m := range months {
		labels[i], cells[i] = m.Format("2006-01"), []int{0}
	}
	for _, r := range refs {
		s := r.SubmittedAt.In(Amsterdam)
		if i := slices.Index(labels, s.Format("2006-01")); i >= 0 {
			cells[i][0]++
		}
	}
	f.Trend = table("trend", labels, []string{"figures.count"}, true, cells)

	// Lead times in days.
	lead := func(id string, end func(ReferralFact) time.Time) LeadTime {
		var days []float64
		for _, r := range refs {
			if e := end(r); !e.IsZero() && !e.Before(r.SubmittedAt) {
				days = append(days, e.Sub(r.SubmittedAt).Hours()/24)
			}
		}
		return LeadTime{ID: id, N: len(days), Median: Quantile(days, 0.5), P90: Quantile(days, 0.9),
			Hidden: small(len(days), threshold), Threshold: threshold}
	}
	f.LeadTimes = []LeadTime{
		lead("decision", func(r ReferralFact) time.Time { return r.DecidedAt }),
		lead("discussion", func(r ReferralFact) time.Time { return r.DiscussedAt }),
		lead("closure", func(r ReferralFact) time.Time { return r.ClosedAt }),
	}
	return f
}

// Days shows a number of days with one decimal.
func Days(d float64) string { return strconv.FormatFloat(math.Round(d*10)/10, 'f', 1, 64) }
