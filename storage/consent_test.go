package storage_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"casus"
	"casus/storage"
	"casus/storage/storagetest"
)

func TestConsent(t *testing.T) {
	storagetest.Run(t, conformance, func(t *testing.T, db *storage.DB) {
		w := seed(t, db)
		given := time.Date(2026, 10, 1, 9, 0, 0, 0, time.UTC)
		expires := given.AddDate(1, 0, 0)
		c := casus.Consent{CaseID: w.sanneCase.ID, StudentID: w.sanne.ID, Giver: casus.GiverStudent, GiverName: "Sanne",
			Mode: casus.ConsentGiven, How: casus.HowSignedForm, GivenAt: given, ExpiresAt: &expires,
			Scope: []casus.Discipline{casus.DiscSMW, casus.DiscGGZ}, RecordedBy: w.coordinator.ID}
		update(t, db, func(ctx context.Context, tx *storage.Tx) error { return tx.RecordConsent(ctx, &c) })
		refusal := casus.Consent{CaseID: w.sanneCase.ID, StudentID: w.sanne.ID, Giver: casus.GiverGuardian, GiverName: "moeder",
			Mode: casus.ConsentAnonymous, Refused: true, How: casus.HowConversation, GivenAt: given, RecordedBy: w.coordinator.ID}
		update(t, db, func(ctx context.Context, tx *storage.Tx) error { return tx.RecordConsent(ctx, &refusal) })

		t.Run("ListWithScope", func(t *testing.T) {
			cs := viewValue(t, db, func(ctx context.Context, tx *storage.Tx) ([]casus.Consent, error) {
				return tx.Consents(ctx, w.sanneCase.ID)
			})
			if len(cs) != 2 {
				t.Fatalf("%d consents, want 2", len(cs))
			}
			i := slices.IndexFunc(cs, func(x casus.Consent) bool { return x.ID == c.ID })
			if i < 0 {
				t.Fatalf("consent %s not listed: %+v", c.ID, cs)
			}
			got := cs[i]
			if got.ID != c.ID || !slices.Equal(got.Scope, []casus.Discipline{casus.DiscGGZ, casus.DiscSMW}) || !got.GivenAt.Equal(given) ||
				got.ExpiresAt == nil || !got.ExpiresAt.Equal(expires) || got.Withdrawn != nil || got.Mode != casus.ConsentGiven {
				t.Errorf("consent read back as %+v", got)
			}
			if other := viewValue(t, db, func(ctx context.Context, tx *storage.Tx) ([]casus.Consent, error) {
				return tx.Consents(ctx, w.bramCase.ID)
			}); len(other) != 0 {
				t.Errorf("Bram's case has Sanne's consent: %+v", other)
			}
		})

		t.Run("WithdrawOnce", func(t *testing.T) {
			at := given.AddDate(0, 1, 0)
			update(t, db, func(ctx context.Context, tx *storage.Tx) error {
				return tx.WithdrawConsent(ctx, c.ID, at, "wil het zelf regelen")
			})
			cs := viewValue(t, db, func(ctx context.Context, tx *storage.Tx) ([]casus.Consent, error) {
				return tx.Consents(ctx, w.sanneCase.ID)
			})
			i := slices.IndexFunc(cs, func(x casus.Consent) bool { return x.ID == c.ID })
			if i < 0 || cs[i].Withdrawn == nil || !cs[i].Withdrawn.Equal(at) || cs[i].WithdrawnReason != "wil het zelf regelen" {
				t.Errorf("after withdrawal: %+v", cs)
			}
			err := db.Update(t.Context(), func(tx *storage.Tx) error { return tx.WithdrawConsent(t.Context(), c.ID, at, "nog eens") })
			wantCode(t, err, casus.ECONFLICT)
			err = db.Update(t.Context(), func(tx *storage.Tx) error { return tx.WithdrawConsent(t.Context(), casus.NewID(), at, "x") })
			wantCode(t, err, casus.ENOTFOUND)
		})

		t.Run("Exception", func(t *testing.T) {
			exception := func() (casus.ConsentException, bool) {
				var e casus.ConsentException
				var found bool
				update(t, db, func(ctx context.Context, tx *storage.Tx) error {
					var err error
					e, found, err = tx.ConsentException(ctx, w.sanneCase.ID)
					return err
				})
				return e, found
			}
			if _, found := exception(); found {
				t.Fatal("an exception before one was recorded")
			}
			e := casus.ConsentException{CaseID: w.sanneCase.ID, Reason: "meldcode", DecidedBy: "coördinator", At: given, RecordedBy: w.coordinator.ID}
			update(t, db, func(ctx context.Context, tx *storage.Tx) error { return tx.RecordConsentException(ctx, &e) })
			got, found := exception()
			if !found || got.ID != e.ID || got.Reason != "meldcode" || !got.At.Equal(given) {
				t.Errorf("exception read back as %+v (found %v)", got, found)
			}
		})

		t.Run("PartnerCases", func(t *testing.T) {
			pcs := viewValue(t, db, func(ctx context.Context, tx *storage.Tx) ([]storage.PartnerCase, error) {
				return tx.PartnerCases(ctx, w.socialWork.ID, w.sanne.ID)
			})
			if len(pcs) != 1 || pcs[0].Case.ID != w.sanneCase.ID || !pcs[0].Invited || pcs[0].Member {
				t.Errorf("social work's cases of Sanne = %+v, want the invitation for her ZAT case", pcs)
			}
			if pcs := viewValue(t, db, func(ctx context.Context, tx *storage.Tx) ([]storage.PartnerCase, error) {
				return tx.PartnerCases(ctx, w.police.ID, w.sanne.ID)
			}); len(pcs) != 0 {
				t.Errorf("police (on call, not invited) related through %+v", pcs)
			}
		})

		t.Run("Informed", func(t *testing.T) {
			i := casus.CaseInformed{CaseID: w.sanneCase.ID, Informed: false, ReasonNot: "acute situatie", RecordedBy: w.careContact.ID}
			update(t, db, func(ctx context.Context, tx *storage.Tx) error { return tx.RecordInformed(ctx, &i) })
			got := viewValue(t, db, func(ctx context.Context, tx *storage.Tx) ([]casus.CaseInformed, error) {
				return tx.Informed(ctx, w.sanneCase.ID)
			})
			if len(got) != 1 || got[0].Informed || got[0].ReasonNot != "acute situatie" {
				t.Errorf("informed = %+v", got)
			}
		})
	})
}
