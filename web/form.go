package web

import (
	"errors"
	"net/http"
	"net/mail"
	"net/url"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"casus"
)

// maxFormBytes bounds a form body.
const maxFormBytes = 64 << 10

// form is a submitted form with its validation errors, re-rendered as
// entered when it is not valid.
type form struct {
	Values url.Values
	Errs   casus.ValidationErrors
	// today is the request's day (the server's clock, in Dutch time): typed
	// days are bounded by it.
	today time.Time
}

// parseForm reads a form body. A body that is too large or not a form is
// refused as a whole, with a message that says so: there are no field
// messages to point at.
func parseForm(w http.ResponseWriter, r *http.Request) (*form, error) {
	return parseFormMax(w, r, maxFormBytes)
}

// parseFormMax is parseForm for forms whose body may be larger, up to max
// bytes.
func parseFormMax(w http.ResponseWriter, r *http.Request, max int64) (*form, error) {
	r.Body = http.MaxBytesReader(w, r.Body, max)
	if err := r.ParseForm(); err != nil {
		return nil, &casus.Error{Code: casus.EINVALID, Key: "error.unreadable_form"}
	}
	return &form{Values: r.PostForm, today: state(r).today}, nil
}

// queryForm reads a filter from the query string (which must hold no
// personal data), with the request's day for its date fields.
func queryForm(r *http.Request) *form {
	return &form{Values: r.URL.Query(), today: state(r).today}
}

// Value returns a field as entered, for re-rendering. Bytes that are not
// UTF-8 show as U+FFFD: the page stays valid UTF-8.
func (f *form) Value(name string) string {
	if f == nil {
		return ""
	}
	return strings.ToValidUTF8(f.Values.Get(name), "\uFFFD")
}

// Has reports whether a multi-valued field (checkboxes) holds value.
func (f *form) Has(name, value string) bool {
	return f != nil && slices.Contains(f.Values[name], value)
}

// Error returns the i18n key and arguments of a field's error.
func (f *form) Error(name string) *casus.Error {
	if f == nil {
		return nil
	}
	return f.Errs.Field(name)
}

func (f *form) fail(field, key string, args map[string]any) {
	if f.Errs.Field(field) == nil {
		f.Errs = append(f.Errs, casus.FieldError(field, key, args))
	}
}

// textRule says what a text field accepts.
type textRule struct {
	required bool
	max      int  // in characters
	markup   bool // allow < and > (free text, escaped on output)
}

// text validates and returns a single-line text field, trimmed.
func (f *form) text(name string, rule textRule) string {
	v := f.Values.Get(name)
	if len(f.Values[name]) > 1 {
		f.fail(name, "error.invalid_text", nil)
		return ""
	}
	if !utf8.ValidString(v) {
		f.fail(name, "error.invalid_text", nil)
		return ""
	}
	v = strings.TrimSpace(v)
	switch {
	case v == "" && rule.required:
		f.fail(name, "error.required", nil)
	case utf8.RuneCountInString(v) > rule.max:
		f.fail(name, "error.too_long", map[string]any{"Max": rule.max})
	case strings.IndexFunc(v, unicode.IsControl) >= 0:
		f.fail(name, "error.invalid_text", nil)
	case !rule.markup && strings.ContainsAny(v, "<>"):
		f.fail(name, "error.no_markup", nil)
	}
	return v
}

// secret returns a password field as entered (not trimmed: spaces count).
func (f *form) secret(name string, max int) string {
	v := f.Values.Get(name)
	switch {
	case len(f.Values[name]) > 1 || !utf8.ValidString(v):
		f.fail(name, "error.invalid_text", nil)
	case v == "":
		f.fail(name, "error.required", nil)
	case utf8.RuneCountInString(v) > max:
		f.fail(name, "error.too_long", map[string]any{"Max": max})
	}
	return v
}

// paragraphs validates a multi-line free-text field (a note, a reason, a
// part of the referral form): like text, but line breaks and tabs are
// allowed, and < and > too (the text is escaped on output). Line endings
// become \n; line breaks count as written.
func (f *form) paragraphs(name string, rule textRule) string {
	v := f.Values.Get(name)
	if len(f.Values[name]) > 1 || !utf8.ValidString(v) {
		f.fail(name, "error.invalid_text", nil)
		return ""
	}
	v = strings.TrimSpace(strings.ReplaceAll(v, "\r\n", "\n"))
	switch {
	case v == "" && rule.required:
		f.fail(name, "error.required", nil)
	case utf8.RuneCountInString(v) > rule.max:
		f.fail(name, "error.too_long", map[string]any{"Max": rule.max})
	case strings.IndexFunc(v, func(r rune) bool { return unicode.IsControl(r) && r != '\n' && r != '\t' }) >= 0:
		f.fail(name, "error.invalid_text", nil)
	}
	return v
}

// email validates an e-mail address.
func (f *form) email(name string) string {
	v := f.text(name, textRule{required: true, max: 254})
	if f.Errs.Field(name) != nil {
		return ""
	}
	a, err := mail.ParseAddress(v)
	if err != nil || a.Address != v || !strings.Contains(v[strings.LastIndex(v, "@"):], ".") {
		f.fail(name, "error.email", nil)
		return ""
	}
	return strings.ToLower(v)
}

// digits validates a code of exactly n digits; spaces between them are
// ignored. A code of any wrong length gets the one message "a code of n
// digits" (the form's size limit bounds the input), never "at most n+2
// characters", which would contradict the field's hint.
func (f *form) digits(name string, n int) string {
	v := strings.ReplaceAll(f.text(name, textRule{required: true, max: maxFormBytes}), " ", "")
	if f.Errs.Field(name) != nil {
		return ""
	}
	if len(v) != n || strings.Trim(v, "0123456789") != "" {
		f.fail(name, "error.code_digits", map[string]any{"N": n})
		return ""
	}
	return v
}

// choice validates a value from a fixed set.
func (f *form) choice(name string, required bool, allowed ...string) string {
	v := f.text(name, textRule{max: 64})
	if f.Errs.Field(name) != nil {
		return ""
	}
	if v == "" {
		if required {
			f.fail(name, "error.choice", nil)
		}
		return ""
	}
	for _, a := range allowed {
		if v == a {
			return v
		}
	}
	f.fail(name, "error.choice", nil)
	return ""
}

// localPath returns p when it is a path on this site, else "/": redirects
// never leave Casus.
func localPath(p string) string {
	if !strings.HasPrefix(p, "/") || strings.HasPrefix(p, "//") || strings.HasPrefix(p, "/\\") || strings.ContainsAny(p, "\r\n") {
		return "/"
	}
	return p
}

// day validates a date field (yyyy-mm-dd, as the date input sends it) and
// returns it as UTC midnight, or zero when it is empty and not required. A
// day before notBefore (unless that is zero) fails with beforeKey.
func (f *form) day(name string, required bool, notBefore time.Time, beforeKey string) time.Time {
	v := f.text(name, textRule{required: required, max: 10})
	if v == "" || f.Error(name) != nil {
		return time.Time{}
	}
	d, err := time.Parse(time.DateOnly, v)
	switch {
	case err != nil:
		f.fail(name, "error.date", nil)
		return time.Time{}
	case !notBefore.IsZero() && d.Before(notBefore):
		f.fail(name, beforeKey, nil)
	case !f.dayInRange(name, d):
		return time.Time{}
	}
	return d
}

// dayInRange checks that a typed day lies between casus.EarliestDay and ten
// years from today, and fails the field when it does not.
func (f *form) dayInRange(name string, d time.Time) bool {
	today := f.today
	if today.IsZero() {
		// Only a form made outside a request has no day (parseForm and
		// queryForm give the request's day from the server's clock); the
		// wall clock stands in there.
		today = time.Now()
	}
	if casus.DayInRange(d, today) {
		return true
	}
	f.fail(name, "error.date_range", map[string]any{"From": casus.EarliestDay.Year(), "Until": casus.LatestDay(today).Year()})
	return false
}

// chosen reads a required choice whose options only the use case knows
// (such as the teams serving the student's school): empty fails here as
// error.choice; an unknown option is the use case's to refuse.
func (f *form) chosen(name string) string {
	v := f.text(name, textRule{max: 64})
	if v == "" && f.Errs.Field(name) == nil {
		f.fail(name, "error.choice", nil)
	}
	return v
}

// validationErrors reports whether err is the field errors of a form the
// use case refused, to show the form again with each beside its field.
func validationErrors(err error) (casus.ValidationErrors, bool) {
	var errs casus.ValidationErrors
	if errors.As(err, &errs) {
		return errs, true
	}
	return nil, false
}
