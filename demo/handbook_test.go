package demo_test

import (
	"context"
	"testing"

	"casus"
	"casus/storage"
	"casus/storage/storagetest"
)

// TestHandbookDocuments: the demo's handbook holds every kind the seed
// names, each a file that passes the upload check with the type it is
// served with, due for review more than a year ahead (so the demo's
// reminders stay quiet).
func TestHandbookDocuments(t *testing.T) {
	db := storagetest.Open(t, "sqlite", storagetest.NewClock(now).Now)
	load(t, db, now)
	rows, err := db.ReadSQL().Query(`SELECT id FROM handbook_documents`)
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, id)
	}
	rows.Close()
	kinds := map[casus.DocKind]bool{}
	ctx := context.Background()
	if err := db.View(ctx, func(tx *storage.Tx) error {
		for _, id := range ids {
			d, content, err := tx.Document(ctx, id)
			if err != nil {
				return err
			}
			kinds[d.Kind] = true
			served, err := casus.CheckUpload(d.FileName, content)
			if err != nil || served != d.ContentType {
				t.Errorf("%s: upload check %v, type %q, stored as %q", d.Title, err, served, d.ContentType)
			}
			if !d.ReviewOn.After(now.AddDate(1, 0, 0)) || d.OwnerName == "" {
				t.Errorf("%s: review on %s, owner %q", d.Title, d.ReviewOn, d.OwnerName)
			}
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	for _, k := range casus.DocKinds {
		if !kinds[k] && k != casus.DocOther {
			t.Errorf("no %s document in the demo handbook", k)
		}
	}
}
