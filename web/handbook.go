package web

import (
	"bytes"
	"errors"
	"io"
	"mime"
	"net/http"
	"net/url"
	"time"

	"casus"
	"casus/app"
)

type handbookPage struct {
	app.HandbookView
	Kinds []casus.DocKind
	MaxMB int
	Types string
}

func handbookPageOf(v app.HandbookView) handbookPage {
	return handbookPage{HandbookView: v, Kinds: casus.DocKinds, MaxMB: casus.MaxUploadBytes >> 20, Types: casus.UploadExtensions}
}

// handleHandbook lists the documents of the user's teams and school; the
// zorgcoördinator also gets the form to add one.
func (s *Server) handleHandbook(w http.ResponseWriter, r *http.Request) {
	a := s.actor(r)
	hv, err := s.app.Handbook(r.Context(), a)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	f := &form{Values: url.Values{"owner": {a.User.ID}, "review_on": {s.today().AddDate(1, 0, 0).Format(time.DateOnly)}}}
	if len(hv.Scopes) > 0 {
		f.Values.Set("scope", hv.Scopes[0].Value)
	}
	v := s.newView(r, "handbook.title", handbookPageOf(hv))
	v.Form = f
	if r.URL.Query().Get("saved") == "1" {
		v.Notice = "handbook.saved"
	}
	s.render(w, r, http.StatusOK, "handbook", v)
}

// maxFieldBytes bounds one text field of the upload form.
const maxFieldBytes = 8 << 10

// uploadForm reads the upload form with readUpload. A body too large comes
// back as the file field's error, to be answered with status 413; any other
// form error status 400 answers; an unreadable form is answered here, and ok
// is false.
func (s *Server) uploadForm(w http.ResponseWriter, r *http.Request) (f *form, name string, content []byte, status int, ok bool) {
	f, name, content, err := readUpload(w, r)
	status = http.StatusBadRequest
	var verrs casus.ValidationErrors
	if errors.As(err, &verrs) {
		f.Errs, status = verrs, http.StatusRequestEntityTooLarge
	} else if err != nil {
		s.renderError(w, r, err)
		return nil, "", nil, 0, false
	}
	return f, name, content, status, true
}

// checkUpload checks the file as casus.CheckUpload does and puts what is
// wrong beside the file field; a file over the limit answers 413, like a
// body over it. Only an unexpected failure is returned.
func checkUpload(f *form, name string, content []byte, status *int) (string, error) {
	t, err := casus.CheckUpload(name, content)
	var e *casus.Error
	switch {
	case err == nil:
		return t, nil
	case !errors.As(err, &e):
		return "", err
	}
	f.Errs = append(f.Errs, e)
	if e.Key == "upload.too_large" {
		*status = http.StatusRequestEntityTooLarge
	}
	return "", nil
}

// readUpload reads the multipart upload form: its text fields into a form,
// and the file with the name exactly as the browser sent it (the standard
// library's FileName would strip a path and hide a "../" we must refuse).
// The body is bounded just above the file limit; a bigger one is refused as
// too large, before anything is read into the database.
func readUpload(w http.ResponseWriter, r *http.Request) (*form, string, []byte, error) {
	return readUploadMax(w, r, casus.MaxUploadBytes)
}

// readUploadMax is readUpload for a file of at most max bytes.
func readUploadMax(w http.ResponseWriter, r *http.Request, max int64) (*form, string, []byte, error) {
	r.Body = http.MaxBytesReader(w, r.Body, max+1<<20)
	f := &form{Values: url.Values{}, today: state(r).today}
	tooLarge := func() error {
		return casus.ValidationErrors{casus.FieldError("file", "upload.too_large", map[string]any{"MB": max >> 20})}
	}
	mr, err := r.MultipartReader()
	if err != nil {
		return f, "", nil, &casus.Error{Code: casus.EINVALID, Key: "error.unreadable_form"}
	}
	var name string
	var content []byte
	fileSeen := false
	for {
		p, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return f, "", nil, tooLarge()
		}
		if err != nil {
			return f, "", nil, &casus.Error{Code: casus.EINVALID, Key: "error.unreadable_form"}
		}
		_, params, _ := mime.ParseMediaType(p.Header.Get("Content-Disposition"))
		field := p.FormName()
		if field == "file" {
			if fileSeen {
				return f, "", nil, &casus.Error{Code: casus.EINVALID, Key: "error.unreadable_form"}
			}
			fileSeen = true
			name = params["filename"]
			var buf bytes.Buffer
			_, err := io.Copy(&buf, io.LimitReader(p, max+1))
			if errors.As(err, &mbe) {
				return f, "", nil, tooLarge()
			}
			if err != nil {
				return f, "", nil, &casus.Error{Code: casus.EINVALID, Key: "error.unreadable_form"}
			}
			content = buf.Bytes()
			continue
		}
		b, err := io.ReadAll(io.LimitReader(p, maxFieldBytes+1))
		if errors.As(err, &mbe) {
			return f, "", nil, tooLarge()
		}
		if err != nil || len(b) > maxFieldBytes {
			return f, "", nil, &casus.Error{Code: casus.EINVALID, Key: "error.unreadable_form"}
		}
		f.Values.Add(field, string(b))
	}
	return f, name, content, nil
}

// handleHandbookUpload adds a document (app.AddHandbookDocument). Every
// check — the fields, the file's name, size and type by content — passes
// before anything is stored; the file is stored under a new internal id.
func (s *Server) handleHandbookUpload(w http.ResponseWriter, r *http.Request) {
	if !casus.CanManageHandbook(*state(r).user) {
		s.renderError(w, r, &casus.Error{Code: casus.EFORBIDDEN, Key: "error.forbidden"})
		return
	}
	f, name, content, status, ok := s.uploadForm(w, r)
	if !ok {
		return
	}
	if f.Errs != nil { // a body too large has no fields to read
		hv, err := s.app.Handbook(r.Context(), s.actor(r))
		s.renderHandbookAgain(w, r, hv, err, f, status)
		return
	}
	d := casus.Document{FileName: name,
		Kind:    casus.DocKind(f.choice("kind", true, stringsOf(casus.DocKinds)...)),
		Title:   f.text("title", textRule{required: true, max: 200}),
		OwnerID: f.chosen("owner"),
		Version: f.text("version", textRule{required: true, max: 40}),
	}
	scope := f.chosen("scope")
	d.ReviewOn = f.day("review_on", true, time.Time{}, "")
	var err error
	if d.ContentType, err = checkUpload(f, name, content, &status); err != nil {
		s.renderError(w, r, err)
		return
	}
	hv, err := s.app.AddHandbookDocument(r.Context(), s.actor(r), d, scope, content, f.Errs)
	if errs, ok := validationErrors(err); ok {
		f.Errs = errs
		s.renderHandbookAgain(w, r, hv, nil, f, status)
		return
	}
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	http.Redirect(w, r, "/handbook?saved=1", http.StatusSeeOther)
}

// renderHandbookAgain shows the handbook with the upload form's errors.
func (s *Server) renderHandbookAgain(w http.ResponseWriter, r *http.Request, hv app.HandbookView, err error, f *form, status int) {
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	v := s.newView(r, "handbook.title", handbookPageOf(hv))
	v.Form = f
	s.render(w, r, status, "handbook", v)
}

// handleHandbookDocument serves a document as an attachment, never shown
// inline, with the type found at upload and no sniffing by the browser.
func (s *Server) handleHandbookDocument(w http.ResponseWriter, r *http.Request) {
	d, content, err := s.app.HandbookDocument(r.Context(), s.actor(r), r.PathValue("id"))
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	h := w.Header()
	h.Set("Content-Type", d.ContentType)
	h.Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": d.FileName}))
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Cache-Control", "private, no-store")
	h.Set("Content-Security-Policy", "default-src 'none'; sandbox")
	w.Write(content)
}

type versionPage struct {
	Document casus.Document
	Earlier  []casus.Document
	MaxMB    int
	Types    string
}

func versionPageOf(v app.HandbookRevision) versionPage {
	return versionPage{Document: v.Document, Earlier: v.Earlier, MaxMB: casus.MaxUploadBytes >> 20, Types: casus.UploadExtensions}
}

// handleHandbookVersionForm shows the form for a new version of a document,
// with the versions before it.
func (s *Server) handleHandbookVersionForm(w http.ResponseWriter, r *http.Request) {
	rev, err := s.app.HandbookRevisionFor(r.Context(), s.actor(r), r.PathValue("id"))
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	v := s.newView(r, "handbook.new_version", versionPageOf(rev))
	v.Form = &form{Values: url.Values{"review_on": {s.today().AddDate(1, 0, 0).Format(time.DateOnly)}}}
	s.render(w, r, http.StatusOK, "handbook_version", v)
}

// handleHandbookVersion stores a new version of a document, checked like
// any upload; the old version stays downloadable from the new one's page.
func (s *Server) handleHandbookVersion(w http.ResponseWriter, r *http.Request) {
	a := s.actor(r)
	rev, err := s.app.HandbookRevisionFor(r.Context(), a, r.PathValue("id"))
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	page := versionPageOf(rev)
	f, name, content, status, ok := s.uploadForm(w, r)
	if !ok {
		return
	}
	d := casus.Document{OwnerID: page.Document.OwnerID, FileName: name,
		Version:  f.text("version", textRule{required: true, max: 40}),
		ReviewOn: f.day("review_on", true, time.Time{}, ""),
	}
	if f.Errs == nil {
		if d.ContentType, err = checkUpload(f, name, content, &status); err != nil {
			s.renderError(w, r, err)
			return
		}
	}
	if f.Errs != nil {
		v := s.newView(r, "handbook.new_version", page)
		v.Form = f
		s.render(w, r, status, "handbook_version", v)
		return
	}
	if err := s.app.AddHandbookVersion(r.Context(), a, page.Document.ID, d, content); err != nil {
		s.renderError(w, r, err)
		return
	}
	http.Redirect(w, r, "/handbook?saved=1", http.StatusSeeOther)
}
