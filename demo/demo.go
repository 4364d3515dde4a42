// Package demo loads a fictitious but complete installation of Casus: an mbo
// institution and a primary school, their care teams with partners, about two
// hundred students with guardians and mentors, and the students of the
// scenarios in SCENARIOS.md with their open cases. It serves demonstrations,
// walkthroughs and browser tests.
//
// The data is the same on every run (a fixed random seed); only dates move
// with the clock, so students keep their ages. Identifiers come from storage
// and differ per run: find the scenario students by their student numbers.
package demo

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"casus"
	"casus/storage"
)

// Password is the password of every demo account.
const Password = "casus-demo"

// EmailDomain is the domain of the demo accounts' e-mail addresses, such as
// coordinator@demo.casus.nl.
const EmailDomain = "demo.casus.nl"

// Usernames of the demo accounts, one per role a demonstration shows.
const (
	UserAdmin       = "beheer"      // beheerder of the mbo institution
	UserCoordinator = "coordinator" // zorgcoördinator, chairs the mbo intern zorgteam and ZAT
	UserIB          = "ib"          // intern begeleider of the primary school, chairs its zorgteam
	UserCareContact = "taakdocent"  // taakdocent zorg of the Zorg en welzijn programmes
	UserMentor      = "mentor"      // mentor of 25 Zorg en welzijn students, Lotte among them
	UserGGD         = "ggd"         // JGZ partner, fixed member of the mbo ZAT and intern zorgteam
	UserPolice      = "politie"     // police partner, on call at the mbo ZAT
	UserManagement  = "management"  // steering group, aggregated figures only
	UserPrivacy     = "privacy"     // functionaris gegevensbescherming of the mbo institution: access logs and exports
)

// Student numbers of the scenario students (SCENARIOS.md).
const (
	LotteNumber    = "500117" // A: Lotte, 17, Zorg en welzijn level 2; open at the mbo intern zorgteam and ZAT
	DaanNumber     = "10905"  // B: Daan, 9, group 5; open at the primary zorgteam
	CrisisNumber   = "500342" // C: Milan, 16, Techniek; open at the mbo ZAT after a crisis, police invited
	RefusalNumber  = "10610"  // D: Yara, 10, group 6; open at the above-school ZAT, consent refused
	FollowUpNumber = "500218" // E: Noor, 18, Zorg en welzijn; discussed at the mbo ZAT, her follow-up is due
)

// Names of the care teams.
const (
	TeamMBOIntern = "Intern zorgteam ROC Rivierenland"         // complete: every minimum partner
	TeamMBOZAT    = "ZAT ROC Rivierenland"                     // complete; police on call
	TeamPOIntern  = "Zorgteam De Wilgenhoek"                   // the primary school's zorgteam, chaired by the IB'er
	TeamPOZAT     = "ZAT Samenwerkingsverband PO Rivierenland" // above-school ZAT, lacks REC expertise
)

// MentorStudents is how many students the demo mentor account mentors.
const MentorStudents = 25

// ErrNotEmpty is returned (wrapped) by Load when the database already has
// users: demo data goes into an empty installation only.
var ErrNotEmpty = errors.New("demo: the database already has users")

// Load fills an empty database with the demo data in one transaction. hash
// turns Password into the stored password hash; it is called once and the
// result shared by every account, since password hashing is slow on purpose.
// now anchors every date: birth dates, case openings, leaving dates.
func Load(ctx context.Context, db *storage.DB, hash func(password string) (string, error), now time.Time) error {
	// Check before hashing, so a refused load costs no hashing time; the
	// transaction checks again in case another process got there first.
	if err := db.View(ctx, checkEmpty(ctx)); err != nil {
		return err
	}
	pwHash, err := hash(Password)
	if err != nil {
		return fmt.Errorf("demo: hash password: %w", err)
	}
	return db.Update(ctx, func(tx *storage.Tx) error {
		if err := checkEmpty(ctx)(tx); err != nil {
			return err
		}
		l := &loader{
			ctx:    ctx,
			tx:     tx,
			rng:    rand.New(rand.NewPCG(1, 2)),
			hash:   pwHash,
			now:    now.UTC().Truncate(time.Second),
			names:  map[string]bool{},
			groups: map[string]*casus.Group{},
			users:  map[string]*casus.User{},
			orgs:   map[casus.Discipline]*casus.PartnerOrg{},
		}
		y, m, d := l.now.Date()
		l.today = time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
		return l.load()
	})
}

func checkEmpty(ctx context.Context) func(*storage.Tx) error {
	return func(tx *storage.Tx) error {
		users, err := tx.Users(ctx)
		if err != nil {
			return fmt.Errorf("demo: count users: %w", err)
		}
		if len(users) > 0 {
			return fmt.Errorf("%w (%d users)", ErrNotEmpty, len(users))
		}
		return nil
	}
}

// loader carries the state of one Load. Its methods stop at the first error
// and record it in err, so the data reads as a list rather than as a ladder
// of error checks.
type loader struct {
	ctx   context.Context
	tx    *storage.Tx
	rng   *rand.Rand
	hash  string
	now   time.Time
	today time.Time
	err   error

	names  map[string]bool // full names of students drawn so far
	groups map[string]*casus.Group
	users  map[string]*casus.User // by username
	orgs   map[casus.Discipline]*casus.PartnerOrg
	mbo    *casus.School
	po     *casus.School
	teams  struct{ mboIntern, mboZAT, poIntern, poZAT *casus.CareTeam }
	// scenario holds the scenario cases that later steps add to.
	scenario struct{ lotteZAT, milanZAT, yaraZAT, noorZAT *casus.Case }
	nextNo   map[string]int // next generic student number per school
}

func (l *loader) fail(what string, err error) {
	if err != nil && l.err == nil {
		l.err = fmt.Errorf("demo: %s: %w", what, err)
	}
}

func (l *loader) load() error {
	l.organisations()
	l.people()
	l.careTeams()
	l.meetings()
	l.students()
	l.referrals()
	l.careFiles()
	l.consents()
	l.crises()
	l.meldcode()
	l.accessRequest()
	l.followUp()
	l.handbook()
	return l.err
}

// organisations creates the boards, schools, locations, groups and partner
// organisations.
func (l *loader) organisations() {
	mboBoard := &casus.Board{Name: "Stichting ROC Rivierenland"}
	poBoard := &casus.Board{Name: "Stichting Kindcentra Waaloever"}
	l.fail("board", l.tx.CreateBoard(l.ctx, mboBoard))
	l.fail("board", l.tx.CreateBoard(l.ctx, poBoard))
	l.mbo = &casus.School{BoardID: mboBoard.ID, Name: "ROC Rivierenland", Sector: casus.SectorMBO, BRIN: "25AB"}
	l.po = &casus.School{BoardID: poBoard.ID, Name: "Kindcentrum De Wilgenhoek", Sector: casus.SectorPO, BRIN: "12CD"}
	l.fail("school", l.tx.CreateSchool(l.ctx, l.mbo))
	l.fail("school", l.tx.CreateSchool(l.ctx, l.po))
	for _, loc := range []casus.Location{
		{SchoolID: l.mbo.ID, Name: "Campus Waalkade", City: "Tiel"},
		{SchoolID: l.mbo.ID, Name: "Locatie Lingedijk", City: "Geldermalsen"},
		{SchoolID: l.po.ID, Name: "De Wilgenhoek", City: "Zaltbommel"},
	} {
		l.fail("location", l.tx.CreateLocation(l.ctx, &loc))
	}
	for _, g := range []casus.Group{
		{SchoolID: l.mbo.ID, Name: "Zorg en welzijn", Kind: casus.GroupProgramme, Level: "2"},
		{SchoolID: l.mbo.ID, Name: "Verzorgende-IG", Kind: casus.GroupProgramme, Level: "3"},
		{SchoolID: l.mbo.ID, Name: "Techniek", Kind: casus.GroupProgramme, Level: "3"},
		{SchoolID: l.po.ID, Name: "Groep 1-2", Kind: casus.GroupClass, Level: "1-2"},
		{SchoolID: l.po.ID, Name: "Groep 3", Kind: casus.GroupClass, Level: "3"},
		{SchoolID: l.po.ID, Name: "Groep 4", Kind: casus.GroupClass, Level: "4"},
		{SchoolID: l.po.ID, Name: "Groep 5", Kind: casus.GroupClass, Level: "5"},
		{SchoolID: l.po.ID, Name: "Groep 6", Kind: casus.GroupClass, Level: "6"},
		{SchoolID: l.po.ID, Name: "Groep 7", Kind: casus.GroupClass, Level: "7"},
		{SchoolID: l.po.ID, Name: "Groep 8", Kind: casus.GroupClass, Level: "8"},
	} {
		l.fail("group", l.tx.CreateGroup(l.ctx, &g))
		l.groups[g.Name] = &g
	}
	for _, p := range []casus.PartnerOrg{
		{Name: "GGD Rivierenland", Discipline: casus.DiscJGZ},
		{Name: "Welzijn Rivierenland, schoolmaatschappelijk werk", Discipline: casus.DiscSMW},
		{Name: "Bureau Jeugdzorg Rivierenland", Discipline: casus.DiscBJZ},
		{Name: "GGZ De Linge, jeugd", Discipline: casus.DiscGGZ},
		{Name: "Leerplicht en RMC Rivierenland", Discipline: casus.DiscLeerplicht},
		{Name: "Expertisecentrum De Oever (cluster 4)", Discipline: casus.DiscREC},
		{Name: "Politie, basisteam Waalstroom", Discipline: casus.DiscPolitie},
		{Name: "Samenwerkingsverband PO Rivierenland", Discipline: casus.DiscOther},
	} {
		l.fail("partner organisation", l.tx.CreatePartnerOrg(l.ctx, &p))
		l.orgs[p.Discipline] = &p
	}
}

// person describes one account.
type person struct {
	username   string
	name       string
	discipline casus.Discipline
	roles      []casus.Role
	school     *casus.School    // school staff
	org        casus.Discipline // partners: the discipline of their organisation
	careFor    []string         // names of the groups the person is care contact for
}

// people creates every account. All are demo accounts with Password; only
// the ones named by the User constants are meant for logging in during a
// demonstration, the others complete the teams.
func (l *loader) people() {
	mbo, po := l.mbo, l.po
	role := func(r ...casus.Role) []casus.Role { return r }
	for _, p := range []person{
		{username: UserAdmin, name: "Jeroen Hoogendoorn", discipline: casus.DiscAdministrator, roles: role(casus.RoleAdmin), school: mbo},
		{username: UserCoordinator, name: "Marieke Vermeer", discipline: casus.DiscCoordinator, roles: role(casus.RoleCoordinator), school: mbo},
		{username: UserCareContact, name: "Ilona Rietveld", discipline: casus.DiscCareContact, roles: role(casus.RoleCareContact), school: mbo,
			careFor: []string{"Zorg en welzijn", "Verzorgende-IG"}},
		{username: "taakdocent.techniek", name: "Henk Zwartjes", discipline: casus.DiscCareContact, roles: role(casus.RoleCareContact), school: mbo,
			careFor: []string{"Techniek"}},
		{username: UserMentor, name: "Sanne Oosterhout", discipline: casus.DiscTeacher, roles: role(casus.RoleMentor), school: mbo},
		{username: "mentor.zw", name: "Rachid Benali", discipline: casus.DiscTeacher, roles: role(casus.RoleMentor), school: mbo},
		{username: "mentor.vig", name: "Annemiek Terlouw", discipline: casus.DiscTeacher, roles: role(casus.RoleMentor), school: mbo},
		{username: "mentor.techniek", name: "Gert-Jan Kleinveld", discipline: casus.DiscTeacher, roles: role(casus.RoleMentor), school: mbo},
		{username: "mentor.techniek2", name: "Priya Mahabier", discipline: casus.DiscTeacher, roles: role(casus.RoleMentor), school: mbo},
		{username: "orthopedagoog", name: "Evelien Bruggink", discipline: casus.DiscSpecialist, roles: role(casus.RoleSpecialist), school: mbo},
		{username: "notulist", name: "Tamara Wessels", discipline: casus.DiscAdministrator, roles: role(casus.RoleMinutes), school: mbo},
		{username: UserManagement, name: "Frank Oudshoorn", discipline: casus.DiscManagement, roles: role(casus.RoleManagement), school: mbo},
		{username: UserPrivacy, name: "Yvonne Brinkhorst", discipline: casus.DiscAdministrator, roles: role(casus.RolePrivacy), school: mbo},

		{username: UserGGD, name: "Nienke Haverkamp", discipline: casus.DiscJGZ, roles: role(casus.RolePartner), org: casus.DiscJGZ},
		{username: "smw", name: "Kees Bontekoe", discipline: casus.DiscSMW, roles: role(casus.RolePartner), org: casus.DiscSMW},
		{username: "leerplicht", name: "Marjolein Stam", discipline: casus.DiscLeerplicht, roles: role(casus.RolePartner), org: casus.DiscLeerplicht},
		{username: "bjz", name: "Wilma Achterberg", discipline: casus.DiscBJZ, roles: role(casus.RolePartner), org: casus.DiscBJZ},
		{username: "ggz", name: "Orhan Demirci", discipline: casus.DiscGGZ, roles: role(casus.RolePartner), org: casus.DiscGGZ},
		{username: "rec", name: "Hanneke van Tuijl", discipline: casus.DiscREC, roles: role(casus.RolePartner), org: casus.DiscREC},
		{username: UserPolice, name: "Ruud Verschoor", discipline: casus.DiscPolitie, roles: role(casus.RolePartner), org: casus.DiscPolitie},

		{username: UserIB, name: "Carolien Dorrestein", discipline: casus.DiscCareContact, roles: role(casus.RoleCareContact), school: po,
			careFor: []string{"Groep 1-2", "Groep 3", "Groep 4", "Groep 5", "Groep 6", "Groep 7", "Groep 8"}},
		{username: "gedragsspecialist", name: "Joost Langeveld", discipline: casus.DiscSpecialist, roles: role(casus.RoleSpecialist), school: po},
		{username: "jgz.po", name: "Lisanne Kamphuis", discipline: casus.DiscJGZ, roles: role(casus.RolePartner), org: casus.DiscJGZ},
		{username: "smw.po", name: "Bouchra Azzouzi", discipline: casus.DiscSMW, roles: role(casus.RolePartner), org: casus.DiscSMW},
		{username: "wijkagent", name: "Dirk-Jan Molenaar", discipline: casus.DiscPolitie, roles: role(casus.RolePartner), org: casus.DiscPolitie},
		{username: "swv", name: "Gerda Hoefnagels", discipline: casus.DiscCoordinator, roles: role(casus.RoleCoordinator), org: casus.DiscOther},
		{username: "leerkracht.groep12", name: "Mirjam Boonstra", discipline: casus.DiscTeacher, roles: role(casus.RoleMentor), school: po},
		{username: "leerkracht.groep3", name: "Thea Wouters", discipline: casus.DiscTeacher, roles: role(casus.RoleMentor), school: po},
		{username: "leerkracht.groep4", name: "Bas van Egmond", discipline: casus.DiscTeacher, roles: role(casus.RoleMentor), school: po},
		{username: "leerkracht.groep5", name: "Inge Schaapman", discipline: casus.DiscTeacher, roles: role(casus.RoleMentor), school: po},
		{username: "leerkracht.groep6", name: "Youssef Amrani", discipline: casus.DiscTeacher, roles: role(casus.RoleMentor), school: po},
		{username: "leerkracht.groep7", name: "Karlijn Veenstra", discipline: casus.DiscTeacher, roles: role(casus.RoleMentor), school: po},
		{username: "leerkracht.groep8", name: "Menno Dijkhuis", discipline: casus.DiscTeacher, roles: role(casus.RoleMentor), school: po},
	} {
		u := &casus.User{
			Email:      p.username + "@" + EmailDomain,
			Username:   p.username,
			Name:       p.name,
			Discipline: p.discipline,
			Roles:      p.roles,
			Demo:       true,
		}
		if p.school != nil {
			u.SchoolID = p.school.ID
		}
		if p.org != "" {
			u.PartnerOrgID = l.orgs[p.org].ID
		}
		l.fail("user "+p.username, l.tx.CreateUser(l.ctx, u, l.hash))
		l.users[p.username] = u
		for _, g := range p.careFor {
			l.fail("care contact", l.tx.AddCareContact(l.ctx, u.ID, l.groups[g].ID))
		}
	}
}

// careTeams creates the four teams. The mbo teams have every minimum partner;
// the above-school ZAT lacks special-education expertise (REC), so the team
// page has a gap to show.
func (l *loader) careTeams() {
	type member struct {
		username     string
		kind         casus.MemberKind
		chair, notes bool
	}
	fixed := func(u string) member { return member{username: u, kind: casus.MemberFixed} }
	team := func(t *casus.CareTeam, members ...member) *casus.CareTeam {
		l.fail("team "+t.Name, l.tx.CreateTeam(l.ctx, t))
		for _, m := range members {
			l.fail("member "+m.username, l.tx.AddMember(l.ctx, casus.TeamMember{
				TeamID: t.ID, User: *l.users[m.username], Kind: m.kind, Chair: m.chair, MinuteTaker: m.notes,
			}))
		}
		return t
	}
	chair := func(u string) member { return member{username: u, kind: casus.MemberFixed, chair: true} }
	notes := member{username: "notulist", kind: casus.MemberFixed, notes: true}
	onCall := func(u string) member { return member{username: u, kind: casus.MemberOnCall} }

	l.teams.mboIntern = team(&casus.CareTeam{Name: TeamMBOIntern, Kind: casus.TeamIntern,
		Rhythm: "om de week, dinsdag", SchoolIDs: []string{l.mbo.ID}},
		chair(UserCoordinator), fixed(UserCareContact), fixed("taakdocent.techniek"), fixed("orthopedagoog"),
		fixed("smw"), fixed("leerplicht"), fixed(UserGGD), notes)
	l.teams.mboZAT = team(&casus.CareTeam{Name: TeamMBOZAT, Kind: casus.TeamZAT,
		Rhythm: "maandelijks, eerste donderdag", SchoolIDs: []string{l.mbo.ID}},
		chair(UserCoordinator), fixed(UserGGD), fixed("smw"), fixed("bjz"), fixed("ggz"), fixed("leerplicht"),
		fixed("rec"), onCall(UserPolice), notes)
	l.teams.poIntern = team(&casus.CareTeam{Name: TeamPOIntern, Kind: casus.TeamIntern,
		Rhythm: "elke zes weken, maandag", SchoolIDs: []string{l.po.ID}},
		chair(UserIB), fixed("gedragsspecialist"), fixed("smw.po"), fixed("jgz.po"))
	l.teams.poZAT = team(&casus.CareTeam{Name: TeamPOZAT, Kind: casus.TeamZAT,
		Rhythm: "zes keer per jaar, woensdag", SchoolIDs: []string{l.po.ID}},
		chair("swv"), fixed(UserIB), fixed("jgz.po"), fixed("smw.po"), fixed("bjz"), fixed("ggz"), fixed("leerplicht"),
		onCall("wijkagent"))
}

// cohort is a run of students of one group with one mentor.
type cohort struct {
	group  string
	mentor string
	count  int
	ages   [2]int // youngest and oldest age
	left   int    // how many of the cohort's last students left school
}

// students creates the scenario students, then the generic ones around them,
// then the other open and closed cases.
func (l *loader) students() {
	l.nextNo = map[string]int{l.mbo.ID: 501001, l.po.ID: 10001}
	weeks := func(n int) time.Time { return l.now.AddDate(0, 0, -7*n) }

	// A: Lotte. Days since her birthday are fixed, so she is 17 for months.
	lotte := l.student("Zorg en welzijn", UserMentor, "Lotte", "Verhagen", 17, 100, LotteNumber)
	l.guardian(lotte, "Monique Verhagen", "moeder", true)
	l.guardian(lotte, "Peter Verhagen", "vader", true)
	l.openCase(lotte, l.teams.mboIntern, weeks(7))
	l.scenario.lotteZAT = l.openCase(lotte, l.teams.mboZAT, weeks(1))

	// E: Noor, discussed at the ZAT six weeks ago; her follow-up is due.
	noor := l.student("Zorg en welzijn", UserMentor, "Noor", "Bakker", 18, 200, FollowUpNumber)
	l.scenario.noorZAT = l.openCase(noor, l.teams.mboZAT, weeks(10))

	// C: Milan, crisis between meetings; the police is invited for his case.
	milan := l.student("Techniek", "mentor.techniek", "Milan", "de Ridder", 16, 40, CrisisNumber)
	l.guardian(milan, "Esther de Ridder", "moeder", true)
	crisis := l.openCase(milan, l.teams.mboZAT, l.now.AddDate(0, 0, -2))
	l.scenario.milanZAT = crisis
	if crisis != nil {
		l.fail("invite", l.tx.Invite(l.ctx, crisis.ID, l.users[UserPolice].ID))
	}

	// B: Daan, with both parents (divorcing, both with parental authority).
	daan := l.student("Groep 5", "leerkracht.groep5", "Daan", "Hoogeveen", 9, 60, DaanNumber)
	l.guardian(daan, "Astrid Hoogeveen", "moeder", true)
	l.guardian(daan, "Maurits Kleinjan", "vader", true)
	l.openCase(daan, l.teams.poIntern, weeks(3))

	// D: Yara, at the above-school ZAT; a parent refused consent.
	yara := l.student("Groep 6", "leerkracht.groep6", "Yara", "Bosman", 10, 150, RefusalNumber)
	l.guardian(yara, "Linda Bosman", "moeder", true)
	l.guardian(yara, "Rutger Bosman", "vader", true)
	l.scenario.yaraZAT = l.openCase(yara, l.teams.poZAT, weeks(2))

	// The generic students. Counts include the scenario students above, so
	// the demo mentor has exactly MentorStudents, Lotte and Noor among them.
	placed := map[string]int{UserMentor: 2, "mentor.techniek": 1, "leerkracht.groep5": 1, "leerkracht.groep6": 1}
	var mbo, po []*casus.Student
	for _, c := range []cohort{
		{"Zorg en welzijn", UserMentor, MentorStudents, [2]int{16, 19}, 0},
		{"Zorg en welzijn", "mentor.zw", 35, [2]int{16, 19}, 0},
		{"Verzorgende-IG", "mentor.vig", 40, [2]int{17, 20}, 0},
		{"Techniek", "mentor.techniek", 25, [2]int{16, 19}, 0},
		{"Techniek", "mentor.techniek2", 25, [2]int{16, 20}, 2},
	} {
		n := c.count - placed[c.mentor]
		for i := range n {
			var left *time.Time
			if i >= n-c.left {
				// Left during the year without a qualification.
				t := weeks(5 + 6*(n-i))
				left = &t
			}
			s := l.randomStudent(c, left)
			l.mboGuardians(s)
			if left == nil {
				mbo = append(mbo, s)
			}
		}
	}
	for _, c := range []cohort{
		{"Groep 1-2", "leerkracht.groep12", 8, [2]int{4, 5}, 0},
		{"Groep 3", "leerkracht.groep3", 7, [2]int{6, 7}, 0},
		{"Groep 4", "leerkracht.groep4", 7, [2]int{7, 8}, 0},
		{"Groep 5", "leerkracht.groep5", 7, [2]int{8, 9}, 0},
		{"Groep 6", "leerkracht.groep6", 7, [2]int{9, 10}, 0},
		{"Groep 7", "leerkracht.groep7", 7, [2]int{10, 11}, 0},
		{"Groep 8", "leerkracht.groep8", 7, [2]int{11, 12}, 0},
	} {
		for range c.count - placed[c.mentor] {
			s := l.randomStudent(c, nil)
			l.poGuardians(s)
			po = append(po, s)
		}
	}
	if l.err != nil {
		return
	}

	// Other cases: students the ZAT partners (the ggd account among them)
	// see, work for the intern zorgteams, and some closed history.
	l.rng.Shuffle(len(mbo), func(i, j int) { mbo[i], mbo[j] = mbo[j], mbo[i] })
	l.rng.Shuffle(len(po), func(i, j int) { po[i], po[j] = po[j], po[i] })
	for i, s := range mbo[:4] {
		l.openCase(s, l.teams.mboIntern, weeks(14+3*i))
		l.openCase(s, l.teams.mboZAT, weeks(3+2*i))
	}
	for i, s := range mbo[4:10] {
		l.openCase(s, l.teams.mboIntern, weeks(1+i))
	}
	for i, s := range mbo[10:13] {
		l.closedCase(s, l.teams.mboIntern, weeks(30+4*i))
	}
	for i, s := range po[:3] {
		// The IB'er asked the parents beforehand (seed 001, step 4).
		l.parentsConsent(l.openCase(s, l.teams.poIntern, weeks(2+3*i)))
	}
	l.closedCase(po[3], l.teams.poIntern, weeks(40))
}

// student creates a student of the group with a fixed name, number and birth
// date: age years and daysSince days after their last birthday.
func (l *loader) student(group, mentor, first, last string, age, daysSince int, number string) *casus.Student {
	return l.create(group, mentor, first, last, age, daysSince, number, nil)
}

func (l *loader) create(group, mentor, first, last string, age, daysSince int, number string, left *time.Time) *casus.Student {
	g := l.groups[group]
	s := &casus.Student{
		SchoolID:      g.SchoolID,
		GroupID:       g.ID,
		FirstName:     first,
		LastName:      last,
		DateOfBirth:   birthDate(l.today, age, daysSince),
		StudentNumber: number,
		Level:         g.Level,
		MentorID:      l.users[mentor].ID,
		LeftAt:        left,
	}
	l.names[first+" "+last] = true
	l.fail("student "+number, l.tx.CreateStudent(l.ctx, s))
	return s
}

// birthDate returns the birth date of someone who is age years old on today
// and had their last birthday daysSince days before it (0–360). A birthday
// that would fall on 29 February of a common year moves to the 28th, so the
// age holds: AddDate would move it to 1 March, after today's anniversary.
func birthDate(today time.Time, age, daysSince int) time.Time {
	last := today.AddDate(0, 0, -daysSince)
	y, m, d := last.Date()
	dob := time.Date(y-age, m, d, 0, 0, 0, 0, time.UTC)
	if dob.Month() != m {
		dob = time.Date(y-age, m, d-1, 0, 0, 0, 0, time.UTC)
	}
	return dob
}

// randomStudent creates a student of the cohort with a drawn name, unique in
// the demo, and an age in the cohort's range. left is when they left school,
// nil when they have not.
func (l *loader) randomStudent(c cohort, left *time.Time) *casus.Student {
	var first, last string
	for {
		if l.rng.IntN(2) == 0 {
			first = pick(l.rng, girlNames)
		} else {
			first = pick(l.rng, boyNames)
		}
		last = pick(l.rng, lastNames)
		if !l.names[first+" "+last] {
			break
		}
	}
	age := c.ages[0] + l.rng.IntN(c.ages[1]-c.ages[0]+1)
	// At most 360 days past a birthday, so the age holds on the day of loading.
	days := l.rng.IntN(361)
	schoolID := l.groups[c.group].SchoolID
	number := fmt.Sprint(l.nextNo[schoolID])
	l.nextNo[schoolID]++
	return l.create(c.group, c.mentor, first, last, age, days, number, left)
}

// mboGuardians adds guardians to an mbo student: parents with parental
// authority under 18; from 18 the student decides, so most have none on
// record and some a parent kept as contact without authority.
func (l *loader) mboGuardians(s *casus.Student) {
	if s.AgeOn(l.today) < 18 {
		switch n := l.rng.IntN(10); {
		case n == 0:
			l.guardian(s, pick(l.rng, motherNames)+" "+pick(l.rng, lastNames), "voogd", true)
		case n < 4:
			l.guardian(s, l.parentName(s, true), "moeder", true)
		default:
			l.parents(s)
		}
		return
	}
	if l.rng.IntN(10) < 3 {
		l.guardian(s, l.parentName(s, true), "moeder", false)
	}
}

// poGuardians adds both parents, each with parental authority.
func (l *loader) poGuardians(s *casus.Student) { l.parents(s) }

func (l *loader) parents(s *casus.Student) {
	l.guardian(s, l.parentName(s, true), "moeder", true)
	l.guardian(s, l.parentName(s, false), "vader", true)
}

// parentName draws a parent's name; the father carries the student's last
// name, the mother does half of the time.
func (l *loader) parentName(s *casus.Student, mother bool) string {
	if !mother {
		return pick(l.rng, fatherNames) + " " + s.LastName
	}
	last := s.LastName
	if l.rng.IntN(2) == 0 {
		last = pick(l.rng, lastNames)
	}
	return pick(l.rng, motherNames) + " " + last
}

func (l *loader) guardian(s *casus.Student, name, relation string, authority bool) {
	if l.err != nil {
		return
	}
	first, last, _ := strings.Cut(name, " ")
	g := &casus.Guardian{
		StudentID:         s.ID,
		Name:              name,
		Relation:          relation,
		ParentalAuthority: authority,
		Email:             guardianEmail(first, last),
	}
	l.fail("guardian", l.tx.AddGuardian(l.ctx, g))
}

func (l *loader) openCase(s *casus.Student, t *casus.CareTeam, opened time.Time) *casus.Case {
	if l.err != nil {
		return nil
	}
	c := &casus.Case{StudentID: s.ID, TeamID: t.ID, Status: casus.CaseOpen, OpenedAt: opened}
	l.fail("case", l.tx.OpenCase(l.ctx, c))
	return c
}

func (l *loader) closedCase(s *casus.Student, t *casus.CareTeam, opened time.Time) {
	if l.err != nil {
		return
	}
	l.fail("case", l.tx.OpenCase(l.ctx, &casus.Case{StudentID: s.ID, TeamID: t.ID, Status: casus.CaseClosed, OpenedAt: opened}))
}
