package main

import (
	"testing"

	"casus/storage/storagetest"
)

// TestServeRefusesSynchronousCommitOff: the operator sees which setting
// stops serve, and serve does not start.
func TestServeRefusesSynchronousCommitOff(t *testing.T) {
	for _, engine := range storagetest.PostgresOnly(t) {
		d := newTestDB(t, engine)
		execSQL(t, d, `DO $$ BEGIN EXECUTE format('ALTER DATABASE %I SET synchronous_commit = off', current_database()); END $$`)
		o := cli(t, nil, joined([]string{"serve", "--addr", "127.0.0.1:0"}, d.serveArgs())...)
		mustFail(t, o, "PostgreSQL synchronous_commit is off")
		if o.stdout != "" {
			t.Errorf("serve printed %q", o.stdout)
		}
	}
}
