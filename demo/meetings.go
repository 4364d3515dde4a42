package demo

import (
	"time"

	"casus"
)

// meetings gives each demo team the rhythm its Rhythm text describes, from
// the first such day of the school year the demo is loaded in.
func (l *loader) meetings() {
	year := l.today.Year()
	if l.today.Month() < time.August {
		year--
	}
	first := func(wd time.Weekday, h, m int) time.Time {
		d := time.Date(year, time.September, 1, h, m, 0, 0, casus.Amsterdam)
		return d.AddDate(0, 0, (int(wd)-int(d.Weekday())+7)%7)
	}
	for _, s := range []struct {
		team     *casus.CareTeam
		r        casus.Recurrence
		location string
	}{
		{l.teams.mboIntern, casus.Recurrence{First: first(time.Tuesday, 14, 0), EveryWeeks: 2, Duration: 90 * time.Minute}, "Campus Waalkade, lokaal B1.12"},
		{l.teams.mboZAT, casus.Recurrence{First: first(time.Thursday, 13, 30), MonthWeek: 1, Duration: 2 * time.Hour}, "Campus Waalkade, vergaderzaal 2"},
		{l.teams.poIntern, casus.Recurrence{First: first(time.Monday, 8, 30), EveryWeeks: 6, Duration: time.Hour}, "De Wilgenhoek, kamer IB"},
		{l.teams.poZAT, casus.Recurrence{First: first(time.Wednesday, 9, 0), EveryWeeks: 8, Duration: 2 * time.Hour}, "Beeldbellen (link in de agenda)"},
	} {
		if l.err == nil {
			l.fail("meeting rhythm", l.tx.SetRecurrence(l.ctx, s.team.ID, s.r, s.location))
		}
	}
}

// crises records Milan's crisis (scenario C) two days ago, so it stands on
// the agenda of the ZAT's next meeting.
func (l *loader) crises() {
	if l.err != nil || l.scenario.milanZAT == nil {
		return
	}
	milan := l.scenario.milanZAT
	_, err := l.tx.RecordCrisis(l.ctx, &casus.Crisis{StudentID: milan.StudentID, TeamID: milan.TeamID, Kind: casus.CrisisUrgent,
		OccurredAt: milan.OpenedAt,
		Happened:   "Milan kwam 's ochtends met blauwe plekken op zijn arm op school en vertelde zijn mentor dat hij niet meer naar huis durft na ruzie thuis.",
		Called:     "Mentor belde de zorgcoördinator; Veilig Thuis gebeld voor advies; moeder gesproken.",
		Agreed:     "Melding bij Veilig Thuis gedaan. Milan verblijft tijdelijk bij zijn oom; SMW neemt morgen contact op met moeder.",
		AgreedBy:   "Marieke Vermeer (zorgcoördinator) na overleg met Veilig Thuis",
		RecordedBy: l.users[UserCoordinator].ID})
	l.fail("crisis", err)
}

// meldcode records scenario C's meldcode for Milan, all on the day of the
// crisis: signals mapped, Veilig Thuis consulted, the talk with Milan, the
// weighing and the decision to report. Only the zorgcoördinator sees it;
// she names no one else.
func (l *loader) meldcode() {
	if l.err != nil || l.scenario.milanZAT == nil {
		return
	}
	day := casus.CareDay(l.now.AddDate(0, 0, -3))
	coord := l.users[UserCoordinator].ID
	steps := []casus.MeldcodeStep{
		{Step: 1, Notes: "Milan vertelt zijn mentor over geweld tussen zijn ouders; hij wil na school niet naar huis. Signalen en wat hij zei letterlijk vastgelegd."},
		{Step: 2, Notes: "Overleg met de aandachtsfunctionaris en dezelfde dag advies gevraagd aan Veilig Thuis.", VeiligThuis: true},
		{Step: 3, Notes: "Gesprek met Milan samen met de mentor; daarna moeder gebeld. Milan kan voorlopig bij zijn oom logeren."},
		{Step: 4, Notes: "Vermoeden van huiselijk geweld blijft; de veiligheid thuis is niet gewaarborgd.",
			Answers: []string{"yes", "yes", "no", "yes", "no"}},
		{Step: 5, Notes: "Melding gedaan bij Veilig Thuis; hulp via SMW loopt, nabespreken in het ZAT.", Decision: casus.MeldDecisionReport},
	}
	var id string
	for _, st := range steps {
		st.MeldcodeID, st.ByID, st.DoneOn = id, coord, day
		if err := l.tx.RecordMeldcodeStep(l.ctx, l.scenario.milanZAT.StudentID, &st); err != nil {
			l.fail("meldcode", err)
			return
		}
		id = st.MeldcodeID
	}
}
