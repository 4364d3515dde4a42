package demo

import (
	"slices"

	"casus"
)

// consents records the scenarios' consent: Lotte (17) consents herself to
// social work, the youth care agency and GGZ, not the police (A); Milan's
// case runs under the meldcode exception, which names the partners it opens
// to, the police invited for him among them (C); Yara's mother consents but
// her father, who shares parental authority, refused, so the ZAT discusses
// her anonymously (D).
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
		DecidedBy: "Marieke Vermeer, zorgcoördinator", At: milan.OpenedAt, RecordedBy: coordinator,
		Scope: []casus.Discipline{casus.DiscJGZ, casus.DiscSMW, casus.DiscBJZ, casus.DiscGGZ, casus.DiscLeerplicht, casus.DiscPolitie}}))
	yara := l.scenario.yaraZAT
	gs, err := l.tx.Guardians(l.ctx, yara.StudentID)
	l.fail("guardians", err)
	parent := func(relation string) casus.Guardian {
		if i := slices.IndexFunc(gs, func(g casus.Guardian) bool { return g.Relation == relation }); i >= 0 {
			return gs[i]
		}
		return casus.Guardian{}
	}
	mother, father := parent("moeder"), parent("vader")
	ib := l.users[UserIB].ID
	l.fail("consent", l.tx.RecordConsent(l.ctx, &casus.Consent{CaseID: yara.ID, StudentID: yara.StudentID,
		Giver: casus.GiverGuardian, GuardianID: mother.ID, GiverName: mother.Name + " (moeder)", Mode: casus.ConsentGiven,
		How: casus.HowSignedForm, Scope: []casus.Discipline{casus.DiscJGZ, casus.DiscSMW},
		GivenAt: yara.OpenedAt.AddDate(0, 0, -1), RecordedBy: ib}))
	l.fail("consent", l.tx.RecordConsent(l.ctx, &casus.Consent{CaseID: yara.ID, StudentID: yara.StudentID,
		Giver: casus.GiverGuardian, GuardianID: father.ID, GiverName: father.Name + " (vader)", Mode: casus.ConsentAnonymous, Refused: true,
		How: casus.HowConversation, GivenAt: yara.OpenedAt, RecordedBy: ib}))
}

// parentsConsent records, for a primary school zorgteam case, that each
// parent with parental authority signed the consent form the IB'er asked
// for beforehand, for the zorgteam's partners from outside the school.
func (l *loader) parentsConsent(c *casus.Case) {
	if l.err != nil || c == nil {
		return
	}
	gs, err := l.tx.Guardians(l.ctx, c.StudentID)
	l.fail("guardians", err)
	for _, g := range gs {
		if !g.ParentalAuthority {
			continue
		}
		l.fail("consent", l.tx.RecordConsent(l.ctx, &casus.Consent{CaseID: c.ID, StudentID: c.StudentID,
			Giver: casus.GiverGuardian, GuardianID: g.ID, GiverName: g.Name + " (" + g.Relation + ")", Mode: casus.ConsentGiven,
			How: casus.HowSignedForm, Scope: []casus.Discipline{casus.DiscJGZ, casus.DiscSMW},
			GivenAt: c.OpenedAt.AddDate(0, 0, -2), RecordedBy: l.users[UserIB].ID}))
	}
}
