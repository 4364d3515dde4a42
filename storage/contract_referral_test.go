package storage_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"casus"
	"casus/storage"
)

// referralC stores a draft referral of the student to the team by the mentor.
func referralC(t *testing.T, c *contract, studentID, teamID string) casus.Referral {
	t.Helper()
	r := casus.Referral{StudentID: studentID, TeamID: teamID, ReferrerID: c.w.mentor.ID,
		Text: map[casus.ReferralField]string{casus.FieldReason: "Verzuim loopt op."}}
	update(t, c.db, func(ctx context.Context, tx *storage.Tx) error { return tx.CreateReferral(ctx, &r, c.w.mentor.ID) })
	return r
}

// referralForC reads a referral as the user.
func referralForC(t *testing.T, c *contract, userID, id string) (casus.Referral, casus.ReferralFacts) {
	t.Helper()
	return viewValue2(t, c.db, func(ctx context.Context, tx *storage.Tx) (casus.Referral, casus.ReferralFacts, error) {
		return tx.ReferralFor(ctx, userID, id)
	})
}

// referralEventsC lists a referral's events as "from>to actor note".
func referralEventsC(t *testing.T, c *contract, id string) []string {
	t.Helper()
	es := viewValue(t, c.db, func(ctx context.Context, tx *storage.Tx) ([]casus.ReferralEvent, error) {
		return tx.ReferralEvents(ctx, id)
	})
	return names(es, func(e casus.ReferralEvent) string {
		return string(e.From) + ">" + string(e.To) + " " + e.ActorName + " " + e.Note
	})
}

// keepSettingC restores a setting when the case ends: settings are shared by
// every case of the database.
func keepSettingC(t *testing.T, c *contract, key string) {
	t.Helper()
	old := viewValue(t, c.db, func(ctx context.Context, tx *storage.Tx) (string, error) { return tx.Setting(ctx, key, "") })
	t.Cleanup(func() {
		update(t, c.db, func(ctx context.Context, tx *storage.Tx) error { return tx.SetSetting(ctx, key, old) })
	})
}

func init() {
	contracts.add("CreateReferral", func(t *testing.T, c *contract) {
		w := c.w
		text := map[casus.ReferralField]string{casus.FieldReason: "Verzuim.", casus.FieldNeedsCare: "Schuldhulp"}
		r := casus.Referral{StudentID: w.sanne.ID, TeamID: w.intern.ID, ReferrerID: w.mentor.ID, Text: text}
		update(t, c.db, func(ctx context.Context, tx *storage.Tx) error { return tx.CreateReferral(ctx, &r, w.careContact.ID) })
		if r.ID == "" || r.Version != 1 || r.State != casus.RefDraft || r.Urgency != casus.UrgencyNormal || r.InbrengerID != w.mentor.ID ||
			!r.CreatedAt.Equal(contractEpoch) || !r.UpdatedAt.Equal(contractEpoch) {
			t.Errorf("created referral = %+v, want draft, version 1, normal, the referrer bringing it in, made now", r)
		}
		got, _ := referralForC(t, c, w.mentor.ID, r.ID)
		if got.State != casus.RefDraft || got.Version != 1 || got.StudentID != w.sanne.ID || got.TeamID != w.intern.ID ||
			got.ReferrerID != w.mentor.ID || got.InbrengerID != w.mentor.ID || got.SubmittedAt != nil || got.CaseID != "" ||
			got.PreviousID != "" || got.NextID != "" || !got.CreatedAt.Equal(contractEpoch) ||
			got.Text[casus.FieldReason] != "Verzuim." || got.Text[casus.FieldNeedsCare] != "Schuldhulp" || len(got.Text) != len(casus.ReferralFields) {
			t.Errorf("stored referral = %+v", got)
		}
		if ev := referralEventsC(t, c, r.ID); !slices.Equal(ev, []string{">draft Tom Taakdocent "}) {
			t.Errorf("events = %q, want the creation by the actor", ev)
		}
		t.Run("GivenStateUrgencyHistory", func(t *testing.T) {
			submitted := time.Date(2025, 9, 21, 8, 0, 0, 0, time.UTC)
			h := casus.Referral{StudentID: w.bram.ID, TeamID: w.zat.ID, ReferrerID: w.mentor.ID, InbrengerID: w.careContact.ID,
				State: casus.RefSubmitted, Urgency: casus.UrgencyUrgent, PreviousID: r.ID, SubmittedAt: &submitted,
				CreatedAt: time.Date(2025, 9, 20, 9, 0, 0, 123456789, time.UTC)}
			update(t, c.db, func(ctx context.Context, tx *storage.Tx) error { return tx.CreateReferral(ctx, &h, w.mentor.ID) })
			got, _ := referralForC(t, c, w.mentor.ID, h.ID)
			if got.State != casus.RefSubmitted || got.Urgency != casus.UrgencyUrgent || got.InbrengerID != w.careContact.ID ||
				got.PreviousID != r.ID || got.SubmittedAt == nil || !got.SubmittedAt.Equal(submitted) ||
				!got.CreatedAt.Equal(time.Date(2025, 9, 20, 9, 0, 0, 123456000, time.UTC)) || !got.UpdatedAt.Equal(got.CreatedAt) {
				t.Errorf("referral loaded from history = %+v", got)
			}
		})
	})

	contracts.add("ReferralFor", func(t *testing.T, c *contract) {
		w := c.w
		r := referralC(t, c, w.sanne.ID, w.intern.ID)
		got, f := referralForC(t, c, w.mentor.ID, r.ID)
		if got.ID != r.ID || got.TeamName != "Intern zorgteam Testrijn" || got.TeamKind != casus.TeamIntern || got.StudentName != "Sanne Visser" ||
			got.ReferrerName != w.mentor.Name || got.InbrengerName != w.mentor.Name || got.Version != 1 {
			t.Errorf("ReferralFor = %+v", got)
		}
		if want := (casus.ReferralFacts{Exists: true, Student: casus.StudentRelations{Exists: true, Mentor: true}, Referrer: true,
			Inbrenger: true, State: casus.RefDraft, TeamKind: casus.TeamIntern}); f != want {
			t.Errorf("mentor's facts = %+v, want %+v", f, want)
		}
		if _, f := referralForC(t, c, w.coordinator.ID, r.ID); !f.TeamChair || !f.TeamMember || f.Referrer || !f.Student.Coordinator {
			t.Errorf("chair's facts = %+v", f)
		}
		if _, f := referralForC(t, c, w.nurse.ID, r.ID); f.TeamChair || f.TeamMember || f.Referrer || f.Inbrenger || !f.Exists {
			t.Errorf("nurse's facts (not of the intern team) = %+v", f)
		}
		t.Run("ErrNotFound", func(t *testing.T) {
			for _, id := range []string{casus.NewID(), "not-an-id"} {
				var f casus.ReferralFacts
				err := viewErrC(t, c, func(ctx context.Context, tx *storage.Tx) (err error) {
					_, f, err = tx.ReferralFor(ctx, w.mentor.ID, id)
					return err
				})
				wantCode(t, err, casus.ENOTFOUND)
				if f.Exists {
					t.Error("facts of a missing referral say it exists")
				}
			}
		})
	})

	contracts.add("ReferralCandidates", func(t *testing.T, c *contract) {
		w := c.w
		draft := referralC(t, c, w.sanne.ID, w.intern.ID)
		c.clock.Add(time.Minute)
		sub := referralC(t, c, w.bram.ID, w.intern.ID)
		update(t, c.db, func(ctx context.Context, tx *storage.Tx) error {
			return tx.MoveReferral(ctx, &sub, casus.RefSubmitted, w.mentor.ID, "")
		})
		acc := casus.Referral{StudentID: w.sanne.ID, TeamID: w.zat.ID, ReferrerID: w.careContact.ID}
		update(t, c.db, func(ctx context.Context, tx *storage.Tx) error {
			must(t, tx.CreateReferral(ctx, &acc, w.careContact.ID))
			must(t, tx.MoveReferral(ctx, &acc, casus.RefSubmitted, w.careContact.ID, ""))
			return tx.MoveReferral(ctx, &acc, casus.RefAccepted, w.coordinator.ID, "")
		})
		ids := func(u casus.User) []string {
			t.Helper()
			var refs []casus.Referral
			var facts []casus.ReferralFacts
			view(t, c.db, func(ctx context.Context, tx *storage.Tx) (err error) {
				refs, facts, err = tx.ReferralCandidates(ctx, u.ID)
				return err
			})
			if len(refs) != len(facts) {
				t.Fatalf("%d referrals, %d facts", len(refs), len(facts))
			}
			for i := range refs {
				if !facts[i].Exists || facts[i].State != refs[i].State || facts[i].TeamKind != refs[i].TeamKind {
					t.Errorf("facts %+v do not match referral %+v", facts[i], refs[i])
				}
			}
			out := names(refs, func(r casus.Referral) string { return r.ID })
			slices.Sort(out)
			return out
		}
		sorted := func(s ...string) []string { slices.Sort(s); return s }
		for _, tc := range []struct {
			name string
			user casus.User
			want []string
		}{
			{"ReferrerSeesOwn", w.mentor, sorted(draft.ID, sub.ID)},
			{"CareContactSeesGroup", w.careContact, sorted(draft.ID, sub.ID, acc.ID)},
			{"ChairSeesSubmittedNotDraft", w.coordinator, sorted(sub.ID, acc.ID)},
			{"FixedMemberSeesAccepted", w.nurse, []string{acc.ID}},
			{"OnCallSeesNone", w.police, nil},
			{"OutsiderSeesNone", w.outsider, nil},
		} {
			t.Run(tc.name, func(t *testing.T) {
				if got := ids(tc.user); !slices.Equal(got, tc.want) {
					t.Errorf("ReferralCandidates(%s) = %v, want %v", tc.user.Name, got, tc.want)
				}
			})
		}
	})

	contracts.add("UpdateReferral", func(t *testing.T, c *contract) {
		w := c.w
		r := referralC(t, c, w.sanne.ID, w.intern.ID)
		c.clock.Add(time.Hour)
		edit, _ := referralForC(t, c, w.mentor.ID, r.ID)
		edit.Text[casus.FieldNeedsEducation] = "Rustige werkplek"
		edit.InbrengerID, edit.Urgency = w.careContact.ID, casus.UrgencyUrgent
		update(t, c.db, func(ctx context.Context, tx *storage.Tx) error { return tx.UpdateReferral(ctx, &edit) })
		if edit.Version != 2 || !edit.UpdatedAt.Equal(contractEpoch.Add(time.Hour)) {
			t.Errorf("after UpdateReferral version %d updated %v, want 2 and the clock's time", edit.Version, edit.UpdatedAt)
		}
		got, _ := referralForC(t, c, w.mentor.ID, r.ID)
		if got.Version != 2 || got.Text[casus.FieldNeedsEducation] != "Rustige werkplek" || got.Text[casus.FieldReason] != "Verzuim loopt op." ||
			got.InbrengerID != w.careContact.ID || got.InbrengerName != w.careContact.Name || got.Urgency != casus.UrgencyUrgent ||
			!got.UpdatedAt.Equal(edit.UpdatedAt) || !got.CreatedAt.Equal(contractEpoch) || got.State != casus.RefDraft {
			t.Errorf("stored after update = %+v", got)
		}
		t.Run("StaleVersion/ErrConflict", func(t *testing.T) {
			stale := got
			stale.Version = 1
			stale.Text = map[casus.ReferralField]string{casus.FieldReason: "overschreven"}
			err := updateErrC(t, c, func(ctx context.Context, tx *storage.Tx) error { return tx.UpdateReferral(ctx, &stale) })
			wantCode(t, err, casus.ECONFLICT)
			if stale.Version != 1 {
				t.Errorf("a failed update moved the version to %d", stale.Version)
			}
			if now, _ := referralForC(t, c, w.mentor.ID, r.ID); now.Version != 2 || now.Text[casus.FieldReason] != "Verzuim loopt op." {
				t.Errorf("a stale update changed the referral: %+v", now)
			}
		})
		t.Run("NotEditable/ErrConflict", func(t *testing.T) {
			cur, _ := referralForC(t, c, w.mentor.ID, r.ID)
			update(t, c.db, func(ctx context.Context, tx *storage.Tx) error {
				return tx.MoveReferral(ctx, &cur, casus.RefSubmitted, w.mentor.ID, "")
			})
			err := updateErrC(t, c, func(ctx context.Context, tx *storage.Tx) error { return tx.UpdateReferral(ctx, &cur) })
			wantCode(t, err, casus.ECONFLICT)
			// Returned, it is editable again.
			update(t, c.db, func(ctx context.Context, tx *storage.Tx) error {
				return tx.MoveReferral(ctx, &cur, casus.RefReturned, w.coordinator.ID, "Welke lessen?")
			})
			cur.Text[casus.FieldReason] = "Verzuim bij Nederlands."
			update(t, c.db, func(ctx context.Context, tx *storage.Tx) error { return tx.UpdateReferral(ctx, &cur) })
			if now, _ := referralForC(t, c, w.mentor.ID, r.ID); now.Text[casus.FieldReason] != "Verzuim bij Nederlands." || now.State != casus.RefReturned {
				t.Errorf("update of a returned referral = %+v", now)
			}
		})
		t.Run("Unknown/ErrConflict", func(t *testing.T) {
			ghost := casus.Referral{ID: casus.NewID(), Version: 1, InbrengerID: w.mentor.ID, Urgency: casus.UrgencyNormal}
			err := updateErrC(t, c, func(ctx context.Context, tx *storage.Tx) error { return tx.UpdateReferral(ctx, &ghost) })
			wantCode(t, err, casus.ECONFLICT)
		})
	})

	contracts.add("MoveReferral", func(t *testing.T, c *contract) {
		w := c.w
		r := referralC(t, c, w.sanne.ID, w.intern.ID)
		c.clock.Add(time.Hour)
		submittedAt := c.clock.Now()
		update(t, c.db, func(ctx context.Context, tx *storage.Tx) error {
			return tx.MoveReferral(ctx, &r, casus.RefSubmitted, w.mentor.ID, "")
		})
		if r.State != casus.RefSubmitted || r.Version != 2 || r.SubmittedAt == nil || !r.SubmittedAt.Equal(submittedAt) ||
			!r.UpdatedAt.Equal(submittedAt) {
			t.Errorf("after submitting = %+v, want submitted, version 2, stamped now", r)
		}
		c.clock.Add(time.Hour)
		update(t, c.db, func(ctx context.Context, tx *storage.Tx) error {
			return tx.MoveReferral(ctx, &r, casus.RefPreselected, w.careContact.ID, "Door naar het team.")
		})
		got, f := referralForC(t, c, w.mentor.ID, r.ID)
		if got.State != casus.RefPreselected || got.Version != 3 || got.SubmittedAt == nil || !got.SubmittedAt.Equal(submittedAt) ||
			!got.UpdatedAt.Equal(contractEpoch.Add(2*time.Hour)) || f.State != casus.RefPreselected {
			t.Errorf("after preselecting = %+v, want the first submission kept", got)
		}
		want := []string{">draft Mirjam Mentor ", "draft>submitted Mirjam Mentor ", "submitted>preselected Tom Taakdocent Door naar het team."}
		if ev := referralEventsC(t, c, r.ID); !slices.Equal(ev, want) {
			t.Errorf("events = %q, want %q", ev, want)
		}
		t.Run("StaleVersion/ErrConflict", func(t *testing.T) {
			stale := r
			stale.Version--
			err := updateErrC(t, c, func(ctx context.Context, tx *storage.Tx) error {
				return tx.MoveReferral(ctx, &stale, casus.RefAccepted, w.coordinator.ID, "")
			})
			wantCode(t, err, casus.ECONFLICT)
			if stale.State != casus.RefPreselected {
				t.Errorf("a failed move changed the value to %+v", stale)
			}
		})
		t.Run("StaleState/ErrConflict", func(t *testing.T) {
			old := r
			old.State = casus.RefSubmitted
			err := updateErrC(t, c, func(ctx context.Context, tx *storage.Tx) error {
				return tx.MoveReferral(ctx, &old, casus.RefAccepted, w.coordinator.ID, "")
			})
			wantCode(t, err, casus.ECONFLICT)
			if now, _ := referralForC(t, c, w.mentor.ID, r.ID); now.State != casus.RefPreselected || now.Version != 3 {
				t.Errorf("a failed move changed the referral: %+v", now)
			}
			if n := len(referralEventsC(t, c, r.ID)); n != 3 {
				t.Errorf("%d events after failed moves, want 3", n)
			}
		})
		t.Run("ResubmitStampsAgain", func(t *testing.T) {
			update(t, c.db, func(ctx context.Context, tx *storage.Tx) error {
				return tx.MoveReferral(ctx, &r, casus.RefReturned, w.coordinator.ID, "Vraag?")
			})
			c.clock.Add(time.Hour)
			update(t, c.db, func(ctx context.Context, tx *storage.Tx) error {
				return tx.MoveReferral(ctx, &r, casus.RefSubmitted, w.mentor.ID, "")
			})
			if now, _ := referralForC(t, c, w.mentor.ID, r.ID); now.SubmittedAt == nil || !now.SubmittedAt.Equal(c.clock.Now()) {
				t.Errorf("resubmitted referral = %+v, want the new submission time", now)
			}
		})
	})

	contracts.add("MoveReferralAt", func(t *testing.T, c *contract) {
		w := c.w
		// Loading history: made and moved in the past.
		r := casus.Referral{StudentID: w.sanne.ID, TeamID: w.intern.ID, ReferrerID: w.mentor.ID, CreatedAt: date(2025, 9, 20)}
		update(t, c.db, func(ctx context.Context, tx *storage.Tx) error { return tx.CreateReferral(ctx, &r, w.mentor.ID) })
		at := time.Date(2025, 10, 1, 9, 0, 0, 123456789, casus.Amsterdam)
		update(t, c.db, func(ctx context.Context, tx *storage.Tx) error {
			return tx.MoveReferralAt(ctx, &r, casus.RefSubmitted, w.mentor.ID, "historisch", at)
		})
		want := at.UTC().Truncate(time.Microsecond)
		if r.Version != 2 || r.State != casus.RefSubmitted || !r.UpdatedAt.Equal(want) || r.UpdatedAt.Location() != time.UTC ||
			r.SubmittedAt == nil || !r.SubmittedAt.Equal(want) {
			t.Errorf("after MoveReferralAt = %+v, want updated and submitted at %v", r, want)
		}
		got, _ := referralForC(t, c, w.mentor.ID, r.ID)
		if !got.UpdatedAt.Equal(want) || got.SubmittedAt == nil || !got.SubmittedAt.Equal(want) || got.Version != 2 {
			t.Errorf("stored = %+v", got)
		}
		es := viewValue(t, c.db, func(ctx context.Context, tx *storage.Tx) ([]casus.ReferralEvent, error) {
			return tx.ReferralEvents(ctx, r.ID)
		})
		if len(es) != 2 || !es[1].At.Equal(want) || es[1].Note != "historisch" || es[1].From != casus.RefDraft {
			t.Errorf("events = %+v, want the move at %v", es, want)
		}
		t.Run("StaleVersion/ErrConflict", func(t *testing.T) {
			stale := r
			stale.Version = 1
			err := updateErrC(t, c, func(ctx context.Context, tx *storage.Tx) error {
				return tx.MoveReferralAt(ctx, &stale, casus.RefAccepted, w.coordinator.ID, "", at)
			})
			wantCode(t, err, casus.ECONFLICT)
		})
	})

	contracts.add("LinkReferral", func(t *testing.T, c *contract) {
		w := c.w
		r := referralC(t, c, w.sanne.ID, w.zat.ID)
		next := referralC(t, c, w.sanne.ID, w.intern.ID)
		update(t, c.db, func(ctx context.Context, tx *storage.Tx) error { return tx.LinkReferral(ctx, r.ID, w.sanneCase.ID, "") })
		if got, _ := referralForC(t, c, w.mentor.ID, r.ID); got.CaseID != w.sanneCase.ID || got.NextID != "" {
			t.Errorf("after linking the case = %+v", got)
		}
		update(t, c.db, func(ctx context.Context, tx *storage.Tx) error { return tx.LinkReferral(ctx, r.ID, "", next.ID) })
		got, _ := referralForC(t, c, w.mentor.ID, r.ID)
		if got.CaseID != w.sanneCase.ID || got.NextID != next.ID {
			t.Errorf("after linking the next = %+v, want the case kept", got)
		}
		update(t, c.db, func(ctx context.Context, tx *storage.Tx) error { return tx.LinkReferral(ctx, r.ID, "", "") })
		if again, _ := referralForC(t, c, w.mentor.ID, r.ID); again.CaseID != w.sanneCase.ID || again.NextID != next.ID || again.Version != got.Version {
			t.Errorf("linking nothing changed the referral: %+v", again)
		}
	})

	contracts.add("ReferralEvents", func(t *testing.T, c *contract) {
		w := c.w
		r := referralC(t, c, w.sanne.ID, w.intern.ID)
		c.clock.Add(time.Minute)
		update(t, c.db, func(ctx context.Context, tx *storage.Tx) error {
			return tx.MoveReferral(ctx, &r, casus.RefSubmitted, w.careContact.ID, "")
		})
		c.clock.Add(time.Minute)
		update(t, c.db, func(ctx context.Context, tx *storage.Tx) error {
			return tx.MoveReferral(ctx, &r, casus.RefReturned, w.coordinator.ID, "Welke vakken?")
		})
		es := viewValue(t, c.db, func(ctx context.Context, tx *storage.Tx) ([]casus.ReferralEvent, error) {
			return tx.ReferralEvents(ctx, r.ID)
		})
		if len(es) != 3 {
			t.Fatalf("ReferralEvents = %+v, want 3", es)
		}
		last := es[2]
		if last.ID == "" || last.ReferralID != r.ID || !last.At.Equal(contractEpoch.Add(2*time.Minute)) || last.At.Location() != time.UTC ||
			last.ActorID != w.coordinator.ID || last.ActorName != w.coordinator.Name || last.From != casus.RefSubmitted ||
			last.To != casus.RefReturned || last.Note != "Welke vakken?" {
			t.Errorf("last event = %+v", last)
		}
		if es[0].From != "" || es[0].To != casus.RefDraft || !es[0].At.Equal(contractEpoch) || es[1].ActorID != w.careContact.ID {
			t.Errorf("first events = %+v %+v", es[0], es[1])
		}
		if none := viewValue(t, c.db, func(ctx context.Context, tx *storage.Tx) ([]casus.ReferralEvent, error) {
			return tx.ReferralEvents(ctx, casus.NewID())
		}); len(none) != 0 {
			t.Errorf("events of an unknown referral = %+v", none)
		}
	})

	contracts.add("EnsureOpenCase", func(t *testing.T, c *contract) {
		w := c.w
		ensure := func(studentID, teamID string) casus.Case {
			return updateValue(t, c.db, func(ctx context.Context, tx *storage.Tx) (casus.Case, error) {
				return tx.EnsureOpenCase(ctx, studentID, teamID)
			})
		}
		if got := ensure(w.sanne.ID, w.zat.ID); got.ID != w.sanneCase.ID || got.Status != casus.CaseOpen || !got.OpenedAt.Equal(w.sanneCase.OpenedAt) {
			t.Errorf("EnsureOpenCase(Sanne, ZAT) = %+v, want her open case %s", got, w.sanneCase.ID)
		}
		// Sanne's intern case is closed: a new one opens, once.
		opened := ensure(w.sanne.ID, w.intern.ID)
		if opened.ID == "" || opened.ID == w.sanneInternCaseLater.ID || opened.Status != casus.CaseOpen || !opened.OpenedAt.Equal(contractEpoch) ||
			opened.StudentID != w.sanne.ID || opened.TeamID != w.intern.ID {
			t.Errorf("EnsureOpenCase(Sanne, intern) = %+v, want a new open case", opened)
		}
		c.clock.Add(time.Hour)
		if again := ensure(w.sanne.ID, w.intern.ID); again.ID != opened.ID || !again.OpenedAt.Equal(contractEpoch) {
			t.Errorf("EnsureOpenCase again = %+v, want %s", again, opened.ID)
		}
		cases := viewValue(t, c.db, func(ctx context.Context, tx *storage.Tx) ([]casus.Case, error) { return tx.Cases(ctx, w.sanne.ID) })
		if len(cases) != 3 {
			t.Errorf("Sanne has %d cases, want 3", len(cases))
		}
	})

	contracts.add("TeamsServing", func(t *testing.T, c *contract) {
		w := c.w
		teams := viewValue(t, c.db, func(ctx context.Context, tx *storage.Tx) ([]casus.CareTeam, error) {
			return tx.TeamsServing(ctx, w.school.ID)
		})
		got := names(teams, func(t casus.CareTeam) string { return t.ID + "/" + t.Name + "/" + string(t.Kind) + "/" + t.Rhythm })
		want := []string{w.intern.ID + "/Intern zorgteam Testrijn/intern/elke week", w.zat.ID + "/ZAT Testrijn/zat/om de week"}
		if !slices.Equal(got, want) {
			t.Errorf("TeamsServing = %q, want %q", got, want)
		}
		if other := viewValue(t, c.db, func(ctx context.Context, tx *storage.Tx) ([]casus.CareTeam, error) {
			return tx.TeamsServing(ctx, w.otherSchool.ID)
		}); len(other) != 0 {
			t.Errorf("TeamsServing(other school) = %+v", other)
		}
	})

	contracts.add("Inbrengers", func(t *testing.T, c *contract) {
		w := c.w
		inbrengers := func(studentID string) []string {
			us := viewValue(t, c.db, func(ctx context.Context, tx *storage.Tx) ([]casus.User, error) { return tx.Inbrengers(ctx, studentID) })
			return names(us, func(u casus.User) string { return u.ID + "/" + u.Name })
		}
		if got, want := inbrengers(w.sanne.ID), []string{w.coordinator.ID + "/" + w.coordinator.Name, w.mentor.ID + "/" + w.mentor.Name,
			w.careContact.ID + "/" + w.careContact.Name}; !slices.Equal(got, want) {
			t.Errorf("Inbrengers(Sanne) = %v, want %v", got, want)
		}
		if got, want := inbrengers(w.ayla.ID), []string{w.outsider.ID + "/" + w.outsider.Name}; !slices.Equal(got, want) {
			t.Errorf("Inbrengers(Ayla) = %v, want her mentor only", got)
		}
		update(t, c.db, func(ctx context.Context, tx *storage.Tx) error { return tx.Deactivate(ctx, w.mentor.ID) })
		if got, want := inbrengers(w.sanne.ID), []string{w.coordinator.ID + "/" + w.coordinator.Name,
			w.careContact.ID + "/" + w.careContact.Name}; !slices.Equal(got, want) {
			t.Errorf("Inbrengers(Sanne) with her mentor disabled = %v, want %v", got, want)
		}
	})

	contracts.add("ReferralRequired", func(t *testing.T, c *contract) {
		keepSettingC(t, c, "referral.required."+string(casus.TeamIntern))
		update(t, c.db, func(ctx context.Context, tx *storage.Tx) error {
			return tx.SetSetting(ctx, "referral.required."+string(casus.TeamIntern), "")
		})
		required := func(kind casus.TeamKind) []casus.ReferralField {
			return viewValue(t, c.db, func(ctx context.Context, tx *storage.Tx) ([]casus.ReferralField, error) {
				return tx.ReferralRequired(ctx, kind)
			})
		}
		if got := required(casus.TeamIntern); !slices.Equal(got, casus.DefaultRequired(casus.TeamIntern)) {
			t.Errorf("ReferralRequired(intern) without a setting = %v, want the default", got)
		}
		update(t, c.db, func(ctx context.Context, tx *storage.Tx) error {
			return tx.SetSetting(ctx, "referral.required."+string(casus.TeamIntern), "needs_care, unknown_field")
		})
		if got, want := required(casus.TeamIntern), casus.NormalizeRequired([]casus.ReferralField{casus.FieldNeedsCare}); !slices.Equal(got, want) {
			t.Errorf("ReferralRequired(intern) from the setting = %v, want %v (unknown names dropped, always-required added)", got, want)
		}
	})

	contracts.add("SetReferralRequired", func(t *testing.T, c *contract) {
		keepSettingC(t, c, "referral.required."+string(casus.TeamZAT))
		keepSettingC(t, c, "referral.required."+string(casus.TeamIntern))
		update(t, c.db, func(ctx context.Context, tx *storage.Tx) error {
			return tx.SetSetting(ctx, "referral.required."+string(casus.TeamIntern), "")
		})
		update(t, c.db, func(ctx context.Context, tx *storage.Tx) error {
			return tx.SetReferralRequired(ctx, casus.TeamZAT, []casus.ReferralField{casus.FieldNeedsCare})
		})
		got := viewValue(t, c.db, func(ctx context.Context, tx *storage.Tx) ([]casus.ReferralField, error) {
			return tx.ReferralRequired(ctx, casus.TeamZAT)
		})
		if want := []casus.ReferralField{casus.FieldReason, casus.FieldProblemCategory, casus.FieldNeedsCare, casus.FieldQuestionSchool}; !slices.Equal(got, want) {
			t.Errorf("ReferralRequired(ZAT) after setting = %v, want %v", got, want)
		}
		if in := viewValue(t, c.db, func(ctx context.Context, tx *storage.Tx) ([]casus.ReferralField, error) {
			return tx.ReferralRequired(ctx, casus.TeamIntern)
		}); !slices.Equal(in, casus.DefaultRequired(casus.TeamIntern)) {
			t.Errorf("setting the ZAT's fields changed the intern team's: %v", in)
		}
	})

	contracts.add("ReferralEntryIDs", func(t *testing.T, c *contract) {
		w := c.w
		r := referralC(t, c, w.sanne.ID, w.intern.ID)
		ids := func(id string) []string {
			return viewValue(t, c.db, func(ctx context.Context, tx *storage.Tx) ([]string, error) { return tx.ReferralEntryIDs(ctx, id) })
		}
		if got := ids(r.ID); len(got) != 0 {
			t.Errorf("entries of a new referral = %v", got)
		}
		a, b := entryC(t, c, w.sanne.ID), entryC(t, c, w.sanne.ID)
		update(t, c.db, func(ctx context.Context, tx *storage.Tx) error {
			return tx.SetReferralEntries(ctx, r.ID, []string{a.ID, b.ID})
		})
		want := []string{a.ID, b.ID}
		slices.Sort(want)
		if got := ids(r.ID); !slices.Equal(got, want) {
			t.Errorf("ReferralEntryIDs = %v, want %v (by id)", got, want)
		}
	})

	contracts.add("SetReferralEntries", func(t *testing.T, c *contract) {
		w := c.w
		r := referralC(t, c, w.sanne.ID, w.intern.ID)
		other := referralC(t, c, w.sanne.ID, w.zat.ID)
		a, b, x := entryC(t, c, w.sanne.ID), entryC(t, c, w.sanne.ID), entryC(t, c, w.sanne.ID)
		set := func(id string, entries ...string) {
			update(t, c.db, func(ctx context.Context, tx *storage.Tx) error { return tx.SetReferralEntries(ctx, id, entries) })
		}
		ids := func(id string) []string {
			return viewValue(t, c.db, func(ctx context.Context, tx *storage.Tx) ([]string, error) { return tx.ReferralEntryIDs(ctx, id) })
		}
		set(r.ID, a.ID, b.ID)
		set(other.ID, x.ID)
		set(r.ID, b.ID) // replaces
		if got := ids(r.ID); !slices.Equal(got, []string{b.ID}) {
			t.Errorf("entries after replacing = %v, want [%s]", got, b.ID)
		}
		set(r.ID)
		if got := ids(r.ID); len(got) != 0 {
			t.Errorf("entries after clearing = %v", got)
		}
		if got := ids(other.ID); !slices.Equal(got, []string{x.ID}) {
			t.Errorf("the other referral's entries = %v, want [%s]", got, x.ID)
		}
		t.Run("Duplicate/Err", func(t *testing.T) {
			err := updateErrC(t, c, func(ctx context.Context, tx *storage.Tx) error {
				return tx.SetReferralEntries(ctx, r.ID, []string{a.ID, a.ID})
			})
			if err == nil {
				t.Error("attaching an entry twice succeeded")
			}
			if got := ids(r.ID); len(got) != 0 {
				t.Errorf("a failed SetReferralEntries left %v", got)
			}
		})
	})
}
