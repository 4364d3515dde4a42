package web

import (
	"net/http"
	"net/url"
	"time"

	"casus"
)

// crisisPage is the form that records a crisis or help started outside the
// team's meetings.
type crisisPage struct {
	StudentID   string
	StudentName string
	Teams       []casus.CareTeam
	Kinds       []casus.CrisisKind
}

var crisisKinds = []casus.CrisisKind{casus.CrisisUrgent, casus.CrisisDirectHelp}

// Limits of the crisis form's fields, in characters.
const (
	crisisTextMax = 2000
	crisisWhoMax  = 200
)

func (s *Server) crisisView(r *http.Request, page crisisPage, f *form) *view {
	v := s.newView(r, "crisis.title", page)
	v.Form = f
	return v
}

// handleCrisisForm shows the crisis form: the team whose next meeting will
// discuss it (the ZAT when the user chairs it, as a crisis usually goes
// there), the kind, when it happened, who was called and what was agreed.
func (s *Server) handleCrisisForm(w http.ResponseWriter, r *http.Request) {
	var page crisisPage
	ok := s.careTx(w, r, casus.ActRead, "crisis form", "crisis", func(c *careCtx) (casus.Access, error) {
		a := casus.CanRecordCrisis(c.u, c.rel)
		if !a.Allowed {
			return a, nil
		}
		teams, err := c.tx.TeamsServing(c.ctx, c.st.SchoolID)
		page = crisisPage{StudentID: c.st.ID, StudentName: c.st.Name(), Teams: teams, Kinds: crisisKinds}
		return a, err
	})
	if !ok {
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
// team's next meeting, in one transaction with its access-log entry.
func (s *Server) handleCrisis(w http.ResponseWriter, r *http.Request) {
	f, err := parseForm(w, r)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	var page crisisPage
	var invalid bool
	ok := s.careTx(w, r, casus.ActCreate, "crisis", "crisis", func(c *careCtx) (casus.Access, error) {
		a := casus.CanRecordCrisis(c.u, c.rel)
		if !a.Allowed {
			return a, nil
		}
		teams, err := c.tx.TeamsServing(c.ctx, c.st.SchoolID)
		if err != nil {
			return a, err
		}
		page = crisisPage{StudentID: c.st.ID, StudentName: c.st.Name(), Teams: teams, Kinds: crisisKinds}
		ids := make([]string, len(teams))
		for i, t := range teams {
			ids[i] = t.ID
		}
		cr := casus.Crisis{StudentID: c.st.ID, RecordedBy: c.u.ID,
			TeamID:     f.choice("team", true, ids...),
			Kind:       casus.CrisisKind(f.choice("kind", true, stringsOf(crisisKinds)...)),
			OccurredAt: s.crisisMoment(f),
			Called:     f.paragraphs("called", textRule{required: true, max: crisisTextMax}),
			Agreed:     f.paragraphs("agreed", textRule{required: true, max: crisisTextMax}),
			AgreedBy:   f.text("agreed_by", textRule{required: true, max: crisisWhoMax}),
		}
		if f.Errs != nil {
			invalid = true
			// Still a read of the student: the form is shown again.
			c.e.Action, c.e.Purpose = casus.ActRead, "crisis form (invalid)"
			return a, nil
		}
		_, err = c.tx.RecordCrisis(c.ctx, &cr)
		c.e.ObjectID = cr.ID
		return a, err
	})
	if !ok {
		return
	}
	if invalid {
		s.render(w, r, http.StatusBadRequest, "crisis", s.crisisView(r, page, f))
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
