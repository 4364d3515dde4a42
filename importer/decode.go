// Package importer reads the student exports of the school's student
// administration (leerlingadministratie: Magister, ParnasSys, Somtoday,
// Eduarte, ESIS, …) and plans what an import changes. It is pure: bytes in,
// students, problems and a plan out; package app stores the plan.
//
// A problem is reported by row (the line in the file), column and an i18n
// message key with its arguments, so the command line and the upload page
// both say it in Dutch.
package importer

import (
	"bytes"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"
)

// Encoding is the character encoding the file was found in.
type Encoding string

// Encodings detected.
const (
	UTF8        Encoding = "UTF-8"
	UTF8BOM     Encoding = "UTF-8 met BOM"
	Windows1252 Encoding = "Windows-1252"
)

// MaxFileSize is the largest file read: ten times a 50,000-student export.
const MaxFileSize = 64 << 20

var bom = []byte{0xEF, 0xBB, 0xBF}

// decode finds the file's encoding and returns its text as UTF-8, or the
// file-level problem that stops reading it: empty, too large, binary, or
// UTF-16 (which spreadsheet programs write as "Unicode text").
func decode(raw []byte) (string, Encoding, *Problem) {
	switch {
	case len(bytes.TrimSpace(raw)) == 0:
		return "", "", fileProblem("import.problem.empty_file", nil)
	case len(raw) > MaxFileSize:
		return "", "", fileProblem("import.problem.too_large", map[string]any{"Max": MaxFileSize >> 20})
	case bytes.HasPrefix(raw, []byte{0xFF, 0xFE}) || bytes.HasPrefix(raw, []byte{0xFE, 0xFF}):
		return "", "", fileProblem("import.problem.utf16", nil)
	}
	if binary(raw) {
		return "", "", fileProblem("import.problem.binary", nil)
	}
	if bytes.HasPrefix(raw, bom) {
		raw = raw[len(bom):]
		if !utf8.Valid(raw) {
			return "", "", fileProblem("import.problem.binary", nil)
		}
		return string(raw), UTF8BOM, nil
	}
	if utf8.Valid(raw) {
		return string(raw), UTF8, nil
	}
	text, err := charmap.Windows1252.NewDecoder().Bytes(raw)
	if err != nil {
		return "", "", fileProblem("import.problem.binary", nil)
	}
	return string(text), Windows1252, nil
}

// binary reports whether raw looks like anything but text: a NUL byte, or
// more than one in a hundred of its first 64 KiB control characters other
// than tab, line feed, carriage return and form feed.
func binary(raw []byte) bool {
	head := raw[:min(len(raw), 64<<10)]
	if bytes.IndexByte(head, 0) >= 0 {
		return true
	}
	controls := 0
	for _, b := range head {
		if b < 0x20 && b != '\t' && b != '\n' && b != '\r' && b != '\f' {
			controls++
		}
	}
	return controls*100 > len(head)
}

// detectDelimiter picks ';' or ',' by which occurs more often outside
// quotes in the header line; 0 when neither does.
func detectDelimiter(text string) rune {
	semi, comma, quoted := 0, 0, false
	for _, r := range text {
		switch {
		case r == '"':
			quoted = !quoted
		case quoted:
		case r == '\n':
			goto done
		case r == ';':
			semi++
		case r == ',':
			comma++
		}
	}
done:
	switch {
	case semi == 0 && comma == 0:
		return 0
	case semi >= comma:
		return ';'
	}
	return ','
}
