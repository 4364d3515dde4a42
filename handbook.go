package casus

import (
	"net/http"
	"path"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// DocKind is the kind of a handbook document.
type DocKind string

// Handbook document kinds (seed 000 ch. 8).
const (
	DocPrivacy    DocKind = "privacy"    // privacy regulation and protocol
	DocConsent    DocKind = "consent"    // consent forms
	DocComplaints DocKind = "complaints" // complaints procedure
	DocLeaflet    DocKind = "leaflet"    // information leaflet for parents
	DocMeldcode   DocKind = "meldcode"   // meldcode huiselijk geweld en kindermishandeling
	DocCrisis     DocKind = "crisis"     // crisis procedure
	DocOther      DocKind = "other"
)

// DocKinds lists the kinds in display order.
var DocKinds = []DocKind{DocPrivacy, DocConsent, DocComplaints, DocLeaflet, DocMeldcode, DocCrisis, DocOther}

// Document is a document in a team's or school's handbook. Exactly one of
// TeamID and SchoolID is set.
type Document struct {
	ID           string
	TeamID       string
	SchoolID     string
	ScopeName    string // the team's or school's name, filled by reads
	Kind         DocKind
	Title        string
	OwnerID      string
	OwnerName    string // filled by reads
	Version      string
	ReviewOn     time.Time
	FileName     string
	ContentType  string
	Size         int64
	UploadedBy   string
	CreatedAt    time.Time
	SupersededBy string // the newer version that replaced this one
}

// CanManageHandbook reports whether u may add documents to handbooks: the
// zorgcoördinator.
func CanManageHandbook(u User) bool { return u.HasRole(RoleCoordinator) && !u.Disabled }

// CanReviseDocument reports whether u may add a new version of d: its
// owner, whom Casus reminds when it is due, and the zorgcoördinator who
// chairs its team (chaired lists the teams u chairs) or works at its school.
func CanReviseDocument(u User, d Document, chaired []string) bool {
	switch {
	case u.Disabled || d.SupersededBy != "":
		return false
	case u.ID == d.OwnerID:
		return true
	case !CanManageHandbook(u):
		return false
	}
	return d.TeamID != "" && slices.Contains(chaired, d.TeamID) || d.SchoolID != "" && d.SchoolID == u.SchoolID
}

// MaxUploadBytes is the largest file Casus accepts.
const MaxUploadBytes = 10 << 20

// uploadTypes maps each accepted extension to the content type
// http.DetectContentType must find in the file, and the type it is served
// with. Office documents are zip containers to the sniffer.
var uploadTypes = map[string]struct{ detected, served string }{
	".pdf":  {"application/pdf", "application/pdf"},
	".txt":  {"text/plain; charset=utf-8", "text/plain; charset=utf-8"},
	".png":  {"image/png", "image/png"},
	".jpg":  {"image/jpeg", "image/jpeg"},
	".jpeg": {"image/jpeg", "image/jpeg"},
	".docx": {"application/zip", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"},
	".xlsx": {"application/zip", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"},
	".odt":  {"application/zip", "application/vnd.oasis.opendocument.text"},
}

// UploadExtensions lists the accepted extensions, for the form's hint.
const UploadExtensions = ".pdf, .docx, .xlsx, .odt, .txt, .png, .jpg"

// CheckUpload checks an uploaded file before anything is stored: a name
// without path parts, an accepted extension, at most MaxUploadBytes, not
// empty, and content whose type (sniffed from the bytes, not taken from
// the name or the browser) matches the extension. It returns the type to
// serve the file with, or an error whose key says what is wrong.
func CheckUpload(name string, content []byte) (string, error) {
	fail := func(key string) (string, error) { return "", FieldError("file", key, nil) }
	switch {
	case name == "" || !utf8.ValidString(name) || utf8.RuneCountInString(name) > 200:
		return fail("upload.bad_name")
	case strings.Contains(name, "..") || strings.ContainsAny(name, `/\:`) ||
		strings.IndexFunc(name, unicode.IsControl) >= 0 || strings.HasPrefix(name, "."),
		// Format characters (Cf) such as U+202E RIGHT-TO-LEFT OVERRIDE make
		// "rapport‮fdp.exe" read as "rapportexe.pdf".
		strings.IndexFunc(name, func(r rune) bool { return unicode.Is(unicode.Cf, r) }) >= 0:
		return fail("upload.bad_name")
	}
	t, ok := uploadTypes[strings.ToLower(path.Ext(name))]
	switch {
	case !ok:
		return fail("upload.type_not_allowed")
	case len(content) > MaxUploadBytes:
		return "", FieldError("file", "upload.too_large", map[string]any{"MB": MaxUploadBytes >> 20})
	case len(content) == 0:
		return fail("upload.empty")
	}
	if http.DetectContentType(content) != t.detected {
		return fail("upload.type_mismatch")
	}
	return t.served, nil
}
