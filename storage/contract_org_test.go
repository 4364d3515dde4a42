package storage_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	"casus"
	"casus/storage"
)

func init() {
	// row reads one row of the named columns by id on the read pool.
	row := func(t *testing.T, c *contract, q string, id string, dest ...any) {
		t.Helper()
		must(t, c.db.ReadSQL().QueryRowContext(t.Context(), q, id).Scan(dest...))
	}
	fails := func(t *testing.T, c *contract, what string, fn func(ctx context.Context, tx *storage.Tx) error) {
		t.Helper()
		if err := c.db.Update(t.Context(), func(tx *storage.Tx) error { return fn(t.Context(), tx) }); err == nil {
			t.Errorf("%s succeeded, want an error", what)
		}
	}
	team := func(t *testing.T, c *contract, id string) (casus.CareTeam, []string) {
		t.Helper()
		return viewValue2(t, c.db, func(ctx context.Context, tx *storage.Tx) (casus.CareTeam, []string, error) { return tx.Team(ctx, id) })
	}
	relations := func(t *testing.T, c *contract, userID, studentID string) casus.StudentRelations {
		t.Helper()
		var rel casus.StudentRelations
		view(t, c.db, func(ctx context.Context, tx *storage.Tx) (err error) {
			_, rel, err = tx.StudentFor(ctx, userID, studentID)
			return err
		})
		return rel
	}

	contracts.add("CreateBoard", func(t *testing.T, c *contract) {
		b := casus.Board{Name: "Stichting Nieuw"}
		update(t, c.db, func(ctx context.Context, tx *storage.Tx) error { return tx.CreateBoard(ctx, &b) })
		if b.ID == "" {
			t.Fatal("CreateBoard set no id")
		}
		var name string
		row(t, c, `SELECT name FROM boards WHERE id = $1`, b.ID, &name)
		if name != "Stichting Nieuw" {
			t.Errorf("stored board name = %q", name)
		}
		// A school can belong to it.
		s := casus.School{BoardID: b.ID, Name: "Nieuwe school", Sector: casus.SectorPO, BRIN: "11AA"}
		update(t, c.db, func(ctx context.Context, tx *storage.Tx) error { return tx.CreateSchool(ctx, &s) })
		t.Run("GivenID", func(t *testing.T) {
			given := casus.Board{ID: casus.NewID(), Name: "Met id"}
			update(t, c.db, func(ctx context.Context, tx *storage.Tx) error { return tx.CreateBoard(ctx, &given) })
			var name string
			row(t, c, `SELECT name FROM boards WHERE id = $1`, given.ID, &name)
			if name != "Met id" {
				t.Errorf("a board with its own id stored as %q", name)
			}
		})
	})

	contracts.add("CreateSchool", func(t *testing.T, c *contract) {
		s := casus.School{BoardID: c.w.board.ID, Name: "Basisschool De Linde", Sector: casus.SectorPO, BRIN: "12BC"}
		update(t, c.db, func(ctx context.Context, tx *storage.Tx) error { return tx.CreateSchool(ctx, &s) })
		if s.ID == "" {
			t.Fatal("CreateSchool set no id")
		}
		var name, sector, brin, board string
		row(t, c, `SELECT name, sector, brin, CAST(board_id AS TEXT) FROM schools WHERE id = $1`, s.ID, &name, &sector, &brin, &board)
		if name != s.Name || sector != string(casus.SectorPO) || brin != "12BC" || board != c.w.board.ID {
			t.Errorf("stored school = %q %q %q %q", name, sector, brin, board)
		}
		// A team serving it names it.
		tm := casus.CareTeam{Name: "Zorgteam De Linde", Kind: casus.TeamIntern, SchoolIDs: []string{s.ID}}
		update(t, c.db, func(ctx context.Context, tx *storage.Tx) error { return tx.CreateTeam(ctx, &tm) })
		if _, schools := team(t, c, tm.ID); !slices.Equal(schools, []string{"Basisschool De Linde"}) {
			t.Errorf("schools of a team serving the new school = %q", schools)
		}
		fails(t, c, "CreateSchool of an unknown board", func(ctx context.Context, tx *storage.Tx) error {
			return tx.CreateSchool(ctx, &casus.School{BoardID: casus.NewID(), Name: "Wees", Sector: casus.SectorVO, BRIN: "00XX"})
		})
	})

	contracts.add("CreateLocation", func(t *testing.T, c *contract) {
		l := casus.Location{SchoolID: c.w.school.ID, Name: "Dependance", City: "Nieuwegein"}
		update(t, c.db, func(ctx context.Context, tx *storage.Tx) error { return tx.CreateLocation(ctx, &l) })
		if l.ID == "" {
			t.Fatal("CreateLocation set no id")
		}
		var school, name, city string
		row(t, c, `SELECT CAST(school_id AS TEXT), name, city FROM locations WHERE id = $1`, l.ID, &school, &name, &city)
		if school != c.w.school.ID || name != "Dependance" || city != "Nieuwegein" {
			t.Errorf("stored location = %q %q %q", school, name, city)
		}
		fails(t, c, "CreateLocation of an unknown school", func(ctx context.Context, tx *storage.Tx) error {
			return tx.CreateLocation(ctx, &casus.Location{SchoolID: casus.NewID(), Name: "x", City: "y"})
		})
	})

	contracts.add("CreateGroup", func(t *testing.T, c *contract) {
		g := casus.Group{SchoolID: c.w.school.ID, Name: "Techniek 1A", Kind: casus.GroupClass, Level: "2"}
		update(t, c.db, func(ctx context.Context, tx *storage.Tx) error { return tx.CreateGroup(ctx, &g) })
		if g.ID == "" {
			t.Fatal("CreateGroup set no id")
		}
		var school, name, kind, level string
		row(t, c, `SELECT CAST(school_id AS TEXT), name, kind, level FROM groups WHERE id = $1`, g.ID, &school, &name, &kind, &level)
		if school != c.w.school.ID || name != "Techniek 1A" || kind != string(casus.GroupClass) || level != "2" {
			t.Errorf("stored group = %q %q %q %q", school, name, kind, level)
		}
		// A student of the group reads back with its name.
		s := casus.Student{SchoolID: c.w.school.ID, GroupID: g.ID, FirstName: "Noor", LastName: "Bakker", DateOfBirth: date(2009, 1, 1),
			StudentNumber: "200001", Level: "2"}
		update(t, c.db, func(ctx context.Context, tx *storage.Tx) error { return tx.CreateStudent(ctx, &s) })
		got := viewValue(t, c.db, func(ctx context.Context, tx *storage.Tx) (casus.Student, error) {
			st, _, err := tx.StudentFor(ctx, c.w.coordinator.ID, s.ID)
			return st, err
		})
		if got.GroupID != g.ID || got.GroupName != "Techniek 1A" {
			t.Errorf("student of the new group: %q %q", got.GroupID, got.GroupName)
		}
		fails(t, c, "CreateGroup of an unknown school", func(ctx context.Context, tx *storage.Tx) error {
			return tx.CreateGroup(ctx, &casus.Group{SchoolID: casus.NewID(), Name: "x", Kind: casus.GroupClass, Level: "1"})
		})
	})

	contracts.add("CreatePartnerOrg", func(t *testing.T, c *contract) {
		p := casus.PartnerOrg{Name: "Bureau Leerplicht Testrijn", Discipline: casus.DiscLeerplicht}
		update(t, c.db, func(ctx context.Context, tx *storage.Tx) error { return tx.CreatePartnerOrg(ctx, &p) })
		if p.ID == "" {
			t.Fatal("CreatePartnerOrg set no id")
		}
		var name, disc string
		row(t, c, `SELECT name, discipline FROM partner_orgs WHERE id = $1`, p.ID, &name, &disc)
		if name != p.Name || disc != string(casus.DiscLeerplicht) {
			t.Errorf("stored partner organisation = %q %q", name, disc)
		}
		// Its staff read back with its name as their organisation.
		u := casus.User{Name: "Lotte Leerplicht", Email: "lotte-" + c.w.coordinator.ID + "@leerplicht.example", PartnerOrgID: p.ID,
			Discipline: casus.DiscLeerplicht, Roles: []casus.Role{casus.RolePartner}}
		update(t, c.db, func(ctx context.Context, tx *storage.Tx) error { return tx.CreateUser(ctx, &u, "x") })
		got := viewValue(t, c.db, func(ctx context.Context, tx *storage.Tx) (casus.User, error) { return tx.User(ctx, u.ID) })
		if got.PartnerOrgID != p.ID || got.OrgName != "Bureau Leerplicht Testrijn" {
			t.Errorf("partner user = %+v", got)
		}
	})

	contracts.add("AddCareContact", func(t *testing.T, c *contract) {
		w := c.w
		if rel := relations(t, c, w.specialist.ID, w.sanne.ID); rel.CareContact {
			t.Fatal("the specialist is a care contact before AddCareContact")
		}
		update(t, c.db, func(ctx context.Context, tx *storage.Tx) error {
			return tx.AddCareContact(ctx, w.specialist.ID, w.group.ID)
		})
		if rel := relations(t, c, w.specialist.ID, w.sanne.ID); !rel.CareContact {
			t.Error("the specialist is no care contact of Sanne after AddCareContact of her group")
		}
		if rel := relations(t, c, w.specialist.ID, w.ayla.ID); rel.CareContact {
			t.Error("the care contact of one group is the care contact of a student of another")
		}
		fails(t, c, "adding the same care contact twice", func(ctx context.Context, tx *storage.Tx) error {
			return tx.AddCareContact(ctx, w.specialist.ID, w.group.ID)
		})
		fails(t, c, "AddCareContact of an unknown group", func(ctx context.Context, tx *storage.Tx) error {
			return tx.AddCareContact(ctx, w.specialist.ID, casus.NewID())
		})
	})

	contracts.add("CreateTeam", func(t *testing.T, c *contract) {
		w := c.w
		tm := casus.CareTeam{Name: "Bovenschools ZAT", Kind: casus.TeamZAT, Rhythm: "maandelijks", SchoolIDs: []string{w.school.ID, w.otherSchool.ID}}
		update(t, c.db, func(ctx context.Context, tx *storage.Tx) error { return tx.CreateTeam(ctx, &tm) })
		if tm.ID == "" {
			t.Fatal("CreateTeam set no id")
		}
		got, schools := team(t, c, tm.ID)
		if got.Name != tm.Name || got.Kind != casus.TeamZAT || got.Rhythm != "maandelijks" ||
			!slices.Equal(schools, []string{"Lyceum Elders", "ROC Testrijn"}) {
			t.Errorf("stored team = %+v serving %q", got, schools)
		}
		t.Run("UnknownSchool/RolledBack", func(t *testing.T) {
			bad := casus.CareTeam{Name: "Wees", Kind: casus.TeamIntern, SchoolIDs: []string{w.school.ID, casus.NewID()}}
			err := c.db.Update(t.Context(), func(tx *storage.Tx) error { return tx.CreateTeam(t.Context(), &bad) })
			if err == nil {
				t.Fatal("a team serving an unknown school was stored")
			}
			err = c.db.View(t.Context(), func(tx *storage.Tx) error { _, _, err := tx.Team(t.Context(), bad.ID); return err })
			wantCode(t, err, casus.ENOTFOUND)
		})
	})

	contracts.add("AddMember", func(t *testing.T, c *contract) {
		w := c.w
		update(t, c.db, func(ctx context.Context, tx *storage.Tx) error {
			return tx.AddMember(ctx, casus.TeamMember{TeamID: w.intern.ID, User: w.specialist, Kind: casus.MemberOnCall, MinuteTaker: true})
		})
		ms := viewValue(t, c.db, func(ctx context.Context, tx *storage.Tx) ([]casus.TeamMember, error) {
			return tx.TeamMembers(ctx, w.intern.ID)
		})
		i := slices.IndexFunc(ms, func(m casus.TeamMember) bool { return m.User.ID == w.specialist.ID })
		if i < 0 || ms[i].Kind != casus.MemberOnCall || !ms[i].MinuteTaker || ms[i].Chair || ms[i].TeamID != w.intern.ID {
			t.Errorf("TeamMembers(intern) = %+v, want the specialist on call as minute taker", ms)
		}
		if len(ms) != 3 {
			t.Errorf("intern team has %d members, want 3", len(ms))
		}
		fails(t, c, "adding a member twice", func(ctx context.Context, tx *storage.Tx) error {
			return tx.AddMember(ctx, casus.TeamMember{TeamID: w.intern.ID, User: w.specialist, Kind: casus.MemberFixed})
		})
		fails(t, c, "AddMember to an unknown team", func(ctx context.Context, tx *storage.Tx) error {
			return tx.AddMember(ctx, casus.TeamMember{TeamID: casus.NewID(), User: w.mentor, Kind: casus.MemberFixed})
		})
	})

	contracts.add("SetMember", func(t *testing.T, c *contract) {
		w := c.w
		members := func() []casus.TeamMember {
			return viewValue(t, c.db, func(ctx context.Context, tx *storage.Tx) ([]casus.TeamMember, error) {
				return tx.TeamMembers(ctx, w.intern.ID)
			})
		}
		set := func(m casus.TeamMember) bool {
			return updateValue(t, c.db, func(ctx context.Context, tx *storage.Tx) (bool, error) { return tx.SetMember(ctx, m) })
		}
		// Added: the specialist becomes the intern team's chair and minute
		// taker; the coordinator stops chairing.
		if set(casus.TeamMember{TeamID: w.intern.ID, User: w.specialist, Kind: casus.MemberFixed, Chair: true, MinuteTaker: true}) {
			t.Errorf("SetMember of a new member reported an existing one")
		}
		ms := members()
		for _, m := range ms {
			want := m.User.ID == w.specialist.ID
			if m.Chair != want || m.MinuteTaker != want {
				t.Errorf("after naming the specialist chair: %s chair %v, minute taker %v", m.User.Name, m.Chair, m.MinuteTaker)
			}
		}
		if len(ms) != 3 {
			t.Errorf("intern team has %d members, want 3", len(ms))
		}
		// Changed: back to on call, no tasks.
		if !set(casus.TeamMember{TeamID: w.intern.ID, User: w.specialist, Kind: casus.MemberOnCall}) {
			t.Errorf("SetMember of a member reported a new one")
		}
		ms = members()
		if i := slices.IndexFunc(ms, func(m casus.TeamMember) bool { return m.User.ID == w.specialist.ID }); i < 0 ||
			ms[i].Kind != casus.MemberOnCall || ms[i].Chair || ms[i].MinuteTaker || len(ms) != 3 {
			t.Errorf("after the change: %+v", ms)
		}
		fails(t, c, "SetMember on an unknown team", func(ctx context.Context, tx *storage.Tx) error {
			_, err := tx.SetMember(ctx, casus.TeamMember{TeamID: casus.NewID(), User: w.mentor, Kind: casus.MemberFixed})
			return err
		})
	})

	contracts.add("SetSendDays", func(t *testing.T, c *contract) {
		w := c.w
		if tm, _ := team(t, c, w.intern.ID); tm.SendDays != casus.AgendaSendDays {
			t.Errorf("a new team sends %d days ahead, want %d", tm.SendDays, casus.AgendaSendDays)
		}
		update(t, c.db, func(ctx context.Context, tx *storage.Tx) error { return tx.SetSendDays(ctx, w.intern.ID, 3) })
		if tm, _ := team(t, c, w.intern.ID); tm.SendDays != 3 {
			t.Errorf("after SetSendDays(3): %d", tm.SendDays)
		}
		fails(t, c, "eleven days", func(ctx context.Context, tx *storage.Tx) error { return tx.SetSendDays(ctx, w.intern.ID, 11) })
		err := c.db.Update(t.Context(), func(tx *storage.Tx) error { return tx.SetSendDays(t.Context(), casus.NewID(), 3) })
		if casus.ErrorCode(err) != casus.ENOTFOUND {
			t.Errorf("SetSendDays of an unknown team: %v, want not found", err)
		}
	})

	contracts.add("RemoveMember", func(t *testing.T, c *contract) {
		w := c.w
		update(t, c.db, func(ctx context.Context, tx *storage.Tx) error {
			return tx.RemoveMember(ctx, w.intern.ID, w.careContact.ID)
		})
		ms := viewValue(t, c.db, func(ctx context.Context, tx *storage.Tx) ([]casus.TeamMember, error) {
			return tx.TeamMembers(ctx, w.intern.ID)
		})
		if slices.ContainsFunc(ms, func(m casus.TeamMember) bool { return m.User.ID == w.careContact.ID }) || len(ms) != 1 {
			t.Errorf("after removing the care contact: %+v", ms)
		}
		err := c.db.Update(t.Context(), func(tx *storage.Tx) error { return tx.RemoveMember(t.Context(), w.intern.ID, w.careContact.ID) })
		if casus.ErrorCode(err) != casus.ENOTFOUND {
			t.Errorf("removing a non-member: %v, want not found", err)
		}
	})

	contracts.add("MemberCandidates", func(t *testing.T, c *contract) {
		w := c.w
		got := viewValue(t, c.db, func(ctx context.Context, tx *storage.Tx) ([]casus.User, error) {
			return tx.MemberCandidates(ctx, w.intern.ID, casus.MemberRoles)
		})
		has := func(u casus.User) bool {
			return slices.ContainsFunc(got, func(x casus.User) bool { return x.ID == u.ID })
		}
		for _, u := range []casus.User{w.specialist, w.nurse, w.police, w.socialWork} {
			if !has(u) {
				t.Errorf("candidates for the intern team lack %s", u.Name)
			}
		}
		for _, u := range []casus.User{w.coordinator, w.careContact, w.mentor, w.outsider, w.admin} {
			if has(u) {
				t.Errorf("candidates for the intern team include %s (a member, or no member role, or another school)", u.Name)
			}
		}
		if i := slices.IndexFunc(got, func(x casus.User) bool { return x.ID == w.police.ID }); i >= 0 &&
			(!got[i].HasRole(casus.RolePartner) || got[i].Discipline != w.police.Discipline || got[i].OrgName == "") {
			t.Errorf("candidate police officer = %+v, want the partner role, discipline and organisation", got[i])
		}
		if !slices.IsSortedFunc(got, func(a, b casus.User) int { return strings.Compare(a.Name, b.Name) }) {
			t.Errorf("candidates not by name")
		}
	})

	contracts.add("Teams", func(t *testing.T, c *contract) {
		w := c.w
		extra := casus.CareTeam{Name: "Aanmeldteam Testrijn", Kind: casus.TeamIntern, Rhythm: "elke dag", SchoolIDs: []string{w.school.ID}}
		update(t, c.db, func(ctx context.Context, tx *storage.Tx) error { return tx.CreateTeam(ctx, &extra) })
		all := viewValue(t, c.db, func(ctx context.Context, tx *storage.Tx) ([]casus.CareTeam, error) { return tx.Teams(ctx) })
		mine := map[string]bool{w.intern.ID: true, w.zat.ID: true, extra.ID: true}
		var got []string
		for _, tm := range all {
			if mine[tm.ID] {
				got = append(got, tm.Name+"/"+string(tm.Kind)+"/"+tm.Rhythm)
			}
		}
		want := []string{"Aanmeldteam Testrijn/intern/elke dag", "Intern zorgteam Testrijn/intern/elke week", "ZAT Testrijn/zat/om de week"}
		if !slices.Equal(got, want) {
			t.Errorf("the world's teams in Teams = %q, want %q (by kind, then name)", got, want)
		}
		if !slices.IsSortedFunc(all, func(a, b casus.CareTeam) int {
			if a.Kind != b.Kind {
				return strings.Compare(string(a.Kind), string(b.Kind))
			}
			return 0
		}) {
			t.Error("Teams is not ordered by kind")
		}
	})

	contracts.add("Team", func(t *testing.T, c *contract) {
		w := c.w
		got, schools := viewValue2(t, c.db, func(ctx context.Context, tx *storage.Tx) (casus.CareTeam, []string, error) {
			return tx.Team(ctx, w.zat.ID)
		})
		if got.ID != w.zat.ID || got.Name != "ZAT Testrijn" || got.Kind != casus.TeamZAT || got.Rhythm != "om de week" {
			t.Errorf("Team = %+v", got)
		}
		if !slices.Equal(got.SchoolIDs, []string{w.school.ID}) || !slices.Equal(schools, []string{"ROC Testrijn"}) {
			t.Errorf("Team schools = %q %q, want [%s] [ROC Testrijn]", got.SchoolIDs, schools, w.school.ID)
		}
		for _, id := range []string{casus.NewID(), "not-an-id"} {
			err := c.db.View(t.Context(), func(tx *storage.Tx) error { _, _, err := tx.Team(t.Context(), id); return err })
			wantCode(t, err, casus.ENOTFOUND)
		}
	})

	contracts.add("TeamMembers", func(t *testing.T, c *contract) {
		w := c.w
		members := viewValue(t, c.db, func(ctx context.Context, tx *storage.Tx) ([]casus.TeamMember, error) {
			return tx.TeamMembers(ctx, w.zat.ID)
		})
		got := names(members, func(m casus.TeamMember) string { return m.User.Name })
		want := []string{"Carla Coördinator", "Janneke JGZ", "Olga Orthopedagoog", "Peter Politie", "Sam SMW"}
		if !slices.Equal(got, want) {
			t.Fatalf("TeamMembers = %q, want the chair, then fixed, then on call, each by name: %q", got, want)
		}
		chair, nurse, police := members[0], members[1], members[3]
		if !chair.Chair || chair.Kind != casus.MemberFixed || !chair.User.HasRole(casus.RoleCoordinator) ||
			chair.User.OrgName != "ROC Testrijn" || chair.TeamID != w.zat.ID {
			t.Errorf("chair = %+v", chair)
		}
		if nurse.Chair || nurse.Kind != casus.MemberFixed || nurse.User.OrgName != "GGD Testregio" ||
			nurse.User.PartnerOrgID != w.jgz.ID || nurse.User.Discipline != casus.DiscJGZ || nurse.User.Email != w.nurse.Email {
			t.Errorf("nurse = %+v", nurse)
		}
		if police.Kind != casus.MemberOnCall || !slices.Equal(police.User.Roles, []casus.Role{casus.RolePartner}) {
			t.Errorf("police = %+v", police)
		}
		if none := viewValue(t, c.db, func(ctx context.Context, tx *storage.Tx) ([]casus.TeamMember, error) {
			return tx.TeamMembers(ctx, casus.NewID())
		}); len(none) != 0 {
			t.Errorf("TeamMembers of an unknown team = %+v", none)
		}
	})
}
