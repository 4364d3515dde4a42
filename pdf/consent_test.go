package pdf_test

import (
	"bytes"
	"testing"

	"casus/pdf"
)

// TestConsentFormWrite: the form lays out as a PDF, a name beyond the fonts
// (an emoji) included, and keeps every signature block.
func TestConsentFormWrite(t *testing.T) {
	d := pdf.ConsentForm{Lang: "nl", Title: "Toestemmingsformulier", Intro: []string{"Inleiding."},
		Details:  [][2]string{{"Leerling", "Daan de Vries 🙂"}},
		Partners: []string{"Jeugdgezondheidszorg: GGD"}, Choices: []string{"Toestemming"}, Rights: []string{"Intrekken"},
		Signers: []string{"Ouder 1", "Ouder 2", "Leerling", "Ouder 3", "Ouder 4", "Ouder 5", "Ouder 6"},
		Footer:  "Gemaakt op 5 december 2026", Labels: map[string]string{"consentform.details": "Gegevens"}}
	var buf bytes.Buffer
	if err := d.Write(&buf); err != nil {
		t.Fatalf("Write: %v", err)
	}
	if !bytes.HasPrefix(buf.Bytes(), []byte("%PDF-")) {
		t.Fatalf("Write gave %q…, want a PDF", buf.Bytes()[:min(8, buf.Len())])
	}
	if !bytes.Contains(buf.Bytes(), []byte("/Count 2")) {
		t.Errorf("seven signature blocks on one page: want a second page")
	}
}
