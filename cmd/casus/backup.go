package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"casus/storage"
)

// backupPrefix and backupStamp name the backups in a backup directory:
// casus-20261205T221500.000Z, so names sort by time.
const (
	backupPrefix = "casus-"
	backupStamp  = "20060102T150405.000Z"
)

func cmdBackup(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) error {
	f := newFlags("backup", stderr, getenv)
	db := f.database()
	dir := f.str("backup-dir", "", "directory to write the backup to, as a new subdirectory casus-<time> (a copy of the database and manifest.json)")
	keep := f.integer("backup-keep", 0, "keep only the newest N backups in --backup-dir, removing older ones; 0 keeps all")
	if err := f.Parse(args); err != nil {
		return err
	}
	if *dir == "" {
		return usageError{"backup needs --backup-dir"}
	}
	store, err := db.open(ctx)
	if err != nil {
		return err
	}
	defer store.Close()
	start := time.Now()
	path, m, err := backupOnce(ctx, store, *dir, *keep)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "backup written to %s: %d tables, %d rows, in %s\n", path, len(m.Tables), m.Rows(), time.Since(start).Round(time.Millisecond))
	return nil
}

// backupOnce writes one backup into dir and then removes the oldest backups
// beyond keep (0 keeps all).
func backupOnce(ctx context.Context, store *storage.DB, dir string, keep int) (string, storage.Manifest, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", storage.Manifest{}, fmt.Errorf("backup: %w", err)
	}
	path := filepath.Join(dir, backupPrefix+store.Now().UTC().Format(backupStamp))
	m, err := store.Backup(ctx, path)
	if err != nil {
		return "", m, err
	}
	if keep > 0 {
		backups, err := listBackups(dir)
		if err != nil {
			return path, m, err
		}
		for len(backups) > keep {
			if err := os.RemoveAll(filepath.Join(dir, backups[0])); err != nil {
				return path, m, fmt.Errorf("backup: rotate: %w", err)
			}
			backups = backups[1:]
		}
	}
	return path, m, nil
}

// listBackups lists the complete backups in dir (those with a manifest),
// oldest first.
func listBackups(dir string) ([]string, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("backup: %w", err)
	}
	var out []string
	for _, e := range entries {
		if !e.IsDir() || !strings.HasPrefix(e.Name(), backupPrefix) {
			continue
		}
		if _, err := time.Parse(backupStamp, strings.TrimPrefix(e.Name(), backupPrefix)); err != nil {
			continue
		}
		if _, err := os.Stat(filepath.Join(dir, e.Name(), storage.ManifestFile)); err == nil {
			out = append(out, e.Name())
		}
	}
	slices.Sort(out)
	return out, nil
}

// scheduleBackups writes a backup every interval until ctx ends, keeping
// the newest keep. The first is due one interval after the newest backup
// already in dir, so restarts do not multiply backups nor postpone them
// forever. It returns when ctx ends; a failed backup is logged and tried
// again at the next interval.
func scheduleBackups(ctx context.Context, store *storage.DB, dir string, every time.Duration, keep int, logger *slog.Logger) {
	next := firstBackupDue(dir, every, time.Now())
	for {
		select {
		case <-ctx.Done():
			return
		case <-time.After(time.Until(next)):
		}
		start := time.Now()
		path, m, err := backupOnce(ctx, store, dir, keep)
		if err != nil {
			if ctx.Err() == nil {
				logger.Error("scheduled backup failed", "err", err)
			}
		} else {
			logger.Info("backup written", "path", path, "tables", len(m.Tables), "rows", m.Rows(),
				"duration_ms", time.Since(start).Milliseconds())
		}
		next = start.Add(every)
	}
}

// firstBackupDue is when the first scheduled backup is due: one interval
// after the newest complete backup in dir, or now when there is none.
func firstBackupDue(dir string, every time.Duration, now time.Time) time.Time {
	backups, err := listBackups(dir)
	if err != nil || len(backups) == 0 {
		return now
	}
	last, err := time.Parse(backupStamp, strings.TrimPrefix(backups[len(backups)-1], backupPrefix))
	if err != nil {
		return now
	}
	return last.Add(every)
}

func cmdRestore(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) error {
	f := newFlags("restore", stderr, getenv)
	db := f.database()
	from := f.str("from", "", "the backup directory to restore (one casus-<time> directory written by casus backup)")
	force := f.boolean("force", false, "replace what the target database holds; stop casus serve first")
	if err := f.Parse(args); err != nil {
		return err
	}
	if *from == "" {
		return usageError{"restore needs --from"}
	}
	// The backup holds no keys: without the installation's own key the
	// audit chains cannot be verified and the secrets not decrypted, and a
	// new key would silently be generated.
	if *db.url == "" && *db.secretKey == "" {
		if _, err := os.Stat(filepath.Join(*db.dir, "secret.key")); err != nil {
			return fmt.Errorf("restore needs the secret key of the installation the backup came from: "+
				"copy its secret.key into %s, or give --secret-key (CASUS_SECRET_KEY)", *db.dir)
		}
	}
	if _, err := db.auditKeyBytes(); err != nil {
		return err
	}
	start := time.Now()
	m, err := storage.Restore(ctx, *from, storage.RestoreTarget{URL: *db.url, Dir: *db.dir, Force: *force})
	if errors.Is(err, storage.ErrNotEmpty) {
		return fmt.Errorf("%w; restore does not overwrite data: give --force to replace it (stop casus serve first)", err)
	}
	if err != nil {
		return fmt.Errorf("restore FAILED: %w", err)
	}
	restored := time.Since(start)
	fmt.Fprintf(stdout, "restored %d tables, %d rows from the backup of %s in %s; every table's row count and checksum match the manifest\n",
		len(m.Tables), m.Rows(), m.Created.Format(time.RFC3339), restored.Round(time.Millisecond))
	store, err := db.open(ctx) // migrates a backup from an older version
	if err != nil {
		return err
	}
	defer store.Close()
	return verifyAudit(ctx, store, nil, stdout)
}
