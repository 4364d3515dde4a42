package casus

import (
	"bytes"
	"testing"
)

func TestCheckUpload(t *testing.T) {
	pdf := []byte("%PDF-1.4\n1 0 obj\n<<>>\nendobj\n")
	png := []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
	zip := []byte("PK\x03\x04\x14\x00\x00\x00\x08\x00")
	cases := []struct {
		name    string
		content []byte
		served  string
		key     string
	}{
		{"privacyreglement.pdf", pdf, "application/pdf", ""},
		{"Meldcode 2026.PDF", pdf, "application/pdf", ""},
		{"folder.docx", zip, "application/vnd.openxmlformats-officedocument.wordprocessingml.document", ""},
		{"logo.png", png, "image/png", ""},
		{"notitie.txt", []byte("Klachtenregeling ZAT, versie 2."), "text/plain; charset=utf-8", ""},
		{"folder.pdf", png, "", "upload.type_mismatch"}, // content not the extension
		{"folder.pdf", []byte("<html><script>"), "", "upload.type_mismatch"},
		{"script.png", []byte("<!DOCTYPE html><p>"), "", "upload.type_mismatch"},
		{"programma.exe", []byte("MZ\x90\x00"), "", "upload.type_not_allowed"},
		{"zonder-extensie", pdf, "", "upload.type_not_allowed"},
		{"../../etc/passwd.txt", []byte("x"), "", "upload.bad_name"},
		{"..\\boot.pdf", pdf, "", "upload.bad_name"},
		{"map/bestand.pdf", pdf, "", "upload.bad_name"},
		{"C:bestand.pdf", pdf, "", "upload.bad_name"},
		{".verborgen.pdf", pdf, "", "upload.bad_name"},
		{"regel\nbreuk.pdf", pdf, "", "upload.bad_name"},
		{"rapport\u202Efdp.exe.pdf", pdf, "", "upload.bad_name"}, // bidi override: reads as another name
		{"zero\u200Bwidth.pdf", pdf, "", "upload.bad_name"},
		{"", pdf, "", "upload.bad_name"},
		{"leeg.pdf", nil, "", "upload.empty"},
		{"groot.pdf", append(append([]byte{}, pdf...), bytes.Repeat([]byte{' '}, MaxUploadBytes)...), "", "upload.too_large"},
	}
	for _, c := range cases {
		served, err := CheckUpload(c.name, c.content)
		var key string
		if e, ok := err.(*Error); ok {
			key = e.Key
			if e.Code != EINVALID || e.Field != "file" {
				t.Errorf("%q: error %+v, want an invalid-input error on the file field", c.name, e)
			}
		} else if err != nil {
			t.Errorf("%q: error of type %T", c.name, err)
		}
		if key != c.key || served != c.served {
			t.Errorf("%q: got (%q, %q), want (%q, %q)", c.name, served, key, c.served, c.key)
		}
	}
}
