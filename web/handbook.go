package web

import (
	"bytes"
	"context"
	"errors"
	"io"
	"mime"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"casus"
	"casus/storage"
)

// handbookScope is a team or school whose handbook the user reads.
type handbookScope struct {
	Value string // "team:<id>" or "school:<id>"
	Name  string
}

type handbookPage struct {
	Documents []handbookRow
	CanManage bool
	Scopes    []handbookScope // where the coordinator may add documents
	Owners    []casus.User
	Kinds     []casus.DocKind
	MaxMB     int
	Types     string
}

// handbookRow is a document in the list, with whether the user may add a
// new version of it.
type handbookRow struct {
	casus.Document
	CanRevise bool
}

// handbookReach returns the teams and schools whose handbooks the user
// reads: the teams they are a member of, the teams serving their school,
// and their school.
func handbookReach(ctx context.Context, tx *storage.Tx, u casus.User) (teams, schools []string, err error) {
	if teams, err = tx.MemberTeams(ctx, u.ID); err != nil {
		return nil, nil, err
	}
	if u.SchoolID != "" {
		serving, err := tx.TeamsServing(ctx, u.SchoolID)
		if err != nil {
			return nil, nil, err
		}
		for _, t := range serving {
			if !slices.Contains(teams, t.ID) {
				teams = append(teams, t.ID)
			}
		}
		schools = []string{u.SchoolID}
	}
	return teams, schools, nil
}

func (s *Server) handbookPage(ctx context.Context, tx *storage.Tx, u casus.User) (handbookPage, error) {
	page := handbookPage{CanManage: casus.CanManageHandbook(u), Kinds: casus.DocKinds, MaxMB: casus.MaxUploadBytes >> 20,
		Types: casus.UploadExtensions}
	teams, schools, err := handbookReach(ctx, tx, u)
	if err != nil {
		return page, err
	}
	docs, err := tx.Documents(ctx, teams, schools)
	if err != nil {
		return page, err
	}
	chaired, err := tx.ChairedTeams(ctx, u.ID)
	if err != nil {
		return page, err
	}
	chairedIDs := idsOf(chaired, func(t casus.CareTeam) string { return t.ID })
	for _, d := range docs {
		page.Documents = append(page.Documents, handbookRow{Document: d, CanRevise: casus.CanReviseDocument(u, d, chairedIDs)})
	}
	if !page.CanManage {
		return page, nil
	}
	seen := map[string]bool{u.ID: true}
	page.Owners = append(page.Owners, u)
	for _, t := range chaired {
		page.Scopes = append(page.Scopes, handbookScope{Value: "team:" + t.ID, Name: t.Name})
		ms, err := tx.TeamMembers(ctx, t.ID)
		if err != nil {
			return page, err
		}
		for _, m := range ms {
			if !seen[m.User.ID] && !m.User.Disabled {
				seen[m.User.ID] = true
				page.Owners = append(page.Owners, m.User)
			}
		}
	}
	if u.SchoolID != "" {
		page.Scopes = append(page.Scopes, handbookScope{Value: "school:" + u.SchoolID, Name: u.OrgName})
	}
	return page, nil
}

// handleHandbook lists the documents of the user's teams and school; the
// zorgcoördinator also gets the form to add one.
func (s *Server) handleHandbook(w http.ResponseWriter, r *http.Request) {
	var page handbookPage
	err := s.db.View(r.Context(), func(tx *storage.Tx) (err error) {
		page, err = s.handbookPage(r.Context(), tx, *state(r).user)
		return err
	})
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	u := state(r).user
	f := &form{Values: url.Values{"owner": {u.ID}, "review_on": {s.today().AddDate(1, 0, 0).Format(time.DateOnly)}}}
	if len(page.Scopes) > 0 {
		f.Values.Set("scope", page.Scopes[0].Value)
	}
	v := s.newView(r, "handbook.title", page)
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
	r.Body = http.MaxBytesReader(w, r.Body, casus.MaxUploadBytes+1<<20)
	f := &form{Values: url.Values{}}
	tooLarge := func() error {
		return casus.ValidationErrors{casus.FieldError("file", "upload.too_large", map[string]any{"MB": casus.MaxUploadBytes >> 20})}
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
			_, err := io.Copy(&buf, io.LimitReader(p, casus.MaxUploadBytes+1))
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

// handleHandbookUpload adds a document. Every check — the fields, the file's
// name, size and type by content — passes before anything is stored; the
// file is stored under a new internal id.
func (s *Server) handleHandbookUpload(w http.ResponseWriter, r *http.Request) {
	u := *state(r).user
	if !casus.CanManageHandbook(u) {
		s.renderError(w, r, &casus.Error{Code: casus.EFORBIDDEN, Key: "error.forbidden"})
		return
	}
	ctx := r.Context()
	f, name, content, status, ok := s.uploadForm(w, r)
	if !ok {
		return
	}
	var err error
	var page handbookPage
	err = s.db.Update(ctx, func(tx *storage.Tx) error {
		if page, err = s.handbookPage(ctx, tx, u); err != nil || f.Errs != nil {
			return err
		}
		scopes := make([]string, len(page.Scopes))
		for i, sc := range page.Scopes {
			scopes[i] = sc.Value
		}
		d := casus.Document{UploadedBy: u.ID, FileName: name,
			Kind:    casus.DocKind(f.choice("kind", true, stringsOf(casus.DocKinds)...)),
			Title:   f.text("title", textRule{required: true, max: 200}),
			OwnerID: f.choice("owner", true, idsOf(page.Owners, func(o casus.User) string { return o.ID })...),
			Version: f.text("version", textRule{required: true, max: 40}),
		}
		scope := f.choice("scope", true, scopes...)
		if kind, id, ok := strings.Cut(scope, ":"); ok && kind == "team" {
			d.TeamID = id
		} else if ok {
			d.SchoolID = id
		}
		d.ReviewOn = f.day("review_on", true, time.Time{}, "")
		if d.ContentType, err = checkUpload(f, name, content, &status); err != nil {
			return err
		}
		if f.Errs != nil {
			return nil
		}
		return tx.AddDocument(ctx, &d, content)
	})
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	if f.Errs != nil {
		v := s.newView(r, "handbook.title", page)
		v.Form = f
		s.render(w, r, status, "handbook", v)
		return
	}
	http.Redirect(w, r, "/handbook?saved=1", http.StatusSeeOther)
}

// handleHandbookDocument serves a document as an attachment, never shown
// inline, with the type found at upload and no sniffing by the browser.
func (s *Server) handleHandbookDocument(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	u := *state(r).user
	id := r.PathValue("id")
	if !casus.ValidID(id) {
		s.renderError(w, r, casus.ErrNotFound)
		return
	}
	var d casus.Document
	var content []byte
	err := s.db.View(ctx, func(tx *storage.Tx) error {
		teams, schools, err := handbookReach(ctx, tx, u)
		if err != nil {
			return err
		}
		if d, content, err = tx.Document(ctx, id); err != nil {
			return err
		}
		if !slices.Contains(teams, d.TeamID) && !slices.Contains(schools, d.SchoolID) {
			return casus.ErrNotFound
		}
		return nil
	})
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

// documentForRevision finds a current document the user reaches and may
// revise: one out of reach is not found, one in reach they may not revise
// is forbidden.
func documentForRevision(ctx context.Context, tx *storage.Tx, u casus.User, id string) (versionPage, error) {
	page := versionPage{MaxMB: casus.MaxUploadBytes >> 20, Types: casus.UploadExtensions}
	if !casus.ValidID(id) {
		return page, casus.ErrNotFound
	}
	teams, schools, err := handbookReach(ctx, tx, u)
	if err != nil {
		return page, err
	}
	d, _, err := tx.Document(ctx, id)
	if err != nil {
		return page, err
	}
	if !slices.Contains(teams, d.TeamID) && !slices.Contains(schools, d.SchoolID) {
		return page, casus.ErrNotFound
	}
	chaired, err := tx.ChairedTeams(ctx, u.ID)
	if err != nil {
		return page, err
	}
	if d.SupersededBy != "" {
		return page, casus.Errorf(casus.ECONFLICT, "handbook.replaced")
	}
	if !casus.CanReviseDocument(u, d, idsOf(chaired, func(t casus.CareTeam) string { return t.ID })) {
		return page, &casus.Error{Code: casus.EFORBIDDEN, Key: "error.forbidden"}
	}
	page.Document = d
	page.Earlier, err = tx.EarlierVersions(ctx, d.ID)
	return page, err
}

// handleHandbookVersionForm shows the form for a new version of a document,
// with the versions before it.
func (s *Server) handleHandbookVersionForm(w http.ResponseWriter, r *http.Request) {
	var page versionPage
	err := s.db.View(r.Context(), func(tx *storage.Tx) (err error) {
		page, err = documentForRevision(r.Context(), tx, *state(r).user, r.PathValue("id"))
		return err
	})
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	v := s.newView(r, "handbook.new_version", page)
	v.Form = &form{Values: url.Values{"review_on": {s.today().AddDate(1, 0, 0).Format(time.DateOnly)}}}
	s.render(w, r, http.StatusOK, "handbook_version", v)
}

// handleHandbookVersion stores a new version of a document, checked like
// any upload; the old version stays downloadable from the new one's page.
func (s *Server) handleHandbookVersion(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	u := *state(r).user
	var page versionPage
	if err := s.db.View(ctx, func(tx *storage.Tx) (err error) {
		page, err = documentForRevision(ctx, tx, u, r.PathValue("id"))
		return err
	}); err != nil {
		s.renderError(w, r, err)
		return
	}
	f, name, content, status, ok := s.uploadForm(w, r)
	if !ok {
		return
	}
	var err error
	d := casus.Document{UploadedBy: u.ID, OwnerID: page.Document.OwnerID, FileName: name,
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
	err = s.db.Update(ctx, func(tx *storage.Tx) error {
		// Again inside the writing transaction: still current, still allowed.
		cur, err := documentForRevision(ctx, tx, u, page.Document.ID)
		if err != nil {
			return err
		}
		return tx.AddVersion(ctx, cur.Document, &d, content)
	})
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	http.Redirect(w, r, "/handbook?saved=1", http.StatusSeeOther)
}
