package app

import (
	"context"
	"slices"
	"strings"

	"casus"
	"casus/storage"
)

// The handbook: the documents of the user's teams and school (procedures,
// protocols, the complaints procedure), which the zorgcoördinator adds and
// their owners revise.

// handbookReach returns the teams and schools whose handbooks u reads: the
// teams they are a member of, the teams serving their school, and their
// school.
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

func handbookTeamIDs(ts []casus.CareTeam) []string {
	ids := make([]string, len(ts))
	for i, t := range ts {
		ids[i] = t.ID
	}
	return ids
}

// HandbookScope is a team or school whose handbook the user reads.
type HandbookScope struct {
	Value string // "team:<id>" or "school:<id>"
	Name  string
}

// HandbookRow is a document in the list, with whether the user may add a
// new version of it.
type HandbookRow struct {
	casus.Document
	CanRevise bool
}

// HandbookView is the handbook: the documents the actor reads and, for the
// zorgcoördinator, where they may add one and who may own it.
type HandbookView struct {
	Documents []HandbookRow
	CanManage bool
	Scopes    []HandbookScope // where the coordinator may add documents
	Owners    []casus.User
}

func handbookViewOf(ctx context.Context, tx *storage.Tx, u casus.User) (HandbookView, error) {
	page := HandbookView{CanManage: casus.CanManageHandbook(u)}
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
	chairedIDs := handbookTeamIDs(chaired)
	for _, d := range docs {
		page.Documents = append(page.Documents, HandbookRow{Document: d, CanRevise: casus.CanReviseDocument(u, d, chairedIDs)})
	}
	if !page.CanManage {
		return page, nil
	}
	seen := map[string]bool{u.ID: true}
	page.Owners = append(page.Owners, u)
	for _, t := range chaired {
		page.Scopes = append(page.Scopes, HandbookScope{Value: "team:" + t.ID, Name: t.Name})
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
		page.Scopes = append(page.Scopes, HandbookScope{Value: "school:" + u.SchoolID, Name: u.OrgName})
	}
	return page, nil
}

// Handbook lists the documents of the actor's teams and school.
func (s *Service) Handbook(ctx context.Context, a Actor) (HandbookView, error) {
	var page HandbookView
	err := s.db.View(ctx, func(tx *storage.Tx) (err error) {
		page, err = handbookViewOf(ctx, tx, a.User)
		return err
	})
	return page, err
}

var errHandbookForbidden = &casus.Error{Code: casus.EFORBIDDEN, Key: "error.forbidden"}

// AddHandbookDocument adds the document d with its content, checked by the
// door (casus.CheckUpload), in scope ("team:<id>" or "school:<id>", one of
// the actor's scopes) with an owner among the actor's owners. errs are the
// errors the door found; with any, or a scope or owner not the actor's,
// nothing is stored and the handbook comes back with the errors.
func (s *Service) AddHandbookDocument(ctx context.Context, a Actor, d casus.Document, scope string, content []byte, errs casus.ValidationErrors) (HandbookView, error) {
	u := a.User
	if !casus.CanManageHandbook(u) {
		return HandbookView{}, errHandbookForbidden
	}
	var page HandbookView
	err := s.db.Update(ctx, func(tx *storage.Tx) error {
		var err error
		if page, err = handbookViewOf(ctx, tx, u); err != nil {
			return err
		}
		if !slices.ContainsFunc(page.Owners, func(o casus.User) bool { return o.ID == d.OwnerID }) && errs.Field("owner") == nil {
			errs = append(errs, casus.FieldError("owner", "error.choice", nil))
		}
		if !slices.ContainsFunc(page.Scopes, func(sc HandbookScope) bool { return sc.Value == scope }) {
			if errs.Field("scope") == nil {
				errs = append(errs, casus.FieldError("scope", "error.choice", nil))
			}
		} else if kind, id, _ := strings.Cut(scope, ":"); kind == "team" {
			d.TeamID = id
		} else {
			d.SchoolID = id
		}
		if errs != nil {
			return nil
		}
		d.UploadedBy = u.ID
		return tx.AddDocument(ctx, &d, content)
	})
	if err == nil && errs != nil {
		return page, errs
	}
	return page, err
}

// HandbookDocument reads a document the actor reaches, with its content;
// one out of reach is not found.
func (s *Service) HandbookDocument(ctx context.Context, a Actor, id string) (casus.Document, []byte, error) {
	var d casus.Document
	var content []byte
	if !casus.ValidID(id) {
		return d, nil, casus.ErrNotFound
	}
	err := s.db.View(ctx, func(tx *storage.Tx) error {
		teams, schools, err := handbookReach(ctx, tx, a.User)
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
	return d, content, err
}

// HandbookRevision is a current document the actor may revise, with the
// versions before it.
type HandbookRevision struct {
	Document casus.Document
	Earlier  []casus.Document
}

// handbookRevisionOf finds a current document u reaches and may revise:
// one out of reach is not found, one in reach they may not revise is
// forbidden.
func handbookRevisionOf(ctx context.Context, tx *storage.Tx, u casus.User, id string) (HandbookRevision, error) {
	var page HandbookRevision
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
	if !casus.CanReviseDocument(u, d, handbookTeamIDs(chaired)) {
		return page, errHandbookForbidden
	}
	page.Document = d
	page.Earlier, err = tx.EarlierVersions(ctx, d.ID)
	return page, err
}

// HandbookRevisionFor opens the form for a new version of document id.
func (s *Service) HandbookRevisionFor(ctx context.Context, a Actor, id string) (HandbookRevision, error) {
	var page HandbookRevision
	err := s.db.View(ctx, func(tx *storage.Tx) (err error) {
		page, err = handbookRevisionOf(ctx, tx, a.User, id)
		return err
	})
	return page, err
}

// AddHandbookVersion stores d, checked like any upload by the door, as the
// new version of document id; it checks again, in the writing
// transaction, that the document is still current and the actor may
// still revise it. The old version stays downloadable.
func (s *Service) AddHandbookVersion(ctx context.Context, a Actor, id string, d casus.Document, content []byte) error {
	return s.db.Update(ctx, func(tx *storage.Tx) error {
		cur, err := handbookRevisionOf(ctx, tx, a.User, id)
		if err != nil {
			return err
		}
		d.UploadedBy = a.User.ID
		return tx.AddVersion(ctx, cur.Document, &d, content)
	})
}
