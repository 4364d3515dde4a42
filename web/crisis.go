package web

import (
	"net/http"
	"net/url"
	"time"

	"casus"
	"casus/app"
)

// crisisPage is the form that records a crisis or help started outside the
// team's meetings.
type crisisPage struct {
	app.CrisisForm
	Kinds []casus.CrisisKind
}

var crisisKinds = []casus.CrisisKind{casus.CrisisUrgent, casus.CrisisDirectHelp}

// Limits of the crisis form's fields, in characters.
const (
	crisisTextMax = 2000
	crisisWhoMax  = 200
)

func (s *Server) crisisView(r *http.Request, page app.CrisisForm, f *form) *view {
	v := s.newView(r, "crisis.title", crisisPage{CrisisForm: page, Kinds: crisisKinds})
	v.Form = f
	return v
}

// handleCrisisForm shows the crisis form: the team whose next meeting will
// discuss it (the ZAT when the user chairs it, as a crisis usually goes
// there), the kind, when it happened, who was called and what was agreed.
func (s *Server) handleCrisisForm(w http.ResponseWriter, r *http.Request) {
	page, err := s.app.CrisisFormFor(r.Context(), s.actor(r), r.PathValue("id"))
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	now := s.now().In(casus.Amsterdam)
	f := &form{Values: url.Values{"kind": {string(casus.CrisisUrgent)}, "occurred_on": {now.Format(time.DateOnly)},
		"occurred_at": {now.Format("15:04")}}}
	if len(page.Teams) > 0 {
		f.Values.Set("team", page.Teams[len(page.Teams)-1].ID)
	}
	s.render(w, r, http.StatusOK, "crisis", s.crisisView(r, page, f))
}

// handleCrisis records the crisis at once and puts it on the agenda of the
// team's next meeting (app.RecordCrisis).
func (s *Server) handleCrisis(w http.ResponseWriter, r *http.Request) {
	f, err := parseForm(w, r)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	in := casus.Crisis{StudentID: r.PathValue("id"),
		TeamID:     f.chosen("team"),
		Kind:       casus.CrisisKind(f.choice("kind", true, stringsOf(crisisKinds)...)),
		OccurredAt: s.crisisMoment(f),
		Happened:   f.paragraphs("happened", textRule{required: true, max: crisisTextMax}),
		Called:     f.paragraphs("called", textRule{required: true, max: crisisTextMax}),
		Agreed:     f.paragraphs("agreed", textRule{required: true, max: crisisTextMax}),
		AgreedBy:   f.text("agreed_by", textRule{required: true, max: crisisWhoMax}),
	}
	page, err := s.app.RecordCrisis(r.Context(), s.actor(r), in, f.Errs)
	if errs, ok := validationErrors(err); ok {
		f.Errs = errs
		s.render(w, r, http.StatusBadRequest, "crisis", s.crisisView(r, page, f))
		return
	}
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	http.Redirect(w, r, "/students/"+page.StudentID+"?crisis=1#agenda", http.StatusSeeOther)
}

// crisisMoment validates the day and time the crisis happened: not in the
// future, and at most crisisMaxAge ago (it is recorded "at once").
func (s *Server) crisisMoment(f *form) time.Time {
	day := s.careDateField(f, "occurred_on")
	hm := f.text("occurred_at", textRule{required: true, max: 5})
	if f.Error("occurred_on") != nil || f.Error("occurred_at") != nil {
		return time.Time{}
	}
	clock, err := time.Parse("15:04", hm)
	if err != nil {
		f.fail("occurred_at", "error.time", nil)
		return time.Time{}
	}
	t := time.Date(day.Year(), day.Month(), day.Day(), clock.Hour(), clock.Minute(), 0, 0, casus.Amsterdam)
	switch now := s.now(); {
	case t.After(now):
		f.fail("occurred_at", "error.time_future", nil)
	case t.Before(now.AddDate(0, 0, -crisisMaxAgeDays)):
		f.fail("occurred_on", "crisis.too_old", map[string]any{"Days": crisisMaxAgeDays})
	}
	return t
}

// crisisMaxAgeDays bounds how late a crisis can be recorded: it is meant to
// be recorded at once; older events belong in the care file.
const crisisMaxAgeDays = 30
