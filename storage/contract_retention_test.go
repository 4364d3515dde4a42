package storage_test

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"casus"
	"casus/storage"
	"casus/storage/storagetest"
)

// retentionStatusC returns the student's retention status.
func retentionStatusC(t *testing.T, c *contract, studentID string) casus.RetentionStatus {
	t.Helper()
	return viewValue(t, c.db, func(ctx context.Context, tx *storage.Tx) (casus.RetentionStatus, error) {
		return tx.RetentionStatus(ctx, studentID)
	})
}

// holdC puts a legal hold on the student's file.
func holdC(t *testing.T, c *contract, studentID, reason string) casus.LegalHold {
	t.Helper()
	h := casus.LegalHold{StudentID: studentID, Reason: reason, SetBy: c.w.coordinator.ID}
	update(t, c.db, func(ctx context.Context, tx *storage.Tx) error { return tx.AddLegalHold(ctx, &h) })
	return h
}

// monthC is the first of the month, as destruction records keep periods.
func monthC(y int, m time.Month) time.Time { return time.Date(y, m, 1, 0, 0, 0, 0, time.UTC) }

func init() {
	contracts.add("RetentionRules", func(t *testing.T, c *contract) {
		w := c.w
		rules := func() map[string]casus.RetentionRule {
			rs := viewValue(t, c.db, func(ctx context.Context, tx *storage.Tx) ([]casus.RetentionRule, error) {
				return tx.RetentionRules(ctx)
			})
			if !slices.IsSortedFunc(rs, func(a, b casus.RetentionRule) int {
				if a.SchoolName < b.SchoolName {
					return -1
				}
				if a.SchoolName > b.SchoolName {
					return 1
				}
				return 0
			}) {
				t.Errorf("RetentionRules not ordered by school name")
			}
			out := map[string]casus.RetentionRule{}
			for _, r := range rs {
				if r.SchoolID == w.school.ID || r.SchoolID == w.otherSchool.ID {
					if _, dup := out[r.SchoolID+string(r.Kind)]; dup {
						t.Errorf("two rules for %s %s", r.SchoolName, r.Kind)
					}
					out[r.SchoolID+string(r.Kind)] = r
				}
			}
			return out
		}
		got := rules()
		if len(got) != 2*len(casus.RetentionKinds) {
			t.Fatalf("rules of this world = %+v, want one per school and kind", got)
		}
		k := string(casus.RetentionStudentFile)
		if r := got[w.school.ID+k]; r.SchoolName != "ROC Testrijn" || r.Months != casus.DefaultRetentionMonths || !r.Default ||
			r.Kind != casus.RetentionStudentFile {
			t.Errorf("default rule = %+v", r)
		}
		update(t, c.db, func(ctx context.Context, tx *storage.Tx) error {
			return tx.SetRetentionRule(ctx, w.school.ID, casus.RetentionStudentFile, 36, w.admin.ID)
		})
		got = rules()
		if r := got[w.school.ID+k]; r.Months != 36 || r.Default {
			t.Errorf("stored rule = %+v, want 36 months, not the default", r)
		}
		if r := got[w.otherSchool.ID+k]; r.Months != casus.DefaultRetentionMonths || !r.Default || r.SchoolName != "Lyceum Elders" {
			t.Errorf("the other school's rule = %+v, want the default", r)
		}
	})

	contracts.add("SetRetentionRule", func(t *testing.T, c *contract) {
		w := c.w
		set := func(months int) {
			update(t, c.db, func(ctx context.Context, tx *storage.Tx) error {
				return tx.SetRetentionRule(ctx, w.school.ID, casus.RetentionStudentFile, months, w.admin.ID)
			})
		}
		set(36)
		if s := retentionStatusC(t, c, w.sanne.ID); s.Months != 36 {
			t.Errorf("Months after SetRetentionRule = %d, want 36", s.Months)
		}
		set(48) // again: replaces
		if s := retentionStatusC(t, c, w.bram.ID); s.Months != 48 {
			t.Errorf("Months after a second SetRetentionRule = %d, want 48", s.Months)
		}
		if s := retentionStatusC(t, c, w.ayla.ID); s.Months != casus.DefaultRetentionMonths {
			t.Errorf("Months at the other school = %d, want the default", s.Months)
		}
	})

	contracts.add("AccessLogMonths", func(t *testing.T, c *contract) {
		const key = "retention.access_log_months"
		keepSettingC(t, c, key)
		months := func() int {
			return viewValue(t, c.db, func(ctx context.Context, tx *storage.Tx) (int, error) { return tx.AccessLogMonths(ctx) })
		}
		for _, v := range []string{"", "0", "-3", "veel"} {
			update(t, c.db, func(ctx context.Context, tx *storage.Tx) error { return tx.SetSetting(ctx, key, v) })
			if m := months(); m != casus.DefaultAccessLogMonths {
				t.Errorf("AccessLogMonths with setting %q = %d, want the default %d", v, m, casus.DefaultAccessLogMonths)
			}
		}
		update(t, c.db, func(ctx context.Context, tx *storage.Tx) error { return tx.SetSetting(ctx, key, "84") })
		if m := months(); m != 84 {
			t.Errorf("AccessLogMonths = %d, want 84", m)
		}
	})

	contracts.add("SetAccessLogMonths", func(t *testing.T, c *contract) {
		keepSettingC(t, c, "retention.access_log_months")
		for _, m := range []int{18, 72} {
			update(t, c.db, func(ctx context.Context, tx *storage.Tx) error { return tx.SetAccessLogMonths(ctx, m) })
			if got := viewValue(t, c.db, func(ctx context.Context, tx *storage.Tx) (int, error) { return tx.AccessLogMonths(ctx) }); got != m {
				t.Errorf("AccessLogMonths after SetAccessLogMonths(%d) = %d", m, got)
			}
		}
	})

	contracts.add("SetStudentLeft", func(t *testing.T, c *contract) {
		w := c.w
		left := date(2026, 7, 1)
		update(t, c.db, func(ctx context.Context, tx *storage.Tx) error { return tx.SetStudentLeft(ctx, w.bram.ID, &left) })
		if s := retentionStatusC(t, c, w.bram.ID); s.LeftAt == nil || !s.LeftAt.Equal(left) {
			t.Errorf("LeftAt after SetStudentLeft = %v, want %v", s.LeftAt, left)
		}
		s, _ := viewValue2(t, c.db, func(ctx context.Context, tx *storage.Tx) (casus.Student, casus.StudentRelations, error) {
			return tx.StudentFor(ctx, w.coordinator.ID, w.bram.ID)
		})
		if s.LeftAt == nil || !s.LeftAt.Equal(left) {
			t.Errorf("student's LeftAt = %v, want %v", s.LeftAt, left)
		}
		update(t, c.db, func(ctx context.Context, tx *storage.Tx) error { return tx.SetStudentLeft(ctx, w.bram.ID, nil) })
		if s := retentionStatusC(t, c, w.bram.ID); s.LeftAt != nil {
			t.Errorf("LeftAt after enrolling again = %v, want nil", s.LeftAt)
		}
		t.Run("Unknown/ErrNotFound", func(t *testing.T) {
			err := updateErrC(t, c, func(ctx context.Context, tx *storage.Tx) error { return tx.SetStudentLeft(ctx, casus.NewID(), &left) })
			wantCode(t, err, casus.ENOTFOUND)
		})
	})

	contracts.add("AddLegalHold", func(t *testing.T, c *contract) {
		w := c.w
		h := casus.LegalHold{StudentID: w.ayla.ID, Reason: "Klacht loopt.", SetBy: w.coordinator.ID}
		update(t, c.db, func(ctx context.Context, tx *storage.Tx) error { return tx.AddLegalHold(ctx, &h) })
		if h.ID == "" || !h.SetAt.Equal(contractEpoch) {
			t.Errorf("added hold = %+v, want an id and the clock's time", h)
		}
		hs := viewValue(t, c.db, func(ctx context.Context, tx *storage.Tx) ([]casus.LegalHold, error) {
			return tx.LegalHolds(ctx, w.ayla.ID)
		})
		if len(hs) != 1 || hs[0].ID != h.ID || hs[0].Reason != "Klacht loopt." || hs[0].SetBy != w.coordinator.ID ||
			hs[0].SetByName != w.coordinator.Name || !hs[0].SetAt.Equal(contractEpoch) || !hs[0].Active() {
			t.Errorf("LegalHolds = %+v", hs)
		}
		if s := retentionStatusC(t, c, w.ayla.ID); !s.Held() || s.Expired(date(2030, 1, 1)) {
			t.Errorf("status under a hold = %+v, want held and never expired", s)
		}
	})

	contracts.add("LiftLegalHold", func(t *testing.T, c *contract) {
		w := c.w
		h := holdC(t, c, w.ayla.ID, "Inspectie.")
		c.clock.Add(time.Hour)
		lift := func(studentID, holdID string) error {
			return updateErrC(t, c, func(ctx context.Context, tx *storage.Tx) error {
				return tx.LiftLegalHold(ctx, studentID, holdID, w.admin.ID, "Afgerond.")
			})
		}
		if err := lift(w.ayla.ID, h.ID); err != nil {
			t.Fatal(err)
		}
		hs := viewValue(t, c.db, func(ctx context.Context, tx *storage.Tx) ([]casus.LegalHold, error) {
			return tx.LegalHolds(ctx, w.ayla.ID)
		})
		if len(hs) != 1 || hs[0].Active() || hs[0].LiftedAt == nil || !hs[0].LiftedAt.Equal(contractEpoch.Add(time.Hour)) ||
			hs[0].LiftedBy != w.admin.ID || hs[0].LiftedByName != w.admin.Name || hs[0].LiftedReason != "Afgerond." {
			t.Errorf("lifted hold = %+v", hs)
		}
		if s := retentionStatusC(t, c, w.ayla.ID); s.Held() {
			t.Errorf("status after lifting = %+v, want not held", s)
		}
		t.Run("Again/ErrConflict", func(t *testing.T) {
			wantCode(t, lift(w.ayla.ID, h.ID), casus.ECONFLICT)
		})
		t.Run("OtherStudent/ErrNotFound", func(t *testing.T) {
			other := holdC(t, c, w.bram.ID, "Klacht.")
			wantCode(t, lift(w.ayla.ID, other.ID), casus.ENOTFOUND)
			if s := retentionStatusC(t, c, w.bram.ID); !s.Held() {
				t.Error("lifting through another student lifted Bram's hold")
			}
		})
		t.Run("Unknown/ErrNotFound", func(t *testing.T) {
			wantCode(t, lift(w.ayla.ID, casus.NewID()), casus.ENOTFOUND)
		})
	})

	contracts.add("LegalHolds", func(t *testing.T, c *contract) {
		w := c.w
		if hs := viewValue(t, c.db, func(ctx context.Context, tx *storage.Tx) ([]casus.LegalHold, error) {
			return tx.LegalHolds(ctx, w.sanne.ID)
		}); len(hs) != 0 {
			t.Errorf("holds of a student without = %+v", hs)
		}
		first := holdC(t, c, w.sanne.ID, "Eerste.")
		c.clock.Add(time.Hour)
		second := holdC(t, c, w.sanne.ID, "Tweede.")
		update(t, c.db, func(ctx context.Context, tx *storage.Tx) error {
			return tx.LiftLegalHold(ctx, w.sanne.ID, first.ID, w.coordinator.ID, "Klaar.")
		})
		holdC(t, c, w.bram.ID, "Van Bram.")
		hs := viewValue(t, c.db, func(ctx context.Context, tx *storage.Tx) ([]casus.LegalHold, error) {
			return tx.LegalHolds(ctx, w.sanne.ID)
		})
		if got := names(hs, func(h casus.LegalHold) string { return h.ID }); !slices.Equal(got, []string{second.ID, first.ID}) {
			t.Fatalf("LegalHolds = %v, want Sanne's two, newest first", got)
		}
		if !hs[0].Active() || hs[1].Active() || hs[1].LiftedReason != "Klaar." || hs[0].StudentID != w.sanne.ID || hs[0].LiftedBy != "" {
			t.Errorf("holds = %+v", hs)
		}
	})

	contracts.add("RetentionStatus", func(t *testing.T, c *contract) {
		w := c.w
		s := retentionStatusC(t, c, w.sanne.ID)
		later := w.sanneInternCaseLater.OpenedAt
		if s.SchoolID != w.school.ID || s.LeftAt != nil || s.OpenCases != 1 || s.Months != casus.DefaultRetentionMonths ||
			s.ClosedAt == nil || !s.ClosedAt.Equal(later) || len(s.Holds) != 0 || s.Basis() != nil {
			t.Errorf("Sanne's status = %+v, want at school, one open case, the closed one counted", s)
		}
		a := retentionStatusC(t, c, w.ayla.ID)
		if a.LeftAt == nil || !a.LeftAt.Equal(*w.ayla.LeftAt) || a.OpenCases != 0 || a.ClosedAt != nil || a.Due() == nil ||
			!a.Due().Equal(w.ayla.LeftAt.AddDate(0, casus.DefaultRetentionMonths, 0)) {
			t.Errorf("Ayla's status = %+v, want due two years after she left", a)
		}
		t.Run("ClosureCounts", func(t *testing.T) {
			c.clock.Set(time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC))
			update(t, c.db, func(ctx context.Context, tx *storage.Tx) error {
				return tx.CloseCase(ctx, w.sanneCase.ID, casus.CloseSolved, "", w.coordinator.ID)
			})
			holdC(t, c, w.sanne.ID, "Klacht.")
			s := retentionStatusC(t, c, w.sanne.ID)
			if s.OpenCases != 0 || s.ClosedAt == nil || !s.ClosedAt.Equal(c.clock.Now()) || len(s.Holds) != 1 || !s.Held() {
				t.Errorf("after closing and a hold = %+v, want closed at the closure, held", s)
			}
		})
		t.Run("Unknown/ErrNotFound", func(t *testing.T) {
			for _, id := range []string{casus.NewID(), "not-an-id"} {
				err := viewErrC(t, c, func(ctx context.Context, tx *storage.Tx) error { _, err := tx.RetentionStatus(ctx, id); return err })
				wantCode(t, err, casus.ENOTFOUND)
			}
		})
	})

	contracts.add("ExpiredStudents", func(t *testing.T, c *contract) {
		w := c.w
		// Bram left in January 2025, his case was opened (and closed) on 15
		// September 2025 at 10:00: his file is due two years after that. Ayla's is due on
		// 1 July 2027 (she left on 1 July 2025). Sanne's case is open.
		left := date(2025, 1, 1)
		update(t, c.db, func(ctx context.Context, tx *storage.Tx) error {
			must(t, tx.SetStudentLeft(ctx, w.bram.ID, &left))
			return tx.SetStudentLeft(ctx, w.sanne.ID, &left)
		})
		mine := func(now time.Time) []string {
			ids := viewValue(t, c.db, func(ctx context.Context, tx *storage.Tx) ([]string, error) { return tx.ExpiredStudents(ctx, now) })
			var out []string
			for _, id := range ids {
				if id == w.sanne.ID || id == w.bram.ID || id == w.ayla.ID {
					out = append(out, id)
				}
			}
			slices.Sort(out)
			return out
		}
		sorted := func(s ...string) []string { slices.Sort(s); return s }
		if got := mine(date(2027, 6, 30)); len(got) != 0 {
			t.Errorf("expired on 30 June 2027 = %v, want none", got)
		}
		if got := mine(date(2027, 9, 15)); !slices.Equal(got, []string{w.ayla.ID}) {
			t.Errorf("expired on 15 September 2027 = %v, want Ayla (Bram's is due at 10:00)", got)
		}
		if got := mine(date(2027, 9, 16)); !slices.Equal(got, sorted(w.ayla.ID, w.bram.ID)) {
			t.Errorf("expired on 16 September 2027 = %v, want Ayla and Bram", got)
		}
		holdC(t, c, w.ayla.ID, "Rechtszaak.")
		if got := mine(date(2027, 9, 16)); !slices.Equal(got, []string{w.bram.ID}) {
			t.Errorf("expired with Ayla held = %v, want Bram only", got)
		}
	})

	contracts.add("DestroyStudent", func(t *testing.T, c *contract) {
		w := c.w
		left := date(2025, 12, 20)
		e := entryC(t, c, w.bram.ID)
		msg := casus.Message{UserID: w.mentor.ID, Key: "message.case", Link: "/students/" + w.bram.ID + "/file"}
		keep := casus.Message{UserID: w.mentor.ID, Key: "message.case", Link: "/students/" + w.sanne.ID + "/file"}
		update(t, c.db, func(ctx context.Context, tx *storage.Tx) error {
			must(t, tx.SetStudentLeft(ctx, w.bram.ID, &left))
			must(t, tx.AddMessage(ctx, &msg))
			must(t, tx.AddMessage(ctx, &keep))
			return tx.RecordRouteStep(ctx, &casus.RouteEvent{StudentID: w.bram.ID, From: casus.StepBasic, To: casus.StepCareContact,
				DecidedOn: date(2025, 10, 1), ByID: w.mentor.ID})
		})
		c.clock.Add(time.Hour)
		d := updateValue(t, c.db, func(ctx context.Context, tx *storage.Tx) (casus.Destruction, error) {
			return tx.DestroyStudent(ctx, w.bram.ID, storage.DestroyOptions{Cause: casus.CauseRetention})
		})
		if d.ID == "" || d.Token == "" || d.Kind != string(casus.RetentionStudentFile) || d.Cause != casus.CauseRetention ||
			d.Rule != "student_file: 24 months" || d.SchoolID != w.school.ID || d.ActorID != "" || !d.DestroyedAt.Equal(c.clock.Now()) {
			t.Errorf("destruction = %+v", d)
		}
		// The period runs from the first case (September 2025) to the basis,
		// his leaving (December 2025), in months.
		if d.PeriodFrom == nil || !d.PeriodFrom.Equal(monthC(2025, 9)) || d.PeriodTo == nil || !d.PeriodTo.Equal(monthC(2025, 12)) {
			t.Errorf("period = %v – %v, want 2025-09 – 2025-12", d.PeriodFrom, d.PeriodTo)
		}
		for table, n := range map[string]int{"students": 1, "cases": 1, "case_invitations": 1, "care_entries": 1, "care_entry_versions": 1,
			"messages": 1, "route_events": 1} {
			if d.Counts[table] != n {
				t.Errorf("Counts[%s] = %d, want %d (all counts: %v)", table, d.Counts[table], n, d.Counts)
			}
		}
		err := viewErrC(t, c, func(ctx context.Context, tx *storage.Tx) error {
			_, _, err := tx.StudentFor(ctx, w.coordinator.ID, w.bram.ID)
			return err
		})
		wantCode(t, err, casus.ENOTFOUND)
		if n := countC(t, c, `SELECT COUNT(*) FROM care_entries WHERE id = $1`, e.ID); n != 0 {
			t.Errorf("Bram's care entry survived")
		}
		if links := linksC(t, c, w.mentor.ID); links[keep.ID] == "" || len(links) != 1 {
			t.Errorf("messages left = %v, want only the one about Sanne", links)
		}
		ds := viewValue(t, c.db, func(ctx context.Context, tx *storage.Tx) ([]casus.Destruction, error) {
			return tx.Destructions(ctx, 100000)
		})
		if !slices.ContainsFunc(ds, func(x casus.Destruction) bool { return x.ID == d.ID && x.Counts["students"] == 1 }) {
			t.Errorf("the destruction record %s is not stored", d.ID)
		}

		t.Run("Held/ErrConflict", func(t *testing.T) {
			holdC(t, c, w.ayla.ID, "Klacht.")
			err := updateErrC(t, c, func(ctx context.Context, tx *storage.Tx) error {
				_, err := tx.DestroyStudent(ctx, w.ayla.ID, storage.DestroyOptions{Cause: casus.CauseRetention})
				return err
			})
			wantCode(t, err, casus.ECONFLICT)
			if !errors.Is(err, storage.ErrHeld) {
				t.Errorf("error %v, want ErrHeld", err)
			}
			if s := retentionStatusC(t, c, w.ayla.ID); s.SchoolID != w.otherSchool.ID {
				t.Errorf("a held file was destroyed: %+v", s)
			}
		})
		t.Run("Erasure", func(t *testing.T) {
			d := updateValue(t, c.db, func(ctx context.Context, tx *storage.Tx) (casus.Destruction, error) {
				return tx.DestroyStudent(ctx, w.sanne.ID, storage.DestroyOptions{Cause: casus.CauseErasure, Ground: casus.GroundObjection,
					ActorID: w.coordinator.ID})
			})
			// Sanne is at school with an open case: the period ends now.
			if d.Cause != casus.CauseErasure || d.Ground != casus.GroundObjection || d.Rule != "erasure: objection" ||
				d.ActorID != w.coordinator.ID || d.Counts["guardians"] != 2 || d.Counts["cases"] != 2 ||
				d.PeriodTo == nil || !d.PeriodTo.Equal(monthC(2026, 11)) {
				t.Errorf("erasure = %+v", d)
			}
		})
		t.Run("Unknown/ErrNotFound", func(t *testing.T) {
			err := updateErrC(t, c, func(ctx context.Context, tx *storage.Tx) error {
				_, err := tx.DestroyStudent(ctx, w.bram.ID, storage.DestroyOptions{Cause: casus.CauseRetention})
				return err
			})
			wantCode(t, err, casus.ENOTFOUND)
		})
	})

	contracts.add("FileStart", func(t *testing.T, c *contract) {
		w := c.w
		start := func(studentID string) *time.Time {
			return viewValue(t, c.db, func(ctx context.Context, tx *storage.Tx) (*time.Time, error) { return tx.FileStart(ctx, studentID) })
		}
		if got := start(w.sanne.ID); got == nil || !got.Equal(monthC(2025, 9)) {
			t.Errorf("FileStart(Sanne) = %v, want September 2025 (her first case)", got)
		}
		if got := start(w.ayla.ID); got != nil {
			t.Errorf("FileStart(Ayla) = %v, want nil: no case, referral or entry", got)
		}
		// A care entry (now) does not move it; an older referral does.
		entryC(t, c, w.ayla.ID)
		if got := start(w.ayla.ID); got == nil || !got.Equal(monthC(2026, 11)) {
			t.Errorf("FileStart(Ayla) with an entry = %v, want November 2026", got)
		}
		r := casus.Referral{StudentID: w.sanne.ID, TeamID: w.intern.ID, ReferrerID: w.mentor.ID, CreatedAt: time.Date(2024, 3, 10, 8, 0, 0, 0, time.UTC)}
		update(t, c.db, func(ctx context.Context, tx *storage.Tx) error { return tx.CreateReferral(ctx, &r, w.mentor.ID) })
		if got := start(w.sanne.ID); got == nil || !got.Equal(monthC(2024, 3)) {
			t.Errorf("FileStart(Sanne) with an older referral = %v, want March 2024", got)
		}
	})

	contracts.add("Destructions", func(t *testing.T, c *contract) {
		w := c.w
		destroy := func(studentID string) casus.Destruction {
			return updateValue(t, c.db, func(ctx context.Context, tx *storage.Tx) (casus.Destruction, error) {
				return tx.DestroyStudent(ctx, studentID, storage.DestroyOptions{Cause: casus.CauseErasure, Ground: casus.GroundUnlawful,
					ActorID: w.coordinator.ID})
			})
		}
		first := destroy(w.bram.ID)
		c.clock.Add(time.Hour)
		second := destroy(w.ayla.ID)
		ds := viewValue(t, c.db, func(ctx context.Context, tx *storage.Tx) ([]casus.Destruction, error) {
			return tx.Destructions(ctx, 100000)
		})
		var mine []casus.Destruction
		for _, d := range ds {
			if d.ID == first.ID || d.ID == second.ID {
				mine = append(mine, d)
			}
		}
		if len(mine) != 2 || mine[0].ID != second.ID || mine[1].ID != first.ID {
			t.Fatalf("Destructions = %+v, want the two of this world, newest first", mine)
		}
		got := mine[1]
		if got.Token != first.Token || got.Kind != first.Kind || got.Cause != casus.CauseErasure || got.Ground != casus.GroundUnlawful ||
			got.Rule != first.Rule || got.SchoolID != w.school.ID || got.ActorID != w.coordinator.ID || !got.DestroyedAt.Equal(first.DestroyedAt) ||
			got.PeriodFrom == nil || !got.PeriodFrom.Equal(*first.PeriodFrom) || got.PeriodTo == nil || !got.PeriodTo.Equal(*first.PeriodTo) ||
			got.Counts["students"] != 1 || got.Counts["cases"] != first.Counts["cases"] || len(got.Counts) != len(first.Counts) {
			t.Errorf("stored destruction = %+v, want %+v", got, first)
		}
		if mine[0].PeriodFrom != nil || mine[0].SchoolID != w.otherSchool.ID {
			t.Errorf("Ayla's destruction = %+v, want no start (no file) at the other school", mine[0])
		}
		if one := viewValue(t, c.db, func(ctx context.Context, tx *storage.Tx) ([]casus.Destruction, error) { return tx.Destructions(ctx, 1) }); len(one) != 1 {
			t.Errorf("Destructions(1) = %d records, want 1", len(one))
		}
	})

	contracts.add("PruneAccessLog", func(t *testing.T, c *contract) {
		// Pruning takes the access log from its start, which every case
		// shares: only a database of its own shows what goes.
		clock := storagetest.NewClock(time.Date(2020, 1, 6, 9, 0, 0, 0, time.UTC))
		db := storagetest.Open(t, c.engine, clock.Now)
		w := seed(t, db)
		logEntries(t, db, clock, 3)
		held := casus.AccessEntry{UserID: w.coordinator.ID, UserName: "C", Role: casus.RoleCoordinator, StudentID: w.sanne.ID,
			ObjectKind: "student", ObjectID: w.sanne.ID, Action: casus.ActRead, Purpose: "student page", Outcome: casus.OutcomeGranted}
		update(t, db, func(ctx context.Context, tx *storage.Tx) error { return tx.LogAccess(ctx, &held) })
		logEntries(t, db, clock, 1)
		clock.Set(time.Date(2025, 1, 6, 9, 0, 0, 0, time.UTC))
		logEntries(t, db, clock, 2)
		var hold casus.LegalHold
		update(t, db, func(ctx context.Context, tx *storage.Tx) error {
			hold = casus.LegalHold{StudentID: w.sanne.ID, Reason: "Klacht.", SetBy: w.coordinator.ID}
			return tx.AddLegalHold(ctx, &hold)
		})
		prune := func(cutoff time.Time) casus.Destruction {
			return updateValue(t, db, func(ctx context.Context, tx *storage.Tx) (casus.Destruction, error) {
				return tx.PruneAccessLog(ctx, cutoff)
			})
		}
		cutoff := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
		d := prune(cutoff)
		if d.Counts["access_log"] != 3 || d.Kind != "access_log" || d.Cause != casus.CauseRetention || d.Token == "" ||
			d.Rule != "access_log: 60 months" || d.PeriodFrom == nil || !d.PeriodFrom.Equal(monthC(2020, 1)) {
			t.Errorf("pruning under a hold = %+v, want the 3 entries before Sanne's", d)
		}
		if n, err := db.VerifyAccessLog(t.Context()); err != nil || n != 4 {
			t.Errorf("VerifyAccessLog after pruning = %d, %v; want 4, nil", n, err)
		}
		if again := prune(cutoff); again.Total() != 0 || again.ID != "" {
			t.Errorf("pruning again under the hold = %+v, want nothing and no record", again)
		}
		update(t, db, func(ctx context.Context, tx *storage.Tx) error {
			return tx.LiftLegalHold(ctx, w.sanne.ID, hold.ID, w.coordinator.ID, "Afgehandeld.")
		})
		if d := prune(cutoff); d.Counts["access_log"] != 2 {
			t.Errorf("pruning after the hold was lifted = %+v, want Sanne's entry and the one after it", d)
		}
		if d := prune(time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)); d.Counts["access_log"] != 2 ||
			!d.PeriodTo.Equal(monthC(2025, 1)) {
			t.Errorf("pruning everything = %+v, want the last 2", d)
		}
		if n, err := db.VerifyAccessLog(t.Context()); err != nil || n != 0 {
			t.Errorf("VerifyAccessLog of an emptied log = %d, %v; want 0, nil", n, err)
		}
		logEntries(t, db, clock, 1)
		if n, err := db.VerifyAccessLog(t.Context()); err != nil || n != 1 {
			t.Errorf("VerifyAccessLog after a new entry = %d, %v; want 1, nil", n, err)
		}
		ds := viewValue(t, db, func(ctx context.Context, tx *storage.Tx) ([]casus.Destruction, error) {
			return tx.Destructions(ctx, 10)
		})
		if len(ds) != 3 {
			t.Errorf("%d destruction records, want one per pruning that removed entries", len(ds))
		}
	})

	contracts.add("DestroyExpired", func(t *testing.T, c *contract) {
		// It destroys every expired file and prunes the whole access log:
		// a database of its own keeps the other cases' worlds.
		clock := storagetest.NewClock(contractEpoch)
		db := storagetest.Open(t, c.engine, clock.Now)
		w := seed(t, db)
		logEntries(t, db, clock, 2)
		now := date(2027, 7, 2) // Ayla's file (left 1 July 2025, no cases) is due on 1 July 2027
		clock.Set(now)
		students := func() []string {
			var ids []string
			for _, s := range []casus.Student{w.sanne, w.bram, w.ayla} {
				err := db.View(t.Context(), func(tx *storage.Tx) error { _, err := tx.RetentionStatus(t.Context(), s.ID); return err })
				if err == nil {
					ids = append(ids, s.FirstName)
				}
			}
			return ids
		}
		dry, err := db.DestroyExpired(t.Context(), now, true)
		if err != nil || len(dry) != 1 || dry[0].SchoolID != w.otherSchool.ID || dry[0].Counts["students"] != 1 {
			t.Fatalf("dry run = %+v, %v; want Ayla's destruction", dry, err)
		}
		if got := students(); len(got) != 3 {
			t.Errorf("after a dry run the students are %v, want all three", got)
		}
		done, err := db.DestroyExpired(t.Context(), now, false)
		if err != nil || len(done) != 1 || done[0].Kind != string(casus.RetentionStudentFile) || done[0].Cause != casus.CauseRetention ||
			done[0].ActorID != "" {
			t.Fatalf("DestroyExpired = %+v, %v; want Ayla's file destroyed by retention", done, err)
		}
		if got := students(); !slices.Equal(got, []string{"Sanne", "Bram"}) {
			t.Errorf("students left = %v, want Sanne and Bram", got)
		}
		if again, err := db.DestroyExpired(t.Context(), now, false); err != nil || len(again) != 0 {
			t.Errorf("a second run = %+v, %v; want nothing", again, err)
		}
		// Past the access log's retention (60 months) the log is pruned too.
		later := now.AddDate(5, 0, 0)
		left := date(2025, 1, 1)
		update(t, db, func(ctx context.Context, tx *storage.Tx) error {
			must(t, tx.SetStudentLeft(ctx, w.bram.ID, &left))
			return tx.AddLegalHold(ctx, &casus.LegalHold{StudentID: w.bram.ID, Reason: "Rechtszaak.", SetBy: w.coordinator.ID})
		})
		ds, err := db.DestroyExpired(t.Context(), later, false)
		if err != nil || len(ds) != 1 || ds[0].Kind != "access_log" || ds[0].Counts["access_log"] != 2 {
			t.Errorf("DestroyExpired five years on = %+v, %v; want only the access log pruned (Bram is held)", ds, err)
		}
		if got := students(); !slices.Equal(got, []string{"Sanne", "Bram"}) {
			t.Errorf("students left = %v, want Sanne and the held Bram", got)
		}
	})
}
