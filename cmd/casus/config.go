package main

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"casus"
	"casus/storage"
)

// flags wraps a FlagSet whose defaults come from CASUS_* variables, so every
// setting has a flag and an environment variable, documented together.
type flags struct {
	*flag.FlagSet
	getenv func(string) string
}

func newFlags(name string, stderr io.Writer, getenv func(string) string) *flags {
	fs := flag.NewFlagSet("casus "+name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	return &flags{FlagSet: fs, getenv: getenv}
}

func envName(flagName string) string {
	return "CASUS_" + strings.ToUpper(strings.ReplaceAll(flagName, "-", "_"))
}

func (f *flags) str(name, def, help string) *string {
	if v := f.getenv(envName(name)); v != "" {
		def = v
	}
	return f.String(name, def, help+" ("+envName(name)+")")
}

// secret is a string setting that holds a password or key (a URL with
// credentials, say). Like str it comes from its variable unless the flag
// is given, but --help and usage errors never print its value.
func (f *flags) secret(name, help string) *string {
	v := &secretValue{v: f.getenv(envName(name))}
	f.Var(v, name, help+"; its value is never printed ("+envName(name)+")")
	return &v.v
}

// secretValue is a flag.Value whose String is always empty, so the flag
// package shows no default.
type secretValue struct{ v string }

func (s *secretValue) String() string     { return "" }
func (s *secretValue) Set(v string) error { s.v = v; return nil }

func (f *flags) boolean(name string, def bool, help string) *bool {
	if v := f.getenv(envName(name)); v != "" {
		def = v == "1" || strings.EqualFold(v, "true")
	}
	return f.Bool(name, def, help+" ("+envName(name)+")")
}

func (f *flags) integer(name string, def int, help string) *int {
	if v := f.getenv(envName(name)); v != "" {
		if n, err := strconv.Atoi(v); err == nil {
			def = n
		}
	}
	return f.Int(name, def, help+" ("+envName(name)+")")
}

func (f *flags) duration(name string, def time.Duration, help string) *time.Duration {
	if v := f.getenv(envName(name)); v != "" {
		if d, err := time.ParseDuration(v); err == nil {
			def = d
		}
	}
	return f.Duration(name, def, help+" ("+envName(name)+")")
}

// dbFlags are the database settings every command shares, and the clock:
// the process's one clock goes to storage.Open, and the web server, the jobs,
// the demo data and retention read it from the store.
type dbFlags struct {
	dir, url, secretKey, auditKey *string
	clock                         casus.Clock
}

func (f *flags) database() dbFlags {
	return dbFlags{
		dir:       f.str("data", "casus-data", "directory for the SQLite database and its key file"),
		url:       f.secret("database-url", "PostgreSQL URL (postgres://…); empty uses SQLite under --data"),
		secretKey: f.secret("secret-key", "base64 32-byte key that encrypts secrets at rest; required with PostgreSQL, generated under --data with SQLite"),
		auditKey:  f.secret("audit-key", "base64 32-byte key that keys the audit logs' hash chains and signs their checkpoints; default: derived from --secret-key. Keep it outside the database and its backups"),
		clock:     casus.SystemClock,
	}
}

func (d dbFlags) open(ctx context.Context) (*storage.DB, error) {
	key, err := d.auditKeyBytes()
	if err != nil {
		return nil, err
	}
	return storage.Open(ctx, storage.Config{URL: *d.url, Dir: *d.dir, Now: d.clock, AuditKey: key})
}

// auditKeyBytes returns the audit key: --audit-key when given, else one
// derived from the secret key. Either way it is not in the database, so
// whoever holds only the database cannot forge the audit chains.
func (d dbFlags) auditKeyBytes() ([]byte, error) {
	if *d.auditKey != "" {
		k, err := base64.StdEncoding.DecodeString(*d.auditKey)
		if err != nil || len(k) != 32 {
			return nil, errors.New("--audit-key must be 32 bytes in base64 (try: head -c32 /dev/urandom | base64)")
		}
		return k, nil
	}
	key, err := d.key()
	if err != nil {
		return nil, err
	}
	return subkey(key, "audit"), nil
}

// key returns the secret key: given, or kept in a file beside the SQLite
// database (created on first use). Instances sharing PostgreSQL must share
// the key, so it has to be given there.
func (d dbFlags) key() ([]byte, error) {
	if *d.secretKey != "" {
		k, err := base64.StdEncoding.DecodeString(*d.secretKey)
		if err != nil || len(k) != 32 {
			return nil, errors.New("--secret-key must be 32 bytes in base64 (try: head -c32 /dev/urandom | base64)")
		}
		return k, nil
	}
	if *d.url != "" {
		return nil, errors.New("--secret-key (CASUS_SECRET_KEY) is required with PostgreSQL: every instance needs the same key")
	}
	path := filepath.Join(*d.dir, "secret.key")
	if b, err := os.ReadFile(path); err == nil {
		k, err := base64.StdEncoding.DecodeString(strings.TrimSpace(string(b)))
		if err != nil || len(k) != 32 {
			return nil, fmt.Errorf("%s is not a base64 32-byte key", path)
		}
		return k, nil
	}
	k := make([]byte, 32)
	rand.Read(k)
	if err := os.MkdirAll(*d.dir, 0o700); err != nil {
		return nil, err
	}
	if err := os.WriteFile(path, []byte(base64.StdEncoding.EncodeToString(k)+"\n"), 0o600); err != nil {
		return nil, err
	}
	return k, nil
}

// subkey derives a key for one purpose from the secret key.
func subkey(key []byte, purpose string) []byte {
	sum := sha256.Sum256(append([]byte("casus:"+purpose+":"), key...))
	return sum[:]
}

// splitList splits a comma-separated setting, dropping blanks.
func splitList(s string) []string {
	var out []string
	for _, v := range strings.Split(s, ",") {
		if v = strings.TrimSpace(v); v != "" {
			out = append(out, v)
		}
	}
	return out
}
