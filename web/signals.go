package web

import (
	"net/http"

	"casus"
)

// Limits of the signal form's fields, in characters.
const (
	signalTitleMax = 200
	signalTextMax  = 4000
)

// handleSignals shows the register of policy signals (app.Signals).
func (s *Server) handleSignals(w http.ResponseWriter, r *http.Request) {
	s.signals(w, r, nil, http.StatusOK)
}

// signals renders the register; f is a response form to show again.
func (s *Server) signals(w http.ResponseWriter, r *http.Request, f *form, status int) {
	page, err := s.app.Signals(r.Context(), s.actor(r))
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	v := s.newView(r, "signal.title", page)
	v.Form = f
	switch r.URL.Query().Get("done") {
	case "sent":
		v.Notice = "signal.sent"
	case "answered":
		v.Notice = "signal.answered"
	case "closed":
		v.Notice = "signal.closed"
	}
	s.render(w, r, status, "signals", v)
}

// handleSignalForm shows the chair the form to report a signal for the team
// (app.SignalFormFor).
func (s *Server) handleSignalForm(w http.ResponseWriter, r *http.Request) {
	page, err := s.app.SignalFormFor(r.Context(), s.actor(r), r.PathValue("id"))
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	v := s.newView(r, "signal.new_title", page)
	v.Form = &form{}
	s.render(w, r, http.StatusOK, "signal_new", v)
}

// handleSignal reports the signal to the steering group (app.RecordSignal).
func (s *Server) handleSignal(w http.ResponseWriter, r *http.Request) {
	f, err := parseForm(w, r)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	sg := casus.PolicySignal{TeamID: r.PathValue("id"),
		Title:        f.text("title", textRule{required: true, max: signalTitleMax}),
		Description:  f.paragraphs("description", textRule{required: true, max: signalTextMax}),
		PartnerOrgID: f.text("partner", textRule{max: 64}),
	}
	cases := f.Values["cases"]
	page, err := s.app.RecordSignal(r.Context(), s.actor(r), sg, cases, f.Errs)
	if errs, ok := validationErrors(err); ok {
		f.Errs = errs
		v := s.newView(r, "signal.new_title", page)
		v.Form = f
		s.render(w, r, http.StatusBadRequest, "signal_new", v)
		return
	}
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	http.Redirect(w, r, "/signals?done=sent", http.StatusSeeOther)
}

// handleSignalResponse records the steering group's response
// (app.RespondToSignal).
func (s *Server) handleSignalResponse(w http.ResponseWriter, r *http.Request) {
	f, err := parseForm(w, r)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	response := f.paragraphs("response", textRule{required: true, max: signalTextMax})
	err = s.app.RespondToSignal(r.Context(), s.actor(r), r.PathValue("id"), response, f.Errs)
	if errs, ok := validationErrors(err); ok {
		f.Errs = errs
		f.Values.Set("signal", r.PathValue("id"))
		s.signals(w, r, f, http.StatusBadRequest)
		return
	}
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	http.Redirect(w, r, "/signals?done=answered", http.StatusSeeOther)
}

// handleSignalClose closes a signal, for its team's chair (app.CloseSignal).
func (s *Server) handleSignalClose(w http.ResponseWriter, r *http.Request) {
	if _, err := parseForm(w, r); err != nil {
		s.renderError(w, r, err)
		return
	}
	if err := s.app.CloseSignal(r.Context(), s.actor(r), r.PathValue("id")); err != nil {
		s.renderError(w, r, err)
		return
	}
	http.Redirect(w, r, "/signals?done=closed", http.StatusSeeOther)
}

