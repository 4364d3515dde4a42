package web

import (
	"bytes"
	"net/http"
	"strings"
	"unicode"

	"codeberg.org/go-pdf/fpdf"
	"golang.org/x/image/font/gofont/gobold"
	"golang.org/x/image/font/gofont/goregular"
)

// pdfDoc is an fpdf document whose text calls replace what the fonts
// cannot hold: fpdf refuses characters beyond the Basic Multilingual Plane
// (an emoji in a care entry), which would leave the export unavailable.
type pdfDoc struct{ *fpdf.Fpdf }

// pdfSafe replaces the characters fpdf cannot write with U+FFFD.
func pdfSafe(s string) string {
	return strings.Map(func(r rune) rune {
		if r > 0xFFFF {
			return unicode.ReplacementChar
		}
		return r
	}, s)
}

// CellFormat is fpdf's, with pdfSafe text.
func (p pdfDoc) CellFormat(w, h float64, txt, border string, ln int, align string, fill bool, link int, linkStr string) {
	p.Fpdf.CellFormat(w, h, pdfSafe(txt), border, ln, align, fill, link, linkStr)
}

// MultiCell is fpdf's, with pdfSafe text.
func (p pdfDoc) MultiCell(w, h float64, txt, border, align string, fill bool) {
	p.Fpdf.MultiCell(w, h, pdfSafe(txt), border, align, fill)
}

// newPDF starts an A4 document with the Go fonts ("go", regular and bold),
// which cover the accented letters of Dutch names, and its first page;
// footer gives each page's footer line from the page number.
func newPDF(title, lang string, footer func(page int) string) pdfDoc {
	pdf := pdfDoc{fpdf.New("P", "mm", "A4", "")}
	pdf.SetTitle(pdfSafe(title), true)
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

// sendPDF writes the document with write and sends it as a download named
// fileName; a failure to write it is answered as an error page.
func (s *Server) sendPDF(w http.ResponseWriter, r *http.Request, fileName string, write func(*bytes.Buffer) error) {
	var buf bytes.Buffer
	if err := write(&buf); err != nil {
		s.renderError(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "application/pdf")
	w.Header().Set("Content-Disposition", `attachment; filename="`+fileName+`"`)
	w.Write(buf.Bytes())
}
