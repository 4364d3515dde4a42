package demo

import (
	"time"

	"casus"
)

// Student numbers of the generic students the demo referrals are about: the
// first students of the demo mentor's cohort.
const (
	ReferralPreselectedNumber = "501002" // referred by the taakdocent, waits for the chair
	ReferralDraftNumber       = "501003" // the mentor's draft
)

// demoReferral is one referral with its history: each step is a state
// reached, by whom, days before now, with a note.
type demoReferral struct {
	student  string // student number
	school   *casus.School
	team     *casus.CareTeam
	referrer string // usernames
	inbreng  string
	urgency  casus.Urgency
	created  int // days ago
	text     map[casus.ReferralField]string
	steps    []demoStep
	linkCase bool // accepted: link the student's open case at the team
}

type demoStep struct {
	to      casus.ReferralState
	by      string
	daysAgo int
	note    string
}

// referrals loads the referrals of the scenarios: Lotte's accepted referral
// to the mbo intern zorgteam (A), Milan's urgent referral to the ZAT after
// the crisis, waiting for triage (C), Yara's accepted referral to the
// above-school ZAT, where a parent refused consent (D), a referral the
// taakdocent preselected and a mentor's draft.
func (l *loader) referrals() {
	if l.err != nil {
		return
	}
	for _, r := range []demoReferral{
		{
			student: LotteNumber, school: l.mbo, team: l.teams.mboIntern, referrer: UserMentor, inbreng: UserCareContact,
			urgency: casus.UrgencyNormal, created: 52, linkCase: true,
			text: map[casus.ReferralField]string{
				casus.FieldReason: "Lotte is sinds de start van het schooljaar steeds vaker afwezig; het verzuim staat nu op 18 %. " +
					"In een gesprek met haar mentor vertelde ze dat ze geldzorgen heeft en dat het thuis onrustig is. " +
					"Het teamoverleg van de opleiding heeft besloten haar aan te melden bij het intern zorgteam.",
				casus.FieldNeedsEducation: "Een vast aanspreekpunt op school en ruimte om gemiste lessen in te halen, zodat haar stage doorgaat.",
				casus.FieldNeedsCare:      "Hulp om haar schulden op een rij te krijgen, en iemand buiten de opleiding met wie ze over thuis kan praten.",
				casus.FieldStudentHindering: "Verzuim 18 %.\nSchulden (telefoonabonnement, webwinkels).\n" +
					"Slaapt slecht door de zorgen.",
				casus.FieldStudentProtective: "Gemotiveerd voor haar stage in de zorg.\nSport twee keer per week bij haar volleybalclub.",
				casus.FieldSchoolHindering:   "Door roosterwijzigingen mist ze vaak dezelfde vakken; inhalen is lastig te plannen.",
				casus.FieldSchoolProtective:  "Goede band met haar mentor; het opleidingsteam wil meedenken over inhalen.",
				casus.FieldFamilyHindering:   "Regelmatig ruzie thuis; weinig financiële ruimte in het gezin.",
				casus.FieldFamilyProtective:  "Een oudere zus bij wie ze terecht kan.",
				casus.FieldDoneBefore:        "Twee gesprekken met de mentor (week 3 en 4); verzuim besproken in het teamoverleg (week 5).",
				casus.FieldDoneResult:        "Lotte staat open voor hulp, maar het verzuim is niet gedaald.",
				casus.FieldQuestionStudent:   "Ik wil hulp bij mijn schulden.",
				casus.FieldQuestionSchool:    "Hoe houden we Lotte in de opleiding en op haar stage?",
				casus.FieldProblemCategory:   "Verzuim en schooluitval",
				casus.FieldSupportSchool:     "Afstemming met het opleidingsteam over inhalen; tips hoe de mentor geldzorgen bespreekbaar maakt.",
				casus.FieldAgencies:          "Geen.",
				casus.FieldAssessments:       "Geen.",
				casus.FieldInformed:          "De taakdocent zorg heeft het met Lotte (17) en haar moeder besproken; beiden vinden de aanmelding goed.",
			},
			steps: []demoStep{
				{casus.RefSubmitted, UserCareContact, 51, ""},
				{casus.RefPreselected, UserCareContact, 51, ""},
				{casus.RefAccepted, UserCoordinator, 49, "Op de agenda van het volgende overleg; schoolmaatschappelijk werk en leerplicht sluiten aan."},
			},
		},
		{
			student: CrisisNumber, school: l.mbo, team: l.teams.mboZAT, referrer: "taakdocent.techniek", inbreng: "taakdocent.techniek",
			urgency: casus.UrgencyUrgent, created: 2,
			text: map[casus.ReferralField]string{
				casus.FieldReason: "Milan heeft donderdag aan zijn mentor verteld dat er thuis geweld is. De zorgcoördinator heeft de meldcode gevolgd: " +
					"dezelfde dag overleg met Veilig Thuis en een gesprek met Milan; er is een melding gedaan. " +
					"Deze aanmelding zorgt dat het ZAT de crisis achteraf bespreekt en de hulp afstemt.",
				casus.FieldNeedsEducation:    "Rust en een veilige plek op school; begrip als hij lessen mist voor gesprekken met hulpverleners.",
				casus.FieldNeedsCare:         "Veiligheid thuis, en iemand die hem begeleidt zolang de hulp aan het gezin op gang komt.",
				casus.FieldStudentHindering:  "Schrikt snel, concentreert zich slecht; schaamt zich voor de situatie.",
				casus.FieldStudentProtective: "Heeft zelf hulp gezocht; goed in praktijkvakken; vertrouwt zijn mentor.",
				casus.FieldSchoolHindering:   "Grote klas in de werkplaats, weinig momenten om even apart te praten.",
				casus.FieldSchoolProtective:  "Mentor en taakdocent zijn bereikbaar en hebben snel gehandeld.",
				casus.FieldFamilyHindering:   "Geweld tussen de ouders; spanningen rond de scheiding.",
				casus.FieldFamilyProtective:  "Moeder zoekt hulp en werkt mee; een oom bij wie Milan kan logeren.",
				casus.FieldDoneBefore:        "Gesprek met Milan, overleg met Veilig Thuis, melding gedaan; moeder is geïnformeerd.",
				casus.FieldDoneResult:        "Milan logeert tijdelijk bij zijn oom; Veilig Thuis neemt contact op met het gezin.",
				casus.FieldQuestionStudent:   "Ik wil gewoon naar school kunnen zonder dat iedereen het weet.",
				casus.FieldQuestionParents:   "Moeder vraagt om ondersteuning voor het hele gezin.",
				casus.FieldQuestionSchool:    "Welke hulp loopt er al, wie houdt de regie, en wat kan school doen om Milan op school te houden?",
				casus.FieldProblemCategory:   "Veiligheid (vermoeden van huiselijk geweld of kindermishandeling)",
				casus.FieldSupportParents:    "Moeder vraagt hulp bij de scheiding en bij de veiligheid thuis.",
				casus.FieldAgencies:          "Veilig Thuis (melding gedaan); huisarts van het gezin.",
				casus.FieldAssessments:       "Geen.",
				casus.FieldInformed:          "Milan en zijn moeder weten van de aanmelding en stemmen in; vader is via Veilig Thuis op de hoogte.",
			},
			steps: []demoStep{{casus.RefSubmitted, "taakdocent.techniek", 2, ""}},
		},
		{
			student: RefusalNumber, school: l.po, team: l.teams.poZAT, referrer: UserIB, inbreng: UserIB,
			urgency: casus.UrgencyNormal, created: 20, linkCase: true,
			text: map[casus.ReferralField]string{
				casus.FieldReason: "Yara trekt zich in de klas steeds meer terug en komt vaak te laat. De leerkracht en de IB'er hebben met de ouders gesproken; " +
					"het zorgteam van de school heeft geadviseerd de vraag bij het ZAT neer te leggen.",
				casus.FieldNeedsEducation:    "Een leerkracht die haar dagelijks even persoonlijk aanspreekt, en een rustige werkplek.",
				casus.FieldNeedsCare:         "Zicht op wat er achter het terugtrekken zit; mogelijk ondersteuning voor het gezin.",
				casus.FieldStudentHindering:  "Stil, weinig contact met klasgenoten; vaak moe.",
				casus.FieldStudentProtective: "Tekent graag en goed; leest boven haar niveau.",
				casus.FieldSchoolHindering:   "Wisselende invallers in groep 6 dit jaar.",
				casus.FieldSchoolProtective:  "Vaste leerkracht is terug; de IB'er kent het gezin goed.",
				casus.FieldFamilyHindering:   "Vader werkt in ploegendienst; ochtenden zijn onrustig.",
				casus.FieldFamilyProtective:  "Betrokken grootouders die Yara twee middagen per week opvangen.",
				casus.FieldDoneBefore:        "Observatie in de klas, twee oudergesprekken, advies van de gedragsspecialist.",
				casus.FieldDoneResult:        "Te laat komen is iets minder, het terugtrekken niet.",
				casus.FieldQuestionStudent:   "Yara zegt dat ze het fijn zou vinden als het in de klas rustiger was.",
				casus.FieldQuestionParents:   "Wij willen eerst zelf met school verder praten voordat anderen meekijken.",
				casus.FieldQuestionSchool:    "Wat heeft Yara nodig, en hoe betrekken we de ouders zonder hen te overvragen?",
				casus.FieldProblemCategory:   "Psychisch welbevinden",
				casus.FieldSupportSchool:     "Handvatten voor de leerkracht om Yara te betrekken zonder haar in de aandacht te zetten.",
				casus.FieldSupportParents:    "De ouders willen meedenken, maar eerst in gesprekken op school.",
				casus.FieldParenting:         "Rust en een vast ritme in de ochtend.",
				casus.FieldAgencies:          "Geen.",
				casus.FieldAssessments:       "Observatie en advies van de gedragsspecialist van het samenwerkingsverband.",
				casus.FieldInformed:          "De IB'er heeft het met beide ouders besproken. Zij weten van de aanmelding maar geven geen toestemming om Yara met naam te bespreken.",
			},
			steps: []demoStep{
				{casus.RefSubmitted, UserIB, 18, ""},
				{casus.RefAccepted, "swv", 14, "Vader geeft geen toestemming (moeder wel): we bespreken Yara anoniem en houden beide ouders op de hoogte."},
			},
		},
		{
			student: ReferralPreselectedNumber, school: l.mbo, team: l.teams.mboIntern, referrer: UserCareContact, inbreng: UserMentor,
			urgency: casus.UrgencyNormal, created: 6,
			text: map[casus.ReferralField]string{
				casus.FieldReason: "Valt de laatste weken regelmatig in slaap in de les en levert opdrachten niet in. " +
					"Vertelde de mentor dat hij naast school bijna elke avond werkt in een distributiecentrum.",
				casus.FieldNeedsEducation:    "Een haalbare planning voor de achterstallige opdrachten.",
				casus.FieldNeedsCare:         "Zicht op de balans tussen werk, school en rust; mogelijk hulp bij geldzaken.",
				casus.FieldStudentHindering:  "Vermoeid; achterstand bij twee vakken.",
				casus.FieldStudentProtective: "Betrouwbaar op stage; wil zijn diploma halen.",
				casus.FieldSchoolHindering:   "Veel inleverdata in dezelfde weken.",
				casus.FieldSchoolProtective:  "Mentor houdt wekelijks contact.",
				casus.FieldDoneBefore:        "Gesprek met de mentor; afspraak om minder avonden te werken.",
				casus.FieldDoneResult:        "Afspraak niet nagekomen; achterstand groeit.",
				casus.FieldQuestionSchool:    "Hoe helpen we hem zijn werk en school in balans te brengen?",
				casus.FieldProblemCategory:   "Financiën, wonen en werk",
			},
			steps: []demoStep{
				{casus.RefSubmitted, UserCareContact, 4, ""},
				{casus.RefPreselected, UserCareContact, 4, ""},
			},
		},
		{
			student: ReferralDraftNumber, school: l.mbo, team: l.teams.mboIntern, referrer: UserMentor, inbreng: UserMentor,
			urgency: casus.UrgencyNormal, created: 1,
			text: map[casus.ReferralField]string{
				casus.FieldReason:    "Haar cijfers zijn na de herfstvakantie sterk gedaald en ze zegt weinig meer in de groep.",
				casus.FieldNeedsCare: "Nog bespreken met de taakdocent.",
			},
		},
	} {
		l.referral(r)
	}
}

func (l *loader) referral(d demoReferral) {
	if l.err != nil {
		return
	}
	ctx, tx := l.ctx, l.tx
	sid, err := tx.StudentIDByNumber(ctx, d.school.ID, d.student)
	if err != nil {
		l.fail("referral student "+d.student, err)
		return
	}
	day := func(n int) time.Time { return l.now.AddDate(0, 0, -n) }
	r := &casus.Referral{StudentID: sid, TeamID: d.team.ID, ReferrerID: l.users[d.referrer].ID, InbrengerID: l.users[d.inbreng].ID,
		Urgency: d.urgency, Text: d.text, CreatedAt: day(d.created)}
	l.fail("referral", tx.CreateReferral(ctx, r, r.ReferrerID))
	for _, s := range d.steps {
		if l.err != nil {
			return
		}
		l.fail("referral step", tx.MoveReferralAt(ctx, r, s.to, l.users[s.by].ID, s.note, day(s.daysAgo)))
	}
	if d.linkCase && l.err == nil {
		c, err := tx.EnsureOpenCase(ctx, sid, d.team.ID)
		l.fail("referral case", err)
		if err == nil {
			l.fail("referral case", tx.LinkReferral(ctx, r.ID, c.ID, ""))
		}
	}
}
