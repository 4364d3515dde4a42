package demo

import (
	"time"

	"casus"
)

// followUp gives Noor (E) a discussion at the mbo ZAT some six weeks ago:
// her own consent, a finalised record with two goals and two actions, and
// an evaluation day of yesterday, so her follow-up is due for the ZAT's
// next meeting.
func (l *loader) followUp() {
	c := l.scenario.noorZAT
	if l.err != nil || c == nil {
		return
	}
	coordinator, smw := l.users[UserCoordinator].ID, l.users["smw"].ID
	l.fail("consent", l.tx.RecordConsent(l.ctx, &casus.Consent{CaseID: c.ID, StudentID: c.StudentID,
		Giver: casus.GiverStudent, GiverName: "Noor Bakker", Mode: casus.ConsentGiven, How: casus.HowConversation,
		Scope:   []casus.Discipline{casus.DiscJGZ, casus.DiscSMW, casus.DiscGGZ, casus.DiscBJZ, casus.DiscLeerplicht},
		GivenAt: c.OpenedAt, RecordedBy: coordinator}))
	if l.err != nil {
		return
	}
	m, err := l.tx.NextMeeting(l.ctx, c.TeamID, l.now.AddDate(0, 0, -7*7))
	l.fail("past meeting", err)
	if l.err != nil {
		return
	}
	item := casus.AgendaItem{MeetingID: m.ID, CaseID: c.ID, Kind: casus.AgendaChair, AddedBy: coordinator}
	l.fail("agenda item", l.tx.AddAgendaItem(l.ctx, &item))
	day := func(t time.Time) time.Time { return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC) }
	yesterday := day(l.today.AddDate(0, 0, -1))
	d := casus.Discussion{ItemID: item.ID, MeetingID: m.ID, CaseID: c.ID, StudentID: c.StudentID, SavedBy: l.users["notulist"].ID,
		Record: casus.DiscussionRecord{
			Attendees:  []string{coordinator, l.users[UserGGD].ID, smw, l.users["bjz"].ID, l.users["notulist"].ID},
			Guests:     "Noor zelf, bij het eerste deel",
			Question:   "Noor wil haar opleiding afmaken, maar zorgt thuis voor haar zieke moeder en komt daardoor vaak niet.",
			Hindering:  "Mantelzorg thuis; verzuim 22 %; weinig slaap.",
			Protective: "Sterk gemotiveerd voor de zorg; goede stagebeoordelingen; een tante die wil helpen.",
			Balance:    "De draaglast is nu groter dan de draagkracht; met hulp thuis is dat te keren.",
			Severity:   casus.LevelMedium, Urgency: casus.LevelMedium,
			ProblemOwner:   "Noor ziet het als haar taak; school ziet vooral het verzuim.",
			NeedsEducation: "Een rooster dat rekening houdt met de zorg thuis.",
			NeedsSupport:   "Mantelzorgondersteuning en iemand om mee te praten.",
			Goals: []casus.Goal{
				{Description: "Noor is vaker op school", Criterion: "Verzuim onder 10 % in het absentieregister", DueOn: yesterday},
				{Description: "De zorg thuis is verdeeld", Criterion: "Er is een mantelzorgplan met de tante en de wijkverpleging", DueOn: yesterday},
			},
			Arrangement: casus.ArrCurrentSchool, CoordinatorID: smw, ContactPerson: "De mentor",
			FeedbackBy: "De zorgcoördinator", InformReferrer: "De taakdocent zorg", VIR: casus.VIRNoReport,
			VIRReason:  "Geen risico voor Noor zelf; hulp is afgesproken.",
			Evaluation: "Iedereen steunt de aanpak; Noor is het ermee eens.", EvaluateOn: yesterday, MinutesSpent: 20,
		}}
	if l.err == nil {
		l.fail("discussion", l.tx.SaveDiscussion(l.ctx, &d, 0))
	}
	for _, a := range []casus.Action{
		{OwnerID: smw, Description: "Mantelzorgondersteuning regelen met het wijkteam", DueOn: day(l.today.AddDate(0, 0, -14)), GoalID: d.Record.Goals[1].ID},
		{OwnerID: l.users[UserCareContact].ID, Description: "Rooster aanpassen met het opleidingsteam", DueOn: day(l.today.AddDate(0, 0, -21)), GoalID: d.Record.Goals[0].ID},
	} {
		if l.err == nil {
			a.CaseID, a.StudentID, a.CreatedBy, a.DiscussionID = c.ID, c.StudentID, coordinator, d.ID
			l.fail("action", l.tx.CreateAction(l.ctx, &a))
		}
	}
	if l.err == nil {
		_, err := l.tx.FinaliseMinutes(l.ctx, m.ID)
		l.fail("minutes", err)
	}
}
