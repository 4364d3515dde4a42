package web

import (
	"bytes"
	"net/http"
	"strings"

	"casus"
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
	switch r.URL.Query().Get("done") {
	case "final":
		v.Notice = "minutes.finalised"
	case "attendance":
		v.Notice = "attendance.saved"
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

// handleAttendance records who was at the meeting: a status per expected
// person, as fields "a-<user id>" (app.SaveAttendance).
func (s *Server) handleAttendance(w http.ResponseWriter, r *http.Request) {
	f, err := parseForm(w, r)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	att := map[string]casus.AttendanceStatus{}
	for name := range f.Values {
		if id, ok := strings.CutPrefix(name, "a-"); ok {
			att[id] = casus.AttendanceStatus(f.choice(name, true, stringsOf(casus.AttendanceStatuses)...))
		}
	}
	id := r.PathValue("id")
	err = s.app.SaveAttendance(r.Context(), s.actor(r), id, att, f.Errs)
	if errs, ok := validationErrors(err); ok {
		page, err := s.app.PrintMinutes(r.Context(), s.actor(r), id)
		if err != nil {
			s.renderError(w, r, err)
			return
		}
		v := s.newView(r, "minutes.page_title", page)
		f.Errs = errs
		v.Form = f
		s.render(w, r, http.StatusBadRequest, "minutes", v)
		return
	}
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	http.Redirect(w, r, "/meetings/"+id+"/minutes?done=attendance#aanwezigheid", http.StatusSeeOther)
}
