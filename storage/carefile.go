package storage

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgconn"

	"casus"
)

// ErrEntryConflict is returned when a correction names a version that is no
// longer the newest: someone else corrected the entry first.
var ErrEntryConflict = &casus.Error{Code: casus.ECONFLICT, Key: "error.care_entry_conflict"}

// ErrRouteConflict is returned when a route change starts from a step that
// is no longer the current one: someone else changed the route first.
var ErrRouteConflict = &casus.Error{Code: casus.ECONFLICT, Key: "error.care_route_conflict"}

// AddCareEntry stores a new entry of a student's care file as version 1 of
// v, written by the entry's author. It fills in the ids and times.
func (tx *Tx) AddCareEntry(ctx context.Context, e *casus.CareEntry) error {
	now := tx.Now()
	e.CreatedAt = now
	if err := tx.insert(ctx, "care entry", `INSERT INTO care_entries (id, student_id, author_id, created_at) VALUES ($1, $2, $3, $4)`,
		ensureID(&e.ID), e.StudentID, e.AuthorID, now); err != nil {
		return err
	}
	v := &e.Current
	v.EntryID, v.Version, v.ByID, v.RecordedAt, v.Reason = e.ID, 1, e.AuthorID, now, ""
	e.Versions = 1
	return tx.insertVersion(ctx, v)
}

func (tx *Tx) insertVersion(ctx context.Context, v *casus.EntryVersion) error {
	_, err := tx.exec(ctx, `INSERT INTO care_entry_versions (entry_id, version, kind, visibility, occurred_on, body, by_id,
		recorded_at, reason) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
		v.EntryID, v.Version, string(v.Kind), string(v.Visibility), careDay(v.OccurredOn), v.Text, v.ByID, v.RecordedAt, v.Reason)
	if isCareDuplicate(err) {
		return ErrEntryConflict
	}
	if err != nil {
		return fmt.Errorf("storage: care entry version: %w", err)
	}
	return nil
}

// CorrectCareEntry adds v as the next version of its entry. v.Version must
// be the version the correction was made on, the newest when the writer
// opened it; when the entry has a newer one it returns ErrEntryConflict
// (ECONFLICT) and writes nothing. On success v.Version is the new number.
func (tx *Tx) CorrectCareEntry(ctx context.Context, v *casus.EntryVersion) error {
	if tx.db.Engine == Postgres {
		// Corrections of one entry queue here; SQLite's immediate
		// transaction already holds the write lock.
		if _, err := tx.exec(ctx, `SELECT id FROM care_entries WHERE id = $1 FOR UPDATE`, v.EntryID); err != nil {
			return notFound(err, "care entry lock")
		}
	}
	var latest int
	if err := tx.queryRow(ctx, `SELECT COALESCE(MAX(version), 0) FROM care_entry_versions WHERE entry_id = $1`,
		v.EntryID).Scan(&latest); err != nil {
		return notFound(err, "care entry version")
	}
	if latest == 0 {
		return casus.ErrNotFound
	}
	if latest != v.Version {
		return ErrEntryConflict
	}
	v.Version = latest + 1
	v.RecordedAt = tx.Now()
	return tx.insertVersion(ctx, v)
}

const entryColumns = `e.id, e.student_id, e.author_id, a.name, e.created_at,
	v.version, v.kind, v.visibility, v.occurred_on, v.body, v.by_id, b.name, v.recorded_at, v.reason,
	(SELECT COUNT(*) FROM care_entry_versions n WHERE n.entry_id = e.id)`

const entryFrom = ` FROM care_entries e
	JOIN care_entry_versions v ON v.entry_id = e.id
		AND v.version = (SELECT MAX(m.version) FROM care_entry_versions m WHERE m.entry_id = e.id)
	JOIN users a ON a.id = e.author_id
	JOIN users b ON b.id = v.by_id `

func scanEntry(r scanner) (casus.CareEntry, error) {
	var e casus.CareEntry
	v := &e.Current
	err := r.Scan(&e.ID, &e.StudentID, &e.AuthorID, &e.AuthorName, &e.CreatedAt,
		&v.Version, &v.Kind, &v.Visibility, &v.OccurredOn, &v.Text, &v.ByID, &v.ByName, &v.RecordedAt, &v.Reason, &e.Versions)
	v.EntryID = e.ID
	e.CreatedAt, v.RecordedAt = e.CreatedAt.UTC(), v.RecordedAt.UTC()
	v.OccurredOn = careDay(v.OccurredOn)
	return e, err
}

// CareEntries returns every entry of the student's care file in its newest
// version, newest event first. The caller shows only those the policy lets
// the reader see.
func (tx *Tx) CareEntries(ctx context.Context, studentID string) ([]casus.CareEntry, error) {
	rows, err := tx.query(ctx, `SELECT `+entryColumns+entryFrom+`WHERE e.student_id = $1
		ORDER BY v.occurred_on DESC, e.created_at DESC, e.id DESC`, studentID)
	if err != nil {
		return nil, fmt.Errorf("storage: care entries: %w", err)
	}
	defer rows.Close()
	var es []casus.CareEntry
	for rows.Next() {
		e, err := scanEntry(rows)
		if err != nil {
			return nil, err
		}
		es = append(es, e)
	}
	return es, rows.Err()
}

// CareEntry returns one entry of the student's care file in its newest
// version, or ENOTFOUND when the student has no such entry.
func (tx *Tx) CareEntry(ctx context.Context, studentID, entryID string) (casus.CareEntry, error) {
	e, err := scanEntry(tx.queryRow(ctx, `SELECT `+entryColumns+entryFrom+`WHERE e.student_id = $1 AND e.id = $2`,
		studentID, entryID))
	return e, notFound(err, "care entry")
}

// CareEntryVersions returns every version of an entry, oldest first.
func (tx *Tx) CareEntryVersions(ctx context.Context, entryID string) ([]casus.EntryVersion, error) {
	rows, err := tx.query(ctx, `SELECT v.entry_id, v.version, v.kind, v.visibility, v.occurred_on, v.body, v.by_id, b.name,
		v.recorded_at, v.reason FROM care_entry_versions v JOIN users b ON b.id = v.by_id
		WHERE v.entry_id = $1 ORDER BY v.version`, entryID)
	if err != nil {
		return nil, fmt.Errorf("storage: care entry versions: %w", err)
	}
	defer rows.Close()
	var vs []casus.EntryVersion
	for rows.Next() {
		var v casus.EntryVersion
		if err := rows.Scan(&v.EntryID, &v.Version, &v.Kind, &v.Visibility, &v.OccurredOn, &v.Text, &v.ByID, &v.ByName,
			&v.RecordedAt, &v.Reason); err != nil {
			return nil, err
		}
		v.OccurredOn, v.RecordedAt = careDay(v.OccurredOn), v.RecordedAt.UTC()
		vs = append(vs, v)
	}
	return vs, rows.Err()
}

// isCareDuplicate reports whether err is a primary-key or unique violation: on
// PostgreSQL a concurrent writer that got the same number first.
func isCareDuplicate(err error) bool {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		return pgErr.Code == "23505" // unique_violation
	}
	return err != nil && strings.Contains(err.Error(), "UNIQUE constraint failed")
}

// careDay is the calendar day of t, as a UTC midnight: DATE columns hold no
// time or zone.
func careDay(t time.Time) time.Time {
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// StudentIDByNumber returns the id of the school's student with the number,
// or ENOTFOUND. It reads no personal data and is meant for imports and the
// demo, which know students by their numbers.
func (tx *Tx) StudentIDByNumber(ctx context.Context, schoolID, number string) (string, error) {
	var id string
	err := tx.queryRow(ctx, `SELECT id FROM students WHERE school_id = $1 AND student_number = $2`, schoolID, number).Scan(&id)
	return id, notFound(err, "student by number")
}
