package storage_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"casus"
	"casus/storage"
)

func init() {
	// roster reads the world's school's students by number.
	roster := func(t *testing.T, c *contract) map[string]casus.Student {
		t.Helper()
		sts := viewValue(t, c.db, func(ctx context.Context, tx *storage.Tx) ([]casus.Student, error) {
			return tx.SchoolRoster(ctx, c.w.school.ID)
		})
		out := map[string]casus.Student{}
		for _, s := range sts {
			out[s.StudentNumber] = s
		}
		return out
	}

	contracts.add("SchoolsByBRIN", func(t *testing.T, c *contract) {
		brin := fmt.Sprintf("%.4s", c.w.school.ID[len(c.w.school.ID)-4:]) // unique to this world
		s := casus.School{BoardID: c.w.board.ID, Name: "Kindcentrum Eigen", Sector: casus.SectorPO, BRIN: brin}
		update(t, c.db, func(ctx context.Context, tx *storage.Tx) error { return tx.CreateSchool(ctx, &s) })
		got := viewValue(t, c.db, func(ctx context.Context, tx *storage.Tx) ([]casus.School, error) {
			return tx.SchoolsByBRIN(ctx, brin)
		})
		if len(got) != 1 || got[0].ID != s.ID || got[0].Name != "Kindcentrum Eigen" || got[0].Sector != casus.SectorPO {
			t.Errorf("SchoolsByBRIN(%s) = %+v", brin, got)
		}
		if none := viewValue(t, c.db, func(ctx context.Context, tx *storage.Tx) ([]casus.School, error) {
			return tx.SchoolsByBRIN(ctx, "00ZZ")
		}); len(none) != 0 {
			t.Errorf("an unknown BRIN found %d schools", len(none))
		}
		// Every world has a school 25AB: the code is not unique, and the
		// caller must see that.
		if many := viewValue(t, c.db, func(ctx context.Context, tx *storage.Tx) ([]casus.School, error) {
			return tx.SchoolsByBRIN(ctx, "25ab")
		}); len(many) < 1 {
			t.Error("SchoolsByBRIN is not case-insensitive")
		}
	})

	contracts.add("SchoolRoster", func(t *testing.T, c *contract) {
		sts := viewValue(t, c.db, func(ctx context.Context, tx *storage.Tx) ([]casus.Student, error) {
			return tx.SchoolRoster(ctx, c.w.school.ID)
		})
		got := map[string]casus.Student{}
		for _, s := range sts {
			got[s.StudentNumber] = s
		}
		if len(sts) != 2 || len(got) != 2 {
			t.Fatalf("roster has %d students, want Sanne and Bram (Ayla is at the other school)", len(got))
		}
		s := got["100123"]
		if s.ID != c.w.sanne.ID || s.FirstName != "Sanne" || s.GroupName != "Verzorgende IG 2A" || s.MentorID != c.w.mentor.ID ||
			s.MentorEmail != c.w.mentor.Email || !s.DateOfBirth.Equal(time.Date(2008, 3, 14, 0, 0, 0, 0, time.UTC)) || s.LeftAt != nil {
			t.Errorf("Sanne in the roster = %+v", s)
		}
		if b := got["100456"]; b.MentorID != "" || b.MentorEmail != "" {
			t.Errorf("Bram, without a mentor, has mentor %q %q", b.MentorID, b.MentorEmail)
		}
	})

	contracts.add("SchoolGuardians", func(t *testing.T, c *contract) {
		gs := viewValue(t, c.db, func(ctx context.Context, tx *storage.Tx) ([]casus.Guardian, error) {
			return tx.SchoolGuardians(ctx, c.w.school.ID)
		})
		var got []string
		for _, g := range gs {
			got = append(got, fmt.Sprintf("%s/%s/%v", g.Name, g.Relation, g.ParentalAuthority))
			if g.StudentID != c.w.sanne.ID {
				t.Errorf("guardian %s of student %s", g.Name, g.StudentID)
			}
		}
		if want := []string{"Els Visser/moeder/true", "Henk Visser/vader/false"}; !slices.Equal(got, want) {
			t.Errorf("SchoolGuardians = %q, want %q", got, want)
		}
		if other := viewValue(t, c.db, func(ctx context.Context, tx *storage.Tx) ([]casus.Guardian, error) {
			return tx.SchoolGuardians(ctx, c.w.otherSchool.ID)
		}); len(other) != 0 {
			t.Errorf("the other school has %d guardians, want none", len(other))
		}
	})

	contracts.add("SchoolGroups", func(t *testing.T, c *contract) {
		gs := viewValue(t, c.db, func(ctx context.Context, tx *storage.Tx) ([]casus.Group, error) {
			return tx.SchoolGroups(ctx, c.w.school.ID)
		})
		if len(gs) != 1 || gs[0].ID != c.w.group.ID || gs[0].Name != "Verzorgende IG 2A" || gs[0].Kind != casus.GroupProgramme {
			t.Errorf("SchoolGroups = %+v", gs)
		}
	})

	contracts.add("UserIDsByEmail", func(t *testing.T, c *contract) {
		emails := []string{c.w.coordinator.Email, "nobody@testrijn.example", c.w.mentor.Email}
		for i := range 600 { // more than one batch
			emails = append(emails, fmt.Sprintf("unknown%d@testrijn.example", i))
		}
		got := viewValue(t, c.db, func(ctx context.Context, tx *storage.Tx) (map[string]string, error) {
			return tx.UserIDsByEmail(ctx, emails)
		})
		// The coordinator's address was given with capitals; it is stored
		// and found in lower case.
		if len(got) != 2 || got[strings.ToLower(c.w.coordinator.Email)] != c.w.coordinator.ID || got[c.w.mentor.Email] != c.w.mentor.ID {
			t.Errorf("UserIDsByEmail = %v", got)
		}
	})

	contracts.add("CreateStudents", func(t *testing.T, c *contract) {
		var sts []*casus.Student
		for i := range 1201 { // three batches
			sts = append(sts, &casus.Student{SchoolID: c.w.school.ID, GroupID: c.w.group.ID, FirstName: "Leerling",
				LastName: fmt.Sprint(i), DateOfBirth: date(2010, 1, 1+i%28), StudentNumber: fmt.Sprint(500000 + i), Level: "2"})
		}
		sts[0].MentorID = c.w.mentor.ID
		update(t, c.db, func(ctx context.Context, tx *storage.Tx) error { return tx.CreateStudents(ctx, sts) })
		got := roster(t, c)
		if len(got) != 2+1201 {
			t.Fatalf("roster has %d students after CreateStudents, want %d", len(got), 2+1201)
		}
		first := got["500000"]
		if first.ID != sts[0].ID || first.MentorID != c.w.mentor.ID || first.Level != "2" || !first.DateOfBirth.Equal(date(2010, 1, 1)) {
			t.Errorf("first student stored as %+v", first)
		}
		// A number the school already has fails the whole statement.
		dup := []*casus.Student{{SchoolID: c.w.school.ID, GroupID: c.w.group.ID, FirstName: "Dubbel", LastName: "Nummer",
			DateOfBirth: date(2010, 1, 1), StudentNumber: "100123", Level: "2"}}
		if err := updateErrC(t, c, func(ctx context.Context, tx *storage.Tx) error { return tx.CreateStudents(ctx, dup) }); err == nil {
			t.Error("CreateStudents stored a student number the school already has")
		}
	})

	contracts.add("AddGuardians", func(t *testing.T, c *contract) {
		gs := []*casus.Guardian{
			{StudentID: c.w.bram.ID, Name: "Ria Jansen", Relation: "moeder", ParentalAuthority: true, Email: "ria@example.org"},
			{StudentID: c.w.bram.ID, Name: "Wim Jansen", Relation: "vader", Phone: "06 9876 5432"},
		}
		update(t, c.db, func(ctx context.Context, tx *storage.Tx) error { return tx.AddGuardians(ctx, gs) })
		got := viewValue(t, c.db, func(ctx context.Context, tx *storage.Tx) ([]casus.Guardian, error) {
			return tx.Guardians(ctx, c.w.bram.ID)
		})
		if len(got) != 2 || got[0].ID != gs[0].ID || !got[0].ParentalAuthority || got[0].Email != "ria@example.org" ||
			got[1].ParentalAuthority || got[1].Phone != "06 9876 5432" {
			t.Errorf("Bram's guardians = %+v", got)
		}
	})

	contracts.add("UpdateRosterStudent", func(t *testing.T, c *contract) {
		s := roster(t, c)["100456"]
		left := date(2026, 7, 1)
		s.FirstName, s.LastName, s.DateOfBirth, s.Level, s.MentorID, s.LeftAt = "Bram", "de Jansen", date(2007, 11, 3), "4", c.w.mentor.ID, &left
		update(t, c.db, func(ctx context.Context, tx *storage.Tx) error { return tx.UpdateRosterStudent(ctx, s) })
		got := roster(t, c)["100456"]
		if got.LastName != "de Jansen" || !got.DateOfBirth.Equal(date(2007, 11, 3)) || got.Level != "4" ||
			got.MentorID != c.w.mentor.ID || got.LeftAt == nil || !got.LeftAt.Equal(left) {
			t.Errorf("Bram after UpdateRosterStudent = %+v", got)
		}
		s.MentorID, s.LeftAt = "", nil
		update(t, c.db, func(ctx context.Context, tx *storage.Tx) error { return tx.UpdateRosterStudent(ctx, s) })
		if got := roster(t, c)["100456"]; got.MentorID != "" || got.LeftAt != nil {
			t.Errorf("mentor and leaving date not cleared: %+v", got)
		}
		s.ID = casus.NewID()
		if err := updateErrC(t, c, func(ctx context.Context, tx *storage.Tx) error { return tx.UpdateRosterStudent(ctx, s) }); casus.ErrorCode(err) != casus.ENOTFOUND {
			t.Errorf("unknown student: %v, want not found", err)
		}
	})

	contracts.add("UpdateGuardian", func(t *testing.T, c *contract) {
		g := c.w.sanneDad
		g.ParentalAuthority, g.Email, g.Phone, g.Relation = true, "henk@example.org", "06 1111 2222", "vader (gezag)"
		update(t, c.db, func(ctx context.Context, tx *storage.Tx) error { return tx.UpdateGuardian(ctx, g) })
		gs := viewValue(t, c.db, func(ctx context.Context, tx *storage.Tx) ([]casus.Guardian, error) {
			return tx.Guardians(ctx, c.w.sanne.ID)
		})
		var dad casus.Guardian
		for _, x := range gs {
			if x.ID == g.ID {
				dad = x
			}
		}
		if !dad.ParentalAuthority || dad.Email != "henk@example.org" || dad.Phone != "06 1111 2222" || dad.Relation != "vader (gezag)" || dad.Name != "Henk Visser" {
			t.Errorf("Henk after UpdateGuardian = %+v", dad)
		}
		g.ID = casus.NewID()
		if err := updateErrC(t, c, func(ctx context.Context, tx *storage.Tx) error { return tx.UpdateGuardian(ctx, g) }); casus.ErrorCode(err) != casus.ENOTFOUND {
			t.Errorf("unknown guardian: %v, want not found", err)
		}
	})

	contracts.add("SetStudentsLeft", func(t *testing.T, c *contract) {
		day := date(2026, 11, 2)
		update(t, c.db, func(ctx context.Context, tx *storage.Tx) error {
			return tx.SetStudentsLeft(ctx, []string{c.w.sanne.ID, c.w.bram.ID}, day)
		})
		for num, s := range roster(t, c) {
			if s.LeftAt == nil || !s.LeftAt.Equal(day) {
				t.Errorf("student %s left at %v, want %v", num, s.LeftAt, day)
			}
		}
		update(t, c.db, func(ctx context.Context, tx *storage.Tx) error { return tx.SetStudentsLeft(ctx, nil, day) })
	})
}
