package web

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"time"

	"casus"
	"casus/app"
	"casus/storage"
)

// routeSummary is where a student stands on the care route.
type routeSummary = app.RouteSummary

func summarize(sector casus.Sector, route casus.CareRoute, events []casus.RouteEvent) routeSummary {
	rs := routeSummary{Sector: sector, Current: route.CurrentStep(events)}
	if len(events) > 0 {
		rs.Last = &events[len(events)-1]
	}
	return rs
}

// careEntryPage is the form for a new entry or a correction.
type careEntryPage struct {
	StudentID   string
	StudentName string // empty when the form is shown again after an error: nothing was read
	Sector      casus.Sector
	Correct     bool
	EntryID     string
	Request     *casus.RectificationRequest // the request the correction answers, when it does
	RequestID   string
	Kinds       []casus.EntryKind
	Visibility  []casus.Visibility
}

func (s *Server) careEntryView(r *http.Request, page careEntryPage, f *form) *view {
	title := "care.new_title"
	if page.Correct {
		title = "care.correct_title"
	}
	page.Kinds = casus.EntryKinds
	v := s.newView(r, title, page)
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
	var page careEntryPage
	ok := s.careTx(w, r, casus.ActRead, "care entry form", "care_file", func(c *careCtx) (casus.Access, error) {
		a := casus.CanWriteCareFile(c.u, c.rel)
		if a.Allowed {
			page = careEntryPage{StudentID: c.st.ID, StudentName: c.st.Name(), Sector: c.st.Sector,
				Visibility: casus.WritableVisibilities(c.u, c.rel)}
		}
		return a, nil
	})
	if !ok {
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

// possibleVisibilities are the visibilities a user could give in any
// student's file, judged from their roles alone. A form shown again after a
// validation error offers these: it reads nothing, so it knows no relations.
// The policy decides on the real relations when the form is valid.
func possibleVisibilities(u casus.User) []casus.Visibility {
	all := casus.StudentRelations{Exists: true, Mentor: true, CareContact: true, Coordinator: true, TeamMember: true,
		Invited: true, ActionOwner: true}
	vs := casus.WritableVisibilities(u, all)
	if len(vs) == 0 {
		return []casus.Visibility{casus.VisGuidance}
	}
	return vs
}

// handleCareCreate adds an entry to the student's care file.
func (s *Server) handleCareCreate(w http.ResponseWriter, r *http.Request) {
	f, err := parseForm(w, r)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	in := s.parseEntry(f)
	id := r.PathValue("id")
	if f.Errs != nil {
		page := careEntryPage{StudentID: id, Sector: in.sector, Visibility: possibleVisibilities(*state(r).user)}
		s.render(w, r, http.StatusBadRequest, "care_entry", s.careEntryView(r, page, f))
		return
	}
	ok := s.careTx(w, r, casus.ActCreate, "care entry", "care_entry", func(c *careCtx) (casus.Access, error) {
		a := casus.CanWriteCareFile(c.u, c.rel)
		if !a.Allowed || !slices.Contains(casus.WritableVisibilities(c.u, c.rel), in.v.Visibility) {
			return casus.Access{Relation: casus.RelNone}, nil
		}
		e := casus.CareEntry{StudentID: c.st.ID, AuthorID: c.u.ID, Current: in.v}
		if err := c.tx.AddCareEntry(c.ctx, &e); err != nil {
			return a, err
		}
		c.e.ObjectID = e.ID
		return a, nil
	})
	if ok {
		http.Redirect(w, r, "/students/"+id+"?saved=care#zorgdossier", http.StatusSeeOther)
	}
}

// careHistoryPage shows one entry with all its versions.
type careHistoryPage struct {
	Student    casus.Student
	Entry      casus.CareEntry
	Versions   []historyVersion // newest first
	CanCorrect bool
	Extras     entryExtras
}

type historyVersion struct {
	casus.EntryVersion
	Visible bool              // the user may read this version's content
	Request *rectificationRef // the request for rectification this version answered
}

// handleCareEntry shows an entry and its history: every version, who wrote
// it, when and why it was corrected.
func (s *Server) handleCareEntry(w http.ResponseWriter, r *http.Request) {
	var page careHistoryPage
	ok := s.entryTx(w, r, casus.ActRead, "care entry history", "care_entry", casus.CanReadEntryOf, func(c *careCtx, e casus.CareEntry) error {
		vs, err := c.tx.CareEntryVersions(c.ctx, e.ID)
		if err != nil {
			return err
		}
		page = careHistoryPage{Student: c.st, Entry: e, CanCorrect: casus.CanCorrectEntry(c.u, c.rel, e).Allowed}
		for i := len(vs) - 1; i >= 0; i-- {
			page.Versions = append(page.Versions, historyVersion{EntryVersion: vs[i], Visible: casus.VersionVisible(c.u, c.rel, vs[i])})
		}
		page.Extras, err = s.loadEntryExtras(c, e, page.Versions)
		return err
	})
	if !ok {
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
	var page careEntryPage
	var cur casus.EntryVersion
	requestID := r.URL.Query().Get("request")
	ok := s.entryTx(w, r, casus.ActRead, "care entry correction form", "care_entry", casus.CanCorrectEntry, func(c *careCtx, e casus.CareEntry) error {
		cur = e.Current
		page = careEntryPage{StudentID: c.st.ID, StudentName: c.st.Name(), Sector: c.st.Sector, Correct: true,
			EntryID: e.ID, Visibility: correctionVisibilities(c.u, c.rel, e)}
		if requestID != "" {
			// A correction that grants a request for rectification.
			var err error
			if page.Request, err = correctionRequest(c, e, requestID); err != nil {
				return err
			}
			page.RequestID = requestID
		}
		return nil
	})
	if !ok {
		return
	}
	f := &form{Values: url.Values{"kind": {string(cur.Kind)}, "occurred_on": {cur.OccurredOn.Format(time.DateOnly)},
		"text": {cur.Text}, "visibility": {string(cur.Visibility)}, "version": {strconv.Itoa(cur.Version)},
		"sector": {string(page.Sector)}, "request": {page.RequestID}}}
	s.render(w, r, http.StatusOK, "care_entry", s.careEntryView(r, page, f))
}

// correctionVisibilities are the visibilities a correction may give: those
// the corrector may write, and always the entry's own.
func correctionVisibilities(u casus.User, rel casus.StudentRelations, e casus.CareEntry) []casus.Visibility {
	vs := casus.WritableVisibilities(u, rel)
	if !slices.Contains(vs, e.Current.Visibility) {
		vs = append(vs, e.Current.Visibility)
	}
	return vs
}

// handleCareCorrect stores a correction as the entry's next version. The
// reason is required. When someone else corrected the entry after the form
// was opened, nothing is written and the answer is 409.
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
		page := careEntryPage{StudentID: id, Sector: in.sector, Correct: true, EntryID: entryID,
			Visibility: possibleVisibilities(*state(r).user), RequestID: requestID}
		s.render(w, r, http.StatusBadRequest, "care_entry", s.careEntryView(r, page, f))
		return
	}
	ok := s.careTx(w, r, casus.ActChange, "care entry correction", "care_entry", func(c *careCtx) (casus.Access, error) {
		e, found, err := careEntryFor(c, r)
		if err != nil || !found {
			return casus.Access{}, err
		}
		a := casus.CanCorrectEntry(c.u, c.rel, e)
		if !a.Allowed || !slices.Contains(correctionVisibilities(c.u, c.rel, e), in.v.Visibility) {
			return casus.Access{Relation: casus.RelNone}, nil
		}
		var q *casus.RectificationRequest
		if requestID != "" {
			if q, err = correctionRequest(c, e, requestID); err != nil {
				return a, err
			}
		}
		v := in.v
		v.EntryID, v.ByID = e.ID, c.u.ID
		if err := c.tx.CorrectCareEntry(c.ctx, &v); err != nil || q == nil {
			return a, err
		}
		return a, grantByCorrection(c, q, v, s.today())
	})
	if ok && requestID != "" {
		http.Redirect(w, r, "/students/"+id+"/rectification/"+requestID+"?saved=corrected", http.StatusSeeOther)
	} else if ok {
		http.Redirect(w, r, "/students/"+id+"/care/"+entryID+"?saved=1", http.StatusSeeOther)
	}
}

// careRoutePage shows the care route: the current step, its history and,
// for those who may, the form to scale up or down.
type careRoutePage struct {
	StudentID   string
	StudentName string
	Sector      casus.Sector
	Summary     routeSummary
	Steps       []casus.RouteStep // the route, for its overview
	Events      []routeEventView  // newest first
	Choices     []casus.RouteStep // steps the user may move the student to
	Seq         int
}

type routeEventView struct {
	casus.RouteEvent
	Direction casus.RouteDirection
}

func (s *Server) handleCareRoute(w http.ResponseWriter, r *http.Request) {
	var page careRoutePage
	ok := s.careTx(w, r, casus.ActRead, "care route", "care_route", func(c *careCtx) (casus.Access, error) {
		a := casus.CanViewStudent(c.u, c.rel)
		if !a.Allowed {
			return a, nil
		}
		events, err := c.tx.RouteEvents(c.ctx, c.st.ID)
		if err != nil {
			return a, err
		}
		page = routePage(c.st.ID, c.st.Name(), c.st.Sector, events)
		page.Choices = casus.RouteFor(c.st.Sector).RouteChoices(c.u, c.rel, page.Summary.Current)
		return a, nil
	})
	if !ok {
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

func routePage(studentID, name string, sector casus.Sector, events []casus.RouteEvent) careRoutePage {
	route := casus.RouteFor(sector)
	p := careRoutePage{StudentID: studentID, StudentName: name, Sector: sector, Steps: route.Steps,
		Summary: summarize(sector, route, events), Seq: len(events)}
	for i := len(events) - 1; i >= 0; i-- {
		ev := events[i]
		dir := casus.RouteDirection("")
		if ev.From != "" {
			dir = route.DirectionOf(ev.From, ev.To)
		}
		p.Events = append(p.Events, routeEventView{RouteEvent: ev, Direction: dir})
	}
	return p
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

// handleCareRouteChange records a decision to scale up or down. The form
// carries the step and event number it was made on: when another decision
// came in between, nothing is written and the answer is 409.
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
		page := routePage(id, "", sector, nil)
		page.Summary.Current = ev.From
		page.Choices = casus.RouteFor(sector).Steps
		v := s.newView(r, "route.title", page)
		v.Form = f
		s.render(w, r, http.StatusBadRequest, "care_route", v)
		return
	}
	ok := s.careTx(w, r, casus.ActChange, "care route step", "care_route", func(c *careCtx) (casus.Access, error) {
		if !casus.CanViewStudent(c.u, c.rel).Allowed {
			return casus.Access{Relation: casus.RelNone}, nil
		}
		events, err := c.tx.RouteEvents(c.ctx, c.st.ID)
		if err != nil {
			return casus.Access{}, err
		}
		route := casus.RouteFor(c.st.Sector)
		// Someone who may see the route may learn it changed: check the
		// conflict before the reach, so a stale form says so.
		if route.CurrentStep(events) != ev.From || len(events) != ev.Seq {
			return casus.Access{}, storage.ErrRouteConflict
		}
		a := route.CanChangeRoute(c.u, c.rel, ev.From, ev.To)
		if !a.Allowed {
			return a, nil
		}
		e := ev
		e.StudentID, e.ByID = c.st.ID, c.u.ID
		if len(events) == 0 {
			e.From = route.First()
		}
		return a, c.tx.RecordRouteStep(c.ctx, &e)
	})
	if ok {
		http.Redirect(w, r, "/students/"+id+"/route?saved=1", http.StatusSeeOther)
	}
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
