package storage_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"casus"
	"casus/storage"
)

// complaintA stores a complaint about the team, received on the day.
func complaintA(t *testing.T, c *contract, teamID string, received time.Time, status casus.ComplaintStatus) casus.Complaint {
	t.Helper()
	cp := casus.Complaint{TeamID: teamID, About: casus.AboutTeam, Complainant: "ouder", Summary: "Niet gehoord",
		ReceivedOn: received, Status: status, HandlerID: c.w.coordinator.ID}
	update(t, c.db, func(ctx context.Context, tx *storage.Tx) error { return tx.AddComplaint(ctx, &cp) })
	return cp
}

func complaintIDsA(cs []casus.Complaint) []string {
	return idsA(cs, func(c casus.Complaint) string { return c.ID })
}

func init() {
	contracts.add("ChairedTeams", func(t *testing.T, c *contract) {
		w := c.w
		chaired := func(userID string) []casus.CareTeam {
			t.Helper()
			return viewValue(t, c.db, func(ctx context.Context, tx *storage.Tx) ([]casus.CareTeam, error) {
				return tx.ChairedTeams(ctx, userID)
			})
		}
		got := chaired(w.coordinator.ID)
		if len(got) != 2 || got[0].ID != w.intern.ID || got[1].ID != w.zat.ID || got[0].Name != w.intern.Name ||
			got[1].Kind != casus.TeamZAT || got[0].Rhythm != "elke week" {
			t.Errorf("teams the coordinator chairs = %+v, want intern then ZAT", got)
		}
		for _, u := range []casus.User{w.careContact, w.specialist, w.socialWork, w.outsider} {
			if got := chaired(u.ID); len(got) != 0 {
				t.Errorf("%s chairs no team but gets %+v", u.Name, got)
			}
		}
	})

	contracts.add("AddComplaint", func(t *testing.T, c *contract) {
		w := c.w
		cp := casus.Complaint{TeamID: w.zat.ID, About: casus.AboutMember, MemberID: w.police.ID, ReferredTo: "Politie Testeenheid",
			ReferredOn: date(2026, 10, 20), Complainant: "moeder", Summary: "Bejegening", ReceivedOn: date(2026, 10, 19),
			Status: casus.ComplaintReferred, HandlerID: w.coordinator.ID}
		update(t, c.db, func(ctx context.Context, tx *storage.Tx) error { return tx.AddComplaint(ctx, &cp) })
		if cp.ID == "" || !cp.CreatedAt.Equal(contractEpoch) || !cp.UpdatedAt.Equal(contractEpoch) {
			t.Errorf("added complaint: id %q created %v updated %v", cp.ID, cp.CreatedAt, cp.UpdatedAt)
		}
		got := viewValue(t, c.db, func(ctx context.Context, tx *storage.Tx) (casus.Complaint, error) {
			return tx.Complaint(ctx, cp.ID, []string{w.zat.ID})
		})
		if got.ID != cp.ID || got.TeamID != w.zat.ID || got.TeamName != w.zat.Name || got.About != casus.AboutMember ||
			got.MemberID != w.police.ID || got.MemberName != w.police.Name || got.ReferredTo != "Politie Testeenheid" ||
			!got.ReferredOn.Equal(date(2026, 10, 20)) || got.Complainant != "moeder" || got.Summary != "Bejegening" ||
			!got.ReceivedOn.Equal(date(2026, 10, 19)) || !got.InformedOn.IsZero() || !got.FirstOn.IsZero() || got.Resolved != nil ||
			!got.FormalOn.IsZero() || got.Status != casus.ComplaintReferred || got.HandlerID != w.coordinator.ID ||
			got.HandlerName != w.coordinator.Name || !got.CreatedAt.Equal(contractEpoch) {
			t.Errorf("stored complaint = %+v", got)
		}
		team := complaintA(t, c, w.intern.ID, date(2026, 10, 1), casus.ComplaintFirstStep)
		if got := viewValue(t, c.db, func(ctx context.Context, tx *storage.Tx) (casus.Complaint, error) {
			return tx.Complaint(ctx, team.ID, []string{w.intern.ID})
		}); got.MemberID != "" || got.MemberName != "" || !got.ReferredOn.IsZero() {
			t.Errorf("complaint about the team = %+v, want no member", got)
		}
	})

	contracts.add("Complaint", func(t *testing.T, c *contract) {
		w := c.w
		cp := complaintA(t, c, w.zat.ID, date(2026, 10, 1), casus.ComplaintFirstStep)
		got := viewValue(t, c.db, func(ctx context.Context, tx *storage.Tx) (casus.Complaint, error) {
			return tx.Complaint(ctx, cp.ID, []string{w.intern.ID, w.zat.ID})
		})
		if got.ID != cp.ID || got.Summary != "Niet gehoord" || got.TeamName != w.zat.Name {
			t.Errorf("Complaint = %+v", got)
		}
		t.Run("OtherTeamOrUnknown/NotFound", func(t *testing.T) {
			for _, q := range []struct {
				id    string
				teams []string
			}{{cp.ID, []string{w.intern.ID}}, {cp.ID, nil}, {casus.NewID(), []string{w.zat.ID}}, {"not-an-id", []string{w.zat.ID}}} {
				err := viewErrA(c, func(ctx context.Context, tx *storage.Tx) error {
					_, err := tx.Complaint(ctx, q.id, q.teams)
					return err
				})
				wantCode(t, err, casus.ENOTFOUND)
			}
		})
	})

	contracts.add("Complaints", func(t *testing.T, c *contract) {
		w := c.w
		older := complaintA(t, c, w.zat.ID, date(2026, 9, 1), casus.ComplaintFirstStep)
		newer := complaintA(t, c, w.zat.ID, date(2026, 10, 1), casus.ComplaintFirstStep)
		c.clock.Add(time.Minute)
		sameDay := complaintA(t, c, w.zat.ID, date(2026, 10, 1), casus.ComplaintResolved)
		intern := complaintA(t, c, w.intern.ID, date(2026, 9, 15), casus.ComplaintFirstStep)
		list := func(teams ...string) []string {
			t.Helper()
			return complaintIDsA(viewValue(t, c.db, func(ctx context.Context, tx *storage.Tx) ([]casus.Complaint, error) {
				return tx.Complaints(ctx, teams)
			}))
		}
		if got, want := list(w.zat.ID), []string{sameDay.ID, newer.ID, older.ID}; !slices.Equal(got, want) {
			t.Errorf("the ZAT's complaints = %v, want newest received first, then newest recorded: %v", got, want)
		}
		if got, want := list(w.zat.ID, w.intern.ID), []string{sameDay.ID, newer.ID, intern.ID, older.ID}; !slices.Equal(got, want) {
			t.Errorf("both teams' complaints = %v, want %v", got, want)
		}
		if got := list(); len(got) != 0 {
			t.Errorf("complaints of no teams = %v", got)
		}
	})

	contracts.add("UpdateComplaint", func(t *testing.T, c *contract) {
		w := c.w
		cp := complaintA(t, c, w.zat.ID, date(2026, 10, 1), casus.ComplaintFirstStep)
		get := func() casus.Complaint {
			t.Helper()
			return viewValue(t, c.db, func(ctx context.Context, tx *storage.Tx) (casus.Complaint, error) {
				return tx.Complaint(ctx, cp.ID, []string{w.zat.ID})
			})
		}
		c.clock.Add(time.Hour)
		no := false
		next := cp
		next.InformedOn, next.InformedHow = date(2026, 10, 2), "brief"
		next.FirstOn, next.FirstResult, next.Resolved = date(2026, 10, 9), "Geen oplossing", &no
		next.FormalOn, next.FormalText, next.Decision, next.Status = date(2026, 10, 30), "Klacht gegrond", casus.DecisionFounded, casus.ComplaintDecided
		next.Summary, next.Complainant = "veranderd", "veranderd" // not procedure fields: kept as they were
		update(t, c.db, func(ctx context.Context, tx *storage.Tx) error { return tx.UpdateComplaint(ctx, &next) })
		if !next.UpdatedAt.Equal(contractEpoch.Add(time.Hour)) {
			t.Errorf("UpdatedAt = %v, want the clock", next.UpdatedAt)
		}
		got := get()
		if !got.InformedOn.Equal(date(2026, 10, 2)) || got.InformedHow != "brief" || !got.FirstOn.Equal(date(2026, 10, 9)) ||
			got.FirstResult != "Geen oplossing" || got.Resolved == nil || *got.Resolved || !got.FormalOn.Equal(date(2026, 10, 30)) ||
			got.FormalText != "Klacht gegrond" || got.Decision != casus.DecisionFounded || got.Status != casus.ComplaintDecided ||
			!got.UpdatedAt.Equal(contractEpoch.Add(time.Hour)) || !got.CreatedAt.Equal(contractEpoch) {
			t.Errorf("updated complaint = %+v", got)
		}
		if got.Summary != "Niet gehoord" || got.Complainant != "ouder" {
			t.Errorf("UpdateComplaint changed the complaint itself: %q %q", got.Summary, got.Complainant)
		}
		// Fields cleared again are stored empty.
		back := got
		back.InformedOn, back.FirstOn, back.FormalOn, back.Resolved, back.Decision, back.Status = time.Time{}, time.Time{}, time.Time{}, nil, "", casus.ComplaintFirstStep
		update(t, c.db, func(ctx context.Context, tx *storage.Tx) error { return tx.UpdateComplaint(ctx, &back) })
		if got := get(); !got.InformedOn.IsZero() || !got.FirstOn.IsZero() || !got.FormalOn.IsZero() || got.Resolved != nil ||
			got.Decision != "" || got.Status != casus.ComplaintFirstStep {
			t.Errorf("complaint after clearing = %+v", got)
		}
	})

	contracts.add("ComplaintCounts", func(t *testing.T, c *contract) {
		w := c.w
		complaintA(t, c, w.zat.ID, date(2025, 3, 1), casus.ComplaintFirstStep)
		decided := complaintA(t, c, w.zat.ID, date(2025, 6, 1), casus.ComplaintFormal)
		decided.Status, decided.Decision = casus.ComplaintDecided, casus.DecisionUnfounded
		update(t, c.db, func(ctx context.Context, tx *storage.Tx) error { return tx.UpdateComplaint(ctx, &decided) })
		complaintA(t, c, w.zat.ID, date(2026, 1, 10), casus.ComplaintFirstStep)
		complaintA(t, c, w.zat.ID, date(2026, 2, 1), casus.ComplaintFirstStep)
		complaintA(t, c, w.intern.ID, date(2026, 2, 1), casus.ComplaintResolved)
		counts := func(teams ...string) []casus.ComplaintCount {
			t.Helper()
			return viewValue(t, c.db, func(ctx context.Context, tx *storage.Tx) ([]casus.ComplaintCount, error) {
				return tx.ComplaintCounts(ctx, teams)
			})
		}
		want := []casus.ComplaintCount{{Year: 2026, Outcome: "first_step", Count: 2}, {Year: 2025, Outcome: "unfounded", Count: 1},
			{Year: 2025, Outcome: "first_step", Count: 1}}
		if got := counts(w.zat.ID); !slices.Equal(got, want) {
			t.Errorf("the ZAT's figures = %+v, want %+v", got, want)
		}
		want = []casus.ComplaintCount{{Year: 2026, Outcome: "first_step", Count: 2}, {Year: 2026, Outcome: "resolved", Count: 1},
			{Year: 2025, Outcome: "unfounded", Count: 1}, {Year: 2025, Outcome: "first_step", Count: 1}}
		if got := counts(w.zat.ID, w.intern.ID); len(got) != 4 {
			t.Errorf("both teams' figures = %+v, want %+v", got, want)
		} else {
			for _, x := range want {
				if !slices.Contains(got, x) {
					t.Errorf("both teams' figures = %+v, want %+v among them", got, x)
				}
			}
		}
		if got := counts(); len(got) != 0 {
			t.Errorf("figures of no teams = %+v", got)
		}
	})
}
