package storage

import (
	"context"
	"fmt"
	"time"

	"casus"
)

// AddDocument stores a handbook document with its content, under a new
// internal id; the file's own name is kept only to offer it on download.
func (tx *Tx) AddDocument(ctx context.Context, d *casus.Document, content []byte) error {
	d.CreatedAt = tx.Now()
	d.Size = int64(len(content))
	return tx.insert(ctx, "document", `INSERT INTO handbook_documents (id, team_id, school_id, kind, title, owner_id, version,
		review_on, file_name, content_type, size, content, uploaded_by, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)`,
		ensureID(&d.ID), nullable(d.TeamID), nullable(d.SchoolID), string(d.Kind), d.Title, d.OwnerID, d.Version,
		utc(d.ReviewOn), d.FileName, d.ContentType, d.Size, content, d.UploadedBy, d.CreatedAt)
}

const documentColumns = `d.id, COALESCE(CAST(d.team_id AS TEXT), ''), COALESCE(CAST(d.school_id AS TEXT), ''), COALESCE(t.name, s.name, ''), d.kind, d.title,
	d.owner_id, o.name, d.version, d.review_on, d.file_name, d.content_type, d.size, d.uploaded_by, d.created_at,
	COALESCE(CAST(d.superseded_by AS TEXT), '')`

const documentFrom = ` FROM handbook_documents d JOIN users o ON o.id = d.owner_id
	LEFT JOIN care_teams t ON t.id = d.team_id LEFT JOIN schools s ON s.id = d.school_id`

func scanDocument(r scanner) (casus.Document, error) {
	var d casus.Document
	err := r.Scan(&d.ID, &d.TeamID, &d.SchoolID, &d.ScopeName, &d.Kind, &d.Title, &d.OwnerID, &d.OwnerName, &d.Version,
		&d.ReviewOn, &d.FileName, &d.ContentType, &d.Size, &d.UploadedBy, &d.CreatedAt, &d.SupersededBy)
	d.ReviewOn, d.CreatedAt = d.ReviewOn.UTC(), d.CreatedAt.UTC()
	return d, err
}

func (tx *Tx) documents(ctx context.Context, where string, args ...any) ([]casus.Document, error) {
	return queryAll(ctx, tx, "documents", scanDocument, `SELECT `+documentColumns+documentFrom+` WHERE `+where+
		` ORDER BY COALESCE(t.name, s.name), d.kind, d.title, d.created_at DESC`, args...)
}

// Documents returns the current versions of the handbook documents of the
// teams and schools.
func (tx *Tx) Documents(ctx context.Context, teamIDs, schoolIDs []string) ([]casus.Document, error) {
	var args []any
	where := "1 = 0"
	if len(teamIDs) > 0 {
		where += " OR d.team_id IN (" + placeholders(&args, teamIDs) + ")"
	}
	if len(schoolIDs) > 0 {
		where += " OR d.school_id IN (" + placeholders(&args, schoolIDs) + ")"
	}
	return tx.documents(ctx, "d.superseded_by IS NULL AND ("+where+")", args...)
}

// EarlierVersions returns the versions a document replaced, newest first.
func (tx *Tx) EarlierVersions(ctx context.Context, id string) ([]casus.Document, error) {
	var out []casus.Document
	for range 100 { // a chain longer than this is no handbook's
		prev, err := tx.documents(ctx, "d.superseded_by = $1", id)
		if err != nil || len(prev) == 0 {
			return out, err
		}
		out = append(out, prev[0])
		id = prev[0].ID
	}
	return out, nil
}

// AddVersion stores d as the new version of the current document old: it
// keeps old's team or school, kind and title, and old is marked replaced.
// A document that was replaced in the meantime is a conflict.
func (tx *Tx) AddVersion(ctx context.Context, old casus.Document, d *casus.Document, content []byte) error {
	d.TeamID, d.SchoolID, d.Kind, d.Title = old.TeamID, old.SchoolID, old.Kind, old.Title
	if err := tx.AddDocument(ctx, d, content); err != nil {
		return err
	}
	res, err := tx.exec(ctx, `UPDATE handbook_documents SET superseded_by = $2 WHERE id = $1 AND superseded_by IS NULL`, old.ID, d.ID)
	if err != nil {
		return fmt.Errorf("storage: supersede document: %w", err)
	}
	if n, err := res.RowsAffected(); err != nil || n != 1 {
		return casus.Errorf(casus.ECONFLICT, "handbook.replaced")
	}
	return nil
}

// Document returns one document's description and content.
func (tx *Tx) Document(ctx context.Context, id string) (casus.Document, []byte, error) {
	d, err := scanDocument(tx.queryRow(ctx, `SELECT `+documentColumns+documentFrom+` WHERE d.id = $1`, id))
	if err != nil {
		return d, nil, notFound(err, "document")
	}
	var content []byte
	if err := tx.queryRow(ctx, `SELECT content FROM handbook_documents WHERE id = $1`, id).Scan(&content); err != nil {
		return d, nil, notFound(err, "document content")
	}
	return d, content, nil
}

// DocumentsDue returns the documents whose review day is on or before day.
func (tx *Tx) DocumentsDue(ctx context.Context, day time.Time) ([]casus.Document, error) {
	return tx.documents(ctx, "d.superseded_by IS NULL AND d.review_on <= $1", utc(day))
}

// MemberTeams returns the ids of the teams the user is a member of.
func (tx *Tx) MemberTeams(ctx context.Context, userID string) ([]string, error) {
	return tx.column(ctx, "member teams", `SELECT team_id FROM team_members WHERE user_id = $1`, userID)
}
