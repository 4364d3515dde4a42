package demo

import (
	"casus"
)

// consents records the scenarios' consent: Lotte (17) consents herself to
// social work, the youth care agency and GGZ, not the police (A); Milan's
// case runs under the meldcode exception (C); Yara's mother refused (D).
func (l *loader) consents() {
	if l.err != nil || l.scenario.lotteZAT == nil || l.scenario.milanZAT == nil || l.scenario.yaraZAT == nil {
		return
	}
	coordinator := l.users[UserCoordinator].ID
	lotte := l.scenario.lotteZAT
	l.fail("consent", l.tx.RecordConsent(l.ctx, &casus.Consent{CaseID: lotte.ID, StudentID: lotte.StudentID,
		Giver: casus.GiverStudent, GiverName: "Lotte Verhagen", Mode: casus.ConsentGiven, How: casus.HowSignedForm,
		Scope:   []casus.Discipline{casus.DiscSMW, casus.DiscBJZ, casus.DiscGGZ},
		GivenAt: lotte.OpenedAt.AddDate(0, 0, -3), RecordedBy: coordinator}))
	milan := l.scenario.milanZAT
	l.fail("consent exception", l.tx.RecordConsentException(l.ctx, &casus.ConsentException{CaseID: milan.ID,
		Reason:    "Meldcode: signalen van huiselijk geweld, Veilig Thuis geraadpleegd; bespreken met naam is nodig voor de veiligheid van Milan.",
		DecidedBy: "Marieke Vermeer, zorgcoördinator", At: milan.OpenedAt, RecordedBy: coordinator}))
	yara := l.scenario.yaraZAT
	l.fail("consent", l.tx.RecordConsent(l.ctx, &casus.Consent{CaseID: yara.ID, StudentID: yara.StudentID,
		Giver: casus.GiverGuardian, GiverName: "Linda Bosman (moeder)", Mode: casus.ConsentAnonymous, Refused: true,
		How: casus.HowConversation, GivenAt: yara.OpenedAt, RecordedBy: l.users[UserIB].ID}))
}
