package web

import (
	"bytes"
	"net/http"

	"codeberg.org/go-pdf/fpdf"
	"golang.org/x/image/font/gofont/gobold"
	"golang.org/x/image/font/gofont/goregular"
)

// newPDF starts an A4 document with the Go fonts ("go", regular and bold),
// which cover the accented letters of Dutch names, and its first page;
// footer gives each page's footer line from the page number.
func newPDF(title, lang string, footer func(page int) string) *fpdf.Fpdf {
	pdf := fpdf.New("P", "mm", "A4", "")
	pdf.SetTitle(title, true)
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
