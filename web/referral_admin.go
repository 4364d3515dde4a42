package web

import (
	"fmt"
	"net/http"
	"slices"
	"strings"

	"casus"
	"casus/storage"
)

// referralFormKinds are the team kinds whose referral form the beheerder
// configures.
var referralFormKinds = []casus.TeamKind{casus.TeamIntern, casus.TeamZAT}

type referralFormSettingsPage struct {
	Kinds    []casus.TeamKind
	Fields   []casus.ReferralField
	Always   map[casus.ReferralField]bool // required whatever the setting
	Required map[casus.TeamKind]map[casus.ReferralField]bool
	Saved    bool
}

func referralRequiredName(kind casus.TeamKind) string { return "required_" + string(kind) }

// handleAdminReferralForm shows, per team kind, which parts of the referral
// form a submission needs.
func (s *Server) handleAdminReferralForm(w http.ResponseWriter, r *http.Request) {
	page := referralFormSettingsPage{Kinds: referralFormKinds, Fields: casus.ReferralFields, Always: map[casus.ReferralField]bool{},
		Required: map[casus.TeamKind]map[casus.ReferralField]bool{}}
	for _, f := range casus.AlwaysRequired {
		page.Always[f] = true
	}
	err := s.db.View(r.Context(), func(tx *storage.Tx) error {
		for _, k := range referralFormKinds {
			fs, err := tx.ReferralRequired(r.Context(), k)
			if err != nil {
				return err
			}
			page.Required[k] = map[casus.ReferralField]bool{}
			for _, f := range fs {
				page.Required[k][f] = true
			}
		}
		return nil
	})
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	page.Saved = r.URL.Query().Get("done") == "1"
	s.render(w, r, http.StatusOK, "referral_settings", s.newView(r, "referral.settings.title", page))
}

// handleAdminSaveReferralForm stores the required parts per team kind. The
// parts every referral needs stay required whatever is sent.
func (s *Server) handleAdminSaveReferralForm(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	f, err := parseForm(w, r)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	required := map[casus.TeamKind][]casus.ReferralField{}
	for _, k := range referralFormKinds {
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
	if f.Errs != nil {
		s.renderError(w, r, f.Errs)
		return
	}
	err = s.db.Update(ctx, func(tx *storage.Tx) error {
		var changes []string
		for _, k := range referralFormKinds {
			old, err := tx.ReferralRequired(ctx, k)
			if err != nil {
				return err
			}
			sorted := func(fs []casus.ReferralField) string { return casus.FormatRequired(slices.Sorted(slices.Values(fs))) }
			if before, after := sorted(old), sorted(required[k]); before != after {
				changes = append(changes, fmt.Sprintf("referral form %s required: %q → %q", k, before, after))
			}
			if err := tx.SetReferralRequired(ctx, k, required[k]); err != nil {
				return err
			}
		}
		if len(changes) == 0 {
			return nil // saved as it was: nothing to record
		}
		e := s.securityEvent(r, casus.SecSettingsChanged)
		e.Detail = strings.Join(changes, "; ")
		return tx.LogSecurityEvent(ctx, e)
	})
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	http.Redirect(w, r, "/admin/referral-form?done=1", http.StatusSeeOther)
}
