// Package e2e holds Casus's real-browser tests: Debian chromium, driven by
// chromedp, against the real server (webtest) on each database engine, with
// axe-core checking every page it visits for WCAG 2.1 A and AA problems and a
// watch on Content Security Policy violations.
//
// The suite runs only when CASUS_TEST_BROWSER is set (.ci/run sets it); the
// browser is CASUS_CHROMIUM, by default /usr/bin/chromium. With CASUS_SHOTS
// set, it also writes screenshots to /tmp/shots.
package e2e
