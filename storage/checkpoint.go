package storage

import (
	"context"
	"crypto/hmac"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"
)

// A Checkpoint records, at a moment, how far each audit chain reached: the
// sequence number and hash of its head. It is signed with a key derived
// from the audit key and written outside the database (a directory the
// operator backs up or ships elsewhere), so whoever later holds the
// database cannot cut entries from the end of a log and move its head back
// unnoticed: verification against the checkpoint finds the entry it
// recorded missing or different.
type Checkpoint struct {
	Version  int             `json:"version"`
	At       time.Time       `json:"at"`
	Instance string          `json:"instance"`
	Logs     []CheckpointLog `json:"logs"`
	// Signature is the hex HMAC-SHA256 of the checkpoint without it.
	Signature string `json:"signature"`
}

// CheckpointLog is one chain's state in a checkpoint.
type CheckpointLog struct {
	Log  string `json:"log"` // "access_log" or "security_events"
	Seq  int64  `json:"seq"`
	Hash string `json:"hash"`
	// LegacySeq is the last entry from before the keyed chain, which must
	// never move.
	LegacySeq int64 `json:"legacy_seq"`
}

const checkpointVersion = 1

func (db *DB) signCheckpoint(cp Checkpoint) string {
	cp.Signature = ""
	b, _ := json.Marshal(cp)
	return mac(db.keys.checkpoint, "checkpoint", string(b))
}

// Checkpoint reads the head of each audit chain in one snapshot and
// returns them signed. It refuses when a head does not point at an entry
// whose keyed hash verifies, so a checkpoint never vouches for a head
// someone moved by hand.
func (db *DB) Checkpoint(ctx context.Context) (Checkpoint, error) {
	cp := Checkpoint{Version: checkpointVersion, At: db.Now().UTC().Truncate(time.Second), Instance: db.Instance}
	q, done, err := db.snapshot(ctx)
	if err != nil {
		return cp, err
	}
	defer done()
	for _, c := range []chain{accessChain, securityChain} {
		s, err := db.readChainState(ctx, q, c)
		if err != nil {
			return cp, err
		}
		if s.headSeq > s.legacySeq && s.headSeq > s.anchorSeq {
			var hash string
			if err := q.QueryRowContext(ctx, `SELECT hash FROM `+c.table+` WHERE seq = $1`, s.headSeq).Scan(&hash); err != nil || hash != s.headHash {
				return cp, &ChainError{Log: c.label, Seq: s.headSeq, Reason: "the head points at an entry that is not there: run casus audit verify"}
			}
		}
		cp.Logs = append(cp.Logs, CheckpointLog{Log: c.name, Seq: s.headSeq, Hash: s.headHash, LegacySeq: s.legacySeq})
	}
	cp.Signature = db.signCheckpoint(cp)
	return cp, nil
}

// WriteCheckpoint takes a checkpoint and writes it to dir as
// casus-checkpoint-<time>.json, readable by the owner only. It returns the
// file's path. First it compares the logs with the newest checkpoint
// already in dir (the entries it recorded, not the whole chain): when they
// no longer match, it writes nothing and says what broke, so the hourly job
// fails loudly instead of vouching for a log that was cut back.
func (db *DB) WriteCheckpoint(ctx context.Context, dir string) (string, Checkpoint, error) {
	if prev, err := db.ReadCheckpoint(dir); err == nil {
		if err := db.matchesCheckpoint(ctx, prev); err != nil {
			return "", Checkpoint{}, fmt.Errorf("the audit logs no longer match the previous checkpoint: %w", err)
		}
	} else if errors.Is(err, ErrCheckpointSignature) {
		return "", Checkpoint{}, fmt.Errorf("the newest checkpoint in %s: %w", dir, err)
	}
	cp, err := db.Checkpoint(ctx)
	if err != nil {
		return "", cp, err
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", cp, fmt.Errorf("storage: checkpoint directory: %w", err)
	}
	b, err := json.MarshalIndent(cp, "", "  ")
	if err != nil {
		return "", cp, err
	}
	name := "casus-checkpoint-" + cp.At.Format("20060102T150405Z") + ".json"
	path := filepath.Join(dir, name)
	// Write beside and rename, so a reader never sees half a checkpoint.
	tmp, err := os.CreateTemp(dir, ".checkpoint-*")
	if err != nil {
		return "", cp, fmt.Errorf("storage: checkpoint: %w", err)
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(append(b, '\n')); err != nil {
		tmp.Close()
		return "", cp, fmt.Errorf("storage: checkpoint: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return "", cp, fmt.Errorf("storage: checkpoint: %w", err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return "", cp, fmt.Errorf("storage: checkpoint: %w", err)
	}
	return path, cp, nil
}

// ErrCheckpointSignature means a checkpoint file was altered or signed with
// another key.
var ErrCheckpointSignature = errors.New("the checkpoint's signature does not match: the file was altered or written with another audit key")

// ReadCheckpoint reads a checkpoint file and checks its signature. A path
// that is a directory reads the newest checkpoint in it.
func (db *DB) ReadCheckpoint(path string) (Checkpoint, error) {
	var cp Checkpoint
	if fi, err := os.Stat(path); err == nil && fi.IsDir() {
		names, err := filepath.Glob(filepath.Join(path, "casus-checkpoint-*.json"))
		if err != nil || len(names) == 0 {
			return cp, fmt.Errorf("no checkpoint files in %s", path)
		}
		sort.Strings(names) // the names sort by time
		path = names[len(names)-1]
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return cp, fmt.Errorf("read checkpoint: %w", err)
	}
	if err := json.Unmarshal(b, &cp); err != nil || cp.Version != checkpointVersion {
		return cp, fmt.Errorf("%s is not a Casus checkpoint", path)
	}
	if !hmac.Equal([]byte(cp.Signature), []byte(db.signCheckpoint(cp))) {
		return cp, ErrCheckpointSignature
	}
	return cp, nil
}

// AuditReport is what VerifyAudit found: how many entries of each log
// verified, and the checkpoint they were compared against.
type AuditReport struct {
	AccessEntries  int64
	SecurityEvents int64
	// AccessLegacy and SecurityLegacy count the verified entries from
	// before the keyed chain: protected by its seal, not by their own HMAC.
	AccessLegacy, SecurityLegacy int64
	Checkpoint                   *Checkpoint
	// ChainsIntact is true once both chains verified, so a failure after it
	// is a mismatch with the checkpoint.
	ChainsIntact bool
}

// legacyCount is how many of a chain's present entries are from before the
// keyed chain.
func (s chainState) legacyCount() int64 { return max(0, s.legacySeq-s.anchorSeq) }

// VerifyAudit verifies both audit chains and, given a checkpoint, compares
// them with it: the entry at each recorded sequence number must still be
// there with the recorded hash, unless a signed prune removed it, and the
// boundary with the entries from before the keyed chain must not have
// moved. It returns a *ChainError saying which log broke where.
func (db *DB) VerifyAudit(ctx context.Context, cp *Checkpoint) (AuditReport, error) {
	r := AuditReport{Checkpoint: cp}
	var err error
	var access, security chainState
	r.AccessEntries, access, err = db.verifyAccess(ctx)
	if err != nil {
		return r, err
	}
	r.SecurityEvents, security, err = db.verifySecurity(ctx)
	if err != nil {
		return r, err
	}
	r.AccessLegacy, r.SecurityLegacy = access.legacyCount(), security.legacyCount()
	r.ChainsIntact = true
	if cp == nil {
		return r, nil
	}
	states := map[string]chainState{accessChain.name: access, securityChain.name: security}
	for _, c := range []chain{accessChain, securityChain} {
		var l *CheckpointLog
		for i := range cp.Logs {
			if cp.Logs[i].Log == c.name {
				l = &cp.Logs[i]
			}
		}
		if l == nil {
			return r, fmt.Errorf("the checkpoint has no %s", c.label)
		}
		if err := db.compareCheckpoint(ctx, c, states[c.name], cp.At, *l); err != nil {
			return r, err
		}
	}
	return r, nil
}

// matchesCheckpoint compares the logs' bookkeeping and the entries a
// checkpoint recorded with it, without walking the chains.
func (db *DB) matchesCheckpoint(ctx context.Context, cp Checkpoint) error {
	for _, c := range []chain{accessChain, securityChain} {
		s, err := db.readChainState(ctx, db.read, c)
		if err != nil {
			return err
		}
		for _, l := range cp.Logs {
			if l.Log == c.name {
				if err := db.compareCheckpoint(ctx, c, s, cp.At, l); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

func (db *DB) compareCheckpoint(ctx context.Context, c chain, s chainState, at time.Time, l CheckpointLog) error {
	when := at.Format(time.RFC3339)
	fail := func(seq int64, reason string, args ...any) error {
		return &ChainError{Log: c.label, Seq: seq, Reason: fmt.Sprintf(reason, args...)}
	}
	if l.LegacySeq != s.legacySeq {
		return fail(l.LegacySeq+1, "the keyed chain started after entry %d at the checkpoint of %s, now after entry %d: the start of the keyed chain was moved",
			l.LegacySeq, when, s.legacySeq)
	}
	switch {
	case l.Seq == 0:
		return nil
	case l.Seq < s.anchorSeq:
		return nil // removed by a signed prune
	case l.Seq == s.anchorSeq:
		if l.Hash != s.anchorHash {
			return fail(l.Seq, "differs from the checkpoint of %s (the prune record names another entry)", when)
		}
		return nil
	case s.headSeq < l.Seq:
		return fail(l.Seq, "recorded in the checkpoint of %s, but the log now ends at entry %d: %s were removed from the end", when, s.headSeq, c.units)
	}
	var hash string
	if err := db.read.QueryRowContext(ctx, `SELECT hash FROM `+c.table+` WHERE seq = $1`, l.Seq).Scan(&hash); err != nil {
		return fail(l.Seq, "recorded in the checkpoint of %s, but missing now", when)
	}
	if hash != l.Hash {
		return fail(l.Seq, "differs from the checkpoint of %s: the log was rewritten from here or earlier", when)
	}
	return nil
}

// Summary describes the checkpoint in one line for the command line.
func (cp Checkpoint) Summary() string {
	var parts []string
	for _, l := range cp.Logs {
		parts = append(parts, fmt.Sprintf("%s up to entry %d", strings.ReplaceAll(l.Log, "_", " "), l.Seq))
	}
	return cp.At.Format(time.RFC3339) + ": " + strings.Join(parts, ", ")
}
