package web_test

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"casus/demo"
	"casus/storage/storagetest"
	"casus/web/webtest"
)

// TestAdminImport: the beheerder uploads the student system's export, sees
// the dry run — new, changed field by field, left, problems by line — and
// confirms it by choosing the same file again; nothing is written before,
// nor by a file with problems, nor by another file at the confirmation.
func TestAdminImport(t *testing.T) {
	t.Parallel()
	for _, engine := range storagetest.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			env := webtest.Start(t, engine, webtest.Options{})
			admin := env.NewClient()
			admin.Login(demo.UserAdmin)
			if res := admin.Get("/admin/settings"); !strings.Contains(res.Body, `href="/admin/import"`) {
				t.Error("the settings page does not link to the import")
			}
			if res := admin.Get("/admin/import"); res.Status != http.StatusOK || !strings.Contains(res.Body, `enctype="multipart/form-data"`) {
				t.Fatalf("import page: %d", res.Status)
			}
			header := "Leerlingnummer;Roepnaam;Achternaam;Geboortedatum;Groep;Ouder1 naam;Ouder1 gezag;E-mail mentor;Naam mentor\n"
			file := []byte(header + "900001;Zo\xeb;H\xe9nault;03-04-2008;Techniek 1A;Els H\xe9nault;ja;m.nieuw@rivierenland.example;Mila Nieuw\n")
			fields := url.Values{"school": {"25AB"}, "preset": {""}}
			before := env.Snapshot("sessions")

			res := admin.PostMultipart("/admin/import", fields, "file", "export.csv", file)
			for _, want := range []string{"Proefimport: er is niets opgeslagen.", "900001 Zoë Hénault, Techniek 1A",
				"Bestand gelezen als Windows-1252", "Import bevestigen", `name="confirm"`} {
				if !strings.Contains(res.Body, want) {
					t.Errorf("dry run lacks %q (status %d)", want, res.Status)
				}
			}
			changed := webtest.Changed(before, env.Snapshot("sessions"))
			if !slices.Equal(tablesOf(changed), []string{"access_log", "access_log_head"}) {
				t.Errorf("the dry run changed %v, want only the access log", changed)
			}

			// A long list shows its first hundred rows and the count of the
			// rest.
			var many strings.Builder
			many.WriteString(header)
			for i := range 150 {
				fmt.Fprintf(&many, "%d;Leerling;Nummer%d;03-04-2008;Techniek 1A;;;;\n", 800000+i, i)
			}
			if res := admin.PostMultipart("/admin/import", fields, "file", "many.csv", []byte(many.String())); !strings.Contains(res.Body, "… en nog 50") ||
				strings.Contains(res.Body, "800120 Leerling") {
				t.Errorf("150 new students: the list is not cut at 100 (%d)", res.Status)
			}

			bad := []byte(header + "900001;Zoë;Hénault;31-02-2008;Techniek 1A;;;;\n")
			before = env.Snapshot("sessions")
			res = admin.PostMultipart("/admin/import", url.Values{"school": {"25AB"}, "confirm": {""}}, "file", "bad.csv", bad)
			if res.Status != http.StatusBadRequest || !strings.Contains(res.Body, "regel 2, kolom &#34;Geboortedatum&#34;") ||
				!strings.Contains(res.Body, "is geen datum") || strings.Contains(res.Body, `name="confirm" value="`) {
				t.Errorf("a file with problems: %d, want 400 with the problem by line and no confirmation", res.Status)
			}
			confirm := hashOf(t, admin, fields, file)
			res = admin.PostMultipart("/admin/import", url.Values{"school": {"25AB"}, "confirm": {confirm}}, "file", "other.csv", bad)
			if res.Status != http.StatusBadRequest || !strings.Contains(res.Body, "Dit is niet hetzelfde bestand als bij de proefimport") {
				t.Errorf("another file at the confirmation: %d", res.Status)
			}
			if n := env.Count(`SELECT COUNT(*) FROM students WHERE student_number = '900001'`); n != 0 {
				t.Fatal("a refused import wrote the student")
			}
			res = admin.PostMultipart("/admin/import", url.Values{"school": {"25AB"}, "confirm": {confirm}}, "file", "export.csv", file)
			if res.Status != http.StatusOK || !strings.Contains(res.Body, "De import is opgeslagen.") {
				t.Fatalf("confirmed import: %d", res.Status)
			}
			if n := env.Count(`SELECT COUNT(*) FROM students WHERE student_number = '900001' AND first_name = 'Zoë'`); n != 1 {
				t.Error("the confirmed import did not store Zoë")
			}
			if n := env.Count(`SELECT COUNT(*) FROM access_log WHERE object_kind = 'student_import' AND user_id = $1
				AND purpose LIKE 'student import (written): 1 new%'`, env.UserID(demo.UserAdmin)); n != 1 {
				t.Error("the import is not in the access log with its counts")
			}
			// The unknown mentor's account was created inactive; the
			// beheerder switches it on, which invites its owner.
			var mentor string
			if err := env.SQL().QueryRow(`SELECT CAST(id AS TEXT) FROM users WHERE email = 'm.nieuw@rivierenland.example'`).Scan(&mentor); err != nil {
				t.Fatalf("the unknown mentor has no account: %v", err)
			}
			if res := admin.Get("/admin/users/" + mentor); !strings.Contains(res.Body, "/admin/users/"+mentor+"/activate") {
				t.Fatalf("the inactive mentor's page offers no activation (%d)", res.Status)
			}
			if res := admin.Post("/admin/users/"+mentor+"/activate", url.Values{}); res.Status != http.StatusSeeOther {
				t.Fatalf("activate: %d", res.Status)
			}
			if n := env.Count(`SELECT COUNT(*) FROM users WHERE id = $1 AND disabled = $2`, mentor, false); n != 1 {
				t.Error("the mentor's account is not on")
			}
			if n := env.Count(`SELECT COUNT(*) FROM messages WHERE user_id = $1 AND link LIKE '/password-reset/%'`, mentor); n != 1 {
				t.Error("the mentor got no invitation")
			}
			if res := admin.Post("/admin/users/"+mentor+"/activate", url.Values{}); res.Status != http.StatusConflict {
				t.Errorf("activating twice: %d, want 409", res.Status)
			}
			res = admin.PostMultipart("/admin/import", url.Values{"school": {"00XX"}}, "file", "export.csv", file)
			if res.Status != http.StatusBadRequest || !strings.Contains(res.Body, "Er is geen school met BRIN-code 00XX.") {
				t.Errorf("unknown school: %d", res.Status)
			}
			coord := env.NewClient()
			coord.Login(demo.UserCoordinator)
			if res := coord.PostMultipart("/admin/import", fields, "file", "export.csv", file); res.Status != http.StatusForbidden {
				t.Errorf("the zorgcoördinator's upload: %d, want 403", res.Status)
			}
		})
	}
}

// hashOf runs a dry run and returns the confirmation it offers.
func hashOf(t *testing.T, c *webtest.Client, fields url.Values, file []byte) string {
	t.Helper()
	res := c.PostMultipart("/admin/import", fields, "file", "export.csv", file)
	_, rest, ok := strings.Cut(res.Body, `name="confirm" value="`)
	if !ok {
		t.Fatalf("no confirmation offered (%d)", res.Status)
	}
	return rest[:64]
}

// tablesOf names the tables of webtest.Changed's lines.
func tablesOf(changed []string) []string {
	var out []string
	for _, c := range changed {
		out = append(out, strings.TrimSuffix(strings.Fields(c)[0], ":"))
	}
	return out
}
