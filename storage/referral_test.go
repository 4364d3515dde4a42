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

func TestReferrals(t *testing.T) {
	storagetest.Run(t, conformance, func(t *testing.T, db *storage.DB) {
		w := seed(t, db)
		ctx := context.Background()
		text := map[casus.ReferralField]string{casus.FieldReason: "Verzuim loopt op.\nThuis onrustig.", casus.FieldNeedsCare: "Schuldhulp"}
		draft := casus.Referral{StudentID: w.sanne.ID, TeamID: w.intern.ID, ReferrerID: w.mentor.ID, Text: text}
		update(t, db, func(ctx context.Context, tx *storage.Tx) error { return tx.CreateReferral(ctx, &draft, w.mentor.ID) })

		get := func(userID, id string) (casus.Referral, casus.ReferralFacts) {
			t.Helper()
			var r casus.Referral
			var f casus.ReferralFacts
			view(t, db, func(ctx context.Context, tx *storage.Tx) (err error) {
				r, f, err = tx.ReferralFor(ctx, userID, id)
				return err
			})
			return r, f
		}

		t.Run("Created", func(t *testing.T) {
			r, f := get(w.mentor.ID, draft.ID)
			if r.State != casus.RefDraft || r.Version != 1 || r.InbrengerID != w.mentor.ID || r.Urgency != casus.UrgencyNormal ||
				r.TeamName != "Intern zorgteam Testrijn" || r.TeamKind != casus.TeamIntern || r.StudentName != "Sanne Visser" ||
				r.ReferrerName != "Mirjam Mentor" || r.SubmittedAt != nil || r.CaseID != "" {
				t.Errorf("referral = %+v", r)
			}
			if r.Text[casus.FieldReason] != text[casus.FieldReason] || r.Text[casus.FieldFamilyHindering] != "" || len(r.Text) != len(casus.ReferralFields) {
				t.Errorf("text = %q", r.Text)
			}
			if !f.Exists || !f.Referrer || !f.Inbrenger || !f.Student.Mentor || f.TeamChair || f.State != casus.RefDraft {
				t.Errorf("mentor facts = %+v", f)
			}
		})

		t.Run("Facts", func(t *testing.T) {
			_, f := get(w.coordinator.ID, draft.ID)
			if !f.TeamChair || !f.TeamMember || f.Referrer || !f.Student.Coordinator {
				t.Errorf("coordinator facts = %+v", f)
			}
			_, f = get(w.careContact.ID, draft.ID)
			if !f.Student.CareContact || !f.TeamMember || f.TeamChair {
				t.Errorf("care contact facts = %+v", f)
			}
			_, f = get(w.nurse.ID, draft.ID) // fixed at the ZAT, not at the intern team
			if f.TeamMember || f.TeamChair || f.Referrer {
				t.Errorf("nurse facts = %+v", f)
			}
		})

		t.Run("ErrNotFound", func(t *testing.T) {
			for _, id := range []string{casus.NewID(), "not-an-id"} {
				err := db.View(ctx, func(tx *storage.Tx) error { _, _, err := tx.ReferralFor(ctx, w.mentor.ID, id); return err })
				wantCode(t, err, casus.ENOTFOUND)
			}
		})

		t.Run("Update", func(t *testing.T) {
			r, _ := get(w.mentor.ID, draft.ID)
			r.Text[casus.FieldNeedsEducation] = "Rustige werkplek"
			r.InbrengerID, r.Urgency = w.careContact.ID, casus.UrgencyUrgent
			update(t, db, func(ctx context.Context, tx *storage.Tx) error { return tx.UpdateReferral(ctx, &r) })
			if r.Version != 2 {
				t.Errorf("version after update = %d, want 2", r.Version)
			}
			got, f := get(w.careContact.ID, draft.ID)
			if got.Version != 2 || got.Text[casus.FieldNeedsEducation] != "Rustige werkplek" || got.InbrengerID != w.careContact.ID ||
				got.InbrengerName != "Tom Taakdocent" || got.Urgency != casus.UrgencyUrgent || !f.Inbrenger {
				t.Errorf("after update = %+v", got)
			}
		})

		t.Run("Update/ErrConflict", func(t *testing.T) {
			r, _ := get(w.mentor.ID, draft.ID)
			stale := r
			stale.Version--
			stale.Text = map[casus.ReferralField]string{casus.FieldReason: "overschreven"}
			err := db.Update(ctx, func(tx *storage.Tx) error { return tx.UpdateReferral(ctx, &stale) })
			wantCode(t, err, casus.ECONFLICT)
			if got, _ := get(w.mentor.ID, draft.ID); got.Version != r.Version || got.Text[casus.FieldReason] != text[casus.FieldReason] {
				t.Errorf("a stale update changed the referral: %+v", got)
			}
		})

		t.Run("MoveAndEvents", func(t *testing.T) {
			r, _ := get(w.mentor.ID, draft.ID)
			update(t, db, func(ctx context.Context, tx *storage.Tx) error {
				if err := tx.MoveReferral(ctx, &r, casus.RefSubmitted, w.careContact.ID, ""); err != nil {
					return err
				}
				return tx.MoveReferral(ctx, &r, casus.RefPreselected, w.careContact.ID, "")
			})
			got, _ := get(w.mentor.ID, draft.ID)
			if got.State != casus.RefPreselected || got.Version != r.Version || got.SubmittedAt == nil {
				t.Fatalf("after submit = %+v", got)
			}
			// Editing a submitted referral is a conflict.
			err := db.Update(ctx, func(tx *storage.Tx) error { return tx.UpdateReferral(ctx, &got) })
			wantCode(t, err, casus.ECONFLICT)
			// So is a move from a state it is no longer in.
			old := got
			old.State = casus.RefSubmitted
			err = db.Update(ctx, func(tx *storage.Tx) error {
				return tx.MoveReferral(ctx, &old, casus.RefAccepted, w.coordinator.ID, "")
			})
			wantCode(t, err, casus.ECONFLICT)

			events := viewValue(t, db, func(ctx context.Context, tx *storage.Tx) ([]casus.ReferralEvent, error) {
				return tx.ReferralEvents(ctx, draft.ID)
			})
			got3 := names(events, func(e casus.ReferralEvent) string { return string(e.From) + ">" + string(e.To) + " " + e.ActorName })
			want := []string{">draft Mirjam Mentor", "draft>submitted Tom Taakdocent", "submitted>preselected Tom Taakdocent"}
			if !slices.Equal(got3, want) {
				t.Errorf("events = %q, want %q", got3, want)
			}
		})

		t.Run("EventsAppendOnly", func(t *testing.T) {
			for _, q := range []string{`UPDATE referral_events SET note = 'x'`, `DELETE FROM referral_events`} {
				if _, err := db.SQL().ExecContext(ctx, q); err == nil {
					t.Errorf("%s succeeded", q)
				}
			}
		})

		t.Run("EnsureOpenCase", func(t *testing.T) {
			// Sanne's ZAT case is open: reused. Her intern case is closed: a new one.
			c := updateValue(t, db, func(ctx context.Context, tx *storage.Tx) (casus.Case, error) {
				return tx.EnsureOpenCase(ctx, w.sanne.ID, w.zat.ID)
			})
			if c.ID != w.sanneCase.ID {
				t.Errorf("ZAT case %s, want the open one %s", c.ID, w.sanneCase.ID)
			}
			c = updateValue(t, db, func(ctx context.Context, tx *storage.Tx) (casus.Case, error) {
				return tx.EnsureOpenCase(ctx, w.sanne.ID, w.intern.ID)
			})
			if c.ID == w.sanneInternCaseLater.ID || c.Status != casus.CaseOpen {
				t.Errorf("intern case %+v, want a new open case", c)
			}
			update(t, db, func(ctx context.Context, tx *storage.Tx) error { return tx.LinkReferral(ctx, draft.ID, c.ID, "") })
			if r, _ := get(w.mentor.ID, draft.ID); r.CaseID != c.ID {
				t.Errorf("linked case %q, want %q", r.CaseID, c.ID)
			}
		})

		t.Run("Candidates", func(t *testing.T) {
			second := casus.Referral{StudentID: w.bram.ID, TeamID: w.zat.ID, ReferrerID: w.careContact.ID,
				CreatedAt: time.Date(2025, 9, 20, 9, 0, 0, 0, time.UTC)}
			update(t, db, func(ctx context.Context, tx *storage.Tx) error {
				return tx.CreateReferral(ctx, &second, w.careContact.ID)
			})
			ids := func(userID string) []string {
				var refs []casus.Referral
				view(t, db, func(ctx context.Context, tx *storage.Tx) (err error) {
					refs, _, err = tx.ReferralCandidates(ctx, userID)
					return err
				})
				return names(refs, func(r casus.Referral) string { return r.ID })
			}
			// The chair sees the submitted one, not the new draft.
			if got := ids(w.coordinator.ID); !slices.Equal(got, []string{draft.ID}) {
				t.Errorf("chair candidates = %v, want [%s]", got, draft.ID)
			}
			// The care contact of the group sees both.
			if got := ids(w.careContact.ID); len(got) != 2 {
				t.Errorf("care contact candidates = %v, want 2", got)
			}
			if got := ids(w.police.ID); len(got) != 0 {
				t.Errorf("police candidates = %v, want none", got)
			}
			r, _ := get(w.careContact.ID, second.ID)
			if !r.CreatedAt.Equal(second.CreatedAt) {
				t.Errorf("created at %v, want %v (history kept)", r.CreatedAt, second.CreatedAt)
			}
		})

		t.Run("Required", func(t *testing.T) {
			got := viewValue(t, db, func(ctx context.Context, tx *storage.Tx) ([]casus.ReferralField, error) {
				return tx.ReferralRequired(ctx, casus.TeamIntern)
			})
			if !slices.Equal(got, casus.DefaultRequired(casus.TeamIntern)) {
				t.Errorf("default = %v", got)
			}
			update(t, db, func(ctx context.Context, tx *storage.Tx) error {
				return tx.SetReferralRequired(ctx, casus.TeamZAT, []casus.ReferralField{casus.FieldNeedsCare})
			})
			got = viewValue(t, db, func(ctx context.Context, tx *storage.Tx) ([]casus.ReferralField, error) {
				return tx.ReferralRequired(ctx, casus.TeamZAT)
			})
			if want := []casus.ReferralField{casus.FieldReason, casus.FieldProblemCategory, casus.FieldNeedsCare, casus.FieldQuestionSchool}; !slices.Equal(got, want) {
				t.Errorf("set = %v, want %v", got, want)
			}
		})

		t.Run("TeamsAndInbrengers", func(t *testing.T) {
			teams := viewValue(t, db, func(ctx context.Context, tx *storage.Tx) ([]casus.CareTeam, error) {
				return tx.TeamsServing(ctx, w.school.ID)
			})
			if got := names(teams, func(t casus.CareTeam) string { return t.Name }); !slices.Equal(got, []string{"Intern zorgteam Testrijn", "ZAT Testrijn"}) {
				t.Errorf("teams = %v", got)
			}
			if teams := viewValue(t, db, func(ctx context.Context, tx *storage.Tx) ([]casus.CareTeam, error) {
				return tx.TeamsServing(ctx, w.otherSchool.ID)
			}); len(teams) != 0 {
				t.Errorf("other school's teams = %v", teams)
			}
			us := viewValue(t, db, func(ctx context.Context, tx *storage.Tx) ([]casus.User, error) { return tx.Inbrengers(ctx, w.sanne.ID) })
			if got := names(us, func(u casus.User) string { return u.Name }); !slices.Equal(got, []string{"Carla Coördinator", "Mirjam Mentor", "Tom Taakdocent"}) {
				t.Errorf("inbrengers = %v", got)
			}
		})
	})
}
