package storage_test

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"casus"
	"casus/storage"
)

// rectificationC records a request about the student, received on the day.
func rectificationC(t *testing.T, c *contract, studentID string, received time.Time) casus.RectificationRequest {
	t.Helper()
	r := casus.RectificationRequest{StudentID: studentID, Concerns: "verslag", Requester: casus.PartyParent,
		RequesterName: "Els Visser", ReceivedOn: received, Request: "Het klopt niet.", RecordedBy: c.w.coordinator.ID}
	update(t, c.db, func(ctx context.Context, tx *storage.Tx) error { return tx.AddRectificationRequest(ctx, &r) })
	return r
}

// rectificationOfC reads a request back.
func rectificationOfC(t *testing.T, c *contract, studentID, id string) casus.RectificationRequest {
	t.Helper()
	return viewValue(t, c.db, func(ctx context.Context, tx *storage.Tx) (casus.RectificationRequest, error) {
		return tx.RectificationRequest(ctx, studentID, id)
	})
}

// entryC adds a care-file entry of the student.
func entryC(t *testing.T, c *contract, studentID string) casus.CareEntry {
	t.Helper()
	e := casus.CareEntry{StudentID: studentID, AuthorID: c.w.mentor.ID, Current: casus.EntryVersion{Kind: casus.EntrySignal,
		Visibility: casus.VisGuidance, OccurredOn: date(2026, 10, 5), Text: "Vaak te laat."}}
	update(t, c.db, func(ctx context.Context, tx *storage.Tx) error { return tx.AddCareEntry(ctx, &e) })
	return e
}

func init() {
	contracts.add("AddRectificationRequest", func(t *testing.T, c *contract) {
		w := c.w
		e := entryC(t, c, w.sanne.ID)
		r := casus.RectificationRequest{StudentID: w.sanne.ID, EntryID: e.ID, Requester: casus.PartyStudent, RequesterName: "Sanne Visser",
			ReceivedOn: time.Date(2026, 10, 28, 16, 30, 0, 0, time.UTC), Request: "De datum klopt niet.", RecordedBy: w.coordinator.ID,
			Status: casus.RectificationGranted}
		update(t, c.db, func(ctx context.Context, tx *storage.Tx) error { return tx.AddRectificationRequest(ctx, &r) })
		if r.ID == "" || r.Status != casus.RectificationOpen || !r.RecordedAt.Equal(contractEpoch) {
			t.Errorf("added request = %+v, want an id, open, recorded now", r)
		}
		got := rectificationOfC(t, c, w.sanne.ID, r.ID)
		if got.EntryID != e.ID || got.Concerns != "" || got.Requester != casus.PartyStudent || got.RequesterName != "Sanne Visser" ||
			!got.ReceivedOn.Equal(date(2026, 10, 28)) || got.Request != "De datum klopt niet." || got.RecordedBy != w.coordinator.ID ||
			got.RecordedName != w.coordinator.Name || !got.RecordedAt.Equal(contractEpoch) || got.Status != casus.RectificationOpen ||
			!got.DecidedOn.IsZero() || got.DecidedBy != "" || !got.InformedOn.IsZero() || !got.ExtendedOn.IsZero() || got.CorrectionVersion != 0 {
			t.Errorf("stored request = %+v", got)
		}
		other := rectificationC(t, c, w.sanne.ID, date(2026, 10, 29))
		if got := rectificationOfC(t, c, w.sanne.ID, other.ID); got.EntryID != "" || got.Concerns != "verslag" {
			t.Errorf("request about another record = %+v, want no entry and its concerns", got)
		}
	})

	contracts.add("RectificationRequest", func(t *testing.T, c *contract) {
		w := c.w
		r := rectificationC(t, c, w.sanne.ID, date(2026, 10, 1))
		got := rectificationOfC(t, c, w.sanne.ID, r.ID)
		if got.ID != r.ID || got.StudentID != w.sanne.ID || got.RequesterName != "Els Visser" || got.Requester != casus.PartyParent {
			t.Errorf("RectificationRequest = %+v", got)
		}
		for name, ids := range map[string][2]string{
			"Unknown":      {w.sanne.ID, casus.NewID()},
			"Malformed":    {w.sanne.ID, "not-an-id"},
			"OtherStudent": {w.bram.ID, r.ID},
		} {
			t.Run(name+"/ErrNotFound", func(t *testing.T) {
				err := viewErrC(t, c, func(ctx context.Context, tx *storage.Tx) error {
					_, err := tx.RectificationRequest(ctx, ids[0], ids[1])
					return err
				})
				wantCode(t, err, casus.ENOTFOUND)
			})
		}
	})

	contracts.add("RectificationRequests", func(t *testing.T, c *contract) {
		w := c.w
		old := rectificationC(t, c, w.sanne.ID, date(2026, 9, 1))
		c.clock.Add(time.Minute)
		newer := rectificationC(t, c, w.sanne.ID, date(2026, 10, 1))
		c.clock.Add(time.Minute)
		sameDayLater := rectificationC(t, c, w.sanne.ID, date(2026, 10, 1))
		rectificationC(t, c, w.bram.ID, date(2026, 10, 2))
		rs := viewValue(t, c.db, func(ctx context.Context, tx *storage.Tx) ([]casus.RectificationRequest, error) {
			return tx.RectificationRequests(ctx, w.sanne.ID)
		})
		got := names(rs, func(r casus.RectificationRequest) string { return r.ID })
		if want := []string{sameDayLater.ID, newer.ID, old.ID}; !slices.Equal(got, want) {
			t.Errorf("RectificationRequests = %v, want %v (newest receipt, then newest recording, first)", got, want)
		}
		if len(rs) == 3 && rs[2].RecordedName != w.coordinator.Name {
			t.Errorf("request = %+v, want the recorder's name", rs[2])
		}
		if none := viewValue(t, c.db, func(ctx context.Context, tx *storage.Tx) ([]casus.RectificationRequest, error) {
			return tx.RectificationRequests(ctx, w.ayla.ID)
		}); len(none) != 0 {
			t.Errorf("Ayla's requests = %+v", none)
		}
	})

	contracts.add("PendingRectifications", func(t *testing.T, c *contract) {
		w := c.w
		later := rectificationC(t, c, w.sanne.ID, date(2026, 10, 20))
		earlier := rectificationC(t, c, w.bram.ID, date(2026, 10, 1))
		informed := rectificationC(t, c, w.sanne.ID, date(2026, 9, 1))
		rectificationC(t, c, w.ayla.ID, date(2026, 9, 2)) // no team of this world serves Ayla's school
		update(t, c.db, func(ctx context.Context, tx *storage.Tx) error {
			informed.Status, informed.DecidedOn, informed.DecidedBy = casus.RectificationRefused, date(2026, 9, 20), w.coordinator.ID
			must(t, tx.DecideRectification(ctx, &informed))
			return tx.MarkRectificationInformed(ctx, informed.ID, date(2026, 9, 21), w.coordinator.ID)
		})
		pending := func(u casus.User) []storage.PendingRectification {
			return viewValue(t, c.db, func(ctx context.Context, tx *storage.Tx) ([]storage.PendingRectification, error) {
				return tx.PendingRectifications(ctx, u.ID)
			})
		}
		ps := pending(w.coordinator)
		if got := names(ps, func(p storage.PendingRectification) string { return p.Request.ID }); !slices.Equal(got, []string{earlier.ID, later.ID}) {
			t.Fatalf("PendingRectifications(chair) = %v, want Bram's then Sanne's, oldest receipt first", got)
		}
		p := ps[1]
		if p.Student.ID != w.sanne.ID || p.Student.Name() != "Sanne Visser" || p.Student.SchoolName != "ROC Testrijn" ||
			p.Request.StudentID != w.sanne.ID || p.Request.RecordedName != w.coordinator.Name ||
			p.Relations != (casus.StudentRelations{Exists: true, Coordinator: true, TeamMember: true}) {
			t.Errorf("pending request = %+v", p)
		}
		if got := pending(w.mentor); len(got) != 0 {
			t.Errorf("PendingRectifications(mentor, no chair) = %+v, want none", got)
		}
	})

	contracts.add("DecideRectification", func(t *testing.T, c *contract) {
		w := c.w
		r := rectificationC(t, c, w.sanne.ID, date(2026, 10, 1))
		c.clock.Add(time.Hour)
		r.Status, r.DecidedOn, r.DecidedBy = casus.RectificationGranted, time.Date(2026, 11, 2, 10, 0, 0, 0, time.UTC), w.coordinator.ID
		r.Decision, r.CorrectionVersion = "Datum verbeterd.", 2
		update(t, c.db, func(ctx context.Context, tx *storage.Tx) error { return tx.DecideRectification(ctx, &r) })
		got := rectificationOfC(t, c, w.sanne.ID, r.ID)
		if got.Status != casus.RectificationGranted || !got.DecidedOn.Equal(date(2026, 11, 2)) || got.DecidedBy != w.coordinator.ID ||
			got.DecidedName != w.coordinator.Name || got.Decision != "Datum verbeterd." || got.CorrectionVersion != 2 {
			t.Errorf("decided request = %+v", got)
		}
		t.Run("Again/ErrConflict", func(t *testing.T) {
			again := r
			again.Status, again.Decision, again.DecidedBy = casus.RectificationRefused, "Toch niet.", w.specialist.ID
			err := updateErrC(t, c, func(ctx context.Context, tx *storage.Tx) error { return tx.DecideRectification(ctx, &again) })
			wantCode(t, err, casus.ECONFLICT)
			if !errors.Is(err, storage.ErrRectificationDecided) {
				t.Errorf("error %v, want ErrRectificationDecided", err)
			}
			if got := rectificationOfC(t, c, w.sanne.ID, r.ID); got.Status != casus.RectificationGranted || got.DecidedBy != w.coordinator.ID {
				t.Errorf("a second decision changed the request: %+v", got)
			}
		})
		t.Run("RefusedWithoutVersion", func(t *testing.T) {
			x := rectificationC(t, c, w.bram.ID, date(2026, 10, 2))
			x.Status, x.DecidedOn, x.DecidedBy, x.Decision = casus.RectificationRefused, date(2026, 11, 2), w.coordinator.ID, "Klopt."
			update(t, c.db, func(ctx context.Context, tx *storage.Tx) error { return tx.DecideRectification(ctx, &x) })
			if got := rectificationOfC(t, c, w.bram.ID, x.ID); got.Status != casus.RectificationRefused || got.CorrectionVersion != 0 {
				t.Errorf("refused request = %+v", got)
			}
		})
	})

	contracts.add("ExtendRectification", func(t *testing.T, c *contract) {
		w := c.w
		r := rectificationC(t, c, w.sanne.ID, date(2026, 10, 1))
		c.clock.Add(time.Hour)
		r.ExtendedOn, r.ExtensionReason, r.ExtendedBy = date(2026, 10, 30), "Veel stukken.", w.coordinator.ID
		update(t, c.db, func(ctx context.Context, tx *storage.Tx) error { return tx.ExtendRectification(ctx, &r) })
		if !r.ExtendedAt.Equal(contractEpoch.Add(time.Hour)) {
			t.Errorf("ExtendedAt = %v, want the clock's time", r.ExtendedAt)
		}
		got := rectificationOfC(t, c, w.sanne.ID, r.ID)
		if !got.ExtendedOn.Equal(date(2026, 10, 30)) || got.ExtensionReason != "Veel stukken." || got.ExtendedBy != w.coordinator.ID ||
			got.ExtendedName != w.coordinator.Name || !got.ExtendedAt.Equal(r.ExtendedAt) || got.Status != casus.RectificationOpen {
			t.Errorf("extended request = %+v", got)
		}
		t.Run("Again/ErrConflict", func(t *testing.T) {
			again := r
			again.ExtensionReason = "Nog eens."
			err := updateErrC(t, c, func(ctx context.Context, tx *storage.Tx) error { return tx.ExtendRectification(ctx, &again) })
			wantCode(t, err, casus.ECONFLICT)
			if !errors.Is(err, storage.ErrRectificationExtended) {
				t.Errorf("error %v, want ErrRectificationExtended", err)
			}
			if got := rectificationOfC(t, c, w.sanne.ID, r.ID); got.ExtensionReason != "Veel stukken." {
				t.Errorf("a second extension changed the request: %+v", got)
			}
		})
		t.Run("Decided/ErrConflict", func(t *testing.T) {
			x := rectificationC(t, c, w.bram.ID, date(2026, 10, 2))
			x.Status, x.DecidedOn, x.DecidedBy = casus.RectificationRefused, date(2026, 11, 2), w.coordinator.ID
			update(t, c.db, func(ctx context.Context, tx *storage.Tx) error { return tx.DecideRectification(ctx, &x) })
			x.ExtendedOn, x.ExtensionReason, x.ExtendedBy = date(2026, 11, 2), "Te laat.", w.coordinator.ID
			err := updateErrC(t, c, func(ctx context.Context, tx *storage.Tx) error { return tx.ExtendRectification(ctx, &x) })
			wantCode(t, err, casus.ECONFLICT)
		})
	})

	contracts.add("MarkRectificationInformed", func(t *testing.T, c *contract) {
		w := c.w
		r := rectificationC(t, c, w.sanne.ID, date(2026, 10, 1))
		mark := func(on time.Time, by string) error {
			return updateErrC(t, c, func(ctx context.Context, tx *storage.Tx) error {
				return tx.MarkRectificationInformed(ctx, r.ID, on, by)
			})
		}
		t.Run("Open/ErrConflict", func(t *testing.T) {
			err := mark(date(2026, 11, 2), w.coordinator.ID)
			wantCode(t, err, casus.ECONFLICT)
			if !errors.Is(err, storage.ErrRectificationDecided) {
				t.Errorf("error %v, want ErrRectificationDecided", err)
			}
		})
		r.Status, r.DecidedOn, r.DecidedBy = casus.RectificationGranted, date(2026, 10, 20), w.coordinator.ID
		update(t, c.db, func(ctx context.Context, tx *storage.Tx) error { return tx.DecideRectification(ctx, &r) })
		if err := mark(time.Date(2026, 10, 21, 18, 0, 0, 0, time.UTC), w.careContact.ID); err != nil {
			t.Fatal(err)
		}
		got := rectificationOfC(t, c, w.sanne.ID, r.ID)
		if !got.InformedOn.Equal(date(2026, 10, 21)) || got.InformedBy != w.careContact.ID || got.InformedName != w.careContact.Name ||
			got.Status != casus.RectificationGranted {
			t.Errorf("informed request = %+v", got)
		}
		t.Run("Again/ErrConflict", func(t *testing.T) {
			wantCode(t, mark(date(2026, 10, 22), w.coordinator.ID), casus.ECONFLICT)
			if got := rectificationOfC(t, c, w.sanne.ID, r.ID); !got.InformedOn.Equal(date(2026, 10, 21)) {
				t.Errorf("a second mark changed the request: %+v", got)
			}
		})
	})

	contracts.add("AddOwnWord", func(t *testing.T, c *contract) {
		w := c.w
		e := entryC(t, c, w.sanne.ID)
		o := casus.OwnWord{StudentID: w.sanne.ID, EntryID: e.ID, Giver: casus.PartyParent, GiverName: "Els Visser",
			GivenOn: time.Date(2026, 10, 30, 20, 0, 0, 0, time.UTC), Text: "Dat was de bus.", RecordedBy: w.coordinator.ID}
		update(t, c.db, func(ctx context.Context, tx *storage.Tx) error { return tx.AddOwnWord(ctx, &o) })
		if o.ID == "" || !o.RecordedAt.Equal(contractEpoch) {
			t.Errorf("added own word = %+v, want an id and the clock's time", o)
		}
		ws := viewValue(t, c.db, func(ctx context.Context, tx *storage.Tx) ([]casus.OwnWord, error) {
			return tx.OwnWords(ctx, w.sanne.ID, e.ID)
		})
		want := o
		want.GivenOn, want.RecordedName = date(2026, 10, 30), w.coordinator.Name
		if len(ws) != 1 || ws[0].Withdrawal != nil || ws[0].ID != want.ID || ws[0].Giver != want.Giver || ws[0].GiverName != want.GiverName ||
			!ws[0].GivenOn.Equal(want.GivenOn) || ws[0].Text != want.Text || ws[0].RecordedBy != want.RecordedBy ||
			ws[0].RecordedName != want.RecordedName || !ws[0].RecordedAt.Equal(want.RecordedAt) || ws[0].EntryID != e.ID {
			t.Errorf("OwnWords = %+v, want %+v", ws, want)
		}
		t.Run("UnknownEntry/Err", func(t *testing.T) {
			bad := casus.OwnWord{StudentID: w.sanne.ID, EntryID: casus.NewID(), Giver: casus.PartyStudent, GiverName: "Sanne",
				GivenOn: date(2026, 11, 1), Text: "x", RecordedBy: w.coordinator.ID}
			if err := updateErrC(t, c, func(ctx context.Context, tx *storage.Tx) error { return tx.AddOwnWord(ctx, &bad) }); err == nil {
				t.Error("an own word on an unknown entry was stored")
			}
		})
	})

	contracts.add("WithdrawOwnWord", func(t *testing.T, c *contract) {
		w := c.w
		e := entryC(t, c, w.sanne.ID)
		o := casus.OwnWord{StudentID: w.sanne.ID, EntryID: e.ID, Giver: casus.PartyStudent, GiverName: "Sanne Visser",
			GivenOn: date(2026, 10, 30), Text: "Niet waar.", RecordedBy: w.coordinator.ID}
		update(t, c.db, func(ctx context.Context, tx *storage.Tx) error { return tx.AddOwnWord(ctx, &o) })
		c.clock.Add(time.Hour)
		wd := casus.OwnWordWithdrawal{OwnWordID: o.ID, RequestedOn: time.Date(2026, 11, 1, 12, 0, 0, 0, time.UTC), Note: "Op verzoek.",
			RecordedBy: w.careContact.ID}
		update(t, c.db, func(ctx context.Context, tx *storage.Tx) error { return tx.WithdrawOwnWord(ctx, &wd) })
		if !wd.RecordedAt.Equal(contractEpoch.Add(time.Hour)) {
			t.Errorf("RecordedAt = %v, want the clock's time", wd.RecordedAt)
		}
		ws := viewValue(t, c.db, func(ctx context.Context, tx *storage.Tx) ([]casus.OwnWord, error) {
			return tx.OwnWords(ctx, w.sanne.ID, "")
		})
		if len(ws) != 1 || ws[0].Withdrawal == nil {
			t.Fatalf("OwnWords after the withdrawal = %+v, want the word, withdrawn", ws)
		}
		got := *ws[0].Withdrawal
		if got.OwnWordID != o.ID || !got.RequestedOn.Equal(date(2026, 11, 1)) || got.Note != "Op verzoek." || got.RecordedBy != w.careContact.ID ||
			got.RecordedName != w.careContact.Name || !got.RecordedAt.Equal(wd.RecordedAt) {
			t.Errorf("withdrawal = %+v", got)
		}
		t.Run("Again/ErrConflict", func(t *testing.T) {
			again := casus.OwnWordWithdrawal{OwnWordID: o.ID, RequestedOn: date(2026, 11, 2), RecordedBy: w.coordinator.ID}
			err := updateErrC(t, c, func(ctx context.Context, tx *storage.Tx) error { return tx.WithdrawOwnWord(ctx, &again) })
			wantCode(t, err, casus.ECONFLICT)
			if !errors.Is(err, storage.ErrOwnWordWithdrawn) {
				t.Errorf("error %v, want ErrOwnWordWithdrawn", err)
			}
		})
	})

	contracts.add("OwnWords", func(t *testing.T, c *contract) {
		w := c.w
		e1, e2 := entryC(t, c, w.sanne.ID), entryC(t, c, w.sanne.ID)
		add := func(entryID string, given time.Time, text string) casus.OwnWord {
			o := casus.OwnWord{StudentID: w.sanne.ID, EntryID: entryID, Giver: casus.PartyParent, GiverName: "Henk Visser",
				GivenOn: given, Text: text, RecordedBy: w.coordinator.ID}
			update(t, c.db, func(ctx context.Context, tx *storage.Tx) error { return tx.AddOwnWord(ctx, &o) })
			c.clock.Add(time.Minute)
			return o
		}
		late := add(e1.ID, date(2026, 10, 20), "later")
		early := add(e2.ID, date(2026, 10, 10), "eerder")
		sameDay := add(e1.ID, date(2026, 10, 20), "zelfde dag, later vastgelegd")
		update(t, c.db, func(ctx context.Context, tx *storage.Tx) error {
			return tx.WithdrawOwnWord(ctx, &casus.OwnWordWithdrawal{OwnWordID: late.ID, RequestedOn: date(2026, 10, 25), RecordedBy: w.coordinator.ID})
		})
		words := func(studentID, entryID string) []casus.OwnWord {
			return viewValue(t, c.db, func(ctx context.Context, tx *storage.Tx) ([]casus.OwnWord, error) {
				return tx.OwnWords(ctx, studentID, entryID)
			})
		}
		all := words(w.sanne.ID, "")
		if got := names(all, func(o casus.OwnWord) string { return o.ID }); !slices.Equal(got, []string{early.ID, late.ID, sameDay.ID}) {
			t.Errorf("OwnWords(all) = %v, want oldest given first, withdrawn included", got)
		}
		if len(all) == 3 && (all[1].Withdrawal == nil || all[0].Withdrawal != nil || all[2].Withdrawal != nil) {
			t.Errorf("withdrawals = %+v %+v %+v, want only the second withdrawn", all[0].Withdrawal, all[1].Withdrawal, all[2].Withdrawal)
		}
		if got := names(words(w.sanne.ID, e1.ID), func(o casus.OwnWord) string { return o.ID }); !slices.Equal(got, []string{late.ID, sameDay.ID}) {
			t.Errorf("OwnWords(entry 1) = %v", got)
		}
		if none := words(w.bram.ID, ""); len(none) != 0 {
			t.Errorf("Bram's own words = %+v", none)
		}
	})

	contracts.add("LockRectificationRequest", func(t *testing.T, c *contract) {
		w := c.w
		r := rectificationC(t, c, w.sanne.ID, date(2026, 10, 1))
		update(t, c.db, func(ctx context.Context, tx *storage.Tx) error {
			must(t, tx.LockRectificationRequest(ctx, r.ID))
			r.Status, r.DecidedOn, r.DecidedBy = casus.RectificationRefused, date(2026, 11, 2), w.coordinator.ID
			return tx.DecideRectification(ctx, &r) // the locking transaction can decide
		})
		if got := rectificationOfC(t, c, w.sanne.ID, r.ID); got.Status != casus.RectificationRefused {
			t.Errorf("request decided under the lock = %+v", got)
		}
		if c.db.Engine != storage.Postgres {
			return // SQLite's immediate transaction holds the write lock already
		}
		t.Run("SecondDeciderQueues", func(t *testing.T) {
			other := rectificationC(t, c, w.bram.ID, date(2026, 10, 2))
			lockWithin := func(d time.Duration, id string) error {
				ctx, cancel := context.WithTimeout(context.Background(), d)
				defer cancel()
				return c.db.Update(ctx, func(tx *storage.Tx) error { return tx.LockRectificationRequest(ctx, id) })
			}
			update(t, c.db, func(ctx context.Context, tx *storage.Tx) error {
				must(t, tx.LockRectificationRequest(ctx, r.ID))
				if err := lockWithin(200*time.Millisecond, r.ID); err == nil {
					t.Error("a second transaction locked the request while the first held it")
				}
				if err := lockWithin(5*time.Second, other.ID); err != nil {
					t.Errorf("locking another request waited for the first: %v", err)
				}
				return nil
			})
			if err := lockWithin(5*time.Second, r.ID); err != nil {
				t.Errorf("locking the request after the first transaction ended: %v", err)
			}
		})
	})

	contracts.add("UnansweredRectifications", func(t *testing.T, c *contract) {
		w := c.w
		sep := rectificationC(t, c, w.sanne.ID, date(2026, 9, 1))
		aug := rectificationC(t, c, w.bram.ID, date(2026, 8, 15))
		oct := rectificationC(t, c, w.sanne.ID, date(2026, 10, 15))
		informed := rectificationC(t, c, w.bram.ID, date(2026, 8, 1))
		decided := rectificationC(t, c, w.ayla.ID, date(2026, 8, 2))
		update(t, c.db, func(ctx context.Context, tx *storage.Tx) error {
			for _, r := range []*casus.RectificationRequest{&informed, &decided} {
				r.Status, r.DecidedOn, r.DecidedBy = casus.RectificationRefused, date(2026, 8, 20), w.coordinator.ID
				must(t, tx.DecideRectification(ctx, r))
			}
			return tx.MarkRectificationInformed(ctx, informed.ID, date(2026, 8, 21), w.coordinator.ID)
		})
		mine := map[string]bool{sep.ID: true, aug.ID: true, oct.ID: true, informed.ID: true, decided.ID: true}
		unanswered := func(before time.Time) []string {
			rs := viewValue(t, c.db, func(ctx context.Context, tx *storage.Tx) ([]casus.RectificationRequest, error) {
				return tx.UnansweredRectifications(ctx, before)
			})
			var ids []string
			for _, r := range rs {
				if mine[r.ID] {
					ids = append(ids, r.ID)
				}
			}
			return ids
		}
		// The day itself is not before the day, whatever the time of day.
		if got, want := unanswered(time.Date(2026, 10, 15, 23, 0, 0, 0, time.UTC)), []string{decided.ID, aug.ID, sep.ID}; !slices.Equal(got, want) {
			t.Errorf("UnansweredRectifications(15 October) = %v, want %v (oldest first, informed left out)", got, want)
		}
		if got := unanswered(date(2026, 10, 16)); len(got) != 4 || got[3] != oct.ID {
			t.Errorf("UnansweredRectifications(16 October) = %v, want the October request last", got)
		}
	})

	contracts.add("SchoolChairs", func(t *testing.T, c *contract) {
		w := c.w
		chairs := func(studentID string) []storage.ChairFact {
			return viewValue(t, c.db, func(ctx context.Context, tx *storage.Tx) ([]storage.ChairFact, error) {
				return tx.SchoolChairs(ctx, studentID)
			})
		}
		got := chairs(w.sanne.ID)
		if len(got) != 1 {
			t.Fatalf("SchoolChairs(Sanne) = %+v, want the coordinator only", got)
		}
		if u := got[0].User; u.ID != w.coordinator.ID || u.Name != w.coordinator.Name || !u.HasRole(casus.RoleCoordinator) || u.OrgName != "ROC Testrijn" {
			t.Errorf("chair = %+v", u)
		}
		if want := (casus.StudentRelations{Exists: true, Coordinator: true, TeamMember: true}); got[0].Relation != want {
			t.Errorf("chair's relation to Sanne = %+v, want %+v", got[0].Relation, want)
		}
		if b := chairs(w.bram.ID); len(b) != 1 || b[0].Relation != (casus.StudentRelations{Exists: true, Coordinator: true}) {
			t.Errorf("SchoolChairs(Bram) = %+v, want the coordinator without an open case", b)
		}
		if a := chairs(w.ayla.ID); len(a) != 0 {
			t.Errorf("SchoolChairs(Ayla) = %+v, want none: no team serves her school", a)
		}
	})
}
