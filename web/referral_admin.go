package web

import (
	"net/http"
	"slices"
	"strings"

	"casus"
	"casus/app"
)

type referralFormSettingsPage struct {
	Kinds      []casus.TeamKind
	Fields     []casus.ReferralField
	Always     map[casus.ReferralField]bool // required whatever the setting
	Required   map[casus.TeamKind]map[casus.ReferralField]bool
	Categories string // one per line
	Saved      bool
}

func referralRequiredName(kind casus.TeamKind) string { return "required_" + string(kind) }

// handleAdminReferralForm shows, per team kind, which parts of the referral
// form a submission needs.
func (s *Server) handleAdminReferralForm(w http.ResponseWriter, r *http.Request) {
	set, err := s.app.ReferralSettings(r.Context())
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	required := set.Required
	page := referralFormSettingsPage{Kinds: app.ReferralFormKinds, Fields: casus.ReferralFields, Always: map[casus.ReferralField]bool{},
		Required: map[casus.TeamKind]map[casus.ReferralField]bool{}, Categories: strings.Join(set.Categories, "\n")}
	for _, f := range casus.AlwaysRequired {
		page.Always[f] = true
	}
	for _, k := range app.ReferralFormKinds {
		page.Required[k] = map[casus.ReferralField]bool{}
		for _, f := range required[k] {
			page.Required[k][f] = true
		}
	}
	page.Saved = r.URL.Query().Get("done") == "1"
	s.render(w, r, http.StatusOK, "referral_settings", s.newView(r, "referral.settings.title", page))
}

// handleAdminSaveReferralForm stores the required parts per team kind. The
// parts every referral needs stay required whatever is sent.
func (s *Server) handleAdminSaveReferralForm(w http.ResponseWriter, r *http.Request) {
	f, err := parseForm(w, r)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	required := map[casus.TeamKind][]casus.ReferralField{}
	for _, k := range app.ReferralFormKinds {
		name := referralRequiredName(k)
		for _, v := range f.Values[name] {
			fl := casus.ReferralField(v)
			if !fl.Valid() {
				f.fail(name, "error.choice", nil)
				break
			}
			if !slices.Contains(required[k], fl) {
				required[k] = append(required[k], fl)
			}
		}
	}
	// The categories as the page sends them; a form without the field
	// leaves the list as it is, an emptied one is refused.
	var categories []string
	if _, sent := f.Values["categories"]; sent {
		categories = casus.ParseProblemCategories(f.paragraphs("categories", textRule{max: 5000}))
		if len(categories) == 0 && f.Error("categories") == nil {
			f.fail("categories", "referral.settings.categories_empty", nil)
		}
	}
	if f.Errs != nil {
		s.renderError(w, r, f.Errs)
		return
	}
	if err := s.app.SetReferralSettings(r.Context(), s.actor(r), app.ReferralSettings{Required: required, Categories: categories}); err != nil {
		s.renderError(w, r, err)
		return
	}
	http.Redirect(w, r, "/admin/referral-form?done=1", http.StatusSeeOther)
}
