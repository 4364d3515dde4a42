package storage_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"casus"
	"casus/storage"
)

func init() {
	newSignal := func(t *testing.T, c *contract, cases ...string) casus.PolicySignal {
		t.Helper()
		w := c.w
		sg := casus.PolicySignal{TeamID: w.zat.ID, Title: "Wachttijd GGZ 14 weken", Description: "Jongeren wachten te lang op een intake.",
			PartnerOrgID: w.smw.ID, CreatedBy: w.coordinator.ID}
		update(t, c.db, func(ctx context.Context, tx *storage.Tx) error { return tx.CreateSignal(ctx, &sg, cases) })
		return sg
	}
	signal := func(t *testing.T, c *contract, id string) casus.PolicySignal {
		t.Helper()
		return viewValue(t, c.db, func(ctx context.Context, tx *storage.Tx) (casus.PolicySignal, error) { return tx.Signal(ctx, id) })
	}

	contracts.add("PartnerOrgs", func(t *testing.T, c *contract) {
		w := c.w
		orgs := viewValue(t, c.db, func(ctx context.Context, tx *storage.Tx) ([]casus.PartnerOrg, error) { return tx.PartnerOrgs(ctx) })
		for _, o := range []casus.PartnerOrg{w.jgz, w.smw, w.politie} {
			i := slices.IndexFunc(orgs, func(x casus.PartnerOrg) bool { return x.ID == o.ID })
			if i < 0 || orgs[i].Name != o.Name || orgs[i].Discipline != o.Discipline {
				t.Errorf("PartnerOrgs lacks %+v", o)
			}
		}
	})

	contracts.add("CreateSignal", func(t *testing.T, c *contract) {
		w := c.w
		sg := newSignal(t, c, w.sanneCase.ID, w.bramCase.ID)
		if sg.ID == "" || sg.Status != casus.SignalSent || sg.Cases != 2 || !sg.CreatedAt.Equal(contractEpoch) {
			t.Errorf("created signal = %+v", sg)
		}
		if n := countC(t, c, `SELECT COUNT(*) FROM policy_signal_cases WHERE signal_id = $1`, sg.ID); n != 2 {
			t.Errorf("%d case links stored, want 2", n)
		}
		err := updateErrC(t, c, func(ctx context.Context, tx *storage.Tx) error {
			bad := casus.PolicySignal{TeamID: w.zat.ID, Title: "x", Description: "x", CreatedBy: w.coordinator.ID}
			return tx.CreateSignal(ctx, &bad, []string{casus.NewID()})
		})
		if err == nil {
			t.Errorf("a signal linked to an unknown case was stored")
		}
	})

	contracts.add("Signal", func(t *testing.T, c *contract) {
		w := c.w
		sg := newSignal(t, c, w.sanneCase.ID)
		got := signal(t, c, sg.ID)
		if got.Title != sg.Title || got.Description != sg.Description || got.TeamName != w.zat.Name || got.PartnerOrgName != w.smw.Name ||
			got.Cases != 1 || got.CreatedByName != w.coordinator.Name || got.Status != casus.SignalSent || !got.RespondedAt.IsZero() {
			t.Errorf("Signal = %+v", got)
		}
		err := c.db.View(t.Context(), func(tx *storage.Tx) error { _, err := tx.Signal(t.Context(), casus.NewID()); return err })
		wantCode(t, err, casus.ENOTFOUND)
	})

	contracts.add("Signals", func(t *testing.T, c *contract) {
		w := c.w
		first := newSignal(t, c)
		c.clock.Add(time.Minute)
		second := newSignal(t, c, w.sanneCase.ID)
		list := func(ids []string) []casus.PolicySignal {
			return viewValue(t, c.db, func(ctx context.Context, tx *storage.Tx) ([]casus.PolicySignal, error) { return tx.Signals(ctx, ids) })
		}
		got := list([]string{w.zat.ID})
		if len(got) != 2 || got[0].ID != second.ID || got[1].ID != first.ID || got[0].Cases != 1 || got[1].Cases != 0 {
			t.Errorf("Signals(zat) = %+v, want the newest first with their counts", got)
		}
		if got := list([]string{w.intern.ID}); len(got) != 0 {
			t.Errorf("Signals(intern) = %+v, want none", got)
		}
		if got := list([]string{}); len(got) != 0 {
			t.Errorf("Signals of no team = %+v", got)
		}
		if got := list(nil); !slices.ContainsFunc(got, func(s casus.PolicySignal) bool { return s.ID == first.ID }) {
			t.Errorf("Signals(all) lacks the first signal")
		}
	})

	contracts.add("RespondSignal", func(t *testing.T, c *contract) {
		w := c.w
		sg := newSignal(t, c)
		update(t, c.db, func(ctx context.Context, tx *storage.Tx) error {
			return tx.RespondSignal(ctx, sg.ID, "Besproken met de gemeente.", w.admin.ID)
		})
		got := signal(t, c, sg.ID)
		if got.Status != casus.SignalAnswered || got.Response != "Besproken met de gemeente." || got.RespondedName != w.admin.Name ||
			!got.RespondedAt.Equal(contractEpoch) {
			t.Errorf("after the response: %+v", got)
		}
		err := updateErrC(t, c, func(ctx context.Context, tx *storage.Tx) error { return tx.RespondSignal(ctx, sg.ID, "Tweede", w.admin.ID) })
		wantCode(t, err, casus.ECONFLICT)
		err = updateErrC(t, c, func(ctx context.Context, tx *storage.Tx) error { return tx.RespondSignal(ctx, casus.NewID(), "x", w.admin.ID) })
		wantCode(t, err, casus.ENOTFOUND)
	})

	contracts.add("CloseSignal", func(t *testing.T, c *contract) {
		sg := newSignal(t, c)
		update(t, c.db, func(ctx context.Context, tx *storage.Tx) error { return tx.CloseSignal(ctx, sg.ID) })
		if got := signal(t, c, sg.ID); got.Status != casus.SignalClosed {
			t.Errorf("after closing: %s", got.Status)
		}
		err := updateErrC(t, c, func(ctx context.Context, tx *storage.Tx) error { return tx.CloseSignal(ctx, sg.ID) })
		wantCode(t, err, casus.ECONFLICT)
	})
}
