package storage_test

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"casus"
	"casus/storage"
	"casus/storage/storagetest"
)

// figureFixture is a known registration in the school year 2026/27 of the
// world's teams, with hand-computed figures (see TestFigures):
//
//	R1 Sanne → ZAT, by the taakdocent, submitted 1 Sep 10:00, accepted 3 Sep (2 days),
//	   on the agenda of a meeting in September, case closed (solved) 1 Oct 10:00 (30 days)
//	R2 Bram → intern, by the mentor, submitted 10 Sep, returned 14 Sep (4 days)
//	R3 Ayla (other school) → ZAT, by the mentor, submitted 5 Oct, redirected 6 Oct (1 day)
//	R4 Bram → ZAT, by the taakdocent, submitted 20 Oct, not decided
//	R5 Sanne → intern, submitted 15 Jul 2026: last school year, not counted
//	actions agreed in the period: one done on time, one done late, one overdue,
//	one running; one escalation intern → ZAT; one consent refused, one withdrawn.
//
// It returns the first discussion's meeting time. The clock ends at
// contractEpoch (2 Nov 2026).
func figureFixture(t *testing.T, db *storage.DB, clock *storagetest.Clock, w *world) time.Time {
	t.Helper()
	at := func(m time.Month, d, h int) time.Time { return time.Date(2026, m, d, h, 0, 0, 0, time.UTC) }
	refer := func(student, team, referrer string, submitted time.Time, to casus.ReferralState, decided time.Time) casus.Referral {
		r := casus.Referral{StudentID: student, TeamID: team, ReferrerID: referrer, CreatedAt: submitted.Add(-time.Hour)}
		update(t, db, func(ctx context.Context, tx *storage.Tx) error {
			if err := tx.CreateReferral(ctx, &r, referrer); err != nil {
				return err
			}
			if err := tx.MoveReferralAt(ctx, &r, casus.RefSubmitted, referrer, "", submitted); err != nil {
				return err
			}
			if to == "" {
				return nil
			}
			return tx.MoveReferralAt(ctx, &r, to, w.coordinator.ID, "", decided)
		})
		return r
	}
	r1 := refer(w.sanne.ID, w.zat.ID, w.careContact.ID, at(9, 1, 10), casus.RefAccepted, at(9, 3, 10))
	refer(w.bram.ID, w.intern.ID, w.mentor.ID, at(9, 10, 10), casus.RefReturned, at(9, 14, 10))
	refer(w.ayla.ID, w.zat.ID, w.mentor.ID, at(10, 5, 10), casus.RefRedirected, at(10, 6, 10))
	refer(w.bram.ID, w.zat.ID, w.careContact.ID, at(10, 20, 10), "", time.Time{})
	refer(w.sanne.ID, w.intern.ID, w.mentor.ID, at(7, 15, 10), "", time.Time{})

	clock.Set(at(9, 3, 11))
	m := updateValue(t, db, func(ctx context.Context, tx *storage.Tx) (casus.Meeting, error) {
		if err := tx.SetRecurrence(ctx, w.zat.ID, weeklyA, "Zaal A"); err != nil {
			return casus.Meeting{}, err
		}
		return tx.NextMeeting(ctx, w.zat.ID, at(9, 3, 11))
	})
	update(t, db, func(ctx context.Context, tx *storage.Tx) error {
		if err := tx.LinkReferral(ctx, r1.ID, w.sanneCase.ID, ""); err != nil {
			return err
		}
		it := casus.AgendaItem{MeetingID: m.ID, CaseID: w.sanneCase.ID, Kind: casus.AgendaReferral, SourceID: r1.ID, AddedBy: w.coordinator.ID}
		return tx.AddAgendaItem(ctx, &it)
	})

	action := func(caseID, student string, created, due time.Time, doneAt time.Time) {
		clock.Set(created)
		a := casus.Action{CaseID: caseID, StudentID: student, OwnerID: w.careContact.ID, Description: "Gesprek", DueOn: due, CreatedBy: w.coordinator.ID}
		update(t, db, func(ctx context.Context, tx *storage.Tx) error { return tx.CreateAction(ctx, &a) })
		if doneAt.IsZero() {
			return
		}
		clock.Set(doneAt)
		update(t, db, func(ctx context.Context, tx *storage.Tx) error {
			return tx.UpdateAction(ctx, &a, a.Version, casus.ActionDone, "klaar", w.careContact.ID)
		})
	}
	day := func(m time.Month, d int) time.Time { return time.Date(2026, m, d, 0, 0, 0, 0, time.UTC) }
	action(w.sanneCase.ID, w.sanne.ID, at(9, 8, 12), day(9, 20), at(9, 20, 15)) // on the due day: on time
	action(w.sanneCase.ID, w.sanne.ID, at(9, 8, 12), day(9, 20), at(9, 25, 9))  // late
	action(w.bramCase.ID, w.bram.ID, at(10, 1, 12), day(10, 15), time.Time{})   // overdue on 2 Nov
	action(w.sanneCase.ID, w.sanne.ID, at(10, 1, 12), day(12, 1), time.Time{})  // running

	clock.Set(at(9, 5, 9))
	update(t, db, func(ctx context.Context, tx *storage.Tx) error {
		refused := casus.Consent{CaseID: w.sanneCase.ID, StudentID: w.sanne.ID, Giver: casus.GiverStudent, GiverName: "Sanne Visser",
			Mode: casus.ConsentGiven, Refused: true, How: casus.HowConversation, GivenAt: at(9, 5, 9), RecordedBy: w.coordinator.ID}
		given := casus.Consent{CaseID: w.bramCase.ID, StudentID: w.bram.ID, Giver: casus.GiverStudent, GiverName: "Bram Jansen",
			Mode: casus.ConsentGiven, How: casus.HowConversation, GivenAt: at(8, 20, 9), RecordedBy: w.coordinator.ID}
		for _, c := range []*casus.Consent{&refused, &given} {
			if err := tx.RecordConsent(ctx, c); err != nil {
				return err
			}
		}
		return tx.WithdrawConsent(ctx, given.ID, at(9, 25, 9), "wil niet meer")
	})
	clock.Set(at(10, 1, 10))
	update(t, db, func(ctx context.Context, tx *storage.Tx) error {
		return tx.CloseCase(ctx, w.sanneCase.ID, casus.CloseSolved, "", w.coordinator.ID)
	})
	clock.Set(at(10, 10, 10))
	update(t, db, func(ctx context.Context, tx *storage.Tx) error {
		return tx.AddCaseEvent(ctx, &casus.CaseEvent{CaseID: w.sanneInternCaseLater.ID, Kind: casus.CaseEscalated, ActorID: w.coordinator.ID})
	})
	clock.Set(contractEpoch)
	return m.StartsAt
}

// TestFigures: the steering figures of a known registration equal the
// values computed by hand, on every engine.
func TestFigures(t *testing.T) {
	for _, engine := range storagetest.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			clock := storagetest.NewClock(contractEpoch)
			db := storagetest.Open(t, engine, clock.Now)
			w := seed(t, db)
			meeting := figureFixture(t, db, clock, w)
			period := casus.SchoolYear(contractEpoch)
			facts := func(f casus.FigureFilter) casus.FigureFacts {
				return viewValue(t, db, func(ctx context.Context, tx *storage.Tx) (casus.FigureFacts, error) { return tx.FigureFacts(ctx, f) })
			}
			all := facts(casus.FigureFilter{Period: period, TeamIDs: []string{w.intern.ID, w.zat.ID}})
			// Threshold 1 shows every count, to compare with the hand values.
			fig := casus.ComputeFigures(all, period, 1, contractEpoch)
			cells := func(id string) string {
				tb := fig.Table(id)
				var out []string
				for r := range tb.Rows {
					for c := range tb.Cols {
						if tb.Cells[r][c] != 0 {
							out = append(out, fmt.Sprintf("%s/%s=%s", tb.Rows[r], tb.Cols[c], tb.Show(r, c)))
						}
					}
				}
				return fmt.Sprint(out)
			}
			for _, tc := range []struct{ name, table, want string }{
				{"BySchoolAndTeamKind", "by_school", "[Lyceum Elders/figures.kind.zat=1 ROC Testrijn/figures.kind.intern=1 ROC Testrijn/figures.kind.zat=2]"},
				{"ByAgeBand", "by_age", "[figures.age.12-15/figures.count=1 figures.age.18-20/figures.count=3]"},
				{"ByReferrerRole", "by_referrer", "[discipline.docent/figures.count=2 discipline.taakdocent/figures.count=2]"},
				{"TriageOutcome", "triage", "[figures.triage.accepted/figures.count=1 figures.triage.returned/figures.count=1 figures.triage.redirected/figures.count=1 figures.triage.pending/figures.count=1]"},
				{"Actions", "actions", "[figures.action.on_time/figures.count=1 figures.action.late/figures.count=1 figures.action.overdue/figures.count=1 figures.action.running/figures.count=1]"},
				{"ClosureReasons", "closures", "[closure.reason.solved/figures.count=1]"},
				{"EscalationsCrisesConsent", "events", "[figures.event.escalations/figures.count=1 figures.event.consent_refused/figures.count=1 figures.event.consent_withdrawn/figures.count=1]"},
				{"TrendByMonth", "trend", "[2026-09/figures.count=2 2026-10/figures.count=2]"},
			} {
				t.Run("OK/"+tc.name, func(t *testing.T) {
					if got := cells(tc.table); got != tc.want {
						t.Errorf("%s = %s, want %s", tc.table, got, tc.want)
					}
				})
			}
			t.Run("OK/Totals", func(t *testing.T) {
				if got := fig.Table("by_school").Total(); got != "4" {
					t.Errorf("referrals in the period = %s, want 4 (the one of July is last year's)", got)
				}
				if all.Students != 3 {
					t.Errorf("students behind the figures = %d, want 3", all.Students)
				}
			})
			t.Run("OK/LeadTimes", func(t *testing.T) {
				discussion := meeting.Sub(time.Date(2026, 9, 1, 10, 0, 0, 0, time.UTC)).Hours() / 24
				want := []casus.LeadTime{
					{ID: "decision", N: 3, Median: 2, P90: 4, Threshold: 1},
					{ID: "discussion", N: 1, Median: discussion, P90: discussion, Threshold: 1},
					{ID: "closure", N: 1, Median: 30, P90: 30, Threshold: 1},
				}
				if !slices.Equal(fig.LeadTimes, want) {
					t.Errorf("lead times = %+v, want %+v", fig.LeadTimes, want)
				}
			})
			t.Run("OK/SmallCountsHiddenAtFive", func(t *testing.T) {
				f5 := casus.ComputeFigures(all, period, 5, contractEpoch)
				for _, tb := range append(f5.Tables, f5.Trend) {
					for r := range tb.Rows {
						for c := range tb.Cols {
							if got := tb.Show(r, c); got != "< 5" && got != "0" || tb.Cells[r][c] > 0 && got != "< 5" {
								t.Errorf("%s %s = %s, want < 5 (or a zero)", tb.ID, tb.Rows[r], got)
							}
						}
					}
				}
				if got := f5.Table("by_school").Total(); got != "< 5" {
					t.Errorf("total referrals = %s, want < 5", got)
				}
				for _, lt := range f5.LeadTimes {
					if !lt.Hidden {
						t.Errorf("lead time %s of %d referrals shown", lt.ID, lt.N)
					}
				}
			})
			t.Run("OK/OneTeam", func(t *testing.T) {
				intern := facts(casus.FigureFilter{Period: period, TeamIDs: []string{w.intern.ID}})
				if len(intern.Referrals) != 1 || intern.Referrals[0].State != casus.RefReturned || intern.Escalations != 1 || len(intern.Actions) != 0 {
					t.Errorf("intern team's facts = %+v, want R2 and the escalation", intern)
				}
			})
			t.Run("OK/OneSchoolIsOneStudent", func(t *testing.T) {
				other := facts(casus.FigureFilter{Period: period, TeamIDs: []string{w.intern.ID, w.zat.ID}, SchoolID: w.otherSchool.ID})
				if len(other.Referrals) != 1 || other.Students != 1 {
					t.Errorf("other school's facts = %+v, want Ayla's referral, one student", other)
				}
			})
			t.Run("OK/LastYear", func(t *testing.T) {
				last := facts(casus.FigureFilter{Period: casus.SchoolYear(time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)), TeamIDs: []string{w.intern.ID, w.zat.ID}})
				if len(last.Referrals) != 1 || last.Referrals[0].TeamKind != casus.TeamIntern {
					t.Errorf("last year's referrals = %+v, want R5", last.Referrals)
				}
			})
		})
	}
}
