package web

import (
	"cmp"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"casus"
	"casus/app"
)

// teamMeetings is the meetings part of a team page, with the options of
// the planning form.
type teamMeetings struct {
	app.TeamMeetings
	Weekdays   []string
	Patterns   []string
	MonthWeeks []string
}

var (
	rhythmPatterns = []string{"weeks", "month"}
	monthWeeks     = []string{"1", "2", "3", "4", "-1"}
)

// rhythmForm proposes the current rhythm, or every other week from the
// coming Tuesday at 14:00.
func (s *Server) rhythmForm(tm teamMeetings, team casus.CareTeam) *form {
	v := url.Values{"pattern": {"weeks"}, "every_weeks": {"2"}, "month_week": {"1"}, "duration": {"90"}, "location": {tm.Location},
		"send_days": {strconv.Itoa(cmp.Or(team.SendDays, casus.AgendaSendDays))}}
	first := s.now().In(casus.Amsterdam)
	first = time.Date(first.Year(), first.Month(), first.Day()+(int(time.Tuesday)-int(first.Weekday())+7)%7, 14, 0, 0, 0, casus.Amsterdam)
	if r := tm.Rhythm; r != nil {
		first = r.First.In(casus.Amsterdam)
		v.Set("duration", strconv.Itoa(int(r.Duration/time.Minute)))
		if r.MonthWeek != 0 {
			v.Set("pattern", "month")
			v.Set("month_week", strconv.Itoa(r.MonthWeek))
		} else {
			v.Set("every_weeks", strconv.Itoa(r.EveryWeeks))
		}
	}
	v.Set("first_on", first.Format(time.DateOnly))
	v.Set("first_at", first.Format("15:04"))
	return &form{Values: v}
}

// planned answers a planning request: the form again with its messages
// when the use case refused its fields, else back to the team's meetings.
func (s *Server) planned(w http.ResponseWriter, r *http.Request, f *form, err error) {
	if errs, ok := validationErrors(err); ok && f != nil {
		f.Errs = errs
		s.team(w, r, f, http.StatusBadRequest)
		return
	}
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	http.Redirect(w, r, "/teams/"+r.PathValue("id")+"?saved=meetings#overleggen", http.StatusSeeOther)
}

// handleRhythm sets the team's meeting rhythm (app.SaveMeetingRhythm).
func (s *Server) handleRhythm(w http.ResponseWriter, r *http.Request) {
	f, err := parseForm(w, r)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	rec := casus.Recurrence{First: s.dayAndTime(f, "first_on", "first_at", false)}
	switch f.choice("pattern", true, rhythmPatterns...) {
	case "weeks":
		rec.EveryWeeks = wholeNumber(f, "every_weeks", 1, 12)
	case "month":
		rec.MonthWeek = wholeNumber(f, "month_week", -1, 4)
		if rec.MonthWeek == 0 && f.Error("month_week") == nil {
			f.fail("month_week", "error.choice", nil)
		}
	}
	rec.Duration = time.Duration(wholeNumber(f, "duration", 15, 480)) * time.Minute
	location := f.text("location", textRule{max: 200})
	sendDays := 0 // not in the form: as it was
	if f.Value("send_days") != "" {
		sendDays = wholeNumber(f, "send_days", 1, casus.MaxSendDays)
	}
	err = s.app.SaveMeetingRhythm(r.Context(), s.actor(r), r.PathValue("id"), rec, location, sendDays, f.Errs)
	s.planned(w, r, f, err)
}

// handleMeetingCancel cancels one meeting of the team (app.CancelMeeting).
func (s *Server) handleMeetingCancel(w http.ResponseWriter, r *http.Request) {
	if _, err := parseForm(w, r); err != nil {
		s.renderError(w, r, err)
		return
	}
	s.planned(w, r, nil, s.app.CancelMeeting(r.Context(), s.actor(r), r.PathValue("id"), r.PathValue("meeting")))
}

// handleMeetingMove moves one meeting of the team to another day and time
// (app.MoveMeeting).
func (s *Server) handleMeetingMove(w http.ResponseWriter, r *http.Request) {
	f, err := parseForm(w, r)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	to := s.dayAndTime(f, "move_on", "move_at", true)
	err = s.app.MoveMeeting(r.Context(), s.actor(r), r.PathValue("id"), r.PathValue("meeting"), to, f.Errs)
	s.planned(w, r, f, err)
}

// dayAndTime validates a date field and a time field into a moment in Dutch
// time; future asks for a moment after now.
func (s *Server) dayAndTime(f *form, dayField, timeField string, future bool) time.Time {
	day, err := time.Parse(time.DateOnly, f.text(dayField, textRule{required: true, max: 10}))
	if f.Error(dayField) == nil && (err != nil || day.Year() < 2000) {
		f.fail(dayField, "error.date", nil)
	} else if f.Error(dayField) == nil {
		f.dayInRange(dayField, day)
	}
	hm, err2 := time.Parse("15:04", f.text(timeField, textRule{required: true, max: 5}))
	if f.Error(timeField) == nil && err2 != nil {
		f.fail(timeField, "error.time", nil)
	}
	if f.Error(dayField) != nil || f.Error(timeField) != nil {
		return time.Time{}
	}
	t := time.Date(day.Year(), day.Month(), day.Day(), hm.Hour(), hm.Minute(), 0, 0, casus.Amsterdam)
	if future && !t.After(s.now()) {
		f.fail(dayField, "meetings.move_past", nil)
	}
	return t
}

// wholeNumber validates a whole number in [min, max].
func wholeNumber(f *form, name string, min, max int) int {
	v := f.text(name, textRule{max: 4, required: true})
	if f.Error(name) != nil {
		return 0
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < min || n > max {
		f.fail(name, "meetings.number", map[string]any{"Min": min, "Max": max})
		return 0
	}
	return n
}
