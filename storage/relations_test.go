package storage_test

import (
	"context"
	"slices"
	"testing"

	"casus"
	"casus/storage"
	"casus/storage/storagetest"
)

// TestReferralQueueAgreesWithPolicy: the referral queue's candidates are
// exactly the referrals casus.CanReadReferral grants, for every user of the
// world and referrals in every state. A fixed member of the team an accepted
// referral is addressed to reads it, so the queue lists it.
func TestReferralQueueAgreesWithPolicy(t *testing.T) {
	storagetest.Run(t, conformance, func(t *testing.T, db *storage.DB) {
		w := seed(t, db)
		refer := func(student casus.Student, team casus.CareTeam, by casus.User, path ...casus.ReferralState) casus.Referral {
			r := casus.Referral{StudentID: student.ID, TeamID: team.ID, ReferrerID: by.ID}
			update(t, db, func(ctx context.Context, tx *storage.Tx) error {
				if err := tx.CreateReferral(ctx, &r, by.ID); err != nil {
					return err
				}
				for _, to := range path {
					if err := tx.MoveReferral(ctx, &r, to, w.coordinator.ID, ""); err != nil {
						return err
					}
				}
				return nil
			})
			return r
		}
		accepted := refer(w.bram, w.zat, w.careContact, casus.RefSubmitted, casus.RefAccepted)
		refs := []casus.Referral{
			refer(w.sanne, w.intern, w.mentor),
			refer(w.sanne, w.zat, w.careContact, casus.RefSubmitted),
			refer(w.bram, w.intern, w.mentor, casus.RefSubmitted, casus.RefPreselected, casus.RefAccepted),
			refer(w.bram, w.zat, w.careContact, casus.RefSubmitted, casus.RefReturned),
			refer(w.ayla, w.zat, w.outsider, casus.RefSubmitted, casus.RefRedirected),
			accepted,
		}
		candidates := func(u casus.User) []string {
			var got []casus.Referral
			view(t, db, func(ctx context.Context, tx *storage.Tx) (err error) {
				got, _, err = tx.ReferralCandidates(ctx, u.ID)
				return err
			})
			return names(got, func(r casus.Referral) string { return r.ID })
		}

		t.Run("FixedMemberSeesAcceptedReferral", func(t *testing.T) {
			for _, u := range []casus.User{w.nurse, w.specialist} {
				var f casus.ReferralFacts
				view(t, db, func(ctx context.Context, tx *storage.Tx) (err error) {
					_, f, err = tx.ReferralFor(ctx, u.ID, accepted.ID)
					return err
				})
				if a := casus.CanReadReferral(u, f); !a.Allowed || a.Relation != casus.RelTeamMember {
					t.Fatalf("%s: CanReadReferral = %+v, want team member (facts %+v)", u.Name, a, f)
				}
				if got := candidates(u); !slices.Contains(got, accepted.ID) {
					t.Errorf("%s, fixed in the ZAT: queue candidates %v lack the accepted referral %s", u.Name, got, accepted.ID)
				}
			}
		})

		t.Run("EveryUser", func(t *testing.T) {
			users := []casus.User{w.coordinator, w.careContact, w.mentor, w.specialist, w.nurse, w.police, w.socialWork, w.outsider, w.admin}
			for _, u := range users {
				var granted []string
				for _, r := range refs {
					var f casus.ReferralFacts
					view(t, db, func(ctx context.Context, tx *storage.Tx) (err error) {
						_, f, err = tx.ReferralFor(ctx, u.ID, r.ID)
						return err
					})
					if casus.CanReadReferral(u, f).Allowed {
						granted = append(granted, r.ID)
					}
				}
				got := candidates(u)
				for _, id := range granted {
					if !slices.Contains(got, id) {
						t.Errorf("%s: the policy grants referral %s, the queue does not list it", u.Name, id)
					}
				}
				for _, id := range got {
					if !slices.Contains(granted, id) && slices.ContainsFunc(refs, func(r casus.Referral) bool { return r.ID == id }) {
						// A candidate the policy refuses is filtered out by the
						// caller; only the referrer of a student they no longer
						// work with is one in this world.
						var f casus.ReferralFacts
						view(t, db, func(ctx context.Context, tx *storage.Tx) (err error) {
							_, f, err = tx.ReferralFor(ctx, u.ID, id)
							return err
						})
						if !f.Referrer && !f.Inbrenger {
							t.Errorf("%s: the queue lists referral %s the policy does not grant (facts %+v)", u.Name, id, f)
						}
					}
				}
			}
		})
	})
}

// TestStudentListAgreesWithPolicy: every student the policy lets a user
// see is a candidate of the student list, and SchoolChairs finds every
// zorgcoördinator the policy grants a student.
func TestStudentListAgreesWithPolicy(t *testing.T) {
	storagetest.Run(t, conformance, func(t *testing.T, db *storage.DB) {
		w := seed(t, db)
		users := []casus.User{w.coordinator, w.careContact, w.mentor, w.specialist, w.nurse, w.police, w.socialWork, w.outsider, w.admin}
		for _, st := range []casus.Student{w.sanne, w.bram, w.ayla} {
			var chairs []storage.ChairFact
			view(t, db, func(ctx context.Context, tx *storage.Tx) (err error) {
				chairs, err = tx.SchoolChairs(ctx, st.ID)
				return err
			})
			for _, u := range users {
				var rel casus.StudentRelations
				var list []casus.Student
				view(t, db, func(ctx context.Context, tx *storage.Tx) (err error) {
					if _, rel, err = tx.StudentFor(ctx, u.ID, st.ID); err != nil {
						return err
					}
					list, _, err = tx.StudentCandidates(ctx, u.ID, "", 50)
					return err
				})
				listed := slices.ContainsFunc(list, func(s casus.Student) bool { return s.ID == st.ID })
				if casus.CanViewStudent(u, rel).Allowed && !listed {
					t.Errorf("%s may see %s, the student list does not find them", u.Name, st.Name())
				}
				chair := slices.ContainsFunc(chairs, func(c storage.ChairFact) bool { return c.User.ID == u.ID })
				if casus.CanHandleRectification(u, rel).Allowed != chair {
					t.Errorf("%s: zorgcoördinator of %s per the policy %v, in SchoolChairs %v", u.Name, st.Name(), !chair, chair)
				}
			}
		}
	})
}
