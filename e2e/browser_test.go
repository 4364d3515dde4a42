package e2e

import (
	"context"
	_ "embed"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	cdplog "github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"casus/demo"
	"casus/i18n"
	"casus/storage/storagetest"
	"casus/web/webtest"
)

// Environment variables of the suite.
const (
	envBrowser  = "CASUS_TEST_BROWSER" // set: run the suite
	envChromium = "CASUS_CHROMIUM"     // the browser binary
	envShots    = "CASUS_SHOTS"        // set: write screenshots to shotDir

	defaultChromium = "/usr/bin/chromium"
	shotDir         = "/tmp/shots"

	// stepTimeout bounds one browser action, so a hung page fails the test
	// instead of the whole test binary.
	stepTimeout = 30 * time.Second
)

// axeSource is axe-core 4.14.1 (MPL-2.0, see testdata/AXE-LICENSE).
//
//go:embed testdata/axe.min.js
var axeSource string

// axeRun runs axe-core on the document for WCAG 2.0 and 2.1, levels A and AA,
// and returns the violations and the results axe could not decide ("needs
// review", incomplete), each in a shape that decodes into axeViolation.
const axeRun = `axe.run(document, {
  runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']},
  resultTypes: ['violations', 'incomplete']
}).then(r => [r.violations, r.incomplete].map(list => list.map(v => ({
  id: v.id, impact: v.impact || '', help: v.help, helpUrl: v.helpUrl,
  nodes: v.nodes.map(n => ({target: JSON.stringify(n.target), html: n.html,
    summary: n.failureSummary || [...n.any, ...n.all, ...n.none].map(c => c.message).join('; ')}))
}))))`

// axeReviewed are the "needs review" results a person has reviewed: a rule
// and the start of the element's HTML, with the reason it passes. Every
// other incomplete result fails the test like a violation.
var axeReviewed = []struct{ rule, htmlPrefix, reason string }{
	{"color-contrast", "<text ", "labels of the SVG charts (figures): axe cannot tell a background inside an SVG; " +
		"they are drawn #222 on white (15.9:1), and the table beside each chart holds the same numbers"},
}

// reviewed reports whether a person has reviewed the incomplete result.
func reviewed(rule, html string) bool {
	for _, r := range axeReviewed {
		if r.rule == rule && strings.HasPrefix(html, r.htmlPrefix) {
			return true
		}
	}
	return false
}

type axeViolation struct {
	ID      string    `json:"id"`
	Impact  string    `json:"impact"`
	Help    string    `json:"help"`
	HelpURL string    `json:"helpUrl"`
	Nodes   []axeNode `json:"nodes"`
}

type axeNode struct {
	Target  string `json:"target"`
	HTML    string `json:"html"`
	Summary string `json:"summary"`
}

// cspWatch runs in every new document before the page's own scripts (it is
// added through the DevTools protocol, so the page's CSP does not apply to
// it) and records every securitypolicyviolation event of the document.
const cspWatch = `(() => {
  const seen = [];
  Object.defineProperty(window, '__casusCSP', {value: seen});
  window.addEventListener('securitypolicyviolation', e => seen.push(
    e.effectiveDirective + ' blocked ' + (e.blockedURI || '(inline)') +
    ' in ' + (e.sourceFile || e.documentURI) + ':' + e.lineNumber +
    (e.sample ? ' sample ' + JSON.stringify(e.sample) : '')), true);
})();`

// requireBrowser skips the test unless the suite is switched on, and then
// insists on the browser: a CI run that asked for browser tests must not
// pass without them.
func requireBrowser(t *testing.T) string {
	t.Helper()
	if os.Getenv(envBrowser) == "" {
		t.Skip("browser suite: set CASUS_TEST_BROWSER=1 (.ci/run does)")
	}
	exe := os.Getenv(envChromium)
	if exe == "" {
		exe = defaultChromium
	}
	if fi, err := os.Stat(exe); err != nil || fi.IsDir() || fi.Mode()&0o111 == 0 {
		t.Fatalf("browser suite: %s=%s asks for browser tests, but there is no browser at %s (set %s): %v",
			envBrowser, os.Getenv(envBrowser), exe, envChromium, err)
	}
	return exe
}

// browser is one chromium with a fresh profile and one tab, pointed at one
// server.
type browser struct {
	t    *testing.T
	ctx  context.Context
	base string

	mu       sync.Mutex
	problems []string // CSP messages and uncaught exceptions: the test fails
	notes    []string // other console errors and warnings: logged
}

func newBrowser(t *testing.T, exe, base string) *browser {
	t.Helper()
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(exe),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-quic", true),
		// A Dutch user: the browser asks for Dutch first.
		chromedp.Flag("lang", "nl-NL"),
		chromedp.Flag("accept-lang", "nl-NL,nl"),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1280, 900),
	)
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelCtx := chromedp.NewContext(actx)
	t.Cleanup(func() { cancelCtx(); cancelAlloc() })
	b := &browser{t: t, ctx: ctx, base: base}
	// The first Run starts the browser and binds it to ctx: no timeout here.
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("start chromium %s: %v", exe, err)
	}
	if err := chromedp.Listen(ctx, b.event); err != nil {
		t.Fatalf("listen: %v", err)
	}
	if _, err := chromedp.Call(ctx, page.AddScriptToEvaluateOnNewDocument,
		page.AddScriptToEvaluateOnNewDocumentParams{Source: cspWatch}); err != nil {
		t.Fatalf("install CSP watch: %v", err)
	}
	return b
}

// event runs in chromedp's read loop: record and return.
func (b *browser) event(ev any) {
	var problem, note string
	switch ev := ev.(type) {
	case *cdplog.EventEntryAdded:
		e := ev.Entry
		text := fmt.Sprintf("%s %s: %s (%s)", e.Source, e.Level, e.Text, e.URL)
		switch {
		case isCSP(e.Text) || e.Source == cdplog.EntrySourceSecurity:
			problem = "console: " + text
		case e.Level == cdplog.EntryLevelError || e.Level == cdplog.EntryLevelWarning:
			note = text
		}
	case *runtime.EventConsoleAPICalled:
		if ev.Type != runtime.ConsoleAPICalledTypeError && ev.Type != runtime.ConsoleAPICalledTypeWarning {
			return
		}
		var parts []string
		for _, a := range ev.Args {
			if a.Description != "" {
				parts = append(parts, a.Description)
			} else {
				parts = append(parts, string(a.Value))
			}
		}
		text := fmt.Sprintf("console.%s: %s", ev.Type, strings.Join(parts, " "))
		if isCSP(text) {
			problem = text
		} else {
			note = text
		}
	case *runtime.EventExceptionThrown:
		d := ev.ExceptionDetails
		text := d.Text
		if d.Exception != nil && d.Exception.Description != "" {
			text += " " + d.Exception.Description
		}
		problem = fmt.Sprintf("uncaught exception: %s (%s:%d)", text, d.URL, d.LineNumber)
	default:
		return
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if problem != "" {
		b.problems = append(b.problems, problem)
	}
	if note != "" {
		b.notes = append(b.notes, note)
	}
}

func isCSP(s string) bool {
	return strings.Contains(s, "Content Security Policy") || strings.Contains(s, "Content-Security-Policy")
}

// run runs one action with a time limit and fails the test on an error.
func run[T any](b *browser, what string, a chromedp.Action[T]) T {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, stepTimeout)
	defer cancel()
	v, err := chromedp.Run(ctx, a)
	if err != nil {
		b.t.Fatalf("%s: %v", what, err)
	}
	return v
}

// open navigates to the path and checks the page.
func (b *browser) open(path string, wantStatus int) {
	b.t.Helper()
	res := run(b, "open "+path, chromedp.NavigateResponse(b.base+path))
	if res.Status != int64(wantStatus) {
		b.t.Fatalf("open %s: status %d, want %d", path, res.Status, wantStatus)
	}
	b.check(path)
}

// follow runs the actions, which must load a new page (a click on a link or
// a submit button), and checks that page.
func (b *browser) follow(what string, wantStatus int, steps ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, stepTimeout)
	defer cancel()
	res, err := chromedp.RunResponse(ctx, steps...)
	if err != nil {
		b.t.Fatalf("%s: %v", what, err)
	}
	if res.Status != int64(wantStatus) {
		b.t.Fatalf("%s: status %d, want %d (%s)", what, res.Status, wantStatus, res.URL)
	}
	b.check(what + " → " + strings.TrimPrefix(res.URL, b.base))
}

// check runs axe-core on the loaded page and fails the test on any WCAG 2.1
// A/AA violation or unreviewed "needs review" result (axeReviewed), on any CSP violation and on any uncaught exception.
func (b *browser) check(page string) {
	b.t.Helper()
	// Runtime.evaluate is the DevTools console's way in: the page's CSP
	// (script-src 'self', no eval) does not apply to it, so the production
	// policy stays as it is and still catches everything else.
	run(b, page+": inject axe", chromedp.Evaluate[chromedp.Void](axeSource+"\n;undefined"))
	results := run(b, page+": run axe", chromedp.Evaluate[[2][]axeViolation](axeRun, chromedp.EvalAwaitPromise))
	violations := results[0]
	for _, v := range results[1] { // needs review: fails unless reviewed
		v.Nodes = slices.DeleteFunc(v.Nodes, func(n axeNode) bool { return reviewed(v.ID, n.HTML) })
		if len(v.Nodes) > 0 {
			v.Help = "needs review: " + v.Help
			violations = append(violations, v)
		}
	}
	for _, v := range violations {
		var nodes strings.Builder
		for _, n := range v.Nodes {
			fmt.Fprintf(&nodes, "\n      %s %s\n        %s", n.Target, n.HTML, strings.ReplaceAll(n.Summary, "\n", "\n        "))
		}
		b.t.Errorf("%s: axe %s (%s): %s <%s>%s", page, v.ID, v.Impact, v.Help, v.HelpURL, nodes.String())
	}
	csp := run(b, page+": read CSP watch", chromedp.Evaluate[[]string](`window.__casusCSP || ['CSP watch missing from this document']`))
	for _, c := range csp {
		b.t.Errorf("%s: CSP violation: %s", page, c)
	}
	b.mu.Lock()
	problems, notes := b.problems, b.notes
	b.problems, b.notes = nil, nil
	b.mu.Unlock()
	for _, p := range problems {
		b.t.Errorf("%s: %s", page, p)
	}
	for _, n := range notes {
		b.t.Logf("%s: browser console: %s", page, n)
	}
	b.t.Logf("%s: axe: %d violations (needs-review included)", page, len(violations))
}

// eval evaluates a JavaScript expression and decodes its value.
func eval[T any](b *browser, expr string) T {
	b.t.Helper()
	return run(b, "evaluate "+expr, chromedp.Evaluate[T](expr))
}

// headings returns the visible text of the visible h1 and h2 elements.
func (b *browser) headings() []string {
	b.t.Helper()
	return eval[[]string](b, `[...document.querySelectorAll('h1, h2')].filter(h => h.checkVisibility()).map(h => h.innerText.trim())`)
}

func (b *browser) h1() string {
	b.t.Helper()
	return strings.TrimSpace(run(b, "read h1", chromedp.Text(chromedp.CSS("main h1"))))
}

func (b *browser) lang() string {
	b.t.Helper()
	return eval[string](b, `document.documentElement.lang`)
}

// shoot writes a full-page PNG to /tmp/shots when CASUS_SHOTS is set.
func (b *browser) shoot(name string) {
	b.t.Helper()
	if os.Getenv(envShots) == "" {
		return
	}
	png := run(b, "screenshot "+name, chromedp.FullScreenshot(100))
	if err := os.MkdirAll(shotDir, 0o755); err != nil {
		b.t.Fatal(err)
	}
	file := filepath.Join(shotDir, name+".png")
	if err := os.WriteFile(file, png, 0o644); err != nil {
		b.t.Fatal(err)
	}
	b.t.Logf("screenshot %s", file)
}

// login fills in and submits the login form on the current page.
func (b *browser) login(user, password string, wantStatus int) {
	b.t.Helper()
	b.follow("log in as "+user, wantStatus,
		chromedp.SendKeys(chromedp.ID("f-login"), user),
		chromedp.SendKeys(chromedp.ID("f-password"), password),
		chromedp.Click(chromedp.CSS(`main form[action="/login"] button[type="submit"]`)),
	)
}

func jsString(s string) string {
	q, _ := json.Marshal(s)
	return string(q)
}

func TestBrowserCoordinator(t *testing.T) {
	exe := requireBrowser(t)
	for _, engine := range storagetest.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			env := webtest.Start(t, engine, webtest.Options{})
			b := newBrowser(t, exe, env.URL)

			b.open("/login", http.StatusOK)
			b.shoot(engine + "-login")
			b.login(demo.UserCoordinator, demo.Password, http.StatusOK)
			if loc := run(b, "location", chromedp.Location()); loc != env.URL+"/" {
				t.Fatalf("after login: at %s, want the home page", loc)
			}

			// The student list, and Lotte's page from it.
			b.follow("menu → students", http.StatusOK, chromedp.Click(chromedp.CSS(`nav a[href="/students"]`)))
			lotteID := env.StudentID(demo.LotteNumber)
			var first, last string
			if err := env.SQL().QueryRow(`SELECT first_name, last_name FROM students WHERE id = $1`, lotteID).Scan(&first, &last); err != nil {
				t.Fatal(err)
			}
			// Search for Lotte by her student number; her row is the one
			// with that number, and its link leads to her page.
			b.follow("student search "+demo.LotteNumber, http.StatusOK,
				chromedp.SendKeys(chromedp.ID("f-q"), demo.LotteNumber),
				chromedp.Click(chromedp.CSS(`main form[action="/students"] button[type="submit"]`)),
			)
			row := fmt.Sprintf(`[...document.querySelectorAll('main table tbody tr')].find(r => [...r.cells].some(c => c.innerText.trim() === %s))`, jsString(demo.LotteNumber))
			if href := eval[string](b, `(`+row+`)?.querySelector('a')?.getAttribute('href') ?? ''`); href != "/students/"+lotteID {
				t.Fatalf("student list: Lotte's (%s) link is %q, want /students/%s", demo.LotteNumber, href, lotteID)
			}
			b.follow("student list → Lotte", http.StatusOK, chromedp.Click(chromedp.JSPath(`(`+row+`).querySelector('a')`)))
			b.shoot(engine + "-student-nl")
			if h := b.h1(); !strings.Contains(h, first) || !strings.Contains(h, last) {
				t.Errorf("student page: h1 %q, want Lotte's name %s %s", h, first, last)
			}
			if hs := b.headings(); !slices.Contains(hs, "Basisgegevens") {
				t.Errorf("student page: headings %q lack Basisgegevens", hs)
			}
			if l := b.lang(); l != "nl" {
				t.Errorf("student page: html lang %q, want nl", l)
			}

			// Switch to English: same page, English texts.
			b.follow("language → English", http.StatusOK, chromedp.Click(chromedp.CSS(`header form[action="/lang"] button[value="en"]`)))
			b.shoot(engine + "-student-en")
			if loc := run(b, "location", chromedp.Location()); loc != env.URL+"/students/"+lotteID {
				t.Errorf("after the language switch: at %s, want Lotte's page", loc)
			}
			if l := b.lang(); l != "en" {
				t.Errorf("after the language switch: html lang %q, want en", l)
			}
			if hs := b.headings(); !slices.Contains(hs, "Basic data") {
				t.Errorf("after the language switch: headings %q lack Basic data", hs)
			}
			if h := b.h1(); !strings.Contains(h, first) {
				t.Errorf("after the language switch: h1 %q, want Lotte's name", h)
			}

			// The teams and one team.
			b.open("/teams", http.StatusOK)
			team := eval[string](b, `document.querySelector('main a[href^="/teams/"]')?.innerText.trim() ?? ''`)
			if team == "" {
				t.Fatal("teams: no team links")
			}
			b.follow("teams → "+team, http.StatusOK, chromedp.Click(chromedp.CSS(`main a[href^="/teams/"]`)))
			if h := b.h1(); h != team {
				t.Errorf("team page: h1 %q, want %q", h, team)
			}
			// The chair changes the team's composition on its own page.
			b.follow("team → composition", http.StatusOK, chromedp.Click(chromedp.CSS(`main a[href$="/members"]`)))
			b.shoot(engine + "-team-members")
			if h := b.h1(); h != "Composition of "+team { // the browser speaks English since the switch above
				t.Errorf("composition page: h1 %q", h)
			}
		})
	}
}

func TestBrowserLoginError(t *testing.T) {
	exe := requireBrowser(t)
	bundle, err := i18n.New()
	if err != nil {
		t.Fatal(err)
	}
	want := bundle.For("nl").T("error.bad_credentials")
	for _, engine := range storagetest.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			env := webtest.Start(t, engine, webtest.Options{})
			b := newBrowser(t, exe, env.URL)

			b.open("/login", http.StatusOK)
			b.login(demo.UserCoordinator, "not-the-password", http.StatusUnauthorized)
			b.shoot(engine + "-login-error")
			alert := strings.TrimSpace(run(b, "read alert", chromedp.Text(chromedp.CSS(`main [role="alert"]`))))
			if !strings.Contains(alert, want) {
				t.Errorf("login error: alert %q, want %q", alert, want)
			}
			if l := b.lang(); l != "nl" {
				t.Errorf("login error: html lang %q, want nl", l)
			}
			// The form keeps the login name and never the password.
			if v := run(b, "read login", chromedp.Value(chromedp.ID("f-login"))); v != demo.UserCoordinator {
				t.Errorf("login error: login field %q, want %q", v, demo.UserCoordinator)
			}
			if v := run(b, "read password", chromedp.Value(chromedp.ID("f-password"))); v != "" {
				t.Errorf("login error: password field kept its value")
			}
		})
	}
}
