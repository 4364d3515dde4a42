package storage_test

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"casus"
	"casus/storage"
)

// accessRequestA records a request of Sanne's mother about Sanne, received on
// the day.
func accessRequestA(t *testing.T, c *contract, studentID string, received time.Time) casus.AccessRequest {
	t.Helper()
	r := casus.AccessRequest{StudentID: studentID, Requester: casus.RequesterGuardian, GuardianID: c.w.sanneMum.ID,
		RequesterName: "Els Visser", RequesterRelation: "moeder", ReceivedOn: received, Identity: casus.IdentityDocument,
		IdentityNote: "paspoort", RecordedBy: c.w.admin.ID}
	if studentID != c.w.sanne.ID {
		r.Requester, r.GuardianID, r.RequesterName, r.RequesterRelation = casus.RequesterStudent, "", "Leerling", "leerling"
	}
	update(t, c.db, func(ctx context.Context, tx *storage.Tx) error { return tx.AddAccessRequest(ctx, &r) })
	return r
}

func reviewA(t *testing.T, c *contract, r *casus.AccessRequest) {
	t.Helper()
	r.ReviewedBy = c.w.coordinator.ID
	update(t, c.db, func(ctx context.Context, tx *storage.Tx) error { return tx.ReviewAccessRequest(ctx, r) })
}

func init() {
	contracts.add("AddAccessRequest", func(t *testing.T, c *contract) {
		w := c.w
		r := casus.AccessRequest{StudentID: w.sanne.ID, Requester: casus.RequesterGuardian, GuardianID: w.sanneMum.ID,
			RequesterName: "Els Visser", RequesterRelation: "moeder", Identity: casus.IdentityDocument, IdentityNote: "paspoort",
			ReceivedOn: time.Date(2026, 10, 28, 15, 30, 0, 0, casus.Amsterdam), RecordedBy: w.admin.ID}
		update(t, c.db, func(ctx context.Context, tx *storage.Tx) error { return tx.AddAccessRequest(ctx, &r) })
		if r.ID == "" || !r.RecordedAt.Equal(contractEpoch) {
			t.Errorf("added request: id %q recorded at %v, want an id and the clock %v", r.ID, r.RecordedAt, contractEpoch)
		}
		got := viewValue(t, c.db, func(ctx context.Context, tx *storage.Tx) (casus.AccessRequest, error) {
			return tx.AccessRequest(ctx, w.sanne.ID, r.ID)
		})
		if got.ID != r.ID || got.StudentID != w.sanne.ID || got.Requester != casus.RequesterGuardian || got.GuardianID != w.sanneMum.ID ||
			got.RequesterName != "Els Visser" || got.RequesterRelation != "moeder" || got.Identity != casus.IdentityDocument ||
			got.IdentityNote != "paspoort" || got.RecordedBy != w.admin.ID || got.RecordedName != w.admin.Name ||
			!got.RecordedAt.Equal(contractEpoch) || !got.ReceivedOn.Equal(date(2026, 10, 28)) || got.Reviewed() {
			t.Errorf("stored request = %+v", got)
		}
		// Without a guardian the guardian stays empty.
		s := accessRequestA(t, c, w.bram.ID, date(2026, 10, 29))
		if got := viewValue(t, c.db, func(ctx context.Context, tx *storage.Tx) (casus.AccessRequest, error) {
			return tx.AccessRequest(ctx, w.bram.ID, s.ID)
		}); got.GuardianID != "" || got.Requester != casus.RequesterStudent {
			t.Errorf("student's own request = %+v", got)
		}
	})

	contracts.add("AccessRequest", func(t *testing.T, c *contract) {
		w := c.w
		r := accessRequestA(t, c, w.sanne.ID, date(2026, 10, 28))
		got := viewValue(t, c.db, func(ctx context.Context, tx *storage.Tx) (casus.AccessRequest, error) {
			return tx.AccessRequest(ctx, w.sanne.ID, r.ID)
		})
		if got.ID != r.ID || got.RequesterName != "Els Visser" || !got.ReviewedAt.IsZero() || got.ReviewedBy != "" || got.ReviewedName != "" {
			t.Errorf("AccessRequest = %+v", got)
		}
		t.Run("OtherStudentOrUnknown/NotFound", func(t *testing.T) {
			for _, q := range [][2]string{{w.bram.ID, r.ID}, {w.sanne.ID, casus.NewID()}} {
				err := viewErrA(c, func(ctx context.Context, tx *storage.Tx) error {
					_, err := tx.AccessRequest(ctx, q[0], q[1])
					return err
				})
				wantCode(t, err, casus.ENOTFOUND)
			}
		})
	})

	contracts.add("AccessRequests", func(t *testing.T, c *contract) {
		w := c.w
		older := accessRequestA(t, c, w.sanne.ID, date(2026, 9, 1))
		newer := accessRequestA(t, c, w.sanne.ID, date(2026, 10, 1))
		c.clock.Add(time.Minute)
		sameDayLater := accessRequestA(t, c, w.sanne.ID, date(2026, 10, 1))
		accessRequestA(t, c, w.bram.ID, date(2026, 10, 15))
		got := viewValue(t, c.db, func(ctx context.Context, tx *storage.Tx) ([]casus.AccessRequest, error) {
			return tx.AccessRequests(ctx, w.sanne.ID)
		})
		ids := idsA(got, func(r casus.AccessRequest) string { return r.ID })
		if want := []string{sameDayLater.ID, newer.ID, older.ID}; !slices.Equal(ids, want) {
			t.Errorf("Sanne's requests = %v, want newest receipt first, then newest recording: %v", ids, want)
		}
		if none := viewValue(t, c.db, func(ctx context.Context, tx *storage.Tx) ([]casus.AccessRequest, error) {
			return tx.AccessRequests(ctx, w.ayla.ID)
		}); len(none) != 0 {
			t.Errorf("Ayla's requests = %+v, want none", none)
		}
	})

	contracts.add("RecentAccessRequests", func(t *testing.T, c *contract) {
		w := c.w
		oldOpen := accessRequestA(t, c, w.sanne.ID, date(2025, 3, 1))
		oldReviewed := accessRequestA(t, c, w.sanne.ID, date(2025, 4, 1))
		reviewA(t, c, &oldReviewed)
		recentReviewed := accessRequestA(t, c, w.bram.ID, date(2026, 10, 1))
		reviewA(t, c, &recentReviewed)
		recentOpen := accessRequestA(t, c, w.sanne.ID, date(2026, 10, 2))
		mine := []string{oldOpen.ID, oldReviewed.ID, recentReviewed.ID, recentOpen.ID}
		got := viewValue(t, c.db, func(ctx context.Context, tx *storage.Tx) ([]casus.AccessRequest, error) {
			return tx.RecentAccessRequests(ctx, time.Date(2026, 10, 1, 23, 0, 0, 0, time.UTC))
		})
		ids := idsA(ofA(got, func(r casus.AccessRequest) string { return r.ID }, mine...), func(r casus.AccessRequest) string { return r.ID })
		if want := []string{oldOpen.ID, recentReviewed.ID, recentOpen.ID}; !slices.Equal(ids, want) {
			t.Errorf("recent requests = %v, want the open ones and those received since the day (inclusive), oldest first: %v", ids, want)
		}
	})

	contracts.add("ReviewAccessRequest", func(t *testing.T, c *contract) {
		w := c.w
		r := accessRequestA(t, c, w.sanne.ID, date(2026, 10, 28))
		c.clock.Add(time.Hour)
		r.ReviewedBy, r.ReleaseMeldcode, r.MeldcodeReason, r.ReleaseConfidential = w.coordinator.ID, false, "veiligheid", true
		update(t, c.db, func(ctx context.Context, tx *storage.Tx) error { return tx.ReviewAccessRequest(ctx, &r) })
		if !r.ReviewedAt.Equal(contractEpoch.Add(time.Hour)) {
			t.Errorf("ReviewedAt = %v, want the clock", r.ReviewedAt)
		}
		got := viewValue(t, c.db, func(ctx context.Context, tx *storage.Tx) (casus.AccessRequest, error) {
			return tx.AccessRequest(ctx, w.sanne.ID, r.ID)
		})
		if !got.Reviewed() || got.ReviewedBy != w.coordinator.ID || got.ReviewedName != w.coordinator.Name ||
			!got.ReviewedAt.Equal(r.ReviewedAt) || got.ReleaseMeldcode || got.MeldcodeReason != "veiligheid" ||
			!got.ReleaseConfidential || got.ConfidentialReason != "" {
			t.Errorf("reviewed request = %+v", got)
		}
		t.Run("Again/Conflict", func(t *testing.T) {
			again := got
			again.ReviewedBy, again.ReleaseMeldcode = w.admin.ID, true
			err := tryA(c, func(ctx context.Context, tx *storage.Tx) error { return tx.ReviewAccessRequest(ctx, &again) })
			wantCode(t, err, casus.ECONFLICT)
			if !errors.Is(err, storage.ErrAccessRequestReviewed) {
				t.Errorf("error %v, want ErrAccessRequestReviewed", err)
			}
			if after := viewValue(t, c.db, func(ctx context.Context, tx *storage.Tx) (casus.AccessRequest, error) {
				return tx.AccessRequest(ctx, w.sanne.ID, r.ID)
			}); after.ReviewedBy != w.coordinator.ID || after.ReleaseMeldcode {
				t.Errorf("a second review changed the first: %+v", after)
			}
		})
	})

	contracts.add("AccessRequestParts", func(t *testing.T, c *contract) {
		w := c.w
		parts := func(studentID string) storage.WithheldParts {
			t.Helper()
			return viewValue(t, c.db, func(ctx context.Context, tx *storage.Tx) (storage.WithheldParts, error) {
				return tx.AccessRequestParts(ctx, studentID)
			})
		}
		if p := parts(w.sanne.ID); p != (storage.WithheldParts{}) {
			t.Errorf("parts of a file without meldcode or confidential entries = %+v", p)
		}
		entry := func(vis casus.Visibility) casus.CareEntry {
			e := casus.CareEntry{StudentID: w.sanne.ID, AuthorID: w.coordinator.ID, Current: casus.EntryVersion{
				Kind: casus.EntrySignal, Visibility: vis, OccurredOn: date(2026, 10, 1), Text: "notitie"}}
			update(t, c.db, func(ctx context.Context, tx *storage.Tx) error { return tx.AddCareEntry(ctx, &e) })
			return e
		}
		entry(casus.VisCareTeam)
		entry(casus.VisConfidential)
		// Confidential once, wider now: still counts.
		once := entry(casus.VisConfidential)
		update(t, c.db, func(ctx context.Context, tx *storage.Tx) error {
			v := once.Current
			v.Visibility, v.Reason, v.ByID = casus.VisCareTeam, "mag breder", w.coordinator.ID
			return tx.CorrectCareEntry(ctx, &v)
		})
		update(t, c.db, func(ctx context.Context, tx *storage.Tx) error {
			return tx.RecordMeldcodeStep(ctx, w.sanne.ID, &casus.MeldcodeStep{Step: 1, DoneOn: date(2026, 10, 2), ByID: w.coordinator.ID})
		})
		if p, want := parts(w.sanne.ID), (storage.WithheldParts{Meldcode: true, Confidential: 2}); p != want {
			t.Errorf("parts = %+v, want %+v", p, want)
		}
		if p := parts(w.bram.ID); p != (storage.WithheldParts{}) {
			t.Errorf("Bram's parts = %+v, want none", p)
		}
	})

	contracts.add("LockAccessRequest", func(t *testing.T, c *contract) {
		w := c.w
		r := accessRequestA(t, c, w.sanne.ID, date(2026, 10, 28))
		// The review's transaction: lock, read again, review.
		update(t, c.db, func(ctx context.Context, tx *storage.Tx) error {
			if err := tx.LockAccessRequest(ctx, r.ID); err != nil {
				return err
			}
			got, err := tx.AccessRequest(ctx, w.sanne.ID, r.ID)
			if err != nil {
				return err
			}
			if got.Reviewed() {
				t.Errorf("request reviewed before its review: %+v", got)
			}
			got.ReviewedBy = w.coordinator.ID
			return tx.ReviewAccessRequest(ctx, &got)
		})
		got := viewValue(t, c.db, func(ctx context.Context, tx *storage.Tx) (casus.AccessRequest, error) {
			return tx.AccessRequest(ctx, w.sanne.ID, r.ID)
		})
		if !got.Reviewed() {
			t.Errorf("review after the lock not stored: %+v", got)
		}
		// Locking an unknown request is no error: the read after it says not found.
		err := tryA(c, func(ctx context.Context, tx *storage.Tx) error {
			id := casus.NewID()
			if err := tx.LockAccessRequest(ctx, id); err != nil {
				return err
			}
			_, err := tx.AccessRequest(ctx, w.sanne.ID, id)
			return err
		})
		wantCode(t, err, casus.ENOTFOUND)
	})
}
