package storage_test

import (
	"errors"
	"testing"
	"time"

	"casus"
	"casus/storage"
	"casus/storage/storagetest"
)

// TestSecurityEvents records events, reads them back with each filter and
// sees the chain verify; changing an event, even with the guard trigger
// dropped, breaks it.
func TestSecurityEvents(t *testing.T) {
	storagetest.Run(t, conformance+" security events", func(t *testing.T, db *storage.DB) {
		ctx := t.Context()
		at := time.Date(2026, 3, 2, 8, 0, 0, 0, time.UTC)
		events := []casus.SecurityEvent{
			{At: at, Kind: casus.SecLoginFailed, TargetName: "coordinator", ClientAddr: "192.0.2.7", UserAgent: "Firefox"},
			{At: at.Add(time.Minute), Kind: casus.SecLoginSucceeded, ActorID: "u1", ActorName: "Marieke", TargetID: "u1",
				TargetName: "Marieke", ClientAddr: "192.0.2.7"},
			{At: at.Add(2 * time.Minute), Kind: casus.SecPasswordResetStarted, ActorID: "u9", ActorName: "Jeroen",
				TargetID: "u1", TargetName: "Marieke"},
		}
		for i := range events {
			if err := db.Update(ctx, func(tx *storage.Tx) error { return tx.LogSecurityEvent(ctx, &events[i]) }); err != nil {
				t.Fatal(err)
			}
		}
		if n, err := db.VerifySecurityEvents(ctx); err != nil || n != 3 {
			t.Fatalf("VerifySecurityEvents = %d, %v; want 3, nil", n, err)
		}
		for _, c := range []struct {
			name string
			f    storage.SecurityFilter
			want []int64
		}{
			{"All", storage.SecurityFilter{}, []int64{3, 2, 1}},
			{"Kind", storage.SecurityFilter{Kind: casus.SecLoginSucceeded}, []int64{2}},
			{"ActorOrTarget", storage.SecurityFilter{UserID: "u1"}, []int64{3, 2}},
			{"Period", storage.SecurityFilter{From: at.Add(time.Minute), Until: at.Add(2 * time.Minute)}, []int64{2}},
		} {
			t.Run(c.name, func(t *testing.T) {
				var got []casus.SecurityEvent
				err := db.View(ctx, func(tx *storage.Tx) (err error) { got, err = tx.SecurityEvents(ctx, c.f); return err })
				if err != nil {
					t.Fatal(err)
				}
				var seqs []int64
				for _, e := range got {
					seqs = append(seqs, e.Seq)
				}
				if len(seqs) != len(c.want) {
					t.Fatalf("seqs = %v, want %v", seqs, c.want)
				}
				for i := range seqs {
					if seqs[i] != c.want[i] {
						t.Fatalf("seqs = %v, want %v", seqs, c.want)
					}
				}
			})
		}
		if _, err := db.SQL().ExecContext(ctx, `UPDATE security_events SET detail = 'x' WHERE seq = 2`); err == nil {
			t.Fatal("an update of a security event went through the guard")
		}
		drop := []string{`DROP TRIGGER security_events_no_update`, `DROP TRIGGER security_events_no_delete`}
		if db.Engine == storage.Postgres {
			drop = []string{`DROP TRIGGER security_events_no_update ON security_events`}
		}
		for _, s := range drop {
			if _, err := db.SQL().ExecContext(ctx, s); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := db.SQL().ExecContext(ctx, `UPDATE security_events SET target_name = 'Someone else' WHERE seq = 2`); err != nil {
			t.Fatal(err)
		}
		var ce *storage.ChainError
		if _, err := db.VerifySecurityEvents(ctx); !errors.As(err, &ce) || ce.Seq != 2 {
			t.Fatalf("VerifySecurityEvents after a change = %v, want a chain error at 2", err)
		}
	})
}
