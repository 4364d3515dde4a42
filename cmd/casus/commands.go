package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	netmail "net/mail"
	"net/netip"
	"strings"
	"time"

	"casus"
	"casus/app"
	"casus/auth"
	"casus/demo"
	"casus/jobs"
	"casus/mail"
	"casus/storage"
	"casus/web"
)

func cmdServe(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) error {
	f := newFlags("serve", stderr, getenv)
	db := f.database()
	addr := f.str("addr", "127.0.0.1:8080", "address to listen on (HOST:PORT)")
	withDemo := f.boolean("demo", false, "demo mode: load demo data into an empty database; demo accounts log in without two-factor")
	cookieSecure := f.str("cookie-secure", "auto", "mark cookies Secure: true, false, or auto (true unless listening on loopback)")
	idle := f.duration("session-idle", 30*time.Minute, "session idle time-out")
	lifetime := f.duration("session-lifetime", 12*time.Hour, "absolute session lifetime")
	proxies := f.str("trusted-proxies", "", "comma-separated networks of load balancers whose X-Forwarded-For is trusted, e.g. 10.0.0.0/8")
	oidcIssuer := f.str("oidc-issuer", "", "OpenID Connect issuer URL; empty disables single sign-on")
	oidcClient := f.str("oidc-client-id", "", "OpenID Connect client ID")
	oidcSecret := f.secret("oidc-client-secret", "OpenID Connect client secret")
	oidcRedirect := f.str("oidc-redirect-url", "", "OpenID Connect redirect URL, ending in /login/oidc/callback")
	oidcMFA := f.str("oidc-mfa-values", strings.Join(web.DefaultOIDCMFAValues, ","),
		"comma-separated acr and amr values (RFC 8176) in the ID token that prove the provider did multi-factor authentication; without one Casus asks its own two-factor code; empty trusts none")
	logLevel := f.str("log-level", "info", "log level: debug, info, warn, error")
	smtpURL := f.secret("smtp-url", "SMTP server for e-mail: smtp://user:password@host:587 (STARTTLS), smtps://user:password@host:465, or smtp://host:25?tls=none for a local relay; empty (and --demo) keeps mail in the outbox at /outbox")
	mailFrom := f.str("mail-from", "", "sender of e-mail, e.g. 'Casus <casus@school.nl>'; required with --smtp-url")
	checkpointDir := f.str("audit-checkpoint-dir", "", "directory for the hourly signed checkpoints of the audit logs, outside the database (e.g. a mount that is backed up elsewhere); empty writes none")
	shutdownTimeout := f.duration("shutdown-timeout", 10*time.Second, "on SIGTERM or interrupt, how long requests in progress may take to finish before their connections are closed (their transactions then roll back)")
	backupDir := f.str("backup-dir", "", "directory for scheduled backups (as casus backup writes them); empty takes none. With several instances on one PostgreSQL database, set it on one")
	backupEvery := f.duration("backup-every", 24*time.Hour, "time between scheduled backups")
	backupKeep := f.integer("backup-keep", 7, "scheduled backups to keep; older ones are removed (0 keeps all)")
	apiRate := f.integer("api-rate-limit", 600, "calls one API token may make per minute on this instance")
	baseURL := f.str("base-url", "", "address users reach Casus at, for the links in e-mail, e.g. https://casus.school.nl (default http:// and --addr)")
	if err := f.Parse(args); err != nil {
		return err
	}
	var level slog.Level
	if err := level.UnmarshalText([]byte(*logLevel)); err != nil {
		return fmt.Errorf("--log-level: %w", err)
	}
	apiRateLimit := *apiRate
	if apiRateLimit < 1 {
		return fmt.Errorf("--api-rate-limit: want a whole number of calls per minute, at least 1")
	}
	logger := slog.New(slog.NewJSONHandler(stderr, &slog.HandlerOptions{Level: level}))
	key, err := db.key()
	if err != nil {
		return err
	}
	store, err := db.open(ctx)
	if err != nil {
		return err
	}
	defer store.Close()
	if *backupDir != "" && *backupEvery <= 0 {
		return errors.New("--backup-every must be positive")
	}
	if *withDemo {
		switch err := demo.Load(ctx, store, auth.HashPassword, store.Now()); {
		case err == nil:
			logger.Info("demo data loaded")
		case errors.Is(err, demo.ErrNotEmpty):
			logger.Info("database not empty: demo data not loaded")
		default:
			return err
		}
	}
	mc, err := mailConfig(*smtpURL, *mailFrom, *baseURL, *addr, *withDemo)
	if err != nil {
		return err
	}
	if *withDemo && *smtpURL != "" {
		logger.Warn("demo mode: e-mail stays in the outbox, --smtp-url is not used")
	}
	var jobOpts []jobs.Option
	if *checkpointDir != "" {
		jobOpts = append(jobOpts, jobs.AuditCheckpoints(store, *checkpointDir))
	} else {
		logger.Warn("no --audit-checkpoint-dir: the audit logs get no checkpoints, so cutting their end goes unnoticed")
	}
	runner, err := jobs.New(store, mc, logger, jobOpts...)
	if err != nil {
		return err
	}
	if err := runner.Start(ctx); err != nil {
		return err
	}
	defer runner.Stop(context.WithoutCancel(ctx)) // waits for running jobs; before store.Close
	if *backupDir != "" {
		backups := make(chan struct{})
		go func() {
			defer close(backups)
			scheduleBackups(ctx, store, *backupDir, *backupEvery, *backupKeep, logger)
		}()
		defer func() { <-backups }() // a backup under way ends before store.Close
	}
	_, outbox := mc.Mailer.(mail.Outbox)
	cfg := web.Config{DB: store, Logger: logger, DemoMode: *withDemo, Outbox: outbox, IdleTimeout: *idle, Lifetime: *lifetime,
		Throttle: auth.DefaultThrottle(subkey(key, "throttle")), APIRateLimit: apiRateLimit}
	if cfg.Sealer, err = auth.NewSealer(subkey(key, "seal")); err != nil {
		return err
	}
	if cfg.TrustedProxies, err = parsePrefixes(*proxies); err != nil {
		return err
	}
	if cfg.CookieSecure, err = secureCookies(*cookieSecure, *addr); err != nil {
		return err
	}
	if *oidcIssuer != "" {
		cfg.OIDC = &web.OIDCConfig{Issuer: *oidcIssuer, ClientID: *oidcClient, ClientSecret: *oidcSecret, RedirectURL: *oidcRedirect,
			MFAValues: splitList(*oidcMFA)}
	}
	srv, err := web.New(ctx, cfg)
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return err
	}
	hs := &http.Server{Handler: srv, ReadHeaderTimeout: 10 * time.Second, ReadTimeout: 30 * time.Second,
		WriteTimeout: 60 * time.Second, IdleTimeout: 120 * time.Second}
	fmt.Fprintf(stdout, "Casus serving on http://%s\n", ln.Addr())
	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
		// No new connections; requests in progress finish, within the
		// bound. The jobs stop meanwhile (River finishes running jobs,
		// see jobs.Runner.Start), and the deferred calls wait for them and
		// for a backup under way before the store closes.
		shut, cancel := context.WithTimeout(context.Background(), *shutdownTimeout)
		defer cancel()
		if err := hs.Shutdown(shut); err != nil {
			hs.Close() // cuts the rest off: their contexts end, their transactions roll back
			return fmt.Errorf("requests still running after --shutdown-timeout %s were cut off: %w", *shutdownTimeout, err)
		}
		logger.Info("stopped: requests in progress finished")
		return nil
	}
}

// mailConfig chooses where e-mail goes: the SMTP server at smtpURL, or the
// outbox when there is none and always in demo mode, whose accounts have
// made-up addresses. Links start with baseURL, by default the listening
// address.
func mailConfig(smtpURL, from, baseURL, addr string, demoMode bool) (jobs.MailConfig, error) {
	if baseURL == "" {
		host, port, err := net.SplitHostPort(addr)
		if err != nil {
			return jobs.MailConfig{}, fmt.Errorf("--addr: %w", err)
		}
		if ip, err := netip.ParseAddr(host); host == "" || err == nil && ip.IsUnspecified() {
			host = "localhost"
		}
		baseURL = "http://" + net.JoinHostPort(host, port)
	}
	mc := jobs.MailConfig{Mailer: mail.Outbox{}, BaseURL: baseURL}
	if smtpURL == "" || demoMode {
		return mc, nil
	}
	if from == "" {
		return mc, errors.New("--mail-from (CASUS_MAIL_FROM) is required with --smtp-url")
	}
	s, err := mail.NewSMTP(smtpURL, from)
	if err != nil {
		return mc, fmt.Errorf("--smtp-url: %w", err)
	}
	mc.Mailer = s
	return mc, nil
}

func parsePrefixes(s string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p == "" {
			continue
		}
		pre, err := netip.ParsePrefix(p)
		if err != nil {
			return nil, fmt.Errorf("--trusted-proxies: %w", err)
		}
		out = append(out, pre)
	}
	return out, nil
}

func secureCookies(setting, addr string) (bool, error) {
	switch setting {
	case "true":
		return true, nil
	case "false":
		return false, nil
	case "auto":
		host, _, err := net.SplitHostPort(addr)
		if err != nil {
			return false, fmt.Errorf("--addr: %w", err)
		}
		ip, err := netip.ParseAddr(host)
		return !(host == "localhost" || err == nil && ip.IsLoopback()), nil
	}
	return false, fmt.Errorf("--cookie-secure must be true, false or auto")
}

func cmdMigrate(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) error {
	f := newFlags("migrate", stderr, getenv)
	db := f.database()
	if err := f.Parse(args); err != nil {
		return err
	}
	store, err := db.open(ctx) // Open migrates.
	if err != nil {
		return err
	}
	defer store.Close()
	fmt.Fprintf(stdout, "database on %s is up to date\n", store.Engine)
	return nil
}

func cmdDemo(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) error {
	f := newFlags("demo", stderr, getenv)
	db := f.database()
	if err := f.Parse(args); err != nil {
		return err
	}
	store, err := db.open(ctx)
	if err != nil {
		return err
	}
	defer store.Close()
	if err := demo.Load(ctx, store, auth.HashPassword, store.Now()); err != nil {
		return err
	}
	fmt.Fprintln(stdout, "demo data loaded; every demo account has the password", demo.Password)
	return nil
}

func cmdUserAdd(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) error {
	f := newFlags("user add", stderr, getenv)
	db := f.database()
	email := f.String("email", "", "e-mail address (login)")
	username := f.String("username", "", "optional short login name")
	name := f.String("name", "", "full name")
	role := f.String("role", string(casus.RoleAdmin), "role: "+strings.Join(rolesOf(), ", "))
	discipline := f.String("discipline", string(casus.DiscAdministrator), "discipline")
	password := f.String("password", "", "first password (at least 12 characters); read from CASUS_PASSWORD when empty")
	if err := f.Parse(args); err != nil {
		return err
	}
	if *password == "" {
		*password = getenv("CASUS_PASSWORD")
	}
	if *email == "" || *name == "" {
		return errors.New("--email and --name are required")
	}
	if !validEmail(*email) {
		return fmt.Errorf("--email %q is not a valid e-mail address", *email)
	}
	if !casus.Role(*role).Valid() || !casus.Discipline(*discipline).Valid() {
		return errors.New("unknown --role or --discipline")
	}
	store, err := db.open(ctx)
	if err != nil {
		return err
	}
	defer store.Close()
	u, err := app.New(store).AddAccount(ctx, app.Console{Command: "casus user add"}, casus.User{Email: *email,
		Username: *username, Name: *name, Discipline: casus.Discipline(*discipline), Roles: []casus.Role{casus.Role(*role)}},
		*password)
	if e := (*casus.Error)(nil); errors.As(err, &e) && e.Code == casus.EINVALID {
		return passwordError(e)
	}
	if casus.ErrorCode(err) == casus.ECONFLICT {
		if *username != "" {
			return fmt.Errorf("an account with e-mail address %s or username %s already exists", *email, *username)
		}
		return fmt.Errorf("an account with e-mail address %s already exists", *email)
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "user %s added with role %s\n", u.Email, *role)
	return nil
}

// validEmail accepts a bare address with a dot in its domain, as the web
// form does.
func validEmail(s string) bool {
	a, err := netmail.ParseAddress(s)
	return err == nil && a.Address == s && strings.Contains(s[strings.LastIndex(s, "@"):], ".")
}

func rolesOf() []string {
	var out []string
	for _, r := range casus.Roles {
		out = append(out, string(r))
	}
	return out
}

func cmdUserReset(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) error {
	f := newFlags("user reset-password", stderr, getenv)
	db := f.database()
	login := f.String("login", "", "e-mail address or username")
	password := f.String("password", "", "new password; read from CASUS_PASSWORD when empty")
	reset2FA := f.Bool("reset-2fa", false, "also remove the account's two-factor setup")
	if err := f.Parse(args); err != nil {
		return err
	}
	if *password == "" {
		*password = getenv("CASUS_PASSWORD")
	}
	store, err := db.open(ctx)
	if err != nil {
		return err
	}
	defer store.Close()
	_, err = app.New(store).SetPassword(ctx, app.Console{Command: "casus user reset-password"}, *login, *password, *reset2FA)
	if e := (*casus.Error)(nil); errors.As(err, &e) && e.Code == casus.EINVALID {
		return passwordError(e)
	}
	if casus.ErrorCode(err) == casus.ENOTFOUND {
		return errors.New("no such account")
	}
	if err != nil {
		return err
	}
	fmt.Fprintln(stdout, "password set; the account's sessions have ended")
	return nil
}

func cmdAuditVerify(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) error {
	f := newFlags("audit verify", stderr, getenv)
	db := f.database()
	checkpoint := f.str("checkpoint", "", "a checkpoint file (or a directory: its newest) to compare the logs with")
	if err := f.Parse(args); err != nil {
		return err
	}
	store, err := db.open(ctx)
	if err != nil {
		return err
	}
	defer store.Close()
	var cp *storage.Checkpoint
	if *checkpoint != "" {
		c, err := store.ReadCheckpoint(*checkpoint)
		if err != nil {
			return fmt.Errorf("audit verification FAILED: checkpoint %s: %w", *checkpoint, err)
		}
		cp = &c
	}
	return verifyAudit(ctx, store, cp, stdout)
}

// verifyAudit verifies the audit logs' chains, and against cp when given,
// and says what it found; audit verify and restore share it.
func verifyAudit(ctx context.Context, store *storage.DB, cp *storage.Checkpoint, stdout io.Writer) error {
	r, err := store.VerifyAudit(ctx, cp)
	var ce *storage.ChainError
	switch {
	case err != nil && r.ChainsIntact:
		return fmt.Errorf("audit verification FAILED against the checkpoint of %s: %w "+
			"(each chain is consistent in itself, so entries were removed or rewritten since the checkpoint)", cp.At.Format(time.RFC3339), err)
	case errors.As(err, &ce) && ce.Log == "security-event log":
		return fmt.Errorf("audit verification FAILED: %w (the %d events before it verified)", err, r.SecurityEvents)
	case errors.As(err, &ce):
		return fmt.Errorf("audit verification FAILED: %w (the %d entries before it verified)", err, r.AccessEntries)
	case err != nil:
		return fmt.Errorf("audit verification FAILED: %w", err)
	}
	fmt.Fprintf(stdout, "access log intact: %d entries verified%s\n", r.AccessEntries, legacyNote(r.AccessLegacy))
	fmt.Fprintf(stdout, "security-event log intact: %d events verified%s\n", r.SecurityEvents, legacyNote(r.SecurityLegacy))
	if cp != nil {
		fmt.Fprintf(stdout, "consistent with the checkpoint of %s\n", cp.Summary())
	}
	return nil
}

// legacyNote says how many verified entries predate the keyed chain.
func legacyNote(n int64) string {
	if n == 0 {
		return ""
	}
	return fmt.Sprintf(" (the first %d from before the keyed chain, protected by its seal)", n)
}

func cmdAuditCheckpoint(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) error {
	f := newFlags("audit checkpoint", stderr, getenv)
	db := f.database()
	dir := f.str("audit-checkpoint-dir", "", "directory to write the signed checkpoint to, outside the database")
	if err := f.Parse(args); err != nil {
		return err
	}
	if *dir == "" {
		return usageError{"audit checkpoint needs --audit-checkpoint-dir"}
	}
	store, err := db.open(ctx)
	if err != nil {
		return err
	}
	defer store.Close()
	path, cp, err := store.WriteCheckpoint(ctx, *dir)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "checkpoint written to %s (%s)\n", path, cp.Summary())
	return nil
}

// passwordError says why the command line refuses a password.
func passwordError(e *casus.Error) error {
	if e.Key == "error.password_common" {
		return errors.New("password: too common (on the list of common and breached passwords, or too few different characters)")
	}
	return fmt.Errorf("password: at least %d and at most %d characters", auth.MinPasswordLen, auth.MaxPasswordLen)
}
