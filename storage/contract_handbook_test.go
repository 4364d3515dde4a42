package storage_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"casus"
	"casus/storage"
)

func init() {
	// docB describes a document of the world's ZAT (or of its school when
	// school is set), owned by the coordinator.
	docB := func(c *contract, school bool, kind casus.DocKind, title string, review time.Time) casus.Document {
		d := casus.Document{Kind: kind, Title: title, OwnerID: c.w.coordinator.ID, Version: "1.0", ReviewOn: review,
			FileName: "protocol.pdf", ContentType: "application/pdf", UploadedBy: c.w.specialist.ID}
		if school {
			d.SchoolID = c.w.school.ID
		} else {
			d.TeamID = c.w.zat.ID
		}
		return d
	}
	add := func(t *testing.T, c *contract, d casus.Document, content string) casus.Document {
		t.Helper()
		update(t, c.db, func(ctx context.Context, tx *storage.Tx) error { return tx.AddDocument(ctx, &d, []byte(content)) })
		return d
	}
	addVersion := func(c *contract, old casus.Document, content string) (casus.Document, error) {
		d := casus.Document{OwnerID: c.w.coordinator.ID, Version: "2.0", ReviewOn: date(2027, 11, 1), FileName: "v.pdf",
			ContentType: "application/pdf", UploadedBy: c.w.coordinator.ID}
		err := c.db.Update(context.Background(), func(tx *storage.Tx) error {
			return tx.AddVersion(context.Background(), old, &d, []byte(content))
		})
		return d, err
	}
	document := func(t *testing.T, c *contract, id string) (casus.Document, []byte) {
		t.Helper()
		return viewValue2(t, c.db, func(ctx context.Context, tx *storage.Tx) (casus.Document, []byte, error) { return tx.Document(ctx, id) })
	}
	ids := func(ds []casus.Document) []string { return names(ds, func(d casus.Document) string { return d.ID }) }

	contracts.add("AddDocument", func(t *testing.T, c *contract) {
		d := docB(c, false, casus.DocPrivacy, "Privacyreglement", date(2027, 9, 1))
		update(t, c.db, func(ctx context.Context, tx *storage.Tx) error {
			return tx.AddDocument(ctx, &d, []byte("%PDF-1.7 inhoud"))
		})
		if d.ID == "" || d.Size != int64(len("%PDF-1.7 inhoud")) || !d.CreatedAt.Equal(contractEpoch) {
			t.Errorf("added document %+v, want an id, the content's size and the clock's time", d)
		}
		got, content := document(t, c, d.ID)
		want := d
		want.ScopeName, want.OwnerName = "ZAT Testrijn", "Carla Coördinator"
		if got != want || string(content) != "%PDF-1.7 inhoud" {
			t.Errorf("stored document = %+v %q, want %+v", got, content, want)
		}
		t.Run("School", func(t *testing.T) {
			s := add(t, c, docB(c, true, casus.DocLeaflet, "Folder", date(2027, 9, 1)), "")
			if got, content := document(t, c, s.ID); got.SchoolID != c.w.school.ID || got.TeamID != "" || got.ScopeName != "ROC Testrijn" ||
				got.Size != 0 || len(content) != 0 {
				t.Errorf("school document = %+v, %q", got, content)
			}
		})
		t.Run("UnknownOwner/Err", func(t *testing.T) {
			bad := docB(c, false, casus.DocOther, "x", date(2027, 1, 1))
			bad.OwnerID = casus.NewID()
			if err := c.db.Update(t.Context(), func(tx *storage.Tx) error { return tx.AddDocument(t.Context(), &bad, nil) }); err == nil {
				t.Error("a document of an unknown owner was stored")
			}
		})
	})

	contracts.add("Documents", func(t *testing.T, c *contract) {
		w := c.w
		privacy := add(t, c, docB(c, false, casus.DocPrivacy, "Privacyreglement", date(2027, 9, 1)), "a")
		crisis := add(t, c, docB(c, false, casus.DocCrisis, "Crisisprotocol", date(2027, 9, 1)), "b")
		leaflet := add(t, c, docB(c, true, casus.DocLeaflet, "Folder", date(2027, 9, 1)), "c")
		newer, err := addVersion(c, crisis, "b2")
		must(t, err)
		docs := func(teams, schools []string) []string {
			t.Helper()
			return ids(viewValue(t, c.db, func(ctx context.Context, tx *storage.Tx) ([]casus.Document, error) {
				return tx.Documents(ctx, teams, schools)
			}))
		}
		// By scope name (ROC Testrijn before ZAT Testrijn), then kind (crisis
		// before privacy); only current versions.
		if got, want := docs([]string{w.zat.ID}, []string{w.school.ID}), []string{leaflet.ID, newer.ID, privacy.ID}; !slices.Equal(got, want) {
			t.Errorf("Documents(team, school) = %v, want %v", got, want)
		}
		if got, want := docs([]string{w.zat.ID}, nil), []string{newer.ID, privacy.ID}; !slices.Equal(got, want) {
			t.Errorf("Documents(team) = %v, want %v", got, want)
		}
		if got := docs(nil, []string{w.school.ID}); !slices.Equal(got, []string{leaflet.ID}) {
			t.Errorf("Documents(school) = %v, want the leaflet", got)
		}
		if got := docs([]string{w.intern.ID}, []string{w.otherSchool.ID}); len(got) != 0 {
			t.Errorf("Documents of teams and schools without documents = %v", got)
		}
		if got := docs(nil, nil); len(got) != 0 {
			t.Errorf("Documents of no team or school = %v", got)
		}
	})

	contracts.add("EarlierVersions", func(t *testing.T, c *contract) {
		v1 := add(t, c, docB(c, false, casus.DocMeldcode, "Meldcode", date(2027, 1, 1)), "v1")
		c.clock.Add(time.Hour)
		v2, err := addVersion(c, v1, "v2")
		must(t, err)
		c.clock.Add(time.Hour)
		v3, err := addVersion(c, v2, "v3")
		must(t, err)
		earlier := func(id string) []casus.Document {
			t.Helper()
			return viewValue(t, c.db, func(ctx context.Context, tx *storage.Tx) ([]casus.Document, error) {
				return tx.EarlierVersions(ctx, id)
			})
		}
		got := earlier(v3.ID)
		if !slices.Equal(ids(got), []string{v2.ID, v1.ID}) {
			t.Fatalf("EarlierVersions(v3) = %v, want v2 then v1", ids(got))
		}
		if got[0].SupersededBy != v3.ID || got[1].SupersededBy != v2.ID || got[1].Title != "Meldcode" {
			t.Errorf("earlier versions = %+v", got)
		}
		if got := earlier(v1.ID); len(got) != 0 {
			t.Errorf("EarlierVersions of the first version = %v", ids(got))
		}
		if got := earlier(casus.NewID()); len(got) != 0 {
			t.Errorf("EarlierVersions of an unknown document = %v", ids(got))
		}
	})

	contracts.add("AddVersion", func(t *testing.T, c *contract) {
		old := add(t, c, docB(c, false, casus.DocConsent, "Toestemmingsformulier", date(2027, 1, 1)), "old")
		c.clock.Add(time.Hour)
		d := casus.Document{TeamID: c.w.intern.ID, Kind: casus.DocOther, Title: "Ander", OwnerID: c.w.specialist.ID, Version: "2.0",
			ReviewOn: date(2027, 11, 1), FileName: "new.pdf", ContentType: "application/pdf", UploadedBy: c.w.coordinator.ID}
		update(t, c.db, func(ctx context.Context, tx *storage.Tx) error { return tx.AddVersion(ctx, old, &d, []byte("new")) })
		got, content := document(t, c, d.ID)
		if got.TeamID != c.w.zat.ID || got.Kind != casus.DocConsent || got.Title != "Toestemmingsformulier" || got.OwnerID != c.w.specialist.ID ||
			got.Version != "2.0" || string(content) != "new" || got.SupersededBy != "" || !got.CreatedAt.Equal(contractEpoch.Add(time.Hour)) {
			t.Errorf("new version = %+v %q, want the old one's team, kind and title with its own owner and content", got, content)
		}
		if o, content := document(t, c, old.ID); o.SupersededBy != d.ID || string(content) != "old" {
			t.Errorf("old version = %+v %q, want it replaced by %s and kept", o, content, d.ID)
		}
		t.Run("Replaced/Conflict", func(t *testing.T) {
			other, err := addVersion(c, old, "other")
			wantCode(t, err, casus.ECONFLICT)
			if o, _ := document(t, c, old.ID); o.SupersededBy != d.ID {
				t.Errorf("a refused version moved the replacement to %s", o.SupersededBy)
			}
			err = c.db.View(t.Context(), func(tx *storage.Tx) error { _, _, err := tx.Document(t.Context(), other.ID); return err })
			wantCode(t, err, casus.ENOTFOUND)
		})
	})

	contracts.add("Document", func(t *testing.T, c *contract) {
		d := add(t, c, docB(c, false, casus.DocComplaints, "Klachtenregeling", date(2027, 3, 1)), "\x00binary\xff")
		got, content := viewValue2(t, c.db, func(ctx context.Context, tx *storage.Tx) (casus.Document, []byte, error) {
			return tx.Document(ctx, d.ID)
		})
		if got.ID != d.ID || got.Title != "Klachtenregeling" || got.OwnerName != "Carla Coördinator" || got.ScopeName != "ZAT Testrijn" ||
			!got.ReviewOn.Equal(date(2027, 3, 1)) || string(content) != "\x00binary\xff" || got.Size != int64(len(content)) {
			t.Errorf("Document = %+v %q", got, content)
		}
		for _, id := range []string{casus.NewID(), "not-an-id"} {
			err := c.db.View(t.Context(), func(tx *storage.Tx) error { _, _, err := tx.Document(t.Context(), id); return err })
			wantCode(t, err, casus.ENOTFOUND)
		}
	})

	contracts.add("DocumentsDue", func(t *testing.T, c *contract) {
		due := add(t, c, docB(c, false, casus.DocPrivacy, "Verlopen", date(2026, 11, 1)), "")
		today := add(t, c, docB(c, true, casus.DocCrisis, "Vandaag", date(2026, 11, 2)), "")
		later := add(t, c, docB(c, false, casus.DocLeaflet, "Later", date(2026, 11, 3)), "")
		replaced := add(t, c, docB(c, false, casus.DocOther, "Vervangen", date(2026, 10, 1)), "")
		newer, err := addVersion(c, replaced, "") // reviewed in 2027
		must(t, err)
		got := viewValue(t, c.db, func(ctx context.Context, tx *storage.Tx) ([]casus.Document, error) {
			return tx.DocumentsDue(ctx, date(2026, 11, 2))
		})
		mine := map[string]bool{}
		for _, d := range got {
			mine[d.ID] = true
		}
		if !mine[due.ID] || !mine[today.ID] || mine[later.ID] || mine[replaced.ID] || mine[newer.ID] {
			t.Errorf("DocumentsDue(2 November): overdue %v, today %v, later %v, replaced %v, new version %v; want true, true, false, false, false",
				mine[due.ID], mine[today.ID], mine[later.ID], mine[replaced.ID], mine[newer.ID])
		}
	})

	contracts.add("MemberTeams", func(t *testing.T, c *contract) {
		w := c.w
		teams := func(userID string) []string {
			t.Helper()
			ts := viewValue(t, c.db, func(ctx context.Context, tx *storage.Tx) ([]string, error) { return tx.MemberTeams(ctx, userID) })
			slices.Sort(ts)
			return ts
		}
		both := []string{w.intern.ID, w.zat.ID}
		slices.Sort(both)
		if got := teams(w.coordinator.ID); !slices.Equal(got, both) {
			t.Errorf("MemberTeams(coordinator) = %v, want both teams %v", got, both)
		}
		if got := teams(w.police.ID); !slices.Equal(got, []string{w.zat.ID}) {
			t.Errorf("MemberTeams(on call) = %v, want the ZAT", got)
		}
		if got := teams(w.admin.ID); len(got) != 0 {
			t.Errorf("MemberTeams(admin) = %v, want none", got)
		}
	})
}
