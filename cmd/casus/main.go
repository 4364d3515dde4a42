// Command casus runs Casus, the registration and workflow system for Dutch
// school care teams (intern zorgteam and ZAT). One binary: the HTTP server,
// migrations, demo data, account bootstrap, access-log verification, backup
// and restore.
//
// Configuration comes from flags, each with a CASUS_* environment variable;
// it is parsed here and passed down, never kept in globals.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
	_ "time/tzdata"
)

// version is set at build time with -ldflags "-X main.version=…".
var version = "dev"

const usage = `Casus — registratie en werkwijze voor intern zorgteam en ZAT.
Casus — registration and workflow for school care teams.

Usage:
  casus serve [flags]                 run the web server (casus serve --help)
  casus migrate [flags]               run database migrations
  casus demo [flags]                  load demo data into an empty database
  casus user add [flags]              add an account (e.g. the first beheerder)
  casus user reset-password [flags]   set a new password for an account
  casus audit verify [flags]          verify the audit logs' keyed hash chains (--checkpoint FILE to compare)
  casus audit checkpoint [flags]      write a signed checkpoint of the audit logs to --audit-checkpoint-dir
  casus import students FILE --school BRIN [--dry-run] [--preset P] [--accept-valid]
                                      import the student system's export (docs/import.md)
  casus retention [--dry-run] [flags] destroy files past their retention (counts, no names)
  casus backup --backup-dir DIR       write a consistent backup with a manifest of every table's rows and checksum
  casus restore --from DIR [--force]  restore a backup into an empty database, check it against its manifest, verify the audit logs
  casus version                       print the version

Every command takes --data DIR (SQLite, default ./casus-data) or
--database-url / CASUS_DATABASE_URL=postgres://… for PostgreSQL.
`

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout, os.Stderr, os.Getenv); err != nil {
		var ue usageError
		if errors.As(err, &ue) {
			fmt.Fprintf(os.Stderr, "casus: %s\n\n%s", ue.msg, usage)
			os.Exit(2)
		}
		fmt.Fprintln(os.Stderr, "casus:", err)
		os.Exit(1)
	}
}

type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

// run dispatches a command line; tests call it directly. It returns nil
// exactly when the process should exit 0: a --help request is a success (the
// flag package has already printed the command's flags).
func run(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) error {
	if err := dispatch(ctx, args, stdout, stderr, getenv); !errors.Is(err, flag.ErrHelp) {
		return err
	}
	return nil
}

func dispatch(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) error {
	if len(args) == 0 {
		return usageError{"no command"}
	}
	cmd, rest := args[0], args[1:]
	switch cmd {
	case "serve":
		return cmdServe(ctx, rest, stdout, stderr, getenv)
	case "migrate":
		return cmdMigrate(ctx, rest, stdout, stderr, getenv)
	case "demo":
		return cmdDemo(ctx, rest, stdout, stderr, getenv)
	case "user":
		if len(rest) > 0 && rest[0] == "add" {
			return cmdUserAdd(ctx, rest[1:], stdout, stderr, getenv)
		}
		if len(rest) > 0 && rest[0] == "reset-password" {
			return cmdUserReset(ctx, rest[1:], stdout, stderr, getenv)
		}
	case "audit":
		if len(rest) > 0 && rest[0] == "verify" {
			return cmdAuditVerify(ctx, rest[1:], stdout, stderr, getenv)
		}
		if len(rest) > 0 && rest[0] == "checkpoint" {
			return cmdAuditCheckpoint(ctx, rest[1:], stdout, stderr, getenv)
		}
	case "import":
		if len(rest) > 0 && rest[0] == "students" {
			return cmdImportStudents(ctx, rest[1:], stdout, stderr, getenv)
		}
	case "retention":
		return cmdRetention(ctx, rest, stdout, stderr, getenv)
	case "backup":
		return cmdBackup(ctx, rest, stdout, stderr, getenv)
	case "restore":
		return cmdRestore(ctx, rest, stdout, stderr, getenv)
	case "version", "--version", "-version":
		fmt.Fprintln(stdout, "casus", version)
		return nil
	case "help", "--help", "-h", "-help":
		fmt.Fprint(stdout, usage)
		return nil
	}
	return usageError{"unknown command " + cmd}
}
