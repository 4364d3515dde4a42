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
	withhold := func(c *contract, w *storage.Withholding) error {
		return c.db.Update(context.Background(), func(tx *storage.Tx) error { return tx.AddWithholding(context.Background(), w) })
	}
	section := func(x *storage.StudentExport, table string) []storage.ExportRecord {
		for _, s := range x.Sections {
			if s.Table == table {
				return s.Records
			}
		}
		return nil
	}

	contracts.add("ExportWithholdings", func(t *testing.T, c *contract) {
		w := c.w
		if ws := viewValue(t, c.db, func(ctx context.Context, tx *storage.Tx) ([]storage.Withholding, error) {
			return tx.ExportWithholdings(ctx, w.sanne.ID)
		}); len(ws) != 0 {
			t.Errorf("ExportWithholdings before any = %+v", ws)
		}
		dad := storage.Withholding{StudentID: w.sanne.ID, Table: "guardians", RecordKey: w.sanneDad.ID, Reason: "Geen gezag", ByID: w.coordinator.ID}
		must(t, withhold(c, &dad))
		c.clock.Add(time.Minute)
		theCase := storage.Withholding{StudentID: w.sanne.ID, Table: "cases", RecordKey: w.sanneInternCaseLater.ID, Reason: "Derde", ByID: w.specialist.ID}
		must(t, withhold(c, &theCase))
		ws := viewValue(t, c.db, func(ctx context.Context, tx *storage.Tx) ([]storage.Withholding, error) {
			return tx.ExportWithholdings(ctx, w.sanne.ID)
		})
		if len(ws) != 2 {
			t.Fatalf("ExportWithholdings = %+v, want 2", ws)
		}
		want := dad
		want.ByName = "Carla Coördinator"
		if ws[0] != want || ws[1].ID != theCase.ID || ws[1].ByName != "Olga Orthopedagoog" || !ws[1].CreatedAt.Equal(contractEpoch.Add(time.Minute)) {
			t.Errorf("ExportWithholdings = %+v, want oldest first: %+v, then the case", ws, want)
		}
		if other := viewValue(t, c.db, func(ctx context.Context, tx *storage.Tx) ([]storage.Withholding, error) {
			return tx.ExportWithholdings(ctx, w.bram.ID)
		}); len(other) != 0 {
			t.Errorf("ExportWithholdings of another student = %+v", other)
		}
	})

	contracts.add("AddWithholding", func(t *testing.T, c *contract) {
		w := c.w
		dad := storage.Withholding{StudentID: w.sanne.ID, Table: "guardians", RecordKey: w.sanneDad.ID, Reason: "Geen gezag", ByID: w.coordinator.ID}
		update(t, c.db, func(ctx context.Context, tx *storage.Tx) error { return tx.AddWithholding(ctx, &dad) })
		if dad.ID == "" || !dad.CreatedAt.Equal(contractEpoch) {
			t.Errorf("added withholding %+v, want an id and the clock's time", dad)
		}
		x := viewValue(t, c.db, func(ctx context.Context, tx *storage.Tx) (*storage.StudentExport, error) {
			return tx.StudentExport(ctx, w.sanne.ID, casus.FullScope, nil)
		})
		if gs := section(x, "guardians"); len(gs) != 1 || gs[0].Key != w.sanneMum.ID {
			t.Errorf("guardians exported after withholding the father = %+v, want the mother only", gs)
		}
		count := func() int {
			return countB(t, c, `SELECT COUNT(*) FROM export_withholdings WHERE student_id = $1`, w.sanne.ID)
		}
		t.Run("Again/Conflict", func(t *testing.T) {
			again := storage.Withholding{StudentID: w.sanne.ID, Table: "guardians", RecordKey: w.sanneDad.ID, Reason: "Nogmaals", ByID: w.coordinator.ID}
			wantCode(t, withhold(c, &again), casus.ECONFLICT)
			if n := count(); n != 1 {
				t.Errorf("%d withholdings after a second of the same record, want 1", n)
			}
		})
		t.Run("NotTheStudents/NotFound", func(t *testing.T) {
			for _, bad := range []storage.Withholding{
				{StudentID: w.bram.ID, Table: "guardians", RecordKey: w.sanneMum.ID},      // another student's guardian
				{StudentID: w.sanne.ID, Table: "guardians", RecordKey: casus.NewID()},     // no such record
				{StudentID: w.sanne.ID, Table: "students", RecordKey: w.sanne.ID},         // the student herself
				{StudentID: w.sanne.ID, Table: "access_log", RecordKey: "1"},              // the log is never withheld
				{StudentID: w.sanne.ID, Table: "no_such_table", RecordKey: w.sanneMum.ID}, // not an export table
			} {
				bad.Reason, bad.ByID = "x", w.coordinator.ID
				if err := withhold(c, &bad); casus.ErrorCode(err) != casus.ENOTFOUND {
					t.Errorf("AddWithholding(%s %s of %s) = %v, want ENOTFOUND", bad.Table, bad.RecordKey, bad.StudentID, err)
				}
			}
			if n := count(); n != 1 {
				t.Errorf("%d withholdings after refused ones, want 1", n)
			}
		})
	})

	contracts.add("StudentExport", func(t *testing.T, c *contract) {
		w := c.w
		update(t, c.db, func(ctx context.Context, tx *storage.Tx) error {
			if err := tx.RecordMeldcodeStep(ctx, w.sanne.ID, &casus.MeldcodeStep{Step: 1, DoneOn: date(2026, 11, 2), ByID: w.coordinator.ID,
				Notes: "Signalen in kaart"}); err != nil {
				return err
			}
			return tx.LogAccess(ctx, &casus.AccessEntry{UserID: w.nurse.ID, UserName: w.nurse.Name, Role: casus.RolePartner,
				OrgName: "GGD Testregio", Relation: casus.RelTeamMember, StudentID: w.sanne.ID, ObjectKind: "student",
				ObjectID: w.sanne.ID, Action: casus.ActRead, Purpose: "student page", Outcome: casus.OutcomeGranted})
		})
		export := func(scope casus.ExportScope, req *casus.AccessRequest) *storage.StudentExport {
			t.Helper()
			return viewValue(t, c.db, func(ctx context.Context, tx *storage.Tx) (*storage.StudentExport, error) {
				return tx.StudentExport(ctx, w.sanne.ID, scope, req)
			})
		}
		x := export(casus.FullScope, nil)
		if x.StudentID != w.sanne.ID || !x.GeneratedAt.Equal(contractEpoch) || x.Request != nil {
			t.Errorf("export = %s at %v, request %v", x.StudentID, x.GeneratedAt, x.Request)
		}
		var tables []string
		for _, s := range x.Sections {
			tables = append(tables, s.Table)
		}
		if want := names(storage.ExportTables, func(t storage.ExportTable) string { return t.Name }); !slices.Equal(tables, want) {
			t.Errorf("sections = %v, want the ExportTables in order %v", tables, want)
		}
		if s := section(x, "students"); len(s) != 1 || s[0].Key != w.sanne.ID || s[0].Field("first_name") != "Sanne" {
			t.Errorf("students section = %+v", s)
		}
		if s := section(x, "guardians"); len(s) != 2 {
			t.Errorf("guardians section = %+v, want both parents", s)
		}
		if s := section(x, "cases"); len(s) != 2 || s[0].Key != w.sanneCase.ID {
			t.Errorf("cases section = %+v, want Sanne's two cases, oldest first", s)
		}
		if s := section(x, "cases"); slices.ContainsFunc(s, func(r storage.ExportRecord) bool { return r.Key == w.bramCase.ID }) {
			t.Error("the export holds another student's case")
		}
		if s := section(x, "meldcodes"); len(s) != 1 || len(x.Kept) != 0 {
			t.Errorf("full scope: meldcodes %+v, kept %v; want the trajectory released", s, x.Kept)
		}
		if len(x.Recipients) != 1 || x.Recipients[0].UserName != w.nurse.Name || x.Recipients[0].OrgName != "GGD Testregio" ||
			x.Recipients[0].Accesses != 1 || !x.Recipients[0].First.Equal(contractEpoch) {
			t.Errorf("recipients = %+v, want the nurse once", x.Recipients)
		}
		if x.People[w.coordinator.ID] != "Carla Coördinator" || x.People[w.school.ID] != "ROC Testrijn" ||
			x.People[w.group.ID] != "Verzorgende IG 2A" || x.People[w.zat.ID] != "ZAT Testrijn" {
			t.Errorf("people: coordinator %q, school %q, group %q, team %q", x.People[w.coordinator.ID], x.People[w.school.ID],
				x.People[w.group.ID], x.People[w.zat.ID])
		}

		t.Run("MeldcodeKept", func(t *testing.T) {
			x := export(casus.ExportScope{Confidential: true}, nil)
			if s := section(x, "meldcodes"); len(s) != 0 || !x.Kept["meldcodes"] {
				t.Errorf("meldcode not released: section %+v, kept %v", s, x.Kept)
			}
			if s := section(x, "meldcode_steps"); len(s) != 0 {
				t.Errorf("meldcode not released but its steps are exported: %+v", s)
			}
		})
		t.Run("Withheld", func(t *testing.T) {
			dad := storage.Withholding{StudentID: w.sanne.ID, Table: "guardians", RecordKey: w.sanneDad.ID, Reason: "Geen gezag", ByID: w.coordinator.ID}
			update(t, c.db, func(ctx context.Context, tx *storage.Tx) error { return tx.AddWithholding(ctx, &dad) })
			x := export(casus.FullScope, nil)
			if s := section(x, "guardians"); len(s) != 1 || s[0].Key != w.sanneMum.ID {
				t.Errorf("guardians = %+v, want the mother only", s)
			}
			if len(x.Withheld) != 1 || x.Withheld[0].ID != dad.ID || x.Withheld[0].Review {
				t.Errorf("withheld = %+v, want the father's withholding", x.Withheld)
			}
		})
	})
}
