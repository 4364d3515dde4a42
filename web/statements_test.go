package web_test

import (
	"context"
	"fmt"
	"net/http"
	"testing"
	"time"

	"casus"
	"casus/demo"
	"casus/storage"
	"casus/storage/storagetest"
	"casus/web/webtest"
)

// statementBounds is the most SQL statements each page may issue for one
// request, session included. They are fixed: a page that loads its rows one
// by one (N+1) exceeds its bound as soon as it has more rows, and
// TestStatementsPerPage adds rows to show the count does not move.
var statementBounds = []struct {
	name, user, path string
	max              int64
}{
	{"start page", demo.UserCoordinator, "/", 20},
	{"student list", demo.UserCoordinator, "/students", 20},
	{"student page", demo.UserCoordinator, "/students/{lotte}", 42},
	{"agenda", demo.UserCoordinator, "/meetings/{next}", 28},
	{"minutes", demo.UserCoordinator, "/meetings/{past}/minutes", 30},
	{"task list", demo.UserCoordinator, "/tasks", 19},
	{"referral queue", demo.UserCoordinator, "/referrals", 24},
	{"caseload", demo.UserCoordinator, "/teams/{zat}/cases", 22},
	{"access log", demo.UserPrivacy, "/log", 19},
}

// TestStatementsPerPage counts the SQL statements of each page on the demo
// data, then again after adding students with an open case at the mbo ZAT,
// an item on its next agenda and a discussed item with an action of the
// coordinator's at its past meeting: a page's count must stay within its
// bound and not grow with the rows. The counts are logged for .ci/run.
func TestStatementsPerPage(t *testing.T) {
	t.Parallel()
	for _, engine := range storagetest.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			env := webtest.Start(t, engine, webtest.Options{})
			ids := statementIDs(t, env)
			clients := map[string]*webtest.Client{}
			count := func() map[string]int64 {
				n := map[string]int64{}
				for _, p := range statementBounds {
					c := clients[p.user]
					if c == nil {
						c = env.NewClient()
						c.Login(p.user)
						clients[p.user] = c
					}
					path := p.path
					for k, v := range ids {
						path = replace(path, k, v)
					}
					c.Get(path) // warm: the first visit may settle meetings or sessions
					res := c.Get(path)
					if res.Status != http.StatusOK {
						t.Fatalf("%s (%s): status %d", p.name, p.user, res.Status)
					}
					n[p.name] = env.Statements(res)
				}
				return n
			}
			demoData := count()
			// Two of each row first, so every list has rows to log and read
			// (an empty list skips its batch), then twelve more.
			growStatementRows(t, env, 0, 2)
			before := count()
			const added = 12
			growStatementRows(t, env, 2, added)
			after := count()
			for _, p := range statementBounds {
				t.Logf("%-15s %-12s %3d statements on the demo data, %3d with 2 more students, agenda items, discussions and tasks, %3d with %d more (bound %d)",
					p.name, p.user, demoData[p.name], before[p.name], after[p.name], added, p.max)
				if max(demoData[p.name], before[p.name], after[p.name]) > p.max {
					t.Errorf("%s: %d, %d and %d statements, bound %d", p.name, demoData[p.name], before[p.name], after[p.name], p.max)
				}
				if after[p.name] != before[p.name] {
					t.Errorf("%s: %d statements grew to %d with %d more rows: a query per row", p.name, before[p.name], after[p.name], added)
				}
			}
		})
	}
}

func replace(s, old, new string) string {
	for i := 0; i+len(old) <= len(s); i++ {
		if s[i:i+len(old)] == old {
			return s[:i] + new + s[i+len(old):]
		}
	}
	return s
}

// statementIDs are the ids in the pages' paths: Lotte, the mbo ZAT, its
// next meeting and its past one (Noor's discussion, minutes final).
func statementIDs(t *testing.T, env *webtest.Env) map[string]string {
	t.Helper()
	ids := meetingsMatrixIDs(t, env)
	var past string
	if err := env.SQL().QueryRow(`SELECT CAST(m.id AS TEXT) FROM meetings m JOIN agenda_items i ON i.meeting_id = m.id
		JOIN discussions d ON d.item_id = i.id WHERE m.team_id = $1 ORDER BY m.starts_at LIMIT 1`, ids["{team:zat}"]).Scan(&past); err != nil {
		t.Fatalf("the mbo ZAT's past meeting: %v", err)
	}
	return map[string]string{"{lotte}": env.StudentID(demo.LotteNumber), "{zat}": ids["{team:zat}"],
		"{next}": ids["{meeting:zat}"], "{past}": past}
}

// growStatementRows adds n students, numbered from from, in Lotte's group, each with an open
// case at the mbo ZAT, an item on its next meeting's agenda, a discussed
// item at its past meeting and an action of the coordinator's from it.
func growStatementRows(t *testing.T, env *webtest.Env, from, n int) {
	t.Helper()
	ids := statementIDs(t, env)
	ctx := context.Background()
	coord := env.UserID(demo.UserCoordinator)
	// Fixture: reopen the past meeting's minutes to add discussions to them;
	// they are made final again below.
	if _, err := env.SQL().Exec(`UPDATE meetings SET minutes_final_at = NULL WHERE id = $1`, ids["{past}"]); err != nil {
		t.Fatal(err)
	}
	err := env.DB.Update(ctx, func(tx *storage.Tx) error {
		lotte, _, err := tx.StudentFor(ctx, coord, ids["{lotte}"])
		if err != nil {
			return err
		}
		day := time.Date(tx.Now().Year(), tx.Now().Month(), tx.Now().Day(), 0, 0, 0, 0, time.UTC)
		for i := from; i < from+n; i++ {
			s := lotte
			s.ID, s.FirstName, s.StudentNumber = "", fmt.Sprintf("Extra%02d", i), fmt.Sprintf("59%04d", i)
			if err := tx.CreateStudent(ctx, &s); err != nil {
				return err
			}
			c := casus.Case{StudentID: s.ID, TeamID: ids["{zat}"], Status: casus.CaseOpen, OpenedAt: tx.Now().AddDate(0, 0, -70)}
			if err := tx.OpenCase(ctx, &c); err != nil {
				return err
			}
			next := casus.AgendaItem{MeetingID: ids["{next}"], CaseID: c.ID, Kind: casus.AgendaChair, AddedBy: coord}
			if err := tx.AddAgendaItem(ctx, &next); err != nil {
				return err
			}
			past := casus.AgendaItem{MeetingID: ids["{past}"], CaseID: c.ID, Kind: casus.AgendaChair, AddedBy: coord}
			if err := tx.AddAgendaItem(ctx, &past); err != nil {
				return err
			}
			d := casus.Discussion{ItemID: past.ID, MeetingID: ids["{past}"], CaseID: c.ID, StudentID: s.ID, SavedBy: coord,
				Record: casus.DiscussionRecord{Attendees: []string{coord}, Question: "Extra", EvaluateOn: day}}
			if err := tx.SaveDiscussion(ctx, &d, 0); err != nil {
				return err
			}
			a := casus.Action{CaseID: c.ID, StudentID: s.ID, OwnerID: coord, Description: "Extra", DueOn: day.AddDate(0, 0, 7),
				CreatedBy: coord, DiscussionID: d.ID}
			if err := tx.CreateAction(ctx, &a); err != nil {
				return err
			}
		}
		_, err = tx.FinaliseMinutes(ctx, ids["{past}"])
		return err
	})
	if err != nil {
		t.Fatalf("more rows: %v", err)
	}
}
