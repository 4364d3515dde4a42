package app

import (
	"context"
	"testing"
	"time"

	"casus"
	"casus/demo"
	"casus/storage"
	"casus/storage/storagetest"
)

// env is a store with the demo data on one engine, for the use cases' own
// tests.
type env struct {
	t   *testing.T
	db  *storage.DB
	app *Service
}

func start(t *testing.T, engine string) *env {
	t.Helper()
	clock := storagetest.NewClock(time.Now())
	db := storagetest.Open(t, engine, clock.Now)
	hash := func(p string) (string, error) { return "test:" + p, nil }
	if err := demo.Load(context.Background(), db, hash, clock.Now()); err != nil {
		t.Fatal(err)
	}
	return &env{t: t, db: db, app: New(db)}
}

func (e *env) count(q string, args ...any) int {
	e.t.Helper()
	var n int
	if err := e.db.ReadSQL().QueryRow(q, args...).Scan(&n); err != nil {
		e.t.Fatalf("count: %v", err)
	}
	return n
}

func (e *env) id(q string, args ...any) string {
	e.t.Helper()
	var id string
	if err := e.db.ReadSQL().QueryRow(q, args...).Scan(&id); err != nil {
		e.t.Fatalf("id: %v", err)
	}
	return id
}

// studentID is the id of the demo student with the student number.
func (e *env) studentID(number string) string {
	e.t.Helper()
	return e.id(`SELECT CAST(id AS TEXT) FROM students WHERE student_number = $1`, number)
}

// actor is the demo user with the username, as a request would carry them.
func (e *env) actor(username string) Actor {
	e.t.Helper()
	id := e.id(`SELECT CAST(id AS TEXT) FROM users WHERE username = $1`, username)
	var u casus.User
	if err := e.db.View(context.Background(), func(tx *storage.Tx) error {
		var err error
		u, err = tx.User(context.Background(), id)
		return err
	}); err != nil {
		e.t.Fatal(err)
	}
	return Actor{User: u, RequestID: "test", ClientAddr: "192.0.2.1", UserAgent: "test"}
}

// TestRefusalLeavesNothingWritten: a use case that writes and is then
// refused — bad input found late, a conflict the database reports, a
// forbidden step — leaves nothing of its writes; only the access-log entry
// of the refusal is committed, and the chain verifies.
func TestRefusalLeavesNothingWritten(t *testing.T) {
	for _, engine := range storagetest.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			e := start(t, engine)
			ctx := context.Background()
			coord := e.actor(demo.UserCoordinator)
			lotte := e.studentID(demo.LotteNumber)
			for _, refusal := range []error{
				casus.FieldError("text", "error.required", nil),
				&casus.Error{Code: casus.ECONFLICT, Key: "error.conflict"},
				&casus.Error{Code: casus.EFORBIDDEN, Key: "error.forbidden"},
			} {
				messages := e.count(`SELECT COUNT(*) FROM messages`)
				refusals := e.count(`SELECT COUNT(*) FROM access_log WHERE purpose = 'frame test (refused)'`)
				err := e.app.student(ctx, coord, studentReq{action: casus.ActChange, purpose: "frame test",
					objectKind: "student", objectID: lotte}, func(c *Student) (casus.Access, error) {
					if err := c.tx.AddMessage(ctx, &casus.Message{UserID: coord.User.ID, Key: "message.password_changed"}); err != nil {
						return casus.Access{}, err
					}
					return casus.Access{Allowed: true, Relation: casus.RelCoordinator}, refusal
				})
				if casus.ErrorCode(err) != casus.ErrorCode(refusal) {
					t.Errorf("%v: the frame returned %v", refusal, err)
				}
				if n := e.count(`SELECT COUNT(*) FROM messages`); n != messages {
					t.Errorf("%s: the refused request's write survived (%d messages, want %d)", casus.ErrorCode(refusal), n, messages)
				}
				if n := e.count(`SELECT COUNT(*) FROM access_log WHERE purpose = 'frame test (refused)'`); n != refusals+1 {
					t.Errorf("%s: %d refusals logged, want 1", casus.ErrorCode(refusal), n-refusals)
				}
			}
			if _, err := e.db.VerifyAccessLog(ctx); err != nil {
				t.Errorf("the access log does not verify: %v", err)
			}
		})
	}
}

// TestStudentFrameLogsEveryOutcome: an unknown id, a malformed one and a
// student the actor has no relation to all answer not found and each leaves
// one denied entry; a granted read leaves one granted entry.
func TestStudentFrameLogsEveryOutcome(t *testing.T) {
	for _, engine := range storagetest.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			e := start(t, engine)
			ctx := context.Background()
			coord := e.actor(demo.UserCoordinator)
			lotte := e.studentID(demo.LotteNumber)
			read := func(id string) error {
				return e.app.student(ctx, coord, studentReq{action: casus.ActRead, purpose: "frame test",
					objectKind: "student", objectID: id}, func(c *Student) (casus.Access, error) {
					return casus.CanViewStudent(c.u, c.rel), nil
				})
			}
			for _, id := range []string{"not-an-id", "00000000-0000-4000-8000-000000000000"} {
				before := e.count(`SELECT COUNT(*) FROM access_log WHERE purpose = 'frame test' AND outcome = 'denied'`)
				if err := read(id); casus.ErrorCode(err) != casus.ENOTFOUND {
					t.Errorf("%s: got %v, want not found", id, err)
				}
				if n := e.count(`SELECT COUNT(*) FROM access_log WHERE purpose = 'frame test' AND outcome = 'denied'`); n != before+1 {
					t.Errorf("%s: %d denials logged, want 1", id, n-before)
				}
			}
			if err := read(lotte); err != nil {
				t.Fatalf("the coordinator reads Lotte: %v", err)
			}
			if n := e.count(`SELECT COUNT(*) FROM access_log WHERE purpose = 'frame test' AND outcome = 'granted' AND CAST(student_id AS TEXT) = $1`, lotte); n != 1 {
				t.Errorf("%d granted entries for Lotte, want 1", n)
			}
		})
	}
}

// TestProcessingOf: each page label maps to its purpose of processing
// (NEN 7513), moved here from web with the frame.
func TestProcessingOf(t *testing.T) {
	for page, want := range map[string]casus.ProcessingPurpose{
		"student page":             casus.ProcessCare,
		"student page (anonymous)": casus.ProcessCare,
		"crisis form (invalid)":    casus.ProcessCare,
		"referral: new":            casus.ProcessTriage,
		"referral queue":           casus.ProcessTriage,
		"agenda (anonymous)":       casus.ProcessDiscussion,
		"discussion: save (stale)": casus.ProcessDiscussion,
		"minutes":                  casus.ProcessDiscussion,
		"access log (student) CSV": casus.ProcessAccountability,
		"complaints list":          casus.ProcessAccountability,
		"export (AVG art. 15) pdf": casus.ProcessPrivacyRequest,
		"rectification decision":   casus.ProcessPrivacyRequest,
		"access request form":      casus.ProcessPrivacyRequest,
		"access requests":          casus.ProcessPrivacyRequest,
		"legal hold":               casus.ProcessRetention,
		"erasure":                  casus.ProcessRetention,
		"student left school":      casus.ProcessRetention,
		"retention":                casus.ProcessRetention,
		"consent exception":        casus.ProcessCare,
		"student list":             casus.ProcessCare,
	} {
		if got := ProcessingOf(page); got != want {
			t.Errorf("ProcessingOf(%q) = %q, want %q", page, got, want)
		}
	}
}
