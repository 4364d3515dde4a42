package storage_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"casus"
	"casus/storage"
)

// agendaA is a ZAT meeting with Sanne's case on its agenda as the chair's
// item.
func agendaA(t *testing.T, c *contract) (casus.Meeting, casus.AgendaItem) {
	t.Helper()
	m := meetingA(t, c, c.w.zat.ID, c.clock.Now())
	return m, itemA(t, c, m, c.w.sanneCase.ID)
}

func itemDetailsA(t *testing.T, c *contract, meetingID string) map[string]casus.ItemDetails {
	t.Helper()
	return viewValue(t, c.db, func(ctx context.Context, tx *storage.Tx) (map[string]casus.ItemDetails, error) {
		return tx.ItemDetails(ctx, meetingID)
	})
}

func init() {
	contracts.add("ItemDetails", func(t *testing.T, c *contract) {
		w := c.w
		first, firstItem := agendaA(t, c)
		d := discussionA(t, c, firstItem, w.sanne.ID, casus.DiscussionRecord{Question: "Waarom verzuimt Sanne?"})
		m := meetingA(t, c, w.zat.ID, first.StartsAt)
		followUp := casus.AgendaItem{MeetingID: m.ID, CaseID: w.sanneCase.ID, Kind: casus.AgendaFollowUp, SourceID: d.ID}
		update(t, c.db, func(ctx context.Context, tx *storage.Tx) error { return tx.AddAgendaItem(ctx, &followUp) })
		asked := itemA(t, c, m, w.bramCase.ID)
		plain := itemA(t, c, m, w.sanneInternCaseLater.ID)
		update(t, c.db, func(ctx context.Context, tx *storage.Tx) error {
			return tx.SetItemQuestion(ctx, m.ID, asked.ID, "Hoe gaat het nu met Bram?")
		})
		g1 := casus.AgendaGuest{ItemID: asked.ID, Kind: casus.GuestGuardian, Name: "Moeder van Bram", AddedBy: w.coordinator.ID}
		g2 := casus.AgendaGuest{ItemID: asked.ID, Kind: casus.GuestStudent, AddedBy: w.coordinator.ID}
		update(t, c.db, func(ctx context.Context, tx *storage.Tx) error { return tx.AddAgendaGuest(ctx, m.ID, &g1) })
		c.clock.Add(time.Minute)
		update(t, c.db, func(ctx context.Context, tx *storage.Tx) error { return tx.AddAgendaGuest(ctx, m.ID, &g2) })

		got := viewValue(t, c.db, func(ctx context.Context, tx *storage.Tx) (map[string]casus.ItemDetails, error) {
			return tx.ItemDetails(ctx, m.ID)
		})
		if len(got) != 3 {
			t.Fatalf("ItemDetails = %+v, want the meeting's 3 items", got)
		}
		if det := got[followUp.ID]; det.Question != "" || det.Summary != "Waarom verzuimt Sanne?" || det.Guests != nil {
			t.Errorf("follow-up item = %+v, want the plan's question as summary", det)
		}
		if det := got[asked.ID]; det.Question != "Hoe gaat het nu met Bram?" || det.Summary != det.Question ||
			len(det.Guests) != 2 || det.Guests[0].ID != g1.ID || det.Guests[1].ID != g2.ID {
			t.Errorf("item with a question = %+v, want the question as summary and both guests in order", det)
		}
		if det, ok := got[plain.ID]; !ok || det.Question != "" || det.Summary != "" || det.Guests != nil {
			t.Errorf("plain item = %+v (listed %v), want an empty entry", det, ok)
		}
		// The chair's question comes before the plan's.
		update(t, c.db, func(ctx context.Context, tx *storage.Tx) error {
			return tx.SetItemQuestion(ctx, m.ID, followUp.ID, "Eigen vraag")
		})
		if det := itemDetailsA(t, c, m.ID)[followUp.ID]; det.Summary != "Eigen vraag" {
			t.Errorf("follow-up with the chair's question = %+v", det)
		}
		if other := itemDetailsA(t, c, first.ID); len(other) != 1 || other[firstItem.ID].Summary != "" {
			t.Errorf("the first meeting's details = %+v", other)
		}
	})

	contracts.add("SetItemQuestion", func(t *testing.T, c *contract) {
		m, it := agendaA(t, c)
		set := func(meetingID, itemID, q string) error {
			return tryA(c, func(ctx context.Context, tx *storage.Tx) error { return tx.SetItemQuestion(ctx, meetingID, itemID, q) })
		}
		must(t, set(m.ID, it.ID, "Wat heeft Sanne nodig?"))
		if det := itemDetailsA(t, c, m.ID)[it.ID]; det.Question != "Wat heeft Sanne nodig?" {
			t.Errorf("question = %q", det.Question)
		}
		must(t, set(m.ID, it.ID, ""))
		if det := itemDetailsA(t, c, m.ID)[it.ID]; det.Question != "" {
			t.Errorf("question after clearing = %q", det.Question)
		}
		t.Run("OtherMeetingOrUnknown/NotFound", func(t *testing.T) {
			other := meetingA(t, c, c.w.zat.ID, m.StartsAt)
			wantCode(t, set(other.ID, it.ID, "x"), casus.ENOTFOUND)
			wantCode(t, set(m.ID, casus.NewID(), "x"), casus.ENOTFOUND)
			if det := itemDetailsA(t, c, m.ID)[it.ID]; det.Question != "" {
				t.Errorf("a refused question was stored: %q", det.Question)
			}
		})
	})

	contracts.add("AddAgendaGuest", func(t *testing.T, c *contract) {
		w := c.w
		m, it := agendaA(t, c)
		g := casus.AgendaGuest{ItemID: it.ID, Kind: casus.GuestTeacher, Name: "Docent Nederlands", AddedBy: w.mentor.ID}
		update(t, c.db, func(ctx context.Context, tx *storage.Tx) error { return tx.AddAgendaGuest(ctx, m.ID, &g) })
		if g.ID == "" || !g.AddedAt.Equal(contractEpoch) {
			t.Errorf("added guest: id %q at %v, want an id and the clock", g.ID, g.AddedAt)
		}
		guests := itemDetailsA(t, c, m.ID)[it.ID].Guests
		if len(guests) != 1 || !guests[0].AddedAt.Equal(g.AddedAt) {
			t.Fatalf("guests = %+v", guests)
		}
		guests[0].AddedAt = g.AddedAt
		if guests[0] != g {
			t.Errorf("guest read back as %+v, want %+v", guests[0], g)
		}
		t.Run("ItemOfOtherMeeting/NotFound", func(t *testing.T) {
			other := meetingA(t, c, w.zat.ID, m.StartsAt)
			err := tryA(c, func(ctx context.Context, tx *storage.Tx) error {
				return tx.AddAgendaGuest(ctx, other.ID, &casus.AgendaGuest{ItemID: it.ID, Kind: casus.GuestOther, AddedBy: w.mentor.ID})
			})
			wantCode(t, err, casus.ENOTFOUND)
			if guests := itemDetailsA(t, c, m.ID)[it.ID].Guests; len(guests) != 1 {
				t.Errorf("guests after a refused add = %+v", guests)
			}
		})
	})

	contracts.add("RemoveAgendaGuest", func(t *testing.T, c *contract) {
		w := c.w
		m, it := agendaA(t, c)
		keep := casus.AgendaGuest{ItemID: it.ID, Kind: casus.GuestStudent, AddedBy: w.coordinator.ID}
		gone := casus.AgendaGuest{ItemID: it.ID, Kind: casus.GuestGuardian, Name: "Els Visser", AddedBy: w.coordinator.ID}
		update(t, c.db, func(ctx context.Context, tx *storage.Tx) error {
			if err := tx.AddAgendaGuest(ctx, m.ID, &keep); err != nil {
				return err
			}
			return tx.AddAgendaGuest(ctx, m.ID, &gone)
		})
		remove := func(meetingID, itemID, guestID string) error {
			return tryA(c, func(ctx context.Context, tx *storage.Tx) error {
				return tx.RemoveAgendaGuest(ctx, meetingID, itemID, guestID)
			})
		}
		other := meetingA(t, c, w.zat.ID, m.StartsAt)
		otherItem := itemA(t, c, other, w.bramCase.ID)
		t.Run("WrongMeetingOrItem/NotFound", func(t *testing.T) {
			wantCode(t, remove(other.ID, it.ID, gone.ID), casus.ENOTFOUND)
			wantCode(t, remove(other.ID, otherItem.ID, gone.ID), casus.ENOTFOUND)
			wantCode(t, remove(m.ID, it.ID, casus.NewID()), casus.ENOTFOUND)
		})
		must(t, remove(m.ID, it.ID, gone.ID))
		guests := itemDetailsA(t, c, m.ID)[it.ID].Guests
		if len(guests) != 1 || guests[0].ID != keep.ID {
			t.Errorf("guests after removing one = %+v, want the other", guests)
		}
		t.Run("Again/NotFound", func(t *testing.T) {
			wantCode(t, remove(m.ID, it.ID, gone.ID), casus.ENOTFOUND)
		})
	})

	contracts.add("LatestPlan", func(t *testing.T, c *contract) {
		w := c.w
		plan := func(caseID string) (casus.Discussion, bool) {
			t.Helper()
			return viewValue2(t, c.db, func(ctx context.Context, tx *storage.Tx) (casus.Discussion, bool, error) {
				return tx.LatestPlan(ctx, caseID)
			})
		}
		if _, ok := plan(w.sanneCase.ID); ok {
			t.Error("a plan for a case never discussed")
		}
		goal := func(s string) []casus.Goal {
			return []casus.Goal{{Description: s, Criterion: "gemeten", DueOn: date(2027, 1, 1)}}
		}
		m1, it1 := agendaA(t, c)
		older := discussionA(t, c, it1, w.sanne.ID, casus.DiscussionRecord{Question: "Eerste", Goals: goal("Oud doel")})
		m2 := meetingA(t, c, w.zat.ID, m1.StartsAt)
		planned := discussionA(t, c, itemA(t, c, m2, w.sanneCase.ID), w.sanne.ID, casus.DiscussionRecord{Question: "Tweede", Goals: goal("Nieuw doel")})
		m3 := meetingA(t, c, w.zat.ID, m2.StartsAt)
		discussionA(t, c, itemA(t, c, m3, w.sanneCase.ID), w.sanne.ID, casus.DiscussionRecord{Question: "Zonder doelen"})
		// Saved last, but at the earliest meeting: the meeting's time counts.
		c.clock.Add(time.Hour)
		update(t, c.db, func(ctx context.Context, tx *storage.Tx) error {
			older.Record.Balance = "bijgewerkt"
			return tx.SaveDiscussion(ctx, &older, older.Version)
		})
		got, ok := plan(w.sanneCase.ID)
		if !ok || got.ID != planned.ID || got.MeetingID != m2.ID || len(got.Record.Goals) != 1 ||
			got.Record.Goals[0].Description != "Nieuw doel" || got.Record.Goals[0].ID != planned.Record.Goals[0].ID {
			t.Errorf("LatestPlan = %+v (%v), want the discussion of the second meeting, the latest with goals", got, ok)
		}
		if _, ok := plan(w.bramCase.ID); ok {
			t.Error("Bram's case has a plan")
		}
	})

	contracts.add("CaseClosures", func(t *testing.T, c *contract) {
		w := c.w
		closures := func(caseID string) []casus.CaseClosure {
			t.Helper()
			return viewValue(t, c.db, func(ctx context.Context, tx *storage.Tx) ([]casus.CaseClosure, error) {
				return tx.CaseClosures(ctx, caseID)
			})
		}
		if got := closures(w.sanneCase.ID); got != nil {
			t.Errorf("closures of a case never closed = %+v", got)
		}
		_, it := agendaA(t, c)
		d := discussionA(t, c, it, w.sanne.ID, casus.DiscussionRecord{Goals: []casus.Goal{
			{Description: "Naar school", Criterion: "aanwezig", DueOn: date(2027, 1, 1)},
			{Description: "Hulp thuis", Criterion: "gestart", DueOn: date(2027, 1, 1)}}})
		outcomes := []casus.GoalOutcome{
			{DiscussionID: d.ID, GoalID: d.Record.Goals[1].ID, Description: "Hulp thuis", Outcome: casus.GoalPartly},
			{DiscussionID: d.ID, GoalID: d.Record.Goals[0].ID, Description: "Naar school", Outcome: casus.GoalAchieved},
		}
		c.clock.Add(time.Hour)
		update(t, c.db, func(ctx context.Context, tx *storage.Tx) error {
			return tx.CloseCase(ctx, w.sanneCase.ID, casus.CloseSolved, "goed gegaan", w.coordinator.ID, outcomes...)
		})
		c.clock.Add(time.Hour)
		update(t, c.db, func(ctx context.Context, tx *storage.Tx) error {
			return tx.ReopenCase(ctx, w.sanneCase.ID, "terugval", w.specialist.ID)
		})
		got := closures(w.sanneCase.ID)
		if len(got) != 2 {
			t.Fatalf("closures = %+v, want the closing and the reopening", got)
		}
		cl, re := got[0], got[1]
		if cl.ID == "" || cl.Kind != "closed" || cl.Reason != string(casus.CloseSolved) || cl.Note != "goed gegaan" ||
			cl.ActorName != w.coordinator.Name || !cl.At.Equal(contractEpoch.Add(time.Hour)) || !slices.Equal(cl.Outcomes, outcomes) {
			t.Errorf("closing = %+v, want outcomes %+v in their order", cl, outcomes)
		}
		if re.Kind != "reopened" || re.Reason != "terugval" || re.ActorName != w.specialist.Name ||
			!re.At.Equal(contractEpoch.Add(2*time.Hour)) || re.Outcomes != nil {
			t.Errorf("reopening = %+v", re)
		}
		if got := closures(w.bramCase.ID); got != nil {
			t.Errorf("Bram's case (closed at the seed, without a record) = %+v", got)
		}
	})

	contracts.add("CareContactsOf", func(t *testing.T, c *contract) {
		w := c.w
		contacts := func(studentID string) []string {
			t.Helper()
			return viewValue(t, c.db, func(ctx context.Context, tx *storage.Tx) ([]string, error) {
				return tx.CareContactsOf(ctx, studentID)
			})
		}
		if got := contacts(w.sanne.ID); !slices.Equal(got, []string{w.careContact.ID}) {
			t.Errorf("Sanne's care contacts = %v, want Tom %s", got, w.careContact.ID)
		}
		second := casus.User{Email: w.careContact.Email + ".2", Name: "Anna Taakdocent", SchoolID: w.school.ID,
			Discipline: casus.DiscCareContact, Roles: []casus.Role{casus.RoleCareContact}}
		update(t, c.db, func(ctx context.Context, tx *storage.Tx) error {
			if err := tx.CreateUser(ctx, &second, "x"); err != nil {
				return err
			}
			return tx.AddCareContact(ctx, second.ID, w.group.ID)
		})
		if got := contacts(w.bram.ID); !slices.Equal(got, []string{second.ID, w.careContact.ID}) {
			t.Errorf("Bram's care contacts = %v, want Anna then Tom, by name", got)
		}
		update(t, c.db, func(ctx context.Context, tx *storage.Tx) error { return tx.Deactivate(ctx, w.careContact.ID) })
		if got := contacts(w.sanne.ID); !slices.Equal(got, []string{second.ID}) {
			t.Errorf("care contacts after deactivating Tom = %v, want Anna", got)
		}
		if got := contacts(w.ayla.ID); len(got) != 0 {
			t.Errorf("Ayla's care contacts = %v, want none", got)
		}
	})
}
