package web

import (
	"bytes"
	"net/http"

	"casus/pdf"
)

// handleMinutes shows the minutes as a print view (app.PrintMinutes).
func (s *Server) handleMinutes(w http.ResponseWriter, r *http.Request) {
	page, err := s.app.PrintMinutes(r.Context(), s.actor(r), r.PathValue("id"))
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	v := s.newView(r, "minutes.page_title", page)
	if r.URL.Query().Get("done") == "final" {
		v.Notice = "minutes.finalised"
	}
	s.render(w, r, http.StatusOK, "minutes", v)
}

// handleMinutesPDF sends the minutes as a PDF download, with the same items
// (app.ExportMinutes, laid out by pdf.Minutes).
func (s *Server) handleMinutesPDF(w http.ResponseWriter, r *http.Request) {
	page, err := s.app.ExportMinutes(r.Context(), s.actor(r), r.PathValue("id"))
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	s.sendPDF(w, r, "notulen.pdf", func(buf *bytes.Buffer) error { return pdf.Minutes(buf, page, state(r).l) })
}

// handleMinutesFinal makes the minutes final and tells each attendee they
// are ready (app.FinaliseMinutes).
func (s *Server) handleMinutesFinal(w http.ResponseWriter, r *http.Request) {
	if _, err := parseForm(w, r); err != nil {
		s.renderError(w, r, err)
		return
	}
	id := r.PathValue("id")
	if err := s.app.FinaliseMinutes(r.Context(), s.actor(r), id); err != nil {
		s.renderError(w, r, err)
		return
	}
	http.Redirect(w, r, "/meetings/"+id+"/minutes?done=final", http.StatusSeeOther)
}
