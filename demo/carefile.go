package demo

import (
	"time"

	"casus"
)

// careNote is one demo entry of a care file: written by author, weeksAgo
// weeks (plus days) before today.
type careNote struct {
	author     string
	weeksAgo   int
	daysAgo    int
	kind       casus.EntryKind
	visibility casus.Visibility
	text       string
	// correction, when set, is stored as version 2 by the same author.
	correction, reason string
}

// routeStep is one demo decision on a care route.
type routeStep struct {
	by       string
	weeksAgo int
	daysAgo  int
	to       casus.RouteStep
	reason   string
}

// careFiles gives the scenario students (SCENARIOS.md) care-file entries and
// a care route that match their story so far: Lotte escalated from the
// intern zorgteam to the ZAT, Daan at his school's zorgteam, Milan taken
// straight to the ZAT after a crisis, Yara at the above-school ZAT without
// consent. One of Lotte's signals was corrected, so its history has two
// versions to show.
func (l *loader) careFiles() {
	if l.err != nil {
		return
	}
	g, c := casus.VisGuidance, casus.VisCareTeam
	l.careFile(l.mbo, LotteNumber, []careNote{
		{author: UserMentor, weeksAgo: 10, kind: casus.EntrySignal, visibility: g,
			text:       "Lotte is de laatste drie weken vaak te laat of afwezig, vooral op maandag. Verzuim deze periode ongeveer 12%.",
			correction: "Lotte is de laatste drie weken vaak te laat of afwezig, vooral op maandag. Verzuim deze periode 18%.",
			reason:     "Percentage nagerekend in het verzuimregister: het is 18%, niet 12%."},
		{author: UserMentor, weeksAgo: 9, kind: casus.EntryGuidance, visibility: g,
			text: "Gesprek met Lotte over haar verzuim. Ze vertelt over geldzorgen: een telefoonabonnement en een boete die ze niet kan betalen. Afgesproken dat ze elke week even bij mij langskomt."},
		{author: UserMentor, weeksAgo: 8, kind: casus.EntryTeamMeeting, visibility: g,
			text: "Teamoverleg begeleiding en zorg: zorgen gedeeld, stage loopt goed. Besluit: taakdocent zorg inschakelen en aanmelden bij het intern zorgteam."},
		{author: UserMentor, weeksAgo: 6, kind: casus.EntryContact, visibility: g,
			text: "Telefonisch contact met moeder. Zij herkent de geldzorgen en vertelt dat het thuis onrustig is. Ze staat open voor hulp van school."},
		{author: UserCareContact, weeksAgo: 5, kind: casus.EntryHelp, visibility: g,
			text: "Schoolmaatschappelijk werk heeft een intake schuldhulp gedaan. Leerplicht nodigt Lotte uit voor een gesprek. Advies aan mentoren: vaste wekelijkse check-in."},
		{author: UserCoordinator, weeksAgo: 2, kind: casus.EntryTeamMeeting, visibility: c,
			text: "Intern zorgteam: weinig vooruitgang, verzuim blijft hoog en de situatie thuis is verslechterd. Besluit: opschalen naar het ZAT. Lotte wordt om toestemming gevraagd."},
	}, []routeStep{
		{by: UserMentor, weeksAgo: 9, to: casus.StepTeamMeeting, reason: "Verzuim loopt op en er spelen geldzorgen; bespreken met het team."},
		{by: UserMentor, weeksAgo: 8, to: casus.StepCareContact, reason: "Uitkomst teamoverleg: taakdocent zorg inschakelen."},
		{by: UserCareContact, weeksAgo: 7, to: casus.StepIntern, reason: "Aangemeld bij het intern zorgteam: schulden, verzuim en spanningen thuis."},
		{by: UserCoordinator, weeksAgo: 1, to: casus.StepZAT, reason: "Weinig vooruitgang en de thuissituatie is verslechterd; meerdere partners nodig."},
	})
	l.careFile(l.po, DaanNumber, []careNote{
		{author: "leerkracht.groep5", weeksAgo: 9, kind: casus.EntrySignal, visibility: g,
			text: "Daan heeft deze week drie keer een woedeaanval gehad bij het lezen in groepjes. Leesniveau blijft achter (AVI E4)."},
		{author: "leerkracht.groep5", weeksAgo: 8, kind: casus.EntryContact, visibility: g,
			text: "Gesprek met moeder en vader apart. Beiden herkennen de uitbarstingen; de scheiding speelt thuis mee. Afgesproken om elke twee weken kort af te stemmen."},
		{author: "leerkracht.groep5", weeksAgo: 6, kind: casus.EntryGuidance, visibility: g,
			text: "Met collega's van de bouw overlegd: vaste plek vooraan, lezen in tweetallen, een time-outkaart. Uitbarstingen iets minder, lezen nog niet beter."},
		{author: UserIB, weeksAgo: 4, kind: casus.EntryHelp, visibility: g,
			text: "Gedragsspecialist heeft in de klas geobserveerd en geeft de leerkracht advies over voorspelbaarheid en succeservaringen bij rekenen."},
		{author: UserIB, weeksAgo: 3, kind: casus.EntryTeamMeeting, visibility: c,
			text: "Zorgteam: wachtlijst dyslexieonderzoek is lang, ouders hebben veel aan hun hoofd. Afwegen of het ZAT nodig is bij de volgende bespreking."},
	}, []routeStep{
		{by: "leerkracht.groep5", weeksAgo: 7, to: casus.StepPOColleagues, reason: "Uitbarstingen en leesachterstand; overleg met collega's."},
		{by: "leerkracht.groep5", weeksAgo: 5, to: casus.StepPOIB, reason: "Aanpak van de bouw helpt onvoldoende."},
		{by: UserIB, weeksAgo: 3, to: casus.StepPOZorgteam, reason: "Observatie en advies van de gedragsspecialist; inbrengen in het zorgteam."},
	})
	l.careFile(l.mbo, CrisisNumber, []careNote{
		{author: "mentor.techniek", daysAgo: 3, kind: casus.EntrySignal, visibility: g,
			text: "Milan vertelde na de les dat het thuis niet veilig is. Direct de zorgcoördinator gebeld."},
		{author: UserCoordinator, daysAgo: 3, kind: casus.EntryHelp, visibility: casus.VisConfidential,
			text: "Meldcode gevolgd: signalen in kaart gebracht, dezelfde dag overleg met Veilig Thuis en gesprek met Milan. Besluit: melden. Melding gedaan."},
	}, []routeStep{
		{by: UserCoordinator, daysAgo: 2, to: casus.StepZAT, reason: "Crisis: melding bij Veilig Thuis gedaan; nabespreken in het eerstvolgende ZAT."},
	})
	l.careFile(l.po, RefusalNumber, []careNote{
		{author: "leerkracht.groep6", weeksAgo: 8, kind: casus.EntrySignal, visibility: g,
			text: "Yara trekt zich terug in de klas en eet 's middags niet. Ze zegt dat ze moe is."},
		{author: UserIB, weeksAgo: 4, kind: casus.EntryContact, visibility: g,
			text: "Gesprek met beide ouders. Vader wil niet dat Yara met naam in het ZAT besproken wordt. Afgesproken: anonieme bespreking, advies komt terug bij de leerkracht."},
	}, []routeStep{
		{by: "leerkracht.groep6", weeksAgo: 7, to: casus.StepPOIB, reason: "Zorgen over terugtrekken en eten; IB'er erbij gehaald."},
		{by: UserIB, weeksAgo: 5, to: casus.StepPOZorgteam, reason: "Inbreng in het zorgteam."},
		{by: UserIB, weeksAgo: 2, to: casus.StepZAT, reason: "Zorgteam ziet meervoudige problematiek; anoniem inbrengen in het ZAT omdat toestemming ontbreekt."},
	})
}

// careFile stores the notes and route decisions of one student.
func (l *loader) careFile(school *casus.School, number string, notes []careNote, steps []routeStep) {
	if l.err != nil {
		return
	}
	id, err := l.tx.StudentIDByNumber(l.ctx, school.ID, number)
	if err != nil {
		l.fail("care file of "+number, err)
		return
	}
	ago := func(w, d int) time.Time { return l.today.AddDate(0, 0, -7*w-d) }
	for _, n := range notes {
		e := casus.CareEntry{StudentID: id, AuthorID: l.users[n.author].ID, Current: casus.EntryVersion{
			Kind: n.kind, Visibility: n.visibility, OccurredOn: ago(n.weeksAgo, n.daysAgo), Text: n.text}}
		l.fail("care entry", l.tx.AddCareEntry(l.ctx, &e))
		if n.correction != "" && l.err == nil {
			v := e.Current
			v.Text, v.Reason, v.ByID = n.correction, n.reason, e.AuthorID
			l.fail("care entry correction", l.tx.CorrectCareEntry(l.ctx, &v))
		}
	}
	route := casus.RouteFor(school.Sector)
	from := route.First()
	for i, s := range steps {
		ev := casus.RouteEvent{StudentID: id, Seq: i, From: from, To: s.to, DecidedOn: ago(s.weeksAgo, s.daysAgo),
			ByID: l.users[s.by].ID, Reason: s.reason}
		l.fail("route step", l.tx.RecordRouteStep(l.ctx, &ev))
		from = s.to
	}
}
