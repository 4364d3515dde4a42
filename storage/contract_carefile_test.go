package storage_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"casus"
	"casus/storage"
)

// careEntryA writes an entry in the student's care file about the day.
func careEntryA(t *testing.T, c *contract, studentID string, on time.Time, text string) casus.CareEntry {
	t.Helper()
	e := casus.CareEntry{StudentID: studentID, AuthorID: c.w.mentor.ID, Current: casus.EntryVersion{Kind: casus.EntrySignal,
		Visibility: casus.VisGuidance, OccurredOn: on, Text: text}}
	update(t, c.db, func(ctx context.Context, tx *storage.Tx) error { return tx.AddCareEntry(ctx, &e) })
	return e
}

func correctA(t *testing.T, c *contract, e casus.CareEntry, base int, text string) casus.EntryVersion {
	t.Helper()
	v := e.Current
	v.Version, v.Text, v.ByID, v.Reason = base, text, c.w.careContact.ID, "aangevuld"
	update(t, c.db, func(ctx context.Context, tx *storage.Tx) error { return tx.CorrectCareEntry(ctx, &v) })
	return v
}

func init() {
	contracts.add("AddCareEntry", func(t *testing.T, c *contract) {
		w := c.w
		e := casus.CareEntry{StudentID: w.sanne.ID, AuthorID: w.mentor.ID, Current: casus.EntryVersion{Kind: casus.EntryContact,
			Visibility: casus.VisCareTeam, OccurredOn: time.Date(2026, 10, 30, 23, 30, 0, 0, time.UTC), Text: "Gesprek met moeder"}}
		update(t, c.db, func(ctx context.Context, tx *storage.Tx) error { return tx.AddCareEntry(ctx, &e) })
		v := e.Current
		if e.ID == "" || !e.CreatedAt.Equal(contractEpoch) || e.Versions != 1 || v.EntryID != e.ID || v.Version != 1 ||
			v.ByID != w.mentor.ID || !v.RecordedAt.Equal(contractEpoch) || v.Reason != "" {
			t.Errorf("added entry = %+v", e)
		}
		got := viewValue(t, c.db, func(ctx context.Context, tx *storage.Tx) (casus.CareEntry, error) {
			return tx.CareEntry(ctx, w.sanne.ID, e.ID)
		})
		g := got.Current
		if got.ID != e.ID || got.StudentID != w.sanne.ID || got.AuthorID != w.mentor.ID || got.AuthorName != w.mentor.Name ||
			!got.CreatedAt.Equal(contractEpoch) || got.Versions != 1 || g.Version != 1 || g.Kind != casus.EntryContact ||
			g.Visibility != casus.VisCareTeam || !g.OccurredOn.Equal(date(2026, 10, 30)) || g.Text != "Gesprek met moeder" ||
			g.ByID != w.mentor.ID || g.ByName != w.mentor.Name || g.EntryID != e.ID {
			t.Errorf("stored entry = %+v, want the day of the event as a date", got)
		}
	})

	contracts.add("CorrectCareEntry", func(t *testing.T, c *contract) {
		w := c.w
		e := careEntryA(t, c, w.sanne.ID, date(2026, 10, 1), "eerste")
		c.clock.Add(time.Hour)
		v := e.Current
		v.Version, v.Text, v.Visibility, v.ByID, v.Reason = 1, "verbeterd", casus.VisConfidential, w.careContact.ID, "typfout"
		update(t, c.db, func(ctx context.Context, tx *storage.Tx) error { return tx.CorrectCareEntry(ctx, &v) })
		if v.Version != 2 || !v.RecordedAt.Equal(contractEpoch.Add(time.Hour)) {
			t.Errorf("correction: version %d at %v, want 2 at the clock", v.Version, v.RecordedAt)
		}
		got := viewValue(t, c.db, func(ctx context.Context, tx *storage.Tx) (casus.CareEntry, error) {
			return tx.CareEntry(ctx, w.sanne.ID, e.ID)
		})
		if got.Versions != 2 || got.Current.Version != 2 || got.Current.Text != "verbeterd" || got.Current.Reason != "typfout" ||
			got.Current.Visibility != casus.VisConfidential || got.Current.ByName != w.careContact.Name || got.AuthorID != w.mentor.ID {
			t.Errorf("corrected entry = %+v", got)
		}
		t.Run("StaleVersion/Conflict", func(t *testing.T) {
			stale := e.Current
			stale.Version, stale.Text, stale.ByID, stale.Reason = 1, "ook verbeterd", w.mentor.ID, "tegelijk"
			err := tryA(c, func(ctx context.Context, tx *storage.Tx) error { return tx.CorrectCareEntry(ctx, &stale) })
			wantCode(t, err, casus.ECONFLICT)
			if !errors.Is(err, storage.ErrEntryConflict) {
				t.Errorf("error %v, want ErrEntryConflict", err)
			}
			ahead := stale
			ahead.Version = 5
			err = tryA(c, func(ctx context.Context, tx *storage.Tx) error { return tx.CorrectCareEntry(ctx, &ahead) })
			wantCode(t, err, casus.ECONFLICT)
			if n := len(viewValue(t, c.db, func(ctx context.Context, tx *storage.Tx) ([]casus.EntryVersion, error) {
				return tx.CareEntryVersions(ctx, e.ID)
			})); n != 2 {
				t.Errorf("%d versions after refused corrections, want 2", n)
			}
		})
		t.Run("Unknown/NotFound", func(t *testing.T) {
			v := e.Current
			v.EntryID, v.Version, v.Reason = casus.NewID(), 1, "x"
			err := tryA(c, func(ctx context.Context, tx *storage.Tx) error { return tx.CorrectCareEntry(ctx, &v) })
			wantCode(t, err, casus.ENOTFOUND)
		})
	})

	contracts.add("CareEntries", func(t *testing.T, c *contract) {
		w := c.w
		oldest := careEntryA(t, c, w.sanne.ID, date(2026, 9, 1), "september")
		newest := careEntryA(t, c, w.sanne.ID, date(2026, 10, 15), "oktober")
		c.clock.Add(time.Minute)
		sameDay := careEntryA(t, c, w.sanne.ID, date(2026, 10, 15), "oktober, later geschreven")
		// Moved to an earlier day by a correction: it sorts by its new day.
		moved := careEntryA(t, c, w.sanne.ID, date(2026, 10, 20), "verkeerde dag")
		v := moved.Current
		v.Version, v.OccurredOn, v.ByID, v.Reason = 1, date(2026, 8, 1), w.mentor.ID, "datum"
		update(t, c.db, func(ctx context.Context, tx *storage.Tx) error { return tx.CorrectCareEntry(ctx, &v) })
		careEntryA(t, c, w.bram.ID, date(2026, 10, 1), "Bram")
		got := viewValue(t, c.db, func(ctx context.Context, tx *storage.Tx) ([]casus.CareEntry, error) {
			return tx.CareEntries(ctx, w.sanne.ID)
		})
		ids := idsA(got, func(e casus.CareEntry) string { return e.ID })
		want := []string{sameDay.ID, newest.ID, oldest.ID, moved.ID}
		if len(ids) != len(want) {
			t.Fatalf("Sanne's entries = %v, want %v", ids, want)
		}
		for i := range want {
			if ids[i] != want[i] {
				t.Fatalf("Sanne's entries = %v, want newest event first, then newest written: %v", ids, want)
			}
		}
		if m := got[3]; m.Versions != 2 || m.Current.Version != 2 || !m.Current.OccurredOn.Equal(date(2026, 8, 1)) {
			t.Errorf("corrected entry listed as %+v, want its newest version", m)
		}
		if none := viewValue(t, c.db, func(ctx context.Context, tx *storage.Tx) ([]casus.CareEntry, error) {
			return tx.CareEntries(ctx, w.ayla.ID)
		}); len(none) != 0 {
			t.Errorf("Ayla's entries = %+v", none)
		}
	})

	contracts.add("CareEntry", func(t *testing.T, c *contract) {
		w := c.w
		e := careEntryA(t, c, w.sanne.ID, date(2026, 10, 1), "eerste")
		correctA(t, c, e, 1, "tweede")
		correctA(t, c, e, 2, "derde")
		got := viewValue(t, c.db, func(ctx context.Context, tx *storage.Tx) (casus.CareEntry, error) {
			return tx.CareEntry(ctx, w.sanne.ID, e.ID)
		})
		if got.ID != e.ID || got.Versions != 3 || got.Current.Version != 3 || got.Current.Text != "derde" ||
			got.AuthorName != w.mentor.Name || got.Current.ByName != w.careContact.Name {
			t.Errorf("CareEntry = %+v, want the newest of 3 versions", got)
		}
		t.Run("OtherStudentOrUnknown/NotFound", func(t *testing.T) {
			for _, q := range [][2]string{{w.bram.ID, e.ID}, {w.sanne.ID, casus.NewID()}, {w.sanne.ID, "not-an-id"}} {
				err := viewErrA(c, func(ctx context.Context, tx *storage.Tx) error {
					_, err := tx.CareEntry(ctx, q[0], q[1])
					return err
				})
				wantCode(t, err, casus.ENOTFOUND)
			}
		})
	})

	contracts.add("CareEntryVersions", func(t *testing.T, c *contract) {
		w := c.w
		e := careEntryA(t, c, w.sanne.ID, date(2026, 10, 1), "eerste")
		c.clock.Add(time.Hour)
		correctA(t, c, e, 1, "tweede")
		vs := viewValue(t, c.db, func(ctx context.Context, tx *storage.Tx) ([]casus.EntryVersion, error) {
			return tx.CareEntryVersions(ctx, e.ID)
		})
		if len(vs) != 2 {
			t.Fatalf("versions = %+v, want 2", vs)
		}
		first, second := vs[0], vs[1]
		if first.Version != 1 || first.Text != "eerste" || first.Reason != "" || first.ByID != w.mentor.ID || first.ByName != w.mentor.Name ||
			!first.RecordedAt.Equal(contractEpoch) || !first.OccurredOn.Equal(date(2026, 10, 1)) || first.EntryID != e.ID {
			t.Errorf("version 1 = %+v", first)
		}
		if second.Version != 2 || second.Text != "tweede" || second.Reason != "aangevuld" || second.ByName != w.careContact.Name ||
			!second.RecordedAt.Equal(contractEpoch.Add(time.Hour)) || second.Kind != casus.EntrySignal {
			t.Errorf("version 2 = %+v", second)
		}
		if none := viewValue(t, c.db, func(ctx context.Context, tx *storage.Tx) ([]casus.EntryVersion, error) {
			return tx.CareEntryVersions(ctx, casus.NewID())
		}); len(none) != 0 {
			t.Errorf("versions of an unknown entry = %+v", none)
		}
	})

	contracts.add("StudentIDByNumber", func(t *testing.T, c *contract) {
		w := c.w
		find := func(schoolID, number string) (string, error) {
			var id string
			err := viewErrA(c, func(ctx context.Context, tx *storage.Tx) (err error) {
				id, err = tx.StudentIDByNumber(ctx, schoolID, number)
				return err
			})
			return id, err
		}
		if id, err := find(w.school.ID, "100456"); err != nil || id != w.bram.ID {
			t.Errorf("StudentIDByNumber(100456) = %q, %v; want Bram %s", id, err, w.bram.ID)
		}
		if id, err := find(w.otherSchool.ID, "100999"); err != nil || id != w.ayla.ID {
			t.Errorf("StudentIDByNumber(other school, 100999) = %q, %v; want Ayla", id, err)
		}
		t.Run("OtherSchoolOrUnknown/NotFound", func(t *testing.T) {
			_, err := find(w.otherSchool.ID, "100456")
			wantCode(t, err, casus.ENOTFOUND)
			_, err = find(w.school.ID, "424242")
			wantCode(t, err, casus.ENOTFOUND)
		})
	})
}
