package web

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"html"
	"html/template"
	"net/http"
	"net/url"
	"strings"
	"time"

	"casus"
	"casus/app"
	"casus/i18n"
)

// figuresPage is the steering page: the figures, and the trend as a chart.
type figuresPage struct {
	app.FiguresPage
	Periods []string
	Chart   template.HTML
	CSVHref string    // the same period and scope, for the download
	LastDay time.Time // the period's last day
}

// figureQuery reads the chosen period and scope from the query string: they
// name teams or schools, never a student.
func figureQuery(r *http.Request) app.FigureQuery {
	q := r.URL.Query()
	return app.FigureQuery{Period: q.Get("period"), Scope: q.Get("scope")}
}

// handleFigures shows the steering figures (app.Figures).
func (s *Server) handleFigures(w http.ResponseWriter, r *http.Request) {
	page, err := s.app.Figures(r.Context(), s.actor(r), figureQuery(r), false)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	l := state(r).l
	q := url.Values{"period": {page.Query.Period}}
	if page.Query.Scope != "" {
		q.Set("scope", page.Query.Scope)
	}
	p := figuresPage{FiguresPage: page, Periods: app.FigurePeriods, Chart: barChart(page.Figures.Trend, l), CSVHref: "/figures.csv?" + q.Encode(),
		LastDay: page.Period.To.AddDate(0, 0, -1)}
	s.render(w, r, http.StatusOK, "figures", s.newView(r, "figures.title", p))
}

// handleFiguresCSV sends the same view as CSV: semicolons and UTF-8 with a
// byte order mark, as Dutch spreadsheets expect. Hidden counts stay hidden.
func (s *Server) handleFiguresCSV(w http.ResponseWriter, r *http.Request) {
	page, err := s.app.Figures(r.Context(), s.actor(r), figureQuery(r), true)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	var buf bytes.Buffer
	buf.WriteString("\ufeff")
	if err := writeFiguresCSV(&buf, page, state(r).l); err != nil {
		s.renderError(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="stuurinformatie.csv"`)
	w.Write(buf.Bytes())
}

// figureLabel is a row label of a table: literal, or a key to translate.
func figureLabel(t casus.FigureTable, r int, l *i18n.Localizer) string {
	if t.Literal {
		return csvSafe(t.Rows[r])
	}
	return l.T(t.Rows[r])
}

// writeFiguresCSV writes every table as lines of figure; row; column;
// value, with totals, and the lead times.
func writeFiguresCSV(buf *bytes.Buffer, page app.FiguresPage, l *i18n.Localizer) error {
	cw := csv.NewWriter(buf)
	cw.Comma = ';'
	cw.UseCRLF = true
	lines := [][]string{{l.T("figures.csv.figure"), l.T("figures.csv.row"), l.T("figures.csv.column"), l.T("figures.csv.value")},
		{l.T("figures.period"), l.Date(page.Period.From) + " – " + l.Date(page.Period.To.AddDate(0, 0, -1)), "", ""}}
	tables := append(append([]casus.FigureTable{}, page.Figures.Tables...), page.Figures.Trend)
	for _, t := range tables {
		title := l.T("figures." + t.ID + ".title")
		for r := range t.Rows {
			for c, col := range t.Cols {
				lines = append(lines, []string{title, figureLabel(t, r, l), l.T(col), t.Show(r, c)})
			}
			if len(t.Cols) > 1 {
				lines = append(lines, []string{title, figureLabel(t, r, l), l.T("figures.total"), t.RowTotal(r)})
			}
		}
		if t.NoTotal {
			continue
		}
		for c, col := range t.Cols {
			lines = append(lines, []string{title, l.T("figures.total"), l.T(col), t.ColTotal(c)})
		}
		if len(t.Cols) > 1 {
			lines = append(lines, []string{title, l.T("figures.total"), l.T("figures.total"), t.Total()})
		}
	}
	title := l.T("figures.lead.title")
	for _, lt := range page.Figures.LeadTimes {
		row := l.T("figures.lead." + lt.ID)
		if lt.N == 0 {
			lines = append(lines, []string{title, row, l.T("figures.lead.n"), "0"})
			continue
		}
		if lt.Hidden {
			lines = append(lines, []string{title, row, l.T("figures.lead.n"), fmt.Sprintf("< %d", lt.Threshold)})
			continue
		}
		lines = append(lines, []string{title, row, l.T("figures.lead.n"), fmt.Sprint(lt.N)},
			[]string{title, row, l.T("figures.lead.median"), casus.Days(lt.Median)},
			[]string{title, row, l.T("figures.lead.p90"), casus.Days(lt.P90)})
	}
	if err := cw.WriteAll(lines); err != nil {
		return err
	}
	return cw.Error()
}

// barChart draws a one-column table as vertical bars, by hand: an SVG the
// server sends, so no script runs and it prints. A hidden count has no bar
// and is labelled "< n". The table beside it carries the same data.
func barChart(t casus.FigureTable, l *i18n.Localizer) template.HTML {
	const w, h, top, bottom, left = 720, 240, 24, 40, 8
	n := len(t.Rows)
	if n == 0 {
		return ""
	}
	peak := 1
	for r := range t.Rows {
		peak = max(peak, t.Value(r, 0))
	}
	slot := float64(w-left) / float64(n)
	var b strings.Builder
	title := html.EscapeString(l.T("figures.trend.title"))
	desc := html.EscapeString(l.T("figures.chart.desc"))
	fmt.Fprintf(&b, `<svg class="casus-chart" viewBox="0 0 %d %d" role="img" aria-labelledby="chart-trend-title chart-trend-desc" xmlns="http://www.w3.org/2000/svg">`, w, h)
	fmt.Fprintf(&b, `<title id="chart-trend-title">%s</title><desc id="chart-trend-desc">%s</desc>`, title, desc)
	fmt.Fprintf(&b, `<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="#444" stroke-width="1"/>`, left, h-bottom, w, h-bottom)
	for r := range t.Rows {
		x := float64(left) + float64(r)*slot
		label := t.Rows[r]
		if len(label) == 7 { // 2006-01: the month, with the year under January and the first bar
			label = label[5:]
		}
		fmt.Fprintf(&b, `<text x="%.1f" y="%d" text-anchor="middle" font-size="12" fill="#222">%s</text>`, x+slot/2, h-bottom+16, html.EscapeString(label))
		if r == 0 || strings.HasSuffix(t.Rows[r], "-01") {
			fmt.Fprintf(&b, `<text x="%.1f" y="%d" text-anchor="middle" font-size="11" fill="#222">%s</text>`, x+slot/2, h-bottom+31, html.EscapeString(t.Rows[r][:min(4, len(t.Rows[r]))]))
		}
		v := t.Value(r, 0)
		if v < 0 {
			fmt.Fprintf(&b, `<text x="%.1f" y="%d" text-anchor="middle" font-size="12" fill="#222">%s</text>`, x+slot/2, h-bottom-6, html.EscapeString(t.Show(r, 0)))
			continue
		}
		if v == 0 {
			continue
		}
		bh := float64(h-top-bottom) * float64(v) / float64(peak)
		fmt.Fprintf(&b, `<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="#154273"/>`, x+slot*0.15, float64(h-bottom)-bh, slot*0.7, bh)
		fmt.Fprintf(&b, `<text x="%.1f" y="%.1f" text-anchor="middle" font-size="12" fill="#222">%d</text>`, x+slot/2, float64(h-bottom)-bh-4, v)
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}
