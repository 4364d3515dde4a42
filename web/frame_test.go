package web_test

import (
	"context"
	"testing"

	"casus"
	"casus/demo"
	"casus/storage"
	"casus/storage/storagetest"
	"casus/web/webtest"
)

// TestRefusalLeavesNothingWritten: a request that writes and is then
// refused — bad input found late, a conflict the database reports, a
// forbidden step — leaves nothing of its writes; only the access-log entry
// of the refusal is committed, and the chain verifies. (The frame used to
// commit the refusal with whatever the handler had written before it.)
func TestRefusalLeavesNothingWritten(t *testing.T) {
	for _, engine := range storagetest.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			env := webtest.Start(t, engine, webtest.Options{})
			ctx := context.Background()
			coord := env.UserID(demo.UserCoordinator)
			lotte := env.StudentID(demo.LotteNumber)
			for _, refusal := range []error{
				casus.FieldError("text", "error.required", nil),
				&casus.Error{Code: casus.ECONFLICT, Key: "error.conflict"},
				&casus.Error{Code: casus.EFORBIDDEN, Key: "error.forbidden"},
			} {
				messages := env.Count(`SELECT COUNT(*) FROM messages`)
				refusals := env.Count(`SELECT COUNT(*) FROM access_log WHERE purpose = 'frame test (refused)'`)
				e := &casus.AccessEntry{UserID: coord, UserName: "Marieke Vermeer", Role: casus.RoleCoordinator,
					StudentID: lotte, ObjectKind: "student", ObjectID: lotte, Action: casus.ActChange, Purpose: "frame test"}
				err := env.Server.RefuseAfterWriting(ctx, e, func(tx *storage.Tx) error {
					return tx.AddMessage(ctx, &casus.Message{UserID: coord, Key: "message.password_changed"})
				}, refusal)
				if casus.ErrorCode(err) != casus.ErrorCode(refusal) {
					t.Errorf("%v: the frame returned %v", refusal, err)
				}
				if n := env.Count(`SELECT COUNT(*) FROM messages`); n != messages {
					t.Errorf("%s: the refused request's write survived (%d messages, want %d)", casus.ErrorCode(refusal), n, messages)
				}
				if n := env.Count(`SELECT COUNT(*) FROM access_log WHERE purpose = 'frame test (refused)'`); n != refusals+1 {
					t.Errorf("%s: %d refusals logged, want 1", casus.ErrorCode(refusal), n-refusals)
				}
			}
			if _, err := env.DB.VerifyAccessLog(ctx); err != nil {
				t.Errorf("the access log does not verify: %v", err)
			}
		})
	}
}
