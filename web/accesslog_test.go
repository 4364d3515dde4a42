package web_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"casus"
	"casus/demo"
	"casus/storage"
	"casus/storage/storagetest"
	"casus/web/webtest"
)

// lastEntry returns the newest access-log entry about the student.
func lastEntry(t *testing.T, env *webtest.Env, studentID string) casus.AccessEntry {
	t.Helper()
	var es []casus.AccessEntry
	err := env.DB.View(context.Background(), func(tx *storage.Tx) error {
		var err error
		es, err = tx.AccessEntries(context.Background(), storage.AccessFilter{StudentID: studentID, Limit: 1})
		return err
	})
	if err != nil || len(es) != 1 {
		t.Fatalf("access log of %s: %d entries, %v", studentID, len(es), err)
	}
	return es[0]
}

// TestStudentPageViewLogged: the zorgcoördinator opens Lotte's page; the log
// says who, in which role and organisation, on what grounds, which page,
// when, from which request and instance, and that it was granted. Each view
// is one entry, and the chain over the entries verifies.
func TestStudentPageViewLogged(t *testing.T) {
	t.Parallel()
	for _, engine := range storagetest.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			env := webtest.Start(t, engine, webtest.Options{})
			c := env.NewClient()
			c.Login(demo.UserCoordinator)
			lotte := env.StudentID(demo.LotteNumber)
			before := env.Count(`SELECT COUNT(*) FROM access_log WHERE student_id = $1`, lotte)

			env.Clock.Add(time.Minute)
			res := c.Get("/students/" + lotte)
			if res.Status != http.StatusOK {
				t.Fatalf("student page: %d", res.Status)
			}
			e := lastEntry(t, env, lotte)
			want := casus.AccessEntry{
				Seq: e.Seq, At: env.Clock.Now().UTC().Truncate(time.Microsecond),
				UserID: env.UserID(demo.UserCoordinator), UserName: "Marieke Vermeer",
				Role: casus.RoleCoordinator, OrgName: e.OrgName, Relation: casus.RelCoordinator,
				StudentID: lotte, ObjectKind: "student", ObjectID: lotte, Action: casus.ActRead,
				Purpose: "student page", RequestID: res.Header.Get("X-Request-ID"), Instance: env.DB.Instance,
				Outcome: casus.OutcomeGranted, ClientAddr: "127.0.0.1", UserAgent: "Go client", Basis: casus.BasisTeam,
				Processing: casus.ProcessCare, PrevHash: e.PrevHash, Hash: e.Hash,
			}
			if !e.At.Equal(want.At) {
				t.Errorf("logged at %v, want %v (UTC)", e.At, want.At)
			}
			e.At = want.At
			if e != want {
				t.Errorf("entry\n got %+v\nwant %+v", e, want)
			}
			if want.RequestID == "" || e.OrgName == "" || e.Hash == "" || e.Instance == "" {
				t.Errorf("empty request id %q, organisation %q, hash %q or instance %q", want.RequestID, e.OrgName, e.Hash, e.Instance)
			}
			if e.Hash != env.DB.EntryHash(&e) {
				t.Errorf("stored hash does not cover the entry")
			}

			c.Get("/students/" + lotte)
			if n := env.Count(`SELECT COUNT(*) FROM access_log WHERE student_id = $1`, lotte); n != before+2 {
				t.Errorf("two views wrote %d entries", n-before)
			}
			n, err := env.DB.VerifyAccessLog(context.Background())
			if err != nil || n < 2 {
				t.Errorf("verify after views: %d entries, %v", n, err)
			}
		})
	}
}

// TestDenialsLogged: the mentor opening a student not theirs, the police
// opening a student it is not invited for, and management opening any
// student all get "not found" and each attempt is in the log as denied. The
// police officer invited for Milan's case does see Milan.
func TestDenialsLogged(t *testing.T) {
	t.Parallel()
	for _, engine := range storagetest.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			env := webtest.Start(t, engine, webtest.Options{})
			lotte, milan := env.StudentID(demo.LotteNumber), env.StudentID(demo.CrisisNumber)
			cases := []struct {
				user, student string
				status        int
				outcome       casus.Outcome
				relation      casus.Relation
				role          casus.Role
			}{
				{demo.UserMentor, lotte, http.StatusOK, casus.OutcomeGranted, casus.RelMentor, casus.RoleMentor},
				{demo.UserMentor, milan, http.StatusNotFound, casus.OutcomeDenied, casus.RelNone, casus.RoleMentor},
				{demo.UserPolice, lotte, http.StatusNotFound, casus.OutcomeDenied, casus.RelNone, casus.RolePartner},
				{demo.UserPolice, milan, http.StatusOK, casus.OutcomeGranted, casus.RelInvited, casus.RolePartner},
				{demo.UserManagement, lotte, http.StatusNotFound, casus.OutcomeDenied, casus.RelNone, casus.RoleManagement},
				{demo.UserManagement, milan, http.StatusNotFound, casus.OutcomeDenied, casus.RelNone, casus.RoleManagement},
				{demo.UserAdmin, lotte, http.StatusNotFound, casus.OutcomeDenied, casus.RelNone, casus.RoleAdmin},
			}
			for _, tc := range cases {
				c := env.NewClient()
				c.Login(tc.user)
				res := c.Get("/students/" + tc.student)
				if res.Status != tc.status {
					t.Errorf("%s opens %s: %d, want %d", tc.user, tc.student, res.Status, tc.status)
					continue
				}
				e := lastEntry(t, env, tc.student)
				if e.UserID != env.UserID(tc.user) || e.Outcome != tc.outcome || e.Relation != tc.relation ||
					e.Role != tc.role || e.RequestID != res.Header.Get("X-Request-ID") || e.Action != casus.ActRead {
					t.Errorf("%s opens %s: logged %+v, want outcome %s relation %s role %s", tc.user, tc.student, e, tc.outcome, tc.relation, tc.role)
				}
			}
		})
	}
}

// TestZATChairSeesOnlyItsCases: the chair of the above-school ZAT (the
// samenwerkingsverband's coordinator) sees the pupils the ZAT has a case
// of — Yara — and not the other pupils of the schools it serves, such as
// Daan, who is only at his school's own zorgteam.
func TestZATChairSeesOnlyItsCases(t *testing.T) {
	t.Parallel()
	for _, engine := range storagetest.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			env := webtest.Start(t, engine, webtest.Options{})
			c := env.NewClient()
			c.Login("swv")
			if res := c.Get("/students/" + env.StudentID(demo.RefusalNumber)); res.Status != http.StatusOK {
				t.Errorf("ZAT chair opens Yara (open ZAT case): %d, want 200", res.Status)
			}
			if res := c.Get("/students/" + env.StudentID(demo.DaanNumber)); res.Status != http.StatusNotFound {
				t.Errorf("ZAT chair opens Daan (no ZAT case): %d, want 404", res.Status)
			}
			list := c.Get("/students").Body
			if strings.Contains(list, "Daan") || !strings.Contains(list, "Yara") {
				t.Errorf("ZAT chair's student list: Daan listed or Yara missing")
			}
		})
	}
}
