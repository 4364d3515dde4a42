package storage_test

import (
	"context"
	"testing"

	"casus"
	"casus/storage"
)

func init() {
	contracts.add("StudentPage", func(t *testing.T, c *contract) {
		w := c.w
		page := func(u casus.User, f storage.StudentFilter) storage.StudentPage {
			f.UserID, f.Grant, f.Today = u.ID, casus.ViewingRelations(u), c.clock.Now()
			if f.Limit == 0 {
				f.Limit = 10
			}
			return viewValue(t, c.db, func(ctx context.Context, tx *storage.Tx) (storage.StudentPage, error) {
				return tx.StudentPage(ctx, f)
			})
		}
		names := func(p storage.StudentPage) []string {
			return idsA(p.Rows, func(r storage.ListedStudent) string { return r.Student.FirstName })
		}
		// The coordinator chairs the school's intern team: both its students,
		// Bram (J) before Sanne (V); never Ayla of the other school.
		first := page(w.coordinator, storage.StudentFilter{Limit: 1})
		if got := names(first); first.Total != 2 || !first.More || len(got) != 1 || got[0] != "Bram" {
			t.Fatalf("the coordinator's first page of one = %v, total %d, more %v; want Bram, 2, more", got, first.Total, first.More)
		}
		second := page(w.coordinator, storage.StudentFilter{Limit: 1, After: w.bram.ID})
		if got := names(second); second.Total != 2 || second.More || len(got) != 1 || got[0] != "Sanne" {
			t.Errorf("the page after Bram = %v, more %v; want Sanne and no more", got, second.More)
		}
		back := page(w.coordinator, storage.StudentFilter{Limit: 1, Before: w.sanne.ID})
		if got := names(back); len(got) != 1 || got[0] != "Bram" || back.More {
			t.Errorf("the page before Sanne = %v, more %v; want Bram and nothing before", got, back.More)
		}
		if got := names(page(w.coordinator, storage.StudentFilter{Desc: true})); len(got) != 2 || got[0] != "Sanne" {
			t.Errorf("Z–A = %v, want Sanne first", got)
		}
		// Sanne's ZAT case is open, Bram's closed.
		open := page(w.coordinator, storage.StudentFilter{CaseState: "open"})
		if got := names(open); open.Total != 1 || len(got) != 1 || got[0] != "Sanne" || open.Rows[0].OpenCases != 1 ||
			open.Rows[0].TeamName != w.zat.Name || open.Rows[0].Step != casus.StepBasic {
			t.Errorf("with an open case = %+v, want Sanne at the ZAT on the first step", open)
		}
		if got := names(page(w.coordinator, storage.StudentFilter{CaseState: "none"})); len(got) != 1 || got[0] != "Bram" {
			t.Errorf("without an open case = %v, want Bram", got)
		}
		if p := page(w.coordinator, storage.StudentFilter{TeamID: w.intern.ID}); p.Total != 0 {
			t.Errorf("open at the intern team: %d, want none (Sanne's intern case is closed)", p.Total)
		}
		if p := page(w.coordinator, storage.StudentFilter{Step: casus.StepZAT}); p.Total != 0 {
			t.Errorf("at the ZAT step: %d, want none", p.Total)
		}
		actionA(t, c, w.sanneCase, w.nurse.ID, "Te laat", c.clock.Now().AddDate(0, 0, -1))
		if p := page(w.coordinator, storage.StudentFilter{Overdue: true}); p.Total != 1 || !p.Rows[0].Overdue {
			t.Errorf("with an overdue action = %+v, want Sanne", p)
		}
		if p := page(w.coordinator, storage.StudentFilter{Query: "visS"}); p.Total != 1 || p.Rows[0].Student.ID != w.sanne.ID {
			t.Errorf("a search for visS = %+v, want Sanne", p)
		}
		// The mentor sees only Sanne; the outsider no one of this school.
		if got := names(page(w.mentor, storage.StudentFilter{})); len(got) != 1 || got[0] != "Sanne" {
			t.Errorf("the mentor's students = %v, want Sanne", got)
		}
		if got := names(page(w.outsider, storage.StudentFilter{})); len(got) != 1 || got[0] != "Ayla" {
			t.Errorf("the other school's mentor sees %v, want only Ayla", got)
		}
		if p := page(w.admin, storage.StudentFilter{}); p.Total != 0 || len(p.Rows) != 0 {
			t.Errorf("the beheerder, whom no relation grants a student, has %d", p.Total)
		}
	})
}
