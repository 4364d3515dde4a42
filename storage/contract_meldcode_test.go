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
	named := func(t *testing.T, c *contract, studentID, userID string) bool {
		t.Helper()
		return viewValue(t, c.db, func(ctx context.Context, tx *storage.Tx) (bool, error) {
			return tx.MeldcodeNamed(ctx, studentID, userID)
		})
	}
	people := func(t *testing.T, c *contract, studentID string) []casus.User {
		t.Helper()
		return viewValue(t, c.db, func(ctx context.Context, tx *storage.Tx) ([]casus.User, error) {
			return tx.MeldcodePeople(ctx, studentID)
		})
	}
	name := func(t *testing.T, c *contract, studentID, userID string) {
		t.Helper()
		update(t, c.db, func(ctx context.Context, tx *storage.Tx) error {
			return tx.NameForMeldcode(ctx, studentID, userID, c.w.coordinator.ID)
		})
	}
	meldcodes := func(t *testing.T, c *contract, studentID string) []casus.Meldcode {
		t.Helper()
		return viewValue(t, c.db, func(ctx context.Context, tx *storage.Tx) ([]casus.Meldcode, error) {
			return tx.Meldcodes(ctx, studentID)
		})
	}
	step := func(t *testing.T, c *contract, studentID string, s casus.MeldcodeStep) casus.MeldcodeStep {
		t.Helper()
		update(t, c.db, func(ctx context.Context, tx *storage.Tx) error { return tx.RecordMeldcodeStep(ctx, studentID, &s) })
		return s
	}
	// trajectoryB records all five steps for the student, one a day.
	trajectoryB := func(t *testing.T, c *contract, studentID string) []casus.MeldcodeStep {
		t.Helper()
		var ss []casus.MeldcodeStep
		id := ""
		for n := 1; n <= casus.MeldcodeSteps; n++ {
			s := casus.MeldcodeStep{MeldcodeID: id, Step: n, DoneOn: date(2026, 11, 1+n), ByID: c.w.coordinator.ID, Notes: "stap"}
			switch n {
			case 2:
				s.VeiligThuis = true
			case 4:
				s.Answers = []string{"yes", "no", "yes", "no", "no"}
			case 5:
				s.Decision = casus.MeldDecisionHelp
			}
			s = step(t, c, studentID, s)
			id = s.MeldcodeID
			ss = append(ss, s)
			c.clock.Add(24 * time.Hour)
		}
		return ss
	}

	contracts.add("MeldcodeNamed", func(t *testing.T, c *contract) {
		w := c.w
		if named(t, c, w.sanne.ID, w.nurse.ID) {
			t.Error("a person is named before anyone named them")
		}
		name(t, c, w.sanne.ID, w.nurse.ID)
		got := viewValue(t, c.db, func(ctx context.Context, tx *storage.Tx) (bool, error) {
			return tx.MeldcodeNamed(ctx, w.sanne.ID, w.nurse.ID)
		})
		if !got {
			t.Error("MeldcodeNamed after naming = false")
		}
		if named(t, c, w.bram.ID, w.nurse.ID) || named(t, c, w.sanne.ID, w.specialist.ID) {
			t.Error("naming for Sanne named for another student or another person")
		}
	})

	contracts.add("MeldcodePeople", func(t *testing.T, c *contract) {
		w := c.w
		if ps := people(t, c, w.sanne.ID); len(ps) != 0 {
			t.Errorf("MeldcodePeople before naming = %+v", ps)
		}
		name(t, c, w.sanne.ID, w.specialist.ID)
		name(t, c, w.sanne.ID, w.nurse.ID)
		name(t, c, w.bram.ID, w.mentor.ID)
		ps := viewValue(t, c.db, func(ctx context.Context, tx *storage.Tx) ([]casus.User, error) {
			return tx.MeldcodePeople(ctx, w.sanne.ID)
		})
		if len(ps) != 2 || ps[0].ID != w.nurse.ID || ps[0].Name != "Janneke JGZ" || ps[0].Discipline != casus.DiscJGZ ||
			ps[1].ID != w.specialist.ID || ps[1].Discipline != casus.DiscSpecialist {
			t.Errorf("MeldcodePeople = %+v, want the nurse then the specialist, by name", ps)
		}
	})

	contracts.add("NameForMeldcode", func(t *testing.T, c *contract) {
		w := c.w
		c.clock.Add(time.Minute)
		update(t, c.db, func(ctx context.Context, tx *storage.Tx) error {
			return tx.NameForMeldcode(ctx, w.sanne.ID, w.specialist.ID, w.coordinator.ID)
		})
		if !named(t, c, w.sanne.ID, w.specialist.ID) {
			t.Fatal("not named after NameForMeldcode")
		}
		if n := countB(t, c, `SELECT COUNT(*) FROM meldcode_people WHERE student_id = $1 AND user_id = $2 AND named_by = $3 AND named_at = $4`,
			w.sanne.ID, w.specialist.ID, w.coordinator.ID, contractEpoch.Add(time.Minute)); n != 1 {
			t.Error("the naming is not stored with who named them and when")
		}
		t.Run("Again/Idempotent", func(t *testing.T) {
			c.clock.Add(time.Hour)
			update(t, c.db, func(ctx context.Context, tx *storage.Tx) error {
				return tx.NameForMeldcode(ctx, w.sanne.ID, w.specialist.ID, w.mentor.ID)
			})
			if ps := people(t, c, w.sanne.ID); len(ps) != 1 {
				t.Errorf("naming twice: %+v, want one person", ps)
			}
			if n := countB(t, c, `SELECT COUNT(*) FROM meldcode_people WHERE student_id = $1 AND named_by = $2 AND named_at = $3`,
				w.sanne.ID, w.coordinator.ID, contractEpoch.Add(time.Minute)); n != 1 {
				t.Error("naming again changed who named them or when")
			}
		})
		t.Run("UnknownUser/Err", func(t *testing.T) {
			err := c.db.Update(t.Context(), func(tx *storage.Tx) error {
				return tx.NameForMeldcode(t.Context(), w.sanne.ID, casus.NewID(), w.coordinator.ID)
			})
			if err == nil {
				t.Error("an unknown user was named")
			}
		})
	})

	contracts.add("UnnameForMeldcode", func(t *testing.T, c *contract) {
		w := c.w
		name(t, c, w.sanne.ID, w.nurse.ID)
		name(t, c, w.sanne.ID, w.specialist.ID)
		unname := func(userID string) bool {
			t.Helper()
			return updateValue(t, c.db, func(ctx context.Context, tx *storage.Tx) (bool, error) {
				return tx.UnnameForMeldcode(ctx, w.sanne.ID, userID)
			})
		}
		if !unname(w.nurse.ID) {
			t.Error("UnnameForMeldcode of a named person reported false")
		}
		if named(t, c, w.sanne.ID, w.nurse.ID) || !named(t, c, w.sanne.ID, w.specialist.ID) {
			t.Error("unnaming the nurse did not remove her alone")
		}
		if unname(w.nurse.ID) {
			t.Error("unnaming again reported true")
		}
		if unname(w.police.ID) {
			t.Error("unnaming someone never named reported true")
		}
	})

	contracts.add("Meldcodes", func(t *testing.T, c *contract) {
		w := c.w
		if ms := meldcodes(t, c, w.sanne.ID); len(ms) != 0 {
			t.Errorf("Meldcodes before any = %+v", ms)
		}
		old := trajectoryB(t, c, w.sanne.ID)
		newer := step(t, c, w.sanne.ID, casus.MeldcodeStep{Step: 1, DoneOn: date(2026, 12, 1), ByID: w.specialist.ID, Notes: "opnieuw"})
		step(t, c, w.bram.ID, casus.MeldcodeStep{Step: 1, DoneOn: date(2026, 12, 1), ByID: w.coordinator.ID})
		ms := viewValue(t, c.db, func(ctx context.Context, tx *storage.Tx) ([]casus.Meldcode, error) {
			return tx.Meldcodes(ctx, w.sanne.ID)
		})
		if len(ms) != 2 || ms[0].ID != newer.MeldcodeID || ms[1].ID != old[0].MeldcodeID {
			t.Fatalf("Meldcodes = %+v, want the new trajectory, then the old", ms)
		}
		if ms[0].StudentID != w.sanne.ID || ms[0].StartedBy != w.specialist.ID || !ms[0].StartedAt.Equal(newer.CreatedAt) ||
			!ms[0].ClosedAt.IsZero() || len(ms[0].Steps) != 1 || ms[0].Next() != 2 {
			t.Errorf("the open trajectory = %+v", ms[0])
		}
		o := ms[1]
		if len(o.Steps) != 5 || o.Next() != 0 || !o.ClosedAt.Equal(old[4].CreatedAt) || !o.StartedAt.Equal(old[0].CreatedAt) {
			t.Fatalf("the closed trajectory = %+v", o)
		}
		for i, s := range o.Steps {
			if s.Step != i+1 || s.ID != old[i].ID || s.ByName != "Carla Coördinator" || !s.DoneOn.Equal(old[i].DoneOn) || s.Notes != "stap" {
				t.Errorf("step %d = %+v", i+1, s)
			}
		}
		if !o.Steps[1].VeiligThuis || o.Steps[0].VeiligThuis || !slices.Equal(o.Steps[3].Answers, old[3].Answers) ||
			o.Steps[0].Answers != nil || o.Steps[4].Decision != casus.MeldDecisionHelp {
			t.Errorf("steps = %+v, want Veilig Thuis at 2, the answers at 4 and the decision at 5", o.Steps)
		}
	})

	contracts.add("RecordMeldcodeStep", func(t *testing.T, c *contract) {
		w := c.w
		s1 := casus.MeldcodeStep{Step: 1, DoneOn: date(2026, 11, 1), ByID: w.coordinator.ID, Notes: "Signalen"}
		update(t, c.db, func(ctx context.Context, tx *storage.Tx) error { return tx.RecordMeldcodeStep(ctx, w.sanne.ID, &s1) })
		if s1.ID == "" || s1.MeldcodeID == "" || !s1.CreatedAt.Equal(contractEpoch) {
			t.Errorf("step 1 = %+v, want ids and the clock's time", s1)
		}
		ms := meldcodes(t, c, w.sanne.ID)
		if len(ms) != 1 || ms[0].ID != s1.MeldcodeID || !ms[0].StartedAt.Equal(contractEpoch) || ms[0].StartedBy != w.coordinator.ID ||
			len(ms[0].Steps) != 1 || ms[0].Steps[0].Notes != "Signalen" {
			t.Fatalf("after step 1: %+v", ms)
		}
		id := s1.MeldcodeID
		for n := 2; n <= casus.MeldcodeSteps; n++ {
			c.clock.Add(time.Hour)
			s := casus.MeldcodeStep{MeldcodeID: id, Step: n, DoneOn: date(2026, 11, n), ByID: w.nurse.ID, Decision: casus.MeldDecisionReport}
			update(t, c.db, func(ctx context.Context, tx *storage.Tx) error { return tx.RecordMeldcodeStep(ctx, w.sanne.ID, &s) })
			ms := meldcodes(t, c, w.sanne.ID)
			closed := !ms[0].ClosedAt.IsZero()
			if len(ms) != 1 || len(ms[0].Steps) != n || closed != (n == casus.MeldcodeSteps) {
				t.Errorf("after step %d: %d trajectories, %d steps, closed %v", n, len(ms), len(ms[0].Steps), closed)
			}
		}
		if ms := meldcodes(t, c, w.sanne.ID); !ms[0].ClosedAt.Equal(contractEpoch.Add(4 * time.Hour)) {
			t.Errorf("closed at %v, want the time of step 5, %v", ms[0].ClosedAt, contractEpoch.Add(4*time.Hour))
		}
		t.Run("UnknownTrajectory/Err", func(t *testing.T) {
			err := c.db.Update(t.Context(), func(tx *storage.Tx) error {
				return tx.RecordMeldcodeStep(t.Context(), w.sanne.ID, &casus.MeldcodeStep{MeldcodeID: casus.NewID(), Step: 2,
					DoneOn: date(2026, 11, 2), ByID: w.coordinator.ID})
			})
			if err == nil {
				t.Error("a step of an unknown trajectory was stored")
			}
		})
	})
}
