package storage_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"casus"
	"casus/storage"
)

// consentA records the student's consent for the case, given on the day,
// for the disciplines.
func consentA(t *testing.T, c *contract, cs casus.Case, given time.Time, expires *time.Time, scope ...casus.Discipline) casus.Consent {
	t.Helper()
	x := casus.Consent{CaseID: cs.ID, StudentID: cs.StudentID, Giver: casus.GiverStudent, GiverName: "Leerling",
		Mode: casus.ConsentGiven, How: casus.HowSignedForm, GivenAt: given, ExpiresAt: expires, Scope: scope,
		RecordedBy: c.w.coordinator.ID}
	update(t, c.db, func(ctx context.Context, tx *storage.Tx) error { return tx.RecordConsent(ctx, &x) })
	return x
}

func consentsA(t *testing.T, c *contract, caseID string) []casus.Consent {
	t.Helper()
	return viewValue(t, c.db, func(ctx context.Context, tx *storage.Tx) ([]casus.Consent, error) { return tx.Consents(ctx, caseID) })
}

func exceptionA(t *testing.T, c *contract, caseID string) (casus.ConsentException, bool) {
	t.Helper()
	return viewValue2(t, c.db, func(ctx context.Context, tx *storage.Tx) (casus.ConsentException, bool, error) {
		return tx.ConsentException(ctx, caseID)
	})
}

func recordExceptionA(t *testing.T, c *contract, caseID string, at time.Time, reason string) casus.ConsentException {
	t.Helper()
	e := casus.ConsentException{CaseID: caseID, Reason: reason, DecidedBy: "Carla Coördinator", At: at, RecordedBy: c.w.coordinator.ID}
	update(t, c.db, func(ctx context.Context, tx *storage.Tx) error { return tx.RecordConsentException(ctx, &e) })
	return e
}

func init() {
	contracts.add("RecordConsent", func(t *testing.T, c *contract) {
		w := c.w
		given := time.Date(2026, 10, 1, 9, 0, 0, 0, time.UTC)
		expires := given.AddDate(1, 0, 0)
		x := casus.Consent{CaseID: w.sanneCase.ID, StudentID: w.sanne.ID, Giver: casus.GiverGuardian, GuardianID: w.sanneMum.ID,
			GiverName: "Els Visser", Mode: casus.ConsentGiven, How: casus.HowConversation, GivenAt: given, ExpiresAt: &expires,
			Scope: []casus.Discipline{casus.DiscSMW, casus.DiscGGZ}, RecordedBy: w.coordinator.ID}
		update(t, c.db, func(ctx context.Context, tx *storage.Tx) error { return tx.RecordConsent(ctx, &x) })
		if x.ID == "" || !x.RecordedAt.Equal(contractEpoch) {
			t.Errorf("recorded consent: id %q at %v, want an id and the clock", x.ID, x.RecordedAt)
		}
		got := consentsA(t, c, w.sanneCase.ID)
		if len(got) != 1 {
			t.Fatalf("consents = %+v", got)
		}
		g := got[0]
		if g.ID != x.ID || g.CaseID != w.sanneCase.ID || g.StudentID != w.sanne.ID || g.Giver != casus.GiverGuardian ||
			g.GuardianID != w.sanneMum.ID || g.GiverName != "Els Visser" || g.Mode != casus.ConsentGiven || g.Refused ||
			g.How != casus.HowConversation || !g.GivenAt.Equal(given) || g.ExpiresAt == nil || !g.ExpiresAt.Equal(expires) ||
			g.Withdrawn != nil || g.WithdrawnReason != "" || g.RecordedBy != w.coordinator.ID || !g.RecordedAt.Equal(contractEpoch) ||
			!slices.Equal(g.Scope, []casus.Discipline{casus.DiscGGZ, casus.DiscSMW}) {
			t.Errorf("stored consent = %+v", g)
		}
		// A refusal without an end date or scope.
		refusal := casus.Consent{CaseID: w.bramCase.ID, StudentID: w.bram.ID, Giver: casus.GiverStudent, GiverName: "Bram",
			Mode: casus.ConsentAnonymous, Refused: true, How: casus.HowConversation, GivenAt: given, RecordedBy: w.coordinator.ID}
		update(t, c.db, func(ctx context.Context, tx *storage.Tx) error { return tx.RecordConsent(ctx, &refusal) })
		if got := consentsA(t, c, w.bramCase.ID); len(got) != 1 || !got[0].Refused || got[0].ExpiresAt != nil ||
			got[0].Scope != nil || got[0].GuardianID != "" || got[0].Mode != casus.ConsentAnonymous {
			t.Errorf("stored refusal = %+v", got)
		}
	})

	contracts.add("WithdrawConsent", func(t *testing.T, c *contract) {
		w := c.w
		x := consentA(t, c, w.sanneCase, date(2026, 10, 1), nil, casus.DiscSMW)
		at := time.Date(2026, 10, 20, 15, 0, 0, 0, casus.Amsterdam)
		withdraw := func(id string, at time.Time, reason string) error {
			return tryA(c, func(ctx context.Context, tx *storage.Tx) error { return tx.WithdrawConsent(ctx, id, at, reason) })
		}
		must(t, withdraw(x.ID, at, "wil het zelf regelen"))
		got := consentsA(t, c, w.sanneCase.ID)
		if len(got) != 1 || got[0].Withdrawn == nil || !got[0].Withdrawn.Equal(at) || got[0].WithdrawnReason != "wil het zelf regelen" {
			t.Errorf("withdrawn consent = %+v", got)
		}
		t.Run("Again/Conflict", func(t *testing.T) {
			wantCode(t, withdraw(x.ID, at.Add(time.Hour), "nog eens"), casus.ECONFLICT)
			if got := consentsA(t, c, w.sanneCase.ID); !got[0].Withdrawn.Equal(at) || got[0].WithdrawnReason != "wil het zelf regelen" {
				t.Errorf("a second withdrawal changed the first: %+v", got[0])
			}
		})
		t.Run("Unknown/NotFound", func(t *testing.T) {
			wantCode(t, withdraw(casus.NewID(), at, "x"), casus.ENOTFOUND)
		})
	})

	contracts.add("Consents", func(t *testing.T, c *contract) {
		w := c.w
		later := consentA(t, c, w.sanneCase, date(2026, 10, 1), nil)
		earlier := consentA(t, c, w.sanneCase, date(2026, 9, 1), nil, casus.DiscSMW, casus.DiscJGZ, casus.DiscGGZ)
		c.clock.Add(time.Minute)
		sameDay := consentA(t, c, w.sanneCase, date(2026, 10, 1), nil)
		consentA(t, c, w.bramCase, date(2026, 9, 1), nil)
		got := viewValue(t, c.db, func(ctx context.Context, tx *storage.Tx) ([]casus.Consent, error) {
			return tx.Consents(ctx, w.sanneCase.ID)
		})
		ids := idsA(got, func(x casus.Consent) string { return x.ID })
		if want := []string{earlier.ID, later.ID, sameDay.ID}; !slices.Equal(ids, want) {
			t.Fatalf("consents = %v, want oldest given first, then oldest recorded: %v", ids, want)
		}
		if want := []casus.Discipline{casus.DiscGGZ, casus.DiscJGZ, casus.DiscSMW}; !slices.Equal(got[0].Scope, want) {
			t.Errorf("scope = %v, want sorted %v", got[0].Scope, want)
		}
		if got := consentsA(t, c, w.sanneInternCaseLater.ID); len(got) != 0 {
			t.Errorf("consents of another case of Sanne = %+v", got)
		}
		t.Run("EndAtClosure", func(t *testing.T) { consentsEndAtClosure(t, c) })
	})

	contracts.add("ConsentsOfStudent", func(t *testing.T, c *contract) {
		w := c.w
		a := consentA(t, c, w.sanneCase, date(2026, 9, 1), nil, casus.DiscSMW, casus.DiscGGZ)
		b := consentA(t, c, w.sanneInternCaseLater, date(2026, 10, 1), nil, casus.DiscJGZ)
		consentA(t, c, w.bramCase, date(2026, 9, 1), nil, casus.DiscSMW)
		got := viewValue(t, c.db, func(ctx context.Context, tx *storage.Tx) ([]casus.Consent, error) {
			return tx.ConsentsOfStudent(ctx, w.sanne.ID)
		})
		if ids := idsA(got, func(x casus.Consent) string { return x.ID }); !slices.Equal(ids, []string{a.ID, b.ID}) {
			t.Fatalf("Sanne's consents = %v, want %v (not Bram's)", ids, []string{a.ID, b.ID})
		}
		if !slices.Equal(got[0].Scope, []casus.Discipline{casus.DiscGGZ, casus.DiscSMW}) || !slices.Equal(got[1].Scope, []casus.Discipline{casus.DiscJGZ}) {
			t.Errorf("scopes = %v, %v", got[0].Scope, got[1].Scope)
		}
	})

	contracts.add("ConsentExceptionsOfStudent", func(t *testing.T, c *contract) {
		w := c.w
		recordExceptionA(t, c, w.sanneCase.ID, date(2026, 9, 1), "meldcode")
		latest := casus.ConsentException{CaseID: w.sanneCase.ID, Reason: "acuut", DecidedBy: "Carla", At: date(2026, 10, 1),
			RecordedBy: w.coordinator.ID, Scope: []casus.Discipline{casus.DiscPolitie, casus.DiscJGZ}}
		update(t, c.db, func(ctx context.Context, tx *storage.Tx) error { return tx.RecordConsentException(ctx, &latest) })
		recordExceptionA(t, c, w.bramCase.ID, date(2026, 9, 1), "meldcode")
		got := viewValue(t, c.db, func(ctx context.Context, tx *storage.Tx) ([]casus.ConsentException, error) {
			return tx.ConsentExceptionsOfStudent(ctx, w.sanne.ID)
		})
		if len(got) != 1 || got[0].ID != latest.ID || !slices.Equal(got[0].Scope, []casus.Discipline{casus.DiscJGZ, casus.DiscPolitie}) {
			t.Errorf("Sanne's exceptions = %+v, want the latest of her case with its scope", got)
		}
	})

	contracts.add("RecordConsentException", func(t *testing.T, c *contract) {
		w := c.w
		at := time.Date(2026, 10, 30, 14, 0, 0, 0, time.UTC)
		e := casus.ConsentException{CaseID: w.sanneCase.ID, Reason: "acute onveiligheid", DecidedBy: "Carla Coördinator", At: at,
			RecordedBy: w.coordinator.ID, Scope: []casus.Discipline{casus.DiscSMW, casus.DiscJGZ}}
		update(t, c.db, func(ctx context.Context, tx *storage.Tx) error { return tx.RecordConsentException(ctx, &e) })
		if e.ID == "" {
			t.Error("recorded exception has no id")
		}
		got, ok := exceptionA(t, c, w.sanneCase.ID)
		if !ok || got.ID != e.ID || got.CaseID != w.sanneCase.ID || got.Reason != "acute onveiligheid" ||
			got.DecidedBy != "Carla Coördinator" || !got.At.Equal(at) || got.RecordedBy != w.coordinator.ID || got.Ended != nil ||
			!slices.Equal(got.Scope, []casus.Discipline{casus.DiscJGZ, casus.DiscSMW}) {
			t.Errorf("stored exception = %+v (%v)", got, ok)
		}
	})

	contracts.add("ConsentException", func(t *testing.T, c *contract) {
		w := c.w
		if _, ok := viewValue2(t, c.db, func(ctx context.Context, tx *storage.Tx) (casus.ConsentException, bool, error) {
			return tx.ConsentException(ctx, w.sanneCase.ID)
		}); ok {
			t.Error("an exception for a case without one")
		}
		first := recordExceptionA(t, c, w.sanneCase.ID, date(2026, 9, 1), "meldcode")
		latest := recordExceptionA(t, c, w.sanneCase.ID, date(2026, 10, 1), "acute onveiligheid")
		if got, ok := exceptionA(t, c, w.sanneCase.ID); !ok || got.ID != latest.ID {
			t.Errorf("ConsentException = %+v (%v), want the latest", got, ok)
		}
		update(t, c.db, func(ctx context.Context, tx *storage.Tx) error {
			return tx.EndConsentException(ctx, w.sanneCase.ID, latest.ID, date(2026, 10, 15), "veilig")
		})
		if got, ok := exceptionA(t, c, w.sanneCase.ID); !ok || got.ID != first.ID {
			t.Errorf("ConsentException after the latest ended = %+v (%v), want the first, still running", got, ok)
		}
		if _, ok := exceptionA(t, c, w.bramCase.ID); ok {
			t.Error("Bram's case has Sanne's exception")
		}
	})

	contracts.add("EndConsentException", func(t *testing.T, c *contract) {
		w := c.w
		e := recordExceptionA(t, c, w.sanneCase.ID, date(2026, 10, 1), "meldcode")
		end := func(caseID, id string) error {
			return tryA(c, func(ctx context.Context, tx *storage.Tx) error {
				return tx.EndConsentException(ctx, caseID, id, date(2026, 10, 20), "reden vervallen")
			})
		}
		t.Run("OtherCase/NotFound", func(t *testing.T) {
			wantCode(t, end(w.bramCase.ID, e.ID), casus.ENOTFOUND)
			if _, ok := exceptionA(t, c, w.sanneCase.ID); !ok {
				t.Error("ending it through another case ended the exception")
			}
		})
		must(t, end(w.sanneCase.ID, e.ID))
		if got, ok := exceptionA(t, c, w.sanneCase.ID); ok {
			t.Errorf("an ended exception is still current: %+v", got)
		}
		t.Run("Again/NotFound", func(t *testing.T) {
			wantCode(t, end(w.sanneCase.ID, e.ID), casus.ENOTFOUND)
			wantCode(t, end(w.sanneCase.ID, casus.NewID()), casus.ENOTFOUND)
		})
	})

	contracts.add("RecordInformed", func(t *testing.T, c *contract) {
		w := c.w
		i := casus.CaseInformed{CaseID: w.sanneInternCaseLater.ID, Informed: true, Who: "leerling en ouders", RecordedBy: w.careContact.ID}
		update(t, c.db, func(ctx context.Context, tx *storage.Tx) error { return tx.RecordInformed(ctx, &i) })
		if i.ID == "" || !i.At.Equal(contractEpoch) {
			t.Errorf("recorded: id %q at %v, want an id and the clock", i.ID, i.At)
		}
		got := viewValue(t, c.db, func(ctx context.Context, tx *storage.Tx) ([]casus.CaseInformed, error) {
			return tx.Informed(ctx, w.sanneInternCaseLater.ID)
		})
		if len(got) != 1 || !got[0].At.Equal(i.At) {
			t.Fatalf("informed = %+v", got)
		}
		got[0].At = i.At
		if got[0] != i {
			t.Errorf("stored = %+v, want %+v", got[0], i)
		}
	})

	contracts.add("Informed", func(t *testing.T, c *contract) {
		w := c.w
		record := func(caseID string, informed bool, reasonNot string) casus.CaseInformed {
			i := casus.CaseInformed{CaseID: caseID, Informed: informed, ReasonNot: reasonNot, RecordedBy: w.careContact.ID}
			update(t, c.db, func(ctx context.Context, tx *storage.Tx) error { return tx.RecordInformed(ctx, &i) })
			return i
		}
		first := record(w.sanneInternCaseLater.ID, false, "acute situatie")
		c.clock.Add(time.Hour)
		second := record(w.sanneInternCaseLater.ID, true, "")
		record(w.sanneCase.ID, true, "")
		got := viewValue(t, c.db, func(ctx context.Context, tx *storage.Tx) ([]casus.CaseInformed, error) {
			return tx.Informed(ctx, w.sanneInternCaseLater.ID)
		})
		if len(got) != 2 || got[0].ID != second.ID || got[1].ID != first.ID || got[1].Informed || got[1].ReasonNot != "acute situatie" {
			t.Errorf("Informed = %+v, want newest first", got)
		}
		if none := viewValue(t, c.db, func(ctx context.Context, tx *storage.Tx) ([]casus.CaseInformed, error) {
			return tx.Informed(ctx, w.bramCase.ID)
		}); len(none) != 0 {
			t.Errorf("Bram's case = %+v", none)
		}
	})

	contracts.add("PartnerCases", func(t *testing.T, c *contract) {
		w := c.w
		cases := func(u casus.User, s casus.Student) []storage.PartnerCase {
			t.Helper()
			return viewValue(t, c.db, func(ctx context.Context, tx *storage.Tx) ([]storage.PartnerCase, error) {
				return tx.PartnerCases(ctx, u.ID, s.ID)
			})
		}
		got := cases(w.socialWork, w.sanne)
		if len(got) != 1 || !got[0].Invited || got[0].Member {
			t.Fatalf("social work's cases of Sanne = %+v, want the invitation", got)
		}
		if cs := got[0].Case; cs.ID != w.sanneCase.ID || cs.StudentID != w.sanne.ID || cs.TeamID != w.zat.ID ||
			cs.TeamName != w.zat.Name || cs.TeamKind != casus.TeamZAT || cs.Status != casus.CaseOpen {
			t.Errorf("case = %+v", cs)
		}
		if got := cases(w.nurse, w.sanne); len(got) != 1 || !got[0].Member || got[0].Invited {
			t.Errorf("the nurse's cases of Sanne = %+v, want the fixed membership", got)
		}
		// On call, never invited; a closed case; another school's student.
		for _, q := range []struct {
			u casus.User
			s casus.Student
		}{{w.police, w.sanne}, {w.socialWork, w.bram}, {w.nurse, w.bram}, {w.nurse, w.ayla}, {w.mentor, w.sanne}} {
			if got := cases(q.u, q.s); len(got) != 0 {
				t.Errorf("%s's cases of %s = %+v, want none", q.u.Name, q.s.FirstName, got)
			}
		}
		update(t, c.db, func(ctx context.Context, tx *storage.Tx) error { return tx.Invite(ctx, w.sanneCase.ID, w.nurse.ID) })
		if got := cases(w.nurse, w.sanne); len(got) != 1 || !got[0].Member || !got[0].Invited {
			t.Errorf("the invited member's cases = %+v, want both", got)
		}
	})

	contracts.add("Case", func(t *testing.T, c *contract) {
		w := c.w
		got := viewValue(t, c.db, func(ctx context.Context, tx *storage.Tx) (casus.Case, error) { return tx.Case(ctx, w.bramCase.ID) })
		want := casus.Case{ID: w.bramCase.ID, StudentID: w.bram.ID, TeamID: w.zat.ID, TeamName: w.zat.Name, TeamKind: casus.TeamZAT,
			Status: casus.CaseClosed, OpenedAt: w.bramCase.OpenedAt}
		if !got.OpenedAt.Equal(want.OpenedAt) || got.OpenedAt.Location() != time.UTC {
			t.Errorf("OpenedAt = %v, want %v in UTC", got.OpenedAt, want.OpenedAt)
		}
		got.OpenedAt = want.OpenedAt
		if got != want {
			t.Errorf("Case = %+v, want %+v", got, want)
		}
		t.Run("Unknown/NotFound", func(t *testing.T) {
			for _, id := range []string{casus.NewID(), "not-an-id"} {
				err := viewErrA(c, func(ctx context.Context, tx *storage.Tx) error { _, err := tx.Case(ctx, id); return err })
				wantCode(t, err, casus.ENOTFOUND)
			}
		})
	})

	contracts.add("ExpiringConsents", func(t *testing.T, c *contract) {
		w := c.w
		now := time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)
		until := now.AddDate(0, 0, 14)
		at := func(d time.Duration) *time.Time { x := now.Add(d); return &x }
		// Each consent has a case of its own: a later decision of the same
		// giver overrides an earlier one.
		given := date(2026, 1, 1)
		soon := consentA(t, c, freshCaseA(t, c), given, at(7*24*time.Hour))
		atUntil := consentA(t, c, freshCaseA(t, c), given, at(14*24*time.Hour))
		expired := consentA(t, c, freshCaseA(t, c), given, at(0))
		later := consentA(t, c, freshCaseA(t, c), given, at(15*24*time.Hour))
		open := consentA(t, c, freshCaseA(t, c), given, nil)
		withdrawn := consentA(t, c, freshCaseA(t, c), given, at(time.Hour))
		update(t, c.db, func(ctx context.Context, tx *storage.Tx) error {
			return tx.WithdrawConsent(ctx, withdrawn.ID, date(2026, 10, 1), "ingetrokken")
		})
		refusedCase := freshCaseA(t, c)
		refused := casus.Consent{CaseID: refusedCase.ID, StudentID: refusedCase.StudentID, Giver: casus.GiverStudent, Mode: casus.ConsentAnonymous,
			Refused: true, How: casus.HowConversation, GivenAt: given, ExpiresAt: at(time.Hour), RecordedBy: w.coordinator.ID}
		update(t, c.db, func(ctx context.Context, tx *storage.Tx) error { return tx.RecordConsent(ctx, &refused) })
		closedCase := consentA(t, c, w.bramCase, given, at(time.Hour))
		expiring := func(mine ...string) []casus.Consent {
			t.Helper()
			return ofA(viewValue(t, c.db, func(ctx context.Context, tx *storage.Tx) ([]casus.Consent, error) {
				return tx.ExpiringConsents(ctx, now, until)
			}), func(x casus.Consent) string { return x.ID }, mine...)
		}
		sorted := func(xs []string) []string { slices.Sort(xs); return xs }
		got := expiring(soon.ID, atUntil.ID, expired.ID, later.ID, open.ID, withdrawn.ID, refused.ID, closedCase.ID)
		ids := sorted(idsA(got, func(x casus.Consent) string { return x.ID }))
		if want := sorted([]string{soon.ID, atUntil.ID}); !slices.Equal(ids, want) {
			t.Errorf("expiring consents = %v, want those in force of open cases ending after t up to until: %v", ids, want)
		}
		for _, x := range got {
			if x.CaseID == "" || x.ExpiresAt == nil {
				t.Errorf("expiring consent = %+v, want its case and end", x)
			} else if x.ID == soon.ID && (!x.ExpiresAt.Equal(*soon.ExpiresAt) || x.CaseID != soon.CaseID) {
				t.Errorf("expiring consent = %+v, want %+v", x, soon)
			}
		}

		t.Run("DecidedAgain/Overridden", func(t *testing.T) {
			// Renewed since: the old consent ends nothing any more.
			renewedCase := freshCaseA(t, c)
			renewed := consentA(t, c, renewedCase, given, at(7*24*time.Hour))
			consentA(t, c, renewedCase, date(2026, 10, 25), at(365*24*time.Hour))
			// Refused since: nothing left to renew.
			refusedSinceCase := freshCaseA(t, c)
			refusedSince := consentA(t, c, refusedSinceCase, given, at(7*24*time.Hour))
			update(t, c.db, func(ctx context.Context, tx *storage.Tx) error {
				return tx.RecordConsent(ctx, &casus.Consent{CaseID: refusedSinceCase.ID, StudentID: refusedSinceCase.StudentID,
					Giver: casus.GiverStudent, Mode: casus.ConsentAnonymous, Refused: true, How: casus.HowConversation,
					GivenAt: date(2026, 10, 25), RecordedBy: w.coordinator.ID})
			})
			// Still expiring: a decision of another giver, or one dated after t.
			otherGiverCase := freshCaseA(t, c)
			otherGiver := consentA(t, c, otherGiverCase, given, at(7*24*time.Hour))
			update(t, c.db, func(ctx context.Context, tx *storage.Tx) error {
				return tx.RecordConsent(ctx, &casus.Consent{CaseID: otherGiverCase.ID, StudentID: otherGiverCase.StudentID,
					Giver: casus.GiverGuardian, GiverName: "Vader", Mode: casus.ConsentGiven, How: casus.HowConversation,
					GivenAt: date(2026, 10, 25), RecordedBy: w.coordinator.ID})
			})
			futureCase := freshCaseA(t, c)
			future := consentA(t, c, futureCase, given, at(7*24*time.Hour))
			consentA(t, c, futureCase, date(2026, 11, 20), at(365*24*time.Hour))
			got := expiring(renewed.ID, refusedSince.ID, otherGiver.ID, future.ID)
			ids := sorted(idsA(got, func(x casus.Consent) string { return x.ID }))
			if want := sorted([]string{otherGiver.ID, future.ID}); !slices.Equal(ids, want) {
				t.Errorf("expiring consents = %v, want only those still the giver's latest decision at t: %v", ids, want)
			}
		})
	})
}

// consentsEndAtClosure: a consent without an end date ends when its case
// closes; one recorded after the case reopened does not.
func consentsEndAtClosure(t *testing.T, c *contract) {
	w := c.w
	open := consentA(t, c, w.sanneCase, date(2026, 9, 1), nil, casus.DiscSMW)
	until := date(2027, 9, 1)
	dated := consentA(t, c, w.sanneCase, date(2026, 9, 2), &until, casus.DiscSMW)
	c.clock.Add(time.Hour)
	closed := c.clock.Now().UTC()
	update(t, c.db, func(ctx context.Context, tx *storage.Tx) error {
		return tx.CloseCase(ctx, w.sanneCase.ID, casus.CloseSolved, "opgelost", w.coordinator.ID)
	})
	c.clock.Add(time.Hour)
	update(t, c.db, func(ctx context.Context, tx *storage.Tx) error {
		return tx.ReopenCase(ctx, w.sanneCase.ID, "opnieuw zorgen", w.coordinator.ID)
	})
	c.clock.Add(time.Hour)
	again := consentA(t, c, w.sanneCase, date(2026, 9, 3), nil, casus.DiscSMW)
	got := consentsA(t, c, w.sanneCase.ID)
	ended := map[string]*time.Time{}
	for _, x := range got {
		ended[x.ID] = x.EndedAt
	}
	if e := ended[open.ID]; e == nil || !e.Equal(closed) {
		t.Errorf("consent before the closure ended at %v, want %v", e, closed)
	}
	if e := ended[dated.ID]; e == nil || !e.Equal(closed) {
		t.Errorf("dated consent: the case's closing %v not read, want %v", e, closed)
	}
	if e := ended[again.ID]; e != nil {
		t.Errorf("consent recorded after the reopening ended at %v", e)
	}
	if x := got[slices.IndexFunc(got, func(x casus.Consent) bool { return x.ID == dated.ID })]; !x.InForce(c.clock.Now()) {
		t.Errorf("a consent with an end date ended at the closure: %+v", x)
	}
}
