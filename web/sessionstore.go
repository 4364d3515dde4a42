package web

import (
	"context"
	"reflect"
	"time"

	"casus"
	"casus/storage"

	"github.com/alexedwards/scs/v2"
)

// hashedStore keeps sessions under the SHA-256 of their token, so the
// sessions table holds no token a reader of the database (or of a backup)
// could put in a cookie and use. The token itself has 256 bits of
// randomness (scs), so a plain hash suffices: there is nothing to guess.
//
// Its *Ctx methods, which scs prefers, count each call as one statement of
// the request (storage.CountStatement), so a request's count includes its
// session reads and writes.
//
// It also leaves out the write of a session that did not change. With an
// idle time-out scs commits every session it loaded, only to move its
// expiry: a write per page, on SQLite through the one writing connection.
// CommitCtx skips a commit whose data is what FindCtx read in the same
// request (sessionSeen, put in the context by the middleware); the
// middleware changes the data (sessTouched) at most once a minute, so the
// expiry still moves on while the session is used, and a session idles out
// at most a minute before its idle time-out.
type hashedStore struct {
	store scs.Store
	codec scs.Codec
}

// sessionSeen is what the session store read in this request.
type sessionSeen struct {
	token string
	data  []byte
}

type seenKey struct{}

// withSessionSeen returns ctx with room for what the session store reads.
func withSessionSeen(ctx context.Context) context.Context {
	return context.WithValue(ctx, seenKey{}, &sessionSeen{})
}

// unchanged reports whether b holds the same deadline and values as the
// session data read for token in this request.
func (h hashedStore) unchanged(ctx context.Context, token string, b []byte) bool {
	seen, ok := ctx.Value(seenKey{}).(*sessionSeen)
	if !ok || seen.token != token || seen.data == nil {
		return false
	}
	d1, v1, err1 := h.codec.Decode(seen.data)
	d2, v2, err2 := h.codec.Decode(b)
	return err1 == nil && err2 == nil && d1.Equal(d2) && reflect.DeepEqual(v1, v2)
}

func (h hashedStore) Find(token string) ([]byte, bool, error) {
	return h.store.Find(casus.TokenHash(token))
}

func (h hashedStore) Commit(token string, b []byte, expiry time.Time) error {
	return h.store.Commit(casus.TokenHash(token), b, expiry)
}

func (h hashedStore) Delete(token string) error { return h.store.Delete(casus.TokenHash(token)) }

func (h hashedStore) FindCtx(ctx context.Context, token string) ([]byte, bool, error) {
	storage.CountStatement(ctx)
	b, found, err := h.Find(token)
	if seen, ok := ctx.Value(seenKey{}).(*sessionSeen); ok && found && err == nil {
		seen.token, seen.data = token, b
	}
	return b, found, err
}

func (h hashedStore) CommitCtx(ctx context.Context, token string, b []byte, expiry time.Time) error {
	if h.unchanged(ctx, token, b) {
		return nil
	}
	storage.CountStatement(ctx)
	return h.Commit(token, b, expiry)
}

func (h hashedStore) DeleteCtx(ctx context.Context, token string) error {
	storage.CountStatement(ctx)
	return h.Delete(token)
}
