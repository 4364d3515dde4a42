package storage_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"casus"
	"casus/storage"
	"casus/storage/storagetest"
)

func init() {
	// teamB creates a care team of the world's school named name in tx.
	teamB := func(ctx context.Context, tx *storage.Tx, c *contract, name string) (casus.CareTeam, error) {
		team := casus.CareTeam{Name: name, Kind: casus.TeamIntern, Rhythm: "elke week", SchoolIDs: []string{c.w.school.ID}}
		return team, tx.CreateTeam(ctx, &team)
	}
	teamExists := func(t *testing.T, c *contract, id string) bool {
		t.Helper()
		err := c.db.View(t.Context(), func(tx *storage.Tx) error { _, _, err := tx.Team(t.Context(), id); return err })
		if err != nil && casus.ErrorCode(err) != casus.ENOTFOUND {
			t.Fatalf("Team: %v", err)
		}
		return err == nil
	}

	contracts.add("Migrate", func(t *testing.T, c *contract) {
		versions := func() (casus, river int) {
			t.Helper()
			casus = countB(t, c, `SELECT COUNT(*) FROM goose_db_version`)
			river = countB(t, c, `SELECT COUNT(*) FROM river_migration`)
			return casus, river
		}
		casusBefore, riverBefore := versions()
		if casusBefore == 0 || riverBefore == 0 {
			t.Fatalf("an opened database holds %d Casus and %d River versions, want both migrated", casusBefore, riverBefore)
		}
		// Migrating a migrated database again applies nothing and keeps the data.
		for range 2 {
			must(t, c.db.Migrate(t.Context()))
		}
		if casusAfter, riverAfter := versions(); casusAfter != casusBefore || riverAfter != riverBefore {
			t.Errorf("migrating again changed the versions from %d/%d to %d/%d", casusBefore, riverBefore, casusAfter, riverAfter)
		}
		if !teamExists(t, c, c.w.zat.ID) {
			t.Error("the world's team is gone after Migrate")
		}
	})

	contracts.add("Close", func(t *testing.T, c *contract) {
		db := storagetest.Open(t, c.engine, c.clock.Now) // never the shared database
		must(t, db.Ping(t.Context()))
		if err := db.Close(); err != nil {
			t.Fatalf("Close = %v", err)
		}
		if err := db.Ping(t.Context()); err == nil {
			t.Error("Ping after Close succeeded")
		}
		if err := db.Update(t.Context(), func(tx *storage.Tx) error { return nil }); err == nil {
			t.Error("Update after Close succeeded")
		}
		if err := db.View(t.Context(), func(tx *storage.Tx) error { return nil }); err == nil {
			t.Error("View after Close succeeded")
		}
		// The cleanup of storagetest.Open closes it again: that must not fail.
		if err := db.Close(); err != nil {
			t.Errorf("a second Close = %v, want nil", err)
		}
	})

	contracts.add("SQL", func(t *testing.T, c *contract) {
		w := c.w
		res, err := c.db.SQL().ExecContext(t.Context(), `UPDATE care_teams SET rhythm = $1 WHERE id = $2`, "maandelijks", w.zat.ID)
		must(t, err)
		if n, _ := res.RowsAffected(); n != 1 {
			t.Fatalf("write through SQL touched %d rows, want 1", n)
		}
		var team casus.CareTeam
		view(t, c.db, func(ctx context.Context, tx *storage.Tx) (err error) {
			team, _, err = tx.Team(ctx, w.zat.ID)
			return err
		})
		if team.Rhythm != "maandelijks" {
			t.Errorf("rhythm after a write through SQL = %q, want maandelijks", team.Rhythm)
		}
		if c.engine == storage.SQLite {
			if n := c.db.SQL().Stats().MaxOpenConnections; n != 1 {
				t.Errorf("SQL on SQLite allows %d connections, want 1 (writers queue in Go)", n)
			}
		}
	})

	contracts.add("ReadSQL", func(t *testing.T, c *contract) {
		w := c.w
		name := func(ctx context.Context) (string, error) {
			var s string
			err := c.db.ReadSQL().QueryRowContext(ctx, `SELECT rhythm FROM care_teams WHERE id = $1`, w.zat.ID).Scan(&s)
			return s, err
		}
		// A read while a write transaction is open neither waits for it nor
		// sees what it has not committed.
		err := c.db.Update(t.Context(), func(tx *storage.Tx) error {
			ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
			defer cancel()
			must(t, tx.AddMember(ctx, casus.TeamMember{TeamID: w.intern.ID, User: w.mentor, Kind: casus.MemberOnCall}))
			var n int
			if err := c.db.ReadSQL().QueryRowContext(ctx, `SELECT COUNT(*) FROM team_members WHERE team_id = $1 AND user_id = $2`,
				w.intern.ID, w.mentor.ID).Scan(&n); err != nil {
				t.Errorf("a read during an open write transaction: %v", err)
			} else if n != 0 {
				t.Error("ReadSQL saw an uncommitted write")
			}
			got, err := name(ctx)
			if err != nil || got != "om de week" {
				t.Errorf("read during a write transaction = %q, %v", got, err)
			}
			return nil
		})
		must(t, err)
		if n := countB(t, c, `SELECT COUNT(*) FROM team_members WHERE team_id = $1 AND user_id = $2`, w.intern.ID, w.mentor.ID); n != 1 {
			t.Errorf("ReadSQL after the commit sees %d rows, want 1", n)
		}
		if c.engine == storage.SQLite {
			if _, err := c.db.ReadSQL().ExecContext(t.Context(), `UPDATE care_teams SET rhythm = 'x' WHERE id = $1`, w.zat.ID); err == nil {
				t.Error("a write through ReadSQL succeeded on SQLite, want the read pool to be read-only")
			}
			if got, _ := name(t.Context()); got != "om de week" {
				t.Errorf("rhythm = %q after a refused write", got)
			}
		}
	})

	contracts.add("Ping", func(t *testing.T, c *contract) {
		if err := c.db.Ping(t.Context()); err != nil {
			t.Errorf("Ping = %v", err)
		}
		ctx, cancel := context.WithCancel(t.Context())
		cancel()
		if err := c.db.Ping(ctx); err == nil {
			t.Error("Ping with a cancelled context succeeded")
		}
	})

	contracts.add("Update", func(t *testing.T, c *contract) {
		t.Run("Commit", func(t *testing.T) {
			var team casus.CareTeam
			err := c.db.Update(t.Context(), func(tx *storage.Tx) (err error) { team, err = teamB(t.Context(), tx, c, "Committed"); return err })
			if err != nil || !teamExists(t, c, team.ID) {
				t.Errorf("Update = %v; team stored: %v", err, teamExists(t, c, team.ID))
			}
		})
		t.Run("RollbackOnError", func(t *testing.T) {
			boom := errors.New("boom")
			var team casus.CareTeam
			err := c.db.Update(t.Context(), func(tx *storage.Tx) error {
				var err error
				team, err = teamB(t.Context(), tx, c, "Rolled back")
				must(t, err)
				return boom
			})
			if !errors.Is(err, boom) {
				t.Errorf("Update = %v, want the error of fn", err)
			}
			if teamExists(t, c, team.ID) {
				t.Error("the write of a failed Update was committed")
			}
		})
		t.Run("RollbackOnPanic", func(t *testing.T) {
			var team casus.CareTeam
			func() {
				defer func() {
					if p := recover(); p != "boom" {
						t.Errorf("recovered %v, want the panic of fn to pass through", p)
					}
				}()
				c.db.Update(t.Context(), func(tx *storage.Tx) error {
					var err error
					team, err = teamB(t.Context(), tx, c, "Panicked")
					must(t, err)
					panic("boom")
				})
			}()
			if teamExists(t, c, team.ID) {
				t.Error("the write of a panicking Update was committed")
			}
			// The database is usable after the panic.
			update(t, c.db, func(ctx context.Context, tx *storage.Tx) error { _, err := teamB(ctx, tx, c, "After"); return err })
		})
		t.Run("Conflict/RolledBack", func(t *testing.T) {
			// A storage conflict returned by fn comes back as is, with nothing
			// of the transaction kept.
			err := c.db.Update(t.Context(), func(tx *storage.Tx) error {
				must(t, tx.AddMember(t.Context(), casus.TeamMember{TeamID: c.w.intern.ID, User: c.w.nurse, Kind: casus.MemberOnCall}))
				return tx.CloseCase(t.Context(), c.w.bramCase.ID, casus.CloseSolved, "", c.w.coordinator.ID)
			})
			wantCode(t, err, casus.ECONFLICT)
			if n := countB(t, c, `SELECT COUNT(*) FROM team_members WHERE team_id = $1 AND user_id = $2`, c.w.intern.ID, c.w.nurse.ID); n != 0 {
				t.Error("a member added before the conflict was kept")
			}
		})
	})

	contracts.add("View", func(t *testing.T, c *contract) {
		t.Run("ReadsCommitted", func(t *testing.T) {
			var got casus.CareTeam
			err := c.db.View(t.Context(), func(tx *storage.Tx) (err error) { got, _, err = tx.Team(t.Context(), c.w.zat.ID); return err })
			if err != nil || got.Name != "ZAT Testrijn" {
				t.Errorf("View read %+v, %v", got, err)
			}
		})
		t.Run("CannotWrite", func(t *testing.T) {
			var team casus.CareTeam
			err := c.db.View(t.Context(), func(tx *storage.Tx) (err error) { team, err = teamB(t.Context(), tx, c, "In a view"); return err })
			if err == nil {
				t.Error("a write inside View succeeded")
			}
			if team.ID != "" && teamExists(t, c, team.ID) {
				t.Error("a write inside View was stored")
			}
		})
		t.Run("ReturnsError", func(t *testing.T) {
			err := c.db.View(t.Context(), func(tx *storage.Tx) error { _, _, err := tx.Team(t.Context(), casus.NewID()); return err })
			wantCode(t, err, casus.ENOTFOUND)
		})
	})

	contracts.add("Step", func(t *testing.T, c *contract) {
		t.Run("UndoDropsTheStep", func(t *testing.T) {
			var before, in, after casus.CareTeam
			update(t, c.db, func(ctx context.Context, tx *storage.Tx) (err error) {
				if before, err = teamB(ctx, tx, c, "Before the step"); err != nil {
					return err
				}
				step, err := tx.Step(ctx)
				if err != nil {
					return err
				}
				if in, err = teamB(ctx, tx, c, "In the step"); err != nil {
					return err
				}
				if err := step.Undo(ctx); err != nil {
					return err
				}
				after, err = teamB(ctx, tx, c, "After the undo")
				return err
			})
			if !teamExists(t, c, before.ID) || teamExists(t, c, in.ID) || !teamExists(t, c, after.ID) {
				t.Errorf("stored: before %v, in the step %v, after the undo %v; want true, false, true",
					teamExists(t, c, before.ID), teamExists(t, c, in.ID), teamExists(t, c, after.ID))
			}
		})
		t.Run("KeptWithoutUndo", func(t *testing.T) {
			var in casus.CareTeam
			update(t, c.db, func(ctx context.Context, tx *storage.Tx) (err error) {
				if _, err := tx.Step(ctx); err != nil {
					return err
				}
				in, err = teamB(ctx, tx, c, "Kept")
				return err
			})
			if !teamExists(t, c, in.ID) {
				t.Error("a step committed without Undo was not stored")
			}
		})
		t.Run("UndoClearsAFailedStatement", func(t *testing.T) {
			// A refusal the database finds (here a foreign key) can still be
			// followed by writes once the step is undone, on PostgreSQL too.
			var after casus.CareTeam
			update(t, c.db, func(ctx context.Context, tx *storage.Tx) (err error) {
				step, err := tx.Step(ctx)
				if err != nil {
					return err
				}
				if err := tx.AddMember(ctx, casus.TeamMember{TeamID: casus.NewID(), User: c.w.mentor, Kind: casus.MemberFixed}); err == nil {
					t.Error("AddMember to an unknown team succeeded")
				}
				if err := step.Undo(ctx); err != nil {
					return err
				}
				after, err = teamB(ctx, tx, c, "After a failed statement")
				return err
			})
			if !teamExists(t, c, after.ID) {
				t.Error("the write after the undone failure was not stored")
			}
		})
	})

	contracts.add("Now", func(t *testing.T, c *contract) {
		at := time.Date(2026, 11, 2, 10, 0, 0, 123456789, casus.Amsterdam)
		c.clock.Set(at)
		var now time.Time
		var e casus.CaseEvent
		update(t, c.db, func(ctx context.Context, tx *storage.Tx) error {
			now = tx.Now()
			e = casus.CaseEvent{CaseID: c.w.sanneCase.ID, Kind: casus.CaseBridging, Note: "n", ActorID: c.w.coordinator.ID}
			return tx.AddCaseEvent(ctx, &e)
		})
		want := time.Date(2026, 11, 2, 9, 0, 0, 123456000, time.UTC)
		if !now.Equal(want) || now.Location() != time.UTC {
			t.Errorf("Now = %v, want the clock in UTC truncated to the microsecond, %v", now, want)
		}
		// What is stored at Now reads back as exactly Now on both engines.
		es := viewValue(t, c.db, func(ctx context.Context, tx *storage.Tx) ([]casus.CaseEvent, error) {
			return tx.CaseEvents(ctx, c.w.sanneCase.ID)
		})
		if len(es) != 1 || !es[0].At.Equal(now) || !e.At.Equal(now) {
			t.Errorf("stored event at %+v, want %v", es, now)
		}
		c.clock.Add(time.Hour)
		if got := viewValue(t, c.db, func(ctx context.Context, tx *storage.Tx) (time.Time, error) { return tx.Now(), nil }); !got.Equal(want.Add(time.Hour)) {
			t.Errorf("Now after the clock moved = %v, want %v", got, want.Add(time.Hour))
		}
	})
}
