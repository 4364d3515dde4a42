// Package i18n translates Casus's texts. Dutch is the default language and
// English the second; the catalogs are embedded JSON files with the same
// keys, and a test fails when a key is missing from either.
package i18n

import (
	"embed"
	"encoding/json"
	"fmt"
	"net/http"
	"time"

	goi18n "github.com/nicksnyder/go-i18n/v2/i18n"
	"golang.org/x/text/language"

	"casus"
)

//go:embed locales/*.json
var locales embed.FS

// Languages Casus speaks, the default first.
var Languages = []language.Tag{language.Dutch, language.English}

// Bundle holds the catalogs.
type Bundle struct {
	b       *goi18n.Bundle
	matcher language.Matcher
}

// New loads the embedded catalogs.
func New() (*Bundle, error) {
	b := goi18n.NewBundle(language.Dutch)
	b.RegisterUnmarshalFunc("json", json.Unmarshal)
	for _, tag := range Languages {
		if _, err := b.LoadMessageFileFS(locales, "locales/"+tag.String()+".json"); err != nil {
			return nil, fmt.Errorf("i18n: %w", err)
		}
	}
	return &Bundle{b: b, matcher: language.NewMatcher(Languages)}, nil
}

// Keys returns the message keys of one language's catalog.
func Keys(lang string) (map[string]bool, error) {
	data, err := locales.ReadFile("locales/" + lang + ".json")
	if err != nil {
		return nil, err
	}
	var m map[string]any
	if err := json.Unmarshal(data, &m); err != nil {
		return nil, err
	}
	keys := map[string]bool{}
	for k := range m {
		keys[k] = true
	}
	return keys, nil
}

// Match picks the language for a request: the explicit choice (cookie) when
// valid, else the best match for Accept-Language, else Dutch.
func (b *Bundle) Match(r *http.Request, choice string) string {
	if choice == "nl" || choice == "en" {
		return choice
	}
	tags, _, _ := language.ParseAcceptLanguage(r.Header.Get("Accept-Language"))
	_, i, _ := b.matcher.Match(tags...)
	return Languages[i].String()
}

// Localizer translates into one language.
type Localizer struct {
	Lang string
	l    *goi18n.Localizer
}

// For returns the Localizer of lang ("nl" or "en").
func (b *Bundle) For(lang string) *Localizer {
	return &Localizer{Lang: lang, l: goi18n.NewLocalizer(b.b, lang)}
}

// MissingMark is put before a key that has no text in the catalog. It is
// empty in Casus itself (the key shows as it is); the web tests set it, so
// that a page showing a key built at run time ("discipline." + an empty
// discipline) fails the test that opens it — the catalog test only sees
// the keys written out in full.
var MissingMark string

// T translates key with optional template data. A missing key shows as the
// key itself, after MissingMark.
func (l *Localizer) T(key string, data ...map[string]any) string {
	cfg := &goi18n.LocalizeConfig{MessageID: key}
	if len(data) > 0 && data[0] != nil {
		cfg.TemplateData = data[0]
	}
	s, err := l.l.Localize(cfg)
	if err != nil {
		return MissingMark + key
	}
	return s
}

// S translates key in the words of a sector (casus.Sector, or its name):
// the catalog's key.po, key.vo or key.mbo when it has one — "Leerlingnummer"
// for a primary-school pupil, "Studentnummer" for an mbo student — else the
// key itself, the words both share.
func (l *Localizer) S(key string, sector any, data ...map[string]any) string {
	if sec := fmt.Sprint(sector); sector != nil && sec != "" {
		cfg := &goi18n.LocalizeConfig{MessageID: key + "." + sec}
		if len(data) > 0 && data[0] != nil {
			cfg.TemplateData = data[0]
		}
		if s, err := l.l.Localize(cfg); err == nil {
			return s
		}
	}
	return l.T(key, data...)
}

// Message is the text of an in-app message (casus.Message) in the
// language, with its moments written as the language writes them.
func (l *Localizer) Message(m casus.Message) string { return l.T(m.Key, l.MessageArgs(m)) }

// MessageArgs are a message's arguments as template data: its own, and
// When and DueDate, the Start and Due moments written in the language.
func (l *Localizer) MessageArgs(m casus.Message) map[string]any {
	args := map[string]any{}
	for k, v := range m.Args {
		args[k] = v
	}
	if t, err := time.Parse(time.RFC3339, m.Args["Start"]); err == nil {
		args["When"] = l.DateTime(t)
	}
	if t, err := time.Parse(time.RFC3339, m.Args["Due"]); err == nil {
		args["DueDate"] = l.Date(t)
	}
	return args
}

// Date formats a day the way the language writes it: "3 maart 2026" or
// "3 March 2026".
func (l *Localizer) Date(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return fmt.Sprintf("%d %s %d", t.Day(), l.T(fmt.Sprintf("month.%d", int(t.Month()))), t.Year())
}

// DateTime formats a moment in Dutch local time with the date as Date does.
func (l *Localizer) DateTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	local := t.In(Amsterdam)
	return l.Date(local) + " " + local.Format("15:04")
}

// Amsterdam is the time zone Casus shows times in: the one meetings are
// planned in.
var Amsterdam = casus.Amsterdam
