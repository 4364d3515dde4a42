package web

import (
	"strings"
)

// userAgentClass reduces a User-Agent header to the class of the client
// ("Firefox on Windows"): enough to tell a workstation's browser from a
// phone or a script in an audit, without keeping the fingerprint a full
// header is.
func userAgentClass(ua string) string {
	if ua == "" {
		return "unknown"
	}
	browser := "other"
	for _, b := range []struct{ token, name string }{
		{"Edg/", "Edge"}, {"OPR/", "Opera"}, {"Firefox/", "Firefox"}, {"Chrome/", "Chrome"}, {"Chromium/", "Chromium"},
		{"Safari/", "Safari"}, {"curl/", "curl"}, {"Go-http-client", "Go client"},
	} {
		if strings.Contains(ua, b.token) {
			browser = b.name
			break
		}
	}
	if strings.Contains(ua, "HeadlessChrome") {
		browser = "Headless Chrome"
	}
	os := ""
	for _, o := range []struct{ token, name string }{
		{"Android", "Android"}, {"iPhone", "iOS"}, {"iPad", "iPadOS"}, {"Windows", "Windows"},
		{"Mac OS X", "macOS"}, {"CrOS", "ChromeOS"}, {"Linux", "Linux"},
	} {
		if strings.Contains(ua, o.token) {
			os = o.name
			break
		}
	}
	if os == "" {
		return browser
	}
	return browser + " on " + os
}
