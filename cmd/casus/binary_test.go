package main

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// buildCasus builds the command as `go run ./cmd/casus` would, with a version
// stamped in as a release build does.
func buildCasus(t *testing.T, version string) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "casus")
	// go test puts its own GOROOT/bin first on PATH, so this is the same go.
	cmd := exec.Command("go", "build", "-ldflags", "-X main.version="+version, "-o", bin, ".")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// cleanEnv is the test process's environment without CASUS_* settings, so
// the developer's own configuration cannot leak into the binary.
func cleanEnv(extra ...string) []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "CASUS_") {
			env = append(env, kv)
		}
	}
	return append(env, extra...)
}

// exitCode runs the binary to completion and returns its exit code and output.
func exitCode(t *testing.T, bin, dir string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	cmd := exec.Command(bin, args...)
	cmd.Dir, cmd.Env = dir, cleanEnv()
	var out, errb syncBuffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	var ee *exec.ExitError
	switch {
	case err == nil:
	case errors.As(err, &ee):
		code = ee.ExitCode()
	default:
		t.Fatalf("run %v: %v", args, err)
	}
	return code, out.String(), errb.String()
}

// TestBinary checks what main() decides on top of run(): exit codes, messages
// on stderr, the version stamp, and a clean stop on SIGTERM, using the real
// binary the README's `go run ./cmd/casus serve --demo` builds.
func TestBinary(t *testing.T) {
	t.Parallel()
	bin := buildCasus(t, "v9.8.7-test")
	dir := t.TempDir()

	t.Run("Version", func(t *testing.T) {
		code, out, _ := exitCode(t, bin, dir, "version")
		if code != 0 || out != "casus v9.8.7-test\n" {
			t.Errorf("version: exit %d, %q; want 0, %q", code, out, "casus v9.8.7-test\n")
		}
	})

	t.Run("ServeHelp", func(t *testing.T) {
		code, _, errOut := exitCode(t, bin, dir, "serve", "--help")
		if code != 0 {
			t.Errorf("serve --help: exit %d, want 0\n%s", code, errOut)
		}
		if !strings.Contains(errOut, "Usage of casus serve:") || !strings.Contains(errOut, "CASUS_DATABASE_URL") {
			t.Errorf("serve --help did not print the flags:\n%s", errOut)
		}
		if strings.Contains(errOut, "casus:") {
			t.Errorf("serve --help reported an error:\n%s", errOut)
		}
	})

	t.Run("UnknownCommand", func(t *testing.T) {
		code, out, errOut := exitCode(t, bin, dir, "frobnicate")
		if code != 2 {
			t.Errorf("exit %d, want 2", code)
		}
		if !strings.Contains(errOut, "casus: unknown command frobnicate") || !strings.Contains(errOut, "Usage:") {
			t.Errorf("stderr does not name the command and show the usage:\n%s", errOut)
		}
		if out != "" {
			t.Errorf("stdout: %q", out)
		}
	})

	t.Run("NoCommand", func(t *testing.T) {
		if code, _, errOut := exitCode(t, bin, dir); code != 2 || !strings.Contains(errOut, "Usage:") {
			t.Errorf("exit %d, want 2 with the usage:\n%s", code, errOut)
		}
	})

	t.Run("UnknownFlag", func(t *testing.T) {
		code, _, errOut := exitCode(t, bin, dir, "serve", "--bogus")
		if code == 0 {
			t.Error("exit 0, want non-zero")
		}
		if !strings.Contains(errOut, "casus: flag provided but not defined: -bogus") {
			t.Errorf("stderr does not name the flag:\n%s", errOut)
		}
	})

	t.Run("FailedCommand", func(t *testing.T) {
		code, _, errOut := exitCode(t, bin, dir, "user", "add", "--data", t.TempDir(), "--email", "x", "--name", "X")
		if code != 1 || !strings.Contains(errOut, "casus: --email \"x\" is not a valid e-mail address") {
			t.Errorf("exit %d, want 1 with the reason:\n%s", code, errOut)
		}
	})

	// The README's command, `casus serve --demo`, in a fresh directory: only
	// the address is moved off the default 8080, through its variable, so the
	// command line stays as documented.
	t.Run("ServeDemo", func(t *testing.T) {
		work := t.TempDir()
		cmd := exec.CommandContext(t.Context(), bin, "serve", "--demo")
		cmd.Dir, cmd.Env = work, cleanEnv("CASUS_ADDR=127.0.0.1:0")
		cmd.WaitDelay = 5 * time.Second
		stdout, stderr := &syncBuffer{}, &syncBuffer{}
		cmd.Stdout, cmd.Stderr = stdout, stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		exited := false
		t.Cleanup(func() {
			if !exited {
				cmd.Process.Kill()
				<-done
			}
		})

		base := waitServing(t, stdout, stderr, done)
		waitHealthy(t, base)
		checkLoginPage(t, base)

		if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
			t.Fatal(err)
		}
		select {
		case err := <-done:
			exited = true
			if err != nil {
				t.Fatalf("serve exited with %v after SIGTERM, want 0\nstderr:\n%s", err, stderr)
			}
		case <-time.After(15 * time.Second):
			t.Fatal("serve did not exit within 15s of SIGTERM")
		}

		// The default data directory was made beside the command, private.
		data := filepath.Join(work, "casus-data")
		for name, mode := range map[string]os.FileMode{"": 0o700, "secret.key": 0o600, "casus.db": 0} {
			fi, err := os.Stat(filepath.Join(data, name))
			if err != nil {
				t.Errorf("casus-data/%s: %v", name, err)
				continue
			}
			if mode != 0 && fi.Mode().Perm() != mode {
				t.Errorf("casus-data/%s has mode %v, want %v", name, fi.Mode().Perm(), mode)
			}
		}
		code, out, _ := exitCode(t, bin, work, "audit", "verify")
		if code != 0 || !strings.Contains(out, "access log intact") {
			t.Errorf("audit verify on the served data: exit %d, %q", code, out)
		}
	})
}
