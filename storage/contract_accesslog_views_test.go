package storage_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"casus"
	"casus/storage"
)

func init() {
	contracts.add("ChairedInternSchools", func(t *testing.T, c *contract) {
		w := c.w
		schools := func(userID string) []string {
			t.Helper()
			return viewValue(t, c.db, func(ctx context.Context, tx *storage.Tx) ([]string, error) {
				return tx.ChairedInternSchools(ctx, userID)
			})
		}
		if got := schools(w.coordinator.ID); !slices.Equal(got, []string{w.school.ID}) {
			t.Errorf("schools of the intern team's chair = %v, want [%s]", got, w.school.ID)
		}
		for _, u := range []casus.User{w.careContact, w.specialist, w.nurse} {
			if got := schools(u.ID); len(got) != 0 {
				t.Errorf("%s chairs no team but gets schools %v", u.Name, got)
			}
		}
		// The chair of a ZAT only relates to the students of its cases: no school.
		zatChair := casus.User{Email: w.coordinator.Email + ".zat", Name: "Zoë ZAT-voorzitter", PartnerOrgID: w.jgz.ID,
			Discipline: casus.DiscJGZ, Roles: []casus.Role{casus.RoleCoordinator}}
		update(t, c.db, func(ctx context.Context, tx *storage.Tx) error {
			if err := tx.CreateUser(ctx, &zatChair, "x"); err != nil {
				return err
			}
			return tx.AddMember(ctx, casus.TeamMember{TeamID: w.zat.ID, User: zatChair, Kind: casus.MemberFixed, Chair: true})
		})
		if got := schools(zatChair.ID); len(got) != 0 {
			t.Errorf("a ZAT chair gets the schools %v, want none", got)
		}
	})

	contracts.add("ScopedAccessEntries", func(t *testing.T, c *contract) {
		w := c.w
		a := logA(t, c, w.coordinator, w.sanne.ID, "one")
		c.clock.Add(time.Minute)
		b := logA(t, c, w.mentor, w.bram.ID, "two")
		c.clock.Add(time.Minute)
		logA(t, c, w.outsider, w.ayla.ID, "other school")
		d := logA(t, c, w.coordinator, w.sanne.ID, "three")
		scoped := func(f storage.ScopedFilter) []storage.ScopedEntry {
			t.Helper()
			return viewValue(t, c.db, func(ctx context.Context, tx *storage.Tx) ([]storage.ScopedEntry, error) {
				return tx.ScopedAccessEntries(ctx, f)
			})
		}
		seqs := func(es []storage.ScopedEntry) []int64 {
			var out []int64
			for _, e := range es {
				out = append(out, e.Seq)
			}
			return out
		}
		all := scoped(storage.ScopedFilter{Schools: []string{w.school.ID}})
		if got, want := seqs(all), []int64{d.Seq, b.Seq, a.Seq}; !slices.Equal(got, want) {
			t.Fatalf("entries about the school's students = %v, want newest first %v", got, want)
		}
		if all[0].StudentName != "Sanne Visser" || all[1].StudentName != "Bram Jansen" || !sameEntryA(all[0].AccessEntry, d) {
			t.Errorf("scoped entries = %+v", all)
		}
		if got, want := seqs(scoped(storage.ScopedFilter{Schools: []string{w.school.ID}, UserID: w.coordinator.ID})), []int64{d.Seq, a.Seq}; !slices.Equal(got, want) {
			t.Errorf("the coordinator's entries = %v, want %v", got, want)
		}
		if got, want := seqs(scoped(storage.ScopedFilter{Schools: []string{w.school.ID}, Since: b.At})), []int64{d.Seq, b.Seq}; !slices.Equal(got, want) {
			t.Errorf("entries since the second = %v, want %v (since is inclusive)", got, want)
		}
		if got, want := seqs(scoped(storage.ScopedFilter{Schools: []string{w.school.ID}, Limit: 1})), []int64{d.Seq}; !slices.Equal(got, want) {
			t.Errorf("limit 1 = %v, want %v", got, want)
		}
		if got := scoped(storage.ScopedFilter{Schools: []string{w.otherSchool.ID, w.school.ID}}); len(got) != 4 || got[1].StudentName != "Ayla Yilmaz" {
			t.Errorf("entries about both schools = %+v, want 4 with Ayla's", got)
		}
		if got := scoped(storage.ScopedFilter{UserID: w.coordinator.ID}); got != nil {
			t.Errorf("without schools = %+v, want nothing", got)
		}
	})

	contracts.add("ScopedLogUsers", func(t *testing.T, c *contract) {
		w := c.w
		logA(t, c, w.mentor, w.sanne.ID, "one")
		c.clock.Add(time.Hour)
		since := c.clock.Now()
		logA(t, c, w.coordinator, w.sanne.ID, "two")
		logA(t, c, w.coordinator, w.bram.ID, "three")
		logA(t, c, w.careContact, w.bram.ID, "four")
		logA(t, c, w.outsider, w.ayla.ID, "other school")
		users := func(schools []string, since time.Time) []storage.LoggedUser {
			t.Helper()
			return viewValue(t, c.db, func(ctx context.Context, tx *storage.Tx) ([]storage.LoggedUser, error) {
				return tx.ScopedLogUsers(ctx, schools, since)
			})
		}
		got := users([]string{w.school.ID}, since)
		want := []storage.LoggedUser{
			{UserID: w.coordinator.ID, UserName: w.coordinator.Name, OrgName: "ROC Testrijn", Entries: 2},
			{UserID: w.careContact.ID, UserName: w.careContact.Name, OrgName: "ROC Testrijn", Entries: 1},
		}
		if !slices.Equal(got, want) {
			t.Errorf("users since = %+v, want most active first %+v", got, want)
		}
		if got := users([]string{w.school.ID}, contractEpoch); len(got) != 3 || got[0].UserID != w.coordinator.ID ||
			got[1].UserID != w.mentor.ID || got[2].UserID != w.careContact.ID {
			t.Errorf("users since the start = %+v, want coordinator, then by name: Mirjam Mentor, Tom Taakdocent", got)
		}
		if got := users([]string{w.otherSchool.ID}, contractEpoch); len(got) != 1 || got[0].UserID != w.outsider.ID {
			t.Errorf("users of the other school = %+v", got)
		}
		if got := users(nil, contractEpoch); got != nil {
			t.Errorf("without schools = %+v, want nothing", got)
		}
	})

	contracts.add("StudentByNumber", func(t *testing.T, c *contract) {
		w := c.w
		find := func(schools []string, number string) (string, error) {
			var id string
			err := viewErrA(c, func(ctx context.Context, tx *storage.Tx) (err error) {
				id, err = tx.StudentByNumber(ctx, schools, number)
				return err
			})
			return id, err
		}
		if id, err := find([]string{w.school.ID}, "100123"); err != nil || id != w.sanne.ID {
			t.Errorf("StudentByNumber(100123) = %q, %v; want Sanne %s", id, err, w.sanne.ID)
		}
		if id, err := find([]string{w.school.ID, w.otherSchool.ID}, "100999"); err != nil || id != w.ayla.ID {
			t.Errorf("StudentByNumber(100999) in both schools = %q, %v; want Ayla %s", id, err, w.ayla.ID)
		}
		t.Run("OtherSchool/NotFound", func(t *testing.T) {
			_, err := find([]string{w.school.ID}, "100999")
			wantCode(t, err, casus.ENOTFOUND)
			_, err = find([]string{w.school.ID}, "000000")
			wantCode(t, err, casus.ENOTFOUND)
			_, err = find(nil, "100123")
			wantCode(t, err, casus.ENOTFOUND)
		})
	})
}
