package storage_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"casus"
	"casus/storage"
	"casus/storage/storagetest"
)

// TestCareFile: an entry is stored as version 1; a correction adds version
// 2 and keeps version 1; a correction made on an old version conflicts and
// writes nothing; the list shows each entry once in its newest version,
// newest event first; rows cannot be changed or deleted in place.
func TestCareFile(t *testing.T) {
	storagetest.Run(t, conformance, func(t *testing.T, db *storage.DB) {
		w := seed(t, db)
		ctx := context.Background()
		first := casus.CareEntry{StudentID: w.sanne.ID, AuthorID: w.mentor.ID, Current: casus.EntryVersion{
			Kind: casus.EntrySignal, Visibility: casus.VisGuidance, OccurredOn: date(2025, 9, 8), Text: "Vaak te laat."}}
		second := casus.CareEntry{StudentID: w.sanne.ID, AuthorID: w.coordinator.ID, Current: casus.EntryVersion{
			Kind: casus.EntryTeamMeeting, Visibility: casus.VisCareTeam, OccurredOn: date(2025, 9, 15), Text: "Aanmelden."}}
		update(t, db, func(ctx context.Context, tx *storage.Tx) error {
			must(t, tx.AddCareEntry(ctx, &first))
			return tx.AddCareEntry(ctx, &second)
		})
		if first.ID == "" || first.Current.Version != 1 || first.Versions != 1 {
			t.Fatalf("new entry: %+v", first)
		}

		t.Run("OK correction keeps every version", func(t *testing.T) {
			v := first.Current
			v.Text, v.Reason, v.ByID = "Vaak te laat, vooral maandag.", "Dag aangevuld.", w.coordinator.ID
			update(t, db, func(ctx context.Context, tx *storage.Tx) error { return tx.CorrectCareEntry(ctx, &v) })
			if v.Version != 2 {
				t.Errorf("new version %d, want 2", v.Version)
			}
			vs := viewValue(t, db, func(ctx context.Context, tx *storage.Tx) ([]casus.EntryVersion, error) {
				return tx.CareEntryVersions(ctx, first.ID)
			})
			if len(vs) != 2 || vs[0].Text != "Vaak te laat." || vs[0].ByName != w.mentor.Name || vs[0].Reason != "" ||
				vs[1].Text != "Vaak te laat, vooral maandag." || vs[1].ByName != w.coordinator.Name || vs[1].Reason != "Dag aangevuld." ||
				!vs[0].OccurredOn.Equal(date(2025, 9, 8)) {
				t.Errorf("versions %+v", vs)
			}
			got := viewValue(t, db, func(ctx context.Context, tx *storage.Tx) (casus.CareEntry, error) {
				return tx.CareEntry(ctx, w.sanne.ID, first.ID)
			})
			if got.Current.Version != 2 || got.Versions != 2 || got.AuthorName != w.mentor.Name || got.Current.ByName != w.coordinator.Name {
				t.Errorf("entry %+v", got)
			}
		})

		t.Run("ErrConflict stale version writes nothing", func(t *testing.T) {
			v := first.Current
			v.Version, v.Text, v.Reason, v.ByID = 1, "Te laat gecorrigeerd.", "x", w.mentor.ID
			err := db.Update(ctx, func(tx *storage.Tx) error { return tx.CorrectCareEntry(ctx, &v) })
			wantCode(t, err, casus.ECONFLICT)
			vs := viewValue(t, db, func(ctx context.Context, tx *storage.Tx) ([]casus.EntryVersion, error) {
				return tx.CareEntryVersions(ctx, first.ID)
			})
			if len(vs) != 2 {
				t.Errorf("%d versions after a stale correction, want 2", len(vs))
			}
		})

		t.Run("OK list newest event first, once per entry", func(t *testing.T) {
			es := viewValue(t, db, func(ctx context.Context, tx *storage.Tx) ([]casus.CareEntry, error) {
				return tx.CareEntries(ctx, w.sanne.ID)
			})
			if len(es) != 2 || es[0].ID != second.ID || es[1].ID != first.ID || es[1].Current.Version != 2 {
				t.Errorf("entries %+v", es)
			}
		})

		t.Run("ErrNotFound entry of another student", func(t *testing.T) {
			err := db.View(ctx, func(tx *storage.Tx) error {
				_, err := tx.CareEntry(ctx, w.bram.ID, first.ID)
				return err
			})
			wantCode(t, err, casus.ENOTFOUND)
		})

		t.Run("ErrAppendOnly no update or delete in place", func(t *testing.T) {
			for _, q := range []string{
				`UPDATE care_entry_versions SET body = 'x' WHERE entry_id = $1`,
				`DELETE FROM care_entry_versions WHERE entry_id = $1`,
				`UPDATE care_entries SET author_id = author_id WHERE id = $1`,
				`DELETE FROM care_entries WHERE id = $1`,
			} {
				if _, err := db.SQL().ExecContext(ctx, q, first.ID); err == nil {
					t.Errorf("%s: allowed", q)
				}
			}
		})
	})
}

// TestCareRouteEvents: decisions are appended with who, when and why; a
// decision taken on an outdated state conflicts and writes nothing, also
// when two are made at the same moment.
func TestCareRouteEvents(t *testing.T) {
	storagetest.Run(t, conformance, func(t *testing.T, db *storage.DB) {
		w := seed(t, db)
		ctx := context.Background()
		step := func(seq int, from, to casus.RouteStep, by string) error {
			ev := casus.RouteEvent{StudentID: w.sanne.ID, Seq: seq, From: from, To: to, DecidedOn: date(2025, 10, 1),
				ByID: by, Reason: "reden " + string(to)}
			return db.Update(ctx, func(tx *storage.Tx) error { return tx.RecordRouteStep(ctx, &ev) })
		}
		must(t, step(0, casus.StepBasic, casus.StepCareContact, w.mentor.ID))
		must(t, step(1, casus.StepCareContact, casus.StepIntern, w.careContact.ID))
		wantCode(t, step(1, casus.StepCareContact, casus.StepTeamMeeting, w.mentor.ID), casus.ECONFLICT)

		// Two decisions on the same state at once: one wins.
		var wg sync.WaitGroup
		errs := make([]error, 2)
		for i := range errs {
			wg.Add(1)
			go func() {
				defer wg.Done()
				errs[i] = step(2, casus.StepIntern, casus.StepZAT, w.coordinator.ID)
			}()
		}
		wg.Wait()
		if (errs[0] == nil) == (errs[1] == nil) {
			t.Errorf("concurrent decisions: %v and %v, want exactly one conflict", errs[0], errs[1])
		}
		for _, err := range errs {
			if err != nil {
				wantCode(t, err, casus.ECONFLICT)
			}
		}

		evs := viewValue(t, db, func(ctx context.Context, tx *storage.Tx) ([]casus.RouteEvent, error) {
			return tx.RouteEvents(ctx, w.sanne.ID)
		})
		if len(evs) != 3 || evs[0].ByName != w.mentor.Name || evs[1].From != casus.StepCareContact || evs[1].To != casus.StepIntern ||
			evs[2].To != casus.StepZAT || evs[2].Reason != "reden zat" || !evs[2].DecidedOn.Equal(date(2025, 10, 1)) ||
			evs[2].RecordedAt.IsZero() || evs[2].RecordedAt.Location() != time.UTC {
			t.Errorf("events %+v", evs)
		}
		if casus.RouteFor(casus.SectorMBO).CurrentStep(evs) != casus.StepZAT {
			t.Errorf("current step is not the ZAT")
		}
		if _, err := db.SQL().ExecContext(ctx, `UPDATE route_events SET reason = 'x' WHERE student_id = $1`, w.sanne.ID); err == nil {
			t.Errorf("a route event could be changed in place")
		}
	})
}
