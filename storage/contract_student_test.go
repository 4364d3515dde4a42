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
	contracts.add("CreateStudent", func(t *testing.T, c *contract) {
		w := c.w
		left := time.Date(2026, 7, 1, 0, 0, 0, 0, time.UTC)
		s := casus.Student{SchoolID: w.school.ID, GroupID: w.group.ID, FirstName: "Noah", LastName: "de Vries",
			DateOfBirth: time.Date(2009, 1, 31, 0, 0, 0, 0, time.UTC), StudentNumber: "100777", Level: "2", MentorID: w.mentor.ID}
		plain := casus.Student{SchoolID: w.school.ID, GroupID: w.group.ID, FirstName: "Lotte", LastName: "Bakker",
			DateOfBirth: date(2008, 6, 1), StudentNumber: "100778", Level: "4", LeftAt: &left}
		update(t, c.db, func(ctx context.Context, tx *storage.Tx) error {
			must(t, tx.CreateStudent(ctx, &s))
			return tx.CreateStudent(ctx, &plain)
		})
		if s.ID == "" || plain.ID == "" || s.ID == plain.ID {
			t.Fatalf("ids %q %q, want two new ids", s.ID, plain.ID)
		}
		got, rel := viewValue2(t, c.db, func(ctx context.Context, tx *storage.Tx) (casus.Student, casus.StudentRelations, error) {
			return tx.StudentFor(ctx, w.mentor.ID, s.ID)
		})
		if got.Name() != "Noah de Vries" || got.SchoolID != w.school.ID || got.GroupID != w.group.ID || got.StudentNumber != "100777" ||
			got.Level != "2" || got.MentorID != w.mentor.ID || got.MentorName != w.mentor.Name || got.LeftAt != nil ||
			!got.DateOfBirth.Equal(s.DateOfBirth) || !rel.Mentor {
			t.Errorf("stored student = %+v (relations %+v)", got, rel)
		}
		p, _ := viewValue2(t, c.db, func(ctx context.Context, tx *storage.Tx) (casus.Student, casus.StudentRelations, error) {
			return tx.StudentFor(ctx, w.careContact.ID, plain.ID)
		})
		if p.MentorID != "" || p.LeftAt == nil || !p.LeftAt.Equal(left) {
			t.Errorf("student without mentor who left = %+v", p)
		}
		t.Run("UnknownSchool/Err", func(t *testing.T) {
			bad := casus.Student{SchoolID: casus.NewID(), GroupID: w.group.ID, FirstName: "X", LastName: "Y", DateOfBirth: date(2010, 1, 1)}
			if err := updateErrC(t, c, func(ctx context.Context, tx *storage.Tx) error { return tx.CreateStudent(ctx, &bad) }); err == nil {
				t.Error("CreateStudent at an unknown school succeeded")
			}
		})
	})

	contracts.add("AddGuardian", func(t *testing.T, c *contract) {
		w := c.w
		g := casus.Guardian{StudentID: w.bram.ID, Name: "Joke Jansen", Relation: "voogd", ParentalAuthority: true,
			Email: "joke@example.org", Phone: "06 9876 5432"}
		update(t, c.db, func(ctx context.Context, tx *storage.Tx) error { return tx.AddGuardian(ctx, &g) })
		if g.ID == "" {
			t.Fatal("AddGuardian gave no id")
		}
		gs := viewValue(t, c.db, func(ctx context.Context, tx *storage.Tx) ([]casus.Guardian, error) {
			return tx.Guardians(ctx, w.bram.ID)
		})
		if len(gs) != 1 || gs[0] != g {
			t.Errorf("Bram's guardians = %+v, want %+v", gs, g)
		}
		t.Run("UnknownStudent/Err", func(t *testing.T) {
			bad := casus.Guardian{StudentID: casus.NewID(), Name: "X", Relation: "vader"}
			if err := updateErrC(t, c, func(ctx context.Context, tx *storage.Tx) error { return tx.AddGuardian(ctx, &bad) }); err == nil {
				t.Error("AddGuardian for an unknown student succeeded")
			}
		})
	})

	contracts.add("OpenCase", func(t *testing.T, c *contract) {
		w := c.w
		opened := casus.Case{StudentID: w.bram.ID, TeamID: w.intern.ID}
		history := casus.Case{StudentID: w.bram.ID, TeamID: w.intern.ID, Status: casus.CaseClosed, OpenedAt: date(2024, 2, 1)}
		update(t, c.db, func(ctx context.Context, tx *storage.Tx) error {
			must(t, tx.OpenCase(ctx, &opened))
			return tx.OpenCase(ctx, &history)
		})
		if opened.ID == "" || opened.Status != casus.CaseOpen || !opened.OpenedAt.Equal(contractEpoch) {
			t.Errorf("opened case = %+v, want an id, open, opened now", opened)
		}
		cases := viewValue(t, c.db, func(ctx context.Context, tx *storage.Tx) ([]casus.Case, error) { return tx.Cases(ctx, w.bram.ID) })
		byID := map[string]casus.Case{}
		for _, x := range cases {
			byID[x.ID] = x
		}
		if got := byID[opened.ID]; got.Status != casus.CaseOpen || got.TeamID != w.intern.ID || !got.OpenedAt.Equal(contractEpoch) {
			t.Errorf("stored case = %+v", got)
		}
		if got := byID[history.ID]; got.Status != casus.CaseClosed || !got.OpenedAt.Equal(date(2024, 2, 1)) {
			t.Errorf("stored history case = %+v, want it closed as given", got)
		}
		// An open case makes the team's fixed members relate to the student.
		_, rel := viewValue2(t, c.db, func(ctx context.Context, tx *storage.Tx) (casus.Student, casus.StudentRelations, error) {
			return tx.StudentFor(ctx, w.careContact.ID, w.bram.ID)
		})
		if !rel.TeamMember {
			t.Errorf("fixed member of the intern team after the case opened: %+v, want TeamMember", rel)
		}
	})

	contracts.add("Invite", func(t *testing.T, c *contract) {
		w := c.w
		rel := func() casus.StudentRelations {
			_, r := viewValue2(t, c.db, func(ctx context.Context, tx *storage.Tx) (casus.Student, casus.StudentRelations, error) {
				return tx.StudentFor(ctx, w.police.ID, w.sanne.ID)
			})
			return r
		}
		if rel().Invited {
			t.Fatal("fixture: the police is invited already")
		}
		update(t, c.db, func(ctx context.Context, tx *storage.Tx) error { return tx.Invite(ctx, w.sanneCase.ID, w.police.ID) })
		if r := rel(); !r.Invited {
			t.Errorf("after Invite the police's relations = %+v, want Invited", r)
		}
		t.Run("Twice/Err", func(t *testing.T) {
			err := updateErrC(t, c, func(ctx context.Context, tx *storage.Tx) error { return tx.Invite(ctx, w.sanneCase.ID, w.police.ID) })
			if err == nil {
				t.Error("a second invitation to the same case succeeded")
			}
		})
		t.Run("ClosedCaseRelatesNot", func(t *testing.T) {
			update(t, c.db, func(ctx context.Context, tx *storage.Tx) error { return tx.Invite(ctx, w.bramCase.ID, w.police.ID) })
			_, r := viewValue2(t, c.db, func(ctx context.Context, tx *storage.Tx) (casus.Student, casus.StudentRelations, error) {
				return tx.StudentFor(ctx, w.police.ID, w.bram.ID)
			})
			if r.Invited {
				t.Errorf("an invitation for a closed case relates: %+v", r)
			}
		})
	})

	contracts.add("StudentsFor", func(t *testing.T, c *contract) {
		w := c.w
		ids := []string{w.sanne.ID, w.bram.ID, w.sanne.ID, casus.NewID()}
		got := viewValue(t, c.db, func(ctx context.Context, tx *storage.Tx) (map[string]storage.StudentFacts, error) {
			return tx.StudentsFor(ctx, w.coordinator.ID, ids)
		})
		if len(got) != 2 {
			t.Fatalf("StudentsFor = %d students, want Sanne and Bram once each (an unknown id left out)", len(got))
		}
		for _, id := range []string{w.sanne.ID, w.bram.ID} {
			one, rel := viewValue2(t, c.db, func(ctx context.Context, tx *storage.Tx) (casus.Student, casus.StudentRelations, error) {
				return tx.StudentFor(ctx, w.coordinator.ID, id)
			})
			if f := got[id]; f.Student != one || f.Rel != rel {
				t.Errorf("StudentsFor[%s] = %+v, want what StudentFor gives: %+v %+v", id, f, one, rel)
			}
		}
		if none := viewValue(t, c.db, func(ctx context.Context, tx *storage.Tx) (map[string]storage.StudentFacts, error) {
			return tx.StudentsFor(ctx, w.coordinator.ID, nil)
		}); len(none) != 0 {
			t.Errorf("StudentsFor of no ids = %+v", none)
		}
	})

	contracts.add("StudentFor", func(t *testing.T, c *contract) {
		w := c.w
		s, rel := viewValue2(t, c.db, func(ctx context.Context, tx *storage.Tx) (casus.Student, casus.StudentRelations, error) {
			return tx.StudentFor(ctx, w.coordinator.ID, w.sanne.ID)
		})
		if s.ID != w.sanne.ID || s.Name() != "Sanne Visser" || s.SchoolName != "ROC Testrijn" || s.Sector != casus.SectorMBO ||
			s.GroupName != "Verzorgende IG 2A" || s.MentorName != "Mirjam Mentor" || s.StudentNumber != "100123" {
			t.Errorf("StudentFor = %+v", s)
		}
		if want := (casus.StudentRelations{Exists: true, Coordinator: true, TeamMember: true}); rel != want {
			t.Errorf("coordinator's relations = %+v, want %+v", rel, want)
		}
		_, none := viewValue2(t, c.db, func(ctx context.Context, tx *storage.Tx) (casus.Student, casus.StudentRelations, error) {
			return tx.StudentFor(ctx, w.outsider.ID, w.sanne.ID)
		})
		if none != (casus.StudentRelations{Exists: true}) {
			t.Errorf("outsider's relations = %+v, want only Exists", none)
		}
		t.Run("ErrNotFound", func(t *testing.T) {
			for _, id := range []string{casus.NewID(), "not-an-id"} {
				var rel casus.StudentRelations
				err := viewErrC(t, c, func(ctx context.Context, tx *storage.Tx) (err error) {
					_, rel, err = tx.StudentFor(ctx, w.coordinator.ID, id)
					return err
				})
				wantCode(t, err, casus.ENOTFOUND)
				if rel.Exists {
					t.Errorf("relations of a missing student say it exists")
				}
			}
		})
	})

	contracts.add("StudentCandidates", func(t *testing.T, c *contract) {
		w := c.w
		candidates := func(u casus.User, query string, limit int) []string {
			t.Helper()
			var students []casus.Student
			var rels []casus.StudentRelations
			view(t, c.db, func(ctx context.Context, tx *storage.Tx) (err error) {
				students, rels, err = tx.StudentCandidates(ctx, u.ID, query, limit)
				return err
			})
			if len(students) != len(rels) {
				t.Fatalf("%d students, %d relations", len(students), len(rels))
			}
			for i, r := range rels {
				if !r.Exists || r == (casus.StudentRelations{Exists: true}) {
					t.Errorf("candidate %s without a relation: %+v", students[i].Name(), r)
				}
			}
			return names(students, func(s casus.Student) string { return s.ID })
		}
		for _, tc := range []struct {
			name  string
			user  casus.User
			query string
			limit int
			want  []string
		}{
			{"CoordinatorByLastName", w.coordinator, "", 50, []string{w.bram.ID, w.sanne.ID}},
			{"Mentor", w.mentor, "", 50, []string{w.sanne.ID}},
			{"OtherSchool", w.outsider, "", 50, []string{w.ayla.ID}},
			{"NameAnyCase", w.coordinator, "sANNE vis", 50, []string{w.sanne.ID}},
			{"Number", w.coordinator, "0456", 50, []string{w.bram.ID}},
			{"Limit", w.coordinator, "", 1, []string{w.bram.ID}},
			{"NoRelation", w.police, "", 50, nil},
			{"NoMatch", w.coordinator, "zzz", 50, nil},
		} {
			t.Run(tc.name, func(t *testing.T) {
				if got := candidates(tc.user, tc.query, tc.limit); !slices.Equal(got, tc.want) {
					t.Errorf("StudentCandidates(%s, %q, %d) = %v, want %v", tc.user.Name, tc.query, tc.limit, got, tc.want)
				}
			})
		}
	})

	contracts.add("Guardians", func(t *testing.T, c *contract) {
		w := c.w
		gs := viewValue(t, c.db, func(ctx context.Context, tx *storage.Tx) ([]casus.Guardian, error) {
			return tx.Guardians(ctx, w.sanne.ID)
		})
		if len(gs) != 2 || gs[0] != w.sanneMum || gs[1] != w.sanneDad {
			t.Errorf("Guardians = %+v, want mum then dad (by name) as stored", gs)
		}
		if none := viewValue(t, c.db, func(ctx context.Context, tx *storage.Tx) ([]casus.Guardian, error) {
			return tx.Guardians(ctx, w.bram.ID)
		}); len(none) != 0 {
			t.Errorf("Bram's guardians = %+v, want none", none)
		}
	})

	contracts.add("Cases", func(t *testing.T, c *contract) {
		w := c.w
		cs := viewValue(t, c.db, func(ctx context.Context, tx *storage.Tx) ([]casus.Case, error) { return tx.Cases(ctx, w.sanne.ID) })
		if len(cs) != 2 {
			t.Fatalf("Cases = %+v, want Sanne's two", cs)
		}
		later, first := cs[0], cs[1]
		if later.ID != w.sanneInternCaseLater.ID || later.TeamName != "Intern zorgteam Testrijn" || later.TeamKind != casus.TeamIntern ||
			later.Status != casus.CaseClosed || later.StudentID != w.sanne.ID {
			t.Errorf("newest case = %+v", later)
		}
		if first.ID != w.sanneCase.ID || first.TeamName != "ZAT Testrijn" || first.TeamKind != casus.TeamZAT ||
			first.Status != casus.CaseOpen || !first.OpenedAt.Equal(w.sanneCase.OpenedAt) || first.TeamID != w.zat.ID {
			t.Errorf("oldest case = %+v", first)
		}
		if none := viewValue(t, c.db, func(ctx context.Context, tx *storage.Tx) ([]casus.Case, error) { return tx.Cases(ctx, w.ayla.ID) }); len(none) != 0 {
			t.Errorf("Ayla's cases = %+v, want none", none)
		}
	})
}
