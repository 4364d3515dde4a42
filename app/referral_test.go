package app

import (
	"context"
	"slices"
	"testing"

	"casus"
	"casus/demo"
	"casus/storage/storagetest"
)

// TestReferralRefusalsShowTheFormAgain: a referral use case that refuses —
// a team not serving the school, a stale version, a submission missing
// required parts, a return without a note — changes nothing and logs one
// read of the form it shows again, on both engines.
func TestReferralRefusalsShowTheFormAgain(t *testing.T) {
	for _, engine := range storagetest.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			e := start(t, engine)
			ctx := context.Background()
			coord := e.actor(demo.UserCoordinator)
			lotte := e.studentID(demo.LotteNumber)
			logged := func(purpose string) int {
				return e.count(`SELECT COUNT(*) FROM access_log WHERE purpose = $1 AND action = 'read' AND outcome = 'granted'`, purpose)
			}
			referrals := e.count(`SELECT COUNT(*) FROM referrals`)

			start, err := e.app.StartReferral(ctx, coord, lotte)
			if err != nil || len(start.Teams) == 0 {
				t.Fatalf("StartReferral = %+v, %v", start, err)
			}
			before := logged("referral: new")
			_, page, err := e.app.CreateReferral(ctx, coord, NewReferral{StudentID: lotte,
				TeamID: "00000000-0000-4000-8000-000000000000", Urgency: casus.UrgencyNormal}, nil)
			if errs, ok := err.(casus.ValidationErrors); !ok || errs.Field("team") == nil || len(page.Teams) == 0 {
				t.Errorf("a team not serving the school: %v, page %+v", err, page)
			}
			if n := e.count(`SELECT COUNT(*) FROM referrals`); n != referrals {
				t.Errorf("a refused referral was created (%d referrals, want %d)", n, referrals)
			}
			if n := logged("referral: new"); n != before+1 {
				t.Errorf("%d reads of the start logged, want 1", n-before)
			}

			ref, _, err := e.app.CreateReferral(ctx, coord, NewReferral{StudentID: lotte, TeamID: start.Teams[0].ID,
				Urgency: casus.UrgencyNormal}, nil)
			if err != nil {
				t.Fatal(err)
			}
			form, err := e.app.EditReferral(ctx, coord, ref.ID)
			if err != nil {
				t.Fatal(err)
			}
			edit := ReferralEdit{ID: ref.ID, Action: "save", Version: form.Referral.Version + 1,
				Text: map[casus.ReferralField]string{casus.FieldReason: "Stale"}, Urgency: casus.UrgencyNormal, InbrengerID: coord.User.ID}
			page2, err := e.app.SaveReferral(ctx, coord, edit, nil)
			if casus.ErrorCode(err) != casus.ECONFLICT || !page2.Stale {
				t.Errorf("a stale save: %v, stale %v", err, page2.Stale)
			}
			if n := logged("referral: save refused"); n != 1 {
				t.Errorf("%d reads of the stale form logged, want 1", n)
			}
			edit.Action, edit.Version = "submit", form.Referral.Version
			page2, err = e.app.SaveReferral(ctx, coord, edit, nil)
			if errs, ok := err.(casus.ValidationErrors); !ok || len(page2.Missing) == 0 || errs.Field(string(page2.Missing[0])) == nil {
				t.Errorf("an incomplete submission: %v, missing %v", err, page2.Missing)
			}
			if n := logged("referral: submit refused"); n != 1 {
				t.Errorf("%d reads of the incomplete form logged, want 1", n)
			}
			view, err := e.app.ViewReferral(ctx, coord, ref.ID)
			if err != nil || view.Referral.State != casus.RefDraft || view.Referral.Version != form.Referral.Version ||
				view.Referral.Text[casus.FieldReason] != "" {
				t.Errorf("after the refusals the referral is %+v (%v), want the draft as it was", view.Referral, err)
			}
		})
	}
}

// TestReferralErrsInPageOrder: the door's errors and the use case's
// interleave as the fields stand on the form, which lists them in a summary.
func TestReferralErrsInPageOrder(t *testing.T) {
	errs := casus.ValidationErrors{
		casus.FieldError("action", "error.choice", nil),
		casus.FieldError(string(casus.FieldReason), "error.too_long", nil),
		casus.FieldError("version", "error.unreadable_form", nil),
		casus.FieldError("entries", "error.choice", nil),   // the use case's
		casus.FieldError("inbrenger", "error.choice", nil), // the use case's
	}
	var got []string
	for _, e := range referralErrs(errs) {
		got = append(got, e.Field)
	}
	want := []string{"action", string(casus.FieldReason), "inbrenger", "version", "entries"}
	if !slices.Equal(got, want) {
		t.Errorf("order = %v, want %v", got, want)
	}
}

// TestReferralDecisionRefusalsAreLogged: a triage decision on a version
// someone else has moved past, and a note on the bridging of a referral not
// escalated, are undone and each leave one refused read in the access log —
// never a silent refusal, never a half-made change — on both engines.
func TestReferralDecisionRefusalsAreLogged(t *testing.T) {
	for _, engine := range storagetest.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			e := start(t, engine)
			ctx := context.Background()
			coord := e.actor(demo.UserCoordinator)
			id := e.id(`SELECT CAST(r.id AS TEXT) FROM referrals r JOIN students s ON s.id = r.student_id
				WHERE s.student_number = $1`, demo.ReferralPreselectedNumber)
			refused := func(purpose string) int {
				return e.count(`SELECT COUNT(*) FROM access_log WHERE object_id = $1 AND purpose = $2
					AND action = 'read' AND outcome = 'granted'`, id, purpose)
			}
			view, err := e.app.ViewReferral(ctx, coord, id)
			if err != nil {
				t.Fatal(err)
			}
			events := e.count(`SELECT COUNT(*) FROM referral_events WHERE referral_id = $1`, id)

			t.Run("StaleDecision", func(t *testing.T) {
				_, err := e.app.DecideReferral(ctx, coord, ReferralDecision{ID: id, Decision: casus.DecideAccept,
					Version: view.Referral.Version - 1}, nil)
				if casus.ErrorCode(err) != casus.ECONFLICT {
					t.Fatalf("a stale decision: %v, want a conflict", err)
				}
				if n := refused("referral: accept (refused)"); n != 1 {
					t.Errorf("%d refused reads logged, want 1", n)
				}
				after, _ := e.app.ViewReferral(ctx, coord, id)
				if after.Referral.State != view.Referral.State || after.Referral.Version != view.Referral.Version {
					t.Errorf("after a stale decision the referral is %s v%d, want %s v%d",
						after.Referral.State, after.Referral.Version, view.Referral.State, view.Referral.Version)
				}
				if n := e.count(`SELECT COUNT(*) FROM referral_events WHERE referral_id = $1`, id); n != events {
					t.Errorf("%d referral events after a refusal, want %d", n, events)
				}
			})
			t.Run("BridgingBeforeEscalation", func(t *testing.T) {
				err := e.app.NoteBridging(ctx, coord, id, "Wekelijks gesprek met de mentor", nil)
				if casus.ErrorCode(err) != casus.EINVALID && casus.ErrorCode(err) != casus.EFORBIDDEN {
					t.Fatalf("a bridging note on a referral not escalated: %v, want a refusal", err)
				}
				if n := refused("bridging note (refused)"); n != 1 {
					t.Errorf("%d refused reads logged, want 1", n)
				}
			})
		})
	}
}
