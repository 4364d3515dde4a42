package web_test

import (
	"bytes"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"casus"
	"casus/demo"
	"casus/storage/storagetest"
	"casus/web/webtest"
)

// handbookMatrix: everybody reads the handbook of their teams and school;
// the zorgcoördinator adds documents (a body that is no multipart upload
// is refused as bad input); a document of a team and school the user has
// nothing to do with does not exist for them.
func handbookMatrix() map[string][]cell {
	return map[string][]cell{
		"GET /handbook":  staff("/handbook", nil, ok),
		"POST /handbook": byUser("/handbook", url.Values{"title": {""}}, forbid, map[string]int{anon: unauth, demo.UserCoordinator: bad}),
		"GET /handbook/{id}": append(byUser("/handbook/{document}", nil, ok, map[string]int{anon: redirect,
			// The IB'er of the primary school is no member of the mbo ZAT
			// and does not work at its school.
			demo.UserIB: notFound}),
			cell{user: demo.UserCoordinator, relation: "none (no such document)", path: "/handbook/{unknown}", want: notFound}),
		// A new version: the owner and the coordinator chairing its team;
		// the others who read it may not, the IB'er does not find it.
		"GET /handbook/{id}/version": byUser("/handbook/{document}/version", nil, forbid, map[string]int{anon: redirect,
			demo.UserCoordinator: ok, demo.UserIB: notFound}),
		"POST /handbook/{id}/version": byUser("/handbook/{document}/version", url.Values{"version": {""}}, forbid, map[string]int{anon: unauth,
			demo.UserCoordinator: bad, demo.UserIB: notFound}),
	}
}

// TestHandbookUpload: the zorgcoördinator adds a document, which is served
// as an attachment with its checked type and no sniffing; content that does
// not match the extension, a file over the limit and a name with "../" are
// each refused with a clear Dutch message, a 4xx, and nothing stored.
func TestHandbookUpload(t *testing.T) {
	t.Parallel()
	for _, engine := range storagetest.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			env := webtest.Start(t, engine, webtest.Options{})
			zat := chairedTeam(t, env, demo.UserCoordinator)
			coord := env.NewClient()
			coord.Login(demo.UserCoordinator)
			if res := coord.Get("/handbook"); res.Status != http.StatusOK || !strings.Contains(res.Body, `enctype="multipart/form-data"`) {
				t.Fatalf("handbook: %d", res.Status)
			}
			fields := url.Values{"scope": {"team:" + zat}, "kind": {"privacy"}, "title": {"Privacyreglement ZAT"},
				"owner": {env.UserID(demo.UserCoordinator)}, "version": {"2.1"}, "review_on": {"2027-08-01"}}
			docs := env.Count(`SELECT COUNT(*) FROM handbook_documents`) // the demo's
			pdf := []byte("%PDF-1.7\n%âãÏÓ\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n%%EOF\n")
			png := []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01")

			refusals := []struct {
				name    string
				file    string
				content []byte
				message string
				status  int
			}{
				{"content not matching the extension", "privacyreglement.pdf", png, "De inhoud van het bestand past niet bij de extensie", http.StatusBadRequest},
				{"html as a pdf", "privacyreglement.pdf", []byte("<html><script>alert(1)</script>"), "De inhoud van het bestand past niet bij de extensie", http.StatusBadRequest},
				{"oversized", "groot.pdf", append(append([]byte{}, pdf...), bytes.Repeat([]byte("0"), casus.MaxUploadBytes)...), "Dit bestand is te groot: hoogstens 10 MB.", http.StatusRequestEntityTooLarge},
				{"name with ../", "../../privacyreglement.pdf", pdf, "De bestandsnaam is niet toegestaan", http.StatusBadRequest},
				{"name with a backslash", `..\privacyreglement.pdf`, pdf, "De bestandsnaam is niet toegestaan", http.StatusBadRequest},
			}
			for _, r := range refusals {
				res := coord.PostMultipart("/handbook", fields, "file", r.file, r.content)
				if res.Status != r.status || !strings.Contains(res.Body, r.message) {
					t.Errorf("%s: %d, want %d with %q", r.name, res.Status, r.status, r.message)
				}
				if n := env.Count(`SELECT COUNT(*) FROM handbook_documents`); n != docs {
					t.Fatalf("%s: %d documents stored", r.name, n-docs)
				}
			}
			// A field error is shown with the file error, nothing stored either.
			bad := url.Values{}
			for k, v := range fields {
				bad[k] = v
			}
			bad.Set("title", "")
			if res := coord.PostMultipart("/handbook", bad, "file", "ok.pdf", pdf); res.Status != http.StatusBadRequest || env.Count(`SELECT COUNT(*) FROM handbook_documents`) != docs {
				t.Errorf("empty title: %d", res.Status)
			}

			res := coord.PostMultipart("/handbook", fields, "file", "Privacyreglement ZAT 2026.pdf", pdf)
			if res.Status != http.StatusSeeOther {
				t.Fatalf("upload: %d: %s", res.Status, res.Body)
			}
			var id, stored string
			if err := env.DB.ReadSQL().QueryRow(`SELECT CAST(id AS TEXT), file_name FROM handbook_documents WHERE version = '2.1'`).Scan(&id, &stored); err != nil {
				t.Fatal(err)
			}
			if !casus.ValidID(id) || stored != "Privacyreglement ZAT 2026.pdf" {
				t.Errorf("stored as %q named %q", id, stored)
			}
			list := coord.Get("/handbook")
			if !strings.Contains(list.Body, "/handbook/"+id) || !strings.Contains(list.Body, "Privacyreglement ZAT") {
				t.Errorf("the handbook does not list the document")
			}
			// Anyone of the team or school downloads it, as an attachment.
			for _, user := range []string{demo.UserCoordinator, demo.UserGGD, demo.UserMentor} {
				c := env.NewClient()
				c.Login(user)
				dl := c.Get("/handbook/" + id)
				if dl.Status != http.StatusOK || dl.Body != string(pdf) {
					t.Fatalf("%s downloads: %d", user, dl.Status)
				}
				if cd := dl.Header.Get("Content-Disposition"); !strings.HasPrefix(cd, "attachment;") || !strings.Contains(cd, "Privacyreglement") {
					t.Errorf("Content-Disposition %q", cd)
				}
				if dl.Header.Get("X-Content-Type-Options") != "nosniff" || dl.Header.Get("Content-Type") != "application/pdf" {
					t.Errorf("headers %v", dl.Header)
				}
			}
			ib := env.NewClient()
			ib.Login(demo.UserIB)
			if res := ib.Get("/handbook/" + id); res.Status != http.StatusNotFound {
				t.Errorf("the IB'er of another school downloads: %d", res.Status)
			}
			// Only the coordinator adds documents.
			mentor := env.NewClient()
			mentor.Login(demo.UserMentor)
			if res := mentor.PostMultipart("/handbook", fields, "file", "x.pdf", pdf); res.Status != http.StatusForbidden {
				t.Errorf("the mentor uploads: %d", res.Status)
			}
		})
	}
}

// TestHandbookUploadBodyTooLarge: a body far over the limit is cut off
// while it is read and answered with the size message, nothing stored.
func TestHandbookUploadBodyTooLarge(t *testing.T) {
	t.Parallel()
	env := webtest.Start(t, "sqlite", webtest.Options{})
	coord := env.NewClient()
	coord.Login(demo.UserCoordinator)
	docs := env.Count(`SELECT COUNT(*) FROM handbook_documents`)
	huge := append([]byte("%PDF-1.4\n"), bytes.Repeat([]byte("0"), casus.MaxUploadBytes+3<<20)...)
	res := coord.PostMultipart("/handbook", url.Values{"title": {"Groot"}}, "file", "groot.pdf", huge)
	if res.Status != http.StatusRequestEntityTooLarge || !strings.Contains(res.Body, "Dit bestand is te groot") {
		t.Errorf("huge body: %d", res.Status)
	}
	if n := env.Count(`SELECT COUNT(*) FROM handbook_documents`); n != docs {
		t.Errorf("%d documents stored", n-docs)
	}
}

// TestHandbookNewVersion: the taakdocent owns the parents' leaflet of the
// demo and adds its new version; the handbook then lists the new version
// only, the earlier one stays downloadable from the version page; the old
// version cannot be replaced twice; the mentor may not add versions.
func TestHandbookNewVersion(t *testing.T) {
	t.Parallel()
	for _, engine := range storagetest.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			env := webtest.Start(t, engine, webtest.Options{})
			var id string
			if err := env.DB.ReadSQL().QueryRow(`SELECT CAST(id AS TEXT) FROM handbook_documents WHERE kind = 'leaflet'`).Scan(&id); err != nil {
				t.Fatal(err)
			}
			owner := env.NewClient()
			owner.Login(demo.UserCareContact)
			if body := owner.Get("/handbook").Body; !strings.Contains(body, `href="/handbook/`+id+`/version"`) {
				t.Fatalf("the owner has no link to add a version")
			}
			if res := owner.Get("/handbook/" + id + "/version"); res.Status != http.StatusOK {
				t.Fatalf("version form: %d", res.Status)
			}
			pdf := []byte("%PDF-1.7\n2 0 obj\n<<>>\nendobj\n")
			fields := url.Values{"version": {"2.0"}, "review_on": {"2028-02-01"}}
			if res := owner.PostMultipart("/handbook/"+id+"/version", fields, "file", "folder.docx", pdf); res.Status != http.StatusBadRequest ||
				!strings.Contains(res.Body, "past niet bij de extensie") {
				t.Errorf("a pdf named .docx: %d", res.Status)
			}
			res := owner.PostMultipart("/handbook/"+id+"/version", fields, "file", "Folder ZAT 2.0.pdf", pdf)
			if res.Status != http.StatusSeeOther {
				t.Fatalf("new version: %d: %s", res.Status, res.Body)
			}
			var newID string
			if err := env.DB.ReadSQL().QueryRow(`SELECT CAST(superseded_by AS TEXT) FROM handbook_documents WHERE id = $1`, id).Scan(&newID); err != nil {
				t.Fatal(err)
			}
			if n := env.Count(`SELECT COUNT(*) FROM handbook_documents WHERE id = $1 AND version = '2.0' AND kind = 'leaflet'
				AND superseded_by IS NULL`, newID); n != 1 {
				t.Errorf("the new version is not current")
			}
			list := owner.Get("/handbook").Body
			if !strings.Contains(list, "/handbook/"+newID) || strings.Contains(list, `href="/handbook/`+id+`"`) {
				t.Errorf("the list does not show just the new version")
			}
			if page := owner.Get("/handbook/" + newID + "/version"); !strings.Contains(page.Body, `href="/handbook/`+id+`"`) {
				t.Errorf("the version page does not offer the earlier version")
			}
			if res := owner.Get("/handbook/" + id); res.Status != http.StatusOK {
				t.Errorf("the earlier version: %d", res.Status)
			}
			if res := owner.PostMultipart("/handbook/"+id+"/version", fields, "file", "nog een.pdf", pdf); res.Status != http.StatusConflict {
				t.Errorf("replacing the replaced version: %d", res.Status)
			}
			mentor := env.NewClient()
			mentor.Login(demo.UserMentor)
			if res := mentor.Get("/handbook/" + newID + "/version"); res.Status != http.StatusForbidden {
				t.Errorf("the mentor's version form: %d", res.Status)
			}
		})
	}
}
