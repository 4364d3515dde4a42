package web

import (
	"context"
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
type hashedStore struct{ store scs.Store }

func (h hashedStore) Find(token string) ([]byte, bool, error) {
	return h.store.Find(casus.TokenHash(token))
}

func (h hashedStore) Commit(token string, b []byte, expiry time.Time) error {
	return h.store.Commit(casus.TokenHash(token), b, expiry)
}

func (h hashedStore) Delete(token string) error { return h.store.Delete(casus.TokenHash(token)) }

func (h hashedStore) FindCtx(ctx context.Context, token string) ([]byte, bool, error) {
	storage.CountStatement(ctx)
	return h.Find(token)
}

func (h hashedStore) CommitCtx(ctx context.Context, token string, b []byte, expiry time.Time) error {
	storage.CountStatement(ctx)
	return h.Commit(token, b, expiry)
}

func (h hashedStore) DeleteCtx(ctx context.Context, token string) error {
	storage.CountStatement(ctx)
	return h.Delete(token)
}
