package web

import (
	"testing"

	"casus"
)

func TestUserAgentClass(t *testing.T) {
	for ua, want := range map[string]string{
		"": "unknown",
		"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36":                         "Chrome on Windows",
		"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36 Edg/131.0":                   "Edge on Windows",
		"Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1": "Safari on iOS",
		"Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0":                                                                  "Firefox on Linux",
		"curl/8.5.0": "curl",
	} {
		if got := userAgentClass(ua); got != want {
			t.Errorf("userAgentClass(%q) = %q, want %q", ua, got, want)
		}
	}
}

func TestProcessingOf(t *testing.T) {
	for page, want := range map[string]casus.ProcessingPurpose{
		"student page":             casus.ProcessCare,
		"student page (anonymous)": casus.ProcessCare,
		"crisis form (invalid)":    casus.ProcessCare,
		"referral: new":            casus.ProcessTriage,
		"referral queue":           casus.ProcessTriage,
		"agenda (anonymous)":       casus.ProcessDiscussion,
		"discussion: save (stale)": casus.ProcessDiscussion,
		"minutes":                  casus.ProcessDiscussion,
		"access log (student) CSV": casus.ProcessAccountability,
		"complaints list":          casus.ProcessAccountability,
		"export (AVG art. 15) pdf": casus.ProcessPrivacyRequest,
		"rectification decision":   casus.ProcessPrivacyRequest,
		"access request form":      casus.ProcessPrivacyRequest,
		"access requests":          casus.ProcessPrivacyRequest,
		"legal hold":               casus.ProcessRetention,
		"erasure":                  casus.ProcessRetention,
		"student left school":      casus.ProcessRetention,
		"retention":                casus.ProcessRetention,
		"consent exception":        casus.ProcessCare,
		"student list":             casus.ProcessCare,
	} {
		if got := processingOf(page); got != want {
			t.Errorf("processingOf(%q) = %q, want %q", page, got, want)
		}
	}
}
