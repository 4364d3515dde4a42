package storage_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"github.com/riverqueue/river/rivermigrate"

	"casus"
	"casus/storage"
	"casus/storage/storagetest"
)

// conformance names the suite in the log, so CI output shows which engines ran.
const conformance = "storage conformance"

// world is a small mbo school with its care teams, as the tests need it:
//
//   - the intern zorgteam and the ZAT both serve ROC Testrijn; the
//     coordinator chairs both;
//   - Sanne Visser has an open case at the ZAT, with the SMW partner invited;
//   - Bram Jansen had a case at the ZAT that is closed, the SMW partner was
//     invited for it too;
//   - Ayla Yilmaz goes to another school no team here serves.
type world struct {
	board       casus.Board
	school      casus.School
	otherSchool casus.School
	group       casus.Group
	otherGroup  casus.Group
	jgz, smw    casus.PartnerOrg
	politie     casus.PartnerOrg
	intern, zat casus.CareTeam

	coordinator casus.User // chairs both teams
	careContact casus.User // taakdocent zorg of the group, fixed in the intern team
	mentor      casus.User // Sanne's mentor
	specialist  casus.User // orthopedagoog, fixed in the ZAT
	nurse       casus.User // JGZ, fixed in the ZAT
	police      casus.User // on call in the ZAT, never invited
	socialWork  casus.User // SMW, on call in the ZAT, invited for Sanne's and Bram's cases
	outsider    casus.User // mentor at the other school
	admin       casus.User // beheerder

	sanne, bram, ayla    casus.Student
	sanneCase, bramCase  casus.Case
	sanneMum, sanneDad   casus.Guardian
	sanneInternCaseLater casus.Case // closed, opened after sanneCase
}

// seed stores the world in db.
func seed(t *testing.T, db *storage.DB) *world {
	t.Helper()
	return seedTagged(t, db, "")
}

// seedTagged stores another copy of the world in db: tag prefixes every
// e-mail address (the only value unique across schools), so many worlds can
// live in one database without seeing each other's students.
func seedTagged(t *testing.T, db *storage.DB, tag string) *world {
	t.Helper()
	w := &world{
		board:       casus.Board{Name: "Stichting Testrijn"},
		school:      casus.School{Name: "ROC Testrijn", Sector: casus.SectorMBO, BRIN: "25AB"},
		otherSchool: casus.School{Name: "Lyceum Elders", Sector: casus.SectorVO, BRIN: "99ZZ"},
		jgz:         casus.PartnerOrg{Name: "GGD Testregio", Discipline: casus.DiscJGZ},
		smw:         casus.PartnerOrg{Name: "Welzijn Testrijn", Discipline: casus.DiscSMW},
		politie:     casus.PartnerOrg{Name: "Politie Testeenheid", Discipline: casus.DiscPolitie},
	}
	update(t, db, func(ctx context.Context, tx *storage.Tx) error {
		must(t, tx.CreateBoard(ctx, &w.board))
		w.school.BoardID, w.otherSchool.BoardID = w.board.ID, w.board.ID
		must(t, tx.CreateSchool(ctx, &w.school))
		must(t, tx.CreateSchool(ctx, &w.otherSchool))
		must(t, tx.CreateLocation(ctx, &casus.Location{SchoolID: w.school.ID, Name: "Hoofdgebouw", City: "Utrecht"}))
		w.group = casus.Group{SchoolID: w.school.ID, Name: "Verzorgende IG 2A", Kind: casus.GroupProgramme, Level: "3"}
		w.otherGroup = casus.Group{SchoolID: w.otherSchool.ID, Name: "1B", Kind: casus.GroupClass, Level: "1"}
		must(t, tx.CreateGroup(ctx, &w.group))
		must(t, tx.CreateGroup(ctx, &w.otherGroup))
		for _, p := range []*casus.PartnerOrg{&w.jgz, &w.smw, &w.politie} {
			must(t, tx.CreatePartnerOrg(ctx, p))
		}

		staff := func(u *casus.User, name, email string, d casus.Discipline, roles ...casus.Role) {
			*u = casus.User{Name: name, Email: tag + email, SchoolID: w.school.ID, Discipline: d, Roles: roles}
			must(t, tx.CreateUser(ctx, u, "hash-"+email))
		}
		partner := func(u *casus.User, name, email string, org casus.PartnerOrg) {
			*u = casus.User{Name: name, Email: tag + email, PartnerOrgID: org.ID, Discipline: org.Discipline, Roles: []casus.Role{casus.RolePartner}}
			must(t, tx.CreateUser(ctx, u, "hash-"+email))
		}
		staff(&w.coordinator, "Carla Coördinator", "Carla@Testrijn.example", casus.DiscCoordinator, casus.RoleCoordinator)
		staff(&w.careContact, "Tom Taakdocent", "tom@testrijn.example", casus.DiscCareContact, casus.RoleCareContact, casus.RoleMentor)
		staff(&w.mentor, "Mirjam Mentor", "mirjam@testrijn.example", casus.DiscTeacher, casus.RoleMentor)
		staff(&w.specialist, "Olga Orthopedagoog", "olga@testrijn.example", casus.DiscSpecialist, casus.RoleSpecialist)
		staff(&w.admin, "Bert Beheerder", "bert@testrijn.example", casus.DiscAdministrator, casus.RoleAdmin)
		partner(&w.nurse, "Janneke JGZ", "janneke@ggd.example", w.jgz)
		partner(&w.police, "Peter Politie", "peter@politie.example", w.politie)
		partner(&w.socialWork, "Sam SMW", "sam@welzijn.example", w.smw)
		w.outsider = casus.User{Name: "Otto Elders", Email: tag + "otto@elders.example", SchoolID: w.otherSchool.ID,
			Discipline: casus.DiscTeacher, Roles: []casus.Role{casus.RoleMentor}}
		must(t, tx.CreateUser(ctx, &w.outsider, "hash-otto"))
		must(t, tx.AddCareContact(ctx, w.careContact.ID, w.group.ID))

		w.intern = casus.CareTeam{Name: "Intern zorgteam Testrijn", Kind: casus.TeamIntern, Rhythm: "elke week",
			SchoolIDs: []string{w.school.ID}}
		w.zat = casus.CareTeam{Name: "ZAT Testrijn", Kind: casus.TeamZAT, Rhythm: "om de week",
			SchoolIDs: []string{w.school.ID}}
		must(t, tx.CreateTeam(ctx, &w.zat))
		must(t, tx.CreateTeam(ctx, &w.intern))
		for _, m := range []casus.TeamMember{
			{TeamID: w.intern.ID, User: w.coordinator, Kind: casus.MemberFixed, Chair: true},
			{TeamID: w.intern.ID, User: w.careContact, Kind: casus.MemberFixed, MinuteTaker: true},
			{TeamID: w.zat.ID, User: w.socialWork, Kind: casus.MemberOnCall},
			{TeamID: w.zat.ID, User: w.police, Kind: casus.MemberOnCall},
			{TeamID: w.zat.ID, User: w.specialist, Kind: casus.MemberFixed},
			{TeamID: w.zat.ID, User: w.nurse, Kind: casus.MemberFixed},
			{TeamID: w.zat.ID, User: w.coordinator, Kind: casus.MemberFixed, Chair: true},
		} {
			must(t, tx.AddMember(ctx, m))
		}

		w.sanne = casus.Student{SchoolID: w.school.ID, GroupID: w.group.ID, FirstName: "Sanne", LastName: "Visser",
			DateOfBirth: date(2008, 3, 14), StudentNumber: "100123", Level: "3", MentorID: w.mentor.ID}
		w.bram = casus.Student{SchoolID: w.school.ID, GroupID: w.group.ID, FirstName: "Bram", LastName: "Jansen",
			DateOfBirth: date(2007, 11, 2), StudentNumber: "100456", Level: "3"}
		left := time.Date(2025, 7, 1, 0, 0, 0, 0, time.UTC)
		w.ayla = casus.Student{SchoolID: w.otherSchool.ID, GroupID: w.otherGroup.ID, FirstName: "Ayla", LastName: "Yilmaz",
			DateOfBirth: date(2012, 5, 30), StudentNumber: "100999", Level: "1", MentorID: w.outsider.ID, LeftAt: &left}
		for _, s := range []*casus.Student{&w.sanne, &w.bram, &w.ayla} {
			must(t, tx.CreateStudent(ctx, s))
		}
		w.sanneMum = casus.Guardian{StudentID: w.sanne.ID, Name: "Els Visser", Relation: "moeder", ParentalAuthority: true,
			Email: "els@example.org", Phone: "06 1234 5678"}
		w.sanneDad = casus.Guardian{StudentID: w.sanne.ID, Name: "Henk Visser", Relation: "vader"}
		must(t, tx.AddGuardian(ctx, &w.sanneDad))
		must(t, tx.AddGuardian(ctx, &w.sanneMum))

		opened := time.Date(2025, 9, 15, 10, 0, 0, 0, time.UTC)
		w.sanneCase = casus.Case{StudentID: w.sanne.ID, TeamID: w.zat.ID, OpenedAt: opened}
		w.bramCase = casus.Case{StudentID: w.bram.ID, TeamID: w.zat.ID, Status: casus.CaseClosed, OpenedAt: opened}
		w.sanneInternCaseLater = casus.Case{StudentID: w.sanne.ID, TeamID: w.intern.ID, Status: casus.CaseClosed,
			OpenedAt: opened.Add(48 * time.Hour)}
		for _, c := range []*casus.Case{&w.sanneCase, &w.bramCase, &w.sanneInternCaseLater} {
			must(t, tx.OpenCase(ctx, c))
		}
		must(t, tx.Invite(ctx, w.sanneCase.ID, w.socialWork.ID))
		must(t, tx.Invite(ctx, w.bramCase.ID, w.socialWork.ID))
		return nil
	})
	return w
}

func TestOrganisations(t *testing.T) {
	storagetest.Run(t, conformance, func(t *testing.T, db *storage.DB) {
		w := seed(t, db)

		t.Run("TeamsOrderedByKindAndName", func(t *testing.T) {
			teams := viewValue(t, db, func(ctx context.Context, tx *storage.Tx) ([]casus.CareTeam, error) { return tx.Teams(ctx) })
			got := names(teams, func(t casus.CareTeam) string { return t.Name + "/" + string(t.Kind) + "/" + t.Rhythm })
			want := []string{"Intern zorgteam Testrijn/intern/elke week", "ZAT Testrijn/zat/om de week"}
			if !slices.Equal(got, want) {
				t.Errorf("Teams = %q, want %q", got, want)
			}
		})

		t.Run("Team", func(t *testing.T) {
			var team casus.CareTeam
			var schools []string
			view(t, db, func(ctx context.Context, tx *storage.Tx) (err error) {
				team, schools, err = tx.Team(ctx, w.zat.ID)
				return err
			})
			if team.ID != w.zat.ID || team.Name != "ZAT Testrijn" || team.Kind != casus.TeamZAT {
				t.Errorf("Team = %+v", team)
			}
			if !slices.Equal(team.SchoolIDs, []string{w.school.ID}) || !slices.Equal(schools, []string{"ROC Testrijn"}) {
				t.Errorf("Team schools = %q %q, want [%s] [ROC Testrijn]", team.SchoolIDs, schools, w.school.ID)
			}
		})

		t.Run("Team/ErrNotFound", func(t *testing.T) {
			for _, id := range []string{casus.NewID(), "not-an-id"} {
				err := db.View(t.Context(), func(tx *storage.Tx) error { _, _, err := tx.Team(t.Context(), id); return err })
				wantCode(t, err, casus.ENOTFOUND)
			}
		})

		t.Run("TeamMembersChairFirstThenFixedThenOnCall", func(t *testing.T) {
			members := viewValue(t, db, func(ctx context.Context, tx *storage.Tx) ([]casus.TeamMember, error) {
				return tx.TeamMembers(ctx, w.zat.ID)
			})
			got := names(members, func(m casus.TeamMember) string { return m.User.Name })
			want := []string{"Carla Coördinator", "Janneke JGZ", "Olga Orthopedagoog", "Peter Politie", "Sam SMW"}
			if !slices.Equal(got, want) {
				t.Fatalf("TeamMembers = %q, want %q", got, want)
			}
			chair, nurse, police := members[0], members[1], members[3]
			if !chair.Chair || chair.Kind != casus.MemberFixed || !chair.User.HasRole(casus.RoleCoordinator) ||
				chair.User.OrgName != "ROC Testrijn" || chair.TeamID != w.zat.ID {
				t.Errorf("chair = %+v", chair)
			}
			if nurse.Chair || nurse.Kind != casus.MemberFixed || nurse.User.OrgName != "GGD Testregio" ||
				nurse.User.PartnerOrgID != w.jgz.ID || nurse.User.Discipline != casus.DiscJGZ {
				t.Errorf("nurse = %+v", nurse)
			}
			if police.Kind != casus.MemberOnCall || !slices.Equal(police.User.Roles, []casus.Role{casus.RolePartner}) {
				t.Errorf("police = %+v", police)
			}
			intern := viewValue(t, db, func(ctx context.Context, tx *storage.Tx) ([]casus.TeamMember, error) {
				return tx.TeamMembers(ctx, w.intern.ID)
			})
			if len(intern) != 2 || !intern[1].MinuteTaker || intern[0].MinuteTaker {
				t.Errorf("intern members = %+v, want the care contact as minute taker", intern)
			}
			// Chair, JGZ, SMW and police are there; BJZ, GGZ, leerplicht and REC are not.
			if missing := casus.MissingPartners(casus.TeamZAT, members); len(missing) != 4 {
				t.Errorf("MissingPartners(ZAT) = %+v, want 4 requirements", missing)
			}
		})

		t.Run("ErrForeignKey", func(t *testing.T) {
			err := db.Update(t.Context(), func(tx *storage.Tx) error {
				return tx.AddMember(t.Context(), casus.TeamMember{TeamID: casus.NewID(), User: w.mentor, Kind: casus.MemberFixed})
			})
			if err == nil {
				t.Fatal("AddMember to an unknown team succeeded; want a foreign-key error")
			}
		})
	})
}

func TestUsers(t *testing.T) {
	storagetest.Run(t, conformance, func(t *testing.T, db *storage.DB) {
		w := seed(t, db)

		t.Run("OK", func(t *testing.T) {
			u := viewValue(t, db, func(ctx context.Context, tx *storage.Tx) (casus.User, error) { return tx.User(ctx, w.careContact.ID) })
			if u.ID != w.careContact.ID || u.Email != "tom@testrijn.example" || u.Name != "Tom Taakdocent" ||
				u.SchoolID != w.school.ID || u.PartnerOrgID != "" || u.OrgName != "ROC Testrijn" ||
				u.Discipline != casus.DiscCareContact || u.TOTPEnabled || u.Demo || u.Disabled || u.SessionEpoch != 0 {
				t.Errorf("User = %+v", u)
			}
			if want := []casus.Role{casus.RoleMentor, casus.RoleCareContact}; !sameRoles(u.Roles, want) {
				t.Errorf("Roles = %v, want %v", u.Roles, want)
			}
			p := viewValue(t, db, func(ctx context.Context, tx *storage.Tx) (casus.User, error) { return tx.User(ctx, w.nurse.ID) })
			if p.SchoolID != "" || p.PartnerOrgID != w.jgz.ID || p.OrgName != "GGD Testregio" {
				t.Errorf("partner User = %+v", p)
			}
		})

		t.Run("ErrNotFound", func(t *testing.T) {
			for _, id := range []string{casus.NewID(), "not-an-id"} {
				err := db.View(t.Context(), func(tx *storage.Tx) error { _, err := tx.User(t.Context(), id); return err })
				wantCode(t, err, casus.ENOTFOUND)
			}
		})

		t.Run("UsersOrderedByName", func(t *testing.T) {
			users := viewValue(t, db, func(ctx context.Context, tx *storage.Tx) ([]casus.User, error) { return tx.Users(ctx) })
			got := names(users, func(u casus.User) string { return u.Name })
			if len(got) != 9 || !slices.IsSorted(got) {
				t.Errorf("Users = %q, want 9 sorted by name", got)
			}
			for _, u := range users {
				if len(u.Roles) == 0 {
					t.Errorf("user %s has no roles loaded", u.Name)
				}
			}
		})

		t.Run("LoginByEmailAnyCase", func(t *testing.T) {
			for _, login := range []string{"carla@testrijn.example", "CARLA@Testrijn.Example"} {
				var u casus.User
				var hash string
				view(t, db, func(ctx context.Context, tx *storage.Tx) (err error) {
					u, hash, err = tx.UserForLogin(ctx, login)
					return err
				})
				if u.ID != w.coordinator.ID || hash != "hash-Carla@Testrijn.example" || !u.HasRole(casus.RoleCoordinator) {
					t.Errorf("UserForLogin(%q) = %s %q %v", login, u.Name, hash, u.Roles)
				}
			}
		})

		t.Run("LoginByUsernameAnyCase", func(t *testing.T) {
			u := casus.User{Email: "Kees@Testrijn.example", Username: "KeesK", Name: "Kees Klaassen", SchoolID: w.school.ID,
				Discipline: casus.DiscTeacher, Roles: []casus.Role{casus.RoleMentor}}
			update(t, db, func(ctx context.Context, tx *storage.Tx) error { return tx.CreateUser(ctx, &u, "hash-kees") })
			for _, login := range []string{"keesk", "KEESK", "kees@testrijn.example"} {
				got := viewValue(t, db, func(ctx context.Context, tx *storage.Tx) (casus.User, error) {
					u, _, err := tx.UserForLogin(ctx, login)
					return u, err
				})
				if got.ID != u.ID || got.Username != "keesk" || got.Email != "kees@testrijn.example" {
					t.Errorf("UserForLogin(%q) = %+v", login, got)
				}
			}
		})

		t.Run("Login/ErrNotFound", func(t *testing.T) {
			err := db.View(t.Context(), func(tx *storage.Tx) error {
				_, _, err := tx.UserForLogin(t.Context(), "nobody@testrijn.example")
				return err
			})
			wantCode(t, err, casus.ENOTFOUND)
		})

		t.Run("ErrConflict", func(t *testing.T) {
			for _, u := range []casus.User{
				{Email: "TOM@testrijn.example", Name: "Another Tom", Discipline: casus.DiscTeacher},
				{Email: "kees2@testrijn.example", Username: "KEESK", Name: "Another Kees", Discipline: casus.DiscTeacher},
				// Crossed: a new e-mail that is an existing username, and a
				// new username that is an existing e-mail address.
				{Email: "keesk", Name: "Crossed Kees", Discipline: casus.DiscTeacher},
				{Email: "kees3@testrijn.example", Username: "kees@testrijn.example", Name: "Crossed Kees", Discipline: casus.DiscTeacher},
			} {
				err := db.Update(t.Context(), func(tx *storage.Tx) error { return tx.CreateUser(t.Context(), &u, "x") })
				wantCode(t, err, casus.ECONFLICT)
				var e *casus.Error
				if errors.As(err, &e) && e.Key != "error.user_exists" {
					t.Errorf("key = %q, want error.user_exists", e.Key)
				}
			}
		})

		t.Run("UsersWithoutUsernameDoNotConflict", func(t *testing.T) {
			// username is NULL when empty, and NULLs never collide.
			for _, email := range []string{"a@testrijn.example", "b@testrijn.example"} {
				u := casus.User{Email: email, Name: email, Discipline: casus.DiscTeacher}
				update(t, db, func(ctx context.Context, tx *storage.Tx) error { return tx.CreateUser(ctx, &u, "x") })
			}
		})

		t.Run("SetPasswordEndsSessions", func(t *testing.T) {
			update(t, db, func(ctx context.Context, tx *storage.Tx) error { return tx.SetPassword(ctx, w.mentor.ID, "new-hash") })
			var u casus.User
			var hash string
			view(t, db, func(ctx context.Context, tx *storage.Tx) (err error) {
				u, hash, err = tx.UserForLogin(ctx, "mirjam@testrijn.example")
				return err
			})
			if hash != "new-hash" || u.SessionEpoch != 1 {
				t.Errorf("after SetPassword: hash %q epoch %d, want new-hash 1", hash, u.SessionEpoch)
			}
			update(t, db, func(ctx context.Context, tx *storage.Tx) error { return tx.EndSessions(ctx, w.mentor.ID) })
			u = viewValue(t, db, func(ctx context.Context, tx *storage.Tx) (casus.User, error) { return tx.User(ctx, w.mentor.ID) })
			if u.SessionEpoch != 2 {
				t.Errorf("after EndSessions: epoch %d, want 2", u.SessionEpoch)
			}
		})

		t.Run("SetPassword/ErrNotFound", func(t *testing.T) {
			err := db.Update(t.Context(), func(tx *storage.Tx) error { return tx.SetPassword(t.Context(), casus.NewID(), "x") })
			wantCode(t, err, casus.ENOTFOUND)
		})

		t.Run("TOTP", func(t *testing.T) {
			id := w.specialist.ID
			update(t, db, func(ctx context.Context, tx *storage.Tx) error { return tx.SetTOTP(ctx, id, "sealed-secret", true) })
			secret := viewValue(t, db, func(ctx context.Context, tx *storage.Tx) (string, error) { return tx.TOTPSecret(ctx, id) })
			u := viewValue(t, db, func(ctx context.Context, tx *storage.Tx) (casus.User, error) { return tx.User(ctx, id) })
			if secret != "sealed-secret" || !u.TOTPEnabled {
				t.Errorf("TOTPSecret = %q, enabled %v", secret, u.TOTPEnabled)
			}
			use := func(step int64) bool {
				return updateValue(t, db, func(ctx context.Context, tx *storage.Tx) (bool, error) { return tx.UseTOTPStep(ctx, id, step) })
			}
			if !use(1000) {
				t.Error("first use of step 1000 refused")
			}
			if use(1000) {
				t.Error("replay of step 1000 accepted")
			}
			if use(999) {
				t.Error("earlier step 999 accepted after 1000")
			}
			if !use(1001) {
				t.Error("next step 1001 refused")
			}
			// Enrolling again starts a new secret, whose steps are all unused.
			update(t, db, func(ctx context.Context, tx *storage.Tx) error { return tx.SetTOTP(ctx, id, "other-secret", true) })
			if !use(500) {
				t.Error("step 500 refused after re-enrolment")
			}
		})

		t.Run("TOTPSecret/ErrNotFound", func(t *testing.T) {
			err := db.View(t.Context(), func(tx *storage.Tx) error { _, err := tx.TOTPSecret(t.Context(), casus.NewID()); return err })
			wantCode(t, err, casus.ENOTFOUND)
		})
	})
}

func TestSettings(t *testing.T) {
	storagetest.Run(t, conformance, func(t *testing.T, db *storage.DB) {
		get := func() string {
			return viewValue(t, db, func(ctx context.Context, tx *storage.Tx) (string, error) {
				return tx.Setting(ctx, "mail.from", "default")
			})
		}
		if v := get(); v != "default" {
			t.Errorf("unset Setting = %q, want the default", v)
		}
		update(t, db, func(ctx context.Context, tx *storage.Tx) error {
			return tx.SetSetting(ctx, "mail.from", "zorg@testrijn.example")
		})
		if v := get(); v != "zorg@testrijn.example" {
			t.Errorf("Setting = %q after set", v)
		}
		update(t, db, func(ctx context.Context, tx *storage.Tx) error { return tx.SetSetting(ctx, "mail.from", "") })
		if v := get(); v != "" {
			t.Errorf("Setting = %q after overwrite with empty, want empty (not the default)", v)
		}
	})
}

func TestTransactions(t *testing.T) {
	storagetest.Run(t, conformance, func(t *testing.T, db *storage.DB) {
		t.Run("RollbackOnError", func(t *testing.T) {
			boom := errors.New("boom")
			err := db.Update(t.Context(), func(tx *storage.Tx) error {
				must(t, tx.SetSetting(t.Context(), "k", "v"))
				return boom
			})
			if !errors.Is(err, boom) {
				t.Fatalf("Update = %v, want the error of fn", err)
			}
			if v := viewValue(t, db, func(ctx context.Context, tx *storage.Tx) (string, error) { return tx.Setting(ctx, "k", "unset") }); v != "unset" {
				t.Errorf("Setting = %q after rollback, want unset", v)
			}
		})

		t.Run("ViewIsReadOnly", func(t *testing.T) {
			err := db.View(t.Context(), func(tx *storage.Tx) error { return tx.SetSetting(t.Context(), "k", "v") })
			if err == nil {
				t.Error("a write inside View succeeded")
			}
		})
	})
}

func TestMigrate(t *testing.T) {
	storagetest.Run(t, conformance, func(t *testing.T, db *storage.DB) {
		ctx := t.Context()
		riverVersions := func() int {
			t.Helper()
			var n int
			must(t, db.SQL().QueryRowContext(ctx, `SELECT COUNT(*) FROM river_migration`).Scan(&n))
			return n
		}

		t.Run("JobQueueSchema", func(t *testing.T) {
			if n := riverVersions(); n == 0 {
				t.Fatal("Open left River's migrations unapplied")
			}
			var n int
			must(t, db.SQL().QueryRowContext(ctx, `SELECT COUNT(*) FROM river_job`).Scan(&n))
		})

		t.Run("Idempotent", func(t *testing.T) {
			before := riverVersions()
			must(t, db.Migrate(ctx))
			if after := riverVersions(); after != before {
				t.Errorf("migrating again changed River's versions from %d to %d", before, after)
			}
		})

		t.Run("JobSQL", func(t *testing.T) {
			jobs := db.JobSQL()
			if db.Engine == storage.Postgres {
				if jobs != nil {
					t.Error("JobSQL on PostgreSQL is not nil; River uses Pool there")
				}
				return
			}
			if got := jobs.Stats().MaxOpenConnections; got != 1 {
				t.Errorf("JobSQL allows %d connections, want 1", got)
			}
			for pragma, want := range map[string]string{"journal_mode": "wal", "foreign_keys": "1", "busy_timeout": "5000", "synchronous": "2"} {
				var got string
				must(t, jobs.QueryRowContext(ctx, "PRAGMA "+pragma).Scan(&got))
				if got != want {
					t.Errorf("PRAGMA %s on JobSQL = %s, want %s", pragma, got, want)
				}
			}
		})
	})
}

// TestOpenConcurrently starts several instances on one fresh PostgreSQL
// database at once, as a rolling deploy does: the migration locks make them
// take turns, so every Open succeeds.
func TestOpenConcurrently(t *testing.T) {
	for _, engine := range storagetest.PostgresOnly(t) { // one process owns a SQLite file
		t.Run(engine, func(t *testing.T) {
			t.Logf("%s on %s", conformance, engine)
			url := storagetest.DatabaseURL(t)
			const n = 4
			dbs := make([]*storage.DB, n)
			at := func(t *testing.T, fn func(i int) error) {
				t.Helper()
				errs := make([]error, n)
				var wg sync.WaitGroup
				for i := range n {
					wg.Go(func() { errs[i] = fn(i) })
				}
				wg.Wait()
				for i, err := range errs {
					if err != nil {
						t.Fatalf("instance %d: %v", i, err)
					}
				}
			}

			opened := t.Run("Open", func(t *testing.T) {
				at(t, func(i int) (err error) {
					dbs[i], err = storage.Open(t.Context(), storage.Config{URL: url, AuditKey: storagetest.AuditKey})
					return err
				})
			})
			for _, db := range dbs {
				if db != nil {
					t.Cleanup(func() { db.Close() })
				}
			}
			if !opened {
				return
			}

			// River's migrations alone, without goose's lock spacing the
			// instances out: River's schema is taken down and raised by all
			// instances at once.
			t.Run("JobMigrations", func(t *testing.T) {
				m, err := rivermigrate.New(riverpgxv5.New(dbs[0].Pool), nil)
				must(t, err)
				all := len(m.AllVersions())
				if _, err := m.Migrate(t.Context(), rivermigrate.DirectionDown, &rivermigrate.MigrateOpts{TargetVersion: -1}); err != nil {
					t.Fatal(err)
				}
				at(t, func(i int) error { return dbs[i].MigrateJobs(t.Context()) })
				versions, err := m.ExistingVersions(t.Context())
				must(t, err)
				if len(versions) != all {
					t.Errorf("%d River migrations applied, want %d", len(versions), all)
				}
			})
		})
	}
}

func TestStudents(t *testing.T) {
	storagetest.Run(t, conformance, func(t *testing.T, db *storage.DB) {
		w := seed(t, db)

		t.Run("OK", func(t *testing.T) {
			var s casus.Student
			view(t, db, func(ctx context.Context, tx *storage.Tx) (err error) {
				s, _, err = tx.StudentFor(ctx, w.mentor.ID, w.sanne.ID)
				return err
			})
			if s.ID != w.sanne.ID || s.Name() != "Sanne Visser" || s.StudentNumber != "100123" || s.Level != "3" ||
				s.SchoolID != w.school.ID || s.SchoolName != "ROC Testrijn" || s.Sector != casus.SectorMBO ||
				s.GroupID != w.group.ID || s.GroupName != "Verzorgende IG 2A" ||
				s.MentorID != w.mentor.ID || s.MentorName != "Mirjam Mentor" || s.LeftAt != nil {
				t.Errorf("StudentFor = %+v", s)
			}
			if y, m, d := s.DateOfBirth.Date(); y != 2008 || m != time.March || d != 14 {
				t.Errorf("DateOfBirth = %v, want 2008-03-14", s.DateOfBirth)
			}
			if age := s.AgeOn(date(2025, 3, 14)); age != 17 {
				t.Errorf("AgeOn(birthday) = %d, want 17", age)
			}
			a := viewValue(t, db, func(ctx context.Context, tx *storage.Tx) (casus.Student, error) {
				s, _, err := tx.StudentFor(ctx, w.outsider.ID, w.ayla.ID)
				return s, err
			})
			if a.LeftAt == nil || !a.LeftAt.Equal(*w.ayla.LeftAt) || a.Sector != casus.SectorVO {
				t.Errorf("StudentFor(ayla) LeftAt = %v, sector %q", a.LeftAt, a.Sector)
			}
			b := viewValue(t, db, func(ctx context.Context, tx *storage.Tx) (casus.Student, error) {
				s, _, err := tx.StudentFor(ctx, w.mentor.ID, w.bram.ID)
				return s, err
			})
			if b.MentorID != "" || b.MentorName != "" {
				t.Errorf("student without mentor: MentorID %q MentorName %q", b.MentorID, b.MentorName)
			}
		})

		t.Run("ErrNotFound", func(t *testing.T) {
			for _, id := range []string{casus.NewID(), "not-an-id"} {
				err := db.View(t.Context(), func(tx *storage.Tx) error {
					_, _, err := tx.StudentFor(t.Context(), w.coordinator.ID, id)
					return err
				})
				wantCode(t, err, casus.ENOTFOUND)
				if !errors.Is(err, casus.ErrNotFound) {
					t.Errorf("StudentFor(%q) = %v, want casus.ErrNotFound", id, err)
				}
			}
		})

		rel := func(r casus.StudentRelations) casus.StudentRelations { r.Exists = true; return r }
		for _, tc := range []struct {
			name    string
			user    func() casus.User
			student func() casus.Student
			want    casus.StudentRelations
			access  casus.Relation // what the policy makes of it
		}{
			{"Mentor", func() casus.User { return w.mentor }, func() casus.Student { return w.sanne },
				rel(casus.StudentRelations{Mentor: true}), casus.RelMentor},
			{"CareContact", func() casus.User { return w.careContact }, func() casus.Student { return w.sanne },
				rel(casus.StudentRelations{CareContact: true}), casus.RelCareContact},
			{"CoordinatorOfTeamServingSchool", func() casus.User { return w.coordinator }, func() casus.Student { return w.bram },
				rel(casus.StudentRelations{Coordinator: true}), casus.RelCoordinator},
			{"CoordinatorAlsoFixedMemberWithOpenCase", func() casus.User { return w.coordinator }, func() casus.Student { return w.sanne },
				rel(casus.StudentRelations{Coordinator: true, TeamMember: true}), casus.RelCoordinator},
			{"FixedMemberWithOpenCase", func() casus.User { return w.nurse }, func() casus.Student { return w.sanne },
				rel(casus.StudentRelations{TeamMember: true}), casus.RelTeamMember},
			{"FixedSpecialistWithOpenCase", func() casus.User { return w.specialist }, func() casus.Student { return w.sanne },
				rel(casus.StudentRelations{TeamMember: true}), casus.RelTeamMember},
			{"Invited", func() casus.User { return w.socialWork }, func() casus.Student { return w.sanne },
				rel(casus.StudentRelations{Invited: true}), casus.RelInvited},
			{"NoneOnCallNotInvited", func() casus.User { return w.police }, func() casus.Student { return w.sanne },
				rel(casus.StudentRelations{}), casus.RelNone},
			{"NoneFixedMemberClosedCase", func() casus.User { return w.nurse }, func() casus.Student { return w.bram },
				rel(casus.StudentRelations{}), casus.RelNone},
			{"NoneInvitedClosedCase", func() casus.User { return w.socialWork }, func() casus.Student { return w.bram },
				rel(casus.StudentRelations{}), casus.RelNone},
			{"NoneCareContactOtherGroup", func() casus.User { return w.careContact }, func() casus.Student { return w.ayla },
				rel(casus.StudentRelations{}), casus.RelNone},
			{"NoneCoordinatorOtherSchool", func() casus.User { return w.coordinator }, func() casus.Student { return w.ayla },
				rel(casus.StudentRelations{}), casus.RelNone},
			{"NoneMentorOfOtherStudent", func() casus.User { return w.outsider }, func() casus.Student { return w.sanne },
				rel(casus.StudentRelations{}), casus.RelNone},
			{"NoneAdmin", func() casus.User { return w.admin }, func() casus.Student { return w.sanne },
				rel(casus.StudentRelations{}), casus.RelNone},
		} {
			t.Run("Relation/"+tc.name, func(t *testing.T) {
				u, s := tc.user(), tc.student()
				var got casus.StudentRelations
				view(t, db, func(ctx context.Context, tx *storage.Tx) (err error) {
					_, got, err = tx.StudentFor(ctx, u.ID, s.ID)
					return err
				})
				if got != tc.want {
					t.Errorf("StudentFor(%s, %s) relations = %+v, want %+v", u.Name, s.Name(), got, tc.want)
				}
				if a := casus.CanViewStudent(u, got); a.Relation != tc.access {
					t.Errorf("policy on those relations = %+v, want %q", a, tc.access)
				}
			})
		}

		candidates := func(t *testing.T, u casus.User, query string, limit int) []string {
			t.Helper()
			var students []casus.Student
			var rels []casus.StudentRelations
			view(t, db, func(ctx context.Context, tx *storage.Tx) (err error) {
				students, rels, err = tx.StudentCandidates(ctx, u.ID, query, limit)
				return err
			})
			if len(rels) != len(students) {
				t.Fatalf("%d students but %d relations", len(students), len(rels))
			}
			for i, r := range rels {
				if !r.Exists || r == (casus.StudentRelations{Exists: true}) {
					t.Errorf("candidate %s has no relation: %+v", students[i].Name(), r)
				}
			}
			return names(students, casus.Student.Name)
		}
		for _, tc := range []struct {
			name  string
			user  func() casus.User
			query string
			limit int
			want  []string
		}{
			{"AllByLastName", func() casus.User { return w.coordinator }, "", 50, []string{"Bram Jansen", "Sanne Visser"}},
			{"Limit", func() casus.User { return w.coordinator }, "", 1, []string{"Bram Jansen"}},
			{"FirstName", func() casus.User { return w.coordinator }, "sanne", 50, []string{"Sanne Visser"}},
			{"FullNameAnyCase", func() casus.User { return w.coordinator }, "NNE VIS", 50, []string{"Sanne Visser"}},
			{"StudentNumber", func() casus.User { return w.coordinator }, "10045", 50, []string{"Bram Jansen"}},
			{"NoMatch", func() casus.User { return w.coordinator }, "Pietersen", 50, nil},
			{"OtherSchoolNotServed", func() casus.User { return w.coordinator }, "100999", 50, nil},
			{"Mentor", func() casus.User { return w.mentor }, "", 50, []string{"Sanne Visser"}},
			{"CareContact", func() casus.User { return w.careContact }, "", 50, []string{"Bram Jansen", "Sanne Visser"}},
			{"FixedMemberOpenCaseOnly", func() casus.User { return w.nurse }, "", 50, []string{"Sanne Visser"}},
			{"InvitedOpenCaseOnly", func() casus.User { return w.socialWork }, "", 50, []string{"Sanne Visser"}},
			{"OnCallNotInvited", func() casus.User { return w.police }, "", 50, nil},
			{"Admin", func() casus.User { return w.admin }, "", 50, nil},
			{"OtherSchoolMentor", func() casus.User { return w.outsider }, "", 50, []string{"Ayla Yilmaz"}},
		} {
			t.Run("Candidates/"+tc.name, func(t *testing.T) {
				if got := candidates(t, tc.user(), tc.query, tc.limit); !slices.Equal(got, tc.want) {
					t.Errorf("StudentCandidates(%s, %q) = %q, want %q", tc.user().Name, tc.query, got, tc.want)
				}
			})
		}

		t.Run("Guardians", func(t *testing.T) {
			gs := viewValue(t, db, func(ctx context.Context, tx *storage.Tx) ([]casus.Guardian, error) {
				return tx.Guardians(ctx, w.sanne.ID)
			})
			if len(gs) != 2 || gs[0] != w.sanneMum || gs[1] != w.sanneDad {
				t.Errorf("Guardians = %+v, want mum then dad", gs)
			}
			none := viewValue(t, db, func(ctx context.Context, tx *storage.Tx) ([]casus.Guardian, error) {
				return tx.Guardians(ctx, w.bram.ID)
			})
			if len(none) != 0 {
				t.Errorf("Guardians(bram) = %+v, want none", none)
			}
		})

		t.Run("CasesNewestFirst", func(t *testing.T) {
			cs := viewValue(t, db, func(ctx context.Context, tx *storage.Tx) ([]casus.Case, error) { return tx.Cases(ctx, w.sanne.ID) })
			if len(cs) != 2 {
				t.Fatalf("Cases = %+v, want 2", cs)
			}
			later, open := cs[0], cs[1]
			if later.ID != w.sanneInternCaseLater.ID || later.Status != casus.CaseClosed || later.TeamKind != casus.TeamIntern {
				t.Errorf("Cases[0] = %+v, want the later, closed intern case", later)
			}
			if open.ID != w.sanneCase.ID || open.Status != casus.CaseOpen || open.TeamID != w.zat.ID ||
				open.TeamName != "ZAT Testrijn" || open.TeamKind != casus.TeamZAT || open.StudentID != w.sanne.ID ||
				!open.OpenedAt.Equal(w.sanneCase.OpenedAt) {
				t.Errorf("Cases[1] = %+v, want the open ZAT case opened %v", open, w.sanneCase.OpenedAt)
			}
		})

		t.Run("DuplicateInvitation/Err", func(t *testing.T) {
			err := db.Update(t.Context(), func(tx *storage.Tx) error { return tx.Invite(t.Context(), w.sanneCase.ID, w.socialWork.ID) })
			if err == nil {
				t.Error("inviting the same partner twice succeeded")
			}
		})
	})
}

func TestLoginAttempts(t *testing.T) {
	for _, engine := range storagetest.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			t.Logf("%s on %s", conformance, engine)
			clock := storagetest.NewClock(time.Date(2025, 10, 6, 9, 0, 0, 123456789, time.UTC))
			db := storagetest.Open(t, engine, clock.Now)
			start := clock.Now()
			record := func(kind, subject string, ok bool) {
				t.Helper()
				update(t, db, func(ctx context.Context, tx *storage.Tx) error { return tx.RecordAttempt(ctx, kind, subject, ok) })
			}
			failures := func(kind, subject string, since time.Time) int {
				t.Helper()
				return viewValue(t, db, func(ctx context.Context, tx *storage.Tx) (int, error) { return tx.Failures(ctx, kind, subject, since) })
			}

			t.Run("CountsFailuresSince", func(t *testing.T) {
				record(storage.AttemptAccount, "acct-a", false) // at start
				clock.Add(time.Minute)
				record(storage.AttemptAccount, "acct-a", false)
				clock.Add(time.Minute)
				record(storage.AttemptAccount, "acct-a", false)
				record(storage.AttemptAccount, "acct-b", false)
				record(storage.AttemptAddress, "acct-a", false)
				if n := failures(storage.AttemptAccount, "acct-a", start); n != 3 {
					t.Errorf("Failures since the first attempt = %d, want 3", n)
				}
				if n := failures(storage.AttemptAccount, "acct-a", start.Add(90*time.Second)); n != 1 {
					t.Errorf("Failures in the last 30s = %d, want 1", n)
				}
				if n := failures(storage.AttemptAccount, "acct-c", start); n != 0 {
					t.Errorf("Failures of an unknown subject = %d, want 0", n)
				}
			})

			t.Run("ResetBySuccess", func(t *testing.T) {
				clock.Add(time.Minute)
				record(storage.AttemptAccount, "acct-a", true)
				if n := failures(storage.AttemptAccount, "acct-a", start); n != 0 {
					t.Errorf("Failures after a success = %d, want 0", n)
				}
				clock.Add(time.Minute)
				record(storage.AttemptAccount, "acct-a", false)
				if n := failures(storage.AttemptAccount, "acct-a", start); n != 1 {
					t.Errorf("Failures after success and one failure = %d, want 1", n)
				}
				if n := failures(storage.AttemptAccount, "acct-b", start); n != 1 {
					t.Errorf("a success of acct-a reset acct-b: %d, want 1", n)
				}
				// Within one clock tick a failure after a success still counts.
				record(storage.AttemptAccount, "acct-d", true)
				record(storage.AttemptAccount, "acct-d", false)
				if n := failures(storage.AttemptAccount, "acct-d", start); n != 1 {
					t.Errorf("failure in the same instant as the success = %d, want 1", n)
				}
			})

			t.Run("RecentFailuresNotResetBySuccess", func(t *testing.T) {
				recent := func(since time.Time) int {
					t.Helper()
					return viewValue(t, db, func(ctx context.Context, tx *storage.Tx) (int, error) {
						return tx.RecentFailures(ctx, storage.AttemptAddress, "addr-a", since)
					})
				}
				from := clock.Now()
				record(storage.AttemptAddress, "addr-a", false)
				record(storage.AttemptAddress, "addr-a", true)
				clock.Add(time.Minute)
				record(storage.AttemptAddress, "addr-a", false)
				record(storage.AttemptAddress, "addr-b", false)
				if n := recent(from); n != 2 {
					t.Errorf("RecentFailures across a success = %d, want 2", n)
				}
				if n := recent(from.Add(30 * time.Second)); n != 1 {
					t.Errorf("RecentFailures in the last 30s = %d, want 1", n)
				}
			})

			t.Run("Prune", func(t *testing.T) {
				record(storage.AttemptAccount, "acct-b", false)
				if n := failures(storage.AttemptAccount, "acct-b", start); n != 2 {
					t.Fatalf("Failures(acct-b) = %d, want 2", n)
				}
				update(t, db, func(ctx context.Context, tx *storage.Tx) error {
					return tx.PruneAttempts(ctx, start.Add(150*time.Second))
				})
				if n := failures(storage.AttemptAccount, "acct-b", start); n != 1 {
					t.Errorf("Failures(acct-b) after pruning the older one = %d, want 1", n)
				}
				update(t, db, func(ctx context.Context, tx *storage.Tx) error {
					return tx.PruneAttempts(ctx, clock.Now().Add(time.Second))
				})
				if n := failures(storage.AttemptAccount, "acct-a", start); n != 0 {
					t.Errorf("Failures after pruning all = %d, want 0", n)
				}
			})

			t.Run("TrustedDevice", func(t *testing.T) {
				var u casus.User
				update(t, db, func(ctx context.Context, tx *storage.Tx) error {
					u = casus.User{Email: "d@example.org", Name: "D", Discipline: casus.DiscTeacher, Roles: []casus.Role{casus.RoleMentor}}
					return tx.CreateUser(ctx, &u, "x")
				})
				trustedAt := clock.Add(time.Hour)
				update(t, db, func(ctx context.Context, tx *storage.Tx) error { return tx.TrustDevice(ctx, "tok-1", u.ID) })
				update(t, db, func(ctx context.Context, tx *storage.Tx) error { return tx.TrustDevice(ctx, "tok-1", u.ID) }) // again: no error
				trusted := func(token, userID string, since time.Time) bool {
					return viewValue(t, db, func(ctx context.Context, tx *storage.Tx) (bool, error) {
						return tx.DeviceTrusted(ctx, token, userID, since)
					})
				}
				if !trusted("tok-1", u.ID, trustedAt.Add(-30*24*time.Hour)) {
					t.Error("device not trusted right after TrustDevice")
				}
				if !trusted("tok-1", u.ID, trustedAt) {
					t.Error("device trusted at exactly since is not trusted")
				}
				if trusted("tok-1", u.ID, trustedAt.Add(time.Microsecond)) {
					t.Error("device trusted before since is still trusted")
				}
				if trusted("tok-2", u.ID, trustedAt.Add(-time.Hour)) {
					t.Error("unknown token trusted")
				}
				if trusted("tok-1", casus.NewID(), trustedAt.Add(-time.Hour)) {
					t.Error("token trusted for another user")
				}
			})

			t.Run("PruneTrustedDevices", func(t *testing.T) {
				var u casus.User
				update(t, db, func(ctx context.Context, tx *storage.Tx) error {
					u = casus.User{Email: "p@example.org", Name: "P", Discipline: casus.DiscTeacher, Roles: []casus.Role{casus.RoleMentor}}
					return tx.CreateUser(ctx, &u, "x")
				})
				oldAt := clock.Add(time.Hour)
				update(t, db, func(ctx context.Context, tx *storage.Tx) error { return tx.TrustDevice(ctx, "tok-old", u.ID) })
				newAt := clock.Add(time.Hour)
				update(t, db, func(ctx context.Context, tx *storage.Tx) error { return tx.TrustDevice(ctx, "tok-new", u.ID) })
				trusted := func(token string) bool {
					return viewValue(t, db, func(ctx context.Context, tx *storage.Tx) (bool, error) {
						return tx.DeviceTrusted(ctx, token, u.ID, oldAt.Add(-time.Hour))
					})
				}
				update(t, db, func(ctx context.Context, tx *storage.Tx) error { return tx.PruneTrustedDevices(ctx, oldAt) })
				if !trusted("tok-old") {
					t.Error("a device trusted at exactly before was pruned")
				}
				update(t, db, func(ctx context.Context, tx *storage.Tx) error { return tx.PruneTrustedDevices(ctx, newAt) })
				if trusted("tok-old") {
					t.Error("a device trusted before the cut-off survived pruning")
				}
				if !trusted("tok-new") {
					t.Error("a device trusted at the cut-off was pruned")
				}
			})
		})
	}
}

// logEntries appends n access-log entries, one per clock tick, and returns them.
func logEntries(t *testing.T, db *storage.DB, clock *storagetest.Clock, n int) []casus.AccessEntry {
	t.Helper()
	var out []casus.AccessEntry
	for i := range n {
		e := casus.AccessEntry{UserID: casus.NewID(), UserName: "Carla Coördinator", Role: casus.RoleCoordinator,
			OrgName: "ROC Testrijn", Relation: casus.RelCoordinator, StudentID: casus.NewID(), ObjectKind: "student",
			Action: casus.ActRead, Purpose: "student page", RequestID: "req-" + string(rune('a'+i)), Instance: db.Instance,
			Outcome: casus.OutcomeGranted}
		e.ObjectID = e.StudentID
		if i%2 == 1 {
			e.Relation, e.Outcome = casus.RelNone, casus.OutcomeDenied
		}
		update(t, db, func(ctx context.Context, tx *storage.Tx) error { return tx.LogAccess(ctx, &e) })
		out = append(out, e)
		clock.Add(time.Second + 1234*time.Nanosecond)
	}
	return out
}

func TestAccessLog(t *testing.T) {
	for _, engine := range storagetest.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			t.Logf("%s on %s", conformance, engine)
			open := func(t *testing.T) (*storage.DB, *storagetest.Clock) {
				clock := storagetest.NewClock(time.Date(2025, 10, 6, 9, 0, 0, 123456789, time.UTC))
				return storagetest.Open(t, engine, clock.Now), clock
			}
			verify := func(t *testing.T, db *storage.DB) (int64, error) {
				t.Helper()
				return db.VerifyAccessLog(t.Context())
			}
			wantChainError := func(t *testing.T, db *storage.DB, seq int64) {
				t.Helper()
				_, err := verify(t, db)
				var ce *storage.ChainError
				if !errors.As(err, &ce) {
					t.Fatalf("VerifyAccessLog = %v, want a *storage.ChainError", err)
				}
				if ce.Seq != seq {
					t.Errorf("chain broken at %d (%s), want %d", ce.Seq, ce.Reason, seq)
				}
			}
			raw := func(t *testing.T, db *storage.DB, stmts ...string) error {
				t.Helper()
				for _, s := range stmts {
					if _, err := db.SQL().ExecContext(t.Context(), s); err != nil {
						return err
					}
				}
				return nil
			}
			dropTriggers := func(t *testing.T, db *storage.DB) {
				t.Helper()
				var err error
				if db.Engine == storage.Postgres {
					err = raw(t, db, `DROP TRIGGER access_log_no_update ON access_log`)
				} else {
					err = raw(t, db, `DROP TRIGGER access_log_no_update`, `DROP TRIGGER access_log_no_delete`)
				}
				if err != nil {
					t.Fatalf("drop trigger: %v", err)
				}
			}

			t.Run("EmptyOK", func(t *testing.T) {
				db, _ := open(t)
				if n, err := verify(t, db); err != nil || n != 0 {
					t.Errorf("VerifyAccessLog on an empty log = %d, %v", n, err)
				}
			})

			t.Run("OK", func(t *testing.T) {
				db, clock := open(t)
				logged := logEntries(t, db, clock, 3)
				if n, err := verify(t, db); err != nil || n != 3 {
					t.Fatalf("VerifyAccessLog = %d, %v; want 3, nil", n, err)
				}
				es := viewValue(t, db, func(ctx context.Context, tx *storage.Tx) ([]casus.AccessEntry, error) {
					return tx.AccessEntries(ctx, storage.AccessFilter{})
				})
				if len(es) != 3 {
					t.Fatalf("AccessEntries = %d entries, want 3", len(es))
				}
				for i, e := range es {
					want := logged[2-i]
					if !e.At.Equal(want.At) {
						t.Errorf("entry %d At = %v, want %v", i, e.At, want.At)
					}
					e.At, want.At = time.Time{}, time.Time{}
					if e != want {
						t.Errorf("entry %d read back as\n%+v\nwant\n%+v", i, e, want)
					}
				}
				first := logged[0]
				if first.Seq != 1 || first.PrevHash != "" || logged[1].PrevHash != first.Hash || logged[2].Seq != 3 {
					t.Errorf("chain links: %d %q / %q vs %q", first.Seq, first.PrevHash, logged[1].PrevHash, first.Hash)
				}
				if want := time.Date(2025, 10, 6, 9, 0, 0, 123456000, time.UTC); !first.At.Equal(want) || first.At.Location() != time.UTC {
					t.Errorf("At = %v, want the clock in UTC truncated to µs, %v", first.At, want)
				}
			})

			t.Run("Filter", func(t *testing.T) {
				db, clock := open(t)
				logged := logEntries(t, db, clock, 4)
				byStudent := viewValue(t, db, func(ctx context.Context, tx *storage.Tx) ([]casus.AccessEntry, error) {
					return tx.AccessEntries(ctx, storage.AccessFilter{StudentID: logged[1].StudentID})
				})
				if len(byStudent) != 1 || byStudent[0].Seq != 2 {
					t.Errorf("AccessEntries(student) = %+v, want entry 2", byStudent)
				}
				byUser := viewValue(t, db, func(ctx context.Context, tx *storage.Tx) ([]casus.AccessEntry, error) {
					return tx.AccessEntries(ctx, storage.AccessFilter{UserID: logged[3].UserID, StudentID: logged[3].StudentID})
				})
				if len(byUser) != 1 || byUser[0].Seq != 4 {
					t.Errorf("AccessEntries(user, student) = %+v, want entry 4", byUser)
				}
				limited := viewValue(t, db, func(ctx context.Context, tx *storage.Tx) ([]casus.AccessEntry, error) {
					return tx.AccessEntries(ctx, storage.AccessFilter{Limit: 2})
				})
				if len(limited) != 2 || limited[0].Seq != 4 || limited[1].Seq != 3 {
					t.Errorf("AccessEntries(limit 2) = %d entries, want the newest two", len(limited))
				}
			})

			t.Run("RolledBackEntryLeavesNoTrace", func(t *testing.T) {
				db, clock := open(t)
				logEntries(t, db, clock, 2)
				boom := errors.New("boom")
				err := db.Update(t.Context(), func(tx *storage.Tx) error {
					must(t, tx.LogAccess(t.Context(), &casus.AccessEntry{UserID: "u", Action: casus.ActRead, Outcome: casus.OutcomeGranted}))
					return boom
				})
				if !errors.Is(err, boom) {
					t.Fatalf("Update = %v", err)
				}
				if n, err := verify(t, db); err != nil || n != 2 {
					t.Errorf("VerifyAccessLog after rollback = %d, %v; want 2, nil", n, err)
				}
				logEntries(t, db, clock, 1)
				if n, err := verify(t, db); err != nil || n != 3 {
					t.Errorf("VerifyAccessLog after next entry = %d, %v; want 3, nil", n, err)
				}
			})

			t.Run("ImmutableUpdate/Err", func(t *testing.T) {
				db, clock := open(t)
				logEntries(t, db, clock, 3)
				for _, stmt := range []string{`UPDATE access_log SET purpose = 'tampered' WHERE seq = 2`, `DELETE FROM access_log WHERE seq = 2`} {
					err := raw(t, db, stmt)
					if err == nil || !strings.Contains(err.Error(), "access_log rows cannot be changed or deleted") {
						t.Errorf("%s: %v, want the trigger's refusal", stmt, err)
					}
				}
				if n, err := verify(t, db); err != nil || n != 3 {
					t.Errorf("VerifyAccessLog = %d, %v; want 3, nil", n, err)
				}
			})

			t.Run("ChangedEntry/ChainError", func(t *testing.T) {
				db, clock := open(t)
				logEntries(t, db, clock, 3)
				dropTriggers(t, db)
				if err := raw(t, db, `UPDATE access_log SET purpose = 'tampered' WHERE seq = 2`); err != nil {
					t.Fatal(err)
				}
				wantChainError(t, db, 2)
			})

			t.Run("DeletedMiddleEntry/ChainError", func(t *testing.T) {
				db, clock := open(t)
				logEntries(t, db, clock, 3)
				dropTriggers(t, db)
				if err := raw(t, db, `DELETE FROM access_log WHERE seq = 2`); err != nil {
					t.Fatal(err)
				}
				wantChainError(t, db, 2)
			})

			t.Run("DeletedLastEntry/ChainError", func(t *testing.T) {
				db, clock := open(t)
				logEntries(t, db, clock, 3)
				dropTriggers(t, db)
				if err := raw(t, db, `DELETE FROM access_log WHERE seq = 3`); err != nil {
					t.Fatal(err)
				}
				wantChainError(t, db, 3)
			})

			t.Run("RehashedEntry/ChainError", func(t *testing.T) {
				// Someone who recomputes the changed entry's own hash still
				// breaks the link from the next entry.
				db, clock := open(t)
				logged := logEntries(t, db, clock, 3)
				dropTriggers(t, db)
				e := logged[1]
				e.Purpose = "tampered"
				e.Hash = db.EntryHash(&e)
				if err := raw(t, db, `UPDATE access_log SET purpose = 'tampered', hash = '`+e.Hash+`' WHERE seq = 2`); err != nil {
					t.Fatal(err)
				}
				wantChainError(t, db, 3)
			})
		})
	}
}

// Helpers.

func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func update(t testing.TB, db *storage.DB, fn func(context.Context, *storage.Tx) error) {
	t.Helper()
	ctx := context.Background()
	must(t, db.Update(ctx, func(tx *storage.Tx) error { return fn(ctx, tx) }))
}

func view(t testing.TB, db *storage.DB, fn func(context.Context, *storage.Tx) error) {
	t.Helper()
	ctx := context.Background()
	must(t, db.View(ctx, func(tx *storage.Tx) error { return fn(ctx, tx) }))
}

func viewValue[T any](t testing.TB, db *storage.DB, fn func(context.Context, *storage.Tx) (T, error)) T {
	t.Helper()
	var v T
	view(t, db, func(ctx context.Context, tx *storage.Tx) (err error) { v, err = fn(ctx, tx); return err })
	return v
}

func updateValue[T any](t testing.TB, db *storage.DB, fn func(context.Context, *storage.Tx) (T, error)) T {
	t.Helper()
	var v T
	update(t, db, func(ctx context.Context, tx *storage.Tx) (err error) { v, err = fn(ctx, tx); return err })
	return v
}

func wantCode(t testing.TB, err error, code string) {
	t.Helper()
	if got := casus.ErrorCode(err); got != code {
		t.Errorf("error %v has code %q, want %q", err, got, code)
	}
}

func names[T any](xs []T, name func(T) string) []string {
	var out []string
	for _, x := range xs {
		out = append(out, name(x))
	}
	return out
}

func sameRoles(a, b []casus.Role) bool {
	a, b = slices.Clone(a), slices.Clone(b)
	slices.Sort(a)
	slices.Sort(b)
	return slices.Equal(a, b)
}

func date(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }
