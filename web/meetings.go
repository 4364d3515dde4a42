package web

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"time"

	"casus"
	"casus/storage"
)

// meetingsShown is how many coming meetings the team page lists.
const meetingsShown = storage.MeetingsAhead

// teamMeetings is the meetings part of a team page.
type teamMeetings struct {
	Rhythm     *casus.Recurrence
	Location   string
	TooRare    bool // the rhythm is below what the team's kind needs
	Upcoming   []casus.Meeting
	CanPlan    bool
	IsMember   bool // may open the agendas
	Weekdays   []string
	Patterns   []string
	MonthWeeks []string
}

var (
	rhythmPatterns = []string{"weeks", "month"}
	monthWeeks     = []string{"1", "2", "3", "4", "-1"}
)

// loadMeetings fills the meetings part for u; it stores the coming slots of
// the rhythm (see storage.NextMeeting), so it runs in a write transaction.
func (s *Server) loadMeetings(r *http.Request, tx *storage.Tx, u casus.User, team casus.CareTeam, members []casus.TeamMember) (teamMeetings, error) {
	ctx := r.Context()
	tm := teamMeetings{CanPlan: casus.CanPlanMeetings(u, members), Patterns: rhythmPatterns, MonthWeeks: monthWeeks,
		IsMember: u.SeesStudentData() && slices.ContainsFunc(members, func(m casus.TeamMember) bool { return m.User.ID == u.ID })}
	rec, loc, ok, err := tx.Recurrence(ctx, team.ID)
	if err != nil {
		return tm, err
	}
	if ok {
		tm.Rhythm, tm.Location = &rec, loc
		tm.TooRare = rec.PerFourWeeks() < casus.MinPerFourWeeks(team.Kind)
	}
	tm.Upcoming, err = tx.UpcomingMeetings(ctx, team.ID, tx.Now(), meetingsShown)
	return tm, err
}

// rhythmForm proposes the current rhythm, or every other week from the
// coming Tuesday at 14:00.
func (s *Server) rhythmForm(tm teamMeetings) *form {
	v := url.Values{"pattern": {"weeks"}, "every_weeks": {"2"}, "month_week": {"1"}, "duration": {"90"}, "location": {tm.Location}}
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

// teamTx runs fn for the team of the path, with its members, in a write
// transaction; only its chair may plan. A malformed or unknown team is not
// found; someone other than the chair is forbidden (the team page is open
// to all staff, so its existence is no secret).
func (s *Server) teamTx(w http.ResponseWriter, r *http.Request, f *form, fn func(tx *storage.Tx, team casus.CareTeam, members []casus.TeamMember) error) {
	id := r.PathValue("id")
	u := *state(r).user
	if !casus.ValidID(id) {
		s.renderError(w, r, casus.ErrNotFound)
		return
	}
	err := s.db.Update(r.Context(), func(tx *storage.Tx) error {
		team, _, err := tx.Team(r.Context(), id)
		if err != nil {
			return err
		}
		members, err := tx.TeamMembers(r.Context(), id)
		if err != nil {
			return err
		}
		if !casus.CanPlanMeetings(u, members) {
			return &casus.Error{Code: casus.EFORBIDDEN, Key: "meetings.not_chair"}
		}
		if err := fn(tx, team, members); err != nil {
			return err
		}
		// A moved or cancelled meeting leaves room for the next of the rhythm.
		_, err = tx.PlanMeetings(r.Context(), team.ID, tx.Now(), storage.MeetingsAhead)
		return err
	})
	if f != nil && f.Errs != nil && casus.ErrorCode(err) == casus.EINVALID {
		s.team(w, r, f, http.StatusBadRequest)
		return
	}
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	http.Redirect(w, r, "/teams/"+id+"?saved=meetings#overleggen", http.StatusSeeOther)
}

// handleRhythm sets the team's meeting rhythm.
func (s *Server) handleRhythm(w http.ResponseWriter, r *http.Request) {
	f, err := parseForm(w, r)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	s.teamTx(w, r, f, func(tx *storage.Tx, team casus.CareTeam, members []casus.TeamMember) error {
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
		if f.Errs != nil {
			return f.Errs.Err()
		}
		if err := tx.SetRecurrence(r.Context(), team.ID, rec, location); err != nil {
			return err
		}
		// What is ready goes onto the first meeting of the new rhythm.
		_, _, err := tx.CollectAgenda(r.Context(), team.ID)
		return err
	})
}

// handleMeetingCancel cancels one meeting of the team.
func (s *Server) handleMeetingCancel(w http.ResponseWriter, r *http.Request) {
	if _, err := parseForm(w, r); err != nil {
		s.renderError(w, r, err)
		return
	}
	s.teamTx(w, r, nil, func(tx *storage.Tx, team casus.CareTeam, _ []casus.TeamMember) error {
		m, err := s.teamMeeting(r, tx, team)
		if err != nil {
			return err
		}
		return tx.CancelMeeting(r.Context(), m.ID)
	})
}

// handleMeetingMove moves one meeting of the team to another day and time.
func (s *Server) handleMeetingMove(w http.ResponseWriter, r *http.Request) {
	f, err := parseForm(w, r)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	s.teamTx(w, r, f, func(tx *storage.Tx, team casus.CareTeam, _ []casus.TeamMember) error {
		m, err := s.teamMeeting(r, tx, team)
		if err != nil {
			return err
		}
		to := s.dayAndTime(f, "move_on", "move_at", true)
		if f.Errs != nil {
			return f.Errs.Err()
		}
		if err := tx.MoveMeeting(r.Context(), m.ID, to); err != nil {
			return err
		}
		_, _, err = tx.CollectAgenda(r.Context(), team.ID)
		return err
	})
}

// teamMeeting loads the meeting of the path, which must be the team's.
func (s *Server) teamMeeting(r *http.Request, tx *storage.Tx, team casus.CareTeam) (casus.Meeting, error) {
	id := r.PathValue("meeting")
	if !casus.ValidID(id) {
		return casus.Meeting{}, casus.ErrNotFound
	}
	m, err := tx.Meeting(r.Context(), id)
	if err == nil && m.TeamID != team.ID {
		err = casus.ErrNotFound
	}
	return m, err
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
	v := f.text(name, textRule{required: true, max: 4})
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
