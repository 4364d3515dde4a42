package casus

import (
	"cmp"
	"slices"
	"time"
	_ "time/tzdata" // Dutch meeting times without the host's zone database
)

// Amsterdam is the zone meeting times are planned in: a team meeting "every
// other Tuesday at 14:00" stays at 14:00 across daylight saving time.
var Amsterdam = mustZone("Europe/Amsterdam")

func mustZone(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return loc
}

// Recurrence is a care team's meeting rhythm: every N weeks on the weekday
// of First (intern zorgteam: often every other week), or on the Nth weekday
// of every month (ZAT: "first Thursday of the month").
type Recurrence struct {
	// First is the first meeting, in Amsterdam time; it fixes the weekday
	// and the time of day.
	First time.Time
	// EveryWeeks repeats the meeting every so many weeks (1 or more); zero
	// when MonthWeek is used.
	EveryWeeks int
	// MonthWeek is the week of the month (1–4, or -1 for the last) when the
	// team meets monthly; zero when EveryWeeks is used.
	MonthWeek int
	Duration  time.Duration
}

// Valid reports whether the recurrence has exactly one pattern and a start.
func (r Recurrence) Valid() bool {
	weekly := r.EveryWeeks >= 1 && r.EveryWeeks <= 12 && r.MonthWeek == 0
	monthly := r.EveryWeeks == 0 && (r.MonthWeek >= 1 && r.MonthWeek <= 4 || r.MonthWeek == -1)
	return !r.First.IsZero() && (weekly || monthly) && r.Duration > 0
}

// Next returns the first meeting that starts after t.
func (r Recurrence) Next(t time.Time) time.Time {
	if !r.Valid() {
		return time.Time{}
	}
	first := r.First.In(Amsterdam)
	if t.Before(first) {
		return first
	}
	if r.EveryWeeks > 0 {
		// Count in calendar days, not hours: a DST change must not shift
		// the meeting by an hour.
		days := daysBetween(first, t.In(Amsterdam))
		step := 7 * r.EveryWeeks
		n := days / step
		for {
			m := first.AddDate(0, 0, n*step)
			if m.After(t) {
				return m
			}
			n++
		}
	}
	local := t.In(Amsterdam)
	for i := 0; i < 14; i++ {
		month := time.Date(local.Year(), local.Month()+time.Month(i), 1, first.Hour(), first.Minute(), 0, 0, Amsterdam)
		if m := nthWeekday(month, first.Weekday(), r.MonthWeek); m.After(t) && !m.Before(first) {
			return m
		}
	}
	return time.Time{}
}

// Between returns the meetings that start in [from, to).
func (r Recurrence) Between(from, to time.Time) []time.Time {
	var out []time.Time
	for m := r.Next(from.Add(-time.Nanosecond)); !m.IsZero() && m.Before(to); m = r.Next(m) {
		out = append(out, m)
	}
	return out
}

// PerFourWeeks is how many times the team meets in four weeks, on average.
func (r Recurrence) PerFourWeeks() float64 {
	switch {
	case r.EveryWeeks > 0:
		return 4 / float64(r.EveryWeeks)
	case r.MonthWeek != 0:
		return 12.0 / 13 // twelve meetings in 52 weeks
	}
	return 0
}

// MinPerFourWeeks is the least a team of the kind should meet (SPEC §2,
// seed 000 ch. 4): the intern zorgteam once or twice per fortnight, the ZAT
// about monthly.
func MinPerFourWeeks(k TeamKind) float64 {
	if k == TeamIntern {
		return 2
	}
	return 12.0 / 13
}

// daysBetween counts calendar days from a to b (both in one zone).
func daysBetween(a, b time.Time) int {
	da := time.Date(a.Year(), a.Month(), a.Day(), 0, 0, 0, 0, time.UTC)
	db := time.Date(b.Year(), b.Month(), b.Day(), 0, 0, 0, 0, time.UTC)
	return int(db.Sub(da).Hours() / 24)
}

// nthWeekday returns the nth (1–4, or -1 for the last) weekday wd of the
// month that month starts, at month's time of day.
func nthWeekday(month time.Time, wd time.Weekday, n int) time.Time {
	if n == -1 {
		last := month.AddDate(0, 1, -1)
		return last.AddDate(0, 0, -((int(last.Weekday()) - int(wd) + 7) % 7))
	}
	first := month.AddDate(0, 0, (int(wd)-int(month.Weekday())+7)%7)
	return first.AddDate(0, 0, 7*(n-1))
}

// MeetingStatus says whether a meeting takes place.
type MeetingStatus string

// Meeting states.
const (
	MeetingPlanned   MeetingStatus = "planned"
	MeetingCancelled MeetingStatus = "cancelled"
)

// Meeting is one meeting of a care team, from its series or added on its own.
type Meeting struct {
	ID       string
	TeamID   string
	StartsAt time.Time
	Duration time.Duration
	Location string // a room or a video link
	Status   MeetingStatus
	SendDays int // working days before it its team sends the agenda; 0: AgendaSendDays
}

// AgendaDue returns the moment the meeting's agenda goes out (SendBy with
// its team's days); an item added from then on is late.
func (m Meeting) AgendaDue() time.Time {
	days := m.SendDays
	if days <= 0 {
		days = AgendaSendDays
	}
	return SendBy(m.StartsAt, days)
}

// AgendaKind says why a case is on a meeting's agenda.
type AgendaKind string

// Agenda item kinds.
const (
	AgendaReferral AgendaKind = "referral"  // an accepted referral, ready for discussion
	AgendaCrisis   AgendaKind = "crisis"    // a crisis handled since the last meeting
	AgendaFollowUp AgendaKind = "follow_up" // an evaluation that has come due
	AgendaChair    AgendaKind = "chair"     // added by the chair
)

// AgendaItem is one case on a meeting's agenda.
type AgendaItem struct {
	ID        string
	MeetingID string
	CaseID    string
	StudentID string
	Kind      AgendaKind
	SourceID  string // the referral, crisis or plan that put it there
	Position  int
	Minutes   int  // time reserved for the item
	Late      bool // added after the agenda's send-by date
	AddedBy   string
	AddedAt   time.Time
	// MovedFrom is the item at an earlier meeting this one moved on from,
	// MovedTo the item at a later meeting it moved on to; each with the
	// start of that meeting. Empty when the item did not move.
	MovedFrom, MovedTo           string
	MovedFromStart, MovedToStart time.Time
}

// Moved reports whether the item moved on to a later meeting.
func (it AgendaItem) Moved() bool { return it.MovedTo != "" }

// MinutesReady says why a meeting's minutes cannot be made final at now,
// or nil when they can: not before the meeting's day (Amsterdam), and not
// while an item is neither discussed nor moved on to a later meeting —
// such an item would be lost to every later agenda.
func MinutesReady(m Meeting, now time.Time, items []AgendaItem, discussed map[string]bool) error {
	if CareDay(now).Before(CareDay(m.StartsAt)) {
		return &Error{Code: ECONFLICT, Key: "minutes.before_meeting"}
	}
	open := 0
	for _, it := range items {
		if !discussed[it.ID] && !it.Moved() {
			open++
		}
	}
	if open > 0 {
		return &Error{Code: ECONFLICT, Key: "minutes.items_open", Args: map[string]any{"Count": open}}
	}
	return nil
}

// AgendaSendDays is how many working days before a meeting its agenda goes
// out by default (SPEC §3); each team sets its own, from 1 to MaxSendDays.
const AgendaSendDays = 5

// MaxSendDays bounds a team's send-ahead days: two working weeks.
const MaxSendDays = 10

// SendBy returns the moment the agenda of a meeting starting at start goes
// out: days working days before, at the start of that day (Amsterdam).
// Saturdays and Sundays are not working days.
func SendBy(start time.Time, days int) time.Time {
	d := start.In(Amsterdam)
	d = time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, Amsterdam)
	for days > 0 {
		d = d.AddDate(0, 0, -1)
		if wd := d.Weekday(); wd != time.Saturday && wd != time.Sunday {
			days--
		}
	}
	return d
}

// CrisisKind tells a crisis from help started directly with a partner.
type CrisisKind string

// Crisis kinds.
const (
	CrisisUrgent     CrisisKind = "crisis"      // urgent situation handled between meetings
	CrisisDirectHelp CrisisKind = "direct_help" // help started with a partner outside the team
)

// Crisis is what happened between meetings, recorded at once: who was
// called, what was agreed and by whom. It goes on the next meeting's agenda
// for discussion afterwards.
type Crisis struct {
	ID         string
	StudentID  string
	TeamID     string
	CaseID     string
	Kind       CrisisKind
	OccurredAt time.Time
	Happened   string // what happened, in the recorder's words
	Called     string // who was called: people and organisations
	Agreed     string // what was agreed
	AgreedBy   string // who agreed it
	RecordedBy string
	RecordedAt time.Time
}

// CanPlanMeetings decides whether u may set the team's rhythm and move or
// cancel its meetings: its chair (the zorgcoördinator, or in primary
// education the IB'er or the partnership's coordinator who chairs it).
func CanPlanMeetings(u User, members []TeamMember) bool {
	if u.Disabled {
		return false
	}
	for _, m := range members {
		if m.Chair && m.User.ID == u.ID {
			return true
		}
	}
	return false
}

// AttendanceStatus says whether an expected member was at a meeting.
type AttendanceStatus string

// Attendance statuses: present, excused beforehand (afgemeld), absent.
const (
	AttendPresent AttendanceStatus = "present"
	AttendExcused AttendanceStatus = "excused"
	AttendAbsent  AttendanceStatus = "absent"
)

// AttendanceStatuses lists them in the order the minutes offer them.
var AttendanceStatuses = []AttendanceStatus{AttendPresent, AttendExcused, AttendAbsent}

// ExpectedAttendees are who a meeting expects: the team's fixed members and
// the members on call invited for one of its items (invited: their ids), in
// the members' order.
func ExpectedAttendees(members []TeamMember, invited []string) []User {
	var us []User
	for _, m := range members {
		if m.Kind == MemberFixed || slices.Contains(invited, m.User.ID) {
			us = append(us, m.User)
		}
	}
	return us
}

// PartnerTime is the time one person spent on a meeting's items.
type PartnerTime struct {
	User    User
	Minutes int
	Items   int
}

// TimeSpent adds up, per person, the minutes of the discussed items they
// attended (each item's planned minutes, or defaultMinutes when it has
// none), in the order of people. attendees maps an item's id to the ids of
// who attended its discussion.
func TimeSpent(people []User, items []AgendaItem, attendees map[string][]string, defaultMinutes int) []PartnerTime {
	var out []PartnerTime
	for _, u := range people {
		pt := PartnerTime{User: u}
		for _, it := range items {
			if slices.Contains(attendees[it.ID], u.ID) {
				pt.Items++
				pt.Minutes += cmp.Or(it.Minutes, defaultMinutes)
			}
		}
		if pt.Items > 0 {
			out = append(out, pt)
		}
	}
	return out
}
