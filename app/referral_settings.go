package app

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"casus"
	"casus/storage"
)

// ReferralFormKinds are the team kinds whose referral form the beheerder
// configures.
var ReferralFormKinds = []casus.TeamKind{casus.TeamIntern, casus.TeamZAT}

// ReferralSettings is how the installation's referral form asks: the parts
// a submission needs per team kind of ReferralFormKinds, and the problem
// categories to choose from.
type ReferralSettings struct {
	Required   map[casus.TeamKind][]casus.ReferralField
	Categories []string
}

// ReferralSettings returns the referral form's settings.
func (s *Service) ReferralSettings(ctx context.Context) (ReferralSettings, error) {
	set := ReferralSettings{Required: map[casus.TeamKind][]casus.ReferralField{}}
	err := s.db.View(ctx, func(tx *storage.Tx) error {
		for _, k := range ReferralFormKinds {
			fs, err := tx.ReferralRequired(ctx, k)
			if err != nil {
				return err
			}
			set.Required[k] = fs
		}
		var err error
		set.Categories, err = tx.ProblemCategories(ctx)
		return err
	})
	return set, err
}

// SetReferralSettings stores the required parts per team kind of
// ReferralFormKinds (a kind missing from required needs only what every
// referral needs) and the problem categories (none given: the list stays
// as it is), and records what changed as a security event. Only the
// beheerder may (casus.CanAdminister).
func (s *Service) SetReferralSettings(ctx context.Context, a Actor, set ReferralSettings) error {
	required := set.Required
	if !casus.CanAdminister(a.User) {
		return &casus.Error{Code: casus.EFORBIDDEN, Key: "error.forbidden"}
	}
	return s.db.Update(ctx, func(tx *storage.Tx) error {
		var changes []string
		for _, k := range ReferralFormKinds {
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
		if len(set.Categories) > 0 {
			old, err := tx.ProblemCategories(ctx)
			if err != nil {
				return err
			}
			if before, after := strings.Join(old, " | "), strings.Join(set.Categories, " | "); before != after {
				changes = append(changes, fmt.Sprintf("problem categories: %q → %q", before, after))
				if err := tx.SetProblemCategories(ctx, set.Categories); err != nil {
					return err
				}
			}
		}
		if len(changes) == 0 {
			return nil // saved as it was: nothing to record
		}
		e := &casus.SecurityEvent{Kind: casus.SecSettingsChanged, ClientAddr: a.ClientAddr, UserAgent: a.UserAgent,
			RequestID: a.RequestID, Instance: s.db.Instance, ActorID: a.User.ID, ActorName: a.User.Name,
			Detail: strings.Join(changes, "; ")}
		return tx.LogSecurityEvent(ctx, e)
	})
}
