package web_test

import (
	"net/http"
	"testing"
	"time"

	"casus/demo"
	"casus/storage/storagetest"
	"casus/web/webtest"
)

// TestSessionNotRewrittenUnchanged: a page that changes nothing in the
// session does not write it again within a minute of its last write; after
// a minute the next page moves its expiry on (one write), and the user is
// still logged in.
func TestSessionNotRewrittenUnchanged(t *testing.T) {
	t.Parallel()
	for _, engine := range storagetest.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			env := webtest.Start(t, engine, webtest.Options{})
			c := env.NewClient()
			c.Login(demo.UserCoordinator)
			row := func() string {
				var data []byte
				var expiry string // a float on SQLite, a timestamp on PostgreSQL
				if err := env.SQL().QueryRow(`SELECT data, CAST(expiry AS TEXT) FROM sessions`).Scan(&data, &expiry); err != nil {
					t.Fatalf("the one session: %v", err)
				}
				return string(data) + expiry
			}
			get := func() int64 {
				res := c.Get("/")
				if res.Status != http.StatusOK {
					t.Fatalf("start page: %d", res.Status)
				}
				return env.Statements(res)
			}
			first := get() // the first page after login marks the session used: a write
			stored := row()
			env.Clock.Add(30 * time.Second)
			second := get()
			if row() != stored {
				t.Errorf("the session was rewritten by a page that changed nothing in it")
			}
			if second != first-1 {
				t.Errorf("statements: %d then %d, want one fewer (no session write)", first, second)
			}
			env.Clock.Add(time.Minute)
			if third := get(); third != first || row() == stored {
				t.Errorf("a minute later: %d statements (want %d) and the session written: %v", third, first, row() != stored)
			}
		})
	}
}
