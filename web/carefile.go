package web

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"time"

	"casus"
	"casus/app"
)

// careEntryPage is the form for a new entry or a correction.
type careEntryPage struct {
	app.CareEntryForm
	Kinds []casus.EntryKind
}

func (s *Server) careEntryView(r *http.Request, page app.CareEntryForm, f *form) *view {
	title := "care.new_title"
	if page.Correct {
		title = "care.correct_title"
	}
	v := s.newView(r, title, careEntryPage{CareEntryForm: page, Kinds: casus.EntryKinds})
	v.Form = f
	return v
}

// today is the current day in Dutch time, as a UTC midnight like dates are
// stored.
func (s *Server) today() time.Time {
	return casus.CareDay(s.now())
}

// handleCareNew shows the form for a new entry. The kind in the query is
// preselected (the student page's "log a signal" link), the date is today
// and the visibility the widest the user may give, so a mentor types only
// what they saw.
func (s *Server) handleCareNew(w http.ResponseWriter, r *http.Request) {
	page, err := s.app.CareEntryFormFor(r.Context(), s.actor(r), r.PathValue("id"))
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	kind := casus.EntryKind(r.URL.Query().Get("kind"))
	if !kind.Valid() {
		kind = casus.EntrySignal
	}
	f := &form{Values: url.Values{"kind": {string(kind)}, "occurred_on": {s.today().Format(time.DateOnly)},
		"visibility": {string(page.Visibility[0])}, "sector": {string(page.Sector)}}}
	s.render(w, r, http.StatusOK, "care_entry", s.careEntryView(r, page, f))
}

// entryInput is a validated entry form.
type entryInput struct {
	v      casus.EntryVersion
	sector casus.Sector
}

// parseEntry validates the fields an entry and a correction share.
func (s *Server) parseEntry(f *form) entryInput {
	var in entryInput
	in.v.Kind = casus.EntryKind(f.choice("kind", true, stringsOf(casus.EntryKinds)...))
	in.v.OccurredOn = s.careDateField(f, "occurred_on")
	in.v.Text = f.paragraphs("text", textRule{required: true, max: casus.MaxEntryText})
	in.v.Visibility = casus.Visibility(f.choice("visibility", true, stringsOf(casus.Visibilities)...))
	in.sector = casus.Sector(f.choice("sector", false, "po", "vo", "mbo"))
	return in
}

// handleCareCreate adds an entry to the student's care file
// (app.AddCareEntry). An invalid form is shown again without reading
// anything: it offers the visibilities the user's roles could give.
func (s *Server) handleCareCreate(w http.ResponseWriter, r *http.Request) {
	f, err := parseForm(w, r)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	in := s.parseEntry(f)
	id := r.PathValue("id")
	if f.Errs != nil {
		page := app.CareEntryForm{StudentID: id, Sector: in.sector, Visibility: app.PossibleCareVisibilities(*state(r).user)}
		s.render(w, r, http.StatusBadRequest, "care_entry", s.careEntryView(r, page, f))
		return
	}
	if _, err := s.app.AddCareEntry(r.Context(), s.actor(r), id, in.v); err != nil {
		s.renderError(w, r, err)
		return
	}
	http.Redirect(w, r, "/students/"+id+"?saved=care#zorgdossier", http.StatusSeeOther)
}

// handleCareEntry shows an entry and its history: every version, who wrote
// it, when and why it was corrected (app.CareEntryHistory).
func (s *Server) handleCareEntry(w http.ResponseWriter, r *http.Request) {
	page, err := s.app.CareEntryHistory(r.Context(), s.actor(r), r.PathValue("id"), r.PathValue("entry"))
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	v := s.newView(r, "care.history_title", page)
	v.Form = &form{Values: url.Values{"requested_on": {s.today().Format(time.DateOnly)}}}
	switch r.URL.Query().Get("saved") {
	case "1":
		v.Notice = "care.corrected"
	case "own_word":
		v.Notice = "own.saved"
	case "own_word_withdrawn":
		v.Notice = "own.withdrawn_saved"
	}
	s.render(w, r, http.StatusOK, "care_history", v)
}

// handleCareCorrectForm shows the correction form, filled with the newest
// version; it carries that version's number so a correction made meanwhile
// is detected.
func (s *Server) handleCareCorrectForm(w http.ResponseWriter, r *http.Request) {
	page, err := s.app.CareCorrectionFormFor(r.Context(), s.actor(r), r.PathValue("id"), r.PathValue("entry"), r.URL.Query().Get("request"))
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	cur := page.Current
	f := &form{Values: url.Values{"kind": {string(cur.Kind)}, "occurred_on": {cur.OccurredOn.Format(time.DateOnly)},
		"text": {cur.Text}, "visibility": {string(cur.Visibility)}, "version": {strconv.Itoa(cur.Version)},
		"sector": {string(page.Sector)}, "request": {page.RequestID}}}
	s.render(w, r, http.StatusOK, "care_entry", s.careEntryView(r, page, f))
}

// handleCareCorrect stores a correction as the entry's next version
// (app.CorrectCareEntry). The reason is required. When someone else
// corrected the entry after the form was opened, nothing is written and the
// answer is 409.
func (s *Server) handleCareCorrect(w http.ResponseWriter, r *http.Request) {
	f, err := parseForm(w, r)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	in := s.parseEntry(f)
	in.v.Reason = f.paragraphs("reason", textRule{required: true, max: casus.MaxEntryReason})
	in.v.Version = careNumber(f, "version", 1)
	requestID := f.text("request", textRule{max: 64})
	if requestID != "" && !casus.ValidID(requestID) {
		f.fail("request", "error.invalid_text", nil)
	}
	id, entryID := r.PathValue("id"), r.PathValue("entry")
	if f.Errs != nil {
		page := app.CareEntryForm{StudentID: id, Sector: in.sector, Correct: true, EntryID: entryID,
			Visibility: app.PossibleCareVisibilities(*state(r).user), RequestID: requestID}
		s.render(w, r, http.StatusBadRequest, "care_entry", s.careEntryView(r, page, f))
		return
	}
	err = s.app.CorrectCareEntry(r.Context(), s.actor(r), app.CareCorrection{StudentID: id, EntryID: entryID, RequestID: requestID, Version: in.v})
	switch {
	case err != nil:
		s.renderError(w, r, err)
	case requestID != "":
		http.Redirect(w, r, "/students/"+id+"/rectification/"+requestID+"?saved=corrected", http.StatusSeeOther)
	default:
		http.Redirect(w, r, "/students/"+id+"/care/"+entryID+"?saved=1", http.StatusSeeOther)
	}
}

// handleCareRoute shows the care route: the current step, its history and,
// for those who may, the form to scale up or down (app.CareRouteFor).
func (s *Server) handleCareRoute(w http.ResponseWriter, r *http.Request) {
	page, err := s.app.CareRouteFor(r.Context(), s.actor(r), r.PathValue("id"))
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	f := &form{Values: url.Values{"decided_on": {s.today().Format(time.DateOnly)}, "from": {string(page.Summary.Current)},
		"seq": {strconv.Itoa(page.Seq)}, "sector": {string(page.Sector)}}}
	v := s.newView(r, "route.title", page)
	v.Form = f
	if r.URL.Query().Get("saved") == "1" {
		v.Notice = "route.saved"
	}
	s.render(w, r, http.StatusOK, "care_route", v)
}

// allSteps lists every step code of every route, for validating the form
// before the student's sector is known.
func allSteps() []string {
	var out []string
	for _, sec := range []casus.Sector{casus.SectorMBO, casus.SectorPO} {
		for _, st := range casus.RouteFor(sec).Steps {
			if !slices.Contains(out, string(st)) {
				out = append(out, string(st))
			}
		}
	}
	return out
}

// handleCareRouteChange records a decision to scale up or down
// (app.ChangeCareRoute). The form carries the step and event number it was
// made on: when another decision came in between, nothing is written and
// the answer is 409.
func (s *Server) handleCareRouteChange(w http.ResponseWriter, r *http.Request) {
	f, err := parseForm(w, r)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	steps := allSteps()
	ev := casus.RouteEvent{
		To:        casus.RouteStep(f.choice("to", true, steps...)),
		From:      casus.RouteStep(f.choice("from", true, steps...)),
		DecidedOn: s.careDateField(f, "decided_on"),
		Reason:    f.paragraphs("reason", textRule{required: true, max: casus.MaxEntryReason}),
		Seq:       careNumber(f, "seq", 0),
	}
	sector := casus.Sector(f.choice("sector", false, "po", "vo", "mbo"))
	id := r.PathValue("id")
	if ev.To != "" && ev.To == ev.From {
		f.fail("to", "error.route_same_step", nil)
	}
	if f.Errs != nil {
		if !sector.Valid() {
			sector = casus.SectorMBO
		}
		page := app.CareRouteOf(id, "", sector, nil)
		page.Summary.Current = ev.From
		page.Choices = casus.RouteFor(sector).Steps
		v := s.newView(r, "route.title", page)
		v.Form = f
		s.render(w, r, http.StatusBadRequest, "care_route", v)
		return
	}
	if err := s.app.ChangeCareRoute(r.Context(), s.actor(r), id, ev); err != nil {
		s.renderError(w, r, err)
		return
	}
	http.Redirect(w, r, "/students/"+id+"/route?saved=1", http.StatusSeeOther)
}

// careDateField validates a day: yyyy-mm-dd (what a date input sends) or
// dd-mm-yyyy (what people type where the browser has no date picker), not
// in the future and not before 2000.
func (s *Server) careDateField(f *form, name string) time.Time {
	v := f.text(name, textRule{required: true, max: 10})
	if f.Error(name) != nil {
		return time.Time{}
	}
	var t time.Time
	var err error
	for _, layout := range []string{time.DateOnly, "2-1-2006"} {
		if t, err = time.Parse(layout, v); err == nil {
			break
		}
	}
	switch {
	case err != nil || t.Year() < 2000:
		f.fail(name, "error.date", nil)
		return time.Time{}
	case t.After(s.today()):
		f.fail(name, "error.date_future", nil)
		return time.Time{}
	}
	return t
}

// careNumber validates a hidden whole-number field of at least min.
func careNumber(f *form, name string, min int) int {
	v := f.text(name, textRule{required: true, max: 9})
	if f.Error(name) != nil {
		return 0
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < min {
		f.fail(name, "error.invalid_text", nil)
		return 0
	}
	return n
}
