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
	Documents []casus.Document
	CanManage bool
	Scopes    []handbookScope // where the coordinator may add documents
	Owners    []casus.User
	Kinds     []casus.DocKind
	MaxMB     int
	Types     string
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
	if page.Documents, err = tx.Documents(ctx, teams, schools); err != nil || !page.CanManage {
		return page, err
	}
	chaired, err := tx.ChairedTeams(ctx, u.ID)
	if err != nil {
		return page, err
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
	f, name, content, err := readUpload(w, r)
	status := http.StatusBadRequest
	var verrs casus.ValidationErrors
	if errors.As(err, &verrs) {
		f.Errs, status = verrs, http.StatusRequestEntityTooLarge
	} else if err != nil {
		s.renderError(w, r, err)
		return
	}
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
		if d.ContentType, err = casus.CheckUpload(name, content); err != nil {
			var e *casus.Error
			if !errors.As(err, &e) {
				return err
			}
			f.Errs = append(f.Errs, e)
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
