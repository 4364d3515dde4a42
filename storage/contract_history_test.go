package storage_test

import (
	"context"
	"testing"

	"casus"
	"casus/storage"
)

func init() {
	contracts.add("StudentHistory", func(t *testing.T, c *contract) {
		w := c.w
		r := referralC(t, c, w.sanne.ID, w.zat.ID)
		m, it, _ := discussedB(t, c)
		read := func(userID string) storage.StudentHistory {
			return viewValue(t, c.db, func(ctx context.Context, tx *storage.Tx) (storage.StudentHistory, error) {
				return tx.StudentHistory(ctx, userID, w.sanne.ID)
			})
		}
		h := read(w.nurse.ID)
		if len(h.Referrals) != 1 || h.Referrals[0].ID != r.ID || len(h.ReferralFacts) != 1 || h.ReferralFacts[0].Referrer ||
			h.Referrals[0].State != casus.RefDraft {
			t.Errorf("StudentHistory referrals = %+v, facts %+v", h.Referrals, h.ReferralFacts)
		}
		if len(h.Discussions) != 1 || h.Discussions[0].MeetingID != m.ID || h.Discussions[0].ItemID != it.ID ||
			h.Discussions[0].CaseID != w.sanneCase.ID || h.Discussions[0].TeamKind != casus.TeamZAT || !h.Discussions[0].Member ||
			!h.Discussions[0].At.Equal(m.StartsAt.UTC()) {
			t.Errorf("StudentHistory discussions (as a fixed ZAT member) = %+v", h.Discussions)
		}
		if len(h.Aftercare) != 0 {
			t.Errorf("StudentHistory aftercare before any = %+v", h.Aftercare)
		}
		// The mentor made the referral and is no member of the ZAT; the
		// police, on call and never invited, is no member either.
		if h := read(w.mentor.ID); len(h.ReferralFacts) != 1 || !h.ReferralFacts[0].Referrer || h.Discussions[0].Member {
			t.Errorf("StudentHistory as the referring mentor: facts %+v, discussions %+v", h.ReferralFacts, h.Discussions)
		}
		if h := read(w.police.ID); len(h.Discussions) != 1 || h.Discussions[0].Member {
			t.Errorf("StudentHistory as the police on call: %+v", h.Discussions)
		}
		a := casus.Aftercare{CaseID: w.sanneCase.ID, StudentID: w.sanne.ID, LastDiscussedAt: m.StartsAt}
		update(t, c.db, func(ctx context.Context, tx *storage.Tx) error { _, err := tx.CreateAftercare(ctx, &a); return err })
		if h := read(w.coordinator.ID); len(h.Aftercare) != 1 || h.Aftercare[0].CaseID != w.sanneCase.ID || h.Aftercare[0].ID == "" {
			t.Errorf("StudentHistory aftercare = %+v", h.Aftercare)
		}
	})
}
