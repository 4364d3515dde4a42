package app

import (
	"context"
	"testing"

	"casus"
	"casus/demo"
	"casus/storage"
	"casus/storage/storagetest"
)

// TestFiguresRefuseOneStudent: a period and scope that hold the referral of
// one student only are refused, so figures never describe a person; the
// wider view shows, and the reader's scope is bounded by their teams.
func TestFiguresRefuseOneStudent(t *testing.T) {
	for _, engine := range storagetest.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			e := start(t, engine)
			ctx := context.Background()
			coord := e.actor(demo.UserCoordinator)
			zat := e.id(`SELECT CAST(id AS TEXT) FROM care_teams WHERE name = $1`, demo.TeamMBOZAT)
			lastYear := casus.SchoolYear(casus.SchoolYear(e.db.Now()).From.AddDate(0, 0, -1))
			if n := e.count(`SELECT COUNT(*) FROM referrals WHERE submitted_at >= $1 AND submitted_at < $2 AND team_id = $3`,
				lastYear.From.UTC(), lastYear.To.UTC(), zat); n != 0 {
				t.Fatalf("the demo has %d referrals of last year at the ZAT: the fixture needs none", n)
			}
			// One referral of Lotte's, submitted and accepted last school year.
			err := e.db.Update(ctx, func(tx *storage.Tx) error {
				r := casus.Referral{StudentID: e.studentID(demo.LotteNumber), TeamID: zat, ReferrerID: coord.User.ID, CreatedAt: lastYear.From.AddDate(0, 2, 0)}
				if err := tx.CreateReferral(ctx, &r, coord.User.ID); err != nil {
					return err
				}
				return tx.MoveReferralAt(ctx, &r, casus.RefSubmitted, coord.User.ID, "", lastYear.From.AddDate(0, 2, 1))
			})
			if err != nil {
				t.Fatal(err)
			}
			t.Run("Refused/OneStudent", func(t *testing.T) {
				_, err := e.app.Figures(ctx, coord, FigureQuery{Period: "last", Scope: "team:" + zat}, false)
				if ce, ok := err.(*casus.Error); !ok || ce.Key != "figures.error.one_student" {
					t.Errorf("figures of one student's referral: %v, want refused", err)
				}
			})
			t.Run("Refused/ScopeOutsideTheirTeams", func(t *testing.T) {
				po := e.id(`SELECT CAST(id AS TEXT) FROM care_teams WHERE name = $1`, demo.TeamPOZAT)
				if _, err := e.app.Figures(ctx, coord, FigureQuery{Scope: "team:" + po}, false); casus.ErrorCode(err) != casus.EINVALID {
					t.Errorf("figures of a team the coordinator does not chair: %v", err)
				}
			})
			t.Run("Refused/Mentor", func(t *testing.T) {
				if _, err := e.app.Figures(ctx, e.actor(demo.UserMentor), FigureQuery{}, false); casus.ErrorCode(err) != casus.EFORBIDDEN {
					t.Errorf("figures for a mentor: %v", err)
				}
			})
			t.Run("OK/ThisYear", func(t *testing.T) {
				page, err := e.app.Figures(ctx, e.actor(demo.UserManagement), FigureQuery{Period: "year"}, false)
				if err != nil || len(page.Teams) == 0 || page.Figures.Threshold != casus.DefaultFigureThreshold {
					t.Errorf("management's figures: %+v, %v", page.Teams, err)
				}
			})
		})
	}
}
