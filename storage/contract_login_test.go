package storage_test

import (
	"context"
	"testing"
	"time"

	"casus"
	"casus/storage"
)

func init() {
	// The login-attempt and trusted-device tables are shared by all worlds:
	// every subject and token here carries a world's user id.
	record := func(t *testing.T, c *contract, kind, subject string, ok bool) {
		t.Helper()
		update(t, c.db, func(ctx context.Context, tx *storage.Tx) error { return tx.RecordAttempt(ctx, kind, subject, ok) })
	}
	failures := func(t *testing.T, c *contract, kind, subject string, since time.Time) int {
		t.Helper()
		return viewValue(t, c.db, func(ctx context.Context, tx *storage.Tx) (int, error) { return tx.Failures(ctx, kind, subject, since) })
	}
	recent := func(t *testing.T, c *contract, kind, subject string, since time.Time) int {
		t.Helper()
		return viewValue(t, c.db, func(ctx context.Context, tx *storage.Tx) (int, error) {
			return tx.RecentFailures(ctx, kind, subject, since)
		})
	}
	trusted := func(t *testing.T, c *contract, token, userID string, since time.Time) bool {
		t.Helper()
		return viewValue(t, c.db, func(ctx context.Context, tx *storage.Tx) (bool, error) {
			return tx.DeviceTrusted(ctx, token, userID, since)
		})
	}
	trust := func(t *testing.T, c *contract, token, userID string) {
		t.Helper()
		update(t, c.db, func(ctx context.Context, tx *storage.Tx) error { return tx.TrustDevice(ctx, token, userID) })
	}
	long := contractEpoch.Add(-24 * time.Hour)

	contracts.add("RecordAttempt", func(t *testing.T, c *contract) {
		sub := "acct-" + c.w.coordinator.ID
		update(t, c.db, func(ctx context.Context, tx *storage.Tx) error {
			return tx.RecordAttempt(ctx, storage.AttemptAccount, sub, false)
		})
		if n := countB(t, c, `SELECT COUNT(*) FROM login_attempts WHERE kind = $1 AND subject = $2 AND NOT ok AND at = $3`,
			storage.AttemptAccount, sub, contractEpoch); n != 1 {
			t.Errorf("%d failed attempts stored at the clock's time, want 1", n)
		}
		if n := failures(t, c, storage.AttemptAccount, sub, contractEpoch); n != 1 {
			t.Errorf("Failures after one failed attempt = %d, want 1", n)
		}
		if n := failures(t, c, storage.AttemptAddress, sub, long); n != 0 {
			t.Errorf("a failure by account counts by address: %d", n)
		}
		update(t, c.db, func(ctx context.Context, tx *storage.Tx) error {
			return tx.RecordAttempt(ctx, storage.AttemptAccount, sub, true)
		})
		if n := failures(t, c, storage.AttemptAccount, sub, long); n != 0 {
			t.Errorf("Failures after a successful attempt = %d, want 0", n)
		}
	})

	contracts.add("Failures", func(t *testing.T, c *contract) {
		a, b := "acct-a-"+c.w.mentor.ID, "acct-b-"+c.w.mentor.ID
		record(t, c, storage.AttemptAccount, a, false)
		c.clock.Add(time.Minute)
		record(t, c, storage.AttemptAccount, a, false)
		c.clock.Add(time.Minute)
		record(t, c, storage.AttemptAccount, a, false)
		record(t, c, storage.AttemptAccount, b, false)
		count := func(subject string, since time.Time) int {
			t.Helper()
			return viewValue(t, c.db, func(ctx context.Context, tx *storage.Tx) (int, error) {
				return tx.Failures(ctx, storage.AttemptAccount, subject, since)
			})
		}
		if n := count(a, contractEpoch); n != 3 {
			t.Errorf("Failures since the first = %d, want 3 (since is inclusive)", n)
		}
		if n := count(a, contractEpoch.Add(90*time.Second)); n != 1 {
			t.Errorf("Failures in the last 30s = %d, want 1", n)
		}
		if n := count("acct-none-"+c.w.mentor.ID, long); n != 0 {
			t.Errorf("Failures of an unknown subject = %d", n)
		}
		t.Run("ResetBySuccess", func(t *testing.T) {
			c.clock.Add(time.Minute)
			record(t, c, storage.AttemptAccount, a, true)
			if n := count(a, long); n != 0 {
				t.Errorf("Failures after a success = %d, want 0", n)
			}
			record(t, c, storage.AttemptAccount, a, false) // the same instant as the success, but after it
			if n := count(a, long); n != 1 {
				t.Errorf("Failures after the success and a failure = %d, want 1", n)
			}
			if n := count(b, long); n != 1 {
				t.Errorf("a success of one subject reset another: %d, want 1", n)
			}
		})
	})

	contracts.add("RecentFailures", func(t *testing.T, c *contract) {
		addr := "addr-" + c.w.mentor.ID
		record(t, c, storage.AttemptAddress, addr, false)
		record(t, c, storage.AttemptAddress, addr, true)
		c.clock.Add(time.Minute)
		record(t, c, storage.AttemptAddress, addr, false)
		record(t, c, storage.AttemptAccount, addr, false)
		n := viewValue(t, c.db, func(ctx context.Context, tx *storage.Tx) (int, error) {
			return tx.RecentFailures(ctx, storage.AttemptAddress, addr, contractEpoch)
		})
		if n != 2 {
			t.Errorf("RecentFailures across a success = %d, want 2", n)
		}
		if n := recent(t, c, storage.AttemptAddress, addr, contractEpoch.Add(30*time.Second)); n != 1 {
			t.Errorf("RecentFailures in the last 30s = %d, want 1", n)
		}
		if n := recent(t, c, storage.AttemptAddress, addr, contractEpoch.Add(2*time.Minute)); n != 0 {
			t.Errorf("RecentFailures since after the last = %d, want 0", n)
		}
	})

	contracts.add("LockoutRecorded", func(t *testing.T, c *contract) {
		w := c.w
		locked := casus.SecurityEvent{Kind: casus.SecLoginLocked, TargetID: w.mentor.ID, TargetName: w.mentor.Email, ClientAddr: "192.0.2.7"}
		failed := casus.SecurityEvent{Kind: casus.SecLoginFailed, TargetID: w.nurse.ID, TargetName: w.nurse.Email, ClientAddr: "192.0.2.7"}
		c.clock.Add(time.Minute)
		update(t, c.db, func(ctx context.Context, tx *storage.Tx) error {
			if err := tx.LogSecurityEvent(ctx, &locked); err != nil {
				return err
			}
			return tx.LogSecurityEvent(ctx, &failed)
		})
		at := contractEpoch.Add(time.Minute)
		seen := func(e casus.SecurityEvent, since time.Time) bool {
			t.Helper()
			return viewValue(t, c.db, func(ctx context.Context, tx *storage.Tx) (bool, error) { return tx.LockoutRecorded(ctx, &e, since) })
		}
		probe := casus.SecurityEvent{Kind: casus.SecLoginLocked, TargetID: w.mentor.ID, TargetName: w.mentor.Email, ClientAddr: "192.0.2.7"}
		if !seen(probe, at) {
			t.Error("a lockout recorded at since is not seen")
		}
		if seen(probe, at.Add(time.Microsecond)) {
			t.Error("a lockout recorded before since is seen")
		}
		otherAddr := probe
		otherAddr.ClientAddr = "198.51.100.1"
		otherName := probe
		otherName.TargetName = "iemand anders"
		otherTarget := probe
		otherTarget.TargetID = w.specialist.ID
		for name, e := range map[string]casus.SecurityEvent{"address": otherAddr, "target name": otherName, "target": otherTarget} {
			if seen(e, long) {
				t.Errorf("a lockout of another %s is seen", name)
			}
		}
		nurse := probe
		nurse.TargetID, nurse.TargetName = w.nurse.ID, w.nurse.Email
		if seen(nurse, long) {
			t.Error("a failed login (not a lockout) counts as a recorded lockout")
		}
	})

	contracts.add("PruneAttempts", func(t *testing.T, c *contract) {
		sub := "prune-" + c.w.mentor.ID
		for _, at := range []time.Time{contractEpoch.Add(-2 * time.Hour), contractEpoch.Add(-time.Hour), contractEpoch} {
			c.clock.Set(at)
			record(t, c, storage.AttemptAccount, sub, false)
		}
		update(t, c.db, func(ctx context.Context, tx *storage.Tx) error {
			return tx.PruneAttempts(ctx, contractEpoch.Add(-time.Hour))
		})
		if n := recent(t, c, storage.AttemptAccount, sub, long); n != 2 {
			t.Errorf("%d attempts after pruning those before an hour ago, want 2 (one at the cut-off stays)", n)
		}
		update(t, c.db, func(ctx context.Context, tx *storage.Tx) error {
			return tx.PruneAttempts(ctx, contractEpoch.Add(time.Second))
		})
		if n := recent(t, c, storage.AttemptAccount, sub, long); n != 0 {
			t.Errorf("%d attempts after pruning them all, want 0", n)
		}
	})

	contracts.add("TrustDevice", func(t *testing.T, c *contract) {
		u := c.w.mentor
		tok := "tok-" + u.ID
		update(t, c.db, func(ctx context.Context, tx *storage.Tx) error { return tx.TrustDevice(ctx, tok, u.ID) })
		if !trusted(t, c, tok, u.ID, contractEpoch) {
			t.Error("a device is not trusted right after TrustDevice")
		}
		// Trusting the same token again changes nothing and is no error.
		c.clock.Add(time.Hour)
		update(t, c.db, func(ctx context.Context, tx *storage.Tx) error { return tx.TrustDevice(ctx, tok, u.ID) })
		if n := countB(t, c, `SELECT COUNT(*) FROM trusted_devices WHERE token_hash = $1`, tok); n != 1 {
			t.Errorf("%d rows for one token, want 1", n)
		}
		if trusted(t, c, tok, c.w.nurse.ID, long) {
			t.Error("a device is trusted for another user")
		}
		t.Run("UnknownUser/Err", func(t *testing.T) {
			err := c.db.Update(t.Context(), func(tx *storage.Tx) error { return tx.TrustDevice(t.Context(), "tok2-"+u.ID, casus.NewID()) })
			if err == nil {
				t.Error("a device of an unknown user was trusted")
			}
		})
	})

	contracts.add("PruneTrustedDevices", func(t *testing.T, c *contract) {
		u := c.w.specialist
		old, cut := "old-"+u.ID, "cut-"+u.ID
		c.clock.Set(contractEpoch.Add(-time.Hour))
		trust(t, c, old, u.ID)
		c.clock.Set(contractEpoch)
		trust(t, c, cut, u.ID)
		update(t, c.db, func(ctx context.Context, tx *storage.Tx) error { return tx.PruneTrustedDevices(ctx, contractEpoch) })
		if trusted(t, c, old, u.ID, long) {
			t.Error("a device trusted before the cut-off survived pruning")
		}
		if !trusted(t, c, cut, u.ID, long) {
			t.Error("a device trusted at the cut-off was pruned")
		}
		if n := countB(t, c, `SELECT COUNT(*) FROM trusted_devices WHERE user_id = $1`, u.ID); n != 1 {
			t.Errorf("%d devices left, want 1", n)
		}
	})

	contracts.add("DeviceTrusted", func(t *testing.T, c *contract) {
		u := c.w.nurse
		tok := "dev-" + u.ID
		trust(t, c, tok, u.ID)
		check := func(token, userID string, since time.Time) bool {
			t.Helper()
			return viewValue(t, c.db, func(ctx context.Context, tx *storage.Tx) (bool, error) {
				return tx.DeviceTrusted(ctx, token, userID, since)
			})
		}
		for _, tc := range []struct {
			name   string
			token  string
			user   string
			since  time.Time
			expect bool
		}{
			{"WithinPeriod", tok, u.ID, contractEpoch.AddDate(0, 0, -30), true},
			{"AtSince", tok, u.ID, contractEpoch, true},
			{"BeforeSince", tok, u.ID, contractEpoch.Add(time.Microsecond), false},
			{"UnknownToken", "dev-unknown-" + u.ID, u.ID, long, false},
			{"OtherUser", tok, c.w.police.ID, long, false},
		} {
			if got := check(tc.token, tc.user, tc.since); got != tc.expect {
				t.Errorf("%s: DeviceTrusted = %v, want %v", tc.name, got, tc.expect)
			}
		}
	})
}
