package storage_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"casus"
	"casus/storage"
)

// issueC stores a token of the coordinator's sight issued by the world's
// beheerder, and returns it with its secret's hash.
func issueC(t *testing.T, c *contract, name string, expires time.Duration, scopes ...casus.Scope) (casus.APIToken, string) {
	t.Helper()
	tok := casus.APIToken{Name: name, UserID: c.w.coordinator.ID, Scopes: scopes, CreatedBy: c.w.admin.ID,
		ExpiresAt: c.clock.Now().Add(expires).In(casus.Amsterdam)}
	hash := casus.TokenHash(casus.NewID())
	update(t, c.db, func(ctx context.Context, tx *storage.Tx) error { return tx.CreateAPIToken(ctx, &tok, hash) })
	return tok, hash
}

func init() {
	contracts.add("CreateAPIToken", func(t *testing.T, c *contract) {
		tok, hash := issueC(t, c, "Magister-koppeling", time.Hour+789*time.Nanosecond, casus.ScopeStudentsRead, casus.ScopeCasesRead)
		if !casus.ValidID(tok.ID) || !tok.CreatedAt.Equal(contractEpoch) || tok.ExpiresAt.Location() != time.UTC ||
			!tok.ExpiresAt.Equal(contractEpoch.Add(time.Hour)) {
			t.Errorf("created token = %+v: want an id, created now, the expiry in UTC to the µs", tok)
		}
		t.Run("SecretHashUnique/Err", func(t *testing.T) {
			dup := casus.APIToken{Name: "twee", UserID: c.w.mentor.ID, Scopes: []casus.Scope{casus.ScopeTeamsRead}, CreatedBy: c.w.admin.ID,
				ExpiresAt: c.clock.Now().Add(time.Hour)}
			if err := updateErrC(t, c, func(ctx context.Context, tx *storage.Tx) error { return tx.CreateAPIToken(ctx, &dup, hash) }); err == nil {
				t.Error("a second token with the same secret hash was stored")
			}
		})
	})

	contracts.add("APITokenByHash", func(t *testing.T, c *contract) {
		tok, hash := issueC(t, c, "Gemeente", 24*time.Hour, casus.ScopeTeamsRead)
		got := viewValue(t, c.db, func(ctx context.Context, tx *storage.Tx) (casus.APIToken, error) { return tx.APITokenByHash(ctx, hash) })
		if got.ID != tok.ID || got.Name != "Gemeente" || got.UserID != c.w.coordinator.ID || got.UserName != c.w.coordinator.Name ||
			!slices.Equal(got.Scopes, []casus.Scope{casus.ScopeTeamsRead}) || got.CreatedBy != c.w.admin.ID ||
			!got.CreatedAt.Equal(contractEpoch) || !got.ExpiresAt.Equal(tok.ExpiresAt) || !got.RevokedAt.IsZero() {
			t.Errorf("APITokenByHash = %+v, want %+v", got, tok)
		}
		t.Run("Unknown/ErrNotFound", func(t *testing.T) {
			err := viewErrC(t, c, func(ctx context.Context, tx *storage.Tx) error {
				_, err := tx.APITokenByHash(ctx, casus.TokenHash("nobody's"))
				return err
			})
			wantCode(t, err, casus.ENOTFOUND)
		})
		t.Run("RevokedStillFound", func(t *testing.T) {
			update(t, c.db, func(ctx context.Context, tx *storage.Tx) error {
				_, err := tx.RevokeAPIToken(ctx, tok.ID, c.w.admin.ID)
				return err
			})
			got := viewValue(t, c.db, func(ctx context.Context, tx *storage.Tx) (casus.APIToken, error) { return tx.APITokenByHash(ctx, hash) })
			if got.RevokedAt.IsZero() || got.InForce(c.clock.Now()) {
				t.Errorf("revoked token read back as %+v: storage must report the revocation", got)
			}
		})
	})

	contracts.add("APITokens", func(t *testing.T, c *contract) {
		old, _ := issueC(t, c, "Oud", time.Hour, casus.ScopeStudentsRead)
		c.clock.Add(time.Minute)
		newer, _ := issueC(t, c, "Nieuw", time.Hour, casus.ScopeActionsRead, casus.ScopeActionsWrite)
		all := viewValue(t, c.db, func(ctx context.Context, tx *storage.Tx) ([]casus.APIToken, error) { return tx.APITokens(ctx) })
		var mine []casus.APIToken
		for _, x := range all {
			if x.ID == old.ID || x.ID == newer.ID {
				mine = append(mine, x)
			}
		}
		if len(mine) != 2 || mine[0].ID != newer.ID || mine[1].ID != old.ID || len(mine[0].Scopes) != 2 {
			t.Errorf("APITokens = %+v, want the newer token first, each with its scopes", mine)
		}
	})

	contracts.add("RevokeAPIToken", func(t *testing.T, c *contract) {
		tok, _ := issueC(t, c, "Somtoday", time.Hour, casus.ScopeStudentsRead)
		c.clock.Add(time.Minute)
		got := updateValue(t, c.db, func(ctx context.Context, tx *storage.Tx) (casus.APIToken, error) {
			return tx.RevokeAPIToken(ctx, tok.ID, c.w.admin.ID)
		})
		if got.ID != tok.ID || !got.RevokedAt.Equal(contractEpoch.Add(time.Minute)) {
			t.Errorf("revoked = %+v, want revoked now", got)
		}
		revoke := func(id string) error {
			return updateErrC(t, c, func(ctx context.Context, tx *storage.Tx) error {
				_, err := tx.RevokeAPIToken(ctx, id, c.w.admin.ID)
				return err
			})
		}
		t.Run("Twice/ErrNotFound", func(t *testing.T) { wantCode(t, revoke(tok.ID), casus.ENOTFOUND) })
		t.Run("Unknown/ErrNotFound", func(t *testing.T) { wantCode(t, revoke(casus.NewID()), casus.ENOTFOUND) })
		t.Run("Malformed/ErrNotFound", func(t *testing.T) { wantCode(t, revoke("not-an-id"), casus.ENOTFOUND) })
	})
}

func init() {
	contracts.add("ChangesSince", func(t *testing.T, c *contract) {
		w := c.w
		log := func(action casus.AccessAction, outcome casus.Outcome, student, kind string) casus.AccessEntry {
			e := casus.AccessEntry{UserID: w.coordinator.ID, UserName: w.coordinator.Name, Role: casus.RoleCoordinator,
				Relation: casus.RelCoordinator, StudentID: student, ObjectKind: kind, ObjectID: casus.NewID(), Action: action,
				Purpose: "test", Outcome: outcome, Basis: casus.BasisTeam}
			update(t, c.db, func(ctx context.Context, tx *storage.Tx) error { return tx.LogAccess(ctx, &e) })
			return e
		}
		start := log(casus.ActRead, casus.OutcomeGranted, w.sanne.ID, "student") // the poller's starting point
		created := log(casus.ActCreate, casus.OutcomeGranted, w.sanne.ID, "action")
		log(casus.ActRead, casus.OutcomeGranted, w.sanne.ID, "student")
		log(casus.ActChange, casus.OutcomeDenied, w.sanne.ID, "action")
		log(casus.ActChange, casus.OutcomeGranted, "", "settings")
		changed := log(casus.ActChange, casus.OutcomeGranted, w.sanne.ID, "case")
		since := func(after int64, scan int) ([]storage.Change, int64) {
			var cs []storage.Change
			var last int64
			err := viewErrC(t, c, func(ctx context.Context, tx *storage.Tx) (err error) {
				cs, last, err = tx.ChangesSince(ctx, after, scan)
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
			// Other cases share the database: keep this case's student.
			var mine []storage.Change
			for _, x := range cs {
				if x.StudentID == w.sanne.ID {
					mine = append(mine, x)
				}
			}
			return mine, last
		}
		cs, last := since(start.Seq, 100)
		if len(cs) != 2 || cs[0].Seq != created.Seq || cs[0].Action != casus.ActCreate || cs[0].ObjectKind != "action" ||
			cs[0].ObjectID != created.ObjectID || !cs[0].At.Equal(created.At) || cs[1].Seq != changed.Seq || last < changed.Seq {
			t.Errorf("ChangesSince = %+v, last %d; want the granted create and change only, last ≥ %d", cs, last, changed.Seq)
		}
		t.Run("ScanWindow", func(t *testing.T) {
			cs, last := since(start.Seq, 2)
			if len(cs) != 1 || cs[0].Seq != created.Seq || last != start.Seq+2 {
				t.Errorf("window of 2 = %+v, last %d; want the create, last %d", cs, last, start.Seq+2)
			}
		})
		t.Run("NothingAfter", func(t *testing.T) {
			cs, last := since(1<<50, 10)
			if len(cs) != 0 || last != 1<<50 {
				t.Errorf("after the end = %+v, last %d; want nothing and the same cursor", cs, last)
			}
		})
	})
}
