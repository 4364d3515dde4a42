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

// ReferralRequired returns, per team kind of ReferralFormKinds, the parts of
// the referral form a submission needs.
func (s *Service) ReferralRequired(ctx context.Context) (map[casus.TeamKind][]casus.ReferralField, error) {
	required := map[casus.TeamKind][]casus.ReferralField{}
	err := s.db.View(ctx, func(tx *storage.Tx) error {
		for _, k := range ReferralFormKinds {
			fs, err := tx.ReferralRequired(ctx, k)
			if err != nil {
				return err
			}
			required[k] = fs
		}
		return nil
	})
	return required, err
}

// SetReferralRequired stores the required parts per team kind of
// ReferralFormKinds (a kind missing from required needs only what every
// referral needs), and records what changed as a security event. Only the
// beheerder may (casus.CanAdminister).
func (s *Service) SetReferralRequired(ctx context.Context, a Actor, required map[casus.TeamKind][]casus.ReferralField) error {
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
		if len(changes) == 0 {
			return nil // saved as it was: nothing to record
		}
		e := &casus.SecurityEvent{Kind: casus.SecSettingsChanged, ClientAddr: a.ClientAddr, UserAgent: a.UserAgent,
			RequestID: a.RequestID, Instance: s.db.Instance, ActorID: a.User.ID, ActorName: a.User.Name,
			Detail: strings.Join(changes, "; ")}
		return tx.LogSecurityEvent(ctx, e)
	})
}
