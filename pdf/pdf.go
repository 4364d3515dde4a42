package pdf

import (
	"strings"
	"unicode"

	"codeberg.org/go-pdf/fpdf"
	"golang.org/x/image/font/gofont/gobold"
	"golang.org/x/image/font/gofont/goregular"
)

// doc is an fpdf document whose text calls replace what the fonts cannot
// hold: fpdf refuses characters beyond the Basic Multilingual Plane (an
// emoji in a care entry), which would leave the document unavailable.
type doc struct{ *fpdf.Fpdf }

// safe replaces the characters fpdf cannot write with U+FFFD.
func safe(s string) string {
	return strings.Map(func(r rune) rune {
		if r > 0xFFFF {
			return unicode.ReplacementChar
		}
		return r
	}, s)
}

// CellFormat is fpdf's, with safe text.
func (p doc) CellFormat(w, h float64, txt, border string, ln int, align string, fill bool, link int, linkStr string) {
	p.Fpdf.CellFormat(w, h, safe(txt), border, ln, align, fill, link, linkStr)
}

// MultiCell is fpdf's, with safe text.
func (p doc) MultiCell(w, h float64, txt, border, align string, fill bool) {
	p.Fpdf.MultiCell(w, h, safe(txt), border, align, fill)
}

// newDoc starts an A4 document with the Go fonts ("go", regular and bold),
// which cover the accented letters of Dutch names, and its first page;
// footer gives each page's footer line from the page number.
func newDoc(title, lang string, footer func(page int) string) doc {
	pdf := doc{fpdf.New("P", "mm", "A4", "")}
	pdf.SetTitle(safe(title), true)
	pdf.SetLang(lang)
	pdf.AddUTF8FontFromBytes("go", "", goregular.TTF)
	pdf.AddUTF8FontFromBytes("go", "B", gobold.TTF)
	pdf.SetMargins(20, 20, 20)
	pdf.SetAutoPageBreak(true, 20)
	pdf.SetFooterFunc(func() {
		pdf.SetY(-15)
		pdf.SetFont("go", "", 8)
		pdf.CellFormat(0, 5, footer(pdf.PageNo()), "", 0, "L", false, 0, "")
	})
	pdf.AddPage()
	return pdf
}
